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
