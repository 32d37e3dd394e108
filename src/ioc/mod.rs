//! IoC extraction: what msticpy's `IoCExtract` does: find IP addresses, domains, URLs, emails, hashes and paths
//! (and types you add) in text or in columns of a table, including defanged ones.
//!
//! - [`IocExtractor::new`] checks the options once (type names, custom regexes); [`IocExtractor::extract`] gives a
//!   **flat** list of [`Ioc`]s for one text, each observable once, in order of first appearance; and
//!   [`IocExtractor::extract_frame`] gives a table with msticpy's columns `IoCType`, `Observable`, `SourceIndex`,
//!   `Input`, plus `Refanged`. [`extract_iocs`] and [`extract_iocs_frame`] do both in one call.
//! - Types (msticpy's names): `ipv4`, `ipv6`, `dns`, `url` (http/https, ftp/sftp/ftps, telnet, ldap, file), `email`,
//!   `md5_hash`, `sha1_hash`, `sha256_hash`, `windows_path`, `linux_path` ([`IocType`]), and custom types
//!   ([`CustomIoc`]: a name, a regex and a priority, kept in the extractor, never in global state). A custom type
//!   named like a built-in one replaces it.
//! - [`classify`] says what one whole string is (`"evil[.]com"` → [`IocType::Dns`]), with the extractor's checks;
//!   [`ip`] has the IP address building blocks (networks, msticpy's [`ip::ip_type`] classes) shared with KQL.
//!
//! ## Reporting rules (msticpy's)
//!
//! - A URL and its host are both reported (the host as `dns` or `ipv4`); an email and its domain too.
//! - One string matched by several types is reported once, as the type with the best priority (lowest number:
//!   ipv4, ipv6, url 0; email and hashes 1; dns 2; windows_path 3; linux_path 4; ties go to the earlier type).
//! - Percent-encoded URLs inside a URL are decoded and searched too (`?u=https%3A%2F%2Fevil.com` gives the URL
//!   `https://evil.com` and the domain `evil.com`).
//! - Paths: for one text every type is searched (as msticpy's `extract(src=…)`); for tables paths are left out
//!   unless [`IocOptions::include_paths`] (which adds both path types; msticpy adds only Windows paths) or named
//!   in [`IocOptions::types`].
//!
//! ## Defanged indicators
//!
//! `hxxp://`, `hxxps://`, `fxp://`, `sfxp://`, `[.]`, `(.)`, `{.}`, `[dot]`, `[at]`, `(at)`, `[@]`, `[:]`, `[://]`
//! (any case; msticpy knows `hxxp`, `fxp`, `[.]` and `[at]`) are found unless [`IocOptions::defanged`] is off:
//! [`Ioc::observable`] is the text as written (`evil[.]com`, msticpy's `Observable`) and [`Ioc::refanged`] the
//! usable value (`evil.com`). Matching is done on the refanged text, so every type, including custom ones, sees
//! defanged forms. Brackets must pair (msticpy also takes a half-bracket such as `1[.2.3.4`).
//!
//! ## Fixes to msticpy 3.0.2
//!
//! 1. IPv4 octets are 0–255 (`10.0.0.300` is not an address) and an address is a whole token: nothing is taken out
//!    of `1.2.3.4.5` or `v1.2.3.4`.
//! 2. IPv6 must parse as an address: times (`12:34:56`) and MAC addresses are not IPv6.
//! 3. Domains are whole tokens: `xyz.ps1` is not the domain `xyz.ps` (207 of msticpy's rows for the Tour's
//!    process table are such `12345.ps`), `user.name@x.com` does not give `user.name`,
//!    `CbsPersist_20190116041725.cab` does not give `20190116041725.cab`, `%2Fevil.com` gives `evil.com` (not
//!    `2Fevil.com`), and a name right after a single `\` or `/` is a file in a path (`C:\Windows\Microsoft.NET`,
//!    `…\Temp\710dc858-….zip`), not a domain (a UNC host after `\\` and a URL host after `//` still are). Every
//!    reported host passes the same checks (msticpy adds every URL's host unchecked: `server` from
//!    `http://server/file.sct`, `''` from `http://`).
//! 4. Email domains are checked against the public-suffix list (msticpy checks only `dns`), and the local part is
//!    limited to letters, digits and `. _ % + -` (msticpy's wider class made `//a.com/x?email=bob@evil.com` one
//!    "email").
//! 5. URLs need a host (`http://` alone is not a URL; `file:///` is), a protocol glued to a letter is not one
//!    (`xhttp://a.com` is not `http://a.com`), trailing sentence punctuation and unbalanced closing brackets are not
//!    part of the URL (`http://a.com/x).` is `http://a.com/x`), a URL right after a quote ends at the closing quote
//!    (PowerShell's `DownloadString('https://a.com/b')}catch{}` gives `https://a.com/b`; msticpy and an RFC-only
//!    reading run on through `')`), and URLs inside URLs are found even when not
//!    percent-encoded (at most 8 inside one URL). From a percent-decoded URL we report the URLs, hosts, addresses
//!    and emails inside it (not paths), but not the decoded outer URL itself (msticpy reports only that one, often
//!    cut at a decoded space, and misses the inner URL).
//! 6. Hashes next to each other separated by one character are all found (msticpy's pattern consumed the
//!    separator and lost every second one).
//! 7. Output order is deterministic: first appearance in the text (msticpy returns Python sets); table rows follow
//!    the input rows.
//! 8. Defanged indicators come back refanged as well as as written (msticpy's `refang_ioc` only ran with
//!    `defanged=False`, where nothing defanged could match).
//! 9. Null and non-text cells are skipped (msticpy raises), and a non-text column is skipped with a note.
//! 10. Custom types belong to one extractor (msticpy stores them in class-level dicts shared by every instance).

pub mod ip;
mod matchers;
pub(crate) mod refang;
pub(crate) mod suffix;
mod table;
mod types;

pub use types::{classify, IocType};

use std::borrow::Cow;

use polars::prelude::PlHashMap;
use regex::{Regex, RegexBuilder};

use crate::error::{Error, Result};
use crate::frame::Frame;

/// Levels of percent-decoded URLs searched inside URLs.
const MAX_URL_DECODE_DEPTH: usize = 2;

/// A type you add: matches of `regex` (or of its capture group `group`) are reported as `name`.
#[derive(Debug, Clone)]
pub struct CustomIoc {
    pub name: String,
    pub regex: Regex,
    /// Lower wins when a string matches several types (built-ins use 0–4).
    pub priority: u32,
    /// The capture group whose text is reported (default: the whole match).
    pub group: Option<String>,
}

impl CustomIoc {
    /// A custom type from a pattern in Rust `regex` syntax (no look-around or back-references), compiled
    /// case-insensitive, verbose and multi-line like msticpy's.
    pub fn new(name: &str, pattern: &str, priority: u32) -> Result<CustomIoc> {
        if name.trim().is_empty() {
            return Err(Error::invalid("a custom IoC type needs a name"));
        }
        let regex = RegexBuilder::new(pattern)
            .case_insensitive(true)
            .ignore_whitespace(true)
            .multi_line(true)
            .size_limit(4 << 20)
            .build()
            .map_err(|e| Error::invalid(format!("custom IoC type '{name}': invalid regex: {e}")))?;
        Ok(CustomIoc {
            name: name.to_string(),
            regex,
            priority,
            group: None,
        })
    }

    /// Reports capture group `group` instead of the whole match.
    pub fn with_group(mut self, group: &str) -> Result<CustomIoc> {
        if !self.regex.capture_names().flatten().any(|n| n == group) {
            return Err(Error::invalid(format!(
                "custom IoC type '{}': the regex has no group '{group}'",
                self.name
            )));
        }
        self.group = Some(group.to_string());
        Ok(self)
    }
}

/// A custom type as a notebook writes it (msticpy's `add_ioc_type` arguments): `{name, regex, priority, group}`,
/// also `ioc_type` for `name` and `ioc_regex`/`pattern` for `regex`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CustomIocSpec {
    #[serde(alias = "ioc_type")]
    name: Option<String>,
    #[serde(alias = "ioc_regex", alias = "pattern")]
    regex: Option<String>,
    #[serde(deserialize_with = "crate::options::whole")]
    priority: u32,
    group: Option<String>,
}

impl<'de> serde::Deserialize<'de> for CustomIoc {
    /// Reads a [`CustomIocSpec`] with [`crate::options::read`] (the name rules of every options object) and
    /// compiles it.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let v = serde_json::Value::deserialize(d)?;
        let spec: CustomIocSpec = crate::options::read("custom IoC type", &v).map_err(D::Error::custom)?;
        let Some(name) = spec.name else {
            return Err(D::Error::custom("a custom IoC type needs a 'name' (text)"));
        };
        let Some(pattern) = spec.regex else {
            return Err(D::Error::custom(format!("custom IoC type '{name}' needs a 'regex' (text or a RegExp)")));
        };
        let c = CustomIoc::new(&name, &pattern, spec.priority).map_err(D::Error::custom)?;
        match spec.group {
            Some(g) => c.with_group(&g).map_err(D::Error::custom),
            None => Ok(c),
        }
    }
}

/// Options for extraction. Read from a notebook's options object by [`crate::options::read`] with msticpy's names:
/// `ioc_types` (or `types`; one name or a list), `include_paths`, `ignore_tlds`, `defanged`, `custom` (or
/// `custom_types`, `custom_iocs`; one [`CustomIoc`] or a list).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IocOptions {
    /// Paths: `None` follows msticpy (every type for one text; no paths for tables); `Some(true)` adds
    /// `windows_path` and `linux_path`, `Some(false)` leaves them out. Ignored when `types` is given.
    pub include_paths: Option<bool>,
    /// Only these types (built-in or custom names; `md5`, `sha1`, `sha256` are accepted for the hash types).
    #[serde(rename = "ioc_types", alias = "types", alias = "ioc_type", deserialize_with = "some_one_or_many")]
    pub types: Option<Vec<String>>,
    /// Types you add, searched after the built-in ones.
    #[serde(alias = "custom_types", alias = "custom_iocs", deserialize_with = "crate::options::one_or_many")]
    pub custom: Vec<CustomIoc>,
    /// Find defanged indicators (`hxxp://`, `[.]` …). Default true.
    pub defanged: bool,
    /// Do not check domains against the public-suffix list. Default false.
    pub ignore_tlds: bool,
}

impl Default for IocOptions {
    fn default() -> Self {
        IocOptions {
            include_paths: None,
            types: None,
            custom: Vec::new(),
            defanged: true,
            ignore_tlds: false,
        }
    }
}

/// `ioc_types`: one type name or a list of them.
fn some_one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<Vec<String>>, D::Error> {
    crate::options::one_or_many(d).map(Some)
}

/// One indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ioc {
    /// `ipv4`, `dns`, `url`, … or a custom type's name.
    pub ioc_type: String,
    /// As written in the text (msticpy's `Observable`), e.g. `hxxp://evil[.]com`.
    pub observable: String,
    /// Refanged, e.g. `http://evil.com` (the same as `observable` when it was not defanged).
    pub refanged: String,
    /// Byte offset of its first appearance in the text (for an indicator inside a percent-encoded URL: the URL's).
    pub offset: usize,
}

#[derive(Debug, Clone)]
enum Matcher {
    Builtin(IocType),
    Custom { regex: Regex, group: Option<String> },
}

#[derive(Debug, Clone)]
struct TypeDef {
    name: String,
    priority: u32,
    matcher: Matcher,
}

/// An extractor: the options checked, custom regexes compiled. Cheap to share; `extract` takes `&self`.
#[derive(Debug, Clone)]
pub struct IocExtractor {
    types: Vec<TypeDef>,
    /// Indexes into `types` searched for one text and for tables.
    for_text: Vec<usize>,
    for_table: Vec<usize>,
    defanged: bool,
    ignore_tlds: bool,
}

/// One match before de-duplication: type, spans, and where it sorts.
struct Hit<'t> {
    ty: usize,
    written: Cow<'t, str>,
    refanged: Cow<'t, str>,
    pos: usize,
    sub: usize,
}

impl IocExtractor {
    /// Checks the options: every name in `types` must be a built-in or custom type.
    pub fn new(options: &IocOptions) -> Result<IocExtractor> {
        let mut types: Vec<TypeDef> = Vec::new();
        for &b in IocType::EXTRACTED {
            if options.custom.iter().any(|c| c.name == b.as_str()) {
                continue;
            }
            types.push(TypeDef {
                name: b.as_str().to_string(),
                priority: b.priority(),
                matcher: Matcher::Builtin(b),
            });
        }
        for (k, c) in options.custom.iter().enumerate() {
            if options.custom.iter().take(k).any(|p| p.name == c.name) {
                return Err(Error::invalid(format!("custom IoC type '{}' is given twice", c.name)));
            }
            let at = IocType::EXTRACTED.iter().position(|b| b.as_str() == c.name);
            let def = TypeDef {
                name: c.name.clone(),
                priority: c.priority,
                matcher: Matcher::Custom {
                    regex: c.regex.clone(),
                    group: c.group.clone(),
                },
            };
            match at {
                // A replacement keeps the built-in's place in the order.
                Some(i) => {
                    let pos = types
                        .iter()
                        .filter(|t| {
                            IocType::EXTRACTED
                                .iter()
                                .position(|b| b.as_str() == t.name)
                                .is_some_and(|j| j < i)
                        })
                        .count();
                    types.insert(pos.min(types.len()), def);
                }
                None => types.push(def),
            }
        }
        let is_path = |t: &TypeDef| t.name == "windows_path" || t.name == "linux_path";
        let (for_text, for_table): (Vec<usize>, Vec<usize>) = match &options.types {
            Some(wanted) => {
                let mut idx = Vec::new();
                for w in wanted {
                    let name = match w.as_str() {
                        "md5" => "md5_hash",
                        "sha1" => "sha1_hash",
                        "sha256" => "sha256_hash",
                        other => other,
                    };
                    let Some(i) = types.iter().position(|t| t.name == name) else {
                        let known: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
                        return Err(Error::invalid(format!(
                            "unknown IoC type '{w}'{}. Types are: {}",
                            crate::error::DidYouMean(crate::error::closest(
                                w,
                                &known.iter().map(|s| s.to_string()).collect::<Vec<_>>()
                            )),
                            known.join(", ")
                        )));
                    };
                    if !idx.contains(&i) {
                        idx.push(i);
                    }
                }
                idx.sort_unstable();
                (idx.clone(), idx)
            }
            None => {
                let all: Vec<usize> = (0..types.len()).collect();
                let no_paths: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|i| types.get(*i).is_some_and(|t| !is_path(t)))
                    .collect();
                match options.include_paths {
                    None => (all, no_paths),
                    Some(true) => (all.clone(), all),
                    Some(false) => (no_paths.clone(), no_paths),
                }
            }
        };
        Ok(IocExtractor {
            types,
            for_text,
            for_table,
            defanged: options.defanged,
            ignore_tlds: options.ignore_tlds,
        })
    }

    /// The indicators in `text`, each observable once, in order of first appearance.
    pub fn extract(&self, text: &str) -> Vec<Ioc> {
        self.scan(text, &self.for_text)
            .into_iter()
            .map(|h| Ioc {
                ioc_type: self.types.get(h.ty).map(|t| t.name.clone()).unwrap_or_default(),
                observable: h.written.into_owned(),
                refanged: h.refanged.into_owned(),
                offset: h.pos,
            })
            .collect()
    }

    /// The indicators in `text` as a table with the columns of [`extract_iocs_frame`]; a line of the text is a row:
    /// `SourceIndex` is the (0-based) line of the first appearance and `Input` that line.
    pub fn extract_table(&self, text: &str) -> Result<Frame> {
        table::text_table(&self.extract(text), text)
    }

    /// One row per indicator per cell of `columns` (see [`extract_iocs_frame`]).
    pub fn extract_frame<S: AsRef<str>>(&self, frame: &Frame, columns: &[S]) -> Result<Frame> {
        table::extract_frame(self, frame, columns)
    }

    /// The type name of hit type `ty`.
    fn type_name(&self, ty: usize) -> &str {
        self.types.get(ty).map_or("", |t| t.name.as_str())
    }

    /// De-duplicated hits of the `active` types, sorted by first appearance.
    fn scan<'t>(&self, text: &'t str, active: &[usize]) -> Vec<Hit<'t>> {
        let mut hits = Vec::new();
        self.collect(text, active, 0, &mut hits);
        if hits.len() < 2 {
            return hits;
        }
        let prio = |ty: usize| self.types.get(ty).map_or(u32::MAX, |t| t.priority);
        // Visit in type order (stable, so by position within a type), as msticpy does: for one string the best
        // priority wins and ties keep the earlier type. Its position is its first appearance as any type.
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_by_key(|&i| hits.get(i).map_or(usize::MAX, |h| h.ty));
        let mut winners: Vec<(usize, (usize, usize))> = Vec::new();
        {
            let mut slot_of: PlHashMap<&str, usize> = PlHashMap::with_capacity_and_hasher(hits.len(), Default::default());
            for i in order {
                let Some(h) = hits.get(i) else { continue };
                match slot_of.get(h.written.as_ref()) {
                    Some(&slot) => {
                        let Some((w, first)) = winners.get_mut(slot) else {
                            continue;
                        };
                        if prio(h.ty) < prio(hits.get(*w).map_or(usize::MAX, |x| x.ty)) {
                            *w = i;
                        }
                        if (h.pos, h.sub) < *first {
                            *first = (h.pos, h.sub);
                        }
                    }
                    None => {
                        slot_of.insert(h.written.as_ref(), winners.len());
                        winners.push((i, (h.pos, h.sub)));
                    }
                }
            }
        }
        let mut chosen: Vec<((usize, usize), usize, usize)> = winners
            .iter()
            .map(|(w, first)| (*first, hits.get(*w).map_or(0, |h| h.ty), *w))
            .collect();
        chosen.sort_unstable();
        let mut slots: Vec<Option<Hit<'t>>> = hits.into_iter().map(Some).collect();
        chosen
            .into_iter()
            .filter_map(|(_, _, w)| slots.get_mut(w).and_then(Option::take))
            .collect()
    }

    /// Every raw hit of the `active` types in `text` (refanged first), plus what percent-decoded URLs hold.
    fn collect<'t>(&self, text: &'t str, active: &[usize], depth: usize, hits: &mut Vec<Hit<'t>>) {
        let rf = if self.defanged {
            refang::refang(text)
        } else {
            refang::Refanged::plain(text)
        };
        let r: &str = &rf.text;
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut hash_spans: Option<Vec<(usize, usize)>> = None;
        for &ty in active {
            let Some(def) = self.types.get(ty) else { continue };
            spans.clear();
            match &def.matcher {
                Matcher::Builtin(b) => match b {
                    IocType::Ipv4 => matchers::ipv4(r.as_bytes(), &mut spans),
                    IocType::Ipv6 => matchers::ipv6(r.as_bytes(), &mut spans),
                    IocType::Dns => matchers::dns(r, self.ignore_tlds, &mut spans),
                    IocType::Url => matchers::url(r, &mut spans),
                    IocType::Email => matchers::email(r, self.ignore_tlds, &mut spans),
                    IocType::WindowsPath => matchers::windows_path(r, &mut spans),
                    IocType::LinuxPath => matchers::linux_path(r, &mut spans),
                    IocType::Hostname | IocType::Unknown => {}
                    IocType::Md5Hash | IocType::Sha1Hash | IocType::Sha256Hash => {
                        let len = b.hash_len().unwrap_or(0);
                        let all = hash_spans.get_or_insert_with(|| {
                            let mut v = Vec::new();
                            matchers::hash_runs(r.as_bytes(), &mut v);
                            v
                        });
                        spans.extend(all.iter().copied().filter(|(s, e)| e - s == len));
                    }
                },
                Matcher::Custom { regex, group } => match group {
                    None => spans.extend(
                        regex
                            .find_iter(r)
                            .filter(|m| !m.is_empty())
                            .map(|m| (m.start(), m.end())),
                    ),
                    Some(g) => spans.extend(
                        regex
                            .captures_iter(r)
                            .filter_map(|c| c.name(g))
                            .filter(|m| !m.is_empty())
                            .map(|m| (m.start(), m.end())),
                    ),
                },
            }
            let is_url = matches!(def.matcher, Matcher::Builtin(IocType::Url));
            let borrowed = matches!(rf.text, Cow::Borrowed(_));
            for &(s, e) in &spans {
                let (os, oe) = rf.original_span(s, e);
                let Some(written) = text.get(os..oe) else { continue };
                let refanged: Cow<'t, str> = if borrowed {
                    match text.get(s..e) {
                        Some(x) => Cow::Borrowed(x),
                        None => continue,
                    }
                } else {
                    match r.get(s..e) {
                        Some(x) => Cow::Owned(x.to_string()),
                        None => continue,
                    }
                };
                let written: Cow<'t, str> = Cow::Borrowed(written);
                hits.push(Hit {
                    ty,
                    written,
                    refanged: refanged.clone(),
                    pos: os,
                    sub: 0,
                });
                if is_url && depth < MAX_URL_DECODE_DEPTH {
                    if let Some(decoded) = matchers::percent_decode(&refanged) {
                        let mut inner: Vec<Hit<'_>> = Vec::new();
                        let no_paths: Vec<usize> = active
                            .iter()
                            .copied()
                            .filter(|i| {
                                !self
                                    .types
                                    .get(*i)
                                    .is_some_and(|t| t.name == "windows_path" || t.name == "linux_path")
                            })
                            .collect();
                        self.collect(&decoded, &no_paths, depth + 1, &mut inner);
                        inner.sort_by_key(|h| (h.pos, h.sub, h.ty));
                        let outer_ty = ty;
                        for (k, h) in inner.into_iter().enumerate() {
                            if h.ty == outer_ty && h.pos == 0 {
                                continue; // the decoded outer URL itself
                            }
                            hits.push(Hit {
                                ty: h.ty,
                                written: Cow::Owned(h.written.into_owned()),
                                refanged: Cow::Owned(h.refanged.into_owned()),
                                pos: os,
                                sub: k + 1,
                            });
                        }
                    }
                }
            }
        }
    }
}

/// The indicators in `text` (see [`IocExtractor::extract`]). Errors only for bad options.
pub fn extract_iocs(text: &str, options: &IocOptions) -> Result<Vec<Ioc>> {
    Ok(IocExtractor::new(options)?.extract(text))
}

/// One row per indicator found in each cell of `columns`, rows in input order and within a cell in order of first
/// appearance. Columns: `IoCType`, `Observable` (as written), `SourceIndex` (the row), `Input` (the cell),
/// `Refanged`. Null cells are skipped; non-text columns are skipped with a note on the table.
pub fn extract_iocs_frame<S: AsRef<str>>(frame: &Frame, columns: &[S], options: &IocOptions) -> Result<Frame> {
    IocExtractor::new(options)?.extract_frame(frame, columns)
}
