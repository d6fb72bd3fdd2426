//! The "Examples:" of every subcommand's `--help` are meant to be copied: each line
//! is one whole command (or a comment-free continuation after a trailing `\`), never
//! a command that clap's wrapping at 100 columns cut in two.

use crate::support::Sandbox;

/// Every subcommand path, nested ones included (`settings set`), from the clap tree.
fn subcommands() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands() {
            // Hidden: the slim build's `emulate` and `demo`, which only say they are not there.
            if sub.get_name() == "help" || sub.is_hide_set() {
                continue;
            }
            let mut p = path.to_vec();
            p.push(sub.get_name().to_string());
            out.push(p.clone());
            walk(sub, &p, out);
        }
    }
    let mut out = Vec::new();
    walk(&crmctl::cli::command(), &[], &mut out);
    out
}

/// The lines of the help's "Examples:" section that do not start a command and do
/// not follow a line ending in ` \`.
fn broken_example_lines(help: &str) -> Vec<String> {
    let mut broken = Vec::new();
    let mut continued = false;
    for line in help
        .lines()
        .skip_while(|l| l.trim_end() != "Examples:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
    {
        let continues = line.trim_end().ends_with(" \\");
        let starts_a_command = line.contains("crmctl ") || continues;
        if !starts_a_command && !continued {
            broken.push(line.to_string());
        }
        continued = continues;
    }
    broken
}

#[test]
fn help_examples_are_whole_commands() {
    let sb = Sandbox::new();
    let subs = subcommands();
    assert!(
        subs.iter().any(|p| p == &["settings", "set"]),
        "nested subcommands are walked: {subs:?}"
    );
    let mut broken = Vec::new();
    for path in &subs {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = sb.run(&args, &[], "");
        out.assert_code(0);
        for line in broken_example_lines(&out.stdout) {
            broken.push(format!("crmctl {}: {line:?}", path.join(" ")));
        }
    }
    assert!(
        broken.is_empty(),
        "help examples cut in two by wrapping (keep each line under 100 columns, \
         continue with ` \\`):\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_check_sees_a_wrapped_example() {
    let help = "Usage: x\n\nExamples:\n  crmctl login --flow jwt --username\n  integration@contoso.com\n  crmctl a \\\n    --b\n  printf x | \\\n    crmctl c\n";
    assert_eq!(
        broken_example_lines(help),
        ["  integration@contoso.com".to_string()]
    );
}
