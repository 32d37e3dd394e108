"""msticpy 3.0.2's get_whois_df on the bench table, its lookups pointed at the loopback stand-ins (bench/whois.mjs).

msticpy asks Team Cymru's whois (port 43) for `-v <ip>` and the registry's RDAP server over HTTPS; here
`_cymru_query` fetches the same verbose table from the stand-in's /cymru-verbose and every registry's RDAP base is
the stand-in's /rdap/ip/ (its `rel: up` links already point at the stand-in). Everything else is msticpy's own code.
Usage: whois_msticpy.py BASE_URL TABLE.json  (TABLE.json: {"IPAddress": [...]}); prints one JSON line.
"""
import json
import sys
import time

import httpx
import pandas as pd
from msticpy.context import ip_utils

base, table_path = sys.argv[1], sys.argv[2]


def cymru_query(query: str) -> str:
    ip = query.strip().split()[-1]
    return httpx.get(f"{base}/cymru-verbose", params={"ip": ip}).text


ip_utils._cymru_query = cymru_query
for reg in ip_utils._REGISTRIES.values():
    reg["url"] = f"{base}/rdap/ip/"

with open(table_path, encoding="utf-8") as f:
    df = pd.DataFrame(json.load(f))
t0 = time.perf_counter()
out = ip_utils.get_whois_df(df, "IPAddress")
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "rows": len(out), "first_asn_description": str(out["AsnDescription"].iloc[0]),
                  "nets_first": len(out["nets"].iloc[0])}))
