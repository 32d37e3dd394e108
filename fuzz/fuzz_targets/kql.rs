//! KQL: parse and execute the input as a query on small generated tables (strings, longs, reals, bools, datetimes,
//! timespans, dynamic, guids; a second table to join with). Errors are fine; a panic, a stack overflow, a timeout
//! or running out of memory is a crash. The result is rendered as rows, as a notebook would show it.
#![no_main]

use huntbook::frame::loganalytics::parse_response;
use huntbook::frame::rows::to_json_rows;
use huntbook::frame::Tables;
use huntbook::kql;
use libfuzzer_sys::fuzz_target;

/// 2024-01-03T00:00:00Z: what `now()` and `ago()` use.
const NOW_NS: i64 = 1_704_240_000_000_000_000;

const T_JSON: &str = r#"{"tables":[{"name":"T","columns":[
 {"name":"TimeGenerated","type":"datetime"},{"name":"User","type":"string"},{"name":"IP","type":"string"},
 {"name":"N","type":"long"},{"name":"Score","type":"real"},{"name":"Ok","type":"bool"},{"name":"Props","type":"dynamic"},
 {"name":"EventID","type":"int"},{"name":"Dur","type":"timespan"},{"name":"Cmd","type":"string"},{"name":"Id","type":"guid"}],
 "rows":[
 ["2024-01-01T00:00:00Z","alice@contoso.com","10.0.0.1",5,1.5,true,"{\"geo\":{\"lat\":47.5,\"lon\":-122.1},\"tags\":[\"a\",\"b\"],\"city\":\"Seattle\"}",4624,"00:30:00","powershell.exe -enc SQBFAFgA","0f8fad5b-d9cb-469f-a165-70867728950e"],
 ["2024-01-01T01:30:00Z","bob@contoso.com","10.0.0.2",3,2.5,false,"{\"geo\":{\"lat\":51.5,\"lon\":-0.1},\"tags\":[\"c\"],\"city\":\"London\"}",4625,"01:00:00","cmd.exe /c whoami",null],
 ["2024-01-01T02:15:00Z","alice@contoso.com","10.0.0.1",null,null,true,"[1,2,[3,{\"k\":null}]]",4624,null,"C:\\Windows\\System32\\notepad.exe","7c9e6679-7425-40de-944b-e07fc1f90ae7"],
 ["2024-01-02T00:00:00Z","carol@fabrikam.com","192.168.1.5",-9223372036854775808,-0.0,false,"",4688,"-10675199.02:48:05.4775808","executable.bin",null],
 ["2024-01-02T12:00:00Z","Alice@Contoso.com","2001:db8::1",9223372036854775807,1e308,true,"{\"geo\":{\"lat\":40.0,\"lon\":-74.0},\"tags\":[\"a\"],\"city\":\"New York\"}",4624,"00:00:10",""]
 ]}]}"#;

const U_JSON: &str = r#"{"tables":[{"name":"U","columns":[
 {"name":"User","type":"string"},{"name":"Dept","type":"string"},{"name":"Level","type":"long"},{"name":"Seen","type":"datetime"}],
 "rows":[["alice@contoso.com","Sales",1,"2024-01-01T00:00:00Z"],["bob@contoso.com","IT",2,null],["dave@x.com","HR",3,"1677-09-21T00:12:44Z"],["alice@contoso.com","Sales2",4,"2262-04-11T23:47:16Z"]]}]}"#;

const E_JSON: &str = r#"{"tables":[{"name":"Empty","columns":[{"name":"A","type":"string"},{"name":"B","type":"long"}],"rows":[]}]}"#;

fn tables() -> Tables {
    let mut t = Tables::new();
    for (name, json) in [("T", T_JSON), ("U", U_JSON), ("Empty", E_JSON)] {
        let mut f = parse_response(json.as_bytes()).expect("the fuzz tables parse").tables.remove(0);
        f.name = name.to_string();
        t.add(f);
    }
    t
}

thread_local! {
    static TABLES: Tables = tables();
}

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(data);
    TABLES.with(|tables| {
        if let Ok(frame) = kql::execute(&query, tables, NOW_NS) {
            let _ = to_json_rows(&frame, 0, 50);
        }
    });
});
