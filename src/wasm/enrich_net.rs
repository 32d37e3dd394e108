//! Bindings of `crate::enrich` (net): filled in by issue #11.
