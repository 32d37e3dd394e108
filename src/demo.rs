//! The demo data set: a generated Sentinel workspace with an attack story in it.
//!
//! The data is not compiled into the library (it would add 1.3 MB to every download of the wasm): it ships as
//! `huntbook_demo.la.json.gz` beside the wasm in the npm package (a copy of `demo_data/demo.la.json.gz`, made by
//! `demo_data/generate.py`, see `demo_data/README.md` for the story), and JS's `loadDemo()` fetches it and hands the
//! bytes to [`load`]. It stays gzipped Log Analytics JSON because that is the smallest download: the same tables as
//! gzipped Arrow IPC streams measured 2.5 MB (string offsets of the 224-column SecurityEvent compress poorly).
//! A file that a server un-gzipped on the way (`Content-Encoding`) loads too.
//!
//! At load every datetime is shifted by one amount so that the newest `TimeGenerated` over all tables is "now", as
//! the Tour notebook does with its demo data, so `ago(1d)` finds the last day's events.

use std::io::Read;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::frame::{loganalytics, Frame};
use crate::frame::Tables;

/// The most the file may unpack to (the data set is about 35 MB unpacked): a bound for a wrong or hostile file.
const MAX_UNPACKED: u64 = 512 << 20;

// The functions below are `#[inline(never)]`: one copy each in the wasm (this crate builds at opt-level 3, which
// would inline them at each caller; the wasm has 3.0 MB gzip to spend in all, issue #16).
const WHAT: &str = "the demo data file (huntbook_demo.la.json.gz)";

/// The demo tables from the bytes of `huntbook_demo.la.json.gz` (gzipped or not), shifted so the newest event is
/// at `now_ns` (nanoseconds since the epoch).
///
/// The package's file is one gzip member laid out for reading one table at a time (see `demo_data/generate.py`'s
/// `pack`): its deflate stream starts with an index in stored (uncompressed) blocks, and each table's compressed
/// bytes inflate on their own. Then the tables are lazy (issue #16's cold start): this reads the index and each
/// table's columns (the first bytes of its data) and returns at once; a table's rows are unpacked and read the
/// first time a query asks for it, shifted by the amount the index's newest `TimeGenerated` gives, so every table
/// is the same as when all are read up front. Any other file (another gzip, plain JSON) is read whole.
pub fn load(bytes: &[u8], now_ns: i64) -> Result<Tables> {
    if let Some((first, end)) = stored_head(bytes) {
        if let Some(index) = first.strip_prefix(br#"{"huntbookIndex":"#) {
            if let Some(index) = index.strip_suffix(br#","tables":["#) {
                return load_lazy(index, &bytes[end..], bytes, now_ns);
            }
        }
    }
    load_all(bytes, now_ns)
}

/// Reads every table of the file now.
#[inline(never)]
fn load_all(bytes: &[u8], now_ns: i64) -> Result<Tables> {
    let unpacked;
    let json = if bytes.starts_with(&[0x1f, 0x8b]) {
        unpacked = gunzip(bytes)?;
        &unpacked[..]
    } else {
        bytes
    };
    let mut frames = loganalytics::parse_response(json)?.tables;
    if frames.is_empty() {
        return Err(Error::parse(
            WHAT,
            "it holds no table: load the huntbook_demo.la.json.gz of the package",
        ));
    }
    shift_to_now(&mut frames, now_ns)?;
    let mut data = Tables::new();
    for f in frames {
        data.add(f);
    }
    Ok(data)
}

/// The gzip member `packed`, unpacked (bounded).
#[inline(never)]
fn gunzip(packed: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(packed.len().saturating_mul(24));
    flate2::read::GzDecoder::new(packed)
        .take(MAX_UNPACKED + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::parse(WHAT, e))?;
    if out.len() as u64 > MAX_UNPACKED {
        return Err(Error::parse(WHAT, format!("it unpacks to more than {MAX_UNPACKED} bytes")));
    }
    Ok(out)
}

/// Says whether the output unpacked so far is enough (see [`inflate`]).
type Enough<'a> = &'a dyn Fn(&[u8]) -> bool;

/// Raw deflate bytes (a table's, which start and end on a full flush) unpacked, until `enough` says the output so
/// far is (then possibly a little past it), else all of them (bounded). `enough` is asked after each piece, and the
/// pieces double, so it may look at the whole output each time.
#[inline(never)]
fn inflate(data: &[u8], enough: Option<Enough>) -> Result<Vec<u8>> {
    let mut d = flate2::Decompress::new(false);
    let mut out = Vec::with_capacity(if enough.is_some() { 16 << 10 } else { data.len().saturating_mul(24) });
    loop {
        if out.len() == out.capacity() {
            out.reserve(out.len().max(16 << 10));
        }
        let (seen, used) = (out.len(), d.total_in());
        let status = d
            .decompress_vec(&data[d.total_in() as usize..], &mut out, flate2::FlushDecompress::None)
            .map_err(|e| Error::parse(WHAT, e))?;
        if enough.is_some_and(|enough| out.len() > seen && enough(&out)) {
            return Ok(out);
        }
        if out.len() as u64 > MAX_UNPACKED {
            return Err(Error::parse(WHAT, format!("it unpacks to more than {MAX_UNPACKED} bytes")));
        }
        let done = d.total_in() as usize == data.len() && out.len() < out.capacity();
        if status == flate2::Status::StreamEnd || done {
            return Ok(out);
        }
        if out.len() == seen && d.total_in() == used && out.len() < out.capacity() {
            return Err(Error::parse(WHAT, "a table's data ends early"));
        }
    }
}

/// The text of the stored (uncompressed) deflate blocks that open a gzip member with no optional header fields, as
/// `pack` writes the index, and where they end; None for anything else. Read by hand: the gzip reader in the wasm
/// does not say where a block ends, and a second kind of reader would cost more bytes than this.
#[inline(never)]
fn stored_head(bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
    if bytes.len() < 10 || bytes[..4] != [0x1f, 0x8b, 8, 0] {
        return None;
    }
    let (mut at, mut out) = (10, Vec::new());
    // a non-final stored block: the header byte 0 (BFINAL 0, BTYPE 00, padding), LEN, NLEN, LEN bytes
    while bytes.get(at) == Some(&0) {
        let word = |i: usize| bytes.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let (len, nlen) = (word(at + 1)?, word(at + 3)?);
        if len != !nlen {
            return None;
        }
        out.extend_from_slice(bytes.get(at + 5..at + 5 + len as usize)?);
        at += 5 + len as usize;
    }
    (!out.is_empty()).then_some((out, at))
}

/// The one table of the Log Analytics JSON `{"tables":[` + `table` + `]}`, named `name`.
#[inline(never)]
fn one_table(table: &[u8], name: &str) -> Result<Frame> {
    let mut json = Vec::with_capacity(table.len() + 16);
    json.extend_from_slice(br#"{"tables":["#);
    json.extend_from_slice(table);
    json.extend_from_slice(b"]}");
    let mut tables = loganalytics::parse_response(&json)?.tables;
    match (tables.pop(), tables.is_empty()) {
        (Some(f), true) if f.name == name => Ok(f),
        _ => Err(Error::parse(WHAT, format!("its index says table {name} is here, but it is not"))),
    }
}

const ROWS: &[u8] = br#","rows":["#;

/// Where the text of a table's JSON (`{"name":…,"columns":[…],"rows":[…`, maybe cut short) holds its first `n` rows:
/// the end of the `n`th row, or of the rows when there are fewer; None when the text is cut before that.
/// The first `,"rows":[` is the key (a string holding it would have its quotes escaped), then brackets are counted
/// outside strings.
fn rows_end(text: &[u8], n: usize) -> Option<usize> {
    let start = memchr::memmem::find(text, ROWS)? + ROWS.len();
    if n == 0 {
        return Some(start);
    }
    let (mut rows, mut depth, mut end) = (0, 0usize, None);
    crate::frame::json_brackets(&text[start..], |at, c| {
        match c {
            b'[' | b'{' => depth += 1,
            _ if depth == 0 => end = Some(start + at), // the rows end
            _ => {
                depth -= 1;
                rows += usize::from(depth == 0);
                if rows == n {
                    end = Some(start + at + 1);
                }
            }
        }
        end.is_none()
    });
    end
}

/// A table's first `n` rows (all of them when `n` is None) from its compressed bytes, where its JSON has
/// `{"name":…,"columns":[…],"rows":[`: unpacked only as far as those rows. `n` = 0 gives its columns.
#[inline(never)]
fn read_rows(data: &[u8], name: &str, n: Option<usize>) -> Result<Frame> {
    let Some(n) = n else {
        let text = inflate(data, None)?;
        return one_table(text.strip_prefix(b",").unwrap_or(&text), name);
    };
    let text = inflate(data, Some(&|out: &[u8]| rows_end(out, n).is_some()))?;
    let text = text.strip_prefix(b",").unwrap_or(&text);
    let Some(end) = rows_end(text, n) else {
        return Err(Error::parse(WHAT, format!("table {name} ends before its rows do")));
    };
    let mut table = text[..end].to_vec();
    table.extend_from_slice(b"]}");
    one_table(&table, name)
}

#[inline(never)]
fn load_lazy(index: &[u8], rest: &[u8], file: &[u8], now_ns: i64) -> Result<Tables> {
    let bad = |why: String| Error::parse(WHAT, why);
    let index: serde_json::Value = serde_json::from_slice(index).map_err(|e| Error::parse(WHAT, e))?;
    let entries = index["tables"]
        .as_array()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| bad("its index lists no table".into()))?;
    // the newest TimeGenerated over all tables, read by the same reader as the cells (so the shift is the same)
    let mut newest = None;
    for t in entries {
        if let Some(text) = t["newest"].as_str() {
            let cell = format!(
                r#"{{"name":"t","columns":[{{"name":"TimeGenerated","type":"datetime"}}],"rows":[[{}]]}}"#,
                serde_json::Value::from(text)
            );
            let ns = one_table(cell.as_bytes(), "t")?.max_datetime_ns(Some("TimeGenerated"));
            if ns.is_none() {
                return Err(bad(format!("its index's newest time {text} is no datetime")));
            }
            newest = newest.max(ns);
        }
    }
    let Some(newest) = newest else {
        // no TimeGenerated anywhere: the shift needs the newest of every datetime, so read it all now
        return load_all(file, now_ns);
    };
    let delta = now_ns.saturating_sub(newest);
    let rest: Arc<[u8]> = Arc::from(rest);
    let mut data = Tables::new();
    for t in entries {
        let name = t["name"].as_str().unwrap_or_default().to_string();
        let (start, len) = (t["offset"].as_u64().unwrap_or(u64::MAX), t["length"].as_u64().unwrap_or(u64::MAX));
        let end = start.checked_add(len).filter(|&e| e <= rest.len() as u64);
        let Some(end) = end else {
            return Err(bad(format!("its index places table {name} past the end of the file")));
        };
        let (start, end) = (start as usize, end as usize);
        let schema = read_rows(&rest[start..end], &name, Some(0))?;
        let bytes = rest.clone();
        data.add_lazy(
            schema,
            Arc::new(move |n| read_rows(&bytes[start..end], &name, n)?.shift_datetimes(delta)),
        );
    }
    Ok(data)
}

/// Shifts every datetime column of every frame by one amount so the newest `TimeGenerated` (over all frames) is
/// `now_ns`. Frames with no `TimeGenerated` use their newest datetime of any column. No datetimes: nothing changes.
pub fn shift_to_now(frames: &mut [Frame], now_ns: i64) -> Result<()> {
    let newest = frames
        .iter()
        .filter_map(|f| f.max_datetime_ns(Some("TimeGenerated")))
        .max();
    let newest = newest.or_else(|| frames.iter().filter_map(|f| f.max_datetime_ns(None)).max());
    if let Some(newest) = newest {
        let delta = now_ns.saturating_sub(newest);
        for f in frames.iter_mut() {
            *f = f.shift_datetimes(delta)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::LaType;

    static FILE: &[u8] = include_bytes!("../demo_data/demo.la.json.gz");

    #[test]
    fn demo_tables_load_and_end_now() {
        let now = 1_800_000_000_000_000_000;
        let data = load(FILE, now).unwrap();
        for t in [
            "SigninLogs",
            "SecurityAlert",
            "SecurityEvent",
            "OfficeActivity",
            "Syslog",
            "AzureActivity",
            "CommonSecurityLog",
            "DnsEvents",
            "Heartbeat",
            "ThreatIntelligenceIndicator",
            "AuditLogs",
            "AADNonInteractiveUserSignInLogs",
        ] {
            let f = data.table(t).unwrap();
            assert!(f.height() > 10, "{t} has {} rows", f.height());
            assert!(f.notes.is_empty(), "{t}: {:?}", f.notes);
        }
        let newest = data
            .frames()
            .filter_map(|f| f.max_datetime_ns(Some("TimeGenerated")))
            .max();
        assert_eq!(newest, Some(now));
        assert_eq!(
            data.table("SigninLogs").unwrap().la_type("LocationDetails").unwrap(),
            LaType::Dynamic
        );
        // as in Log Analytics, the non-interactive sign-ins keep their details as text, the audit log as dynamic
        let ni = data.table("AADNonInteractiveUserSignInLogs").unwrap();
        assert_eq!(ni.la_type("LocationDetails").unwrap(), LaType::String);
        assert_eq!(data.table("AuditLogs").unwrap().la_type("TargetResources").unwrap(), LaType::Dynamic);
        // every table carries the standard columns (hidden from query output unless named, see kql::HIDDEN_COLUMNS)
        for f in data.frames() {
            assert!(f.column("_ResourceId").is_ok() && f.column("_SubscriptionId").is_ok(), "{}", f.name);
        }
    }

    #[test]
    fn the_tables_are_read_when_asked_for_and_equal_reading_all_up_front() {
        let now = 1_800_000_000_000_000_000;
        let lazy = load(FILE, now).unwrap();
        assert_eq!(lazy.table_names().len(), 13);
        assert!(lazy.read_table_names().is_empty(), "{:?}", lazy.read_table_names());
        // the whole JSON read up front: what the file (one gzip member) gives any gzip reader
        let mut whole = Vec::new();
        flate2::read::GzDecoder::new(FILE).read_to_end(&mut whole).unwrap();
        let all = load_all(&whole, now).unwrap();
        // schemas without reading
        for name in all.table_names() {
            assert_eq!(lazy.schema(&name).unwrap(), all.schema(&name).unwrap(), "{name}");
        }
        assert!(lazy.read_table_names().is_empty());
        let copy = lazy.clone();
        assert_eq!(lazy.table("SigninLogs").unwrap().height(), 2973);
        assert_eq!(copy.read_table_names(), ["SigninLogs"], "a copy shares what is read");
        for name in all.table_names() {
            let (a, b) = (lazy.table(&name).unwrap(), all.table(&name).unwrap());
            assert_eq!(a.schema(), b.schema(), "{name}");
            assert_eq!(a.notes, b.notes, "{name}");
            assert_eq!(
                crate::frame::rows::to_json_rows(a, 0, a.height()),
                crate::frame::rows::to_json_rows(b, 0, b.height()),
                "{name}"
            );
        }
        assert_eq!(lazy.read_table_names().len(), 13);
    }

    #[test]
    fn a_lazy_tables_first_rows_are_read_alone_and_equal_the_whole_tables() {
        let now = 1_800_000_000_000_000_000;
        let lazy = load(FILE, now).unwrap();
        let mut whole = Vec::new();
        flate2::read::GzDecoder::new(FILE).read_to_end(&mut whole).unwrap();
        let all = load_all(&whole, now).unwrap();
        for name in all.table_names() {
            let full = all.table(&name).unwrap();
            // the columns before reading: the same polars types as the read table's (the KQL plan pass uses them)
            let layout = lazy.layout(&name).unwrap();
            assert_eq!(layout.height(), 0, "{name}");
            for c in full.column_names() {
                assert_eq!(layout.column(&c).unwrap().dtype(), full.column(&c).unwrap().dtype(), "{name}.{c}");
            }
            for n in [0, 1, 7, 20, full.height()] {
                let head = lazy.head(&name, n).unwrap();
                let want = full.head(n);
                assert_eq!(head.height(), want.height(), "{name} head {n}");
                assert_eq!(head.schema(), want.schema(), "{name} head {n}");
                assert_eq!(
                    crate::frame::rows::to_json_rows(&head, 0, head.height()),
                    crate::frame::rows::to_json_rows(&want, 0, want.height()),
                    "{name} head {n}"
                );
            }
        }
        // asked for more rows than it has (20 of a smaller table): that is the whole table, kept as read; the others
        // stay unread
        let small: Vec<String> = all.table_names().into_iter().filter(|t| all.table(t).unwrap().height() < 20).collect();
        assert!(!small.is_empty() && !small.contains(&"SigninLogs".to_string()), "{small:?}");
        assert_eq!(lazy.read_table_names(), small);
        // KQL: `T | take n` reads only those rows; the result is the one the whole table gives
        let q = "SigninLogs | take 20 | project TimeGenerated, UserPrincipalName, LocationDetails";
        let (a, b) = (crate::kql::execute(q, &lazy, now).unwrap(), crate::kql::execute(q, &all, now).unwrap());
        assert_eq!(a.height(), 20);
        assert_eq!(crate::frame::rows::to_json_rows(&a, 0, 20), crate::frame::rows::to_json_rows(&b, 0, 20));
        assert_eq!(lazy.read_table_names(), small);
        // anything else reads the table, once
        let n = crate::kql::execute("SigninLogs | where ResultType != '0' | count", &lazy, now).unwrap();
        assert!(lazy.read_table_names().contains(&"SigninLogs".to_string()));
        assert_eq!(lazy.read_table_names().len(), small.len() + 1);
        let m = crate::kql::execute("SigninLogs | where ResultType != '0' | count", &all, now).unwrap();
        assert_eq!(crate::frame::rows::to_json_rows(&n, 0, 1), crate::frame::rows::to_json_rows(&m, 0, 1));
    }

    #[test]
    fn rows_end_counts_rows_outside_strings() {
        let t = br#"{"name":"T","columns":[],"rows":[["a]\"[\\"],[1,[2,{"x":"]["}]],["\\"]]}"#;
        let at = |n| rows_end(t, n).map(|e| String::from_utf8_lossy(&t[..e]).into_owned());
        assert_eq!(at(0).unwrap(), r#"{"name":"T","columns":[],"rows":["#);
        assert!(at(1).unwrap().ends_with(r#""rows":[["a]\"[\\"]"#), "{:?}", at(1));
        assert!(at(2).unwrap().ends_with(r#"{"x":"]["}]]"#), "{:?}", at(2));
        assert!(at(3).unwrap().ends_with(r#"["\\"]"#), "{:?}", at(3));
        assert_eq!(at(4), at(3), "fewer rows: up to where the rows end");
        assert_eq!(rows_end(&t[..40], 3), None, "cut short");
        assert_eq!(rows_end(br#"{"name":"T","columns":[]"#, 0), None);
    }

    #[test]
    fn an_ungzipped_file_loads_and_a_wrong_one_says_what_is_wrong() {
        let json = br#"{"tables":[{"name":"T","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"N","type":"long"}],"rows":[["2024-01-01T00:00:00Z",1]]}]}"#;
        let data = load(json, 1_000).unwrap();
        assert_eq!(
            data.table("T").unwrap().max_datetime_ns(Some("TimeGenerated")),
            Some(1_000)
        );
        assert_eq!(data.table("T").unwrap().la_type("N").unwrap(), LaType::Long);
        let err = load(br#"{"tables":[]}"#, 0).unwrap_err().to_string();
        assert!(err.contains("holds no table"), "{err}");
        let err = load(&FILE[..FILE.len() / 2], 0).unwrap_err().to_string();
        assert!(err.contains("demo data file"), "{err}");
    }
}
