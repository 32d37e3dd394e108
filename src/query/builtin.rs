//! The built-in query library: every YAML file in `queries/`, compiled into the library by `build.rs`.

use crate::error::Result;
use crate::query::catalog::Catalog;

include!(concat!(env!("OUT_DIR"), "/builtin_queries.rs"));

/// A catalog holding every built-in query.
pub fn catalog() -> Result<Catalog> {
    let mut c = Catalog::new();
    for (name, text) in FILES {
        c.load_yaml(text, name)?;
    }
    Ok(c)
}
