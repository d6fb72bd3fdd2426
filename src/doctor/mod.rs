//! `crmctl doctor`'s domain: the steps of the chain from settings to a logged call,
//! their statuses, which step needs which, and the exit code of a whole run. Each
//! step calls the shared code below the commands (`crate::ops`) or the domain
//! modules; nothing here prints.

pub mod login;
pub mod org;
pub mod readiness;
pub mod settings;

use serde_json::{Value, json};

use crate::error::{CliError, ErrorKind};
use crate::output::Detail;

/// Step names, in the order they run.
pub const SETTINGS: &str = "settings";
pub const SECRETS: &str = "secrets";
pub const ENDPOINTS: &str = "endpoints";
pub const LOGIN: &str = "login";
pub const API_VERSION: &str = "api-version";
pub const SCREEN_POP_FIELDS: &str = "screen-pop-fields";
pub const CALL_LOG_FIELDS: &str = "call-log-fields";
pub const SCREEN_POP: &str = "screen-pop";
pub const LOG_TEST: &str = "log-test";
pub const FLOW_READINESS: &str = "flow-readiness";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Warn,
    Fail,
    Skip,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

/// One step's result. `detail` and `hints` may quote the org or a settings file:
/// they are spans, and only the printer turns them into output.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub step: &'static str,
    pub status: Status,
    pub detail: Detail,
    /// What to do, one hint each (`hint` in JSON joins them with "; ").
    pub hints: Vec<Detail>,
    /// Milliseconds; `None` when skipped, or when the time is counted in another step.
    pub ms: Option<u128>,
    /// For a failure: rejected (the check said no), remote (the org or the network
    /// could not answer), input (a local file or key profile).
    pub kind: Option<ErrorKind>,
}

impl Step {
    pub fn ok(step: &'static str, detail: impl Into<Detail>) -> Step {
        Step {
            step,
            status: Status::Ok,
            detail: detail.into(),
            hints: Vec::new(),
            ms: None,
            kind: None,
        }
    }

    pub fn warn(step: &'static str, detail: impl Into<Detail>, hints: Vec<Detail>) -> Step {
        Step {
            status: Status::Warn,
            hints,
            ..Step::ok(step, detail)
        }
    }

    pub fn fail(
        step: &'static str,
        kind: ErrorKind,
        detail: impl Into<Detail>,
        hints: Vec<Detail>,
    ) -> Step {
        Step {
            status: Status::Fail,
            hints,
            kind: Some(kind),
            ..Step::ok(step, detail)
        }
    }

    /// A failure from an error as the commands report it: message, causes, hints,
    /// their spans kept.
    pub fn from_error(step: &'static str, e: &CliError) -> Step {
        let mut detail = e.message.clone();
        for c in &e.causes {
            detail.push(" (");
            detail.push(c);
            detail.push(")");
        }
        Step::fail(step, e.kind, detail, e.hints.clone())
    }

    pub fn skip(step: &'static str, why: impl Into<Detail>) -> Step {
        Step {
            status: Status::Skip,
            ..Step::ok(step, why)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<Detail>) -> Step {
        self.hints.push(hint.into());
        self
    }

    /// The hints as one, as `--json` carries them (joined with "; ").
    pub fn hint(&self) -> Option<Detail> {
        (!self.hints.is_empty()).then(|| Detail::join(self.hints.iter().cloned(), "; "))
    }

    pub fn timed(mut self, ms: u128) -> Step {
        self.ms = Some(ms);
        self
    }

    pub fn passed(&self) -> bool {
        matches!(self.status, Status::Ok | Status::Warn)
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "step": self.step,
            "status": self.status.as_str(),
            "detail": self.detail,
            "hint": self.hint(),
            "ms": self.ms,
        });
        if let (Some(k), Some(o)) = (self.kind, v.as_object_mut()) {
            o.insert("kind".into(), json!(k.as_str()));
        }
        v
    }
}

/// The checklist of one UCC (or of the one org given by login flags).
#[derive(Debug, Clone)]
pub struct UccResult {
    /// `None` for an org given by login flags rather than settings.
    pub ucc: Option<String>,
    /// The settings file it came from.
    pub file: Option<String>,
    /// The CRM Service it belongs to (its CrmServiceUrl).
    pub service: Option<String>,
    pub steps: Vec<Step>,
    /// The `flow-readiness` step's answers (`None` before it ran).
    pub flow_readiness: Option<readiness::Readiness>,
}

impl UccResult {
    pub fn count(&self, s: Status) -> usize {
        self.steps.iter().filter(|x| x.status == s).count()
    }

    pub fn to_json(&self) -> Value {
        json!({
            "ucc": self.ucc,
            "file": self.file,
            "service": self.service,
            "steps": self.steps.iter().map(Step::to_json).collect::<Vec<_>>(),
            "flow_readiness": self.flow_readiness.as_ref().map(readiness::Readiness::to_json),
        })
    }
}

/// The exit code of a run: a local input problem (3) over a check that said no
/// (1) over a step the org or network could not complete (4); with `strict`, a
/// warning is a "no" too.
pub fn exit_code(results: &[UccResult], strict: bool) -> u8 {
    if let Some(k) = deciding_kind(results) {
        return k.exit_code();
    }
    if strict && warned(results) {
        return crate::error::EXIT_NO;
    }
    0
}

/// The kind of failure that decides the exit code: local problems first (no retry
/// fixes them), then a "no", then what the org or the network could not answer.
fn deciding_kind(results: &[UccResult]) -> Option<ErrorKind> {
    let kinds: Vec<ErrorKind> = failed(results)
        .map(|(_, s)| s.kind.unwrap_or(ErrorKind::Rejected))
        .collect();
    [
        ErrorKind::Usage,
        ErrorKind::Input,
        ErrorKind::Internal,
        ErrorKind::Rejected,
        ErrorKind::Remote,
    ]
    .into_iter()
    .find(|k| kinds.contains(k))
}

fn failed(results: &[UccResult]) -> impl Iterator<Item = (&UccResult, &Step)> {
    results
        .iter()
        .flat_map(|r| r.steps.iter().map(move |s| (r, s)))
        .filter(|(_, s)| s.status == Status::Fail)
}

fn warned(results: &[UccResult]) -> bool {
    results
        .iter()
        .flat_map(|r| &r.steps)
        .any(|s| s.status == Status::Warn)
}

/// `error` of the `--json` envelope: the first failed step of the kind that decides
/// the exit code, so a script reads the same `error.kind` that `crmctl login` or
/// `lookup` gives for the same cause.
pub fn error(results: &[UccResult], strict: bool) -> Option<crate::error::CliError> {
    use crate::error::CliError;
    let Some(kind) = deciding_kind(results) else {
        return (strict && warned(results)).then(|| {
            CliError::rejected("warnings fail the run under --strict")
                .with_hint("see the steps marked `!`")
        });
    };
    let count = failed(results).count();
    let (r, s) = failed(results).find(|(_, s)| s.kind.unwrap_or(ErrorKind::Rejected) == kind)?;
    let who = r
        .ucc
        .as_deref()
        .map(|u| format!("{u}: "))
        .unwrap_or_default();
    let mut err = CliError::new(
        kind,
        crate::detail![
            format!("{count} step(s) failed; first: {who}{}: ", s.step),
            &s.detail
        ],
    );
    for h in &s.hints {
        err = err.with_hint(h.clone());
    }
    Some(err)
}

/// Counts for the summary line and `data.summary`.
pub fn summary(results: &[UccResult], logins: usize, strict: bool) -> Value {
    let steps = |s: Status| results.iter().map(|r| r.count(s)).sum::<usize>();
    let ready = results
        .iter()
        .filter(|r| r.count(Status::Fail) == 0 && (!strict || r.count(Status::Warn) == 0))
        .count();
    json!({
        "uccs": results.len(),
        "ready": ready,
        "not_ready": results.len() - ready,
        "ok": steps(Status::Ok),
        "warn": steps(Status::Warn),
        "fail": steps(Status::Fail),
        "skip": steps(Status::Skip),
        "logins": logins,
        "strict": strict,
        "flow_readiness": readiness::summary(
            &results.iter().map(|r| r.flow_readiness.as_ref()).collect::<Vec<_>>()
        ),
    })
}

/// Groups items by a key, keeping first-seen order (UCCs that share credentials
/// log in once).
pub fn group_by<T, K: PartialEq>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<(K, Vec<T>)> {
    let mut groups: Vec<(K, Vec<T>)> = Vec::new();
    for item in items {
        let k = key(&item);
        match groups.iter_mut().find(|(gk, _)| *gk == k) {
            Some((_, members)) => members.push(item),
            None => groups.push((k, vec![item])),
        }
    }
    groups
}

/// Maps a Salesforce failure into the one failure vocabulary (`crate::error`).
pub fn classify(e: crate::salesforce::SfError) -> CliError {
    CliError::from(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(steps: Vec<Step>) -> UccResult {
        UccResult {
            ucc: Some("u".into()),
            file: None,
            service: None,
            steps,
            flow_readiness: None,
        }
    }

    #[test]
    fn exit_codes_follow_the_vocabulary() {
        let ok = result(vec![Step::ok(LOGIN, "in")]);
        let warn = result(vec![Step::warn(
            CALL_LOG_FIELDS,
            "Type hidden",
            vec!["fix".into()],
        )]);
        let no = result(vec![Step::fail(LOGIN, ErrorKind::Rejected, "no", vec![])]);
        let remote = result(vec![Step::fail(LOGIN, ErrorKind::Remote, "down", vec![])]);
        let input = result(vec![Step::fail(SECRETS, ErrorKind::Input, "key", vec![])]);
        assert_eq!(exit_code(std::slice::from_ref(&ok), false), 0);
        assert_eq!(exit_code(&[ok.clone(), warn.clone()], false), 0);
        assert_eq!(exit_code(std::slice::from_ref(&warn), true), 1);
        assert_eq!(exit_code(std::slice::from_ref(&remote), false), 4);
        assert_eq!(exit_code(&[remote.clone(), no.clone()], false), 1);
        assert_eq!(exit_code(&[remote, no, input], false), 3);
        assert_eq!(exit_code(&[result(vec![Step::skip(LOGIN, "x")])], true), 0);
    }

    /// A step made from an error keeps the error's org spans (issue 16 item 5): the
    /// org's words stay org text up to the printer.
    #[test]
    fn from_error_keeps_the_spans_of_the_error() {
        use crate::output::{OrgText, Span};
        let e = CliError::from(crate::salesforce::SfError::Api {
            status: 400,
            code: OrgText::from("INVALID_FIELD"),
            message: OrgText::from("bad\u{202e}x"),
        })
        .with_cause_detail(crate::detail!["field ", OrgText::from("Ty\u{1b}pe")]);
        let s = Step::from_error(LOGIN, &e);
        let org: Vec<&Span> = s
            .detail
            .spans()
            .iter()
            .filter(|x| matches!(x, Span::Org(_)))
            .collect();
        assert_eq!(
            org,
            [
                &Span::Org(OrgText::from("INVALID_FIELD")),
                &Span::Org(OrgText::from("bad\u{202e}x")),
                &Span::Org(OrgText::from("Ty\u{1b}pe")),
            ]
        );
        assert_eq!(
            s.detail,
            "Salesforce answered INVALID_FIELD: bad\u{202e}x (field Ty\u{1b}pe)"
        );
        let p = crate::output::Printer::new(crate::output::OutputMode::default());
        assert_eq!(
            p.line(&s.detail),
            "Salesforce answered INVALID_FIELD: bad\\u{202e}x (field Ty\\x1bpe)"
        );
    }

    #[test]
    fn groups_keep_first_seen_order() {
        let g = group_by(vec![("a", 1), ("b", 2), ("c", 1)], |x| x.1);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].1, vec![("a", 1), ("c", 1)]);
    }

    #[test]
    fn step_json_has_the_documented_members() {
        let s = Step::fail(LOGIN, ErrorKind::Remote, "down", vec!["retry".into()]).timed(12);
        assert_eq!(
            s.to_json(),
            json!({"step": "login", "status": "fail", "detail": "down", "hint": "retry", "ms": 12, "kind": "remote"})
        );
        assert_eq!(Step::skip(LOGIN, "x").to_json()["ms"], Value::Null);
    }
}
