// Enrichment (ti): filled in by issue #11.
