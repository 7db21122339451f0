//! Graph's error envelope `{"error":{"code","message","innerError":{…}}}` read into
//! [`GraphError::Api`], with the request ids taken from the envelope, else the headers,
//! else the `client-request-id` KeyDesk sent.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::net::header_str;
use crate::wire::ErrorEnvelope;
use crate::{GraphError, Operation};

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
}
