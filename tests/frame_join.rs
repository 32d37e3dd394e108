//! Frame joins (`huntbook::frame::join`): the four kinds with their exact rows and order, duplicate and null keys,
//! case-insensitive and multi-column keys, key type rules, suffixes and errors; and KQL's `join`/`lookup`, which run
//! on the same core, keeping Kusto's key rules and column naming.

use huntbook::frame::join::{join, JoinHow, JoinOptions, KeyMatch, MAX_JOIN_ROWS};
use huntbook::frame::loganalytics::parse_response;
use huntbook::frame::Tables;
use huntbook::{Frame, LaType};
use polars::prelude::*;

/// A frame from Log Analytics JSON: `columns` as `name:type` pairs, `rows` as JSON arrays.
fn frame(name: &str, columns: &[&str], rows: &str) -> Frame {
    let cols: Vec<String> = columns
        .iter()
        .map(|c| {
            let (n, t) = c.split_once(':').unwrap();
            format!(r#"{{"name":"{n}","type":"{t}"}}"#)
        })
        .collect();
    let json = format!(
        r#"{{"tables":[{{"name":"{name}","columns":[{}],"rows":{rows}}}]}}"#,
        cols.join(",")
    );
    parse_response(json.as_bytes()).unwrap().tables.remove(0)
}

/// Each row as `a|b|c`, nulls as `-`.
fn rows(f: &Frame) -> Vec<String> {
    (0..f.height())
        .map(|i| {
            f.df()
                .columns()
                .iter()
                .map(|c| match c.get(i).unwrap() {
                    AnyValue::Null => "-".to_string(),
                    AnyValue::String(s) => s.to_string(),
                    AnyValue::StringOwned(s) => s.to_string(),
                    v => v.to_string(),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// Users (left) and their logons (right): `b` twice on each side, a null key on each side, `c` only left, `d`
/// only right.
fn users() -> Frame {
    frame(
        "Users",
        &["User:string", "Dept:string"],
        r#"[["a","IT"],["b","HR"],["b","HR2"],["c","Ops"],[null,"None"]]"#,
    )
}

fn logons() -> Frame {
    frame(
        "Logons",
        &["User:string", "Host:string"],
        r#"[["b","h1"],["b","h2"],["a","h3"],["d","h4"],[null,"h5"]]"#,
    )
}

fn joined(how: JoinHow) -> Frame {
    join(&users(), &logons(), &JoinOptions::on(how, &["User"])).unwrap()
}

#[test]
fn inner_gives_every_pair_of_equal_keys_in_left_then_right_order() {
    let f = joined(JoinHow::Inner);
    assert_eq!(f.name, "Users");
    assert_eq!(f.column_names(), ["User", "Dept", "Host"]);
    assert_eq!(rows(&f), ["a|IT|h3", "b|HR|h1", "b|HR|h2", "b|HR2|h1", "b|HR2|h2"]);
}

#[test]
fn left_keeps_unmatched_and_null_key_rows_in_place() {
    assert_eq!(
        rows(&joined(JoinHow::Left)),
        ["a|IT|h3", "b|HR|h1", "b|HR|h2", "b|HR2|h1", "b|HR2|h2", "c|Ops|-", "-|None|-"]
    );
}

#[test]
fn right_appends_unmatched_right_rows_with_their_key() {
    assert_eq!(
        rows(&joined(JoinHow::Right)),
        ["a|IT|h3", "b|HR|h1", "b|HR|h2", "b|HR2|h1", "b|HR2|h2", "d|-|h4", "-|-|h5"]
    );
}

#[test]
fn outer_keeps_every_row_of_both_sides() {
    assert_eq!(
        rows(&joined(JoinHow::Outer)),
        ["a|IT|h3", "b|HR|h1", "b|HR|h2", "b|HR2|h1", "b|HR2|h2", "c|Ops|-", "-|None|-", "d|-|h4", "-|-|h5"]
    );
}

#[test]
fn kinds_read_as_options() {
    let how = |text: &str| serde_json::from_str::<JoinHow>(text).map_err(|e| e.to_string());
    assert_eq!(how(r#""left""#), Ok(JoinHow::Left));
    assert_eq!(how(r#""full""#), Ok(JoinHow::Outer));
    assert_eq!(how(r#""outer""#), Ok(JoinHow::Outer));
    assert!(how(r#""sideways""#).unwrap_err().contains("unknown variant `sideways`"));
}

#[test]
fn case_insensitive_keys_match_only_when_asked() {
    let l = frame(
        "L",
        &["Account:string", "n:long"],
        r#"[["Alice@Contoso.com",1],["BOB",2],["Ärger",3]]"#,
    );
    let r = frame(
        "R",
        &["Account:string", "m:long"],
        r#"[["alice@contoso.com",10],["bob",20],["ärger",30]]"#,
    );
    let mut opts = JoinOptions::on(JoinHow::Outer, &["Account"]);
    assert_eq!(
        rows(&join(&l, &r, &opts).unwrap()),
        [
            "Alice@Contoso.com|1|-",
            "BOB|2|-",
            "Ärger|3|-",
            "alice@contoso.com|-|10",
            "bob|-|20",
            "ärger|-|30"
        ]
    );
    opts.case_insensitive = true;
    // the shared key column keeps the left side's spelling
    assert_eq!(
        rows(&join(&l, &r, &opts).unwrap()),
        ["Alice@Contoso.com|1|10", "BOB|2|20", "Ärger|3|30"]
    );
}

#[test]
fn multi_column_keys_match_when_all_are_equal() {
    let l = frame(
        "L",
        &["Host:string", "User:string", "n:long"],
        r#"[["h1","a",1],["h1","b",2],["h2","a",3],["h2",null,4]]"#,
    );
    let r = frame(
        "R",
        &["Computer:string", "Account:string", "m:long"],
        r#"[["h2","a",30],["h1","b",20],["h1","a",10],["h1","a",11],["h2",null,40]]"#,
    );
    let opts = JoinOptions::left_right(JoinHow::Left, &["Host", "User"], &["Computer", "Account"]);
    let f = join(&l, &r, &opts).unwrap();
    // key columns named differently are both kept
    assert_eq!(f.column_names(), ["Host", "User", "n", "Computer", "Account", "m"]);
    assert_eq!(
        rows(&f),
        [
            "h1|a|1|h1|a|10",
            "h1|a|1|h1|a|11",
            "h1|b|2|h1|b|20",
            "h2|a|3|h2|a|30",
            "h2|-|4|-|-|-"
        ]
    );
}

#[test]
fn clashing_names_get_suffixes() {
    let l = frame(
        "L",
        &["Ip:string", "Name:string", "Score:long"],
        r#"[["1.2.3.4","left",1]]"#,
    );
    let r = frame(
        "R",
        &["Ip:string", "Name:string", "Country:string"],
        r#"[["1.2.3.4","right","NZ"]]"#,
    );
    let mut opts = JoinOptions::on(JoinHow::Inner, &["Ip"]);
    let f = join(&l, &r, &opts).unwrap();
    assert_eq!(f.column_names(), ["Ip", "Name_x", "Score", "Name_y", "Country"]);
    assert_eq!(rows(&f), ["1.2.3.4|left|1|right|NZ"]);
    opts.suffixes = ("_src".into(), "_res".into());
    assert_eq!(
        join(&l, &r, &opts).unwrap().column_names(),
        ["Ip", "Name_src", "Score", "Name_res", "Country"]
    );
    // a left key named like a right non-key column is suffixed too
    let r2 = frame("R2", &["Addr:string", "Ip:string"], r#"[["1.2.3.4","x"]]"#);
    let f = join(&l, &r2, &JoinOptions::left_right(JoinHow::Inner, &["Ip"], &["Addr"])).unwrap();
    assert_eq!(f.column_names(), ["Ip_x", "Name", "Score", "Addr", "Ip_y"]);
    // suffixes that make a name twice are an error
    opts.suffixes = (String::new(), String::new());
    let e = join(&l, &r, &opts).unwrap_err().to_string();
    assert!(
        e.contains("two columns named 'Name'") && e.contains("choose other suffixes"),
        "{e}"
    );
}

#[test]
fn numeric_keys_match_by_value_across_integer_and_real_types() {
    let l = frame("L", &["EventID:int", "n:long"], r#"[[4624,1],[4625,2],[null,3]]"#);
    let r = frame(
        "R",
        &["Id:long", "Text:string"],
        r#"[[4625,"failed"],[4624,"ok"],[null,"none"]]"#,
    );
    let f = join(&l, &r, &JoinOptions::left_right(JoinHow::Left, &["EventID"], &["Id"])).unwrap();
    assert_eq!(rows(&f), ["4624|1|4624|ok", "4625|2|4625|failed", "-|3|-|-"]);
    let reals = frame(
        "R",
        &["Id:real", "Text:string"],
        r#"[[4624.0,"ok"],[4624.5,"half"],["NaN","nan"]]"#,
    );
    let f = join(
        &l,
        &reals,
        &JoinOptions::left_right(JoinHow::Inner, &["EventID"], &["Id"]),
    )
    .unwrap();
    assert_eq!(rows(&f), ["4624|1|4624.0|ok"]);
}

#[test]
fn datetime_keys_and_types_of_the_result() {
    let l = frame(
        "L",
        &["When:datetime", "Props:dynamic"],
        r#"[["2024-01-01T00:00:00Z","{\"a\":1}"],["2024-01-02T00:00:00Z","{}"]]"#,
    );
    let r = frame(
        "R",
        &["When:datetime", "Extra:dynamic"],
        r#"[["2024-01-02T00:00:00Z","[1,2]"]]"#,
    );
    let f = join(&l, &r, &JoinOptions::on(JoinHow::Inner, &["When"])).unwrap();
    assert_eq!(f.height(), 1);
    assert_eq!(f.la_type("When").unwrap(), LaType::DateTime);
    assert_eq!(f.la_type("Props").unwrap(), LaType::Dynamic);
    assert_eq!(f.la_type("Extra").unwrap(), LaType::Dynamic);
    assert_eq!(rows(&f)[0], "2024-01-02 00:00:00|{}|[1,2]");
}

#[test]
fn key_types_that_differ_are_an_error_naming_both_columns() {
    let l = frame("L", &["Ip:long"], r#"[[1]]"#);
    let r = frame("R", &["Address:string"], r#"[["1"]]"#);
    let e = join(&l, &r, &JoinOptions::left_right(JoinHow::Inner, &["Ip"], &["Address"]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "join: cannot match the left key 'Ip' (long) with the right key 'Address' (string): their types differ; \
         convert one of them first (e.g. to text)"
    );
}

#[test]
fn unknown_key_columns_say_what_was_meant() {
    let e = join(&users(), &logons(), &JoinOptions::on(JoinHow::Inner, &["Usr"]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "unknown column 'Usr' (did you mean 'User'?). Columns are: User, Dept"
    );
    let e = join(
        &users(),
        &logons(),
        &JoinOptions::left_right(JoinHow::Inner, &["User"], &["Hst"]),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "unknown column 'Hst' (did you mean 'Host'?). Columns are: User, Host"
    );
}

#[test]
fn key_lists_must_pair_up() {
    for (l, r) in [
        (vec!["User"], vec![]),
        (vec![], vec![]),
        (vec!["User", "Dept"], vec!["User"]),
    ] {
        let e = join(&users(), &logons(), &JoinOptions::left_right(JoinHow::Inner, &l, &r))
            .unwrap_err()
            .to_string();
        assert!(e.contains("as many key columns"), "{e}");
    }
}

#[test]
fn key_match_answers_semi_and_anti_joins() {
    let (u, l) = (users(), logons());
    let m = KeyMatch::new(&[u.column("User").unwrap()], &[l.column("User").unwrap()], false).unwrap();
    let matches: Vec<Vec<IdxSize>> = (0..u.height()).map(|i| m.matches(i).to_vec()).collect();
    assert_eq!(matches, [vec![2], vec![0, 1], vec![0, 1], vec![], vec![]]);
    let right: Vec<bool> = (0..l.height()).map(|r| m.right_matched(r)).collect();
    assert_eq!(right, [true, true, true, false, false]);
    assert_eq!(m.left_key(1), m.left_key(2));
    assert_eq!(m.left_key(4), None);
}

#[test]
fn a_join_too_large_is_an_error() {
    let n = 3_200; // 3200² > MAX_JOIN_ROWS
    assert!(n * n > MAX_JOIN_ROWS);
    let keys = Column::new("k".into(), vec![1i64; n]);
    let f = Frame::new("F", DataFrame::new(n, vec![keys]).unwrap());
    let e = join(&f, &f, &JoinOptions::on(JoinHow::Inner, &["k"]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("the join would give 10240000 rows"), "{e}");
}

// ----- KQL's join and lookup on the same core ----------------------------------------------------------------

fn kql(q: &str, tables: &[Frame]) -> Frame {
    let mut t = Tables::new();
    for f in tables {
        t.add(f.clone());
    }
    huntbook::kql::execute(q, &t, 0).unwrap_or_else(|e| panic!("{q}\n→ {e}"))
}

#[test]
fn kql_join_keeps_kusto_key_rules_and_names() {
    let l = frame(
        "L",
        &["User:string", "N:long"],
        r#"[["a",1],[null,2],["",3],["b",null]]"#,
    );
    let r = frame("R", &["User:string", "N:long"], r#"[["",10],["a",null],["c",30]]"#);
    // text keys: null is the empty string (Kusto's strings are never null); the right key comes out as User1
    let f = kql("L | join kind=inner (R) on User", &[l.clone(), r.clone()]);
    assert_eq!(f.column_names(), ["User", "N", "User1", "N1"]);
    assert_eq!(rows(&f), ["a|1|a|-", "-|2||10", "|3||10"]);
    // long keys: nulls never match
    assert_eq!(
        rows(&kql("L | join kind=leftsemi (R) on N", &[l.clone(), r.clone()])),
        Vec::<String>::new()
    );
    // a long key against a text key compares as text (a null long is then the empty text)
    let f = kql(
        "L | join kind=inner (R | extend T = tostring(N)) on $left.N == $right.T | project User, T",
        &[l.clone(), r.clone()],
    );
    assert_eq!(rows(&f), ["b|"]);
    let f = kql(
        "L | join kind=inner (R | extend T = \"1\") on $left.N == $right.T | project N, T",
        &[l.clone(), r.clone()],
    );
    assert_eq!(rows(&f), ["1|1", "1|1", "1|1"]);
    // innerunique keeps the first left row of each key; kinds built on the same matching
    let l2 = frame("L", &["K:string", "V:long"], r#"[["x",1],["x",2],["y",3]]"#);
    let r2 = frame("R", &["K:string", "W:long"], r#"[["x",10],["x",11],["z",12]]"#);
    let t = [l2, r2];
    assert_eq!(rows(&kql("L | join (R) on K", &t)), ["x|1|x|10", "x|1|x|11"]);
    assert_eq!(rows(&kql("L | join kind=inner (R) on K", &t)).len(), 4);
    assert_eq!(rows(&kql("L | join kind=rightanti (R) on K", &t)), ["z|12"]);
    assert_eq!(rows(&kql("L | join kind=rightsemi (R) on K", &t)), ["x|10", "x|11"]);
    assert_eq!(rows(&kql("L | join kind=leftanti (R) on K", &t)), ["y|3"]);
    assert_eq!(
        rows(&kql("L | join kind=fullouter (R) on K", &t)).last().unwrap(),
        "-|-|z|12"
    );
    // lookup: the key appears once
    let f = kql("L | lookup (R) on K", &t);
    assert_eq!(f.column_names(), ["K", "V", "W"]);
    assert_eq!(rows(&f), ["x|1|10", "x|1|11", "x|2|10", "x|2|11", "y|3|-"]);
}

#[test]
fn a_partial_table_on_either_side_makes_the_join_partial() {
    let mut right = logons();
    right.partial = Some("PartialError: the query was cut short".into());
    for how in [JoinHow::Inner, JoinHow::Left, JoinHow::Right, JoinHow::Outer] {
        let j = join(&users(), &right, &JoinOptions::on(how, &["User"])).unwrap();
        assert_eq!(j.partial.as_deref(), Some("PartialError: the query was cut short"), "{how:?}");
    }
    assert_eq!(join(&users(), &logons(), &JoinOptions::on(JoinHow::Inner, &["User"])).unwrap().partial, None);
}
