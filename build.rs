// Embeds every query definition file in queries/ into the library (see src/query/builtin.rs).
//
// The generated code names each file relative to the crate being compiled (`env!("CARGO_MANIFEST_DIR")` expanded in
// the crate, not here) and the rerun trigger is a path relative to the package: a cargo target dir shared by two
// checkouts (the Makefile reuses ~/.cache/huntbook/target) may reuse this script's output across them.
use std::fmt::Write;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("queries");
    println!("cargo:rerun-if-changed=queries");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok()).filter_map(|e| e.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    names.retain(|n| n.ends_with(".yaml") || n.ends_with(".yml"));
    names.sort();
    assert!(!names.is_empty(), "no query files (*.yaml) in {}", dir.display());
    let mut out = String::from("/// (file name, YAML text) of every file in queries/.\npub static FILES: &[(&str, &str)] = &[\n");
    for name in &names {
        println!("cargo:rerun-if-changed=queries/{name}");
        let _ = writeln!(out, "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/queries/\", {name:?}))),");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_queries.rs");
    std::fs::write(dest, out).expect("writing builtin_queries.rs");
}
