//! `POST /{tenant}/oauth2/v2.0/token`: the client-credentials grant with a secret.
//!
//! Refusals follow Entra's AADSTS codes: unknown tenant 90002, missing parameter 900144,
//! unsupported grant 70003, unknown client 700016, missing secret 7000218, wrong secret
//! 7000215, scope without `/.default` 1002012. The scope's resource is not checked.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::AadError;
use crate::tenant::{Counters, Tenant};

/// The token endpoint handler.
pub async fn token(
    State(tenant): State<Arc<Tenant>>,
    Path(tenant_name): Path<String>,
    body: Bytes,
) -> Response {
    Counters::bump(&tenant.counters.token_requests);
    match issue(&tenant, &tenant_name, &body) {
        Ok(response) => response,
        Err(error) => {
            tracing::info!(
                aadsts = error.aadsts,
                error = error.error,
                "token request refused"
            );
            error.render(tenant.clock.now())
        }
    }
}

fn issue(tenant: &Tenant, tenant_name: &str, body: &[u8]) -> Result<Response, AadError> {
    let config = &tenant.config;
    let known = tenant_name.eq_ignore_ascii_case(&config.tenant)
        || tenant_name.eq_ignore_ascii_case(&tenant.directory.tenant_id.to_string());
    if !known {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            90002,
            format!("Tenant '{tenant_name}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
        ));
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let param = |name: &str| {
        form.get(name).filter(|v| !v.is_empty()).ok_or_else(|| {
            AadError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                900144,
                format!("The request body must contain the following parameter: '{name}'."),
            )
        })
    };
    let grant = param("grant_type")?;
    if grant != "client_credentials" {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{grant}'."),
        ));
    }
    let client_id = param("client_id")?;
    if !client_id.eq_ignore_ascii_case(&config.client_id) {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            format!("Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", config.tenant),
        ));
    }
    let Some(secret) = form.get("client_secret").filter(|s| !s.is_empty()) else {
        return Err(AadError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ));
    };
    if *secret != config.client_secret {
        return Err(AadError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000215,
            format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.", config.client_id),
        ));
    }
    let scope = param("scope")?;
    if !scope.trim().ends_with("/.default") || scope.split_whitespace().count() != 1 {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            1002012,
            format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."),
        ));
    }
    let ttl = config.token_ttl.as_secs();
    let body = json!({
        "token_type": "Bearer",
        "expires_in": ttl,
        "ext_expires_in": ttl,
        "access_token": tenant.issue_token(),
    });
    tracing::info!(client_id = %client_id, "token issued");
    Ok(Json(body).into_response())
}
