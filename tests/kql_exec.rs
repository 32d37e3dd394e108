//! KQL on local tables, end to end: every operator and function on small hand-made tables with known answers,
//! the Tour's queries on the demo data, the Tour's real tables checked against values computed here from their
//! JSON, real msticpy Sentinel queries, error messages with positions, and garbled queries that must not panic.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::PathBuf;

use huntbook::frame::loganalytics::parse_response;
use huntbook::frame::Tables;
use huntbook::time::parse_datetime_ns;
use huntbook::kql::{execute, parse};
use huntbook::{Frame, LaType};
use polars::prelude::*;
use serde_json::Value;

const NS: i64 = 1_000_000_000;
const HOUR: i64 = 3600 * NS;
const DAY: i64 = 24 * HOUR;

fn ts(s: &str) -> i64 {
    parse_datetime_ns(s).unwrap()
}

/// 2024-01-03T00:00:00Z: "now" for the hand-made tables.
fn now() -> i64 {
    ts("2024-01-03T00:00:00Z")
}

fn frame(name: &str, json: &str) -> Frame {
    let mut f = parse_response(json.as_bytes()).unwrap().tables.remove(0);
    f.name = name.to_string();
    f
}

const T_JSON: &str = r#"{"tables":[{"name":"T","columns":[
 {"name":"TimeGenerated","type":"datetime"},{"name":"User","type":"string"},{"name":"IP","type":"string"},
 {"name":"N","type":"long"},{"name":"Score","type":"real"},{"name":"Ok","type":"bool"},{"name":"Props","type":"dynamic"},
 {"name":"EventID","type":"int"},{"name":"Dur","type":"timespan"},{"name":"Cmd","type":"string"}],
 "rows":[
 ["2024-01-01T00:00:00Z","alice@contoso.com","10.0.0.1",5,1.5,true,"{\"geo\":{\"lat\":47.5,\"lon\":-122.1},\"tags\":[\"a\",\"b\"],\"city\":\"Seattle\"}",4624,"00:30:00","powershell.exe -enc AAAA"],
 ["2024-01-01T01:30:00Z","bob@contoso.com","10.0.0.2",3,2.5,false,"{\"geo\":{\"lat\":51.5,\"lon\":-0.1},\"tags\":[\"c\"],\"city\":\"London\"}",4625,"01:00:00","cmd.exe /c whoami"],
 ["2024-01-01T02:15:00Z","alice@contoso.com","10.0.0.1",null,null,true,"{\"geo\":{\"lat\":47.5,\"lon\":-122.1},\"tags\":[],\"city\":\"Seattle\"}",4624,null,"C:\\Windows\\System32\\notepad.exe"],
 ["2024-01-02T00:00:00Z","carol@fabrikam.com","192.168.1.5",7,0.5,false,"",4688,"2.00:00:00","executable.bin"],
 ["2024-01-02T12:00:00Z","Alice@Contoso.com","10.0.0.3",1,4.0,true,"{\"geo\":{\"lat\":40.0,\"lon\":-74.0},\"tags\":[\"a\"],\"city\":\"New York\"}",4624,"00:00:10",""]
 ]}]}"#;

const U_JSON: &str = r#"{"tables":[{"name":"U","columns":[
 {"name":"User","type":"string"},{"name":"Dept","type":"string"},{"name":"Level","type":"long"}],
 "rows":[["alice@contoso.com","Sales",1],["bob@contoso.com","IT",2],["dave@x.com","HR",3],["alice@contoso.com","Sales2",4]]}]}"#;

fn small() -> Tables {
    let mut d = Tables::new();
    d.add(frame("T", T_JSON));
    d.add(frame("U", U_JSON));
    d
}

fn run(q: &str) -> Frame {
    execute(q, &small(), now()).unwrap_or_else(|e| panic!("{q}\n→ {e}"))
}

fn err(q: &str) -> String {
    match execute(q, &small(), now()) {
        Ok(f) => panic!("{q} should fail, gave {} rows", f.height()),
        Err(e) => e.to_string(),
    }
}

fn rows(q: &str) -> usize {
    run(q).height()
}

fn col<'a>(f: &'a Frame, c: &str) -> &'a Column {
    f.df().column(c).unwrap_or_else(|_| panic!("no column {c} in {:?}", f.column_names()))
}

fn strs(f: &Frame, c: &str) -> Vec<Option<String>> {
    col(f, c).str().unwrap().into_iter().map(|v| v.map(str::to_string)).collect()
}

fn str_at(f: &Frame, c: &str, i: usize) -> String {
    strs(f, c)[i].clone().unwrap_or_else(|| panic!("{c}[{i}] is null"))
}

fn longs(f: &Frame, c: &str) -> Vec<Option<i64>> {
    col(f, c).cast(&DataType::Int64).unwrap().i64().unwrap().into_iter().collect()
}

fn reals(f: &Frame, c: &str) -> Vec<Option<f64>> {
    col(f, c).f64().unwrap().into_iter().collect()
}

fn bools(f: &Frame, c: &str) -> Vec<Option<bool>> {
    col(f, c).bool().unwrap().into_iter().collect()
}

/// Datetime or timespan column as nanoseconds.
fn nanos(f: &Frame, c: &str) -> Vec<Option<i64>> {
    let c = col(f, c);
    assert!(matches!(c.dtype(), DataType::Datetime(TimeUnit::Nanoseconds, _) | DataType::Duration(TimeUnit::Nanoseconds)), "{:?}", c.dtype());
    c.as_materialized_series().to_physical_repr().i64().unwrap().into_iter().collect()
}

// ----- where --------------------------------------------------------------------------------------------------------

#[test]
fn where_comparisons_and_logic() {
    assert_eq!(rows("T | where User == \"alice@contoso.com\""), 2);
    assert_eq!(rows("T | where User =~ \"ALICE@contoso.com\""), 3);
    assert_eq!(rows("T | where User != \"alice@contoso.com\""), 3);
    assert_eq!(rows("T | where User !~ \"alice@contoso.com\""), 2);
    assert_eq!(rows("T | where N > 2 and Score < 2"), 2);
    assert_eq!(rows("T | where N > 4 or Ok"), 4);
    assert_eq!(rows("T | where not(Ok)"), 2);
    assert_eq!(rows("T | where EventID == 4624"), 3);
    assert_eq!(rows("T | where EventID == \"4624\""), 3);
    assert_eq!(rows("T | where EventID >= 4625"), 2);
    assert_eq!(rows("T | where N != 5"), 3, "null != 5 is null, which where drops");
    assert_eq!(rows("T | where isnull(N)"), 1);
    assert_eq!(rows("T | where isnotnull(Score)"), 4);
    assert_eq!(rows("T | where isempty(Cmd)"), 1);
    assert_eq!(rows("T | where isnotempty(Props)"), 4);
    assert_eq!(rows("T | where Dur > 30m"), 2);
    assert_eq!(rows("T | where Dur == time(00:30:00)"), 1);
    assert_eq!(rows("T | where TimeGenerated > ago(1d)"), 1);
    assert_eq!(rows("T | where TimeGenerated >= datetime(2024-01-01 01:30)"), 4);
    assert_eq!(rows("T | where TimeGenerated < datetime(2024-01-02)"), 3);
    assert_eq!(rows("T | where TimeGenerated between (datetime(2024-01-01) .. 1d)"), 4);
    assert_eq!(rows("T | where TimeGenerated between (datetime(2024-01-01T01:00:00Z) .. datetime(2024-01-01T03:00:00Z))"), 2);
    assert_eq!(rows("T | where N between (3 .. 5)"), 2);
    assert_eq!(rows("T | where N !between (3 .. 5)"), 2);
    assert_eq!(rows("T | where true"), 5);
    assert_eq!(rows("T | where 1 == 2"), 0);
    // a conjunction is run part by part, time filters first: same answer
    assert_eq!(rows("T | where Cmd has \"exe\" and TimeGenerated < datetime(2024-01-01T02:00:00Z) and Ok"), 1);
}

#[test]
fn where_string_operators() {
    assert_eq!(rows("T | where Cmd has \"exe\""), 3, "powershell.exe, cmd.exe, notepad.exe; not executable.bin");
    assert_eq!(rows("T | where Cmd has \"EXE\""), 3);
    assert_eq!(rows("T | where Cmd has \"-enc\""), 1);
    assert_eq!(rows("T | where Cmd has \"system32\\\\notepad.exe\""), 1);
    assert_eq!(rows("T | where Cmd !has \"exe\""), 2);
    assert_eq!(rows("T | where Cmd has_cs \"EXE\""), 0);
    assert_eq!(rows("T | where Cmd has_cs \"exe\""), 3);
    assert_eq!(rows("T | where Cmd contains \"EXE\""), 4);
    assert_eq!(rows("T | where Cmd contains_cs \"exe\""), 4);
    assert_eq!(rows("T | where Cmd contains_cs \"EXE\""), 0);
    assert_eq!(rows("T | where Cmd !contains \"exe\""), 1);
    assert_eq!(rows("T | where Cmd startswith \"c:\""), 1);
    assert_eq!(rows("T | where Cmd !startswith \"c\""), 3);
    assert_eq!(rows("T | where Cmd endswith \".EXE\""), 1);
    assert_eq!(rows("T | where Cmd hasprefix \"power\""), 1);
    assert_eq!(rows("T | where Cmd matches regex @\"^\\w+\\.exe\""), 2);
    assert_eq!(rows("T | where IP in (\"10.0.0.1\", \"10.0.0.3\")"), 3);
    assert_eq!(rows("T | where IP !in (\"10.0.0.1\", \"10.0.0.3\")"), 2);
    assert_eq!(rows("T | where User in~ (\"ALICE@CONTOSO.COM\")"), 3);
    assert_eq!(rows("T | where User !in~ (\"ALICE@CONTOSO.COM\")"), 2);
    assert_eq!(rows("T | where EventID in (4625, 4688)"), 2);
    assert_eq!(rows("T | where Cmd has_any (\"whoami\", \"notepad\")"), 2);
    assert_eq!(rows("T | where Cmd has_all (\"cmd\", \"whoami\")"), 1);
    assert_eq!(rows("T | where Props.city == \"Seattle\""), 2);
    assert_eq!(rows("T | where Props has \"London\""), 1);
    assert_eq!(rows("T | where toreal(Props.geo.lat) > 45"), 3);
    assert_eq!(rows("T | where Props.geo.lat > 45"), 3);
}

// ----- extend and scalar functions ----------------------------------------------------------------------------------

#[test]
fn extend_computes_every_function() {
    let f = run(
        r#"T | where IP == "10.0.0.2"
        | extend a = N * 2 + 1, b = Score / 2, c = N / 2, d = TimeGenerated + 1h, e = TimeGenerated - datetime(2024-01-01),
                 f = iif(Ok, "yes", "no"), g = case(N > 5, "big", N > 2, "mid", "small"), h = tostring(N), i = toint("42"),
                 j = todouble("2.5"), k = strcat(User, "|", IP), l = strlen(User), m = substring(User, 0, 3),
                 n = tostring(split(User, "@")[1]), o = trim(@"\s+", "  x  "), p = replace_string(Cmd, "whoami", "id"),
                 q = toupper(IP), r = tolower("ABC"), s = startofday(TimeGenerated),
                 t = format_datetime(TimeGenerated, "yyyy-MM-dd HH:mm"), u = bin(TimeGenerated, 1h), v = Props.geo.lat,
                 w = toreal(Props["geo"]["lon"]), x = parse_json('{"a":[1,2]}').a[1], y = tostring(Props.tags[0]),
                 z = now(), z2 = ago(1d), aa = isempty(""), ab = strcat_delim("-", "a", "b"), ac = array_length(Props.tags),
                 ad = extract(@"(\d+)\.(\d+)$", 2, IP), ae = round(2.567, 2), af = dayofweek(TimeGenerated),
                 ag = hourofday(TimeGenerated), ah = pack_array(N, "x"), ai = not(Ok), aj = -N, ak = Dur * 2, al = 5 % 3,
                 am = coalesce(Dur, 5m), an = todatetime("2024-02-01"), ao = bin(Score, 1), ap = split("a,b,c", ","),
                 aq = tolong(Score), ar = iff(N > 100, 1, 2.5), as_ = strcat("n=", N, " ok=", Ok), at = tostring(Props.geo)"#,
    );
    assert_eq!(f.height(), 1);
    assert_eq!(longs(&f, "a"), [Some(7)]);
    assert_eq!(reals(&f, "b"), [Some(1.25)]);
    assert_eq!(longs(&f, "c"), [Some(1)]);
    assert_eq!(nanos(&f, "d"), [Some(ts("2024-01-01T02:30:00Z"))]);
    assert_eq!(nanos(&f, "e"), [Some(90 * 60 * NS)]);
    assert_eq!(f.la_type("e").unwrap(), LaType::Timespan);
    assert_eq!(str_at(&f, "f", 0), "no");
    assert_eq!(str_at(&f, "g", 0), "mid");
    assert_eq!(str_at(&f, "h", 0), "3");
    assert_eq!(longs(&f, "i"), [Some(42)]);
    assert_eq!(reals(&f, "j"), [Some(2.5)]);
    assert_eq!(str_at(&f, "k", 0), "bob@contoso.com|10.0.0.2");
    assert_eq!(longs(&f, "l"), [Some(15)]);
    assert_eq!(str_at(&f, "m", 0), "bob");
    assert_eq!(str_at(&f, "n", 0), "contoso.com");
    assert_eq!(str_at(&f, "o", 0), "x");
    assert_eq!(str_at(&f, "p", 0), "cmd.exe /c id");
    assert_eq!(str_at(&f, "q", 0), "10.0.0.2");
    assert_eq!(str_at(&f, "r", 0), "abc");
    assert_eq!(nanos(&f, "s"), [Some(ts("2024-01-01T00:00:00Z"))]);
    assert_eq!(str_at(&f, "t", 0), "2024-01-01 01:30");
    assert_eq!(nanos(&f, "u"), [Some(ts("2024-01-01T01:00:00Z"))]);
    assert_eq!(str_at(&f, "v", 0), "51.5");
    assert_eq!(f.la_type("v").unwrap(), LaType::Dynamic);
    assert_eq!(reals(&f, "w"), [Some(-0.1)]);
    assert_eq!(str_at(&f, "x", 0), "2");
    assert_eq!(str_at(&f, "y", 0), "c");
    assert_eq!(nanos(&f, "z"), [Some(now())]);
    assert_eq!(nanos(&f, "z2"), [Some(now() - DAY)]);
    assert_eq!(bools(&f, "aa"), [Some(true)]);
    assert_eq!(str_at(&f, "ab", 0), "a-b");
    assert_eq!(longs(&f, "ac"), [Some(1)]);
    assert_eq!(str_at(&f, "ad", 0), "2");
    assert_eq!(reals(&f, "ae"), [Some(2.57)]);
    assert_eq!(nanos(&f, "af"), [Some(DAY)], "2024-01-01 is a Monday");
    assert_eq!(longs(&f, "ag"), [Some(1)]);
    assert_eq!(str_at(&f, "ah", 0), "[3,\"x\"]");
    assert_eq!(bools(&f, "ai"), [Some(true)]);
    assert_eq!(longs(&f, "aj"), [Some(-3)]);
    assert_eq!(nanos(&f, "ak"), [Some(2 * HOUR)]);
    assert_eq!(longs(&f, "al"), [Some(2)]);
    assert_eq!(nanos(&f, "am"), [Some(HOUR)]);
    assert_eq!(nanos(&f, "an"), [Some(ts("2024-02-01T00:00:00Z"))]);
    assert_eq!(reals(&f, "ao"), [Some(2.0)]);
    assert_eq!(str_at(&f, "ap", 0), "[\"a\",\"b\",\"c\"]");
    assert_eq!(longs(&f, "aq"), [Some(2)]);
    assert_eq!(reals(&f, "ar"), [Some(2.5)]);
    assert_eq!(str_at(&f, "as_", 0), "n=3 ok=false");
    assert_eq!(str_at(&f, "at", 0), "{\"lat\":51.5,\"lon\":-0.1}");
}

#[test]
fn extend_over_every_row_and_naming() {
    let f = run("T | extend Lat = toreal(Props.geo.lat), Kind = iif(Ok, \"ok\", \"bad\"), Twice = N * 2 | project Lat, Kind, Twice");
    assert_eq!(reals(&f, "Lat"), [Some(47.5), Some(51.5), Some(47.5), None, Some(40.0)]);
    assert_eq!(strs(&f, "Kind"), ["ok", "bad", "ok", "bad", "ok"].map(|s| Some(s.to_string())));
    assert_eq!(longs(&f, "Twice"), [Some(10), Some(6), None, Some(14), Some(2)]);
    // later items of one extend see earlier ones
    let f = run("T | take 1 | extend a = N + 1, b = a * 10");
    assert_eq!(longs(&f, "b"), [Some(60)]);
    // unnamed: a column keeps its name, conversions take their argument's name, paths join with _, else ColumnN
    let f = run("T | take 1 | extend N, tostring(N), N * 2, Props.city, N + 1");
    let names = f.column_names();
    assert_eq!(&names[10..], ["N1", "Column1", "Props_city", "Column2"]);
    assert_eq!(strs(&f, "N1"), [Some("5".to_string())]);
    assert_eq!(longs(&f, "N"), [Some(5)]);
    // coalesce skips nulls and empty strings
    let f = run("T | extend c = coalesce(Cmd, \"none\"), d = coalesce(N, 0)");
    assert_eq!(strs(&f, "c")[4].as_deref(), Some("none"));
    assert_eq!(longs(&f, "d")[2], Some(0));
    // replacing a column keeps one column of that name
    let f = run("T | extend N = N * 10 | project N");
    assert_eq!(longs(&f, "N"), [Some(50), Some(30), None, Some(70), Some(10)]);
}

// ----- project, take, sort, top ------------------------------------------------------------------------------------

#[test]
fn project_family() {
    let f = run("T | project User, N2 = N * 2, strlen(User), EventID");
    assert_eq!(f.column_names(), ["User", "N2", "strlen_User", "EventID"]);
    assert_eq!(col(&f, "EventID").dtype(), &DataType::Int32, "a projected column keeps its type");
    let f = run("T | project-away Props, Cmd, D*");
    assert_eq!(f.column_names(), ["TimeGenerated", "User", "IP", "N", "Score", "Ok", "EventID"]);
    let f = run("T | project-rename Address = IP, Who = User");
    assert!(f.column_names().contains(&"Address".to_string()) && !f.column_names().contains(&"IP".to_string()));
    assert_eq!(strs(&f, "Who")[1].as_deref(), Some("bob@contoso.com"));
    let f = run("T | project-keep User, T*");
    assert_eq!(f.column_names(), ["TimeGenerated", "User"]);
    let f = run("T | project-reorder IP, User");
    assert_eq!(&f.column_names()[..3], ["IP", "User", "TimeGenerated"]);
    assert!(err("T | project-away Nope").contains("unknown column 'Nope'"));
    // a dynamic column keeps its type through project
    let f = run("T | project Props");
    assert_eq!(f.la_type("Props").unwrap(), LaType::Dynamic);
}

#[test]
fn take_sort_top() {
    assert_eq!(rows("T | take 2"), 2);
    assert_eq!(rows("T | limit 0"), 0);
    assert_eq!(rows("T | take 100"), 5);
    assert_eq!(longs(&run("T | sort by N"), "N"), [Some(7), Some(5), Some(3), Some(1), None]);
    assert_eq!(longs(&run("T | order by N asc"), "N"), [None, Some(1), Some(3), Some(5), Some(7)]);
    assert_eq!(longs(&run("T | sort by N asc nulls last"), "N"), [Some(1), Some(3), Some(5), Some(7), None]);
    assert_eq!(longs(&run("T | sort by N desc nulls first"), "N"), [None, Some(7), Some(5), Some(3), Some(1)]);
    let f = run("T | sort by User asc, TimeGenerated desc | project User, TimeGenerated");
    assert_eq!(str_at(&f, "User", 1), "alice@contoso.com");
    assert_eq!(nanos(&f, "TimeGenerated")[1], Some(ts("2024-01-01T02:15:00Z")));
    assert_eq!(reals(&run("T | top 2 by Score"), "Score"), [Some(4.0), Some(2.5)]);
    assert_eq!(longs(&run("T | top 5 by N asc"), "N"), [Some(1), Some(3), Some(5), Some(7), None], "top puts nulls last");
    assert_eq!(strs(&run("T | top 1 by strlen(Cmd)"), "Cmd")[0].as_deref(), Some("C:\\Windows\\System32\\notepad.exe"));
    assert_eq!(run("T | top 1 by strlen(Cmd)").width(), 10, "sort keys that are expressions leave no column");
}

// ----- summarize and friends ---------------------------------------------------------------------------------------

#[test]
fn summarize_values_and_names() {
    let f = run(
        "T | summarize n = count(), ips = dcount(IP), total = sum(N), s = make_set(IP), firstSeen = min(TimeGenerated), \
         lastSeen = max(TimeGenerated) by User | sort by User asc",
    );
    assert_eq!(f.column_names(), ["User", "n", "ips", "total", "s", "firstSeen", "lastSeen"]);
    let users: Vec<String> = strs(&f, "User").into_iter().flatten().collect();
    assert_eq!(users, ["Alice@Contoso.com", "alice@contoso.com", "bob@contoso.com", "carol@fabrikam.com"]);
    assert_eq!(longs(&f, "n"), [Some(1), Some(2), Some(1), Some(1)]);
    assert_eq!(longs(&f, "ips"), [Some(1), Some(1), Some(1), Some(1)]);
    assert_eq!(longs(&f, "total"), [Some(1), Some(5), Some(3), Some(7)]);
    assert_eq!(str_at(&f, "s", 1), "[\"10.0.0.1\"]");
    assert_eq!(f.la_type("s").unwrap(), LaType::Dynamic);
    assert_eq!(nanos(&f, "firstSeen")[1], Some(ts("2024-01-01T00:00:00Z")));
    assert_eq!(nanos(&f, "lastSeen")[1], Some(ts("2024-01-01T02:15:00Z")));

    let f = run(
        "T | summarize count(), dcount(IP), sum(N), avg(Score), min(TimeGenerated), max(N), make_set(IP), make_list(N), \
         countif(Ok), sumif(N, Ok), take_any(User), dcountif(IP, Ok), avgif(Score, Ok), maxif(N, Ok), minif(N, Ok), \
         countif(N > 2)",
    );
    assert_eq!(
        f.column_names(),
        [
            "count_", "dcount_IP", "sum_N", "avg_Score", "min_TimeGenerated", "max_N", "set_IP", "list_N", "countif_Ok",
            "sumif_N", "User", "dcountif_IP", "avgif_Score", "maxif_N", "minif_N", "countif_"
        ]
    );
    assert_eq!(longs(&f, "count_"), [Some(5)]);
    assert_eq!(longs(&f, "dcount_IP"), [Some(4)]);
    assert_eq!(longs(&f, "sum_N"), [Some(16)]);
    assert_eq!(reals(&f, "avg_Score"), [Some(2.125)]);
    assert_eq!(nanos(&f, "min_TimeGenerated"), [Some(ts("2024-01-01T00:00:00Z"))]);
    assert_eq!(longs(&f, "max_N"), [Some(7)]);
    assert_eq!(str_at(&f, "set_IP", 0), "[\"10.0.0.1\",\"10.0.0.2\",\"192.168.1.5\",\"10.0.0.3\"]");
    assert_eq!(str_at(&f, "list_N", 0), "[5,3,7,1]");
    assert_eq!(longs(&f, "countif_Ok"), [Some(3)]);
    assert_eq!(longs(&f, "countif_"), [Some(3)]);
    assert_eq!(longs(&f, "sumif_N"), [Some(6)]);
    assert_eq!(str_at(&f, "User", 0), "alice@contoso.com");
    assert_eq!(longs(&f, "dcountif_IP"), [Some(2)]);
    assert_eq!(reals(&f, "avgif_Score"), [Some(2.75)]);
    assert_eq!(longs(&f, "maxif_N"), [Some(5)]);
    assert_eq!(longs(&f, "minif_N"), [Some(1)]);

    // two of the same aggregation: the second gets a number
    let f = run("T | summarize make_set(IP), make_set(IP)");
    assert_eq!(f.column_names(), ["set_IP", "set_IP1"]);
}

#[test]
fn summarize_by_bin_expressions_and_empty_input() {
    let f = run("T | summarize c = count() by bin(TimeGenerated, 1d)");
    assert_eq!(f.column_names(), ["TimeGenerated", "c"]);
    assert_eq!(nanos(&f, "TimeGenerated"), [Some(ts("2024-01-01T00:00:00Z")), Some(ts("2024-01-02T00:00:00Z"))]);
    assert_eq!(longs(&f, "c"), [Some(3), Some(2)]);
    let f = run("T | summarize count() by Day = bin(TimeGenerated, 1d), Ok | sort by Day asc, Ok asc");
    assert_eq!(f.column_names(), ["Day", "Ok", "count_"]);
    assert_eq!(longs(&f, "count_"), [Some(1), Some(2), Some(1), Some(1)]);
    let f = run("T | summarize avg(Score), percent = 100.0 * countif(Ok) / count()");
    assert_eq!(reals(&f, "percent"), [Some(60.0)]);
    let f = run("T | summarize by User, Ok");
    assert_eq!(f.height(), 4);
    // no rows: one row of defaults without `by`, none with it
    let f = run("T | where N > 100 | summarize count(), sum(N), make_set(IP), max(N)");
    assert_eq!(f.height(), 1);
    assert_eq!(longs(&f, "count_"), [Some(0)]);
    assert_eq!(longs(&f, "sum_N"), [Some(0)]);
    assert_eq!(str_at(&f, "set_IP", 0), "[]");
    assert_eq!(longs(&f, "max_N"), [None]);
    assert_eq!(rows("T | where N > 100 | summarize count() by User"), 0);
    // key columns keep their type
    let f = run("T | summarize count() by EventID | sort by EventID asc");
    assert_eq!(col(&f, "EventID").dtype(), &DataType::Int32);
    assert_eq!(longs(&f, "EventID"), [Some(4624), Some(4625), Some(4688)]);
    assert_eq!(longs(&f, "count_"), [Some(3), Some(1), Some(1)]);
}

#[test]
fn arg_max_arg_min_take_any() {
    let f = run("T | summarize arg_max(TimeGenerated, *) by User | sort by User asc");
    let names = f.column_names();
    assert_eq!(&names[..2], ["User", "TimeGenerated"]);
    assert_eq!(names.len(), 10, "every column once: {names:?}");
    assert_eq!(nanos(&f, "TimeGenerated")[1], Some(ts("2024-01-01T02:15:00Z")));
    assert_eq!(str_at(&f, "Cmd", 1), "C:\\Windows\\System32\\notepad.exe");
    assert_eq!(longs(&f, "N")[1], None);
    assert_eq!(f.la_type("Props").unwrap(), LaType::Dynamic);
    let f = run("T | summarize arg_min(N, User, Cmd)");
    assert_eq!(f.column_names(), ["N", "User", "Cmd"]);
    assert_eq!(longs(&f, "N"), [Some(1)]);
    assert_eq!(str_at(&f, "User", 0), "Alice@Contoso.com");
    let f = run("T | summarize arg_max(Score, IP) by Ok | sort by Ok asc");
    assert_eq!(strs(&f, "IP"), [Some("10.0.0.2".to_string()), Some("10.0.0.3".to_string())]);
    let f = run("T | summarize take_any(*) by User");
    assert_eq!(f.width(), 10);
    assert_eq!(f.height(), 4);
}

#[test]
fn count_distinct_render() {
    let f = run("T | count");
    assert_eq!(f.column_names(), ["Count"]);
    assert_eq!(longs(&f, "Count"), [Some(5)]);
    assert_eq!(rows("T | distinct User"), 4);
    let f = run("T | distinct IP, Ok");
    assert_eq!(f.column_names(), ["IP", "Ok"]);
    assert_eq!(f.height(), 4);
    assert_eq!(rows("T | distinct *"), 5);
    let f = run("T | summarize count() by User | render barchart with (title = 'x')");
    assert!(f.notes.contains(&"render: barchart".to_string()), "{:?}", f.notes);
    assert_eq!(f.height(), 4);
}

// ----- union, mv-expand, join -------------------------------------------------------------------------------------

#[test]
fn unions() {
    let f = run("T | union U");
    assert_eq!(f.height(), 9);
    assert_eq!(&f.column_names()[10..], ["Dept", "Level"]);
    assert_eq!(strs(&f, "Dept")[0], None);
    assert_eq!(strs(&f, "Dept")[5].as_deref(), Some("Sales"));
    assert_eq!(strs(&f, "User")[8].as_deref(), Some("alice@contoso.com"));
    assert_eq!(rows("union T, U | where isnotempty(Dept)"), 4);
    let f = run("union withsource=Src T, (U | where Level > 2)");
    assert_eq!(f.column_names()[0], "Src");
    let srcs: Vec<String> = strs(&f, "Src").into_iter().flatten().collect();
    assert_eq!(srcs.iter().filter(|s| *s == "T").count(), 5);
    assert_eq!(srcs.iter().filter(|s| *s == "union_arg1").count(), 2);
    let f = run("union kind=inner T, U");
    assert_eq!(f.column_names(), ["User"]);
    assert_eq!(f.la_type("User").unwrap(), LaType::String);
}

#[test]
fn mv_expand() {
    let f = run("T | mv-expand tag = Props.tags | project User, tag");
    assert_eq!(f.height(), 5, "two tags, one, none (row dropped), null (kept), one");
    assert_eq!(strs(&f, "tag"), [Some("a".into()), Some("b".into()), Some("c".into()), None, Some("a".into())]);
    let f = run("T | mv-expand tag = Props.tags to typeof(string) | where isnotempty(tag) | summarize n = count() by tag | sort by tag asc");
    assert_eq!(strs(&f, "tag"), [Some("a".into()), Some("b".into()), Some("c".into())]);
    assert_eq!(longs(&f, "n"), [Some(2), Some(1), Some(1)]);
    let f = run("T | extend nums = dynamic([1, 2, 3]) | take 1 | mv-expand nums to typeof(long) | summarize sum(nums)");
    assert_eq!(longs(&f, "sum_nums"), [Some(6)]);
    assert_eq!(rows("T | take 1 | mv-expand Props"), 3, "a bag expands into its properties");
}

#[test]
fn joins() {
    let f = run("T | join kind=inner (U) on User");
    assert_eq!(f.height(), 5);
    assert!(f.column_names().contains(&"User1".to_string()));
    assert_eq!(rows("T | join (U) on User"), 3, "innerunique keeps one left row per key");
    assert_eq!(rows("T | join kind=leftouter (U) on User"), 7);
    assert_eq!(rows("T | join kind=fullouter (U) on User"), 8);
    assert_eq!(rows("T | join kind=rightouter (U) on User"), 6);
    let f = run("T | join kind=leftanti (U) on User");
    assert_eq!(f.height(), 2);
    assert_eq!(f.width(), 10);
    assert_eq!(rows("T | join kind=leftsemi (U) on User"), 3);
    let f = run("T | join kind=rightsemi (U) on User");
    assert_eq!(f.column_names(), ["User", "Dept", "Level"]);
    assert_eq!(f.height(), 3);
    let f = run("T | join kind=rightanti U on User");
    assert_eq!(strs(&f, "User"), [Some("dave@x.com".into())]);
    let f = run("T | project Who = User, N | join kind=inner (U | project User, Dept) on $left.Who == $right.User | sort by Dept asc");
    assert_eq!(f.column_names(), ["Who", "N", "User", "Dept"]);
    assert_eq!(strs(&f, "Dept")[0].as_deref(), Some("IT"));
    let f = run("T | join kind=leftouter (U) on User | where User == \"carol@fabrikam.com\"");
    assert_eq!(strs(&f, "Dept"), [None]);
}

// ----- lets --------------------------------------------------------------------------------------------------------

#[test]
fn lets_scalar_and_tabular() {
    let q = "let threshold = 2;\nlet users = T | where N > threshold | distinct User;\nT | where User in (users) | count";
    assert_eq!(longs(&run(q), "Count"), [Some(4)]);
    let f = run("let maxN = toscalar(T | summarize max(N)); T | where N == maxN | project User");
    assert_eq!(strs(&f, "User"), [Some("carol@fabrikam.com".into())]);
    assert_eq!(rows("let u = \"bob@contoso.com\";\nT | where User == u"), 1);
    assert_eq!(rows("let d = dynamic([\"10.0.0.1\",\"10.0.0.2\"]); T | where IP in (d)"), 3);
    assert_eq!(rows("let start = datetime(2024-01-01T01:00:00Z); let end = start + 2h; T | where TimeGenerated between (start .. end)"), 2);
    assert_eq!(rows("let t = T | where Ok; let t2 = t | where N > 1; t2"), 1);
    assert_eq!(rows("let n = 3; T | take n"), 3);
    // a let that is never used is never run
    assert_eq!(rows("let unused = NoSuchTable | take 1; T"), 5);
    // lets shadow columns
    assert_eq!(rows("let User = \"bob@contoso.com\"; T | where IP == \"10.0.0.2\" and User == \"bob@contoso.com\""), 1);
    assert_eq!(rows("T | where User == 'bob@contoso.com'; "), 1);
    assert_eq!(rows("// a comment\nT // another\n| where Ok // trailing\n"), 3);
}

// ----- errors ------------------------------------------------------------------------------------------------------

#[test]
fn errors_say_where_and_what() {
    assert_eq!(err("T\n| where Usr == \"x\""), "line 2, col 9: unknown column 'Usr' (did you mean 'User'?)");
    assert_eq!(err("Tx | take 1"), "line 1, col 1: unknown table 'Tx' (did you mean 'T'?). Tables are: T, U");
    assert_eq!(err("t | take 1"), "line 1, col 1: unknown table 't' (did you mean 'T'?). Tables are: T, U");
    assert_eq!(err("T | extend x = foo(1)"), "line 1, col 16: unknown function 'foo'");
    assert_eq!(err("T | extend x = tostrin(N)"), "line 1, col 16: unknown function 'tostrin' (did you mean 'tostring'?)");
    assert_eq!(err("T | where N + \"a\" > 1"), "line 1, col 11: cannot compute long + string (use strcat() to join strings)");
    assert_eq!(err("T | extend x = count()"), "line 1, col 16: count() is an aggregation: use it in summarize");
    assert_eq!(err("T | summarize count() by"), "line 1, col 25: expected an expression, found the end of the query");
    assert_eq!(err("T | where Cmd matches regex \"(\"").split(':').next(), Some("line 1, col 11"));
    assert_eq!(err("T | summarize x = N"), "line 1, col 19: summarize needs an aggregation here (count(), sum(x), dcount(x) …)");
    assert_eq!(err("T | join (U) on Nope"), "line 1, col 17: the left side of the join has no column 'Nope'");
    assert!(err("T | where Props.city.x.y > datetime(2024-01-01) + 'x'").starts_with("line 1, col "));
    assert_eq!(err("T | where N > 1 |"), "line 1, col 18: expected an operator after '|', found the end of the query");
    assert_eq!(err("let x = 1; x"), "line 1, col 12: 'x' is a value, not a table");
    assert_eq!(err("1 + 2"), "line 1, col 1: a query must be a table expression (a table name, then '| operator …')");
    // the parse API reports syntax errors the same way
    assert_eq!(parse("T | where (").unwrap_err().to_string(), "line 1, col 12: expected an expression, found the end of the query");
    assert!(parse("T | where x == 1 | summarize count() by bin(TimeGenerated, 1h)").is_ok());
}

// ----- never panics ------------------------------------------------------------------------------------------------

/// A small deterministic generator (no rand crate).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() as usize) % n }
    }
}

fn char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Garbles `seeds` `runs` times (cut, delete a slice, insert one of `puncts`, double a slice, glue tokens: 1–3 edits
/// each) with the generator seeded by `seed`, and checks that neither parsing nor running the result panics.
fn garbled_never_panic(seeds: &[&str], puncts: &[&str], seed: u64, runs: usize, data: &Tables) {
    let mut rng = Lcg(seed);
    for _ in 0..runs {
        let mut q = seeds[rng.below(seeds.len())].to_string();
        for _ in 0..1 + rng.below(3) {
            let a = char_boundary(&q, rng.below(q.len() + 1));
            let b = char_boundary(&q, (a + rng.below(12)).min(q.len()));
            q = match rng.below(5) {
                0 => q[..a].to_string(),                                                    // truncate
                1 => format!("{}{}", &q[..a], &q[b..]),                                     // delete a slice
                2 => format!("{}{}{}", &q[..a], puncts[rng.below(puncts.len())], &q[a..]),  // insert junk
                3 => format!("{}{}{}", &q[..b], &q[a..b], &q[b..]),                         // duplicate a slice
                _ => q.replacen(' ', "", 1 + rng.below(3)),                                 // glue tokens
            };
        }
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = parse(&q);
            let _ = execute(&q, data, now());
        }));
        assert!(result.is_ok(), "panicked on: {q}");
    }
}

#[test]
fn garbled_queries_never_panic() {
    let seeds = [
        "T | where TimeGenerated > ago(1d) and User has \"alice\" | summarize count() by bin(TimeGenerated, 1h) | top 3 by count_",
        "let u = dynamic([\"a\", 1, {\"k\": [2]}]); T | extend x = iif(Ok, strcat(User, '|', IP), tostring(split(Cmd, \" \")[0])) | project x",
        "T | join kind=leftouter (U | where Level > 1) on $left.User == $right.User | mv-expand t = Props.tags to typeof(string)",
        "union withsource=S T, (U | project User) | summarize arg_max(TimeGenerated, *), make_set(IP, 3) by User | order by User asc nulls last",
        "T | extend d = datetime(2024-01-01 10:00), s = time(1.02:00:00), r = @\"a\\b\", e = case(N > 1, 'x', N < 0, \"y\", 'z') | where d between (datetime(2023-12-31) .. 2d)",
        "T | where Cmd matches regex @\"^\\w+\" or Cmd has_any (\"a\", \"b\") or IP !in~ (\"X\") | project-away P*, Cmd | project-rename A = IP",
        "let m = toscalar(T | summarize max(N)); T | where N == m | extend y = format_datetime(startofday(TimeGenerated), 'yyyy-MM-dd') | render timechart",
        "T | summarize percent = 100.0 * countif(Ok) / count(), dcount(IP) by User | extend z = -percent % 7 | sort by z",
    ];
    let data = small();
    let puncts = ["|", "(", ")", "[", "]", "\"", "'", "..", "==", "!", "~", ",", ";", "{", "}", "@", "-", "*", ".", "\\", "0x", "1d", "é", "let", "by", "dynamic(", "datetime("];
    garbled_never_panic(&seeds, &puncts, 0x5eed, 240, &data);
}

// ----- demo data: the Tour's queries -------------------------------------------------------------------------------

fn demo_json() -> Value {
    let gz = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo_data/demo.la.json.gz")).unwrap();
    let mut s = String::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut s).unwrap();
    serde_json::from_str(&s).unwrap()
}

/// The demo table `name` from the raw JSON: column index by name, and rows.
fn demo_table<'a>(json: &'a Value, name: &str) -> (HashMap<String, usize>, &'a Vec<Value>) {
    let t = json["tables"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap();
    let cols = t["columns"].as_array().unwrap().iter().enumerate().map(|(i, c)| (c["name"].as_str().unwrap().to_string(), i)).collect();
    (cols, t["rows"].as_array().unwrap())
}

/// How far demo::load moves datetimes for `now`: newest TimeGenerated becomes now.
fn demo_shift(json: &Value, now: i64) -> i64 {
    let newest = json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            let i = t["columns"].as_array().unwrap().iter().position(|c| c["name"] == "TimeGenerated");
            t["rows"].as_array().unwrap().iter().filter_map(move |r| i.and_then(|i| r[i].as_str()).and_then(parse_datetime_ns))
        })
        .max()
        .unwrap();
    now - newest
}

fn fmt_dt(ns: i64) -> String {
    huntbook::time::format_datetime_ns(ns)
}

#[test]
fn tour_queries_on_demo_data() {
    let now = ts("2024-06-01T12:00:00Z");
    let data = huntbook::demo::load(include_bytes!("../demo_data/demo.la.json.gz"), now).unwrap();
    let json = demo_json();
    let shift = demo_shift(&json, now);

    // 1. alerts by name in a time window
    let (start, end) = (now - 7 * DAY, now - DAY);
    let q = format!(
        "SecurityAlert | where TimeGenerated >= datetime({}) | where TimeGenerated <= datetime({}) \
         | extend extendedProps = parse_json(ExtendedProperties) | project-away extendedProps | summarize NumAlerts=count() by AlertName",
        fmt_dt(start),
        fmt_dt(end)
    );
    let f = execute(&q, &data, now).unwrap();
    assert_eq!(f.column_names(), ["AlertName", "NumAlerts"]);
    let got: BTreeMap<String, i64> = strs(&f, "AlertName").into_iter().zip(longs(&f, "NumAlerts")).map(|(a, n)| (a.unwrap(), n.unwrap())).collect();
    let (cols, rows_) = demo_table(&json, "SecurityAlert");
    let mut want: BTreeMap<String, i64> = BTreeMap::new();
    for r in rows_ {
        let t = parse_datetime_ns(r[cols["TimeGenerated"]].as_str().unwrap()).unwrap() + shift;
        if t >= start && t <= end {
            *want.entry(r[cols["AlertName"]].as_str().unwrap().to_string()).or_default() += 1;
        }
    }
    assert!(!want.is_empty());
    assert_eq!(got, want);

    // 2. the last day's Office activity
    let f = execute("OfficeActivity | where TimeGenerated > ago(1d) | take 5", &data, now).unwrap();
    assert_eq!(f.height(), 5);
    assert!(nanos(&f, "TimeGenerated").iter().all(|t| t.unwrap() > now - DAY));
    // every column of the table but the standard ones a workspace leaves out of output unless named
    let table = data.table("OfficeActivity").unwrap();
    let shown: Vec<String> =
        table.column_names().into_iter().filter(|c| !huntbook::kql::HIDDEN_COLUMNS.contains(&c.as_str())).collect();
    assert_eq!(shown.len(), table.width() - 3, "_ResourceId, _SubscriptionId, _IsBillable");
    assert_eq!(f.column_names(), shown);

    // 3. sign-ins with a result and coordinates out of LocationDetails
    let start = now - 3 * DAY;
    let q = format!(
        "SigninLogs | where TimeGenerated >= datetime({}) \
         | extend Result = iif(ResultType == \"0\", \"Success\", \"Failed\"), \
                  Latitude = toreal(LocationDetails.geoCoordinates.latitude), \
                  Longitude = toreal(LocationDetails.geoCoordinates.longitude)",
        fmt_dt(start)
    );
    let f = execute(&q, &data, now).unwrap();
    let (cols, rows_) = demo_table(&json, "SigninLogs");
    let want: Vec<&Value> = rows_
        .iter()
        .filter(|r| parse_datetime_ns(r[cols["TimeGenerated"]].as_str().unwrap()).unwrap() + shift >= start)
        .collect();
    assert_eq!(f.height(), want.len());
    assert!(f.height() > 50);
    let results = strs(&f, "Result");
    let lats = reals(&f, "Latitude");
    let lons = reals(&f, "Longitude");
    for (i, r) in want.iter().enumerate() {
        let ok = r[cols["ResultType"]].as_str() == Some("0");
        assert_eq!(results[i].as_deref(), Some(if ok { "Success" } else { "Failed" }), "row {i}");
        let loc: Value = serde_json::from_str(r[cols["LocationDetails"]].as_str().unwrap_or("null")).unwrap_or(Value::Null);
        let num = |v: &Value| v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok()));
        assert_eq!(lats[i], num(&loc["geoCoordinates"]["latitude"]), "row {i}");
        assert_eq!(lons[i], num(&loc["geoCoordinates"]["longitude"]), "row {i}");
    }
    assert!(results.iter().any(|r| r.as_deref() == Some("Failed")) && results.iter().any(|r| r.as_deref() == Some("Success")));

    // the error the README promises
    let e = execute("SigninLogs\n| where TimeGenerated > ago(1d)\n| where IpAdress == \"1.2.3.4\"", &data, now).unwrap_err();
    assert_eq!(e.to_string(), "line 3, col 9: unknown column 'IpAdress' (did you mean 'IPAddress'?)");
}

#[test]
fn msticpy_queries_run_on_demo_data() {
    let now = ts("2024-06-01T12:00:00Z");
    let data = huntbook::demo::load(include_bytes!("../demo_data/demo.la.json.gz"), now).unwrap();
    let (start, end) = (fmt_dt(now - 21 * DAY), fmt_dt(now));
    let project = "| project-rename StartTimeUtc = StartTime, EndTimeUtc = EndTime, AlertDisplayName = DisplayName, Severity = AlertSeverity \
                   | extend AlertType = iif(isempty(AlertType), AlertName, AlertType)";
    // list_alerts
    let q = format!(
        " SecurityAlert {project} | where TimeGenerated >= datetime({start}) | where TimeGenerated <= datetime({end}) \
          | extend extendedProps = parse_json(ExtendedProperties) | extend CompromisedEntity = tostring(extendedProps[\"Compromised Host\"]) \
          | project-away extendedProps "
    );
    let f = execute(&q, &data, now).unwrap();
    assert_eq!(f.height(), data.table("SecurityAlert").unwrap().height());
    assert!(f.column_names().contains(&"AlertDisplayName".to_string()));
    // list_alerts_counts
    let q = format!(
        "SecurityAlert {project} | where TimeGenerated >= datetime({start}) | where TimeGenerated <= datetime({end}) \
         | summarize alertCount=count(), firstAlert=min(TimeGenerated), lastAlert=max(TimeGenerated) by AlertName | order by alertCount desc"
    );
    let f = execute(&q, &data, now).unwrap();
    let counts: Vec<i64> = longs(&f, "alertCount").into_iter().flatten().collect();
    assert_eq!(counts.iter().sum::<i64>(), data.table("SecurityAlert").unwrap().height() as i64);
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
    // list_related_alerts with a host and an account
    let q = format!(
        r#"
        let src_host = "SRV-DC01.contoso.com";
        let src_acct = "CONTOSO\\hclark";
        let src_proc = "";
        SecurityAlert {project}
        | where TimeGenerated >= datetime({start})
        | where TimeGenerated <= datetime({end})
        | extend Computer = src_host
        | extend src_hostname = tostring(split(src_host, ".")[0])
        | extend src_accountname = iif(src_acct contains "\\",
                                      tostring(split(src_acct, "\\")[-1]),
                                      tostring(split(src_acct, "@")[0]))
        | extend src_procname = tostring(split(src_proc, "\\")[-1])
        | extend host_match = iif(isnotempty(src_host) and
            (Entities has src_hostname or Entities has src_host
            or ExtendedProperties has src_hostname
            or ExtendedProperties has src_host), true, false)
        | extend acct_match = iif(isnotempty(src_acct)
            and (Entities has src_accountname or Entities has src_acct
            or ExtendedProperties has src_accountname
            or ExtendedProperties has src_acct), true, false)
        | extend proc_match = iif(isnotempty(src_proc)
            and (Entities has src_procname or Entities has src_proc
            or ExtendedProperties has src_procname
            or ExtendedProperties has src_proc), true, false)
        | where host_match or acct_match or proc_match
        "#
    );
    let f = execute(&q, &data, now).unwrap();
    assert!(f.height() >= 1);
    assert_eq!(strs(&f, "src_accountname")[0].as_deref(), Some("hclark"));
    assert_eq!(strs(&f, "src_hostname")[0].as_deref(), Some("SRV-DC01"));
    assert!(bools(&f, "proc_match").iter().all(|b| *b == Some(false)));
    // list_aad_signins_for_account
    let q = format!(
        r#"
        let accountName = "jdoe@contoso.com";
        let account = case(
        accountName has "@", tostring(split(accountName, "@")[0]),
        accountName has "\\", tostring(split(accountName, "\\")[1]),
        accountName
        );
        SigninLogs
        | where TimeGenerated >= datetime({start})
        | where TimeGenerated <= datetime({end})
        | where (
        (account == "!!DEFAULT!!" or UserPrincipalName has account)
        and
        ("!!DEFAULT!!" == "!!DEFAULT!!" or UserId =~ "!!DEFAULT!!")
        )
        "#
    );
    let f = execute(&q, &data, now).unwrap();
    let signins = data.table("SigninLogs").unwrap();
    let upns: Vec<Option<String>> = strs(signins, "UserPrincipalName");
    let want = upns.iter().flatten().filter(|u| u.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|t| t == "jdoe")).count();
    assert_eq!(f.height(), want);
}

// ----- the Tour's real tables ----------------------------------------------------------------------------------------

fn tour() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/tour")
}

fn tour_data(names: &[&str]) -> (Tables, HashMap<String, Value>) {
    let mut data = Tables::new();
    let mut raw = HashMap::new();
    for n in names {
        let bytes = std::fs::read(tour().join(format!("{n}.la.json"))).unwrap();
        let mut f = parse_response(&bytes).unwrap().tables.remove(0);
        f.name = n.to_string();
        data.add(f);
        raw.insert(n.to_string(), serde_json::from_slice::<Value>(&bytes).unwrap());
    }
    (data, raw)
}

fn raw_rows<'a>(raw: &'a HashMap<String, Value>, table: &str) -> (HashMap<String, usize>, &'a Vec<Value>) {
    let t = &raw[table]["tables"][0];
    let cols = t["columns"].as_array().unwrap().iter().enumerate().map(|(i, c)| (c["name"].as_str().unwrap().to_string(), i)).collect();
    (cols, t["rows"].as_array().unwrap())
}

#[test]
fn tour_tables_match_their_json() {
    let (data, raw) = tour_data(&["asn_alerts_list", "asn_aad_logons", "asn_processes_on_host"]);
    let now = ts("2021-07-01T00:00:00Z");

    // alerts by name
    let f = execute("asn_alerts_list | summarize NumAlerts=count() by AlertName", &data, now).unwrap();
    let got: BTreeMap<String, i64> = strs(&f, "AlertName").into_iter().zip(longs(&f, "NumAlerts")).map(|(a, n)| (a.unwrap_or_default(), n.unwrap())).collect();
    let (cols, rows_) = raw_rows(&raw, "asn_alerts_list");
    let mut want: BTreeMap<String, i64> = BTreeMap::new();
    for r in rows_ {
        *want.entry(r[cols["AlertName"]].as_str().unwrap_or("").to_string()).or_default() += 1;
    }
    assert_eq!(got, want);

    // distinct IPs per user
    let f = execute("asn_aad_logons | summarize dcount(IPAddress) by UserPrincipalName", &data, now).unwrap();
    assert_eq!(f.column_names(), ["UserPrincipalName", "dcount_IPAddress"]);
    let got: BTreeMap<String, i64> = strs(&f, "UserPrincipalName").into_iter().zip(longs(&f, "dcount_IPAddress")).map(|(a, n)| (a.unwrap_or_default(), n.unwrap())).collect();
    let (cols, rows_) = raw_rows(&raw, "asn_aad_logons");
    let mut sets: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for r in rows_ {
        let u = r[cols["UserPrincipalName"]].as_str().unwrap_or("").to_string();
        let ip = r[cols["IPAddress"]].as_str().unwrap_or("").to_string();
        sets.entry(u).or_default().insert(ip);
    }
    let want: BTreeMap<String, i64> = sets.into_iter().map(|(k, v)| (k, v.len() as i64)).collect();
    assert_eq!(got, want);

    // busiest accounts
    let f = execute("asn_processes_on_host | summarize count() by Account | top 3 by count_", &data, now).unwrap();
    assert_eq!(f.height(), 3);
    let (cols, rows_) = raw_rows(&raw, "asn_processes_on_host");
    let mut counts: HashMap<String, i64> = HashMap::new();
    for r in rows_ {
        *counts.entry(r[cols["Account"]].as_str().unwrap_or("").to_string()).or_default() += 1;
    }
    let mut top: Vec<i64> = counts.values().copied().collect();
    top.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(longs(&f, "count_").into_iter().flatten().collect::<Vec<_>>(), top[..3]);
    for (a, n) in strs(&f, "Account").into_iter().zip(longs(&f, "count_")) {
        assert_eq!(counts[&a.unwrap()], n.unwrap());
    }

    // `has` against terms computed here; `contains` against a substring search
    let terms = |s: &str| -> Vec<String> { s.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_string).collect() };
    let cmd = cols["CommandLine"];
    for needle in ["exe", "powershell", "system32", "c"] {
        let f = execute(&format!("asn_processes_on_host | where CommandLine has \"{needle}\" | count"), &data, now).unwrap();
        let want = rows_.iter().filter(|r| terms(r[cmd].as_str().unwrap_or("")).iter().any(|t| t == needle)).count() as i64;
        assert_eq!(longs(&f, "Count"), [Some(want)], "has {needle}");
        let f = execute(&format!("asn_processes_on_host | where CommandLine contains \"{}\" | count", needle.to_uppercase()), &data, now).unwrap();
        let want = rows_.iter().filter(|r| r[cmd].as_str().unwrap_or("").to_lowercase().contains(needle)).count() as i64;
        assert_eq!(longs(&f, "Count"), [Some(want)], "contains {needle}");
    }

    // a time window and an int comparison
    let (t0, t1) = ("2019-01-15T05:00:00Z", "2019-01-15T06:00:00Z");
    let f = execute(
        &format!("asn_processes_on_host | where TimeGenerated between (datetime({t0}) .. datetime({t1})) and EventID == 4688 | count"),
        &data,
        now,
    )
    .unwrap();
    let tg = cols["TimeGenerated"];
    let want = rows_
        .iter()
        .filter(|r| {
            let t = parse_datetime_ns(r[tg].as_str().unwrap()).unwrap();
            t >= ts(t0) && t <= ts(t1) && r[cols["EventID"]].as_i64() == Some(4688)
        })
        .count() as i64;
    assert_eq!(longs(&f, "Count"), [Some(want)]);
}

/// msticpy's `get_process_tree`, rendered by hand, on the Tour's process table as SecurityEvent.
#[test]
fn process_tree_query_on_tour_processes() {
    let bytes = std::fs::read(tour().join("asn_processes_on_host.la.json")).unwrap();
    let raw: Value = serde_json::from_slice(&bytes).unwrap();
    let mut f = parse_response(&bytes).unwrap().tables.remove(0);
    f.name = "SecurityEvent".into();
    f = f.select(&f.column_names().into_iter().filter(|c| c != "TimeCreatedUtc").collect::<Vec<_>>()).unwrap();
    let mut data = Tables::new();
    data.add(f);
    let t = &raw["tables"][0];
    let cols: HashMap<String, usize> = t["columns"].as_array().unwrap().iter().enumerate().map(|(i, c)| (c["name"].as_str().unwrap().to_string(), i)).collect();
    // a process whose parent is in the table too
    let rows_ = t["rows"].as_array().unwrap();
    let pick = rows_
        .iter()
        .find(|r| {
            let pid = r[cols["ProcessId"]].as_str().unwrap_or("");
            r[cols["CommandLine"]].as_str().unwrap_or("").contains("powershell")
                && rows_.iter().any(|p| p[cols["NewProcessId"]].as_str() == Some(pid) && p[cols["Computer"]] == r[cols["Computer"]])
        })
        .expect("a powershell process with a known parent");
    let s = |c: &str| pick[cols[c]].as_str().unwrap().to_string();
    let (host, pid, logon, name) = (s("Computer"), s("NewProcessId"), s("SubjectLogonId"), s("NewProcessName"));
    let when = parse_datetime_ns(&s("TimeGenerated")).unwrap();
    let (start, end) = (fmt_dt(when - HOUR), fmt_dt(when + HOUR));
    let project = "| project TenantId, Account, EventID, TimeGenerated, Computer, SubjectUserSid, SubjectUserName, SubjectDomainName, \
        SubjectLogonId, NewProcessId, NewProcessName, TokenElevationType, ProcessId, CommandLine, ParentProcessName, TargetLogonId, \
        SourceComputerId | extend TimeCreatedUtc=TimeGenerated";
    let name = name.replace('\\', "\\\\");
    let q = format!(
        r#"
        let start = datetime({start});
        let end = datetime({end});
        let sourceProcessId = "{pid}";
        let sourceLogonId = "{logon}";
        let sourceProcess =
        materialize(
            SecurityEvent
            | where EventID == 4688
            {project}
            | where true
            | where Computer has "{host}"
            | where TimeGenerated >= start
            | where TimeGenerated <= end
            | where SubjectLogonId == sourceLogonId
            | where NewProcessId == sourceProcessId
            | where NewProcessName =~ "{name}"
            | extend NodeRole = "source", Level = 0
            | top 1 by TimeCreatedUtc desc nulls last);
        let sourceTimeCreatedUtc = toscalar(sourceProcess | project TimeCreatedUtc);
        let sourceParentProcessId = toscalar(sourceProcess | project ProcessId);
        let system_session_id = "0x3e7";
        let parentProcess =
        materialize(
            SecurityEvent
            | where EventID == 4688
            {project}
            | where true
            | where Computer has "{host}"
            | where TimeGenerated >= start - time(1d)
            | where TimeGenerated <= end
            | where TimeGenerated <= sourceTimeCreatedUtc
            | where (SubjectLogonId == sourceLogonId or TargetLogonId == sourceLogonId)
            | where NewProcessId == sourceParentProcessId
            | extend NodeRole = "parent", Level = 1
            | top 1 by TimeCreatedUtc desc nulls last);
        let childProcesses =
        materialize(
            SecurityEvent
            | where EventID == 4688
            {project}
            | where Computer has "{host}"
            | where TimeGenerated >= start
            | where TimeGenerated <= end
            | where SubjectLogonId == sourceLogonId
            | where ProcessId == sourceProcessId
            | extend NodeRole = "child", Level = 1);
        sourceProcess
        | union (parentProcess)
        | union (childProcesses)
        | union
        (
            SecurityEvent
            | where EventID == 4688
            {project}
            | where Computer has "{host}"
            | where TimeGenerated >= start
            | where TimeGenerated <= end
            | where SubjectLogonId == sourceLogonId and SubjectLogonId != system_session_id
            | extend NodeRole = "child", Level = 2
            | join (childProcesses | project NewProcessId)
                on $left.ProcessId == $right.NewProcessId
        )
        "#
    );
    let out = execute(&q, &data, now()).unwrap_or_else(|e| panic!("{e}"));
    let roles = strs(&out, "NodeRole");
    let source_rows: Vec<usize> = (0..out.height()).filter(|&i| roles[i].as_deref() == Some("source")).collect();
    assert_eq!(source_rows.len(), 1);
    assert_eq!(strs(&out, "NewProcessId")[source_rows[0]].as_deref(), Some(pid.as_str()));
    assert!(longs(&out, "Level").iter().all(|l| matches!(l, Some(0..=2))));
    assert!(out.column_names().contains(&"NewProcessId1".to_string()), "the join adds the right key as NewProcessId1");
}

/// Real msticpy Sentinel queries (rendered by hand) parse.
#[test]
fn msticpy_queries_parse() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/msticpy-queries");
    let yaml = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let alert = yaml("kql_sent_alert.yaml");
    assert!(alert.contains("list_related_alerts"));
    let queries = [
        "SecurityAlert | project-rename StartTimeUtc = StartTime, EndTimeUtc = EndTime | where TimeGenerated >= datetime(2024-01-15T00:00:00.0000000Z) | where TimeGenerated <= datetime(2024-01-16T00:00:00.0000000Z) | extend extendedProps = parse_json(ExtendedProperties) | extend CompromisedEntity = tostring(extendedProps[\"Compromised Host\"]) | project-away extendedProps",
        "SiginLogs | where IPAddress in (\"1.2.3.4\", \"5.6.7.8\") | where TimeGenerated >= datetime(2024-01-15T00:00:00.0000000Z) | where TimeGenerated <= datetime(2024-01-16T00:00:00.0000000Z)",
        "let start = datetime(2024-01-15T00:00:00.0000000Z);\n let end = datetime(2024-01-16T00:00:00.0000000Z);\n SecurityEvent\n | where EventID == 4688\n | where true\n | where Computer has \"host1\"\n | where TimeGenerated >= start\n | where TimeGenerated <= end\n ",
        "OfficeActivity | where TimeGenerated >= datetime(2024-01-15T00:00:00.0000000Z) | where UserId has \"user\" | where RecordType == \"ExchangeAdmin\" | where Operation in~ (\"New-InboxRule\", \"Set-InboxRule\") | summarize OperationCount = count() by UserId, Operation, bin(TimeGenerated, 1h)",
        "Syslog | where TimeGenerated >= datetime(2024-01-15) | where Facility == \"authpriv\" | where SyslogMessage has \"sshd:\" | where SyslogMessage has \"Accepted\" | extend User = extract(\"for ([\\\\w\\\\.-]+)\", 1, SyslogMessage) | summarize LogonCount = count() by User, HostName, bin(TimeGenerated, 1d) | order by LogonCount desc",
        "AzureActivity | where CallerIpAddress in (\"10.1.1.1\") | where TimeGenerated >= datetime(2024-01-15T00:00:00.0000000Z) | where TimeGenerated <= datetime(2024-01-16T00:00:00.0000000Z) | summarize OperationCount=count(), OperationNames=make_set(OperationName), FirstOperation=min(TimeGenerated), LastOperation=max(TimeGenerated) by Caller, ResourceProvider",
    ];
    for q in queries {
        parse(q).unwrap_or_else(|e| panic!("{q}\n→ {e}"));
    }
}

#[test]
fn large_table_filters_are_fast() {
    let (data, _) = tour_data(&["asn_processes_on_host"]);
    let t0 = std::time::Instant::now();
    let f = execute(
        "asn_processes_on_host | where CommandLine has \"powershell\" or NewProcessName endswith \"cmd.exe\" | summarize count() by Computer",
        &data,
        now(),
    )
    .unwrap();
    assert!(f.height() >= 1);
    assert!(t0.elapsed().as_secs_f64() < 5.0, "took {:?}", t0.elapsed());
}

#[test]
fn datatable_print_range() {
    let f = run("datatable(Name:string, Age:long, When:datetime, Tags:dynamic) [\"a\", 1, datetime(2024-01-01), dynamic([1]), \"b\", 2, datetime(2024-01-02), dynamic({\"k\":\"v\"})] | where Age > 1");
    assert_eq!(strs(&f, "Name"), [Some("b".into())]);
    assert_eq!(nanos(&f, "When"), [Some(ts("2024-01-02T00:00:00Z"))]);
    assert_eq!(f.la_type("Tags").unwrap(), LaType::Dynamic);
    assert_eq!(str_at(&f, "Tags", 0), "{\"k\":\"v\"}");
    assert!(err("datatable(a:long) [\"x\"]").contains("is not a long"));
    assert!(err("datatable(a:long, b:long) [1, 2, 3]").contains("not whole rows"));
    let f = run("print x = 1 + 1, strcat(\"a\", \"b\"), y = now()");
    assert_eq!(f.column_names(), ["x", "print_1", "y"]);
    assert_eq!(longs(&f, "x"), [Some(2)]);
    assert_eq!(nanos(&f, "y"), [Some(now())]);
    let f = run("range i from 1 to 10 step 3");
    assert_eq!(longs(&f, "i"), [Some(1), Some(4), Some(7), Some(10)]);
    let f = run("range t from datetime(2024-01-01) to datetime(2024-01-02) step 6h | count");
    assert_eq!(longs(&f, "Count"), [Some(5)]);
    assert_eq!(rows("range x from 0.0 to 1.0 step 0.25"), 5);
    assert!(err("range i from 1 to 100000000000 step 1").contains("more than"));
    assert!(err("range i from 1 to 10 step 0").contains("not zero"));
    // a let over a datatable, used with `in`
    assert_eq!(rows("let ips = datatable(ip:string) [\"10.0.0.1\", \"10.0.0.2\"]; T | where IP in (ips)"), 3);
}

#[test]
fn long_let_chains_are_an_error_not_a_crash() {
    // each let uses the one before: evaluated lazily, nesting deeper and deeper
    let mut q = String::from("let t0 = T;\n");
    for i in 1..400 {
        q.push_str(&format!("let t{i} = t{} | where true;\n", i - 1));
    }
    q.push_str("t399 | count");
    assert!(err(&q).contains("too deeply"));
    let mut q = String::from("let v0 = 1;\n");
    for i in 1..30 {
        q.push_str(&format!("let v{i} = v{} + 1;\n", i - 1));
    }
    q.push_str("print x = v29");
    assert_eq!(longs(&run(&q), "x"), [Some(30)]);
}

// ----- make-series, parse, user-defined functions, lookup, invoke, more operators ----------------------------------

#[test]
fn make_series_fills_every_bin() {
    let f = run("T | make-series n=count() default=0 on TimeGenerated from datetime(2024-01-01) to datetime(2024-01-03) step 1d by User | order by User asc");
    assert_eq!(f.column_names(), ["User", "n", "TimeGenerated"]);
    assert_eq!(f.la_type("n").unwrap(), LaType::Dynamic);
    assert_eq!(
        strs(&f, "User"),
        [Some("Alice@Contoso.com".into()), Some("alice@contoso.com".into()), Some("bob@contoso.com".into()), Some("carol@fabrikam.com".into())]
    );
    assert_eq!(strs(&f, "n"), [Some("[0,1]".into()), Some("[2,0]".into()), Some("[1,0]".into()), Some("[0,1]".into())]);
    assert_eq!(str_at(&f, "TimeGenerated", 0), r#"["2024-01-01T00:00:00Z","2024-01-02T00:00:00Z"]"#);
    // no from/to: from the first to the last value; default 0 where a bin has no rows
    let f = run("T | make-series avg(Score) on TimeGenerated step 12h");
    assert_eq!(f.column_names(), ["avg_Score", "TimeGenerated"]);
    assert_eq!(str_at(&f, "avg_Score", 0), "[2.0,0,0.5,4.0]");
    // `in range(…)` includes its stop; `default=` fills empty bins
    let f = run("T | make-series m=max(N) default=-1 on TimeGenerated in range(datetime(2024-01-01), datetime(2024-01-03), 1d)");
    assert_eq!(str_at(&f, "m", 0), "[5,7,-1]");
    // a number axis
    let f = run("T | make-series count() on N from 0 to 8 step 4");
    assert_eq!((str_at(&f, "count_", 0), str_at(&f, "N", 0)), ("[2,2]".to_string(), "[0,4]".to_string()));
    // the series expand back into rows
    let f = run("T | make-series n=count() on TimeGenerated from datetime(2024-01-01) to datetime(2024-01-03) step 1d | mv-expand n to typeof(long), TimeGenerated to typeof(datetime)");
    assert_eq!(longs(&f, "n"), [Some(3), Some(2)]);
    assert_eq!(nanos(&f, "TimeGenerated"), [Some(ts("2024-01-01T00:00:00Z")), Some(ts("2024-01-02T00:00:00Z"))]);
    assert!(err("T | make-series count() on TimeGenerated step 0s").contains("step greater than zero"));
    assert!(err("T | make-series count() on User step 1h").contains("needs a datetime, timespan or number axis"));
    assert!(err("T | make-series count() on TimeGenerated from datetime(2000-01-01) to datetime(2024-01-01) step 1s").contains("more than"));
}

#[test]
fn series_functions_after_make_series() {
    let f = run("print s = dynamic([1, 2, 3, 4]) | extend (rsq, slope, variance, rvariance, interception, line_fit) = series_fit_line(s)");
    assert_eq!(str_at(&f, "slope", 0), "1.0");
    assert_eq!(str_at(&f, "interception", 0), "0.0");
    assert_eq!(str_at(&f, "rsq", 0), "1.0");
    assert_eq!(str_at(&f, "line_fit", 0), "[1.0,2.0,3.0,4.0]");
    let f = run("print s = dynamic([1, 2, 3, 4]) | extend (baseline, seasonal, trend, residual) = series_decompose(s, -1, 'linefit')");
    assert_eq!(str_at(&f, "baseline", 0), "[1.0,2.0,3.0,4.0]");
    assert_eq!(str_at(&f, "residual", 0), "[0.0,0.0,0.0,0.0]");
    let f = run("print s = dynamic([1, 1, 1, 1, 1, 1, 1, 50]) | extend (anomalies, score, baseline) = series_decompose_anomalies(s)");
    assert_eq!(str_at(&f, "anomalies", 0), "[0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0]");
    assert!(err("print s = dynamic([1]) | extend (a, b) = strlen('x')").contains("does not give several values"));
    assert!(err("print s = dynamic([1, 2]) | extend (a, b) = series_fit_line(s)").contains("gives 6 values, but 2 names"));
}

#[test]
fn parse_operator() {
    let f = run("T | parse Cmd with Exe \".exe\" Rest | project Exe, Rest");
    assert_eq!(
        strs(&f, "Exe"),
        [Some("powershell".into()), Some("cmd".into()), Some("C:\\Windows\\System32\\notepad".into()), Some("".into()), Some("".into())]
    );
    assert_eq!(strs(&f, "Rest"), [Some(" -enc AAAA".into()), Some(" /c whoami".into()), Some("".into()), Some("".into()), Some("".into())]);
    assert_eq!(strs(&run("T | parse Cmd with * \"-enc \" Payload | where isnotempty(Payload) | project Payload"), "Payload"), [Some("AAAA".into())]);
    let f = run("print s = \"n=42, t=1.5; rest\" | parse s with \"n=\" n:long \", t=\" t:real \";\" *");
    assert_eq!(longs(&f, "n"), [Some(42)]);
    assert_eq!(reals(&f, "t"), [Some(1.5)]);
    // a typed column that does not fit: no match, nulls
    let f = run("print s = \"n=x\" | parse s with \"n=\" n:long");
    assert_eq!(longs(&f, "n"), [None]);
    assert_eq!(rows("T | parse-where Cmd with Name \".exe\" * | count | where Count == 3"), 1);
    let f = run("print s = \"user=bob   id=12\" | parse kind=regex s with \"user=\" u @\"\\s+id=\" id:long");
    assert_eq!((str_at(&f, "u", 0), longs(&f, "id")), ("bob".to_string(), vec![Some(12)]));
    // comments inside the pattern, as in msticpy's Sysmon parser
    let f = run("print m = \"<a>1</a><b>two</b>\" | parse m with\n  '<a>' A:int '</a>' // the first\n  '<b>' B '</b>'");
    assert_eq!((longs(&f, "A"), str_at(&f, "B", 0)), (vec![Some(1)], "two".to_string()));
    assert!(err("T | parse Cmd with \"x\"").contains("a column to extract"));
}

#[test]
fn user_defined_functions() {
    assert_eq!(longs(&run("let twice = (x:long) { x * 2 }; T | extend d = twice(N) | project d"), "d"), [Some(10), Some(6), None, Some(14), Some(2)]);
    let f = run("let f = (x:long, y:long = 10) { x + y }; print a = f(1), b = f(1, 2)");
    assert_eq!((longs(&f, "a"), longs(&f, "b")), (vec![Some(11)], vec![Some(3)]));
    assert_eq!(rows("let users = (domain:string) { T | where User endswith domain | distinct User }; users(\"contoso.com\")"), 3);
    assert_eq!(rows("let first = (t:(*), n:long) { t | take n }; first(T, 2)"), 2);
    assert_eq!(rows("let F = () { T | where Ok }; F"), 3, "a function without parameters, used as a name");
    assert_eq!(rows("let F = () { T | where Ok }; F() | where N > 1"), 1);
    assert_eq!(longs(&run("let addone = (t:(N:long)) { t | extend M = N + 1 }; T | invoke addone() | project M"), "M"), [Some(6), Some(4), None, Some(8), Some(2)]);
    assert_eq!(str_at(&run("let f = (x:string) { let y = strcat(x, \"!\"); toupper(y) }; print r = f(\"hi\")"), "r", 0), "HI!");
    assert_eq!(rows("let v = view () { U | where Level > 1 }; v"), 3);
    // a parameter converts its argument to the declared type
    assert_eq!(str_at(&run("let s = (x:string) { strcat(x, \"-\") }; print r = s(5)"), "r", 0), "5-");
    // functions see the lets before them, and in (…) takes a tabular function
    assert_eq!(rows("let dom = \"fabrikam.com\"; let hits = () { T | where User endswith dom | project IP }; T | where IP in (hits())"), 1);
    assert!(err("let f = (x:long) { x }; print f()").contains("takes 1 argument(s), 0 given"));
    assert!(err("let f = (x:long) { f(x) }; print f(1)").contains("unknown function 'f'"));
    assert!(err("let f = (x:long) { x }; f").contains("is a function"));
    assert!(err("let t = () { T }; print x = t()").contains("gives a table"));
    // deep chains of calls are an error, not a crash
    let mut q = String::from("let f0 = (x:long) { x };\n");
    for i in 1..60 {
        q.push_str(&format!("let f{i} = (x:long) {{ f{}(x) + 1 }};\n", i - 1));
    }
    q.push_str("print y = f59(0)");
    assert!(err(&q).contains("too deeply"));
}

#[test]
fn lookup_invoke_union_wildcards_item_index() {
    let f = run("T | lookup (U | where Dept != \"Sales2\") on User | project User, Dept, Level");
    assert_eq!(f.height(), 5);
    assert_eq!(strs(&f, "Dept"), [Some("Sales".into()), Some("IT".into()), Some("Sales".into()), None, None]);
    assert_eq!(longs(&f, "Level"), [Some(1), Some(2), Some(1), None, None]);
    let cols = run("T | lookup (U | where Dept != \"Sales2\") on User").column_names();
    assert_eq!(cols.iter().filter(|c| c.starts_with("User")).count(), 1, "{cols:?}");
    assert_eq!(rows("T | lookup kind=inner (U | where Dept != \"Sales2\") on User"), 3);
    assert_eq!(rows("T | lookup kind=inner (U | project-rename Who = User) on $left.User == $right.Who"), 5);
    assert_eq!(rows("union U* | where Level > 0"), 4);
    assert_eq!(rows("union withsource=Src * | where Src == \"U\""), 4);
    assert_eq!(rows("union *"), 9);
    assert_eq!(rows("union isfuzzy=true T, Nope*"), 5);
    let f = run("T | take 1 | mv-expand with_itemindex=i tag = Props.tags | project i, tag");
    assert_eq!(longs(&f, "i"), [Some(0), Some(1)]);
    assert_eq!(strs(&f, "tag"), [Some("a".into()), Some("b".into())]);
}

// ----- functions the Sentinel queries use --------------------------------------------------------------------------

#[test]
fn percentiles_and_make_bag() {
    let f = run("T | summarize p50 = percentile(N, 50), percentile(Score, 90), percentiles(N, 25, 75), percentiles_array(N, 50, 100)");
    assert_eq!(f.column_names(), ["p50", "percentile_Score_90", "percentile_N_25", "percentile_N_75", "percentiles_N"]);
    assert_eq!(longs(&f, "p50"), [Some(3)]);
    assert_eq!(reals(&f, "percentile_Score_90"), [Some(4.0)]);
    assert_eq!((longs(&f, "percentile_N_25"), longs(&f, "percentile_N_75")), (vec![Some(1)], vec![Some(5)]));
    assert_eq!(str_at(&f, "percentiles_N", 0), "[3,7]");
    let f = run("T | summarize percentile(TimeGenerated, 50) by Ok | order by Ok asc");
    assert_eq!(nanos(&f, "percentile_TimeGenerated_50"), [Some(ts("2024-01-01T01:30:00Z")), Some(ts("2024-01-01T02:15:00Z"))]);
    assert!(err("T | summarize percentile(N, 150)").contains("between 0 and 100"));
    let f = run("T | where isnotnull(N) | summarize b = make_bag(bag_pack(tostring(EventID), N))");
    assert_eq!(str_at(&f, "b", 0), r#"{"4624":5,"4625":3,"4688":7}"#);
    let f = run("T | summarize make_bag_if(pack(\"u\", User), Ok) by EventID | where EventID == 4624");
    assert_eq!(str_at(&f, "bag_", 0), r#"{"u":"alice@contoso.com"}"#);
}

#[test]
fn ip_hash_base64_url_functions() {
    let f = run(
        "print a = ipv4_is_private(\"10.1.2.3\"), b = ipv4_is_private(\"172.32.0.1\"), c = ipv4_is_private(\"192.168.0.1/24\"), \
         d = ipv4_is_private(\"8.8.8.8\"), e = parse_ipv4(\"127.0.0.1\"), f = parse_ipv4(\"10.1.2.3/8\"), \
         g = ipv4_is_in_range(\"10.1.2.3\", \"10.0.0.0/8\"), h = ipv4_is_in_range(\"11.1.2.3\", \"10.0.0.0/8\"), i = isnull(parse_ipv4(\"nope\")), \
         j = ipv4_is_match(\"192.168.1.1/24\", \"192.168.1.255\"), k = ipv4_compare(\"10.0.0.2\", \"10.0.0.1\")",
    );
    for (c, want) in [("a", true), ("b", false), ("c", true), ("d", false), ("g", true), ("h", false), ("i", true), ("j", true)] {
        assert_eq!(bools(&f, c), [Some(want)], "{c}");
    }
    assert_eq!((longs(&f, "e"), longs(&f, "f"), longs(&f, "k")), (vec![Some(2_130_706_433)], vec![Some(167_772_160)], vec![Some(1)]));
    assert_eq!(rows("T | where ipv4_is_private(IP)"), 5);
    assert_eq!(rows("T | where ipv4_is_in_range(IP, \"10.0.0.0/30\")"), 4);
    let f = run(
        "print m = hash_md5(\"abc\"), s1 = hash_sha1(\"abc\"), s = hash_sha256(\"abc\"), d = base64_decode_tostring(\"aGVsbG8=\"), \
         d2 = base64_decode_tostring(\"aGVsbG8\"), e = base64_encode_tostring(\"hello\"), u = url_encode(\"a b&c\"), v = url_decode(\"a%20b%26c\")",
    );
    assert_eq!(str_at(&f, "m", 0), "900150983cd24fb0d6963f7d28e17f72");
    assert_eq!(str_at(&f, "s1", 0), "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert_eq!(str_at(&f, "s", 0), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!((str_at(&f, "d", 0), str_at(&f, "d2", 0), str_at(&f, "e", 0)), ("hello".into(), "hello".into(), "aGVsbG8=".into()));
    assert_eq!((str_at(&f, "u", 0), str_at(&f, "v", 0)), ("a%20b%26c".into(), "a b&c".into()));
    let want: String = {
        use md5::Digest;
        md5::Md5::digest(b"alice@contoso.com").iter().map(|b| format!("{b:02x}")).collect()
    };
    assert_eq!(strs(&run("T | extend h = hash_md5(User) | project h | take 1"), "h"), [Some(want)]);
    let f = run("print u = parse_url(\"https://user:pw@example.com:8443/a/b?x=1&y=two#frag\")");
    let u: Value = serde_json::from_str(&str_at(&f, "u", 0)).unwrap();
    assert_eq!(
        u,
        serde_json::json!({"Scheme": "https", "Host": "example.com", "Port": "8443", "Path": "/a/b", "Username": "user", "Password": "pw",
                           "Query Parameters": {"x": "1", "y": "two"}, "Fragment": "frag"})
    );
    assert_eq!(str_at(&run("print h = tostring(parse_url(\"http://x.org/p\").Host)"), "h", 0), "x.org");
}

#[test]
fn dynamic_and_datetime_functions() {
    let f = run(
        "print p = pack(\"a\", 1, \"b\", \"x\"), q = pack_array(1, \"two\", 3.5), r = bag_pack(\"k\", dynamic([1])), \
         e1 = extract_all(@\"(\\d+)\", \"a1b22c333\"), e2 = extract_all(@\"(\\w)(\\d)\", dynamic([1, 2]), \"a1b2\"), \
         e3 = extract_all(@\"(?P<letter>\\w)(?P<digit>\\d)\", dynamic([\"digit\"]), \"a1b2\"), \
         e4 = extract_all(@\"(?P<letter>\\w)(?P<digit>\\d)\", dynamic([2, \"letter\"]), \"a1b2\"), \
         k = bag_keys(dynamic({\"x\": 1, \"y\": 2})), sl = array_slice(dynamic([1, 2, 3, 4]), 1, -2), \
         n = array_length(dynamic([1, 2, 3])), n2 = isnull(array_length(dynamic({}))), \
         s1 = split(\"a.b.c\", \".\", 2), s2 = split(\"a.b.c\", \".\")[-1], s3 = split(\"a.b.c\", \".\", 5)",
    );
    assert_eq!(str_at(&f, "p", 0), r#"{"a":1,"b":"x"}"#);
    assert_eq!(str_at(&f, "q", 0), r#"[1,"two",3.5]"#);
    assert_eq!(str_at(&f, "r", 0), r#"{"k":[1]}"#);
    assert_eq!(str_at(&f, "e1", 0), r#"["1","22","333"]"#);
    assert_eq!(str_at(&f, "e2", 0), r#"[["a","1"],["b","2"]]"#);
    // named groups: one group gives a flat array (so [0] is the first match's text), several an array per match
    assert_eq!(str_at(&f, "e3", 0), r#"["1","2"]"#);
    assert_eq!(str_at(&f, "e4", 0), r#"[["1","a"],["2","b"]]"#);
    let err = huntbook::kql::execute("print x = extract_all(@\"(?P<a>\\w)\", dynamic([\"b\"]), \"x\")", &huntbook::frame::Tables::new(), 0).unwrap_err();
    assert!(err.to_string().contains("no capture group \"b\""), "{err}");
    assert_eq!(str_at(&f, "k", 0), r#"["x","y"]"#);
    assert_eq!(str_at(&f, "sl", 0), "[2,3]");
    assert_eq!((longs(&f, "n"), bools(&f, "n2")), (vec![Some(3)], vec![Some(true)]));
    assert_eq!((str_at(&f, "s1", 0), str_at(&f, "s2", 0), str_at(&f, "s3", 0)), (r#"["c"]"#.into(), "c".into(), "[]".into()));
    // split with a row's own index, and a negative index into the array
    assert_eq!(strs(&run("T | extend last = tostring(split(Cmd, \"\\\\\")[-1]) | where Cmd has \"notepad\" | project last"), "last"), [Some("notepad.exe".into())]);
    let f = run("range i from 0 to 2 step 1 | extend part = tostring(split(\"x,y,z\", \",\")[i])");
    assert_eq!(strs(&f, "part"), [Some("x".into()), Some("y".into()), Some("z".into())]);
    let f = run(
        "print a = format_datetime(datetime(2024-01-02 03:04:05.678), \"yyyy-MM-dd HH:mm:ss.fff\"), b = format_datetime(datetime(2024-01-02), \"dd/MM/yy\"), \
         c = datetime_diff('day', datetime(2024-01-10), datetime(2024-01-01)), d = datetime_diff('hour', datetime(2024-01-10), datetime(2024-01-01)), \
         e = datetime_diff('month', datetime(2024-03-01), datetime(2023-12-31)), g = datetime_diff('week', datetime(2024-01-08), datetime(2024-01-01)), \
         h = dayofweek(datetime(2024-01-03)) == 3d, i = dayofweek(datetime(2024-01-07)) == 0d, j = datetime_part(\"quarter\", datetime(2024-05-01)), \
         k = datetime_part(\"minute\", datetime(2024-05-01 10:42)), l = unixtime_seconds_todatetime(86400)",
    );
    assert_eq!((str_at(&f, "a", 0), str_at(&f, "b", 0)), ("2024-01-02 03:04:05.678".into(), "02/01/24".into()));
    assert_eq!((longs(&f, "c"), longs(&f, "d"), longs(&f, "e"), longs(&f, "g")), (vec![Some(9)], vec![Some(216)], vec![Some(3)], vec![Some(1)]));
    assert_eq!((bools(&f, "h"), bools(&f, "i")), (vec![Some(true)], vec![Some(true)]));
    assert_eq!((longs(&f, "j"), longs(&f, "k")), (vec![Some(2)], vec![Some(42)]));
    assert_eq!(nanos(&f, "l"), [Some(DAY)]);
    let f = run("print x = parse_xml(\"<e><Data Name='a'>1</Data><Data Name='b'>2</Data></e>\") | extend v = tostring(x.e.Data[1].['#text'])");
    assert_eq!(str_at(&f, "v", 0), "2");
}

// ----- the benchmark's queries on 1,000,000 rows ---------------------------------------------------------------------

/// The table `bench/kql.mjs` makes (same generator, same CSV reader), `n` rows ending at `end_ms`.
fn bench_signins(n: usize, end_ms: i64) -> Frame {
    let mut seed: u32 = 20240115;
    let mut rnd = || {
        seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
        seed as f64 / 4294967296.0
    };
    let apps = ["Azure Portal", "Office 365 Exchange Online", "Microsoft Teams", "SharePoint Online", "Azure CLI", "Windows Sign In"];
    let results = ["0", "0", "0", "0", "0", "0", "50126", "50074", "0", "50140"];
    let span = 14 * 86_400_000i64;
    let mut csv = String::from("TimeGenerated,UserPrincipalName,IPAddress,ResultType,AppDisplayName,Location,DurationMs\n");
    for _ in 0..n {
        let t = end_ms - (rnd() * span as f64).floor() as i64;
        let t = chrono::DateTime::from_timestamp_millis(t).unwrap().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let user = format!("user{}@contoso.com", (rnd().powi(2) * 2000.0).floor() as i64);
        let ip = format!("{}.{}.{}.{}", 10 + (rnd() * 200.0) as i64, (rnd() * 50.0) as i64, (rnd() * 20.0) as i64, (rnd() * 250.0) as i64);
        let r = results[(rnd() * 10.0) as usize];
        let app = apps[(rnd() * 6.0) as usize];
        let loc = if rnd() < 0.9 { "US" } else { "DE" };
        let d = (rnd() * 5000.0) as i64;
        csv.push_str(&format!("{t},{user},{ip},{r},{app},{loc},{d}\n"));
    }
    huntbook::frame::text::read_csv(csv.as_bytes(), "SigninLogs").unwrap()
}

/// `cargo test --release --test kql_exec bench_million_rows -- --ignored --nocapture`: the six queries of
/// `bench/kql.mjs`, natively, median of 5 runs each.
#[test]
#[ignore]
fn bench_million_rows() {
    let n: usize = std::env::var("KQL_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let end = ts("2026-01-15T00:00:00Z") / 1_000_000;
    let t0 = std::time::Instant::now();
    let mut data = Tables::new();
    let f = bench_signins(n, end);
    eprintln!("generated and read {n} rows in {:?}: {:?}", t0.elapsed(), f.schema());
    data.add(f);
    let day_ago = fmt_dt((end - 86_400_000) * 1_000_000);
    let queries = [
        "SigninLogs | where ResultType != \"0\" | summarize count() by IPAddress | top 10 by count_ desc, IPAddress asc".to_string(),
        format!("SigninLogs | where TimeGenerated > datetime({day_ago}) | summarize count() by AppDisplayName | sort by AppDisplayName asc"),
        "SigninLogs | where Location == \"DE\" | summarize count() by UserPrincipalName, ResultType | top 5 by count_ desc, UserPrincipalName asc, ResultType asc".to_string(),
        "SigninLogs | where UserPrincipalName contains \"user42@\" | count".to_string(),
        "SigninLogs | summarize dcount(IPAddress) by UserPrincipalName | top 5 by dcount_IPAddress desc, UserPrincipalName asc".to_string(),
        "SigninLogs | where IPAddress in (\"10.1.2.3\", \"11.2.3.4\", \"12.3.4.5\") | take 100".to_string(),
        // stages of the above
        "SigninLogs | where ResultType != \"0\" | count".to_string(),
        "SigninLogs | where ResultType != \"0\" | summarize count() by IPAddress | count".to_string(),
        "SigninLogs | summarize count() by UserPrincipalName | count".to_string(),
        "SigninLogs | summarize dcount(IPAddress)".to_string(),
    ];
    for q in &queries {
        let mut times = Vec::new();
        let mut rows_out = 0;
        for _ in 0..5 {
            let t = std::time::Instant::now();
            let out = execute(q, &data, now()).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            rows_out = out.height();
        }
        times.sort_by(f64::total_cmp);
        eprintln!("{:>8.1} ms  ({rows_out} rows)  {q}", times[2]);
    }
}

#[test]
fn garbled_new_syntax_never_panics() {
    let seeds = [
        "let f = (x:long, t:(*)) { t | where N > x | make-series c = count() default = 0 on TimeGenerated from datetime(2024-01-01) to datetime(2024-01-03) step 1d by User }; f(1, T) | mv-expand c to typeof(long)",
        "T | parse kind=regex Cmd with * @\"(\\w+)\" Name:string \".exe\" * | parse-where Name with A:long \"x\" B | lookup kind=inner (U) on User",
        "let v = view () { union withsource=S T*, U | extend (b, s, t, r) = series_decompose(dynamic([1, 2, 3])) }; v | invoke g() | mv-expand with_itemindex=i x = Props.tags",
        "T | summarize percentiles(N, 5, 95), make_bag(pack(User, IP)), p = percentile(Score, 50) by bin(TimeGenerated, 1d) | extend h = hash_sha256(tostring(p)), u = parse_url(\"http://a/b?c=d\"), x = parse_xml(\"<a b='1'>t</a>\")",
        "T | make-series avg(Score) on N in range(0, 10, 2) by Ok | extend (a, s, b) = series_decompose_anomalies(avg_Score, 1.5, -1, 'linefit')",
    ];
    let data = small();
    let puncts = ["|", "(", ")", "[", "]", "{", "}", "\"", "'", ",", ";", ":", "=", "*", "in", "range(", "step", "on", "with", "let", "0", "-1"];
    garbled_never_panic(&seeds, &puncts, 0xfeed, 300, &data);
    // the seeds themselves run (or fail with a message)
    for s in seeds {
        let _ = execute(s, &data, now());
    }
}

// ----- mv-apply -------------------------------------------------------------------------------------------------------

const MV_ITEMS: &str = r#"datatable(Id:long, Items:dynamic) [
    1, dynamic([{"name":"a","value":1},{"name":"b","value":2}]),
    2, dynamic([{"name":"b","value":3}]),
    3, dynamic([])]"#;

#[test]
fn mv_apply_row_wise_subqueries() {
    // the common hunting form: keep the element that names a property, project its value
    let f = run(&format!("{MV_ITEMS} | mv-apply p = Items on (where p.name == 'b' | project v = toint(p.value))"));
    assert_eq!(f.column_names(), ["Id", "Items", "v"]);
    assert_eq!(longs(&f, "Id"), [Some(1), Some(2)]);
    assert_eq!(longs(&f, "v"), [Some(2), Some(3)]);
    // from a string column through parse_json; rows whose subquery gives nothing are dropped
    let f = run(r#"datatable(Id:long, S:string) [1, '[{"name":"x","value":"one"},{"name":"y","value":"two"}]', 2, '[{"name":"y","value":"three"}]']
        | mv-apply p = parse_json(S) on (where p.name == "x" | project v = tostring(p.value))"#);
    assert_eq!(f.column_names(), ["Id", "S", "v"]);
    assert_eq!(longs(&f, "Id"), [Some(1)]);
    assert_eq!(strs(&f, "v"), [Some("one".to_string())]);
    // extend keeps the expanded column; the row's other columns can be read inside
    let f = run(&format!("{MV_ITEMS} | mv-apply p = Items on (extend k = strcat(Id, tostring(p.name))) | project Id, k"));
    assert_eq!(strs(&f, "k"), ["1a", "1b", "2b"].map(|s| Some(s.to_string())));
    // with_itemindex and limit
    let f = run(&format!("{MV_ITEMS} | mv-apply with_itemindex=i p = Items on (where i == 1 | project n = tostring(p.name))"));
    assert_eq!((longs(&f, "Id"), strs(&f, "n")), (vec![Some(1)], vec![Some("b".to_string())]));
    let f = run(&format!("{MV_ITEMS} | mv-apply p = Items limit 1 on (project n = tostring(p.name))"));
    assert_eq!((longs(&f, "Id"), strs(&f, "n")), (vec![Some(1), Some(2)], vec![Some("a".to_string()), Some("b".to_string())]));
    // several mv-apply in a row, as the Entra ID rules chain them
    let f = run(&format!(
        "{MV_ITEMS} | mv-apply p = Items on (where p.name == 'b' | extend Val = toint(p.value)) | mv-apply q = pack_array(Val, Val * 10) to typeof(long) on (where q > 5) | project Id, q"
    ));
    assert_eq!((longs(&f, "Id"), longs(&f, "q")), (vec![Some(1), Some(2)], vec![Some(20), Some(30)]));
}

#[test]
fn mv_apply_summarize_and_top() {
    let f = run(&format!(
        "{MV_ITEMS} | mv-apply p = Items on (summarize names = make_set(tostring(p.name)), total = sum(toint(p.value)))"
    ));
    assert_eq!(f.column_names(), ["Id", "Items", "names", "total"]);
    // a row with an empty array still runs the subquery: summarize over no rows gives one row
    assert_eq!(longs(&f, "Id"), [Some(1), Some(2), Some(3)]);
    assert_eq!(strs(&f, "names"), [r#"["a","b"]"#, r#"["b"]"#, "[]"].map(|s| Some(s.to_string())));
    assert_eq!(longs(&f, "total")[..2], [Some(3), Some(3)]);
    // in place: the expanded column replaces the array
    let f = run(&format!("{MV_ITEMS} | mv-apply Items on (top 1 by toint(Items.value) desc)"));
    assert_eq!(f.column_names(), ["Id", "Items"]);
    assert_eq!(longs(&f, "Id"), [Some(1), Some(2)]);
    assert_eq!(strs(&f, "Items"), [r#"{"name":"b","value":2}"#, r#"{"name":"b","value":3}"#].map(|s| Some(s.to_string())));
    // Kusto's documentation example: the two largest values of each list
    let f = run("range x from 1 to 8 step 1 | summarize l = make_list(x) by xMod2 = x % 2 | mv-apply element = l to typeof(long) on (top 2 by element) | project xMod2, element");
    assert_eq!(longs(&f, "xMod2"), [Some(1), Some(1), Some(0), Some(0)]);
    assert_eq!(longs(&f, "element"), [Some(7), Some(5), Some(8), Some(6)]);
    // an empty input keeps the subquery's columns
    let f = run(&format!("{MV_ITEMS} | where Id > 5 | mv-apply p = Items on (summarize c = count())"));
    assert_eq!((f.height(), f.column_names()), (0, vec!["Id".to_string(), "Items".to_string(), "c".to_string()]));
}

#[test]
fn mv_apply_errors() {
    assert!(err("T | mv-apply p = Props.tags on where p == 'a'").contains("expected '('"), "{}", err("T | mv-apply p = Props.tags on where p == 'a'"));
    let e = err("T | mv-apply p = Props.tags on (where q == 'a')");
    assert!(e.contains("unknown column 'q'"), "{e}");
    let e = err("T | mv-apply p = Props.tags on (summarize x = count() | where Nope > 1)");
    assert!(e.contains("unknown column 'Nope'"), "{e}");
}

#[test]
fn named_aggregate_arguments() {
    // Kusto's MaxSize, in any case, is the positional maximum size
    let f = run("T | summarize s = make_set(User, MaxSize=2), l = make_list(User, maxSize = 1), p = make_list(User, 100)");
    assert_eq!(strs(&f, "s"), [Some(r#"["alice@contoso.com","bob@contoso.com"]"#.to_string())]);
    assert_eq!(strs(&f, "l"), [Some(r#"["alice@contoso.com"]"#.to_string())]);
    assert_eq!(strs(&f, "p"), [Some(r#"["alice@contoso.com","bob@contoso.com","alice@contoso.com","carol@fabrikam.com","Alice@Contoso.com"]"#.to_string())]);
    let f = run("T | summarize s = make_set_if(User, N > 2, MaxSize=1)");
    assert_eq!(strs(&f, "s"), [Some(r#"["alice@contoso.com"]"#.to_string())]);
    let e = err("T | summarize make_set(User, Size=2)");
    assert_eq!(e, "line 1, col 30: make_set() has no argument named 'Size' (its arguments are Expr, MaxSize)");
    let e = err("T | extend x = strlen(s=User)");
    assert_eq!(e, "line 1, col 23: 's = …' names an argument: only user-defined functions, make_set/make_list/make_bag (MaxSize) and bag_unpack take named arguments");
    // a user-defined function binds named arguments by parameter name (as the ASIM parsers are called)
    let f = run("let f = (starttime:datetime = datetime(2000-01-01), who:string = 'x', n:long = 1) { T | where TimeGenerated >= starttime and User == who | take n }; f(who='alice@contoso.com', n=5, starttime=datetime(2024-01-01T01:00:00Z)) | project N");
    assert_eq!(longs(&f, "N"), [None]);
    let f = run("let f = (a:long, b:long = 10) { a * 100 + b }; print x = f(1), y = f(2, b=3), z = f(b=4, a=5)");
    assert_eq!((longs(&f, "x"), longs(&f, "y"), longs(&f, "z")), (vec![Some(110)], vec![Some(203)], vec![Some(504)]));
    let e = err("let f = (a:long) { a }; print f(c=1)");
    assert!(e.contains("the function has no parameter 'c' (its parameters are a)"), "{e}");
    let e = err("let f = (a:long, b:long = 1) { a }; print f(1, a=2)");
    assert!(e.contains("the argument 'a' is given twice"), "{e}");
    let e = err("T | summarize make_set(MaxSize=2, User)");
    assert!(e.contains("an unnamed argument cannot follow the named argument 'MaxSize'"), "{e}");
    let e = err("T | summarize make_set(User, 3, MaxSize=2)");
    assert!(e.contains("the argument 'MaxSize' of make_set() is given twice"), "{e}");
}

#[test]
fn evaluate_bag_unpack_and_unsupported_plugins() {
    let q = r#"datatable(Id:long, Bag:dynamic) [1, dynamic({"a":1,"b":"x"}), 2, dynamic({"b":"y","c":[1,2]}), 3, dynamic(null)]"#;
    let f = run(&format!("{q} | evaluate bag_unpack(Bag)"));
    assert_eq!(f.column_names(), ["Id", "a", "b", "c"]);
    assert_eq!(strs(&f, "a"), [Some("1".to_string()), None, None]);
    assert_eq!(strs(&f, "b"), [Some("x".to_string()), Some("y".to_string()), None]);
    assert_eq!(strs(&f, "c"), [None, Some("[1,2]".to_string()), None]);
    // a prefix, ignored properties, and the conflict rules
    let f = run(&format!("{q} | evaluate bag_unpack(Bag, 'p_', ignoredProperties=dynamic(['c']))"));
    assert_eq!(f.column_names(), ["Id", "p_a", "p_b"]);
    let f = run(&format!("{q} | extend a = 'mine' | evaluate bag_unpack(Bag, columnsConflict='keep_source')"));
    assert_eq!(strs(&f, "a"), ["mine", "mine", "mine"].map(|s| Some(s.to_string())));
    let f = run(&format!("{q} | extend a = 'mine' | evaluate bag_unpack(Bag, columnsConflict='replace_source')"));
    assert_eq!(strs(&f, "a"), [Some("1".to_string()), None, None]);
    let e = err(&format!("{q} | extend a = 'mine' | evaluate bag_unpack(Bag)"));
    assert!(e.contains("the key 'a' names an existing column 'a'"), "{e}");
    // the hunting form: parameters as name/value pairs made into a bag, then unpacked
    let f = run(r#"datatable(Op:string, Parameters:string) ["Set-Mailbox", '[{"Name":"Identity","Value":"bob"},{"Name":"ForwardTo","Value":"x@evil.com"}]']
        | mv-apply P = todynamic(Parameters) on (summarize Parsed = make_bag(bag_pack(tostring(P.Name), P.Value)))
        | evaluate bag_unpack(Parsed, columnsConflict='replace_source') | project Op, Identity = tostring(Identity), ForwardTo = tostring(ForwardTo)"#);
    assert_eq!((strs(&f, "Identity"), strs(&f, "ForwardTo")), (vec![Some("bob".to_string())], vec![Some("x@evil.com".to_string())]));
    assert_eq!(err("T | evaluate diffpatterns()"), "line 1, col 14: the evaluate plugin 'diffpatterns' is not supported yet (supported: bag_unpack, pivot, basket, autocluster, narrow)");
    assert_eq!(err("evaluate python(typeof(*), 'x')"), "line 1, col 10: the evaluate plugin 'python' is not supported yet (supported: bag_unpack, pivot, basket, autocluster, narrow)");
}

#[test]
fn bool_literals_in_any_case() {
    // Kusto reads True/TRUE/False/FALSE as true/false (the DNS rules write `== False`)
    assert_eq!(rows("T | where Ok == True"), 3);
    assert_eq!(rows("T | where Ok == FALSE and ipv4_is_match('127.0.0.1', IP) == False"), 2);
}

#[test]
fn hash_guid_json_and_window_functions() {
    // Kusto's documented values: hash("World") and hash("World", 100)
    let f = run("print a = hash('World'), b = hash('World', 100), c = hash(''), d = hash('World', 0)");
    assert_eq!(longs(&f, "a"), [Some(1846988464401551951)]);
    assert_eq!(longs(&f, "b"), [Some(51)]);
    assert_eq!(longs(&f, "c"), [Some(0xEF46_DB37_51D8_E999_u64 as i64)], "XXH64 of empty input, seed 0");
    assert_eq!(longs(&f, "d"), [None]);
    // 32 bytes and more take the four-lane path (XXH64 reference value)
    let f = run("print h = hash('Nobody inspects the spammish repetition')");
    assert_eq!(longs(&f, "h"), [Some(0xFBCE_A83C_8A37_8BF1_u64 as i64)]);
    // a new GUID on every row, in the 8-4-4-4-12 form, version 4
    let f = run("T | extend g = new_guid() | summarize n = dcount(g), bad = countif(not(g matches regex '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'))");
    assert_eq!((longs(&f, "n"), longs(&f, "bad")), (vec![Some(5)], vec![Some(0)]));
    let f = run(r#"print j = dynamic_to_json(dynamic({"b":1,"a":{"d":[1,{"z":1,"y":2}],"c":"x"}})), s = dynamic_to_json("x"), n = dynamic_to_json(5)"#);
    assert_eq!(strs(&f, "j"), [Some(r#"{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}"#.to_string())]);
    assert_eq!((strs(&f, "s"), strs(&f, "n")), (vec![Some("\"x\"".to_string())], vec![Some("5".to_string())]));
    // next/prev after sort, with an offset and a default
    let f = run("T | sort by TimeGenerated asc | serialize | extend nx = next(N), pv = prev(N, 2), pd = prev(N, 1, -1), gap = next(TimeGenerated) - TimeGenerated | project N, nx, pv, pd, gap");
    assert_eq!(longs(&f, "N"), [Some(5), Some(3), None, Some(7), Some(1)]);
    assert_eq!(longs(&f, "nx"), [Some(3), None, Some(7), Some(1), None]);
    assert_eq!(longs(&f, "pv"), [None, None, Some(5), Some(3), None]);
    assert_eq!(longs(&f, "pd"), [Some(-1), Some(5), Some(3), None, Some(7)], "only rows past the start take the default");
    assert_eq!(nanos(&f, "gap"), [Some(90 * 60 * NS), Some(45 * 60 * NS), Some(DAY - 135 * 60 * NS), Some(12 * HOUR), None]);
    assert!(err("T | extend x = next(N, -1)").contains("the offset of next() must be a constant whole number"));
    // ingestion_time(): the hidden column when there is one, else TimeGenerated
    let f = run("T | take 2 | extend it = ingestion_time() | project TimeGenerated, it");
    assert_eq!(nanos(&f, "it"), nanos(&f, "TimeGenerated"));
    let f = run("T | take 1 | extend _IngestionTime = TimeGenerated + 5m | project it = ingestion_time(), TimeGenerated");
    assert_eq!(nanos(&f, "it"), [Some(ts("2024-01-01T00:05:00Z"))]);
    let f = run("print it = ingestion_time()");
    assert_eq!(f.height(), 1);
    // RE2 classes Kusto accepts
    assert_eq!(rows(r#"T | where Cmd matches regex @"[[]?[a-z]+\.exe" "#), 3);
    let f = run(r#"print x = extract(@"^([[]?[^]]*)", 1, "[abc]def")"#);
    assert_eq!(strs(&f, "x"), [Some("[abc".to_string())]);
}

#[test]
fn parse_path_splits_windows_unc_unix_and_urls() {
    let f = run(r#"datatable(p:string) [@"C:\temp\file.txt", @"\\shared\users\temp\file.txt.gz", "/usr/lib/temp/file.txt", @"C:\temp\file.txt:some_stream", "https://acct.blob.core.windows.net/c/dir/f.zip", "notes.md"]
        | extend r = parse_path(p) | project Scheme = tostring(r.Scheme), Root = tostring(r.RootPath), Dir = tostring(r.DirectoryPath), DirName = tostring(r.DirectoryName), File = tostring(r.Filename), Ext = tostring(r.Extension), Ads = tostring(r.AlternateDataStreamName)"#);
    let s = |c: &str| strs(&f, c).into_iter().map(|v| v.unwrap_or_default()).collect::<Vec<_>>();
    assert_eq!(s("Scheme"), ["", "", "", "", "https", ""]);
    assert_eq!(s("Root"), ["C:", "", "", "C:", "acct.blob.core.windows.net", ""]);
    assert_eq!(s("Dir"), [r"C:\temp", r"\\shared\users\temp", "/usr/lib/temp", r"C:\temp", "https://acct.blob.core.windows.net/c/dir", ""]);
    assert_eq!(s("DirName"), ["temp", "temp", "temp", "temp", "dir", ""]);
    assert_eq!(s("File"), ["file.txt", "file.txt.gz", "file.txt", "file.txt", "f.zip", "notes.md"]);
    assert_eq!(s("Ext"), ["txt", "gz", "txt", "txt", "zip", "md"]);
    assert_eq!(s("Ads"), ["", "", "", "some_stream", "", ""]);
}

#[test]
fn index_after_a_dot() {
    // `TargetResources.[0].modifiedProperties`, as a published AuditLogs query writes it
    let f = run(r#"print a = toint(dynamic([{"m":[5,6]}]).[0].m.[1]), b = tostring(dynamic({"x y":2}).['x y'])"#);
    assert_eq!((longs(&f, "a"), strs(&f, "b")), (vec![Some(6)], vec![Some("2".to_string())]));
}

#[test]
fn mv_expand_of_an_unnamed_expression() {
    // `mv-expand split(x, ";")` (published Office 365 rules): the column gets the next free ColumnN name
    let f = run("T | take 2 | mv-expand split(User, '@') | project User, Column1");
    assert_eq!(strs(&f, "Column1"), ["alice", "contoso.com", "bob", "contoso.com"].map(|s| Some(s.to_string())));
    let f = run("T | take 1 | project Column1 = 1, User | mv-expand split(User, '@'), x = pack_array(1, 2)");
    assert_eq!(f.column_names(), ["Column1", "User", "Column2", "x"]);
}

#[test]
fn an_undefined_function_as_a_table_is_named() {
    assert_eq!(
        err("_Im_Dns(starttime=ago(1d)) | project x"),
        "line 1, col 1: unknown function '_Im_Dns' as a table (a workspace function such as an ASIM parser is not defined locally; define it with let)"
    );
    // _GetWatchlist is built in: without a Watchlist table it names the missing table
    assert_eq!(err("_GetWatchlist('VIP') | project x"), "line 1, col 1: _GetWatchlist('VIP'): unknown table 'Watchlist'. Tables are: T, U");
    assert_eq!(err("T | join (strlen('x')) on User"), "line 1, col 10: strlen() gives a value, not a table");
}

#[test]
fn fuzzy_union_of_missing_tables_names_the_first() {
    let e = err("union isfuzzy=true NoSuchA, NoSuchB | count");
    assert!(e.contains("unknown table 'NoSuchA'"), "{e}");
    assert_eq!(rows("union isfuzzy=true NoSuchA, U"), 4);
}

#[test]
fn join_keys_joined_by_and() {
    // `on $left.A == $right.B and $left.C == $right.D` (the PAN-OS high-risk ports query) is the same as with ','
    let q = |sep: &str| format!("T | project User, N | join kind=inner (U | project User, Level, N = Level + 1) on $left.User == $right.User {sep} $left.N == $right.N | project User, Level | sort by Level asc");
    let (a, b) = (run(&q("and")), run(&q(",")));
    assert_eq!(strs(&a, "User"), [Some("bob@contoso.com".to_string()), Some("alice@contoso.com".to_string())]);
    assert_eq!(longs(&a, "Level"), [Some(2), Some(4)]);
    assert_eq!((longs(&a, "Level"), strs(&a, "User")), (longs(&b, "Level"), strs(&b, "User")));
}

#[test]
fn row_window_session_groups_rows() {
    // sessions of at most 1h from the first row and 40m between neighbours, restarting when the user changes
    let f = run(r#"datatable(U:string, t:datetime) ["a", datetime(2024-01-01 00:00), "a", datetime(2024-01-01 00:30), "a", datetime(2024-01-01 01:20),
            "a", datetime(2024-01-01 01:50), "b", datetime(2024-01-01 01:55), "b", datetime(2024-01-01 02:10)]
        | sort by U asc, t asc | serialize
        | extend s = row_window_session(t, 1h, 40m, U != prev(U)), n = row_window_session(tolong((t - datetime(2024-01-01)) / 1m), 60, 40)"#);
    let at = |hm: &str| Some(ts(&format!("2024-01-01T{hm}:00Z")));
    // 01:20 is 50m after 00:30 (> 40m): a new session; 01:50 is 30m after 01:20 and within 1h of it; b restarts
    assert_eq!(nanos(&f, "s"), [at("00:00"), at("00:00"), at("01:20"), at("01:20"), at("01:55"), at("01:55")]);
    // numbers work the same way (minutes), without a restart column the user change does not split
    assert_eq!(longs(&f, "n"), [Some(0), Some(0), Some(80), Some(80), Some(80), Some(80)]);
    assert!(err("T | extend s = row_window_session(TimeGenerated, -1h, 1h)").contains("needs a constant distance 0 or more"));
}

/// Kusto's pivot examples (learn.microsoft.com, "pivot plugin") on a small StormEvents-shaped table: the default
/// `count()`, an aggregation, explicit keys, and the cells of a key without rows for a value.
#[test]
fn evaluate_pivot() {
    let storms = r#"datatable(State:string, EventType:string, Deaths:long)
        ["ALABAMA","Wind",1, "ALASKA","Wind",2, "ALABAMA","Wind",3, "ALABAMA","Snow",4, "ALASKA","Wind",0]"#;
    // `project State, EventType | evaluate pivot(State)`: a count per EventType and State, 0 where none
    let f = run(&format!("{storms} | project State, EventType | evaluate pivot(State)"));
    assert_eq!(f.column_names(), ["EventType", "ALABAMA", "ALASKA"]);
    assert_eq!(strs(&f, "EventType"), [Some("Wind".to_string()), Some("Snow".to_string())]);
    assert_eq!(longs(&f, "ALABAMA"), [Some(2), Some(1)]);
    assert_eq!(longs(&f, "ALASKA"), [Some(2), Some(0)]);
    // `pivot(State, sum(Deaths))`: the aggregated column is not a key; a sum over no rows is 0
    let f = run(&format!("{storms} | evaluate pivot(State, sum(Deaths))"));
    assert_eq!(f.column_names(), ["EventType", "ALABAMA", "ALASKA"]);
    assert_eq!(longs(&f, "ALABAMA"), [Some(4), Some(4)]);
    assert_eq!(longs(&f, "ALASKA"), [Some(2), Some(0)]);
    // the Sentinel form: name/value rows of one event made into columns, keys given; a value equal to a key's name
    // gets a suffix, an empty one the next ColumnN, a missing cell of take_any is null
    let kv = r#"datatable(Id:long, Key:string, Value:string)
        [1,"ObjectName","C:\\x",1,"ProcessId","0x10", 2,"ObjectName","D:\\y", 2,"","e", 3,"Id","i"]"#;
    let f = run(&format!("{kv} | evaluate pivot(Key, any(Value), Id)"));
    assert_eq!(f.column_names(), ["Id", "ObjectName", "ProcessId", "Column1", "Id1"]);
    assert_eq!(longs(&f, "Id"), [Some(1), Some(2), Some(3)]);
    assert_eq!(strs(&f, "ObjectName"), [Some("C:\\x".to_string()), Some("D:\\y".to_string()), None]);
    assert_eq!(strs(&f, "ProcessId"), [Some("0x10".to_string()), None, None]);
    assert_eq!(strs(&f, "Column1"), [None, Some("e".to_string()), None]);
    assert_eq!(strs(&f, "Id1"), [None, None, Some("i".to_string())]);
    // make_set over no rows is []; no rows at all leaves the keys only
    let f = run(&format!("{storms} | evaluate pivot(EventType, make_set(Deaths), State)"));
    assert_eq!(f.column_names(), ["State", "Wind", "Snow"]);
    assert_eq!(strs(&f, "Snow"), [Some("[4]".to_string()), Some("[]".to_string())]);
    let f = run(&format!("{storms} | where Deaths > 100 | evaluate pivot(State, count(), EventType)"));
    assert_eq!((f.column_names(), f.height()), (vec!["EventType".to_string()], 0));
    // errors name what is wrong
    assert!(err("T | evaluate pivot()").contains("pivot() needs the column to pivot"));
    assert!(err("T | evaluate pivot(User, strlen(IP))").contains("must be an aggregation"));
    assert!(err("T | evaluate pivot(User, count(), Nope)").contains("unknown column 'Nope'"));
    assert!(err("T | evaluate pivot(User, count(), tolower(IP))").contains("groups by column names"));
}

/// Kusto's documented examples of `row_number`, `row_cumsum` and `serialize Name = Expr` (learn.microsoft.com).
#[test]
fn serialize_row_number_and_row_cumsum() {
    let f = run("range a from 1 to 10 step 1 | sort by a desc | extend rn = row_number(), r7 = row_number(7) | take 3");
    assert_eq!((longs(&f, "a"), longs(&f, "rn"), longs(&f, "r7")), (vec![Some(10), Some(9), Some(8)], vec![Some(1), Some(2), Some(3)], vec![Some(7), Some(8), Some(9)]));
    // restart: a rank per salesperson
    let f = run(r#"datatable (Salesperson: string, SalesAmount: long) ["Ari", 1, "Bunk", 2, "Ari", 3, "Bunk", 4, "Ari", 5, "Bunk", 6]
        | sort by Salesperson asc, SalesAmount desc | extend Rank = row_number(1, prev(Salesperson) != Salesperson)"#);
    assert_eq!(longs(&f, "SalesAmount"), [5, 3, 1, 6, 4, 2].map(Some));
    assert_eq!(longs(&f, "Rank"), [1, 2, 3, 1, 2, 3].map(Some));
    // `serialize cs = row_cumsum(a)` adds the column as extend does
    let f = run("datatable (a:long) [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] | where a % 2 == 0 | serialize cs = row_cumsum(a)");
    assert_eq!(f.column_names(), ["a", "cs"]);
    assert_eq!(longs(&f, "cs"), [2, 6, 12, 20, 30].map(Some));
    let f = run(r#"datatable (a:long, k:string) [1, "a", 2, "b", 3, "a", 4, "b", 5, "a", 6, "b", 7, "a", 8, "b", 9, "a", 10, "b"]
        | order by k asc, a desc | extend cs = row_cumsum(a, k != prev(k))"#);
    assert_eq!(longs(&f, "cs"), [9, 16, 21, 24, 25, 10, 18, 24, 28, 30].map(Some));
    // reals and timespans keep their type; nulls add nothing
    let f = run("T | serialize s = row_cumsum(Score), d = row_cumsum(Dur) | project s, d");
    assert_eq!(reals(&f, "s"), [1.5, 4.0, 4.0, 4.5, 8.5].map(Some));
    assert_eq!(nanos(&f, "d"), [30 * 60 * NS, 90 * 60 * NS, 90 * 60 * NS, 2 * DAY + 90 * 60 * NS, 2 * DAY + 90 * 60 * NS + 10 * NS].map(Some));
    assert!(err("T | extend x = row_cumsum(User)").contains("row_cumsum() needs numbers or timespans, not string values"));
    assert!(err("T | extend x = row_number('a')").contains("row_number() must be a constant whole number, not 'a'"));
    assert!(err("print x = 9223372036854775807 | extend y = row_cumsum(x) | union (print x = 1) | extend z = row_cumsum(x)").contains("row_cumsum() is out of range"));
}

/// What stopped three published queries that are valid KQL: `project-away *1` after an outer join
/// (SuccessThenFail_DiffIP_SameUserandApp), `toscalar()` of a scalar expression (DNS_HighPercentNXDomainCount) and
/// RE2's octal escape `\0` (NishangReverseTCPShellBase64 strips the NULs of decoded UTF-16).
#[test]
fn wildcard_digits_toscalar_of_a_value_and_re2_octal() {
    let f = run("T | join kind=inner (U) on User | project-away *1");
    assert_eq!(f.column_names(), ["TimeGenerated", "User", "IP", "N", "Score", "Ok", "Props", "EventID", "Dur", "Cmd", "Dept", "Level"]);
    let f = run("T | join kind=inner (U | extend N2 = 1) on User | project-away *2, User1 | project-keep *1*");
    assert_eq!(f.column_names(), Vec::<String>::new());
    let f = run("let firstQ = 2; let thirdQ = toscalar(U | summarize max(Level)); print x = toscalar(thirdQ + (1.5 * (thirdQ - firstQ)))");
    assert_eq!(reals(&f, "x"), [Some(7.0)]);
    // a value of each row is not one value
    assert_eq!(err("T | extend x = toscalar(N + 1)"), "line 1, col 25: unknown name 'N'");
    // 'h\0t\0' in base64, as PowerShell's -enc UTF-16 decodes
    let f = run(r#"print d = base64_decode_tostring('aAB0AA==') | extend f = replace("\\0", "", d), n = strlen(d)"#);
    assert_eq!((str_at(&f, "f", 0), longs(&f, "n")), ("ht".to_string(), vec![Some(4)]));
    assert!(err(r#"print x = extract("(a)\\1", 0, "aa")"#).contains("backreferences are not supported"));
}

/// Kusto's documented example of the weighted percentiles (learn.microsoft.com, "percentiles(), percentilesw()"):
/// each latency bucket counts as often as its request count.
#[test]
fn weighted_percentiles() {
    let t = "datatable (ReqCount:long, LatencyBucket:long) [20, 21, 1, 22, 2, 23, 3, 24]";
    let f = run(&format!("{t} | summarize percentilesw(LatencyBucket, ReqCount, 50, 75, 99.9)"));
    assert_eq!(f.column_names(), ["percentile_LatencyBucket_50", "percentile_LatencyBucket_75", "percentile_LatencyBucket_99_9"]);
    assert_eq!(
        (longs(&f, "percentile_LatencyBucket_50"), longs(&f, "percentile_LatencyBucket_75"), longs(&f, "percentile_LatencyBucket_99_9")),
        (vec![Some(21)], vec![Some(21)], vec![Some(24)])
    );
    let f = run(&format!("{t} | summarize p = percentilew(LatencyBucket, ReqCount, 85), a = percentilesw_array(LatencyBucket, ReqCount, 50, 99.9), w = percentilew(LatencyBucket, 0, 50)"));
    assert_eq!((longs(&f, "p"), str_at(&f, "a", 0), longs(&f, "w")), (vec![Some(23)], "[21,24]".to_string(), vec![None]));
    assert!(err(&format!("{t} | summarize percentilew(LatencyBucket, 50)")).contains("percentilew() takes the values, their weights and one percentage"));
    // an aggregation summarize does not know is named
    assert_eq!(err("T | summarize x = percentilez(N, 5)"), "line 1, col 19: unknown function 'percentilez': not an aggregation summarize knows (did you mean 'percentile'?)");
}

/// `top-nested` as Kusto documents it (learn.microsoft.com, "top-nested operator"): two columns per level (the
/// value, and the aggregation named `aggregated_<value>` unless named), the first N values of each level by the
/// aggregation inside each kept value of the level above, `with others` a row aggregating the rest (null below it).
#[test]
fn top_nested_levels_and_others() {
    let sales = r#"datatable(Region:string, Person:string, Sales:long)
        ["East","Ann",10, "East","Bob",5, "East","Cy",1, "West","Dan",7, "West","Eve",2, "North","Fay",3]"#;
    let f = run(&format!(r#"{sales} | top-nested 2 of Region with others = "Other" by sum(Sales), top-nested 1 of Person with others = "rest" by Top = sum(Sales)"#));
    assert_eq!(f.column_names(), ["Region", "aggregated_Region", "Person", "Top"]);
    let s = |v: &[&str]| v.iter().map(|x| Some(x.to_string())).collect::<Vec<_>>();
    assert_eq!(strs(&f, "Region"), s(&["East", "East", "West", "West", "Other"]));
    assert_eq!(longs(&f, "aggregated_Region"), [16, 16, 9, 9, 3].map(Some));
    assert_eq!(strs(&f, "Person"), [Some("Ann".to_string()), Some("rest".to_string()), Some("Dan".to_string()), Some("rest".to_string()), None]);
    assert_eq!(longs(&f, "Top"), [Some(10), Some(6), Some(7), Some(2), None]);
    // no N: every value; asc; a computed, named value
    let f = run(&format!(r#"{sales} | top-nested of Region by n = count() asc, top-nested 2 of P = strcat(Person, "!") by max(Sales)"#));
    assert_eq!(f.column_names(), ["Region", "n", "P", "aggregated_P"]);
    assert_eq!(strs(&f, "Region"), s(&["North", "West", "West", "East", "East"]));
    assert_eq!(longs(&f, "n"), [1, 2, 2, 3, 3].map(Some));
    assert_eq!(strs(&f, "P"), s(&["Fay!", "Dan!", "Eve!", "Ann!", "Bob!"]));
    assert_eq!(longs(&f, "aggregated_P"), [3, 7, 2, 10, 5].map(Some));
    assert_eq!(rows(&format!("{sales} | where Sales > 100 | top-nested 3 of Region by count()")), 0);
    assert!(err(&format!("{sales} | top-nested 2 of Region by strlen(Region)")).contains("'strlen' is not an aggregation function"));
    assert!(err(&format!("{sales} | top-nested 2 Region by count()")).contains("expected 'of'"));
}

/// This session's syntax, garbled: pivot, top-nested, serialize with columns, row_number/row_cumsum, weighted
/// percentiles, digits after a wildcard and RE2 octal escapes never panic, whatever is cut, doubled or inserted.
#[test]
fn garbled_pivot_top_nested_and_window_syntax_never_panics() {
    let seeds = [
        "T | top-nested 2 of User with others = 'x' by c = count() desc, top-nested of IP by max(Score) asc | evaluate pivot(IP, sum(c), User)",
        "T | serialize rn = row_number(1, prev(User) != User), cs = row_cumsum(N, Ok) | join kind=leftouter (U) on User | project-away *1",
        "T | summarize percentilesw(N, N, 50, 99.9), percentilew(Score, 2, 5) by User | extend r = replace_regex(User, @'\\0101[\\060-\\071]', ''), t = toscalar(1 + 2)",
    ];
    let data = small();
    let puncts = ["|", "(", ")", ",", "=", "*", "of", "by", "with others", "top-nested", "asc", "0", "-1", "\\0"];
    garbled_never_panic(&seeds, &puncts, 0xbeef, 1500, &data);
    for s in seeds {
        execute(s, &data, now()).unwrap_or_else(|e| panic!("{s}\n→ {e}"));
    }
}

#[test]
fn extractjson_reads_a_json_path() {
    // Kusto's documented example: the second host's AvailableMB as an int
    let doc = r#"'{"hosts": [{"location": "North_DC", "status": "running", "AvailableMB": 5}, {"location": "South_DC", "status": "stopped", "AvailableMB": 3}]}'"#;
    let f = run(&format!(
        "print mb = extractjson('$.hosts[1].AvailableMB', {doc}, typeof(int)), loc = extractjson(\"$.hosts[0]['location']\", {doc}), \
         arr = extract_json('$.hosts[-1].status', {doc}), missing = extractjson('$.nope.x', {doc}), \
         all = extractjson('$', '[1,2]'), bag = extractjson('$.hosts[1]', {doc}), r = extractjson('$.a', '{{\"a\": 2.5}}', typeof(real)), \
         bad = extractjson('$.a', 'not json')"
    ));
    assert_eq!(longs(&f, "mb"), [Some(3)]);
    assert_eq!(strs(&f, "loc"), [Some("North_DC".into())]);
    assert_eq!(strs(&f, "arr"), [Some("stopped".into())]);
    assert_eq!(strs(&f, "missing"), [Some(String::new())]);
    assert_eq!(strs(&f, "all"), [Some("[1,2]".into())]);
    assert_eq!(strs(&f, "bag"), [Some(r#"{"location":"South_DC","status":"stopped","AvailableMB":3}"#.into())]);
    assert_eq!(reals(&f, "r"), [Some(2.5)]);
    assert_eq!(strs(&f, "bad"), [Some(String::new())]);
    // per row, over a column
    let f = run("datatable(j: string)['{\"state\": \"enabled\"}', '{\"state\": \"disabled\"}', ''] | extend s = extractjson('$.state', j)");
    assert_eq!(strs(&f, "s"), [Some("enabled".into()), Some("disabled".into()), Some(String::new())]);
    assert!(err("print extractjson('state', '{}')").contains("does not start with '$'"), "{}", err("print extractjson('state', '{}')"));
    assert!(err("print extractjson('$..a', '{}')").contains("only $"));
    assert!(err("print extractjson('$.a', '{}', 3)").contains("typeof"));
    assert!(err("print extractjson('$[x', '{}')").contains("extractjson()"));
}

#[test]
fn format_ipv4_mask_gives_the_network() {
    // Kusto's documented values
    let f = run("print a = format_ipv4_mask('192.168.1.255', 24), b = format_ipv4_mask('192.168.1.1/30', 24), \
                 c = format_ipv4_mask('192.168.1.1/24', 30), d = format_ipv4_mask('192.168.1.1'), e = format_ipv4_mask('10.1.2.3', 16), \
                 z = format_ipv4_mask('10.1.2.3', 0), bad = format_ipv4_mask('192.168.1.256', 24), badp = format_ipv4_mask('10.1.2.3', 33), \
                 neg = format_ipv4_mask('10.1.2.3', -1), none = format_ipv4_mask('', 8)");
    assert_eq!(strs(&f, "a"), [Some("192.168.1.0/24".into())]);
    assert_eq!(strs(&f, "b"), [Some("192.168.1.0/24".into())]);
    assert_eq!(strs(&f, "c"), [Some("192.168.1.0/24".into())]);
    assert_eq!(strs(&f, "d"), [Some("192.168.1.1/32".into())]);
    assert_eq!(strs(&f, "e"), [Some("10.1.0.0/16".into())]);
    assert_eq!(strs(&f, "z"), [Some("0.0.0.0/0".into())]);
    for c in ["bad", "badp", "neg", "none"] {
        assert_eq!(strs(&f, c), [Some(String::new())], "{c}");
    }
}

#[test]
fn union_splits_a_column_whose_type_differs() {
    // Kusto: a same-named column of two types becomes X_<type> per type; one type stays X
    let f = run("union (datatable(L: dynamic, n: long)[dynamic({\"city\": \"Oslo\"}), 1]), (datatable(L: string, n: long)['{\"city\": \"Rome\"}', 2]) \
                 | extend c = tostring(L_dynamic.city) | order by n asc");
    assert!(f.column("L").is_err(), "{:?}", f.column_names());
    assert_eq!(longs(&f, "n"), [Some(1), Some(2)]);
    assert_eq!(strs(&f, "c"), [Some("Oslo".into()), Some(String::new())]);
    assert_eq!(strs(&f, "L_string")[1], Some(r#"{"city": "Rome"}"#.into()));
    assert_eq!(f.la_type("L_dynamic").unwrap(), LaType::Dynamic);
    assert_eq!(f.la_type("L_string").unwrap(), LaType::String);
}

/// `_GetWatchlist('alias')` as Sentinel defines it: the latest version of each item of the alias, deleted items
/// left out, the item's fields unpacked beside `_DTItemId`, `LastUpdatedTimeUTC`, `SearchKey`, `WatchlistItem`.
#[test]
fn get_watchlist_reads_the_latest_undeleted_items() {
    const W: &str = r#"{"tables":[{"name":"Watchlist","columns":[
 {"name":"TimeGenerated","type":"datetime"},{"name":"WatchlistAlias","type":"string"},{"name":"SearchKey","type":"string"},
 {"name":"WatchlistItem","type":"dynamic"},{"name":"LastUpdatedTimeUTC","type":"datetime"},{"name":"_DTItemId","type":"string"},
 {"name":"_DTItemType","type":"string"},{"name":"_DTItemStatus","type":"string"},{"name":"_DTTimestamp","type":"datetime"}],
 "rows":[
 ["2024-01-01T00:00:00Z","VIP","ann@x.com","{\"User\":\"ann@x.com\",\"Tier\":\"1\"}","2024-01-01T00:00:00Z","i1","watchlist-item","Create","2024-01-01T00:00:00Z"],
 ["2024-01-02T00:00:00Z","VIP","ann@x.com","{\"User\":\"ann@x.com\",\"Tier\":\"2\"}","2024-01-02T00:00:00Z","i1","watchlist-item","Update","2024-01-02T00:00:00Z"],
 ["2024-01-01T00:00:00Z","VIP","bob@x.com","{\"User\":\"bob@x.com\",\"Tier\":\"1\"}","2024-01-01T00:00:00Z","i2","watchlist-item","Create","2024-01-01T00:00:00Z"],
 ["2024-01-02T00:00:00Z","VIP","bob@x.com","{\"User\":\"bob@x.com\",\"Tier\":\"1\"}","2024-01-02T00:00:00Z","i2","watchlist-item","Delete","2024-01-02T00:00:00Z"],
 ["2024-01-01T00:00:00Z","Other","cy@x.com","{\"User\":\"cy@x.com\"}","2024-01-01T00:00:00Z","i3","watchlist-item","Create","2024-01-01T00:00:00Z"],
 ["2024-01-01T00:00:00Z","VIP","","{}","2024-01-01T00:00:00Z","w1","watchlist","Create","2024-01-01T00:00:00Z"]
 ]}]}"#;
    let mut d = small();
    d.add(frame("Watchlist", W));
    let f = execute("_GetWatchlist('VIP')", &d, now()).unwrap();
    assert_eq!(f.column_names(), ["_DTItemId", "LastUpdatedTimeUTC", "SearchKey", "WatchlistItem", "User", "Tier"]);
    assert_eq!(strs(&f, "SearchKey"), [Some("ann@x.com".to_string())]);
    assert_eq!(str_at(&f, "Tier", 0), "2");
    assert_eq!(nanos(&f, "LastUpdatedTimeUTC"), [Some(ts("2024-01-02T00:00:00Z"))]);
    let f = execute("let a = 'Other'; _GetWatchlist(a) | project SearchKey", &d, now()).unwrap();
    assert_eq!(strs(&f, "SearchKey"), [Some("cy@x.com".to_string())]);
    let e = err("_GetWatchlist('VIP') | take 1");
    assert!(e.starts_with("line 1, col 1: _GetWatchlist('VIP'): unknown table 'Watchlist'"), "{e}");
}

/// Kusto's documented examples of `row_rank_min` and `row_rank_dense` (ties share a rank; `row_rank` is the old
/// name of `row_rank_dense`).
#[test]
fn row_rank_min_and_dense() {
    let q = r#"datatable(saleperson: string, sales: int) ["Alice", 1200, "James", 12000, "Bob", 1200, "Zoe", 3100,
        "Kate", 3000, "Jacob", 3200, "Emma", 3000] | sort by sales desc, saleperson asc
        | extend rmin = row_rank_min(sales), rdense = row_rank_dense(sales), rold = row_rank(sales)"#;
    let f = run(q);
    assert_eq!(strs(&f, "saleperson").into_iter().flatten().collect::<Vec<_>>(), ["James", "Jacob", "Zoe", "Emma", "Kate", "Alice", "Bob"]);
    assert_eq!(longs(&f, "rmin"), [1, 2, 3, 4, 4, 6, 6].map(Some));
    assert_eq!(longs(&f, "rdense"), [1, 2, 3, 4, 4, 5, 5].map(Some));
    assert_eq!(longs(&f, "rold"), longs(&f, "rdense"));
}

const STORMS: &str = r#"datatable(State:string, EventType:string, Damage:string) ["TX","Hail","NO", "TX","Hail","NO",
    "TX","Hail","YES", "KS","Hail","NO", "KS","Wind","NO", "OK","Wind","YES", "TX","Wind","NO", "KS","Hail","NO",
    "TX","Hail","NO", "OK","Flood","YES"]"#;

fn texts(f: &Frame, c: &str) -> Vec<String> {
    strs(f, c).into_iter().map(Option::unwrap_or_default).collect()
}

/// `basket(0.3)` on 10 rows: every closed pattern of 3 rows or more (KS alone is left out: its 3 rows all have
/// Damage NO, so KS+NO says more with the same count), counted by hand; a wildcard is "" in a string column.
#[test]
fn evaluate_basket_gives_closed_frequent_patterns() {
    let f = run(&format!("{STORMS} | evaluate basket(0.3)"));
    assert_eq!(f.column_names(), ["SegmentId", "Count", "Percent", "State", "EventType", "Damage"]);
    assert_eq!(longs(&f, "SegmentId"), (0..10).map(Some).collect::<Vec<_>>());
    assert_eq!(longs(&f, "Count"), [7, 6, 5, 5, 4, 4, 3, 3, 3, 3].map(Some));
    assert_eq!(reals(&f, "Percent"), [70.0, 60.0, 50.0, 50.0, 40.0, 40.0, 30.0, 30.0, 30.0, 30.0].map(Some));
    assert_eq!(texts(&f, "State"), ["", "", "TX", "", "TX", "TX", "", "", "KS", "TX"]);
    assert_eq!(texts(&f, "EventType"), ["", "Hail", "", "Hail", "Hail", "", "Wind", "", "", "Hail"]);
    assert_eq!(texts(&f, "Damage"), ["NO", "", "", "NO", "", "NO", "", "YES", "NO", "NO"]);
    // a non-string column's wildcard is null; the default threshold 0.05 keeps every pattern of one row or more
    let f = run("datatable(a:long, b:string) [1, 'x', 1, 'y'] | evaluate basket()");
    assert_eq!(longs(&f, "a"), [Some(1), Some(1), Some(1)]);
    assert_eq!(texts(&f, "b"), ["", "x", "y"]);
    assert_eq!(longs(&f, "Count"), [2, 1, 1].map(Some));
    assert_eq!(rows("T | where N > 100 | evaluate basket()"), 0);
    assert_eq!(err("T | evaluate basket(2)"), "line 1, col 21: the first argument of basket() must be a number from 0 to 1");
}

/// `autocluster()`: greedy picks, by hand: Hail+NO (5 rows, score √(0.5·2/3)), then of the 5 rows left OK+YES and
/// Wind+NO (2 each, √(0.2·2/3), the earlier listed first), then TX+Hail+YES for the last row (√0.1).
#[test]
fn evaluate_autocluster_picks_covering_patterns() {
    let f = run(&format!("{STORMS} | evaluate autocluster()"));
    assert_eq!(longs(&f, "Count"), [5, 2, 2, 1].map(Some));
    assert_eq!(texts(&f, "State"), ["", "OK", "", "TX"]);
    assert_eq!(texts(&f, "EventType"), ["Hail", "", "Wind", "Hail"]);
    assert_eq!(texts(&f, "Damage"), ["NO", "YES", "NO", "YES"]);
    assert_eq!(reals(&f, "Percent"), [50.0, 20.0, 20.0, 10.0].map(Some));
}

/// The corpus' new syntax garbled: basket, autocluster, _GetWatchlist, row_rank_min/row_rank_dense never panic.
#[test]
fn garbled_basket_autocluster_watchlist_never_panics() {
    let seeds = [
        "T | project User, IP, Ok | evaluate basket(0.2) | join kind=leftouter (T | project User, IP | evaluate autocluster(0.6)) on User",
        "let w = _GetWatchlist('VIP') | project SearchKey; T | sort by N desc | extend a = row_rank_min(N), b = row_rank_dense(User) | where User in (w)",
    ];
    let data = small();
    let puncts = ["|", "(", ")", ",", "=", "'", "0.5", "basket", "autocluster", "~", "-1"];
    garbled_never_panic(&seeds, &puncts, 0xba5e, 600, &data);
    execute(seeds[0], &data, now()).unwrap();
}

/// `evaluate narrow()` (Kusto's documented shape): `Row` (0-based), `Column`, `Value` as text, one row a cell.
#[test]
fn narrow_unpivots_each_cell() {
    let f = run("datatable(a: long, b: string, c: dynamic)[1, 'x', dynamic({\"k\": 2}), 2, '', dynamic(null)] | evaluate narrow()");
    assert_eq!(f.column_names(), ["Row", "Column", "Value"]);
    assert_eq!(longs(&f, "Row"), [0, 0, 0, 1, 1, 1].map(Some));
    assert_eq!(strs(&f, "Column"), ["a", "b", "c", "a", "b", "c"].map(|s| Some(s.to_string())));
    assert_eq!(strs(&f, "Value"), ["1", "x", "{\"k\":2}", "2", "", ""].map(|s| Some(s.to_string())));
    assert_eq!(f.la_type("Value").unwrap(), LaType::String);
    // the standard hidden columns stay out; an argument is an error
    assert_eq!(rows("T | take 1 | extend _ResourceId = 'r' | evaluate narrow() | where Column == '_ResourceId'"), 0);
    assert_eq!(err("T | evaluate narrow(1)"), "line 1, col 21: narrow() takes no arguments");
}
