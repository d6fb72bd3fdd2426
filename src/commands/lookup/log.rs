//! `crmctl lookup ... --log`: after the pop, the Task the auto log would create
//! (a call, chat or e-mail log). The flags, the command side and its output; the
//! body and the association rules live in `screenpop::calllog`.

use clap::{Args, ValueEnum};
use serde_json::Value;

use super::{LookupArgs, Media};
use crate::error::CliError;
use crate::output::{Printer, Report};
use crate::salesforce::{Client, Session};
use crate::screenpop::Match;
use crate::screenpop::calllog::{self, Channel, Direction, Interaction, Logged};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DirectionArg {
    /// The customer called, chatted or wrote (logged to the popped record)
    Inbound,
    /// The agent called or wrote (an independent task)
    Outbound,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// After the pop, create the Task the auto log would (call, chat or e-mail log) and print its Id
    #[arg(long, conflicts_with = "file")]
    pub log: bool,

    /// With --log: the interaction's direction (CallType)
    #[arg(
        long,
        value_enum,
        value_name = "DIRECTION",
        default_value = "inbound",
        requires = "log"
    )]
    pub direction: DirectionArg,

    /// With --log: the interaction's length (CallDurationInSeconds)
    #[arg(long, value_name = "SECONDS", requires = "log")]
    pub duration: Option<u32>,

    /// With --log: the contact center's interaction id (CallObject)
    #[arg(long, value_name = "ID", requires = "log")]
    pub interaction_id: Option<String>,

    /// With --log: the outcome (CallDisposition)
    #[arg(long, value_name = "TEXT", requires = "log")]
    pub disposition: Option<String>,

    /// With --log: the agent's notes (Description)
    #[arg(long, value_name = "TEXT", requires = "log")]
    pub comment: Option<String>,

    /// With --log: show the Task that would be created and create nothing
    #[arg(long, requires = "log")]
    pub dry_run: bool,
}

/// The interaction a `lookup` describes: its channel from `--media`, `--email` or `--case`.
pub fn interaction(args: &LookupArgs, value: &str) -> Interaction {
    let channel = if args.email.is_some() {
        Channel::Email
    } else if args.case.is_some() {
        Channel::Chat
    } else {
        match args.media {
            Media::Phone => Channel::Call,
            Media::Voicemail => Channel::Voicemail,
            Media::Chat => Channel::Chat,
            Media::Email => Channel::Email,
        }
    };
    let log = &args.log;
    Interaction {
        channel,
        direction: match log.direction {
            DirectionArg::Inbound => Direction::Inbound,
            DirectionArg::Outbound => Direction::Outbound,
        },
        value: value.trim().to_string(),
        duration_seconds: log.duration,
        interaction_id: log.interaction_id.clone(),
        disposition: log.disposition.clone(),
        comment: log.comment.clone(),
        date: calllog::today(),
    }
}

/// Runs after the pop: without `--log` the report is returned as it is.
pub fn after_pop(
    args: &LookupArgs,
    client: &Client,
    session: &Session,
    version: &str,
    value: &str,
    popped: Option<&Match>,
    pop: Box<dyn Report>,
) -> Result<Box<dyn Report>, CliError> {
    if !args.log.log {
        return Ok(pop);
    }
    let i = interaction(args, value);
    let a = calllog::associate(i.direction, popped);
    let logged = if args.log.dry_run {
        // What the org would refuse for its lengths, from the Task's describe.
        let (lengths, _) = client
            .field_lengths(session, version, "Task")
            .map_err(CliError::from)?;
        let too_long = calllog::too_long(&calllog::body(&i, &a), &lengths);
        if !too_long.is_empty() {
            return Err(calllog::too_long_error(&too_long));
        }
        Logged::new(&i, &a, None)
    } else {
        let id = calllog::create(client, session, version, &calllog::body(&i, &a))
            .map_err(calllog::refusal)?;
        Logged::new(&i, &a, Some(id))
    };
    Ok(Box::new(LoggedReport { pop, logged }))
}

/// The lookup's report with what `--log` did.
pub struct LoggedReport {
    pop: Box<dyn Report>,
    logged: Logged,
}

impl Report for LoggedReport {
    fn data(&self) -> Value {
        let mut d = self.pop.data();
        if let Some(o) = d.as_object_mut() {
            o.insert(
                "logged".into(),
                serde_json::to_value(&self.logged).unwrap_or(Value::Null),
            );
        }
        d
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        self.pop.render(out)?;
        let s = out.stdout_style();
        let l = &self.logged;
        let clean = |t: &str| out.quoted(t);
        let related = match (&l.who_id, &l.what_id) {
            (None, None) => "an independent task".to_string(),
            (w, r) => [
                w.as_ref().map(|w| format!("WhoId {}", out.org(w))),
                r.as_ref().map(|r| format!("WhatId {}", out.org(r))),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        };
        let text = match &l.id {
            Some(id) => format!(
                "{} Task {} \"{}\" ({related}; rule {})\n",
                s.ok("logged:"),
                out.org(id),
                clean(&l.subject),
                l.association
            ),
            None => {
                let mut t = format!(
                    "{} nothing created; the Task would be ({related}; rule {}):\n",
                    s.bold("dry run:"),
                    l.association
                );
                if let Some(o) = l.body.as_object() {
                    for (k, v) in o {
                        let v = v
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string());
                        // Clipped like every long value (`--json` keeps it whole).
                        let shown =
                            crate::output::table::clip(&clean(&v), crate::output::table::VALUE_MAX);
                        t.push_str(&format!("  {k}: {shown}\n"));
                    }
                }
                t
            }
        };
        out.data(&text)
    }

    fn exit_code(&self) -> u8 {
        self.pop.exit_code()
    }
}
