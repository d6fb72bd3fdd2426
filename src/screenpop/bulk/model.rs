//! Bulk lookups under the UCC's CRM Service model (issue 20, item 4).
//!
//! Each distinct number (the same digit forms, memoised for the run as the batched
//! engine does) is looked up twice, as a single `lookup --settings` does: the 8x8
//! search (Account, Contact and Lead over every phone form) and the CRM Service's own
//! queries (Contacts, then Leads, with the PhoneNumberFormat's filter). The row shows
//! the model's pop, its ShowStatus, and whether the 8x8 search would pop someone the
//! model does not ("missed by model"). `concurrency` workers share one session; rows
//! are handed over in input order as soon as their answer is in.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use super::tally::{Stop, Tally};
use super::*;
use crate::screenpop::CaseInfo;
use crate::screenpop::crm_service::{self, AttributeView, Caller, Missed, ModelOutcome};
use crate::settings::crm::Model;

/// A bulk row with the model's fields after the 8x8-shaped ones.
#[derive(Debug, Clone, Serialize)]
pub struct ModelRow {
    #[serde(flatten)]
    pub row: Row,
    /// ShowStatus: Contact, Lead or Unknown (null when ShowStatus is False or the
    /// row was not looked up).
    pub crm_status: Option<&'static str>,
    /// The 8x8 search pops a record for this caller and the model pops none.
    pub missed_by_model: bool,
    /// What the 8x8 search would pop, for comparison.
    pub pops_8x8_object: Option<OrgText>,
    pub pops_8x8_id: Option<OrgText>,
    /// Contacts and Leads the 8x8 search finds that the model does not, with the
    /// number as stored.
    pub missed: Vec<Missed>,
    /// The Extension Window view of the popped record.
    pub attributes: Vec<AttributeView>,
}

impl ModelRow {
    fn plain(row: Row, crm_status: Option<&'static str>) -> ModelRow {
        ModelRow {
            row,
            crm_status,
            missed_by_model: false,
            pops_8x8_object: None,
            pops_8x8_id: None,
            missed: Vec::new(),
            attributes: Vec::new(),
        }
    }
}

/// The bulk summary with the model's counts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ModelSummary {
    #[serde(flatten)]
    pub base: Summary,
    /// What kind of contact the model pops, per row looked up or withheld (as ShowStatus
    /// would say: a withheld caller or no record is Unknown).
    pub contact: usize,
    pub lead: usize,
    pub unknown: usize,
    /// Rows the 8x8 search would pop.
    pub popped_by_8x8: usize,
    /// Rows the 8x8 search would pop and the model would not.
    pub missed_by_model: usize,
}

pub const MODEL_CSV_HEADER: &str = "crm_status,missed_by_model,pops_8x8_object,pops_8x8_id,missed";

/// The CSV columns after `CSV_HEADER`'s.
pub fn model_csv_row(r: &ModelRow) -> Vec<String> {
    let mut out = csv_row(&r.row);
    let opt = |o: &Option<OrgText>| o.as_ref().map(OrgText::for_csv).unwrap_or_default();
    out.extend([
        r.crm_status.unwrap_or("").to_string(),
        r.missed_by_model.to_string(),
        opt(&r.pops_8x8_object),
        opt(&r.pops_8x8_id),
        r.missed.len().to_string(),
    ]);
    out
}

enum Pre {
    Finished(Box<ModelRow>),
    Distinct {
        distinct: u32,
        as_typed: Option<&'static str>,
    },
}

/// One distinct number's answer, as a row of its first input.
fn answer(
    input: &Input,
    model: &Model,
    caller: &Caller,
    result: Result<(lookup::Outcome, ModelOutcome), SfError>,
    ms: u128,
    stop: &Stop,
) -> ModelRow {
    match result {
        Ok((full, found)) => {
            let matches = found.as_matches(&full.matches);
            let open: &[CaseInfo] = &full.open_cases;
            let row = found_row(input, None, &matches, open, ms);
            let eight = full.matches.first();
            ModelRow {
                row,
                crm_status: model.show_status.then(|| found.status()),
                missed_by_model: eight.is_some() && found.records.is_empty(),
                pops_8x8_object: eight.map(|m| m.object.clone()),
                pops_8x8_id: eight.map(|m| m.id.clone()),
                missed: crm_service::missed(&full.matches, &found.records, &model.format, caller),
                attributes: found
                    .records
                    .first()
                    .map(|r| r.attributes.clone())
                    .unwrap_or_default(),
            }
        }
        Err(e) => {
            if e.has_api_code("REQUEST_LIMIT_EXCEEDED") {
                stop.api_limit();
            }
            ModelRow::plain(row(input, Status::Failed, Some(sf_row_error(&e)), ms), None)
        }
    }
}

/// Runs every number under the model; `on_row` receives the rows in input order (it
/// returns false when stdout closed: no further lookup starts).
pub fn run_model(
    client: &Client,
    creds: &Credentials,
    session: Session,
    inputs: &[Input],
    config: &Config,
    model: &Model,
    mut on_row: impl FnMut(&ModelRow) -> bool,
) -> ModelSummary {
    let calls_before = client.api_calls();
    let stop = Stop::new(config);
    let pool = SessionPool::new(client, session).relogin_with(creds);
    let unknown_if_shown = model.show_status.then_some("Unknown");
    // Read every row first: withheld and invalid rows are finished, the others share
    // one lookup per distinct number.
    let mut distinct: Vec<(usize, lookup::Plan, Caller)> = Vec::new();
    let mut last_row: Vec<usize> = Vec::new();
    let mut pre: Vec<Pre> = Vec::with_capacity(inputs.len());
    {
        let mut memo: HashMap<(Option<u16>, Vec<String>), u32> = HashMap::new();
        for (i, input) in inputs.iter().enumerate() {
            let plan = match planned(config, input) {
                Err(r) => {
                    let status = (r.status == Status::Withheld)
                        .then_some(unknown_if_shown)
                        .flatten();
                    pre.push(Pre::Finished(Box::new(ModelRow::plain(*r, status))));
                    continue;
                }
                Ok(p) => p,
            };
            let Some(caller) = plan.reading().and_then(Caller::of) else {
                // Not a number the service would search (it never comes here for
                // phone lookups): an empty pop.
                pre.push(Pre::Finished(Box::new(ModelRow::plain(
                    row(input, Status::None, None, 0),
                    unknown_if_shown,
                ))));
                continue;
            };
            let as_typed = plan.reading().and_then(|r| r.as_typed);
            let key = (caller.calling_code, plan.searched());
            let d = *memo.entry(key).or_insert_with(|| {
                distinct.push((i, plan, caller));
                last_row.push(i);
                (distinct.len() - 1) as u32
            });
            last_row[d as usize] = i;
            pre.push(Pre::Distinct {
                distinct: d,
                as_typed,
            });
        }
    }
    let mut tally = Tally::new(inputs.len());
    let mut counts = ModelSummary::default();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(u32, ModelRow)>();
        let workers = config.concurrency.max(1).min(distinct.len());
        for _ in 0..workers {
            let tx = tx.clone();
            let (stop, next, pool, distinct) = (&stop, &next, &pool, &distinct);
            scope.spawn(move || {
                loop {
                    let d = next.fetch_add(1, Ordering::Relaxed);
                    let Some((first, plan, caller)) = distinct.get(d) else {
                        break;
                    };
                    let input = &inputs[*first];
                    let r = if stop.should_stop() {
                        ModelRow::plain(stop.skipped(input), None)
                    } else {
                        let t = Instant::now();
                        let result = pool.with_session(|s| {
                            let v = &config.version;
                            let full = lookup::perform(pool.client(), s, v, plan)?;
                            let found = crm_service::perform(pool.client(), s, v, model, caller)?;
                            Ok((full, found))
                        });
                        if let Ok((full, _)) = &result {
                            pool.note_usage(full.api_usage());
                        }
                        answer(input, model, caller, result, t.elapsed().as_millis(), stop)
                    };
                    if tx.send((d as u32, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut answers: HashMap<u32, (ModelRow, bool)> = HashMap::new();
        let mut want = 0;
        let mut hand_over = |answers: &mut HashMap<u32, (ModelRow, bool)>| {
            while let Some(p) = pre.get(want) {
                let mut r = match p {
                    Pre::Finished(r) => (**r).clone(),
                    Pre::Distinct { distinct, as_typed } => {
                        let Some((a, used)) = answers.get_mut(distinct) else {
                            break;
                        };
                        let input = &inputs[want];
                        let mut r = a.clone();
                        r.row.line = input.line;
                        r.row.input = OrgText::from(input.value.as_str());
                        r.row.as_typed = *as_typed;
                        if *used {
                            r.row.ms = 0;
                            r.row.cached = true;
                        }
                        *used = true;
                        if last_row[*distinct as usize] == want {
                            answers.remove(distinct);
                        }
                        r
                    }
                };
                if matches!(r.row.status, Status::Skipped | Status::Failed) {
                    r.crm_status = None;
                } else {
                    // What kind of contact the model pops, whether or not ShowStatus shows it.
                    match r
                        .row
                        .pops_object
                        .as_ref()
                        .and_then(|o| o.which(&["Contact", "Lead"]))
                    {
                        Some("Contact") => counts.contact += 1,
                        Some("Lead") => counts.lead += 1,
                        _ => counts.unknown += 1,
                    }
                    counts.popped_by_8x8 += usize::from(r.pops_8x8_object.is_some());
                    counts.missed_by_model += usize::from(r.missed_by_model);
                }
                tally.take(&r.row, &stop, &mut |_| on_row(&r));
                want += 1;
            }
        };
        hand_over(&mut answers);
        for (d, r) in rx {
            answers.insert(d, (r, false));
            hand_over(&mut answers);
        }
    });
    let mut summary = tally.finish(&stop, config);
    summary.api_calls = client.api_calls() - calls_before;
    summary.api_usage = pool.api_usage().map(|(used, max)| ApiUsage { used, max });
    summary.relogins = pool.relogins();
    counts.base = summary;
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model's CSV columns follow the 8x8 ones, one cell per header name, org
    /// text escaped.
    #[test]
    fn model_csv_rows_match_the_header_and_escape() {
        let mut r = ModelRow::plain(
            Row {
                line: 3,
                input: OrgText::from("+31301234567"),
                status: Status::None,
                matches: 0,
                pops_object: None,
                pops_id: None,
                pops_name: None,
                open_cases: 0,
                error: None,
                ms: 5,
                as_typed: None,
                cached: false,
            },
            Some("Unknown"),
        );
        r.missed_by_model = true;
        r.pops_8x8_object = Some(OrgText::from("Contact"));
        r.pops_8x8_id = Some(OrgText::from("=003\u{1b}[2J"));
        let cells = model_csv_row(&r);
        let header = format!("{CSV_HEADER},{MODEL_CSV_HEADER}");
        assert_eq!(cells.len(), header.split(',').count());
        assert_eq!(
            &cells[cells.len() - 5..],
            ["Unknown", "true", "Contact", "\"'=003\\x1b[2J\"", "0"]
        );
    }
}
