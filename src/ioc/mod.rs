//! IoC extraction: IPs, domains, URLs, hashes, paths, with defanging (issue #5). Not built yet.
