//! Service answers and table files: the first byte picks the reader — Log Analytics JSON, Data Explorer v2 JSON,
//! CSV, JSON rows, sniffed, the ARM tables (schema) answer, or a Sentinel alert's Entities JSON — and the rest is
//! its input. Every table read is rendered as the notebook renders it: JSON rows, HTML, Arrow IPC (both
//! precisions), and entities from each of its rows.
#![no_main]

use huntbook::entity::{alert_entities, alert_from_row};
use huntbook::frame::arrow::{to_ipc_stream, TimePrecision};
use huntbook::frame::html::{to_html, HtmlOptions};
use huntbook::frame::loganalytics::parse_response;
use huntbook::frame::rows::to_json_rows;
use huntbook::frame::text::{read_tables, TableFormat};
use huntbook::query::{kusto::parse_v2, schema::parse_tables};
use huntbook::QueryResult;
use libfuzzer_sys::fuzz_target;

fn render(result: QueryResult) {
    for frame in &result.tables {
        let _ = to_json_rows(frame, 0, 100);
        let _ = to_html(frame, &HtmlOptions::default());
        let _ = to_ipc_stream(frame, TimePrecision::Milliseconds);
        let _ = to_ipc_stream(frame, TimePrecision::Full);
        for row in 0..frame.height().min(4) {
            let _ = alert_from_row(frame, row);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else { return };
    let read = match which % 8 {
        0 => parse_response(body),
        1 => parse_v2(body),
        2 => read_tables(body, "Csv", Some(TableFormat::Csv)),
        3 => read_tables(body, "Rows", Some(TableFormat::JsonRows)),
        4 => read_tables(body, "", None),
        5 => {
            let _ = parse_tables(body);
            return;
        }
        _ => {
            let _ = alert_entities(&String::from_utf8_lossy(body));
            return;
        }
    };
    if let Ok(result) = read {
        render(result);
    }
});
