"""msticpy side of bench/analysis.mjs: IoC extraction and base64 unpacking on the CommandLine column of the Tour's
process table, timed the way an analyst runs them. Prints one JSON object."""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

# No network here: make tldextract (used by msticpy's domain checks) use its bundled public-suffix snapshot
# instead of trying to download the list.
import tldextract  # noqa: E402

_offline = tldextract.TLDExtract(suffix_list_urls=())
tldextract.extract = _offline
tldextract.tldextract.extract = _offline
tldextract.tldextract.TLD_EXTRACTOR = _offline

import pandas as pd  # noqa: E402
from msticpy.transform import base64unpack as b64  # noqa: E402
from msticpy.transform.iocextract import IoCExtract  # noqa: E402


def load(path: str) -> pd.DataFrame:
    table = json.load(open(path, encoding="utf-8"))["tables"][0]
    return pd.DataFrame(table["rows"], columns=[c["name"] for c in table["columns"]])


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return (time.perf_counter() - t0) * 1000, out


def main() -> None:
    df = load(sys.argv[1])[["CommandLine"]]
    ioc = IoCExtract()
    result = {}

    ms, rows = timed(lambda: ioc.extract_df(data=df, columns=["CommandLine"]))
    result["ioc_rows"] = {"ms": ms, "counts": rows["IoCType"].value_counts().to_dict() if len(rows) else {}}

    text = "\n".join(df["CommandLine"].dropna().astype(str))
    ms, found = timed(lambda: ioc.extract(src=text))
    result["ioc_text"] = {"ms": ms, "counts": {k: len(v) for k, v in found.items()}}

    no_paths = ["ipv4", "ipv6", "dns", "url", "email", "md5_hash", "sha1_hash", "sha256_hash"]
    ms, found = timed(lambda: ioc.extract(src=text, ioc_types=no_paths))
    result["ioc_text_no_paths"] = {"ms": ms, "counts": {k: len(v) for k, v in found.items()}}

    ms, unpacked = timed(lambda: b64.unpack_df(data=df, column="CommandLine"))
    counts = {}
    if len(unpacked):
        kinds = unpacked["file_type"].fillna(unpacked["encoding_type"]).astype(str)
        counts = kinds.value_counts().to_dict()
    result["unpack_rows"] = {
        "ms": ms,
        "fragments": int(len(unpacked)),
        "counts": counts,
        "rows": sorted({int(i) for i in unpacked["src_index"]}) if len(unpacked) else [],
    }
    print(json.dumps(result))


main()
