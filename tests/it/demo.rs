//! `crmctl demo`: the README's "run it" command works end to end.

use crate::support::Sandbox;

/// The exit code each step of the demo must end with, in order.
const EXPECTED_EXITS: [(&str, i64); 26] = [
    ("Make a key profile", 0),
    ("Encrypt the password", 0),
    ("Encrypt the Connected App's client id", 0),
    ("Encrypt the client secret", 0),
    ("Check that the Password setting decrypts", 0),
    ("Log in as the CRM Service would", 0),
    ("A login with the token left off", 1),
    ("A caller in E.164 form", 0),
    ("The same Amsterdam number", 0),
    ("One number shared", 0),
    ("An e-mail", 0),
    ("A chat about a case", 0),
    ("A caller nobody knows", 1),
    ("The Amsterdam number as this UCC's CRM Service pops it", 0),
    ("The same number as an 8x8-style search pops it", 0),
    ("Check the settings file", 0),
    ("Check the copy", 1),
    ("The whole chain for the UCC", 0),
    ("Ready for 2027? Each flow for the UCC", 0),
    ("Log in with JWT bearer", 0),
    ("A call logged as the auto log would", 0),
    ("A password reset", 0),
    ("The CRM Service gets a new key", 0),
    ("Re-encrypt Password, ClientId and ClientSecret", 0),
    ("Log in with the rotated settings", 0),
    ("The old key no longer decrypts", 1),
];

/// Files left in the folder the demo makes its temporary folder in.
fn leftovers(tmp: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .expect("read tmp")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_step_behaves_as_expected() {
    let sb = Sandbox::new();
    let tmp = sb.path("tmp");
    std::fs::create_dir(&tmp).expect("tmp");
    let tmp_var = tmp.to_str().expect("utf-8 path");
    let out = sb.run(&["demo"], &[("TMPDIR", tmp_var)], "");
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
        // The UCC's model: its settings on the first line, the Contact with its attributes;
        // the 8x8 model pops the Account.
        "model: crm-service, as the CRM Service of UCC helpdesk (settings.yaml) is configured: DefaultPhoneNumberRegion NL, PhoneNumberFormat National, ShowStatus True (default), 7 PluginAttributes\n",
        "  status: Contact\n  Name: Pieter de Vries\n  Title: Inkoper\n  Account: Amsterdam Trading B.V.\n",
        "pops: Account Amsterdam Trading B.V.",
        // validate-settings: clean but for the test-org warnings...
        "$ crmctl validate-settings --key-file key.yaml settings.yaml\n",
        "settings.yaml:13 LoginEndPoint [test-org]",
        "1 UCC checked: 0 errors, 2 warnings",
        // ...and the copy's two mistakes, each with file:line.
        "settings-with-mistakes.yaml:5 ListsEndpoints [endpoint-host-mismatch]",
        "settings-with-mistakes.yaml:12 ApiEndPoint [api-endpoint]",
        "1 UCC checked: 2 errors, 2 warnings",
        // doctor: every step ok but the settings warning and the unprobed endpoints.
        "number +14155551212: pops Contact Jane Doe",
        "read it back, deleted it",
        // The demo UCC stores national Dutch numbers: its CRM Service would not pop a
        // US caller stored in US form, and doctor says why.
        "why no pop: with PhoneNumberFormat=National the CRM Service would not find Contact Jane Doe, stored as '(415) 555-1212' (Phone)",
        "1 UCC: 1 ready, 0 not ready (7 ok, 2 warnings, 0 failed, 1 skipped; 1 login)",
        // Ready for 2027: the readiness line with JWT, the estate line, a JWT login.
        "  ✓ flow-readiness    password flow accepted; client credentials ready (run as 0055g0000000001AAA); JWT ready\n",
        "1 of 1 UCC uses the username-password flow (retiring in 2027); 1 is ready for client credentials\n",
        "$ crmctl login --flow jwt --jwt-key-file jwt-key.pem --client-id 3MVG9crmctlDEMOclientID.emulator --username demo@crmctl.example\nok: logged in as demo@crmctl.example",
        // lookup --log prints the new Task's Id.
        "logged: Task 00T",
        // settings set: the Password replaced in place.
        "settings set settings.yaml --ucc helpdesk Password --stdin\nsettings.yaml:9 helpdesk Password: sha256:",
        "1 value set in 1 file",
        // The key rotation.
        "$ crmctl keygen --out new-key.yaml",
        "1 file rewritten, 3 values re-encrypted",
        "$ crmctl login --settings settings.yaml --ucc helpdesk --key-file new-key.yaml\nok: logged in as demo@crmctl.example",
        "$ crmctl --key-file key.yaml decrypt --check",
        "Demo complete: 26 steps behaved as expected.",
    ] {
        assert!(
            out.stdout.contains(expected),
            "demo output lacks {expected:?}:\n{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("expected "), "{}", out.stdout);
    // The password-reset step says truly what its fingerprints show.
    let reset = out
        .stdout
        .split("== ")
        .find(|s| s.starts_with("A password reset"))
        .expect("the password-reset step");
    let prints: Vec<&str> = reset
        .split_whitespace()
        .filter(|w| w.starts_with("sha256:"))
        .collect();
    assert_eq!(prints.len(), 2, "{reset}");
    if prints[0] == prints[1] {
        assert!(reset.contains("unchanged, so is the string"), "{reset}");
    } else {
        assert!(!reset.contains("unchanged"), "{reset}");
    }
    assert_eq!(leftovers(&tmp), Vec::<String>::new(), "the demo left files");

    let out = sb.run(&["--json", "demo"], &[("TMPDIR", tmp_var)], "");
    out.assert_code(0);
    let d = out.json()["data"].clone();
    let steps = d["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), EXPECTED_EXITS.len(), "{d}");
    for (step, (title, exit)) in steps.iter().zip(EXPECTED_EXITS) {
        let name = step["step"].as_str().expect("step title");
        assert!(name.starts_with(title), "step {name:?}, expected {title:?}");
        assert_eq!(step["expected_exit"], exit, "{name}");
        assert_eq!(step["exit"], exit, "{name}");
    }
    assert_eq!(d["ok"], true);
    assert_eq!(d["folder"], serde_json::Value::Null);
    assert_eq!(leftovers(&tmp), Vec::<String>::new(), "the demo left files");

    let out = sb.run(&["--json", "demo", "--keep"], &[("TMPDIR", tmp_var)], "");
    out.assert_code(0);
    let d = out.json()["data"].clone();
    assert_eq!(d["ok"], true);
    // The settings file it writes (and rekeys) is valid YAML with the encrypted values.
    let folder = std::path::PathBuf::from(d["folder"].as_str().expect("kept folder"));
    assert!(folder.starts_with(&tmp), "{}", folder.display());
    let settings = std::fs::read_to_string(folder.join("settings.yaml")).expect("settings written");
    let parsed: serde_json::Value = serde_saphyr::from_str(&settings).expect("valid YAML");
    assert_eq!(
        parsed["uccs"][0]["settings"]
            .as_array()
            .expect("rows")
            .len(),
        11,
        "the nine mandatory settings, DefaultPhoneNumberRegion and PhoneNumberFormat"
    );
    assert_eq!(
        parsed["uccs"][0]["plugin_attributes"]
            .as_array()
            .expect("PluginAttributes")
            .len(),
        7
    );
    for kept in ["key.yaml", "new-key.yaml", "settings-with-mistakes.yaml"] {
        assert!(folder.join(kept).is_file(), "{kept} not kept");
    }
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
