// Analysis: base64 unpacking of obfuscated command lines and IoC extraction (wraps the wasm `decode`/`ioc` bindings).
