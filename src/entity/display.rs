//! How an entity looks: [`Entity::to_text`] (msticpy's `str(entity)`) and [`Entity::to_html`] (its
//! `_repr_html_`): the type, then the non-empty properties, nested entities indented. Every string in the HTML goes
//! through [`crate::frame::html::escape_html`]: entity values come from alerts and logs, i.e. from attackers.

use serde_json::Value;

use super::model::{entity_of_value, Entity};
use crate::frame::html::escape_html;

/// How many items of a list are shown (the rest are counted).
const MAX_LIST_ITEMS: usize = 100;

impl Entity {
    /// The entity as indented text:
    ///
    /// ```text
    /// Process
    ///   ProcessId: 0x6b8
    ///   CommandLine: .\mimikatz.exe
    ///   ImageFile: File
    ///     Directory: c:\windows\servic~2\networ~1\appdata\local\temp
    ///     Name: mimikatz.exe
    /// ```
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(self.type_name());
        out.push('\n');
        self.text_props(&mut out, 1);
        if out.ends_with('\n') {
            out.pop();
        }
        out
    }

    fn text_props(&self, out: &mut String, level: usize) {
        let pad = "  ".repeat(level);
        for (k, v) in self.ordered_props() {
            match shown(v) {
                Shown::Entity(e) => {
                    out.push_str(&format!("{pad}{k}: {}\n", e.type_name()));
                    e.text_props(out, level + 1);
                }
                Shown::List(items, more) => {
                    out.push_str(&format!("{pad}{k}:\n"));
                    for item in items {
                        match item {
                            Shown::Entity(e) => {
                                out.push_str(&format!("{pad}  - {}\n", e.type_name()));
                                e.text_props(out, level + 2);
                            }
                            other => out.push_str(&format!("{pad}  - {}\n", other.text())),
                        }
                    }
                    if more > 0 {
                        out.push_str(&format!("{pad}  … {more} more\n"));
                    }
                }
                Shown::Empty => {}
                other => out.push_str(&format!("{pad}{k}: {}\n", other.text())),
            }
        }
    }

    /// The entity as an HTML fragment: `<div class="huntbook-entity"><h3>Type</h3><table>` of its properties, nested
    /// entities as tables inside the cell. Every name and value is escaped.
    pub fn to_html(&self) -> String {
        let mut out = String::from("<div class=\"huntbook-entity\">");
        out.push_str(&format!("<h3>{}</h3>", escape_html(self.type_name())));
        self.html_props(&mut out);
        out.push_str("</div>");
        out
    }

    fn html_props(&self, out: &mut String) {
        out.push_str("<table class=\"huntbook-entity-props\">");
        for (k, v) in self.ordered_props() {
            let s = shown(v);
            if matches!(s, Shown::Empty) {
                continue;
            }
            out.push_str(&format!("<tr><th>{}</th><td>", escape_html(k)));
            html_value(&s, out);
            out.push_str("</td></tr>");
        }
        out.push_str("</table>");
    }

    /// Properties in the kind's attribute order, then the others in the order they were set.
    fn ordered_props(&self) -> Vec<(&String, &Value)> {
        let attrs = self.kind.attributes();
        let mut props: Vec<(&String, &Value)> = self.properties().iter().collect();
        props.sort_by_key(|(k, _)| attrs.iter().position(|a| a == k).unwrap_or(attrs.len()));
        props
    }
}

fn html_value(s: &Shown, out: &mut String) {
    match s {
        Shown::Entity(e) => {
            out.push_str(&format!("<div class=\"huntbook-entity huntbook-entity-nested\"><b>{}</b>", escape_html(e.type_name())));
            e.html_props(out);
            out.push_str("</div>");
        }
        Shown::List(items, more) => {
            out.push_str("<ul>");
            for item in items {
                out.push_str("<li>");
                html_value(item, out);
                out.push_str("</li>");
            }
            if *more > 0 {
                out.push_str(&format!("<li>… {more} more</li>"));
            }
            out.push_str("</ul>");
        }
        other => out.push_str(&escape_html(&other.text())),
    }
}

/// A property value as shown.
enum Shown {
    Empty,
    Text(String),
    Entity(Entity),
    List(Vec<Shown>, usize),
}

impl Shown {
    fn text(&self) -> String {
        match self {
            Shown::Text(t) => t.clone(),
            Shown::Entity(e) => e.key().unwrap_or_else(|| e.type_name().to_string()),
            Shown::List(items, _) => items.iter().map(Shown::text).collect::<Vec<_>>().join(", "),
            Shown::Empty => String::new(),
        }
    }
}

fn shown(v: &Value) -> Shown {
    match v {
        Value::Null => Shown::Empty,
        Value::String(s) if s.is_empty() => Shown::Empty,
        Value::String(s) => Shown::Text(s.clone()),
        Value::Bool(b) => Shown::Text(b.to_string()),
        Value::Number(n) => Shown::Text(n.to_string()),
        Value::Array(items) if items.is_empty() => Shown::Empty,
        Value::Array(items) => {
            let list: Vec<Shown> = items.iter().take(MAX_LIST_ITEMS).map(shown).filter(|s| !matches!(s, Shown::Empty)).collect();
            Shown::List(list, items.len().saturating_sub(MAX_LIST_ITEMS))
        }
        Value::Object(m) if m.is_empty() => Shown::Empty,
        Value::Object(m) if m.keys().any(|k| k == "Type") => match entity_of_value(v, None, 0) {
            Ok(e) => Shown::Entity(e),
            Err(_) => Shown::Text(v.to_string()),
        },
        Value::Object(_) => Shown::Text(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::EntityKind;
    use serde_json::json;

    #[test]
    fn text_and_html_show_type_properties_and_nesting() {
        let p = Entity::from_json(&json!({
            "Type": "process", "ProcessId": "0x6b8", "CommandLine": ".\\mimikatz.exe", "Empty": "",
            "ImageFile": {"Type": "file", "Directory": "c:\\temp", "Name": "mimikatz.exe"},
            "Host": {"Type": "host", "HostName": "MSTICALERTSWIN1"}
        }))
        .unwrap();
        assert_eq!(
            p.to_text(),
            "Process\n  ProcessId: 0x6b8\n  CommandLine: .\\mimikatz.exe\n  ImageFile: File\n    Directory: c:\\temp\n    Name: mimikatz.exe\n  Host: Host\n    HostName: MSTICALERTSWIN1"
        );
        let h = p.to_html();
        assert!(h.starts_with("<div class=\"huntbook-entity\"><h3>Process</h3><table class=\"huntbook-entity-props\"><tr><th>ProcessId</th><td>0x6b8</td></tr>"), "{h}");
        assert!(h.contains("<th>ImageFile</th><td><div class=\"huntbook-entity huntbook-entity-nested\"><b>File</b><table"), "{h}");
        assert!(!h.contains("Empty"));
    }

    #[test]
    fn html_is_escaped() {
        let e = Entity::from_object(
            EntityKind::Account,
            json!({"Name": "<img src=x onerror=alert(1)>", "<b>k</b>": "\"q\" & 'a'"}).as_object().unwrap(),
        )
        .unwrap();
        let h = e.to_html();
        assert!(!h.contains("<img") && !h.contains("<b>k"), "{h}");
        assert!(h.contains("&lt;img src=x onerror=alert(1)&gt;"), "{h}");
        assert!(h.contains("&quot;q&quot; &amp; &#39;a&#39;"), "{h}");
        let u = Entity::unknown("<script>");
        assert_eq!(u.to_html(), "<div class=\"huntbook-entity\"><h3>&lt;script&gt;</h3><table class=\"huntbook-entity-props\"></table></div>");
    }

    #[test]
    fn lists_show_items_and_a_count_of_the_rest() {
        let ids: Vec<String> = (0..105).map(|i| format!("id{i}")).collect();
        let e = Entity::from_object(EntityKind::Alert, json!({"DisplayName": "x", "SystemAlertIds": ids}).as_object().unwrap()).unwrap();
        let t = e.to_text();
        assert!(t.contains("SystemAlertIds:\n    - id0\n    - id1\n"), "{t}");
        assert!(t.ends_with("    - id99\n    … 5 more"), "{t}");
    }
}
