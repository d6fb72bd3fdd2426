//! The syntax tree a parsed query becomes: field paths, literals, conditions,
//! ordering and the selection over one object.

use crate::schema::Field;

/// A field as selected or filtered: `Name` or `Account.Name`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldPath {
    /// Relationship name, for parent fields.
    pub relationship: Option<(&'static str, &'static str, &'static str)>, // (rel name, fk field, parent object)
    pub field: &'static Field,
}

impl FieldPath {
    pub fn display(&self) -> String {
        match self.relationship {
            Some((rel, ..)) => format!("{rel}.{}", self.field.name),
            None => self.field.name.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    /// `YYYY-MM-DD`.
    Date(String),
    /// Normalised to `YYYY-MM-DDTHH:MM:SS` in UTC.
    DateTime(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// One piece of a LIKE pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum LikeTok {
    Char(char),
    AnyOne,
    AnyMany,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
    Cmp(FieldPath, Op, Literal),
    In(FieldPath, bool, Vec<Literal>),
    Like(FieldPath, Vec<LikeTok>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy {
    pub field: FieldPath,
    pub desc: bool,
    pub nulls_last: bool,
}

/// Field list, filter, order and window over one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub object: &'static str,
    pub fields: Vec<FieldPath>,
    pub filter: Option<Cond>,
    pub order: Vec<OrderBy>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

impl Selection {
    /// No fields, no filter, no order, no window yet.
    pub fn all_of(object: &'static str) -> Self {
        Selection {
            object,
            fields: Vec::new(),
            filter: None,
            order: Vec::new(),
            limit: None,
            offset: None,
        }
    }
}
