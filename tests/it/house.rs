//! The rules of the house (issue 16), checked on the source itself so that the next
//! change cannot quietly undo them: no command imports another command, no source
//! file holds more than 600 lines before its tests, and one place builds the HTTP
//! client. Each scan is a small function with a test of its own that shows it can
//! find what it looks for.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const MAX_LINES_BEFORE_TESTS: usize = 600;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, sorted, as paths relative to `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).expect("read_dir");
        for entry in entries {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path.strip_prefix(base).expect("prefix").to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Code lines only: `//` comments (doc comments too) say what other code does and
/// may name it.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
}

/// The names after each `prefix` in `line`: `prefix` then an identifier, or a
/// `{a, b::c}` group, whose first segments are taken.
fn names_after<'a>(line: &'a str, prefix: &str) -> Vec<&'a str> {
    let ident = |s: &'a str| {
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        &s[..end]
    };
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find(prefix) {
        // `prefix` must start a path, not end a longer name (`xsuper::`).
        let before = rest[..at].chars().next_back();
        let after = &rest[at + prefix.len()..];
        rest = after;
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = after.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(group.split(',').map(|g| ident(g.trim())));
        } else {
            out.push(ident(after));
        }
    }
    out
}

/// The other commands that a file of command `own`, `depth` folders below
/// `src/commands/`, names: through `crate::commands::`, or through enough `super::`
/// to reach `src/commands/`.
fn foreign_commands(
    own: &str,
    depth: usize,
    text: &str,
    commands: &BTreeSet<String>,
) -> Vec<String> {
    let up = "super::".repeat(depth + 1);
    let mut found = Vec::new();
    for (n, line) in code_lines(text) {
        let mut names = names_after(line, "crate::commands::");
        names.extend(names_after(line, &up));
        for name in names {
            if name != own && commands.contains(name) {
                found.push(format!("line {n}: {name}"));
            }
        }
    }
    found
}

#[test]
fn the_command_scan_finds_a_command_named_through_any_path() {
    let commands: BTreeSet<String> = ["login", "lookup", "doctor"].map(String::from).into();
    let text = "use crate::commands::login::check;\n\
                // crate::commands::lookup in a comment is fine\n\
                let x = super::lookup::run();\n\
                use crate::commands::{doctor, lookup::render};\n\
                use crate::ops::session;\n";
    assert_eq!(
        foreign_commands("doctor", 0, text, &commands),
        ["line 1: login", "line 3: lookup", "line 4: lookup"]
    );
    // One folder down, `super::` is the command's own module and `super::super::`
    // the commands.
    assert_eq!(
        foreign_commands(
            "lookup",
            1,
            "use super::render;\nuse super::super::login;\n",
            &commands
        ),
        ["line 2: login"]
    );
}

#[test]
fn no_command_imports_another_command() {
    let commands_dir = root().join("src/commands");
    let commands: BTreeSet<String> = std::fs::read_dir(&commands_dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").path())
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .filter(|name| name != "mod")
        .collect();
    assert!(
        commands.contains("lookup") && commands.contains("doctor"),
        "{commands:?}"
    );
    let mut found = Vec::new();
    for rel in rust_files(&commands_dir) {
        let own = rel
            .iter()
            .next()
            .and_then(|c| Path::new(c).file_stem())
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if own == "mod" {
            continue; // the dispatcher names every command
        }
        let text = std::fs::read_to_string(commands_dir.join(&rel)).expect("read");
        let depth = rel.components().count() - 1;
        for f in foreign_commands(&own, depth, &text, &commands) {
            found.push(format!("src/commands/{}: {f}", rel.display()));
        }
    }
    assert!(
        found.is_empty(),
        "commands that import other commands (move the shared work to src/ops/):\n{}",
        found.join("\n")
    );
}

/// Lines before the first `#[cfg(test)]`, or all of them.
fn lines_before_tests(text: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with("#[cfg(test)]"))
        .unwrap_or_else(|| text.lines().count())
}

#[test]
fn lines_before_tests_stop_at_the_test_module() {
    assert_eq!(lines_before_tests("a\nb\n#[cfg(test)]\nmod tests {}\n"), 2);
    assert_eq!(lines_before_tests("a\nb\nc\n"), 3);
}

#[test]
fn no_source_file_holds_more_than_600_lines_before_its_tests() {
    let mut long = Vec::new();
    for dir in ["src", "emulator/src"] {
        let dir = root().join(dir);
        for rel in rust_files(&dir) {
            // A file of tests alone (`tests.rs`, `mod tests;` beside the code).
            if rel.file_stem().is_some_and(|s| s == "tests") {
                continue;
            }
            let text = std::fs::read_to_string(dir.join(&rel)).expect("read");
            let n = lines_before_tests(&text);
            if n > MAX_LINES_BEFORE_TESTS {
                long.push(format!("{}/{}: {n} lines", dir.display(), rel.display()));
            }
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES_BEFORE_TESTS} lines before their tests (split them):\n{}",
        long.join("\n")
    );
}

#[test]
fn only_the_context_builds_the_http_client() {
    let src = root().join("src");
    let mut sites = Vec::new();
    for rel in rust_files(&src) {
        if rel.starts_with("salesforce") {
            continue; // the client's own module and its tests
        }
        let text = std::fs::read_to_string(src.join(&rel)).expect("read");
        for (n, line) in code_lines(&text) {
            if line.contains("Client::new(") || line.contains("reqwest::blocking::Client") {
                sites.push((format!("src/{}", rel.display()), n));
            }
        }
    }
    let files: Vec<&str> = sites.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        files,
        ["src/ctx.rs"],
        "one construction, in Ctx::client: {sites:?}"
    );
}

/// Where each connection value's precedence is decided: `ops/connect.rs`. Elsewhere
/// the default API version may only be shown or written, never chosen for a login.
#[test]
fn the_connection_is_resolved_in_one_place() {
    let src = root().join("src");
    // (file, why it names the default version)
    let shown_or_written = [
        ("src/ops/mod.rs", "the re-export"),
        (
            "src/doctor/login.rs",
            "the example in the \"set ApiEndPoint\" hint",
        ),
        (
            "src/commands/login.rs",
            "the example in the \"set ApiEndPoint\" hint",
        ),
        ("src/commands/settings.rs", "the wizard's default answer"),
        ("src/commands/demo/files.rs", "the demo's settings file"),
    ];
    let mut found = Vec::new();
    for rel in rust_files(&src) {
        let file = format!("src/{}", rel.display());
        if file == "src/ops/connect.rs" || rel.starts_with("salesforce") {
            continue;
        }
        let text = std::fs::read_to_string(src.join(&rel)).expect("read");
        for (n, line) in code_lines(&text) {
            let settings_literal = line.contains("HttpSettings {");
            let default_version = line.contains("DEFAULT_API_VERSION")
                && !shown_or_written.iter().any(|(f, _)| *f == file);
            if settings_literal || default_version {
                found.push(format!("{file}:{n}: {}", line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "connection values decided outside ops/connect.rs (use ConnectSettings::resolve or resolve_ucc):\n{}",
        found.join("\n")
    );
}
