//! The calling conventions of pivot functions: input forms, list vs per-value planning, assembling with
//! `src_row_index`, and each join kind with duplicate and null keys.

use huntbook::entity::{Entity, EntityKind};
use huntbook::frame::rows::display_text;
use huntbook::frame::Frame;
use huntbook::pivot::{prepare, PivotCall, Registry, Source};
use huntbook::query::builtin;
use polars::prelude::*;
use serde_json::{json, Value};

fn registry() -> Registry {
    let mut r = Registry::new();
    r.add_catalog(&builtin::catalog().unwrap(), "MSSentinel");
    r
}

fn plan(r: &Registry, kind: EntityKind, path: &str, source: Source<'_>, options: Value) -> huntbook::Result<PivotCall> {
    prepare(r.find(kind, path).unwrap(), source, &options)
}

fn values_of(call: &PivotCall) -> Vec<Vec<String>> {
    call.calls().iter().map(|c| c.values.clone()).collect()
}

fn texts(f: &Frame, col: &str) -> Vec<Option<String>> {
    f.column(col).unwrap().as_materialized_series().iter().map(|v| display_text(&v)).collect()
}

fn src_rows(f: &Frame) -> Vec<Option<i64>> {
    f.column("src_row_index").unwrap().i64().unwrap().into_iter().collect()
}

fn frame(df: DataFrame) -> Frame {
    Frame::new("t", df)
}

#[test]
fn a_value_a_list_entities_and_a_table_column() {
    let r = registry();
    let ip = EntityKind::IpAddress;
    // one value
    let c = plan(&r, ip, "ip_type", Source::Json(&json!("24.16.133.227")), Value::Null).unwrap();
    assert_eq!(values_of(&c), [["24.16.133.227"]]);
    // a list: duplicates, nulls and blanks are looked up once / never
    let list = json!(["10.0.0.1", null, "8.8.8.8", "10.0.0.1", "  ", 7]);
    let c = plan(&r, ip, "ip_type", Source::Json(&list), Value::Null).unwrap();
    assert_eq!(values_of(&c), [["10.0.0.1"], ["8.8.8.8"], ["7"]]);
    assert_eq!(c.input().values, [Some("10.0.0.1".into()), None, Some("8.8.8.8".into()), Some("10.0.0.1".into()), None, Some("7".into())]);
    // entities: their attribute (Host: the derived fqdn)
    let hosts = [Entity::parse(EntityKind::Host, "wks-fin-07.contoso.com").unwrap(), Entity::parse(EntityKind::Host, "srv1").unwrap()];
    let c = plan(&r, EntityKind::Host, "dns_resolve", Source::Entities(&hosts), Value::Null).unwrap();
    assert_eq!(values_of(&c), [["wks-fin-07.contoso.com"], ["srv1"]]);
    let e = plan(&r, ip, "whois", Source::Entities(&hosts), Value::Null).unwrap_err().to_string();
    assert_eq!(e, "IpAddress.util.whois: takes IpAddress entities, got a Host; use a function of Host (pivot.functions(\"Host\"))");
    // a table column
    let df = frame(df!("IPAddress" => ["1.1.1.1", "2.2.2.2", "1.1.1.1"], "User" => ["a", "b", "c"]).unwrap());
    let c = plan(&r, ip, "whois", Source::Frame(&df), json!({"column": "IPAddress"})).unwrap();
    assert_eq!(values_of(&c), [["1.1.1.1", "2.2.2.2"]]);
    assert_eq!(c.input().column, "IPAddress");
    // a wrong column lists the columns
    let e = plan(&r, ip, "whois", Source::Frame(&df), json!({"column": "IPAdress"})).unwrap_err().to_string();
    assert_eq!(e, "IpAddress.util.whois: unknown column 'IPAdress' (did you mean 'IPAddress'?). Columns are: IPAddress, User");
    // no column: the attribute's name, a one-column table, else an error naming the columns
    let e = plan(&r, ip, "whois", Source::Frame(&df), Value::Null).unwrap_err().to_string();
    assert!(e.contains("name the column holding the IpAddress Address values. Columns are: IPAddress, User"), "{e}");
    let one = frame(df!("ip" => ["9.9.9.9"]).unwrap());
    assert_eq!(values_of(&plan(&r, ip, "whois", Source::Frame(&one), Value::Null).unwrap()), [["9.9.9.9"]]);
    // column is for tables only; an object is not a value
    assert!(plan(&r, ip, "whois", Source::Json(&json!("1.1.1.1")), json!({"column": "x"})).unwrap_err().to_string().contains("is for a DataFrame input"));
    assert!(plan(&r, ip, "whois", Source::Json(&json!([{"a": 1}])), Value::Null).unwrap_err().to_string().contains("(element 0) must be a value"));
}

#[test]
fn list_parameters_take_one_call_others_one_per_value() {
    let r = registry();
    let ip = EntityKind::IpAddress;
    let ips = json!(["185.220.101.45", "185.220.101.46", "185.220.101.45", "10.1.1.1"]);
    // ip_address_list: one query with every distinct value
    let c = plan(&r, ip, "MSSentinel.list_aad_signins_for_ip", Source::Json(&ips), json!({"start": "-7d"})).unwrap();
    assert_eq!(c.calls().len(), 1);
    assert_eq!(c.calls()[0].args["ip_address_list"], json!(["185.220.101.45", "185.220.101.46", "10.1.1.1"]));
    assert_eq!(c.calls()[0].args["start"], json!("-7d"));
    // ip_address (str): one query per distinct value
    let c = plan(&r, ip, "MSSentinel.get_info_by_ipaddress", Source::Json(&ips), Value::Null).unwrap();
    let args: Vec<Value> = c.calls().iter().map(|c| c.args["ip_address"].clone()).collect();
    assert_eq!(args, [json!("185.220.101.45"), json!("185.220.101.46"), json!("10.1.1.1")]);
    // enrichment: whois takes a list, dns_resolve one name a call
    assert_eq!(plan(&r, ip, "whois", Source::Json(&ips), Value::Null).unwrap().calls().len(), 1);
    let names = json!(["a.com", "b.com", "a.com"]);
    assert_eq!(plan(&r, EntityKind::Dns, "dns_resolve", Source::Json(&names), json!({"types": ["A"]})).unwrap().calls().len(), 2);
    // a bound on the number of calls
    let e = plan(&r, ip, "ip_type", Source::Json(&ips), json!({"maxCalls": 2})).unwrap_err().to_string();
    assert!(e.contains("3 distinct values, which would take 3 calls (at most 2 are made)"), "{e}");
    // a list of 2500 values is 3 list calls
    let many: Vec<String> = (0..2500).map(|i| format!("10.0.{}.{}", i / 250, i % 250)).collect();
    let c = plan(&r, ip, "aad_signins", Source::Json(&json!(many)), Value::Null).unwrap();
    assert_eq!(c.calls().iter().map(|c| c.values.len()).collect::<Vec<_>>(), [1000, 1000, 500]);
}

#[test]
fn options_and_parameters() {
    let r = registry();
    let p = EntityKind::Process;
    // a required parameter no Process attribute gives comes from the caller
    let e = plan(&r, p, "MSSentinel.list_processes_for_host_and_parent", Source::Json(&json!("0x1a2c")), Value::Null).unwrap_err().to_string();
    assert!(e.starts_with("Process.MSSentinel.list_processes_for_host_and_parent: the query also needs host_name (str:"), "{e}");
    let c = plan(&r, p, "MSSentinel.list_processes_for_host_and_parent", Source::Json(&json!("0x1a2c")), json!({"hostName": "WKS-FIN-07"})).unwrap();
    assert_eq!(c.calls()[0].args, json!({"host_name": "WKS-FIN-07", "process_id": "0x1a2c"}).as_object().unwrap().clone());
    // one entity: other parameters mapped to the same entity are read from it
    let mut proc_ = Entity::new(EntityKind::Process);
    proc_.set("ProcessId", json!("0x1a2c"));
    proc_.set("ProcessFilePath", json!("C:\\Windows\\System32\\cmd.exe"));
    let c = plan(&r, p, "MSSentinel.list_processes_for_host_and_parent", Source::Entities(std::slice::from_ref(&proc_)), json!({"host_name": "h"})).unwrap();
    assert_eq!(c.calls()[0].args["process_name"], json!("C:\\Windows\\System32\\cmd.exe"));
    assert_eq!(c.calls()[0].args["process_id"], json!("0x1a2c"));
    // unknown options suggest; the function's own parameters are options too
    let ip = EntityKind::IpAddress;
    let e = plan(&r, ip, "whois", Source::Json(&json!("1.1.1.1")), json!({"jion": "left"})).unwrap_err().to_string();
    assert!(e.starts_with("IpAddress.util.whois: unknown option 'jion' (did you mean 'join'?). Options are: column, join, left_on, right_on, ignore_case, join_ignore_case, suffixes, concurrency, max_calls, signal, on_progress, resolver, rdap_url"), "{e}");
    let c = plan(&r, ip, "whois", Source::Json(&json!("1.1.1.1")), json!({"rdapUrl": "http://127.0.0.1:1/", "join": true, "concurrency": 2})).unwrap();
    assert_eq!(c.calls()[0].args["rdap_url"], json!("http://127.0.0.1:1/"));
    assert_eq!((c.options().join, c.options().concurrency), (Some(huntbook::frame::join::JoinHow::Left), 2));
    let e = plan(&r, ip, "whois", Source::Json(&json!("1.1.1.1")), json!({"join": "sideways"})).unwrap_err().to_string();
    assert!(e.contains("option 'join': expected \"inner\", \"left\", \"right\" or \"outer\", got \"sideways\""), "{e}");
    let e = plan(&r, ip, "whois", Source::Json(&json!("1.1.1.1")), json!({"concurrency": 0})).unwrap_err().to_string();
    assert!(e.contains("'concurrency' must be 1 to 32"), "{e}");
    // enrichment functions take no query parameters
    assert!(plan(&r, ip, "whois", Source::Json(&json!("1.1.1.1")), json!({"start": "-1d"})).unwrap_err().to_string().contains("unknown option 'start'"));
}

#[test]
fn assembling_per_value_results() {
    let r = registry();
    let input = json!(["a.com", "b.com", null, "a.com", "c.com"]);
    let c = plan(&r, EntityKind::Dns, "dns_resolve", Source::Json(&input), Value::Null).unwrap();
    assert_eq!(values_of(&c), [["a.com"], ["b.com"], ["c.com"]]);
    let a = frame(df!("Name" => ["a.com", "cdn.a.net"], "Type" => ["CNAME", "A"], "Data" => ["cdn.a.net", "1.2.3.4"]).unwrap());
    let b = frame(df!("Name" => ["b.com"], "Type" => ["A"], "Data" => ["5.6.7.8"]).unwrap());
    let out = c.assemble(vec![Ok(a.clone()), Ok(b.clone()), Err("timed out".into())]).unwrap();
    assert_eq!(out.height(), 3);
    // every row of a value's call points at the first input row with that value (the CNAME target row too)
    assert_eq!(src_rows(&out), [Some(0), Some(0), Some(1)]);
    assert_eq!(out.notes, ["Dns.util.dns_resolve('c.com') failed: timed out"]);
    // c.com's rows are missing: the table says it is partial (df.error in JS), not only in a note
    assert_eq!(out.partial.as_deref(), Some("1 of 3 calls of Dns.util.dns_resolve failed; the first: timed out"));
    let mut partial_b = b.clone();
    partial_b.partial = Some("PartialError: query exceeded limits".into());
    let whole = c.assemble(vec![Ok(a.clone()), Ok(partial_b), Ok(b.clone())]).unwrap();
    assert_eq!(whole.partial.as_deref(), Some("PartialError: query exceeded limits"), "a service's partial answer stays partial");
    assert_eq!(out.column_names(), ["Name", "Type", "Data", "src_row_index"]);
    // every call failed: the error
    let e = c.assemble(vec![Err("x".into()), Err("y".into()), Err("z".into())]).unwrap_err().to_string();
    assert_eq!(e, "Dns.util.dns_resolve: all 3 calls failed; the first: x");
    assert!(c.assemble(vec![Ok(a)]).unwrap_err().to_string().contains("1 results for 3 calls"));
}

#[test]
fn assembling_a_list_call_attributes_rows_through_the_key_column() {
    let r = registry();
    let ip = EntityKind::IpAddress;
    let input = json!(["185.220.101.45", "10.0.0.5", "185.220.101.45", "fe80::1"]);
    let c = plan(&r, ip, "MSSentinel.aad_signins", Source::Json(&input), Value::Null).unwrap();
    // sign-ins: key column IPAddress (compared without case)
    let res = frame(df!(
        "UserPrincipalName" => ["u1", "u2", "u3", "u4"],
        "IPAddress" => ["10.0.0.5", "185.220.101.45", "FE80::1", "99.9.9.9"]
    ).unwrap());
    let out = c.assemble(vec![Ok(res.clone())]).unwrap();
    assert_eq!(src_rows(&out), [Some(1), Some(0), Some(3), None]);
    // a result without the key column: null src_row_index and a note
    let bare = frame(df!("UserPrincipalName" => ["u1"]).unwrap());
    let out = c.assemble(vec![Ok(bare)]).unwrap();
    assert_eq!(src_rows(&out), [None]);
    assert!(out.notes[0].contains("could not be traced to input rows (the result has no column IPAddress); src_row_index is null: join with {right_on}"), "{:?}", out.notes);
    // has_any queries: the key column contains the value
    let c = plan(&r, ip, "MSSentinel.list_alerts_for_ip", Source::Json(&input), Value::Null).unwrap();
    let alerts = frame(df!(
        "AlertName" => ["spray", "c2"],
        "Entities" => [r#"[{"Type":"ip","Address":"185.220.101.45"}]"#, r#"[{"Type":"host"}]"#],
        "ExtendedProperties" => ["{}", r#"{"dst": "10.0.0.5"}"#]
    ).unwrap());
    assert_eq!(src_rows(&c.assemble(vec![Ok(alerts)]).unwrap()), [Some(0), Some(1)]);
}

/// Input rows [a, b, null, a, c] (c has no results, a has two, b one) and a list result with one row no input
/// value explains.
fn join_case(how: &str) -> Frame {
    let r = registry();
    let input = frame(df!(
        "IPAddress" => [Some("1.1.1.1"), Some("2.2.2.2"), None, Some("1.1.1.1"), Some("3.3.3.3")],
        "User" => ["u0", "u1", "u2", "u3", "u4"]
    ).unwrap());
    let c = plan(&r, EntityKind::IpAddress, "whois", Source::Frame(&input), json!({"column": "IPAddress", "join": how})).unwrap();
    assert_eq!(values_of(&c), [["1.1.1.1", "2.2.2.2", "3.3.3.3"]]);
    let res = frame(df!(
        "query" => ["1.1.1.1", "2.2.2.2", "1.1.1.1", "4.4.4.4"],
        "asn_description" => ["ONE-A", "TWO", "ONE-B", "FOUR"],
        "User" => ["r0", "r1", "r2", "r3"]
    ).unwrap());
    c.finish(vec![Ok(res)]).unwrap()
}

#[test]
fn joins_of_each_kind_with_duplicate_and_null_keys() {
    let inner = join_case("inner");
    assert_eq!(inner.column_names(), ["IPAddress", "User_src", "query", "asn_description", "User_res", "src_row_index"]);
    assert_eq!(texts(&inner, "User_src"), ["u0", "u0", "u1", "u3", "u3"].map(|s| Some(s.to_string())));
    assert_eq!(texts(&inner, "asn_description"), ["ONE-A", "ONE-B", "TWO", "ONE-A", "ONE-B"].map(|s| Some(s.to_string())));
    assert_eq!(src_rows(&inner), [Some(0), Some(0), Some(1), Some(3), Some(3)]);

    let left = join_case("left");
    assert_eq!(left.height(), 7);
    assert_eq!(src_rows(&left), [Some(0), Some(0), Some(1), Some(2), Some(3), Some(3), Some(4)]);
    assert_eq!(texts(&left, "asn_description")[3], None, "the null key matches nothing");
    assert_eq!(texts(&left, "asn_description")[6], None, "3.3.3.3 had no result");

    let right = join_case("right");
    assert_eq!(right.height(), 6);
    assert_eq!(texts(&right, "asn_description"), ["ONE-A", "ONE-B", "TWO", "ONE-A", "ONE-B", "FOUR"].map(|s| Some(s.to_string())));
    assert_eq!(src_rows(&right), [Some(0), Some(0), Some(1), Some(3), Some(3), None]);
    assert_eq!(texts(&right, "IPAddress")[5], None);

    let outer = join_case("outer");
    assert_eq!(outer.height(), 8);
    assert_eq!(src_rows(&outer), [Some(0), Some(0), Some(1), Some(2), Some(3), Some(3), Some(4), None]);
    assert_eq!(texts(&outer, "query")[7], Some("4.4.4.4".into()));
}

#[test]
fn explicit_join_keys_case_and_suffixes() {
    let r = registry();
    let input = frame(df!("Host" => ["WWW.Example.com", "b.org", "WWW.Example.com"]).unwrap());
    let ip_type = r.find(EntityKind::Dns, "dns_components").unwrap();
    let call = |opts: Value| prepare(ip_type, Source::Frame(&input), &opts).unwrap();
    let results = || vec![Ok(frame(df!("Name" => ["www.example.com"], "domain" => ["example"]).unwrap())), Ok(frame(df!("Name" => ["b.org"], "domain" => ["b"]).unwrap()))];
    // right_on alone: the input column ↔ that result column; case matters unless ignore_case
    let c = call(json!({"column": "Host", "join": "left", "rightOn": "Name"}));
    assert_eq!(texts(&c.finish(results()).unwrap(), "domain"), [None, Some("b".into()), None]);
    let c = call(json!({"column": "Host", "join": "left", "rightOn": "Name", "ignoreCase": true}));
    let out = c.finish(results()).unwrap();
    assert_eq!(texts(&out, "domain"), [Some("example".into()), Some("b".into()), Some("example".into())]);
    assert_eq!(src_rows(&out), [Some(0), Some(1), Some(2)]);
    // the default key: the value each row was looked up for (no case question)
    let c = call(json!({"column": "Host", "join": "inner"}));
    let out = c.finish(vec![Ok(frame(df!("Name" => ["x"], "domain" => ["example"]).unwrap())), Ok(frame(df!("Name" => ["y"], "domain" => ["b"]).unwrap()))]).unwrap();
    assert_eq!(texts(&out, "domain"), [Some("example".into()), Some("b".into()), Some("example".into())]);
    // left_on without right_on
    let c = call(json!({"column": "Host", "join": "left", "leftOn": "Host"}));
    assert!(c.finish(results()).unwrap_err().to_string().contains("with 'left_on' give 'right_on' too: the result column to join on (the key column is 'Name')"));
    // a wrong right_on lists the result's columns
    let c = call(json!({"column": "Host", "join": "left", "rightOn": "Nmae"}));
    let e = c.finish(results()).unwrap_err().to_string();
    assert!(e.contains("right_on: unknown column 'Nmae' (did you mean 'Name'?). Columns are: Name, domain"), "{e}");
    // suffixes for clashing names
    let input2 = frame(df!("Host" => ["b.org"], "domain" => ["mine"]).unwrap());
    let c = prepare(ip_type, Source::Frame(&input2), &json!({"column": "Host", "join": "left", "suffixes": ["_in", "_out"]})).unwrap();
    let out = c.finish(vec![Ok(frame(df!("Name" => ["b.org"], "domain" => ["b"]).unwrap()))]).unwrap();
    assert_eq!(out.column_names(), ["Host", "domain_in", "Name", "domain_out", "src_row_index"]);
}

#[test]
fn a_value_or_list_input_joins_as_a_one_column_table() {
    let r = registry();
    let c = plan(&r, EntityKind::IpAddress, "ip_type", Source::Json(&json!(["8.8.8.8", "10.0.0.1"])), json!({"join": "left"})).unwrap();
    let res = |ip: &str, t: &str| Ok(frame(df!("ip" => [ip], "result" => [t]).unwrap()));
    let out = c.finish(vec![res("8.8.8.8", "Public"), res("10.0.0.1", "Private")]).unwrap();
    assert_eq!(out.column_names(), ["Address", "ip", "result", "src_row_index"]);
    assert_eq!(texts(&out, "result"), [Some("Public".into()), Some("Private".into())]);
}

#[test]
fn local_utilities_run_every_call_here() {
    let r = registry();
    let c = plan(&r, EntityKind::IpAddress, "ip_type", Source::Json(&json!(["24.16.133.227", "10.0.0.1", "24.16.133.227"])), json!({"join": "left"})).unwrap();
    let out = c.finish(c.run_local().unwrap()).unwrap();
    assert_eq!(texts(&out, "result"), [Some("Public".into()), Some("Private".into()), Some("Public".into())]);
    assert_eq!(src_rows(&out), [Some(0), Some(1), Some(2)]);
    assert_eq!(out.partial, None, "every call answered");
    let c = plan(&r, EntityKind::Url, "url_components", Source::Json(&json!(["http://a.com/x", "not a url"])), Value::Null).unwrap();
    let out = c.assemble(c.run_local().unwrap()).unwrap();
    assert_eq!(texts(&out, "netloc"), [Some("a.com".into())]);
    assert!(out.notes[0].starts_with("Url.util.url_components('not a url') failed:"), "{:?}", out.notes);
    assert!(out.partial.as_deref().is_some_and(|p| p.starts_with("1 of 2 calls of Url.util.url_components failed")), "{:?}", out.partial);
    assert!(plan(&r, EntityKind::IpAddress, "whois", Source::Json(&json!("1.1.1.1")), Value::Null).unwrap().run_local().is_none());
}
