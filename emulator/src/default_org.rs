//! The built-in org: a few hand-written records that the README and tests rely
//! on, and deterministic filler around them (phone numbers as people type them in
//! eight countries). The filler never uses the area codes of the named records,
//! so a search for one of those finds exactly the records listed in the README.

use serde_json::{Map, Value, json};

use crate::org::{ConnectedApp, OrgFile, OrgSettings, User};

pub const DEMO_USERNAME: &str = "demo@crmctl.example";
pub const DEMO_PASSWORD: &str = "DemoPassw0rd!";
pub const DEMO_SECURITY_TOKEN: &str = "DEMOTOKEN4xY7qP2m";
pub const DEMO_CLIENT_ID: &str = "3MVG9crmctlDEMOclientID.emulator";
pub const DEMO_CLIENT_SECRET: &str = "crmctl-demo-client-secret-2f9c";
/// The demo app's refresh token for the demo user, published for demos and CI
/// (`grant_type=refresh_token`, `sf org login sfdx-url`).
pub const DEMO_REFRESH_TOKEN: &str = "5Aep861crmctlDEMOrefreshToken.emulator.demo";

/// The demo app's certificate for the JWT bearer flow. Its private key is
/// published in `emulator/tests/fixtures/jwt-demo-key.pem` (a demo key, like the
/// demo password: never use it for a real org).
pub const DEMO_JWT_CERTIFICATE: &str = include_str!("../tests/fixtures/jwt-demo-cert.pem");

/// The private key of [`DEMO_JWT_CERTIFICATE`], published so that
/// `crmctl login --flow jwt` and `sf org login jwt` work against the emulator.
pub const DEMO_JWT_KEY: &str = include_str!("../tests/fixtures/jwt-demo-key.pem");

/// Users with one thing wrong each, for testing `crmctl login`'s advice.
pub const PROBLEM_USERS: &[(&str, &str)] = &[
    ("noapi@crmctl.example", "API Enabled is off for the profile"),
    (
        "blockedflow@crmctl.example",
        "the username-password flow is blocked",
    ),
    ("inactive@crmctl.example", "the user is deactivated"),
    (
        "iprestricted@crmctl.example",
        "logins from this IP or at this hour are restricted",
    ),
    ("expired@crmctl.example", "the password has expired"),
    (
        "locked@crmctl.example",
        "locked out after too many failed logins",
    ),
    (
        "trusted@crmctl.example",
        "logs in from a trusted IP range (no token needed)",
    ),
    (
        "nolead@crmctl.example",
        "cannot see Lead.Phone and Lead.MobilePhone",
    ),
];

fn rec(pairs: Value) -> Map<String, Value> {
    match pairs {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// A small deterministic generator (no dependency, same org on every machine).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }
}

const FIRST: &[&str] = &[
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Sophie",
    "Lucas",
    "Mila",
    "Daan",
    "Anna",
    "Finn",
    "Julia",
    "Max",
    "Chloé",
    "Léa",
    "Hugo",
    "Amélie",
    "Oliver",
    "Amelia",
    "Harry",
    "Isla",
    "Yuki",
    "Haruto",
    "Sakura",
    "Ren",
    "Charlotte",
    "Jack",
    "Ruby",
    "Lars",
    "Fenna",
    "Jonas",
    "Lena",
    "Felix",
];
const LAST: &[&str] = &[
    "Jansen",
    "de Boer",
    "Bakker",
    "Visser",
    "Smith",
    "Brown",
    "Taylor",
    "Wilson",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Martin",
    "Bernard",
    "Dubois",
    "Lefebvre",
    "Peeters",
    "Maes",
    "Nguyen",
    "Walker",
    "Sato",
    "Suzuki",
    "Takahashi",
    "O'Brien",
    "Kowalski",
    "Rossi",
];
const COMPANY_WORDS: &[&str] = &[
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Wingtip",
    "Litware",
    "Adventure",
    "Proseware",
    "Lucerne",
    "Margie",
    "Fourth Coffee",
    "Alpine",
    "Blue Yonder",
    "Coho",
    "Humongous",
    "Trey",
    "Wide World",
    "VanArsdel",
];
const SUFFIX: &[&str] = &[
    "B.V.", "Ltd", "GmbH", "SARL", "Inc.", "Pty Ltd", "NV", "K.K.",
];
const INDUSTRIES: &[&str] = &[
    "Technology",
    "Healthcare",
    "Retail",
    "Manufacturing",
    "Finance",
    "Education",
];
const CITIES: &[(&str, &str)] = &[
    ("Rotterdam", "nl"),
    ("Chicago", "com"),
    ("Manchester", "co.uk"),
    ("Munich", "de"),
    ("Marseille", "fr"),
    ("Melbourne", "com.au"),
    ("Osaka", "jp"),
    ("Antwerp", "be"),
];

/// A landline and a mobile in the style of the city's country, never in the
/// area codes used by the named records.
fn phones(g: &mut Lcg, city: usize) -> (String, String) {
    let d = |g: &mut Lcg, n| g.digits(n);
    match city {
        0 => {
            let land = if g.next().is_multiple_of(2) {
                format!("010-{}", d(g, 7))
            } else {
                format!("+31 10 {} {}", d(g, 3), d(g, 4))
            };
            (land, format!("06-2{}", d(g, 7)))
        }
        1 => {
            let (a, b) = (d(g, 3), d(g, 4));
            let land = match g.next() % 3 {
                0 => format!("(312) {a}-{b}"),
                1 => format!("+1 617 {a} {b}"),
                _ => format!("206.{a}.{b}"),
            };
            (land, format!("+1 303 {} {}", d(g, 3), d(g, 4)))
        }
        2 => (
            format!("+44 161 {} {}", d(g, 3), d(g, 4)),
            format!("07700 1{}", d(g, 5)),
        ),
        3 => {
            let land = if g.next().is_multiple_of(2) {
                format!("089 {}", d(g, 7))
            } else {
                format!("+49 40 {}", d(g, 8))
            };
            (land, format!("+49 160 {}", d(g, 8)))
        }
        4 => (
            format!("04 {} {} {} {}", d(g, 2), d(g, 2), d(g, 2), d(g, 2)),
            format!("+33 7 {} {} {} {}", d(g, 2), d(g, 2), d(g, 2), d(g, 2)),
        ),
        5 => (
            format!("(03) {} {}", d(g, 4), d(g, 4)),
            format!("0423 {} {}", d(g, 3), d(g, 3)),
        ),
        6 => (
            format!("+81 6-{}-{}", d(g, 4), d(g, 4)),
            format!("090-{}-{}", d(g, 4), d(g, 4)),
        ),
        _ => (
            format!("+32 3 {} {} {}", d(g, 3), d(g, 2), d(g, 2)),
            format!("0470 {} {} {}", d(g, 2), d(g, 2), d(g, 2)),
        ),
    }
}

fn users() -> Vec<User> {
    let base = |username: &str| User {
        username: username.into(),
        password: DEMO_PASSWORD.into(),
        security_token: DEMO_SECURITY_TOKEN.into(),
        ..User::default()
    };
    let mut users = vec![User {
        name: "Demo Integration".into(),
        ..base(DEMO_USERNAME)
    }];
    for (username, _) in PROBLEM_USERS {
        let mut u = base(username);
        match *username {
            "noapi@crmctl.example" => u.api_enabled = false,
            "blockedflow@crmctl.example" => u.password_flow_allowed = false,
            "inactive@crmctl.example" => u.active = false,
            "iprestricted@crmctl.example" => u.ip_restricted = true,
            "expired@crmctl.example" => u.password_expired = true,
            "locked@crmctl.example" => u.locked_out = true,
            "trusted@crmctl.example" => u.trusted_ip = true,
            "nolead@crmctl.example" => {
                u.hidden_fields = vec!["Lead.Phone".into(), "Lead.MobilePhone".into()]
            }
            _ => {}
        }
        users.push(u);
    }
    users
}

fn apps() -> Vec<ConnectedApp> {
    vec![
        ConnectedApp {
            name: "crmctl demo".into(),
            client_id: DEMO_CLIENT_ID.into(),
            client_secret: DEMO_CLIENT_SECRET.into(),
            client_credentials_user: Some(DEMO_USERNAME.into()),
            client_credentials_disabled: false,
            admin_approved_users: None,
            certificate: Some(DEMO_JWT_CERTIFICATE.into()),
            refresh_tokens: vec![crate::org::RefreshToken {
                username: DEMO_USERNAME.into(),
                token: DEMO_REFRESH_TOKEN.into(),
            }],
        },
        ConnectedApp {
            name: "admin approved only".into(),
            client_id: "3MVG9crmctlAPPROVEDonly.emulator".into(),
            client_secret: "crmctl-approved-only-secret".into(),
            client_credentials_user: None,
            client_credentials_disabled: false,
            admin_approved_users: Some(vec![DEMO_USERNAME.into()]),
            certificate: None,
            refresh_tokens: Vec::new(),
        },
    ]
}

/// The named records the README documents.
fn named_records(r: &mut std::collections::BTreeMap<String, Vec<Map<String, Value>>>) {
    let acc = vec![
        rec(
            json!({"Ref": "acme", "Name": "Acme Corporation", "Phone": "+1 415 555 0100", "Type": "Customer", "Industry": "Technology", "Website": "https://acme.example.com", "BillingCity": "San Francisco"}),
        ),
        rec(
            json!({"Ref": "ams", "Name": "Amsterdam Trading B.V.", "Phone": "+31 20 123 4567", "Type": "Customer", "Industry": "Retail", "BillingCity": "Amsterdam"}),
        ),
        rec(
            json!({"Ref": "globex", "Name": "Globex Corporation", "Phone": "+44 20 7946 0958", "Fax": "+44 20 7946 0959", "Type": "Partner", "Industry": "Manufacturing", "BillingCity": "London"}),
        ),
        rec(
            json!({"Ref": "berlin", "Name": "Berliner Werkzeug GmbH", "Phone": "0049 30 1234567", "Type": "Customer", "Industry": "Manufacturing", "BillingCity": "Berlin"}),
        ),
        rec(
            json!({"Ref": "paris", "Name": "Boulangerie Dupont SARL", "Phone": "+33 1 42 68 53 00", "Type": "Prospect", "BillingCity": "Paris"}),
        ),
        rec(
            json!({"Ref": "evil", "Name": "Evil\u{1b}[2J\u{1b}[31mCorp\u{7}", "Phone": "+1 212 555 0199", "Type": "Prospect", "BillingCity": "New York"}),
        ),
        rec(
            json!({"Ref": "sydney", "Name": "Harbour Logistics Pty Ltd", "Phone": "+61 2 9374 4000", "BillingCity": "Sydney"}),
        ),
        rec(
            json!({"Ref": "tokyo", "Name": "Sakura Denki K.K.", "Phone": "+81 3-1234-5678", "BillingCity": "Tokyo"}),
        ),
        rec(
            json!({"Ref": "brussels", "Name": "Brussels Chocolatiers NV", "Phone": "+32 2 555 12 34", "BillingCity": "Brussels"}),
        ),
    ];
    let con = vec![
        rec(
            json!({"Ref": "jane", "FirstName": "Jane", "LastName": "Doe", "Phone": "(415) 555-1212", "MobilePhone": "+1 415 555 0123", "Email": "jane.doe@example.com", "Title": "Head of IT", "AccountId": "@acme"}),
        ),
        rec(
            json!({"Ref": "pieter", "FirstName": "Pieter", "LastName": "de Vries", "Phone": "020-1234567", "MobilePhone": "06-12345678", "Email": "pieter.devries@example.nl", "Title": "Inkoper", "AccountId": "@ams"}),
        ),
        rec(
            json!({"Ref": "oliver", "FirstName": "Oliver", "LastName": "Bennett", "Phone": "+44 20 7946 0958", "MobilePhone": "07700 900123", "Email": "oliver.bennett@globex.example.co.uk", "AccountId": "@globex"}),
        ),
        rec(
            json!({"Ref": "amelia", "FirstName": "Amelia", "LastName": "Clarke", "Phone": "+44 20 7946 0958", "Email": "Amelia.Clarke@Globex.example.co.uk", "AccountId": "@globex"}),
        ),
        rec(
            json!({"Ref": "hans", "FirstName": "Hans", "LastName": "Müller", "Phone": "+49 30 1234568", "MobilePhone": "+49 151 12345678", "Email": "hans.mueller@example.de", "AccountId": "@berlin"}),
        ),
        rec(
            json!({"Ref": "sam", "FirstName": "Sam", "LastName": "Solo", "MobilePhone": "0412 345 678", "Email": "sam.solo@example.com.au"}),
        ),
        rec(
            json!({"Ref": "noor", "FirstName": "Noor", "LastName": "Independent", "HomePhone": "+32 2 555 98 76", "Email": "noor+vip@example.be"}),
        ),
        rec(
            json!({"Ref": "kenji", "FirstName": "Kenji", "LastName": "Watanabe", "Phone": "03-1234-5678", "AccountId": "@tokyo"}),
        ),
        // Dutch numbers stored in each PhoneNumberFormat crmctl models (E164,
        // International, National; Pieter above is the wildcard case): issue 20.
        rec(
            json!({"Ref": "eva", "FirstName": "Eva", "LastName": "Jansen", "Phone": "+31301234567", "Email": "eva.jansen@example.nl", "Title": "Office manager", "AccountId": "@ams"}),
        ),
        rec(
            json!({"Ref": "daan", "FirstName": "Daan", "LastName": "Bakker", "Phone": "+31 23 123 4567", "Email": "daan.bakker@example.nl", "AccountId": "@ams"}),
        ),
        rec(
            json!({"Ref": "sanne", "FirstName": "Sanne", "LastName": "Visser", "MobilePhone": "040 123 4567", "Email": "sanne.visser@example.nl"}),
        ),
    ];
    let leads = vec![
        rec(
            json!({"FirstName": "John", "LastName": "Smith", "Company": "Smith Consulting", "Phone": "+1 415 555 1212", "Email": "john@smith-consulting.example.com", "Status": "Working - Contacted"}),
        ),
        rec(
            json!({"FirstName": "Maria", "LastName": "Garcia", "Company": "Garcia SARL", "Phone": "+33 1 42 68 53 01", "Email": "maria.garcia@example.fr"}),
        ),
        rec(
            json!({"FirstName": "Maria", "LastName": "Garcia", "Company": "Garcia SARL", "Phone": "+33 1 42 68 53 01", "Email": "maria.garcia@example.fr", "Status": "Working - Contacted"}),
        ),
        rec(
            json!({"FirstName": "Lukas", "LastName": "Weber", "Company": "Weber Bau", "MobilePhone": "+49 151 12345678", "Email": "lukas@weber-bau.example.de"}),
        ),
        rec(
            json!({"FirstName": "Old", "LastName": "Converted", "Company": "Converted Co", "Phone": "(415) 555-1212", "IsConverted": true, "Status": "Closed - Converted"}),
        ),
    ];
    let cases = vec![
        rec(
            json!({"CaseNumber": "00001026", "Subject": "Cannot log in to the portal", "Status": "Working", "Priority": "High", "Origin": "Phone", "ContactId": "@jane", "AccountId": "@acme", "CreatedDate": "2026-11-02T08:15:00.000+0000"}),
        ),
        rec(
            json!({"CaseNumber": "00001027", "Subject": "Invoice shows the wrong VAT", "Status": "New", "Priority": "Medium", "Origin": "Email", "ContactId": "@jane", "AccountId": "@acme", "CreatedDate": "2026-11-10T13:40:00.000+0000"}),
        ),
        rec(
            json!({"CaseNumber": "00001001", "Subject": "Password reset", "Status": "Closed", "Priority": "Low", "Origin": "Web", "ContactId": "@jane", "AccountId": "@acme", "CreatedDate": "2026-03-01T10:00:00.000+0000", "ClosedDate": "2026-03-02T09:00:00.000+0000"}),
        ),
        rec(
            json!({"CaseNumber": "00001028", "Subject": "Levering te laat", "Status": "Escalated", "Priority": "High", "Origin": "Phone", "ContactId": "@pieter", "AccountId": "@ams", "CreatedDate": "2026-11-12T07:05:00.000+0000"}),
        ),
        rec(
            json!({"CaseNumber": "00001029", "Subject": "Damaged pallet", "Status": "New", "Priority": "Medium", "Origin": "Phone", "AccountId": "@globex", "CreatedDate": "2026-11-14T16:20:00.000+0000"}),
        ),
        rec(
            json!({"CaseNumber": "00001002", "Subject": "Werkzeugkatalog", "Status": "Closed", "Priority": "Low", "Origin": "Email", "ContactId": "@hans", "AccountId": "@berlin", "CreatedDate": "2026-02-11T11:00:00.000+0000", "ClosedDate": "2026-02-12T11:00:00.000+0000"}),
        ),
    ];
    r.insert("Account".into(), acc);
    r.insert("Contact".into(), con);
    r.insert("Lead".into(), leads);
    r.insert("Case".into(), cases);
}

pub fn default_org_file() -> OrgFile {
    let mut records = std::collections::BTreeMap::new();
    named_records(&mut records);
    let mut g = Lcg(0x5eed_c0de);
    let mut filler_accounts = Vec::new();
    for i in 0..64 {
        let city = i % CITIES.len();
        let (land, _) = phones(&mut g, city);
        let name = format!(
            "{} {} {}",
            g.pick(COMPANY_WORDS),
            g.pick(&[
                "Trading",
                "Systems",
                "Foods",
                "Labs",
                "Partners",
                "Logistics"
            ]),
            SUFFIX[city]
        );
        filler_accounts.push(format!("fa{i}"));
        if let Some(v) = records.get_mut("Account") {
            v.push(rec(json!({"Ref": format!("fa{i}"), "Name": name, "Phone": land, "Industry": g.pick(INDUSTRIES), "BillingCity": CITIES[city].0, "Type": "Customer"})))
        }
    }
    for i in 0..240 {
        let city = i % CITIES.len();
        let (land, mobile) = phones(&mut g, city);
        let (first, last) = (g.pick(FIRST), g.pick(LAST));
        let email = format!(
            "{}.{}{i}@example.{}",
            first.to_lowercase(),
            last.to_lowercase().replace([' ', '\''], ""),
            CITIES[city].1
        );
        let mut row = rec(
            json!({"FirstName": first, "LastName": last, "Phone": land, "MobilePhone": mobile, "Email": email}),
        );
        // Most contacts belong to an account of their city; every tenth has none.
        if i % 10 != 3 {
            row.insert(
                "AccountId".into(),
                Value::String(format!("@fa{}", (i * 7) % 64)),
            );
        }
        row.insert("Ref".into(), Value::String(format!("fc{i}")));
        if let Some(v) = records.get_mut("Contact") {
            v.push(row);
        }
    }
    for i in 0..64 {
        let city = (i + 3) % CITIES.len();
        let (land, mobile) = phones(&mut g, city);
        let (first, last) = (g.pick(FIRST), g.pick(LAST));
        let company = format!("{} {}", g.pick(COMPANY_WORDS), SUFFIX[city]);
        let email = format!(
            "{}@lead{i}.example.{}",
            first.to_lowercase(),
            CITIES[city].1
        );
        if let Some(v) = records.get_mut("Lead") {
            v.push(rec(json!({"FirstName": first, "LastName": last, "Company": company, "Phone": land, "MobilePhone": mobile, "Email": email})));
        }
    }
    let subjects = [
        "Order status",
        "Billing question",
        "Product defect",
        "Delivery delayed",
        "Account access",
        "Feature request",
    ];
    for i in 0..72u64 {
        let contact = (i * 11) % 240;
        let status = ["New", "Working", "Escalated", "Closed"][(i % 4) as usize];
        let priority = ["High", "Medium", "Low"][(i % 3) as usize];
        let origin = ["Phone", "Email", "Web"][(i % 3) as usize];
        let mut row = rec(json!({
            "Subject": subjects[(i % 6) as usize],
            "Status": status,
            "Priority": priority,
            "Origin": origin,
            "ContactId": format!("@fc{contact}"),
            "CreatedDate": format!("2026-{:02}-{:02}T{:02}:00:00.000+0000", 1 + i % 11, 1 + i % 27, 8 + i % 9),
        }));
        if status == "Closed" {
            row.insert(
                "ClosedDate".into(),
                json!(format!("2026-{:02}-28T17:00:00.000+0000", 1 + i % 11)),
            );
        }
        if let Some(v) = records.get_mut("Case") {
            v.push(row);
        }
    }
    OrgFile {
        org: OrgSettings {
            // Stands in for a custom `External_Id__c` (README "The built-in org").
            external_id_fields: vec!["Account.AccountNumber".into()],
            ..OrgSettings::default()
        },
        users: users(),
        connected_apps: apps(),
        records,
    }
}
