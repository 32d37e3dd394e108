//! Entities (Account, Host, IpAddress, Dns, Url, File, Process, Alert, GeoLocation, …): the things a hunt is about,
//! as msticpy's `datamodel.entities` names them.
//!
//! [`EntityKind`] is the shared vocabulary of [`crate::entity`] and [`crate::pivot`]: the entity names as msticpy
//! writes them, the `Type` strings Microsoft Sentinel puts in a SecurityAlert's `Entities` JSON, and each kind's
//! attributes (the properties a pivot function reads its input from).

use std::fmt;

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
        }
    }

    /// The kind named by msticpy's class name or Sentinel's `Type` string, case-insensitively ("ipaddress", "ip",
    /// "IpAddress", "cloud-application"); `None` for a name huntbook does not model.
    pub fn from_name(name: &str) -> Option<EntityKind> {
        let folded: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
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
        }
    }
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
