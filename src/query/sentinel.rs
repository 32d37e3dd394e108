//! Microsoft Sentinel hunting queries and analytics rules (the YAML files of the Azure/Azure-Sentinel repository)
//! imported into the catalog as queries of one family (issue #15).
//!
//! A file is one query: `name`, `description`, `query`, `tactics`, `relevantTechniques`, `entityMappings`,
//! `requiredDataConnectors`, and for a rule `severity`, `queryFrequency`, `queryPeriod`, `kind`, … A file with a
//! `kind` or a `queryFrequency` is an analytics rule (family [`ANALYTICS_FAMILY`]), else a hunting query
//! ([`HUNTING_FAMILY`]), unless the caller names the family.
//!
//! The query text is kept as written. The portal's `{{StartTimeISO}}` / `{{EndTimeISO}}` become the query's `start`
//! / `end` datetime parameters, so [`crate::query::params::render`] fills them from the call's or the provider's
//! time range like any catalog query; every other brace is literal KQL. The rest is kept as JSON on
//! [`QueryDef::sentinel`], with msticpy's `SentinelQuery` names in camelCase (`queryId`, `relevantTechniques`,
//! `entityMappings`, `requiredDataConnectors`, `queryFrequency`, `sourceFileName`, `queryType`, …).
//!
//! The query's name is an identifier made from the source's file name without `.yaml`/`.yml`, or, for a source
//! that is not a file name, from the YAML `name` ([`identifier`]). Another query of the family with that name and a
//! different `id` keeps its name: the new one gets `_2`, `_3`, …; the same `id` again replaces it.

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::query::catalog::{kind, parse_yaml, strings, text_of, Catalog, ParamDef, ParamType, QueryDef};

/// The family of hunting queries unless the caller names one.
pub const HUNTING_FAMILY: &str = "SentinelHunting";
/// The family of analytics rules unless the caller names one.
pub const ANALYTICS_FAMILY: &str = "SentinelAnalytics";

/// What a batch import did: the qualified names added (in input order) and `(source, error)` for each file refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: Vec<String>,
    pub failed: Vec<(String, String)>,
}

/// `text` as an identifier, msticpy's way (`_format_query_name`: `%*'"\.()[]{}-` dropped) plus: every other run of
/// characters that are not ASCII letters, digits or `_` becomes one `_`, `_` is trimmed from the ends, and a leading
/// digit gets a `_` before it. "Mail.Read Permissions (app)" → `MailRead_Permissions_app`.
pub fn identifier(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().filter(|c| !"%*'\"\\.()[]{}-".contains(*c)) {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_');
    match out.chars().next() {
        None => "query".into(),
        Some(c) if c.is_ascii_digit() => format!("_{out}"),
        Some(_) => out.to_string(),
    }
}

/// The file name of `source` (a path or URL) without `.yaml`/`.yml`, if it is one.
fn file_stem(source: &str) -> Option<&str> {
    let path = source.split(['?', '#']).next().unwrap_or_default();
    let last = path.rsplit(['/', '\\']).next().unwrap_or_default();
    let lower = last.to_ascii_lowercase();
    [".yaml", ".yml"].iter().find(|e| lower.ends_with(*e)).map(|e| &last[..last.len() - e.len()])
}

/// One Sentinel YAML text as a catalog query (not yet named uniquely); `source` names it in errors.
pub fn parse(text: &str, source: &str, family: Option<&str>) -> Result<QueryDef> {
    let what = format!("Sentinel query {source}");
    let root = match parse_yaml(text, &what)? {
        Value::Object(m) => m,
        other => return Err(Error::parse(what, format!("expected a mapping with `name` and `query`, found {}", kind(&other)))),
    };
    let query = match root.get("query") {
        Some(Value::String(q)) if !q.trim().is_empty() => q.trim().to_string(),
        Some(Value::String(_)) => return Err(Error::parse(what, "`query` is empty")),
        None | Some(Value::Null) => return Err(Error::parse(what, "it has no `query` (the KQL)")),
        Some(other) => return Err(Error::parse(what, format!("`query` must be text, not {}", kind(other)))),
    };
    let list = |key: &str| -> Result<Value> {
        match root.get(key) {
            None | Some(Value::Null) => Ok(json!([])),
            Some(v @ Value::Array(_)) => Ok(v.clone()),
            Some(other) => Err(Error::parse(&what, format!("`{key}` must be a list, not {}", kind(other)))),
        }
    };
    let field = |key: &str| text_of(root.get(key));
    let analytics = root.contains_key("kind") || root.contains_key("queryFrequency");
    let family = match family {
        Some(f) if identifier(f) != f => {
            return Err(Error::invalid(format!("family '{f}' is not an identifier (letters, digits, _): e.g. '{}'", identifier(f))))
        }
        Some(f) => f.to_string(),
        None => (if analytics { ANALYTICS_FAMILY } else { HUNTING_FAMILY }).to_string(),
    };
    let title = match field("name") {
        n if n.trim().is_empty() => field("id"),
        n => n,
    };
    let name = identifier(file_stem(source).unwrap_or(&title));
    let connectors = list("requiredDataConnectors")?;
    let tables: Vec<String> =
        connectors.as_array().into_iter().flatten().flat_map(|c| strings(c.get("dataTypes"))).collect();
    let template = query
        .replace('{', "{{")
        .replace('}', "}}")
        .replace("{{{{StartTimeISO}}}}", "{start}")
        .replace("{{{{EndTimeISO}}}}", "{end}");
    let params = [("start", "{{StartTimeISO}}"), ("end", "{{EndTimeISO}}")]
        .into_iter()
        .filter(|(p, _)| template.contains(&format!("{{{p}}}")))
        .map(|(p, placeholder)| ParamDef {
            name: p.into(),
            description: format!("Query {p} time (the portal's {placeholder}); default: the time range"),
            kind: ParamType::Datetime,
            default: None,
            aliases: Vec::new(),
        })
        .collect();
    let sentinel = json!({
        "queryId": field("id"),
        "name": title,
        "queryType": if analytics { "analytics" } else { "hunting" },
        "severity": field("severity"),
        "tactics": strings(root.get("tactics")),
        "relevantTechniques": strings(root.get("relevantTechniques")),
        "entityMappings": list("entityMappings")?,
        "requiredDataConnectors": connectors,
        "queryFrequency": field("queryFrequency"),
        "queryPeriod": field("queryPeriod"),
        "triggerOperator": field("triggerOperator"),
        "triggerThreshold": field("triggerThreshold"),
        "version": field("version"),
        "kind": field("kind"),
        "tags": list("tags")?,
        "sourceFileName": source,
        "query": query,
    });
    Ok(QueryDef {
        family,
        name,
        description: field("description").trim().trim_matches('\'').trim().to_string(),
        data_environments: vec!["MSSentinel".into()],
        data_source: tables.join(", "),
        template,
        params,
        aliases: Vec::new(),
        macros: Vec::new(),
        pivot: None,
        file: source.to_string(),
        sentinel: Some(sentinel),
    })
}

impl Catalog {
    /// Adds one Sentinel YAML text (see the module doc); returns the query's qualified name.
    pub fn import_sentinel(&mut self, text: &str, source: &str, family: Option<&str>) -> Result<String> {
        let mut def = parse(text, source, family)?;
        let id = |q: &QueryDef| q.sentinel.as_ref().map(|m| m["queryId"].clone());
        let base = def.name.clone();
        for n in 2.. {
            match self.queries().iter().find(|q| q.family == def.family && q.name == def.name) {
                Some(q) if !(id(q) == id(&def) && id(q) != Some(json!(""))) => def.name = format!("{base}_{n}"),
                _ => break,
            }
        }
        let name = def.qualified_name();
        self.add(def);
        Ok(name)
    }

    /// Adds every `(source, text)` it can: a file that fails is reported with its error and the rest still added.
    pub fn import_sentinel_files(&mut self, files: &[(String, String)], family: Option<&str>) -> ImportReport {
        let mut report = ImportReport::default();
        for (source, text) in files {
            match self.import_sentinel(text, source, family) {
                Ok(name) => report.imported.push(name),
                Err(e) => report.failed.push((source.clone(), e.to_string())),
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(identifier("Mail.Read Permissions (app)"), "MailRead_Permissions_app");
        assert_eq!(identifier("CommandsexecutedbyWMIonnewhosts-potentialImpacket"), "CommandsexecutedbyWMIonnewhostspotentialImpacket");
        assert_eq!(identifier("365 days / é"), "_365_days");
        assert_eq!(identifier("..."), "query");
        assert_eq!(file_stem("https://h/a/b/User%20Logons.YML?x=1#f"), Some("User%20Logons"));
        assert_eq!(file_stem("C:\\q\\x.yaml"), Some("x"));
        assert_eq!(file_stem("inline text"), None);
    }
}
