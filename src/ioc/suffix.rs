//! The public-suffix list: which ending of a host name is a registry suffix (`com`, `co.uk`, `azurewebsites.net`).

use publicsuffix::{List, Psl};
use std::sync::OnceLock;

static LIST: OnceLock<List> = OnceLock::new();

fn list() -> &'static List {
    LIST.get_or_init(|| {
        include_str!("public_suffix_list.dat").parse().unwrap_or_else(|_| {
            // The committed list is parsed by a test below; an empty list only makes every suffix unknown.
            List::new()
        })
    })
}

/// The length in bytes of `name`'s public suffix when a rule of the list matched (not just the implicit `*`
/// rule), else `None`. `name` is lower-case ASCII or UTF-8, without a final dot.
pub fn known_suffix_len(name: &[u8]) -> Option<usize> {
    list().suffix(name).filter(|s| s.is_known()).map(|s| s.as_bytes().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_parses_and_matches_rules_wildcards_and_exceptions() {
        assert!(include_str!("public_suffix_list.dat").parse::<List>().is_ok());
        assert_eq!(known_suffix_len(b"www.example.com"), Some(3));
        assert_eq!(known_suffix_len(b"news.bbc.co.uk"), Some(5));
        assert_eq!(known_suffix_len(b"contoso.azurewebsites.net"), Some("azurewebsites.net".len()));
        assert_eq!(known_suffix_len(b"a.b.kawasaki.jp"), Some("b.kawasaki.jp".len()), "*.kawasaki.jp");
        assert_eq!(known_suffix_len(b"city.kawasaki.jp"), Some("kawasaki.jp".len()), "!city.kawasaki.jp");
        assert_eq!(known_suffix_len(b"xyz.ps1"), None);
        assert_eq!(known_suffix_len(b"evil.notatld"), None);
        assert_eq!(known_suffix_len(b"example.xn--p1ai"), Some("xn--p1ai".len()), "punycode of .рф");
        assert_eq!(known_suffix_len("пример.рф".as_bytes()), Some("рф".len()));
    }
}
