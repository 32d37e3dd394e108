//! The embedded demo data set: a generated Sentinel workspace with an attack story in it.
//!
//! `demo_data/demo.la.json.gz` (made by `demo_data/generate.py`, see `demo_data/README.md` for the story) is
//! compiled into the library. At load every datetime is shifted by one amount so that the newest `TimeGenerated`
//! over all tables is "now", as the Tour notebook does with its demo data, so `ago(1d)` finds the last day's events.

use std::io::Read;

use crate::error::{Error, Result};
use crate::frame::{loganalytics, Frame};
use crate::frame::Tables;

static DEMO_GZ: &[u8] = include_bytes!("../demo_data/demo.la.json.gz");

/// Compressed size of the embedded data set in bytes.
pub fn compressed_size() -> usize {
    DEMO_GZ.len()
}

/// The demo tables, shifted so the newest event is at `now_ns` (nanoseconds since the epoch).
pub fn load(now_ns: i64) -> Result<Tables> {
    let mut json = Vec::with_capacity(DEMO_GZ.len() * 12);
    flate2::read::GzDecoder::new(DEMO_GZ)
        .read_to_end(&mut json)
        .map_err(|e| Error::parse("the embedded demo data", e))?;
    let result = loganalytics::parse_response(&json)?;
    let mut frames = result.tables;
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
    let newest = frames.iter().filter_map(|f| f.max_datetime_ns(Some("TimeGenerated"))).max();
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

    #[test]
    fn demo_tables_load_and_end_now() {
        let now = 1_800_000_000_000_000_000;
        let data = load(now).unwrap();
        for t in ["SigninLogs", "SecurityAlert", "SecurityEvent", "OfficeActivity", "Syslog", "AzureActivity",
                  "CommonSecurityLog", "DnsEvents", "Heartbeat", "ThreatIntelligenceIndicator"] {
            let f = data.table(t).unwrap();
            assert!(f.height() > 10, "{t} has {} rows", f.height());
            assert!(f.notes.is_empty(), "{t}: {:?}", f.notes);
        }
        let newest = data.frames().filter_map(|f| f.max_datetime_ns(Some("TimeGenerated"))).max();
        assert_eq!(newest, Some(now));
    }
}
