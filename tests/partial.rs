//! Issue #14: a partial result never looks complete. A Log Analytics `PartialError`, a cancelled or incomplete Data
//! Explorer answer mark every table partial; every verb keeps the mark; the HTML table and the timeline footnotes
//! show it (escaped).

use huntbook::frame::html::{to_html, HtmlOptions};
use huntbook::frame::loganalytics::parse_response;
use huntbook::query::kusto::parse_v2;
use huntbook::vis::{Timeline, TimelineKind, TimelineOptions};
use huntbook::Frame;
use serde_json::json;

const PARTIAL: &[u8] = br#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},
    {"name":"User","type":"string"},{"name":"N","type":"long"}],
    "rows":[["2024-01-01T00:00:00Z","alice",1],["2024-01-01T01:00:00Z","bob",2],["2024-01-01T02:00:00Z","alice",3]]}],
    "error":{"code":"PartialError","message":"There were some errors <b>when</b> processing your query.",
    "details":[{"code":"EngineError","message":"x","innererror":{"code":"-2133196797",
    "message":"The results of this query exceed the set limit of 64000000 bytes"}}]}}"#;

fn partial_frame() -> Frame {
    parse_response(PARTIAL).unwrap().tables.remove(0)
}

#[test]
fn a_partial_error_marks_the_tables_and_every_verb_keeps_it() {
    let f = partial_frame();
    let p = f.partial.clone().expect("marked partial");
    assert!(p.starts_with("PartialError: There were some errors") && p.contains("64000000 bytes"), "{p}");
    let derived: Vec<(&str, Frame)> = vec![
        ("head", f.head(1)),
        ("slice", f.slice(1, 1)),
        ("select", f.select(&["User"]).unwrap()),
        ("filter_eq", f.filter_eq("User", &json!("alice")).unwrap()),
        ("sort", f.sort(&["N"], true).unwrap()),
        ("group_count", f.group_count(&["User"]).unwrap()),
        ("value_counts", f.value_counts("User").unwrap()),
        ("rename", f.rename(&[("User".into(), "Account".into())]).unwrap()),
        ("with_constant", f.with_constant("k", &json!(1)).unwrap()),
        ("add_time", f.add_time("t2", "TimeGenerated", &json!("1h")).unwrap()),
    ];
    for (verb, d) in derived {
        assert_eq!(d.partial.as_deref(), Some(p.as_str()), "{verb} dropped the partial mark");
        let html = to_html(&d, &HtmlOptions::default());
        assert!(html.starts_with("<div class=\"huntbook-partial\" role=\"alert\">Partial result"), "{verb}: {html}");
        assert!(html.contains("errors &lt;b&gt;when&lt;/b&gt; processing") && !html.contains("<b>"), "{verb}: {html}");
    }
    // a whole table has no banner
    let whole = parse_response(br#"{"tables":[{"name":"T","columns":[{"name":"x","type":"long"}],"rows":[[1]]}]}"#).unwrap();
    assert!(whole.tables[0].partial.is_none());
    assert!(!to_html(&whole.tables[0], &HtmlOptions::default()).contains("huntbook-partial"));
}

#[test]
fn the_timeline_footnote_says_partial() {
    let t = Timeline::new(&partial_frame(), TimelineKind::Events, &TimelineOptions::default()).unwrap();
    let notes = &t.layout().notes;
    assert!(notes.first().is_some_and(|n| n.starts_with("Partial result — the service reported: PartialError")), "{notes:?}");
}

fn kusto(frames: serde_json::Value) -> huntbook::frame::QueryResult {
    parse_v2(frames.to_string().as_bytes()).unwrap()
}

fn table() -> serde_json::Value {
    json!({"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"PrimaryResult",
        "Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[1],[2]]})
}

#[test]
fn kusto_cancelled_missing_completion_and_fragments_are_not_complete() {
    let header = json!({"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"});
    let done = |cancelled: bool| json!({"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":cancelled});
    // complete
    let r = kusto(json!([header, table(), done(false)]));
    assert!(r.error.is_none() && r.tables[0].partial.is_none());
    // cancelled
    let r = kusto(json!([header, table(), done(true)]));
    assert_eq!(r.error.as_ref().unwrap().code, "Cancelled");
    assert!(r.tables[0].partial.as_deref().unwrap().contains("cancelled"));
    // cut short: no DataSetCompletion
    let r = kusto(json!([header, table()]));
    assert_eq!(r.error.as_ref().unwrap().code, "Incomplete");
    assert!(r.tables[0].partial.as_deref().unwrap().contains("DataSetCompletion"));
    // progressive frames
    let frag = json!({"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":0,"Rows":[[3]]});
    let r = kusto(json!([header, table(), frag, done(false)]));
    assert_eq!(r.error.as_ref().unwrap().code, "TableFragment");
    assert!(r.tables[0].partial.is_some());
    // HasErrors keeps its own error and marks the tables
    let errs = json!({"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false,
        "OneApiErrors":[{"error":{"code":"LimitsExceeded","message":"Request is invalid"}}]});
    let r = kusto(json!([header, table(), errs]));
    assert_eq!(r.error.as_ref().unwrap().code, "LimitsExceeded");
    assert!(r.tables[0].partial.as_deref().unwrap().starts_with("LimitsExceeded"));
}

// ----- display spoofing (issue #14): hidden characters show visibly, through the one escaper ------------------

#[test]
fn bidi_and_invisible_characters_show_visibly_in_html() {
    use huntbook::frame::html::{escape_html, show_hidden};
    // "invoice\u{202E}fdp.exe" renders as "invoiceexe.pdf"; a zero-width space hides inside a domain.
    let json = serde_json::json!({"tables":[{"name":"T","columns":[{"name":"File","type":"string"}],
        "rows":[["invoice\u{202E}fdp.exe"],["micro\u{200B}soft.com"],["a\u{2066}b\u{2069}c\u{200E}\u{200F}\u{061C}\u{FEFF}\u{0}"],["plain é ✓ 中文\ttab"]]}]});
    let f = parse_response(json.to_string().as_bytes()).unwrap().tables.remove(0);
    let html = to_html(&f, &HtmlOptions::default());
    assert!(html.contains("<td>invoice⟨U+202E⟩fdp.exe</td>"), "{html}");
    assert!(html.contains("<td>micro⟨U+200B⟩soft.com</td>"), "{html}");
    assert!(html.contains("<td class=\"huntbook-long\">a⟨U+2066⟩b⟨U+2069⟩c⟨U+200E⟩⟨U+200F⟩⟨U+061C⟩⟨U+FEFF⟩⟨U+0000⟩</td>"), "{html}");
    assert!(html.contains("<td>plain é ✓ 中文\ttab</td>"), "{html}");
    for c in ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'] {
        assert!(!html.contains(c), "U+{:04X} left in the HTML", c as u32);
    }
    // long cells: the title attribute (full text) shows them too
    let long = format!("{}\u{202E}{}", "x".repeat(300), "y");
    assert_eq!(escape_html(&long).matches("⟨U+202E⟩").count(), 1);
    assert_eq!(show_hidden("a<b>\u{202E}"), "a<b>⟨U+202E⟩");
    assert!(matches!(show_hidden("nothing hidden"), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn archive_member_names_are_escaped_in_decoded_tags() {
    use base64::Engine as _;
    use std::io::Write;
    let mut e = flate2::GzBuilder::new()
        .filename("x' onload='alert(1)'><script>.txt")
        .write(Vec::new(), flate2::Compression::default());
    e.write_all(b"the payload text inside the archive").unwrap();
    let gz = e.finish().unwrap();
    let text = format!("cmd {}", base64::engine::general_purpose::STANDARD.encode(&gz));
    let u = huntbook::decode::unpack(&text, &Default::default()).unwrap();
    assert!(u.text.contains("Filename: x&#39; onload=&#39;alert(1)&#39;&gt;&lt;script&gt;.txt'"), "{}", u.text);
    assert!(!u.text.contains("<script>"), "{}", u.text);
    assert_eq!(u.fragments[0].file_name, "x' onload='alert(1)'><script>.txt");
}
