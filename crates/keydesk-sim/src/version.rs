//! Which Graph version (`/v1.0` or `/beta`) a request came in under: the router marks
//! each request, and handlers, challenges and registrations remember it.

/// Which Graph version a route was reached under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    /// `/v1.0`.
    V1,
    /// `/beta`.
    Beta,
}
