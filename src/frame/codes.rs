//! Dense codes for column values: equal values share a small integer, so grouping (KQL's `summarize … by` and
//! `dcount`, charts' `by` columns) and joining (key matching in [`super::join`]) hash each value once and then work
//! on `u32`s.

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
            // A text of up to 12 bytes sits inside its 16-byte view, which is then the whole value (its length and
            // bytes, the unused bytes masked off): such texts are coded by their view, longer ones by their text.
            // A text's length decides which map holds it, so the two never hold the same value.
            let ca = s.str().context("grouping a text column")?;
            let mut by_view: PlHashMap<u128, u32> = PlHashMap::default();
            let mut by_text: PlHashMap<&str, u32> = PlHashMap::default();
            let mut null = None;
            let mut next = 0u32;
            let mut new_code = || {
                next += 1;
                next - 1
            };
            // the last inline view and its code: runs of one value (a sorted or bursty column) skip the map
            let mut last: Option<(u128, u32)> = None;
            for arr in ca.downcast_iter() {
                let validity = polars_arrow::array::Array::validity(arr);
                for (i, view) in arr.views().iter().enumerate() {
                    let c = if validity.is_some_and(|v| !v.get_bit(i)) {
                        *null.get_or_insert_with(&mut new_code)
                    } else if view.is_inline() {
                        let bits = 32 + 8 * view.length;
                        let key = match bits {
                            128.. => view.as_u128(),
                            _ => view.as_u128() & ((1u128 << bits) - 1),
                        };
                        match last {
                            Some((k, c)) if k == key => c,
                            _ => {
                                let c = *by_view.entry(key).or_insert_with(&mut new_code);
                                last = Some((key, c));
                                c
                            }
                        }
                    } else {
                        *by_text.entry(arr.value(i)).or_insert_with(&mut new_code)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts inside their view (≤ 12 bytes) and longer ones, nulls and the empty text: equal values share a code,
    /// given in order of first appearance, whichever map holds them.
    #[test]
    fn text_codes_by_view_and_by_text() {
        let long = "abcdefghijklm"; // 13 bytes: not inline
        let twelve = "abcdefghijkl";
        let values = [Some("a"), Some(twelve), Some(long), None, Some("a"), Some(""), None, Some(long), Some(""), Some("b")];
        let col = Column::new("s".into(), values);
        assert_eq!(column_codes(&col).unwrap(), vec![0, 1, 2, 3, 0, 4, 3, 2, 4, 5]);
        // the same texts reached through a slice of a longer column, in several chunks
        let mut a = Series::new("s".into(), &values[..5]);
        a.append(&Series::new("s".into(), &values[5..])).unwrap();
        assert_eq!(column_codes(&a.into_column()).unwrap(), vec![0, 1, 2, 3, 0, 4, 3, 2, 4, 5]);
        let sliced = Column::new("s".into(), [Some("zz"), Some("a"), Some(long), Some("a")]).slice(1, 3);
        assert_eq!(column_codes(&sliced).unwrap(), vec![0, 1, 0]);
    }

    #[test]
    fn combined_codes() {
        let mut codes = vec![0, 0, 1, 1, 0];
        combine_codes(&mut codes, &[5, 6, 5, 5, 5]);
        assert_eq!(codes, vec![0, 1, 2, 2, 0]);
    }
}
