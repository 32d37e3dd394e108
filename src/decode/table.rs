//! The fragments as a [`Frame`] with msticpy's column names.
//!
//! Cells that repeat on many rows (an archive's base64 run on each member's row, the source cell and the fully
//! decoded text on each fragment of a row) are given in full on their first row and cut to [`REPEAT_CELL_BYTES`]
//! after that, so a 1000-member archive does not hold its base64 a thousand times.

use std::borrow::Cow;
use std::sync::Arc;

use polars::prelude::*;

use super::Fragment;
use crate::error::{PolarsContext, Result};
use crate::frame::{Frame, LaType};

/// Longest repeated cell kept after its first row.
pub(crate) const REPEAT_CELL_BYTES: usize = 4096;

pub(crate) struct Source<'a> {
    pub row: usize,
    pub cell: &'a str,
    pub full: &'a str,
    pub first_of_row: bool,
}

pub(crate) struct Row<'a> {
    pub fragment: &'a Fragment,
    pub source: Option<Source<'a>>,
}

fn cut(s: &str, repeat: bool) -> Cow<'_, str> {
    if !repeat || s.len() <= REPEAT_CELL_BYTES {
        return Cow::Borrowed(s);
    }
    let mut end = REPEAT_CELL_BYTES;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!(
        "{}… (cut: {} bytes, given in full on an earlier row)",
        s.get(..end).unwrap_or_default(),
        s.len()
    ))
}

fn str_col(name: &str, values: impl Iterator<Item = Option<String>>, n: usize) -> Column {
    let mut b = StringChunkedBuilder::new(name.into(), n);
    for v in values {
        match v {
            Some(s) => b.append_value(s),
            None => b.append_null(),
        }
    }
    b.finish().into_series().into_column()
}

/// The table; `source_column` names the source cell column for [`super::unpack_frame`].
pub(crate) fn build(rows: &[Row], source_column: Option<&str>) -> Result<Frame> {
    let n = rows.len();
    let mut prev_original: Option<&Arc<str>> = None;
    let originals: Vec<Option<String>> = rows
        .iter()
        .map(|r| {
            let o = &r.fragment.original_string;
            let repeat = prev_original.is_some_and(|p| Arc::ptr_eq(p, o));
            prev_original = Some(o);
            Some(cut(o, repeat).into_owned())
        })
        .collect();
    let f = |g: &dyn Fn(&Fragment) -> Option<String>| rows.iter().map(|r| g(r.fragment)).collect::<Vec<_>>();
    let mut cols = vec![
        str_col("reference", f(&|x| Some(x.reference.clone())).into_iter(), n),
        str_col("original_string", originals.into_iter(), n),
        str_col("file_name", f(&|x| Some(x.file_name.clone())).into_iter(), n),
        str_col("file_type", f(&|x| x.file_type.clone()).into_iter(), n),
        BinaryChunked::from_iter_options(
            "input_bytes".into(),
            rows.iter().map(|r| Some(r.fragment.input_bytes.as_slice())),
        )
        .into_series()
        .into_column(),
        str_col("decoded_string", f(&|x| x.decoded_string.clone()).into_iter(), n),
        str_col(
            "encoding_type",
            f(&|x| Some(x.encoding_type.name().to_string())).into_iter(),
            n,
        ),
        str_col(
            "file_hashes",
            f(&|x| match (&x.md5, &x.sha1, &x.sha256) {
                (Some(a), Some(b), Some(c)) => Some(format!(r#"{{"md5":"{a}","sha1":"{b}","sha256":"{c}"}}"#)),
                _ => None,
            })
            .into_iter(),
            n,
        ),
        str_col("md5", f(&|x| x.md5.clone()).into_iter(), n),
        str_col("sha1", f(&|x| x.sha1.clone()).into_iter(), n),
        str_col("sha256", f(&|x| x.sha256.clone()).into_iter(), n),
        str_col(
            "printable_bytes",
            f(&|x| Some(x.printable_bytes.clone())).into_iter(),
            n,
        ),
    ];
    if let Some(column) = source_column {
        let taken: Vec<String> = cols
            .iter()
            .map(|c| c.name().to_string())
            .chain(["src_index".into(), "full_decoded_string".into()])
            .collect();
        let mut name = column.to_string();
        while taken.contains(&name) {
            name.push_str("_source");
        }
        let idx: Int64Chunked = rows.iter().map(|r| r.source.as_ref().map(|s| s.row as i64)).collect();
        cols.push(idx.with_name("src_index".into()).into_series().into_column());
        cols.push(str_col(
            &name,
            rows.iter()
                .map(|r| r.source.as_ref().map(|s| cut(s.cell, !s.first_of_row).into_owned())),
            n,
        ));
        cols.push(str_col(
            "full_decoded_string",
            rows.iter()
                .map(|r| r.source.as_ref().map(|s| cut(s.full, !s.first_of_row).into_owned())),
            n,
        ));
    }
    let df = DataFrame::new(n, cols).context("building the unpacked table")?;
    let mut frame = Frame::new("unpacked", df);
    frame.set_la_type("file_hashes", LaType::Dynamic);
    Ok(frame)
}
