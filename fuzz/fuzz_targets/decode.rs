//! Base64 unpacking: the input as text (base64 runs in a command line), and the input's bytes base64-encoded inside
//! a PowerShell command line, so archives (zip, gzip, bzip2, tar) and UTF-16 text are parsed from arbitrary bytes.
//! Default options (msticpy's limits, the 64 MiB budget). The fragments table is built as the notebook shows it.
#![no_main]

use base64::Engine as _;
use huntbook::decode::{unpack, UnpackOptions};
use libfuzzer_sys::fuzz_target;

fn run(text: &str) {
    let opts = UnpackOptions::default();
    let unpacked = unpack(text, &opts).expect("default options are valid");
    let _ = unpacked.table();
}

fuzz_target!(|data: &[u8]| {
    run(&String::from_utf8_lossy(data));
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    run(&format!("powershell.exe -nop -enc {b64} ; echo done"));
});
