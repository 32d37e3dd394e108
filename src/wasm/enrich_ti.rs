//! Bindings of `crate::enrich` (ti): filled in by issue #11.
