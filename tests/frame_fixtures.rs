//! The frame bridge on real service responses: every Tour table and the Log Analytics fixture parse with the
//! response's row count, types and values, and survive Arrow IPC round trips.

use std::path::PathBuf;

use huntbook::frame::arrow::{from_ipc_stream, to_ipc_stream, TimePrecision};
use huntbook::frame::loganalytics::parse_response;
use huntbook::time::parse_datetime_ns;
use huntbook::LaType;
use polars::prelude::*;
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

fn fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join("tour"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".la.json"))
        .collect();
    files.sort();
    files.push(fixtures().join("loganalytics/az_mon_raw_query.json"));
    assert_eq!(files.len(), 8, "seven Tour tables and the Log Analytics response");
    files
}

/// Compares one parsed cell with the JSON cell it came from.
fn check_cell(col: &Column, i: usize, kind: LaType, want: &Value, what: &str) {
    let got = col.get(i).unwrap();
    match (kind, want) {
        (_, Value::Null) => assert!(matches!(got, AnyValue::Null), "{what}: {got:?} should be null"),
        (LaType::DateTime, Value::String(s)) => match got {
            AnyValue::Datetime(ns, TimeUnit::Nanoseconds, _) => assert_eq!(Some(ns), parse_datetime_ns(s), "{what}"),
            other => panic!("{what}: {other:?}"),
        },
        (LaType::Long, Value::Number(n)) => assert_eq!(got, AnyValue::Int64(n.as_i64().unwrap()), "{what}"),
        (LaType::Int, Value::Number(n)) => assert_eq!(got, AnyValue::Int32(n.as_i64().unwrap() as i32), "{what}"),
        (LaType::Real, Value::Number(n)) => assert_eq!(got, AnyValue::Float64(n.as_f64().unwrap()), "{what}"),
        (LaType::Bool, Value::Bool(b)) => assert_eq!(got, AnyValue::Boolean(*b), "{what}"),
        (LaType::Timespan, Value::String(_)) => assert!(matches!(got, AnyValue::Duration(..)), "{what}"),
        (_, Value::String(s)) => assert_eq!(got.get_str(), Some(s.as_str()), "{what}"),
        (k, v) => panic!("{what}: unexpected {k} {v}"),
    }
}

#[test]
fn every_fixture_parses_with_its_rows_types_and_values() {
    for path in fixture_files() {
        let bytes = std::fs::read(&path).unwrap();
        let raw: Value = serde_json::from_slice(&bytes).unwrap();
        let table = &raw["tables"][0];
        let columns = table["columns"].as_array().unwrap();
        let rows = table["rows"].as_array().unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();

        let result = parse_response(&bytes).unwrap();
        assert!(result.error.is_none(), "{name}");
        let frame = &result.tables[0];
        assert_eq!(frame.height(), rows.len(), "{name} rows");
        assert_eq!(frame.width(), columns.len(), "{name} columns");
        assert!(frame.notes.is_empty(), "{name}: {:?}", frame.notes);
        for (j, c) in columns.iter().enumerate() {
            let cname = c["name"].as_str().unwrap();
            let kind = LaType::from_wire(c["type"].as_str().unwrap());
            assert_eq!(frame.la_type(cname).unwrap(), kind, "{name}.{cname} type");
            assert_eq!(frame.df().column(cname).unwrap().dtype(), &kind.dtype(), "{name}.{cname} dtype");
            let col = frame.df().column(cname).unwrap();
            for i in [0, rows.len() / 3, rows.len() / 2, rows.len() - 1] {
                check_cell(col, i, kind, &rows[i][j], &format!("{name}.{cname}[{i}]"));
            }
        }
    }
}

#[test]
fn tour_sample_values() {
    let read = |f: &str| parse_response(&std::fs::read(fixtures().join("tour").join(f)).unwrap()).unwrap().tables.remove(0);
    let procs = read("asn_processes_on_host.la.json");
    assert_eq!(procs.height(), 22_979);
    assert_eq!(procs.df().column("EventID").unwrap().i32().unwrap().get(0), Some(4688));
    assert_eq!(
        procs.df().column("Account").unwrap().str().unwrap().get(0),
        Some("WORKGROUP\\MSTICAlertsWin1$")
    );
    // 2021-06-25T02:39:43.869344Z: 6 fraction digits, kept to the nanosecond.
    let tg = procs.df().column("TimeGenerated").unwrap().datetime().unwrap().phys.get(0);
    assert_eq!(tg, Some(1_624_588_783_869_344_000));
    let aad = read("asn_aad_logons.la.json");
    assert_eq!(aad.la_type("LocationDetails").unwrap(), LaType::Dynamic);
    let lat = huntbook::frame::dynamic::extract_path(&aad, "LocationDetails", "geoCoordinates.latitude", "lat").unwrap();
    assert_eq!(lat.la_type("lat").unwrap(), LaType::Real);
    assert_eq!(lat.df().column("lat").unwrap().f64().unwrap().get(0), Some(41.9971809387207));
    let ts = read("asn_timeseries.la.json");
    assert_eq!(ts.la_type("TotalBytesSent").unwrap(), LaType::String, "a string column in the source");
    let exch = read("asn_exchange_admin.la.json");
    assert_eq!(exch.la_type("duration").unwrap(), LaType::Timespan);
}

const EXACT: &str = r#"{"tables":[{"name":"PrimaryResult","columns":[
    {"name":"Big","type":"long"},{"name":"When","type":"datetime"},{"name":"S","type":"string"},{"name":"Span","type":"timespan"}],
    "rows":[[9007199254740993,"2024-03-01T12:34:56.7654321Z","x","1.00:00:00.0000001"],
            [-9223372036854775807,"2024-03-01T00:00:00Z","",null],[null,null,null,"00:00:01"]]}]}"#;

#[test]
fn full_precision_arrow_round_trip_keeps_every_value() {
    let frame = parse_response(EXACT.as_bytes()).unwrap().tables.remove(0);
    let back = from_ipc_stream(&to_ipc_stream(&frame, TimePrecision::Full).unwrap()).unwrap();
    assert!(back.equals_missing(frame.df()), "{back:?}\n{:?}", frame.df());
    let big: Vec<_> = back.column("Big").unwrap().i64().unwrap().into_iter().collect();
    assert_eq!(big, [Some(9_007_199_254_740_993), Some(-9_223_372_036_854_775_807), None]);
    let when = back.column("When").unwrap().datetime().unwrap().phys.get(0);
    assert_eq!(when, Some(1_709_296_496_765_432_100));
}

#[test]
fn js_arrow_is_milliseconds_and_large_utf8() {
    let frame = parse_response(EXACT.as_bytes()).unwrap().tables.remove(0);
    let ipc = to_ipc_stream(&frame, TimePrecision::Milliseconds).unwrap();
    let back = from_ipc_stream(&ipc).unwrap();
    assert_eq!(back.column("When").unwrap().dtype(), &DataType::Datetime(TimeUnit::Milliseconds, None));
    assert_eq!(back.column("Span").unwrap().dtype(), &DataType::Duration(TimeUnit::Milliseconds));
    assert_eq!(back.column("When").unwrap().datetime().unwrap().phys.get(0), Some(1_709_296_496_765));
    assert_eq!(back.column("Big").unwrap().i64().unwrap().get(0), Some(9_007_199_254_740_993));
    // The schema message names LargeUtf8 (Arrow type id 20), never Utf8View (24).
    let schema = polars_arrow::io::ipc::read::read_stream_metadata(&mut std::io::Cursor::new(&ipc)).unwrap().schema;
    let s = schema.get("S").unwrap();
    assert_eq!(format!("{:?}", s.dtype()), "LargeUtf8");
}

#[test]
fn derived_tables_round_trip() {
    let bytes = std::fs::read(fixtures().join("tour/asn_processes_on_host.la.json")).unwrap();
    let procs = parse_response(&bytes).unwrap().tables.remove(0);
    for (what, frame) in [
        ("value counts", procs.value_counts("Account").unwrap()),
        ("slice", procs.slice(10_000, 7)),
        ("filter", procs.filter_eq("Account", &Value::String("MSTICAlertsWin1\\ian".into())).unwrap()),
        ("group count", procs.group_count(&["Account", "EventID"]).unwrap().head(4)),
    ] {
        let back = from_ipc_stream(&to_ipc_stream(&frame, TimePrecision::Full).unwrap()).unwrap();
        assert!(back.equals_missing(frame.df()), "{what}");
        assert_eq!(back.height(), frame.height(), "{what}");
    }
}
