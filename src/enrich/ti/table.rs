//! TI result rows as a [`Frame`] with msticpy's columns (Details and RawResult as `dynamic` JSON).

use polars::prelude::*;

use super::TiResult;
use crate::error::{PolarsContext, Result};
use crate::frame::{Frame, LaType};

/// `rows` as the table `ti_results`: Ioc, IocType, SafeIoc, QuerySubtype, Provider, Result (bool), Severity,
/// Details and RawResult (JSON text, typed `dynamic`), Reference, Status (`ok`, `not found`, `error (HTTP 401)`…).
pub fn results_frame(rows: &[TiResult]) -> Result<Frame> {
    let text = |name: &str, f: &dyn Fn(&TiResult) -> String| {
        StringChunked::from_iter_values(name.into(), rows.iter().map(f))
            .into_series()
            .into_column()
    };
    let subtype = StringChunked::from_iter_options(
        "QuerySubtype".into(),
        rows.iter().map(|r| r.query_subtype.clone()),
    );
    let cols = vec![
        text("Ioc", &|r| r.ioc.clone()),
        text("IocType", &|r| r.ioc_type.clone()),
        text("SafeIoc", &|r| r.safe_ioc.clone()),
        subtype.into_series().into_column(),
        text("Provider", &|r| r.provider.clone()),
        BooleanChunked::from_iter_values("Result".into(), rows.iter().map(|r| r.result))
            .into_series()
            .into_column(),
        text("Severity", &|r| r.severity.as_str().to_string()),
        text("Details", &|r| r.details.to_string()),
        text("RawResult", &|r| r.raw_result.to_string()),
        text("Reference", &|r| r.reference.clone()),
        text("Status", &|r| r.status.as_str()),
    ];
    let df = DataFrame::new(rows.len(), cols).context("building the TI results table")?;
    let mut frame = Frame::new("ti_results", df);
    frame.set_la_type("Details", LaType::Dynamic);
    frame.set_la_type("RawResult", LaType::Dynamic);
    Ok(frame)
}
