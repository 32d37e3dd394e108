//! KQL on the Tour's real tables (`../shared/fixtures/tour/*.la.json`), each answer compared with the same answer
//! computed here straight from the raw JSON with serde_json and std (no polars, no huntbook): counts per key,
//! distinct counts, string operators, time windows and bins, top, distinct, extend/iif/case, min/max/avg,
//! make_set, arg_max, mv-expand, joins, split/extract, dynamic paths, timespans, make-series.
//!
//! The Tour's dynamic columns (`LocationDetails`, `DeviceDetail`, `Status`, `cmds`, `params` …) hold JSON text in
//! these fixtures (none is a Python repr); the executor reads Python-repr cells too (see `kql::value::dyn_parse`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use huntbook::frame::loganalytics::parse_response;
use huntbook::kql::execute;
use huntbook::frame::Tables;
use huntbook::Frame;
use serde_json::Value;

mod common;
use common::{longs, nanos, reals, strs};

const TABLES: [&str; 7] = [
    "asn_aad_logons",
    "asn_alerts_list",
    "asn_exchange_admin",
    "asn_host_logons",
    "asn_processes_on_host",
    "asn_timeseries",
    "mp_failed_logons",
];

/// 2021-07-01T00:00:00Z
const NOW: i64 = 1_625_097_600_000_000_000;
const HOUR_NS: i64 = 3_600_000_000_000;

struct Tour {
    data: Tables,
    raw: HashMap<String, Value>,
}

impl Tour {
    fn load() -> Tour {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/tour");
        let mut data = Tables::new();
        let mut raw = HashMap::new();
        for n in TABLES {
            let bytes = std::fs::read(dir.join(format!("{n}.la.json"))).unwrap();
            let mut f = parse_response(&bytes).unwrap().tables.remove(0);
            f.name = n.to_string();
            data.add(f);
            raw.insert(n.to_string(), serde_json::from_slice::<Value>(&bytes).unwrap());
        }
        Tour { data, raw }
    }

    fn q(&self, query: &str) -> Frame {
        execute(query, &self.data, NOW).unwrap_or_else(|e| panic!("{query}\n→ {e}"))
    }

    /// The raw rows of `table` as column-name → value maps.
    fn rows(&self, table: &str) -> Vec<HashMap<String, Value>> {
        let t = &self.raw[table]["tables"][0];
        let names: Vec<String> = t["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect();
        t["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| names.iter().cloned().zip(r.as_array().unwrap().iter().cloned()).collect())
            .collect()
    }
}

/// A raw cell as text (null → "", as Kusto shows strings).
fn text(r: &HashMap<String, Value>, c: &str) -> String {
    match &r[c] {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A raw datetime cell as nanoseconds since the epoch (chrono's RFC 3339 reader).
fn time_ns(r: &HashMap<String, Value>, c: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(r[c].as_str().unwrap()).unwrap().timestamp_nanos_opt().unwrap()
}

fn one_long(f: &Frame, c: &str) -> i64 {
    assert_eq!(f.height(), 1, "{:?}", f.df());
    longs(f, c)[0].unwrap()
}

/// `key column → long column` of a result.
fn long_map(f: &Frame, k: &str, v: &str) -> BTreeMap<String, i64> {
    strs(f, k).into_iter().zip(longs(f, v)).map(|(a, n)| (a, n.unwrap())).collect()
}

fn counter<I: IntoIterator<Item = String>>(items: I) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for i in items {
        *m.entry(i).or_insert(0) += 1;
    }
    m
}

/// Kusto's `has` for a needle made of letters and digits: a whole term, any case.
fn has_term(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|t| t == needle.to_lowercase())
}

fn format_dt(ns: i64) -> String {
    chrono::DateTime::from_timestamp(ns.div_euclid(1_000_000_000), ns.rem_euclid(1_000_000_000) as u32)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

// ----- alerts --------------------------------------------------------------------------------------------------------

#[test]
fn alerts() {
    let t = Tour::load();
    let rows = t.rows("asn_alerts_list");
    // 1. count per AlertName
    let f = t.q("asn_alerts_list | summarize NumAlerts = count() by AlertName");
    assert_eq!(long_map(&f, "AlertName", "NumAlerts"), counter(rows.iter().map(|r| text(r, "AlertName"))));
    // 2. count
    assert_eq!(one_long(&t.q("asn_alerts_list | count"), "Count"), rows.len() as i64);
    // 3. distinct severities
    let f = t.q("asn_alerts_list | distinct Severity");
    assert_eq!(strs(&f, "Severity").into_iter().collect::<BTreeSet<_>>(), rows.iter().map(|r| text(r, "Severity")).collect());
    // 4. countif + dcount in one summarize
    let f = t.q("asn_alerts_list | summarize high = countif(Severity == \"High\"), names = dcount(AlertName), hosts = dcount(CompromisedEntity)");
    assert_eq!(one_long(&f, "high"), rows.iter().filter(|r| text(r, "Severity") == "High").count() as i64);
    assert_eq!(one_long(&f, "names"), rows.iter().map(|r| text(r, "AlertName")).collect::<BTreeSet<_>>().len() as i64);
    assert_eq!(one_long(&f, "hosts"), rows.iter().map(|r| text(r, "CompromisedEntity")).collect::<BTreeSet<_>>().len() as i64);
    // 5. the latest alert per compromised entity: arg_max(TimeGenerated, *)
    let f = t.q("asn_alerts_list | summarize arg_max(TimeGenerated, *) by CompromisedEntity");
    let mut latest: BTreeMap<String, (i64, String)> = BTreeMap::new();
    for r in &rows {
        let (e, tg, id) = (text(r, "CompromisedEntity"), time_ns(r, "TimeGenerated"), text(r, "SystemAlertId"));
        if latest.get(&e).is_none_or(|(best, _)| tg > *best) {
            latest.insert(e, (tg, id));
        }
    }
    let got: BTreeMap<String, (i64, String)> = strs(&f, "CompromisedEntity")
        .into_iter()
        .zip(nanos(&f, "TimeGenerated"))
        .zip(strs(&f, "SystemAlertId"))
        .map(|((e, tg), id)| (e, (tg.unwrap(), id)))
        .collect();
    assert_eq!(got, latest);
    assert_eq!(f.width(), t.data.table("asn_alerts_list").unwrap().width(), "every column comes along");
    // 6. regex extraction from Entities: the first IP address
    let f = t.q(r#"asn_alerts_list | extend ip = extract(@"""Address"":\s*""([0-9.]+)""", 1, Entities) | project ip"#);
    let re = regex::Regex::new(r#""Address":\s*"([0-9.]+)""#).unwrap();
    let want: Vec<String> = rows.iter().map(|r| re.captures(&text(r, "Entities")).map(|c| c[1].to_string()).unwrap_or_default()).collect();
    assert_eq!(strs(&f, "ip"), want);
    assert!(want.iter().any(|w| !w.is_empty()));
}

// ----- sign-ins ------------------------------------------------------------------------------------------------------

#[test]
fn aad_logons() {
    let t = Tour::load();
    let rows = t.rows("asn_aad_logons");
    // 7. distinct IPs per user
    let f = t.q("asn_aad_logons | summarize dcount(IPAddress) by UserPrincipalName");
    let mut sets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        sets.entry(text(r, "UserPrincipalName")).or_default().insert(text(r, "IPAddress"));
    }
    let want: BTreeMap<String, i64> = sets.iter().map(|(k, v)| (k.clone(), v.len() as i64)).collect();
    assert_eq!(long_map(&f, "UserPrincipalName", "dcount_IPAddress"), want);
    // 8. make_set sizes match
    let f = t.q("asn_aad_logons | summarize ips = make_set(IPAddress) by UserPrincipalName | extend n = array_length(ips)");
    assert_eq!(long_map(&f, "UserPrincipalName", "n"), want);
    // 9. min / max / avg
    let f = t.q("asn_aad_logons | summarize first = min(TimeGenerated), last = max(TimeGenerated), ms = avg(DurationMs), lat = avg(Latitude)");
    let times: Vec<i64> = rows.iter().map(|r| time_ns(r, "TimeGenerated")).collect();
    assert_eq!(nanos(&f, "first"), [times.iter().min().copied()]);
    assert_eq!(nanos(&f, "last"), [times.iter().max().copied()]);
    let ms: Vec<f64> = rows.iter().filter_map(|r| r["DurationMs"].as_f64()).collect();
    assert_eq!(reals(&f, "ms"), [Some(ms.iter().sum::<f64>() / ms.len() as f64)]);
    let lats: Vec<f64> = rows.iter().filter_map(|r| r["Latitude"].as_f64()).collect();
    let got = reals(&f, "lat")[0].unwrap();
    assert!((got - lats.iter().sum::<f64>() / lats.len() as f64).abs() < 1e-9);
    // 10. extend + iif, then sum
    let f = t.q("asn_aad_logons | extend Failed = iif(ResultType != \"0\", 1, 0) | summarize failed = sum(Failed), total = count()");
    assert_eq!(one_long(&f, "failed"), rows.iter().filter(|r| text(r, "ResultType") != "0").count() as i64);
    assert_eq!(one_long(&f, "total"), rows.len() as i64);
    // 11. dynamic paths on LocationDetails, row by row
    let f = t.q("asn_aad_logons | extend City = tostring(LocationDetails.city), Lat = toreal(LocationDetails.geoCoordinates.latitude), Country = tostring(LocationDetails['countryOrRegion']) | project City, Lat, Country");
    let loc: Vec<Value> = rows.iter().map(|r| serde_json::from_str(&text(r, "LocationDetails")).unwrap_or(Value::Null)).collect();
    assert_eq!(strs(&f, "City"), loc.iter().map(|l| l["city"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>());
    assert_eq!(reals(&f, "Lat"), loc.iter().map(|l| l["geoCoordinates"]["latitude"].as_f64()).collect::<Vec<_>>());
    assert_eq!(strs(&f, "Country"), loc.iter().map(|l| l["countryOrRegion"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>());
    // 12. parse_json of the text, then a path: sign-ins per browser
    let f = t.q("asn_aad_logons | extend d = parse_json(tostring(DeviceDetail)) | summarize n = count() by Browser = tostring(d.browser)");
    let want = counter(rows.iter().map(|r| {
        let d: Value = serde_json::from_str(&text(r, "DeviceDetail")).unwrap_or(Value::Null);
        d["browser"].as_str().unwrap_or("").to_string()
    }));
    assert_eq!(long_map(&f, "Browser", "n"), want);
    // 13. an int out of a bag: Status.errorCode
    let f = t.q("asn_aad_logons | summarize n = count() by code = toint(Status.errorCode)");
    let want = counter(rows.iter().map(|r| {
        let s: Value = serde_json::from_str(&text(r, "Status")).unwrap_or(Value::Null);
        s["errorCode"].as_i64().map(|c| c.to_string()).unwrap_or_default()
    }));
    let got: BTreeMap<String, i64> =
        longs(&f, "code").into_iter().zip(longs(&f, "n")).map(|(c, n)| (c.map(|c| c.to_string()).unwrap_or_default(), n.unwrap())).collect();
    assert_eq!(got, want);
    // 14. project-rename, then distinct
    let f = t.q("asn_aad_logons | project-rename User = UserPrincipalName | distinct User");
    assert_eq!(strs(&f, "User").into_iter().collect::<BTreeSet<_>>(), rows.iter().map(|r| text(r, "UserPrincipalName")).collect());
    // 15. tolower + in~
    let f = t.q("asn_aad_logons | where tolower(AppDisplayName) in~ (\"AZURE PORTAL\", \"office 365 exchange online\") | count");
    let want = rows.iter().filter(|r| ["azure portal", "office 365 exchange online"].contains(&text(r, "AppDisplayName").to_lowercase().as_str())).count();
    assert_eq!(one_long(&f, "Count"), want as i64);
    // 16. a time window with between
    let mut times_sorted = times.clone();
    times_sorted.sort_unstable();
    let (a, b) = (times_sorted[10], times_sorted[60]);
    let f = t.q(&format!("asn_aad_logons | where TimeGenerated between (datetime({}) .. datetime({})) | count", format_dt(a), format_dt(b)));
    assert_eq!(one_long(&f, "Count"), times.iter().filter(|x| **x >= a && **x <= b).count() as i64);
}

// ----- processes -----------------------------------------------------------------------------------------------------

#[test]
fn processes() {
    let t = Tour::load();
    let rows = t.rows("asn_processes_on_host");
    // 17. processes per account
    let f = t.q("asn_processes_on_host | summarize n = count() by Account");
    assert_eq!(long_map(&f, "Account", "n"), counter(rows.iter().map(|r| text(r, "Account"))));
    // 18. has / contains / startswith / endswith counts
    for needle in ["exe", "powershell", "cmd", "system32", "WindowsAzure"] {
        let f = t.q(&format!("asn_processes_on_host | where CommandLine has \"{needle}\" | count"));
        let want = rows.iter().filter(|r| has_term(&text(r, "CommandLine"), needle)).count();
        assert_eq!(one_long(&f, "Count"), want as i64, "has {needle}");
        let f = t.q(&format!("asn_processes_on_host | where CommandLine contains \"{}\" | count", needle.to_uppercase()));
        let want = rows.iter().filter(|r| text(r, "CommandLine").to_lowercase().contains(&needle.to_lowercase())).count();
        assert_eq!(one_long(&f, "Count"), want as i64, "contains {needle}");
        let f = t.q(&format!("asn_processes_on_host | where CommandLine contains_cs \"{needle}\" | count"));
        let want = rows.iter().filter(|r| text(r, "CommandLine").contains(needle)).count();
        assert_eq!(one_long(&f, "Count"), want as i64, "contains_cs {needle}");
    }
    let f = t.q(r#"asn_processes_on_host | where NewProcessName startswith @"c:\windows\system32" | count"#);
    let want = rows.iter().filter(|r| text(r, "NewProcessName").to_lowercase().starts_with(r"c:\windows\system32")).count();
    assert_eq!(one_long(&f, "Count"), want as i64);
    let f = t.q(r#"asn_processes_on_host | where NewProcessName !endswith ".EXE" | count"#);
    let want = rows.iter().filter(|r| !text(r, "NewProcessName").to_lowercase().ends_with(".exe")).count();
    assert_eq!(one_long(&f, "Count"), want as i64);
    // 19. per-hour counts: bin(TimeGenerated, 1h)
    let f = t.q("asn_processes_on_host | summarize n = count() by bin(TimeGenerated, 1h)");
    let mut want: BTreeMap<i64, i64> = BTreeMap::new();
    for r in &rows {
        *want.entry(time_ns(r, "TimeGenerated").div_euclid(HOUR_NS) * HOUR_NS).or_default() += 1;
    }
    let got: BTreeMap<i64, i64> = nanos(&f, "TimeGenerated").into_iter().zip(longs(&f, "n")).map(|(a, b)| (a.unwrap(), b.unwrap())).collect();
    assert_eq!(got, want);
    // 20. top 5 process names by count
    let f = t.q("asn_processes_on_host | summarize n = count() by NewProcessName | top 5 by n desc");
    let counts = counter(rows.iter().map(|r| text(r, "NewProcessName")));
    let mut sorted: Vec<i64> = counts.values().copied().collect();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(longs(&f, "n").into_iter().flatten().collect::<Vec<_>>(), sorted[..5]);
    for (name, n) in strs(&f, "NewProcessName").into_iter().zip(longs(&f, "n")) {
        assert_eq!(counts[&name], n.unwrap());
    }
    // 21. split(Account, "\\")[1]: the user part
    let f = t.q(r#"asn_processes_on_host | extend User = tostring(split(Account, "\\")[1]) | summarize n = count() by User"#);
    let want = counter(rows.iter().map(|r| text(r, "Account").split('\\').nth(1).unwrap_or("").to_string()));
    assert_eq!(long_map(&f, "User", "n"), want);
    // 22. extract with a regex group, row by row
    let f = t.q(r#"asn_processes_on_host | take 500 | extend exe = extract(@"([^\\]+)$", 1, NewProcessName) | project exe"#);
    let want: Vec<String> = rows[..500].iter().map(|r| text(r, "NewProcessName").rsplit('\\').next().unwrap_or("").to_string()).collect();
    assert_eq!(strs(&f, "exe"), want);
    // 23. take, sort desc: the newest three
    let f = t.q("asn_processes_on_host | sort by TimeGenerated desc | take 3 | project TimeGenerated");
    let mut times: Vec<i64> = rows.iter().map(|r| time_ns(r, "TimeGenerated")).collect();
    times.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(nanos(&f, "TimeGenerated"), times[..3].iter().map(|t| Some(*t)).collect::<Vec<_>>());
    // 24. distinct computers, dcount of processes per computer
    let f = t.q("asn_processes_on_host | summarize procs = dcount(NewProcessName), parents = dcount(ParentProcessName) by Computer");
    let mut p: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for r in &rows {
        let e = p.entry(text(r, "Computer")).or_default();
        e.0.insert(text(r, "NewProcessName"));
        e.1.insert(text(r, "ParentProcessName"));
    }
    assert_eq!(long_map(&f, "Computer", "procs"), p.iter().map(|(k, v)| (k.clone(), v.0.len() as i64)).collect());
    assert_eq!(long_map(&f, "Computer", "parents"), p.iter().map(|(k, v)| (k.clone(), v.1.len() as i64)).collect());
    // 25. countif with contains, and a case() bucket
    let f = t.q(
        r#"asn_processes_on_host
        | extend Kind = case(NewProcessName endswith "powershell.exe", "ps", NewProcessName endswith "cmd.exe", "cmd", "other")
        | summarize n = count(), elevated = countif(TokenElevationType == "%%1936") by Kind"#,
    );
    let kind = |r: &HashMap<String, Value>| {
        let n = text(r, "NewProcessName").to_lowercase();
        if n.ends_with("powershell.exe") {
            "ps"
        } else if n.ends_with("cmd.exe") {
            "cmd"
        } else {
            "other"
        }
        .to_string()
    };
    assert_eq!(long_map(&f, "Kind", "n"), counter(rows.iter().map(kind)));
    assert_eq!(long_map(&f, "Kind", "elevated"), {
        let mut m = counter(rows.iter().map(kind)).into_keys().map(|k| (k, 0)).collect::<BTreeMap<_, _>>();
        for r in rows.iter().filter(|r| text(r, "TokenElevationType") == "%%1936") {
            *m.get_mut(&kind(r)).unwrap() += 1;
        }
        m
    });
}

// ----- logons and the join -------------------------------------------------------------------------------------------

#[test]
fn logons_and_joins() {
    let t = Tour::load();
    let logons = t.rows("asn_host_logons");
    let procs = t.rows("asn_processes_on_host");
    // 26. case() on LogonType
    let f = t.q("asn_host_logons | extend Kind = case(LogonType == 2, \"interactive\", LogonType == 3, \"network\", LogonType == 5, \"service\", \"other\") | summarize n = count() by Kind");
    let want = counter(logons.iter().map(|r| {
        match r["LogonType"].as_i64() {
            Some(2) => "interactive",
            Some(3) => "network",
            Some(5) => "service",
            _ => "other",
        }
        .to_string()
    }));
    assert_eq!(long_map(&f, "Kind", "n"), want);
    // 27. processes started in each logon session (inner join on the logon id)
    let by_session = counter(procs.iter().map(|r| text(r, "SubjectLogonId")));
    let f = t.q(
        "asn_host_logons | where TargetLogonId != \"0x3e7\" | project TargetLogonId, TargetUserName \
         | join kind=inner (asn_processes_on_host | project SubjectLogonId, NewProcessName) on $left.TargetLogonId == $right.SubjectLogonId | count",
    );
    let want: i64 = logons.iter().filter(|r| text(r, "TargetLogonId") != "0x3e7").map(|r| by_session.get(&text(r, "TargetLogonId")).copied().unwrap_or(0)).sum();
    assert_eq!(one_long(&f, "Count"), want);
    // 28. the default join (innerunique): one left row per key
    let f = t.q(
        "asn_host_logons | project TargetLogonId | join (asn_processes_on_host | project SubjectLogonId) on $left.TargetLogonId == $right.SubjectLogonId | count",
    );
    let keys: BTreeSet<String> = logons.iter().map(|r| text(r, "TargetLogonId")).collect();
    let want: i64 = keys.iter().map(|k| by_session.get(k).copied().unwrap_or(0)).sum();
    assert_eq!(one_long(&f, "Count"), want);
    // 29. leftanti: logon sessions that started no process
    let f = t.q("asn_host_logons | join kind=leftanti (asn_processes_on_host) on $left.TargetLogonId == $right.SubjectLogonId | count");
    assert_eq!(one_long(&f, "Count"), logons.iter().filter(|r| !by_session.contains_key(&text(r, "TargetLogonId"))).count() as i64);
    // 30. failed logons: union of the two logon tables, per EventID and account
    let failed = t.rows("mp_failed_logons");
    let f = t.q("union asn_host_logons, mp_failed_logons | summarize n = count() by EventID | order by EventID asc");
    let mut want: BTreeMap<i64, i64> = BTreeMap::new();
    for r in logons.iter().chain(&failed) {
        *want.entry(r["EventID"].as_i64().unwrap()).or_default() += 1;
    }
    let got: BTreeMap<i64, i64> = longs(&f, "EventID").into_iter().zip(longs(&f, "n")).map(|(a, b)| (a.unwrap(), b.unwrap())).collect();
    assert_eq!(got, want);
}

// ----- Exchange admin: dynamic arrays and timespans ------------------------------------------------------------------

#[test]
fn exchange_admin() {
    let t = Tour::load();
    let rows = t.rows("asn_exchange_admin");
    let cmds: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_str(&text(r, "cmds")).unwrap_or(Value::Null);
            v.as_array().map(|a| a.iter().map(|x| x.as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
        })
        .collect();
    // 31. mv-expand on the cmds array
    let f = t.q("asn_exchange_admin | mv-expand cmd = cmds to typeof(string) | summarize n = count() by cmd");
    assert_eq!(long_map(&f, "cmd", "n"), counter(cmds.iter().flatten().cloned()));
    let f = t.q("asn_exchange_admin | mv-expand cmds | count");
    assert_eq!(one_long(&f, "Count"), cmds.iter().map(|c| c.len().max(1) as i64).sum::<i64>());
    // 32. array_length agrees with nCmds, and dcount of the elements with nDistinctCmds
    let f = t.q("asn_exchange_admin | extend n = array_length(cmds), d = array_length(set_union(cmds, dynamic([]))) | project n, d, nCmds, nDistinctCmds");
    assert_eq!(longs(&f, "n"), cmds.iter().map(|c| Some(c.len() as i64)).collect::<Vec<_>>());
    assert_eq!(longs(&f, "d"), cmds.iter().map(|c| Some(c.iter().collect::<BTreeSet<_>>().len() as i64)).collect::<Vec<_>>());
    assert_eq!(longs(&f, "nCmds"), rows.iter().map(|r| r["nCmds"].as_i64()).collect::<Vec<_>>());
    // 33. the timespan column: duration == end - begin, and sums per user
    let f = t.q("asn_exchange_admin | where duration == end - begin | count");
    let want = rows
        .iter()
        .filter(|r| {
            let d = text(r, "duration");
            let secs: i64 = d.split(':').map(|p| p.parse::<f64>().unwrap() as i64).fold(0, |acc, x| acc * 60 + x);
            (time_ns(r, "end") - time_ns(r, "begin")) / 1_000_000_000 == secs
        })
        .count();
    assert_eq!(one_long(&f, "Count"), want as i64);
    let f = t.q("asn_exchange_admin | summarize total = sum(nCmds), longest = max(duration), sessions = count() by UserId");
    let mut want: BTreeMap<String, i64> = BTreeMap::new();
    for r in &rows {
        *want.entry(text(r, "UserId")).or_default() += r["nCmds"].as_i64().unwrap();
    }
    assert_eq!(long_map(&f, "UserId", "total"), want);
    assert!(nanos(&f, "longest").iter().all(|d| d.is_some()));
    // 34. the first parameter name of each session's first command: a path through arrays and bags
    let f = t.q("asn_exchange_admin | extend p = params[0] | extend k = tostring(bag_keys(p)[0]) | project k");
    let want: Vec<String> = rows
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_str(&text(r, "params")).unwrap_or(Value::Null);
            v[0].as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default()
        })
        .collect();
    assert_eq!(strs(&f, "k"), want);
}

// ----- a time series -------------------------------------------------------------------------------------------------

#[test]
fn timeseries() {
    let t = Tour::load();
    let rows = t.rows("asn_timeseries");
    let bytes = |r: &HashMap<String, Value>| text(r, "TotalBytesSent").parse::<i64>().unwrap();
    // 35. a string column of numbers, summed
    let f = t.q("asn_timeseries | summarize total = sum(tolong(TotalBytesSent)), biggest = max(tolong(TotalBytesSent))");
    assert_eq!(one_long(&f, "total"), rows.iter().map(bytes).sum::<i64>());
    assert_eq!(one_long(&f, "biggest"), rows.iter().map(bytes).max().unwrap());
    // 36. make-series per day against per-day sums computed here
    let f = t.q("asn_timeseries | make-series total = sum(tolong(TotalBytesSent)) default = 0 on TimeGenerated step 1d");
    let day = 24 * HOUR_NS;
    let first = rows.iter().map(|r| time_ns(r, "TimeGenerated")).min().unwrap();
    let last = rows.iter().map(|r| time_ns(r, "TimeGenerated")).max().unwrap();
    let n_bins = ((last - first) / day + 1) as usize;
    let mut want = vec![0i64; n_bins];
    for r in &rows {
        want[((time_ns(r, "TimeGenerated") - first) / day) as usize] += bytes(r);
    }
    let got: Vec<i64> = serde_json::from_str(&strs(&f, "total")[0]).unwrap();
    assert_eq!(got, want);
    // 37. hours above the mean
    let f = t.q("let m = toscalar(asn_timeseries | summarize avg(tolong(TotalBytesSent))); asn_timeseries | where tolong(TotalBytesSent) > m | count");
    let mean = rows.iter().map(bytes).sum::<i64>() as f64 / rows.len() as f64;
    assert_eq!(one_long(&f, "Count"), rows.iter().filter(|r| bytes(r) as f64 > mean).count() as i64);
}
