//! msticpy's naming of query pivots and the map from query parameters to entity attributes.
//!
//! - [`param_entities`]: msticpy's `PARAM_ENTITY_MAP` (`pivot_data_queries.py`): which entity attribute a query
//!   parameter takes its value from (`ip_address_list` → `IpAddress.Address`, `host_name` → `Host.fqdn`, …).
//! - [`table_prefix`] and [`v2_name`]: msticpy's v2 name of a query pivot, the short name of the query's table
//!   (`_V2_TABLE_SHORT_NAMES`, else the table name itself) + `_` + the `metadata.pivot.short_name` (else the query
//!   name): `SigninLogs` + `signins` → `aad_signins`.
//! - [`container_for_environment`]: the container a data environment's queries go in (`MSSentinel` for Log
//!   Analytics and the local demo data, so the demo reads like Sentinel).
//! - [`key_columns`]: which result column holds a parameter's value, read from the query template
//!   (`| where IPAddress in ({ip_address_list})` → `IPAddress`), to attribute a list query's rows to input rows.

use std::sync::OnceLock;

use regex::Regex;

use crate::entity::EntityKind;

/// The entity attributes a query parameter's value comes from (msticpy's `PARAM_ENTITY_MAP`, aliases included).
/// Empty for a parameter no entity supplies.
pub fn param_entities(param: &str) -> &'static [(EntityKind, &'static str)] {
    use EntityKind::*;
    match param {
        "account_name" | "user" => &[(Account, "Name")],
        "host_name" => &[(Host, "fqdn")],
        "process_name" => &[(Process, "ProcessFilePath")],
        "ip_address" | "ip_address_list" | "source_ip_list" => &[(IpAddress, "Address")],
        "domain" | "domain_list" => &[(Dns, "DomainName")],
        "logon_session_id" => &[(Process, "LogonSession"), (HostLogonSession, "SessionId"), (Account, "LogonId")],
        "process_id" => &[(Process, "ProcessId")],
        "commandline" | "cmd_line" => &[(Process, "CommandLine")],
        "url" | "url_list" => &[(Url, "Url")],
        "file_hash" | "file_hash_list" => &[(File, "file_hash")],
        "resource_id" => &[(AzureResource, "ResourceId")],
        _ => &[],
    }
}

/// Parameters that are never an entity's input: the time range (given by `start`/`end` or the provider's time).
pub const TIME_PARAMS: [&str; 2] = ["start", "end"];

/// msticpy's `_V2_TABLE_SHORT_NAMES`: the prefix of a query pivot's v2 name by its table.
const V2_TABLE_SHORT_NAMES: [(&str, &str); 13] = [
    ("SecurityEvent", "wevt"),
    ("Syslog", "syslog"),
    ("SecurityAlert", "sec"),
    ("SigninLogs", "aad"),
    ("AzureActivity", "azure"),
    ("AzureNetworkAnalytics_CL", "az_nsg"),
    ("OfficeActivity", "o365"),
    ("ThreatIntelligenceIndicator", "ti"),
    ("Heartbeat", ""),
    ("AuditLog_CL", "auditd"),
    ("HuntingBookmark", "sent"),
    ("StorageFileLogs", "az_stor"),
    ("DnsEvents", "dns"),
];

/// The prefix of a v2 name for a query on `table`: its short name, else the table name (msticpy's rule).
pub fn table_prefix(table: &str) -> &str {
    V2_TABLE_SHORT_NAMES.iter().find(|(t, _)| *t == table).map_or(table, |(_, p)| p)
}

/// msticpy's v2 name of a query pivot (`_format_func_name`): `<table prefix>_<short_name or query name>` when the
/// query has a `table` parameter default, else the short name or query name alone.
pub fn v2_name(query_name: &str, short_name: Option<&str>, table: Option<&str>) -> String {
    let name = short_name.filter(|s| !s.is_empty()).unwrap_or(query_name);
    match table.filter(|t| !t.is_empty()) {
        None => name.to_string(),
        Some(t) => {
            let prefix = table_prefix(t);
            if prefix.is_empty() {
                name.to_string()
            } else if prefix.ends_with('_') {
                format!("{prefix}{name}")
            } else {
                format!("{prefix}_{name}")
            }
        }
    }
}

/// The container of a data environment's query pivots, as msticpy names its providers: Log Analytics (and its
/// aliases) and the local demo data are `MSSentinel`, Azure Data Explorer is `Kusto`; any other name stays.
pub fn container_for_environment(environment: &str) -> String {
    let folded: String = environment.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    match folded.as_str() {
        "loganalytics" | "mssentinel" | "azuresentinel" | "sentinel" | "localdata" | "local" | "demo" => "MSSentinel".into(),
        "kusto" | "adx" | "azuredataexplorer" => "Kusto".into(),
        _ => environment.to_string(),
    }
}

/// How a result row's key column is compared with an input value to find the input row it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyRule {
    /// The column equals the value (case-insensitively): `in`, `in~`, `==`, `=~`.
    Equal,
    /// The column's text contains the value (case-insensitively): `has_any`, `has`, `contains`.
    Contains,
}

fn ident_before_param(op: &str, param: &str, list: bool) -> Regex {
    let p = regex::escape(param);
    let pattern = if list {
        format!(r"([A-Za-z_][A-Za-z0-9_]*)\s+(?:{op})\s*\(\s*\{{{p}\}}\s*\)")
    } else {
        format!(r#"([A-Za-z_][A-Za-z0-9_]*)\s*(?:{op})\s*["']\{{{p}\}}["']"#)
    };
    Regex::new(&pattern).unwrap_or_else(|_| never())
}

/// A regex matching nothing (the patterns above are built from escaped text, so this is never used).
fn never() -> Regex {
    static NEVER: OnceLock<Regex> = OnceLock::new();
    NEVER.get_or_init(|| Regex::new(r"[^\s\S]").expect("a valid regex")).clone()
}

/// The columns of a query's result that hold parameter `param`'s value, read from the query text (macros
/// expanded), and how they compare: `X in ({p})` / `X in~ ({p})` / `X == "{p}"` / `X =~ "{p}"` give `Equal`
/// columns; `X has_any ({p})` / `X has "{p}"` / `X contains "{p}"` give `Contains` ones (used only when there is
/// no `Equal` column). A `let v = "{p}";` is followed once to `X == v` and the like. Empty when the text names no
/// column (e.g. the value is only inside a `strcat`).
pub fn key_columns(template: &str, param: &str, list: bool) -> (Vec<String>, KeyRule) {
    let mut equal: Vec<String> = Vec::new();
    let mut contains: Vec<String> = Vec::new();
    let push = |v: &mut Vec<String>, s: &str| {
        if !v.iter().any(|x| x == s) && !is_keyword(s) {
            v.push(s.to_string());
        }
    };
    let (eq_op, has_op) = if list { ("in~|in", "has_any") } else { ("==|=~", "has_cs|has|contains_cs|contains") };
    for c in ident_before_param(eq_op, param, list).captures_iter(template) {
        push(&mut equal, &c[1]);
    }
    for c in ident_before_param(has_op, param, list).captures_iter(template) {
        push(&mut contains, &c[1]);
    }
    if !list {
        // let v = "{p}"; … X == v
        let p = regex::escape(param);
        if let Ok(let_re) = Regex::new(&format!(r#"let\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*["']\{{{p}\}}["']"#)) {
            for c in let_re.captures_iter(template) {
                let var = regex::escape(&c[1]);
                for (op, target) in [("==|=~", &mut equal), ("has_cs|has|contains_cs|contains", &mut contains)] {
                    if let Ok(re) = Regex::new(&format!(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:{op})\s*{var}\b")) {
                        for m in re.captures_iter(template) {
                            push(target, &m[1]);
                        }
                    }
                }
            }
        }
    }
    if equal.is_empty() {
        (contains, KeyRule::Contains)
    } else {
        (equal, KeyRule::Equal)
    }
}

fn is_keyword(s: &str) -> bool {
    matches!(s, "where" | "and" | "or" | "not" | "let" | "extend" | "project" | "iif" | "case")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_map_is_msticpys() {
        assert_eq!(param_entities("ip_address_list"), &[(EntityKind::IpAddress, "Address")]);
        assert_eq!(param_entities("user"), &[(EntityKind::Account, "Name")]);
        assert_eq!(param_entities("host_name"), &[(EntityKind::Host, "fqdn")]);
        assert_eq!(param_entities("cmd_line"), &[(EntityKind::Process, "CommandLine")]);
        assert_eq!(param_entities("logon_session_id").len(), 3);
        assert!(param_entities("start").is_empty());
        assert!(param_entities("proc_op").is_empty());
    }

    #[test]
    fn v2_names() {
        assert_eq!(v2_name("list_aad_signins_for_ip", Some("signins"), Some("SigninLogs")), "aad_signins");
        assert_eq!(v2_name("list_traffic_for_ip", Some("traffic"), Some("CommonSecurityLog")), "CommonSecurityLog_traffic");
        assert_eq!(v2_name("get_info_by_ipaddress", Some("host_info"), Some("Heartbeat")), "host_info");
        assert_eq!(v2_name("list_alerts_by_severity", None, Some("SecurityAlert")), "sec_list_alerts_by_severity");
        assert_eq!(v2_name("list_x", Some("x"), None), "x");
        assert_eq!(container_for_environment("LogAnalytics"), "MSSentinel");
        assert_eq!(container_for_environment("LocalData"), "MSSentinel");
        assert_eq!(container_for_environment("Kusto"), "Kusto");
    }

    #[test]
    fn key_columns_from_templates() {
        let t = "{table} | where SourceIP in ({ip_address_list}) or DestinationIP in ({ip_address_list})";
        assert_eq!(key_columns(t, "ip_address_list", true), (vec!["SourceIP".into(), "DestinationIP".into()], KeyRule::Equal));
        let t = "{table} | where Entities has_any ({source_ip_list})";
        assert_eq!(key_columns(t, "source_ip_list", true), (vec!["Entities".into()], KeyRule::Contains));
        let t = "{table} | where DomainName in~ ({domain_list})";
        assert_eq!(key_columns(t, "domain_list", true).0, ["DomainName"]);
        let t = r#"{table} | where ComputerIP == "{ip_address}" or ComputerPrivateIPs has "{ip_address}""#;
        assert_eq!(key_columns(t, "ip_address", false), (vec!["ComputerIP".into()], KeyRule::Equal));
        let t = r#"let src_acct = "{account_name}"; {table} | where UserPrincipalName =~ src_acct or Account has src_acct"#;
        assert_eq!(key_columns(t, "account_name", false), (vec!["UserPrincipalName".into()], KeyRule::Equal));
        assert_eq!(key_columns("{table} | take 1", "ip_address", false).0, Vec::<String>::new());
    }
}
