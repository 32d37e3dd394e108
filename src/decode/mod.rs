//! Base64 unpacking of obfuscated command lines, archives and encodings (issue #5). Not built yet.
