//! The emulator's own SOQL subset: lexer, parser and the pieces SOSL's RETURNING
//! clause shares (field lists, WHERE, ORDER BY, LIMIT, OFFSET).
//!
//! Grammar: `SELECT field, Parent.field, ... FROM Object [WHERE cond] [ORDER BY
//! field [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]`, where `cond` has
//! `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`, `IN (...)`, `NOT IN (...)`, `LIKE`, `AND`,
//! `OR`, `NOT` and parentheses; literals are quoted strings, numbers, `true`,
//! `false`, `null`, dates and date-times.
//!
//! Layout: `lexer` (tokens), `ast` (the syntax tree), `parser` (tokens to tree,
//! names resolved against the schema), `literals` (strings, LIKE patterns, dates),
//! `eval` (running a selection over the org and rendering records).

mod ast;
pub mod eval;
mod lexer;
mod literals;
mod parser;

pub use ast::{Cond, FieldPath, LikeTok, Literal, Op, OrderBy, Selection};
pub use lexer::{Tok, Token, lex};
pub use literals::{decode_like, decode_literal};
pub use parser::{Parser, parse_query};
