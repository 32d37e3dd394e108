//! Finding base64 runs in text: one pass over the bytes with a class table, no regex and no allocation.
//!
//! A *run* is a maximal stretch of base64 characters (`A–Z a–z 0–9 + /` and the URL-safe `- _`), which may
//! continue across line breaks, followed by up to two `=`. The unpacker decides what a run is: a standard run, a
//! URL-safe run, or (when it mixes `-`/`_` with other characters) several standard runs split at the `-`/`_`.

/// Standard-alphabet character (`A–Z a–z 0–9 + /`).
const STD: u8 = 1;
/// Characters only the URL-safe alphabet has (`-`, `_`).
const URL: u8 = 2;
/// Line breaks, allowed inside a run.
const NL: u8 = 4;
/// `+` and `/`: only the standard alphabet has them.
const STD_ONLY: u8 = 8;
/// Hex digits.
const HEX: u8 = 16;

const fn build_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut c = 0;
        if b.is_ascii_alphanumeric() {
            c |= STD;
        }
        if b.is_ascii_hexdigit() {
            c |= HEX;
        }
        if b == b'+' || b == b'/' {
            c |= STD | STD_ONLY;
        }
        if b == b'-' || b == b'_' {
            c |= URL;
        }
        if b == b'\r' || b == b'\n' {
            c |= NL;
        }
        t[i] = c;
        i += 1;
    }
    t
}

static CLASSES: [u8; 256] = build_classes();

#[inline]
fn class(b: u8) -> u8 {
    CLASSES[b as usize]
}

/// One maximal run of base64-looking characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last alphabet character (line breaks at either end are not part of the run).
    pub end: usize,
    /// `end` plus the `=` padding that follows (at most two).
    pub padded_end: usize,
    /// The run has `-` or `_` (URL-safe characters).
    pub has_url: bool,
    /// The run has `+` or `/` (standard-only characters).
    pub has_std_only: bool,
}

/// Every maximal run in `text` with at least `min_len` alphabet characters (line breaks not counted).
pub(crate) fn runs(text: &[u8], min_len: usize) -> Runs<'_> {
    Runs { text, pos: 0, min_len }
}

pub(crate) struct Runs<'a> {
    text: &'a [u8],
    pos: usize,
    min_len: usize,
}

impl Iterator for Runs<'_> {
    type Item = Run;

    fn next(&mut self) -> Option<Run> {
        let text = self.text;
        loop {
            // Skip to the next alphabet character.
            while self.pos < text.len() && class(text[self.pos]) & (STD | URL) == 0 {
                self.pos += 1;
            }
            if self.pos >= text.len() {
                return None;
            }
            let start = self.pos;
            let mut end = start;
            let mut alpha = 0usize;
            let mut flags = 0u8;
            let mut i = start;
            while i < text.len() {
                let c = class(text[i]);
                if c & (STD | URL) != 0 {
                    alpha += 1;
                    flags |= c;
                    end = i + 1;
                } else if c & NL == 0 {
                    break;
                } else if end > start {
                    flags |= NL;
                }
                i += 1;
            }
            self.pos = end.max(start + 1);
            if alpha < self.min_len {
                continue;
            }
            let mut padded_end = end;
            while padded_end < text.len() && padded_end - end < 2 && text[padded_end] == b'=' {
                padded_end += 1;
            }
            // Wrapped base64 followed by a line of text (`…AAAA\r\nbye`): if the whole run is not a multiple of four
            // but it is up to an earlier line break, the lines after that break are text.
            if flags & NL != 0 && !(alpha + (padded_end - end)).is_multiple_of(4) {
                let mut count = alpha;
                let mut j = end;
                while j > start {
                    j -= 1;
                    let c = class(text[j]);
                    if c & NL != 0 {
                        if count.is_multiple_of(4) && count >= self.min_len {
                            let mut e = j;
                            while e > start && class(text[e - 1]) & NL != 0 {
                                e -= 1;
                            }
                            end = e;
                            padded_end = e;
                            break;
                        }
                    } else if c & (STD | URL) != 0 {
                        count -= 1;
                    }
                }
            }
            self.pos = padded_end;
            return Some(Run {
                start,
                end,
                padded_end,
                has_url: flags & URL != 0,
                has_std_only: flags & STD_ONLY != 0,
            });
        }
    }
}

/// The standard-alphabet pieces of a run that has `-`/`_` in it: the stretches between them, each trimmed of line
/// breaks, that still have `min_len` characters. Only the last piece keeps the run's `=` padding.
pub(crate) fn split_url_chars(text: &[u8], run: Run, min_len: usize) -> Vec<Run> {
    let mut out = Vec::new();
    let mut piece_start: Option<usize> = None;
    let mut i = run.start;
    let flush = |s: usize, e: usize, last: bool, out: &mut Vec<Run>| {
        let mut s = s;
        let mut e = e;
        while s < e && class(text[s]) & NL != 0 {
            s += 1;
        }
        while e > s && class(text[e - 1]) & NL != 0 {
            e -= 1;
        }
        let alpha = text[s..e].iter().filter(|b| class(**b) & STD != 0).count();
        if alpha >= min_len {
            out.push(Run {
                start: s,
                end: e,
                padded_end: if last { run.padded_end } else { e },
                has_url: false,
                has_std_only: text[s..e].iter().any(|b| class(*b) & STD_ONLY != 0),
            });
        }
    };
    while i < run.end {
        let c = class(text[i]);
        if c & URL != 0 {
            if let Some(s) = piece_start.take() {
                flush(s, i, false, &mut out);
            }
        } else if piece_start.is_none() {
            piece_start = Some(i);
        }
        i += 1;
    }
    if let Some(s) = piece_start {
        flush(s, run.end, true, &mut out);
    }
    out
}

/// True when every alphabet character of `run` is a hex digit (or `-`): a hash, a GUID or a hex dump, which
/// happen to be valid base64 but are not.
pub(crate) fn is_hexish(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| {
        let c = class(*b);
        c & HEX != 0 || c & NL != 0 || *b == b'-' || *b == b'='
    })
}

/// True when a run looks like the base64 of random bytes: digits present, upper and lower case each at least a
/// sixth of the characters (random base64 has about 40% of each), at least eight distinct characters and no
/// character more than half the run. Identifiers (`LocalServiceAndNoImpersonation`, AppX package ids such as
/// `AppXtk181tbxbce2qsex02s8tw7hfxa9xb3t`), paths and `AAAA…` runs fail; genuine base64 of 22+ random bytes passes
/// with near certainty.
pub(crate) fn looks_random(bytes: &[u8]) -> bool {
    let mut seen = [0u32; 128];
    let (mut upper, mut lower, mut digit) = (0u32, 0u32, 0u32);
    let mut n = 0u32;
    for b in bytes {
        if class(*b) & (STD | URL) == 0 {
            continue;
        }
        n += 1;
        upper += u32::from(b.is_ascii_uppercase());
        lower += u32::from(b.is_ascii_lowercase());
        digit += u32::from(b.is_ascii_digit());
        if let Some(slot) = seen.get_mut(*b as usize) {
            *slot += 1;
        }
    }
    let distinct = seen.iter().filter(|c| **c > 0).count();
    let most = seen.iter().copied().max().unwrap_or(0);
    digit > 0 && upper * 6 >= n && lower * 6 >= n && distinct >= 8 && most * 2 <= n
}

/// The alphabet characters of `bytes` (line breaks and `=` dropped), appended to `out`.
pub(crate) fn alphabet_only(bytes: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend(bytes.iter().copied().filter(|b| class(*b) & (STD | URL) != 0));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        runs(text.as_bytes(), 30)
            .map(|r| &text[r.start..r.padded_end])
            .collect()
    }

    #[test]
    fn finds_runs_with_padding_and_line_breaks() {
        let b = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=";
        assert_eq!(found(&format!("x -enc {b} y")), vec![b]);
        let wrapped = "QUJDREVGR0hJSktMTU5P\r\nUFFSU1RVVldYWVo=";
        assert_eq!(found(&format!("\n{wrapped}\n")), vec![wrapped]);
        let wrapped = "QUJDREVGR0hJSktMTU5P\r\nUFFSU1RVVldYWVpBQkNE";
        assert_eq!(found(&format!("{wrapped}\r\nbye")), vec![wrapped]);
        assert!(found("short ones only: abc def").is_empty());
        assert!(found("").is_empty());
    }

    #[test]
    fn splits_at_url_characters() {
        let t = "a_b_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo+";
        let r = runs(t.as_bytes(), 30).next().unwrap();
        assert!(r.has_url && r.has_std_only);
        let parts = split_url_chars(t.as_bytes(), r, 30);
        assert_eq!(parts.len(), 1);
        assert_eq!(&t[parts[0].start..parts[0].end], "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo+");
    }

    #[test]
    fn heuristics() {
        assert!(is_hexish(b"772A9CF421EEC37E11490F01D0EDD091"));
        assert!(is_hexish(b"710dc858-9c96-4df5-bd9b-e932e7433077"));
        assert!(!is_hexish(b"SW52b2tlLVdlYlJlcXVlc3Q"));
        assert!(!looks_random(b"LocalServiceAndNoImpersonation"));
        assert!(!looks_random(&[b'A'; 64]));
        assert!(!looks_random(b"AppXtk181tbxbce2qsex02s8tw7hfxa9xb3t"));
        assert!(looks_random(b"3q2+7wAAAAEAAAABAAAAAQAAAJ8xk2Xq9zLw"));
    }
}
