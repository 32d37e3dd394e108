//! `Tables`: the catalog of in-memory tables by name (the demo data set and the tables a user loads), which KQL
//! queries and the query providers both read.

use std::collections::BTreeMap;

use super::{Frame, LaType};
use crate::error::{Error, Result};

/// Named in-memory tables. Names are unique; adding a table with a taken name replaces it.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    tables: BTreeMap<String, Frame>,
}

impl Tables {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a table under its own name.
    pub fn add(&mut self, frame: Frame) {
        self.tables.insert(frame.name.clone(), frame);
    }

    /// Table names, sorted.
    pub fn table_names(&self) -> Vec<String> {
        self.tables.keys().cloned().collect()
    }

    /// The table named `name` (exact, else case-insensitive), or an error listing the tables there are.
    pub fn table(&self, name: &str) -> Result<&Frame> {
        self.tables
            .get(name)
            .or_else(|| {
                self.tables
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
            .ok_or_else(|| Error::UnknownTable {
                name: name.to_string(),
                available: self.table_names(),
            })
    }

    /// Column names and types of a table.
    pub fn schema(&self, name: &str) -> Result<Vec<(String, LaType)>> {
        Ok(self.table(name)?.schema())
    }

    pub fn len(&self) -> usize {
        self.tables.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    pub fn frames(&self) -> impl Iterator<Item = &Frame> {
        self.tables.values()
    }
}
