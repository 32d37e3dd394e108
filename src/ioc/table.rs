//! IoC extraction over the text columns of a [`Frame`], into msticpy's result table.

use polars::prelude::*;

use super::IocExtractor;
use crate::error::{PolarsContext, Result};
use crate::frame::Frame;

pub(crate) fn extract_frame<S: AsRef<str>>(ex: &IocExtractor, frame: &Frame, columns: &[S]) -> Result<Frame> {
    let mut notes = Vec::new();
    let mut texts: Vec<StringChunked> = Vec::new();
    for c in columns {
        let name = c.as_ref();
        let col = frame.column(name)?;
        match col.as_materialized_series().str() {
            Ok(ca) => texts.push(ca.clone()),
            Err(_) => notes.push(format!(
                "column '{name}' is {}, not text: skipped",
                frame.la_type(name).map(|t| t.to_string()).unwrap_or_default()
            )),
        }
    }
    let n = frame.height();
    let mut ty = StringChunkedBuilder::new("IoCType".into(), 0);
    let mut obs = StringChunkedBuilder::new("Observable".into(), 0);
    let mut src: Vec<i64> = Vec::new();
    let mut input = StringChunkedBuilder::new("Input".into(), 0);
    let mut refanged = StringChunkedBuilder::new("Refanged".into(), 0);
    let iters: Vec<_> = texts.iter().map(|ca| ca.into_iter()).collect();
    let mut iters = iters;
    for row in 0..n {
        for it in iters.iter_mut() {
            let Some(Some(cell)) = it.next() else { continue };
            for h in ex.scan(cell, &ex.for_table) {
                ty.append_value(ex.type_name(h.ty));
                obs.append_value(&h.written);
                src.push(row as i64);
                input.append_value(cell);
                refanged.append_value(&h.refanged);
            }
        }
    }
    let rows = src.len();
    let cols = vec![
        ty.finish().into_series().into_column(),
        obs.finish().into_series().into_column(),
        Int64Chunked::from_vec("SourceIndex".into(), src)
            .into_series()
            .into_column(),
        input.finish().into_series().into_column(),
        refanged.finish().into_series().into_column(),
    ];
    let df = DataFrame::new(rows, cols).context("building the IoC table")?;
    let mut out = Frame::new(format!("{}_iocs", frame.name), df);
    out.notes = notes;
    Ok(out)
}

/// The indicators of one text as a table with the columns of [`extract_frame`], a line of the text taken as a row:
/// `SourceIndex` is the 0-based line of the indicator's first appearance and `Input` that line (not the whole text,
/// which would repeat a long report once per indicator).
pub(crate) fn text_table(iocs: &[super::Ioc], text: &str) -> Result<Frame> {
    let n = iocs.len();
    let col = |name: &str, f: &dyn Fn(&super::Ioc) -> &str| {
        let mut b = StringChunkedBuilder::new(name.into(), n);
        for i in iocs {
            b.append_value(f(i));
        }
        b.finish().into_series().into_column()
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
    let line_text = |line: usize| {
        let start = line_starts.get(line).copied().unwrap_or(0);
        let end = line_starts.get(line + 1).map_or(text.len(), |&e| e - 1);
        text.get(start..end).unwrap_or("").trim_end_matches('\r')
    };
    let lines: Vec<usize> = iocs.iter().map(|i| line_of(i.offset)).collect();
    let cols = vec![
        col("IoCType", &|i| &i.ioc_type),
        col("Observable", &|i| &i.observable),
        Int64Chunked::from_iter_values("SourceIndex".into(), lines.iter().map(|&l| l as i64))
            .into_series()
            .into_column(),
        StringChunked::from_iter_values("Input".into(), lines.iter().map(|&l| line_text(l)))
            .into_series()
            .into_column(),
        col("Refanged", &|i| &i.refanged),
    ];
    let df = DataFrame::new(n, cols).context("building the IoC table")?;
    Ok(Frame::new("iocs", df))
}
