// Enrichment (geo): filled in by issue #11.
