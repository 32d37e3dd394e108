//! Table schemas of a Log Analytics workspace from the Azure Resource Manager "workspace tables" API.
//!
//! `GET {arm}/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.OperationalInsights/workspaces/{name}/tables`
//! answers `value[]` with `properties.schema.{name, standardColumns[], customColumns[], columns[]}`.

use crate::error::{Error, Result};
use crate::frame::LaType;
use crate::net::HttpRequest;
use crate::query::loganalytics::encode_segment;

pub const DEFAULT_ARM_URL: &str = "https://management.azure.com";
pub const TABLES_API_VERSION: &str = "2021-12-01-preview";

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

/// The tables request (token for `https://management.azure.com/.default`, only in the header).
pub fn tables_request(arm: &ArmWorkspace, token: &str) -> Result<HttpRequest> {
    for (what, v) in [
        ("subscriptionId", &arm.subscription_id),
        ("resourceGroup", &arm.resource_group),
        ("workspaceName", &arm.workspace_name),
    ] {
        if v.trim().is_empty() {
            return Err(Error::invalid(format!("the ARM schema lookup needs {what}")));
        }
    }
    let url = format!(
        "{}/subscriptions/{}/resourceGroups/{}/providers/Microsoft.OperationalInsights/workspaces/{}/tables?api-version={}",
        arm.base_url.trim_end_matches('/'),
        encode_segment(arm.subscription_id.trim()),
        encode_segment(arm.resource_group.trim()),
        encode_segment(arm.workspace_name.trim()),
        TABLES_API_VERSION
    );
    Ok(HttpRequest::get(url).header("Authorization", format!("Bearer {}", token.trim())))
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
