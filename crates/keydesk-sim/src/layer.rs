//! The middleware every Graph call passes through.
//!
//! It counts the request, checks the bearer token, adds the configured latency, stamps
//! `request-id` / `client-request-id` headers, and turns a [`GraphError`] (or a bare router
//! 404/405) into the Graph error envelope carrying those ids.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use uuid::Uuid;

use crate::clock::graph_date;
use crate::error::GraphError;
use crate::tenant::{Counters, Tenant};

/// Which Graph version a route was reached under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    V1,
    Beta,
}

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
    let mut response = match tenant.check_bearer(auth) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    };
    if !tenant.config.latency.is_zero() {
        tokio::time::sleep(tenant.config.latency).await;
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
    response
}
