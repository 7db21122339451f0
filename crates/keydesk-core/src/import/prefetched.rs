//! A challenge the Yubico sample's step 1 fetched ahead (its `usersToRegister.csv`
//! columns), and the creation options it stands for.
//!
//! The file keeps only the challenge, its expiry, the user handle and the RP id; the rest
//! of the options are what Entra always sends for provisioning (RP name "Microsoft",
//! ES256 then RS256, a discoverable credential, hmac-secret, credProtect
//! userVerificationOptional) and no `excludeCredentials`, which the file cannot carry: a
//! user who already holds passkeys must get fresh options from Graph instead. The sample
//! fetches its challenges from beta (with a custom timeout), so the registration goes to
//! beta too.

use crate::options::{CreationOptions, CredProtect};

/// Entra's relying party when the file has no `RP.ID` column.
const ENTRA_RP_ID: &str = "login.microsoft.com";

/// Creation options a file brought along (the sample's columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefetchedChallenge {
    /// The challenge, verbatim.
    pub challenge: String,
    /// When it expires, Unix seconds.
    pub expires_unix: i64,
    /// The WebAuthn user handle (decoded `User.ID`).
    pub user_handle: Vec<u8>,
    /// `RP.ID`, when the file has the column.
    pub rp_id: Option<String>,
}

impl PrefetchedChallenge {
    /// Whether it can still be used at `now_unix` with `margin_secs` to spare.
    pub fn usable_at(&self, now_unix: i64, margin_secs: i64) -> bool {
        self.expires_unix - margin_secs > now_unix
    }
}

impl PrefetchedChallenge {
    /// The creation options this challenge belongs to, for `upn` (see the module docs).
    pub fn to_creation_options(&self, upn: &str, display_name: &str) -> CreationOptions {
        CreationOptions {
            challenge: self.challenge.clone(),
            expires_at_unix: self.expires_unix,
            rp_id: self
                .rp_id
                .clone()
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| ENTRA_RP_ID.to_owned()),
            rp_name: "Microsoft".to_owned(),
            user_handle: self.user_handle.clone(),
            user_name: upn.to_owned(),
            user_display_name: display_name.to_owned(),
            algorithms: vec![-7, -257],
            exclude_credentials: Vec::new(),
            resident_key: true,
            hmac_secret: true,
            cred_protect: Some(CredProtect::UvOptional),
            beta: true,
        }
    }
}
