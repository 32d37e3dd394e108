//! String predicates (`has`, `contains`, `startswith`, `endswith`, `hasprefix`, `hassuffix`, `matches regex`, with
//! their `_cs` and `!` forms), `in`/`!in`/`in~` and `has_any`/`has_all`, over whole columns.
//!
//! When the right side is a constant (the common case: `Entities has "x"`) the needle is prepared once (lowercased,
//! its edges classified, its regex compiled) and run over the column in one pass.
//!
//! `has` follows Kusto: case-insensitive, whole terms. A term is a maximal run of alphanumeric characters; the
//! needle matches where it is found and, at each edge where the needle itself starts/ends with an alphanumeric
//! character, the haystack has no alphanumeric character right outside the match. So `"a.exe -enc x" has "-enc"`,
//! `"powershell.exe" has "exe"`, but not `"executable" has "exe"`. Null text is the empty string.

use std::collections::HashSet;

use polars::prelude::*;
use regex::Regex;

use super::ast::{StrOp, StrOpKind};
use super::value::{Col, Scalar, Ty, Val};
use super::KqlError;

/// A needle ready to test many haystacks.
pub struct Matcher {
    kind: StrOpKind,
    cs: bool,
    /// The needle, lowercased unless case-sensitive.
    needle: String,
    alnum_start: bool,
    alnum_end: bool,
    regex: Option<Regex>,
}

impl Matcher {
    pub fn new(kind: StrOpKind, case_sensitive: bool, needle: &str) -> Result<Matcher, KqlError> {
        let regex = if kind == StrOpKind::MatchesRegex {
            Some(compile_regex(needle)?)
        } else {
            None
        };
        let needle = if case_sensitive { needle.to_string() } else { needle.to_lowercase() };
        Ok(Matcher {
            kind,
            cs: case_sensitive,
            alnum_start: needle.chars().next().is_some_and(char::is_alphanumeric),
            alnum_end: needle.chars().next_back().is_some_and(char::is_alphanumeric),
            needle,
            regex,
        })
    }

    /// Whether `hay` matches; `buf` is scratch space reused across rows.
    pub fn test(&self, hay: &str, buf: &mut String) -> bool {
        if let Some(re) = &self.regex {
            return re.is_match(hay);
        }
        // ASCII text and needle, case-insensitive: compare bytes without lowercasing the text
        if !self.cs && self.needle.is_ascii() && hay.is_ascii() {
            return self.test_ascii_ci(hay.as_bytes());
        }
        let h: &str = if self.cs {
            hay
        } else {
            buf.clear();
            if hay.is_ascii() {
                buf.extend(hay.bytes().map(|b| b.to_ascii_lowercase() as char));
            } else {
                buf.push_str(&hay.to_lowercase());
            }
            buf.as_str()
        };
        let n = self.needle.as_str();
        match self.kind {
            StrOpKind::Contains => h.contains(n),
            StrOpKind::StartsWith => h.starts_with(n),
            StrOpKind::EndsWith => h.ends_with(n),
            StrOpKind::Has => find_term(h, n, self.alnum_start, self.alnum_end),
            StrOpKind::HasPrefix => find_term(h, n, self.alnum_start, false),
            StrOpKind::HasSuffix => find_term(h, n, false, self.alnum_end),
            StrOpKind::MatchesRegex => false,
        }
    }
}

impl Matcher {
    /// [`Matcher::test`] for ASCII text and a lowercase ASCII needle, case-insensitive.
    fn test_ascii_ci(&self, h: &[u8]) -> bool {
        let n = self.needle.as_bytes();
        match self.kind {
            StrOpKind::Contains => find_ci(h, n, 0).is_some(),
            StrOpKind::StartsWith => h.len() >= n.len() && h[..n.len()].eq_ignore_ascii_case(n),
            StrOpKind::EndsWith => h.len() >= n.len() && h[h.len() - n.len()..].eq_ignore_ascii_case(n),
            StrOpKind::Has | StrOpKind::HasPrefix | StrOpKind::HasSuffix => {
                let check_start = self.alnum_start && self.kind != StrOpKind::HasSuffix;
                let check_end = self.alnum_end && self.kind != StrOpKind::HasPrefix;
                if n.is_empty() {
                    return true;
                }
                let mut from = 0;
                while let Some(at) = find_ci(h, n, from) {
                    let end = at + n.len();
                    let ok_start = !check_start || at == 0 || !h[at - 1].is_ascii_alphanumeric();
                    let ok_end = !check_end || end == h.len() || !h[end].is_ascii_alphanumeric();
                    if ok_start && ok_end {
                        return true;
                    }
                    from = at + 1;
                }
                false
            }
            StrOpKind::MatchesRegex => false,
        }
    }
}

/// The first position at or after `from` where the lowercase ASCII `needle` occurs in `hay`, ignoring ASCII case.
pub fn find_ci(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else { return Some(from.min(hay.len())) };
    if hay.len() < needle.len() {
        return None;
    }
    let upper = first.to_ascii_uppercase();
    let last_start = hay.len() - needle.len();
    let mut i = from;
    while i <= last_start {
        let b = hay[i];
        if (b == first || b == upper) && hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether `needle` occurs in `hay` with no alphanumeric character just before it (when `check_start`) and just
/// after it (when `check_end`).
pub fn find_term(hay: &str, needle: &str, check_start: bool, check_end: bool) -> bool {
    if needle.is_empty() {
        return true;
    }
    let mut from = 0;
    while let Some(i) = hay.get(from..).and_then(|h| h.find(needle)) {
        let at = from + i;
        let end = at + needle.len();
        let ok_start = !check_start || !hay[..at].chars().next_back().is_some_and(char::is_alphanumeric);
        let ok_end = !check_end || !hay[end..].chars().next().is_some_and(char::is_alphanumeric);
        if ok_start && ok_end {
            return true;
        }
        // next char boundary after `at`
        from = at + hay[at..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Every KQL regex (`matches regex`, `extract`, `parse kind=regex` …) is compiled here, after [`re2_to_rust`].
pub fn compile_regex(re: &str) -> Result<Regex, KqlError> {
    Regex::new(&re2_to_rust(re)).map_err(|e| KqlError::msg(format!("bad regular expression '{re}': {}", e.to_string().lines().last().unwrap_or(""))))
}

/// Kusto's RE2 syntax where the Rust regex crate reads it differently: inside a character class RE2 takes `[` (other
/// than a POSIX `[:alpha:]`) and the pairs `&&`, `--`, `~~` literally, where Rust starts a nested class or a set
/// operation (`[[]` is "unclosed character class" to Rust); they are escaped. RE2's octal escapes (`\0`, and up to
/// three octal digits `\0NN`/`\1NN`; a single `\1`…`\7` is a back-reference, which RE2 rejects as Rust does)
/// become `\x{…}`: Rust reads `\0` as a back-reference. Everything else is the same syntax.
pub fn re2_to_rust(re: &str) -> std::borrow::Cow<'_, str> {
    let octal = |c: Option<&char>| c.is_some_and(|c| ('0'..='7').contains(c));
    let has_octal = re.as_bytes().windows(2).any(|w| w[0] == b'\\' && w[1].is_ascii_digit());
    if !re.contains('[') && !has_octal {
        return std::borrow::Cow::Borrowed(re);
    }
    let chars: Vec<char> = re.chars().collect();
    let mut out = String::with_capacity(re.len() + 8);
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && (chars.get(i + 1) == Some(&'0') || octal(chars.get(i + 1)) && octal(chars.get(i + 2))) {
            // RE2's octal escape: the digit after the backslash and up to two more
            let mut code = 0u32;
            let mut k = i + 1;
            while k < chars.len() && k < i + 4 && octal(chars.get(k)) {
                code = code * 8 + (chars[k] as u32 - '0' as u32);
                k += 1;
            }
            out.push_str(&format!("\\x{{{code:X}}}"));
            i = k;
            continue;
        }
        if c == '\\' {
            out.push(c);
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
            }
            i += 2;
            continue;
        }
        if !in_class {
            out.push(c);
            if c == '[' {
                in_class = true;
                // `[^` and a `]` right after the opening are part of the class
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i + 1) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
            }
            i += 1;
            continue;
        }
        match c {
            ']' => {
                in_class = false;
                out.push(c);
            }
            '[' if chars.get(i + 1) == Some(&':') => {
                // a POSIX class `[:alpha:]` stays as it is
                match (i + 2..chars.len().saturating_sub(1)).find(|&j| chars[j] == ':' && chars[j + 1] == ']').map(|j| j - i) {
                    Some(end) => {
                        out.extend(&chars[i..i + end + 2]);
                        i += end + 2;
                        continue;
                    }
                    _ => out.push_str("\\["),
                }
            }
            '[' => out.push_str("\\["),
            '&' | '~' if chars.get(i + 1) == Some(&c) => {
                out.push('\\');
                out.push(c);
            }
            '-' if chars.get(i + 1) == Some(&'-') => out.push_str("-\\"),
            _ => out.push(c),
        }
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// The text of a value for string operators (null → empty).
fn text_col(v: Val, n: usize) -> StringChunked {
    match v {
        Val::C(c) => c.to_str(),
        Val::S(s) => StringChunked::full(PlSmallStr::EMPTY, &s.to_text(), n),
    }
}

/// `hay <op> needle` for one string operator.
pub fn str_op(op: StrOp, hay: Val, needle: Val, n: usize) -> Result<Val, KqlError> {
    let negated = op.negated;
    if let (Val::S(h), Val::S(nd)) = (&hay, &needle) {
        let m = Matcher::new(op.kind, op.case_sensitive, &nd.to_text())?;
        let r = m.test(&h.to_text(), &mut String::new());
        return Ok(Val::S(Scalar::Bool(r != negated)));
    }
    let hays = text_col(hay, n);
    let mut buf = String::new();
    let out: BooleanChunked = match needle {
        Val::S(nd) => {
            let m = Matcher::new(op.kind, op.case_sensitive, &nd.to_text())?;
            BooleanChunked::from_iter_values(PlSmallStr::EMPTY, hays.into_iter().map(|h| m.test(h.unwrap_or(""), &mut buf) != negated))
        }
        Val::C(c) => {
            let needles = c.to_str();
            let mut last: Option<(String, Matcher)> = None;
            let mut out = Vec::with_capacity(n);
            for (h, nd) in hays.into_iter().zip(&needles) {
                let nd = nd.unwrap_or("");
                if last.as_ref().is_none_or(|(t, _)| t != nd) {
                    last = Some((nd.to_string(), Matcher::new(op.kind, op.case_sensitive, nd)?));
                }
                let m = &last.as_ref().expect("just set").1;
                out.push(Some(m.test(h.unwrap_or(""), &mut buf) != negated));
            }
            out.into_iter().collect()
        }
    };
    Ok(Val::C(Col::Bool(out)))
}

/// `expr in (…)`, `!in`, `in~`, `!in~`.
pub fn in_list(v: Val, items: &[Scalar], negated: bool, ci: bool, n: usize) -> Result<Val, KqlError> {
    let scalar = matches!(v, Val::S(_));
    let col = v.into_col(if scalar { 1 } else { n });
    let items: Vec<&Scalar> = items.iter().filter(|s| !s.is_null()).collect();
    let out: BooleanChunked = match col.ty() {
        Ty::Long | Ty::Real if !ci && items.iter().all(|s| matches!(s, Scalar::Long(_) | Scalar::Real(_))) => {
            let set: Vec<f64> = items.iter().filter_map(|s| match s {
                Scalar::Long(x) => Some(*x as f64),
                Scalar::Real(x) => Some(*x),
                _ => None,
            }).collect();
            col.to_f64().into_iter().map(|x| Some(x.is_some_and(|x| set.contains(&x)) != negated)).collect()
        }
        Ty::DateTime | Ty::Timespan if !ci => {
            let is_dt = col.ty() == Ty::DateTime;
            let set: HashSet<i64> = items
                .iter()
                .filter_map(|s| match s {
                    Scalar::DateTime(x) | Scalar::Timespan(x) => Some(*x),
                    Scalar::Str(t) if is_dt => crate::time::parse_datetime_ns(t),
                    Scalar::Str(t) => crate::time::parse_timespan_ns(t),
                    _ => None,
                })
                .collect();
            col.to_i64_raw().into_iter().map(|x| Some(x.is_some_and(|x| set.contains(&x)) != negated)).collect()
        }
        Ty::Str if items.len() <= 16 && (!ci || items.iter().all(|s| s.to_text().is_ascii())) => {
            // a short list: compare with each item (no hashing)
            let texts: Vec<String> = items.iter().map(|s| s.to_text()).collect();
            let Col::Str(ca) = &col else { return Err(KqlError::msg("in(): expected text")) };
            ca.into_iter()
                .map(|x| {
                    let Some(x) = x else { return Some(negated) };
                    let hit = if ci {
                        texts.iter().any(|t| t.len() == x.len() && t.as_bytes().eq_ignore_ascii_case(x.as_bytes()))
                    } else {
                        texts.iter().any(|t| t == x)
                    };
                    Some(hit != negated)
                })
                .collect()
        }
        _ => {
            let norm = |s: &str| if ci { s.to_lowercase() } else { s.to_string() };
            let set: HashSet<String> = items.iter().map(|s| norm(&s.to_text())).collect();
            let texts = col.to_str();
            if ci {
                texts.into_iter().map(|x| Some(x.is_some_and(|x| set.contains(&norm(x))) != negated)).collect()
            } else {
                texts.into_iter().map(|x| Some(x.is_some_and(|x| set.contains(x)) != negated)).collect()
            }
        }
    };
    let c = Col::Bool(out);
    Ok(if scalar { Val::S(c.get(0)) } else { Val::C(c) })
}

/// `expr has_any (…)` / `has_all`.
pub fn has_any(v: Val, items: &[Scalar], all: bool, n: usize) -> Result<Val, KqlError> {
    let scalar = matches!(v, Val::S(_));
    let texts = text_col(v, if scalar { 1 } else { n });
    let matchers: Vec<Matcher> = items
        .iter()
        .filter(|s| !s.is_null())
        .map(|s| Matcher::new(StrOpKind::Has, false, &s.to_text()))
        .collect::<Result<_, _>>()?;
    let mut buf = String::new();
    let out: BooleanChunked = texts
        .into_iter()
        .map(|h| {
            let h = h.unwrap_or("");
            Some(if all {
                matchers.iter().all(|m| m.test(h, &mut buf))
            } else {
                matchers.iter().any(|m| m.test(h, &mut buf))
            })
        })
        .collect();
    let c = Col::Bool(out);
    Ok(if scalar { Val::S(c.get(0)) } else { Val::C(c) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn re2_classes_translate() {
        assert_eq!(re2_to_rust("^(?:[[])+"), r"^(?:[\[])+");
        assert_eq!(re2_to_rust(r"[a[b]"), r"[a\[b]");
        assert_eq!(re2_to_rust(r"[[:alpha:][]x"), r"[[:alpha:]\[]x");
        assert_eq!(re2_to_rust(r"[]a]"), r"[\]a]");
        assert_eq!(re2_to_rust(r"[^]a]"), r"[^\]a]");
        assert_eq!(re2_to_rust(r"[a&&b~~c]"), r"[a\&&b\~~c]");
        assert_eq!(re2_to_rust(r"\[[\]]"), r"\[[\]]");
        assert_eq!(re2_to_rust("no class"), "no class");
        // RE2 meanings: `[` is one of the class's characters; `&&` is not an intersection
        let re = compile_regex("^[[]+$").unwrap();
        assert!(re.is_match("[[") && !re.is_match("]"));
        let re = compile_regex("^[a&&b]+$").unwrap();
        assert!(re.is_match("a&b") && !re.is_match("c"));
        // RE2's octal escapes: `\0` is NUL (the Sentinel query strips it from decoded UTF-16), `\101` is 'A'
        assert_eq!(re2_to_rust(r"\0"), r"\x{0}");
        assert_eq!(re2_to_rust(r"a\101\0b[\060-\071]"), r"a\x{41}\x{0}b[\x{30}-\x{39}]");
        assert_eq!(re2_to_rust(r"\\0"), r"\\0");
        assert_eq!(re2_to_rust(r"\0777"), r"\x{3F}7");
        assert!(compile_regex("^a\\0b$").unwrap().is_match("a\0b"));
        // a back-reference is not RE2 either
        assert!(compile_regex(r"(a)\1").unwrap_err().msg.contains("backreferences are not supported"));
        // unterminated input stays an error, not a panic
        assert!(compile_regex("[[").is_err());
        assert!(compile_regex("[\\").is_err());
    }

    fn has(h: &str, n: &str) -> bool {
        Matcher::new(StrOpKind::Has, false, n).unwrap().test(h, &mut String::new())
    }

    #[test]
    fn has_is_whole_term_and_case_insensitive() {
        assert!(has("Hello World", "world"));
        assert!(has("powershell.exe -enc AAA", "-enc"));
        assert!(has("C:\\Windows\\powershell.exe", "powershell.exe"));
        assert!(has("C:\\Windows\\powershell.exe", "exe"));
        assert!(!has("executable", "exe"));
        assert!(!has("notepad", "note"));
        assert!(has("a.exe", ".exe"));
        assert!(has("user@contoso.com", "contoso.com"));
        assert!(!has("", "x"));
        assert!(has("ÄBC def", "äbc"));
        // a later occurrence can match after an earlier one does not
        assert!(has("xab ab", "ab"));
    }

    #[test]
    fn other_ops() {
        let t = |k, cs, h: &str, n: &str| Matcher::new(k, cs, n).unwrap().test(h, &mut String::new());
        assert!(t(StrOpKind::Contains, false, "PowerShell", "shell"));
        assert!(!t(StrOpKind::Contains, true, "PowerShell", "shell"));
        assert!(t(StrOpKind::StartsWith, false, "PowerShell", "power"));
        assert!(t(StrOpKind::EndsWith, false, "PowerShell", "SHELL"));
        assert!(t(StrOpKind::HasPrefix, false, "the PowerShell", "power"));
        assert!(!t(StrOpKind::HasPrefix, false, "thePowerShell", "power"));
        assert!(t(StrOpKind::HasSuffix, false, "PowerShell x", "shell"));
        assert!(t(StrOpKind::MatchesRegex, true, "abc123", r"\d+$"));
        assert!(Matcher::new(StrOpKind::MatchesRegex, true, "(").is_err());
    }

    #[test]
    fn membership() {
        let v = Val::C(Col::Str([Some("a"), Some("B"), None].into_iter().collect()));
        let items = vec![Scalar::Str("a".into()), Scalar::Str("b".into())];
        let Val::C(Col::Bool(r)) = in_list(v.clone(), &items, false, false, 3).unwrap() else { panic!() };
        assert_eq!(r.into_iter().collect::<Vec<_>>(), vec![Some(true), Some(false), Some(false)]);
        let Val::C(Col::Bool(r)) = in_list(v, &items, true, true, 3).unwrap() else { panic!() };
        assert_eq!(r.into_iter().collect::<Vec<_>>(), vec![Some(false), Some(false), Some(true)]);
        let nums = Val::C(Col::Long([Some(4624), Some(4625)].into_iter().collect()));
        let Val::C(Col::Bool(r)) = in_list(nums, &[Scalar::Long(4625)], false, false, 2).unwrap() else { panic!() };
        assert_eq!(r.into_iter().collect::<Vec<_>>(), vec![Some(false), Some(true)]);
    }
}
