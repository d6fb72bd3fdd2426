//! A Salesforce-compatible org on loopback for crmctl's tests, demo and users' CI.
//! It shares no code with crmctl: its SOSL and SOQL parsers are its own, so it is
//! a real check of the client's query building and escaping.

pub mod default_org;
pub mod eval;
pub mod ids;
pub mod org;
pub mod query_error;
pub mod schema;
pub mod soql;
pub mod sosl;
