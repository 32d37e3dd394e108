//! One way to read the options a notebook user passes: every API (analysis, visualisation, queries, and the ones to
//! come) reads its options object here.
//!
//! An options object arrives from JS as JSON (`serde_json::Value`; `undefined`/`null` mean "no options").
//!
//! - Names may be msticpy's snake_case or camelCase (`max_depth` / `maxDepth`); both become snake_case.
//! - A name the function does not know is an error that names the function, the option, the closest known name
//!   and all known names: `unpack: unknown option 'max_dpth' (did you mean 'max_depth'?). Options are: …`.
//! - Values are checked by the types of the options struct (serde; `#[serde(alias = …)]` for msticpy's other
//!   spellings, enums for closed sets of words): a wrong value is an error that names the function and the option.
//! - An option set to `null` (or `undefined` in JS) is treated as not given, so its default applies.
//!
//! Structs read with [`read`] derive `Deserialize` with `#[serde(default)]`; their field names (and aliases) are
//! the known names. APIs whose names are not a struct (a catalog query's parameters) call [`normalize`] with the
//! list of names they know.

use serde::de::{self, DeserializeOwned, Visitor};
use serde_json::{Map, Value};

use crate::error::{closest, Error, Result};

/// `maxDepth` → `max_depth`; `url_safe` stays; `URLSafe` → `urlsafe` (runs of capitals are one word).
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.extend(c.to_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// The options object with snake_case names, `null`s dropped, every name checked against `known` (snake_case
/// names). `func` names the function in errors.
pub fn normalize(func: &str, value: &Value, known: &[&str]) -> Result<Map<String, Value>> {
    let map = match value {
        Value::Null => return Ok(Map::new()),
        Value::Object(m) => m,
        other => {
            return Err(Error::invalid(format!(
                "{func}: options must be an object like {{name: value}}, got {}",
                describe(other)
            )))
        }
    };
    let mut out = Map::with_capacity(map.len());
    for (given, v) in map {
        if v.is_null() {
            continue;
        }
        let name = if known.contains(&given.as_str()) { given.clone() } else { snake_case(given) };
        if !known.contains(&name.as_str()) {
            return Err(unknown(func, given, known));
        }
        if out.insert(name.clone(), v.clone()).is_some() {
            return Err(Error::invalid(format!("{func}: option '{name}' is given twice (as snake_case and camelCase)")));
        }
    }
    Ok(out)
}

/// The error for an option `given` that is not among `known`.
pub fn unknown(func: &str, given: &str, known: &[&str]) -> Error {
    let candidates: Vec<String> = known.iter().map(|s| s.to_string()).collect();
    let hint = closest(&snake_case(given), &candidates).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
    Error::invalid(format!("{func}: unknown option '{given}'{hint}. Options are: {}", known.join(", ")))
}

/// Reads `value` as the options struct `T` (see the module doc). `func` names the function in errors.
pub fn read<T: DeserializeOwned>(func: &str, value: &Value) -> Result<T> {
    let known = fields::<T>();
    let map = normalize(func, value, known)?;
    let mut track = serde_path_to_error::Track::new();
    let de = serde_path_to_error::Deserializer::new(Value::Object(map), &mut track);
    T::deserialize(de).map_err(|e| {
        let path = track.path().to_string();
        let detail = e.to_string();
        if path.is_empty() || path == "." {
            Error::invalid(format!("{func}: {detail}"))
        } else {
            Error::invalid(format!("{func}: option '{path}': {detail}"))
        }
    })
}

/// A short description of a JSON value for errors (large values are not echoed whole).
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() > 40 => format!("text \"{}…\"", s.chars().take(40).collect::<String>()),
        Value::String(s) => format!("text \"{s}\""),
        Value::Array(_) => "a list".into(),
        other => other.to_string(),
    }
}

/// The field names (with aliases) that `T`'s derived `Deserialize` accepts: serde hands them to
/// `deserialize_struct`, so a deserializer that only records them finds them without a value.
pub fn fields<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Fields(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> de::Deserializer<'de> for &mut Fields {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> std::result::Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> std::result::Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut f = Fields(None);
    let _ = T::deserialize(&mut f);
    f.0.unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Opts {
        max_depth: usize,
        #[serde(alias = "types")]
        ioc_types: Vec<String>,
        url_safe: bool,
        legend: Legend,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Legend {
        #[default]
        Left,
        Right,
    }

    #[test]
    fn snake_and_camel_case_are_one_name() {
        assert_eq!(snake_case("maxDepth"), "max_depth");
        assert_eq!(snake_case("max_depth"), "max_depth");
        assert_eq!(snake_case("utf16Detect"), "utf16_detect");
        assert_eq!(snake_case("URLSafe"), "urlsafe");
        let o: Opts = read("f", &json!({"maxDepth": 3, "url_safe": true, "types": ["ipv4"], "legend": "right"})).unwrap();
        assert_eq!(o, Opts { max_depth: 3, ioc_types: vec!["ipv4".into()], url_safe: true, legend: Legend::Right });
    }

    #[test]
    fn no_options_and_nulls_give_defaults() {
        assert_eq!(read::<Opts>("f", &Value::Null).unwrap(), Opts::default());
        assert_eq!(read::<Opts>("f", &json!({"maxDepth": null})).unwrap(), Opts::default());
    }

    #[test]
    fn unknown_names_suggest_the_closest_and_list_all() {
        let e = read::<Opts>("unpack", &json!({"maxDepht": 3})).unwrap_err().to_string();
        assert_eq!(
            e,
            "unpack: unknown option 'maxDepht' (did you mean 'max_depth'?). Options are: max_depth, ioc_types, types, \
             url_safe, legend"
        );
        let e = read::<Opts>("unpack", &json!({"banana": 1})).unwrap_err().to_string();
        assert!(e.starts_with("unpack: unknown option 'banana'. Options are: "), "{e}");
    }

    #[test]
    fn wrong_values_name_the_option() {
        let e = read::<Opts>("unpack", &json!({"max_depth": "deep"})).unwrap_err().to_string();
        assert!(e.starts_with("unpack: option 'max_depth': invalid type: string \"deep\""), "{e}");
        let e = read::<Opts>("timeline", &json!({"legend": "top"})).unwrap_err().to_string();
        assert!(e.starts_with("timeline: option 'legend': unknown variant `top`, expected `left` or `right`"), "{e}");
        let e = read::<Opts>("timeline", &json!([1, 2])).unwrap_err().to_string();
        assert_eq!(e, "timeline: options must be an object like {name: value}, got a list");
        let e = read::<Opts>("f", &json!({"max_depth": 1, "maxDepth": 2})).unwrap_err().to_string();
        assert_eq!(e, "f: option 'max_depth' is given twice (as snake_case and camelCase)");
    }

    #[test]
    fn dynamic_names_use_the_same_rules() {
        let m = normalize("Azure.list_aad_signins_for_ip", &json!({"ipAddressList": "1.2.3.4"}), &["ip_address_list", "start"]).unwrap();
        assert_eq!(m.get("ip_address_list"), Some(&json!("1.2.3.4")));
        let e = normalize("Azure.list_aad_signins_for_ip", &json!({"ip_adress_list": 1}), &["ip_address_list", "start"])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Azure.list_aad_signins_for_ip: unknown option 'ip_adress_list' (did you mean 'ip_address_list'?)"), "{e}");
    }
}
