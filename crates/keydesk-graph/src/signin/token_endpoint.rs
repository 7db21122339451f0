//! The OAuth token (and device code) endpoint: one form POST, its tracing span, and what
//! comes back, either tokens or Entra's error mapped to [`GraphError::SignIn`].
//!
//! Nothing here logs or returns a token, a secret, an assertion or a token response body;
//! error details never quote the body.

use std::time::Duration;

use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use crate::net::{header_str, transport_error};
use crate::wire::{AadErrorDto, TokenDto};
use crate::{GraphError, Secret};

/// Lifetime assumed when the token response omits `expires_in`.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// A stated lifetime is held within these bounds: a zero or tiny one would fetch a token
/// before every call, an absurd one would keep a revoked token past Entra's own maximum.
const MIN_LIFETIME: Duration = Duration::from_secs(10);
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// How long before expiry a cached token is replaced.
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// What the endpoint answered: status, body and request id.
pub(crate) struct Posted {
    pub status: u16,
    pub body: Vec<u8>,
    pub request_id: Option<String>,
}

/// Tokens issued by Entra.
pub(crate) struct Issued {
    pub access: Secret,
    pub lifetime: Duration,
    pub refresh: Option<Secret>,
}

/// A refusal: the OAuth `error` name (for flows that branch on it) and the mapped error.
pub(crate) struct Refused {
    pub oauth_error: Option<String>,
    pub error: GraphError,
}

impl From<GraphError> for Refused {
    fn from(error: GraphError) -> Self {
        Refused {
            oauth_error: None,
            error,
        }
    }
}

/// POSTs `form` to `url` in an `entra_token` span labelled with `path`.
pub(crate) async fn post_form(
    http: &reqwest::Client,
    url: &Url,
    path: &'static str,
    form: &[(&str, &str)],
) -> Result<Posted, GraphError> {
    let span = tracing::info_span!(
        "entra_token",
        method = "POST",
        path,
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
        request_id = tracing::field::Empty,
    );
    let started = Instant::now();
    async {
        let response = http
            .post(url.clone())
            .header("client-request-id", uuid::Uuid::new_v4().to_string())
            .form(form)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let request_id = header_str(response.headers(), "x-ms-request-id")
            .or_else(|| header_str(response.headers(), "request-id"));
        let body = crate::net::read_capped(response, crate::net::MAX_TOKEN_BODY).await?;
        let span = tracing::Span::current();
        span.record("status", status);
        span.record("duration_ms", crate::net::millis(started.elapsed()));
        if let Some(id) = &request_id {
            span.record("request_id", id.as_str());
        }
        Ok(Posted {
            status,
            body,
            request_id,
        })
    }
    .instrument(span)
    .await
}

/// POSTs a token request and reads the tokens or the refusal.
pub(crate) async fn request_token(
    http: &reqwest::Client,
    url: &Url,
    form: &[(&str, &str)],
) -> Result<Issued, Refused> {
    let posted = post_form(http, url, "/{tenant}/oauth2/v2.0/token", form).await?;
    if (200..300).contains(&posted.status) {
        tracing::debug!("token issued");
        return Ok(parse_token(&posted.body, posted.request_id)?);
    }
    Err(refusal(posted.status, &posted.body))
}

/// Maps an error answer, keeping the OAuth error name.
pub(crate) fn refusal(status: u16, body: &[u8]) -> Refused {
    let oauth_error = serde_json::from_slice::<AadErrorDto>(body)
        .ok()
        .and_then(|d| d.error);
    let error = parse_aad_error(status, body);
    if let GraphError::SignIn { code, .. } = &error {
        tracing::warn!(%code, "token request refused");
    }
    Refused { oauth_error, error }
}

/// Reads a token response. Error details never quote the body: it holds the token.
pub(crate) fn parse_token(body: &[u8], request_id: Option<String>) -> Result<Issued, GraphError> {
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
    .map_or(ASSUMED_LIFETIME, |d| d.clamp(MIN_LIFETIME, MAX_LIFETIME));
    Ok(Issued {
        access: Secret::new(value),
        lifetime,
        refresh: dto.refresh_token.filter(|t| !t.is_empty()).map(Secret::new),
    })
}

/// How long a token of this lifetime is used before being replaced.
pub(crate) fn usable_for(lifetime: Duration) -> Duration {
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
        Some(700027) | Some(700023) => {
            "Entra did not accept the certificate: upload this certificate (the .cer \
            file) to the app registration's Certificates & secrets page."
        }
        Some(700024) => {
            "The client assertion is outside its valid time: check this computer's \
            clock."
        }
        Some(7000218) => {
            "The app registration does not allow public client flows: turn on \
            \"Allow public client flows\" (Authentication page) for browser and device code \
            sign-in."
        }
        Some(65001) => {
            "Consent is missing: an administrator must grant KeyDesk's permissions \
            (API permissions, Grant admin consent)."
        }
        Some(700082) | Some(50173) | Some(70043) => "The saved sign-in has expired: sign in again.",
        Some(50126) => "The user name or password is wrong: sign in again.",
        Some(53003) | Some(53000) => {
            "Conditional Access blocked the sign-in: ask an \
            administrator to allow KeyDesk's app."
        }
        _ => match (error, status) {
            (Some("expired_token"), _) => {
                "The device code expired before sign-in finished: start the sign-in again \
                and enter the code within the time shown."
            }
            (Some("authorization_declined") | Some("access_denied"), _) => {
                "Sign-in was declined: sign in again with an account that may provision \
                passkeys."
            }
            (Some("invalid_grant"), _) => "The saved sign-in is no longer valid: sign in again.",
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
    fn the_oauth_error_name_is_kept_for_flows_that_branch_on_it() {
        let body = br#"{"error":"authorization_pending","error_description":"AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.","error_codes":[70016]}"#;
        let refused = refusal(400, body);
        assert_eq!(
            refused.oauth_error.as_deref(),
            Some("authorization_pending")
        );
        assert_eq!(refused.error.code(), Some("AADSTS70016"));
        let expired = refusal(400, br#"{"error":"expired_token"}"#);
        assert!(expired.error.remediation().contains("device code expired"));
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
        let token = parse_token(
            br#"{"access_token":"abc","expires_in":"3599","refresh_token":"r"}"#,
            None,
        )
        .unwrap();
        assert_eq!(token.access.expose(), "abc");
        assert_eq!(token.lifetime, Duration::from_secs(3599));
        assert_eq!(token.refresh.unwrap().expose(), "r");
    }

    #[test]
    fn a_stated_lifetime_is_clamped() {
        let lifetime = |text: &str| {
            parse_token(
                format!(r#"{{"access_token":"a","expires_in":{text}}}"#).as_bytes(),
                None,
            )
            .unwrap()
            .lifetime
        };
        // Zero would fetch a token before every call; a year would outlive a revocation.
        assert_eq!(lifetime("0"), MIN_LIFETIME);
        assert_eq!(lifetime("31536000"), MAX_LIFETIME);
        assert_eq!(lifetime("\"3599\""), Duration::from_secs(3599));
        assert_eq!(lifetime("-5"), ASSUMED_LIFETIME);
    }
}
