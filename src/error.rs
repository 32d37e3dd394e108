//! The crate's one error type.
//!
//! Every failure a notebook user can cause (a bad column name, a malformed response, a bad option) is a value of
//! [`Error`] whose `Display` says what was wrong and what to do. Nothing in the core panics on user input: the wasm
//! module is shared by the whole notebook, and a panic would kill it.

use std::fmt;

/// Result type of the core.
pub type Result<T> = std::result::Result<T, Error>;

/// What went wrong, with the context a user needs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A column name that the table does not have.
    #[error("unknown column '{name}'{hint}. Columns are: {}", .available.join(", "))]
    UnknownColumn {
        name: String,
        available: Vec<String>,
        hint: DidYouMean,
    },
    /// A table name that is not loaded.
    #[error("unknown table '{name}'. Tables are: {}", .available.join(", "))]
    UnknownTable { name: String, available: Vec<String> },
    /// Input that could not be parsed; `what` names the input and `detail` the problem.
    #[error("could not read {what}: {detail}")]
    Parse { what: String, detail: String },
    /// A value of the wrong kind given to an operation.
    #[error("{0}")]
    Invalid(String),
    /// An input too large for the memory left to read it (wasm32's 4 GiB, `frame::room`); the text says how large
    /// and what to do.
    #[error("{0}")]
    TooLarge(String),
    /// A service (Log Analytics, Data Explorer, ARM) failed or refused; the text says what to check.
    #[error("{0}")]
    Service(String),
    /// The caller cancelled (an `AbortSignal` fired).
    #[error("cancelled")]
    Cancelled,
    /// Errors raised inside polars, with what we were doing.
    #[error("{context}: {source}")]
    Polars {
        context: String,
        #[source]
        source: polars::error::PolarsError,
    },
}

impl Error {
    pub fn parse(what: impl Into<String>, detail: impl fmt::Display) -> Self {
        Error::Parse {
            what: what.into(),
            detail: detail.to_string(),
        }
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    /// An unknown column, with a "did you mean" suggestion from `available`.
    pub fn unknown_column(name: &str, available: Vec<String>) -> Self {
        let hint = DidYouMean(closest(name, &available));
        Error::UnknownColumn {
            name: name.to_string(),
            available,
            hint,
        }
    }
}

/// Wraps a polars error with what we were doing.
pub(crate) trait PolarsContext<T> {
    fn context(self, context: &str) -> Result<T>;
}

impl<T> PolarsContext<T> for std::result::Result<T, polars::error::PolarsError> {
    fn context(self, context: &str) -> Result<T> {
        self.map_err(|source| Error::Polars {
            context: context.to_string(),
            source,
        })
    }
}

/// A suggestion printed as " (did you mean 'X'?)" or nothing.
#[derive(Debug, Clone, Default)]
pub struct DidYouMean(pub Option<String>);

impl fmt::Display for DidYouMean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(s) => write!(f, " (did you mean '{s}'?)"),
            None => Ok(()),
        }
    }
}

/// The candidate closest to `name` (case-insensitive edit distance), if it is close enough to be a likely typo.
pub fn closest(name: &str, candidates: &[String]) -> Option<String> {
    let lower = name.to_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(name.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.clone())
}

/// Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`: `titel` is one edit from `title`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                cur[j + 1] = cur[j + 1].min(prev2[j - 1] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_column_names() {
        let cols = vec!["IPAddress".to_string(), "UserPrincipalName".to_string()];
        assert_eq!(closest("IpAdress", &cols).as_deref(), Some("IPAddress"));
        assert_eq!(closest("Banana", &cols), None);
        let opts = vec!["title".to_string(), "time_column".to_string()];
        assert_eq!(closest("titel", &opts).as_deref(), Some("title"));
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        let e = Error::unknown_column("IpAdress", cols);
        assert_eq!(
            e.to_string(),
            "unknown column 'IpAdress' (did you mean 'IPAddress'?). Columns are: IPAddress, UserPrincipalName"
        );
    }
}
