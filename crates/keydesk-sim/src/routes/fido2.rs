//! `/users/{id}/authentication/fido2Methods`: list, get, delete, creationOptions, register.
//!
//! The `{segment}` after `fido2Methods/` is either a method id or `creationOptions`, the
//! latter possibly in function form `creationOptions(challengeTimeoutInMinutes=N)`; the
//! ceremony itself lives in [`crate::options`] and [`crate::verify`].
//!
//! List, get and delete see a passkey only once the simulated clock reaches its
//! `visible_from` (the `listingDelayMs` knob); before that a get or delete of its id is a
//! 404, as for an id Graph does not know. The register 201 returns the method at once.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Value};

use crate::clock::rfc3339_seconds;
use crate::directory::User;
use crate::error::GraphError;
use crate::perms::{Caller, Need};
use crate::query::Query;
use crate::tenant::{Counters, Passkey, Tenant};
use crate::version::ApiVersion;
use crate::{options, verify};

/// `GET .../fido2Methods`.
pub async fn list(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Value>, GraphError> {
    caller.require(Need::PasskeyRead)?;
    let user = find_user(&tenant, &id)?;
    let now = tenant.clock.now();
    let live = tenant.live();
    let value: Vec<Value> = live
        .passkeys
        .get(&user.id)
        .into_iter()
        .flatten()
        .filter(|p| p.visible_at(now))
        .map(method_json)
        .collect();
    Ok(Json(json!({ "value": value })))
}

/// `GET .../fido2Methods/{segment}`: creationOptions or one method.
pub async fn get_segment(
    State(tenant): State<Arc<Tenant>>,
    Extension(version): Extension<ApiVersion>,
    Extension(caller): Extension<Caller>,
    Path((id, segment)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, GraphError> {
    let user = find_user(&tenant, &id)?;
    if segment.starts_with("creationOptions") {
        caller.require(Need::PasskeyWrite)?;
        if caller.user() == Some(user.id) {
            return Err(GraphError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "methodNotAllowed",
                "creationOptions cannot be requested for the signed-in user themself; passkeys are provisioned on behalf of other users.",
            ));
        }
        let query = Query::parse(raw.as_deref());
        let timeout = options::parse_timeout(version, &segment, &query)?;
        return options::issue(&tenant, user, timeout, version).map(Json);
    }
    caller.require(Need::PasskeyRead)?;
    let now = tenant.clock.now();
    let live = tenant.live();
    live.passkeys
        .get(&user.id)
        .and_then(|keys| keys.iter().find(|p| p.id == segment && p.visible_at(now)))
        .map(|p| Json(method_json(p)))
        .ok_or_else(|| GraphError::not_found(&segment))
}

/// `DELETE .../fido2Methods/{methodId}`.
///
/// v1.0 accepts UserAuthMethod-Passkey.ReadWrite.All (app-only too); beta, the harder
/// reading, only the older UserAuthenticationMethod.ReadWrite.All.
pub async fn delete(
    State(tenant): State<Arc<Tenant>>,
    Extension(version): Extension<ApiVersion>,
    Extension(caller): Extension<Caller>,
    Path((id, method)): Path<(String, String)>,
) -> Result<StatusCode, GraphError> {
    caller.require(match version {
        ApiVersion::V1 => Need::PasskeyDelete,
        ApiVersion::Beta => Need::MethodDelete,
    })?;
    let user = find_user(&tenant, &id)?;
    let now = tenant.clock.now();
    let mut live = tenant.live();
    let keys = live.passkeys.entry(user.id).or_default();
    let before = keys.len();
    keys.retain(|p| p.id != method || !p.visible_at(now));
    if keys.len() == before {
        return Err(GraphError::not_found(&method));
    }
    tracing::info!(user = %user.id, method = %method, "passkey deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST .../fido2Methods`: verify the attestation and store the passkey.
pub async fn register(
    State(tenant): State<Arc<Tenant>>,
    Extension(version): Extension<ApiVersion>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require(Need::PasskeyWrite)?;
    let user = find_user(&tenant, &id)?;
    match verify::register(&tenant, user, &body, version) {
        Ok(passkey) => {
            Counters::bump(&tenant.counters.registrations);
            tracing::info!(user = %user.id, method = %passkey.id, aaguid = %passkey.aaguid, "passkey registered");
            Ok((StatusCode::CREATED, Json(method_json(&passkey))).into_response())
        }
        Err(error) => {
            Counters::bump(&tenant.counters.rejected_registrations);
            Err(error)
        }
    }
}

fn find_user<'a>(tenant: &'a Tenant, id: &str) -> Result<&'a User, GraphError> {
    tenant
        .directory
        .user(id)
        .ok_or_else(|| GraphError::not_found(id))
}

/// A passkey as Graph renders a fido2AuthenticationMethod.
pub fn method_json(p: &Passkey) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.fido2AuthenticationMethod",
        "id": p.id,
        "displayName": p.display_name,
        "createdDateTime": rfc3339_seconds(p.created),
        "aaGuid": p.aaguid,
        "model": p.model,
        "attestationCertificates": p.attestation_certificates,
        "attestationLevel": if p.attestation_certificates.is_empty() { "notAttested" } else { "attested" },
    })
}
