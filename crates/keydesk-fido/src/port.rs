//! The port: what KeyDesk asks of a security key, one operation per method.
//!
//! Methods are operations a technician would name (set the PIN, make the credential), not
//! CTAP commands: the PIN/UV auth protocol, PIN tokens and CBOR stay inside each
//! implementation. Every method may fail with [`KeyError::Removed`] when the key is pulled.

use async_trait::async_trait;
use keydesk_core::{Attestation, CreationOptions, Pin};

use crate::error::KeyError;

/// What getInfo tells about a key, plus what the driver learnt about the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// CTAP versions, e.g. ["FIDO_2_0", "FIDO_2_1"].
    pub versions: Vec<String>,
    /// The model's AAGUID.
    pub aaguid: [u8; 16],
    /// `options.clientPin`: None = no PIN support, Some(false) = PIN not set, Some(true) = set.
    pub client_pin: Option<bool>,
    /// `options.rk`: discoverable credentials supported.
    pub resident_keys: bool,
    /// Current minimum PIN length (4 unless changed by authenticatorConfig).
    pub min_pin_length: u8,
    /// PIN/UV auth protocols offered, in the key's order of preference.
    pub pin_protocols: Vec<u8>,
    /// Free discoverable-credential slots, when the key reports it.
    pub remaining_discoverable_credentials: Option<u32>,
    /// Human model name, when known.
    pub model: String,
    /// Serial number, when the key exposes one.
    pub serial: Option<String>,
    /// `forcePINChange`: PIN-token operations fail (0x37) until the PIN is changed.
    pub force_pin_change: bool,
    /// `options.authnrCfg`: authenticatorConfig is supported.
    pub supports_config: bool,
    /// `options.setMinPINLength`: the minimum PIN length can be raised.
    pub supports_min_pin_length: bool,
    /// `options.credMgmt`: discoverable credentials can be listed and deleted.
    pub supports_cred_mgmt: bool,
    /// `firmwareVersion`, when the key reports it.
    pub firmware: Option<u32>,
    /// `options.bioEnroll` is present: the key has a fingerprint reader (true or false
    /// only says whether a finger is enrolled yet).
    pub biometric: bool,
}

/// An AAGUID as text, the way Entra, the FIDO metadata service and KeyDesk's inventory
/// write it: lower-case, hyphenated (`aa62412e-2cce-4d8b-9c5a-0330bc24e541`). The one
/// place KeyDesk formats an AAGUID.
pub fn aaguid_text(aaguid: &[u8; 16]) -> String {
    uuid::Uuid::from_bytes(*aaguid).to_string()
}

/// One getAssertion request (the self-test after provisioning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetAssertion {
    /// The exact clientDataJSON bytes; the key signs over their SHA-256.
    pub client_data_json: Vec<u8>,
    /// Relying party id.
    pub rp_id: String,
    /// Credential ids to try; empty means "any discoverable credential for `rp_id`".
    pub allow_list: Vec<Vec<u8>>,
}

/// What getAssertion returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// The credential that signed.
    pub credential_id: Vec<u8>,
    /// authData (rpIdHash, flags, signCount, extensions), byte exact.
    pub auth_data: Vec<u8>,
    /// ECDSA signature over `auth_data || SHA-256(clientDataJSON)`, DER.
    pub signature: Vec<u8>,
    /// The user handle, for discoverable credentials.
    pub user_handle: Option<Vec<u8>>,
}

/// A discoverable credential found on a key (credential management).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRef {
    /// Relying party id.
    pub rp_id: String,
    /// Credential id.
    pub credential_id: Vec<u8>,
    /// User handle.
    pub user_handle: Vec<u8>,
    /// User name (UPN).
    pub user_name: String,
}

/// One makeCredential request, built from Graph's creation options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakeCredential {
    /// The exact clientDataJSON bytes; the key signs over their SHA-256.
    pub client_data_json: Vec<u8>,
    /// Relying party id.
    pub rp_id: String,
    /// Relying party name.
    pub rp_name: String,
    /// User handle bytes.
    pub user_handle: Vec<u8>,
    /// User name (UPN).
    pub user_name: String,
    /// User display name.
    pub user_display_name: String,
    /// Credential ids already registered for this user: the key refuses if it holds one.
    pub exclude_list: Vec<Vec<u8>>,
    /// Make a discoverable (resident) credential.
    pub resident_key: bool,
    /// credProtect level to request (1..=3), if any.
    pub cred_protect: Option<u8>,
    /// Request the hmac-secret extension.
    pub hmac_secret: bool,
}

impl MakeCredential {
    /// The request for Graph's creation `options`, signed over `client_data_json` (the
    /// exact bytes that go to Graph): rp, user, exclusions and extensions as Graph asked.
    pub fn for_options(options: &CreationOptions, client_data_json: Vec<u8>) -> MakeCredential {
        MakeCredential {
            client_data_json,
            rp_id: options.rp_id.clone(),
            rp_name: options.rp_name.clone(),
            user_handle: options.user_handle.clone(),
            user_name: options.user_name.clone(),
            user_display_name: options.user_display_name.clone(),
            exclude_list: options.exclude_credentials.clone(),
            resident_key: options.resident_key,
            cred_protect: options.cred_protect.map(|c| c as u8),
            hmac_secret: options.hmac_secret,
        }
    }
}

/// A security key KeyDesk can provision.
#[async_trait]
pub trait SecurityKey: Send + Sync {
    /// A stable id for this key while it is plugged (device path for hardware).
    fn id(&self) -> &str;

    /// getInfo, plus model and serial.
    async fn info(&self) -> Result<KeyInfo, KeyError>;

    /// PIN retries left before the key blocks.
    async fn pin_retries(&self) -> Result<u8, KeyError>;

    /// Sets the first PIN on a key that has none.
    async fn set_pin(&self, new_pin: &Pin) -> Result<(), KeyError>;

    /// Creates a credential, verifying the user with `pin`. Needs a touch: the caller tells
    /// the operator to touch the key before calling.
    async fn make_credential(
        &self,
        request: &MakeCredential,
        pin: &Pin,
    ) -> Result<Attestation, KeyError>;

    /// clientPin changePIN: replaces `current` with `new_pin` (clears a forced change).
    async fn change_pin(&self, current: &Pin, new_pin: &Pin) -> Result<(), KeyError>;

    /// authenticatorReset: wipes every credential and the PIN. Needs a touch, and only
    /// works within 10 s of the key being plugged in (else 0x30 not allowed; no touch
    /// gives 0x2F). The caller tells the operator to re-plug, then to touch.
    async fn reset(&self) -> Result<(), KeyError>;

    /// authenticatorConfig setMinPINLength: raises the minimum (it never shrinks) and sets
    /// the RP ids allowed to read it (`rp_ids` may be empty). A minimum longer than the
    /// current PIN forces a PIN change.
    async fn set_min_pin_length(
        &self,
        pin: &Pin,
        min_length: u8,
        rp_ids: &[String],
    ) -> Result<(), KeyError>;

    /// authenticatorConfig setMinPINLength with forceChangePin: from now on PIN-token
    /// operations fail with 0x37 until the PIN is changed. Call it last.
    async fn force_pin_change(&self, pin: &Pin) -> Result<(), KeyError>;

    /// getAssertion with the PIN (a self-test of a fresh credential). Needs a touch.
    async fn get_assertion(&self, request: &GetAssertion, pin: &Pin)
        -> Result<Assertion, KeyError>;

    /// The discoverable credentials on the key (credential management).
    async fn credentials(&self, pin: &Pin) -> Result<Vec<CredentialRef>, KeyError>;

    /// Deletes one discoverable credential (credential management).
    async fn delete_credential(&self, pin: &Pin, credential_id: &[u8]) -> Result<(), KeyError>;

    /// Cancels the operation running on this key (CTAPHID_CANCEL); it fails with 0x2D.
    async fn cancel(&self);

    /// Makes the key blink so the operator can tell which one it is.
    async fn wink(&self) -> Result<(), KeyError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aaguid_is_lower_case_and_hyphenated() {
        let soft = [
            0xaa, 0x62, 0x41, 0x2e, 0x2c, 0xce, 0x4d, 0x8b, 0x9c, 0x5a, 0x03, 0x30, 0xbc, 0x24,
            0xe5, 0x41,
        ];
        assert_eq!(aaguid_text(&soft), "aa62412e-2cce-4d8b-9c5a-0330bc24e541");
        assert_eq!(
            aaguid_text(&[0xCB; 16]),
            "cbcbcbcb-cbcb-cbcb-cbcb-cbcbcbcbcbcb"
        );
    }
}
