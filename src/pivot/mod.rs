//! Pivots from entities to queries and enrichments, on single values or whole tables. Not built yet.
//!
//! [`investigate`]: `pivotAll`'s core — which pivots run on an alert's entities, and one timeline of their results.

pub mod investigate;
