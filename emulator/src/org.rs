//! The org's data: records, users and connected apps, loaded from YAML or built in.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::ids;
use crate::schema::{self, FieldType};

/// The YAML file format (documented in emulator/README.md).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrgFile {
    #[serde(default)]
    pub org: OrgSettings,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub connected_apps: Vec<ConnectedApp>,
    /// Object name -> records (field -> value). `Ref: name` names a record so others
    /// can point at it with `"@name"` in a reference field.
    #[serde(default)]
    pub records: BTreeMap<String, Vec<Map<String, Value>>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrgSettings {
    pub name: String,
    /// The My Domain name (`<name>.my.salesforce.com` in a real org).
    pub my_domain: String,
    /// Daily API request limit, reported in `Sforce-Limit-Info` and `/limits`.
    pub api_limit: u64,
    /// Org locked, closed or suspended: logins fail with `inactive_org`.
    pub inactive: bool,
    /// Logins allowed before `rate_limit_exceeded` (none by default).
    pub max_logins: Option<u64>,
    /// Org-wide "Allow OAuth Username-Password Flows" (off by default in orgs created
    /// since Summer '23).
    pub allow_username_password_flow: bool,
    /// API versions offered, oldest and newest.
    pub min_api_version: u32,
    pub max_api_version: u32,
    /// Bulk API 2.0: processing delay and limits (src/bulk2/).
    pub bulk: crate::bulk2::BulkSettings,
}

impl Default for OrgSettings {
    fn default() -> Self {
        OrgSettings {
            name: "crmctl emulated org".into(),
            my_domain: "crmctl-demo".into(),
            api_limit: 15000,
            inactive: false,
            max_logins: None,
            allow_username_password_flow: true,
            min_api_version: 31,
            max_api_version: 67,
            bulk: crate::bulk2::BulkSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct User {
    pub username: String,
    pub password: String,
    pub security_token: String,
    pub name: String,
    pub active: bool,
    /// The profile's "API Enabled" permission.
    pub api_enabled: bool,
    /// Per-user switch standing in for policies that block the password flow.
    pub password_flow_allowed: bool,
    /// Logins from this address are outside the user's login IP ranges or hours.
    pub ip_restricted: bool,
    /// Logins come from a trusted IP range: the security token is not needed.
    pub trusted_ip: bool,
    pub password_expired: bool,
    pub locked_out: bool,
    /// Fields this user's profile cannot see, as `Object.Field` (field-level
    /// security: left out of describe, `No such column` in queries and writes).
    pub hidden_fields: Vec<String>,
    /// The User record's Email (default: the username).
    pub email: Option<String>,
}

impl Default for User {
    fn default() -> Self {
        User {
            username: String::new(),
            password: String::new(),
            security_token: String::new(),
            name: "Integration User".into(),
            active: true,
            api_enabled: true,
            password_flow_allowed: true,
            ip_restricted: false,
            trusted_ip: false,
            password_expired: false,
            locked_out: false,
            hidden_fields: Vec::new(),
            email: None,
        }
    }
}

impl User {
    pub fn email(&self) -> &str {
        self.email.as_deref().unwrap_or(&self.username)
    }

    /// First and last name from `name` (the last word is the last name).
    pub fn first_last(&self) -> (&str, &str) {
        match self.name.trim().rsplit_once(' ') {
            Some((first, last)) => (first.trim(), last),
            None => ("", self.name.trim()),
        }
    }

    pub fn can_see(&self, object: &str, field: &str) -> bool {
        !self.hidden_fields.iter().any(|h| {
            h.split_once('.').is_some_and(|(o, f)| {
                o.eq_ignore_ascii_case(object) && f.eq_ignore_ascii_case(field)
            })
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConnectedApp {
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    /// The "run as" user of the client credentials flow; none disables the flow.
    pub client_credentials_user: Option<String>,
    /// When set, only these users are admin-approved for the app.
    pub admin_approved_users: Option<Vec<String>>,
    /// PEM certificate of the key that signs JWT bearer assertions (RS256); none
    /// disables the JWT bearer flow for the app.
    pub certificate: Option<String>,
}

/// A record with what the search engine precomputes for it.
#[derive(Debug, Clone)]
pub struct Record {
    pub values: Map<String, Value>,
    /// Digit-only forms of each non-empty phone field, for IN PHONE FIELDS.
    pub phone_digits: Vec<(&'static str, String)>,
}

impl Record {
    pub fn id(&self) -> &str {
        self.values.get("Id").and_then(Value::as_str).unwrap_or("")
    }

    pub fn get(&self, field: &str) -> &Value {
        self.values.get(field).unwrap_or(&Value::Null)
    }
}

/// The loaded org.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: String,
    pub settings: OrgSettings,
    pub users: Vec<(String, User)>,
    pub apps: Vec<ConnectedApp>,
    pub records: BTreeMap<&'static str, Vec<Record>>,
    by_id: HashMap<String, (&'static str, usize)>,
    counters: HashMap<&'static str, u64>,
    next_case_number: u64,
    /// Per object, phone digits -> record positions, built by the first phone
    /// search after a change (`phone_index`); every change empties it.
    phone_index: std::sync::OnceLock<PhoneIndex>,
}

/// Object -> digits of a phone field -> positions of the records holding them.
pub type PhoneIndex = HashMap<&'static str, HashMap<String, Vec<usize>>>;

#[derive(Debug)]
pub struct OrgError(pub String);

impl std::fmt::Display for OrgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OrgError {}

pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

impl Org {
    pub fn load_yaml(path: &Path) -> Result<Org, OrgError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| OrgError(format!("cannot read {}: {e}", path.display())))?;
        let file: OrgFile = serde_saphyr::from_str(&text)
            .map_err(|e| OrgError(format!("{}: {e}", path.display())))?;
        Org::from_file(file).map_err(|e| OrgError(format!("{}: {}", path.display(), e.0)))
    }

    pub fn from_file(file: OrgFile) -> Result<Org, OrgError> {
        let mut org = Org {
            id: ids::make_id("00D", 1),
            settings: file.org,
            users: Vec::new(),
            apps: file.connected_apps,
            records: BTreeMap::new(),
            by_id: HashMap::new(),
            counters: HashMap::new(),
            next_case_number: 2000,
            phone_index: std::sync::OnceLock::new(),
        };
        for (i, u) in file.users.into_iter().enumerate() {
            if u.username.is_empty() {
                return Err(OrgError(format!("users[{i}] has no username")));
            }
            let id = ids::make_id("005", i as u64 + 1);
            let (first, last) = u.first_last();
            let row = json!({
                "Id": id, "Username": u.username, "FirstName": first, "LastName": last,
                "Name": u.name, "Email": u.email(), "Alias": u.username.chars().take(8).collect::<String>(),
                "IsActive": u.active, "UserType": "Standard", "TimeZoneSidKey": "Europe/Amsterdam",
                "LocaleSidKey": "en_US", "LanguageLocaleKey": "en_US",
            });
            org.users.push((id, u));
            if let Value::Object(row) = row {
                org.insert("User", row)?;
            }
        }
        let org_row = json!({
            "Id": org.id, "Name": org.settings.name, "OrganizationType": "Developer Edition",
            "InstanceName": "EMU1", "IsSandbox": false, "TrialExpirationDate": null,
            "NamespacePrefix": null, "DefaultLocaleSidKey": "en_US", "LanguageLocaleKey": "en_US",
            "TimeZoneSidKey": "Europe/Amsterdam", "Country": "NL",
        });
        if let Value::Object(row) = org_row {
            org.insert("Organization", row)?;
        }
        // Ids first, so references by `@ref` resolve in any order.
        let mut refs: HashMap<String, String> = HashMap::new();
        let mut pending: Vec<(&'static str, Map<String, Value>)> = Vec::new();
        for (object, rows) in file.records {
            let (name, _) = schema::object(&object)
                .filter(|(n, _)| !schema::SYSTEM_OBJECTS.contains(n))
                .ok_or_else(|| OrgError(format!("records: unknown object `{object}`")))?;
            for mut row in rows {
                let id = match row.get("Id").and_then(Value::as_str) {
                    Some(id) => id.to_string(),
                    None => org.next_id(name),
                };
                if let Some(Value::String(r)) = row.remove("Ref") {
                    refs.insert(r, id.clone());
                }
                row.insert("Id".into(), Value::String(id));
                pending.push((name, row));
            }
        }
        for (object, mut row) in pending {
            for v in row.values_mut() {
                if let Value::String(s) = v
                    && let Some(r) = s.strip_prefix('@')
                {
                    let id = refs
                        .get(r)
                        .ok_or_else(|| OrgError(format!("{object}: no record has `Ref: {r}`")))?;
                    *s = id.clone();
                }
            }
            org.insert(object, row)?;
        }
        Ok(org)
    }

    fn next_id(&mut self, object: &'static str) -> String {
        let n = self.counters.entry(object).or_insert(0);
        *n += 1;
        ids::make_id(ids::key_prefix(object), *n)
    }

    /// Adds a record after filling in what Salesforce computes (Name, CaseNumber,
    /// IsClosed, defaults) and checking its fields.
    pub fn insert(
        &mut self,
        object: &'static str,
        mut row: Map<String, Value>,
    ) -> Result<String, OrgError> {
        self.phone_index = std::sync::OnceLock::new();
        let (_, fields) =
            schema::object(object).ok_or_else(|| OrgError(format!("unknown object {object}")))?;
        let mut canonical = Map::new();
        for (k, v) in row.iter_mut() {
            let field = schema::field(fields, k)
                .ok_or_else(|| OrgError(format!("{object}: unknown field `{k}`")))?;
            canonical.insert(field.name.to_string(), v.take());
        }
        if !canonical.contains_key("Id") {
            canonical.insert("Id".into(), Value::String(self.next_id(object)));
        }
        self.derive(object, &mut canonical);
        canonical
            .entry("CreatedDate")
            .or_insert(Value::String("2026-01-15T09:30:00.000+0000".into()));
        let created = canonical.get("CreatedDate").cloned().unwrap_or(Value::Null);
        canonical.entry("LastModifiedDate").or_insert(created);
        let record = Self::record(fields, canonical);
        let id = record.id().to_string();
        let list = self.records.entry(object).or_default();
        self.by_id.insert(id.clone(), (object, list.len()));
        list.push(record);
        Ok(id)
    }

    /// Fields Salesforce computes: Name of Contact and Lead, CaseNumber, IsClosed,
    /// and the defaults of Lead.
    fn derive(&mut self, object: &str, canonical: &mut Map<String, Value>) {
        let text = |m: &Map<String, Value>, k: &str| {
            m.get(k).and_then(Value::as_str).unwrap_or("").to_string()
        };
        match object {
            "Contact" | "Lead" => {
                let name = format!(
                    "{} {}",
                    text(canonical, "FirstName"),
                    text(canonical, "LastName")
                );
                canonical.insert("Name".into(), Value::String(name.trim().to_string()));
                if object == "Lead" {
                    canonical.entry("IsConverted").or_insert(Value::Bool(false));
                    canonical
                        .entry("Status")
                        .or_insert(Value::String("Open - Not Contacted".into()));
                }
            }
            "Case" => {
                if !canonical.contains_key("CaseNumber") {
                    self.next_case_number += 1;
                    canonical.insert(
                        "CaseNumber".into(),
                        Value::String(format!("{:08}", self.next_case_number)),
                    );
                }
                canonical
                    .entry("Status")
                    .or_insert(Value::String("New".into()));
                let closed = text(canonical, "Status").eq_ignore_ascii_case("Closed");
                canonical.insert("IsClosed".into(), Value::Bool(closed));
            }
            _ => {}
        }
    }

    /// A record in the schema's field order (so records read like Salesforce's),
    /// with its phone digits precomputed for search.
    fn record(fields: &'static [schema::Field], mut canonical: Map<String, Value>) -> Record {
        // Sized exactly: at 200,000 records a doubled map's slack is ~75 MB.
        let mut ordered = Map::with_capacity(canonical.len());
        for f in fields {
            if let Some(v) = canonical.remove(f.name) {
                ordered.insert(f.name.to_string(), v);
            }
        }
        let phone_digits = fields
            .iter()
            .filter(|f| f.kind == FieldType::Phone)
            .filter_map(|f| {
                let d = digits(ordered.get(f.name)?.as_str()?);
                (!d.is_empty()).then_some((f.name, d))
            })
            .collect();
        Record {
            values: ordered,
            phone_digits,
        }
    }

    /// Sets fields of an existing record (names already canonical and checked),
    /// recomputes what Salesforce derives, and stamps LastModifiedDate.
    pub fn update(
        &mut self,
        id: &str,
        changes: Map<String, Value>,
        now: &str,
    ) -> Result<(), OrgError> {
        self.phone_index = std::sync::OnceLock::new();
        let (object, idx) = *self
            .by_id
            .get(id)
            .ok_or_else(|| OrgError(format!("no record {id}")))?;
        let (_, fields) =
            schema::object(object).ok_or_else(|| OrgError(format!("unknown object {object}")))?;
        let mut values = self
            .records
            .get(object)
            .map(|l| l[idx].values.clone())
            .unwrap_or_default();
        for (k, v) in changes {
            values.insert(k, v);
        }
        self.derive(object, &mut values);
        values.insert("LastModifiedDate".into(), Value::String(now.to_string()));
        let record = Self::record(fields, values);
        if let Some(list) = self.records.get_mut(object) {
            list[idx] = record;
        }
        Ok(())
    }

    /// Removes a record; later records of the object keep their order.
    pub fn delete(&mut self, id: &str) -> Option<&'static str> {
        self.phone_index = std::sync::OnceLock::new();
        let (object, idx) = self.by_id.remove(id)?;
        let list = self.records.get_mut(object)?;
        list.remove(idx);
        for (i, r) in list.iter().enumerate().skip(idx) {
            self.by_id.insert(r.id().to_string(), (object, i));
        }
        Some(object)
    }

    /// Removes several records in one pass, so a bulk delete of many rows costs one
    /// re-index, not one per row.
    pub fn delete_many(&mut self, ids: &std::collections::HashSet<String>) {
        self.phone_index = std::sync::OnceLock::new();
        for (object, list) in self.records.iter_mut() {
            if !list.iter().any(|r| ids.contains(r.id())) {
                continue;
            }
            list.retain(|r| !ids.contains(r.id()));
            for (i, r) in list.iter().enumerate() {
                self.by_id.insert(r.id().to_string(), (*object, i));
            }
        }
        for id in ids {
            self.by_id.remove(id);
        }
    }

    /// The phone digits of `object`'s records and where they are (built once
    /// after each change).
    pub fn phone_index(&self, object: &str) -> Option<&HashMap<String, Vec<usize>>> {
        self.phone_index
            .get_or_init(|| {
                let mut index = PhoneIndex::new();
                for (object, list) in &self.records {
                    let by_digits = index.entry(*object).or_default();
                    for (i, r) in list.iter().enumerate() {
                        for (_, d) in &r.phone_digits {
                            let at = by_digits.entry(d.clone()).or_default();
                            if at.last() != Some(&i) {
                                at.push(i);
                            }
                        }
                    }
                }
                index
            })
            .get(object)
    }

    pub fn get(&self, id: &str) -> Option<(&'static str, &Record)> {
        let (object, idx) = self.by_id.get(id)?;
        Some((object, &self.records.get(object)?[*idx]))
    }

    pub fn records(&self, object: &str) -> &[Record] {
        self.records.get(object).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn user(&self, username: &str) -> Option<&(String, User)> {
        self.users
            .iter()
            .find(|(_, u)| u.username.eq_ignore_ascii_case(username))
    }

    pub fn user_by_id(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|(i, _)| i == id).map(|(_, u)| u)
    }

    pub fn record_count(&self) -> usize {
        self.records.values().map(Vec::len).sum()
    }
}
