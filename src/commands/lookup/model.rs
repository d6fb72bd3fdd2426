//! `lookup --model`: which screen pop is shown, the UCC's CRM Service (its region,
//! PhoneNumberFormat, queries and PluginAttributes) or the 8x8 integration's search.

use clap::ValueEnum;
use serde_json::{Value, json};

use crate::error::CliError;
use crate::screenpop::crm_service::{self, AttributeView, Caller, Missed, ModelOutcome};
use crate::screenpop::lookup::Outcome;
use crate::screenpop::lookup::{self, Plan, RegionSource};
use crate::screenpop::phone::Region;
use crate::settings::Ucc;
use crate::settings::crm::{self, Model};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// As the UCC's CRM Service is configured: Contacts, then Leads, found as its
    /// PhoneNumberFormat says (the default with --settings)
    #[value(name = "crm-service")]
    CrmService,
    /// As an 8x8-style integration: Account, Contact and Lead over every phone form
    /// (the default without --settings)
    #[value(name = "8x8")]
    EightByEight,
}

/// The model of one run and what it said.
pub struct ModelInfo {
    pub name: &'static str,
    /// (UCC, settings file).
    pub ucc: Option<(String, String)>,
    /// The CRM Service model (crm-service only).
    pub crm: Option<Model>,
    /// Which settings were set, rather than defaulted.
    pub set: Vec<&'static str>,
    /// Numbers only: e-mail and case lookups are searched as the 8x8 model does.
    pub applies: bool,
    pub status: Option<&'static str>,
    pub attributes: Vec<AttributeView>,
    pub missed: Vec<Missed>,
    /// The SOQL the model sent (Contacts, then Leads).
    pub queries: Vec<String>,
}

impl ModelInfo {
    /// The first line of the output: the model and the settings it used.
    pub fn headline(&self) -> String {
        let from = self
            .ucc
            .as_ref()
            .map(|(u, f)| format!(" of UCC {u} ({f})"))
            .unwrap_or_default();
        let Some(m) = &self.crm else {
            return format!(
                "model: 8x8 (Account, Contact and Lead over every phone form){}",
                if from.is_empty() {
                    String::new()
                } else {
                    format!(", credentials{from}")
                }
            );
        };
        let shown = |setting: &'static str, v: String| {
            if self.set.contains(&setting) {
                format!("{setting} {v}")
            } else {
                format!("{setting} {v} (default)")
            }
        };
        let mut line = format!(
            "model: crm-service, as the CRM Service{from} is configured: {}, {}, {}, {}",
            shown(
                crm::REGION,
                m.region.clone().unwrap_or_else(|| crm::NO_REGION.into())
            ),
            shown(crm::FORMAT, m.format.name.to_string()),
            shown(
                crm::SHOW_STATUS,
                if m.show_status { "True" } else { "False" }.into()
            ),
            if m.own_attributes {
                format!("{} PluginAttributes", m.attributes.len())
            } else {
                "the predefined PluginAttributes".into()
            }
        );
        if !self.applies {
            line.push_str(
                "; e-mail and case lookups are not modelled and are searched as the 8x8 model does",
            );
        }
        line
    }

    pub fn json(&self) -> Value {
        json!({
            "name": self.name,
            "ucc": self.ucc.as_ref().map(|u| &u.0),
            "settings_file": self.ucc.as_ref().map(|u| &u.1),
            "applies": self.applies,
            "queries": self.queries,
            "settings": self.crm.as_ref().map(|m| json!({
                "DefaultPhoneNumberRegion": m.region.clone().unwrap_or_else(|| crm::NO_REGION.into()),
                "PhoneNumberFormat": m.format.name,
                "ShowStatus": m.show_status,
                "BaseContactQuery": m.contact_query,
                "BaseLeadQuery": m.lead_query,
                "plugin_attributes": if m.own_attributes { "settings" } else { "predefined" },
                "set": self.set,
            })),
        })
    }

    /// "Why no pop", one sentence per record the model misses (the record's
    /// words as org spans, for the printer and the JSON writer to escape).
    pub fn why_not(&self) -> Vec<crate::output::Detail> {
        self.missed.iter().map(|m| m.why()).collect()
    }
}

/// The model of this run: `--model`, else crm-service with a UCC and 8x8 without.
pub fn choose(arg: Option<ModelArg>, ucc: Option<&Ucc>) -> Result<ModelInfo, CliError> {
    let chosen = arg.unwrap_or(if ucc.is_some() {
        ModelArg::CrmService
    } else {
        ModelArg::EightByEight
    });
    let from = ucc.map(|u| (u.name.clone(), u.file.display().to_string()));
    let crm = match (chosen, ucc) {
        (ModelArg::EightByEight, _) => None,
        (ModelArg::CrmService, Some(u)) => {
            // A value the model would read as its default is a wrong answer: stop, as
            // an invalid DefaultPhoneNumberRegion does (see `regions`).
            if let Some((setting, problem, fix)) = crm::unreadable(u) {
                let at = u
                    .get(setting)
                    .map(|r| format!("{}:{}: ", r.file.display(), r.line))
                    .unwrap_or_default();
                return Err(CliError::input(format!("{at}{problem}"))
                    .with_hint(format!("{fix}; or use --model 8x8")));
            }
            Some(Model::of(u))
        }
        (ModelArg::CrmService, None) => {
            return Err(CliError::usage(
                "--model crm-service needs the UCC's settings: give --settings FILE (and --ucc NAME)",
            )
            .with_hint("or use --model 8x8, which needs no settings"));
        }
    };
    let set = ucc
        .map(|u| {
            crm::OPTIONAL
                .iter()
                .copied()
                .filter(|s| u.value(s).is_some())
                .collect()
        })
        .unwrap_or_default();
    Ok(ModelInfo {
        name: if crm.is_some() { "crm-service" } else { "8x8" },
        ucc: from,
        crm,
        set,
        applies: true,
        status: None,
        attributes: Vec::new(),
        missed: Vec::new(),
        queries: Vec::new(),
    })
}

/// The region of national numbers under the crm-service model: DefaultPhoneNumberRegion
/// (unless ZZ) before --region, CRMCTL_REGION and the locale.
pub fn regions(
    info: &ModelInfo,
    ucc: Option<&Ucc>,
    mut regions: lookup::Regions,
) -> Result<lookup::Regions, CliError> {
    let (Some(m), Some(u)) = (&info.crm, ucc) else {
        return Ok(regions);
    };
    let Some(code) = &m.region else {
        return Ok(regions);
    };
    let region = Region::parse(code).map_err(|e| {
        let at = u
            .get(crm::REGION)
            .map(|r| format!("{}:{}: ", r.file.display(), r.line))
            .unwrap_or_default();
        CliError::input(format!("{at}DefaultPhoneNumberRegion: {e}")).with_hint(
            "`crmctl validate-settings` names the code meant (UK is GB); or use --model 8x8",
        )
    })?;
    regions.given = Some((region, RegionSource::Settings));
    Ok(regions)
}

/// Applies the model to a number's outcome: the records it pops (in its order, with
/// the full search's details where it has them), ShowStatus, the Extension Window view
/// of the popped record, and the records the full search found that it misses.
pub fn apply(
    info: &mut ModelInfo,
    plan: &Plan,
    full: &mut Outcome,
    model: Option<(ModelOutcome, Caller)>,
) {
    let Some(m) = &info.crm else { return };
    let Some((found, caller)) = model else {
        info.applies = plan.reading().is_some() || plan.is_withheld();
        if plan.is_withheld() && m.show_status {
            info.status = Some("Unknown");
        }
        return;
    };
    if m.show_status {
        info.status = Some(found.status());
    }
    info.queries = crm_service::queries(m, &caller)
        .into_iter()
        .map(|(_, q)| q)
        .collect();
    info.attributes = found
        .records
        .first()
        .map(|r| r.attributes.clone())
        .unwrap_or_default();
    info.missed = crm_service::missed(&full.matches, &found.records, &m.format, &caller);
    let matches = found.as_matches(&full.matches);
    full.matches = matches;
    full.steps.extend(found.steps);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{OrgText, OutputMode, Printer, json};

    /// "Why no pop" quotes the record as the org stores it: escaped in text, kept
    /// exactly (as `\u` escapes) in JSON; before spans the JSON carried the
    /// terminal's escapes (`\\x1b` as text) instead of the record's own text.
    #[test]
    fn why_no_pop_quotes_the_record_as_org_text() {
        let info = ModelInfo {
            name: "crm-service",
            ucc: None,
            crm: None,
            set: Vec::new(),
            applies: true,
            status: None,
            attributes: Vec::new(),
            missed: vec![crate::screenpop::crm_service::Missed {
                object: OrgText::from("Contact"),
                id: OrgText::from("003A"),
                name: OrgText::from("Ja\u{202e}ne\u{1b}[2J"),
                field: "Phone",
                stored: OrgText::from("+31 20"),
                phone_number_format: "E164",
            }],
            queries: Vec::new(),
        };
        let why = info.why_not();
        let p = Printer::new(OutputMode::default());
        assert_eq!(
            p.line(&why[0]),
            "with PhoneNumberFormat=E164 the CRM Service would not find Contact Ja\\u{202e}ne\\x1b[2J, stored as '+31 20' (Phone)"
        );
        assert_eq!(
            json::to_line(&why[0]),
            "\"with PhoneNumberFormat=E164 the CRM Service would not find Contact Ja\\u202ene\\u001b[2J, stored as '+31 20' (Phone)\""
        );
    }
}
