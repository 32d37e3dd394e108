//! Query providers: where tables come from.
//!
//! [`local::LocalData`] holds tables in memory: the embedded demo data set ([`crate::demo`]) and any table a user
//! loads from a URL or a file. Providers for Log Analytics and Azure Data Explorer, the query catalog and parameter
//! rendering join this module as they are built.

pub mod local;
