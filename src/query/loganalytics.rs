//! Log Analytics (Microsoft Sentinel's store) over its query API.
//!
//! `POST {base}/v1/workspaces/{id}/query` with `{"query", "timespan", "workspaces"}`, a bearer token in the
//! `Authorization` header (never anywhere else) and `Prefer: wait=N`. Every documented answer is handled: tables;
//! tables with a `PartialError` beside them (returned together, never dropped); 204 for a workspace with no data;
//! 400/401/403/404/504 with the innermost message and what to check; 429/503 retried after `Retry-After`.

use crate::error::{Error, Result};
use crate::frame::loganalytics::parse_response;
use crate::frame::{Frame, QueryResult};
use crate::net::{ask_secret, Endpoint, HttpRequest, HttpResponse, RetryPolicy, Secret, SecretSource, Service, Transport};
use crate::time::TimeRange;

/// The service's name in messages (errors, the 204 note).
pub const SERVICE: &str = "Log Analytics";

/// The public Log Analytics endpoint.
pub const DEFAULT_BASE_URL: &str = "https://api.loganalytics.io";

/// Where the token comes from and what it must be (named in messages about it).
pub const TOKEN_SOURCE: &str = "getToken() (an access token for https://api.loganalytics.io/.default)";

/// Advice for a query service's 400 (shared with Data Explorer).
pub(crate) const QUERY_TEXT_HINT: &str = "Check the query text (the message says where it failed).";
/// Advice for a query service's 504 (shared with Data Explorer).
pub(crate) const SERVER_TIMEOUT_HINT: &str =
    "The query ran out of time on the server. Narrow the time range, add filters, or raise the server timeout.";

const HINTS: &[(u16, &str)] = &[
    (400, QUERY_TEXT_HINT),
    (403, "Check that the signed-in account has read access (e.g. Log Analytics Reader) on the workspace."),
    (404, "Check the workspace ID / cluster URL and the base URL."),
    (504, SERVER_TIMEOUT_HINT),
];

/// Where and how to query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub workspace_id: String,
    /// The API root (default [`DEFAULT_BASE_URL`]; a proxy or sovereign cloud may differ).
    pub base_url: String,
    /// Other workspaces to query in the same request (cross-workspace queries).
    pub additional_workspaces: Vec<String>,
    /// Server-side time limit in seconds (`Prefer: wait=N`, at most 600).
    pub server_timeout_s: u32,
}

impl Workspace {
    pub fn new(workspace_id: impl Into<String>) -> Workspace {
        Workspace {
            workspace_id: workspace_id.into(),
            base_url: DEFAULT_BASE_URL.into(),
            additional_workspaces: Vec::new(),
            server_timeout_s: 180,
        }
    }

    /// The Log Analytics service at this workspace's base URL.
    pub fn service(&self, policy: &RetryPolicy) -> Service {
        let credential = "getToken() returns a valid, unexpired token for the right audience (Log Analytics: \
                          https://api.loganalytics.io/.default)";
        Service::new(SERVICE, Endpoint::new(self.base_url.clone()), credential).retry(*policy).hints(HINTS)
    }
}

/// The query request. The token goes only into the `Authorization` header.
pub fn query_request(ws: &Workspace, query: &str, range: Option<&TimeRange>, token: &Secret) -> Result<HttpRequest> {
    if ws.workspace_id.trim().is_empty() {
        return Err(Error::invalid("no workspaceId: give the Log Analytics workspace ID (a GUID) to connect()"));
    }
    let url = Endpoint::new(ws.base_url.clone()).url(&["v1", "workspaces", ws.workspace_id.trim(), "query"], &[])?;
    let mut body = serde_json::json!({ "query": query });
    if let Some(r) = range {
        body["timespan"] = r.timespan_iso().into();
    }
    if !ws.additional_workspaces.is_empty() {
        body["workspaces"] = ws.additional_workspaces.clone().into();
    }
    Ok(HttpRequest::post_json(url, &body)
        .bearer(token)
        .header("Prefer", format!("wait={}", ws.server_timeout_s.clamp(1, 600))))
}

/// What a successful (2xx) query answer means (`status` and `body` as [`fetch_answer`] gives them): tables (maybe
/// with a partial error beside them), or for 204 an empty table that says why. The second half of [`run_query`];
/// also what reads an answer fetched on a page and handed to huntbook's Worker (`readTables(bytes, {format: "la",
/// status})`, through [`crate::query::read_answer`]).
pub fn interpret_response(status: u16, body: &[u8], service: &str) -> Result<QueryResult> {
    if status == 204 {
        let mut frame = Frame::new("PrimaryResult", polars::prelude::DataFrame::empty());
        frame.notes.push(format!("{service} answered 204 No Content: the workspace has no data for this query"));
        return Ok(QueryResult { tables: vec![frame], error: None });
    }
    parse_response(body).map_err(|e| match e {
        // a valid answer too large to read here: said as it is, not as a bad body
        Error::TooLarge(_) => e,
        e => Error::Service(format!("{service} answered 200 but the body is not a valid query response: {e}")),
    })
}

/// Sends a query and returns the service's 2xx answer unread: asks `token` for a token, sends the query (retrying
/// 429/503 and 5xx as `policy` says) and turns any other status, a network failure, cancellation, the timeout or a
/// body over the size cap into the error [`run_query`] gives. The first half of [`run_query`]; read the answer with
/// [`interpret_response`].
pub async fn fetch_answer<T: Transport, S: SecretSource>(
    transport: &T,
    ws: &Workspace,
    token: &S,
    query: &str,
    range: Option<&TimeRange>,
    policy: &RetryPolicy,
) -> Result<HttpResponse> {
    let service = ws.service(policy);
    let req = query_request(ws, query, range, &ask_secret(transport, token, TOKEN_SOURCE).await?)?;
    service.send_ok(transport, &req, None).await
}

/// Runs a query: [`fetch_answer`], then [`interpret_response`].
pub async fn run_query<T: Transport, S: SecretSource>(
    transport: &T,
    ws: &Workspace,
    token: &S,
    query: &str,
    range: Option<&TimeRange>,
    policy: &RetryPolicy,
) -> Result<QueryResult> {
    let resp = fetch_answer(transport, ws, token, query, range, policy).await?;
    interpret_response(resp.status, &resp.body, SERVICE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::testing::*;
    use crate::net::NetError;

    const OK: &str = r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[[1],[2]]}]}"#;

    fn ws() -> Workspace {
        let mut w = Workspace::new("52b1ab41-869e-4138-9e40-2a4457f09bf0");
        w.base_url = "http://127.0.0.1:9/".into();
        w
    }

    fn run(t: &Scripted) -> Result<QueryResult> {
        let range = TimeRange { start_ns: 1_667_606_400_000_000_000, end_ns: 1_667_865_600_000_000_000 };
        let token = Secret::new("tok-123", TOKEN_SOURCE).unwrap();
        block_on(run_query(t, &ws(), &token, "SigninLogs | take 1", Some(&range), &RetryPolicy::default()))
    }

    #[test]
    fn request_shape() {
        let t = Scripted::new(vec![response(200, &[], OK)]);
        let r = run(&t).unwrap();
        assert_eq!(r.tables[0].height(), 2);
        let sent = &t.sent.borrow()[0];
        assert_eq!(sent.method, "POST");
        assert_eq!(sent.url, "http://127.0.0.1:9/v1/workspaces/52b1ab41-869e-4138-9e40-2a4457f09bf0/query");
        let body: serde_json::Value = serde_json::from_str(&sent.body_text()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"query": "SigninLogs | take 1", "timespan": "2022-11-05T00:00:00.000Z/2022-11-08T00:00:00.000Z"})
        );
        assert!(sent.headers.contains(&("Authorization".into(), "Bearer tok-123".into())));
        assert!(sent.headers.contains(&("Prefer".into(), "wait=180".into())));
        assert!(!sent.url.contains("tok-123") && !sent.body_text().contains("tok-123"));
        assert!(!format!("{sent:?}").contains("tok-123"));
    }

    #[test]
    fn errors_say_what_to_check() {
        let semantic = r#"{"error":{"message":"The request had some invalid properties","code":"BadArgumentError","correlationId":"x",
          "innererror":{"code":"SemanticError","message":"A semantic error occurred.","innererror":{"code":"SEM0100",
          "message":"'where' operator: Failed to resolve table or column expression named 'IpAdress'"}}}}"#;
        let cases: Vec<(u16, &str, &str)> = vec![
            (400, semantic, "HTTP 400 BadArgumentError: The request had some invalid properties — 'where' operator: Failed to resolve table or column expression named 'IpAdress'. Check the query text"),
            (401, r#"{"error":{"code":"AuthenticationFailed","message":"Authentication failed."}}"#, "HTTP 401 AuthenticationFailed: Authentication failed. Check that getToken()"),
            (403, r#"{"error":{"code":"InsufficientAccessError","message":"The provided credentials have insufficient access."}}"#, "read access"),
            (504, r#"{"error":{"code":"GatewayTimeout","message":"ADX query timed out"}}"#, "HTTP 504 GatewayTimeout: ADX query timed out. Gave up after 4 attempts (3 retries). The query ran out of time"),
            (500, "<html>oops</html>", "HTTP 500: <html>oops</html>. Gave up after 4 attempts (3 retries)."),
        ];
        for (status, body, want) in cases {
            // 5xx answers are retried (3 times): the script answers the same to every attempt.
            let t = Scripted::new((0..4).map(|_| response(status, &[], body)).collect());
            let e = run(&t).unwrap_err().to_string();
            assert!(e.contains(want), "{status}: {e}");
        }
    }

    #[test]
    fn no_content_malformed_and_network() {
        let t = Scripted::new(vec![response(204, &[], "")]);
        let r = run(&t).unwrap();
        assert_eq!(r.tables[0].height(), 0);
        assert!(r.tables[0].notes[0].contains("204"));
        let t = Scripted::new(vec![response(200, &[], "{\"tables\": [")]);
        assert!(run(&t).unwrap_err().to_string().contains("not a valid query response"));
        let t = Scripted::new(vec![Err(NetError::Network("connection refused".into()))]);
        assert!(run(&t)
            .unwrap_err()
            .to_string()
            .contains("could not reach Log Analytics at http://127.0.0.1:9/v1/workspaces/"));
        let t = Scripted::new(vec![Err(NetError::Cancelled)]);
        assert!(matches!(run(&t).unwrap_err(), Error::Cancelled));
    }

    #[test]
    fn throttling_is_retried() {
        let t = Scripted::new(vec![response(429, &[("Retry-After", "2")], ""), response(200, &[], OK)]);
        assert_eq!(run(&t).unwrap().tables[0].height(), 2);
        assert_eq!(*t.slept.borrow(), [2000]);
    }

    #[test]
    fn empty_ids_and_tokens_are_refused_before_sending() {
        let t = Secret::new("t", TOKEN_SOURCE).unwrap();
        assert!(query_request(&Workspace::new(""), "x", None, &t).is_err());
        let e = Secret::new(" ", TOKEN_SOURCE).unwrap_err().to_string();
        assert!(
            e.contains("getToken() (an access token for https://api.loganalytics.io/.default) gave an empty"),
            "{e}"
        );
        let mut w = ws();
        w.additional_workspaces = vec!["a".into(), "b".into()];
        let req = query_request(&w, "x", None, &t).unwrap();
        assert!(req.body_text().contains("\"workspaces\":[\"a\",\"b\"]"));
        w.workspace_id = "..".into();
        assert!(query_request(&w, "x", None, &t).is_err(), "no path traversal through the workspace ID");
    }
}
