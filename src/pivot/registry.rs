//! The pivot registry: every function an entity carries, with its names, input and result key.
//!
//! Built-in enrichment and utility functions are listed by [`Registry::new`] (as msticpy's
//! `resources/mp_pivot_reg.yaml` and its TI provider pivots); query pivots come from a query catalog
//! ([`Registry::add_catalog`]); user functions from [`Registry::register_user`]. The registry only describes:
//! running a function is the caller's (the JS wrapper calls the query provider or the enrichment function), with the
//! calling conventions of [`super::call`].

use serde::Serialize;
use serde_json::Value;

use super::names::{self, KeyRule};
use crate::entity::EntityKind;
use crate::error::{closest, Error, Result};
use crate::query::catalog::{Catalog, ParamType, QueryDef};

/// What a pivot function runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FunctionKind {
    /// A catalog query run through a query provider.
    Query,
    /// A lookup in an outside service (whois, geolocation, DNS, threat intelligence).
    Enrichment,
    /// A computation on the value itself (address class, name parts, base64, IoCs).
    Utility,
    /// A function the user registered.
    User,
}

/// One parameter of a pivot function besides its input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PivotParam {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub required: bool,
    pub default: Option<Value>,
    pub description: String,
}

/// One function on one entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PivotFunction {
    #[serde(serialize_with = "kind_name")]
    pub entity: EntityKind,
    /// `util`, `ti`, a query container (`MSSentinel`) or a user's container.
    pub container: String,
    /// The names in the container: the first is the one `full_name` uses. Query pivots have the query's name, its
    /// msticpy v2 name and `<Family>_<name>` (names that clash within the container are left out).
    pub names: Vec<String>,
    /// The name directly on the entity (`IpAddress.whois`), if any.
    pub direct: Option<String>,
    pub kind: FunctionKind,
    /// What the caller runs: `whois`, `ip_type`, `geoloc`, `dns_resolve`, `dns_components`, `url_components`,
    /// `b64decode`, `extract_iocs`, `ti_lookup`, `query`, or `user`.
    pub runs: String,
    pub description: String,
    /// Parameters besides the input (for queries: every parameter but the input; `start`/`end` not required).
    pub params: Vec<PivotParam>,
    /// The parameter the input value is given as (`ip_address_list`, `value`).
    pub input_param: String,
    /// The entity attribute the input value is read from (`Address`).
    pub attribute: String,
    /// Other parameters read from the same entity when the input is one entity (`process_name` ←
    /// `ProcessFilePath`), as `(parameter, attribute)`.
    pub entity_params: Vec<(String, String)>,
    /// The result columns holding the input value (the first is the key column joins name).
    pub key_columns: Vec<String>,
    pub key_rule: KeyRule,
    /// True when one call takes all values (a list parameter), else one call per distinct value.
    pub list: bool,
    /// The catalog query (`Azure.list_aad_signins_for_ip`) of a query pivot.
    pub query: Option<String>,
    /// The query template of a query pivot (macros expanded).
    pub template: Option<String>,
    /// Query pivots: the candidate names before clashes were removed (query name, v2 name).
    #[serde(skip)]
    candidates: Vec<String>,
    /// Query pivots: the direct name `metadata.pivot.direct_func_entities` asks for.
    #[serde(skip)]
    direct_candidate: Option<String>,
}

impl PivotFunction {
    /// `Entity.container.name` with the first name.
    pub fn full_name(&self) -> String {
        format!("{}.{}.{}", self.entity.name(), self.container, self.name())
    }

    /// The first name in the container.
    pub fn name(&self) -> &str {
        self.names.first().map_or("", String::as_str)
    }

    /// The key column of the result (the first of `key_columns`), if known.
    pub fn key_column(&self) -> Option<&str> {
        self.key_columns.first().map(String::as_str)
    }

    /// Whether `name` (`container.name`, a bare container name or the direct name) names this function.
    fn answers(&self, path: &str) -> bool {
        if let Some((c, n)) = path.split_once('.') {
            return c == self.container && self.names.iter().any(|x| x == n);
        }
        self.direct.as_deref() == Some(path)
    }

    /// Every path `find` accepts for this function.
    fn paths(&self) -> Vec<String> {
        let mut out: Vec<String> = self.names.iter().map(|n| format!("{}.{n}", self.container)).collect();
        out.extend(self.direct.clone());
        out
    }

    /// The call text shown as an example: `await IpAddress.util.whois("185.220.101.45")`.
    pub fn example(&self) -> String {
        let value = example_value(self.entity, &self.attribute);
        let arg = if self.list { format!("[{value}]") } else { value };
        let required: Vec<String> = self
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| format!("{}: <{}>", p.name, p.kind))
            .collect();
        let opts = if required.is_empty() { String::new() } else { format!(", {{ {} }}", required.join(", ")) };
        let path = match &self.direct {
            Some(d) => format!("{}.{d}", self.entity.name()),
            None => self.full_name(),
        };
        format!("await {path}({arg}{opts})")
    }

    /// The descriptor as JSON for the JS API (`functions()`): the fields above plus `name`, `fullName`,
    /// `keyColumn` and `example`.
    pub fn to_json(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.insert("name".into(), Value::from(self.name()));
            m.insert("fullName".into(), Value::from(self.full_name()));
            m.insert("keyColumn".into(), self.key_column().map_or(Value::Null, Value::from));
            m.insert("example".into(), Value::from(self.example()));
            m.insert(
                "entityParams".into(),
                self.entity_params.iter().map(|(p, a)| serde_json::json!({"param": p, "attribute": a})).collect(),
            );
        }
        v
    }
}

fn kind_name<S: serde::Serializer>(k: &EntityKind, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(k.name())
}

/// A value of the demo data for examples.
fn example_value(kind: EntityKind, attribute: &str) -> String {
    let v = match (kind, attribute) {
        (EntityKind::IpAddress, _) => "185.220.101.45",
        (EntityKind::Account, _) => "jdoe@contoso.com",
        (EntityKind::Host, _) => "WKS-FIN-07",
        (EntityKind::Dns, _) | (EntityKind::Url, "Host") => "www.microsoft.com",
        (EntityKind::Url, _) => "http://85.214.149.236:443/sugarcrm/themes/default/images/",
        (EntityKind::File, _) => "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        (EntityKind::Process, "CommandLine") => "powershell.exe -enc SQBFAFgA…",
        (EntityKind::Process, "ProcessId") => "0x1a2c",
        (EntityKind::AzureResource, _) => "/subscriptions/…/resourceGroups/…",
        _ => "…",
    };
    format!("{v:?}")
}

/// A user function's description (the JS `pivot.register({...})`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserSpec {
    /// The entity name (`IpAddress`, `ip`).
    pub entity: String,
    pub name: String,
    /// Default `custom`.
    pub container: Option<String>,
    pub description: String,
    /// The entity attribute the input comes from (default: the entity's first attribute).
    pub attribute: Option<String>,
    /// The parameter name the value is given as (default `value`).
    pub input_param: Option<String>,
    /// The result column holding the input value.
    pub key_column: Option<String>,
    /// True: one call with all values; false (default): one call per value.
    pub list: bool,
    /// Put the function directly on the entity too (default true).
    pub direct: Option<bool>,
    /// JS only (the function itself; not read here).
    pub func: Option<Value>,
}

/// The pivot functions of every entity.
#[derive(Debug, Clone)]
pub struct Registry {
    functions: Vec<PivotFunction>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

struct Builtin {
    runs: &'static str,
    container: &'static str,
    name: &'static str,
    direct: &'static str,
    kind: FunctionKind,
    entities: &'static [(EntityKind, &'static str)],
    key: &'static str,
    list: bool,
    description: &'static str,
    params: &'static [(&'static str, &'static str, &'static str)],
}

/// The built-in functions: msticpy's `mp_pivot_reg.yaml` entries huntbook has, and its TI pivots
/// (`lookup_ip` … in container `ti`, shortcut `tilookup_ip` …). Every built-in also sits directly on the entity.
const BUILTINS: &[Builtin] = &[
    Builtin {
        runs: "whois",
        container: "util",
        name: "whois",
        direct: "whois",
        kind: FunctionKind::Enrichment,
        entities: &[(EntityKind::IpAddress, "Address")],
        key: "query",
        list: true,
        description: "Whois of IP addresses: ASN from Team Cymru, networks from RDAP (msticpy get_whois_df)",
        params: &[
            ("resolver", "str", "DNS-over-HTTPS JSON endpoint for the ASN lookups (default Cloudflare's)"),
            ("rdap_url", "str", "a base URL used for every RDAP request (a proxy)"),
        ],
    },
    Builtin {
        runs: "ip_type",
        container: "util",
        name: "ip_type",
        direct: "ip_type",
        kind: FunctionKind::Utility,
        entities: &[(EntityKind::IpAddress, "Address")],
        key: "ip",
        list: false,
        description: "The class of an IP address: Public, Private, Multicast, Loopback, Link Local, Reserved, Unspecified (msticpy get_ip_type)",
        params: &[],
    },
    Builtin {
        runs: "geoloc",
        container: "util",
        name: "geoloc",
        direct: "geoloc",
        kind: FunctionKind::Enrichment,
        entities: &[(EntityKind::IpAddress, "Address")],
        key: "IpAddress",
        list: true,
        description: "Geolocation of IP addresses from a GeoLite2 database (msticpy GeoLiteLookup.lookup_ips)",
        params: &[],
    },
    Builtin {
        runs: "ti_lookup",
        container: "ti",
        name: "lookup_ip",
        direct: "tilookup_ip",
        kind: FunctionKind::Enrichment,
        entities: &[(EntityKind::IpAddress, "Address")],
        key: "Ioc",
        list: true,
        description: "Threat-intelligence lookup of IP addresses in the configured TI providers (msticpy TILookup.lookup_iocs)",
        params: &[("providers", "list", "provider names to ask (default: all)")],
    },
    Builtin {
        runs: "dns_resolve",
        container: "util",
        name: "dns_resolve",
        direct: "dns_resolve",
        kind: FunctionKind::Enrichment,
        entities: &[(EntityKind::Dns, "DomainName"), (EntityKind::Host, "fqdn"), (EntityKind::Url, "Host")],
        key: "Name",
        list: false,
        description: "DNS records of a host name over DNS over HTTPS: Name, Type, TTL, Data (msticpy dns_resolve_df)",
        params: &[
            ("types", "list", "record types (default A, AAAA, CNAME, MX)"),
            ("resolver", "str", "DNS-over-HTTPS JSON endpoint (default Cloudflare's)"),
        ],
    },
    Builtin {
        runs: "dns_components",
        container: "util",
        name: "dns_components",
        direct: "dns_components",
        kind: FunctionKind::Utility,
        entities: &[(EntityKind::Dns, "DomainName"), (EntityKind::Host, "fqdn"), (EntityKind::Url, "Host")],
        key: "Name",
        list: false,
        description: "The parts of a host name by the public-suffix list: subdomain, domain, suffix (msticpy dns_components)",
        params: &[],
    },
    Builtin {
        runs: "ti_lookup",
        container: "ti",
        name: "lookup_dns",
        direct: "tilookup_dns",
        kind: FunctionKind::Enrichment,
        entities: &[(EntityKind::Dns, "DomainName")],
        key: "Ioc",
        list: true,
        description: "Threat-intelligence lookup of domain names in the configured TI providers (msticpy TILookup.lookup_iocs)",
        params: &[("providers", "list", "provider names to ask (default: all)")],
    },
    Builtin {
        runs: "url_components",
        container: "util",
        name: "url_components",
        direct: "url_components",
        kind: FunctionKind::Utility,
        entities: &[(EntityKind::Url, "Url")],
        key: "url",
        list: false,
        description: "The parts of a URL as Python's urlparse names them: scheme, netloc, path, params, query, fragment (msticpy url_components)",
        params: &[],
    },
    Builtin {
        runs: "ti_lookup",
        container: "ti",
        name: "lookup_url",
        direct: "tilookup_url",
        kind: FunctionKind::Enrichment,
        entities: &[(EntityKind::Url, "Url")],
        key: "Ioc",
        list: true,
        description: "Threat-intelligence lookup of URLs in the configured TI providers (msticpy TILookup.lookup_iocs)",
        params: &[("providers", "list", "provider names to ask (default: all)")],
    },
    Builtin {
        runs: "ti_lookup",
        container: "ti",
        name: "lookup_file_hash",
        direct: "tilookup_file_hash",
        kind: FunctionKind::Enrichment,
        entities: &[(EntityKind::File, "file_hash")],
        key: "Ioc",
        list: true,
        description: "Threat-intelligence lookup of file hashes (MD5, SHA1, SHA256) in the configured TI providers (msticpy TILookup.lookup_iocs)",
        params: &[("providers", "list", "provider names to ask (default: all)")],
    },
    Builtin {
        runs: "b64decode",
        container: "util",
        name: "b64decode",
        direct: "b64decode",
        kind: FunctionKind::Utility,
        entities: &[(EntityKind::Process, "CommandLine"), (EntityKind::Url, "Url")],
        key: "original_string",
        list: false,
        description: "Base64 runs decoded (recursively, archives unpacked): one row per fragment (msticpy unpack_df)",
        params: &[],
    },
    Builtin {
        runs: "extract_iocs",
        container: "util",
        name: "extract_iocs",
        direct: "extract_iocs",
        kind: FunctionKind::Utility,
        entities: &[(EntityKind::Process, "CommandLine"), (EntityKind::Url, "Url")],
        key: "Input",
        list: false,
        description: "The IoCs (IPs, domains, URLs, hashes, …) in the text: IoCType, Observable, SourceIndex, Input, Refanged (msticpy IoCExtract.extract_df)",
        params: &[
            ("ioc_types", "list", "only these IoC types"),
            ("include_paths", "bool", "also Windows and Linux paths"),
        ],
    },
];

impl Registry {
    /// The built-in enrichment and utility functions.
    pub fn new() -> Registry {
        let mut functions = Vec::new();
        for b in BUILTINS {
            for (entity, attribute) in b.entities {
                functions.push(PivotFunction {
                    entity: *entity,
                    container: b.container.to_string(),
                    names: vec![b.name.to_string()],
                    direct: Some(b.direct.to_string()),
                    kind: b.kind,
                    runs: b.runs.to_string(),
                    description: b.description.to_string(),
                    params: b
                        .params
                        .iter()
                        .map(|(name, kind, description)| PivotParam {
                            name: name.to_string(),
                            kind: kind.to_string(),
                            required: false,
                            default: None,
                            description: description.to_string(),
                        })
                        .collect(),
                    input_param: "value".into(),
                    attribute: attribute.to_string(),
                    entity_params: Vec::new(),
                    key_columns: vec![b.key.to_string()],
                    key_rule: KeyRule::Equal,
                    list: b.list,
                    query: None,
                    template: None,
                    candidates: Vec::new(),
                    direct_candidate: None,
                });
            }
        }
        Registry { functions }
    }

    /// Adds the query pivots of `catalog` under `container` (`MSSentinel`; see
    /// [`names::container_for_environment`]) and returns how many functions were added. A query becomes a function
    /// of every entity one of its parameters maps to (msticpy's `PARAM_ENTITY_MAP`); queries already added under
    /// this container are replaced.
    pub fn add_catalog(&mut self, catalog: &Catalog, container: &str) -> usize {
        self.functions.retain(|f| !(f.kind == FunctionKind::Query && f.container == container));
        let before = self.functions.len();
        for q in catalog.queries() {
            self.functions.extend(query_functions(q, container));
        }
        let added = self.functions.len() - before;
        self.resolve_names();
        added
    }

    /// Adds a user function; its name must be new in its container for the entity (and its direct name new on
    /// the entity). Returns the function.
    pub fn register_user(&mut self, spec: &UserSpec) -> Result<&PivotFunction> {
        let entity = EntityKind::from_name(&spec.entity).ok_or_else(|| {
            let names: Vec<String> = EntityKind::ALL.iter().map(|k| k.name().to_string()).collect();
            let hint = closest(&spec.entity, &names).map(|c| format!(" (did you mean '{c}'?)")).unwrap_or_default();
            Error::invalid(format!("register: unknown entity '{}'{hint}. Entities are: {}", spec.entity, names.join(", ")))
        })?;
        let name = spec.name.trim();
        if !is_identifier(name) {
            return Err(Error::invalid(format!(
                "register: the function name '{}' must be an identifier (letters, digits, _; not starting with a digit)",
                spec.name
            )));
        }
        let container = spec.container.clone().unwrap_or_else(|| "custom".into());
        if !is_identifier(&container) {
            return Err(Error::invalid(format!("register: the container name '{container}' must be an identifier")));
        }
        let attribute = match &spec.attribute {
            Some(a) => {
                let attrs: Vec<String> = entity.attributes().iter().map(|s| s.to_string()).collect();
                if !attrs.iter().any(|x| x == a) {
                    let hint = closest(a, &attrs).map(|c| format!(" (did you mean '{c}'?)")).unwrap_or_default();
                    return Err(Error::invalid(format!(
                        "register: {} has no attribute '{a}'{hint}. Attributes are: {}",
                        entity.name(),
                        attrs.join(", ")
                    )));
                }
                a.clone()
            }
            None => entity.attributes().first().map_or_else(String::new, |s| s.to_string()),
        };
        if self.functions.iter().any(|f| f.entity == entity && f.container == container && f.names.iter().any(|n| n == name)) {
            return Err(Error::invalid(format!(
                "register: {}.{container}.{name} exists already; choose another name or container",
                entity.name()
            )));
        }
        let direct = if spec.direct.unwrap_or(true) {
            if let Some(other) = self.functions.iter().find(|f| f.entity == entity && f.direct.as_deref() == Some(name)) {
                return Err(Error::invalid(format!(
                    "register: {}.{name} is already {}; choose another name or give {{direct: false}}",
                    entity.name(),
                    other.full_name()
                )));
            }
            if reserved_on_entity(entity, name, &self.containers(entity)) {
                return Err(Error::invalid(format!(
                    "register: '{name}' is an attribute or container of {}; choose another name or give {{direct: false}}",
                    entity.name()
                )));
            }
            Some(name.to_string())
        } else {
            None
        };
        self.functions.push(PivotFunction {
            entity,
            container,
            names: vec![name.to_string()],
            direct,
            kind: FunctionKind::User,
            runs: "user".into(),
            description: spec.description.clone(),
            params: Vec::new(),
            input_param: spec.input_param.clone().unwrap_or_else(|| "value".into()),
            attribute,
            entity_params: Vec::new(),
            key_columns: spec.key_column.iter().cloned().collect(),
            key_rule: KeyRule::Equal,
            list: spec.list,
            query: None,
            template: None,
            candidates: Vec::new(),
            direct_candidate: None,
        });
        Ok(self.functions.last().expect("just pushed"))
    }

    /// The functions of `entity` (all entities: `None`), sorted by entity, container and name.
    pub fn functions(&self, entity: Option<EntityKind>) -> Vec<&PivotFunction> {
        let mut out: Vec<&PivotFunction> = self.functions.iter().filter(|f| entity.is_none_or(|e| f.entity == e)).collect();
        out.sort_by(|a, b| (a.entity, &a.container, a.name()).cmp(&(b.entity, &b.container, b.name())));
        out
    }

    /// The containers of `entity`'s functions, sorted.
    pub fn containers(&self, entity: EntityKind) -> Vec<String> {
        let mut c: Vec<String> = self.functions.iter().filter(|f| f.entity == entity).map(|f| f.container.clone()).collect();
        c.sort();
        c.dedup();
        c
    }

    /// The function of `entity` named `path`: `container.name` (`MSSentinel.aad_signins`, `util.whois`), the
    /// direct name (`whois`), or either prefixed by the entity (`IpAddress.util.whois`). The error suggests the
    /// closest name and says how many functions the entity has.
    pub fn find(&self, entity: EntityKind, path: &str) -> Result<&PivotFunction> {
        let path = path.trim();
        let path = path
            .strip_prefix(entity.name())
            .and_then(|p| p.strip_prefix('.'))
            .unwrap_or(path);
        let own: Vec<&PivotFunction> = self.functions.iter().filter(|f| f.entity == entity).collect();
        if let Some(f) = own.iter().find(|f| f.answers(path)) {
            return Ok(f);
        }
        // a bare name that is some container's only function of that name
        if !path.contains('.') {
            let named: Vec<&&PivotFunction> = own.iter().filter(|f| f.names.iter().any(|n| n == path)).collect();
            match named.as_slice() {
                [f] => return Ok(f),
                [] => {}
                many => {
                    let names: Vec<String> = many.iter().map(|f| f.full_name()).collect();
                    return Err(Error::invalid(format!(
                        "pivot: {}.{path} is ambiguous: use one of {}",
                        entity.name(),
                        names.join(", ")
                    )));
                }
            }
        }
        let candidates: Vec<String> = own.iter().flat_map(|f| f.paths()).collect();
        let hint = closest(path, &candidates).map(|c| format!(" (did you mean '{c}'?)")).unwrap_or_default();
        Err(Error::invalid(format!(
            "pivot: {} has no function '{path}'{hint}. It has {} functions in containers {}; list them with \
             pivot.functions(\"{}\")",
            entity.name(),
            own.len(),
            self.containers(entity).join(", "),
            entity.name()
        )))
    }

    /// Functions whose full name, names, query or description contain `text` (case-insensitive; every word of
    /// `text` must occur), sorted as [`Registry::functions`].
    pub fn search(&self, text: &str) -> Vec<&PivotFunction> {
        let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
        self.functions(None)
            .into_iter()
            .filter(|f| {
                let hay = format!(
                    "{} {} {} {} {}",
                    f.full_name(),
                    f.names.join(" "),
                    f.direct.as_deref().unwrap_or(""),
                    f.query.as_deref().unwrap_or(""),
                    f.description
                )
                .to_lowercase();
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect()
    }

    /// How many functions each entity has (entities without any left out), in [`EntityKind::ALL`] order.
    pub fn counts(&self) -> Vec<(EntityKind, usize)> {
        EntityKind::ALL
            .iter()
            .map(|k| (*k, self.functions.iter().filter(|f| f.entity == *k).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Chooses the names of query pivots: within an entity's container a candidate name (query name, v2 name)
    /// that two functions want goes to neither; `<Family>_<name>` always stays. Direct names
    /// (`direct_func_entities`) that clash with another direct name, an attribute or a container go to none.
    fn resolve_names(&mut self) {
        use std::collections::HashMap;
        let mut wanted: HashMap<(EntityKind, String, String), usize> = HashMap::new();
        for f in &self.functions {
            let mut own: Vec<&String> = if f.kind == FunctionKind::Query { f.candidates.iter().collect() } else { f.names.iter().collect() };
            own.sort();
            own.dedup();
            for n in own {
                *wanted.entry((f.entity, f.container.clone(), n.clone())).or_default() += 1;
            }
        }
        let mut direct_wanted: HashMap<(EntityKind, String), usize> = HashMap::new();
        for f in &self.functions {
            let d = if f.kind == FunctionKind::Query { f.direct_candidate.as_ref() } else { f.direct.as_ref() };
            if let Some(d) = d {
                *direct_wanted.entry((f.entity, d.clone())).or_default() += 1;
            }
        }
        let containers: HashMap<EntityKind, Vec<String>> =
            EntityKind::ALL.iter().map(|k| (*k, self.containers(*k))).collect();
        for f in self.functions.iter_mut().filter(|f| f.kind == FunctionKind::Query) {
            let fallback = f.names.last().cloned().unwrap_or_default();
            let mut names: Vec<String> = Vec::new();
            for c in &f.candidates {
                if wanted.get(&(f.entity, f.container.clone(), c.clone())) == Some(&1) && !names.contains(c) {
                    names.push(c.clone());
                }
            }
            if !names.contains(&fallback) {
                names.push(fallback);
            }
            f.names = names;
            f.direct = f.direct_candidate.clone().filter(|d| {
                direct_wanted.get(&(f.entity, d.clone())) == Some(&1)
                    && !reserved_on_entity(f.entity, d, containers.get(&f.entity).map_or(&[], Vec::as_slice))
            });
        }
    }
}

/// Names a function may not take directly on an entity: its attributes and its containers.
fn reserved_on_entity(entity: EntityKind, name: &str, containers: &[String]) -> bool {
    entity.attributes().iter().any(|a| a.eq_ignore_ascii_case(name))
        || containers.iter().any(|c| c == name)
        || matches!(name, "type" | "constructor" | "toString" | "toHTML" | "toJSON" | "fromRow" | "prototype")
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The pivot functions of one query: one per entity its parameters map to.
fn query_functions(q: &QueryDef, container: &str) -> Vec<PivotFunction> {
    let template = q.expanded_template().unwrap_or_else(|_| q.template.clone());
    let pivot = q.pivot.as_ref();
    let short_name = pivot.and_then(|p| p.get("short_name")).and_then(Value::as_str);
    let direct_entities: Vec<EntityKind> = match pivot.and_then(|p| p.get("direct_func_entities")) {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).filter_map(EntityKind::from_name).collect(),
        Some(Value::String(s)) => EntityKind::from_name(s).into_iter().collect(),
        _ => Vec::new(),
    };
    let table = q.param("table").and_then(|p| p.default.as_ref()).and_then(Value::as_str);
    let v2 = names::v2_name(&q.name, short_name, table);

    // entity → its (parameter, attribute) pairs, in query parameter order
    let mut by_entity: Vec<(EntityKind, Vec<(&str, &'static str)>)> = Vec::new();
    for p in &q.params {
        if names::TIME_PARAMS.contains(&p.name.as_str()) {
            continue;
        }
        for (kind, attr) in names::param_entities(&p.name) {
            match by_entity.iter_mut().find(|(k, _)| k == kind) {
                Some((_, list)) => list.push((p.name.as_str(), attr)),
                None => by_entity.push((*kind, vec![(p.name.as_str(), attr)])),
            }
        }
    }
    let mut out = Vec::new();
    for (entity, mut inputs) in by_entity {
        // the input: the first required mapped parameter, else the first mapped one
        inputs.sort_by_key(|(p, _)| q.param(p).is_none_or(|d| !d.required()));
        let (input_param, attribute) = inputs[0];
        let input_def = q.param(input_param);
        let list = input_def.is_some_and(|d| d.kind == ParamType::List);
        let (key_columns, key_rule) = names::key_columns(&template, input_param, list);
        let params = q
            .params
            .iter()
            .filter(|p| p.name != input_param)
            .map(|p| PivotParam {
                name: p.name.clone(),
                kind: p.kind.to_string(),
                required: p.required() && !names::TIME_PARAMS.contains(&p.name.as_str()),
                default: p.default.clone(),
                description: p.description.clone(),
            })
            .collect();
        let fallback = format!("{}_{}", q.family, q.name);
        out.push(PivotFunction {
            entity,
            container: container.to_string(),
            names: vec![fallback],
            direct: None,
            kind: FunctionKind::Query,
            runs: "query".into(),
            description: q.description.clone(),
            params,
            input_param: input_param.to_string(),
            attribute: attribute.to_string(),
            entity_params: inputs[1..].iter().map(|(p, a)| (p.to_string(), a.to_string())).collect(),
            key_columns,
            key_rule,
            list,
            query: Some(q.qualified_name()),
            template: Some(template.clone()),
            candidates: vec![q.name.clone(), v2.clone()],
            direct_candidate: direct_entities.contains(&entity).then(|| v2.clone()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
metadata:
  data_environments: [LogAnalytics]
  data_families: [Azure]
defaults:
  parameters:
    table: {description: Table, type: str, default: SigninLogs}
    start: {description: Start, type: datetime}
    end: {description: End, type: datetime}
sources:
  list_aad_signins_for_ip:
    description: Sign-ins from IPs
    metadata:
      pivot: {short_name: signins, direct_func_entities: [IpAddress]}
    args: {query: '{table} | where IPAddress in ({ip_address_list})'}
    parameters:
      ip_address_list: {description: IPs, type: list}
  list_aad_signins_for_account:
    description: Sign-ins of an account
    metadata:
      pivot: {short_name: signins, direct_func_entities: [Account]}
    args: {query: '{table} | where UserPrincipalName =~ "{account_name}"'}
    parameters:
      account_name: {description: Account, type: str}
  list_things:
    description: Two IP queries with the same short name
    metadata:
      pivot: {short_name: signins}
    args: {query: '{table} | where X == "{ip_address}" and Host has "{host_name}"'}
    parameters:
      ip_address: {description: IP, type: str}
      host_name: {description: Host, type: str, default: ""}
      port: {description: a port, type: int}
"#;

    fn registry() -> Registry {
        let mut c = Catalog::new();
        c.load_yaml(FILE, "t.yaml").unwrap();
        let mut r = Registry::new();
        assert_eq!(r.add_catalog(&c, "MSSentinel"), 4);
        r
    }

    #[test]
    fn builtins_are_msticpys() {
        let r = Registry::new();
        let ip: Vec<String> = r.functions(Some(EntityKind::IpAddress)).iter().map(|f| f.full_name()).collect();
        assert_eq!(ip, ["IpAddress.ti.lookup_ip", "IpAddress.util.geoloc", "IpAddress.util.ip_type", "IpAddress.util.whois"]);
        let whois = r.find(EntityKind::IpAddress, "whois").unwrap();
        assert_eq!((whois.key_column(), whois.list, whois.kind), (Some("query"), true, FunctionKind::Enrichment));
        assert_eq!(r.find(EntityKind::Dns, "tilookup_dns").unwrap().full_name(), "Dns.ti.lookup_dns");
        assert_eq!(r.find(EntityKind::Url, "util.dns_resolve").unwrap().attribute, "Host");
        assert_eq!(r.find(EntityKind::Host, "dns_resolve").unwrap().attribute, "fqdn");
        assert_eq!(r.find(EntityKind::File, "ti.lookup_file_hash").unwrap().attribute, "file_hash");
        assert!(r.find(EntityKind::Process, "IpAddress.b64decode").is_err());
        assert_eq!(r.find(EntityKind::Process, "Process.b64decode").unwrap().attribute, "CommandLine");
        let counts: Vec<String> = r.counts().iter().map(|(k, n)| format!("{k}:{n}")).collect();
        assert_eq!(counts.join(" "), "Host:2 IpAddress:4 Dns:3 Url:6 File:1 Process:2");
    }

    #[test]
    fn query_pivots_are_named_as_msticpy_and_clashes_go_to_neither() {
        let r = registry();
        let f = r.find(EntityKind::IpAddress, "MSSentinel.list_aad_signins_for_ip").unwrap();
        assert_eq!(f.names, ["list_aad_signins_for_ip", "Azure_list_aad_signins_for_ip"]);
        // the direct name is wanted by this function only (list_things has no direct_func_entities)
        assert_eq!(f.direct.as_deref(), Some("aad_signins"));
        assert_eq!((f.input_param.as_str(), f.attribute.as_str(), f.list), ("ip_address_list", "Address", true));
        assert_eq!(f.key_columns, ["IPAddress"]);
        assert_eq!(f.query.as_deref(), Some("Azure.list_aad_signins_for_ip"));
        // list_things also wants `aad_signins` on IpAddress: the name goes to neither
        let t = r.find(EntityKind::IpAddress, "MSSentinel.list_things").unwrap();
        assert_eq!(t.names, ["list_things", "Azure_list_things"]);
        assert!(r.find(EntityKind::IpAddress, "MSSentinel.aad_signins").is_err());
        // on Account there is no clash
        let a = r.find(EntityKind::Account, "MSSentinel.aad_signins").unwrap();
        assert_eq!(a.names, ["list_aad_signins_for_account", "aad_signins", "Azure_list_aad_signins_for_account"]);
        assert_eq!(a.direct.as_deref(), Some("aad_signins"));
        assert_eq!(r.find(EntityKind::Account, "aad_signins").unwrap().full_name(), "Account.MSSentinel.list_aad_signins_for_account");
        assert_eq!(a.key_columns, ["UserPrincipalName"]);
        // a query on two entities; the other required parameter comes from the caller
        let h = r.find(EntityKind::Host, "MSSentinel.list_things").unwrap();
        assert_eq!((h.input_param.as_str(), h.attribute.as_str(), h.list), ("host_name", "fqdn", false));
        let port = h.params.iter().find(|p| p.name == "port").unwrap();
        assert!(port.required);
        assert!(!h.params.iter().find(|p| p.name == "start").unwrap().required);
        assert_eq!(h.example(), "await Host.MSSentinel.list_things(\"WKS-FIN-07\", { ip_address: <str>, port: <int> })");
    }

    #[test]
    fn find_and_search() {
        let r = registry();
        let e = r.find(EntityKind::IpAddress, "MSSentinel.list_aad_signin_for_ip").unwrap_err().to_string();
        assert!(e.starts_with("pivot: IpAddress has no function 'MSSentinel.list_aad_signin_for_ip' (did you mean 'MSSentinel.list_aad_signins_for_ip'?). It has 6 functions in containers MSSentinel, ti, util"), "{e}");
        let names: Vec<String> = r.search("sign-ins ip").iter().map(|f| f.full_name()).collect();
        assert_eq!(names, ["IpAddress.MSSentinel.list_aad_signins_for_ip"]);
        assert_eq!(r.search("GEOLOCATION").len(), 1);
    }

    #[test]
    fn user_functions() {
        let mut r = registry();
        let spec = UserSpec { entity: "ip".into(), name: "my_lookup".into(), key_column: Some("ip".into()), ..UserSpec::default() };
        let f = r.register_user(&spec).unwrap();
        assert_eq!((f.full_name(), f.direct.as_deref(), f.attribute.as_str()), ("IpAddress.custom.my_lookup".into(), Some("my_lookup"), "Address"));
        assert!(r.register_user(&spec).unwrap_err().to_string().contains("exists already"));
        let bad = UserSpec { entity: "IpAdress".into(), name: "x".into(), ..UserSpec::default() };
        assert!(r.register_user(&bad).unwrap_err().to_string().contains("(did you mean 'IpAddress'?)"));
        let clash = UserSpec { entity: "IpAddress".into(), name: "whois".into(), container: Some("mine".into()), ..UserSpec::default() };
        assert!(r.register_user(&clash).unwrap_err().to_string().contains("is already IpAddress.util.whois"));
        let attr = UserSpec { entity: "IpAddress".into(), name: "Address".into(), ..UserSpec::default() };
        assert!(r.register_user(&attr).unwrap_err().to_string().contains("is an attribute or container"));
    }
}
