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
