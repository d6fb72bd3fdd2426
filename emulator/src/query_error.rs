//! Errors of the data API: a status, an `errorCode` and a message, serialised as
//! Salesforce's JSON array `[{"message": ..., "errorCode": ...}]`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub fields: Option<Vec<String>>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(400, code, message)
    }

    pub fn with_fields(mut self, fields: Vec<String>) -> Self {
        self.fields = Some(fields);
        self
    }

    pub fn not_found() -> Self {
        Self::new(404, "NOT_FOUND", "The requested resource does not exist")
    }

    pub fn body(&self) -> serde_json::Value {
        let mut o = serde_json::Map::new();
        if let Some(f) = &self.fields {
            o.insert("fields".into(), serde_json::json!(f));
        }
        o.insert("message".into(), serde_json::json!(self.message));
        o.insert("errorCode".into(), serde_json::json!(self.code));
        serde_json::Value::Array(vec![serde_json::Value::Object(o)])
    }
}

/// Salesforce's layout for parse errors: the query line, a caret under the
/// position, `ERROR at Row:r:Column:c`, then the detail.
pub fn located(query: &str, byte_pos: usize, detail: &str) -> String {
    let pos = byte_pos.min(query.len());
    let before = &query[..pos];
    let row = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = query[pos..]
        .find('\n')
        .map(|i| pos + i)
        .unwrap_or(query.len());
    let col = query[line_start..pos].chars().count() + 1;
    format!(
        "\n{}\n{}^\nERROR at Row:{row}:Column:{col}\n{detail}",
        &query[line_start..line_end],
        " ".repeat(col - 1)
    )
}

pub fn no_such_column(field: &str, object: &str) -> String {
    format!(
        "No such column '{field}' on entity '{object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
    )
}

pub fn not_supported_type(object: &str) -> String {
    format!(
        "sObject type '{object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."
    )
}
