//! Transcripts of a run (exit code, stdout, stderr) compared with a file under
//! `tests/fixtures/`, with what varies redacted. Rewrite the files after a
//! deliberate change with `SNAPSHOTS=overwrite cargo test --test it` and read the diff.

use crate::support::{Run, Sandbox};

/// The command line as a person would type it (when given; leading `NAME=value`
/// items are its environment), then `? code`,
/// stdout and stderr.
pub fn render(args: Option<&[&str]>, run: &Run) -> String {
    let mut s = String::new();
    if let Some(args) = args {
        // Leading `NAME=value` items are the environment, shown before the command.
        let env_len = args
            .iter()
            .take_while(|a| a.split_once('=').is_some_and(|(k, _)| is_env_name(k)))
            .count();
        let (env, args) = args.split_at(env_len);
        let env: String = env.iter().map(|e| format!("{e} ")).collect();
        let shown: Vec<String> = args
            .iter()
            .map(|a| {
                if a.is_empty() || a.contains([' ', '(', ')', '*', '"', '$', '<', '>']) {
                    format!("'{a}'")
                } else {
                    a.to_string()
                }
            })
            .collect();
        s.push_str(&format!("$ {env}crmctl {}\n", shown.join(" ")));
    }
    s.push_str(&format!(
        "? {}\n--- stdout\n{}--- stderr\n{}",
        run.code, run.stdout, run.stderr
    ));
    s
}

fn is_env_name(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c == '_')
}

/// Compares `actual` with `expected`, the sandbox folder shown as `[ROOT]` and each
/// `(placeholder, value)` of `redact` as its placeholder. Backslashes are kept
/// (escaped org text is what these files check).
#[track_caller]
pub fn assert(
    sb: &Sandbox,
    redact: &[(&'static str, &str)],
    actual: String,
    expected: impl snapbox::IntoData,
) {
    let mut r = snapbox::Redactions::new();
    r.insert("[ROOT]", sb.dir.path().to_string_lossy().into_owned())
        .expect("placeholder");
    for (placeholder, value) in redact {
        r.insert(placeholder, value.to_string())
            .expect("placeholder");
    }
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .redact_with(r)
        .normalize_paths(false)
        .eq(actual, expected);
}

/// Several runs, each with its command line, as one transcript.
pub fn runs(steps: &[(&[&str], &Run)]) -> String {
    steps
        .iter()
        .map(|(args, run)| render(Some(args), run))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs crmctl in `sb` and compares the whole transcript (command line, exit code,
/// stdout, stderr) with `expected`, the sandbox folder shown as `[ROOT]` and each
/// `(placeholder, value)` of `redact` as its placeholder. Returns the run for the
/// checks a transcript cannot make (a file left alone, a request not sent).
#[track_caller]
pub fn transcript(
    sb: &Sandbox,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: &str,
    redact: &[(&'static str, &str)],
    expected: impl snapbox::IntoData,
) -> Run {
    let out = sb.run(args, env, stdin);
    assert(sb, redact, render(Some(args), &out), expected);
    out
}
