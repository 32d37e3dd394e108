//! Table schemas of a Log Analytics workspace from the Azure Resource Manager "workspace tables" API.
//!
//! `GET {arm}/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.OperationalInsights/workspaces/{name}/tables`
//! answers `value[]` with `properties.schema.{name, standardColumns[], customColumns[], columns[]}`.
//! [`fetch_tables`] asks for a token, sends the request (retrying 429/503) and reads the answer.

use crate::error::{Error, Result};
use crate::frame::LaType;
use crate::net::{ask_secret, Endpoint, HttpRequest, RetryPolicy, Secret, SecretSource, Service, Transport};

pub const DEFAULT_ARM_URL: &str = "https://management.azure.com";
pub const TABLES_API_VERSION: &str = "2021-12-01-preview";
/// Where the token comes from and what it must be (named in messages about it).
pub const TOKEN_SOURCE: &str = "getToken() (an access token for https://management.azure.com/.default)";

const HINTS: &[(u16, &str)] = &[
    (403, "Check that the signed-in account can read the workspace resource (e.g. Log Analytics Reader or Reader)."),
    (404, "Check subscriptionId, resourceGroup, workspaceName and the ARM base URL."),
];

/// The ARM address of a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmWorkspace {
    pub subscription_id: String,
    pub resource_group: String,
    pub workspace_name: String,
    pub base_url: String,
}

/// One table's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSchema {
    pub name: String,
    pub columns: Vec<(String, LaType)>,
}

impl ArmWorkspace {
    /// The Azure Resource Manager service at this address's base URL.
    pub fn service(&self, policy: &RetryPolicy) -> Service {
        let credential = "getToken() returns a valid, unexpired token for https://management.azure.com/.default";
        Service::new("Azure Resource Manager", Endpoint::new(self.base_url.clone()), credential)
            .retry(*policy)
            .hints(HINTS)
    }
}

/// The tables request (token for `https://management.azure.com/.default`, only in the header).
pub fn tables_request(arm: &ArmWorkspace, token: &Secret) -> Result<HttpRequest> {
    for (what, v) in [
        ("subscriptionId", &arm.subscription_id),
        ("resourceGroup", &arm.resource_group),
        ("workspaceName", &arm.workspace_name),
    ] {
        if v.trim().is_empty() {
            return Err(Error::invalid(format!("the ARM schema lookup needs {what}")));
        }
    }
    let path = [
        "subscriptions",
        arm.subscription_id.trim(),
        "resourceGroups",
        arm.resource_group.trim(),
        "providers",
        "Microsoft.OperationalInsights",
        "workspaces",
        arm.workspace_name.trim(),
        "tables",
    ];
    let url = Endpoint::new(arm.base_url.clone()).url(&path, &[("api-version", TABLES_API_VERSION)])?;
    Ok(HttpRequest::get(url).bearer(token))
}

/// The workspace's table schemas from ARM: asks `token` for a token, sends the request (retrying 429/503 as
/// `policy` says), and parses the answer; a failure says what to check.
pub async fn fetch_tables<T: Transport, S: SecretSource>(
    transport: &T,
    arm: &ArmWorkspace,
    token: &S,
    policy: &RetryPolicy,
) -> Result<Vec<TableSchema>> {
    let req = tables_request(arm, &ask_secret(transport, token, TOKEN_SOURCE).await?)?;
    let resp = arm.service(policy).send_ok(transport, &req, None).await?;
    parse_tables(&resp.body)
}

/// Parses the ARM tables response into schemas, sorted by table name.
pub fn parse_tables(bytes: &[u8]) -> Result<Vec<TableSchema>> {
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| Error::parse("the ARM tables response", e))?;
    let list = v
        .get("value")
        .and_then(|x| x.as_array())
        .ok_or_else(|| Error::parse("the ARM tables response", "it has no 'value' list"))?;
    let mut out = Vec::new();
    for t in list {
        let schema = t.pointer("/properties/schema");
        let name = schema
            .and_then(|s| s.get("name"))
            .or_else(|| t.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_string();
        if name.is_empty() {
            continue;
        }
        let mut columns = Vec::new();
        for key in ["standardColumns", "columns", "customColumns"] {
            if let Some(cols) = schema.and_then(|s| s.get(key)).and_then(|c| c.as_array()) {
                for c in cols {
                    if let Some(n) = c.get("name").and_then(|n| n.as_str()) {
                        let ty = c.get("type").and_then(|t| t.as_str()).unwrap_or("string");
                        columns.push((n.to_string(), LaType::from_wire(ty)));
                    }
                }
            }
        }
        out.push(TableSchema { name, columns });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::testing::*;

    fn arm() -> ArmWorkspace {
        ArmWorkspace {
            subscription_id: "sub 1".into(),
            resource_group: "rg1".into(),
            workspace_name: "ws1".into(),
            base_url: "http://127.0.0.1:9".into(),
        }
    }

    #[test]
    fn fetch_tables_sends_retries_and_maps_errors_in_the_core() {
        let body = r#"{"value":[{"name":"B","properties":{"schema":{"name":"B","standardColumns":[{"name":"TimeGenerated","type":"datetime"}]}}},
            {"name":"A","properties":{"schema":{"name":"A","columns":[{"name":"n","type":"long"}]}}}]}"#;
        let t = Scripted::new(vec![response(429, &[("Retry-After", "1")], ""), response(200, &[], body)]);
        let token = Secret::new("arm-token", TOKEN_SOURCE).unwrap();
        let tables = block_on(fetch_tables(&t, &arm(), &token, &RetryPolicy::default())).unwrap();
        assert_eq!(tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!(tables[0].columns, [("n".to_string(), LaType::Long)]);
        let sent = &t.sent.borrow()[1];
        assert_eq!(
            sent.url,
            "http://127.0.0.1:9/subscriptions/sub%201/resourceGroups/rg1/providers/Microsoft.OperationalInsights/workspaces/ws1/tables?api-version=2021-12-01-preview"
        );
        assert!(sent.headers.contains(&("Authorization".into(), "Bearer arm-token".into())));
        assert_eq!(*t.slept.borrow(), [1000]);

        let t = Scripted::new(vec![response(
            403,
            &[],
            r#"{"error":{"code":"AuthorizationFailed","message":"no access"}}"#,
        )]);
        let e = block_on(fetch_tables(&t, &arm(), &token, &RetryPolicy::default())).unwrap_err().to_string();
        assert_eq!(
            e,
            "Azure Resource Manager answered HTTP 403 AuthorizationFailed: no access. Check that the signed-in account can read the workspace resource (e.g. Log Analytics Reader or Reader)."
        );
        let t = Scripted::new(vec![]);
        let e = block_on(fetch_tables(&t, &arm(), &token, &RetryPolicy::default())).unwrap_err().to_string();
        assert!(e.starts_with("could not reach Azure Resource Manager at http://127.0.0.1:9/subscriptions/"), "{e}");
        let mut a = arm();
        a.workspace_name = " ".into();
        assert!(tables_request(&a, &token).unwrap_err().to_string().contains("workspaceName"));
    }
}
