//! `/users/{id}/authentication/temporaryAccessPassMethods`: issue, list and delete a
//! Temporary Access Pass, and the TAP method policy.
//!
//! Create body `{startDateTime?, lifetimeInMinutes?, isUsableOnce?}`; the 201 answer carries
//! the pass in clear, the only time Graph shows it (a listing has `temporaryAccessPass:
//! null`). The request is judged against the TAP policy: method disabled, a lifetime
//! outside the policy's minimum..maximum, or a reusable pass where the policy makes every
//! pass one-time are 400s. One pass per user: a new one replaces the one the user had
//! (Graph does not refuse it). Disabled accounts are refused. An expired or used pass stays
//! listed (`isUsable: false`) until deleted.
//!
//! Not modelled: the policy's include/exclude targets, signing in with a pass (the phone
//! hook `/_sim/phone` stands for it).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use rand::Rng;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::clock::rfc3339_seconds;
use crate::error::GraphError;
use crate::perms::{Caller, Need};
use crate::tap_policy::TapPolicy;
use crate::tenant::{Tap, Tenant};

const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789@#$%&*+=";

/// `GET /policies/.../authenticationMethodConfigurations/TemporaryAccessPass`.
pub async fn policy(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, GraphError> {
    caller.require(Need::PolicyRead)?;
    Ok(Json(tenant.live().tap_policy.to_graph()))
}

/// `POST .../temporaryAccessPassMethods`.
pub async fn create(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require(Need::TapWrite)?;
    let user = tenant
        .directory
        .user(&id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    let body: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| GraphError::bad_request(format!("Malformed request body: {e}.")))?
    };
    let policy = tenant.live().tap_policy.clone();
    let now = tenant.clock.now();
    let start = match body.get("startDateTime") {
        None | Some(Value::Null) => now,
        Some(value) => value
            .as_str()
            .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
            .ok_or_else(|| {
                GraphError::bad_request("startDateTime must be an RFC 3339 date and time.")
            })?,
    };
    let (lifetime, usable_once) = judge(&policy, &body)?;
    if !user.account_enabled {
        return Err(GraphError::invalid_request(format!(
            "User '{}' is disabled (accountEnabled false); a Temporary Access Pass cannot be issued.",
            user.upn
        )));
    }
    let mut rng = rand::rng();
    let length = policy.default_length.clamp(8, 48);
    let pass: String = (0..length)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    let tap = Tap {
        id: Uuid::new_v4(),
        pass: pass.clone(),
        consumed: false,
        created: now,
        start,
        lifetime_minutes: lifetime,
        usable_once,
    };
    if tenant.live().taps.insert(user.id, tap.clone()).is_some() {
        tracing::info!(user = %user.id, "the earlier temporary access pass was replaced");
    }
    tracing::info!(user = %user.id, lifetime, usable_once, "temporary access pass issued");
    let mut body = method_json(&tap, now);
    body["temporaryAccessPass"] = Value::String(pass);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The lifetime and one-time flag of a request, or the 400 the policy answers.
fn judge(policy: &TapPolicy, body: &Value) -> Result<(u32, bool), GraphError> {
    if !policy.enabled {
        return Err(GraphError::invalid_request(
            "The Temporary Access Pass authentication method is not enabled in this tenant.",
        ));
    }
    let (min, max) = (
        policy.minimum_lifetime_in_minutes,
        policy.maximum_lifetime_in_minutes,
    );
    let lifetime = match body.get("lifetimeInMinutes") {
        None | Some(Value::Null) => policy.default_lifetime_in_minutes,
        Some(value) => value
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| (min..=max).contains(n) && (10..=43200).contains(n))
            .ok_or_else(|| {
                GraphError::bad_request(format!(
                    "lifetimeInMinutes must be an integer between {min} and {max} (the tenant's Temporary Access Pass policy), got {value}."
                ))
            })?,
    };
    let usable_once = match body.get("isUsableOnce") {
        None | Some(Value::Null) => policy.is_usable_once,
        Some(value) => value
            .as_bool()
            .ok_or_else(|| GraphError::bad_request("isUsableOnce must be a boolean."))?,
    };
    if policy.is_usable_once && !usable_once {
        return Err(GraphError::bad_request(
            "The tenant's Temporary Access Pass policy requires one-time passes; isUsableOnce cannot be false.",
        ));
    }
    Ok((lifetime, usable_once))
}

/// `GET .../temporaryAccessPassMethods`: the user's pass, if any, without its code.
pub async fn list(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Value>, GraphError> {
    caller.require(Need::TapRead)?;
    let user = tenant
        .directory
        .user(&id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    let now = tenant.clock.now();
    let value: Vec<Value> = tenant
        .live()
        .taps
        .get(&user.id)
        .map(|tap| method_json(tap, now))
        .into_iter()
        .collect();
    Ok(Json(json!({ "value": value })))
}

/// `DELETE .../temporaryAccessPassMethods/{methodId}`: 204, or 404 for an unknown id.
pub async fn delete(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    Path((id, method)): Path<(String, String)>,
) -> Result<StatusCode, GraphError> {
    caller.require(Need::TapWrite)?;
    let user = tenant
        .directory
        .user(&id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    let mut live = tenant.live();
    match live.taps.get(&user.id) {
        Some(tap) if tap.id.to_string().eq_ignore_ascii_case(&method) => {
            live.taps.remove(&user.id);
            tracing::info!(user = %user.id, "temporary access pass deleted");
            Ok(StatusCode::NO_CONTENT)
        }
        _ => Err(GraphError::not_found(&method)),
    }
}

/// A pass as Graph renders it, with `temporaryAccessPass: null`.
fn method_json(tap: &Tap, now: OffsetDateTime) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
        "id": tap.id,
        "temporaryAccessPass": null,
        "createdDateTime": rfc3339_seconds(tap.created),
        "startDateTime": rfc3339_seconds(tap.start),
        "lifetimeInMinutes": tap.lifetime_minutes,
        "isUsableOnce": tap.usable_once,
        "isUsable": tap.usable_at(now),
        "methodUsabilityReason": tap.usability(now),
    })
}
