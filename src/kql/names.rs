//! Column names Kusto gives to unnamed expressions.
//!
//! A column reference keeps its name; `a.b` and `a["b"]` on a dynamic value become `a_b`; conversions and `bin`
//! take their first argument's name (`tostring(x)` → `x`, `bin(TimeGenerated, 1h)` and `bin(startofday(TimeGenerated), 1d)` → `TimeGenerated`,
//! as the published Sentinel rule AnomalousUserAppSigninLocationIncrease-detection relies on); `strlen(x)`
//! is `strlen_x`. Anything else gets `Column1`, `Column2`, … A name already taken gets a number appended
//! (`set_y`, `set_y1`), as Kusto does.

use super::ast::{Expr, ExprKind, Lit};

/// Functions whose result is named after their first argument.
const FIRST_ARGUMENT: &[&str] = &[
    "tostring", "toint", "tolong", "todouble", "toreal", "todecimal", "tobool", "toboolean", "todatetime",
    "totimespan", "totime", "todynamic", "toobject", "tohex", "bin", "floor", "bin_at", "parse_json",
    "startofday", "startofweek", "startofmonth", "startofyear",
];

/// The name Kusto derives for `e`, if any.
pub fn result_name(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.clone()),
        ExprKind::Member(base, key) => Some(match result_name(base) {
            Some(b) => format!("{b}_{key}"),
            None => key.clone(),
        }),
        ExprKind::Index(base, idx) => {
            let sel = match &idx.kind {
                ExprKind::Lit(Lit::Str(s)) => s.clone(),
                ExprKind::Lit(Lit::Long(i)) => i.to_string(),
                _ => return None,
            };
            Some(match result_name(base) {
                Some(b) => format!("{b}_{sel}"),
                None => sel,
            })
        }
        ExprKind::Call { name, args } if FIRST_ARGUMENT.contains(&name.as_str()) => args.first().and_then(result_name),
        ExprKind::Call { name, args } if name == "strlen" => Some(format!("strlen_{}", args.first().and_then(result_name).unwrap_or_default())),
        _ => None,
    }
}

/// `name`, or `name1`, `name2` … whichever is not taken.
pub fn unique(name: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == name) {
        return name.to_string();
    }
    (1..).map(|i| format!("{name}{i}")).find(|c| !taken.iter().any(|t| t == c)).unwrap_or_else(|| name.to_string())
}

/// The next free `ColumnN`.
pub fn next_column_name(taken: &[String]) -> String {
    (1..).map(|i| format!("Column{i}")).find(|c| !taken.iter().any(|t| t == c)).unwrap_or_else(|| "Column".into())
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse_query;
    use super::*;
    use crate::kql::ast::OpKind;

    fn names(q: &str) -> Vec<Option<String>> {
        let q = parse_query(q).unwrap();
        let ExprKind::Tabular(t) = q.body.kind else { panic!() };
        let OpKind::Extend(a) = &t.ops[0].kind else { panic!() };
        a.iter().map(|a| result_name(&a.expr)).collect()
    }

    #[test]
    fn derived_names() {
        assert_eq!(
            names("T | extend a, b.c, d['e'], tostring(f.g), bin(TimeGenerated, 1h), strlen(h), 1 + 2, x[0], bin(startofday(t), 1d)"),
            vec![
                Some("a".into()),
                Some("b_c".into()),
                Some("d_e".into()),
                Some("f_g".into()),
                Some("TimeGenerated".into()),
                Some("strlen_h".into()),
                None,
                Some("x_0".into()),
                Some("t".into())
            ]
        );
        let taken = vec!["set_y".to_string(), "Column1".to_string()];
        assert_eq!(unique("set_y", &taken), "set_y1");
        assert_eq!(next_column_name(&taken), "Column2");
    }
}
