//! huntbook: a Microsoft Sentinel threat hunter's notebook toolkit (what MSTICPy does in Python), in Rust for
//! WebAssembly.
//!
//! The core is plain Rust, tested natively with `cargo test`; only [`wasm`] knows about JavaScript. The modules
//! follow the sections of the Sentinel "Tour" notebook:
//!
//! | module | what |
//! |---|---|
//! | [`frame`] | `Frame`, the table type: readers (Log Analytics JSON, CSV, JSON rows), Arrow IPC / rows / HTML out, verbs |
//! | [`query`] | where tables come from: local/demo data (Log Analytics, Data Explorer and the query catalog to come) |
//! | [`demo`] | the embedded demo data set, shifted so its newest event is now |
//! | [`time`] | the one time grammar: datetime text (zone-less = UTC), epoch ms ⇄ ns, timespans, offsets like `-2w@d` |
//! | [`kql`], [`decode`], [`ioc`], [`enrich`], [`entity`], [`pivot`], [`vis`], [`net`] | later sections of the Tour |
//!
//! Nothing reachable from user input panics: errors are [`error::Error`] values that say what was wrong.

pub mod decode;
pub mod demo;
pub mod enrich;
pub mod entity;
pub mod error;
pub mod frame;
pub mod ioc;
pub mod kql;
pub mod net;
pub mod pivot;
pub mod query;
pub mod time;
pub mod vis;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Result};
pub use frame::{Frame, LaType, QueryResult};
