//! `GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/fido2`.
//!
//! Read-only through Graph; tests change the policy through `POST /_sim/policy`.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use serde_json::Value;

use crate::error::GraphError;
use crate::perms::{Caller, Need};
use crate::tenant::Tenant;

/// The handler.
pub async fn fido2(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, GraphError> {
    caller.require(Need::PolicyRead)?;
    Ok(Json(tenant.live().policy.to_graph()))
}
