//! Bindings of [`crate::query`]: the query catalog, Log Analytics / Data Explorer over `fetch`, ARM schemas, and
//! KQL on local tables.

use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::frame::{WasmFrame, WasmLocalData, WasmTableSet};
use super::net::{FetchTransport, JsSecretSource};
use super::{js_err, json_of, JsResult};
use crate::net::{CallOptions, RetryPolicy};
use crate::options;
use crate::query::catalog::Catalog;
use crate::query::loganalytics::{self, Workspace};
use crate::query::params::{self, check_args, render, RenderContext};
use crate::query::schema::{self, ArmWorkspace};
use crate::time::{from_ms, to_ms, TimeRange, NS_PER_DAY};
use crate::query::{builtin, kusto, AnswerFormat};


/// The query catalog: built-in queries plus any YAML the user loads.
#[wasm_bindgen(js_name = Catalog)]
pub struct WasmCatalog {
    inner: Catalog,
}

impl WasmCatalog {
    /// The core catalog (for the other binding modules).
    pub(crate) fn inner(&self) -> &Catalog {
        &self.inner
    }
}

#[wasm_bindgen(js_class = Catalog)]
impl WasmCatalog {
    /// The built-in queries of `queries/`.
    pub fn builtin() -> JsResult<WasmCatalog> {
        builtin::catalog().map(|inner| WasmCatalog { inner }).map_err(js_err)
    }

    /// Adds the queries of a YAML file (msticpy format); returns how many.
    #[wasm_bindgen(js_name = loadYaml)]
    pub fn load_yaml(&mut self, text: &str, file_name: &str) -> JsResult<usize> {
        self.inner.load_yaml(text, file_name).map_err(js_err)
    }

    /// Imports Sentinel YAML files (`[[source, text], …]`) into `family` (default: by kind); JSON
    /// `{imported: [name], failed: [{source, error}]}`.
    #[wasm_bindgen(js_name = importSentinel)]
    pub fn import_sentinel(&mut self, files: JsValue, family: Option<String>) -> JsResult<String> {
        let files: Vec<(String, String)> = serde_json::from_value(json_of(&files)?).map_err(|e| JsError::new(&e.to_string()))?;
        let r = self.inner.import_sentinel_files(&files, family.as_deref());
        let failed: Vec<_> = r.failed.iter().map(|(s, e)| serde_json::json!({"source": s, "error": e})).collect();
        Ok(serde_json::json!({"imported": r.imported, "failed": failed}).to_string())
    }

    /// JSON list of the queries matching `filter`: name, family, description, parameters, template.
    #[wasm_bindgen(js_name = listJSON)]
    pub fn list_json(&self, filter: &str) -> String {
        let list: Vec<serde_json::Value> = self
            .inner
            .list(filter)
            .into_iter()
            .map(|q| {
                serde_json::json!({
                    "qualifiedName": q.qualified_name(),
                    "family": q.family,
                    "name": q.name,
                    "description": q.description,
                    "dataEnvironments": q.data_environments,
                    "template": q.template,
                    "sentinel": q.sentinel,
                    "params": q.params.iter().map(|p| serde_json::json!({
                        "name": p.name,
                        "type": p.kind.to_string(),
                        "required": p.required(),
                        "default": p.default,
                        "description": p.description,
                        "aliases": p.aliases,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::Value::Array(list).to_string()
    }

    /// The help text of a query.
    pub fn help(&self, name: &str) -> JsResult<String> {
        self.inner.help(name).map_err(js_err)
    }

    /// The KQL of query `name` rendered with `args` (an object); `start_ms`/`end_ms` the default time range.
    pub fn render(&self, name: &str, args: JsValue, now_ms: f64, start_ms: Option<f64>, end_ms: Option<f64>) -> JsResult<String> {
        let def = self.inner.get(name).map_err(js_err)?;
        let args = check_args(def, &json_of(&args)?).map_err(js_err)?;
        let now_ns = from_ms(now_ms).map_err(js_err)?;
        let mut time_range = TimeRange::last(now_ns, NS_PER_DAY);
        if let Some(s) = start_ms {
            time_range.start_ns = from_ms(s).map_err(js_err)?;
        }
        if let Some(e) = end_ms {
            time_range.end_ns = from_ms(e).map_err(js_err)?;
        }
        render(def, &args, &RenderContext { now_ns, time_range }).map_err(js_err)
    }
}

/// Query parameters: an object (or nothing).
fn query_args(args: &JsValue) -> JsResult<serde_json::Map<String, serde_json::Value>> {
    match json_of(args)? {
        serde_json::Value::Object(m) => Ok(m),
        serde_json::Value::Null => Ok(serde_json::Map::new()),
        other => Err(JsError::new(&format!("query parameters must be an object, got {other}"))),
    }
}

/// `[start_ms, end_ms]` of a query run with `args`: their `start`/`end` read as query parameters (msticpy's forms:
/// a number is days from now), else `start_ms`/`end_ms` — the range the rendered KQL uses.
#[wasm_bindgen(js_name = queryRange)]
pub fn query_range(args: JsValue, now_ms: f64, start_ms: f64, end_ms: f64) -> JsResult<Vec<f64>> {
    let args = query_args(&args)?;
    let ns = |ms: f64| from_ms(ms).map_err(js_err);
    let ctx = RenderContext { now_ns: ns(now_ms)?, time_range: TimeRange { start_ns: ns(start_ms)?, end_ns: ns(end_ms)? } };
    let range = params::time_range(&args, &ctx).map_err(js_err)?;
    Ok(vec![to_ms(range.start_ns), to_ms(range.end_ns)])
}

/// The call's `{maxResponseBytes}` (from `connect()` or `execQuery()`), as `func` names them in errors.
fn fetch_for(func: &str, call: &JsValue, signal: Option<AbortSignal>, timeout_s: u32) -> JsResult<FetchTransport> {
    let o: CallOptions = options::read(func, &json_of(call)?).map_err(js_err)?;
    Ok(FetchTransport { signal, timeout_s, max_response_bytes: o.max_response_bytes })
}

fn opt_string(v: &serde_json::Value, key: &str) -> Option<String> {
    v.get(key).and_then(|x| x.as_str()).map(str::to_string).filter(|s| !s.trim().is_empty())
}

/// The workspace of `{workspaceId, baseUrl?, additionalWorkspaces?, serverTimeout?}` and the range of
/// `start_ms`/`end_ms` (both or none).
fn la_target(workspace: &JsValue, start_ms: Option<f64>, end_ms: Option<f64>) -> JsResult<(Workspace, Option<TimeRange>)> {
    let w = json_of(workspace)?;
    let mut ws = Workspace::new(opt_string(&w, "workspaceId").unwrap_or_default());
    if let Some(b) = opt_string(&w, "baseUrl") {
        ws.base_url = b;
    }
    if let Some(list) = w.get("additionalWorkspaces").and_then(|x| x.as_array()) {
        ws.additional_workspaces = list.iter().filter_map(|x| x.as_str().map(String::from)).collect();
    }
    if let Some(t) = w.get("serverTimeout").and_then(|x| x.as_u64()) {
        ws.server_timeout_s = t.min(600) as u32;
    }
    let range = match (start_ms, end_ms) {
        (Some(s), Some(e)) => Some(TimeRange { start_ns: from_ms(s).map_err(js_err)?, end_ns: from_ms(e).map_err(js_err)? }),
        _ => None,
    };
    Ok((ws, range))
}

/// Runs KQL on Log Analytics. `workspace`: `{workspaceId, baseUrl?, additionalWorkspaces?, serverTimeout?}`;
/// `get_token`: the user's `getToken()`, asked once per query.
#[wasm_bindgen(js_name = laQuery)]
pub async fn la_query(
    workspace: JsValue,
    get_token: js_sys::Function,
    query: String,
    start_ms: Option<f64>,
    end_ms: Option<f64>,
    signal: Option<AbortSignal>,
    timeout_s: u32,
    call: JsValue,
) -> JsResult<WasmTableSet> {
    let (ws, range) = la_target(&workspace, start_ms, end_ms)?;
    let transport = fetch_for("execQuery", &call, signal, timeout_s)?;
    let token = JsSecretSource { get_token, source: loganalytics::TOKEN_SOURCE.into() };
    let result = loganalytics::run_query(&transport, &ws, &token, &query, range.as_ref(), &RetryPolicy::default())
        .await
        .map_err(js_err)?;
    Ok(WasmTableSet::from(result))
}

/// A query service's 2xx answer, unread: its status and body bytes (for `readTables(bytes, {format, status})`,
/// e.g. in huntbook's Worker). No header, no token: only what the service answered.
#[wasm_bindgen(js_name = QueryAnswer)]
pub struct WasmAnswer {
    status: u16,
    body: Vec<u8>,
}

impl From<crate::net::HttpResponse> for WasmAnswer {
    fn from(r: crate::net::HttpResponse) -> WasmAnswer {
        WasmAnswer { status: r.status, body: r.body }
    }
}

#[wasm_bindgen(js_class = QueryAnswer)]
impl WasmAnswer {
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body bytes, moved out of wasm memory (a second call gives none).
    #[wasm_bindgen(js_name = takeBody)]
    pub fn take_body(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.body)
    }
}

/// `laQuery`'s request and answer handling without reading the answer (`loganalytics::fetch_answer`).
#[wasm_bindgen(js_name = laFetch)]
pub async fn la_fetch(
    workspace: JsValue,
    get_token: js_sys::Function,
    query: String,
    start_ms: Option<f64>,
    end_ms: Option<f64>,
    signal: Option<AbortSignal>,
    timeout_s: u32,
    call: JsValue,
) -> JsResult<WasmAnswer> {
    let (ws, range) = la_target(&workspace, start_ms, end_ms)?;
    let transport = fetch_for("execQuery", &call, signal, timeout_s)?;
    let token = JsSecretSource { get_token, source: loganalytics::TOKEN_SOURCE.into() };
    loganalytics::fetch_answer(&transport, &ws, &token, &query, range.as_ref(), &RetryPolicy::default())
        .await
        .map(WasmAnswer::from)
        .map_err(js_err)
}

/// Runs KQL on an Azure Data Explorer database.
#[wasm_bindgen(js_name = kustoQuery)]
pub async fn kusto_query(
    cluster: String,
    database: String,
    get_token: js_sys::Function,
    query: String,
    signal: Option<AbortSignal>,
    timeout_s: u32,
    call: JsValue,
) -> JsResult<WasmTableSet> {
    let transport = fetch_for("execQuery", &call, signal, timeout_s)?;
    let c = kusto::Cluster { url: cluster, database };
    let token = JsSecretSource { get_token, source: c.token_source() };
    let result = kusto::run_query(&transport, &c, &token, &query, &RetryPolicy::default()).await.map_err(js_err)?;
    Ok(WasmTableSet::from(result))
}

/// `kustoQuery`'s request and answer handling without reading the answer (`kusto::fetch_answer`).
#[wasm_bindgen(js_name = kustoFetch)]
pub async fn kusto_fetch(
    cluster: String,
    database: String,
    get_token: js_sys::Function,
    query: String,
    signal: Option<AbortSignal>,
    timeout_s: u32,
    call: JsValue,
) -> JsResult<WasmAnswer> {
    let transport = fetch_for("execQuery", &call, signal, timeout_s)?;
    let c = kusto::Cluster { url: cluster, database };
    let token = JsSecretSource { get_token, source: c.token_source() };
    kusto::fetch_answer(&transport, &c, &token, &query, &RetryPolicy::default()).await.map(WasmAnswer::from).map_err(js_err)
}

/// Reads a query service's answer as `execQuery` does (`query::read_answer`): `format` "la" / "kusto" (or their
/// aliases), `status` the answer's HTTP status.
#[wasm_bindgen(js_name = readAnswer)]
pub fn read_answer(bytes: &[u8], format: &str, status: u16, name: &str) -> JsResult<WasmTableSet> {
    let f = AnswerFormat::from_name(format).ok_or_else(|| {
        JsError::new(&format!("readTables: a service answer's format is \"la\" (Log Analytics) or \"kusto\" (Data Explorer), got {format:?}"))
    })?;
    crate::query::read_answer(f, status, bytes, name).map(WasmTableSet::from).map_err(js_err)
}

/// The workspace's tables from ARM: JSON `[{name, columns: [[name, type]]}]`.
/// `arm`: `{subscriptionId, resourceGroup, workspaceName, baseUrl?}`.
#[wasm_bindgen(js_name = armTables)]
pub async fn arm_tables(
    arm: JsValue,
    get_token: js_sys::Function,
    signal: Option<AbortSignal>,
    timeout_s: u32,
) -> JsResult<String> {
    let a = json_of(&arm)?;
    let ws = ArmWorkspace {
        subscription_id: opt_string(&a, "subscriptionId").unwrap_or_default(),
        resource_group: opt_string(&a, "resourceGroup").unwrap_or_default(),
        workspace_name: opt_string(&a, "workspaceName").unwrap_or_default(),
        base_url: opt_string(&a, "baseUrl").unwrap_or_else(|| schema::DEFAULT_ARM_URL.into()),
    };
    let transport = FetchTransport::new(signal, timeout_s);
    let token = JsSecretSource { get_token, source: schema::TOKEN_SOURCE.into() };
    let tables = schema::fetch_tables(&transport, &ws, &token, &RetryPolicy::default()).await.map_err(js_err)?;
    let out: Vec<serde_json::Value> = tables
        .into_iter()
        .map(|t| {
            let cols: Vec<(String, &str)> = t.columns.into_iter().map(|(n, k)| (n, k.wire_name())).collect();
            serde_json::json!({"name": t.name, "columns": cols})
        })
        .collect();
    Ok(serde_json::Value::Array(out).to_string())
}

/// Runs KQL on local tables; `now_ms` is what `now()`/`ago()` mean.
#[wasm_bindgen(js_name = kqlExecute)]
pub fn kql_execute(data: &WasmLocalData, query: &str, now_ms: f64) -> JsResult<WasmFrame> {
    crate::kql::execute(query, data.inner(), from_ms(now_ms).map_err(js_err)?).map(Into::into).map_err(js_err)
}
