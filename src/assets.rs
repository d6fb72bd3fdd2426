//! Shell completions and man pages, generated from the clap definition. The
//! checked-in copies under `completions/` and `man/` are compared with these by a
//! test; `cargo run --example generate-assets` rewrites them.

use clap_complete::Shell;

pub const REGENERATE_COMMAND: &str = "cargo run --example generate-assets";

/// Every shell we ship a script for, with its file name under `completions/`.
pub const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "crmctl.bash"),
    (Shell::Zsh, "_crmctl"),
    (Shell::Fish, "crmctl.fish"),
    (Shell::PowerShell, "_crmctl.ps1"),
    (Shell::Elvish, "crmctl.elv"),
];

pub fn completion_script(shell: Shell) -> String {
    let mut cmd = crate::cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "crmctl", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// All generated files as (path relative to the repository root, contents).
pub fn generated_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = SHELLS
        .iter()
        .map(|(shell, name)| {
            (
                format!("completions/{name}"),
                completion_script(*shell).into_bytes(),
            )
        })
        .collect();
    // Man pages list subcommands as `crmctl-NAME(1)`; clap's `help` subcommand has no
    // page of its own, so it is left out of them (`crmctl help` still works).
    let mut root = without_help_subcommand(crate::cli::command());
    root.build();
    man_pages(&root, "crmctl", &mut files);
    files
}

fn without_help_subcommand(cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    names
        .into_iter()
        .fold(cmd.disable_help_subcommand(true), |cmd, name| {
            cmd.mut_subcommand(name, without_help_subcommand)
        })
}

/// One page per command and subcommand: `crmctl.1`, `crmctl-encrypt.1`, ...
fn man_pages(cmd: &clap::Command, name: &str, files: &mut Vec<(String, Vec<u8>)>) {
    let page_cmd = cmd
        .clone()
        .name(name.to_string())
        .bin_name(name.replace('-', " "));
    let mut buf = Vec::new();
    // Rendering into a Vec cannot fail for I/O reasons.
    if clap_mangen::Man::new(page_cmd).render(&mut buf).is_ok() {
        files.push((format!("man/{name}.1"), buf));
    }
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), files);
    }
}
