//! Whois/ASN. Built in step 2.
