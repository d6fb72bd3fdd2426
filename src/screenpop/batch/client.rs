//! The engine on the crmctl HTTP client: each [`Org`] call is one data call through
//! the run's [`SessionPool`] (one re-login for all workers, API usage kept).

use super::{ErrorClass, Org, Page};
use crate::salesforce::{QueryPage, SessionPool, SfError};
use crate::screenpop::{CaseInfo, Match, case_info, to_match};

pub struct ClientOrg<'a> {
    pool: &'a SessionPool<'a>,
    version: &'a str,
}

impl<'a> ClientOrg<'a> {
    pub fn new(pool: &'a SessionPool<'a>, version: &'a str) -> Self {
        ClientOrg { pool, version }
    }
}

fn case_page(p: QueryPage) -> Page<CaseInfo> {
    Page {
        records: p.records.iter().map(case_info).collect(),
        next: p.next,
    }
}

impl Org for ClientOrg<'_> {
    type Record = Match;
    type Case = CaseInfo;
    type Error = SfError;

    fn search(&self, sosl: &str) -> Result<Vec<Match>, SfError> {
        let records = self.pool.call(|c, s| c.search(s, self.version, sosl))?;
        Ok(records.iter().map(to_match).collect())
    }

    fn query(&self, soql: &str) -> Result<Page<CaseInfo>, SfError> {
        let page = self.pool.call(|c, s| c.query_page(s, self.version, soql))?;
        Ok(case_page(page))
    }

    fn query_more(&self, next: &str) -> Result<Page<CaseInfo>, SfError> {
        let page = self.pool.call(|c, s| c.query_more(s, next))?;
        Ok(case_page(page))
    }

    fn classify(&self, error: &SfError) -> ErrorClass {
        match error {
            _ if error.has_api_code("REQUEST_LIMIT_EXCEEDED") => ErrorClass::Stop,
            SfError::Api {
                status: 400 | 414 | 431,
                ..
            }
            | SfError::Protocol {
                status: 414 | 431, ..
            } => ErrorClass::Split,
            _ => ErrorClass::Fail,
        }
    }
}
