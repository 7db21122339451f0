//! `POST /{tenant}/oauth2/v2.0/token`: client credentials (secret or certificate
//! assertion), authorization code with PKCE, device code, refresh token.
//!
//! Refusals follow Entra's AADSTS codes: unknown tenant 90002, missing parameter 900144,
//! unsupported grant 70003, unknown client 700016, missing secret 7000218, wrong secret
//! 7000215, scope without `/.default` 1002012, bad assertion 700027/700021/700024/50027,
//! PKCE mismatch 501481, code already redeemed 54005, expired code 70008, pending device
//! code 70016, expired device code 70020, unknown grant 70000.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};
use time::Duration;
use uuid::Uuid;

use crate::assertion::{self, Expected, ASSERTION_TYPE};
use crate::error::AadError;
use crate::grants::{granted_scopes, Refresh};
use crate::tenant::{random_token, Counters, Tenant};

type Form = HashMap<String, String>;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const REFRESH_LIFETIME: Duration = Duration::days(90);

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

fn bad(error: &'static str, aadsts: u32, description: impl Into<String>) -> AadError {
    AadError::new(StatusCode::BAD_REQUEST, error, aadsts, description)
}

/// Refuses a tenant name that is neither the domain nor the tenant id.
pub fn check_tenant(tenant: &Tenant, tenant_name: &str) -> Result<(), AadError> {
    let known = tenant_name.eq_ignore_ascii_case(&tenant.config.tenant)
        || tenant_name.eq_ignore_ascii_case(&tenant.directory.tenant_id.to_string());
    if known {
        return Ok(());
    }
    Err(bad("invalid_request", 90002, format!("Tenant '{tenant_name}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")))
}

/// Refuses a client id other than the app's.
pub fn check_client(tenant: &Tenant, client_id: &str) -> Result<(), AadError> {
    if client_id.eq_ignore_ascii_case(&tenant.config.client_id) {
        return Ok(());
    }
    Err(bad("unauthorized_client", 700016, format!("Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", tenant.config.tenant)))
}

fn param<'a>(form: &'a Form, name: &str) -> Result<&'a String, AadError> {
    form.get(name).filter(|v| !v.is_empty()).ok_or_else(|| {
        bad(
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    })
}

fn issue(tenant: &Tenant, tenant_name: &str, body: &[u8]) -> Result<Response, AadError> {
    check_tenant(tenant, tenant_name)?;
    let form: Form = url::form_urlencoded::parse(body).into_owned().collect();
    let grant = param(&form, "grant_type")?;
    let client_id = param(&form, "client_id")?;
    check_client(tenant, client_id)?;
    match grant.as_str() {
        "client_credentials" => client_credentials(tenant, tenant_name, &form),
        "authorization_code" => authorization_code(tenant, &form),
        DEVICE_GRANT => device_code(tenant, &form),
        "refresh_token" => refresh_token(tenant, &form),
        other => Err(bad(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

fn client_credentials(
    tenant: &Tenant,
    tenant_name: &str,
    form: &Form,
) -> Result<Response, AadError> {
    let config = &tenant.config;
    let secret = form.get("client_secret").filter(|s| !s.is_empty());
    let assertion = form.get("client_assertion").filter(|s| !s.is_empty());
    match (secret, assertion) {
        (Some(secret), _) if *secret != config.client_secret => {
            return Err(AadError::new(StatusCode::UNAUTHORIZED, "invalid_client", 7000215, format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.", config.client_id)));
        }
        (Some(_), _) => {}
        (None, Some(jwt)) => {
            if form.get("client_assertion_type").map(String::as_str) != Some(ASSERTION_TYPE) {
                return Err(bad("invalid_request", 900144, format!("The request body must contain the parameter 'client_assertion_type' with the value '{ASSERTION_TYPE}'.")));
            }
            let Some(certificate) = &config.client_certificate else {
                return Err(AadError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    700027,
                    format!(
                        "Application '{}' has no certificate credential registered.",
                        config.client_id
                    ),
                ));
            };
            let audience = format!(
                "http://127.0.0.1:{}/{tenant_name}/oauth2/v2.0/token",
                config.port
            );
            let expected = Expected {
                certificate,
                client_id: &config.client_id,
                audience: &audience,
                now: tenant.clock.now(),
            };
            assertion::verify(jwt, &expected, &mut tenant.live().grants.assertion_ids)?;
        }
        (None, None) => {
            return Err(AadError::new(StatusCode::UNAUTHORIZED, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."));
        }
    }
    let scope = param(form, "scope")?;
    if !scope.trim().ends_with("/.default") || scope.split_whitespace().count() != 1 {
        return Err(bad("invalid_scope", 1002012, format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")));
    }
    let ttl = tenant.token_ttl().as_secs();
    tracing::info!(client_id = %config.client_id, "app-only token issued");
    Ok(Json(json!({
        "token_type": "Bearer",
        "expires_in": ttl,
        "ext_expires_in": ttl,
        "access_token": tenant.issue_token(tenant.app_caller()),
    }))
    .into_response())
}

fn authorization_code(tenant: &Tenant, form: &Form) -> Result<Response, AadError> {
    let code = param(form, "code")?;
    let redirect_uri = param(form, "redirect_uri")?;
    let verifier = param(form, "code_verifier")?;
    let now = tenant.clock.now();
    let grant = {
        let mut live = tenant.live();
        let Some(grant) = live.grants.codes.get_mut(code.as_str()) else {
            return Err(bad(
                "invalid_grant",
                70000,
                "The provided authorization code is invalid.",
            ));
        };
        if grant.redeemed {
            return Err(bad("invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."));
        }
        if grant.expires <= now {
            return Err(bad("invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."));
        }
        if grant.redirect_uri != *redirect_uri {
            return Err(bad("invalid_grant", 70000, format!("redirect_uri '{redirect_uri}' does not match the redirect_uri of the authorization request ('{}').", grant.redirect_uri)));
        }
        let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if computed != grant.challenge {
            return Err(bad("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request (PKCE S256)."));
        }
        grant.redeemed = true;
        grant.clone()
    };
    Ok(delegated(
        tenant,
        &grant.client_id,
        grant.user,
        &grant.scope,
    ))
}

fn device_code(tenant: &Tenant, form: &Form) -> Result<Response, AadError> {
    let device_code = param(form, "device_code")?;
    let now = tenant.clock.now();
    let mut live = tenant.live();
    let Some(pending) = live.grants.devices.get(device_code.as_str()).cloned() else {
        return Err(bad(
            "invalid_grant",
            70000,
            "The provided device_code is invalid.",
        ));
    };
    if pending.expires <= now {
        live.grants.devices.remove(device_code.as_str());
        return Err(bad("expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired."));
    }
    let Some(user) = pending.approved_by else {
        return Err(bad(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ));
    };
    live.grants.devices.remove(device_code.as_str());
    drop(live);
    Ok(delegated(tenant, &pending.client_id, user, &pending.scope))
}

fn refresh_token(tenant: &Tenant, form: &Form) -> Result<Response, AadError> {
    let token = param(form, "refresh_token")?;
    let now = tenant.clock.now();
    let grant = tenant.live().grants.refresh.get(token.as_str()).cloned();
    let Some(grant) = grant else {
        return Err(bad(
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid: the refresh token is not known.",
        ));
    };
    if grant.expires <= now {
        return Err(bad(
            "invalid_grant",
            700082,
            "The refresh token has expired due to inactivity.",
        ));
    }
    let scope = form
        .get("scope")
        .filter(|s| !s.is_empty())
        .unwrap_or(&grant.scope);
    Ok(delegated(tenant, &grant.client_id, grant.user, scope))
}

/// A delegated token response: access token, and a refresh token if `offline_access` was
/// asked for.
fn delegated(tenant: &Tenant, client_id: &str, user: Uuid, scope: &str) -> Response {
    let caller = tenant.delegated_caller(client_id, user, scope);
    let (scopes, offline) = granted_scopes(scope, &tenant.config.delegated_scopes);
    let ttl = tenant.token_ttl().as_secs();
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scopes.join(" "),
        "expires_in": ttl,
        "ext_expires_in": ttl,
        "access_token": tenant.issue_token(caller),
    });
    if offline {
        let refresh = random_token();
        tenant.live().grants.refresh.insert(
            refresh.clone(),
            Refresh {
                client_id: client_id.to_owned(),
                user,
                scope: scope.to_owned(),
                expires: tenant.clock.now() + REFRESH_LIFETIME,
            },
        );
        body["refresh_token"] = json!(refresh);
    }
    tracing::info!(%user, "delegated token issued");
    Json(body).into_response()
}
