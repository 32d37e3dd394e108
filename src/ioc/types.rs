//! The indicator types ([`IocType`], msticpy's `IoCType` names) and the classifier [`classify`]: what is this
//! one string?

use std::fmt;
use std::str::FromStr;

use super::{matchers, refang};

/// An indicator type, named as msticpy's `IoCType` (`ipv4`, `dns`, `md5_hash` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IocType {
    Ipv4,
    Ipv6,
    Dns,
    Url,
    Email,
    WindowsPath,
    LinuxPath,
    Md5Hash,
    Sha1Hash,
    Sha256Hash,
    /// A host name (msticpy's `hostname`: used by threat-intelligence providers; never found by extraction).
    Hostname,
    /// Not a known type (msticpy's `unknown`).
    Unknown,
}

impl IocType {
    /// Every type.
    pub const ALL: [IocType; 12] = [
        IocType::Ipv4,
        IocType::Ipv6,
        IocType::Dns,
        IocType::Url,
        IocType::Email,
        IocType::WindowsPath,
        IocType::LinuxPath,
        IocType::Md5Hash,
        IocType::Sha1Hash,
        IocType::Sha256Hash,
        IocType::Hostname,
        IocType::Unknown,
    ];

    /// The types the extractor finds, in msticpy's order (ties of priority go to the earlier one): all but
    /// `hostname` and `unknown`.
    pub const EXTRACTED: &'static [IocType] = IocType::ALL.split_at(10).0;

    /// msticpy's name: `ipv4`, `ipv6`, `dns`, `url`, `email`, `windows_path`, `linux_path`, `md5_hash`,
    /// `sha1_hash`, `sha256_hash`, `hostname`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            IocType::Ipv4 => "ipv4",
            IocType::Ipv6 => "ipv6",
            IocType::Dns => "dns",
            IocType::Url => "url",
            IocType::Email => "email",
            IocType::WindowsPath => "windows_path",
            IocType::LinuxPath => "linux_path",
            IocType::Md5Hash => "md5_hash",
            IocType::Sha1Hash => "sha1_hash",
            IocType::Sha256Hash => "sha256_hash",
            IocType::Hostname => "hostname",
            IocType::Unknown => "unknown",
        }
    }

    /// When one string matches several types the lowest wins (msticpy's priorities: addresses and URLs 0, emails
    /// and hashes 1, domains 2, Windows paths 3, Linux paths 4).
    pub fn priority(self) -> u32 {
        match self {
            IocType::Ipv4 | IocType::Ipv6 | IocType::Url => 0,
            IocType::Email | IocType::Md5Hash | IocType::Sha1Hash | IocType::Sha256Hash => 1,
            IocType::Dns => 2,
            IocType::WindowsPath => 3,
            IocType::LinuxPath => 4,
            IocType::Hostname | IocType::Unknown => u32::MAX,
        }
    }

    /// The hex length of a hash type.
    pub(crate) fn hash_len(self) -> Option<usize> {
        match self {
            IocType::Md5Hash => Some(32),
            IocType::Sha1Hash => Some(40),
            IocType::Sha256Hash => Some(64),
            _ => None,
        }
    }

    /// Whether the text is one whole indicator of this type (already refanged).
    fn matches_whole(self, t: &str) -> bool {
        let mut spans = Vec::new();
        match self {
            IocType::Ipv4 => matchers::ipv4(t.as_bytes(), &mut spans),
            IocType::Ipv6 => matchers::ipv6(t.as_bytes(), &mut spans),
            IocType::Dns => matchers::dns(t, false, &mut spans),
            IocType::Url => matchers::url(t, &mut spans),
            IocType::Email => matchers::email(t, false, &mut spans),
            IocType::WindowsPath => matchers::windows_path(t, &mut spans),
            IocType::LinuxPath => matchers::linux_path(t, &mut spans),
            IocType::Md5Hash | IocType::Sha1Hash | IocType::Sha256Hash => {
                matchers::hash_runs(t.as_bytes(), &mut spans)
            }
            IocType::Hostname | IocType::Unknown => {}
        }
        spans.contains(&(0, t.len())) && self.hash_len().is_none_or(|n| t.len() == n)
    }
}

impl fmt::Display for IocType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IocType {
    type Err = String;

    /// msticpy's name in any case; `md5`, `sha1` and `sha256` are read as the hash types.
    fn from_str(s: &str) -> Result<IocType, String> {
        let lower = s.trim().to_ascii_lowercase();
        let name = match lower.as_str() {
            "md5" => "md5_hash",
            "sha1" => "sha1_hash",
            "sha256" => "sha256_hash",
            other => other,
        };
        IocType::ALL
            .into_iter()
            .find(|t| t.as_str() == name)
            .ok_or_else(|| {
                let names: Vec<String> = IocType::ALL
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect();
                format!(
                    "unknown IoC type '{s}'{}. Types are: {}",
                    crate::error::DidYouMean(crate::error::closest(s, &names)),
                    names.join(", ")
                )
            })
    }
}

/// What `s` is, when the whole of it (surrounding spaces aside) is one indicator: `"10.0.0.1"` → `ipv4`,
/// `"evil[.]com"` → `dns` (defanged forms are refanged first), `"hxxps://a.com/x"` → `url`, a 64-digit hex string →
/// `sha256_hash`. The extractor's checks apply (IPv4 octets 0–255, domains ending in a public suffix, …), and a
/// string that is several types is the one of best priority (`http://a.com` is a `url`, not a `dns`). `None` when
/// it is no indicator or more than one (`1.2.3.4.5`, `xyz.ps1`, `a.com b.com`).
pub fn classify(s: &str) -> Option<IocType> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let rf = refang::refang(s);
    // by priority; ties keep msticpy's order
    (0..=IocType::LinuxPath.priority())
        .flat_map(|p| IocType::EXTRACTED.iter().filter(move |t| t.priority() == p))
        .find(|t| t.matches_whole(&rf.text))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in IocType::ALL {
            assert_eq!(t.as_str().parse::<IocType>(), Ok(t));
            assert_eq!(t.to_string(), t.as_str());
        }
        assert_eq!("SHA256".parse::<IocType>(), Ok(IocType::Sha256Hash));
        assert_eq!("Windows_Path".parse::<IocType>(), Ok(IocType::WindowsPath));
        let e = "ipv5".parse::<IocType>().unwrap_err();
        assert!(
            e.starts_with("unknown IoC type 'ipv5' (did you mean 'ipv4'?)"),
            "{e}"
        );
    }

    #[test]
    fn classifies_real_values() {
        let cases: &[(&str, Option<IocType>)] = &[
            ("24.16.133.227", Some(IocType::Ipv4)),
            (" 10.0.0.1 ", Some(IocType::Ipv4)),
            ("85[.]214[.]149[.]236", Some(IocType::Ipv4)),
            ("2001:4860:4860::8888", Some(IocType::Ipv6)),
            ("fe80::1", Some(IocType::Ipv6)),
            ("www.microsoft.com", Some(IocType::Dns)),
            ("evil[.]com", Some(IocType::Dns)),
            ("evil(dot)co.uk", Some(IocType::Dns)),
            ("evil.notatld", None), // no public suffix
            (
                "http://85.214.149.236:443/sugarcrm/themes/default/images/",
                Some(IocType::Url),
            ),
            ("hxxps://evil[.]com/payload.exe", Some(IocType::Url)),
            ("bob@contoso.com", Some(IocType::Email)),
            ("bob[at]contoso[.]com", Some(IocType::Email)),
            ("d41d8cd98f00b204e9800998ecf8427e", Some(IocType::Md5Hash)),
            (
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                Some(IocType::Sha1Hash),
            ),
            (
                "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                Some(IocType::Sha256Hash),
            ),
            (r"C:\Windows\System32\cmd.exe", Some(IocType::WindowsPath)),
            ("/usr/bin/curl", Some(IocType::LinuxPath)),
            // near misses
            ("1.2.3.4.5", None),
            ("10.0.0.256", None),
            ("v1.2.3.4", None),
            ("xyz.ps1", None),
            ("12:34:56", None),
            ("d41d8cd98f00b204e9800998ecf8427", None), // 31 hex digits
            ("d41d8cd98f00b204e9800998ecf8427e0", None), // 33
            ("http://", None),
            ("evil.com and more.com", None),
            ("10.0.0.1 10.0.0.2", None),
            ("", None),
            ("   ", None),
            ("server01", None),
        ];
        for (s, want) in cases {
            assert_eq!(classify(s), *want, "{s:?}");
        }
    }
}
