//! Entities (Account, Host, IpAddress, Dns, Url, File, Process) and their parsing. Not built yet.
