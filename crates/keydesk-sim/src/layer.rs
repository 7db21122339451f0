//! The middleware every Graph call passes through, and the one that dates every response.
//!
//! It counts the request, applies the fault knobs ([`crate::faults`]), checks the bearer
//! token, adds the configured latency (half before the handler, half after), stamps `request-id` / `client-request-id` headers,
//! and turns a [`GraphError`] (or a bare router 404/405) into the Graph error envelope
//! carrying those ids.
//!
//! [`date`] wraps the whole application (Graph, token endpoint, sign-in pages, `/_sim`):
//! it sets `Date` from the simulated clock, so a client comparing `createdDateTime` with the
//! server's time sees a clock a test moved forward. Hyper adds a wall-clock `Date` only
//! when the header is absent.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, DATE, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use uuid::Uuid;

use crate::clock::{graph_date, http_date};
use crate::error::GraphError;
use crate::faults::{After, Before};
use crate::tenant::{Counters, Tenant};

/// The Graph middleware (see the module docs).
pub async fn graph(State(tenant): State<Arc<Tenant>>, request: Request, next: Next) -> Response {
    Counters::bump(&tenant.counters.graph_requests);
    let request_id = Uuid::new_v4();
    let client_request_id = request
        .headers()
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| Uuid::new_v4().to_string());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let auth = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let write = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    let (before, after) = tenant.faults.before(write);
    // Half the latency before the handler, half after it: a write is made some time before
    // its answer arrives, as over a real network (a crash in between leaves it unknown).
    let latency = tenant.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency / 2).await;
    }
    let mut response = match before {
        Before::Drop => {
            tracing::info!(%method, %path, "fault: connection dropped before handling");
            return dropped();
        }
        Before::Throttle => GraphError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "Too many requests. The request was throttled; retry after 1 second.",
        )
        .into_response(),
        Before::Unavailable => GraphError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceNotAvailable",
            "The service is temporarily unavailable. Please retry later.",
        )
        .into_response(),
        Before::Proceed => match tenant.check_bearer(auth) {
            Ok(caller) => {
                let mut request = request;
                request.extensions_mut().insert(caller);
                next.run(request).await
            }
            Err(error) => error.into_response(),
        },
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency - latency / 2).await;
    }
    if after == After::Lose {
        tracing::info!(%method, %path, status = response.status().as_u16(), "fault: response lost after the write");
        return dropped();
    }
    let status = response.status();
    let error = response
        .extensions_mut()
        .remove::<GraphError>()
        .or_else(|| {
            (status.is_client_error() || status.is_server_error())
                .then(|| GraphError::for_status(status))
        });
    if let Some(error) = error {
        tracing::info!(%method, %path, status = error.status.as_u16(), code = error.code, message = %error.message, %request_id, "graph request refused");
        let body = error.envelope(
            &request_id,
            &client_request_id,
            &graph_date(tenant.clock.now()),
        );
        response = (error.status, Json(body)).into_response();
    } else {
        tracing::debug!(%method, %path, status = status.as_u16(), %request_id, "graph request");
    }
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id.to_string()) {
        headers.insert("request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&client_request_id) {
        headers.insert("client-request-id", v);
    }
    headers.insert("x-ms-resource-unit", resource_units(&path).into());
    if before == Before::Throttle {
        headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
        headers.insert(
            "x-ms-throttle-scope",
            HeaderValue::from_static("Tenant_Application/ReadWrite/simulated"),
        );
        headers.insert(
            "x-ms-throttle-information",
            HeaderValue::from_static("ResourceUnitLimitExceeded"),
        );
        headers.insert(
            "x-ms-throttle-limit-percentage",
            HeaderValue::from_static("1.0"),
        );
    }
    if after == After::Truncate {
        response = truncate(response).await;
    }
    response
}

/// Sets the `Date` header of every response from the simulated clock.
pub async fn date(State(tenant): State<Arc<Tenant>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&http_date(tenant.clock.now())) {
        response.headers_mut().insert(DATE, value);
    }
    response
}

/// What the identity service charges for a call (the resource units Microsoft documents): transitiveMembers 5,
/// members 3, anything else 1.
fn resource_units(path: &str) -> u32 {
    if path.contains("/transitiveMembers") {
        5
    } else if path.contains("/members") {
        3
    } else {
        1
    }
}

/// A response whose body fails before its first byte: hyper then closes the connection
/// without writing a status line, so the client sees the connection drop.
fn dropped() -> Response {
    let failing = futures::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other("fault: dropped"))
    });
    Response::new(Body::from_stream(failing))
}

/// The same response with its body cut in half (malformed JSON).
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(CONTENT_LENGTH);
    tracing::info!(
        full = bytes.len(),
        sent = half.len(),
        "fault: body truncated"
    );
    Response::from_parts(parts, Body::from(half))
}
