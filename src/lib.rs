//! huntbook: a Microsoft Sentinel threat hunter's notebook toolkit (what MSTICPy does in Python), in Rust for
//! WebAssembly.
//!
//! The core is plain Rust, tested natively with `cargo test`; only [`wasm`] knows about JavaScript. The modules
//! follow the sections of the Sentinel "Tour" notebook:
//!
//! | module | what |
//! |---|---|
//! | [`frame`] | `Frame`, the table type: readers (Log Analytics JSON, CSV, JSON rows), Arrow IPC / rows / HTML out, verbs, joins, the in-memory table catalog `Tables` |
//! | [`query`] | where tables come from: the query catalog, Log Analytics, Data Explorer |
//! | [`demo`] | the demo data set (a file beside the wasm), shifted so its newest event is now |
//! | [`time`] | the one time grammar: datetime text (zone-less = UTC), epoch ms ⇄ ns, timespans, offsets like `-2w@d` |
//! | [`options`] | the one reader of options objects: snake_case or camelCase names, "did you mean", typed values |
//! | [`kql`], [`decode`], [`ioc`], [`enrich`], [`entity`], [`pivot`], [`vis`], [`net`] | later sections of the Tour |
//!
//! The seams every section shares:
//!
//! Options: every API reads its options object with [`options::read`] into a `Deserialize` struct of the module
//! that owns the meaning (`decode::UnpackOptions`, `ioc::IocOptions`, `vis::TimelineOptions`, …), or with
//! [`options::normalize`] against a list of names (a catalog query's parameters). Unknown names are errors naming the
//! function and the closest known name; the JS wrapper passes options through.
//!
//! Time: [`time`] is the one grammar of datetimes (ISO text, zone-less = UTC), epoch ms ⇄ ns, timespans (KQL
//! literals, Log Analytics text) and offsets (`-2w@d`); [`time::When`] is "a point in time a user gave" in options.
//!
//! Transport: every HTTP call goes through [`net::Service`] (endpoint or proxy, per-session cache, rate limit,
//! bounded retries, one wording of failures per status), with tokens and keys as [`net::Secret`]s that no message
//! shows, and [`net::fan_out`] for bounded concurrent lookups; time and waiting come from the [`net::Transport`], so
//! tests run on a fake clock.
//!
//! Nothing reachable from user input panics: errors are [`error::Error`] values that say what was wrong.
//!
//! Joins: [`frame::join`] is the one join of the crate (inner, left, right, outer; several keys, case-insensitive
//! text keys, suffixes for clashing names; null keys never match). KQL's `join` and `lookup` run on its core,
//! [`frame::join::KeyMatch`], adding only Kusto's key rules and column naming.

pub mod decode;
pub mod demo;
pub mod enrich;
pub mod entity;
pub mod error;
pub mod frame;
pub mod ioc;
pub mod kql;
pub mod net;
pub mod options;
pub mod pivot;
pub mod query;
pub mod time;
pub mod vis;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Result};
pub use frame::{Frame, LaType, QueryResult};
