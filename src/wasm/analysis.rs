//! Bindings of the analysis modules: base64 unpacking (`crate::decode`) and IoC extraction (`crate::ioc`).
