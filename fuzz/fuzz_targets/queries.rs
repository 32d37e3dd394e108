//! Query files and parameter rendering: the input (up to a NUL byte) is a query YAML file loaded into a catalog;
//! each query's help and expanded template are made, and it is rendered with no arguments, with every parameter
//! given a hostile text (quotes, backslashes, braces, line breaks), and with the arguments after the NUL byte (a
//! JSON object) when they parse. The YAML text is also parsed as a template on its own.
#![no_main]

use huntbook::query::catalog::Catalog;
use huntbook::query::params::{parse_template, render, RenderContext};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

/// 2024-01-03T00:00:00Z.
const NOW_NS: i64 = 1_704_240_000_000_000_000;
const HOSTILE: &str = "a'b\"c\\d{e}}\n| take 1 // @'x'";

fuzz_target!(|data: &[u8]| {
    let (yaml, args) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let yaml = String::from_utf8_lossy(yaml);
    let _ = parse_template(&yaml);
    let mut catalog = Catalog::new();
    if catalog.load_yaml(&yaml, "fuzz.yaml").is_err() {
        return;
    }
    let given: Option<Map<String, Value>> = args
        .and_then(|a| serde_json::from_slice::<Value>(a).ok())
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        });
    let ctx = RenderContext::new(NOW_NS);
    let _ = catalog.families();
    let _ = catalog.list("");
    for def in catalog.queries().iter().take(16) {
        let _ = catalog.help(&def.qualified_name());
        let _ = def.expanded_template();
        let _ = render(def, &Map::new(), &ctx);
        let hostile: Map<String, Value> = def
            .params
            .iter()
            .map(|p| (p.name.clone(), Value::from(HOSTILE)))
            .chain([("add_query_items".to_string(), Value::from("| where x == '}'"))])
            .collect();
        let _ = render(def, &hostile, &ctx);
        if let Some(given) = &given {
            let _ = render(def, given, &ctx);
        }
    }
});
