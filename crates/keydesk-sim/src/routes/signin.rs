//! The simulated sign-in pages: `/{tenant}/oauth2/v2.0/authorize` (authorization code +
//! PKCE), `/{tenant}/oauth2/v2.0/devicecode` and `/devicelogin` (device code flow).
//!
//! There is no password: submitting the form signs in the seeded operator. The authorize
//! request must name the app, `response_type=code`, a loopback `http://localhost` or
//! `http://127.0.0.1` redirect (any port, as Entra allows for loopback) and a PKCE S256
//! challenge. Problems with the client or redirect show an error page; other problems
//! redirect back with `error` and `error_description`, as Entra does.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use rand::Rng;
use serde_json::json;
use time::Duration;
use url::Url;

use super::token::{check_client, check_tenant};
use crate::error::AadError;
use crate::grants::{AuthCode, DeviceCode};
use crate::tenant::{random_token, Tenant};

type Params = HashMap<String, String>;

const CODE_LIFETIME: Duration = Duration::minutes(10);
const DEVICE_LIFETIME: Duration = Duration::minutes(15);

fn parse(raw: &[u8]) -> Params {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!("<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>");
    (status, Html(html)).into_response()
}

fn error_page(error: AadError) -> Response {
    let text = format!(
        "<p id=\"error\">AADSTS{}: {}</p>",
        error.aadsts,
        escape(&error.description)
    );
    page(StatusCode::BAD_REQUEST, "Sign-in error", &text)
}

/// Validates an authorize request; `Err` is either an error page or a redirect with error.
fn validate(tenant: &Tenant, tenant_name: &str, p: &Params) -> Result<Url, Box<Response>> {
    let get = |name: &str| p.get(name).map(String::as_str).unwrap_or_default();
    check_tenant(tenant, tenant_name).map_err(|e| Box::new(error_page(e)))?;
    check_client(tenant, get("client_id")).map_err(|e| Box::new(error_page(e)))?;
    let redirect = Url::parse(get("redirect_uri"))
        .ok()
        .filter(|u| u.scheme() == "http" && matches!(u.host_str(), Some("localhost" | "127.0.0.1")))
        .ok_or_else(|| {
            Box::new(error_page(AadError::new(StatusCode::BAD_REQUEST, "invalid_request", 50011, format!("The redirect URI '{}' specified in the request does not match the redirect URIs configured for the application (http://localhost).", get("redirect_uri")))))
        })?;
    let refuse = |error: &str, description: &str| {
        Box::new(redirect_to(
            &redirect,
            &[
                ("error", error),
                ("error_description", description),
                ("state", get("state")),
            ],
        ))
    };
    if get("response_type") != "code" {
        return Err(refuse(
            "unsupported_response_type",
            "AADSTS700054: response_type must be 'code'.",
        ));
    }
    if get("code_challenge").is_empty() || get("code_challenge_method") != "S256" {
        return Err(refuse("invalid_request", "AADSTS9002325: Proof Key for Code Exchange (PKCE) with code_challenge_method S256 is required."));
    }
    if get("scope").is_empty() {
        return Err(refuse(
            "invalid_request",
            "AADSTS900144: The request body must contain the following parameter: 'scope'.",
        ));
    }
    Ok(redirect)
}

fn redirect_to(base: &Url, pairs: &[(&str, &str)]) -> Response {
    let mut url = base.clone();
    url.query_pairs_mut()
        .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()));
    (StatusCode::FOUND, [(LOCATION, url.to_string())]).into_response()
}

/// `GET /{tenant}/oauth2/v2.0/authorize`: the sign-in form.
pub async fn authorize_page(
    State(tenant): State<Arc<Tenant>>,
    Path(tenant_name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = parse(raw.unwrap_or_default().as_bytes());
    if let Err(response) = validate(&tenant, &tenant_name, &params) {
        return *response;
    }
    let hidden: String = params
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let operator = tenant.directory.operator();
    let role = match tenant.config.operator_roles.join(", ") {
        none if none.is_empty() => "no directory role".to_owned(),
        roles => roles,
    };
    let body = format!(
        "<p>Simulated tenant {}. Sign in as <b id=\"user\">{}</b> ({}, {}).</p><form method=\"post\">{hidden}<label>Or another account (UPN): <input name=\"login_as\" id=\"login_as\"></label> <button name=\"action\" value=\"signin\" id=\"signin\">Sign in</button> <button name=\"action\" value=\"cancel\" id=\"cancel\">Cancel</button></form>",
        escape(&tenant.config.tenant), escape(&operator.display_name), escape(&operator.upn), escape(&role)
    );
    page(StatusCode::OK, "Sign in", &body)
}

/// `POST /{tenant}/oauth2/v2.0/authorize`: the form's submit; redirects with a code.
pub async fn authorize_submit(
    State(tenant): State<Arc<Tenant>>,
    Path(tenant_name): Path<String>,
    body: Bytes,
) -> Response {
    let params = parse(&body);
    let redirect = match validate(&tenant, &tenant_name, &params) {
        Ok(redirect) => redirect,
        Err(response) => return *response,
    };
    let get = |name: &str| params.get(name).cloned().unwrap_or_default();
    if get("action") != "signin" {
        return redirect_to(
            &redirect,
            &[
                ("error", "access_denied"),
                (
                    "error_description",
                    "AADSTS65004: User declined to consent to access the app.",
                ),
                ("state", &get("state")),
            ],
        );
    }
    // `login_as` (a UPN): another account of the tenant signs in instead of the operator,
    // as when someone else types their own account on Entra's page.
    let user = match get("login_as").trim() {
        "" => tenant.directory.operator().id,
        upn => match tenant.directory.user(upn) {
            Some(user) => user.id,
            None => {
                return page(
                    StatusCode::BAD_REQUEST,
                    "Sign in",
                    "<p>AADSTS50034: The user account does not exist in this tenant.</p>",
                )
            }
        },
    };
    let code = random_token();
    tenant.live().grants.codes.insert(
        code.clone(),
        AuthCode {
            client_id: get("client_id"),
            redirect_uri: get("redirect_uri"),
            challenge: get("code_challenge"),
            scope: get("scope"),
            user,
            expires: tenant.clock.now() + CODE_LIFETIME,
            redeemed: false,
        },
    );
    tracing::info!("operator signed in on the authorize page");
    redirect_to(&redirect, &[("code", &code), ("state", &get("state"))])
}

/// `POST /{tenant}/oauth2/v2.0/devicecode`: starts a device code sign-in.
pub async fn device_code(
    State(tenant): State<Arc<Tenant>>,
    Path(tenant_name): Path<String>,
    body: Bytes,
) -> Response {
    let params = parse(&body);
    let get = |name: &str| params.get(name).cloned().unwrap_or_default();
    let checked =
        check_tenant(&tenant, &tenant_name).and_then(|()| check_client(&tenant, &get("client_id")));
    if let Err(error) = checked {
        return error.render(tenant.clock.now());
    }
    if get("scope").is_empty() {
        return AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'scope'.",
        )
        .render(tenant.clock.now());
    }
    let mut rng = rand::rng();
    let user_code: String = (0..9)
        .map(|_| char::from(b'A' + rng.random_range(0..26u8)))
        .collect();
    let device_code = random_token();
    let uri = format!("http://127.0.0.1:{}/devicelogin", tenant.config.port);
    tenant.live().grants.devices.insert(
        device_code.clone(),
        DeviceCode {
            client_id: get("client_id"),
            user_code: user_code.clone(),
            scope: get("scope"),
            expires: tenant.clock.now() + DEVICE_LIFETIME,
            approved_by: None,
        },
    );
    Json(json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": uri,
        "expires_in": DEVICE_LIFETIME.whole_seconds(),
        "interval": 5,
        "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {user_code} to authenticate."),
    }))
    .into_response()
}

/// `GET /devicelogin`: the form where the operator enters the user code.
pub async fn device_page() -> Response {
    page(StatusCode::OK, "Enter code", "<form method=\"post\"><input name=\"user_code\" id=\"user_code\" autofocus> <button id=\"next\">Sign in</button></form>")
}

/// `POST /devicelogin` with `user_code`: approves that device sign-in as the operator.
pub async fn device_approve(State(tenant): State<Arc<Tenant>>, body: Bytes) -> Response {
    let params = parse(&body);
    let code = params
        .get("user_code")
        .map(|c| c.trim().to_uppercase())
        .unwrap_or_default();
    let now = tenant.clock.now();
    let operator = tenant.directory.operator().id;
    let mut live = tenant.live();
    let pending = live
        .grants
        .devices
        .values_mut()
        .find(|d| d.user_code == code && d.expires > now);
    match pending {
        Some(pending) => {
            pending.approved_by = Some(operator);
            page(StatusCode::OK, "Signed in", "<p id=\"done\">You have signed in to the application on your device. You may now close this window.</p>")
        }
        None => page(
            StatusCode::BAD_REQUEST,
            "Enter code",
            "<p id=\"error\">That code is not valid or has expired.</p>",
        ),
    }
}
