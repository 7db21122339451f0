//! Groups: lookup by name or id, and their members (`members`, `transitiveMembers`, each
//! with or without the `microsoft.graph.user` cast), paged.
//!
//! Paging: a page holds min(`$top` or 100, the page cap) objects, `$top` above 999 is a
//! 400; while more remain the page carries an absolute `@odata.nextLink` with an opaque
//! `$skiptoken`. Devices, service principals and nested groups are members too, each
//! with its `@odata.type`; the cast leaves them out, and `transitiveMembers` flattens
//! nesting (each object once). A caller without a user-read permission (User.ReadBasic.All,
//! User.Read.All, Directory.Read.All) still gets 200, but each user is limited to
//! `@odata.type` and `id`.

use std::sync::Arc;

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use serde_json::{json, Map, Value};

use super::users::user_json;
use crate::b64;
use crate::directory::{Group, Member};
use crate::error::GraphError;
use crate::perms::{Caller, Need};
use crate::query::{display_name_filter, display_name_search, Query};
use crate::tenant::Tenant;

const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 999;

/// `GET /groups[?$filter=displayName eq 'NAME' | ?$search="displayName:TEXT"]`. As in
/// Entra, `$search` and `$count` are advanced queries: without `ConsistencyLevel: eventual`
/// they are refused (400 `Request_UnsupportedQuery`).
pub async fn list(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, GraphError> {
    caller.require(Need::GroupRead)?;
    let query = Query::parse(raw.as_deref());
    require_eventual(&query, &headers)?;
    let groups: Vec<Value> = match (query.get("filter"), query.get("search")) {
        (Some(_), Some(_)) => {
            return Err(GraphError::bad_request(
                "The simulated tenant does not combine $filter with $search.",
            ))
        }
        (Some(filter), None) => {
            let name = display_name_filter(filter)?;
            tenant
                .directory
                .groups_named(&name)
                .map(group_json)
                .collect()
        }
        (None, Some(search)) => {
            let text = display_name_search(search)?;
            tenant
                .directory
                .groups_searched(&text)
                .map(group_json)
                .collect()
        }
        (None, None) => tenant.directory.groups.iter().map(group_json).collect(),
    };
    let mut body = Map::new();
    if wants_count(&query) {
        body.insert("@odata.count".to_owned(), json!(groups.len()));
    }
    let top = query
        .get("top")
        .and_then(|t| t.parse().ok())
        .unwrap_or(DEFAULT_PAGE);
    body.insert(
        "value".to_owned(),
        Value::Array(groups.into_iter().take(top.min(MAX_PAGE)).collect()),
    );
    Ok(Json(Value::Object(body)))
}

fn wants_count(query: &Query) -> bool {
    query
        .get("count")
        .is_some_and(|c| c.eq_ignore_ascii_case("true"))
}

/// `$search` and `$count=true` on directory objects need `ConsistencyLevel: eventual`.
fn require_eventual(query: &Query, headers: &HeaderMap) -> Result<(), GraphError> {
    let eventual = headers
        .get("consistencylevel")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("eventual"));
    if eventual || (query.get("search").is_none() && !wants_count(query)) {
        return Ok(());
    }
    Err(GraphError::new(
        StatusCode::BAD_REQUEST,
        "Request_UnsupportedQuery",
        "Request with $search or $count query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    ))
}

/// `GET /groups/{id}`.
pub async fn get(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Value>, GraphError> {
    caller.require(Need::GroupRead)?;
    let (_, group) = tenant
        .directory
        .group(&id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    Ok(Json(group_json(group)))
}

/// `GET /groups/{id}/members` and `/transitiveMembers`, each with or without the
/// `microsoft.graph.user` cast: `TRANSITIVE` flattens nested groups, `USERS_ONLY` casts.
pub async fn listing<const TRANSITIVE: bool, const USERS_ONLY: bool>(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Result<Json<Value>, GraphError> {
    let listing = Listing {
        transitive: TRANSITIVE,
        users_only: USERS_ONLY,
    };
    list_members(&tenant, &caller, &id, raw, &uri, &headers, listing)
}

/// Which members a listing returns.
#[derive(Clone, Copy)]
struct Listing {
    transitive: bool,
    /// The `microsoft.graph.user` cast: users only, without `@odata.type`.
    users_only: bool,
}

fn list_members(
    tenant: &Tenant,
    caller: &Caller,
    id: &str,
    raw: Option<String>,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    listing: Listing,
) -> Result<Json<Value>, GraphError> {
    caller.require(Need::GroupRead)?;
    let query = Query::parse(raw.as_deref());
    require_eventual(&query, headers)?;
    let (index, _) = tenant
        .directory
        .group(id)
        .ok_or_else(|| GraphError::not_found(id))?;
    let top = match query.get("top") {
        None => DEFAULT_PAGE,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                GraphError::bad_request(format!(
                    "Invalid page size specified: '{text}'. Must be between 1 and {MAX_PAGE}."
                ))
            })?,
    };
    let cap = tenant.faults.page_size().unwrap_or(tenant.config.page_size);
    let page = top.min(cap.max(1));
    let offset = match query.get("skiptoken") {
        None => 0,
        Some(token) => decode_skiptoken(token)
            .ok_or_else(|| GraphError::bad_request("The $skiptoken is invalid or expired."))?,
    };
    let select = query.select();
    let directory = &tenant.directory;
    let live = tenant.live();
    let members_of = |g: usize| live.group_members[g].as_slice();
    let members: Vec<&Member> = if listing.users_only && listing.transitive {
        Vec::new()
    } else {
        directory
            .members_in(&members_of, index, listing.transitive)
            .into_iter()
            .filter(|m| !listing.users_only || matches!(m, Member::User(_)))
            .collect()
    };
    let users = if listing.users_only && listing.transitive {
        directory.transitive_users_in(&members_of, index)
    } else {
        Vec::new()
    };
    let total = members.len() + users.len();
    let mut value = Vec::new();
    let limited = !caller.reads_users();
    for user in users.iter().skip(offset).take(page) {
        value.push(if limited {
            limited_user(&user.id)
        } else {
            user_json(user, select.as_deref())?
        });
    }
    for member in members.iter().skip(offset).take(page) {
        value.push(match member {
            Member::User(u) if limited => limited_user(&tenant.directory.users[*u].id),
            _ => member_json(tenant, member, select.as_deref(), !listing.users_only)?,
        });
    }

    let mut body = Map::new();
    if wants_count(&query) {
        body.insert("@odata.count".to_owned(), json!(total));
    }
    let next = offset + value.len();
    if next < total {
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

/// A user as Graph lists it to a caller without a user-read permission: its type and id,
/// nothing else, whatever `$select` asks for.
fn limited_user(id: &uuid::Uuid) -> Value {
    json!({ "@odata.type": "#microsoft.graph.user", "id": id })
}

/// A member object; users honour `$select`, other kinds show id and displayName.
fn member_json(
    tenant: &Tenant,
    member: &Member,
    select: Option<&[String]>,
    typed: bool,
) -> Result<Value, GraphError> {
    let (kind, mut value) = match member {
        Member::User(u) => ("user", user_json(&tenant.directory.users[*u], select)?),
        Member::Group(g) => ("group", group_json(&tenant.directory.groups[*g])),
        Member::Device { id, display_name } => {
            ("device", json!({ "id": id, "displayName": display_name }))
        }
        Member::ServicePrincipal { id, display_name } => (
            "servicePrincipal",
            json!({ "id": id, "displayName": display_name }),
        ),
    };
    if typed {
        value["@odata.type"] = json!(format!("#microsoft.graph.{kind}"));
    }
    Ok(value)
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
