//! The desk pool: a secret an administrator enters once at each desk (kept in that desk's
//! OS keyring by the caller), from which every desk derives the same two keys: one that
//! wraps the pool's escrow key, one that chains the audit log ([`crate::audit`]).
//!
//! The escrow key is made by the first desk, stored only wrapped (ChaCha20-Poly1305 under
//! the wrapping key) in the `pool` table, and unwrapped by each desk at start, so a PIN
//! sealed at desk 1 opens at desk 2. A wrong pool secret is told apart from a damaged
//! store: the wrapped key does not open.
//!
//! PINs are not sealed under the pool's escrow key itself: it wraps one key per batch
//! (`batches`), destroyed once the batch is closed and its last PIN delivered.
//!
//! What the database alone yields: user ids, UPNs, job states, key serials, inventory and
//! audit lines in clear; PINs only sealed, under batch keys it holds only wrapped, under a
//! key it holds only wrapped by the pool secret. A wiped PIN's old row version may
//! linger in PostgreSQL's files until vacuum reuses the space; it too is sealed, and once
//! its batch is destroyed the live database holds no key for it (docs/SECURITY.md).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hmac::{Hmac, Mac};
use keydesk_engine::escrow::Escrow;
use keydesk_engine::port::StoreError;
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::conn::PgStore;
use crate::error::store;

/// A pool secret shorter than this many characters is refused.
pub const MIN_SECRET_LEN: usize = 24;
const POOL_LOCK: i64 = 0x6b64_0002;
const NONCE_LEN: usize = 12;
const WRAP_AAD: &[u8] = b"keydesk pool escrow key v1";

/// A failure joining the pool.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The pool secret does not open the pool's escrow key: another pool's secret, or a
    /// typo.
    #[error("the pool secret does not match this store's pool")]
    WrongSecret,
    /// The pool secret is too short to be a key.
    #[error("a pool secret has at least {MIN_SECRET_LEN} characters")]
    TooShort,
}

impl PoolError {
    /// What to do about it.
    pub fn remediation(&self) -> &'static str {
        match self {
            PoolError::Store(e) => e.remediation(),
            PoolError::WrongSecret => {
                "Enter the pool secret the administrator gave the other desks of this store."
            }
            PoolError::TooShort => "Use the generated pool secret (`PoolSecret::generate`).",
        }
    }
}

/// The pool's secret and the keys derived from it. Never printed.
pub struct PoolSecret {
    wrap: Zeroizing<[u8; 32]>,
    audit: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for PoolSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PoolSecret(..)")
    }
}

impl PoolSecret {
    /// The pool secret as entered (at least [`MIN_SECRET_LEN`] characters).
    pub fn new(text: &str) -> Result<PoolSecret, PoolError> {
        if text.chars().count() < MIN_SECRET_LEN {
            return Err(PoolError::TooShort);
        }
        let derive = |label: &[u8]| {
            let mut mac =
                <Hmac<Sha256> as Mac>::new_from_slice(text.as_bytes()).expect("HMAC takes any key");
            mac.update(label);
            Zeroizing::new(<[u8; 32]>::from(mac.finalize().into_bytes()))
        };
        Ok(PoolSecret {
            wrap: derive(b"keydesk pool wrap v1"),
            audit: derive(b"keydesk pool audit v1"),
        })
    }

    /// A fresh secret for a new pool: 32 random bytes as hex (64 characters).
    pub fn generate() -> Zeroizing<String> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(bytes.as_mut());
        Zeroizing::new(hex::encode(bytes.as_ref()))
    }

    /// The key that chains the shared audit log.
    pub(crate) fn audit_key(&self) -> &[u8; 32] {
        &self.audit
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(self.wrap.as_ref().into())
    }
}

impl PgStore {
    /// The pool's escrow: made (and stored wrapped) by the first desk, unwrapped by the
    /// others with the same pool secret. It seals under a batch key of its own, kept in
    /// this store (`batches`); dropping it closes that batch.
    pub fn pool_escrow(&self, secret: &PoolSecret) -> Result<Escrow, PoolError> {
        let cipher = secret.cipher();
        let wrapped = self.with(|client| {
            let mut tx = client.transaction().map_err(store)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&POOL_LOCK])
                .map_err(store)?;
            let found = tx
                .query_opt("SELECT value FROM pool WHERE name = 'escrow_key'", &[])
                .map_err(store)?;
            let wrapped: Vec<u8> = match found {
                Some(row) => row.get(0),
                None => {
                    let mut key = Zeroizing::new([0u8; 32]);
                    rand::rng().fill_bytes(key.as_mut());
                    let mut nonce = [0u8; NONCE_LEN];
                    rand::rng().fill_bytes(&mut nonce);
                    let payload = Payload {
                        msg: key.as_ref(),
                        aad: WRAP_AAD,
                    };
                    let sealed = cipher
                        .encrypt(&Nonce::from(nonce), payload)
                        .expect("sealing 32 bytes cannot fail");
                    let wrapped = [nonce.as_slice(), &sealed].concat();
                    tx.execute(
                        "INSERT INTO pool (name, value) VALUES ('escrow_key', $1)",
                        &[&wrapped],
                    )
                    .map_err(store)?;
                    wrapped
                }
            };
            tx.commit().map_err(store)?;
            Ok(wrapped)
        })?;
        if wrapped.len() <= NONCE_LEN {
            return Err(PoolError::WrongSecret);
        }
        let (nonce, body) = wrapped.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| PoolError::WrongSecret)?;
        let key = Zeroizing::new(
            cipher
                .decrypt(
                    &Nonce::from(nonce),
                    Payload {
                        msg: body,
                        aad: WRAP_AAD,
                    },
                )
                .map_err(|_| PoolError::WrongSecret)?,
        );
        let key: Zeroizing<[u8; 32]> = Zeroizing::new(
            key.as_slice()
                .try_into()
                .map_err(|_| PoolError::WrongSecret)?,
        );
        Ok(Escrow::from_key(&key).with_batches(std::sync::Arc::new(self.clone())))
    }
}
