//! The utility pivots that need nothing but the value, run here in one pass (no call out to JS per value):
//! `ip_type`, `dns_components`, `url_components`. Each gives one row per value, with the value in the
//! function's key column.

use polars::prelude::*;

use crate::enrich::components::{dns_components, url_components};
use crate::error::{PolarsContext, Result};
use crate::frame::Frame;
use crate::ioc::ip::{ip_type, parse_ip};

/// The row of utility `runs` for `value`; `None` when `runs` is not one of these utilities.
pub fn run_local(runs: &str, value: &str) -> Option<Result<Frame>> {
    let row: Vec<(&str, String)> = match runs {
        // msticpy's ip_type pivot: columns ip, result
        "ip_type" => vec![
            ("ip", value.to_string()),
            ("result", parse_ip(value).map_or("Unspecified", |a| ip_type(a).as_str()).to_string()),
        ],
        "dns_components" => {
            let c = dns_components(value);
            vec![("Name", value.to_string()), ("subdomain", c.subdomain), ("domain", c.domain), ("suffix", c.suffix)]
        }
        "url_components" => match url_components(value) {
            Ok(c) => vec![
                ("url", value.to_string()),
                ("scheme", c.scheme),
                ("netloc", c.netloc),
                ("path", c.path),
                ("params", c.params),
                ("query", c.query),
                ("fragment", c.fragment),
            ],
            Err(e) => return Some(Err(e)),
        },
        _ => return None,
    };
    let cols: Vec<Column> = row.into_iter().map(|(n, v)| Column::new(n.into(), [v])).collect();
    Some(DataFrame::new(1, cols).context(runs).map(|df| Frame::new(runs, df)))
}

/// Whether `runs` is run by [`run_local`].
pub fn is_local(runs: &str) -> bool {
    matches!(runs, "ip_type" | "dns_components" | "url_components")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utilities() {
        let f = run_local("ip_type", "24.16.133.227").unwrap().unwrap();
        assert_eq!(f.column_names(), ["ip", "result"]);
        assert_eq!(f.column("result").unwrap().str().unwrap().get(0), Some("Public"));
        let f = run_local("ip_type", "10.0.0.1").unwrap().unwrap();
        assert_eq!(f.column("result").unwrap().str().unwrap().get(0), Some("Private"));
        let f = run_local("dns_components", "www.microsoft.com").unwrap().unwrap();
        assert_eq!(f.column("domain").unwrap().str().unwrap().get(0), Some("microsoft"));
        assert_eq!(f.column("Name").unwrap().str().unwrap().get(0), Some("www.microsoft.com"));
        let f = run_local("url_components", "http://85.214.149.236:443/sugarcrm/themes/").unwrap().unwrap();
        assert_eq!(f.column("netloc").unwrap().str().unwrap().get(0), Some("85.214.149.236:443"));
        assert!(run_local("url_components", "not a url").unwrap().is_err());
        assert!(run_local("whois", "1.2.3.4").is_none());
    }
}
