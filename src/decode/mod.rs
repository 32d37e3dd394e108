//! Base64 unpacking: what msticpy's `base64unpack` does for obfuscated command lines (`powershell -enc …`),
//! decoding base64 runs, recursively, unpacking archives, and rewriting the text with what was found.
//!
//! - [`unpack`] takes one text and returns an [`Unpacked`]: the text with every decoded run replaced by a tag, the
//!   [`Fragment`]s found (one per decoded run or archive member) and notes. [`Unpacked::table`] gives the fragments as
//!   a [`Frame`] with msticpy's columns.
//! - [`unpack_frame`] does it for every row of a text column and returns one table of all fragments, with the source
//!   row's index (`src_index`), the source cell and the row's fully decoded text (`full_decoded_string`).
//!
//! ## What it does
//!
//! A run is 30 or more base64 characters (line breaks inside are allowed and not counted) plus up to two `=`. A run
//! is decoded when the bytes are (checked in this order) a known file type by **magic bytes** (zip, gzip, tar, bzip2
//! are unpacked; exe, dll, sys, pdf, 7z, rar, msi, wim, elf are named), printable **UTF-16LE** text (PowerShell's
//! `-EncodedCommand`, when [`UnpackOptions::utf16_detect`]), printable **UTF-8** text, or else a binary. Decoded text
//! is searched again (up to [`UnpackOptions::max_depth`] levels), so base64 inside base64 inside a zip is found.
//!
//! The rewritten text uses msticpy's tags:
//!
//! ```text
//! <decoded type='string' name='[None]' index='1' depth='1'>Invoke-WebRequest …</decoded>
//! <decoded value='binary'  name='[exe]' type='exe' index='2' depth='1'>4d 5a 90 00 …</decoded>
//! <decoded value='multiple binary' type='multiple' index='3' depth='1'><decoded type='string'
//!     name='[zip] Filename: a.txt' index='3.1' depth='2'>…</decoded>…</decoded>
//! ```
//!
//! `index` is the fragment's place in the tree: the second run found inside the text decoded from run `1` is
//! `1.2`, at depth 2; the members of an archive decoded from run `3` are `3.1`, `3.2`, … A member or run cut by a
//! limit gets `truncated='max_total_bytes'`.
//!
//! ## Table columns
//!
//! msticpy's: `reference` (the tag's index, e.g. `1.2`), `original_string` (the base64 run), `file_name`
//! (`unknown`, or the member's path; nested archives joined with `/`), `file_type` (by magic bytes; for an archive
//! member its own type if recognised, else the archives it came from, e.g. `zip` or `gz/tar`), `input_bytes`
//! (binary), `decoded_string` (text, null for binaries), `encoding_type` (`utf-8`, `utf-16`, `binary`),
//! `file_hashes` (JSON), `md5`, `sha1`, `sha256`, `printable_bytes` (hex bytes, `49 6e 76 …`). [`unpack_frame`] adds
//! `src_index`, the source column (named as in the input) and `full_decoded_string`.
//!
//! ## Limits (a notebook must survive a zip bomb)
//!
//! [`UnpackOptions`] bounds the bytes decoded and decompressed per call (`max_total_bytes`, default 64 MiB: a member
//! that would pass it is cut there; a repeated run's cached decode is charged again for each copy it is written out,
//! so repeats nested in archives cannot multiply the output past the budget), archive members per call (`max_members`), depth (`max_depth`, at most 64
//! whatever is asked) and fragments per depth per text (`max_fragments_per_level`). Hex dumps show at most
//! `max_display_bytes`. Whatever a limit stops is said in [`Unpacked::notes`] (and the table's `notes`), with
//! [`Unpacked::truncated`] set; nothing panics, nothing is read past the budget.
//!
//! ## Differences from msticpy 3.0.2 (each a fix)
//!
//! 1. File types come from the decoded bytes' magic, not from the base64 text's first characters (msticpy's
//!    prefixes miss stored zips `UEsDBAoAAAAAA…`, zips with a data descriptor `UEsDBBQACAAIA…`, and every exe whose
//!    DOS header is not one of three exact ones). bzip2 is unpacked too, archives inside archives are unpacked, and
//!    a damaged archive is reported in the notes instead of raising.
//! 2. UTF-16LE is detected (msticpy decodes `-EncodedCommand` as NUL-laced UTF-8 unless `utf16=True`, and with it
//!    turns any even-length binary into "utf-16" text). Text must be printable (no control characters but tab, line
//!    breaks, form feed, escape; trailing NULs dropped), else it is a binary.
//! 3. Unpadded runs (length 4n+2, 4n+3) and wrong padding are decoded, and so is the URL-safe alphabet (`-`, `_`)
//!    when it yields text or a known file type (msticpy leaves both).
//! 4. No false binaries: runs of hex digits (hashes, GUIDs, `MsiExec -Embedding 772A9CF4…`) are never decoded, and
//!    an unrecognised binary is reported only when the run looks like random base64 (digits, upper and lower case
//!    each at least a sixth of it, 8+ distinct characters, none over half), which drops `AAAA…` runs and
//!    identifiers such as `LocalServiceAndNoImpersonation` and AppX ids (`AppXtk181tbxbce2qsex02s8tw7hfxa9xb3t`).
//!    On the Tour's process table msticpy reports 7 fragments, 5 of them such false binaries, and misses the
//!    URL-safe, unpadded GoogleUpdate `/ping` XML; huntbook reports the 2 real `-enc` commands and the ping.
//! 5. No global state: msticpy remembers undecodable strings in a process-wide set that grows forever and changes
//!    later results; here every call starts clean.
//! 6. Decoded text is searched again when *any* run at a level decoded (msticpy only looks at whether the last one
//!    did), and indexes follow the tree (msticpy prefixes every level-2 index with the *count* of level-1
//!    fragments, and failed candidates use up index numbers). `reference` is that index as text (msticpy: a tuple
//!    `(prefix, "depth.", index)`, the same for every member of an archive).
//! 7. Limits, as above (msticpy has only depth 20 and 51 fragments per level). Hashes of a cut member are null (they
//!    would not be the file's).
//! 8. A line break does not count toward the 30 characters, and line breaks at either end are not part of the run.
//!    Wrapped base64 followed by a line of text (`…QUJD\r\nbye`) ends at the last line break that leaves it a
//!    multiple of four characters long (msticpy decodes `bye` into it).
//!
//! As in msticpy, one run that occurs several times in a text is one fragment and every occurrence is replaced, and
//! text decoded straight from base64 is named `[None]` in its tag (msticpy's name for "no file type"). In tables,
//! cells that would repeat on many rows (an archive's base64 on each member's row; the source cell and
//! `full_decoded_string` on each fragment of a row) are given in full on their first row and cut to 4 KiB after.

mod archive;
mod content;
mod scan;
mod table;
mod unpack;

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::frame::Frame;

pub use content::Encoding;

/// Options for [`unpack`] and [`unpack_frame`]. Read from a notebook's options object by [`crate::options::read`]:
/// the field names are msticpy's (`utf16` for `utf16_detect`), counts are whole numbers ≥ 0.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnpackOptions {
    /// Levels of base64-in-base64 (and archive nesting) to follow. Default 20 (msticpy's); at most 64.
    #[serde(deserialize_with = "crate::options::whole")]
    pub max_depth: usize,
    /// Fragments decoded at one depth of one text; the rest stay encoded. Default 50.
    #[serde(deserialize_with = "crate::options::whole")]
    pub max_fragments_per_level: usize,
    /// Bytes decoded and decompressed in one call (for [`unpack_frame`]: the whole table). Default 64 MiB.
    #[serde(deserialize_with = "crate::options::whole")]
    pub max_total_bytes: usize,
    /// Archive members read in one call. Default 1000.
    #[serde(deserialize_with = "crate::options::whole")]
    pub max_members: usize,
    /// Detect UTF-16LE text (PowerShell `-EncodedCommand`). Default true. msticpy calls it `utf16`.
    #[serde(alias = "utf16", alias = "utf_16")]
    pub utf16_detect: bool,
    /// Also decode runs in the URL-safe alphabet (`-`, `_`) when they give text or a known file type. Default true.
    pub url_safe: bool,
    /// Shortest run tried, in base64 characters. Default 30 (msticpy's); at least 4.
    #[serde(deserialize_with = "crate::options::whole")]
    pub min_length: usize,
    /// Bytes shown as hex in tags and `printable_bytes`. Default 64 KiB.
    #[serde(deserialize_with = "crate::options::whole")]
    pub max_display_bytes: usize,
    /// msticpy's `trace` (print progress): accepted so msticpy calls work; there is nothing to print, it does nothing.
    pub trace: bool,
}

impl Default for UnpackOptions {
    fn default() -> Self {
        UnpackOptions {
            max_depth: 20,
            max_fragments_per_level: 50,
            max_total_bytes: 64 * 1024 * 1024,
            max_members: 1000,
            utf16_detect: true,
            url_safe: true,
            min_length: 30,
            max_display_bytes: 64 * 1024,
            trace: false,
        }
    }
}

/// One decoded run, or one member of a decoded archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The tag's index: `1`, `1.2`, `3.1` …
    pub reference: String,
    /// The tag's depth (1 for runs in the input text).
    pub depth: usize,
    /// The base64 run it came from (shared by the members of one archive).
    pub original_string: Arc<str>,
    /// `unknown`, or the member's path in its archive (nested archives joined with `/`).
    pub file_name: String,
    /// By magic bytes (`exe`, `pdf`, …); for a member, its own type if recognised, else the archive chain (`zip`,
    /// `gz/tar`). `None` for text and unrecognised binaries decoded straight from base64.
    pub file_type: Option<String>,
    /// The decoded (or unpacked) bytes; cut at the byte budget when `truncated`.
    pub input_bytes: Vec<u8>,
    /// The text, when the bytes are text.
    pub decoded_string: Option<String>,
    pub encoding_type: Encoding,
    /// Hashes of `input_bytes`; `None` when it was cut.
    pub md5: Option<String>,
    pub sha1: Option<String>,
    pub sha256: Option<String>,
    /// Hex bytes separated by spaces, at most `max_display_bytes` of them.
    pub printable_bytes: String,
    /// Cut at `max_total_bytes`.
    pub truncated: bool,
}

/// What [`unpack`] found.
#[derive(Debug, Clone)]
pub struct Unpacked {
    /// The input with each decoded run replaced by its `<decoded …>` tag (the input itself when nothing decoded).
    pub text: String,
    /// Every fragment, each before those found inside it.
    pub fragments: Vec<Fragment>,
    /// What limits stopped, damaged archives, encrypted members.
    pub notes: Vec<String>,
    /// A limit stopped or cut something (the notes say what).
    pub truncated: bool,
}

impl Unpacked {
    /// The fragments as a table with msticpy's columns (see the module docs); the notes become the table's notes.
    pub fn table(&self) -> Result<Frame> {
        let rows: Vec<table::Row> = self
            .fragments
            .iter()
            .map(|f| table::Row {
                fragment: f,
                source: None,
            })
            .collect();
        let mut frame = table::build(&rows, None)?;
        frame.notes = self.notes.clone();
        Ok(frame)
    }
}

/// Decodes and unpacks the base64 in `text`. Errors only for options that cannot work; any text is fine.
pub fn unpack(text: &str, options: &UnpackOptions) -> Result<Unpacked> {
    check(options)?;
    let mut engine = unpack::Engine::new(options);
    let rewritten = engine.top(text);
    Ok(Unpacked {
        text: rewritten.unwrap_or_else(|| text.to_string()),
        fragments: engine.fragments,
        notes: engine.notes,
        truncated: engine.truncated,
    })
}

/// [`unpack`] for every non-null cell of text column `column`: one table of all fragments, each with `src_index`
/// (the row), the source cell (a column named `column`) and `full_decoded_string` (the row's rewritten text). Rows
/// with nothing decoded add no rows. The byte budget and member limit are for the whole table.
pub fn unpack_frame(frame: &Frame, column: &str, options: &UnpackOptions) -> Result<Frame> {
    check(options)?;
    let col = frame.column(column)?;
    let ca = col
        .as_materialized_series()
        .str()
        .map_err(|_| {
            Error::invalid(format!(
                "column '{column}' is {}, not text",
                frame.la_type(column).map(|t| t.to_string()).unwrap_or_default()
            ))
        })?
        .clone();
    let mut engine = unpack::Engine::new(options);
    let mut sources: Vec<(usize, usize, &str, String)> = Vec::new(); // (first fragment, row, cell, rewritten)
    let mut notes_seen = 0;
    let mut notes = Vec::new();
    // the chunks' own iterators: the chunked array's boxed one costs a dynamic call a row
    let cells = ca.downcast_iter().flat_map(|arr| arr.iter());
    for (row, cell) in cells.enumerate() {
        let Some(cell) = cell else { continue };
        let first = engine.fragments.len();
        let rewritten = engine.top(cell);
        for n in engine.notes.get(notes_seen..).unwrap_or_default() {
            notes.push(format!("row {row}: {n}"));
        }
        notes_seen = engine.notes.len();
        if let Some(r) = rewritten {
            if engine.fragments.len() > first {
                sources.push((first, row, cell, r));
            }
        }
    }
    let mut rows = Vec::with_capacity(engine.fragments.len());
    for (k, (first, row, cell, rewritten)) in sources.iter().enumerate() {
        let end = sources.get(k + 1).map_or(engine.fragments.len(), |s| s.0);
        for (j, f) in engine.fragments.get(*first..end).unwrap_or_default().iter().enumerate() {
            rows.push(table::Row {
                fragment: f,
                source: Some(table::Source {
                    row: *row,
                    cell,
                    full: rewritten,
                    first_of_row: j == 0,
                }),
            });
        }
    }
    let mut out = table::build(&rows, Some(column))?;
    out.name = format!("{}_unpacked", frame.name);
    out.notes = notes;
    Ok(out)
}

fn check(o: &UnpackOptions) -> Result<()> {
    if o.max_depth == 0 {
        return Err(Error::invalid("max_depth must be at least 1"));
    }
    if o.max_fragments_per_level == 0 {
        return Err(Error::invalid("max_fragments_per_level must be at least 1"));
    }
    Ok(())
}
