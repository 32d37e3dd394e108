//! Bindings of `crate::enrich` (geo): filled in by issue #11.
