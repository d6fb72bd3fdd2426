//! The syntax tree a parsed query becomes: field paths, literals, conditions,
//! ordering and the selection over one object.

use crate::schema::Field;

/// One step from a record to its parent: `Account` through `AccountId`.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    /// Relationship name as Salesforce spells it (`Account`, `Who`).
    pub rel: &'static str,
    /// The lookup field holding the parent's Id (`AccountId`, `WhoId`).
    pub fk: &'static str,
    /// The parent object, or `relations::NAME_OBJECT` for a polymorphic lookup
    /// (the record's own type is then found from its Id).
    pub parent: &'static str,
}

/// A field as selected or filtered: `Name`, `Account.Name`,
/// `Contact.Account.Name` or `Who.Name`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldPath {
    /// Parent hops from the queried object, outermost first (empty for its own fields).
    pub hops: Vec<Hop>,
    pub field: &'static Field,
}

impl FieldPath {
    /// A field of the queried object itself.
    pub fn own(field: &'static Field) -> Self {
        FieldPath {
            hops: Vec::new(),
            field,
        }
    }

    pub fn display(&self) -> String {
        let mut s = String::new();
        for h in &self.hops {
            s.push_str(h.rel);
            s.push('.');
        }
        s.push_str(self.field.name);
        s
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
    /// A date literal (`TODAY`, `LAST_N_DAYS:7`, ...) resolved to whole UTC days
    /// `[start, end)`, counted from 1970-01-01. Against a datetime field it covers
    /// every instant of those days.
    Days(i64, i64),
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
    /// An aggregate compared with a literal: only in HAVING.
    Agg(Agg, Op, Literal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    Count,
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
}

impl AggFunc {
    pub fn from_name(s: &str) -> Option<AggFunc> {
        Some(match s.to_ascii_uppercase().as_str() {
            "COUNT" => AggFunc::Count,
            "COUNT_DISTINCT" => AggFunc::CountDistinct,
            "SUM" => AggFunc::Sum,
            "AVG" => AggFunc::Avg,
            "MIN" => AggFunc::Min,
            "MAX" => AggFunc::Max,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            AggFunc::Count => "COUNT",
            AggFunc::CountDistinct => "COUNT_DISTINCT",
            AggFunc::Sum => "SUM",
            AggFunc::Avg => "AVG",
            AggFunc::Min => "MIN",
            AggFunc::Max => "MAX",
        }
    }
}

/// `COUNT()`, `COUNT(Id)`, `MAX(CreatedDate)`, ...: `arg` is `None` only for `COUNT()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Agg {
    pub func: AggFunc,
    pub arg: Option<FieldPath>,
}

impl Agg {
    /// As Salesforce shows it in column metadata: `COUNT(Id)`.
    pub fn display(&self) -> String {
        let arg = self
            .arg
            .as_ref()
            .map(FieldPath::display)
            .unwrap_or_default();
        format!("{}({arg})", self.func.name())
    }
}

/// One entry of the SELECT list, in the order written.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Field {
        path: FieldPath,
        alias: Option<String>,
    },
    Agg {
        agg: Agg,
        alias: Option<String>,
    },
    /// `(SELECT ... FROM Contacts ...)`: the child relationship's records.
    Sub(Box<Subquery>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Subquery {
    /// Relationship name as Salesforce spells it (`Contacts`).
    pub rel: &'static str,
    /// The child's field pointing at the parent (`AccountId`).
    pub fk: &'static str,
    pub items: Vec<Item>,
    pub sel: Selection,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy {
    /// The field, or the aggregate's argument (`Id` for `COUNT()`).
    pub field: FieldPath,
    /// Ordering by an aggregate (`ORDER BY COUNT(Id) DESC`), aggregate queries only.
    pub agg: Option<AggFunc>,
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

/// A whole SOQL query: the select list and what only top-level SOQL has.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Object, plain fields (for rendering), filter, order and window.
    pub sel: Selection,
    pub items: Vec<Item>,
    /// `SELECT COUNT() ...`: the answer is a count, no records.
    pub count_only: bool,
    pub group_by: Vec<FieldPath>,
    pub having: Option<Cond>,
}

impl Query {
    /// Aggregate functions or GROUP BY: rows are `AggregateResult`s.
    pub fn is_aggregate(&self) -> bool {
        !self.count_only
            && (!self.group_by.is_empty()
                || self.items.iter().any(|i| matches!(i, Item::Agg { .. })))
    }
}
