//! App-only access tokens: fetched with the client credentials grant, cached, refreshed.
//!
//! A token is reused until 5 minutes before it expires (half its lifetime when it lives
//! shorter than 10 minutes). Refreshes are serialised so concurrent calls share one token.
//! Nothing in this module logs or returns a token, a secret or a token response body.
//!
//! Not here: certificate assertions and delegated (browser, device code) sign-in.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use crate::http::{header_str, transport_error};
use crate::wire::{AadErrorDto, TokenDto};
use crate::{Credentials, GraphConfig, GraphError, Secret};

/// How long before expiry a cached token is replaced.
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);
/// Lifetime assumed when the token response omits `expires_in`.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// A bearer token and when to stop using it.
pub(crate) struct AccessToken {
    value: Secret,
    refresh_at: Instant,
}

impl AccessToken {
    /// `Bearer <token>`.
    pub(crate) fn header(&self) -> String {
        format!("Bearer {}", self.value.expose())
    }
}

/// Fetches and caches tokens for one app registration.
pub(crate) struct TokenSource {
    url: Url,
    client_id: String,
    scope: String,
    credentials: Credentials,
    cache: Mutex<Option<Arc<AccessToken>>>,
}

impl TokenSource {
    pub(crate) fn new(config: &GraphConfig, credentials: Credentials) -> Self {
        TokenSource {
            url: config.token_url(),
            client_id: config.client_id.trim().to_owned(),
            scope: config.default_scope(),
            credentials,
            cache: Mutex::new(None),
        }
    }

    /// A valid token: the cached one unless it is stale or is `rejected` (Graph refused
    /// it), else a new one.
    pub(crate) async fn get(
        &self,
        http: &reqwest::Client,
        rejected: Option<&Arc<AccessToken>>,
    ) -> Result<Arc<AccessToken>, GraphError> {
        let mut cache = self.cache.lock().await;
        if let Some(token) = cache.as_ref() {
            let refused = rejected.is_some_and(|r| Arc::ptr_eq(r, token));
            if !refused && Instant::now() < token.refresh_at {
                return Ok(token.clone());
            }
        }
        *cache = None;
        let token = Arc::new(self.fetch(http).await?);
        *cache = Some(token.clone());
        Ok(token)
    }

    /// Drops the cached token if it is `rejected`, so the next call fetches a new one.
    pub(crate) async fn forget(&self, rejected: &Arc<AccessToken>) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|t| Arc::ptr_eq(t, rejected)) {
            *cache = None;
        }
    }

    /// Drops any cached token.
    pub(crate) async fn clear(&self) {
        *self.cache.lock().await = None;
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<AccessToken, GraphError> {
        let Credentials::ClientSecret(secret) = &self.credentials;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", secret.expose()),
            ("scope", self.scope.as_str()),
        ];
        let span = tracing::info_span!(
            "entra_token",
            method = "POST",
            path = "/{tenant}/oauth2/v2.0/token",
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = async {
            let response = http
                .post(self.url.clone())
                .header("client-request-id", uuid::Uuid::new_v4().to_string())
                .form(&form)
                .send()
                .await
                .map_err(transport_error)?;
            let status = response.status();
            let request_id = header_str(response.headers(), "x-ms-request-id")
                .or_else(|| header_str(response.headers(), "request-id"));
            let body = response.bytes().await.map_err(transport_error)?;
            let span = tracing::Span::current();
            span.record("status", status.as_u16());
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            if let Some(id) = &request_id {
                span.record("request_id", id.as_str());
            }
            if status.is_success() {
                tracing::debug!("token issued");
                parse_token(&body, request_id)
            } else {
                let error = parse_aad_error(status.as_u16(), &body);
                if let GraphError::SignIn { code, .. } = &error {
                    tracing::warn!(%code, "token request refused");
                }
                Err(error)
            }
        }
        .instrument(span)
        .await;
        result
    }
}

/// Reads a token response. Error details never quote the body: it holds the token.
fn parse_token(body: &[u8], request_id: Option<String>) -> Result<AccessToken, GraphError> {
    let malformed = |what: &str, detail: &str| GraphError::Malformed {
        what: what.into(),
        detail: detail.into(),
        request_id: request_id.clone(),
    };
    let dto: TokenDto = serde_json::from_slice(body)
        .map_err(|_| malformed("token response", "not the JSON document Entra sends"))?;
    let value = dto
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| malformed("access_token", "missing from the token response"))?;
    let lifetime = match dto.expires_in {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .map(Duration::from_secs)
    .unwrap_or(ASSUMED_LIFETIME);
    Ok(AccessToken {
        value: Secret::new(value),
        refresh_at: Instant::now() + usable_for(lifetime),
    })
}

/// How long a token of this lifetime is used before being replaced.
fn usable_for(lifetime: Duration) -> Duration {
    if lifetime >= 2 * REFRESH_MARGIN {
        lifetime - REFRESH_MARGIN
    } else {
        lifetime / 2
    }
}

/// Maps Entra's `{error, error_description, error_codes}` to [`GraphError::SignIn`].
pub(crate) fn parse_aad_error(status: u16, body: &[u8]) -> GraphError {
    let dto: AadErrorDto = serde_json::from_slice(body).unwrap_or_default();
    let description = dto.error_description.unwrap_or_default();
    let first_line = description.lines().next().unwrap_or("").trim();
    let (prefix_code, text) = match first_line.split_once(": ") {
        Some((code, rest)) if code.starts_with("AADSTS") => (Some(code.to_owned()), rest),
        _ => (None, first_line),
    };
    let number = dto.error_codes.first().copied().or_else(|| {
        prefix_code
            .as_deref()
            .and_then(|c| c.trim_start_matches("AADSTS").parse().ok())
    });
    let code = match (number, &dto.error) {
        (Some(n), _) => format!("AADSTS{n}"),
        (None, Some(error)) => error.clone(),
        (None, None) => format!("HTTP {status}"),
    };
    let message = if !text.is_empty() {
        text.to_owned()
    } else if let Some(error) = &dto.error {
        error.clone()
    } else {
        format!("the token endpoint answered {status}")
    };
    GraphError::SignIn {
        remediation: sign_in_remediation(number, dto.error.as_deref(), status),
        code,
        message,
        trace_id: dto.trace_id,
    }
}

fn sign_in_remediation(number: Option<i64>, error: Option<&str>, status: u16) -> String {
    let text = match number {
        Some(7000215) => {
            "The client secret is wrong: copy the secret's Value (not its Secret \
            ID) from the app registration's Certificates & secrets page."
        }
        Some(7000222) => {
            "The client secret has expired: create a new one in the app \
            registration and enter it in KeyDesk."
        }
        Some(700016) => {
            "No application with this client id exists in the tenant: check the \
            client id and the tenant, and that an administrator consented to the app."
        }
        Some(90002) | Some(900023) | Some(90072) => {
            "The tenant was not found: check the \
            tenant id or domain name, and that the login URL is the right cloud."
        }
        Some(7000112) => {
            "The app registration is disabled: ask an administrator to enable \
            it (Enterprise applications, Properties)."
        }
        Some(70011) | Some(1002012) => {
            "The requested scope is invalid: make sure the Graph \
            URL belongs to the same cloud as the login URL."
        }
        Some(53003) | Some(53000) => {
            "Conditional Access blocked the sign-in: ask an \
            administrator to allow KeyDesk's app."
        }
        _ => match (error, status) {
            (Some("invalid_client"), _) => {
                "Entra refused the app's credentials: check the \
                client id and the client secret."
            }
            (Some("unauthorized_client"), _) => {
                "The app may not sign in this way: check the \
                app registration's settings."
            }
            (_, 404) => "The login URL or tenant is wrong: check both in the settings.",
            _ => {
                "Sign-in failed: check the tenant, client id and client secret, then try \
                again."
            }
        },
    };
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aad_errors_keep_code_message_and_trace_id() {
        let body = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: 1b2c\r\nCorrelation ID: 3d4e\r\nTimestamp: 2026-11-28 16:29:58Z","error_codes":[7000215],"timestamp":"2026-11-28 16:29:58Z","trace_id":"1b2c","correlation_id":"3d4e"}"#;
        let error = parse_aad_error(401, body);
        let GraphError::SignIn {
            code,
            message,
            remediation,
            trace_id,
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(code, "AADSTS7000215");
        assert!(
            message.starts_with("Invalid client secret provided."),
            "{message}"
        );
        assert!(!message.contains("Trace ID"));
        assert!(remediation.contains("Value (not its Secret ID)"));
        assert_eq!(trace_id.as_deref(), Some("1b2c"));
        assert_eq!(error.request_id(), Some("1b2c"));
    }

    #[test]
    fn aad_code_from_the_description_when_codes_are_absent() {
        let body = br#"{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'x' not found."}"#;
        let GraphError::SignIn {
            code, remediation, ..
        } = parse_aad_error(400, body)
        else {
            panic!()
        };
        assert_eq!(code, "AADSTS90002");
        assert!(remediation.contains("tenant was not found"));
    }

    #[test]
    fn a_non_json_failure_is_still_a_sign_in_error() {
        let GraphError::SignIn { code, message, .. } = parse_aad_error(404, b"<html>") else {
            panic!()
        };
        assert_eq!(code, "HTTP 404");
        assert!(message.contains("404"));
    }

    #[test]
    fn token_lifetime_and_parse_errors_never_echo_the_body() {
        assert_eq!(
            usable_for(Duration::from_secs(3599)),
            Duration::from_secs(3299)
        );
        assert_eq!(
            usable_for(Duration::from_secs(120)),
            Duration::from_secs(60)
        );
        let err = parse_token(br#"{"access_token": 42, "x": "eyJsecret"}"#, None)
            .err()
            .unwrap();
        assert!(!err.to_string().contains("eyJ"), "{err}");
        let token = parse_token(br#"{"access_token":"abc","expires_in":"3599"}"#, None).unwrap();
        assert_eq!(token.header(), "Bearer abc");
    }
}
