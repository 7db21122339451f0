//! Creation options: what Graph issues for one user and one registration.
//!
//! The Graph client turns the wire shape into this type; the engine and the key only see
//! this. Everything is taken from the response (rp, user, algorithms, extensions), never
//! assumed (GRAPH.md).

/// credProtect levels (CTAP 2.1 §12.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredProtect {
    /// userVerificationOptional (1): what Entra asks for.
    UvOptional = 1,
    /// userVerificationOptionalWithCredentialIDList (2).
    UvOptionalWithIdList = 2,
    /// userVerificationRequired (3).
    UvRequired = 3,
}

impl CredProtect {
    /// Parses Graph's `credentialProtectionPolicy` string.
    pub fn from_policy_name(name: &str) -> Option<Self> {
        match name {
            "userVerificationOptional" => Some(CredProtect::UvOptional),
            "userVerificationOptionalWithCredentialIDList" => {
                Some(CredProtect::UvOptionalWithIdList)
            }
            "userVerificationRequired" => Some(CredProtect::UvRequired),
            _ => None,
        }
    }
}

/// One registration's creation options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreationOptions {
    /// The challenge string, verbatim (it goes into clientDataJSON as is).
    pub challenge: String,
    /// When Graph stops accepting this challenge, seconds since the Unix epoch.
    pub expires_at_unix: i64,
    /// Relying party id, e.g. "login.microsoft.com".
    pub rp_id: String,
    /// Relying party name, e.g. "Microsoft".
    pub rp_name: String,
    /// User handle bytes (decoded `user.id`).
    pub user_handle: Vec<u8>,
    /// `user.name`, usually the UPN.
    pub user_name: String,
    /// `user.displayName`.
    pub user_display_name: String,
    /// COSE algorithms in the server's order of preference.
    pub algorithms: Vec<i64>,
    /// Credential ids the key must not already hold (decoded).
    pub exclude_credentials: Vec<Vec<u8>>,
    /// Whether the server requires a discoverable credential.
    pub resident_key: bool,
    /// hmac-secret extension requested.
    pub hmac_secret: bool,
    /// credProtect level requested, if any.
    pub cred_protect: Option<CredProtect>,
}

impl CreationOptions {
    /// True when the challenge will still be valid `margin_secs` after `now_unix`.
    pub fn is_fresh(&self, now_unix: i64, margin_secs: i64) -> bool {
        now_unix + margin_secs < self.expires_at_unix
    }
}
