//! Data-API calls and their answers as typed records. Every text field is
//! [`OrgText`]: it came from the org.

use serde::Deserialize;

use super::auth::{FORM, Session};
use super::error::SfError;
use super::http::{CallInfo, Client};
use crate::output::OrgText;

/// One entry of `GET /services/data/`.
#[derive(Debug, Clone, Deserialize)]
pub struct VersionEntry {
    pub version: OrgText,
    #[serde(default)]
    pub label: Option<OrgText>,
}

/// A record of a search or query answer, with the fields a screen pop reads.
/// Salesforce sends `null` for empty fields; unknown fields are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Record {
    #[serde(default, rename = "attributes")]
    pub attributes: Attributes,
    pub id: Option<OrgText>,
    pub name: Option<OrgText>,
    pub phone: Option<OrgText>,
    pub mobile_phone: Option<OrgText>,
    pub home_phone: Option<OrgText>,
    pub other_phone: Option<OrgText>,
    pub assistant_phone: Option<OrgText>,
    pub fax: Option<OrgText>,
    pub email: Option<OrgText>,
    pub company: Option<OrgText>,
    pub account_id: Option<OrgText>,
    pub account: Option<Parent>,
    pub case_number: Option<OrgText>,
    pub subject: Option<OrgText>,
    pub status: Option<OrgText>,
    pub priority: Option<OrgText>,
    pub is_closed: Option<bool>,
    pub created_date: Option<OrgText>,
    pub contact_id: Option<OrgText>,
    pub contact: Option<Parent>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Attributes {
    #[serde(default, rename = "type")]
    pub object: OrgText,
}

/// A parent relationship (`Account.Name`, `Contact.Name`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parent {
    pub name: Option<OrgText>,
}

/// A search answer: `{"searchRecords": [...]}`, or before v37 a bare array.
#[derive(Deserialize)]
#[serde(untagged)]
enum SearchAnswer {
    Wrapped {
        #[serde(rename = "searchRecords")]
        search_records: Vec<Record>,
    },
    Bare(Vec<Record>),
}

#[derive(Deserialize)]
struct QueryAnswer {
    #[serde(default)]
    records: Vec<Record>,
}

#[derive(Deserialize)]
struct Describe {
    #[serde(default)]
    fields: Vec<DescribeField>,
}

#[derive(Deserialize)]
struct DescribeField {
    name: OrgText,
}

impl Client {
    /// The versions list (`GET /services/data/`, no authentication).
    pub fn versions(&self, instance_url: &str) -> Result<(Vec<VersionEntry>, CallInfo), SfError> {
        self.get_json(&format!("{instance_url}/services/data/"), None)
    }

    /// `GET /services/data/vXX.X/search/?q=<SOSL>`.
    pub fn search(
        &self,
        session: &Session,
        version: &str,
        sosl: &str,
    ) -> Result<(Vec<Record>, CallInfo), SfError> {
        let q = percent_encoding::utf8_percent_encode(sosl, FORM);
        let (a, info): (SearchAnswer, _) = self.get_json(
            &format!(
                "{}/services/data/v{version}/search/?q={q}",
                session.instance_url
            ),
            Some(&session.access_token),
        )?;
        Ok((
            match a {
                SearchAnswer::Wrapped { search_records } => search_records,
                SearchAnswer::Bare(v) => v,
            },
            info,
        ))
    }

    /// `GET /services/data/vXX.X/query/?q=<SOQL>` (first page; screen pops ask for few rows).
    pub fn query(
        &self,
        session: &Session,
        version: &str,
        soql: &str,
    ) -> Result<(Vec<Record>, CallInfo), SfError> {
        let q = percent_encoding::utf8_percent_encode(soql, FORM);
        let (a, info): (QueryAnswer, _) = self.get_json(
            &format!(
                "{}/services/data/v{version}/query/?q={q}",
                session.instance_url
            ),
            Some(&session.access_token),
        )?;
        Ok((a.records, info))
    }

    /// The field names of an object the user can see (`sobjects/<Object>/describe`).
    pub fn field_names(
        &self,
        session: &Session,
        version: &str,
        object: &str,
    ) -> Result<(Vec<String>, CallInfo), SfError> {
        let (d, info): (Describe, _) = self.get_json(
            &format!(
                "{}/services/data/v{version}/sobjects/{object}/describe",
                session.instance_url
            ),
            Some(&session.access_token),
        )?;
        Ok((
            d.fields
                .into_iter()
                .map(|f| f.name.as_untrusted_str().to_string())
                .collect(),
            info,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_nulls_parents_and_ignore_unknown_fields() {
        let r: Record = serde_json::from_str(
            r#"{"attributes":{"type":"Contact","url":"/x"},"Id":"003A","Name":"Jane\u001b[2J",
                "Phone":null,"Account":{"attributes":{"type":"Account"},"Name":"Acme"},"Extra":1}"#,
        )
        .expect("record");
        assert_eq!(r.attributes.object, "Contact");
        assert_eq!(
            r.name.as_ref().map(OrgText::as_untrusted_str),
            Some("Jane\u{1b}[2J")
        );
        assert!(r.phone.is_none());
        assert_eq!(
            r.account
                .and_then(|a| a.name)
                .as_ref()
                .map(OrgText::as_untrusted_str),
            Some("Acme")
        );
    }
}
