// Enrichment (net): filled in by issue #11.
