//! The port: what KeyDesk asks of a security key, one operation per method.
//!
//! Methods are operations a technician would name (set the PIN, make the credential), not
//! CTAP commands: the PIN/UV auth protocol, PIN tokens and CBOR stay inside each
//! implementation. Every method may fail with [`KeyError::Removed`] when the key is pulled.

use async_trait::async_trait;
use keydesk_core::{Attestation, Pin};

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
}
