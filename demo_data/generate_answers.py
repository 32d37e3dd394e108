#!/usr/bin/env python3
"""Writes demo_data/demo_answers.json: the recorded answers demo mode's whois and dnsResolve read (URL -> response).

Everything here is made up, consistent with demo_data/README.md and demo.la.json.gz:
* DNS over HTTPS (Cloudflare's JSON endpoint): A, AAAA, CNAME and MX answers for every name in DnsEvents (as it
  appears there and lower-cased), the Heartbeat computers' names (internal: NXDOMAIN), contoso.com and www.microsoft.com (a CNAME to an Akamai edge name, for the Tour); A answers are the addresses DnsEvents logged for the name,
  cdn-updates.northwind-sync.xyz -> 203.0.113.66 (the C2), internal contoso.com hosts do not exist on the internet.
* Team Cymru over DNS over HTTPS (origin TXT and AS-name TXT) and RDAP for the public IPs of SigninLogs,
  SecurityEvent, OfficeActivity, AzureActivity, Heartbeat, DnsEvents and CommonSecurityLog's destinations, plus
  24.16.133.227 and 13.107.4.50. The RDAP server is the one IANA's bootstrap (src/enrich/whois/rdap_bootstrap.json,
  shipped as huntbook_rdap_bootstrap.json) names; ARIN networks link up to their /8 parent (`rel: up`), which has
  its own answer. ASNs are the ones the demo data's SigninLogs rows carry, else those of the story (README) or of
  the SaaS operators the firewall logs name; the rest get documentation ASNs (64496-64511).

Deterministic (standard library only, no clock, no randomness): every run writes the same bytes.
    python3 demo_data/generate_answers.py
"""

import gzip
import ipaddress
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "demo.la.json.gz")
BOOTSTRAP = os.path.join(HERE, "..", "src", "enrich", "whois", "rdap_bootstrap.json")
OUT = os.path.join(HERE, "demo_answers.json")
DOH = "https://cloudflare-dns.com/dns-query"

IP_COLUMNS = {
    "SigninLogs": ["IPAddress"], "SecurityEvent": ["IpAddress"], "OfficeActivity": ["ClientIP", "ActorIpAddress"],
    "AzureActivity": ["CallerIpAddress"], "Heartbeat": ["ComputerIP"], "DnsEvents": ["IPAddresses"],
    "CommonSecurityLog": ["DestinationIP", "SourceTranslatedAddress"],
}
EXTRA_IPS = ["24.16.133.227", "13.107.4.50"]
# Names the Tour resolves that DnsEvents does not log: name -> (CNAME target, its A addresses). The addresses are in
# the whois answers above (23.55.124.197: AKAMAI-ASN1).
EXTRA_NAMES = {"www.microsoft.com": ("e13678.dscb.akamaiedge.net", ["23.55.124.197"])}

# ASN -> (AS name, country); the story's and the SaaS operators' numbers, names invented where the README gives none.
ASNS = {
    "7922": ("COMCAST-7922, US", "US"), "701": ("UUNET, US", "US"), "20115": ("CHARTER-20115, US", "US"),
    "2856": ("BT-UK-AS BTnet UK Regional network, GB", "GB"), "5089": ("NTL Virgin Media, GB", "GB"),
    "5607": ("BSKYB-BROADBAND-AS, GB", "GB"), "21928": ("T-MOBILE-AS21928, US", "US"), "12576": ("EE-AS, GB", "GB"),
    "7018": ("ATT-INTERNET4, US", "US"), "20712": ("ANDREWS-ARNOLD, GB", "GB"), "577": ("BACOM, CA", "CA"),
    "60729": ("NORDLICHT-HOSTING, DE", "DE"), "211252": ("GRACHTEN-VPS, NL", "NL"),
    "208091": ("TAIGA-SERVERS, RU", "RU"), "8075": ("MICROSOFT-CORP-MSN-AS-BLOCK, US", "US"),
    "8068": ("MICROSOFT-CORP-MSN-AS-BLOCK, US", "US"), "15169": ("GOOGLE, US", "US"), "36459": ("GITHUB, US", "US"),
    "13335": ("CLOUDFLARENET, US", "US"), "54113": ("FASTLY, US", "US"), "30103": ("ZOOM-VIDEO-COMM-AS, US", "US"),
    "16509": ("AMAZON-02, US", "US"), "20940": ("AKAMAI-ASN1, NL", "NL"), "15133": ("EDGECAST, US", "US"),
}
# First octets (or two) of the story's and SaaS addresses -> ASN.
PREFIX_ASN = [
    ("185.220.101.", "60729"), ("45.153.160.", "211252"), ("193.142.146.", "208091"), ("64.124.38.", "7018"),
    ("81.2.69.", "20712"), ("142.114.", "577"), ("172.58.", "21928"), ("31.94.", "12576"), ("13.107.4.", "8068"),
    ("13.", "8075"), ("20.", "8075"), ("52.", "8075"), ("168.61.", "8075"), ("204.79.197.", "8075"),
    ("142.250.", "15169"), ("140.82.", "36459"), ("104.16.", "13335"), ("1.1.1.", "13335"), ("151.101.", "54113"),
    ("170.114.", "30103"), ("18.160.", "16509"), ("23.55.", "20940"), ("93.184.221.", "15133"),
    ("24.16.", "7922"),
]
REGISTRY = {"https://rdap.arin.net/registry/": "arin", "https://rdap.db.ripe.net/": "ripencc",
            "https://rdap.apnic.net/": "apnic", "https://rdap.lacnic.net/rdap/": "lacnic",
            "https://rdap.afrinic.net/rdap/": "afrinic"}
REGISTRY_COUNTRY = {"arin": "US", "ripencc": "NL", "apnic": "AU", "lacnic": "BR", "afrinic": "ZA"}


def public(ip):
    try:
        a = ipaddress.ip_address(ip)
    except ValueError:
        return False
    doc = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]
    return a.is_global and not any(a in n for n in doc)


def rdap_base(bootstrap, ip):
    a = ipaddress.ip_address(ip)
    best = None
    for reg in (bootstrap["ipv4"], bootstrap["ipv6"]):
        for prefixes, urls in reg["services"]:
            url = next((u for u in urls if u.startswith("https://")), None)
            for p in prefixes:
                net = ipaddress.ip_network(p)
                if a.version == net.version and a in net and (best is None or net.prefixlen > best[0]):
                    best = (net.prefixlen, url)
    return best[1] if best else None


def doh(name, rtype, answers, status=0):
    types = {"A": 1, "AAAA": 28, "CNAME": 5, "MX": 15, "TXT": 16}
    body = {"Status": status, "TC": False, "RD": True, "RA": True, "AD": False, "CD": False,
            "Question": [{"name": name, "type": types[rtype]}]}
    if answers:
        body["Answer"] = [{"name": n, "type": types[t], "TTL": ttl, "data": d} for n, t, ttl, d in answers]
    return {"status": 200, "contentType": "application/dns-json", "body": body}


def doh_url(name, rtype):
    return f"{DOH}?name={name}&type={rtype}"


def load_demo():
    with gzip.open(DEMO, "rt", encoding="utf-8") as f:
        return {t["name"]: t for t in json.load(f)["tables"]}


def main():
    tables = load_demo()
    with open(BOOTSTRAP, encoding="utf-8") as f:
        bootstrap = json.load(f)

    # Public IPs, in a fixed order, with the ASN SigninLogs gives them.
    ips, signin_asn = set(EXTRA_IPS), {}
    for table, cols in IP_COLUMNS.items():
        t = tables[table]
        names = [c["name"] for c in t["columns"]]
        for row in t["rows"]:
            for c in cols:
                for v in str(row[names.index(c)] or "").split(","):
                    if public(v.strip()):
                        ips.add(v.strip())
        if table == "SigninLogs":
            for row in t["rows"]:
                ip, asn = row[names.index("IPAddress")], row[names.index("AutonomousSystemNumber")]
                if public(ip) and asn not in (None, ""):
                    signin_asn[ip] = str(asn)
    ips = sorted(ips, key=lambda s: ipaddress.ip_address(s))

    answers = {}
    parents = {}
    for ip in ips:
        base = rdap_base(bootstrap, ip)
        registry = REGISTRY[base]
        asn = signin_asn.get(ip) or next((n for p, n in PREFIX_ASN if ip.startswith(p)), None)
        octets = ip.split(".")
        if asn is None:  # a documentation ASN, stable per /8
            asn = str(64496 + int(octets[0]) % 16)
            as_name, cc = (f"DEMO-TRANSIT-{asn}, {REGISTRY_COUNTRY[registry]}", REGISTRY_COUNTRY[registry])
        else:
            as_name, cc = ASNS[asn]
        cidr = f"{octets[0]}.{octets[1]}.0.0/16"
        date = f"20{(int(octets[0]) * 7 + int(octets[1])) % 20 + 4:02d}-{int(octets[1]) % 12 + 1:02d}-{int(octets[0]) % 28 + 1:02d}"
        origin = ".".join(reversed(octets)) + ".origin.asn.cymru.com"
        answers[doh_url(origin, "TXT")] = doh(origin, "TXT", [(origin, "TXT", 14400,
                                                                f'"{asn} | {cidr} | {cc} | {registry} | {date}"')])
        as_q = f"AS{asn}.asn.cymru.com"
        answers[doh_url(as_q, "TXT")] = doh(as_q, "TXT", [(as_q, "TXT", 14400,
                                                           f'"{asn} | {cc} | {registry} | {date} | {as_name}"')])
        org = as_name.split(",")[0]
        handle = f"NET-{octets[0]}-{octets[1]}-0-0-1" if registry == "arin" else f"{org[:12]}-{octets[0]}-{octets[1]}"
        net = {
            "objectClassName": "ip network", "rdapConformance": ["rdap_level_0", "cidr0"], "handle": handle,
            "startAddress": f"{octets[0]}.{octets[1]}.0.0", "endAddress": f"{octets[0]}.{octets[1]}.255.255",
            "ipVersion": "v4", "name": org[:24].replace(" ", "-"), "type": "DIRECT ALLOCATION", "country": cc,
            "cidr0_cidrs": [{"v4prefix": f"{octets[0]}.{octets[1]}.0.0", "length": 16}],
            "events": [{"eventAction": "registration", "eventDate": f"{date}T00:00:00Z"},
                       {"eventAction": "last changed", "eventDate": "2023-11-02T12:00:00Z"}],
            "entities": [{"objectClassName": "entity", "handle": f"{org[:12].upper().replace(' ', '')}-ORG",
                          "roles": ["registrant"],
                          "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", org],
                                                   ["adr", {"label": f"{org}\n1 Demo Street\nDemo City\n{cc}"},
                                                    "text", ["", "", "", "", "", "", ""]],
                                                   ["email", {}, "text", f"abuse@{org.split()[0].lower()}.example"]]]}],
            "remarks": [{"title": "huntbook demo", "description": ["Made up for huntbook's demo data."]}],
            "links": [{"value": f"{base}ip/{ip}", "rel": "self", "href": f"{base}ip/{ip}",
                       "type": "application/rdap+json"}],
        }
        if registry == "arin":
            parent = f"{base}ip/{octets[0]}.0.0.0/8"
            net["links"].append({"value": f"{base}ip/{ip}", "rel": "up", "href": parent,
                                 "type": "application/rdap+json"})
            parents[parent] = octets[0]
        answers[f"{base}ip/{ip}"] = {"status": 200, "contentType": "application/rdap+json", "body": net}
    for url, a in sorted(parents.items()):
        answers[url] = {"status": 200, "contentType": "application/rdap+json", "body": {
            "objectClassName": "ip network", "handle": f"NET{a}", "startAddress": f"{a}.0.0.0",
            "endAddress": f"{a}.255.255.255", "name": f"NET{a}", "type": "ALLOCATION",
            "cidr0_cidrs": [{"v4prefix": f"{a}.0.0.0", "length": 8}],
            "events": [{"eventAction": "registration", "eventDate": "1994-01-01T00:00:00Z"}],
            "entities": [{"objectClassName": "entity", "handle": "ARIN", "roles": ["registrant"],
                          "vcardArray": ["vcard", [["fn", {}, "text", "American Registry for Internet Numbers"],
                                                   ["email", {}, "text", "hostmaster@arin.example"]]]}],
            "links": [{"rel": "self", "href": url}]}}

    # DNS: the names DnsEvents logged, with the addresses it logged.
    t = tables["DnsEvents"]
    names = [c["name"] for c in t["columns"]]
    logged = {}
    for row in t["rows"]:
        name, addrs = row[names.index("Name")], row[names.index("IPAddresses")] or ""
        for a in addrs.split(","):
            if a.strip():
                logged.setdefault(name, set()).add(a.strip())
        logged.setdefault(name, set())
    logged.setdefault("contoso.com", set()).add("64.124.38.20")
    # The workspace's own computers (Heartbeat): internal names, which the internet does not know (NXDOMAIN), so a
    # Host's dns_resolve pivot gets that answer rather than no recorded answer.
    t = tables["Heartbeat"]
    names = [c["name"] for c in t["columns"]]
    for row in t["rows"]:
        computer = row[names.index("Computer")]
        if computer and computer.lower().endswith(".contoso.com"):
            logged.setdefault(computer, set())
    for name in sorted(logged):
        internal = name.lower().endswith(".contoso.com")
        ttl = 60 if name == "cdn-updates.northwind-sync.xyz" else 300
        for shown in sorted({name, name.lower()}):
            for rtype in ("A", "AAAA", "CNAME", "MX"):
                url = doh_url(shown, rtype)
                if internal:
                    answers[url] = doh(shown, rtype, [], status=3)
                elif rtype == "A":
                    answers[url] = doh(shown, rtype, [(shown, "A", ttl, a) for a in
                                                       sorted(logged[name], key=ipaddress.ip_address) if public(a)
                                                       or a == "203.0.113.66"])
                elif rtype == "MX" and shown == "contoso.com":
                    answers[url] = doh(shown, rtype, [(shown, "MX", 3600, "10 contoso-com.mail.protection.outlook.com.")])
                else:
                    answers[url] = doh(shown, rtype, [])

    for name, (target, addrs) in EXTRA_NAMES.items():
        chain = [(name, "CNAME", 3600, f"{target}.")]
        answers[doh_url(name, "A")] = doh(name, "A", chain + [(target, "A", 20, a) for a in addrs])
        answers[doh_url(name, "AAAA")] = doh(name, "AAAA", chain)
        answers[doh_url(name, "CNAME")] = doh(name, "CNAME", chain)
        answers[doh_url(name, "MX")] = doh(name, "MX", [])

    doc = {"description": "Recorded answers for huntbook's demo mode (whois and dnsResolve): made up, see "
                          "demo_data/generate_answers.py. URL -> HTTP response.",
           "answers": dict(sorted(answers.items()))}
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False, sort_keys=False) + "\n"
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"demo answers: {len(ips)} IPs, {len(logged)} names, {len(answers)} answers, {len(text.encode()) // 1024} KiB "
          f"-> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
