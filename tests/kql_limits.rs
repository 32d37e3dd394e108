//! Issue #14: queries written flat that would build deep trees, and queries that ask for huge outputs. Each runs
//! in a thread with wasm's 1 MiB stack, so a regression overflows the stack (the test binary aborts) instead of
//! passing silently.

use huntbook::frame::loganalytics::parse_response;
use huntbook::frame::Tables;
use huntbook::kql::execute;
use huntbook::Frame;

const N: usize = 200_000;

fn tables() -> Tables {
    let json = r#"{"tables":[{"name":"T","columns":[{"name":"x","type":"long"},{"name":"d","type":"dynamic"}],
      "rows":[[1,"{\"a\":{\"a\":1}}"],[2,"[[1]]"],[3,null]]}]}"#;
    let mut f: Frame = parse_response(json.as_bytes()).unwrap().tables.remove(0);
    f.name = "T".into();
    let mut t = Tables::new();
    t.add(f);
    t
}

/// Runs `f` on a thread with a 1 MiB stack (wasm's).
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(1 << 20).spawn(f).unwrap().join().unwrap()
}

fn run(q: String) -> Result<Frame, String> {
    small_stack(move || execute(&q, &tables(), 0).map_err(|e| e.to_string()))
}

fn longs(f: &Frame, col: &str) -> Vec<Option<i64>> {
    f.df().column(col).unwrap().i64().unwrap().into_iter().collect()
}

#[test]
fn long_or_and_chains_run() {
    // 200,000 alternatives: balanced, so they parse, run and drop in a small stack.
    let q = format!("T | where {} or x == 2", vec!["x == 0"; N].join(" or "));
    let f = run(q).unwrap();
    assert_eq!(longs(&f, "x"), vec![Some(2)]);
    let q = format!("T | where {} and x >= 2", vec!["x > 0"; N].join(" and "));
    let f = run(q).unwrap();
    assert_eq!(longs(&f, "x"), vec![Some(2), Some(3)]);
    // where's conjuncts of a long `and` mixed with `or`
    let q = format!("T | where ({}) and ({})", vec!["x == 1"; N / 2].join(" or "), vec!["x < 5"; N / 2].join(" and "));
    assert_eq!(longs(&run(q).unwrap(), "x"), vec![Some(1)]);
}

fn assert_too_long(q: String) {
    let e = run(q).unwrap_err();
    assert!(e.contains("the expression is too long") && e.contains("256"), "{e}");
}

#[test]
fn long_arithmetic_member_and_index_chains_are_errors() {
    assert_too_long(format!("print x = {}", vec!["1"; N].join(" + ")));
    assert_too_long(format!("print x = {}", vec!["2"; N].join(" * ")));
    assert_too_long(format!("print x = {}", vec!["1"; N].join(" - ")));
    assert_too_long(format!("T | extend y = d{}", ".a".repeat(N)));
    assert_too_long(format!("T | extend y = d{}", "[0]".repeat(N)));
    assert_too_long(format!("T | where {}", vec!["x"; N].join(" == ")));
    assert_too_long(format!("T | where {}", vec!["x"; N].join(" has ")));
    assert_too_long(format!("T | where x {}", "in (1) ".repeat(N)));
    // ... also when split across nesting (parentheses keep the height of what they hold)
    let mut nested = "1".to_string();
    for _ in 0..30 {
        nested = format!("({nested}{})", " + 1".repeat(10));
    }
    assert_too_long(format!("print x = {nested}"));
    // Chains up to the limit parse; a 100-term one runs in the small stack even unoptimised.
    assert!(huntbook::kql::parse(&format!("print x = {}", vec!["1"; 250].join(" + "))).is_ok());
    let f = run(format!("print x = {}", vec!["1"; 100].join(" + "))).unwrap();
    assert_eq!(longs(&f, "x"), vec![Some(100)]);
    let f = run(format!("T | where x == 1 | extend y = d{} | project y", ".a".repeat(100))).unwrap();
    assert_eq!(f.height(), 1);
}

#[test]
fn long_let_chains_are_errors() {
    let mut q = String::from("let a0 = T;\n");
    for i in 1..N {
        q.push_str(&format!("let a{i} = a{};\n", i - 1));
    }
    q.push_str(&format!("a{}", N - 1));
    let e = run(q).unwrap_err();
    assert!(e.contains("too deeply"), "{e}");
    let mut q = String::from("let a0 = 1;\n");
    for i in 1..N {
        q.push_str(&format!("let a{i} = a{} + 1;\n", i - 1));
    }
    q.push_str(&format!("print x = a{}", N - 1));
    let e = run(q).unwrap_err();
    assert!(e.contains("too deeply"), "{e}");
    // a short chain works
    let f = run("let a0 = T; let a1 = a0; let a2 = a1; a2 | count".to_string()).unwrap();
    assert_eq!(longs(&f, "Count"), vec![Some(3)]);
}

#[test]
fn limits_that_multiply_stop_with_an_error() {
    // 40 lets, each a 250-term sum starting with the previous let: each limit holds, their product does not fit.
    let mut q = String::from("let a0 = 1;\n");
    for i in 1..40 {
        q.push_str(&format!("let a{i} = a{}{};\n", i - 1, " + 1".repeat(250)));
    }
    q.push_str("print x = a39");
    let e = run(q).unwrap_err();
    assert!(e.contains("nests too deeply to evaluate"), "{e}");
    // functions calling functions, each through a long sum
    let mut q = String::from("let f0 = (x:long) { x };\n");
    for i in 1..40 {
        q.push_str(&format!("let f{i} = (x:long) {{ f{}(x){} }};\n", i - 1, " + 1".repeat(250)));
    }
    q.push_str("print x = f39(1)");
    let e = run(q).unwrap_err();
    assert!(e.contains("too deeply"), "{e}");
    // a few levels of the same are fine
    let mut q = String::from("let a0 = 1;\n");
    for i in 1..4 {
        q.push_str(&format!("let a{i} = a{}{};\n", i - 1, " + 1".repeat(20)));
    }
    q.push_str("print x = a3");
    assert_eq!(longs(&run(q).unwrap(), "x"), vec![Some(61)]);
}

fn assert_budget(q: &str, what: &str) {
    let t = std::time::Instant::now();
    let e = run(q.to_string()).unwrap_err();
    assert!(e.contains(what) && e.contains("output budget of 256 MiB"), "{q}\n→ {e}");
    assert!(t.elapsed() < std::time::Duration::from_secs(30), "{q} took {:?}", t.elapsed());
}

#[test]
fn one_output_budget_for_the_whole_query() {
    // Nested strrep: each call is capped at 1024 copies, but 1024^3 × 10 bytes is 10 GB.
    assert_budget(r#"print x = strrep(strrep(strrep("0123456789", 1024), 1024), 1024)"#, "strrep");
    // ... and the budget is for the whole query: 300 rows of 1-3 MB each pass it together.
    assert_budget(r#"range i from 1 to 300 step 1 | extend x = strrep(strrep(tostring(i), 1024), 1024)"#, "strrep");
    // A join where every key matches: 20,000 × 20,000 = 400 million rows.
    assert_budget(
        "let A = range i from 1 to 20000 step 1 | extend k = 1; A | join kind=inner (A) on k",
        "join",
    );
    assert_budget(
        "let A = range i from 1 to 20000 step 1 | extend k = 1; A | lookup (A | extend j = i) on k",
        "lookup",
    );
    // mv-expand with no limit, of arrays made by range and make_list: 10,000 rows × 10,000 elements.
    assert_budget(
        "let L = toscalar(range i from 1 to 10000 step 1 | summarize make_list(i)); \
         range r from 1 to 10000 step 1 | extend l = L | mv-expand l",
        "mv-expand",
    );
    // range and make-series charge the same budget: each under its own cap, together over the budget.
    assert_budget(
        "range a from 1 to 3000000 step 1 | extend s = strrep(tostring(a % 10), 100) | take 1",
        "strrep",
    );
    // mv-expand repeats each row's text for every element: a 1 MB string expanded 10,000 times (shared in memory,
    // 10 GB to convert to rows or Arrow)
    assert_budget(
        "let L = toscalar(range i from 1 to 10000 step 1 | summarize make_list(i)); \
         print s = strrep(strrep(\"0123456789\", 1024), 100), l = L | mv-expand l",
        "mv-expand",
    );
    // One 1 MB value on 10,000 rows (broadcast, or a join's matches share it) costs little memory; the functions
    // that copy values into new ones charge what they would make.
    assert_budget(
        r#"range i from 1 to 10000 step 1 | extend s = strrep(strrep("0123456789", 1024), 100) | summarize make_list(s)"#,
        "make_list",
    );
    assert_budget(
        r#"print s = strrep(strrep("0123456789", 1024), 100) | extend a = pack_array(s,s,s,s,s,s,s,s,s,s)
           | extend b = pack_array(a,a,a,a,a,a,a,a,a,a) | extend c = pack_array(b,b,b,b,b,b,b,b,b,b)"#,
        "pack_array",
    );
    assert_budget(
        r#"print s = strrep(strrep("0123456789", 1024), 100) | extend a = strcat(s,s,s,s,s,s,s,s,s,s)
           | extend b = strcat(a,a,a,a,a,a,a,a,a,a) | extend c = strcat(b,b,b,b,b,b,b,b,b,b)"#,
        "strcat",
    );
    assert_budget(
        r#"let s = toscalar(print strrep(strrep("0123456789", 1024), 100)); range i from 1 to 1000 step 1 | extend t = strcat(s, tostring(i))"#,
        "strcat",
    );
    // Below the budget these all work.
    let f = run("let L = toscalar(range i from 1 to 100 step 1 | summarize make_list(i)); \
         print s = strrep(strrep(\"0123456789\", 1024), 100), l = L | mv-expand l | count".to_string()).unwrap();
    assert_eq!(longs(&f, "Count"), vec![Some(100)]);
    let f = run(r#"print x = strrep(strrep("ab", 10, ","), 3, ";")"#.to_string()).unwrap();
    assert_eq!(f.df().column("x").unwrap().str().unwrap().get(0).unwrap().len(), 3 * 29 + 2);
    let f = run("let A = range i from 1 to 300 step 1 | extend k = 1; A | join kind=inner (A) on k | count".to_string()).unwrap();
    assert_eq!(longs(&f, "Count"), vec![Some(90_000)]);
}

fn cell(q: &str, col: &str) -> Option<i64> {
    longs(&run(q.to_string()).unwrap_or_else(|e| panic!("{q}\n→ {e}")), col)[0]
}

#[test]
fn overflow_is_checked_in_debug_and_release() {
    // bin/bin_at whose bin does not fit 64 bits: a clear error (was a debug panic, a wrapped value in release)
    for q in [
        "print b = bin_at(-9223372036854775807, 10, 9223372036854775807)",
        "print b = bin(-9223372036854775807 - 1, 7)",
        "print b = bin_at(datetime(1677-09-22), 100000d, datetime(2262-04-11))",
    ] {
        let e = run(q.to_string()).unwrap_err();
        assert!(e.contains("out of range") && e.contains("64-bit"), "{q}\n→ {e}");
    }
    assert_eq!(cell("print b = bin_at(17, 10, 5)", "b"), Some(15));
    assert_eq!(cell("print b = bin_at(9223372036854775807, 10, -9223372036854775807)", "b"), Some(9223372036854775803));
    // sum() passing a long: an error, not a wrapped total
    let e = run("range i from 1 to 3 step 1 | extend v = 9223372036854775807 | summarize s = sum(v)".into()).unwrap_err();
    assert!(e.contains("sum() is out of range"), "{e}");
    let e = run("range i from 1 to 2 step 1 | extend v = 100000d | summarize s = sum(v)".into()).unwrap_err();
    assert!(e.contains("sum() is out of range"), "{e}");
    // negating or taking abs of i64::MIN: null, as other long arithmetic that overflows
    for e in ["-(-9223372036854775807 - 1)", "abs(-9223372036854775807 - 1)", "9223372036854775807 + 1", "-x"] {
        let f = run(format!("print x = -9223372036854775807 - 1 | extend n = isnull({e})")).unwrap();
        assert_eq!(f.df().column("n").unwrap().bool().unwrap().get(0), Some(true), "{e}");
    }
    assert_eq!(cell("print n = -(-5)", "n"), Some(5));
    // range steps at the ends of the longs
    let f = run("range i from 9223372036854775800 to 9223372036854775807 step 3".into()).unwrap();
    assert_eq!(longs(&f, "i"), vec![Some(9223372036854775800), Some(9223372036854775803), Some(9223372036854775806)]);
    let f = run("range i from -9223372036854775807 to -9223372036854775800 step 4".into()).unwrap();
    assert_eq!(longs(&f, "i").len(), 2);
}

#[test]
fn log_analytics_timespans_at_the_ends_of_i64() {
    // Nanoseconds hold ±106751 days; .NET's TimeSpan.MaxValue (10675199 days), which Log Analytics can return, does not fit.
    let json = r#"{"tables":[{"name":"T","columns":[{"name":"d","type":"timespan"}],"rows":[
        ["106751.23:47:16.854775807"],["-106751.23:47:16.854775808"],["106751.23:47:16.854775808"],
        ["10675199.02:48:05.4775807"],["99999999999.00:00:00"],["1.00:00:00"]]}]}"#;
    let f = parse_response(json.as_bytes()).unwrap().tables.remove(0);
    let d: Vec<Option<i64>> = f.df().column("d").unwrap().as_materialized_series().to_physical_repr().i64().unwrap().into_iter().collect();
    assert_eq!(d, vec![Some(i64::MAX), Some(i64::MIN), None, None, None, Some(86_400_000_000_000)]);
    assert!(f.notes.iter().any(|n| n.contains("column 'd': 3 value(s) were not valid timespan and became null")), "{:?}", f.notes);
}

/// Found by `make fuzz` (target `kql`, `union *` over a table holding the smallest long): rows for JS took `abs()`
/// of every long, which overflows for -2^63 (a panic in debug, a wrong sign test in release).
#[test]
fn the_smallest_long_goes_to_rows_as_text() {
    let json = r#"{"tables":[{"name":"T","columns":[{"name":"n","type":"long"}],
      "rows":[[-9223372036854775808],[9223372036854775807],[-9007199254740991],[-9007199254740992]]}]}"#;
    let mut f: Frame = parse_response(json.as_bytes()).unwrap().tables.remove(0);
    f.name = "T".into();
    let mut t = Tables::new();
    t.add(f);
    let out = execute("union *", &t, 0).unwrap();
    assert_eq!(
        huntbook::frame::rows::to_json_rows(&out, 0, 10),
        r#"[{"n":"-9223372036854775808"},{"n":"9223372036854775807"},{"n":-9007199254740991},{"n":"-9007199254740992"}]"#
    );
}

/// Found by the corpus equivalence work: a datetime at .482 s went to JS rows as 1768434982481.9998 ms (the
/// nanoseconds do not fit an f64 exactly), which `new Date` truncates to .481; and `summarize max(t)` cells went as
/// zone-less text ("2026-01-14 23:56:22.482"), which `new Date` reads in the machine's own time zone.
#[test]
fn datetimes_go_to_rows_as_exact_milliseconds_also_from_summarize() {
    let json = r#"{"tables":[{"name":"T","columns":[{"name":"t","type":"datetime"}],
      "rows":[["2026-01-14T23:56:22.482Z"],["2026-01-14T23:56:21.0000007Z"]]}]}"#;
    let mut f: Frame = parse_response(json.as_bytes()).unwrap().tables.remove(0);
    f.name = "T".into();
    let mut t = Tables::new();
    t.add(f);
    let rows = |q: &str| huntbook::frame::rows::to_json_rows(&execute(q, &t, 0).unwrap(), 0, 10);
    assert_eq!(rows("T | take 1"), r#"[{"t":1768434982482.0}]"#);
    assert_eq!(rows("T | summarize max(t), min(t)"), r#"[{"max_t":1768434982482.0,"min_t":1768434981000.0007}]"#);
    assert_eq!(rows("T | summarize arg_max(t, *)"), r#"[{"t":1768434982482.0}]"#);
}
