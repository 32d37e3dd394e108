"""huntbook for Python in the browser: JupyterLite's Pyodide kernel (or any Pyodide).

huntbook is a JavaScript + WebAssembly package; this module loads it through Pyodide's JavaScript bridge and hands
its tables to Python as rows or pandas DataFrames. Every call that does work is a coroutine: ``await`` it (Pyodide's
kernel allows top-level ``await``).

    import huntbook
    hb = await huntbook.load()                       # or load("https://<where the package is served>/index.js")
    qp = await hb.load_demo()                        # the demo workspace (or hb.query_provider("MSSentinel") + connect)
    df = await qp.exec_query("SigninLogs | summarize n = count() by ResultType")
    huntbook.to_rows(df)                             # [{'ResultType': '0', 'n': 1234}, ...]
    huntbook.to_pandas(df)                           # pandas: via Arrow IPC with pyarrow, else from rows

Datetimes become timezone-aware ``datetime`` (UTC), longs exact ``int``, dynamic values Python lists/dicts.
Errors from huntbook are raised as ``HuntbookError`` with huntbook's message.
"""

import json
from datetime import datetime, timezone

from pyodide.code import run_js
from pyodide.ffi import JsException, JsProxy, create_proxy, to_js

__all__ = ["load", "to_rows", "to_pandas", "arrow_bytes", "HuntbookError", "Frame", "QueryProvider", "Huntbook"]

VERSION = "__HUNTBOOK_VERSION__"  # the package version, written by scripts/build.sh
DEFAULT_URL = f"https://cdn.jsdelivr.net/npm/huntbook@{VERSION}/index.js"

try:  # Pyodide >= 0.26 has a distinct JavaScript null
    from pyodide.ffi import jsnull as _jsnull
except ImportError:  # pragma: no cover
    _jsnull = None


class HuntbookError(Exception):
    """An error huntbook reported (its message says what was wrong and what to do)."""


def _js_message(e):
    msg = getattr(e, "message", None) or str(e)
    return msg[len("Error: "):] if msg.startswith("Error: ") else msg


async def _call(thunk):
    """Runs a JS call (awaiting it if it returns a Promise) and turns a JS error into HuntbookError."""
    try:
        value = thunk()
        if hasattr(value, "then"):
            value = await value
        return value
    except JsException as e:
        raise HuntbookError(_js_message(e)) from None


def _sync(thunk):
    try:
        return thunk()
    except JsException as e:
        raise HuntbookError(_js_message(e)) from None


def _options(opts):
    """Python keyword arguments → a plain JS object (nested dicts too)."""
    from js import Object

    return to_js(opts, dict_converter=Object.fromEntries)


def _py(value):
    """One value of a huntbook row as Python: Date → aware datetime, JS null → None, objects → dict/list."""
    if value is None or value is _jsnull:
        return None
    if isinstance(value, JsProxy):
        if hasattr(value, "getTime"):
            return datetime.fromtimestamp(value.getTime() / 1000, tz=timezone.utc)
        return _py(value.to_py())
    if isinstance(value, dict):
        return {k: _py(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_py(v) for v in value]
    return value


def _js_frame(df):
    return df.js if isinstance(df, Frame) else df


def to_rows(df):
    """The table as a list of dicts (no pandas needed); dynamic values parsed from their JSON text."""
    frame = _js_frame(df)
    rows = _sync(lambda: frame.toRows())
    dynamic = {c for c, t in _sync(lambda: frame.dtypes).to_py().items() if t == "dynamic"}
    out = []
    for row in rows:
        r = {k: _py(v) for k, v in row.to_py(depth=1).items()}
        for c in dynamic:
            if isinstance(r.get(c), str):
                try:
                    r[c] = json.loads(r[c])
                except ValueError:
                    pass  # a dynamic string value that is not JSON stays text
        out.append(r)
    return out


def arrow_bytes(df):
    """The table as Arrow IPC stream bytes (strings LargeUtf8, datetimes Timestamp(ms), longs Int64)."""
    return _sync(lambda: _js_frame(df).toArrowIPC()).to_bytes()


def to_pandas(df):
    """A pandas DataFrame: read from Arrow IPC when pyarrow is installed, else built from the rows."""
    try:
        import pandas as pd
    except ImportError:
        raise HuntbookError(
            "to_pandas needs pandas: in JupyterLite run `import micropip; await micropip.install('pandas')` "
            "(and 'pyarrow' for the faster Arrow path); to_rows(df) gives the rows without pandas"
        ) from None
    try:
        import pyarrow as pa
    except ImportError:
        pa = None
    if pa is not None:
        return pa.ipc.open_stream(arrow_bytes(df)).read_pandas()
    frame = _js_frame(df)
    rows = to_rows(frame)
    columns = list(_sync(lambda: frame.columns).to_py())
    out = pd.DataFrame(rows, columns=columns)
    dtypes = _sync(lambda: frame.dtypes).to_py()
    for c, t in dtypes.items():
        if t == "datetime":
            out[c] = pd.to_datetime(out[c], utc=True)
    return out


class Frame:
    """A huntbook DataFrame (the JS object is ``.js``; every JS method is reachable through it)."""

    def __init__(self, js_df):
        self.js = js_df

    @property
    def shape(self):
        return tuple(self.js.shape.to_py())

    @property
    def columns(self):
        return list(self.js.columns.to_py())

    @property
    def dtypes(self):
        return dict(self.js.dtypes.to_py())

    def head(self, n=5):
        return Frame(_sync(lambda: self.js.head(n)))

    def to_rows(self):
        return to_rows(self)

    def to_pandas(self):
        return to_pandas(self)

    def arrow_bytes(self):
        return arrow_bytes(self)

    def _repr_html_(self):
        return _sync(lambda: self.js.toHTML())

    def __repr__(self):
        return str(self.js.toString())


class QueryProvider:
    """msticpy's QueryProvider: ``await qp.exec_query(kql)``, ``await qp.query("Azure.list_all_signins_geo")``."""

    def __init__(self, js_qp):
        self.js = js_qp

    def connect(self, workspace_id=None, token=None, get_token=None, **opts):
        """Connects to a workspace: a bearer ``token`` or a ``get_token`` callable (it stays in memory only)."""
        if token is not None and get_token is None:
            secret = token

            def get_token():
                return secret

        if workspace_id is not None:
            opts["workspaceId"] = workspace_id
        js_opts = _options(opts)
        if get_token is not None:
            js_opts.getToken = create_proxy(get_token)
        _sync(lambda: self.js.connect(js_opts))
        return self

    async def exec_query(self, kql):
        return Frame(await _call(lambda: self.js.execQuery(kql)))

    async def query(self, name, **params):
        """Runs a built-in query by its full name (``"Family.query_name"``) with msticpy's parameters."""
        family, _, fn = name.rpartition(".")
        target = getattr(self.js, family, None) if family else self.js
        func = getattr(target, fn, None) if target is not None else None
        if func is None:
            raise HuntbookError(f"no query {name!r}: list_queries() names them")
        return Frame(await _call(lambda: func(_options(params))))

    def list_queries(self, filter=None):
        return list(_sync(lambda: self.js.listQueries(filter) if filter else self.js.listQueries()).to_py())

    async def schema_tables(self):
        return list((await _call(lambda: self.js.schemaTables())).to_py())


class Huntbook:
    """The loaded package: ``hb.js`` is the JS module (every export reachable through it)."""

    def __init__(self, module):
        self.js = module

    def version(self):
        return str(self.js.version())

    async def load_demo(self):
        """Loads the demo workspace and returns a QueryProvider on it."""
        await _call(lambda: self.js.loadDemo())
        return self.query_provider("LocalData")

    def query_provider(self, environment="MSSentinel", **opts):
        cls = self.js.QueryProvider
        return QueryProvider(_sync(lambda: cls.new(environment, _options(opts)) if opts else cls.new(environment)))

    def read_tables(self, text, **opts):
        """Tables of a Log Analytics / Data Explorer JSON answer (text) as Frames."""
        result = _sync(lambda: self.js.readTables(text, _options(opts)))
        return [Frame(t) for t in result.tables]


_import = None


async def load(url=None):
    """Imports huntbook's JS module from ``url`` (default: jsDelivr) and initialises its wasm."""
    global _import
    if _import is None:
        _import = run_js("(url) => import(url)")
    module = await _call(lambda: _import(url or DEFAULT_URL))
    await _call(lambda: module.init())
    return Huntbook(module)
