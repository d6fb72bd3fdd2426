//! Files crmctl writes (`keygen`, `settings init`): only regular files are replaced,
//! a symlink is written through and kept, and no temporary file is ever left behind.

#![cfg(unix)]

use crate::support::Sandbox;

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn keygen_refuses_a_fifo_a_directory_and_a_device() {
    let sb = Sandbox::new();
    let work = sb.path("work");
    std::fs::create_dir(&work).expect("mkdir");
    let fifo = work.join("key.yaml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    std::fs::create_dir(work.join("dir.yaml")).expect("mkdir");
    for (target, what) in [
        (fifo.to_str().expect("utf8"), "FIFO"),
        (work.join("dir.yaml").to_str().expect("utf8"), "directory"),
        ("/dev/null", "device"),
    ] {
        for force in [false, true] {
            let mut args = vec!["keygen", "--out", target];
            if force {
                args.push("--force");
            }
            // A FIFO opened for writing would block forever; refusing must not.
            let out = sb.run(&args, &[], "");
            out.assert_code(3);
            assert!(out.stderr.contains(what), "{target}: {}", out.stderr);
        }
    }
    assert_eq!(entries(&work), ["dir.yaml", "key.yaml"]);
    assert!(entries(&work.join("dir.yaml")).is_empty());
}

#[test]
fn keygen_writes_through_a_symlink_and_keeps_it() {
    let sb = Sandbox::new();
    let real_dir = sb.path("dotfiles");
    std::fs::create_dir(&real_dir).expect("mkdir");
    let real = real_dir.join("key.yaml");
    std::fs::write(&real, "old").expect("write");
    let link = sb.path("key.yaml");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let l = link.to_str().expect("utf8");
    let out = sb.run(&["keygen", "--out", l], &[], "");
    out.assert_code(3);
    assert_eq!(std::fs::read_to_string(&real).expect("read"), "old");
    sb.run(&["keygen", "--out", l, "--force"], &[], "")
        .assert_code(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink(),
        "the link is kept"
    );
    let text = std::fs::read_to_string(&real).expect("read");
    assert!(text.contains("key: hex:"), "{text}");
    assert_eq!(entries(&real_dir), ["key.yaml"]);
    // A dangling link is refused, and its target is not created.
    let dangling = sb.path("gone.yaml");
    std::os::unix::fs::symlink(sb.path("nowhere/key.yaml"), &dangling).expect("symlink");
    let out = sb.run(
        &[
            "keygen",
            "--out",
            dangling.to_str().expect("utf8"),
            "--force",
        ],
        &[],
        "",
    );
    out.assert_code(3);
    assert!(!sb.path("nowhere").exists());
}
