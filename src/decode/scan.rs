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
    CLASSES[b as usize] // 256 entries: every u8 is in range
}

/// The class of the byte at `i` (no class past the end).
#[inline]
fn class_at(text: &[u8], i: usize) -> u8 {
    text.get(i).map_or(0, |b| class(*b))
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
        let step = self.min_len.max(1);
        let inside = STD | URL | NL;
        loop {
            // Look at every `step`-th byte only: a run of `step` or more characters covers at least one of them, and
            // the words of a command line are mostly shorter, so most bytes are never read.
            let mut p = self.pos.checked_add(step - 1)?;
            while class_at(text, p) & inside == 0 {
                if p >= text.len() {
                    return None;
                }
                p = p.checked_add(step)?;
            }
            // The stretch of run characters around `p`, not reaching back before what was already consumed.
            let mut l = p;
            while l > self.pos && class_at(text, l - 1) & inside != 0 {
                l -= 1;
            }
            // A run of `step` or more characters starting at or after `l` covers byte `l + step - 1`: when that byte
            // is not a run character, nothing up to it is a run, and the search goes on after it.
            let q = l.saturating_add(step - 1);
            if q > p && class_at(text, q) & inside == 0 {
                self.pos = q.saturating_add(1);
                continue;
            }
            let mut r = p + 1;
            while class_at(text, r) & inside != 0 {
                r += 1;
            }
            self.pos = r;
            let mut start = l;
            while start < r && class_at(text, start) & NL != 0 {
                start += 1;
            }
            let mut end = r;
            while end > start && class_at(text, end - 1) & NL != 0 {
                end -= 1;
            }
            let mut alpha = 0usize;
            let mut flags = 0u8;
            for &b in text.get(start..end).unwrap_or_default() {
                let c = class(b);
                if c & (STD | URL) != 0 {
                    alpha += 1;
                }
                flags |= c;
            }
            if alpha < self.min_len {
                continue;
            }
            let mut padded_end = end;
            while padded_end < text.len() && padded_end - end < 2 && text.get(padded_end) == Some(&b'=') {
                padded_end += 1;
            }
            // Wrapped base64 followed by a line of text (`…AAAA\r\nbye`): if the whole run is not a multiple of four
            // but it is up to an earlier line break, the lines after that break are text.
            if flags & NL != 0 && !(alpha + (padded_end - end)).is_multiple_of(4) {
                let mut count = alpha;
                let mut j = end;
                while j > start {
                    j -= 1;
                    let c = class_at(text, j);
                    if c & NL != 0 {
                        if count.is_multiple_of(4) && count >= self.min_len {
                            let mut e = j;
                            while e > start && class_at(text, e - 1) & NL != 0 {
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
        while s < e && class_at(text, s) & NL != 0 {
            s += 1;
        }
        while e > s && class_at(text, e - 1) & NL != 0 {
            e -= 1;
        }
        let alpha = text
            .get(s..e)
            .unwrap_or_default()
            .iter()
            .filter(|b| class(**b) & STD != 0)
            .count();
        if alpha >= min_len {
            out.push(Run {
                start: s,
                end: e,
                padded_end: if last { run.padded_end } else { e },
                has_url: false,
                has_std_only: text
                    .get(s..e)
                    .unwrap_or_default()
                    .iter()
                    .any(|b| class(*b) & STD_ONLY != 0),
            });
        }
    };
    while i < run.end {
        let c = class_at(text, i);
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

    /// The skipping scanner finds exactly the runs a byte-by-byte scan finds.
    #[test]
    fn skipping_matches_a_plain_scan() {
        let alphabet = b"aZ9+/-_=\n \r.:";
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 200) as usize;
            let text: Vec<u8> = (0..len)
                .map(|k| {
                    let y = x.rotate_left(k as u32 % 64) ^ (k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                    // Mostly run characters, so long runs happen.
                    if y.is_multiple_of(7) {
                        alphabet[(y / 7 % alphabet.len() as u64) as usize]
                    } else {
                        b"Ab3"[(y % 3) as usize]
                    }
                })
                .collect();
            for min in [4, 10, 30] {
                let got: Vec<usize> = runs(&text, min).map(|r| r.start).collect();
                let mut want = Vec::new();
                let mut i = 0;
                while i < text.len() {
                    if class(text[i]) & (STD | URL) == 0 {
                        i += 1;
                        continue;
                    }
                    let s = i;
                    let mut alpha = 0;
                    while i < text.len() && class(text[i]) & (STD | URL | NL) != 0 {
                        alpha += usize::from(class(text[i]) & (STD | URL) != 0);
                        i += 1;
                    }
                    if alpha < min {
                        continue;
                    }
                    want.push(s);
                    // Wrapped base64 followed by text: cut at the last line break that leaves a multiple of four.
                    let mut e = i;
                    while class(text[e - 1]) & NL != 0 {
                        e -= 1;
                    }
                    let pad = text[e..].iter().take(2).take_while(|b| **b == b'=').count();
                    let has_nl = text[s..e].iter().any(|b| class(*b) & NL != 0);
                    if has_nl && !(alpha + pad).is_multiple_of(4) {
                        let mut count = alpha;
                        for j in (s..e).rev() {
                            if class(text[j]) & NL != 0 {
                                if count.is_multiple_of(4) && count >= min {
                                    i = j;
                                    break;
                                }
                            } else {
                                count -= usize::from(class(text[j]) & (STD | URL) != 0);
                            }
                        }
                    }
                }
                assert_eq!(got, want, "{:?} min {min}", String::from_utf8_lossy(&text));
            }
        }
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
