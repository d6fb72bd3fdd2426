//! Running the crmctl binary with a clean environment and a private home folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_crmctl");

/// The NIST SP 800-38A AES-256 key and IV, used as the test key profile.
pub const KEY_HEX: &str = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
pub const IV_HEX: &str = "000102030405060708090a0b0c0d0e0f";

pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a raw key profile with mode 0600 and returns its path.
    pub fn key_profile(&self) -> PathBuf {
        self.write_private(
            "key.yaml",
            &format!("key: hex:{KEY_HEX}\niv: hex:{IV_HEX}\n"),
        )
    }

    pub fn write_private(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::write(&p, text).expect("write fixture");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        p
    }

    /// A command with only PATH, a private HOME and config folder, and the given variables.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args);
        self.isolate(&mut c);
        c
    }

    /// Clears the environment but for PATH, a private HOME and config folder.
    pub fn isolate(&self, c: &mut Command) {
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .current_dir(self.dir.path());
    }

    pub fn run(&self, args: &[&str], envs: &[(&str, &str)], stdin: &str) -> Run {
        let mut c = self.cmd(args);
        c.envs(envs.iter().copied());
        run_with_stdin(c, stdin)
    }
}

pub fn run_with_stdin(mut c: Command, stdin: &str) -> Run {
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn crmctl");
    {
        let mut input = child.stdin.take().expect("stdin");
        // The child may exit before reading; a broken pipe here is fine.
        let _ = input.write_all(stdin.as_bytes());
    }
    Run::from(child.wait_with_output().expect("wait crmctl"))
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.stdout))
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// The cipher the test key profile describes, through the library.
pub fn test_cipher() -> crmctl::crypto::Cipher {
    crmctl::crypto::Cipher::new(
        &hex::decode(KEY_HEX).expect("hex"),
        &hex::decode(IV_HEX).expect("hex"),
    )
    .expect("valid key")
}

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The emulated org's demo credentials as crmctl's environment variables, logging
/// in at `login_url` (the My Domain host keeps login and data on one connection).
pub fn demo_env(login_url: &str) -> Vec<(&'static str, String)> {
    use emulator::default_org::*;
    vec![
        ("CRMCTL_PASSWORD", DEMO_PASSWORD.into()),
        ("CRMCTL_TOKEN", DEMO_SECURITY_TOKEN.into()),
        ("CRMCTL_CLIENT_ID", DEMO_CLIENT_ID.into()),
        ("CRMCTL_CLIENT_SECRET", DEMO_CLIENT_SECRET.into()),
        ("CRMCTL_USERNAME", DEMO_USERNAME.into()),
        ("CRMCTL_LOGIN_URL", login_url.into()),
    ]
}
