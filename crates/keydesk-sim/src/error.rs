//! Error bodies in the two dialects the tenant speaks.
//!
//! Graph: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
//! Handlers return [`GraphError`], which only records status, code and message; the Graph
//! middleware ([`crate::layer`]) writes the envelope because it owns the request ids.
//! Entra's token endpoint: `{"error","error_description":"AADSTSnnn: ...","error_codes",...}`,
//! built by [`AadError`].

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use uuid::Uuid;

use crate::clock::aad_timestamp;

/// A Graph error, before the middleware adds the request ids.
#[derive(Debug, Clone)]
pub struct GraphError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl GraphError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        GraphError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 with code `badRequest`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "badRequest", message)
    }

    /// 400 with code `invalidRequest`: the request was understood but refused.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalidRequest", message)
    }

    /// 404 for a directory object that does not exist.
    pub fn not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!(
                "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    }

    /// 401 `InvalidAuthenticationToken`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            message,
        )
    }

    /// A generic error for a status that no handler described (router 404/405).
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => Self::new(
                status,
                "BadRequest",
                "Resource not found for the segment in the request URL.",
            ),
            StatusCode::METHOD_NOT_ALLOWED => Self::new(
                status,
                "methodNotAllowed",
                "The HTTP method is not allowed on this resource.",
            ),
            _ => Self::new(status, "generalException", "The request failed."),
        }
    }

    /// The full envelope.
    pub fn envelope(
        &self,
        request_id: &Uuid,
        client_request_id: &str,
        date: &str,
    ) -> serde_json::Value {
        json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "innerError": {
                    "date": date,
                    "request-id": request_id.to_string(),
                    "client-request-id": client_request_id,
                }
            }
        })
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// An Entra ID (AADSTS) error from the token endpoint.
#[derive(Debug, Clone)]
pub struct AadError {
    pub status: StatusCode,
    pub error: &'static str,
    pub aadsts: u32,
    pub description: String,
}

impl AadError {
    pub fn new(
        status: StatusCode,
        error: &'static str,
        aadsts: u32,
        description: impl Into<String>,
    ) -> Self {
        AadError {
            status,
            error,
            aadsts,
            description: description.into(),
        }
    }

    /// Renders the body at the given simulated time.
    pub fn render(self, now: time::OffsetDateTime) -> Response {
        let trace_id = Uuid::new_v4();
        let correlation_id = Uuid::new_v4();
        let timestamp = aad_timestamp(now);
        let body = json!({
            "error": self.error,
            "error_description": format!(
                "AADSTS{}: {} Trace ID: {trace_id} Correlation ID: {correlation_id} Timestamp: {timestamp}",
                self.aadsts, self.description
            ),
            "error_codes": [self.aadsts],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.aadsts),
        });
        (self.status, Json(body)).into_response()
    }
}
