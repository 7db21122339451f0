//! `POST /users/{id}/authentication/temporaryAccessPassMethods`: issue a Temporary Access
//! Pass.
//!
//! Body `{startDateTime?, lifetimeInMinutes? (10..=43200, default 60), isUsableOnce?}`; the
//! 201 answer carries the pass in clear, the only time it is shown. One pass per user: a
//! new one replaces the one the user had (Graph does not refuse it). Disabled accounts are refused.
//!
//! Not modelled: the TAP method policy (its own min/max lifetime), listing and deleting
//! passes, signing in with one.

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
use crate::tenant::{Tap, Tenant};

const DEFAULT_LIFETIME: u32 = 60;
const LIFETIME: std::ops::RangeInclusive<u32> = 10..=43200;
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789@#$%&*+=";

/// The handler.
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
    let lifetime = match body.get("lifetimeInMinutes") {
        None | Some(Value::Null) => DEFAULT_LIFETIME,
        Some(value) => value
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| LIFETIME.contains(n))
            .ok_or_else(|| {
                GraphError::bad_request(format!(
                    "lifetimeInMinutes must be an integer between {} and {}, got {value}.",
                    LIFETIME.start(),
                    LIFETIME.end()
                ))
            })?,
    };
    let usable_once = match body.get("isUsableOnce") {
        None | Some(Value::Null) => false,
        Some(value) => value
            .as_bool()
            .ok_or_else(|| GraphError::bad_request("isUsableOnce must be a boolean."))?,
    };
    if !user.account_enabled {
        return Err(GraphError::invalid_request(format!(
            "User '{}' is disabled (accountEnabled false); a Temporary Access Pass cannot be issued.",
            user.upn
        )));
    }
    let tap = Tap {
        id: Uuid::new_v4(),
        created: now,
        start,
        lifetime_minutes: lifetime,
        usable_once,
    };
    {
        let mut live = tenant.live();
        if live.taps.insert(user.id, tap.clone()).is_some() {
            tracing::info!(user = %user.id, "the earlier temporary access pass was replaced");
        }
    }
    let mut rng = rand::rng();
    let pass: String = (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    tracing::info!(user = %user.id, lifetime, usable_once, "temporary access pass issued");
    let usable = tap.start <= now;
    let body = json!({
        "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
        "id": tap.id,
        "temporaryAccessPass": pass,
        "createdDateTime": rfc3339_seconds(tap.created),
        "startDateTime": rfc3339_seconds(tap.start),
        "lifetimeInMinutes": tap.lifetime_minutes,
        "isUsableOnce": tap.usable_once,
        "isUsable": usable,
        "methodUsabilityReason": if usable { "EnabledByPolicy" } else { "NotYetValid" },
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}
