//! Series functions over the dynamic arrays `make-series` makes: `series_fit_line`, `series_decompose`,
//! `series_decompose_anomalies`, `series_stats` …, each row's array at a time.
//!
//! Deliberate differences from Kusto: `series_decompose` and `series_decompose_anomalies` do not detect
//! seasonality (the seasonal part is 0 unless a period is given, when it is the mean per phase of the detrended
//! series); the trend is the average (`avg`, the default), a least-squares line (`linefit`) or none (`none`).
//! Anomalies use Tukey's fences on the residuals (outside `[Q1 − k·IQR, Q3 + k·IQR]`, `k` = 1.5 unless given);
//! the score is the residual over the IQR-based spread, so only its sign and rough size match Kusto's.

use serde_json::Value as Json;

use super::ast::{Expr, Span};
use super::eval::{eval, Ctx};
use super::value::{dyn_parse, json_f64, Col, Val};
use super::KqlError;

/// A row's array as numbers (null elements and non-numbers as NaN).
fn numbers(cell: Option<&str>) -> Option<Vec<f64>> {
    match cell.map(dyn_parse)? {
        Json::Array(v) => Some(v.iter().map(|x| json_f64(x).unwrap_or(f64::NAN)).collect()),
        _ => None,
    }
}

fn arr(v: &[f64]) -> Json {
    Json::Array(v.iter().map(|x| serde_json::Number::from_f64(*x).map(Json::Number).unwrap_or(Json::Null)).collect())
}

fn real(x: f64) -> Json {
    serde_json::Number::from_f64(x).map(Json::Number).unwrap_or(Json::Null)
}

/// Least-squares line over x = 1, 2, … (NaNs skipped): (slope, interception).
fn fit_line(y: &[f64]) -> (f64, f64) {
    let pts: Vec<(f64, f64)> = y.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, v)| ((i + 1) as f64, *v)).collect();
    let n = pts.len() as f64;
    if pts.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let (sx, sy) = pts.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let sxx: f64 = pts.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    let sxy: f64 = pts.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (slope, my - slope * mx)
}

fn mean(v: &[f64]) -> f64 {
    let xs: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if xs.is_empty() { f64::NAN } else { xs.iter().sum::<f64>() / xs.len() as f64 }
}

fn variance(v: &[f64]) -> f64 {
    let xs: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if xs.len() < 2 {
        return 0.0;
    }
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64
}

/// The `q` quantile (0..1) by linear interpolation of the sorted finite values.
pub fn quantile(v: &[f64], q: f64) -> f64 {
    let mut xs: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let pos = q.clamp(0.0, 1.0) * (xs.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    xs[lo] + (xs[hi] - xs[lo]) * (pos - lo as f64)
}

/// (baseline, seasonal, trend, residual) of one series.
fn decompose(y: &[f64], period: i64, trend_kind: &str) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let n = y.len();
    let trend: Vec<f64> = match trend_kind {
        "linefit" => {
            let (a, b) = fit_line(y);
            (0..n).map(|i| a * (i + 1) as f64 + b).collect()
        }
        "none" => vec![0.0; n],
        _ => vec![mean(y); n],
    };
    let detrended: Vec<f64> = y.iter().zip(&trend).map(|(v, t)| v - t).collect();
    let seasonal: Vec<f64> = if period > 1 && (period as usize) < n {
        let p = period as usize;
        let phase_means: Vec<f64> = (0..p).map(|k| mean(&detrended.iter().skip(k).step_by(p).copied().collect::<Vec<_>>())).collect();
        (0..n).map(|i| phase_means[i % p]).collect()
    } else {
        vec![0.0; n]
    };
    let baseline: Vec<f64> = trend.iter().zip(&seasonal).map(|(t, s)| t + s).collect();
    let residual: Vec<f64> = y.iter().zip(&baseline).map(|(v, b)| v - b).collect();
    (baseline, seasonal, trend, residual)
}

fn const_f64(args: &[Expr], i: usize, ctx: &Ctx, default: f64) -> Result<f64, KqlError> {
    match args.get(i) {
        None => Ok(default),
        Some(e) => match eval(e, ctx)? {
            Val::S(s) if s.is_null() => Ok(default),
            Val::S(s) => json_f64(&s.to_json()).ok_or_else(|| KqlError::at(e.span, "expected a number")),
            Val::C(_) => Err(KqlError::at(e.span, "expected a constant")),
        },
    }
}

fn const_text(args: &[Expr], i: usize, ctx: &Ctx, default: &str) -> Result<String, KqlError> {
    match args.get(i) {
        None => Ok(default.to_string()),
        Some(e) => match eval(e, ctx)? {
            Val::S(s) if s.is_null() => Ok(default.to_string()),
            Val::S(s) => Ok(s.to_text()),
            Val::C(_) => Err(KqlError::at(e.span, "expected a constant")),
        },
    }
}

/// One series in, the function's values out.
type PerRow = Box<dyn Fn(&[f64]) -> Vec<Json>>;

/// `(a, b, …) = f(series, …)`: one column per result.
pub fn call_multi(name: &str, args: &[Expr], span: Span, ctx: &Ctx) -> Result<Vec<Val>, KqlError> {
    let Some(first) = args.first() else {
        return Err(KqlError::at(span, format!("{name}() needs a series")));
    };
    let series = eval(first, ctx)?.into_col(ctx.n).to_dyn();
    let rows: Vec<Option<Vec<f64>>> = series.into_iter().map(numbers).collect();
    let outputs: usize;
    let per_row: PerRow = match name {
        "series_fit_line" => {
            outputs = 6;
            Box::new(|y: &[f64]| {
                let (slope, icpt) = fit_line(y);
                let line: Vec<f64> = (0..y.len()).map(|i| slope * (i + 1) as f64 + icpt).collect();
                let var = variance(y);
                let resid: Vec<f64> = y.iter().zip(&line).map(|(v, l)| v - l).collect();
                let rvar = variance(&resid);
                let rsq = if var > 0.0 { 1.0 - rvar / var } else { 1.0 };
                vec![real(rsq), real(slope), real(var), real(rvar), real(icpt), arr(&line)]
            })
        }
        "series_decompose" => {
            outputs = 4;
            let period = const_f64(args, 1, ctx, -1.0)? as i64;
            let trend = const_text(args, 2, ctx, "avg")?;
            Box::new(move |y: &[f64]| {
                let (b, s, t, r) = decompose(y, period, &trend);
                vec![arr(&b), arr(&s), arr(&t), arr(&r)]
            })
        }
        "series_decompose_anomalies" => {
            outputs = 3;
            let k = const_f64(args, 1, ctx, 1.5)?;
            let period = const_f64(args, 2, ctx, -1.0)? as i64;
            let trend = const_text(args, 3, ctx, "avg")?;
            Box::new(move |y: &[f64]| {
                let (b, _, _, r) = decompose(y, period, &trend);
                let (q1, q3) = (quantile(&r, 0.25), quantile(&r, 0.75));
                let iqr = q3 - q1;
                let (lo, hi) = (q1 - k * iqr, q3 + k * iqr);
                let spread = if iqr > 0.0 { iqr } else { 1.0 };
                let flags: Vec<f64> = r.iter().map(|v| if *v > hi { 1.0 } else if *v < lo { -1.0 } else { 0.0 }).collect();
                let score: Vec<f64> = r.iter().map(|v| if *v > q3 { (v - q3) / spread } else if *v < q1 { (v - q1) / spread } else { 0.0 }).collect();
                vec![arr(&flags), arr(&score), arr(&b)]
            })
        }
        "series_stats" => {
            outputs = 8;
            Box::new(|y: &[f64]| {
                let xs: Vec<(usize, f64)> = y.iter().copied().enumerate().filter(|(_, v)| v.is_finite()).collect();
                let (mut mi, mut ma) = (None::<(usize, f64)>, None::<(usize, f64)>);
                for &(i, v) in &xs {
                    if mi.is_none_or(|(_, m)| v < m) {
                        mi = Some((i, v));
                    }
                    if ma.is_none_or(|(_, m)| v > m) {
                        ma = Some((i, v));
                    }
                }
                let var = variance(y);
                vec![
                    mi.map_or(Json::Null, |m| real(m.1)),
                    mi.map_or(Json::Null, |m| Json::from(m.0)),
                    ma.map_or(Json::Null, |m| real(m.1)),
                    ma.map_or(Json::Null, |m| Json::from(m.0)),
                    real(mean(y)),
                    real(var.sqrt()),
                    real(var),
                    Json::from(xs.len()),
                ]
            })
        }
        other => {
            return Err(KqlError::at(span, format!("'{other}' does not give several values: (a, b, …) = needs series_decompose, series_decompose_anomalies, series_fit_line or series_stats")));
        }
    };
    let mut cols: Vec<Vec<Json>> = vec![Vec::with_capacity(rows.len()); outputs];
    for r in &rows {
        let vals = match r {
            Some(y) => per_row(y),
            None => vec![Json::Null; outputs],
        };
        for (c, v) in cols.iter_mut().zip(vals) {
            c.push(v);
        }
    }
    Ok(cols.into_iter().map(|c| Val::C(Col::from_json(c.into_iter()))).collect())
}
