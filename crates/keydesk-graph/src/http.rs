//! Sending one Graph call: headers, token, retries, tracing and the error envelope.
//!
//! Every attempt carries `Authorization: Bearer …` and a fresh `client-request-id`. A 401
//! on a read refreshes the token once; 429/503/504 on a read are retried (see
//! [`crate::retry`]) up to [`MAX_ATTEMPTS`] times, then become
//! [`GraphError::Throttled`]. Writes are sent exactly once. Each attempt runs in a `graph`
//! tracing span with the path *template* (never ids, UPNs or bodies).

use std::sync::Arc;
use std::time::Instant;

use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::retry::{delay, is_retryable, retry_after, Sleeper, MAX_ATTEMPTS};
use crate::token::{AccessToken, TokenSource};
use crate::wire::ErrorEnvelope;
use crate::{GraphError, Operation};

/// The shared HTTP client, token source and sleeper.
pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub tokens: TokenSource,
    pub sleeper: Arc<dyn Sleeper>,
}

/// One call to make.
pub(crate) struct Call {
    pub operation: Operation,
    pub method: Method,
    /// Path for logs, e.g. `/users/{id}/authentication/fido2Methods`.
    pub template: &'static str,
    pub url: Url,
    /// JSON body.
    pub body: Option<Vec<u8>>,
    /// Send `ConsistencyLevel: eventual` (advanced queries).
    pub eventual: bool,
}

impl Call {
    pub(crate) fn get(operation: Operation, template: &'static str, url: Url) -> Self {
        Call {
            operation,
            method: Method::GET,
            template,
            url,
            body: None,
            eventual: false,
        }
    }
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub request_id: Option<String>,
}

impl Reply {
    /// Parses the body; failures become [`GraphError::Malformed`] about `what`.
    pub(crate) fn json<T: DeserializeOwned>(&self, what: &str) -> Result<T, GraphError> {
        serde_json::from_slice(&self.body).map_err(|e| GraphError::Malformed {
            what: what.into(),
            detail: e.to_string(),
            request_id: self.request_id.clone(),
        })
    }
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Transport {
    /// Sends `call`, retrying reads as the module docs describe.
    pub(crate) async fn send(&self, call: Call) -> Result<Reply, GraphError> {
        let is_read = call.method == Method::GET;
        let mut attempt = 0;
        let mut rejected: Option<Arc<AccessToken>> = None;
        loop {
            attempt += 1;
            let token = self.tokens.get(&self.http, rejected.as_ref()).await?;
            let client_request_id = uuid::Uuid::new_v4().to_string();
            let span = tracing::info_span!(
                "graph",
                operation = %call.operation,
                method = %call.method,
                path = call.template,
                attempt,
                client_request_id = %client_request_id,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let answer = self
                .attempt(&call, &token, &client_request_id)
                .instrument(span)
                .await?;
            let status = answer.status.as_u16();
            let request_id = header_str(&answer.headers, "request-id");
            if answer.status.is_success() {
                return Ok(Reply {
                    status,
                    body: answer.body,
                    request_id,
                });
            }
            if status == 401 {
                if is_read && rejected.is_none() {
                    tracing::info!("token refused, fetching a new one");
                    rejected = Some(token);
                    continue;
                }
                self.tokens.forget(&token).await;
            }
            if is_retryable(status) && is_read && attempt < MAX_ATTEMPTS {
                let wait = delay(attempt, &answer.headers);
                tracing::info!(status, wait_ms = wait.as_millis() as u64, "retrying");
                self.sleeper.sleep(wait).await;
                continue;
            }
            if (is_retryable(status) && is_read) || status == 429 {
                return Err(GraphError::Throttled {
                    retry_after: retry_after(&answer.headers),
                    request_id,
                });
            }
            return Err(api_error(
                call.operation,
                status,
                &answer.headers,
                &answer.body,
                &client_request_id,
            ));
        }
    }

    async fn attempt(
        &self,
        call: &Call,
        token: &AccessToken,
        client_request_id: &str,
    ) -> Result<Answer, GraphError> {
        let started = Instant::now();
        let mut request = self
            .http
            .request(call.method.clone(), call.url.clone())
            .header(AUTHORIZATION, token.header())
            .header(ACCEPT, "application/json")
            .header("client-request-id", client_request_id)
            .header("return-client-request-id", "true");
        if call.eventual {
            request = request.header("ConsistencyLevel", "eventual");
        }
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let result = async {
            let response = request.send().await?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await?.to_vec();
            Ok::<_, reqwest::Error>(Answer {
                status,
                headers,
                body,
            })
        }
        .await;
        let span = tracing::Span::current();
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match result {
            Ok(answer) => {
                span.record("status", answer.status.as_u16());
                if let Some(id) = header_str(&answer.headers, "request-id") {
                    span.record("request_id", id.as_str());
                }
                if answer.status.is_success() {
                    tracing::debug!("graph call done");
                } else {
                    tracing::warn!("graph call failed");
                }
                Ok(answer)
            }
            Err(error) => {
                let error = transport_error(error);
                tracing::warn!(%error, "graph call did not complete");
                Err(error)
            }
        }
    }
}

/// A header as an owned string, if present and visible ASCII.
pub(crate) fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)?
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Maps a reqwest failure without its URL (which is harmless today but may carry query
/// strings tomorrow) and with its causes, which say what actually went wrong.
pub(crate) fn transport_error(error: reqwest::Error) -> GraphError {
    if error.is_timeout() {
        return GraphError::Timeout;
    }
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    GraphError::Network(text)
}

/// Builds [`GraphError::Api`] from Graph's envelope, falling back to headers.
pub(crate) fn api_error(
    operation: Operation,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    sent_client_request_id: &str,
) -> GraphError {
    let envelope = serde_json::from_slice::<ErrorEnvelope>(body)
        .ok()
        .and_then(|e| e.error);
    let (code, message, inner) = match envelope {
        Some(e) => (e.code, e.message, e.inner_error),
        None => (None, None, None),
    };
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("error");
    let code = code
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| format!("HTTP {status}"));
    let message = message.filter(|m| !m.is_empty()).unwrap_or_else(|| {
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        if text.is_empty() {
            reason.to_owned()
        } else {
            text.chars().take(200).collect()
        }
    });
    let (inner_request_id, inner_client_request_id) = match inner {
        Some(i) => (i.request_id, i.client_request_id),
        None => (None, None),
    };
    GraphError::Api {
        operation,
        status,
        code,
        message,
        request_id: inner_request_id.or_else(|| header_str(headers, "request-id")),
        client_request_id: inner_client_request_id
            .or_else(|| header_str(headers, "client-request-id"))
            .or_else(|| Some(sent_client_request_id.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_envelope_is_read() {
        let body = br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-11-28T16:29:58","request-id":"req-1","client-request-id":"crid-1"}}}"#;
        let mut headers = HeaderMap::new();
        headers.insert("request-id", "header-req".parse().unwrap());
        let error = api_error(Operation::ListPasskeys, 403, &headers, body, "sent");
        let GraphError::Api {
            status,
            code,
            message,
            request_id,
            client_request_id,
            ..
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(*status, 403);
        assert_eq!(code, "Authorization_RequestDenied");
        assert_eq!(
            message,
            "Insufficient privileges to complete the operation."
        );
        assert_eq!(request_id.as_deref(), Some("req-1"));
        assert_eq!(client_request_id.as_deref(), Some("crid-1"));
        assert!(error
            .remediation()
            .contains("UserAuthMethod-Passkey.Read.All"));
    }

    #[test]
    fn ids_fall_back_to_headers_and_bodies_to_status() {
        let mut headers = HeaderMap::new();
        headers.insert("request-id", "header-req".parse().unwrap());
        let error = api_error(Operation::GetUser, 502, &headers, b"", "sent-crid");
        let GraphError::Api {
            code,
            message,
            request_id,
            client_request_id,
            ..
        } = error
        else {
            panic!()
        };
        assert_eq!(code, "HTTP 502");
        assert_eq!(message, "Bad Gateway");
        assert_eq!(request_id.as_deref(), Some("header-req"));
        assert_eq!(client_request_id.as_deref(), Some("sent-crid"));
    }

    #[test]
    fn malformed_names_what() {
        let reply = Reply {
            status: 200,
            body: b"nope".to_vec(),
            request_id: Some("r".into()),
        };
        let error = reply.json::<serde_json::Value>("user").unwrap_err();
        assert!(matches!(error, GraphError::Malformed { ref what, .. } if what == "user"));
        assert_eq!(error.request_id(), Some("r"));
    }
}
