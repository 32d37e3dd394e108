//! The plan pass (`src/kql/plan.rs`): unknown names, arities and type mismatches are errors before any row is read,
//! lets are classified once, and operators whose columns depend on the data do not cause false errors.

use huntbook::frame::Tables;
use huntbook::kql::execute;

mod common;
use common::{longs, strs};

/// `T` (2 rows), `U` (1 row) and `Empty` (T's columns, no rows).
fn workspace() -> Tables {
    let mut tables = Tables::new();
    let make = |name: &str, q: &str, tables: &Tables| {
        let mut f = execute(q, tables, 0).unwrap();
        f.name = name.into();
        f
    };
    let t = make(
        "T",
        r#"datatable(Account:string, Computer:string, EventID:long, Props:dynamic, TimeGenerated:datetime)
           ["alice", "pc1", 4624, dynamic({"k":"a","n":1}), datetime(2024-01-01),
            "bob", "pc2", 4625, dynamic({"k":"b","n":2}), datetime(2024-01-02)]"#,
        &tables,
    );
    let u = make("U", r#"datatable(Account:string, Dept:string) ["alice", "ops"]"#, &tables);
    tables.add(t);
    tables.add(u);
    let empty = make("Empty", "T | take 0", &tables);
    tables.add(empty);
    tables
}

fn err(q: &str) -> String {
    match execute(q, &workspace(), 0) {
        Ok(f) => panic!("{q}: ran ({} rows)", f.height()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn unknown_column_after_project_names_it_and_the_columns() {
    assert_eq!(
        err("T | project Account, Computer | where EventID == 4624"),
        "line 1, col 39: unknown column 'EventID'. Columns are: Account, Computer"
    );
    // a typo gets a hint; project-rename, project-away and join keys are checked too
    assert_eq!(err("T | where Acount == 'x'"), "line 1, col 11: unknown column 'Acount' (did you mean 'Account'?)");
    assert_eq!(err("T | project-rename Who = Acount"), "line 1, col 26: unknown column 'Acount' (did you mean 'Account'?)");
    assert_eq!(
        err("T | summarize n = count() by Account | project-away Computer"),
        "line 1, col 53: unknown column 'Computer'"
    );
    assert_eq!(
        err("T | join kind=inner (U) on $left.Account == $right.Acount"),
        "line 1, col 52: the right side of the join has no column 'Acount' (did you mean 'Account'?)"
    );
    // the columns a summarize makes, by Kusto's names
    assert_eq!(
        err("T | summarize count(), dcount(Computer) by bin(TimeGenerated, 1d) | project TimeGenerated, count_, dcount_Computer, Account"),
        "line 1, col 117: unknown column 'Account'. Columns are: TimeGenerated, count_, dcount_Computer"
    );
}

#[test]
fn unknown_functions_tables_and_arity() {
    assert_eq!(err("T | extend x = strcta(Account, 'x')"), "line 1, col 16: unknown function 'strcta' (did you mean 'strcat'?)");
    assert_eq!(err("T | extend x = substring(Account)"), "line 1, col 16: substring() takes 2 to 3 argument(s)");
    assert_eq!(err("T | extend x = count()"), "line 1, col 16: count() is an aggregation: use it in summarize");
    assert!(err("SigninLog | take 1").starts_with("line 1, col 1: unknown table 'SigninLog'. Tables are: Empty, T, U"));
    assert_eq!(err("let f = (a:string, b:long) { strlen(a) + b }; T | extend x = f(Account)"), "line 1, col 62: the function takes 2 argument(s), 1 given");
}

#[test]
fn lets_are_classified_once_as_values_tables_and_functions() {
    let ws = workspace();
    let q = "let n = 1;
             let t = T | where EventID > 4000 | take n;
             let f = (x:long) { x * 10 + n };
             let g = () { U };
             let h = (tbl:(*), who:string) { tbl | where Account == who };
             t | extend y = f(EventID) | join kind=inner (g) on Account | union (h(T, 'bob')) | project Account, y";
    let f = execute(q, &ws, 0).unwrap();
    assert_eq!(strs(&f, "Account"), ["alice", "bob"]);
    assert_eq!(longs(&f, "y"), [Some(46241), None]);
    // a tabular function where a value is needed, a value where a table is needed: errors from the plan
    assert_eq!(
        err("let g = () { U }; T | extend x = g()"),
        "line 1, col 34: g() gives a table, not a value (use toscalar(g(…)) or '… in (g(…))')"
    );
    assert_eq!(err("let n = 1; n | take 1"), "line 1, col 12: 'n' is a value, not a table");
    // a tabular let used in a value position through toscalar / in
    let f = execute("let a = U | project Account; T | where Account in (a) | extend d = toscalar(U | count)", &ws, 0).unwrap();
    assert_eq!(strs(&f, "Account"), ["alice"]);
    assert_eq!(longs(&f, "d"), [Some(1)]);
}

#[test]
fn type_mismatches_are_plan_errors_and_kusto_leniency_is_kept() {
    assert_eq!(
        err("T | extend s = tostring(EventID) | extend z = s - 1h"),
        "line 1, col 47: cannot compute string - timespan"
    );
    assert_eq!(err("T | where TimeGenerated > 5"), "line 1, col 11: cannot compare datetime with long");
    assert_eq!(err("T | extend z = Account + 1"), "line 1, col 16: cannot compute string + long (use strcat() to join strings)");
    // leniency: a number compared with text, numbers across types, a datetime from text, dynamic anywhere
    let ws = workspace();
    let q = "T | where EventID == '4624' or EventID > 4624.5
             | extend a = todatetime('not a date') - 1h, b = todatetime(Props.k) > ago(1d), c = Props.n * 2, d = TimeGenerated - 1d
             | where EventID >= 4624";
    let f = execute(q, &ws, 0).unwrap();
    assert_eq!(strs(&f, "Account"), ["alice", "bob"]);
}

#[test]
fn plan_errors_come_before_any_row_is_read() {
    // on a table with no rows: the same error as on one with rows
    assert_eq!(
        err("Empty | project Account | where EventID == 1"),
        "line 1, col 33: unknown column 'EventID'. Columns are: Account"
    );
    assert_eq!(err("Empty | extend z = Account - 1h"), "line 1, col 20: cannot compute string - timespan");
    // before the data: this range would be refused for its size if it were built first
    assert_eq!(
        err("range x from 1 to 100000000000 step 1 | where Total > 1"),
        "line 1, col 47: unknown column 'Total'. Columns are: x"
    );
    // … and a join's right side that would be read after the whole left side
    assert_eq!(err("T | join (U | where Dpt == 'ops') on Account"), "line 1, col 21: unknown column 'Dpt' (did you mean 'Dept'?)");
    // an unused let with a mistake does not stop the query (lets are evaluated only where used)
    let f = execute("let unused = Nope + 1; T | count", &workspace(), 0).unwrap();
    assert_eq!(longs(&f, "Count"), [Some(2)]);
}

#[test]
fn open_column_sets_do_not_make_false_errors() {
    let ws = workspace();
    // bag_unpack's columns come from the data
    let f = execute("T | evaluate bag_unpack(Props) | where k == 'a' | project Account, k, n", &ws, 0).unwrap();
    assert_eq!(strs(&f, "Account"), ["alice"]);
    // arg_max(…, *) brings every column back; mv-apply and make-series name theirs at run time
    let f = execute("T | summarize arg_max(TimeGenerated, *) by Account | project Account, Computer", &ws, 0).unwrap();
    assert_eq!(f.height(), 2);
    let f = execute("T | mv-apply p = pack_array(EventID) to typeof(long) on (where p > 4624) | project Account, p", &ws, 0).unwrap();
    assert_eq!(strs(&f, "Account"), ["bob"]);
    // a tabular parameter's columns are the caller's
    let f = execute("let f = (t:(*)) { t | where Dept == 'ops' | project Dept }; f(U)", &ws, 0).unwrap();
    assert_eq!(strs(&f, "Dept"), ["ops"]);
    // union of tables with different columns, isfuzzy over a missing one, withsource
    let f = execute("union withsource=Src isfuzzy=true T, U, Missing | where isnotempty(Dept) | project Src, Dept", &ws, 0).unwrap();
    assert_eq!(strs(&f, "Src"), ["U"]);
    // join renames the right side's clashing columns (Account1) and keeps the others
    let f = execute("T | join kind=inner (U) on Account | project Account1, Dept, Computer", &ws, 0).unwrap();
    assert_eq!(strs(&f, "Account1"), ["alice"]);
    // parse and mv-expand add their columns
    let f = execute("T | parse Computer with 'pc' Num:long | mv-expand with_itemindex=i e = pack_array(Num) | project Num, i, e", &ws, 0).unwrap();
    assert_eq!(longs(&f, "Num"), [Some(1), Some(2)]);
}
