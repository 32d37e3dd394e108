//! Dense codes for column values: equal values share a small integer, so grouping (charts' `by` columns) and
//! joining (key matching in [`super::join`]) hash each value once and then work on `u32`s.

use polars::prelude::*;

use crate::error::{PolarsContext, Result};

/// A dense code (0, 1, 2 … in order of first appearance) for each row's value of `col`; equal values (and all
/// nulls) share a code. Text, booleans, numbers and times are coded with a hash map of their values; other types
/// fall back to polars' group-by.
pub(crate) fn column_codes(col: &Column) -> Result<Vec<u32>> {
    fn code<K: std::hash::Hash + Eq>(map: &mut PlHashMap<K, u32>, key: K) -> u32 {
        let next = map.len() as u32;
        *map.entry(key).or_insert(next)
    }
    let s = col.as_materialized_series();
    let n = s.len();
    let mut out = Vec::with_capacity(n);
    match s.dtype() {
        DataType::String => {
            // Strings of up to 12 bytes sit inside their 16-byte view: a view is then a cheap hash key, used as a
            // cache in front of the dictionary of texts (which stays the source of truth for equality).
            let ca = s.str().context("grouping a text column")?;
            let mut by_text: PlHashMap<Option<&str>, u32> = PlHashMap::default();
            let mut by_view: PlHashMap<u128, u32> = PlHashMap::default();
            for arr in ca.downcast_iter() {
                for (text, view) in arr.iter().zip(arr.views().iter()) {
                    let c = match text {
                        Some(t) if view.is_inline() => {
                            let key = view.as_u128();
                            match by_view.get(&key) {
                                Some(&c) => c,
                                None => {
                                    let c = code(&mut by_text, Some(t));
                                    by_view.insert(key, c);
                                    c
                                }
                            }
                        }
                        t => code(&mut by_text, t),
                    };
                    out.push(c);
                }
            }
        }
        DataType::Boolean => {
            let ca = s.bool().context("grouping a bool column")?;
            let mut map: PlHashMap<Option<bool>, u32> = PlHashMap::default();
            out.extend(ca.iter().map(|v| code(&mut map, v)));
        }
        dt if dt.to_physical().is_float() => {
            let cast = s.cast(&DataType::Float64).context("grouping a real column")?;
            let mut map: PlHashMap<Option<u64>, u32> = PlHashMap::default();
            let canon = |v: f64| {
                if v.is_nan() {
                    f64::NAN.to_bits()
                } else if v == 0.0 {
                    0
                } else {
                    v.to_bits()
                }
            };
            out.extend(
                cast.f64()
                    .context("grouping a real column")?
                    .iter()
                    .map(|v| code(&mut map, v.map(canon))),
            );
        }
        dt if dt.to_physical().is_integer() => {
            let phys = s.to_physical_repr();
            let cast = phys.cast(&DataType::Int64).context("grouping an integer column")?;
            let mut map: PlHashMap<Option<i64>, u32> = PlHashMap::default();
            out.extend(
                cast.i64()
                    .context("grouping an integer column")?
                    .iter()
                    .map(|v| code(&mut map, v)),
            );
        }
        _ => {
            let df = DataFrame::new(n, vec![col.clone()]).context("grouping rows")?;
            let gb = df.group_by_stable([col.name().as_str()]).context("grouping rows")?;
            out = vec![0; n];
            for (g, ind) in gb.get_groups().iter().enumerate() {
                match ind {
                    GroupsIndicator::Idx((_, idx)) => {
                        for &i in idx.iter() {
                            if let Some(slot) = out.get_mut(i as usize) {
                                *slot = g as u32;
                            }
                        }
                    }
                    GroupsIndicator::Slice([first, len]) => {
                        let (a, b) = (first as usize, (first as usize).saturating_add(len as usize).min(n));
                        if let Some(slots) = out.get_mut(a.min(b)..b) {
                            slots.fill(g as u32);
                        }
                    }
                }
            }
        }
    }
    out.resize(n, 0);
    Ok(out)
}

/// Combines `codes` with the codes of one more column, in place: rows equal in both get the same dense code (in
/// order of first appearance).
pub(crate) fn combine_codes(codes: &mut [u32], more: &[u32]) {
    let mut map: PlHashMap<u64, u32> = PlHashMap::default();
    for (code, m) in codes.iter_mut().zip(more) {
        let next = map.len() as u32;
        *code = *map.entry(((*code as u64) << 32) | *m as u64).or_insert(next);
    }
}
