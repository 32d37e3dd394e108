//! The query catalog: named, parameterised KQL queries read from msticpy's query definition YAML.
//!
//! A file has a `metadata` block (`data_environments`, `data_families`, …), `defaults` (`metadata.data_source`,
//! `parameters`, `query_macros`) and `sources`: one entry a query, with its `description`, `metadata` (maybe a
//! `pivot` block or its own `data_families`), `args.query` (the template), its own `parameters`, `aliases` and
//! `query_macros`. The loader is lenient like msticpy: unknown keys are ignored and a null where a map is expected
//! is an empty map; YAML anchors, aliases and `<<` merges work.
//!
//! Queries are named `Family.name` (the family is the first data family). Rendering a query with parameter values
//! is [`crate::query::params::render`].

use serde_json::{Map, Value};

use crate::error::{closest, Error, Result};
use crate::query::params;

/// A parameter's type, from the YAML `type` text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamType {
    Str,
    Datetime,
    List,
    Int,
    Float,
    Bool,
    /// Any other type text (or `Any` when there is none); rendered like `Str`.
    Other(String),
}

impl ParamType {
    /// The type named by YAML text (`str`, `datetime`, `list`, `int`, `float`/`real`, `bool`, …).
    pub fn from_yaml(text: &str) -> ParamType {
        match text.trim().to_ascii_lowercase().as_str() {
            "str" | "string" => ParamType::Str,
            "datetime" | "date" => ParamType::Datetime,
            "list" => ParamType::List,
            "int" | "long" => ParamType::Int,
            "float" | "real" | "double" => ParamType::Float,
            "bool" | "boolean" => ParamType::Bool,
            _ => ParamType::Other(text.trim().to_string()),
        }
    }

    /// The type's name as help shows it.
    pub fn as_str(&self) -> &str {
        match self {
            ParamType::Str => "str",
            ParamType::Datetime => "datetime",
            ParamType::List => "list",
            ParamType::Int => "int",
            ParamType::Float => "float",
            ParamType::Bool => "bool",
            ParamType::Other(s) => s,
        }
    }
}

impl std::fmt::Display for ParamType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One parameter of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDef {
    pub name: String,
    pub description: String,
    pub kind: ParamType,
    /// The default value; `None` (also for `default: null`) makes the parameter required.
    pub default: Option<Value>,
    /// Other argument names accepted for this parameter.
    pub aliases: Vec<String>,
}

impl ParamDef {
    /// True when the parameter has no default, so a value must be given (start/end come from the time range).
    pub fn required(&self) -> bool {
        self.default.is_none()
    }
}

/// One query of the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryDef {
    /// The namespace: the first of the query's `metadata.data_families`, else of the file's.
    pub family: String,
    /// The source key, e.g. `list_alerts`.
    pub name: String,
    pub description: String,
    pub data_environments: Vec<String>,
    /// `defaults.metadata.data_source` (or the query's own `metadata.data_source`), else empty.
    pub data_source: String,
    /// `args.query`, before macros are replaced.
    pub template: String,
    /// The query's own parameters first (in YAML order), then the file defaults it does not override.
    pub params: Vec<ParamDef>,
    /// Other names for the query.
    pub aliases: Vec<String>,
    /// `query_macros` name → value: the query's own, then the file defaults it does not override.
    pub macros: Vec<(String, String)>,
    /// `metadata.pivot`, if any.
    pub pivot: Option<Value>,
    /// The file the query came from.
    pub file: String,
    /// For a query imported from Microsoft Sentinel YAML: its metadata ([`crate::query::sentinel`]), else `None`.
    pub sentinel: Option<Value>,
}

impl QueryDef {
    /// `Family.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.family, self.name)
    }

    /// The parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&ParamDef> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The template with its macros replaced: msticpy's `$<name>$` (an unknown macro becomes empty text, as in
    /// msticpy) and `{name}` placeholders that name a macro rather than a parameter. A macro's value may itself hold
    /// parameter placeholders; macros are replaced once (not recursively). Errors on a malformed template.
    pub fn expanded_template(&self) -> Result<String> {
        self.expand_brace_macros(&self.expand_dollar_macros(&self.template))
    }

    fn macro_value(&self, name: &str) -> Option<&str> {
        self.macros.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// `$<name>$` macros replaced in `text`, left to right, never re-scanning inserted values.
    fn expand_dollar_macros(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find("$<") {
            let (before, after) = rest.split_at(open);
            let after = after.get(2..).unwrap_or_default();
            out.push_str(before);
            match after.split_once('>') {
                Some((name, tail)) if !name.is_empty() && tail.starts_with('$') => {
                    out.push_str(self.macro_value(name).unwrap_or_default());
                    rest = tail.get(1..).unwrap_or_default();
                }
                _ => {
                    out.push_str("$<");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// `{name}` placeholders naming a macro (and no parameter) replaced by the macro's value.
    fn expand_brace_macros(&self, text: &str) -> Result<String> {
        if self.macros.is_empty() {
            return Ok(text.to_string());
        }
        let mut out = String::with_capacity(text.len());
        for piece in params::parse_template(text)? {
            match piece {
                params::Piece::Text(t) => out.push_str(&t.replace('{', "{{").replace('}', "}}")),
                params::Piece::Field { name, .. } => match self.macro_value(&name) {
                    Some(v) if self.param(&name).is_none() => out.push_str(v),
                    _ => {
                        out.push('{');
                        out.push_str(&name);
                        out.push('}');
                    }
                },
            }
        }
        Ok(out)
    }
}

/// Query definitions by qualified name. A later query with the same qualified name replaces the earlier one.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    queries: Vec<QueryDef>,
}

impl Catalog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the queries of one YAML file and returns how many it had. A malformed file is an error naming the file
    /// and the problem, and adds nothing.
    pub fn load_yaml(&mut self, text: &str, file_name: &str) -> Result<usize> {
        let defs = parse_file(text, file_name)?;
        let n = defs.len();
        for def in defs {
            self.add(def);
        }
        Ok(n)
    }

    /// Adds `def`, replacing a query with the same qualified name.
    pub(crate) fn add(&mut self, def: QueryDef) {
        let qn = def.qualified_name();
        match self.queries.iter_mut().find(|q| q.qualified_name() == qn) {
            Some(slot) => *slot = def,
            None => self.queries.push(def),
        }
    }

    /// How many queries there are.
    pub fn len(&self) -> usize {
        self.queries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }

    /// The query families, sorted and distinct.
    pub fn families(&self) -> Vec<String> {
        let mut f: Vec<String> = self.queries.iter().map(|q| q.family.clone()).collect();
        f.sort();
        f.dedup();
        f
    }

    /// All queries, in load order.
    pub fn queries(&self) -> &[QueryDef] {
        &self.queries
    }

    /// Queries whose qualified name or description contains `filter` (case-insensitive; empty = all), sorted by
    /// qualified name.
    pub fn list(&self, filter: &str) -> Vec<&QueryDef> {
        let needle = filter.trim().to_lowercase();
        let mut out: Vec<&QueryDef> = self
            .queries
            .iter()
            .filter(|q| {
                needle.is_empty()
                    || q.qualified_name().to_lowercase().contains(&needle)
                    || q.description.to_lowercase().contains(&needle)
            })
            .collect();
        out.sort_by_key(|q| q.qualified_name());
        out
    }

    /// The query named `name`: `Family.name` or a bare `name` when only one family has it, also by a query alias;
    /// exact first, then case-insensitive. The error suggests a close name.
    pub fn get(&self, name: &str) -> Result<&QueryDef> {
        let name = name.trim();
        for exact in [true, false] {
            let eq = |a: &str, b: &str| if exact { a == b } else { a.eq_ignore_ascii_case(b) };
            let named = |q: &QueryDef, n: &str| eq(&q.name, n) || q.aliases.iter().any(|a| eq(a, n));
            if let Some(q) = self.queries.iter().find(|q| eq(&q.qualified_name(), name)) {
                return Ok(q);
            }
            if let Some((family, bare)) = name.rsplit_once('.') {
                if let Some(q) = self.queries.iter().find(|q| eq(&q.family, family) && named(q, bare)) {
                    return Ok(q);
                }
            }
            let matches: Vec<&QueryDef> = self.queries.iter().filter(|q| named(q, name)).collect();
            match matches.as_slice() {
                [q] => return Ok(q),
                [] => {}
                many => {
                    let names: Vec<String> = many.iter().map(|q| q.qualified_name()).collect();
                    return Err(Error::invalid(format!(
                        "query name '{name}' is ambiguous: use one of {}",
                        names.join(", ")
                    )));
                }
            }
        }
        let mut candidates: Vec<String> = self.queries.iter().map(QueryDef::qualified_name).collect();
        candidates.extend(self.queries.iter().map(|q| q.name.clone()));
        let hint = match closest(name, &candidates) {
            Some(c) => format!(" (did you mean '{c}'?)"),
            None => String::new(),
        };
        Err(Error::invalid(format!(
            "unknown query '{name}'{hint}. The catalog has {} queries in families: {}",
            self.len(),
            self.families().join(", ")
        )))
    }

    /// The help text of a query (msticpy's `query?`): name, data source, description, parameters sorted by name
    /// (required ones without "(optional)"; defaults shown, long text cut at 50 characters) and the template.
    pub fn help(&self, name: &str) -> Result<String> {
        let q = self.get(name)?;
        let mut lines = vec![format!("Query:  {}", q.qualified_name())];
        if !q.data_source.is_empty() {
            lines.push(format!("Data source:  {}", q.data_source));
        }
        lines.push(q.description.clone());
        if let Some(m) = &q.sentinel {
            for (label, key) in [("Tactics", "tactics"), ("Techniques", "relevantTechniques")] {
                lines.push(format!("{label}:  {}", strings(m.get(key)).join(", ")));
            }
            let entities: Vec<String> = m["entityMappings"].as_array().into_iter().flatten().map(|e| {
                let fields: Vec<String> = e["fieldMappings"].as_array().into_iter().flatten()
                    .map(|f| format!("{}={}", text_of(f.get("identifier")), text_of(f.get("columnName"))))
                    .collect();
                format!("{}({})", text_of(e.get("entityType")), fields.join(", "))
            }).collect();
            lines.push(format!("Entities:  {}", entities.join(", ")));
        }
        lines.push(String::new());
        lines.push("Parameters".into());
        lines.push("----------".into());
        let mut sorted: Vec<&ParamDef> = q.params.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        for p in sorted {
            let optional = if p.required() { "" } else { " (optional)" };
            lines.push(format!("{}: {}{optional}", p.name, p.kind.as_str()));
            lines.push(format!("    {}", p.description));
            if let Some(d) = &p.default {
                lines.push(format!("    Default: {}", default_text(d)));
            }
            if !p.aliases.is_empty() {
                let quoted: Vec<String> = p.aliases.iter().map(|a| format!("'{a}'")).collect();
                lines.push(format!("    Aliases: {}", quoted.join(", ")));
            }
        }
        lines.push("Query:".into());
        match q.sentinel.as_ref().and_then(|m| m["query"].as_str()) {
            Some(original) => lines.push(original.to_string()),
            None => lines.push(q.expanded_template().unwrap_or_else(|_| q.template.clone())),
        }
        Ok(lines.join("\n"))
    }
}

/// A default as help shows it: text in single quotes (cut at 50 characters, like msticpy), anything else as JSON.
fn default_text(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() > 50 => format!("'{}...'", s.chars().take(50).collect::<String>()),
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

/// The queries of one YAML file.
fn parse_file(text: &str, file: &str) -> Result<Vec<QueryDef>> {
    let what = format!("query file {file}");
    let root = match parse_yaml(text, &what)? {
        Value::Object(m) => m,
        other => {
            return Err(Error::parse(
                what,
                format!(
                    "expected a mapping with `metadata`, `defaults` and `sources`, found {}",
                    kind(&other)
                ),
            ))
        }
    };
    let metadata = object(&root, "metadata", &what)?;
    let defaults = object(&root, "defaults", &what)?;
    let default_meta = object(&defaults, "metadata", &what)?;
    let default_params = parse_params(&defaults, &what)?;
    let default_macros = parse_macros(&defaults, &what)?;
    let sources = match root.get("sources") {
        Some(Value::Object(m)) => m.clone(),
        Some(Value::Null) => Map::new(),
        None => return Err(Error::parse(what, "it has no `sources` (the queries)")),
        Some(other) => {
            return Err(Error::parse(
                what,
                format!("`sources` must be a mapping of queries, not {}", kind(other)),
            ))
        }
    };
    let file_families = strings(metadata.get("data_families"));
    let environments = strings(metadata.get("data_environments"));

    let mut out = Vec::with_capacity(sources.len());
    for (name, source) in &sources {
        let where_ = format!("{what}, query '{name}'");
        let source = match source {
            Value::Object(m) => m,
            other => {
                return Err(Error::parse(
                    where_,
                    format!("expected a mapping, found {}", kind(other)),
                ))
            }
        };
        let meta = object(source, "metadata", &where_)?;
        let family = strings(meta.get("data_families"))
            .into_iter()
            .chain(file_families.iter().cloned())
            .next()
            .ok_or_else(|| Error::parse(&where_, "no `data_families` in its metadata or the file's"))?;
        let args = object(source, "args", &where_)?;
        let template = match args.get("query") {
            Some(Value::String(s)) => s.clone(),
            _ => {
                return Err(Error::parse(
                    where_,
                    "`args.query` (the query text) is missing or not text",
                ))
            }
        };
        let mut params = parse_params(source, &where_)?;
        for d in &default_params {
            if !params.iter().any(|p| p.name == d.name) {
                params.push(d.clone());
            }
        }
        let mut macros = parse_macros(source, &where_)?;
        for (n, v) in &default_macros {
            if !macros.iter().any(|(m, _)| m == n) {
                macros.push((n.clone(), v.clone()));
            }
        }
        let data_source = text_of(meta.get("data_source").or_else(|| default_meta.get("data_source")));
        out.push(QueryDef {
            family,
            name: name.clone(),
            description: text_of(source.get("description")),
            data_environments: environments.clone(),
            data_source,
            template,
            params,
            aliases: strings(source.get("aliases")),
            macros,
            pivot: meta.get("pivot").filter(|p| !p.is_null()).cloned(),
            file: file.to_string(),
            sentinel: None,
        });
    }
    Ok(out)
}

/// One YAML text as JSON, within the guards: not empty, at most [`MAX_YAML_BYTES`], brackets nested at most
/// [`MAX_FLOW_DEPTH`] deep. `what` names the text in errors.
pub(crate) fn parse_yaml(text: &str, what: &str) -> Result<Value> {
    if text.trim().is_empty() {
        return Err(Error::parse(what, "the file is empty"));
    }
    if text.len() > MAX_YAML_BYTES {
        return Err(Error::parse(what, format!("{} bytes, over the limit of {MAX_YAML_BYTES}", text.len())));
    }
    if flow_depth(text) > MAX_FLOW_DEPTH {
        return Err(Error::parse(what, format!("brackets nested more than {MAX_FLOW_DEPTH} deep")));
    }
    let mut yaml: serde_norway::Value = serde_norway::from_str(text).map_err(|e| Error::parse(what, e))?;
    yaml.apply_merge().map_err(|e| Error::parse(what, e))?;
    Ok(yaml_to_json(&yaml))
}

/// The largest YAML text read: 1 MiB (query files, msticpy's and Sentinel's, are a few KB).
pub const MAX_YAML_BYTES: usize = 1 << 20;

/// Deeper `[`/`{` nesting than this is refused before parsing: the YAML parser's time grows with the square of
/// the depth (100,000 brackets take minutes), and real files never nest deeper than its limit of 128 anyway.
const MAX_FLOW_DEPTH: usize = 256;

/// The deepest nesting of `[`/`{` in `text` (brackets inside quoted text counted too: an overestimate).
fn flow_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// `parameters` of a source or the defaults, in YAML order.
fn parse_params(parent: &Map<String, Value>, what: &str) -> Result<Vec<ParamDef>> {
    let mut out = Vec::new();
    for (name, props) in object(parent, "parameters", what)? {
        let props = match props {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            other => {
                return Err(Error::parse(
                    what,
                    format!(
                        "parameter '{name}' must be a mapping (description, type, default), not {}",
                        kind(&other)
                    ),
                ))
            }
        };
        let kind = match props.get("type") {
            Some(Value::String(t)) => ParamType::from_yaml(t),
            _ => ParamType::Other("Any".into()),
        };
        out.push(ParamDef {
            name,
            description: text_of(props.get("description")),
            kind,
            default: props.get("default").filter(|d| !d.is_null()).cloned(),
            aliases: strings(props.get("aliases")),
        });
    }
    Ok(out)
}

/// `query_macros` (`{name: {description, value}}`) as name → value.
fn parse_macros(parent: &Map<String, Value>, what: &str) -> Result<Vec<(String, String)>> {
    Ok(object(parent, "query_macros", what)?
        .into_iter()
        .map(|(name, m)| {
            let value = match &m {
                Value::Object(props) => text_of(props.get("value")),
                other => text_of(Some(other)),
            };
            (name, value)
        })
        .collect())
}

/// The mapping under `key`: empty when missing or null, an error when something else.
fn object(parent: &Map<String, Value>, key: &str, what: &str) -> Result<Map<String, Value>> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(other) => Err(Error::parse(
            what,
            format!("`{key}` must be a mapping, not {}", kind(other)),
        )),
    }
}

/// A list of texts from a YAML list or a single scalar.
pub(crate) fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter(|i| !i.is_null())
            .map(|i| text_of(Some(i)))
            .collect(),
        None | Some(Value::Null) => Vec::new(),
        Some(other) => vec![text_of(Some(other))],
    }
}

/// A scalar as text (null/missing = empty).
pub(crate) fn text_of(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// YAML → JSON: mapping keys become text, tags are dropped, non-finite floats become null.
fn yaml_to_json(v: &serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let key = match yaml_to_json(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_json(&t.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
metadata:
  version: 1
  data_environments: [LogAnalytics]
  data_families: [SecurityAlert, Other]
defaults:
  metadata:
    data_source: 'security_alert'
  parameters:
    table: {description: Table name, type: str, default: SecurityAlert}
    start: {description: Query start time, type: datetime}
  query_macros:
    cond: {description: default condition, value: "| where true"}
sources:
  list_alerts:
    description: Lists alerts
    metadata:
    args:
      query: '{table} $<cond>$ | where TimeGenerated >= datetime({start})'
    parameters:
      table: {description: Own table, type: str, default: Alerts}
      host: {description: Host name, type: str, aliases: [hostname, computer]}
  other_query:
    description: In another family
    aliases: [oq]
    metadata:
      data_families: [Network]
      pivot: {short_name: oq}
    args: {query: '{table} {extra}'}
    query_macros:
      extra: {description: a macro, value: '| where Host == "{host}"'}
      cond: {value: unused}
"#;

    fn catalog() -> Catalog {
        let mut c = Catalog::new();
        assert_eq!(c.load_yaml(FILE, "test.yaml").unwrap(), 2);
        c
    }

    #[test]
    fn reads_definitions() {
        let c = catalog();
        assert_eq!(c.families(), ["Network", "SecurityAlert"]);
        let q = c.get("SecurityAlert.list_alerts").unwrap();
        assert_eq!(q.data_source, "security_alert");
        assert_eq!(q.data_environments, ["LogAnalytics"]);
        let names: Vec<&str> = q.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["table", "host", "start"]);
        assert_eq!(q.params[0].default, Some(Value::from("Alerts")));
        assert!(q.param("host").unwrap().required());
        assert_eq!(q.param("host").unwrap().aliases, ["hostname", "computer"]);
        assert_eq!(q.macros, [("cond".to_string(), "| where true".to_string())]);
        assert_eq!(
            q.expanded_template().unwrap(),
            "{table} | where true | where TimeGenerated >= datetime({start})"
        );
        let o = c.get("oq").unwrap();
        assert_eq!(o.qualified_name(), "Network.other_query");
        assert_eq!(o.pivot, Some(serde_json::json!({"short_name": "oq"})));
        assert_eq!(o.macros[1], ("cond".to_string(), "unused".to_string()));
        assert_eq!(o.expanded_template().unwrap(), "{table} | where Host == \"{host}\"");
    }

    #[test]
    fn finds_queries() {
        let c = catalog();
        assert_eq!(c.get("list_alerts").unwrap().name, "list_alerts");
        assert_eq!(c.get("securityalert.LIST_ALERTS").unwrap().name, "list_alerts");
        assert_eq!(c.get("Network.oq").unwrap().name, "other_query");
        let e = c.get("list_alert").unwrap_err().to_string();
        assert!(
            e.starts_with("unknown query 'list_alert' (did you mean 'list_alerts'?)"),
            "{e}"
        );
        assert_eq!(c.list("").len(), 2);
        assert_eq!(c.list("ANOTHER")[0].name, "other_query");
        assert_eq!(c.list("securityalert.").len(), 1);
    }

    #[test]
    fn later_queries_replace_earlier() {
        let mut c = catalog();
        let again = FILE.replace("Lists alerts", "Replaced");
        c.load_yaml(&again, "again.yaml").unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c.get("list_alerts").unwrap().description, "Replaced");
        assert_eq!(c.get("list_alerts").unwrap().file, "again.yaml");
    }

    #[test]
    fn malformed_files_are_errors() {
        let mut c = Catalog::new();
        let cases = [
            ("", "the file is empty"),
            ("   \n", "the file is empty"),
            ("sources: 5", "`sources` must be a mapping of queries, not a number"),
            ("- a\n- b", "expected a mapping"),
            ("metadata: {}\n", "no `sources`"),
            ("sources:\n  q: 3\n", "query 'q': expected a mapping"),
            ("sources:\n  q: {args: {query: x}}\n", "no `data_families`"),
            (
                "metadata: {data_families: [F]}\nsources:\n  q: {args: {}}\n",
                "`args.query`",
            ),
            (
                "metadata: {data_families: [F]}\nsources:\n  q: {args: {query: x}, parameters: [1]}\n",
                "`parameters` must be a mapping",
            ),
            (
                "metadata: {data_families: [F]}\nsources:\n  q: {args: {query: x}, parameters: {p: 3}}\n",
                "parameter 'p' must be a mapping",
            ),
            ("sources: {a: [unclosed\n", "line"),
            ("a: *nope\n", "unknown anchor"),
        ];
        for (text, want) in cases {
            let e = c.load_yaml(text, "bad.yaml").unwrap_err().to_string();
            assert!(e.contains("query file bad.yaml") && e.contains(want), "{text:?}: {e}");
        }
        assert!(c.is_empty());
        assert_eq!(
            c.load_yaml("metadata: {data_families: [F]}\nsources:\n", "none.yaml")
                .unwrap(),
            0
        );
    }
}
