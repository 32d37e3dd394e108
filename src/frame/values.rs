//! Parsing of Log Analytics scalar values as they appear on the wire: reals (`NaN`, `Infinity`). Datetimes and
//! timespans (ISO 8601, `[-][d.]hh:mm:ss[.fffffff]`) are read and written by [`crate::time`].


/// A real as Log Analytics writes it: a number, or the strings `NaN`, `Infinity`, `-Infinity`.
pub fn parse_real(text: &str) -> Option<f64> {
    match text.trim() {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        t => t.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals() {
        assert!(parse_real("NaN").unwrap().is_nan());
        assert_eq!(parse_real("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_real("1.5"), Some(1.5));
        assert_eq!(parse_real("x"), None);
    }
}
