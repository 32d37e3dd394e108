//! Tokens and keys: a [`Secret`] never shows its value, and a [`SecretSource`] hands one out when a request needs it.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::net::{race, until_aborted, Either, NetError, Transport};

/// A bearer token or API key. `Debug` and `Display` print `[secret]`; the value is read only by
/// [`Secret::expose`] (to put it into a request header, or a URL where an API demands it).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Checks a token or key from `source` (e.g. "getToken() (an access token for https://api.loganalytics.io/.default)"):
    /// surrounding whitespace is trimmed; empty values and values with control or non-ASCII characters (a CR/LF
    /// would split the HTTP header) are refused with a message that names the source and never shows the value.
    pub fn new(value: &str, source: &str) -> Result<Secret> {
        let v = value.trim();
        if v.is_empty() {
            return Err(Error::invalid(format!(
                "{source} gave an empty token or key: it must give the credential itself"
            )));
        }
        if let Some(pos) = v.chars().position(|c| c.is_control() || !c.is_ascii()) {
            return Err(Error::invalid(format!(
                "{source} gave a token or key with a control or non-ASCII character (at character {}): a token or key \
                 is one line of printable ASCII. Check what it returns (the value is not shown)",
                pos + 1
            )));
        }
        Ok(Secret(v.into()))
    }

    /// The value, to put into a request. Never format it into a message.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([secret])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[secret]")
    }
}

/// Where a token or key comes from when a request needs it: a fixed key, or (in the browser) the user's
/// `getToken()` function, asked once per query so an expiring token is renewed.
pub trait SecretSource {
    fn get(&self) -> impl Future<Output = Result<Secret>>;
}

/// Asks `source` (named `who` in messages, e.g. "getToken() (an access token for …)") for a token, giving up when
/// the call `t` serves is cancelled or runs out of time, so a `getToken()` that never answers cannot hang a query.
/// The message says which step waited; it never holds a token.
pub async fn ask_secret<T: Transport, S: SecretSource>(t: &T, source: &S, who: &str) -> Result<Secret> {
    match race(source.get(), until_aborted(t)).await {
        Either::First(secret) => secret,
        Either::Second(NetError::Timeout(s)) => Err(Error::Service(format!(
            "{who} did not answer within {s} s (client timeout), so nothing was sent. Check that it resolves: a \
             sign-in waiting for the user, or a token service that does not answer, holds it up"
        ))),
        Either::Second(NetError::Cancelled) => Err(Error::Cancelled),
        Either::Second(e) => Err(Error::Service(format!("{who} was not answered: {e}"))),
    }
}

/// A fixed key is its own source.
impl SecretSource for Secret {
    async fn get(&self) -> Result<Secret> {
        Ok(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::testing::block_on;

    #[test]
    fn never_shows_its_value() {
        let s = Secret::new("  eyJ0eXAi.abc-DEF_123  ", "getToken()").unwrap();
        assert_eq!(s.expose(), "eyJ0eXAi.abc-DEF_123");
        assert_eq!(format!("{s}"), "[secret]");
        assert_eq!(format!("{s:?}"), "Secret([secret])");
        assert_eq!(format!("{:?}", Some(vec![s.clone()])), "Some([Secret([secret])])");
        assert_eq!(block_on(s.get()).unwrap(), s);
    }

    /// A `getToken()` that never settles (a sign-in left waiting).
    struct Hangs;
    impl SecretSource for Hangs {
        async fn get(&self) -> Result<Secret> {
            std::future::pending().await
        }
    }

    #[test]
    fn a_token_source_that_never_answers_ends_at_the_timeout_or_on_cancel() {
        use crate::net::testing::Scripted;
        let mut t = Scripted::new(Vec::new());
        t.deadline_ms = Some(30_000);
        let e = block_on(ask_secret(&t, &Hangs, "getToken()")).unwrap_err().to_string();
        assert_eq!(
            e,
            "getToken() did not answer within 30 s (client timeout), so nothing was sent. Check that it resolves: a \
             sign-in waiting for the user, or a token service that does not answer, holds it up"
        );
        assert_eq!(t.clock.get(), 30_000);
        let mut c = Scripted::new(Vec::new());
        c.cancel_sleep = true;
        assert!(matches!(block_on(ask_secret(&c, &Hangs, "getToken()")), Err(Error::Cancelled)));
        let fixed = Secret::new("tok-1", "k").unwrap();
        assert_eq!(block_on(ask_secret(&t, &fixed, "k")).unwrap().expose(), "tok-1", "an answer wins");
    }

    #[test]
    fn refuses_empty_and_control_characters_without_echoing() {
        let e = Secret::new(" \n", "getToken() (an access token for X)").unwrap_err().to_string();
        assert!(e.starts_with("getToken() (an access token for X) gave an empty token"), "{e}");
        for bad in ["abc\r\nX-Injected: evil", "abc\u{0}def", "abc\u{7f}def", "abcdéf", "abc\tdef"] {
            let e = Secret::new(bad, "the VirusTotal key").unwrap_err().to_string();
            assert!(
                e.contains(
                    "the VirusTotal key gave a token or key with a control or non-ASCII character (at character"
                ),
                "{e}"
            );
            assert!(!e.contains("abc") && !e.contains("evil") && !e.contains("def"), "{e}");
        }
        let e = Secret::new("ab\ncd", "k").unwrap_err().to_string();
        assert!(e.contains("(at character 3)"), "{e}");
    }
}
