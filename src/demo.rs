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

use crate::error::{Error, Result};
use crate::frame::{loganalytics, Frame};
use crate::frame::Tables;

/// The most the file may unpack to (the data set is about 29 MB unpacked): a bound for a wrong or hostile file.
const MAX_UNPACKED: u64 = 512 << 20;

/// The demo tables from the bytes of `huntbook_demo.la.json.gz` (gzipped or not), shifted so the newest event is
/// at `now_ns` (nanoseconds since the epoch).
pub fn load(bytes: &[u8], now_ns: i64) -> Result<Tables> {
    let what = "the demo data file (huntbook_demo.la.json.gz)";
    let unpacked;
    let json = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(bytes.len().saturating_mul(24));
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_UNPACKED + 1)
            .read_to_end(&mut out)
            .map_err(|e| Error::parse(what, e))?;
        if out.len() as u64 > MAX_UNPACKED {
            return Err(Error::parse(
                what,
                format!("it unpacks to more than {MAX_UNPACKED} bytes"),
            ));
        }
        unpacked = out;
        &unpacked[..]
    } else {
        bytes
    };
    let mut frames = loganalytics::parse_response(json)?.tables;
    if frames.is_empty() {
        return Err(Error::parse(
            what,
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
