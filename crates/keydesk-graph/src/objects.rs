//! The directory objects the client hands out and its errors name: a [`Group`] and a
//! [`Passkey`]. Plain data, a leaf: the calls that read them live in `api/`
//! ([`crate::api::groups`], [`crate::api::fido2`]), and [`crate::GraphError`] can carry them
//! without depending on those calls.

/// An Entra group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Object id.
    pub id: String,
    /// Display name.
    pub display_name: String,
}

/// A FIDO2 authentication method registered for a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passkey {
    /// Method id (opaque; looks like base64url with a trailing digit).
    pub id: String,
    /// Name shown to the user.
    pub display_name: Option<String>,
    /// `createdDateTime`, as Graph wrote it.
    pub created: Option<String>,
    /// Authenticator model id.
    pub aaguid: Option<String>,
    /// Authenticator model name.
    pub model: Option<String>,
}
