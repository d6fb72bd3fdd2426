//! `crmctl demo`: the README's "run it" command works end to end.

use crate::support::Sandbox;

#[test]
fn every_step_behaves_as_expected() {
    let sb = Sandbox::new();
    let out = sb.run(&["demo"], &[], "");
    out.assert_code(0);
    for expected in [
        "$ crmctl keygen --out key.yaml",
        "Encrypted 30 characters (password+token)",
        "decrypts under",
        "ok: logged in as demo@crmctl.example",
        "no security token was sent",
        "pops: Contact Jane Doe",
        "Pieter de Vries",
        "Amelia Clarke",
        "pops: Case 00001026",
        "pops: a blank new record",
        "Demo complete: 13 steps behaved as expected.",
    ] {
        assert!(
            out.stdout.contains(expected),
            "demo output lacks {expected:?}:\n{}",
            out.stdout
        );
    }
    let out = sb.run(&["--json", "demo", "--keep"], &[], "");
    out.assert_code(0);
    let d = out.json()["data"].clone();
    assert_eq!(d["ok"], true);
    assert_eq!(d["steps"].as_array().expect("steps").len(), 13);
    // The settings file it writes is valid YAML with the encrypted values.
    let folder = std::path::PathBuf::from(d["folder"].as_str().expect("kept folder"));
    let settings = std::fs::read_to_string(folder.join("settings.yaml")).expect("settings written");
    let parsed: serde_json::Value = serde_saphyr::from_str(&settings).expect("valid YAML");
    assert_eq!(
        parsed["uccs"][0]["settings"]
            .as_array()
            .expect("rows")
            .len(),
        9
    );
    std::fs::remove_dir_all(folder).expect("clean up");
}

#[cfg(unix)]
#[test]
fn an_interrupted_demo_removes_its_folder() {
    use std::io::BufRead;
    use std::os::unix::process::ExitStatusExt;
    for (signal, number) in [("INT", 2), ("TERM", 15)] {
        let sb = Sandbox::new();
        let mut cmd = sb.cmd(&["demo"]);
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .stdin(std::process::Stdio::null());
        let mut child = cmd.spawn().expect("spawn");
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let folder = loop {
            let line = lines
                .next()
                .expect("the demo names its folder")
                .expect("line");
            if let Some(rest) = line.strip_prefix("Files go to ") {
                let (path, _) = rest.split_once(". The demo").expect("sentence");
                break std::path::PathBuf::from(path);
            }
        };
        assert!(folder.is_dir());
        let sent = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        drop(lines);
        let status = child.wait().expect("wait");
        assert_eq!(status.signal(), Some(number), "SIG{signal}: {status:?}");
        assert!(!folder.exists(), "SIG{signal} left {}", folder.display());
    }
}
