//! The recursive unpacker: finds runs, decodes them, classifies what came out, unpacks archives, recurses into
//! decoded text, and rewrites the text with `<decoded …>` tags, all within the call's limits.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

use super::archive::{Budget, Member, Unpacker};
use super::content::{as_text, hashes, printable_bytes, sniff, Encoding, FileType};
use super::scan::{alphabet_only, is_hexish, looks_random, runs, split_url_chars, Run};
use super::{Fragment, UnpackOptions};

/// Whatever `max_depth` says, recursion stops here (a zip quine would otherwise nest until the stack overflows).
pub(crate) const HARD_MAX_DEPTH: usize = 64;

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_allow_trailing_bits(true)
    .with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Alphabet {
    Standard,
    UrlSafe,
}

/// One call's state: limits, counters and what has been found so far.
pub(crate) struct Engine<'o> {
    opts: &'o UnpackOptions,
    max_depth: usize,
    budget: Budget,
    members_left: usize,
    /// Fragments decoded at each depth, for the current top-level text.
    per_level: Vec<usize>,
    pub fragments: Vec<Fragment>,
    pub notes: Vec<String>,
    /// A limit stopped or cut something.
    pub truncated: bool,
    noted: HashSet<String>,
    scratch: Vec<u8>,
}

impl<'o> Engine<'o> {
    pub fn new(opts: &'o UnpackOptions) -> Engine<'o> {
        Engine {
            opts,
            max_depth: opts.max_depth.min(HARD_MAX_DEPTH),
            budget: Budget::new(opts.max_total_bytes),
            members_left: opts.max_members,
            per_level: Vec::new(),
            fragments: Vec::new(),
            notes: Vec::new(),
            truncated: false,
            noted: HashSet::new(),
            scratch: Vec::new(),
        }
    }

    /// Unpacks one top-level text: the rewritten text, or `None` when nothing in it was decoded.
    pub fn top(&mut self, text: &str) -> Option<String> {
        self.per_level.clear();
        // Depth and per-level notes are per text; the budget note once per call.
        self.noted.retain(|k| k == "budget");
        self.text(text, 1, "")
    }

    fn note_budget(&mut self) {
        self.note_once(
            "budget".to_string(),
            format!(
                "limit max_total_bytes: {} bytes decoded or repeated; further base64 was left encoded",
                self.opts.max_total_bytes
            ),
        );
    }

    fn note_once(&mut self, key: String, msg: String) {
        self.truncated = true;
        if self.noted.insert(key) {
            self.notes.push(msg);
        }
    }

    /// Decodes the runs of `text` (found at `depth`, tag indexes starting with `prefix`); `None` if none decoded.
    fn text(&mut self, text: &str, depth: usize, prefix: &str) -> Option<String> {
        let bytes = text.as_bytes();
        let mut out: Option<String> = None;
        let mut last = 0usize;
        let mut index = 0usize;
        let mut seen: HashMap<&str, String> = HashMap::new();
        for run in runs(bytes, self.opts.min_length.max(4)) {
            if depth > self.max_depth {
                self.note_once(
                    format!("depth{depth}"),
                    format!(
                        "limit max_depth: base64 at depth {depth} was left encoded (max_depth {})",
                        self.max_depth
                    ),
                );
                break;
            }
            let mut pieces: Vec<(Run, Alphabet)> = Vec::new();
            if !run.has_url {
                pieces.push((run, Alphabet::Standard));
            } else {
                let whole = text.get(run.start..run.padded_end).unwrap_or_default();
                let level_full = self.per_level.get(depth).copied().unwrap_or(0) >= self.opts.max_fragments_per_level;
                let url_first = self.opts.url_safe && !run.has_std_only && !level_full && !seen.contains_key(whole);
                let mut done = false;
                if url_first {
                    if let Some(tag) = self.candidate(whole, Alphabet::UrlSafe, depth, prefix, index + 1) {
                        index += 1;
                        seen.insert(whole, tag);
                        pieces.push((run, Alphabet::UrlSafe));
                        done = true;
                    }
                } else if seen.contains_key(whole) {
                    pieces.push((run, Alphabet::UrlSafe));
                    done = true;
                }
                if !done {
                    pieces.extend(
                        split_url_chars(bytes, run, self.opts.min_length.max(4))
                            .into_iter()
                            .map(|r| (r, Alphabet::Standard)),
                    );
                }
            }
            for (piece, alpha) in pieces {
                let Some(run_text) = text.get(piece.start..piece.padded_end) else {
                    continue;
                };
                let tag = if let Some(tag) = seen.get(run_text) {
                    // A repeated run re-appends its cached tag: those bytes are produced again, so they are charged
                    // again (otherwise nested repeats multiply the output without bound).
                    if self.budget.take(tag.len()) {
                        Some(tag.clone())
                    } else {
                        self.note_budget();
                        None
                    }
                } else if alpha == Alphabet::UrlSafe {
                    None // tried above and not decoded
                } else {
                    let level = self.per_level.get(depth).copied().unwrap_or(0);
                    if level >= self.opts.max_fragments_per_level {
                        self.note_once(
                            format!("level{depth}"),
                            format!(
                                "limit max_fragments_per_level: more than {} base64 fragments at depth {depth}; \
                                 the rest were left encoded",
                                self.opts.max_fragments_per_level
                            ),
                        );
                        None
                    } else {
                        let t = self.candidate(run_text, Alphabet::Standard, depth, prefix, index + 1);
                        if let Some(t) = &t {
                            index += 1;
                            seen.insert(run_text, t.clone());
                        }
                        t
                    }
                };
                if let Some(tag) = tag {
                    let o = out.get_or_insert_with(|| String::with_capacity(text.len() + tag.len()));
                    o.push_str(text.get(last..piece.start).unwrap_or_default());
                    o.push_str(&tag);
                    last = piece.padded_end;
                }
            }
        }
        let mut o = out?;
        o.push_str(text.get(last..).unwrap_or_default());
        Some(o)
    }

    /// Decodes one candidate run; the tag that replaces it, or `None` if it is not base64 worth reporting.
    fn candidate(&mut self, run_text: &str, alpha: Alphabet, depth: usize, prefix: &str, n: usize) -> Option<String> {
        if is_hexish(run_text.as_bytes()) {
            return None;
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        alphabet_only(run_text.as_bytes(), &mut scratch);
        let decoded = if scratch.len() % 4 == 1 {
            None
        } else {
            let estimate = scratch.len() / 4 * 3 + 2;
            if !self.budget.take(estimate) {
                self.note_budget();
                None
            } else {
                let r = match alpha {
                    Alphabet::Standard => STANDARD.decode(&scratch),
                    Alphabet::UrlSafe => URL_SAFE.decode(&scratch),
                };
                let got = r.as_ref().map_or(0, Vec::len);
                self.budget.remaining += estimate.saturating_sub(got);
                r.ok()
            }
        };
        self.scratch = scratch;
        let bytes = decoded.filter(|b| !b.is_empty())?;

        let index = format!("{prefix}{n}");
        let original: Arc<str> = Arc::from(run_text);
        let kind = sniff(&bytes);
        if let Some(t) = kind.filter(|t| t.is_archive()) {
            let mut notes = Vec::new();
            let mut up = Unpacker {
                budget: &mut self.budget,
                members_left: self.members_left,
                members_exhausted: false,
                notes: &mut notes,
            };
            let res = up.unpack(t, &bytes, self.max_depth.saturating_sub(depth));
            self.members_left = up.members_left;
            let limited = up.members_exhausted || up.budget.exhausted;
            let limit_notes = notes.iter().any(|n| n.starts_with("limit "));
            self.notes.extend(notes);
            if limited || limit_notes {
                self.truncated = true;
            }
            match res {
                Ok(members) if !members.is_empty() => {
                    self.count_level(depth);
                    return Some(self.archive_tag(members, &original, &index, depth));
                }
                Ok(_) => self
                    .notes
                    .push(format!("{} archive at {index} holds no files", t.name())),
                Err(e) => self
                    .notes
                    .push(format!("could not unpack the {} archive at {index}: {e}", t.name())),
            }
        }
        if kind.is_none() {
            if let Some((text, enc)) = as_text(&bytes, self.opts.utf16_detect) {
                self.count_level(depth);
                self.push_fragment(
                    &original,
                    &index,
                    depth,
                    "unknown".into(),
                    None,
                    bytes,
                    Some(text.clone()),
                    enc,
                    false,
                );
                let inner = self.text(&text, depth + 1, &format!("{index}."));
                return Some(text_tag(
                    "[None]",
                    &index,
                    depth,
                    inner.as_deref().unwrap_or(&text),
                    false,
                ));
            }
            if alpha == Alphabet::UrlSafe || !looks_random(run_text.as_bytes()) {
                // Not reported: its bytes are dropped, so they do not count against the budget.
                self.budget.remaining = self.budget.remaining.saturating_add(bytes.len());
                return None;
            }
        }
        self.count_level(depth);
        let ft = kind.map(FileType::name);
        let shown = printable_bytes(&bytes, self.opts.max_display_bytes);
        let name = format!("[{}]", ft.unwrap_or("None"));
        let tag = binary_tag(&name, ft.unwrap_or("None"), &index, depth, &shown, false);
        self.push_fragment(
            &original,
            &index,
            depth,
            "unknown".into(),
            ft.map(str::to_string),
            bytes,
            None,
            Encoding::Binary,
            false,
        );
        Some(tag)
    }

    fn count_level(&mut self, depth: usize) {
        if self.per_level.len() <= depth {
            self.per_level.resize(depth + 1, 0);
        }
        if let Some(c) = self.per_level.get_mut(depth) {
            *c += 1;
        }
    }

    /// The tag of an unpacked archive: one member's own tag, or a `multiple` tag holding each member's.
    fn archive_tag(&mut self, members: Vec<Member>, original: &Arc<str>, index: &str, depth: usize) -> String {
        let mut members = members;
        if members.len() == 1 {
            if let Some(m) = members.pop() {
                return self.member_tag(m, original, index, depth);
            }
        }
        let mut s = format!("<decoded value='multiple binary' type='multiple' index='{index}' depth='{depth}'>");
        for (j, m) in members.into_iter().enumerate() {
            let child = format!("{index}.{}", j + 1);
            s.push_str(&self.member_tag(m, original, &child, depth + 1));
        }
        s.push_str("</decoded>");
        s
    }

    fn member_tag(&mut self, m: Member, original: &Arc<str>, index: &str, depth: usize) -> String {
        // the member's path is the archive author's text: escaped, so it cannot close the tag or add attributes
        let name = crate::frame::html::escape_html(&format!("[{}] Filename: {}", m.chain, m.path));
        let own = sniff(&m.data).filter(|t| !t.is_archive()).map(FileType::name);
        let file_type = own.unwrap_or(m.chain.as_str()).to_string();
        if own.is_none() {
            if let Some((text, enc)) = as_text(&m.data, self.opts.utf16_detect) {
                self.push_fragment(
                    original,
                    index,
                    depth,
                    m.path.clone(),
                    Some(file_type),
                    m.data,
                    Some(text.clone()),
                    enc,
                    m.truncated,
                );
                let inner = self.text(&text, depth + 1, &format!("{index}."));
                return text_tag(&name, index, depth, inner.as_deref().unwrap_or(&text), m.truncated);
            }
        }
        let shown = printable_bytes(&m.data, self.opts.max_display_bytes);
        let tag = binary_tag(&name, &file_type, index, depth, &shown, m.truncated);
        self.push_fragment(
            original,
            index,
            depth,
            m.path,
            Some(file_type),
            m.data,
            None,
            Encoding::Binary,
            m.truncated,
        );
        tag
    }

    #[allow(clippy::too_many_arguments)]
    fn push_fragment(
        &mut self,
        original: &Arc<str>,
        index: &str,
        depth: usize,
        file_name: String,
        file_type: Option<String>,
        bytes: Vec<u8>,
        decoded_string: Option<String>,
        encoding: Encoding,
        truncated: bool,
    ) {
        let (md5, sha1, sha256) = if truncated {
            (None, None, None)
        } else {
            let (a, b, c) = hashes(&bytes);
            (Some(a), Some(b), Some(c))
        };
        if truncated {
            self.truncated = true;
        }
        self.fragments.push(Fragment {
            reference: index.to_string(),
            depth,
            original_string: original.clone(),
            file_name,
            file_type,
            printable_bytes: printable_bytes(&bytes, self.opts.max_display_bytes),
            input_bytes: bytes,
            decoded_string,
            encoding_type: encoding,
            md5,
            sha1,
            sha256,
            truncated,
        });
    }
}

fn limit_attr(truncated: bool) -> &'static str {
    if truncated {
        " truncated='max_total_bytes'"
    } else {
        ""
    }
}

fn text_tag(name: &str, index: &str, depth: usize, body: &str, truncated: bool) -> String {
    format!(
        "<decoded type='string' name='{name}' index='{index}' depth='{depth}'{}>{body}</decoded>",
        limit_attr(truncated)
    )
}

fn binary_tag(name: &str, file_type: &str, index: &str, depth: usize, shown: &str, truncated: bool) -> String {
    format!(
        "<decoded value='binary'  name='{name}' type='{file_type}' index='{index}' depth='{depth}'{}>{shown}</decoded>",
        limit_attr(truncated)
    )
}
