"""msticpy side of bench/timeline.mjs: reads the benchmark's sign-in CSV with pandas, builds msticpy 3.0.2's event
timeline (`msticpy.vis.timeline.display_timeline`, grouped, with its range tool, as an analyst calls it) and saves it
as a standalone HTML page with BokehJS inlined (`bokeh.resources.INLINE`), so the browser loads nothing from a CDN.

Usage: timeline_bokeh.py DATA.csv OUT.html GROUP_BY SOURCE_COLUMN [SOURCE_COLUMN ...]
Prints one JSON object: rows, groups, the time of each Python step (ms) and the HTML's size."""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

# No network here: make tldextract (imported by msticpy) use its bundled public-suffix snapshot instead of trying to
# download the list.
import tldextract  # noqa: E402

_offline = tldextract.TLDExtract(suffix_list_urls=())
tldextract.extract = _offline
tldextract.tldextract.extract = _offline
tldextract.tldextract.TLD_EXTRACTOR = _offline

import bokeh  # noqa: E402
import pandas as pd  # noqa: E402
from bokeh.embed import file_html  # noqa: E402
from bokeh.resources import INLINE  # noqa: E402
import msticpy  # noqa: E402
from msticpy.vis.timeline import display_timeline  # noqa: E402


def main() -> None:
    src, out, group_by, *source_columns = sys.argv[1:]
    result = {"msticpy": msticpy.__version__, "bokeh": bokeh.__version__, "pandas": pd.__version__}

    t0 = time.perf_counter()
    df = pd.read_csv(src, parse_dates=["TimeGenerated"])
    t1 = time.perf_counter()
    # display_timeline calls output_notebook(), which prints a banner to stdout; keep stdout for our JSON.
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    try:
        layout = display_timeline(
            df,
            time_column="TimeGenerated",
            group_by=group_by,
            source_columns=source_columns,
            title="Sign-ins",
            hide=True,
        )
    finally:
        sys.stdout = real_stdout
    t2 = time.perf_counter()
    # Name the models the browser side drives: the main figure (its x_range is what zooming changes).
    plot = layout.children[0] if hasattr(layout, "children") else layout
    plot.name = "bench_plot"
    plot.x_range.name = "bench_x_range"
    html = file_html(layout, INLINE, title="msticpy timeline benchmark")
    t3 = time.perf_counter()
    with open(out, "w", encoding="utf-8") as f:
        f.write(html)
    t4 = time.perf_counter()

    result.update(
        rows=int(len(df)),
        groups=int(df[group_by].nunique()),
        read_csv_ms=(t1 - t0) * 1000,
        display_timeline_ms=(t2 - t1) * 1000,
        file_html_ms=(t3 - t2) * 1000,
        write_ms=(t4 - t3) * 1000,
        html_bytes=len(html.encode("utf-8")),
        plot_width=plot.width,
        plot_height=plot.height,
    )
    print(json.dumps(result))


main()
