"""Python side of bench/parse.mjs: a Log Analytics response → a pandas DataFrame, as msticpy does it
(json.loads, DataFrame from rows and columns, datetime columns through pd.to_datetime). Prints JSON timings and
the peak RSS. Usage: parse_pandas.py <file> <runs> [nowarm] (nowarm: no untimed first run; bench/large.mjs)."""
import json
import resource
import statistics
import sys
import time

import pandas as pd


def to_frame(raw: bytes) -> pd.DataFrame:
    table = json.loads(raw)["tables"][0]
    columns = [c["name"] for c in table["columns"]]
    df = pd.DataFrame(table["rows"], columns=columns)
    for c in table["columns"]:
        if c["type"] == "datetime":
            df[c["name"]] = pd.to_datetime(df[c["name"]], utc=True, format="ISO8601")
        elif c["type"] in ("int", "long"):
            df[c["name"]] = pd.to_numeric(df[c["name"]])
    return df


def main() -> None:
    path, runs = sys.argv[1], int(sys.argv[2])
    raw = open(path, "rb").read()
    if sys.argv[3:] != ["nowarm"]:
        to_frame(raw)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        df = to_frame(raw)
        times.append((time.perf_counter() - t0) * 1000)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"ms": statistics.median(times), "shape": list(df.shape), "pandas": pd.__version__, "rss_mb": rss_mb}))


main()
