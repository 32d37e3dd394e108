//! Entities (Account, Host, IpAddress, Dns, Url, File, Process, Alert, GeoLocation, …): the things a hunt is about,
//! as msticpy's `datamodel.entities` names them.
//!
//! [`EntityKind`] is the shared vocabulary of [`crate::entity`] and [`crate::pivot`]: the entity names as msticpy
//! writes them, the `Type` strings Microsoft Sentinel puts in a SecurityAlert's `Entities` JSON, and each kind's
//! attributes (the properties a pivot function reads its input from).
//!
//! [`Entity`] is one entity: its kind and a bag of properties (a JSON object, nested entities as objects with a
//! `Type`), built
//!
//! - from text with [`Entity::parse`]: `IpAddress` "1.2.3.4" (checked with [`crate::ioc::ip`]); `Account`
//!   "CONTOSO\\jdoe" (NTDomain + Name), "jdoe@contoso.com" (Name + UPNSuffix), a SID "S-1-5-…" (Sid) or a GUID
//!   (AadUserId), else a Name; `Host` "wks-fin-07.contoso.com" (HostName + DnsDomain) or a bare name; `Dns`
//!   (DomainName); `Url` (Url + Scheme, Host, Port, Path, Query, Fragment from
//!   [`crate::enrich::components::url_components`]); `File` from a Windows or Linux path (FullPath, Directory, Name) or
//!   an MD5/SHA1/SHA256 hash (checked with [`crate::ioc::classify`]); `Process` from a command line (CommandLine, and
//!   ImageFile from its first token); others from their key attribute. Text starting with `{` is read as an object.
//!   `GeoLocation`, `MailMessage`, `NetworkConnection` come from objects only.
//! - from an object with [`Entity::from_object`]: names matched case-insensitively to [`EntityKind::attributes`],
//!   Sentinel column names through the alias table ([`ALIASES`], e.g. `UserPrincipalName` → Account), other names
//!   kept as they are;
//! - from a table row with [`Entity::from_row`]: the columns named like an attribute or an alias;
//! - from a SecurityAlert's `Entities` JSON with [`alert_entities`] (`$id`/`$ref` resolved, bounded), and a whole alert
//!   row with [`alert_from_row`] / [`alert_from_object`].
//!
//! [`Entity::attr`] reads an attribute, derived ones included: Host `fqdn` (HostName.DnsDomain), Account
//! `QualifiedName` (NTDomain\\Name, Name@UPNSuffix, Host\\Name or Name), File `file_hash` (Sha256, Sha1, Md5,
//! Sha256Ac, then `FileHashes`), File `FullPath` (Directory + Name when not given), Process `ProcessFilePath` and
//! `ProcessName` (from its ImageFile). [`Entity::to_text`] and [`Entity::to_html`] show an entity as msticpy's
//! `__str__`/`_repr_html_` do: its type, then its non-empty properties, nested entities indented (HTML escaped).
//!
//! [`detect_columns`] says which columns of a table hold which entity: by name (the alias table) and by the values
//! of a bounded sample (IP addresses, URLs, domains, hashes, e-mail-like account names, checked with
//! [`crate::ioc::classify`]).
//!
//! Types in alert JSON that huntbook does not model (`iotdevice`, `blob`, …) are kept as [`EntityKind::Unknown`]
//! entities whose type name is the JSON's `Type`, so nothing in an alert is dropped.

mod alert;
mod aliases;
mod detect;
mod display;
mod model;
mod parse;

pub use alert::{alert_entities, alert_entities_value, alert_from_object, alert_from_row, AlertLimits};
pub use aliases::{Alias, ALIASES};
pub use detect::{detect_columns, ColumnEntity};
pub use model::Entity;

use std::fmt;

use crate::error::{Error, Result};

/// The kinds of entity huntbook knows. `name()` is msticpy's class name; `sentinel_type()` the `Type` string of
/// Sentinel's alert entity JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Account,
    Host,
    IpAddress,
    Dns,
    Url,
    File,
    FileHash,
    Process,
    Alert,
    GeoLocation,
    HostLogonSession,
    Mailbox,
    MailMessage,
    CloudApplication,
    AzureResource,
    RegistryKey,
    RegistryValue,
    Malware,
    NetworkConnection,
    SecurityGroup,
    /// An alert entity of a `Type` huntbook does not model (kept, not dropped; its type name travels with the
    /// [`Entity`]). Not in [`EntityKind::ALL`].
    Unknown,
}

impl EntityKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [EntityKind; 20] = [
        EntityKind::Account,
        EntityKind::Host,
        EntityKind::IpAddress,
        EntityKind::Dns,
        EntityKind::Url,
        EntityKind::File,
        EntityKind::FileHash,
        EntityKind::Process,
        EntityKind::Alert,
        EntityKind::GeoLocation,
        EntityKind::HostLogonSession,
        EntityKind::Mailbox,
        EntityKind::MailMessage,
        EntityKind::CloudApplication,
        EntityKind::AzureResource,
        EntityKind::RegistryKey,
        EntityKind::RegistryValue,
        EntityKind::Malware,
        EntityKind::NetworkConnection,
        EntityKind::SecurityGroup,
    ];

    /// msticpy's class name ("IpAddress").
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Account => "Account",
            EntityKind::Host => "Host",
            EntityKind::IpAddress => "IpAddress",
            EntityKind::Dns => "Dns",
            EntityKind::Url => "Url",
            EntityKind::File => "File",
            EntityKind::FileHash => "FileHash",
            EntityKind::Process => "Process",
            EntityKind::Alert => "Alert",
            EntityKind::GeoLocation => "GeoLocation",
            EntityKind::HostLogonSession => "HostLogonSession",
            EntityKind::Mailbox => "Mailbox",
            EntityKind::MailMessage => "MailMessage",
            EntityKind::CloudApplication => "CloudApplication",
            EntityKind::AzureResource => "AzureResource",
            EntityKind::RegistryKey => "RegistryKey",
            EntityKind::RegistryValue => "RegistryValue",
            EntityKind::Malware => "Malware",
            EntityKind::NetworkConnection => "NetworkConnection",
            EntityKind::SecurityGroup => "SecurityGroup",
            EntityKind::Unknown => "Unknown",
        }
    }

    /// The `Type` string Sentinel writes in alert entity JSON ("ip", "mailMessage", "cloud-application").
    pub fn sentinel_type(self) -> &'static str {
        match self {
            EntityKind::Account => "account",
            EntityKind::Host => "host",
            EntityKind::IpAddress => "ip",
            EntityKind::Dns => "dns",
            EntityKind::Url => "url",
            EntityKind::File => "file",
            EntityKind::FileHash => "filehash",
            EntityKind::Process => "process",
            EntityKind::Alert => "alert",
            EntityKind::GeoLocation => "location",
            EntityKind::HostLogonSession => "host-logon-session",
            EntityKind::Mailbox => "mailbox",
            EntityKind::MailMessage => "mailMessage",
            EntityKind::CloudApplication => "cloud-application",
            EntityKind::AzureResource => "azure-resource",
            EntityKind::RegistryKey => "registry-key",
            EntityKind::RegistryValue => "registry-value",
            EntityKind::Malware => "malware",
            EntityKind::NetworkConnection => "network-connection",
            EntityKind::SecurityGroup => "security-group",
            EntityKind::Unknown => "unknown",
        }
    }

    /// The kind named by msticpy's class name or Sentinel's `Type` string, case-insensitively ("ipaddress", "ip",
    /// "IpAddress", "cloud-application"); `None` for a name huntbook does not model.
    pub fn from_name(name: &str) -> Option<EntityKind> {
        let folded: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        // msticpy's other names of a kind (`alerts` is the Type of alerts inside an incident's entities)
        match folded.as_str() {
            "alerts" | "securityalert" => return Some(EntityKind::Alert),
            "ipaddr" | "ipv4" | "ipv6" => return Some(EntityKind::IpAddress),
            "dnsresolve" | "domain" => return Some(EntityKind::Dns),
            "processes" => return Some(EntityKind::Process),
            _ => {}
        }
        EntityKind::ALL.into_iter().find(|k| {
            let n = k.name().to_ascii_lowercase();
            let t: String = k.sentinel_type().chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
            folded == n || folded == t
        })
    }

    /// The attributes of this kind, as msticpy names them (derived ones such as Host `fqdn` and Account
    /// `QualifiedName` included). Pivot functions read their input value from one of these.
    pub fn attributes(self) -> &'static [&'static str] {
        match self {
            EntityKind::Account => &["Name", "NTDomain", "UPNSuffix", "Sid", "AadTenantId", "AadUserId", "PUID", "IsDomainJoined", "DisplayName", "ObjectGuid", "LogonId", "Host", "QualifiedName"],
            EntityKind::Host => &["HostName", "DnsDomain", "NTDomain", "NetBiosName", "AzureID", "OMSAgentID", "OSFamily", "OSVersion", "IsDomainJoined", "fqdn"],
            EntityKind::IpAddress => &["Address", "Location", "ThreatIntelligence"],
            EntityKind::Dns => &["DomainName", "IpAddresses", "DnsServerIp", "HostIpAddress"],
            EntityKind::Url => &["Url", "Scheme", "Host", "Port", "Path", "Query", "Fragment"],
            EntityKind::File => &["FullPath", "Directory", "Name", "Md5", "Sha1", "Sha256", "Sha256Ac", "FileHashes", "file_hash"],
            EntityKind::FileHash => &["Algorithm", "Value"],
            EntityKind::Process => &["ProcessId", "CommandLine", "ElevationToken", "CreationTimeUtc", "ImageFile", "Account", "ParentProcess", "Host", "LogonSession", "ProcessName", "ProcessFilePath"],
            EntityKind::Alert => &["DisplayName", "CompromisedEntity", "Count", "StartTimeUtc", "EndTimeUtc", "Severity", "SystemAlertIds", "AlertType", "VendorName", "ProviderName", "Entities"],
            EntityKind::GeoLocation => &["CountryCode", "CountryOrRegionName", "State", "City", "Longitude", "Latitude", "Asn"],
            EntityKind::HostLogonSession => &["Account", "StartTimeUtc", "EndTimeUtc", "Host", "SessionId"],
            EntityKind::Mailbox => &["MailboxPrimaryAddress", "DisplayName", "Upn", "ExternalDirectoryObjectId", "RiskLevel"],
            EntityKind::MailMessage => &["Recipient", "Sender", "P1Sender", "P2Sender", "SenderIP", "Subject", "NetworkMessageId", "InternetMessageId", "Urls", "Files"],
            EntityKind::CloudApplication => &["Name", "AppId", "InstanceName"],
            EntityKind::AzureResource => &["ResourceId", "SubscriptionId", "ResourceIdParts"],
            EntityKind::RegistryKey => &["Hive", "Key"],
            EntityKind::RegistryValue => &["Key", "Name", "Value", "ValueType"],
            EntityKind::Malware => &["Name", "Category", "File", "Files", "Processes"],
            EntityKind::NetworkConnection => &["SourceAddress", "SourcePort", "DestinationAddress", "DestinationPort", "Protocol"],
            EntityKind::SecurityGroup => &["DistinguishedName", "SID", "ObjectGuid"],
            EntityKind::Unknown => &[],
        }
    }

    /// The attributes of [`EntityKind::attributes`] that are computed from others (`fqdn`, `QualifiedName`,
    /// `file_hash`, `ProcessName`, `ProcessFilePath`), not stored.
    pub fn derived_attributes(self) -> &'static [&'static str] {
        match self {
            EntityKind::Account => &["QualifiedName"],
            EntityKind::Host => &["fqdn"],
            EntityKind::File => &["file_hash"],
            EntityKind::Process => &["ProcessName", "ProcessFilePath"],
            _ => &[],
        }
    }

    /// The kind an attribute holding an entity has (Process `ImageFile` → File, Account `Host` → Host, Dns
    /// `IpAddresses` → a list of IpAddress), `None` for attributes holding plain values.
    pub fn entity_attribute(self, attribute: &str) -> Option<EntityKind> {
        use EntityKind as K;
        Some(match (self, attribute) {
            (K::Account, "Host") | (K::Process, "Host") | (K::HostLogonSession, "Host") => K::Host,
            (K::Process, "Account") | (K::HostLogonSession, "Account") => K::Account,
            (K::Process, "ImageFile") | (K::Malware, "File") | (K::Malware, "Files") | (K::MailMessage, "Files") => K::File,
            (K::Process, "ParentProcess") | (K::Malware, "Processes") => K::Process,
            (K::Process, "LogonSession") => K::HostLogonSession,
            (K::IpAddress, "Location") => K::GeoLocation,
            (K::Dns, "IpAddresses") | (K::Dns, "DnsServerIp") | (K::Dns, "HostIpAddress") => K::IpAddress,
            (K::MailMessage, "Urls") => K::Url,
            (K::File, "FileHashes") => K::FileHash,
            (K::NetworkConnection, "SourceAddress") | (K::NetworkConnection, "DestinationAddress") => K::IpAddress,
            _ => return None,
        })
    }

    /// The attribute that names an entity of this kind in lists and is the default input of a pivot: Account
    /// `QualifiedName`, Host `fqdn`, IpAddress `Address`, Dns `DomainName`, Url `Url`, File `FullPath`, Process
    /// `CommandLine`, … ([`Entity::key`] tries these in order).
    pub fn key_attributes(self) -> &'static [&'static str] {
        use EntityKind as K;
        match self {
            K::Account => &["QualifiedName", "AadUserId", "Sid", "DisplayName"],
            K::Host => &["fqdn", "NetBiosName", "AzureID"],
            K::IpAddress => &["Address"],
            K::Dns => &["DomainName"],
            K::Url => &["Url"],
            K::File => &["FullPath", "Name", "file_hash"],
            K::FileHash => &["Value"],
            K::Process => &["CommandLine", "ProcessFilePath", "ProcessId"],
            K::Alert => &["DisplayName", "AlertType", "SystemAlertIds"],
            K::GeoLocation => &["City", "CountryOrRegionName", "CountryCode"],
            K::HostLogonSession => &["SessionId"],
            K::Mailbox => &["MailboxPrimaryAddress", "Upn", "DisplayName"],
            K::MailMessage => &["NetworkMessageId", "InternetMessageId", "Subject"],
            K::CloudApplication => &["Name", "AppId"],
            K::AzureResource => &["ResourceId"],
            K::RegistryKey => &["Key"],
            K::RegistryValue => &["Name", "Key"],
            K::Malware => &["Name"],
            K::NetworkConnection => &["DestinationAddress", "SourceAddress"],
            K::SecurityGroup => &["DistinguishedName", "SID", "ObjectGuid"],
            K::Unknown => &[],
        }
    }

    /// [`EntityKind::from_name`], or an error listing the kinds.
    pub fn parse_name(name: &str) -> Result<EntityKind> {
        EntityKind::from_name(name).ok_or_else(|| {
            let names: Vec<String> = EntityKind::ALL.iter().map(|k| k.name().to_string()).collect();
            Error::invalid(format!(
                "unknown entity type '{name}'{}. Entity types are: {}",
                crate::error::DidYouMean(crate::error::closest(name, &names)),
                names.join(", ")
            ))
        })
    }
}

/// Every kind as JSON `[{"name", "sentinelType", "attributes", "derived"}]` (what JS builds its classes' help from).
pub fn kinds_json() -> serde_json::Value {
    serde_json::Value::Array(
        EntityKind::ALL
            .iter()
            .map(|k| {
                serde_json::json!({"name": k.name(), "sentinelType": k.sentinel_type(), "attributes": k.attributes(),
                                   "derived": k.derived_attributes()})
            })
            .collect(),
    )
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sentinel_types_round_trip() {
        for kind in EntityKind::ALL {
            assert_eq!(EntityKind::from_name(kind.name()), Some(kind));
            assert_eq!(EntityKind::from_name(kind.sentinel_type()), Some(kind));
        }
        assert_eq!(EntityKind::from_name("ip"), Some(EntityKind::IpAddress));
        assert_eq!(EntityKind::from_name("MailMessage"), Some(EntityKind::MailMessage));
        assert_eq!(EntityKind::from_name("cloud-application"), Some(EntityKind::CloudApplication));
        assert_eq!(EntityKind::from_name("iotdevice"), None);
    }
}
