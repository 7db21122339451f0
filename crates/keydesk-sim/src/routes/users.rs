//! `GET /users/{id-or-upn}`, the user JSON shared with the member listing, and
//! `GET /users/{id}/transitiveMemberOf/microsoft.graph.directoryRole` (the user's roles).
//!
//! `$select` returns the selected properties (plus `id`). Loosely: a property the simulator
//! does not model comes back `null` (as an unset property does in Graph); only a name that
//! cannot be a property (spaces, punctuation) is a 400. Without `$select` the default set is returned, plus `accountEnabled` and
//! `userType` (real Graph omits those two by default; the simulator is lenient there).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use serde_json::{json, Map, Value};

use crate::directory::User;
use crate::error::GraphError;
use crate::perms::{Caller, Need};
use crate::query::Query;
use crate::tenant::Tenant;

const DEFAULT_PROPERTIES: &[&str] = &[
    "id",
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "accountEnabled",
    "userType",
];

/// The handler.
pub async fn get(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, GraphError> {
    let user = readable_user(&tenant, &caller, &id)?;
    let select = Query::parse(raw.as_deref()).select();
    Ok(Json(user_json(user, select.as_deref())?))
}

/// `GET /me`: the signed-in user; app-only tokens have no "me".
pub async fn me(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, GraphError> {
    let Some(id) = caller.user() else {
        return Err(GraphError::bad_request(
            "/me request is only valid with delegated authentication flow.",
        ));
    };
    caller.require(Need::SignedInUser)?;
    let user = tenant
        .directory
        .user(&id.to_string())
        .ok_or_else(|| GraphError::not_found(&id.to_string()))?;
    let select = Query::parse(raw.as_deref()).select();
    Ok(Json(user_json(user, select.as_deref())?))
}

/// A user as Graph renders it under an optional `$select`.
pub fn user_json(user: &User, select: Option<&[String]>) -> Result<Value, GraphError> {
    let all = all_properties(user);
    let mut out = Map::new();
    out.insert("id".to_owned(), all["id"].clone());
    match select {
        None => {
            for name in DEFAULT_PROPERTIES {
                out.insert((*name).to_owned(), all[*name].clone());
            }
        }
        Some(names) => {
            for name in names {
                match all.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
                    Some((key, value)) => out.insert(key.clone(), value.clone()),
                    None if is_identifier(name) => out.insert(name.clone(), Value::Null),
                    None => {
                        return Err(GraphError::bad_request(format!(
                        "Could not find a property named '{name}' on type 'microsoft.graph.user'."
                    )))
                    }
                };
            }
        }
    }
    Ok(Value::Object(out))
}

fn is_identifier(name: &str) -> bool {
    name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn all_properties(user: &User) -> Map<String, Value> {
    let value = json!({
        "id": user.id,
        "businessPhones": [],
        "displayName": user.display_name,
        "givenName": user.given_name,
        "jobTitle": user.job_title,
        "department": Some(&user.department).filter(|d| !d.is_empty()),
        "mail": user.mail,
        "mobilePhone": null,
        "officeLocation": Some(&user.office).filter(|o| !o.is_empty()),
        "preferredLanguage": "en-US",
        "surname": user.surname,
        "userPrincipalName": user.upn,
        "accountEnabled": user.account_enabled,
        "userType": user.user_type.as_str(),
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `GET /users/{id}/transitiveMemberOf/microsoft.graph.directoryRole`: the directory roles
/// the user holds, as Graph lists them (one page).
pub async fn roles(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Value>, GraphError> {
    let user = readable_user(&tenant, &caller, &id)?;
    let value: Vec<Value> = user
        .roles
        .iter()
        .map(|name| {
            json!({
                "@odata.type": "#microsoft.graph.directoryRole",
                // The activated role's object id; the template id is Entra's, public.
                "id": "9a1b3c5d-0000-4000-8000-00000000a0a0",
                "roleTemplateId": "62e90394-69f5-4237-9190-012177145e10",
                "displayName": name,
            })
        })
        .collect();
    Ok(Json(json!({ "value": value })))
}

/// The user `id` names, when the caller may read users.
fn readable_user<'a>(
    tenant: &'a Tenant,
    caller: &Caller,
    id: &str,
) -> Result<&'a User, GraphError> {
    caller.require(Need::UserRead)?;
    tenant
        .directory
        .user(id)
        .ok_or_else(|| GraphError::not_found(id))
}
