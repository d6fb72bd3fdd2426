//! The README's "Use it in your CI" recipes, verbatim where no client is needed:
//! every `curl` command in its `sh` blocks is read from the README, run over raw
//! HTTP against a fresh emulator (`$LOGIN`, `$BASE` and variables set by earlier
//! `VAR=$(curl ... | jq -r .field)` lines substituted), and must succeed. The
//! client lines (`sf`, jsforce, simple-salesforce) run in `scripts/clients-smoke.sh`.

mod common;

use std::collections::HashMap;

use common::*;

const README: &str = include_str!("../README.md");

/// The `sh` code blocks of the CI section, in order.
fn sh_blocks() -> Vec<String> {
    let ci = README
        .split_once("## Use it in your CI")
        .map(|(_, rest)| rest)
        .expect("a CI section");
    let mut blocks = Vec::new();
    let mut lines = ci.lines();
    while let Some(l) = lines.next() {
        if l.trim() == "```sh" {
            let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            blocks.push(body.join("\n"));
        }
    }
    blocks
}

/// Shell words of one command: quotes, `\`-newline continuations and `$VAR` /
/// `${VAR}` expansion (outside single quotes).
fn words(cmd: &str, vars: &HashMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = cmd.chars().peekable();
    let (mut single, mut double) = (false, false);
    while let Some(c) = chars.next() {
        match c {
            '\'' if !double => {
                single = !single;
                in_word = true;
            }
            '"' if !single => {
                double = !double;
                in_word = true;
            }
            '\\' if !single => match chars.next() {
                Some('\n') => {}
                Some(n) => {
                    cur.push(n);
                    in_word = true;
                }
                None => {}
            },
            '$' if !single => {
                let braced = chars.peek() == Some(&'{');
                if braced {
                    chars.next();
                }
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        name.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if braced {
                    chars.next();
                }
                let value = vars
                    .get(&name)
                    .unwrap_or_else(|| panic!("README recipe uses ${name}, which no step set"));
                cur.push_str(value);
                in_word = true;
            }
            c if c.is_whitespace() && !single && !double => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// Runs one `curl` command line (the options the recipes use: `-s`, `-d`,
/// `--data-urlencode`, `-H`, `-X`) and returns the answer.
fn curl(cmd: &str, vars: &HashMap<String, String>) -> Resp {
    let w = words(cmd, vars);
    assert_eq!(w.first().map(String::as_str), Some("curl"), "{cmd}");
    let (mut url, mut method, mut headers, mut form) = (None, None, Vec::new(), Vec::new());
    let mut it = w.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-s" | "-sS" | "--silent" | "-f" | "--fail" => {}
            "-d" | "--data" => form.push(it.next().expect("-d value").clone()),
            "--data-urlencode" => {
                let v = it.next().expect("value");
                let (k, v) = v.split_once('=').expect("k=v");
                form.push(format!("{k}={}", enc(v)));
            }
            "-H" | "--header" => {
                let h = it.next().expect("header");
                let (k, v) = h.split_once(':').expect("k: v");
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
            "-X" | "--request" => method = Some(it.next().expect("method").clone()),
            other if other.starts_with("http") => url = Some(other.to_string()),
            other => panic!("the README test does not know curl option {other}: {cmd}"),
        }
    }
    let url = url.expect("a URL");
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let body = form.join("&");
    let typed = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    if !body.is_empty() && !typed {
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
    }
    let method = method.unwrap_or_else(|| if body.is_empty() { "GET" } else { "POST" }.into());
    let h: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    call(
        &format!("http://{host}"),
        &method,
        path,
        &h,
        body.as_bytes(),
    )
}

/// Every `curl` in the CI section's `sh` blocks, with the variable it sets (if any)
/// and the `jq -r` field it takes.
fn curl_steps() -> Vec<(Option<String>, String, Option<String>)> {
    let mut steps = Vec::new();
    for block in sh_blocks() {
        let joined = block.replace("\\\n", " \\\n");
        let mut cmd = String::new();
        for line in joined.lines() {
            cmd.push_str(line);
            cmd.push('\n');
            if line.trim_end().ends_with('\\') {
                continue;
            }
            let c = std::mem::take(&mut cmd);
            let c = c.trim();
            let Some(start) = c.find("curl ") else {
                continue;
            };
            let var = c
                .split_once("=$(")
                .filter(|(v, _)| v.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_'))
                .map(|(v, _)| v.to_string());
            let end = c.find(" | jq").or_else(|| c.rfind(')')).unwrap_or(c.len());
            let end = if var.is_some() { end } else { c.len() };
            let jq = c.split_once("jq -r ").map(|(_, f)| {
                f.trim_end_matches(')')
                    .trim()
                    .trim_start_matches('.')
                    .to_string()
            });
            steps.push((var, c[start..end].to_string(), jq));
        }
    }
    steps
}

#[test]
fn the_readme_curl_recipes_work_verbatim() {
    let emu = start();
    let mut vars = HashMap::new();
    vars.insert("LOGIN".to_string(), emu.login_url.clone());
    vars.insert("BASE".to_string(), emu.base_url.clone());
    let steps = curl_steps();
    assert!(!steps.is_empty(), "the README has curl recipes");
    for (var, cmd, jq) in steps {
        let r = curl(&cmd, &vars);
        assert!(r.status < 300, "{cmd}\n-> {} {}", r.status, r.text());
        if let (Some(var), Some(field)) = (var, jq) {
            let v = r.json()[field.as_str()]
                .as_str()
                .unwrap_or_else(|| panic!("{cmd}: no .{field} in {}", r.text()))
                .to_string();
            vars.insert(var, v);
        }
    }
    assert!(vars.contains_key("TOKEN"), "a recipe sets TOKEN");
    // The upsert and tree recipes wrote what they say.
    let t = &vars["TOKEN"];
    let q = |soql: &str| query(&emu, t, soql).json()["totalSize"].as_u64();
    assert_eq!(
        q("SELECT Id FROM Account WHERE AccountNumber = 'CI-1'"),
        Some(1)
    );
    assert_eq!(
        q("SELECT Id FROM Contact WHERE Account.Name = 'CI Tree'"),
        Some(1)
    );
}

#[test]
fn the_sf_access_token_recipe_passes_the_token_as_sf_reads_it() {
    // With --no-prompt, plugin-auth reads only SF_ACCESS_TOKEN (stdin is ignored).
    let blocks = sh_blocks().join("\n");
    let line = blocks
        .lines()
        .find(|l| l.contains("sf org login access-token"))
        .expect("an access-token recipe");
    assert!(line.contains("--no-prompt"), "{line}");
    assert!(
        line.trim_start()
            .starts_with("SF_ACCESS_TOKEN=\"$TOKEN\" sf "),
        "{line}"
    );
    assert!(!blocks.contains("| sf org login"), "no token piped into sf");
}

#[test]
fn the_shell_word_reader_handles_the_recipes_quoting() {
    let mut vars = HashMap::new();
    vars.insert("A".to_string(), "x y".to_string());
    assert_eq!(
        words("curl -d 'p=$A!' \"$A\" ${A}z \\\n --x", &vars),
        ["curl", "-d", "p=$A!", "x y", "x yz", "--x"]
    );
}
