//! `Frame`: the table type every part of huntbook passes around.
//!
//! A [`Frame`] is a polars `DataFrame` plus what polars cannot hold by itself: the Log Analytics type of each column
//! (so `dynamic`, `guid` and `decimal` are not forgotten when they are stored as strings) and the notes a service or
//! reader attached to it (a partial error, values that could not be converted). Readers build frames from the wire
//! formats ([`loganalytics`], [`text`]); writers turn them into what JS wants ([`arrow`], [`rows`], [`html`]); [`ops`]
//! holds the pandas-like verbs the notebook uses, [`join`] joins two frames on key columns, and [`Tables`] is the
//! catalog of in-memory tables by name that KQL queries and the query providers read.

pub mod arrow;
pub mod concat;
mod builder;
pub(crate) mod codes;
pub mod dynamic;
pub mod html;
pub mod join;
pub mod loganalytics;
pub mod ops;
pub mod room;
pub mod rows;
mod tables;
pub mod text;
pub mod values;

use std::collections::BTreeMap;
use std::fmt;

use polars::prelude::*;

use crate::error::{Error, Result};

pub(crate) use builder::json_brackets;
pub use builder::ColumnBuilder;
pub use tables::Tables;

/// A Log Analytics / Kusto column type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LaType {
    Bool,
    DateTime,
    Dynamic,
    Int,
    Long,
    Real,
    String,
    Guid,
    Decimal,
    Timespan,
}

impl LaType {
    /// The type named as on the wire (`"datetime"`, `"long"` …). Unknown names are read as strings.
    pub fn from_wire(name: &str) -> LaType {
        match name.to_ascii_lowercase().as_str() {
            "bool" | "boolean" => LaType::Bool,
            "datetime" | "date" => LaType::DateTime,
            "dynamic" => LaType::Dynamic,
            "int" | "int32" => LaType::Int,
            "long" | "int64" => LaType::Long,
            "real" | "double" | "float" => LaType::Real,
            "guid" | "uniqueid" => LaType::Guid,
            "decimal" => LaType::Decimal,
            "timespan" | "time" => LaType::Timespan,
            _ => LaType::String,
        }
    }

    pub fn wire_name(self) -> &'static str {
        match self {
            LaType::Bool => "bool",
            LaType::DateTime => "datetime",
            LaType::Dynamic => "dynamic",
            LaType::Int => "int",
            LaType::Long => "long",
            LaType::Real => "real",
            LaType::String => "string",
            LaType::Guid => "guid",
            LaType::Decimal => "decimal",
            LaType::Timespan => "timespan",
        }
    }

    /// The polars type a column of this type is stored as (full precision: nanoseconds).
    pub fn dtype(self) -> DataType {
        match self {
            LaType::Bool => DataType::Boolean,
            LaType::DateTime => DataType::Datetime(TimeUnit::Nanoseconds, None),
            LaType::Int => DataType::Int32,
            LaType::Long => DataType::Int64,
            LaType::Real => DataType::Float64,
            LaType::Timespan => DataType::Duration(TimeUnit::Nanoseconds),
            LaType::Dynamic | LaType::String | LaType::Guid | LaType::Decimal => DataType::String,
        }
    }

    /// The type a polars column most likely stands for when nothing else is known.
    pub fn of_dtype(dtype: &DataType) -> LaType {
        match dtype {
            DataType::Boolean => LaType::Bool,
            DataType::Datetime(..) | DataType::Date => LaType::DateTime,
            DataType::Duration(_) => LaType::Timespan,
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::UInt8 | DataType::UInt16 => LaType::Int,
            DataType::Int64 | DataType::UInt32 | DataType::UInt64 => LaType::Long,
            DataType::Float32 | DataType::Float64 => LaType::Real,
            _ => LaType::String,
        }
    }
}

impl fmt::Display for LaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire_name())
    }
}

/// A table: a polars `DataFrame`, the Log Analytics types of its string-stored columns, and notes.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The table's name (`PrimaryResult`, `SigninLogs`, …).
    pub name: String,
    df: DataFrame,
    /// Types that the polars dtype alone does not tell (dynamic, guid, decimal), by column name.
    string_kinds: BTreeMap<String, LaType>,
    /// What a reader or service said about this table: partial errors, values that became null.
    pub notes: Vec<String>,
    /// Set when this table is not the whole answer: the service's message (a Log Analytics `PartialError`, a
    /// cancelled or incomplete Data Explorer answer). Every verb keeps it (they all go through [`Frame::with_df`])
    /// and every rendering shows it.
    pub partial: Option<String>,
}

impl Frame {
    /// A frame of `df`, with every column's type taken from its polars dtype.
    pub fn new(name: impl Into<String>, df: DataFrame) -> Frame {
        Frame {
            name: name.into(),
            df,
            string_kinds: BTreeMap::new(),
            notes: Vec::new(),
            partial: None,
        }
    }

    pub fn df(&self) -> &DataFrame {
        &self.df
    }

    pub fn into_df(self) -> DataFrame {
        self.df
    }

    /// A frame holding `df` with this frame's name and the types of the columns it kept.
    pub fn with_df(&self, df: DataFrame) -> Frame {
        let string_kinds = self
            .string_kinds
            .iter()
            .filter(|(name, _)| df.column(name).map(|c| c.dtype() == &DataType::String).unwrap_or(false))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        Frame {
            name: self.name.clone(),
            df,
            string_kinds,
            notes: self.notes.clone(),
            partial: self.partial.clone(),
        }
    }

    pub fn height(&self) -> usize {
        self.df.height()
    }

    pub fn width(&self) -> usize {
        self.df.width()
    }

    pub fn column_names(&self) -> Vec<String> {
        self.df.get_column_names().iter().map(|s| s.to_string()).collect()
    }

    /// The column named `name`, or an error that lists the columns there are.
    pub fn column(&self, name: &str) -> Result<&Column> {
        self.df
            .column(name)
            .map_err(|_| Error::unknown_column(name, self.column_names()))
    }

    /// The Log Analytics type of a column.
    pub fn la_type(&self, name: &str) -> Result<LaType> {
        let col = self.column(name)?;
        Ok(self
            .string_kinds
            .get(name)
            .copied()
            .filter(|_| col.dtype() == &DataType::String)
            .unwrap_or_else(|| LaType::of_dtype(col.dtype())))
    }

    /// Records that a string column holds `kind` (dynamic, guid, decimal).
    pub fn set_la_type(&mut self, name: &str, kind: LaType) {
        if matches!(kind, LaType::Dynamic | LaType::Guid | LaType::Decimal) {
            self.string_kinds.insert(name.to_string(), kind);
        } else {
            self.string_kinds.remove(name);
        }
    }

    /// `(column name, Log Analytics type)` for every column, in order.
    pub fn schema(&self) -> Vec<(String, LaType)> {
        self.column_names()
            .into_iter()
            .map(|n| {
                let t = self.la_type(&n).unwrap_or(LaType::String);
                (n, t)
            })
            .collect()
    }

    /// Renames a column in the type map too (used by ops).
    fn rename_kind(&mut self, old: &str, new: &str) {
        if let Some(k) = self.string_kinds.remove(old) {
            self.string_kinds.insert(new.to_string(), k);
        }
    }

    fn df_mut(&mut self) -> &mut DataFrame {
        &mut self.df
    }
}

/// What a query or a reader returned: its tables and, if the service said so, an error beside them (a Log Analytics
/// `PartialError` returns tables *and* an error; neither is dropped).
#[derive(Debug, Clone, Default)]
pub struct QueryResult {
    pub tables: Vec<Frame>,
    pub error: Option<ServiceError>,
}

impl QueryResult {
    /// Marks every table partial when the service reported an error beside them (its code, message and innermost
    /// detail).
    pub fn mark_partial(mut self) -> QueryResult {
        if let Some(e) = &self.error {
            let msg = e.to_string();
            for t in &mut self.tables {
                t.partial = Some(msg.clone());
            }
        }
        self
    }

    /// Names a lone unnamed result: when this holds one table, called `PrimaryResult`, it takes `name` (unless
    /// `name` is empty). How `readTables`, `readAnswer` and the loaders name what the user gave a name.
    pub fn name_single(mut self, name: &str) -> QueryResult {
        if let [only] = &mut self.tables[..] {
            if !name.is_empty() && only.name == "PrimaryResult" {
                only.name = name.to_string();
            }
        }
        self
    }

    /// The first table (Log Analytics' `PrimaryResult`), or an error if there is none.
    pub fn primary(&self) -> Result<&Frame> {
        self.tables
            .first()
            .ok_or_else(|| Error::invalid("the response holds no table"))
    }
}

/// An error reported by a service: its code, its message and the innermost message, which is the useful one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub code: String,
    pub message: String,
    /// The chain of nested `innererror`/`details` messages, outermost first.
    pub details: Vec<String>,
}

impl ServiceError {
    /// The most specific message: the innermost detail, or the message.
    pub fn innermost(&self) -> &str {
        self.details.last().map(String::as_str).unwrap_or(&self.message)
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(inner) = self.details.last() {
            if inner != &self.message {
                write!(f, " — {inner}")?;
            }
        }
        Ok(())
    }
}
