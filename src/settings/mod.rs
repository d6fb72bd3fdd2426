//! UCC Plugin Settings: the model and its loaders (a YAML estate of many UCCs, or a
//! SharePoint CSV export of one UCC's list). Every row keeps its file and line, so
//! findings and errors can point at it.

pub mod load;
pub mod rules;

use std::path::PathBuf;

/// One row of a UCC's Plugin Settings list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub setting: String,
    pub scope: String,
    pub value: String,
    pub file: PathBuf,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ucc {
    pub name: String,
    pub file: PathBuf,
    pub line: usize,
    pub rows: Vec<Row>,
}

impl Ucc {
    /// The first row of a setting, by name (case-insensitive, as SharePoint lists are).
    pub fn get(&self, setting: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.setting.eq_ignore_ascii_case(setting))
    }

    pub fn value(&self, setting: &str) -> Option<&str> {
        self.get(setting)
            .map(|r| r.value.as_str())
            .filter(|v| !v.trim().is_empty())
    }
}

/// A problem reading settings, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}
