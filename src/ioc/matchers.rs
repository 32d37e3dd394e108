//! The built-in matchers. Each returns byte spans in the (refanged) text, already validated.
//!
//! IPv4, IPv6 and hashes are hand-written byte scanners (their boundaries are easier to get right by hand than
//! with a regex without look-around); domains, URLs, emails and paths are regexes compiled once for the process,
//! each behind a cheap byte test so most command lines skip most of them.

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
pub(crate) fn ipv4(t: &[u8], out: &mut Vec<(usize, usize)>) {
    if !t.contains(&b'.') {
        return;
    }
    let n = t.len();
    let mut i = 0;
    while i < n {
        if !t.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
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
        if prev_ok {
            if let Some(end) = parse_ipv4(t, i) {
                if token_end_ok(t, end) {
                    out.push((i, end));
                    i = end;
                    continue;
                }
            }
        }
        while t.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
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
pub(crate) fn ipv6(t: &[u8], out: &mut Vec<(usize, usize)>) {
    let in_class = |b: &u8| b.is_ascii_hexdigit() || *b == b':' || *b == b'.';
    let mut i = 0;
    while let Some(colon) = t.get(i..).and_then(|rest| rest.iter().position(|b| *b == b':')) {
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

static WINPATH_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?xi)
        (?P<root>[a-z]:|\\\\[a-z0-9_.$\-]+||[.]+)
        (?P<folder>\\(?:[^/:*?"'<>|\r\n]+\\)*)
        (?P<file>[^\\/*?"<>|\r\n\x20]+)"#,
    )
    .ok()
});

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
    psl::suffix(lower).is_some_and(|s| s.is_known())
}

/// Domains, as whole tokens with a public suffix. Skipped: a match followed by `@` (an email's local part, e.g.
/// `john.name@…`), by a word character, `-` or `.x` (so `xyz.ps1` is not `xyz.ps`); one right after `_` (the end
/// of a longer token: `CbsPersist_20190116041725.cab`); and one right after a single `\` or `/` (a file name in a
/// path: `C:\Windows\Microsoft.NET`, `…/file.zip`; a UNC host after `\\` and a URL host after `//` stay). A leading
/// `2F` of `%2Fevil.com` (part of a percent escape) is dropped.
pub(crate) fn dns(t: &str, ignore_tlds: bool, out: &mut Vec<(usize, usize)>) {
    let Some(re) = DNS_RE.as_ref() else { return };
    let b = t.as_bytes();
    if !b.contains(&b'.') {
        return;
    }
    for m in re.find_iter(t) {
        let (mut s, e) = (m.start(), m.end());
        if !token_end_ok(b, e) || b.get(e) == Some(&b'@') {
            continue;
        }
        // `%2Fevil.com`: the `2F` belongs to a percent escape.
        if s.checked_sub(1).and_then(|p| b.get(p)) == Some(&b'%')
            && b.get(s..s + 2).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        {
            s += 2;
        }
        let prev = s.checked_sub(1).and_then(|p| b.get(p)).copied();
        if prev == Some(b'_') {
            continue; // part of a longer token: `CbsPersist_20190116041725.cab`
        }
        if let Some(sep @ (b'\\' | b'/')) = prev {
            if s.checked_sub(2).and_then(|p| b.get(p)) != Some(&sep) {
                continue;
            }
        }
        if t.get(s..e).is_some_and(|d| valid_domain(d, ignore_tlds)) {
            out.push((s, e));
        }
    }
}

/// Emails whose domain is a whole token with a public suffix. The local part may not start with `.`.
pub(crate) fn email(t: &str, ignore_tlds: bool, out: &mut Vec<(usize, usize)>) {
    let Some(re) = EMAIL_RE.as_ref() else { return };
    let b = t.as_bytes();
    if !b.contains(&b'@') {
        return;
    }
    for c in re.captures_iter(t) {
        let (Some(m), Some(d)) = (c.get(0), c.name("domain")) else {
            continue;
        };
        let mut s = m.start();
        while b.get(s) == Some(&b'.') {
            s += 1;
        }
        if b.get(s) == Some(&b'@') || !token_end_ok(b, m.end()) || !valid_domain(d.as_str(), ignore_tlds) {
            continue;
        }
        out.push((s, m.end()));
    }
}

/// URLs (msticpy's pattern) with: a protocol not glued to a preceding letter, a host (except `file://`), trailing
/// sentence punctuation and unbalanced closing brackets dropped, and URLs inside URLs found too.
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
        let e = trim_url_end(b, s, m.end());
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

/// Windows paths (msticpy's pattern).
pub(crate) fn windows_path(t: &str, out: &mut Vec<(usize, usize)>) {
    let Some(re) = WINPATH_RE.as_ref() else { return };
    if !t.contains('\\') {
        return;
    }
    out.extend(re.find_iter(t).map(|m| (m.start(), m.end())));
}

/// Linux paths (msticpy's pattern; noisy by design, so only when asked for).
pub(crate) fn linux_path(t: &str, out: &mut Vec<(usize, usize)>) {
    let Some(re) = LXPATH_RE.as_ref() else { return };
    if !t.contains('/') {
        return;
    }
    out.extend(re.find_iter(t).map(|m| (m.start(), m.end())));
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

    #[test]
    fn percent() {
        assert_eq!(percent_decode("a%3A%2F%2Fb%zz"), Some("a://b%zz".to_string()));
        assert_eq!(percent_decode("plain"), None);
        assert_eq!(percent_decode("%"), None);
    }
}
