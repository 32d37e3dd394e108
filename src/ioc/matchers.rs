//! The built-in matchers. Each returns byte spans in the (refanged) text, already validated.
//!
//! IPv4, IPv6 and hashes are hand-written byte scanners (their boundaries are easier to get right by hand than
//! with a regex without look-around); so are paths (msticpy's patterns, which have an empty root alternative and so
//! give the regex engine no literal to look for first; the tests check the scanners against those regexes).
//! Domains, URLs and emails are regexes compiled once for the process, each behind a cheap byte test so most
//! command lines skip most of them.

use std::net::Ipv6Addr;
use std::sync::LazyLock;

use regex::Regex;

/// A word character for boundaries: ASCII letters, digits and `_`. Non-ASCII bytes count as boundaries (curly
/// quotes, CJK punctuation …).
#[inline]
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// IPv4 addresses: four octets 0–255 as a whole token. Not preceded by a word character or by `x.` (so nothing is
/// taken out of `v1.2.3.4` or `1.2.3.4.5`), not followed by a word character or by `.x`.
#[inline(never)] // one profile entry a matcher
pub(crate) fn ipv4(t: &[u8], out: &mut Vec<(usize, usize)>) {
    // An address starts a run of 1–3 digits followed by `.` and a digit, so only such dots are looked at (found
    // with memchr; a scan of every byte for digits was the slowest matcher on the Tour's command lines). Dots are
    // visited in order, each giving at most one start, so starts are tried in text order; `done` is where the last
    // address ended (no start inside it).
    let digit = |i: usize| t.get(i).is_some_and(u8::is_ascii_digit);
    let mut done = 0;
    for d in memchr::memchr_iter(b'.', t) {
        let Some(mut i) = d.checked_sub(1) else { continue };
        if i < done || !digit(i) || !digit(d + 1) {
            continue;
        }
        // Back to the run's start (no run crosses `done`: an address is never followed by a digit).
        while i > done && digit(i - 1) && d - i <= 3 {
            i -= 1;
        }
        if d - i > 3 {
            continue; // more than 3 digits: not an address start
        }
        let prev_ok = match i.checked_sub(1).and_then(|p| t.get(p)) {
            None => true,
            Some(&p) if is_word(p) => false,
            Some(b'.') => !i
                .checked_sub(2)
                .and_then(|p| t.get(p))
                .is_some_and(|c| c.is_ascii_alphanumeric()),
            Some(_) => true,
        };
        if !prev_ok {
            continue;
        }
        if let Some(end) = parse_ipv4(t, i) {
            if token_end_ok(t, end) {
                out.push((i, end));
                done = end;
            }
        }
    }
}

fn parse_ipv4(t: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    for k in 0..4 {
        let s = i;
        let mut v: u32 = 0;
        while let Some(d) = t.get(i).filter(|c| c.is_ascii_digit()) {
            v = v * 10 + u32::from(d - b'0');
            i += 1;
            if i - s > 3 {
                return None;
            }
        }
        if i == s || v > 255 {
            return None;
        }
        if k < 3 {
            if t.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
    }
    Some(i)
}

/// After a token: end of text, or not a word character and not `.` followed by a letter or digit.
fn token_end_ok(t: &[u8], end: usize) -> bool {
    match t.get(end) {
        None => true,
        Some(&c) if is_word(c) || c == b'-' => false,
        Some(b'.') => !t.get(end + 1).is_some_and(|c| c.is_ascii_alphanumeric()),
        Some(_) => true,
    }
}

/// IPv6 addresses: a whole token of hex digits, `:` and `.` with two or more colons that `std` parses as an IPv6
/// address (so `12:34:56` and MAC addresses are not). Only tokens around a `:` are looked at.
#[inline(never)] // one profile entry a matcher
pub(crate) fn ipv6(t: &[u8], out: &mut Vec<(usize, usize)>) {
    let in_class = |b: &u8| b.is_ascii_hexdigit() || *b == b':' || *b == b'.';
    let mut i = 0;
    while let Some(colon) = t.get(i..).and_then(|rest| memchr::memchr(b':', rest)) {
        let c = i + colon;
        let mut s = c;
        while s > 0 && t.get(s - 1).is_some_and(in_class) {
            s -= 1;
        }
        let mut end = c + 1;
        while t.get(end).is_some_and(in_class) {
            end += 1;
        }
        i = end;
        let mut e = end;
        while e > s && t.get(e - 1) == Some(&b'.') {
            e -= 1;
        }
        let prev_ok = !s.checked_sub(1).and_then(|p| t.get(p)).is_some_and(|b| is_word(*b));
        let next_ok = !t.get(end).is_some_and(|b| is_word(*b));
        let Some(tok) = t.get(s..e) else { continue };
        if prev_ok
            && next_ok
            && tok.iter().filter(|b| **b == b':').count() >= 2
            && tok.iter().any(u8::is_ascii_hexdigit)
            && std::str::from_utf8(tok)
                .ok()
                .and_then(|s| s.parse::<Ipv6Addr>().ok())
                .is_some()
        {
            out.push((s, e));
        }
    }
}

/// Hashes: runs of exactly 32, 40 or 64 hex digits between non-hex characters (msticpy's rule, without its bug of
/// consuming the separator, which lost the second of two hashes one character apart). Only every 32nd byte is
/// looked at first: a run of 32 or more covers one of them.
#[inline(never)] // one profile entry a matcher
pub(crate) fn hash_runs(t: &[u8], out: &mut Vec<(usize, usize)>) {
    const STEP: usize = 32;
    let hex = |i: usize| t.get(i).is_some_and(u8::is_ascii_hexdigit);
    let mut from = 0;
    let mut p = STEP - 1;
    while p < t.len() {
        if !hex(p) {
            p += STEP;
            continue;
        }
        let mut s = p;
        while s > from && hex(s - 1) {
            s -= 1;
        }
        let mut e = p + 1;
        while hex(e) {
            e += 1;
        }
        if matches!(e - s, 32 | 40 | 64) {
            out.push((s, e));
        }
        from = e;
        p = e + STEP;
    }
}

const DOMAIN: &str = r"(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\.)+[A-Za-z]{2,63}";

#[cfg(test)] // the oracle `domain_spans` is checked against
static DNS_RE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(DOMAIN).ok());

static EMAIL_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!(r"[A-Za-z0-9._%+\-]+@(?P<domain>{DOMAIN})")).ok());

static URL_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?xi)
        (?P<protocol>(?:https?|s?ftps?|telnet|ldap|file)://)
        (?P<userinfo>(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?
        (?P<host>(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)
        (?::(?P<port>[0-9]*))?
        (?:/(?P<path>(?:[^?\#"<>\s]|%[0-9a-f]{2})*/?))?
        (?:\?(?P<query>(?:[a-z0-9\-._~!$&'()*+,;=:/?@]|%[0-9a-f]{2})*))?
        (?:\#(?P<fragment>(?:[a-z0-9\-._~!$&'()*+,;=:/?@]|%[0-9a-f]{2})*))?"#,
    )
    .ok()
});

/// msticpy's Windows path pattern: the oracle for [`windows_path`].
#[cfg(test)]
static WINPATH_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?xi)
        (?P<root>[a-z]:|\\\\[a-z0-9_.$\-]+||[.]+)
        (?P<folder>\\(?:[^/:*?"'<>|\r\n]+\\)*)
        (?P<file>[^\\/*?"<>|\r\n\x20]+)"#,
    )
    .ok()
});

/// msticpy's Linux path pattern: the oracle for [`linux_path`].
#[cfg(test)]
static LXPATH_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        (?P<root>/+||[.]+)
        (?P<folder>/(?:[^\\/:*?<>|\r\n]+/)*)
        (?P<file>[^/\x00<>|\r\n\x20]+)"#,
    )
    .ok()
});

/// Whether every built-in regex compiled (a test checks it; a failure would only disable that type).
#[cfg(test)]
pub(crate) fn regexes_ok() -> bool {
    DNS_RE.is_some() && EMAIL_RE.is_some() && URL_RE.is_some() && WINPATH_RE.is_some() && LXPATH_RE.is_some()
}

/// A domain name: labels of at most 63 characters, at most 253 in all, ending in a public suffix (unless
/// `ignore_tlds`).
pub(crate) fn valid_domain(name: &str, ignore_tlds: bool) -> bool {
    if name.len() > 253 || name.split('.').any(|l| l.is_empty() || l.len() > 63) {
        return false;
    }
    if ignore_tlds {
        return true;
    }
    let mut buf = [0u8; 253];
    let Some(lower) = buf.get_mut(..name.len()) else {
        return false;
    };
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    super::suffix::known_suffix_len(lower).is_some()
}

/// Domains, as whole tokens with a public suffix. Skipped: a match followed by `@` (an email's local part, e.g.
/// `john.name@…`), by a word character, `-` or `.x` (so `xyz.ps1` is not `xyz.ps`); one right after `_` (the end
/// of a longer token: `CbsPersist_20190116041725.cab`); and one right after a single `\` or `/` (a file name in a
/// path: `C:\Windows\Microsoft.NET`, `…/file.zip`; a UNC host after `\\` and a URL host after `//` stay). A leading
/// `2F` of `%2Fevil.com` (part of a percent escape) is dropped.
#[inline(never)] // one profile entry a matcher
pub(crate) fn dns(t: &str, ignore_tlds: bool, out: &mut Vec<(usize, usize)>) {
    domain_spans(t, |s, e| dns_match(t.as_bytes(), s, e, ignore_tlds, out));
}

fn is_domain_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b'-'
}

/// The spans `Regex::new(DOMAIN).find_iter(t)` gives, found by hand (the regex has no literal to look for, so it
/// would visit every byte). `DOMAIN` is `(LABEL\.)+TLD`, LABEL = alphanumerics with single inner hyphens,
/// TLD = 2–63 letters. A match lies inside a run of `[A-Za-z0-9.-]` holding a `.` followed by a letter; in a run,
/// the labels are forced to be the `.`-separated segments (a label must end at a `.`), so from a start the regex
/// takes every following segment that is a whole label followed by a `.`, then backs off one label at a time until
/// the next segment starts with two letters (the TLD, greedy up to 63). `domain_spans_are_the_regexs` checks it.
#[inline(never)] // one profile entry a matcher
fn domain_spans(t: &str, mut found: impl FnMut(usize, usize)) {
    let b = t.as_bytes();
    // `pos`: where to look for the next dot; `floor`: the end of the last run looked at (no match starts before it).
    let (mut pos, mut floor) = (0, 0);
    while let Some(d) = b.get(pos..).and_then(|r| memchr::memchr(b'.', r)).map(|o| pos + o) {
        if !b.get(d + 1).is_some_and(u8::is_ascii_alphabetic) {
            pos = d + 1;
            continue;
        }
        let mut lo = d;
        while lo > floor && b.get(lo - 1).copied().is_some_and(is_domain_byte) {
            lo -= 1;
        }
        let mut hi = d;
        while b.get(hi).copied().is_some_and(is_domain_byte) {
            hi += 1;
        }
        let mut cursor = lo;
        while let Some((s, e)) = leftmost_domain(b, cursor, hi) {
            found(s, e);
            cursor = e;
        }
        (pos, floor) = (hi, hi);
    }
}

/// The leftmost domain match in `b[from..to]`, a run of domain bytes (see [`domain_spans`]).
#[inline(never)] // one profile entry a matcher
fn leftmost_domain(b: &[u8], from: usize, to: usize) -> Option<(usize, usize)> {
    // Segments: [start, end) between dots; `dotted` when a `.` follows inside the run.
    let segment_at = |start: usize| {
        let end = b.get(start..to).and_then(|r| r.iter().position(|&c| c == b'.')).map_or(to, |o| start + o);
        (start, end, end < to)
    };
    // The earliest p with b[p..end] a whole label (alphanumerics with single inner hyphens).
    let label_start = |start: usize, end: usize| {
        if end <= start || !b.get(end - 1).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        let mut i = end - 1;
        while i > start {
            if b.get(i - 1).is_some_and(u8::is_ascii_alphanumeric) {
                i -= 1;
            } else if i >= start + 2 && b.get(i - 1) == Some(&b'-') && b.get(i - 2).is_some_and(u8::is_ascii_alphanumeric) {
                i -= 2;
            } else {
                break;
            }
        }
        Some(i)
    };
    let mut seg = segment_at(from);
    loop {
        let (start, end, dotted) = seg;
        if !dotted {
            return None;
        }
        let Some(p) = label_start(start, end) else {
            seg = segment_at(end + 1);
            continue;
        };
        // The chain of whole labels from here: the starts of the segments after each one.
        let mut after = vec![end + 1];
        let mut next = segment_at(end + 1);
        while next.2 && label_start(next.0, next.1) == Some(next.0) {
            after.push(next.1 + 1);
            next = segment_at(next.1 + 1);
        }
        for &tld in after.iter().rev() {
            let letters = b.get(tld..to).map_or(0, |r| r.iter().take(63).take_while(|c| c.is_ascii_alphabetic()).count());
            if letters >= 2 {
                return Some((p, tld + letters));
            }
        }
        // Every later start inside this chain has fewer TLD choices: none can match. Go on after the chain.
        seg = next;
    }
}

/// Keeps a DNS regex match `[s, e)` of `b` if it is a whole-token domain (see [`dns`]).
#[inline(never)] // one profile entry a matcher
fn dns_match(b: &[u8], mut s: usize, e: usize, ignore_tlds: bool, out: &mut Vec<(usize, usize)>) {
    if !token_end_ok(b, e) || b.get(e) == Some(&b'@') {
        return;
    }
    // `%2Fevil.com`: the `2F` belongs to a percent escape.
    if s.checked_sub(1).and_then(|p| b.get(p)) == Some(&b'%')
        && b.get(s..s + 2).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    {
        s += 2;
    }
    let prev = s.checked_sub(1).and_then(|p| b.get(p)).copied();
    if prev == Some(b'_') {
        return; // part of a longer token: `CbsPersist_20190116041725.cab`
    }
    if let Some(sep @ (b'\\' | b'/')) = prev {
        if s.checked_sub(2).and_then(|p| b.get(p)) != Some(&sep) {
            return;
        }
    }
    if std::str::from_utf8(b.get(s..e).unwrap_or_default()).is_ok_and(|d| valid_domain(d, ignore_tlds)) {
        out.push((s, e));
    }
}

/// Emails whose domain is a whole token with a public suffix. The local part may not start with `.`.
#[inline(never)] // one profile entry a matcher
pub(crate) fn email(t: &str, ignore_tlds: bool, out: &mut Vec<(usize, usize)>) {
    let Some(re) = EMAIL_RE.as_ref() else { return };
    let b = t.as_bytes();
    if !b.contains(&b'@') {
        return;
    }
    // `find_iter`, not `captures_iter`: the local part cannot hold an `@`, so the domain group is what follows the
    // match's first `@` (the capture engine was a third of this matcher's time on the Tour's command lines).
    for m in re.find_iter(t) {
        let Some(d) = m.as_str().split_once('@').map(|(_, d)| d) else {
            continue;
        };
        let mut s = m.start();
        while b.get(s) == Some(&b'.') {
            s += 1;
        }
        if b.get(s) == Some(&b'@') || !token_end_ok(b, m.end()) || !valid_domain(d, ignore_tlds) {
            continue;
        }
        out.push((s, m.end()));
    }
}

/// URLs (msticpy's pattern) with: a protocol not glued to a preceding letter, a host (except `file://`), trailing
/// sentence punctuation and unbalanced closing brackets dropped, and URLs inside URLs found too.
#[inline(never)] // one profile entry a matcher
pub(crate) fn url(t: &str, out: &mut Vec<(usize, usize)>) {
    let Some(re) = URL_RE.as_ref() else { return };
    let b = t.as_bytes();
    if !t.contains("://") {
        return;
    }
    let mut at = 0;
    // URLs inside a URL are looked for by searching again just after its start; at most MAX_NESTED of them per
    // outer URL, so `http://a/http://a/…` cannot make the search quadratic.
    const MAX_NESTED: usize = 8;
    let mut outer_end = 0;
    let mut nested = 0;
    while at < t.len() {
        let Some(c) = re.captures_at(t, at) else { break };
        let Some(m) = c.get(0) else { break };
        let s = m.start();
        if s < outer_end {
            nested += 1;
            if nested > MAX_NESTED {
                at = outer_end;
                continue;
            }
        } else {
            outer_end = m.end();
            nested = 0;
        }
        at = next_char(t, s);
        if s.checked_sub(1)
            .and_then(|p| b.get(p))
            .is_some_and(|p| p.is_ascii_alphabetic())
        {
            continue;
        }
        // A URL opened right after a quote ends at the closing quote (`DownloadString('http://a/b')}catch{}`).
        let mut e = m.end();
        if let Some(&q) = s.checked_sub(1).and_then(|p| b.get(p)) {
            if matches!(q, b'\'' | b'"' | b'`') {
                if let Some(k) = b.get(s..e).and_then(|body| body.iter().position(|x| *x == q)) {
                    e = s + k;
                }
            }
        }
        let e = trim_url_end(b, s, e);
        let host_end = c.name("host").map_or(s, |h| h.end().min(e));
        let host_start = c.name("host").map_or(s, |h| h.start());
        let is_file = c
            .name("protocol")
            .is_some_and(|p| p.as_str().eq_ignore_ascii_case("file://"));
        if host_end <= host_start && !is_file {
            continue;
        }
        out.push((s, e));
    }
}

fn next_char(t: &str, i: usize) -> usize {
    let mut j = i + 1;
    while j < t.len() && !t.is_char_boundary(j) {
        j += 1;
    }
    j
}

/// `e` moved back over trailing sentence punctuation and closing brackets that have no opening one in the URL.
fn trim_url_end(b: &[u8], s: usize, mut e: usize) -> usize {
    let body = b.get(s..e).unwrap_or_default();
    let count = |c: u8| body.iter().filter(|x| **x == c).count();
    let open = [count(b'('), count(b'['), count(b'{')];
    let mut close = [count(b')'), count(b']'), count(b'}')];
    while e > s {
        let Some(&last) = b.get(e - 1) else { break };
        let drop = match last {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'"' => true,
            b')' | b']' | b'}' => {
                let k = match last {
                    b')' => 0,
                    b']' => 1,
                    _ => 2,
                };
                let unbalanced = close.get(k) > open.get(k);
                if unbalanced {
                    if let Some(c) = close.get_mut(k) {
                        *c -= 1;
                    }
                }
                unbalanced
            }
            _ => false,
        };
        if !drop {
            break;
        }
        e -= 1;
    }
    e
}

/// Byte classes of msticpy's path patterns. Every character they exclude is ASCII, so every other byte (each byte of
/// a non-ASCII character too) is in every class, and a byte scan gives the spans the regexes give on characters.
const W_FOLDER: u8 = 1; // a Windows folder character: [^/:*?"'<>|\r\n] (`\` is one)
const W_FILE: u8 = 2; // a Windows file-name character: [^\\/*?"<>|\r\n\x20] (`:` and `'` are)
const L_SEG: u8 = 4; // a Linux folder-name character: [^\\/:*?<>|\r\n]
const L_FILE: u8 = 8; // a Linux file-name character: [^/\x00<>|\r\n\x20]

const fn without(mut table: [u8; 256], bytes: &[u8], class: u8) -> [u8; 256] {
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] &= !class;
        i += 1;
    }
    table
}

static PATH_CLASS: [u8; 256] = {
    let t = [W_FOLDER | W_FILE | L_SEG | L_FILE; 256];
    let t = without(t, b"/:*?\"'<>|\r\n", W_FOLDER);
    let t = without(t, b"\\/*?\"<>|\r\n ", W_FILE);
    let t = without(t, b"\\/:*?<>|\r\n", L_SEG);
    without(t, b"/\0<>|\r\n ", L_FILE)
};

/// Whether `t[i]` exists and is in `class`.
#[inline]
fn in_class(t: &[u8], i: usize, class: u8) -> bool {
    t.get(i).is_some_and(|&b| PATH_CLASS[usize::from(b)] & class != 0)
}

/// The end of the run of `class` bytes starting at `from`.
#[inline]
fn class_run_end(t: &[u8], from: usize, class: u8) -> usize {
    t.get(from..).map_or(from, |rest| {
        from + rest
            .iter()
            .position(|&b| PATH_CLASS[usize::from(b)] & class == 0)
            .unwrap_or(rest.len())
    })
}

/// The start of the run of `.` ending just before `end`, not before `floor`.
fn dots_start(t: &[u8], floor: usize, end: usize) -> usize {
    let mut s = end;
    while s > floor && t.get(s - 1) == Some(&b'.') {
        s -= 1;
    }
    s
}

/// Windows paths: the spans of msticpy's pattern (`WINPATH_RE` in the tests, which check the two agree), found by
/// hand because the regex's empty root alternative leaves the regex engine no literal to look for first.
///
/// Every match has a root ending right before a `\` (a drive `x:`, a run of dots, nothing, or a UNC `\\host`, which
/// never changes a span: the empty root at the same place ends at the same place), then that `\`, folders, and a
/// file name. From the first `\` at `b` after the cursor: the folders end at the last `\` at `b + 2` or later, in
/// the run of folder characters after `b`, that is followed by a file character (else at `b` itself, if a file
/// character follows it), and the file name is the run of file characters after it. The match starts at the drive letter or the dots just
/// before `b` (not before the cursor), or at `b`. If no file name can follow, no match starts up to `b`.
#[inline(never)] // one profile entry a matcher
pub(crate) fn windows_path(t: &str, out: &mut Vec<(usize, usize)>) {
    let b = t.as_bytes();
    let mut cursor = 0;
    // The run of folder characters after the `\` last scanned from ends at `run_end`; `last_sep` is its last `\`
    // followed by a file character, if any (valid for every later `\` inside that run).
    let mut run_end = 0;
    let mut last_sep: Option<usize> = None;
    while let Some(k) = b.get(cursor..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let bs = cursor + k;
        if bs >= run_end {
            run_end = class_run_end(b, bs + 1, W_FOLDER);
            let last_before = |end: usize| {
                b.get(bs + 2..end)
                    .and_then(|run| run.iter().rposition(|&c| c == b'\\'))
                    .map(|i| bs + 2 + i)
            };
            last_sep = last_before(run_end);
            while let Some(q) = last_sep {
                if in_class(b, q + 1, W_FILE) {
                    break;
                }
                last_sep = last_before(q);
            }
        }
        let file_start = match last_sep {
            Some(q) if q >= bs + 2 => q + 1,
            _ if in_class(b, bs + 1, W_FILE) => bs + 1,
            _ => {
                cursor = bs + 1;
                continue;
            }
        };
        let end = class_run_end(b, file_start, W_FILE);
        out.push((windows_root_start(b, cursor, bs), end));
        cursor = end;
    }
}

/// Where a Windows path whose root ends at the `\` at `bs` starts: at the run of dots or the drive (`x:`; under
/// `(?i)`, `x` is an ASCII letter, `K` U+212A KELVIN SIGN or `ſ` U+017F LONG S) just before `bs` if it starts at
/// `floor` or later, else at `bs`.
fn windows_root_start(t: &[u8], floor: usize, bs: usize) -> usize {
    if bs <= floor {
        return bs;
    }
    match t.get(bs - 1) {
        Some(b'.') => dots_start(t, floor, bs),
        Some(b':') => {
            let letter = |len: usize| {
                let s = bs.checked_sub(1 + len).filter(|s| *s >= floor)?;
                let is_letter = match t.get(s..bs - 1)? {
                    [c] => c.is_ascii_alphabetic(),
                    [0xC5, 0xBF] | [0xE2, 0x84, 0xAA] => true,
                    _ => false,
                };
                is_letter.then_some(s)
            };
            letter(1).or_else(|| letter(2)).or_else(|| letter(3)).unwrap_or(bs)
        }
        _ => bs,
    }
}

/// Linux paths (noisy by design, so only when asked for): the spans of msticpy's pattern (`LXPATH_RE` in the tests,
/// which check the two agree), found by hand like [`windows_path`].
///
/// Every match has a root (slashes, nothing, or dots) ending right before a `/`, then the folders — that `/` and
/// then each run of folder characters followed by `/` — and a file name. From the first run of `/` after the
/// cursor, the folders start at its last `/` (a `/+` root keeps all but that one); of the `/` that end a folder
/// from there on, the last one followed by a file character ends the folders, and the file name is the run of file
/// characters after it. The match starts at the dots just before a lone `/` (not before the cursor), or at the
/// first `/`. If no file name can follow, no match starts up to the end of the run of `/`.
#[inline(never)] // one profile entry a matcher
pub(crate) fn linux_path(t: &str, out: &mut Vec<(usize, usize)>) {
    let b = t.as_bytes();
    let mut cursor = 0;
    // The chain of folder ends last followed: every `/` in `first..=last` ends a folder of it, and `good` is the
    // last of them followed by a file character, if any (valid for every later `/` in the chain).
    let mut chain: Option<(usize, usize, Option<usize>)> = None;
    while let Some(k) = b.get(cursor..).and_then(|rest| memchr::memchr(b'/', rest)) {
        let slash = cursor + k;
        let mut slashes_end = slash + 1;
        while b.get(slashes_end) == Some(&b'/') {
            slashes_end += 1;
        }
        let first = slashes_end - 1;
        let good = match chain {
            Some((f, l, g)) if f <= first && first <= l => g,
            _ => {
                let mut q = first;
                let mut g = None;
                loop {
                    if in_class(b, q + 1, L_FILE) {
                        g = Some(q);
                    }
                    let e = class_run_end(b, q + 1, L_SEG);
                    if e > q + 1 && b.get(e) == Some(&b'/') {
                        q = e;
                    } else {
                        break;
                    }
                }
                chain = Some((first, q, g));
                g
            }
        };
        match good {
            Some(g) if g >= first => {
                let end = class_run_end(b, g + 1, L_FILE);
                let start = if slashes_end == slash + 1 {
                    dots_start(b, cursor, slash)
                } else {
                    slash
                };
                out.push((start, end));
                cursor = end;
            }
            _ => cursor = slashes_end,
        }
    }
}

/// `%XX` decoded (invalid UTF-8 replaced); `None` when there is nothing to decode.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if !b
        .windows(3)
        .any(|w| matches!(w, [b'%', h, l] if h.is_ascii_hexdigit() && l.is_ascii_hexdigit()))
    {
        return None;
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b.get(i), b.get(i + 1), b.get(i + 2)) {
            (Some(b'%'), Some(h), Some(l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                let v = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                out.push(v(*h) * 16 + v(*l));
                i += 3;
            }
            (Some(c), _, _) => {
                out.push(*c);
                i += 1;
            }
            _ => break,
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(t: &str, f: impl Fn(&str, &mut Vec<(usize, usize)>)) -> Vec<&str> {
        let mut v = Vec::new();
        f(t, &mut v);
        v.into_iter().map(|(s, e)| &t[s..e]).collect()
    }

    #[test]
    fn compiled() {
        assert!(regexes_ok());
    }

    #[test]
    fn ipv4_tokens() {
        let f = |t: &str, v: &mut Vec<_>| ipv4(t.as_bytes(), v);
        assert_eq!(spans("a 1.2.3.4 b", f), ["1.2.3.4"]);
        assert!(spans("1.2.3.4.5 v1.2.3.4 10.0.0.300 1.2.3.4a 1.2.3", f).is_empty());
        assert_eq!(
            spans("(8.8.8.8), 10.0.0.1. and 255.255.255.255:80", f),
            ["8.8.8.8", "10.0.0.1", "255.255.255.255"]
        );
        assert_eq!(spans("http://1.2.3.4/x", f), ["1.2.3.4"]);
    }

    #[test]
    fn ipv6_tokens() {
        let f = |t: &str, v: &mut Vec<_>| ipv6(t.as_bytes(), v);
        assert_eq!(
            spans("a fe80::1 b 2001:db8::ff00:42:8329.", f),
            ["fe80::1", "2001:db8::ff00:42:8329"]
        );
        assert!(spans("12:34:56 00:11:22:33:44:55 :: [Convert]::FromBase64 std::x", f).is_empty());
        assert_eq!(spans("::ffff:1.2.3.4", f), ["::ffff:1.2.3.4"]);
    }

    #[test]
    fn domains() {
        let f = |t: &str, v: &mut Vec<_>| dns(t, false, v);
        assert_eq!(
            spans("see contoso.com and evil.co.uk.", f),
            ["contoso.com", "evil.co.uk"]
        );
        assert!(spans(
            "xyz.ps1 malware.exe C:\\Windows\\Microsoft.NET\\x a/b.zip x_2019.cab",
            f
        )
        .is_empty());
        assert_eq!(
            spans("\\\\srv.contoso.com\\share https://a.com/", f),
            ["srv.contoso.com", "a.com"]
        );
        assert_eq!(spans("john.name@evil.com", f), ["evil.com"]);
        assert_eq!(spans("u=https%3A%2F%2Fevil.org%2Fx", f), ["evil.org"]);
    }

    #[test]
    fn urls() {
        assert_eq!(
            spans("(see http://a.com/x), 'https://b.org' ftp://c.net/y.", url),
            ["http://a.com/x", "https://b.org", "ftp://c.net/y"]
        );
        assert_eq!(
            spans("https://a.com/?u=https://b.com/z", url),
            ["https://a.com/?u=https://b.com/z", "https://b.com/z"]
        );
        assert!(spans("http:// xhttp://a.com", url).is_empty());
        assert_eq!(spans("http://a.com/x))))", url), ["http://a.com/x"]);
        assert_eq!(spans("http://a.com/f(x)).", url), ["http://a.com/f(x)"]);
        let nested = "http://a/".repeat(5000);
        let t = std::time::Instant::now();
        assert_eq!(spans(&nested, url).len(), 9);
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(spans("sftp://h.com", url), ["sftp://h.com"]);
        assert_eq!(spans("file:///C:/x", url), ["file:///C:/x"]);
    }

    #[test]
    fn hashes() {
        let f = |t: &str, v: &mut Vec<_>| hash_runs(t.as_bytes(), v);
        let (a, b, c, d) = ("a".repeat(32), "B".repeat(40), "0".repeat(64), "c".repeat(33));
        let text = format!("{a},{b} x{c}g {d} {}", "1".repeat(31));
        assert_eq!(spans(&text, f), [a.as_str(), b.as_str(), c.as_str()]);
        for n in 0..140 {
            let t = format!("z{}z", "f".repeat(n));
            assert_eq!(spans(&t, f).len(), usize::from(matches!(n, 32 | 40 | 64)), "{n}");
        }
    }

    /// The `CommandLine` cells of the Tour's process table.
    fn tour_command_lines() -> Vec<String> {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/tour/asn_processes_on_host.la.json"
        ))
        .expect("the Tour fixture");
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        let table = &v["tables"][0];
        let col = table["columns"]
            .as_array()
            .and_then(|c| c.iter().position(|c| c["name"] == "CommandLine"))
            .expect("a CommandLine column");
        table["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r[col].as_str().map(str::to_string))
            .collect()
    }

    /// Timings on the joined `CommandLine` column (`cargo test --release --lib path_timings -- --ignored
    /// --nocapture`); prints only, asserts nothing about speed.
    #[test]
    #[ignore]
    fn path_timings() {
        let joined = tour_command_lines().join("\n");
        let best = |f: &dyn Fn() -> usize| {
            let mut times = Vec::new();
            let mut n = 0;
            for _ in 0..15 {
                let t = std::time::Instant::now();
                n = std::hint::black_box(f());
                times.push(t.elapsed());
            }
            times.sort();
            (n, times[0], times[times.len() / 2])
        };
        let run = |f: fn(&str, &mut Vec<(usize, usize)>)| {
            let mut v = Vec::new();
            f(std::hint::black_box(&joined), &mut v);
            v.len()
        };
        println!("joined: {} bytes", joined.len());
        for (name, f) in [
            ("windows_path", windows_path as fn(&str, &mut Vec<(usize, usize)>)),
            ("linux_path", linux_path),
        ] {
            let (n, min, med) = best(&|| run(f));
            println!("{name}: {n} matches, min {min:?}, median {med:?}");
        }
        for (name, re) in [("WINPATH_RE", &WINPATH_RE), ("LXPATH_RE", &LXPATH_RE)] {
            let re = re.as_ref().expect("compiled");
            let (n, min, med) = best(&|| re.find_iter(std::hint::black_box(&joined)).count());
            println!("{name} find_iter (before): {n} matches, min {min:?}, median {med:?}");
        }
        let ex = crate::ioc::IocExtractor::new(&crate::ioc::IocOptions::default()).expect("extractor");
        let (n, min, med) = best(&|| ex.extract(std::hint::black_box(&joined)).len());
        println!("extract (default options): {n} IoCs, min {min:?}, median {med:?}");
        for ty in [
            "ipv4",
            "ipv6",
            "dns",
            "url",
            "email",
            "md5_hash",
            "windows_path",
            "linux_path",
        ] {
            let o = crate::ioc::IocOptions {
                types: Some(vec![ty.to_string()]),
                ..Default::default()
            };
            let ex = crate::ioc::IocExtractor::new(&o).expect("extractor");
            let (n, min, med) = best(&|| ex.extract(std::hint::black_box(&joined)).len());
            println!("  extract of {ty} only: {n} IoCs, min {min:?}, median {med:?}");
        }
    }

    /// The spans of msticpy's path regexes: the oracle for the hand-written scanners.
    fn regex_spans(re: &LazyLock<Option<Regex>>, t: &str) -> Vec<(usize, usize)> {
        let re = re.as_ref().expect("compiled");
        re.find_iter(t).map(|m| (m.start(), m.end())).collect()
    }

    fn scanned(f: fn(&str, &mut Vec<(usize, usize)>), t: &str) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        f(t, &mut v);
        v
    }

    fn same_as_regexes(t: &str) {
        assert_eq!(
            scanned(windows_path, t),
            regex_spans(&WINPATH_RE, t),
            "windows_path on {t:?}"
        );
        assert_eq!(
            scanned(linux_path, t),
            regex_spans(&LXPATH_RE, t),
            "linux_path on {t:?}"
        );
    }

    #[test]
    fn paths_by_hand() {
        assert_eq!(
            spans(r"run C:\Windows\System32\cmd.exe /c", windows_path),
            [r"C:\Windows\System32\cmd.exe"]
        );
        assert_eq!(spans(r"\\server\share\f.txt", windows_path), [r"\\server\share\f.txt"]);
        assert_eq!(spans(r"..\..\x", windows_path), [r"..\..\x"]);
        assert!(spans(r"C:\ ", windows_path).is_empty());
        assert_eq!(spans(r"a\b c\d", windows_path), [r"\b c\d"]);
        assert_eq!(spans(r"C:\x:y", windows_path), [r"C:\x:y"]);
        assert_eq!(
            spans("/usr/bin/env x ../a/b //h/p", linux_path),
            ["/usr/bin/env x ../a/b", "//h/p"]
        );
        for t in [
            r"run C:\Windows\System32\cmd.exe /c",
            r"\\server\share\f.txt",
            r"..\..\x",
            r"C:\ ",
            r"a\b c\d",
            r"C:\x:y",
            "\u{212A}:\\x \u{17F}:\\y é:\\z",
            "x.\\a ..\\ \\\\ \\ \\a",
            "/usr/bin/env x ../a/b //h/p /// /a/ b/ /a b/c ./ ../.. .//x",
            "\"C:\\Program Files\\A B\\c.exe\" -f:'D:\\x y\\z' \\??\\C:\\w\\s\\c.exe",
        ] {
            same_as_regexes(t);
        }
    }

    type Spans = Vec<(usize, usize)>;

    /// A deterministic pseudo-random sequence for the differential fuzz tests.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// `dns` and `email` by the regexes over the whole text (what `domain_spans` replaces).
    fn domains_and_emails_by_whole_text_regex(t: &str) -> (Spans, Spans) {
        let b = t.as_bytes();
        let mut dns = Vec::new();
        for m in DNS_RE.as_ref().unwrap().find_iter(t) {
            dns_match(b, m.start(), m.end(), false, &mut dns);
        }
        let mut email = Vec::new();
        for c in EMAIL_RE.as_ref().unwrap().captures_iter(t) {
            let (m, d) = (c.get(0).unwrap(), c.name("domain").unwrap());
            let mut s = m.start();
            while b.get(s) == Some(&b'.') {
                s += 1;
            }
            if b.get(s) == Some(&b'@') || !token_end_ok(b, m.end()) || !valid_domain(d.as_str(), false) {
                continue;
            }
            email.push((s, m.end()));
        }
        (dns, email)
    }

    fn same_domains_and_emails(t: &str) {
        let (want_dns, want_email) = domains_and_emails_by_whole_text_regex(t);
        let (mut got_dns, mut got_email) = (Vec::new(), Vec::new());
        dns(t, false, &mut got_dns);
        email(t, false, &mut got_email);
        assert_eq!(got_dns, want_dns, "dns in {t:?}");
        assert_eq!(got_email, want_email, "email in {t:?}");
    }

    #[test]
    fn domain_spans_are_the_regexs() {
        let lines = tour_command_lines();
        for l in &lines {
            same_domains_and_emails(l);
        }
        same_domains_and_emails(&lines.join("\n"));
        for t in ["a.b.c1", "a.bc1.x", "x@y.com.", "a..b.com", "a-.b.com", "%2Fevil.com", "j.doe@mail.contoso.com@x",
            "C:\\Windows\\Microsoft.NET", "\\\\srv.contoso.com\\s", "é.com ü@x.com", "a@b@c.com"] {
            same_domains_and_emails(t);
        }
        const ALPHABET: [char; 16] = ['a', 'B', 'c', 'o', 'm', '1', '.', '.', '-', '@', '_', '%', ' ', '/', '\\', 'é'];
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        let mut t = String::new();
        for _ in 0..100_000 {
            t.clear();
            for _ in 0..next() % 30 {
                t.push(ALPHABET[(next() % 16) as usize]);
            }
            same_domains_and_emails(&t);
        }
        // Runs of domain bytes only, longer: labels, hyphens, digits, TLDs cut at 63 letters.
        const DOMAIN_BYTES: [char; 10] = ['a', 'b', 'Z', '1', '-', '.', '.', 'c', 'o', 'm'];
        for _ in 0..100_000 {
            t.clear();
            for _ in 0..next() % 40 {
                t.push(DOMAIN_BYTES[(next() % 10) as usize]);
            }
            same_domains_and_emails(&t);
        }
        same_domains_and_emails(&format!("x.{}.y.{} {}", "a".repeat(70), "b".repeat(63), "c-".repeat(40)));
        // Linear time on long runs that never match.
        let long = "a.1.".repeat(200_000);
        let (mut got, mut want) = (Vec::new(), Vec::new());
        dns(&long, false, &mut got);
        domain_spans(&long, |s, e| want.push((s, e)));
        assert!(got.is_empty() && want.is_empty());
    }

    /// The Tour's command lines, one by one and joined.
    #[test]
    fn paths_match_the_regexes_on_the_tour() {
        let lines = tour_command_lines();
        assert!(lines.len() > 20_000);
        for l in &lines {
            same_as_regexes(l);
        }
        same_as_regexes(&lines.join("\n"));
    }

    /// Random short texts over the characters that matter to the patterns.
    #[test]
    fn paths_match_the_regexes_on_random_texts() {
        const ALPHABET: [char; 24] = [
            '\\', '\\', '\\', '/', '/', '/', ':', ':', '.', '.', '\'', '"', ' ', 'a', 'C', '\u{212A}', '\u{17F}', '\n',
            '*', '?', '|', '<', '\0', 'é',
        ];
        const EXTRA: [char; 3] = ['>', '\r', 'k'];
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        let mut t = String::new();
        for _ in 0..200_000 {
            t.clear();
            let len = next() % 41;
            for _ in 0..len {
                let r = next();
                let c = if r.is_multiple_of(16) {
                    EXTRA[(r / 16 % 3) as usize]
                } else {
                    ALPHABET[(r / 16 % 24) as usize]
                };
                t.push(c);
            }
            same_as_regexes(&t);
        }
    }

    #[test]
    fn percent() {
        assert_eq!(percent_decode("a%3A%2F%2Fb%zz"), Some("a://b%zz".to_string()));
        assert_eq!(percent_decode("plain"), None);
        assert_eq!(percent_decode("%"), None);
    }
}
