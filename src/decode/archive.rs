//! Unpacking zip (every member, stored or deflated), gzip, tar and bzip2, nested in any order, within a byte
//! budget and a member count.
//!
//! Every byte read out of an archive is charged to one [`Budget`] shared by the whole call, so a zip bomb stops
//! at the budget (its member comes back cut, marked `truncated`) instead of filling memory. Declared sizes in
//! headers are never trusted for allocation.

use std::io::{Cursor, Read};

use super::content::{sniff, FileType};

/// Bytes that may still be produced (decoded or decompressed) in this call.
#[derive(Debug)]
pub(crate) struct Budget {
    pub remaining: usize,
    /// Set once anything was cut or skipped because the budget ran out.
    pub exhausted: bool,
}

impl Budget {
    pub fn new(total: usize) -> Budget {
        Budget {
            remaining: total,
            exhausted: false,
        }
    }

    /// Reserves `n` bytes; false (and `exhausted`) if there are not that many left.
    pub fn take(&mut self, n: usize) -> bool {
        if n > self.remaining {
            self.exhausted = true;
            return false;
        }
        self.remaining -= n;
        true
    }

    /// Reads `r` to its end or to the budget, whichever comes first. Returns the bytes, whether they were cut, and
    /// the read error if one stopped it early (the bytes read before it are kept).
    pub fn read<R: Read>(&mut self, mut r: R) -> (Vec<u8>, bool, Option<String>) {
        let mut out = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let want = chunk.len().min(self.remaining.saturating_add(1));
            let Some(buf) = chunk.get_mut(..want) else { break };
            match r.read(buf) {
                Ok(0) => return (out, false, None),
                Ok(n) => {
                    let n = n.min(want);
                    if n > self.remaining {
                        out.extend_from_slice(buf.get(..self.remaining).unwrap_or_default());
                        self.remaining = 0;
                        self.exhausted = true;
                        return (out, true, None);
                    }
                    self.remaining -= n;
                    out.extend_from_slice(buf.get(..n).unwrap_or_default());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return (out, false, Some(e.to_string())),
            }
        }
        (out, false, None)
    }
}

/// One file out of an archive.
#[derive(Debug)]
pub(crate) struct Member {
    /// Its path inside the outermost archive, nested archives joined with `/` (`payload.tar/docs/a.txt`).
    pub path: String,
    /// The archives it came out of, outermost first, joined with `/` (`gz/tar`).
    pub chain: String,
    pub data: Vec<u8>,
    /// Cut at the byte budget.
    pub truncated: bool,
}

/// State shared by one call's archive unpacking.
pub(crate) struct Unpacker<'a> {
    pub budget: &'a mut Budget,
    /// How many more members may be read.
    pub members_left: usize,
    /// Set when the member limit stopped a listing.
    pub members_exhausted: bool,
    pub notes: &'a mut Vec<String>,
}

impl Unpacker<'_> {
    /// The members of archive `data` of type `kind`, nested archives expanded while `depth_left` allows. An error
    /// when the archive cannot be opened at all.
    pub fn unpack(&mut self, kind: FileType, data: &[u8], depth_left: usize) -> Result<Vec<Member>, String> {
        let direct = match kind {
            FileType::Zip => self.zip(data)?,
            FileType::Gzip => {
                let mut d = flate2::read::MultiGzDecoder::new(Cursor::new(data));
                let (bytes, truncated, err) = self.read_member(&mut d);
                let name = d
                    .header()
                    .and_then(|h| h.filename())
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .unwrap_or_else(|| "gzip_file".to_string());
                self.single(name, "gz", bytes, truncated, err)?
            }
            FileType::Bzip2 => {
                let mut d = bzip2::read::MultiBzDecoder::new(Cursor::new(data));
                let (bytes, truncated, err) = self.read_member(&mut d);
                self.single("bzip2_file".to_string(), "bz2", bytes, truncated, err)?
            }
            FileType::Tar => self.tar(data)?,
            _ => return Err(format!("{} is not an archive huntbook unpacks", kind.name())),
        };
        let mut out = Vec::with_capacity(direct.len());
        for m in direct {
            let inner = sniff(&m.data).filter(|t| t.is_archive() && !m.truncated);
            match inner {
                Some(t) if depth_left > 0 => match self.unpack(t, &m.data, depth_left - 1) {
                    Ok(children) if !children.is_empty() => {
                        for c in children {
                            out.push(Member {
                                path: format!("{}/{}", m.path, c.path),
                                chain: format!("{}/{}", m.chain, c.chain),
                                data: c.data,
                                truncated: c.truncated,
                            });
                        }
                    }
                    Ok(_) => out.push(m),
                    Err(e) => {
                        self.notes
                            .push(format!("could not unpack {} member '{}': {e}", t.name(), m.path));
                        out.push(m);
                    }
                },
                Some(t) => {
                    self.notes.push(format!(
                        "limit max_depth: {} member '{}' was not unpacked",
                        t.name(),
                        m.path
                    ));
                    out.push(m);
                }
                None => out.push(m),
            }
        }
        Ok(out)
    }

    fn read_member<R: Read>(&mut self, r: R) -> (Vec<u8>, bool, Option<String>) {
        if self.members_left == 0 {
            self.members_exhausted = true;
            return (Vec::new(), false, Some("limit max_members reached".to_string()));
        }
        self.members_left -= 1;
        self.budget.read(r)
    }

    fn single(
        &mut self,
        name: String,
        chain: &str,
        bytes: Vec<u8>,
        truncated: bool,
        err: Option<String>,
    ) -> Result<Vec<Member>, String> {
        if let Some(e) = err {
            if bytes.is_empty() {
                return Err(e);
            }
            self.notes.push(format!(
                "{chain} stream '{name}' is damaged after {} bytes: {e}",
                bytes.len()
            ));
        }
        if truncated {
            self.notes
                .push(format!("limit max_total_bytes: {chain} stream '{name}' was cut"));
        }
        Ok(vec![Member {
            path: name,
            chain: chain.to_string(),
            data: bytes,
            truncated,
        }])
    }

    fn zip(&mut self, data: &[u8]) -> Result<Vec<Member>, String> {
        let mut archive = zip::ZipArchive::new(Cursor::new(data)).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for i in 0..archive.len() {
            if self.members_left == 0 {
                self.members_exhausted = true;
                self.notes.push(format!(
                    "limit max_members: {} of {} zip members were not read",
                    archive.len() - i,
                    archive.len()
                ));
                break;
            }
            if self.budget.remaining == 0 {
                self.budget.exhausted = true;
                self.notes.push(format!(
                    "limit max_total_bytes: {} of {} zip members were not read",
                    archive.len() - i,
                    archive.len()
                ));
                break;
            }
            let mut file = match archive.by_index(i) {
                Ok(f) => f,
                Err(e) => {
                    self.notes.push(format!("zip member {}: {e}", i + 1));
                    continue;
                }
            };
            if file.is_dir() {
                continue;
            }
            let name = match file.name() {
                Ok(n) => n.into_owned(),
                Err(_) => String::from_utf8_lossy(file.name_raw()).into_owned(),
            };
            self.members_left -= 1;
            let (bytes, truncated, err) = self.budget.read(&mut file);
            if let Some(e) = err {
                self.notes.push(format!("zip member '{name}': {e}"));
            }
            out.push(Member {
                path: name,
                chain: "zip".to_string(),
                data: bytes,
                truncated,
            });
            if truncated {
                self.notes.push(format!(
                    "limit max_total_bytes: zip member '{}' was cut",
                    out.last().map_or("", |m| m.path.as_str())
                ));
            }
        }
        Ok(out)
    }

    fn tar(&mut self, data: &[u8]) -> Result<Vec<Member>, String> {
        let mut archive = tar::Archive::new(Cursor::new(data));
        let entries = archive.entries().map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for entry in entries {
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    if out.is_empty() {
                        return Err(e.to_string());
                    }
                    self.notes
                        .push(format!("tar archive is damaged after {} members: {e}", out.len()));
                    break;
                }
            };
            if !entry.header().entry_type().is_file() {
                continue;
            }
            if self.members_left == 0 {
                self.members_exhausted = true;
                self.notes
                    .push("limit max_members: the rest of a tar archive was not read".to_string());
                break;
            }
            self.members_left -= 1;
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let (bytes, truncated, err) = self.budget.read(&mut entry);
            if let Some(e) = err {
                self.notes.push(format!("tar member '{name}': {e}"));
            }
            if truncated {
                self.notes
                    .push(format!("limit max_total_bytes: tar member '{name}' was cut"));
            }
            out.push(Member {
                path: name,
                chain: "tar".to_string(),
                data: bytes,
                truncated,
            });
            if truncated {
                break;
            }
        }
        Ok(out)
    }
}
