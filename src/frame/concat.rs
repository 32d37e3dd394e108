//! Stacking frames by column name (KQL's `union`, a pivot's per-value results).
//!
//! [`concat`] puts the rows of several frames one after another. Columns are matched by name: the result has the
//! given columns (default: every column in order of first appearance); a frame without a column gets nulls there.
//! A column whose types differ between frames becomes text (a column that is all null in one frame takes the
//! other's type); dynamic and guid columns keep their Log Analytics type when they stay text.

use std::collections::HashMap;

use polars::prelude::*;

use super::{Frame, LaType};
use crate::error::{PolarsContext, Result};

/// The rows of `frames` in order, named `name`, with `columns` (default: every column in order of first
/// appearance).
pub fn concat(name: &str, frames: &[&Frame], columns: Option<&[String]>) -> Result<Frame> {
    let order: Vec<String> = match columns {
        Some(c) => c.to_vec(),
        None => {
            let mut order: Vec<String> = Vec::new();
            for f in frames {
                for c in f.column_names() {
                    if !order.contains(&c) {
                        order.push(c);
                    }
                }
            }
            order
        }
    };
    let mut dtypes: HashMap<String, DataType> = HashMap::new();
    let mut kinds: HashMap<String, LaType> = HashMap::new();
    for f in frames {
        for c in f.df().columns() {
            let n = c.name().to_string();
            let dt = c.dtype().clone();
            match dtypes.get(&n) {
                None => {
                    dtypes.insert(n.clone(), dt);
                }
                Some(prev) if *prev == dt || dt == DataType::Null => {}
                Some(DataType::Null) => {
                    dtypes.insert(n.clone(), dt);
                }
                Some(_) => {
                    dtypes.insert(n.clone(), DataType::String);
                }
            }
            if let Ok(k) = f.la_type(&n) {
                if matches!(k, LaType::Dynamic | LaType::Guid) {
                    kinds.insert(n, k);
                }
            }
        }
    }
    let mut out_df: Option<DataFrame> = None;
    for f in frames {
        let h = f.height();
        let mut cols: Vec<Column> = Vec::with_capacity(order.len());
        for c in &order {
            let dt = dtypes.get(c).cloned().unwrap_or(DataType::String);
            let col = match f.df().column(c) {
                Ok(col) if col.dtype() == &dt => col.clone(),
                Ok(col) => col.cast(&dt).context("stacking tables")?,
                Err(_) => Column::full_null(c.as_str().into(), h, &dt),
            };
            cols.push(col);
        }
        let df = DataFrame::new(h, cols).context("stacking tables")?;
        out_df = Some(match out_df {
            None => df,
            Some(mut acc) => {
                acc.vstack_mut(&df).context("stacking tables")?;
                acc
            }
        });
    }
    let df = match out_df {
        Some(df) => df,
        None => DataFrame::new(
            0,
            order.iter().map(|c| Column::full_null(c.as_str().into(), 0, &DataType::String)).collect(),
        )
        .context("stacking tables")?,
    };
    let mut out = Frame::new(name, df);
    for (n, k) in kinds {
        if dtypes.get(&n) == Some(&DataType::String) {
            out.set_la_type(&n, k);
        }
    }
    // a partial table among the stacked ones makes the stack partial (never shown as complete)
    out.partial = frames.iter().find_map(|f| f.partial.clone());
    for f in frames {
        for note in &f.notes {
            if !out.notes.contains(note) {
                out.notes.push(note.clone());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_by_name_with_nulls_and_text_for_mixed_types() {
        let a = Frame::new("a", df!("x" => [1i64, 2], "y" => ["p", "q"]).unwrap());
        let b = Frame::new("b", df!("y" => ["r"], "z" => [true], "x" => ["three"]).unwrap());
        let c = concat("t", &[&a, &b], None).unwrap();
        assert_eq!(c.column_names(), ["x", "y", "z"]);
        assert_eq!(c.height(), 3);
        assert_eq!(c.column("x").unwrap().dtype(), &DataType::String);
        assert_eq!(c.column("z").unwrap().null_count(), 2);
        let only = concat("t", &[&a, &b], Some(&["y".to_string()])).unwrap();
        assert_eq!(only.column_names(), ["y"]);
        assert_eq!(concat("t", &[], None).unwrap().height(), 0);
        assert_eq!(c.partial, None);
        let mut cut = b.clone();
        cut.partial = Some("PartialError: cut short".into());
        assert_eq!(concat("t", &[&a, &cut], None).unwrap().partial.as_deref(), Some("PartialError: cut short"));
    }
}
