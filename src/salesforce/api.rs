//! Data-API calls and their answers as typed records. Every text field is
//! [`OrgText`]: it came from the org.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::auth::{FORM, Session};
use super::error::SfError;
use super::http::{self, CallInfo, Client, DATA_BODY_CAP};
use crate::output::OrgText;

/// The first API version with `/composite` (Winter '17); older ones answer 404.
/// Salesforce answers 414 when a request's URI passes 16,384 bytes, and 431 when the
/// URI and headers together do (REST API Developer Guide, "Status Codes and Error
/// Responses", <https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm>).
pub const MAX_URI_AND_HEADERS: usize = 16_384;

/// The most a query's encoded `q` may take: the limit, less room for the rest of the
/// URL (the instance URL and path, a few hundred bytes at most) and the headers (the
/// bearer token, about 112 bytes, the user agent, host, gzip). Generous, so a long My
/// Domain or a larger token still fits.
pub const MAX_QUERY_PARAM: usize = MAX_URI_AND_HEADERS - 4_096;

/// The length of a SOQL query once percent-encoded into a URL's `q`, as
/// [`Client::query`] sends it.
pub fn encoded_query_len(soql: &str) -> usize {
    percent_encoding::utf8_percent_encode(soql, FORM)
        .map(str::len)
        .sum()
}

pub const COMPOSITE_SINCE: u32 = 38;
/// At most this many subrequests in one composite request (Salesforce's limit).
pub const COMPOSITE_MAX: usize = 25;

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
    #[serde(default, rename = "nextRecordsUrl")]
    next_records_url: Option<String>,
    #[serde(default)]
    done: Option<bool>,
}

/// One page of a SOQL answer and the cursor to the next (`nextRecordsUrl`, while
/// `done` is not true).
#[derive(Debug, Default)]
pub struct QueryPage {
    pub records: Vec<Record>,
    pub next: Option<String>,
}

impl From<QueryAnswer> for QueryPage {
    fn from(a: QueryAnswer) -> Self {
        QueryPage {
            records: a.records,
            next: a.next_records_url.filter(|_| a.done != Some(true)),
        }
    }
}

/// A `POST /services/data/vXX.X/composite` request: subrequests run in order as
/// one API call. Shapes from Salesforce's REST API Developer Guide, "Composite"
/// (resources_composite_composite_post.htm, requests_composite.htm).
#[derive(Serialize)]
struct CompositeRequest<'a> {
    /// `false`: a failed subrequest does not roll back or halt the others.
    #[serde(rename = "allOrNone")]
    all_or_none: bool,
    #[serde(rename = "compositeRequest")]
    composite_request: &'a [SubRequest],
}

/// One subrequest: `url` starts with `/services/data/`.
#[derive(Debug, Clone, Serialize)]
pub struct SubRequest {
    pub method: &'static str,
    pub url: String,
    /// Letters, digits and `_`; names the subrequest's result.
    #[serde(rename = "referenceId")]
    pub reference_id: String,
}

/// The composite answer, `{"compositeResponse": [...]}` (responses_composite.htm).
/// Subrequest bodies are borrowed from the answer's bytes, unparsed, so each is
/// parsed once into the type its subrequest returns.
#[derive(Deserialize)]
pub struct CompositeAnswer<'a> {
    #[serde(rename = "compositeResponse", borrow)]
    pub composite_response: Vec<SubAnswer<'a>>,
}

/// One subrequest's result: its own status and body (an error body is
/// Salesforce's `[{"errorCode", "message"}]`).
#[derive(Deserialize)]
pub struct SubAnswer<'a> {
    #[serde(borrow, default)]
    pub body: Option<&'a RawValue>,
    #[serde(rename = "httpHeaders", default)]
    pub http_headers: BTreeMap<String, String>,
    #[serde(rename = "httpStatusCode")]
    pub http_status_code: u16,
    #[serde(rename = "referenceId")]
    pub reference_id: String,
}

impl SubAnswer<'_> {
    /// A 200 as `T`; any other status as Salesforce's error for it.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, SfError> {
        let body = self.body.map_or("null", RawValue::get).as_bytes();
        if self.http_status_code == 200 {
            http::parse_ok(body)
        } else {
            Err(http::status_error(self.http_status_code, body))
        }
    }
}

/// `60.0` -> 60.
fn major(version: &str) -> Option<u32> {
    version.split('.').next()?.parse().ok()
}

#[derive(Deserialize)]
struct Describe {
    #[serde(default)]
    fields: Vec<DescribeField>,
}

#[derive(Deserialize)]
struct DescribeField {
    name: OrgText,
    /// The most characters a text field holds (0 for numbers, dates, booleans).
    #[serde(default)]
    length: usize,
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
        let (a, info): (QueryAnswer, _) = self.query_answer(session, version, soql)?;
        Ok((a.records, info))
    }

    /// A SOQL query whose records are kept as JSON objects: for fields chosen at run time
    /// (a UCC's PluginAttributes). Every value in them came from the org.
    pub fn query_json(
        &self,
        session: &Session,
        version: &str,
        soql: &str,
    ) -> Result<(Vec<serde_json::Map<String, serde_json::Value>>, CallInfo), SfError> {
        #[derive(Deserialize)]
        struct Answer {
            #[serde(default)]
            records: Vec<serde_json::Map<String, serde_json::Value>>,
        }
        let (a, info): (Answer, _) = self.query_answer(session, version, soql)?;
        Ok((a.records, info))
    }

    /// The first page of a query, with its cursor (for answers that may be paged).
    pub fn query_page(
        &self,
        session: &Session,
        version: &str,
        soql: &str,
    ) -> Result<(QueryPage, CallInfo), SfError> {
        let (a, info): (QueryAnswer, _) = self.query_answer(session, version, soql)?;
        Ok((a.into(), info))
    }

    /// The first answer of `query/?q=` for a SOQL statement, as the caller reads it.
    fn query_answer<T: serde::de::DeserializeOwned>(
        &self,
        session: &Session,
        version: &str,
        soql: &str,
    ) -> Result<(T, CallInfo), SfError> {
        let q = percent_encoding::utf8_percent_encode(soql, FORM);
        self.get_json(
            &format!(
                "{}/services/data/v{version}/query/?q={q}",
                session.instance_url
            ),
            Some(&session.access_token),
        )
    }

    /// The page at a `nextRecordsUrl`. Only a host-relative path under
    /// `/services/data/` is followed: anything else would send the token elsewhere.
    pub fn query_more(
        &self,
        session: &Session,
        next: &str,
    ) -> Result<(QueryPage, CallInfo), SfError> {
        if !next.starts_with("/services/data/") {
            return Err(SfError::Protocol {
                status: 200,
                detail: "nextRecordsUrl is not a path under /services/data/".into(),
            });
        }
        let (a, info): (QueryAnswer, _) = self.get_json(
            &format!("{}{next}", session.instance_url),
            Some(&session.access_token),
        )?;
        Ok((a.into(), info))
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
        Ok((d.names(), info))
    }

    /// The most characters each text field of an object holds, by field name
    /// (`sobjects/<Object>/describe`, `fields[].length`); fields with no length
    /// (numbers, dates) are left out.
    pub fn field_lengths(
        &self,
        session: &Session,
        version: &str,
        object: &str,
    ) -> Result<(BTreeMap<String, usize>, CallInfo), SfError> {
        let (d, info): (Describe, _) = self.get_json(
            &format!(
                "{}/services/data/v{version}/sobjects/{object}/describe",
                session.instance_url
            ),
            Some(&session.access_token),
        )?;
        let lengths = d
            .fields
            .iter()
            .filter(|f| f.length > 0)
            .map(|f| (f.name.for_org_request().to_string(), f.length))
            .collect();
        Ok((lengths, info))
    }

    /// `POST /services/data/vXX.X/composite` with `subs` (at most 25), one API
    /// call; `read` gets the answer matched to the subrequests by `referenceId`,
    /// in the order of `subs`. Only reads belong here: the call is retried like
    /// a GET. The body cap is the sum of the subrequests' caps.
    pub fn composite<R>(
        &self,
        session: &Session,
        version: &str,
        subs: &[SubRequest],
        read: impl FnOnce(Vec<&SubAnswer<'_>>) -> Result<R, SfError>,
    ) -> Result<(R, CallInfo), SfError> {
        let request = serde_json::to_vec(&CompositeRequest {
            all_or_none: false,
            composite_request: subs,
        })
        .map_err(|e| SfError::Setup(format!("cannot write a composite request: {e}")))?;
        let (body, info) = self.data_call(
            &format!(
                "{}/services/data/v{version}/composite",
                session.instance_url
            ),
            Some(&request),
            Some(&session.access_token),
            DATA_BODY_CAP * subs.len().max(1) as u64,
        )?;
        let answer: CompositeAnswer<'_> =
            serde_json::from_slice(&body).map_err(|e| http::shape_error(200, &body, &e))?;
        let mut ordered = Vec::with_capacity(subs.len());
        for s in subs {
            let a = answer
                .composite_response
                .iter()
                .find(|a| a.reference_id == s.reference_id)
                .ok_or_else(|| SfError::Protocol {
                    status: 200,
                    detail: format!("the composite answer has no result for {}", s.reference_id),
                })?;
            ordered.push(a);
        }
        read(ordered).map(|r| (r, info))
    }

    /// The visible field names of each object in one composite request of
    /// `sobjects/<Object>/describe` subrequests: one API call, one result per
    /// object (a 404 there: the object is not visible to the user). `None` when
    /// the version predates `/composite` or there are too many objects for one
    /// request: describe them with [`Client::field_names`]. An org without
    /// `/composite` at this version answers the whole request 404.
    #[allow(clippy::type_complexity)]
    pub fn describe_composite(
        &self,
        session: &Session,
        version: &str,
        objects: &[&str],
    ) -> Option<Result<(Vec<Result<Vec<String>, SfError>>, CallInfo), SfError>> {
        if objects.is_empty()
            || objects.len() > COMPOSITE_MAX
            || major(version).is_none_or(|m| m < COMPOSITE_SINCE)
        {
            return None;
        }
        let subs: Vec<SubRequest> = objects
            .iter()
            .map(|o| SubRequest {
                method: "GET",
                url: format!("/services/data/v{version}/sobjects/{o}/describe"),
                reference_id: format!("describe_{o}"),
            })
            .collect();
        Some(self.composite(session, version, &subs, |subs| {
            Ok(subs
                .iter()
                .map(|a| a.parse::<Describe>().map(Describe::names))
                .collect())
        }))
    }
}

impl Describe {
    fn names(self) -> Vec<String> {
        self.fields
            .into_iter()
            .map(|f| f.name.for_org_request().to_string())
            .collect()
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
        assert_eq!(r.name, Some(OrgText::from("Jane\u{1b}[2J")));
        assert!(r.phone.is_none());
        assert_eq!(r.account.and_then(|a| a.name), Some(OrgText::from("Acme")));
    }

    #[test]
    fn composite_answers_are_typed_per_subrequest() {
        let body = br#"{"compositeResponse":[
            {"body":{"name":"Case","fields":[{"name":"CaseNumber"}]},"httpHeaders":{},"httpStatusCode":200,"referenceId":"describe_Case"},
            {"body":[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}],"httpHeaders":{},"httpStatusCode":404,"referenceId":"describe_Lead"},
            {"body":null,"httpHeaders":{"Location":"/x"},"httpStatusCode":204,"referenceId":"nothing"}]}"#;
        let a: CompositeAnswer<'_> = serde_json::from_slice(body).expect("answer");
        let [case, lead, empty] = &a.composite_response[..] else {
            panic!("three results");
        };
        assert_eq!(
            case.parse::<Describe>().map(Describe::names).ok(),
            Some(vec!["CaseNumber".to_string()])
        );
        assert!(matches!(
            lead.parse::<Describe>(),
            Err(SfError::Api { status: 404, .. })
        ));
        assert_eq!(
            empty.http_headers.get("Location").map(String::as_str),
            Some("/x")
        );
        assert!(matches!(
            empty.parse::<Describe>(),
            Err(SfError::Protocol { status: 204, .. })
        ));
        assert_eq!(major("60.0"), Some(60));
    }
}
