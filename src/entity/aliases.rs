//! The one table of Sentinel column names that hold an entity attribute under another name (`IPAddress`,
//! `SrcIpAddr`, `ClientIP` → IpAddress `Address`; `UserPrincipalName`, `Account` → Account `QualifiedName`, …).
//!
//! [`super::Entity::from_row`] and [`super::Entity::from_object`] read these columns, and
//! [`super::detect_columns`] reports them (`by: "name"`). An alias to a derived attribute (`QualifiedName`, `fqdn`,
//! `FullPath`, `ProcessFilePath`, `file_hash`) parses the value: `CONTOSO\jdoe` gives NTDomain and Name.

use super::EntityKind;

/// A column name (matched case-insensitively) and the entity attribute its values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alias {
    pub column: &'static str,
    pub kind: EntityKind,
    pub attribute: &'static str,
}

const fn a(column: &'static str, kind: EntityKind, attribute: &'static str) -> Alias {
    Alias { column, kind, attribute }
}

use EntityKind as K;

/// Column names → (entity kind, attribute). Earlier entries win when several columns of one row fill the same
/// attribute. Attribute names themselves (`HostName`, `CommandLine`, `Sha256`) are matched without being listed
/// here by `from_row`; they are listed only when they are distinctive enough for [`super::detect_columns`].
pub const ALIASES: &[Alias] = &[
    // IpAddress
    a("IPAddress", K::IpAddress, "Address"),
    a("IpAddr", K::IpAddress, "Address"),
    a("SrcIpAddr", K::IpAddress, "Address"),
    a("DstIpAddr", K::IpAddress, "Address"),
    a("ClientIP", K::IpAddress, "Address"),
    a("ClientIPAddress", K::IpAddress, "Address"),
    a("Client_IPAddress", K::IpAddress, "Address"),
    a("CallerIpAddress", K::IpAddress, "Address"),
    a("ActorIpAddress", K::IpAddress, "Address"),
    a("SourceIP", K::IpAddress, "Address"),
    a("SourceIPAddress", K::IpAddress, "Address"),
    a("DestinationIP", K::IpAddress, "Address"),
    a("DestinationIPAddress", K::IpAddress, "Address"),
    a("RemoteIP", K::IpAddress, "Address"),
    a("LocalIP", K::IpAddress, "Address"),
    a("HostIP", K::IpAddress, "Address"),
    a("ComputerIP", K::IpAddress, "Address"),
    a("MaliciousIP", K::IpAddress, "Address"),
    a("NetworkIP", K::IpAddress, "Address"),
    a("EmailSourceIpAddress", K::IpAddress, "Address"),
    // Account
    a("UserPrincipalName", K::Account, "QualifiedName"),
    a("Account", K::Account, "QualifiedName"),
    a("AccountUpn", K::Account, "QualifiedName"),
    a("TargetAccount", K::Account, "QualifiedName"),
    a("SubjectAccount", K::Account, "QualifiedName"),
    a("UserId", K::Account, "QualifiedName"),
    a("Caller", K::Account, "QualifiedName"),
    a("User", K::Account, "QualifiedName"),
    a("UserName", K::Account, "QualifiedName"),
    a("TargetUserName", K::Account, "Name"),
    a("SubjectUserName", K::Account, "Name"),
    a("AccountName", K::Account, "Name"),
    a("DestinationUserName", K::Account, "Name"),
    a("SourceUserName", K::Account, "Name"),
    a("TargetDomainName", K::Account, "NTDomain"),
    a("SubjectDomainName", K::Account, "NTDomain"),
    a("AccountDomain", K::Account, "NTDomain"),
    a("TargetUserSid", K::Account, "Sid"),
    a("SubjectUserSid", K::Account, "Sid"),
    a("AccountSid", K::Account, "Sid"),
    a("AccountObjectId", K::Account, "AadUserId"),
    a("UserDisplayName", K::Account, "DisplayName"),
    // Host
    a("Computer", K::Host, "fqdn"),
    a("HostName", K::Host, "HostName"),
    a("DeviceName", K::Host, "fqdn"),
    a("ComputerName", K::Host, "fqdn"),
    a("DvcHostname", K::Host, "fqdn"),
    a("SrcHostname", K::Host, "fqdn"),
    a("ClientMachineName", K::Host, "fqdn"),
    a("DnsDomain", K::Host, "DnsDomain"),
    a("NetBiosName", K::Host, "NetBiosName"),
    a("OSType", K::Host, "OSFamily"),
    a("VMUUID", K::Host, "AzureID"),
    // Dns
    a("DomainName", K::Dns, "DomainName"),
    a("QueryName", K::Dns, "DomainName"),
    a("DnsQuery", K::Dns, "DomainName"),
    a("DestinationDnsDomain", K::Dns, "DomainName"),
    a("EmailSourceDomain", K::Dns, "DomainName"),
    // Url
    a("Url", K::Url, "Url"),
    a("RequestURL", K::Url, "Url"),
    a("RemoteUrl", K::Url, "Url"),
    a("FileOriginUrl", K::Url, "Url"),
    a("DestinationUrl", K::Url, "Url"),
    // File
    a("FilePath", K::File, "FullPath"),
    a("FullPath", K::File, "FullPath"),
    a("FolderPath", K::File, "Directory"),
    a("FileName", K::File, "Name"),
    a("FileHashValue", K::File, "file_hash"),
    a("FileHash", K::File, "file_hash"),
    a("MD5", K::File, "Md5"),
    a("SHA1", K::File, "Sha1"),
    a("SHA256", K::File, "Sha256"),
    // Process
    a("CommandLine", K::Process, "CommandLine"),
    a("ProcessCommandLine", K::Process, "CommandLine"),
    a("NewProcessName", K::Process, "ProcessFilePath"),
    a("NewProcessId", K::Process, "ProcessId"),
    a("ProcessId", K::Process, "ProcessId"),
    a("ProcessName", K::Process, "ProcessFilePath"),
    a("FolderPathProcess", K::Process, "ProcessFilePath"),
    // Alert
    a("AlertDisplayName", K::Alert, "DisplayName"),
    a("AlertName", K::Alert, "DisplayName"),
    a("AlertSeverity", K::Alert, "Severity"),
    a("StartTime", K::Alert, "StartTimeUtc"),
    a("EndTime", K::Alert, "EndTimeUtc"),
    a("SystemAlertId", K::Alert, "SystemAlertIds"),
    a("CompromisedEntity", K::Alert, "CompromisedEntity"),
    // GeoLocation
    a("RemoteIPCountry", K::GeoLocation, "CountryOrRegionName"),
    a("RemoteIPLatitude", K::GeoLocation, "Latitude"),
    a("RemoteIPLongitude", K::GeoLocation, "Longitude"),
    a("CountryOrRegion", K::GeoLocation, "CountryCode"),
    a("AutonomousSystemNumber", K::GeoLocation, "Asn"),
    // HostLogonSession
    a("TargetLogonId", K::HostLogonSession, "SessionId"),
    a("LogonId", K::HostLogonSession, "SessionId"),
    // Mailbox, MailMessage
    a("MailboxOwnerUPN", K::Mailbox, "MailboxPrimaryAddress"),
    a("MailboxPrimaryAddress", K::Mailbox, "MailboxPrimaryAddress"),
    a("SenderFromAddress", K::MailMessage, "Sender"),
    a("RecipientEmailAddress", K::MailMessage, "Recipient"),
    a("SenderIPv4", K::MailMessage, "SenderIP"),
    a("NetworkMessageId", K::MailMessage, "NetworkMessageId"),
    a("InternetMessageId", K::MailMessage, "InternetMessageId"),
    // CloudApplication, AzureResource
    a("AppDisplayName", K::CloudApplication, "Name"),
    a("ApplicationId", K::CloudApplication, "AppId"),
    a("ResourceId", K::AzureResource, "ResourceId"),
    a("_ResourceId", K::AzureResource, "ResourceId"),
];

/// The aliases of column `name` (case-insensitive), in table order.
pub(crate) fn aliases_of(name: &str) -> impl Iterator<Item = &'static Alias> + '_ {
    ALIASES.iter().filter(move |a| a.column.eq_ignore_ascii_case(name))
}

/// The alias of column `name` for `kind`, if any.
pub(crate) fn alias_for(kind: EntityKind, name: &str) -> Option<&'static Alias> {
    aliases_of(name).find(|a| a.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alias_names_an_attribute_of_its_kind() {
        for a in ALIASES {
            assert!(a.kind.attributes().contains(&a.attribute), "{a:?}");
        }
        // one entry per (column, kind)
        for (i, a) in ALIASES.iter().enumerate() {
            assert!(
                !ALIASES[..i].iter().any(|b| b.column.eq_ignore_ascii_case(a.column) && b.kind == a.kind),
                "duplicate {a:?}"
            );
        }
        assert_eq!(alias_for(K::IpAddress, "ipaddress").map(|a| a.attribute), Some("Address"));
        assert_eq!(alias_for(K::Host, "Computer").map(|a| a.attribute), Some("fqdn"));
        assert!(alias_for(K::Host, "IPAddress").is_none());
    }
}
