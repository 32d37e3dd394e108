//! Pivots from entities to queries and enrichments, on single values or whole tables. Not built yet.
