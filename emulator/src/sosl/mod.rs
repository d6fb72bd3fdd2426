//! The emulator's own SOSL: `FIND {query} [IN ... FIELDS] [RETURNING ...] [LIMIT n]`.
//!
//! Inside the braces: terms and "quoted phrases", `AND`, `OR`, `AND NOT`,
//! parentheses, `*` and `?` wildcards (not at the start of a term), and backslash
//! escapes. Each of `? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -` must be escaped to be
//! taken literally, inside phrases too; an unescaped one that is not syntax is an
//! error, and so is a term of one character (see emulator/README.md).
//!
//! Layout: `parser` (the braces' search expression and the clauses after them),
//! `matching` (which records a search finds, and rendering them).

mod matching;
mod parser;

pub use matching::{execute, phone_matches, stored_digits};
pub use parser::{Ch, Expr, MAX_OPERATOR_CHARS, MAX_QUERY_CHARS, RESERVED, parse, parse_expr};

use crate::soql::Selection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Name,
    Email,
    Phone,
}

#[derive(Debug, Clone)]
pub struct Search {
    pub expr: Expr,
    pub scope: Scope,
    /// Per object; `None` means "no RETURNING": Ids of every searchable object.
    pub returning: Option<Vec<Selection>>,
    pub limit: Option<usize>,
}

pub const MAX_LIMIT: usize = 2000;
