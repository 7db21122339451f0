//! Helpers shared by the Graph transport ([`crate::http`]) and the token endpoint
//! ([`crate::signin`]): a response header as a string, a failed request as a
//! [`GraphError`] that says what went wrong without its URL, and a duration as log-field
//! milliseconds.
//!
//! A leaf: it names nothing else of the crate but the error type, so both sides can use it
//! without depending on each other.

use reqwest::header::HeaderMap;

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
