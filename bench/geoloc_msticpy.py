"""msticpy side of bench/geoloc.mjs: msticpy 3.0.2's GeoLiteLookup on the same GeoLite2-City-format file and the
same addresses. Usage: geoloc_msticpy.py DIR (DIR holds GeoLite2-City.mmdb and ips.txt). Prints one JSON object.

GeoLiteLookup is built the way an analyst with a downloaded database builds it: `db_folder` pointing at the file's
folder and auto-update off, so it never downloads. With no msticpyconfig.yaml its settings lookup finds no
"GeoIPLite" section and uses defaults; nothing is patched."""
import json
import logging
import sys
import time
import warnings

warnings.filterwarnings("ignore")
# msticpy logs a warning for each address not in the file; silenced so its time is the lookups alone.
logging.disable(logging.WARNING)

import pandas as pd  # noqa: E402
from msticpy.context.geoip import GeoLiteLookup  # noqa: E402


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return (time.perf_counter() - t0) * 1000, out


def main() -> None:
    folder = sys.argv[1]
    ips = open(f"{folder}/ips.txt", encoding="ascii").read().split()
    geo = GeoLiteLookup(db_folder=folder, auto_update=False, force_update=False)
    open_ms, _ = timed(lambda: geo.lookup_ip(ip_address="1.1.1.1"))  # opens the database
    list_ms, (raw, entities) = timed(lambda: geo.lookup_ip(ip_addr_list=ips))
    df = pd.DataFrame({"IPAddress": ips})
    df_ms, joined = timed(lambda: geo.df_lookup_ip(df, column="IPAddress"))
    found = sum(1 for e in entities if e.Location is not None and e.Location.CountryCode)
    print(
        json.dumps(
            {
                "open_ms": open_ms,
                "list_ms": list_ms,
                "df_ms": df_ms,
                "rows": len(entities),
                "found": found,
                "df_rows": len(joined),
                "seattle": sum(1 for e in entities if e.Location is not None and e.Location.City == "Seattle"),
            }
        )
    )


if __name__ == "__main__":
    main()
