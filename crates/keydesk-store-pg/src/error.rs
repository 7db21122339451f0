//! PostgreSQL errors as the engine's `StoreError`, with the kind a caller branches on.

use keydesk_engine::port::{StoreError, StoreErrorKind};

/// `e` as a [`StoreError`]: refused (authentication, permission), unreachable (closed
/// connection, I/O, TLS) or a backend failure.
pub(crate) fn store(e: postgres::Error) -> StoreError {
    let kind = match e.code().map(|c| c.code()) {
        // invalid_authorization_specification, invalid_password, insufficient_privilege
        Some("28000" | "28P01" | "42501") => StoreErrorKind::Refused,
        Some(_) => StoreErrorKind::Backend,
        // No server answer: the connection closed, or the network or TLS failed.
        None if e.is_closed() || io_or_tls(&e) => StoreErrorKind::Unreachable,
        None => StoreErrorKind::Backend,
    };
    StoreError::Backend {
        kind,
        source: Box::new(e),
    }
}

/// A failure of ours (bad data in the store) as a [`StoreError`].
pub(crate) fn other(kind: StoreErrorKind, message: impl Into<String>) -> StoreError {
    let message: String = message.into();
    StoreError::Backend {
        kind,
        source: message.into(),
    }
}

/// Whether `e` came from the socket or the TLS layer (not from the server or our query).
fn io_or_tls(e: &postgres::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if cause.is::<std::io::Error>() || cause.is::<rustls::Error>() {
            return true;
        }
        source = cause.source();
    }
    false
}
