//! Query providers: where tables come from, and the query catalog that names what to ask.
//!
//! - [`catalog`]: query definitions in msticpy's YAML format (families → queries, parameters, help).
//! - [`builtin`]: the built-in queries of `queries/`, embedded at build time.
//! - [`params`]: rendering a query's parameters into KQL, escaping values for their string literals.
//! - time ranges and offsets (`-1d`, `-2w@d`) are [`crate::time`]'s.
//! - [`loganalytics`], [`kusto`]: Log Analytics and Azure Data Explorer over HTTP ([`crate::net::Transport`]).
//! - [`schema`]: table schemas from the Azure Resource Manager tables API.
//! - [`sentinel`]: Microsoft Sentinel hunting queries and analytics rules (YAML) imported into the catalog.

pub mod builtin;
pub mod catalog;
pub mod kusto;
pub mod loganalytics;
pub mod params;
pub mod schema;
pub mod sentinel;

use crate::error::{Error, Result};
use crate::frame::QueryResult;

/// Which query service's answer a body is (what [`read_answer`] reads it as).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerFormat {
    /// Log Analytics (`{"tables": […]}`; 204 = no data).
    LogAnalytics,
    /// Azure Data Explorer's v2 answer (an array of frames).
    Kusto,
}

impl AnswerFormat {
    /// The format a user names (`"la"`, `"loganalytics"`, `"kusto"`, `"adx"`; any case), else None.
    pub fn from_name(name: &str) -> Option<AnswerFormat> {
        match name.trim().to_ascii_lowercase().as_str() {
            "la" | "loganalytics" => Some(AnswerFormat::LogAnalytics),
            "kusto" | "adx" => Some(AnswerFormat::Kusto),
            _ => None,
        }
    }
}

/// Reads a query service's answer — `status` and `body` as `loganalytics::fetch_answer` / `kusto::fetch_answer`
/// give them — exactly as `run_query` does (the same functions: [`loganalytics::interpret_response`],
/// [`kusto::parse_v2`]), so an answer fetched on a page and read in huntbook's Worker gives the same tables, notes
/// and partial error. A lone `PrimaryResult` table takes `name` when one is given (as `readTables` names tables).
pub fn read_answer(format: AnswerFormat, status: u16, body: &[u8], name: &str) -> Result<QueryResult> {
    if !(200..300).contains(&status) {
        return Err(Error::invalid(format!(
            "status {status} is not a successful answer: only a 2xx answer holds tables (execQuery reports the others as errors)"
        )));
    }
    let result = match format {
        AnswerFormat::LogAnalytics => loganalytics::interpret_response(status, body, loganalytics::SERVICE)?,
        AnswerFormat::Kusto => kusto::parse_v2(body)?,
    };
    Ok(result.name_single(name))
}
