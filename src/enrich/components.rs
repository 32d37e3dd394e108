//! msticpy's `dns_components` (a host name split into subdomain, registrable domain and public suffix, by the
//! public-suffix list (src/ioc/suffix.rs), as `tldextract` does) and `url_components` (a URL's scheme, netloc, path,
//! params, query and fragment, as Python's `urlparse`).

use crate::error::{Error, Result};

/// A host name's parts: `www.bbc.co.uk` → `www`, `bbc`, `co.uk`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DnsComponents {
    pub subdomain: String,
    pub domain: String,
    pub suffix: String,
}

/// `name` (lower-cased, a final dot dropped) split like `tldextract`: a name without a known public suffix has an
/// empty suffix and its last label as the domain (`evil.notatld` → `evil`, `notatld`, ``).
pub fn dns_components(name: &str) -> DnsComponents {
    let n = name.trim().trim_end_matches('.').to_ascii_lowercase();
    let split_last = |s: &str| match s.rsplit_once('.') {
        Some((sub, dom)) => (sub.to_string(), dom.to_string()),
        None => (String::new(), s.to_string()),
    };
    let suffix = crate::ioc::suffix::known_suffix_len(n.as_bytes());
    match suffix {
        Some(len) if len < n.len() => {
            let (rest, suffix) = n.split_at(n.len() - len);
            let (subdomain, domain) = split_last(rest.trim_end_matches('.'));
            DnsComponents {
                subdomain,
                domain,
                suffix: suffix.to_string(),
            }
        }
        Some(_) => DnsComponents {
            suffix: n,
            ..DnsComponents::default()
        },
        None => {
            let (subdomain, domain) = split_last(&n);
            DnsComponents {
                subdomain,
                domain,
                suffix: String::new(),
            }
        }
    }
}

/// A URL's parts, named as Python's `urlparse` names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlComponents {
    pub scheme: String,
    /// `user:password@host:port`, as written (host lower-cased).
    pub netloc: String,
    pub path: String,
    /// The `;params` of the last path segment.
    pub params: String,
    pub query: String,
    pub fragment: String,
}

/// The parts of `url` (surrounding spaces ignored), or an error saying it is not an absolute URL. Unlike
/// `urlparse` the URL is normalised first (scheme and host lower-cased, an empty path becomes `/`).
pub fn url_components(url: &str) -> Result<UrlComponents> {
    let u = url::Url::parse(url.trim()).map_err(|e| {
        Error::invalid(format!(
            "'{url}' is not an absolute URL ({e}): give e.g. https://host/path"
        ))
    })?;
    let mut netloc = String::new();
    if !u.username().is_empty() {
        netloc.push_str(u.username());
        if let Some(p) = u.password() {
            netloc.push(':');
            netloc.push_str(p);
        }
        netloc.push('@');
    }
    netloc.push_str(u.host_str().unwrap_or_default());
    if let Some(port) = u.port() {
        netloc.push_str(&format!(":{port}"));
    }
    let full_path = u.path();
    let last_start = full_path.rfind('/').map_or(0, |i| i + 1);
    let (path, params) = match full_path[last_start..].find(';') {
        Some(i) => (
            &full_path[..last_start + i],
            &full_path[last_start + i + 1..],
        ),
        None => (full_path, ""),
    };
    Ok(UrlComponents {
        scheme: u.scheme().to_string(),
        netloc,
        path: path.to_string(),
        params: params.to_string(),
        query: u.query().unwrap_or_default().to_string(),
        fragment: u.fragment().unwrap_or_default().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dc(s: &str) -> (String, String, String) {
        let c = dns_components(s);
        (c.subdomain, c.domain, c.suffix)
    }

    #[test]
    fn dns_components_like_tldextract() {
        let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(dc("www.microsoft.com"), t("www", "microsoft", "com"));
        assert_eq!(dc("forums.news.cnn.com."), t("forums.news", "cnn", "com"));
        assert_eq!(dc("WWW.BBC.CO.UK"), t("www", "bbc", "co.uk"));
        assert_eq!(dc("ajaraheritage.ge"), t("", "ajaraheritage", "ge"));
        assert_eq!(dc("evil.notatld"), t("evil", "notatld", ""));
        assert_eq!(dc("localhost"), t("", "localhost", ""));
        assert_eq!(dc("co.uk"), t("", "", "co.uk"));
    }

    #[test]
    fn url_components_like_urlparse() {
        let c = url_components(" http://user:pw@Evil.COM:8080/a/b;x=1?q=2&r#frag ").unwrap();
        assert_eq!(
            c,
            UrlComponents {
                scheme: "http".into(),
                netloc: "user:pw@evil.com:8080".into(),
                path: "/a/b".into(),
                params: "x=1".into(),
                query: "q=2&r".into(),
                fragment: "frag".into(),
            }
        );
        let c = url_components("https://85.214.149.236/sugarcrm/themes/default/images/").unwrap();
        assert_eq!(
            (c.netloc.as_str(), c.path.as_str(), c.query.as_str()),
            ("85.214.149.236", "/sugarcrm/themes/default/images/", "")
        );
        let e = url_components("evil.com/x").unwrap_err().to_string();
        assert!(e.starts_with("'evil.com/x' is not an absolute URL"), "{e}");
    }
}
