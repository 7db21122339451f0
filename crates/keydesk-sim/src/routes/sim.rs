//! Test-only controls under `/_sim`: a state dump (each user's Temporary Access Pass with
//! its code, so tests can compare it with what was printed), the simulated clock, the fault
//! knobs, the FIDO2 and TAP policies, and planting a passkey with a chosen credential id.
//! The phone that signs in with a pass is [`super::phone`].
//!
//! No authentication; these exist for tests and demos, not for the client under test.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;

use crate::b64;
use crate::clock::rfc3339_seconds;
use crate::faults::Faults;
use crate::policy::Fido2Policy;
use crate::tap_policy::TapPolicy;
use crate::tenant::{Passkey, Tenant};

/// `GET /_sim/state`.
///
/// Every stored passkey is reported, including those a listing delay still hides from
/// Graph (`visible: false`): `users[].passkeys`, `users[].passkeyCount`, and
/// `passkeyCounts` (user id → count, only users holding at least one).
pub async fn state(State(tenant): State<Arc<Tenant>>) -> Json<Value> {
    let now = tenant.clock.now();
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
                        "createdDateTime": rfc3339_seconds(p.created),
                        "visibleFrom": p.visible_from.format(&Rfc3339).unwrap_or_default(),
                        "visible": p.visible_at(now),
                    })
                })
                .collect();
            json!({
                "id": u.id,
                "upn": u.upn,
                "displayName": u.display_name,
                "accountEnabled": u.account_enabled,
                "userType": u.user_type.as_str(),
                "passkeyCount": passkeys.len(),
                "passkeys": passkeys,
                "hasTemporaryAccessPass": live.taps.contains_key(&u.id),
                "temporaryAccessPass": live.taps.get(&u.id).map(|t| json!({
                    "id": t.id,
                    "pass": t.pass,
                    "startDateTime": rfc3339_seconds(t.start),
                    "endDateTime": rfc3339_seconds(t.end()),
                    "lifetimeInMinutes": t.lifetime_minutes,
                    "isUsableOnce": t.usable_once,
                    "usability": t.usability(now),
                })),
            })
        })
        .collect();
    let passkey_counts: Map<String, Value> = live
        .passkeys
        .iter()
        .filter(|(_, keys)| !keys.is_empty())
        .map(|(user, keys)| (user.to_string(), keys.len().into()))
        .collect();
    let c = &tenant.counters;
    let f = &tenant.faults.counters;
    Json(json!({
        "tenantId": tenant.directory.tenant_id,
        "now": rfc3339_seconds(now),
        "methodIds": tenant.method_ids.mode(),
        "users": users,
        "passkeyCounts": passkey_counts,
        "counters": {
            "graphRequests": c.graph_requests.load(Ordering::Relaxed),
            "tokenRequests": c.token_requests.load(Ordering::Relaxed),
            "registrations": c.registrations.load(Ordering::Relaxed),
            "rejectedRegistrations": c.rejected_registrations.load(Ordering::Relaxed),
            "throttled": f.throttled.load(Ordering::Relaxed),
            "unavailable": f.unavailable.load(Ordering::Relaxed),
            "lostResponses": f.lost_responses.load(Ordering::Relaxed),
            "droppedConnections": f.dropped_connections.load(Ordering::Relaxed),
            "malformed": f.malformed.load(Ordering::Relaxed),
        },
        "faults": tenant.faults.knobs(),
        "policy": live.policy,
        "tapPolicy": live.tap_policy,
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

/// `GET /_sim/faults`: the knobs in force.
pub async fn get_faults(State(tenant): State<Arc<Tenant>>) -> Json<Faults> {
    Json(tenant.faults.knobs())
}

/// `POST /_sim/faults` with a [`Faults`] body: replaces every knob (absent ones are off)
/// and restarts the "every k-th" counts.
pub async fn set_faults(
    State(tenant): State<Arc<Tenant>>,
    body: Bytes,
) -> Result<Json<Faults>, (StatusCode, String)> {
    let knobs: Faults = serde_json::from_slice(&body)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("invalid fault knobs: {e}")))?;
    if !(0.0..=1.0).contains(&knobs.throttle_probability)
        || !(0.0..=1.0).contains(&knobs.fail_probability)
    {
        return Err((
            StatusCode::BAD_REQUEST,
            "probabilities must be between 0 and 1".to_owned(),
        ));
    }
    tracing::info!(?knobs, "fault knobs set");
    tenant.faults.set(knobs.clone());
    Ok(Json(knobs))
}

/// `POST /_sim/policy` with a [`Fido2Policy`] body: replaces the FIDO2 method policy.
pub async fn set_policy(
    State(tenant): State<Arc<Tenant>>,
    body: Bytes,
) -> Result<Json<Value>, (StatusCode, String)> {
    let policy: Fido2Policy = serde_json::from_slice(&body)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("invalid policy: {e}")))?;
    let graph = policy.to_graph();
    tenant.live().policy = policy;
    Ok(Json(graph))
}

/// `POST /_sim/tapPolicy` with a [`TapPolicy`] body (camelCase, absent fields take
/// Entra's defaults): replaces the Temporary Access Pass method policy.
pub async fn set_tap_policy(
    State(tenant): State<Arc<Tenant>>,
    body: Bytes,
) -> Result<Json<Value>, (StatusCode, String)> {
    let policy: TapPolicy = serde_json::from_slice(&body)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("invalid TAP policy: {e}")))?;
    let graph = policy.to_graph();
    tenant.live().tap_policy = policy;
    Ok(Json(graph))
}

/// `POST /_sim/passkeys` with `{"user": "<id or UPN>", "credentialIdHex": "<hex>"}`: plants
/// a passkey with that credential id for the user, as if registered earlier (for tests of
/// how credential ids are spelled in `excludeCredentials`, and of a user who already has
/// passkeys). Optional `displayName` (default "Planted key") and `aaguid` (default nil).
/// Answers the method as Graph renders it.
pub async fn plant_passkey(
    State(tenant): State<Arc<Tenant>>,
    body: Bytes,
) -> Result<Json<Value>, (StatusCode, String)> {
    let bad = |what: &str| (StatusCode::BAD_REQUEST, what.to_owned());
    let json: Value = serde_json::from_slice(&body).map_err(|e| bad(&e.to_string()))?;
    let user = json["user"]
        .as_str()
        .ok_or_else(|| bad("user is missing"))?;
    let hex = json["credentialIdHex"]
        .as_str()
        .ok_or_else(|| bad("credentialIdHex is missing"))?;
    let credential_id = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| bad("credentialIdHex is not hex"))?;
    let display_name = json["displayName"].as_str().unwrap_or("Planted key");
    let aaguid = match json["aaguid"].as_str() {
        Some(text) => uuid::Uuid::parse_str(text).map_err(|_| bad("aaguid is not a UUID"))?,
        None => uuid::Uuid::nil(),
    };
    let user = tenant
        .directory
        .user(user)
        .ok_or_else(|| (StatusCode::NOT_FOUND, format!("no user {user}")))?;
    let mut live = tenant.live();
    let id = tenant.method_ids.next(&credential_id, |id| {
        live.passkeys.values().flatten().any(|p| p.id == id)
    });
    let created = tenant.clock.now();
    let passkey = Passkey {
        id,
        display_name: display_name.to_owned(),
        created,
        visible_from: created,
        aaguid,
        model: String::new(),
        credential_id,
        attestation_certificates: Vec::new(),
    };
    live.passkeys
        .entry(user.id)
        .or_default()
        .push(passkey.clone());
    Ok(Json(super::fido2::method_json(&passkey)))
}

/// `POST /_sim/leave` with `{"group": "<name or id>", "user": "<id or UPN>"}`: the user
/// stops being a member of the group, directly and through the groups nested in it, as an
/// administrator removing them in Entra would do it (for tests of a queue whose users leave
/// the group). 404 when either is unknown or the user was not a member.
pub async fn leave_group(
    State(tenant): State<Arc<Tenant>>,
    body: Bytes,
) -> Result<StatusCode, (StatusCode, String)> {
    let bad = |what: &str| (StatusCode::BAD_REQUEST, what.to_owned());
    let json: Value = serde_json::from_slice(&body).map_err(|e| bad(&e.to_string()))?;
    let group = json["group"]
        .as_str()
        .ok_or_else(|| bad("group is missing"))?;
    let user = json["user"]
        .as_str()
        .ok_or_else(|| bad("user is missing"))?;
    let missing = |what: &str| (StatusCode::NOT_FOUND, what.to_owned());
    let directory = &tenant.directory;
    let index = match directory.group(group) {
        Some((index, _)) => index,
        None => {
            let id = directory
                .groups_named(group)
                .next()
                .ok_or_else(|| missing(&format!("no group {group}")))?
                .id
                .to_string();
            directory
                .group(&id)
                .map(|(i, _)| i)
                .ok_or_else(|| missing(group))?
        }
    };
    let member = directory
        .user_index(user)
        .ok_or_else(|| missing(&format!("no user {user}")))?;
    use crate::directory::Member;
    let mut live = tenant.live();
    // The group and every group nested in it: a user also in a subgroup would still be a
    // transitive member, which is what a queue lists.
    let mut groups = vec![index];
    let mut next = 0;
    while let Some(&g) = groups.get(next) {
        for m in &live.group_members[g] {
            if let Member::Group(sub) = m {
                if !groups.contains(sub) {
                    groups.push(*sub);
                }
            }
        }
        next += 1;
    }
    let mut removed = 0;
    for g in groups {
        let members = &mut live.group_members[g];
        let before = members.len();
        members.retain(|m| !matches!(m, Member::User(u) if *u == member));
        removed += before - members.len();
    }
    if removed == 0 {
        return Err(missing(&format!("{user} is not a member of {group}")));
    }
    tracing::info!(group, user, removed, "group member removed (/_sim/leave)");
    Ok(StatusCode::NO_CONTENT)
}
