//! Helpers shared by the Graph transport ([`crate::http`]) and the token endpoint
//! ([`crate::signin`]): a response header as a string, a failed request as a
//! [`GraphError`] that says what went wrong without its URL, and a duration as log-field
//! milliseconds.
//!
//! A leaf: it names nothing else of the crate but the error type, so both sides can use it
//! without depending on each other.

use reqwest::header::{HeaderMap, HeaderValue};

use crate::GraphError;

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

/// Milliseconds for a log field (saturating: no real wait or request lasts 584 million years).
pub(crate) fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Largest Graph answer read: a page of 999 users with KeyDesk's `$select` is well under a
/// megabyte; anything past this is not an answer KeyDesk asked for.
pub(crate) const MAX_GRAPH_BODY: usize = 16 * 1024 * 1024;

/// Largest token-endpoint answer read (tokens are a few kilobytes).
pub(crate) const MAX_TOKEN_BODY: usize = 256 * 1024;

/// Reads a response body, refusing one longer than `limit` bytes before holding it all.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, GraphError> {
    let request_id = header_str(response.headers(), "request-id");
    let too_large = || GraphError::Malformed {
        what: "answer".into(),
        detail: format!(
            "larger than {} KiB, more than any answer KeyDesk asks for; not read",
            limit / 1024
        ),
        request_id: request_id.clone(),
    };
    if response
        .content_length()
        .is_some_and(|n| usize::try_from(n).map_or(true, |n| n > limit))
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `Bearer <token>` as a header value marked sensitive (left out of reqwest's and hyper's
/// debug output and of HTTP/2 header compression tables).
pub(crate) fn bearer(token: &str) -> Result<HeaderValue, GraphError> {
    let mut value =
        HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| GraphError::Malformed {
            what: "access token".into(),
            detail: "contains characters an HTTP header cannot carry".into(),
            request_id: None,
        })?;
    value.set_sensitive(true);
    Ok(value)
}
