//! Azure Data Explorer (Kusto) over its v2 REST API.
//!
//! `POST {cluster}/v2/rest/query` with `{"db", "csl"}` answers a JSON array of frames: `DataSetHeader`, one
//! `DataTable` per table (`TableKind` `QueryProperties`, `PrimaryResult`, `QueryCompletionInformation`) and
//! `DataSetCompletion`. The primary results become tables; `DataSetCompletion.HasErrors` (and its `OneApiErrors`)
//! becomes the error returned beside them. An answer that is not whole — `DataSetCompletion.Cancelled`, no
//! `DataSetCompletion` at all (cut short), or progressive `TableFragment` frames (not assembled here) — gets an
//! error too (`Cancelled`, `Incomplete`, `TableFragment`), and its tables are marked partial.

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::frame::loganalytics::{service_error, RawTable};
use crate::frame::{QueryResult, ServiceError};
use crate::net::{ask_secret, Endpoint, HttpRequest, HttpResponse, RetryPolicy, Secret, SecretSource, Service, Transport};
use crate::query::loganalytics::{QUERY_TEXT_HINT, SERVER_TIMEOUT_HINT};

const HINTS: &[(u16, &str)] = &[
    (400, QUERY_TEXT_HINT),
    (403, "Check that the signed-in account has viewer access on the database."),
    (404, "Check the cluster URL and the database name."),
    (504, SERVER_TIMEOUT_HINT),
];

/// A Data Explorer database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// `https://<cluster>.<region>.kusto.windows.net`
    pub url: String,
    pub database: String,
}

impl Cluster {
    /// Where the token comes from and what it must be (named in messages about it).
    pub fn token_source(&self) -> String {
        format!("getToken() (an access token for {}/.default)", self.url.trim().trim_end_matches('/'))
    }

    /// The Data Explorer service at this cluster.
    pub fn service(&self, policy: &RetryPolicy) -> Service {
        let credential = format!(
            "getToken() returns a valid, unexpired token for the cluster ({}/.default)",
            self.url.trim().trim_end_matches('/')
        );
        Service::new("Data Explorer", Endpoint::new(self.url.trim()), credential).retry(*policy).hints(HINTS)
    }
}

/// The v2 query request; the token goes only into the `Authorization` header.
pub fn query_request(cluster: &Cluster, query: &str, token: &Secret) -> Result<HttpRequest> {
    if cluster.url.trim().is_empty() || cluster.database.trim().is_empty() {
        return Err(Error::invalid("Data Explorer needs a cluster URL and a database name"));
    }
    let url = Endpoint::new(cluster.url.trim()).url(&["v2", "rest", "query"], &[])?;
    let body = serde_json::json!({ "db": cluster.database, "csl": query });
    Ok(HttpRequest::post_json(url, &body).bearer(token).header("Accept", "application/json"))
}

/// The fields of a v2 frame that say what it is (the rest is skipped without being parsed).
#[derive(Deserialize)]
struct FrameHead {
    #[serde(rename = "FrameType")]
    frame_type: Option<String>,
    #[serde(rename = "TableKind")]
    table_kind: Option<String>,
}

/// Parses a v2 response (an array of frames). Each frame is first kept as raw JSON and tables are streamed from it,
/// so a dynamic cell nested deeper than serde_json recurses is kept as text with a note (see
/// `frame::loganalytics`) instead of failing the whole answer.
pub fn parse_v2(bytes: &[u8]) -> Result<QueryResult> {
    crate::frame::room::check_room(bytes.len() as u64, false)?;
    let raw_frames: Vec<Box<serde_json::value::RawValue>> =
        serde_json::from_slice(bytes).map_err(|e| Error::parse("the Data Explorer response", e))?;
    let mut tables = Vec::new();
    let mut error = None;
    let mut completed = false;
    let mut fragments = false;
    let mut cancelled = false;
    for raw in raw_frames {
        let head: FrameHead = serde_json::from_str(raw.get()).map_err(|e| Error::parse("a Data Explorer frame", e))?;
        if head.frame_type.as_deref() == Some("DataTable") {
            if head.table_kind.as_deref() == Some("PrimaryResult") {
                let mut de = serde_json::Deserializer::from_str(raw.get());
                let table = RawTable::deserialize(&mut de).map_err(|e| Error::parse("a Data Explorer table", e))?;
                tables.push(table.finish()?);
            }
            continue;
        }
        let frame: serde_json::Value =
            serde_json::from_str(raw.get()).map_err(|e| Error::parse("a Data Explorer frame", e))?;
        let frame_type = frame.get("FrameType").and_then(|v| v.as_str());
        if frame_type == Some("DataSetCompletion") {
            completed = true;
            cancelled |= frame.get("Cancelled").and_then(|v| v.as_bool()) == Some(true);
        }
        // progressive answers (TableHeader / TableFragment / TableProgress / TableCompletion) are not assembled
        fragments |= matches!(frame_type, Some("TableHeader" | "TableFragment" | "TableProgress" | "TableCompletion"));
        match frame_type {
            Some("DataSetCompletion") if frame.get("HasErrors").and_then(|v| v.as_bool()) == Some(true) => {
                let first = frame
                    .get("OneApiErrors")
                    .and_then(|v| v.as_array())
                    .and_then(|a| a.first())
                    .and_then(|e| e.get("error"))
                    .map(service_error);
                error = Some(first.unwrap_or(ServiceError {
                    code: "HasErrors".into(),
                    message: "Data Explorer reported errors in the result (DataSetCompletion.HasErrors)".into(),
                    details: Vec::new(),
                }));
            }
            _ => {}
        }
    }
    let incomplete = |code: &str, message: &str| ServiceError { code: code.into(), message: message.into(), details: Vec::new() };
    if error.is_none() && !tables.is_empty() {
        if cancelled {
            error = Some(incomplete("Cancelled", "Data Explorer cancelled the query (DataSetCompletion.Cancelled): the tables are what it sent before"));
        } else if fragments {
            error = Some(incomplete(
                "TableFragment",
                "Data Explorer answered in progressive mode (TableFragment frames), which huntbook does not assemble: the tables may be incomplete",
            ));
        } else if !completed {
            error = Some(incomplete(
                "Incomplete",
                "the Data Explorer answer ended without its DataSetCompletion frame (cut short?): the tables may be incomplete",
            ));
        }
    }
    if tables.is_empty() && error.is_none() {
        return Err(Error::parse("the Data Explorer response", "it holds no PrimaryResult table"));
    }
    Ok(QueryResult { tables, error }.mark_partial())
}

/// Sends a query to a Data Explorer database and returns its 2xx answer unread: asks `token` for a token, sends
/// the query (retrying 429/503 and 5xx) and turns any other status or a transport failure into the error
/// [`run_query`] gives. The first half of [`run_query`]; read the body with [`parse_v2`].
pub async fn fetch_answer<T: Transport, S: SecretSource>(
    transport: &T,
    cluster: &Cluster,
    token: &S,
    query: &str,
    policy: &RetryPolicy,
) -> Result<HttpResponse> {
    let req = query_request(cluster, query, &ask_secret(transport, token, &cluster.token_source()).await?)?;
    cluster.service(policy).send_ok(transport, &req, None).await
}

/// Runs a query against a Data Explorer database: [`fetch_answer`], then [`parse_v2`].
pub async fn run_query<T: Transport, S: SecretSource>(
    transport: &T,
    cluster: &Cluster,
    token: &S,
    query: &str,
    policy: &RetryPolicy,
) -> Result<QueryResult> {
    parse_v2(&fetch_answer(transport, cluster, token, query, policy).await?.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_errors_is_surfaced_beside_the_tables() {
        let json = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
          {"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult",
           "Columns":[{"ColumnName":"A","ColumnType":"long"},{"ColumnName":"D","ColumnType":"dynamic"}],"Rows":[[1,{"k":[1]}]]},
          {"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false,"OneApiErrors":[{"error":{"code":"LimitsExceeded",
           "message":"Request is invalid and cannot be executed.","@type":"Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException"}}]}]"#;
        let r = parse_v2(json).unwrap();
        assert_eq!(r.tables[0].height(), 1);
        assert_eq!(r.tables[0].df().column("D").unwrap().str().unwrap().get(0), Some(r#"{"k":[1]}"#));
        assert_eq!(r.error.unwrap().code, "LimitsExceeded");
        assert!(parse_v2(b"[]").is_err());
        assert!(parse_v2(b"{}").is_err());
    }

    #[test]
    fn a_dynamic_cell_nested_10000_deep_keeps_the_answer() {
        // Issue #14: the frames were parsed into one JSON tree first, so serde_json's recursion limit lost the whole
        // answer to one deep cell. Run in wasm's 1 MiB stack.
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let json = format!(
            r#"[{{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}},
              {{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult",
               "Columns":[{{"ColumnName":"A","ColumnType":"long"}},{{"ColumnName":"D","ColumnType":"dynamic"}}],
               "Rows":[[1,{deep}],[2,{{"k":[1]}}]]}},
              {{"FrameType":"DataTable","TableId":2,"TableKind":"QueryCompletionInformation","TableName":"x","Columns":[],"Rows":[[{deep}]]}},
              {{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}}]"#
        );
        let r = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || parse_v2(json.as_bytes()).map_err(|e| e.to_string()))
            .unwrap()
            .join()
            .unwrap()
            .unwrap();
        assert!(r.error.is_none());
        let t = &r.tables[0];
        let d: Vec<Option<&str>> = t.df().column("D").unwrap().str().unwrap().into_iter().collect();
        assert_eq!(d, [Some(deep.as_str()), Some(r#"{"k":[1]}"#)]);
        assert_eq!(t.notes.len(), 1);
        assert!(t.notes[0].starts_with("column 'D': 1 value(s) nest arrays/objects more than 100 levels deep (first at row 0)"), "{:?}", t.notes);
    }
}
