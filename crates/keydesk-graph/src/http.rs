//! Sending one Graph call: headers, token, retries, tracing and the error envelope.
//!
//! Every attempt carries `Authorization: Bearer …` and a fresh `client-request-id`. A 401
//! refreshes the token once and repeats the call (Graph did not process it); a 429 is
//! repeated after `Retry-After` for any method, for the same reason. Idempotent calls (GET,
//! DELETE) are also repeated after 500/502/503/504, timeouts, dropped connections and
//! cut-off bodies; a
//! write whose outcome is unknown is returned to its caller, which checks what happened
//! (see [`crate::api::fido2`]). Attempts are bounded by [`crate::GraphConfig::max_attempts`];
//! exhausted throttling becomes [`GraphError::Throttled`]. Each attempt holds a permit of
//! the shared concurrency limit and runs in a `graph` tracing span with the path *template*
//! (never ids, UPNs or bodies).

use std::sync::Arc;
use std::time::Instant;

use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use tokio::sync::Semaphore;

use crate::api_error::api_error;
use crate::net::{header_str, millis, read_capped, transport_error, MAX_GRAPH_BODY};
use crate::retry::{backoff, delay, http_date, is_retryable, retry_after, Sleeper};
use crate::signin::token::{AccessToken, TokenSource};
use crate::{GraphError, Operation};

/// The shared HTTP client, token source, sleeper and concurrency limit.
pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub tokens: TokenSource,
    pub sleeper: Arc<dyn Sleeper>,
    /// Graph calls in flight at once (token requests are not counted).
    pub limit: Semaphore,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
}

/// One call to make.
#[derive(Clone)]
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
    /// Graph's clock when it answered (the `Date` header), Unix seconds.
    pub date: Option<i64>,
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
    /// Sends `call`, retrying as the module docs describe.
    pub(crate) async fn send(&self, call: Call) -> Result<Reply, GraphError> {
        let idempotent = call.method == Method::GET || call.method == Method::DELETE;
        let mut attempt = 0;
        let mut rejected: Option<Arc<AccessToken>> = None;
        // An earlier attempt may have been carried out (its answer was lost).
        let mut maybe_done = false;
        loop {
            attempt += 1;
            let last = attempt >= self.max_attempts;
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
            let answer = {
                let _permit = self.limit.acquire().await.expect("never closed");
                self.attempt(&call, &token, &client_request_id)
                    .instrument(span)
                    .await
            };
            let answer = match answer {
                Ok(answer) => answer,
                Err(error) if idempotent && !last => {
                    maybe_done = true;
                    let wait = backoff(attempt, rand::random::<f64>());
                    tracing::info!(%error, wait_ms = millis(wait), "retrying");
                    self.sleeper.sleep(wait).await;
                    continue;
                }
                Err(error) => return Err(error),
            };
            let status = answer.status.as_u16();
            let request_id = header_str(&answer.headers, "request-id");
            if answer.status.is_success() {
                // A cut-off body (the connection died mid-answer) is asked for again.
                let unreadable = !answer.body.is_empty()
                    && serde_json::from_slice::<serde::de::IgnoredAny>(&answer.body).is_err();
                if unreadable && idempotent && !last {
                    let wait = backoff(attempt, rand::random::<f64>());
                    tracing::info!(status, "unreadable answer, asking again");
                    self.sleeper.sleep(wait).await;
                    continue;
                }
                return Ok(Reply {
                    status,
                    body: answer.body,
                    request_id,
                    date: header_str(&answer.headers, "date").and_then(|d| http_date(&d)),
                });
            }
            // A DELETE whose earlier attempt may have worked finds nothing: it is done.
            if status == 404 && call.method == Method::DELETE && maybe_done {
                tracing::info!("already deleted by an earlier attempt");
                return Ok(Reply {
                    status: 204,
                    body: Vec::new(),
                    request_id,
                    date: None,
                });
            }
            // A refused token or a throttled call was not processed: safe to repeat, even
            // for a write.
            if status == 401 {
                if rejected.is_none() {
                    tracing::info!("token refused, fetching a new one");
                    rejected = Some(token);
                    attempt -= 1;
                    continue;
                }
                self.tokens.forget(&token).await;
            }
            let retry = status == 429
                || (idempotent && (is_retryable(status) || status == 500 || status == 502));
            if retry && !last {
                maybe_done |= status >= 500;
                let wait = delay(attempt, &answer.headers);
                tracing::info!(status, wait_ms = millis(wait), "retrying");
                self.sleeper.sleep(wait).await;
                continue;
            }
            if status == 429 || (idempotent && is_retryable(status)) {
                return Err(GraphError::Throttled {
                    retry_after: retry_after(&answer.headers),
                    request_id,
                    client_request_id: Some(client_request_id),
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
            .header(AUTHORIZATION, token.header()?)
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
            let response = request.send().await.map_err(transport_error)?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = read_capped(response, MAX_GRAPH_BODY).await?;
            Ok::<_, GraphError>(Answer {
                status,
                headers,
                body,
            })
        }
        .await;
        let span = tracing::Span::current();
        span.record("duration_ms", millis(started.elapsed()));
        match result {
            Ok(answer) => {
                span.record("status", answer.status.as_u16());
                if let Some(id) = header_str(&answer.headers, "request-id") {
                    span.record("request_id", id.as_str());
                }
                if answer.status.is_success() {
                    tracing::debug!("graph call done");
                } else {
                    // The identity service's throttling headers, when Graph sends them.
                    let throttle: Vec<String> = [
                        "x-ms-throttle-scope",
                        "x-ms-throttle-information",
                        "x-ms-throttle-limit-percentage",
                        "x-ms-resource-unit",
                    ]
                    .into_iter()
                    .filter_map(|name| {
                        header_str(&answer.headers, name).map(|value| format!("{name}={value}"))
                    })
                    .collect();
                    if throttle.is_empty() {
                        tracing::warn!("graph call failed");
                    } else {
                        tracing::warn!(throttle = %throttle.join(" "), "graph call failed");
                    }
                }
                Ok(answer)
            }
            Err(error) => {
                tracing::warn!(%error, "graph call did not complete");
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_names_what() {
        let reply = Reply {
            status: 200,
            body: b"nope".to_vec(),
            request_id: Some("r".into()),
            date: None,
        };
        let error = reply.json::<serde_json::Value>("user").unwrap_err();
        assert!(matches!(error, GraphError::Malformed { ref what, .. } if what == "user"));
        assert_eq!(error.request_id(), Some("r"));
    }
}
