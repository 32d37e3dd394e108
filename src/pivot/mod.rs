//! Pivots: from an entity (an IP address, an account, a host, a URL, …) to every query and enrichment about it,
//! on one value, a list or a whole table, as msticpy's `Pivot` does.
//!
//! - [`registry`]: the functions each entity carries ([`Registry`]): built-in enrichment and utility functions,
//!   query pivots generated from a query catalog, user functions; listing, finding and searching them.
//! - [`names`]: msticpy's map of query parameters to entity attributes and its naming of query pivots.
//! - [`call`]: the calling conventions every function shares: input normalisation, planning (one list call or one
//!   call per distinct value), assembling results with `src_row_index`, joining them back onto the input.
//! - [`investigate`]: `pivotAll`'s core — which pivots run on an alert's entities, and one timeline of their results.
//!
//! Running a function is the caller's: the JS wrapper (`js/pivot.js`) runs the planned calls through the query
//! provider or the enrichment functions with bounded concurrency, then hands the tables back here.
//!
//! ## Names
//!
//! A function lives in a container of its entity and, for most, directly on the entity:
//!
//! | kind | container | names | directly on the entity |
//! |---|---|---|---|
//! | enrichment / utility | `util` | `whois`, `ip_type`, `geoloc`, `dns_resolve`, `dns_components`, `url_components`, `b64decode`, `extract_iocs` | the same name |
//! | threat intelligence | `ti` | `lookup_ip`, `lookup_dns`, `lookup_url`, `lookup_file_hash` | `tilookup_ip`, … |
//! | query | the data environment: `MSSentinel` (Log Analytics and the local demo data) | the query name (`list_aad_signins_for_ip`), msticpy's v2 name (`aad_signins`: the table's short name + `metadata.pivot.short_name`, else + the query name) and `<Family>_<name>` (`Azure_list_aad_signins_for_ip`) | the v2 name, for the entities in `metadata.pivot.direct_func_entities` |
//! | user | `custom` (or the one given) | the name given | the name given (unless `direct: false`) |
//!
//! A query pivot belongs to every entity one of its parameters maps to (`host_name` → `Host.fqdn`, `account_name` /
//! `user` → `Account.Name`, `ip_address` / `ip_address_list` / `source_ip_list` → `IpAddress.Address`, …; `start`
//! and `end` are never entity parameters). Its input is the first required mapped parameter (else the first
//! mapped one); other parameters mapped to the same entity are read from the entity when the input is one entity;
//! other required parameters must be given by the caller.
//!
//! **Clashes.** Where msticpy lets the last function registered win, huntbook gives a clashing name to none: a
//! query name or v2 name that two functions of one entity's container want goes to neither (both keep their other
//! names, and `<Family>_<name>` always stays), and a direct name two functions of an entity want — or one that is
//! an attribute or a container of the entity — is not set. So `IpAddress.MSSentinel.list_activity_for_ip` does not
//! exist (AzureActivity and Office365 both have that query): use `AzureActivity_list_activity_for_ip` or
//! `o365_activity`.
//!
//! Differences from msticpy: every built-in sits directly on its entity too (msticpy makes shortcuts only for some);
//! `Url.dns_resolve` / `dns_components` read the URL's `Host` (msticpy passes the whole URL); `dns_components`
//! keeps its `domain` column and puts the input in `Name` (msticpy overwrites `domain` with the input).

pub mod call;
pub mod investigate;
pub mod local;
pub mod names;
pub mod registry;

pub use call::{prepare, Call, Input, PivotCall, PivotOptions, Source, SRC_ROW_INDEX};
pub use names::{container_for_environment, KeyRule};
pub use registry::{FunctionKind, PivotFunction, PivotParam, Registry, UserSpec};
