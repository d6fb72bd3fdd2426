//! Request size limits checked before a route runs.
//!
//! - URI and headers: "In each REST call, the maximum combined length of the URI
//!   and headers is 16,384 bytes. A request exceeding this limit returns a 431
//!   Request Header Fields Too Large error. If the URI itself exceeds the limit,
//!   the request returns a 414 URI Too Long error." (Salesforce Help, "Maximum
//!   number of rows returned by SOQL queries over the REST API", knowledge
//!   article 000386264; the REST API guide's status code table, errorcodes.htm,
//!   lists 414 and 431 the same way). Checked on every route of both hosts.
//! - Uploads of Bulk API 2.0 (`PUT .../batches`) may be as large as the org's
//!   `bulk.max_upload_bytes` (150 MB); every other body keeps the server's cap.

use crate::query_error::ApiError;
use crate::state::Shared;

/// Salesforce's limit on the URI plus the headers, in bytes.
pub const MAX_URI_AND_HEADERS: usize = 16_384;

/// 414 when the URI alone is over the limit, 431 when URI and headers are.
/// Headers count as they travel: `name: value` and CRLF.
pub fn uri_and_headers(uri: &hyper::Uri, headers: &hyper::HeaderMap) -> Option<ApiError> {
    let uri_len = uri
        .path_and_query()
        .map_or(uri.path().len(), |p| p.as_str().len());
    if uri_len > MAX_URI_AND_HEADERS {
        return Some(ApiError::new(
            414,
            "URI_TOO_LONG",
            format!(
                "The request URI is {uri_len} bytes; the limit is {MAX_URI_AND_HEADERS} bytes for the URI and headers together"
            ),
        ));
    }
    let header_len: usize = headers
        .iter()
        .map(|(k, v)| k.as_str().len() + 2 + v.as_bytes().len() + 2)
        .sum();
    if uri_len + header_len > MAX_URI_AND_HEADERS {
        return Some(ApiError::new(
            431,
            "REQUEST_HEADER_FIELDS_TOO_LARGE",
            format!(
                "The request URI and headers are {} bytes; the limit is {MAX_URI_AND_HEADERS} bytes",
                uri_len + header_len
            ),
        ));
    }
    None
}

/// The body cap of a route: the org's upload limit for Bulk API 2.0 uploads.
pub fn max_body(shared: &Shared, label: &str, default: usize) -> usize {
    if label != super::UPLOAD_LABEL {
        return default;
    }
    let max = super::settings(shared).max_upload_bytes;
    usize::try_from(max).unwrap_or(usize::MAX)
}
