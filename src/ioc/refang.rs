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
        Refanged {
            text: std::borrow::Cow::Borrowed(text),
            spans: Vec::new(),
        }
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

fn bracket_close(open: u8) -> u8 {
    match open {
        b'[' => b']',
        b'(' => b')',
        _ => b'}',
    }
}

/// The length of a defanged protocol at `i` (`hxxp`, `hxxps`, `fxp`, `sfxp` …, followed by `://` or `[:]`) and
/// its refanged form.
fn protocol_at(t: &[u8], i: usize) -> Option<(usize, &'static str)> {
    let rest = t.get(i..)?;
    let lower = |k: usize| rest.get(k).map(|c| c.to_ascii_lowercase());
    // Word start only.
    if i > 0 && t.get(i - 1).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let (len, out) = match (lower(0), lower(1), lower(2), lower(3), lower(4)) {
        (Some(b'h'), Some(b'x'), Some(b'x'), Some(b'p'), Some(b's')) => (5, "https"),
        (Some(b'h'), Some(b'x'), Some(b'x'), Some(b'p'), _) => (4, "http"),
        (Some(b'f'), Some(b'x'), Some(b'p'), Some(b's'), _) => (4, "ftps"),
        (Some(b'f'), Some(b'x'), Some(b'p'), _, _) => (3, "ftp"),
        (Some(b's'), Some(b'f'), Some(b'x'), Some(b'p'), _) => (4, "sftp"),
        _ => return None,
    };
    let after = rest.get(len..)?;
    (after.starts_with(b"://") || after.starts_with(b"[:]") || after.starts_with(b"[://]")).then_some((len, out))
}

/// The bracketed marker (`[.]`, `(at)` …) starting at `i`, if any: how many bytes it covers and what replaces them.
fn bracket_at(t: &[u8], i: usize) -> Option<(usize, &'static str)> {
    let close = bracket_close(*t.get(i)?);
    BRACKETED.iter().find_map(|(inner, rep)| {
        let n = inner.len();
        let matches = t
            .get(i + 1..i + 1 + n)
            .is_some_and(|s| s.eq_ignore_ascii_case(inner.as_bytes()))
            && t.get(i + 1 + n) == Some(&close);
        matches.then_some((n + 2, *rep))
    })
}

/// Every marker in `t`, in order and not overlapping: (start, length, replacement). Only brackets and an `x`
/// before a `p` are looked at, found with `memchr` (a word at a time), so a long text without markers costs little
/// more than reading it: a loop checking every byte took ~4 ns a byte, half of a whole extraction's time on the
/// Tour's joined command lines.
fn markers(t: &[u8]) -> Vec<(usize, usize, &'static str)> {
    let mut found: Vec<(usize, usize, &'static str)> = memchr::memchr3_iter(b'[', b'(', b'{', t)
        .filter_map(|i| bracket_at(t, i).map(|(len, rep)| (i, len, rep)))
        .collect();
    // A protocol's `p` after an `x`: `hxxp`/`sfxp` start two bytes before that `x`, `fxp` one.
    for p in memchr::memchr2_iter(b'p', b'P', t) {
        let Some(x) = p.checked_sub(1).filter(|&x| matches!(t.get(x), Some(b'x' | b'X'))) else {
            continue;
        };
        if let Some((s, (len, rep))) = [x.checked_sub(2), x.checked_sub(1)]
            .into_iter()
            .flatten()
            .find_map(|s| protocol_at(t, s).map(|m| (s, m)))
        {
            found.push((s, len, rep));
        }
    }
    // Brackets start with a bracket and protocols with a letter, so no two share a start; the earlier one wins.
    found.sort_unstable_by_key(|m| m.0);
    let mut free_from = 0;
    found.retain(|&(s, len, _)| {
        let keep = s >= free_from;
        if keep {
            free_from = s + len;
        }
        keep
    });
    found
}

/// Refangs `text` (see the module docs for the markers).
#[inline(never)]
pub(crate) fn refang(text: &str) -> Refanged<'_> {
    let t = text.as_bytes();
    let found = markers(t);
    if found.is_empty() {
        return Refanged::plain(text);
    }
    let mut out: Vec<u8> = Vec::with_capacity(t.len());
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(t.len());
    let mut i = 0;
    for (at, len, rep) in found {
        out.extend_from_slice(t.get(i..at).unwrap_or_default());
        spans.extend((i..at).map(|k| (k, k + 1)));
        // Each replacement byte maps to the input byte at the same offset where the lengths agree, else to the whole
        // marker; the last one always ends where the marker ends.
        let n = rep.len();
        for (k, c) in rep.bytes().enumerate() {
            let from = if n == len { at + k } else { at };
            let to = if n == len && k + 1 < n { at + k + 1 } else { at + len };
            out.push(c);
            spans.push((from, to));
        }
        i = at + len;
    }
    out.extend_from_slice(t.get(i..).unwrap_or_default());
    spans.extend((i..t.len()).map(|k| (k, k + 1)));
    // Only ASCII sequences were replaced by ASCII, so the bytes are still UTF-8.
    match String::from_utf8(out) {
        Ok(s) => Refanged {
            text: std::borrow::Cow::Owned(s),
            spans,
        },
        Err(_) => Refanged::plain(text),
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
        assert!(matches!(
            refang("cmd /c dir (x) [y]").text,
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(refang("fxp[:]//a[.]b").text, "ftp://a.b");
        assert_eq!(refang("expand hxxpd").text, "expand hxxpd");
        assert_eq!(refang("[").text, "[");
    }
}
