//! Arrow IPC out of a [`Frame`], in the shape JS notebooks read.
//!
//! The IPC stream is what `apache-arrow`'s `tableFromIPC` takes, and so Observable Plot, `Inputs.table` and arquero.
//! Two choices make it readable everywhere: strings are written as `LargeUtf8` (polars' default `Utf8View` is
//! unknown to apache-arrow 17, which Observable Notebook Kit pins), and datetimes and timespans are written in
//! milliseconds (Plot and `Inputs.table` treat only millisecond timestamps as dates). Inside huntbook every value
//! keeps its full nanosecond precision; only this hand-off rounds. 64-bit integers stay `Int64`, exact.

use std::io::Cursor;

use polars::prelude::*;
use polars_arrow::io::ipc::{read as ipc_read, write as ipc_write};

use super::Frame;
use crate::error::{PolarsContext, Result};

/// How datetimes and timespans are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimePrecision {
    /// Milliseconds: what Observable Plot and `Inputs.table` read as dates (the default for JS).
    #[default]
    Milliseconds,
    /// Nanoseconds, as held: nothing is rounded (for tools that read every Arrow time unit).
    Full,
}

/// Encodes `frame` as an Arrow IPC stream (LargeUtf8 strings; times as `precision` says).
pub fn to_ipc_stream(frame: &Frame, precision: TimePrecision) -> Result<Vec<u8>> {
    super::rows::check_convert_size(frame, 0, frame.height(), "Arrow")?;
    let df = match precision {
        TimePrecision::Milliseconds => js_facing(frame.df())?,
        TimePrecision::Full => {
            let mut df = frame.df().clone();
            df.rechunk_mut();
            df
        }
    };
    let compat = CompatLevel::oldest();
    let mut buf = Vec::new();
    let mut writer = ipc_write::StreamWriter::new(&mut buf, ipc_write::WriteOptions { compression: None });
    writer.start(&df.schema().to_arrow(compat), None).context("writing Arrow IPC")?;
    for batch in df.iter_chunks(compat, true) {
        writer.write(&batch, None).context("writing Arrow IPC")?;
    }
    writer.finish().context("writing Arrow IPC")?;
    Ok(buf)
}

/// A copy of `df` with datetimes and durations in milliseconds, in one contiguous chunk per column.
fn js_facing(df: &DataFrame) -> Result<DataFrame> {
    let mut cols = Vec::with_capacity(df.width());
    for col in df.columns() {
        let c = match col.dtype() {
            DataType::Datetime(tu, _) if *tu != TimeUnit::Milliseconds => col
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
                .context("converting a datetime column to milliseconds")?,
            DataType::Duration(tu) if *tu != TimeUnit::Milliseconds => col
                .cast(&DataType::Duration(TimeUnit::Milliseconds))
                .context("converting a timespan column to milliseconds")?,
            _ => col.clone(),
        };
        cols.push(c);
    }
    let mut out = DataFrame::new(df.height(), cols).context("preparing the table for Arrow")?;
    // Sliced or multi-chunk columns (group-by output, `head`, `filter`) are rewritten as fresh single chunks
    // so the IPC writer never sees a buffer offset.
    out.rechunk_mut();
    Ok(out)
}

/// Reads an Arrow IPC stream back into a polars DataFrame (used by tests and by `loadTable` of `.arrow` files).
pub fn from_ipc_stream(bytes: &[u8]) -> Result<DataFrame> {
    let mut cursor = Cursor::new(bytes);
    let metadata = ipc_read::read_stream_metadata(&mut cursor).context("reading Arrow IPC")?;
    let mut df = DataFrame::empty_with_schema(&Schema::from_arrow_schema(&metadata.schema));
    for state in ipc_read::StreamReader::new(cursor, metadata, None) {
        match state.context("reading Arrow IPC")? {
            ipc_read::StreamState::Some(batch) => {
                df.vstack_mut_owned(DataFrame::from(batch)).context("reading Arrow IPC")?;
            }
            ipc_read::StreamState::Waiting => break,
        }
    }
    df.rechunk_mut();
    Ok(df)
}
