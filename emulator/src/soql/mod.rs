//! The emulator's own SOQL subset: lexer, parser and the pieces SOSL's RETURNING
//! clause shares (field lists, WHERE, ORDER BY, LIMIT, OFFSET).
//!
//! Grammar: `SELECT field, Parent.field, ... FROM Object [WHERE cond] [ORDER BY
//! field [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]`, where `cond` has
//! `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`, `IN (...)`, `NOT IN (...)`, `LIKE`, `AND`,
//! `OR`, `NOT` and parentheses; literals are quoted strings, numbers, `true`,
//! `false`, `null`, dates and date-times.
//!
//! Layout: `lexer` (tokens), `ast` (the syntax tree), `parser` (tokens to tree:
//! names resolved against the schema, conditions), `select` (the statement: select
//! list, subqueries, GROUP BY, HAVING), `literals` (strings, LIKE patterns, dates),
//! `eval` (filtering, ordering and rendering records), `run` (a whole query:
//! subqueries, COUNT(), aggregates), `columns` (the `columns=true` metadata).

mod ast;
pub mod columns;
pub mod eval;
mod lexer;
mod literals;
mod parser;
pub mod run;
mod select;

pub use crate::datetime::today_utc;
pub use ast::{
    Agg, AggFunc, Cond, FieldPath, Hop, Item, LikeTok, Literal, Op, OrderBy, Query, Selection,
    Subquery,
};
pub use lexer::{Tok, Token, lex};
pub use literals::{date_literal, day_of, day_text, decode_like, decode_literal};
pub use parser::Parser;
pub use select::{parse, parse_on, parse_query};
