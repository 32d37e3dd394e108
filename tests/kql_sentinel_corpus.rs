//! The published Microsoft Sentinel hunting queries and analytics rules on the demo workspace (issue #15, in part).
//!
//! `tests/fixtures/sentinel_corpus.json` holds the `query:` text of hunting queries and analytics rules from the
//! public Azure-Sentinel repository (MIT) for the tables the demo models (`AuditLogs` and
//! `AADNonInteractiveUserSignInLogs` among them), each with its repository path and commit; see the file's `about`. Every query
//! is run on the demo data with the portal's `{{StartTimeISO}}` / `{{EndTimeISO}}` filled from a fixed range that
//! covers the data, and put in one category:
//!
//! - `ran`: it returned a table (rows or none);
//! - `missing table/column`: the demo data lacks a table or column the query names;
//! - `unsupported`: an operator, function or plugin the interpreter does not have yet (named);
//! - `parse error`: the parser rejected the text for another reason;
//! - `other error`: anything else (typing, a value the interpreter cannot handle …).
//!
//! `cargo test --test kql_sentinel_corpus -- --nocapture` prints the table, each query's outcome and the missing
//! pieces with counts (the work list for the rest of issue #15). The test asserts the corpus size, that every
//! outcome is one of the categories, and a ratchet floor on `ran` (today's number) so coverage cannot regress.

use std::collections::BTreeMap;

use huntbook::kql::{execute, parse};
use serde_json::Value;

mod common;
use common::{corpus, demo_workspace, fill_placeholders, Entry, NOW};

/// Queries in the fixture (at least).
const CORPUS_MIN: usize = 330;
/// Ratchet: the number of queries that run today. Raise it when coverage grows; never lower it.
const RAN_FLOOR: usize = 293;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Ran(usize),
    Missing(String),
    Unsupported(String),
    ParseError(String),
    OtherError(String),
}

impl Outcome {
    fn category(&self) -> &'static str {
        match self {
            Outcome::Ran(_) => "ran",
            Outcome::Missing(_) => "missing table/column",
            Outcome::Unsupported(_) => "unsupported",
            Outcome::ParseError(_) => "parse error",
            Outcome::OtherError(_) => "other error",
        }
    }
}

const CATEGORIES: [&str; 5] = ["ran", "missing table/column", "unsupported", "parse error", "other error"];

/// The text between the first pair of quotes after `marker` in `msg`.
fn quoted_after(msg: &str, marker: &str) -> Option<String> {
    let rest = msg.split(marker).nth(1)?;
    Some(rest.split('\'').next().unwrap_or("").to_string())
}

/// The error message without its `line L, col C: ` prefix.
fn strip_position(msg: &str) -> &str {
    if msg.starts_with("line ") {
        if let Some(i) = msg.find(": ") {
            return &msg[i + 2..];
        }
    }
    msg
}

/// Sorts an interpreter error into a category, naming the missing piece where the message names it.
fn classify_error(msg: &str, parsed: bool) -> Outcome {
    let m = strip_position(msg);
    if let Some(t) = quoted_after(m, "unknown table '") {
        return Outcome::Missing(format!("table {t}"));
    }
    if let Some(c) = quoted_after(m, "unknown column '").or_else(|| quoted_after(m, "has no column '")) {
        return Outcome::Missing(format!("column {c}"));
    }
    if let Some(op) = quoted_after(m, "the '") .filter(|_| m.contains("' operator is not supported yet")) {
        return Outcome::Unsupported(format!("operator {op}"));
    }
    if m.contains("is not supported yet") {
        return Outcome::Unsupported(m.split(" is not supported yet").next().unwrap_or(m).trim_matches('\'').to_string());
    }
    if let Some(op) = quoted_after(m, "unknown operator '") {
        return Outcome::Unsupported(format!("operator {op}"));
    }
    if let Some(f) = quoted_after(m, "unknown function '") {
        return Outcome::Unsupported(format!("function {f}"));
    }
    if let Some(p) = quoted_after(m, "unknown plugin '") {
        return Outcome::Unsupported(format!("plugin {p}"));
    }
    if !parsed {
        return Outcome::ParseError(m.to_string());
    }
    Outcome::OtherError(m.to_string())
}

fn run_one(data: &huntbook::frame::Tables, text: &str) -> Outcome {
    let parsed = parse(text).is_ok();
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| execute(text, data, NOW)));
    match out {
        Ok(Ok(frame)) => Outcome::Ran(frame.height()),
        Ok(Err(e)) => classify_error(&e.to_string(), parsed),
        Err(_) => Outcome::OtherError("PANIC".into()),
    }
}

/// A short key for grouping: the first 90 characters of a message.
fn short(s: &str) -> String {
    let one_line = s.replace('\n', " ");
    if one_line.chars().count() > 90 {
        format!("{}…", one_line.chars().take(90).collect::<String>())
    } else {
        one_line
    }
}

#[test]
fn sentinel_corpus_on_the_demo_workspace() {
    let data = demo_workspace();
    let entries = corpus();
    assert!(entries.len() >= CORPUS_MIN, "corpus has {} queries", entries.len());

    let report: Vec<(&Entry, Outcome)> =
        entries.iter().map(|e| (e, run_one(&data, &fill_placeholders(&e.query)))).collect();

    println!("\nSentinel corpus on the demo workspace: {} queries\n", report.len());
    for (e, o) in &report {
        let detail = match o {
            Outcome::Ran(n) => format!("{n} rows"),
            Outcome::Missing(s) | Outcome::Unsupported(s) | Outcome::ParseError(s) | Outcome::OtherError(s) => short(s),
        };
        println!("{:<21} {:<8} {}  — {}", o.category(), e.kind, e.path, detail);
    }

    let mut tally: BTreeMap<&str, (usize, usize)> = CATEGORIES.iter().map(|c| (*c, (0, 0))).collect();
    let mut pieces: BTreeMap<String, usize> = BTreeMap::new();
    for (e, o) in &report {
        let cat = o.category();
        assert!(CATEGORIES.contains(&cat), "{}: {cat}", e.path);
        let slot = tally.get_mut(cat).unwrap();
        if e.kind == "hunting" {
            slot.0 += 1;
        } else {
            slot.1 += 1;
        }
        match o {
            Outcome::Ran(_) => {}
            Outcome::Missing(s) | Outcome::Unsupported(s) => *pieces.entry(s.clone()).or_default() += 1,
            Outcome::ParseError(s) => *pieces.entry(format!("parse: {}", short(s))).or_default() += 1,
            Outcome::OtherError(s) => *pieces.entry(format!("error: {}", short(s))).or_default() += 1,
        }
    }

    println!("\n| outcome | hunting | analytic | all |\n|---|---:|---:|---:|");
    for c in CATEGORIES {
        let (h, a) = tally[c];
        println!("| {c} | {h} | {a} | {} |", h + a);
    }
    let hunting = report.iter().filter(|(e, _)| e.kind == "hunting").count();
    println!("| total | {hunting} | {} | {} |", report.len() - hunting, report.len());

    let mut ranked: Vec<(&String, &usize)> = pieces.iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    println!("\nwhat stops the rest (first failure of each query), most frequent first:");
    for (piece, n) in &ranked {
        println!("{n:>4}  {piece}");
    }

    let ran = tally["ran"].0 + tally["ran"].1;
    let counted: usize = tally.values().map(|(h, a)| h + a).sum();
    assert_eq!(counted, report.len());
    assert!(ran >= RAN_FLOOR, "{ran} queries ran; the floor is {RAN_FLOOR}");
}

#[test]
fn placeholders_are_filled_with_the_fixed_range() {
    let q = fill_placeholders("let s = todatetime('{{StartTimeISO}}'); let e = todatetime('{{EndTimeISO}}');");
    assert_eq!(q, "let s = todatetime('2024-05-02T12:00:00.000Z'); let e = todatetime('2024-06-01T12:00:00.000Z');");
}

#[test]
fn errors_are_sorted_by_what_they_name() {
    assert_eq!(classify_error("unknown table 'AuditLogs'. Tables are: A, B", true), Outcome::Missing("table AuditLogs".into()));
    assert_eq!(
        classify_error("line 1, col 5: the 'mv-apply' operator is not supported yet", false),
        Outcome::Unsupported("operator mv-apply".into())
    );
    assert_eq!(classify_error("line 2, col 3: unknown function 'hash'", true), Outcome::Unsupported("function hash".into()));
    assert_eq!(classify_error("line 1, col 9: expected ')'", false), Outcome::ParseError("expected ')'".into()));
    assert_eq!(classify_error("cannot subtract timespan from string", true), Outcome::OtherError("cannot subtract timespan from string".into()));
}

/// The published Entra ID hunting queries find the story's audit events on the demo workspace (demo_data/README.md,
/// "Entra ID"): the attacker's security-info registration and the OAuth consent to "Mail Backup Sync", both from
/// mike.jones's session on 185.220.101.45, and the benign admin consent to "Contoso HR Connector".
#[test]
fn the_story_is_found_by_published_entra_id_queries() {
    let data = demo_workspace();
    let entries = corpus();
    let rows = |path_end: &str| -> Vec<Value> {
        let e = entries.iter().find(|e| e.path.ends_with(path_end)).unwrap_or_else(|| panic!("{path_end}"));
        let f = execute(&fill_placeholders(&e.query), &data, NOW).unwrap_or_else(|err| panic!("{path_end}: {err}"));
        let json = huntbook::frame::rows::to_json_rows(&f, 0, f.height());
        serde_json::from_str::<Vec<Value>>(&json).unwrap()
    };
    let field = |r: &Value, k: &str| r[k].as_str().unwrap_or_default().to_string();

    // "User registered security info" and the rest, per initiator: three people with new phones, and the attacker.
    let mfa = rows("Hunting Queries/AuditLogs/AccountMFAModifications.yaml");
    let by: Vec<(String, String)> = mfa.iter().map(|r| (field(r, "InitiatorUPN"), field(r, "FromIP"))).collect();
    assert_eq!(
        by,
        [
            ("sophie.martin@contoso.com".to_string(), "81.2.69.142".to_string()),
            ("lucas.king@contoso.com".into(), "64.124.38.10".into()),
            ("robert.brown@contoso.com".into(), "64.124.38.10".into()),
            ("mike.jones@contoso.com".into(), "185.220.101.45".into()),
        ]
    );
    assert_eq!(
        field(&mfa[3], "Actions"),
        r#"["User started security info registration","User registered security info","User registered all required security info"]"#
    );

    // The consent to the attacker's app: a new app with high-risk scopes, by mike.jones from the spray IP.
    let consent = rows("Hunting Queries/AuditLogs/OAuthConsentToHighRiskPermission.yaml");
    assert_eq!(consent.len(), 1, "{consent:?}");
    assert_eq!(field(&consent[0], "AppName"), "mail backup sync");
    assert_eq!(field(&consent[0], "Actor"), "mike.jones@contoso.com");
    assert_eq!(field(&consent[0], "ActorIp"), "185.220.101.45");
    assert_eq!(field(&consent[0], "GrantedScopes"), r#"["Mail.ReadWrite","Mail.Send"]"#);

    // Its delegated permission grant, joined to the consent by CorrelationId; no hidden standard column shows.
    let mail = rows("Solutions/Microsoft Entra ID/Analytic Rules/MailPermissionsAddedToApplication.yaml");
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(field(&mail[0], "OperationName"), "Add delegated permission grant");
    assert_eq!(field(&mail[0], "AppName"), "Mail Backup Sync");
    assert_eq!(field(&mail[0], "UserIPAddress"), "185.220.101.45");
    assert!(mail[0].get("_ResourceId").is_none() && mail[0].get("_IsBillable").is_none(), "{:?}", mail[0]);

    // The only tenant-wide (admin) consent is the IT admin's, to the HR connector.
    let admin = rows("Hunting Queries/AuditLogs/AdminConsentGrantedToApplication.yaml");
    assert_eq!(admin.len(), 1, "{admin:?}");
    assert_eq!(field(&admin[0], "AppName"), "contoso hr connector");
    assert_eq!(field(&admin[0], "Actor"), "james.miller@contoso.com");
    assert_eq!(field(&admin[0], "GrantedScopes"), r#"["User.Read.All","Group.Read.All"]"#);
}
