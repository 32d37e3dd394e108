//! HTTP through a small Transport trait (fetch in wasm, a test double natively), retries and cancellation (issue #3). Not built yet.
