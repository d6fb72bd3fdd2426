//! The objects and fields the emulated org knows, with their API names, types and
//! labels (a subset of the standard objects; see salesforce-api.md section 7).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Id,
    String,
    Phone,
    Email,
    Picklist,
    Boolean,
    Date,
    DateTime,
    Reference,
    TextArea,
    Url,
    Int,
}

impl FieldType {
    pub fn api_name(self) -> &'static str {
        match self {
            FieldType::Id => "id",
            FieldType::String => "string",
            FieldType::Phone => "phone",
            FieldType::Email => "email",
            FieldType::Picklist => "picklist",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
            FieldType::DateTime => "datetime",
            FieldType::Reference => "reference",
            FieldType::TextArea => "textarea",
            FieldType::Url => "url",
            FieldType::Int => "int",
        }
    }

    /// Text the search engine indexes for IN ALL FIELDS.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FieldType::String
                | FieldType::Phone
                | FieldType::Email
                | FieldType::Picklist
                | FieldType::TextArea
                | FieldType::Url
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FieldType,
    /// Part of IN NAME FIELDS.
    pub name_field: bool,
    /// Computed or system-set: not createable.
    pub createable: bool,
    /// For references: the parent object and the relationship name.
    pub reference: Option<(&'static str, &'static str)>,
    /// Restricted picklist values (only Task's CallType and TaskSubtype are enforced).
    pub restricted: &'static [&'static str],
}

const fn f(name: &'static str, label: &'static str, kind: FieldType) -> Field {
    Field {
        name,
        label,
        kind,
        name_field: false,
        createable: true,
        reference: None,
        restricted: &[],
    }
}

const fn name_f(name: &'static str, label: &'static str, createable: bool) -> Field {
    Field {
        name,
        label,
        kind: FieldType::String,
        name_field: true,
        createable,
        reference: None,
        restricted: &[],
    }
}

const fn sys(name: &'static str, label: &'static str, kind: FieldType) -> Field {
    Field {
        name,
        label,
        kind,
        name_field: false,
        createable: false,
        reference: None,
        restricted: &[],
    }
}

const fn rf(
    name: &'static str,
    label: &'static str,
    parent: &'static str,
    rel: &'static str,
) -> Field {
    Field {
        name,
        label,
        kind: FieldType::Reference,
        name_field: false,
        createable: true,
        reference: Some((parent, rel)),
        restricted: &[],
    }
}

const fn pick(
    name: &'static str,
    label: &'static str,
    restricted: &'static [&'static str],
) -> Field {
    Field {
        name,
        label,
        kind: FieldType::Picklist,
        name_field: false,
        createable: true,
        reference: None,
        restricted,
    }
}

use FieldType as T;

pub const ACCOUNT: &[Field] = &[
    sys("Id", "Account ID", T::Id),
    name_f("Name", "Account Name", true),
    f("AccountNumber", "Account Number", T::String),
    f("Phone", "Account Phone", T::Phone),
    f("Fax", "Account Fax", T::Phone),
    f("Type", "Account Type", T::Picklist),
    f("Industry", "Industry", T::Picklist),
    f("Website", "Website", T::Url),
    f("BillingCity", "Billing City", T::String),
    rf("OwnerId", "Owner ID", "User", "Owner"),
    sys("CreatedDate", "Created Date", T::DateTime),
    sys("LastModifiedDate", "Last Modified Date", T::DateTime),
];

pub const CONTACT: &[Field] = &[
    sys("Id", "Contact ID", T::Id),
    name_f("Name", "Full Name", false),
    name_f("FirstName", "First Name", true),
    name_f("LastName", "Last Name", true),
    f("Phone", "Business Phone", T::Phone),
    f("MobilePhone", "Mobile Phone", T::Phone),
    f("HomePhone", "Home Phone", T::Phone),
    f("OtherPhone", "Other Phone", T::Phone),
    f("AssistantPhone", "Asst. Phone", T::Phone),
    f("Fax", "Business Fax", T::Phone),
    f("Email", "Email", T::Email),
    f("Title", "Title", T::String),
    rf("AccountId", "Account ID", "Account", "Account"),
    rf("OwnerId", "Owner ID", "User", "Owner"),
    sys("CreatedDate", "Created Date", T::DateTime),
    sys("LastModifiedDate", "Last Modified Date", T::DateTime),
];

pub const LEAD: &[Field] = &[
    sys("Id", "Lead ID", T::Id),
    name_f("Name", "Full Name", false),
    name_f("FirstName", "First Name", true),
    name_f("LastName", "Last Name", true),
    name_f("Company", "Company", true),
    f("Status", "Status", T::Picklist),
    f("Phone", "Phone", T::Phone),
    f("MobilePhone", "Mobile Phone", T::Phone),
    f("Fax", "Fax", T::Phone),
    f("Email", "Email", T::Email),
    f("IsConverted", "Converted", T::Boolean),
    rf("OwnerId", "Owner ID", "User", "Owner"),
    sys("CreatedDate", "Created Date", T::DateTime),
    sys("LastModifiedDate", "Last Modified Date", T::DateTime),
];

pub const CASE: &[Field] = &[
    sys("Id", "Case ID", T::Id),
    sys("CaseNumber", "Case Number", T::String),
    f("Subject", "Subject", T::String),
    f("Status", "Status", T::Picklist),
    f("Priority", "Priority", T::Picklist),
    f("Origin", "Case Origin", T::Picklist),
    rf("ContactId", "Contact ID", "Contact", "Contact"),
    rf("AccountId", "Account ID", "Account", "Account"),
    sys("IsClosed", "Closed", T::Boolean),
    sys("CreatedDate", "Date/Time Opened", T::DateTime),
    sys("ClosedDate", "Date/Time Closed", T::DateTime),
    f("SuppliedEmail", "Web Email", T::Email),
    f("SuppliedPhone", "Web Phone", T::String),
    rf("OwnerId", "Owner ID", "User", "Owner"),
    sys("LastModifiedDate", "Last Modified Date", T::DateTime),
];

pub const CALL_TYPES: &[&str] = &["Inbound", "Internal", "Outbound"];
pub const TASK_SUBTYPES: &[&str] = &["Task", "Email", "LinkedIn", "List Email", "Call"];

pub const TASK: &[Field] = &[
    sys("Id", "Activity ID", T::Id),
    f("Subject", "Subject", T::String),
    f("Status", "Status", T::Picklist),
    f("Priority", "Priority", T::Picklist),
    f("ActivityDate", "Due Date Only", T::Date),
    pick("CallType", "Call Type", CALL_TYPES),
    f("CallDurationInSeconds", "Call Duration", T::Int),
    f("CallObject", "Call Object Identifier", T::String),
    f("CallDisposition", "Call Result", T::String),
    pick("TaskSubtype", "Task Subtype", TASK_SUBTYPES),
    f("WhoId", "Name ID", T::Reference),
    f("WhatId", "Related To ID", T::Reference),
    f("Description", "Description", T::TextArea),
    f("Type", "Type", T::Picklist),
    rf("OwnerId", "Assigned To ID", "User", "Owner"),
    sys("CreatedDate", "Created Date", T::DateTime),
    sys("LastModifiedDate", "Last Modified Date", T::DateTime),
];

pub const USER: &[Field] = &[
    sys("Id", "User ID", T::Id),
    name_f("Name", "Full Name", false),
    sys("Username", "Username", T::String),
    sys("FirstName", "First Name", T::String),
    sys("LastName", "Last Name", T::String),
    sys("Email", "Email", T::Email),
    sys("Alias", "Alias", T::String),
    sys("IsActive", "Active", T::Boolean),
    sys("UserType", "User Type", T::Picklist),
    sys("TimeZoneSidKey", "Time Zone", T::Picklist),
    sys("LocaleSidKey", "Locale", T::Picklist),
    sys("LanguageLocaleKey", "Language", T::Picklist),
    sys("CreatedDate", "Created Date", T::DateTime),
    sys("LastModifiedDate", "Last Modified Date", T::DateTime),
];

/// The org itself (one record; `SELECT Id, Name FROM Organization` is what `sf`
/// and many scripts run first).
pub const ORGANIZATION: &[Field] = &[
    sys("Id", "Organization ID", T::Id),
    sys("Name", "Name", T::String),
    sys("OrganizationType", "Edition", T::Picklist),
    sys("InstanceName", "Instance Name", T::String),
    sys("IsSandbox", "Is Sandbox", T::Boolean),
    sys("TrialExpirationDate", "Trial Expiration Date", T::DateTime),
    sys("NamespacePrefix", "Namespace Prefix", T::String),
    sys("DefaultLocaleSidKey", "Locale", T::Picklist),
    sys("LanguageLocaleKey", "Language", T::Picklist),
    sys("TimeZoneSidKey", "Time Zone", T::Picklist),
    sys("Country", "Country", T::String),
    sys("CreatedDate", "Created Date", T::DateTime),
    sys("LastModifiedDate", "Last Modified Date", T::DateTime),
];

/// Objects in the order the emulator lists them.
pub const OBJECTS: &[(&str, &str, &str, &[Field])] = &[
    ("Account", "Account", "Accounts", ACCOUNT),
    ("Contact", "Contact", "Contacts", CONTACT),
    ("Lead", "Lead", "Leads", LEAD),
    ("Case", "Case", "Cases", CASE),
    ("Task", "Task", "Tasks", TASK),
    ("User", "User", "Users", USER),
    (
        "Organization",
        "Organization",
        "Organizations",
        ORGANIZATION,
    ),
];

/// Searchable with SOSL (Task and User are left out, as in a default org's search).
pub const SEARCHABLE: &[&str] = &["Account", "Contact", "Lead", "Case"];

/// Finds an object by name, case-insensitively, returning its canonical name.
pub fn object(name: &str) -> Option<(&'static str, &'static [Field])> {
    OBJECTS
        .iter()
        .find(|(n, ..)| n.eq_ignore_ascii_case(name))
        .map(|(n, _, _, fields)| (*n, *fields))
}

pub fn labels(name: &str) -> (&'static str, &'static str) {
    OBJECTS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, l, p, _)| (*l, *p))
        .unwrap_or(("", ""))
}

pub fn field<'a>(fields: &'a [Field], name: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}

/// Objects whose records the org computes (users from `users:`, the org from
/// `org:`): not createable, updateable or deletable through the API.
pub const SYSTEM_OBJECTS: &[&str] = &["User", "Organization"];

/// A polymorphic lookup: `fk` on `object` (relationship `rel`) points at a record
/// of any of `reference_to`. The one table describe, writes (`records.rs` checks
/// the target's object) and SOQL (`relations::polymorphic`) all read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Polymorphic {
    pub object: &'static str,
    pub fk: &'static str,
    pub rel: &'static str,
    pub reference_to: &'static [&'static str],
}

/// Task's `WhoId`/`WhatId` (Task object reference: WhoId is a Contact or a Lead,
/// WhatId an Account, Case, Opportunity, ...).
pub const POLYMORPHIC: &[Polymorphic] = &[
    Polymorphic {
        object: "Task",
        fk: "WhoId",
        rel: "Who",
        reference_to: &["Contact", "Lead"],
    },
    Polymorphic {
        object: "Task",
        fk: "WhatId",
        rel: "What",
        reference_to: &[
            "Account",
            "Asset",
            "Campaign",
            "Case",
            "Contract",
            "Opportunity",
            "Product2",
            "Solution",
        ],
    },
];

/// `referenceTo` and `relationshipName` of a reference field as describe lists
/// them.
pub fn reference_to(object: &str, f: &Field) -> (&'static [&'static str], Option<&'static str>) {
    if let Some(p) = POLYMORPHIC
        .iter()
        .find(|p| p.object == object && p.fk == f.name)
    {
        return (p.reference_to, Some(p.rel));
    }
    match f.reference {
        Some((parent, rel)) => (
            match parent {
                "Account" => &["Account"],
                "Contact" => &["Contact"],
                "User" => &["User"],
                _ => &[],
            },
            Some(rel),
        ),
        None => (&[], None),
    }
}

/// Picklist values as describe lists them (standard values of a new org; the
/// restricted ones are also enforced on write).
pub fn picklist(object: &str, f: &Field) -> &'static [&'static str] {
    if !f.restricted.is_empty() {
        return f.restricted;
    }
    match (object, f.name) {
        ("Task", "Status") => &[
            "Not Started",
            "In Progress",
            "Completed",
            "Waiting on someone else",
            "Deferred",
        ],
        ("Task", "Priority") => &["High", "Normal", "Low"],
        ("Task", "Type") => &["Call", "Email", "Meeting", "Other"],
        ("Case", "Status") => &["New", "Working", "Escalated", "Closed"],
        ("Case", "Priority") => &["High", "Medium", "Low"],
        ("Case", "Origin") => &["Phone", "Email", "Web"],
        ("Lead", "Status") => &[
            "Open - Not Contacted",
            "Working - Contacted",
            "Closed - Converted",
            "Closed - Not Converted",
        ],
        _ => &[],
    }
}

/// The default a create fills in when the field is left out.
pub fn default_value(object: &str, field: &str) -> Option<&'static str> {
    match (object, field) {
        ("Task", "Status") => Some("Not Started"),
        ("Task", "Priority") => Some("Normal"),
        ("Case", "Status") => Some("New"),
        ("Lead", "Status") => Some("Open - Not Contacted"),
        _ => None,
    }
}

/// Fields a create must set (after defaults).
pub fn required(object: &str) -> &'static [&'static str] {
    match object {
        "Account" => &["Name"],
        "Contact" => &["LastName"],
        "Lead" => &["LastName", "Company"],
        "Task" => &["Status", "Priority"],
        _ => &[],
    }
}

/// Updateable: createable, except create-only fields such as Task's TaskSubtype.
pub fn updateable(object: &str, f: &Field) -> bool {
    f.createable && !(object == "Task" && f.name == "TaskSubtype")
}

/// Fields usable in `GET sobjects/<Object>/<Field>/<value>` (describe's `idLookup`).
pub fn id_lookup(f: &Field) -> bool {
    f.name == "Id" || f.name == "CaseNumber" || f.kind == FieldType::Email || f.name == "Username"
}

/// Maximum text length (describe's `length`; 0 for non-text types).
pub fn length(f: &Field) -> usize {
    match f.kind {
        FieldType::Id | FieldType::Reference => 18,
        FieldType::Phone => 40,
        FieldType::Email => 80,
        FieldType::TextArea => 32000,
        FieldType::Boolean | FieldType::Date | FieldType::DateTime | FieldType::Int => 0,
        _ => 255,
    }
}
