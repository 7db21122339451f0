//! Groups: lookup by name or id, and the transitive user members with paging.
//!
//! Paging: a page holds min(`$top` or 100, `SimConfig::page_size`, 999) users; while more
//! remain the page carries an absolute `@odata.nextLink` with an opaque `$skiptoken`.
//! Devices, service principals and nested groups are members too, but the
//! `microsoft.graph.user` cast leaves them out; nested groups' users are flattened in.
//! `/members` (direct, untyped) shows them all.

use std::sync::Arc;

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::header::HOST;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Map, Value};

use super::users::user_json;
use crate::b64;
use crate::directory::{Group, Member};
use crate::error::GraphError;
use crate::query::{display_name_filter, Query};
use crate::tenant::Tenant;

const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 999;

/// `GET /groups[?$filter=displayName eq 'NAME']`.
pub async fn list(
    State(tenant): State<Arc<Tenant>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, GraphError> {
    let query = Query::parse(raw.as_deref());
    let groups: Vec<Value> = match query.get("filter") {
        Some(filter) => {
            let name = display_name_filter(filter)?;
            tenant
                .directory
                .groups_named(&name)
                .map(group_json)
                .collect()
        }
        None => tenant.directory.groups.iter().map(group_json).collect(),
    };
    Ok(Json(json!({ "value": groups })))
}

/// `GET /groups/{id}`.
pub async fn get(
    State(tenant): State<Arc<Tenant>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, GraphError> {
    let (_, group) = tenant
        .directory
        .group(&id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    Ok(Json(group_json(group)))
}

/// `GET /groups/{id}/transitiveMembers/microsoft.graph.user`.
pub async fn transitive_users(
    State(tenant): State<Arc<Tenant>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Result<Json<Value>, GraphError> {
    let (index, _) = tenant
        .directory
        .group(&id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    let query = Query::parse(raw.as_deref());
    let top = match query.get("top") {
        None => DEFAULT_PAGE,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                GraphError::bad_request(format!("Invalid page size specified: '{text}'."))
            })?,
    };
    let page = top.min(tenant.config.page_size.max(1)).min(MAX_PAGE);
    let offset = match query.get("skiptoken") {
        None => 0,
        Some(token) => decode_skiptoken(token)
            .ok_or_else(|| GraphError::bad_request("The $skiptoken is invalid or expired."))?,
    };
    let select = query.select();
    let users = tenant.directory.transitive_users(index);
    let value = users
        .iter()
        .skip(offset)
        .take(page)
        .map(|u| user_json(u, select.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;

    let mut body = Map::new();
    if query
        .get("count")
        .is_some_and(|c| c.eq_ignore_ascii_case("true"))
    {
        body.insert("@odata.count".to_owned(), json!(users.len()));
    }
    let next = offset + value.len();
    if next < users.len() {
        let host = headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("127.0.0.1:{}", tenant.config.port));
        let mut link = format!("http://{host}{}?", uri.path());
        for (k, v) in query.without("skiptoken") {
            let v: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            link.push_str(&format!("{k}={v}&"));
        }
        link.push_str(&format!("$skiptoken={}", encode_skiptoken(next)));
        body.insert("@odata.nextLink".to_owned(), json!(link));
    }
    body.insert("value".to_owned(), Value::Array(value));
    Ok(Json(Value::Object(body)))
}

/// `GET /groups/{id}/members`: direct members of every type, each with `@odata.type`.
pub async fn members(
    State(tenant): State<Arc<Tenant>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, GraphError> {
    let (_, group) = tenant
        .directory
        .group(&id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    let value = group
        .members
        .iter()
        .map(|member| {
            let (kind, id, name) = match member {
                Member::User(u) => {
                    let user = &tenant.directory.users[*u];
                    ("user", user.id, user.display_name.as_str())
                }
                Member::Group(g) => {
                    let group = &tenant.directory.groups[*g];
                    ("group", group.id, group.display_name.as_str())
                }
                Member::Device { id, display_name } => ("device", *id, display_name.as_str()),
                Member::ServicePrincipal { id, display_name } => {
                    ("servicePrincipal", *id, display_name.as_str())
                }
            };
            json!({ "@odata.type": format!("#microsoft.graph.{kind}"), "id": id, "displayName": name })
        })
        .collect::<Vec<_>>();
    Ok(Json(json!({ "value": value })))
}

fn group_json(group: &Group) -> Value {
    json!({
        "id": group.id,
        "displayName": group.display_name,
        "description": group.description,
        "groupTypes": [],
        "mailEnabled": false,
        "securityEnabled": true,
    })
}

fn encode_skiptoken(offset: usize) -> String {
    format!(
        "RFNwdAIAAQAAA{}",
        b64::encode(format!("offset:{offset}").as_bytes())
    )
}

fn decode_skiptoken(token: &str) -> Option<usize> {
    let rest = token.strip_prefix("RFNwdAIAAQAAA")?;
    let text = String::from_utf8(b64::decode_lenient(rest)?).ok()?;
    text.strip_prefix("offset:")?.parse().ok()
}
