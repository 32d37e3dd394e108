//! `parse_xml()`: XML text → a dynamic value, with the conventions Kusto uses (those of Json.NET): an element is a
//! property named after it; attributes are `@name` properties; text is the value itself when the element has
//! nothing else, else a `#text` property; repeated child elements become an array; an empty element is null.
//! Declarations (`<?xml …?>`), comments and doctype are skipped. Text that is not well-formed XML gives null.

use serde_json::{Map, Value as Json};

/// Deepest element nesting read (deeper documents are not well-formed for us).
const MAX_DEPTH: usize = 128;

pub fn parse_xml(text: &str) -> Option<Json> {
    let mut p = XmlParser { s: text.as_bytes(), src: text, pos: 0 };
    p.skip_misc();
    let (name, value) = p.element(0)?;
    p.skip_misc();
    if p.pos != p.s.len() {
        return None;
    }
    let mut m = Map::new();
    m.insert(name, value);
    Some(Json::Object(m))
}

struct XmlParser<'a> {
    s: &'a [u8],
    src: &'a str,
    pos: usize,
}

fn decode_entities(t: &str) -> Option<String> {
    if !t.contains('&') {
        return Some(t.to_string());
    }
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';')?;
        let ent = &after[..end];
        let ch = match ent {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            e if e.starts_with("#x") || e.starts_with("#X") => char::from_u32(u32::from_str_radix(&e[2..], 16).ok()?)?,
            e if e.starts_with('#') => char::from_u32(e[1..].parse().ok()?)?,
            _ => return None,
        };
        out.push(ch);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

impl XmlParser<'_> {
    fn starts(&self, p: &str) -> bool {
        self.s[self.pos..].starts_with(p.as_bytes())
    }

    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    /// Skips whitespace, comments, processing instructions and doctype.
    fn skip_misc(&mut self) {
        loop {
            self.skip_ws();
            let close = if self.starts("<?") {
                "?>"
            } else if self.starts("<!--") {
                "-->"
            } else if self.starts("<!DOCTYPE") || self.starts("<!doctype") {
                ">"
            } else {
                return;
            };
            match self.src[self.pos..].find(close) {
                Some(i) => self.pos += i + close.len(),
                None => {
                    self.pos = self.s.len();
                    return;
                }
            }
        }
    }

    fn name(&mut self) -> Option<String> {
        let start = self.pos;
        while self.pos < self.s.len() {
            let c = self.s[self.pos];
            if c.is_ascii_whitespace() || matches!(c, b'/' | b'>' | b'=' | b'<') {
                break;
            }
            self.pos += 1;
        }
        (self.pos > start).then(|| self.src.get(start..self.pos).map(str::to_string)).flatten()
    }

    /// An element at the cursor (`<`): its name and value.
    fn element(&mut self, depth: usize) -> Option<(String, Json)> {
        if depth > MAX_DEPTH || !self.starts("<") {
            return None;
        }
        self.pos += 1;
        let name = self.name()?;
        let mut props = Map::new();
        // attributes
        loop {
            self.skip_ws();
            if self.starts("/>") {
                self.pos += 2;
                return Some((name, if props.is_empty() { Json::Null } else { Json::Object(props) }));
            }
            if self.starts(">") {
                self.pos += 1;
                break;
            }
            let attr = self.name()?;
            self.skip_ws();
            if !self.starts("=") {
                return None;
            }
            self.pos += 1;
            self.skip_ws();
            let q = *self.s.get(self.pos)?;
            if q != b'"' && q != b'\'' {
                return None;
            }
            self.pos += 1;
            let end = self.src[self.pos..].find(q as char)? + self.pos;
            let v = decode_entities(&self.src[self.pos..end])?;
            self.pos = end + 1;
            props.insert(format!("@{attr}"), Json::String(v));
        }
        // content
        let mut text = String::new();
        let mut children: Vec<(String, Json)> = Vec::new();
        loop {
            if self.pos >= self.s.len() {
                return None;
            }
            if self.starts("</") {
                self.pos += 2;
                let close = self.name()?;
                self.skip_ws();
                if close != name || !self.starts(">") {
                    return None;
                }
                self.pos += 1;
                break;
            }
            if self.starts("<![CDATA[") {
                let start = self.pos + 9;
                let end = self.src[start..].find("]]>")? + start;
                text.push_str(&self.src[start..end]);
                self.pos = end + 3;
                continue;
            }
            if self.starts("<!--") || self.starts("<?") {
                let close = if self.starts("<!--") { "-->" } else { "?>" };
                let i = self.src[self.pos..].find(close)?;
                self.pos += i + close.len();
                continue;
            }
            if self.starts("<") {
                children.push(self.element(depth + 1)?);
                continue;
            }
            let end = self.src[self.pos..].find('<').map_or(self.s.len(), |i| self.pos + i);
            text.push_str(&decode_entities(&self.src[self.pos..end])?);
            self.pos = end;
        }
        let text = if children.is_empty() { text } else { text.trim().to_string() };
        for (k, v) in children {
            match props.get_mut(&k) {
                Some(Json::Array(items)) => items.push(v),
                Some(existing) => {
                    let prev = existing.take();
                    *existing = Json::Array(vec![prev, v]);
                }
                None => {
                    props.insert(k, v);
                }
            }
        }
        let value = if props.is_empty() {
            if text.is_empty() { Json::Null } else { Json::String(text) }
        } else {
            if !text.is_empty() {
                props.insert("#text".into(), Json::String(text));
            }
            Json::Object(props)
        };
        Some((name, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn xml_to_dynamic() {
        let x = r#"<?xml version="1.0"?><EventData xmlns="http://x"><Data Name="A">1 &amp; 2</Data><Data Name="B"/><Data Name="C">c</Data><Empty/></EventData>"#;
        assert_eq!(
            parse_xml(x).unwrap(),
            json!({"EventData": {"@xmlns": "http://x", "Data": [{"@Name": "A", "#text": "1 & 2"}, {"@Name": "B"}, {"@Name": "C", "#text": "c"}], "Empty": null}})
        );
        assert_eq!(parse_xml("<a>t</a>").unwrap(), json!({"a": "t"}));
        for bad in ["", "<a>", "<a></b>", "text", "<a x=1/>", "<a>&bogus;</a>", "<a/><b/>"] {
            assert_eq!(parse_xml(bad), None, "{bad}");
        }
        let deep = format!("{}{}", "<a>".repeat(1000), "</a>".repeat(1000));
        assert_eq!(parse_xml(&deep), None);
    }
}
