//! Refanging: `hxxp://evil[.]com` → `http://evil.com`, with a map back to the text as written.
//!
//! Every matcher runs on the refanged text; a match's span is mapped back so the result carries both what was
//! written and the refanged value. Text without any defanging marker (almost every command line) is used as it is:
//! no copy, no map.

/// Replacements inside brackets, matched case-insensitively; the opening and closing brackets must pair.
const BRACKETED: &[(&str, &str)] = &[
    (".", "."),
    ("dot", "."),
    ("at", "@"),
    ("@", "@"),
    (":", ":"),
    ("://", "://"),
];

/// The refanged text and, when it differs from the original, where each of its bytes came from.
pub(crate) struct Refanged<'a> {
    pub text: std::borrow::Cow<'a, str>,
    /// For each byte of `text`: the original byte range that produced it. Empty when `text` is the original.
    spans: Vec<(usize, usize)>,
}

impl<'a> Refanged<'a> {
    /// `text` as it is (defanged forms not searched).
    pub fn plain(text: &'a str) -> Refanged<'a> {
        Refanged { text: std::borrow::Cow::Borrowed(text), spans: Vec::new() }
    }

    /// The original text's span for `text[start..end]`.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.spans.is_empty() || end <= start {
            return (start, end);
        }
        let s = self.spans.get(start).map_or(start, |p| p.0);
        let e = self.spans.get(end - 1).map_or(end, |p| p.1);
        (s, e.max(s))
    }
}

/// Whether `t` might hold a defanging marker (a bracket, or an `xxp`/`fxp`-like protocol).
fn maybe_defanged(t: &[u8]) -> bool {
    t.iter().enumerate().any(|(i, b)| match b {
        b'[' | b'(' | b'{' => true,
        b'x' | b'X' => t.get(i + 1).is_some_and(|c| matches!(c, b'p' | b'P')),
        _ => false,
    })
}

fn bracket_close(open: u8) -> u8 {
    match open {
        b'[' => b']',
        b'(' => b')',
        _ => b'}',
    }
}

/// The length of a defanged protocol at `i` (`hxxp`, `hxxps`, `fxp`, `sfxps` …, followed by `://` or `[:]`) and
/// its refanged form.
fn protocol_at(t: &[u8], i: usize) -> Option<(usize, &'static str)> {
    let rest = t.get(i..)?;
    let lower = |k: usize| rest.get(k).map(|c| c.to_ascii_lowercase());
    // Word start only.
    if i > 0 && t.get(i - 1).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let (len, out) = if lower(0) == Some(b'h') && lower(1) == Some(b'x') && lower(2) == Some(b'x') && lower(3) == Some(b'p') {
        if lower(4) == Some(b's') {
            (5, "https")
        } else {
            (4, "http")
        }
    } else if lower(0) == Some(b'f') && lower(1) == Some(b'x') && lower(2) == Some(b'p') {
        if lower(3) == Some(b's') {
            (4, "ftps")
        } else {
            (3, "ftp")
        }
    } else if lower(0) == Some(b's') && lower(1) == Some(b'f') && lower(2) == Some(b'x') && lower(3) == Some(b'p') {
        (4, "sftp")
    } else {
        return None;
    };
    let after = rest.get(len..)?;
    (after.starts_with(b"://") || after.starts_with(b"[:]") || after.starts_with(b"[://]")).then_some((len, out))
}

/// Refangs `text` (see the module docs for the markers).
pub(crate) fn refang(text: &str) -> Refanged<'_> {
    let t = text.as_bytes();
    if !maybe_defanged(t) {
        return Refanged { text: std::borrow::Cow::Borrowed(text), spans: Vec::new() };
    }
    let mut out: Vec<u8> = Vec::with_capacity(t.len());
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(t.len());
    let mut changed = false;
    let mut i = 0;
    while i < t.len() {
        let b = t.get(i).copied().unwrap_or(0);
        if matches!(b, b'[' | b'(' | b'{') {
            let close = bracket_close(b);
            let found = BRACKETED.iter().find(|(inner, _)| {
                let n = inner.len();
                t.get(i + 1..i + 1 + n).is_some_and(|s| s.eq_ignore_ascii_case(inner.as_bytes()))
                    && t.get(i + 1 + n) == Some(&close)
            });
            if let Some((inner, rep)) = found {
                let end = i + inner.len() + 2;
                for c in rep.bytes() {
                    out.push(c);
                    spans.push((i, end));
                }
                i = end;
                changed = true;
                continue;
            }
        }
        if matches!(b, b'h' | b'H' | b'f' | b'F' | b's' | b'S') {
            if let Some((len, rep)) = protocol_at(t, i) {
                // Same length or one shorter/longer: map each output byte to one input byte where possible.
                for (k, c) in rep.bytes().enumerate() {
                    let src = (i + k.min(len - 1), i + k.min(len - 1) + 1);
                    out.push(c);
                    spans.push(src);
                }
                if let Some(last) = spans.last_mut() {
                    last.1 = i + len;
                }
                i += len;
                changed = true;
                continue;
            }
        }
        out.push(b);
        spans.push((i, i + 1));
        i += 1;
    }
    if !changed {
        return Refanged { text: std::borrow::Cow::Borrowed(text), spans: Vec::new() };
    }
    // Only ASCII sequences were replaced by ASCII, so the bytes are still UTF-8.
    match String::from_utf8(out) {
        Ok(s) => Refanged { text: std::borrow::Cow::Owned(s), spans },
        Err(_) => Refanged { text: std::borrow::Cow::Borrowed(text), spans: Vec::new() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refangs_and_maps_back() {
        let t = "go hxxps://evil[.]com/x or bob[at]evil(.)org";
        let r = refang(t);
        assert_eq!(r.text, "go https://evil.com/x or bob@evil.org");
        let s = r.text.find("evil.com").unwrap();
        let (a, b) = r.original_span(s, s + "evil.com".len());
        assert_eq!(&t[a..b], "evil[.]com");
        let s = r.text.find("https").unwrap();
        let (a, b) = r.original_span(s, r.text.find("/x").unwrap() + 2);
        assert_eq!(&t[a..b], "hxxps://evil[.]com/x");
        let s = r.text.find("bob@").unwrap();
        let (a, b) = r.original_span(s, s + "bob@evil.org".len());
        assert_eq!(&t[a..b], "bob[at]evil(.)org");
    }

    #[test]
    fn leaves_plain_text_alone() {
        assert!(matches!(refang("cmd /c dir (x) [y]").text, std::borrow::Cow::Borrowed(_)));
        assert_eq!(refang("fxp[:]//a[.]b").text, "ftp://a.b");
        assert_eq!(refang("expand hxxpd").text, "expand hxxpd");
        assert_eq!(refang("[").text, "[");
    }
}
