//! One credential the soft key holds: its private key and what it was made for.
//!
//! Private keys never leave this module: the rest of the key sees [`Credential::sign`] and
//! the public [`StoredCredentialView`].

use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use rand::RngCore;

use crate::port::MakeCredential;

/// Length of the random credential ids the soft key hands out.
pub const CREDENTIAL_ID_LEN: usize = 32;

/// A credential as the key stores it.
pub struct Credential {
    id: Vec<u8>,
    key: SigningKey,
    rp_id: String,
    user_handle: Vec<u8>,
    user_name: String,
    discoverable: bool,
    cred_protect: Option<u8>,
}

/// What tests and the demo panel may see of a stored credential (no key material).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredentialView {
    /// Relying party id.
    pub rp_id: String,
    /// User name (UPN).
    pub user_name: String,
    /// User handle.
    pub user_handle: Vec<u8>,
    /// Credential id.
    pub credential_id: Vec<u8>,
    /// Whether it uses a discoverable-credential slot.
    pub discoverable: bool,
    /// credProtect level, when one was requested.
    pub cred_protect: Option<u8>,
}

/// The non-secret parts of a saved credential; see [`Credential::restore`].
pub(crate) struct RestoredParts {
    pub id: Vec<u8>,
    pub rp_id: String,
    pub user_handle: Vec<u8>,
    pub user_name: String,
    pub discoverable: bool,
    pub cred_protect: Option<u8>,
}

impl Credential {
    /// A fresh credential with a random P-256 key and a random id.
    pub fn generate(request: &MakeCredential) -> Self {
        let mut rng = rand::rng();
        let mut id = vec![0u8; CREDENTIAL_ID_LEN];
        rng.fill_bytes(&mut id);
        Credential {
            id,
            key: random_signing_key(&mut rng),
            rp_id: request.rp_id.clone(),
            user_handle: request.user_handle.clone(),
            user_name: request.user_name.clone(),
            discoverable: request.resident_key,
            cred_protect: request.cred_protect,
        }
    }

    /// Rebuilds a saved credential; None when `secret` is not a valid P-256 scalar.
    pub(crate) fn restore(saved: RestoredParts, secret: &[u8]) -> Option<Self> {
        Some(Credential {
            id: saved.id,
            key: SigningKey::from_slice(secret).ok()?,
            rp_id: saved.rp_id,
            user_handle: saved.user_handle,
            user_name: saved.user_name,
            discoverable: saved.discoverable,
            cred_protect: saved.cred_protect,
        })
    }

    /// The private scalar, for the state file only.
    pub(crate) fn secret(&self) -> Vec<u8> {
        self.key.to_bytes().to_vec()
    }

    /// The user handle.
    pub fn user_handle(&self) -> &[u8] {
        &self.user_handle
    }

    /// The credential id.
    pub fn id(&self) -> &[u8] {
        &self.id
    }

    /// The relying party id it was made for.
    pub fn rp_id(&self) -> &str {
        &self.rp_id
    }

    /// True for the same relying party and user: a new discoverable credential replaces it.
    pub fn same_account(&self, other: &Credential) -> bool {
        self.rp_id == other.rp_id && self.user_handle == other.user_handle
    }

    /// Whether it occupies a discoverable-credential slot.
    pub fn is_discoverable(&self) -> bool {
        self.discoverable
    }

    /// The public key.
    pub fn public_key(&self) -> &VerifyingKey {
        self.key.verifying_key()
    }

    /// ECDSA-SHA256 over `message`, DER encoded.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: DerSignature = self.key.sign(message);
        signature.as_bytes().to_vec()
    }

    /// The public view.
    pub fn view(&self) -> StoredCredentialView {
        StoredCredentialView {
            rp_id: self.rp_id.clone(),
            user_name: self.user_name.clone(),
            user_handle: self.user_handle.clone(),
            credential_id: self.id.clone(),
            discoverable: self.discoverable,
            cred_protect: self.cred_protect,
        }
    }
}

/// Draws scalars until one is a valid P-256 private key (all but a 2^-32 sliver are).
///
/// p256 0.13 speaks rand_core 0.6 while the workspace uses rand 0.9, so the scalar is drawn
/// as bytes rather than through `SigningKey::random`.
fn random_signing_key(rng: &mut impl RngCore) -> SigningKey {
    loop {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        if let Ok(key) = SigningKey::from_slice(&bytes) {
            return key;
        }
    }
}
