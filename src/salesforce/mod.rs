//! One HTTP client for Salesforce: the OAuth flows, data-API calls with retries,
//! and Salesforce's errors as values. Nothing here prints; traces go to a callback.
//!
//! - `http`: the client (no redirects, body caps, deadline, retry policy)
//! - `auth`: the token request and the session
//! - `api`: data-API calls and typed records
//! - `pool`: one session shared by the workers of a run (re-login, API usage)
//! - `error`: `SfError`; what it means to the user is decided in `crate::error`

pub mod advice;
pub mod api;
pub mod auth;
pub mod bulk2;
pub mod error;
pub mod escape;
pub mod fields;
pub mod http;
pub mod jwt;
pub mod pool;
pub mod proxy;
pub mod records;

pub use api::{
    MAX_QUERY_PARAM, MAX_URI_AND_HEADERS, QueryPage, Record, VersionEntry, encoded_query_len,
};
pub use auth::{Credentials, Flow, Session, token_url};
pub use error::{NetKind, SfError};
pub use http::{
    CallInfo, Client, DATA_BODY_CAP, HttpSettings, MAX_RETRIES, TOKEN_BODY_CAP, Trace, Warming,
    install_crypto_provider, parse_api_usage,
};
pub use pool::SessionPool;
pub use records::RecordError;
