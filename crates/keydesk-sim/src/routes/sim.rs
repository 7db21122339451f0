//! Test-only controls under `/_sim`: a state dump and the simulated clock.
//!
//! No authentication; these exist for tests and demos, not for the client under test.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::b64;
use crate::clock::rfc3339_seconds;
use crate::tenant::Tenant;

/// `GET /_sim/state`.
pub async fn state(State(tenant): State<Arc<Tenant>>) -> Json<Value> {
    let live = tenant.live();
    let users: Vec<Value> = tenant
        .directory
        .users
        .iter()
        .map(|u| {
            let passkeys: Vec<Value> = live
                .passkeys
                .get(&u.id)
                .into_iter()
                .flatten()
                .map(|p| {
                    json!({
                        "id": p.id,
                        "displayName": p.display_name,
                        "aaGuid": p.aaguid,
                        "credentialId": b64::encode(&p.credential_id),
                    })
                })
                .collect();
            json!({
                "id": u.id,
                "upn": u.upn,
                "displayName": u.display_name,
                "accountEnabled": u.account_enabled,
                "userType": u.user_type.as_str(),
                "passkeys": passkeys,
            })
        })
        .collect();
    let c = &tenant.counters;
    Json(json!({
        "tenantId": tenant.directory.tenant_id,
        "now": rfc3339_seconds(tenant.clock.now()),
        "users": users,
        "counters": {
            "graphRequests": c.graph_requests.load(Ordering::Relaxed),
            "tokenRequests": c.token_requests.load(Ordering::Relaxed),
            "registrations": c.registrations.load(Ordering::Relaxed),
            "rejectedRegistrations": c.rejected_registrations.load(Ordering::Relaxed),
        }
    }))
}

/// `POST /_sim/clock` with `{"advanceSeconds": N}`.
pub async fn clock(
    State(tenant): State<Arc<Tenant>>,
    body: Bytes,
) -> Result<Json<Value>, (StatusCode, String)> {
    let seconds = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("advanceSeconds").and_then(Value::as_u64))
        .ok_or((
            StatusCode::BAD_REQUEST,
            "expected {\"advanceSeconds\": <non-negative integer>}".to_owned(),
        ))?;
    tenant.clock.advance(Duration::from_secs(seconds));
    tracing::info!(seconds, "simulated clock advanced");
    Ok(Json(json!({ "now": rfc3339_seconds(tenant.clock.now()) })))
}
