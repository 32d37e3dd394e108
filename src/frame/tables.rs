//! `Tables`: the catalog of in-memory tables by name (the demo data set and the tables a user loads), which KQL
//! queries and the query providers both read.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use super::{Frame, LaType};
use crate::error::{Error, Result};

/// How a table that is not read yet is read (the demo data set's tables, issue #16): `None` reads all of it, called
/// at most once, the first time [`Tables::table`] asks for it; `Some(n)` reads only its first `n` rows (the same rows
/// as the first `n` of the whole table), for [`Tables::head`] while the table is not read.
pub type LazyRead = Arc<dyn Fn(Option<usize>) -> Result<Frame> + Send + Sync>;

/// Named in-memory tables. Names are unique; adding a table with a taken name replaces it.
/// A table may be lazy ([`Tables::add_lazy`]): its schema is known, its rows are read the first time a query (or
/// anything else) asks for the table. Copies (`clone`) share the tables, read or not, so a copy reads each at most
/// once too.
#[derive(Clone, Default)]
pub struct Tables {
    tables: BTreeMap<String, Entry>,
}

#[derive(Clone)]
struct Entry {
    frame: Arc<OnceLock<Frame>>,
    /// A lazy table: its schema (a frame with no rows) and how to read it.
    lazy: Option<(Arc<Frame>, LazyRead)>,
}

impl fmt::Debug for Tables {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.tables.iter().map(|(k, e)| (k, if e.frame.get().is_some() { "read" } else { "not read yet" })))
            .finish()
    }
}

impl Entry {
    fn get(&self) -> Result<&Frame> {
        if let Some(f) = self.frame.get() {
            return Ok(f);
        }
        let (_, read) = self.lazy.as_ref().expect("a table without a frame is lazy");
        let f = read(None)?;
        let _ = self.frame.set(f);
        Ok(self.frame.get().expect("set above"))
    }
}

impl Tables {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a table under its own name.
    pub fn add(&mut self, frame: Frame) {
        let name = frame.name.clone();
        self.tables.insert(name, Entry { frame: Arc::new(OnceLock::from(frame)), lazy: None });
    }

    /// Adds (or replaces) a table that is read by `read` when first asked for; `schema` is a frame of its name and
    /// columns (no rows) that answers [`Tables::schema`] until then.
    pub fn add_lazy(&mut self, schema: Frame, read: LazyRead) {
        let name = schema.name.clone();
        self.tables.insert(name, Entry { frame: Arc::new(OnceLock::new()), lazy: Some((Arc::new(schema), read)) });
    }

    /// Names of the tables that are read (all but the lazy ones nothing has asked for yet), sorted.
    pub fn read_table_names(&self) -> Vec<String> {
        self.tables.iter().filter(|(_, e)| e.frame.get().is_some()).map(|(k, _)| k.clone()).collect()
    }

    /// Table names, sorted.
    pub fn table_names(&self) -> Vec<String> {
        self.tables.keys().cloned().collect()
    }

    /// The table named `name` (exact, else case-insensitive), or an error listing the tables there are.
    pub fn table(&self, name: &str) -> Result<&Frame> {
        self.entry(name)?.get()
    }

    fn entry(&self, name: &str) -> Result<&Entry> {
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

    /// The first `n` rows of a table, as `table(name)?.head(n)` gives them; a lazy table that is not read yet is
    /// not read for it, only its first `n` rows are (`T | take 20`, the first look at a demo table, issue #16) —
    /// unless it has fewer: then that is the whole table, and it is kept as read.
    pub fn head(&self, name: &str, n: usize) -> Result<Frame> {
        let e = self.entry(name)?;
        match (e.frame.get(), &e.lazy) {
            (None, Some((_, read))) => {
                let f = read(Some(n))?;
                if f.height() < n {
                    let _ = e.frame.set(f.clone()); // fewer rows than asked for: the whole table, now read
                }
                Ok(f)
            }
            _ => Ok(e.get()?.head(n)),
        }
    }

    /// A table's columns: the table itself once it is read, or, for a lazy table not read yet, a frame of its
    /// columns with no rows (read from the same text by the same reader, so its columns' types are the table's).
    pub fn layout(&self, name: &str) -> Result<&Frame> {
        let e = self.entry(name)?;
        match (e.frame.get(), &e.lazy) {
            (None, Some((schema, _))) => Ok(schema),
            _ => e.get(),
        }
    }

    /// Column names and types of a table (a lazy table is not read for it).
    pub fn schema(&self, name: &str) -> Result<Vec<(String, LaType)>> {
        Ok(self.layout(name)?.schema())
    }

    pub fn len(&self) -> usize {
        self.tables.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// Every table, read (lazy ones are read now; one that fails to read is left out: [`Tables::table`] says why).
    pub fn frames(&self) -> impl Iterator<Item = &Frame> {
        self.tables.values().filter_map(|e| e.get().ok())
    }
}
