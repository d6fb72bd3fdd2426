//! How a single lookup is shown: the JSON data and the text screen pop.

use serde_json::{Value, json};

use super::LookupReport;
use crate::error::EXIT_NO;
use crate::output::{OrgText, Printer, Report};
impl Report for LookupReport {
    fn data(&self) -> Value {
        let mut pops = json!(self.popped());
        if let (Some(m), Some(p)) = (&self.model, pops.as_object_mut())
            && m.crm.is_some()
        {
            p.insert("attributes".into(), json!(m.attributes));
        }
        let mut data = json!({
            "query": {"kind": self.kind, "value": self.value, "searched": self.searched, "reading": self.reading},
            "outcome": self.outcome(),
            "notes": self.notes(),
            "matches": self.matches,
            "pops": pops,
            "pops_open_cases": self.popped_cases(),
            "open_cases": self.open_cases,
            "blank_record": self.matches.is_empty(),
            "timings": self.timings.iter().map(|t| json!({"step": t.step, "ms": t.ms, "attempts": t.attempts})).collect::<Vec<_>>(),
            "api_usage": self.api_usage.map(|(u, m)| json!({"used": u, "max": m})),
        });
        if let (Some(m), Some(d)) = (&self.model, data.as_object_mut()) {
            d.insert("model".into(), m.json());
            d.insert("status".into(), json!(m.status));
            d.insert(
                "missed_by_model".into(),
                json!(
                    m.missed
                        .iter()
                        .zip(m.why_not())
                        .map(
                            |(x, why)| json!({"object": x.object, "id": x.id, "name": x.name,
                            "field": x.field, "stored": x.stored,
                            "phone_number_format": x.phone_number_format, "message": why})
                        )
                        .collect::<Vec<_>>()
                ),
            );
        }
        data
    }

    fn render(&self, out: &Printer) -> std::io::Result<()> {
        let s = out.stdout_style();
        let clean = |t: &str| out.quoted(t);
        // How the number was read, on stderr: the data on stdout stays the pop.
        for note in self.notes() {
            out.info(&format!("note: {note}"));
        }
        let mut text = String::new();
        if let Some(m) = &self.model {
            // The UCC's name and the file's path come from local files: shown escaped too.
            text.push_str(&s.bold(&out.quoted(&m.headline())));
            text.push('\n');
        }
        // Under the crm-service model the search is the model's queries (data.model.queries).
        let modelled = self
            .model
            .as_ref()
            .is_some_and(|m| m.crm.is_some() && m.applies);
        let searched = if self.searched.len() > 1 && !modelled {
            format!(" (searched {})", self.searched.join(", "))
        } else {
            String::new()
        };
        match self.matches.len() {
            0 if self.withheld => text.push_str(&format!(
                "{} the caller withheld the number ({}); nothing was searched\n",
                s.error("withheld:"),
                if self.value.trim().is_empty() {
                    "no caller id".to_string()
                } else {
                    clean(self.value.trim())
                }
            )),
            0 => text.push_str(&format!(
                "{} no match for {} {}{searched}\n",
                s.error("none:"),
                self.kind,
                clean(&self.value)
            )),
            n => text.push_str(&format!(
                "{} {n} match{} for {} {}{searched}\n",
                s.ok("found:"),
                if n == 1 { "" } else { "es" },
                self.kind,
                clean(&self.value)
            )),
        }
        if !self.matches.is_empty() {
            use crate::output::table::CELL_MAX;
            let rows: Vec<Vec<String>> = self
                .matches
                .iter()
                .map(|m| {
                    let phones = m
                        .phones
                        .iter()
                        .map(|(f, v)| format!("{} ({f})", out.org_clipped(v, CELL_MAX)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    vec![
                        out.org_clipped(&m.object, CELL_MAX),
                        out.org_clipped(&m.name, CELL_MAX),
                        if phones.is_empty() {
                            "-".into()
                        } else {
                            phones
                        },
                        m.email
                            .as_ref()
                            .map(|t| out.org_clipped(t, CELL_MAX))
                            .unwrap_or_else(|| "-".into()),
                        m.account_or_company
                            .as_ref()
                            .map(|t| out.org_clipped(t, CELL_MAX))
                            .unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            let header = ["TYPE", "NAME", "PHONES", "EMAIL", "ACCOUNT / COMPANY"];
            // PHONES lists up to five numbers, each clipped on its own with its field name.
            let phones_max = 5 * (CELL_MAX + "(AssistantPhone), ".len());
            let max = [CELL_MAX, CELL_MAX, phones_max, CELL_MAX, CELL_MAX];
            let (head, body) = crate::output::table::render_clipped(&header, &rows, &max);
            text.push_str(&s.bold(head.trim_end()));
            text.push('\n');
            text.push_str(&body);
        }
        // A value on a line of its own: escaped, and clipped (`--json` keeps it whole).
        let shown = |t: &OrgText| out.org_clipped(t, crate::output::table::VALUE_MAX);
        let crm_view = self
            .model
            .as_ref()
            .is_some_and(|m| m.crm.is_some() && m.applies);
        match self.popped() {
            None => {
                text.push_str(
                    "pops: a blank new record (the agent creates the customer or case)\n",
                );
                if let Some(status) = self.model.as_ref().and_then(|m| m.status) {
                    text.push_str(&format!("  status: {status}\n"));
                }
            }
            Some(p) => {
                text.push_str(&format!(
                    "{} {} {} ({})\n",
                    s.bold("pops:"),
                    shown(&p.object),
                    shown(&p.name),
                    shown(&p.id)
                ));
                if let Some(m) = self.model.as_ref().filter(|_| crm_view) {
                    if let Some(status) = m.status {
                        text.push_str(&format!("  status: {status}\n"));
                    }
                    for a in &m.attributes {
                        let link = a
                            .hyperlink
                            .as_ref()
                            .map(|l| format!(" <{}>", shown(l)))
                            .unwrap_or_default();
                        text.push_str(&format!(
                            "  {}: {}{link}\n",
                            out.quoted(&a.display_name),
                            shown(&a.value)
                        ));
                    }
                } else if let Some(c) = &p.case {
                    text.push_str(&format!(
                        "  status: {}, priority: {}, opened {}\n",
                        shown(&c.status),
                        shown(&c.priority),
                        shown(&c.created)
                    ));
                    if let Some(n) = &c.contact_name {
                        text.push_str(&format!("  contact: {}\n", shown(n)));
                    }
                }
                if let Some(a) = p.account_or_company.as_ref().filter(|_| !crm_view) {
                    text.push_str(&format!(
                        "  {}: {}\n",
                        if p.object == "Lead" {
                            "company"
                        } else {
                            "account"
                        },
                        shown(a)
                    ));
                }
                for (f, v) in p.phones.iter().filter(|_| !crm_view) {
                    text.push_str(&format!("  {f}: {}\n", shown(v)));
                }
                if let Some(e) = p.email.as_ref().filter(|_| !crm_view) {
                    text.push_str(&format!("  Email: {}\n", shown(e)));
                }
                if p.object != "Case" && p.object != "Lead" {
                    let cases = self.popped_cases();
                    if cases.is_empty() {
                        text.push_str("  open cases: none\n");
                    } else {
                        text.push_str("  open cases:\n");
                        for c in cases {
                            // A case without a Priority shows its status alone.
                            let state = [&c.status, &c.priority]
                                .into_iter()
                                .filter(|t| !t.is_empty())
                                .map(shown)
                                .collect::<Vec<_>>()
                                .join(", ");
                            text.push_str(&format!(
                                "    {} {} ({state})\n",
                                shown(&c.number),
                                shown(&c.subject),
                            ));
                        }
                    }
                }
            }
        }
        // Why no pop: what crmctl's full search found that the UCC's model misses.
        for why in self.model.iter().flat_map(|m| m.why_not()) {
            text.push_str(&format!("{} {}\n", s.error("why no pop:"), out.line(&why)));
        }
        if self.show_timings && self.timings.is_empty() {
            text.push_str("timings: none (nothing was sent)\n");
        } else if self.show_timings {
            text.push_str("timings:\n");
            for t in &self.timings {
                let retries = if t.attempts > 1 {
                    format!(" ({} attempts)", t.attempts)
                } else {
                    String::new()
                };
                text.push_str(&format!("  {:<8} {:>6} ms{retries}\n", t.step, t.ms));
            }
        }
        out.data(&text)
    }

    fn exit_code(&self) -> u8 {
        if self.matches.is_empty() { EXIT_NO } else { 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputMode;
    use crate::screenpop::lookup::{self, Kind, Plan};
    use crate::screenpop::{CaseInfo, Match};

    const EVIL: &str = "Evil\u{1b}[2J\u{9b}\u{202e}Corp";

    fn evil() -> OrgText {
        OrgText::from(EVIL)
    }

    fn report() -> LookupReport {
        let case = CaseInfo {
            number: evil(),
            subject: evil(),
            status: evil(),
            priority: evil(),
            created: evil(),
            contact_id: Some(OrgText::from("003A")),
            contact_name: Some(evil()),
            account_id: None,
            is_closed: false,
        };
        LookupReport {
            kind: "number",
            value: "+31201234567".into(),
            searched: vec!["31201234567".into()],
            reading: None,
            withheld: false,
            matches: vec![Match {
                object: OrgText::from("Contact"),
                id: OrgText::from("003A"),
                name: evil(),
                phones: vec![("Phone", evil())],
                email: Some(evil()),
                account_or_company: Some(evil()),
                account_id: None,
                case: None,
            }],
            open_cases: vec![case],
            timings: Vec::new(),
            show_timings: false,
            api_usage: None,
            model: None,
        }
    }

    /// An open case without a Priority shows its status alone, not `(New, )`.
    #[test]
    fn an_open_case_without_a_priority_shows_its_status_alone() {
        let mut r = report();
        r.open_cases[0].priority = OrgText::from("");
        r.open_cases[0].status = OrgText::from("New");
        let out = Printer::buffered(OutputMode::default());
        r.render(&out).expect("render");
        let text = out.captured().stdout;
        assert!(text.contains(" (New)\n"), "{text}");
        assert!(!text.contains("(New, )"), "{text}");
    }

    /// The renderer's text, exactly: org text escaped, layout kept.
    #[test]
    fn the_screen_pop_text_escapes_every_org_field() {
        let out = Printer::buffered(OutputMode::default());
        report().render(&out).expect("render");
        let e = r"Evil\x1b[2J\x9b\u{202e}Corp";
        let expected = format!(
            "found: 1 match for number +31201234567\n\
TYPE     NAME{pad}  PHONES{pad2}  EMAIL{pad3}  ACCOUNT / COMPANY\n\
Contact  {e}  {e} (Phone)  {e}  {e}\n\
pops: Contact {e} (003A)\n  account: {e}\n  Phone: {e}\n  Email: {e}\n  open cases:\n    {e} {e} ({e}, {e})\n",
            pad = " ".repeat(e.len() - 4),
            pad2 = " ".repeat(e.len() + 8 - 6),
            pad3 = " ".repeat(e.len() - 5),
        );
        assert_eq!(out.captured().stdout, expected);
    }

    /// Issue 18 item 19: a record name of 16,384 ESC characters (65,536 once
    /// escaped) crashed the table; now every cell and value is clipped, JSON whole.
    #[test]
    fn a_huge_record_name_is_clipped_in_text_and_whole_in_json() {
        let mut r = report();
        r.matches[0].name = OrgText::from("\u{1b}".repeat(16_384));
        let out = Printer::buffered(OutputMode::default());
        r.render(&out).expect("render");
        let text = out.captured().stdout;
        assert!(text.lines().all(|l| l.chars().count() < 400), "{text}");
        assert!(text.contains(r"\x1b\x1b…"), "{text}");
        assert!(!text.contains('\u{1b}'));
        let name = r.data()["matches"][0]["name"].as_str().map(str::len);
        assert_eq!(name, Some(16_384));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, .. Default::default() })]

        /// The screen-pop renderer with any org text in every field, short or long:
        /// no panic, nothing raw, no line past the clipped widths.
        #[test]
        fn the_screen_pop_renders_any_org_text(
            fields in proptest::collection::vec(proptest::prelude::any::<String>(), 6),
            repeat in 1usize..2000,
        ) {
            let mut r = report();
            let t = |i: usize| OrgText::from(fields[i].repeat(repeat % 7 + 1));
            r.matches[0].name = t(0);
            r.matches[0].phones = vec![("Phone", t(1)), ("MobilePhone", t(2))];
            r.matches[0].email = Some(t(3));
            r.matches[0].account_or_company = Some(OrgText::from("\u{202e}".repeat(repeat)));
            r.open_cases[0].subject = t(4);
            r.open_cases[0].number = t(5);
            let out = Printer::buffered(OutputMode::default());
            r.render(&out).expect("render");
            let text = out.captured().stdout;
            for line in text.lines() {
                proptest::prop_assert!(!line.chars().any(|c| c.is_control()
                    || crate::output::sanitize::is_deceptive(c)), "{line}");
                proptest::prop_assert!(crate::output::table::width(line) <= 5 * 42 + 4 * 202);
            }
        }
    }

    fn blank(value: &str, plan: &Plan) -> LookupReport {
        LookupReport {
            kind: "number",
            value: value.into(),
            searched: plan.searched(),
            reading: plan.reading().cloned(),
            withheld: plan.is_withheld(),
            matches: Vec::new(),
            open_cases: Vec::new(),
            timings: Vec::new(),
            show_timings: false,
            api_usage: None,
            model: None,
        }
    }

    /// A withheld caller: its own outcome line on stdout, a blank record, exit 1.
    #[test]
    fn a_withheld_caller_is_a_blank_record_with_its_own_outcome() {
        let plan =
            lookup::plan(Kind::Phone, "Anonymous", lookup::Regions::default()).expect("plan");
        let r = blank("Anonymous", &plan);
        let out = Printer::buffered(OutputMode::default());
        r.render(&out).expect("render");
        let c = out.captured();
        assert_eq!(
            c.stdout,
            "withheld: the caller withheld the number (Anonymous); nothing was searched\n\
pops: a blank new record (the agent creates the customer or case)\n"
        );
        assert_eq!(c.stderr, "");
        assert_eq!((r.outcome(), r.exit_code()), ("withheld", EXIT_NO));
        let timed = LookupReport {
            show_timings: true,
            ..blank("Anonymous", &plan)
        };
        let out = Printer::buffered(OutputMode::default());
        timed.render(&out).expect("render");
        assert!(
            out.captured()
                .stdout
                .ends_with("\ntimings: none (nothing was sent)\n")
        );
        let d = r.data();
        assert_eq!(d["outcome"], "withheld");
        assert_eq!(d["blank_record"], true);
        assert_eq!(d["query"]["searched"], json!([]));
        assert_eq!(d["query"]["reading"], Value::Null);
    }

    /// How the number was read goes to stderr as notes, and into `--json`.
    #[test]
    fn notes_go_to_stderr_and_into_the_json_document() {
        let plan =
            lookup::plan(Kind::Phone, "020-1234567", lookup::Regions::default()).expect("plan");
        let r = blank("020-1234567", &plan);
        let out = Printer::buffered(OutputMode::default());
        r.render(&out).expect("render");
        let c = out.captured();
        assert_eq!(
            c.stderr,
            "note: a national number and no region (give --region, set CRMCTL_REGION, or use a locale such as nl_NL.UTF-8): searching the digits as typed\n"
        );
        assert_eq!(
            c.stdout,
            "none: no match for number 020-1234567\n\
pops: a blank new record (the agent creates the customer or case)\n"
        );
        let d = r.data();
        assert_eq!(d["outcome"], "none");
        assert_eq!(d["notes"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            d["query"]["reading"],
            json!({"read_as": "as_typed", "calling_code": null, "region": null,
                   "region_from": null, "as_typed": "no_region", "extension": null})
        );
        assert_eq!(d["query"]["searched"], json!(["0201234567"]));
    }

    /// The crm-service pop: the model's line first, the status and the Extension Window
    /// view instead of the 8x8 fields, then "why no pop"; org text escaped everywhere.
    #[test]
    fn the_crm_service_pop_shows_status_attributes_and_why_not_escaped() {
        use crate::screenpop::crm_service::{AttributeView, Missed};
        let uccs = crate::settings::load::yaml(
            std::path::Path::new("e.yaml"),
            "uccs:\n  - name: helpdesk\n    settings:\n      - { setting: DefaultPhoneNumberRegion, scope: CrmService, value: NL }\n",
        )
        .expect("yaml");
        let mut info = super::super::model::choose(None, Some(&uccs[0])).expect("model");
        info.status = Some("Contact");
        info.attributes = vec![AttributeView {
            display_name: "Name".into(),
            system_name: "FirstName+LastName".into(),
            value: evil(),
            hyperlink: Some(OrgText::from("https://x.example/003A?n=Evil%1B")),
        }];
        info.missed = vec![Missed {
            object: OrgText::from("Lead"),
            id: OrgText::from("00QA"),
            name: evil(),
            field: "Phone",
            stored: evil(),
            phone_number_format: "Wildcard",
        }];
        let r = LookupReport {
            model: Some(info),
            ..report()
        };
        let out = Printer::buffered(OutputMode::default());
        r.render(&out).expect("render");
        let text = out.captured().stdout;
        let e = r"Evil\x1b[2J\x9b\u{202e}Corp";
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "model: crm-service, as the CRM Service of UCC helpdesk (e.yaml) is configured: DefaultPhoneNumberRegion NL, PhoneNumberFormat Wildcard (default), ShowStatus True (default), the predefined PluginAttributes"
        );
        let pop: Vec<&str> = lines
            .iter()
            .copied()
            .skip_while(|l| !l.starts_with("pops:"))
            .collect();
        assert_eq!(
            pop,
            [
                format!("pops: Contact {e} (003A)").as_str(),
                "  status: Contact",
                format!("  Name: {e} <https://x.example/003A?n=Evil%1B>").as_str(),
                "  open cases:",
                format!("    {e} {e} ({e}, {e})").as_str(),
                format!("why no pop: with PhoneNumberFormat=Wildcard the CRM Service would not find Lead {e}, stored as '{e}' (Phone)").as_str(),
            ]
        );
        let d = r.data();
        assert_eq!(d["status"], "Contact");
        assert_eq!(
            d["pops"]["attributes"][0]["system_name"],
            "FirstName+LastName"
        );
        assert_eq!(d["missed_by_model"][0]["stored"], EVIL);
        assert_eq!(d["model"]["settings"]["DefaultPhoneNumberRegion"], "NL");
        assert_eq!(
            d["model"]["settings"]["set"],
            json!(["DefaultPhoneNumberRegion"])
        );
    }

    #[test]
    fn the_model_line_escapes_the_ucc_name() {
        let uccs = crate::settings::load::yaml(
            std::path::Path::new("e.yaml"),
            "uccs:\n  - name: \"help\\u001b[2Jdesk\"\n",
        )
        .expect("yaml");
        let info = super::super::model::choose(
            Some(super::super::model::ModelArg::EightByEight),
            Some(&uccs[0]),
        )
        .expect("model");
        let r = LookupReport {
            model: Some(info),
            ..report()
        };
        let out = Printer::buffered(OutputMode::default());
        r.render(&out).expect("render");
        let first = out
            .captured()
            .stdout
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        assert_eq!(
            first,
            r"model: 8x8 (Account, Contact and Lead over every phone form), credentials of UCC help\x1b[2Jdesk (e.yaml)"
        );
    }

    #[test]
    fn the_json_document_escapes_c1_del_and_bidi() {
        let out = Printer::buffered(OutputMode {
            json: true,
            ..OutputMode::default()
        });
        let r = report();
        out.envelope("lookup", r.exit_code(), Some(r.data()), None, false)
            .expect("envelope");
        let text = out.captured().stdout;
        assert!(text.contains(r"Evil\u001b[2J\u009b\u202eCorp"), "{text}");
        assert!(!text.chars().any(|c| c == '\u{9b}' || c == '\u{202e}'));
    }
}
