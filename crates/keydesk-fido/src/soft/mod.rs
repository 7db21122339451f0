//! The simulated key: an honest software authenticator behind [`SecurityKey`].
//!
//! Real crypto (P-256 credentials, packed self-attestation), CTAP 2.1 PIN rules (8 retries,
//! re-plug after 3 wrong in a row, blocked at 0), an exclude list, a bounded discoverable
//! store, and user presence that is either automatic or given by [`SoftKey::touch`] (the
//! demo panel's button). [`SoftKey::pull`] makes pending and later operations fail with
//! [`KeyError::Removed`], as a pulled hardware key would.
//!
//! Operations on one key are serialized the way a CTAPHID channel is: a second call while
//! one is running (for instance waiting for a touch) gets [`KeyError::Busy`].
//!
//! CTAP 2.1 state: PIN change, minimum PIN length (only grows; longer than the PIN forces a
//! change), forceChangePin (PIN tokens then fail with 0x37 until the PIN is changed),
//! authenticatorReset (needs a touch, only within 10 s of being plugged: else 0x30),
//! getAssertion, credential management, CTAPHID_CANCEL (0x2D). State can be kept in a
//! directory ([`persist`]); [`SoftKeyConfig::latency`] delays every answer.
//!
//! Known issues (not simulated): the PIN/UV auth protocol's key agreement (the port passes
//! the PIN itself), so credProtect's "UV required" levels are always satisfied; the PIN is
//! checked on every operation rather than once per token.

mod auth_data;
mod config;
mod cose;
mod cred_ops;
mod credential;
pub mod ctap2;
mod ops;
pub mod persist;
mod pin;
mod presence;
mod state;

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::watch;

pub use auth_data::{FLAG_AT, FLAG_ED, FLAG_UP, FLAG_UV};
pub use config::{SoftKeyConfig, TouchMode, SOFT_KEY_AAGUID};
pub use credential::StoredCredentialView;
pub use pin::{pin_hash, MAX_CONSECUTIVE_FAILURES, MAX_PIN_RETRIES, MIN_PIN_LENGTH};
pub use presence::KeyStatus;

/// How long after being plugged in a key accepts authenticatorReset.
pub const RESET_WINDOW: Duration = Duration::from_secs(10);

use crate::error::KeyError;
#[cfg(doc)]
use crate::port::SecurityKey;
use presence::{Presence, StatusListener};
use state::State;

/// A simulated security key. Share it as `Arc<SoftKey>`.
pub struct SoftKey {
    id: String,
    config: SoftKeyConfig,
    state: Mutex<State>,
    presence: Presence,
    operation: tokio::sync::Mutex<()>,
    plugged_at: Mutex<tokio::time::Instant>,
}

impl SoftKey {
    /// A factory-fresh key (no PIN, no credentials), plugged in.
    pub fn new(id: impl Into<String>, config: SoftKeyConfig) -> Self {
        SoftKey {
            id: id.into(),
            state: Mutex::new(State::new(config.capacity)),
            config,
            presence: Presence::new(),
            operation: tokio::sync::Mutex::new(()),
            plugged_at: Mutex::new(tokio::time::Instant::now()),
        }
    }

    /// A key whose state lives in `config.state_dir`: restored from `state.json` when one
    /// is there, factory-fresh otherwise. Without a directory, the same as [`SoftKey::new`].
    pub fn open(id: impl Into<String>, config: SoftKeyConfig) -> std::io::Result<Self> {
        let key = SoftKey::new(id, config);
        if let Some(dir) = &key.config.state_dir {
            if let Some(state) = persist::load(dir, key.config.capacity)? {
                *key.state() = state;
            }
        }
        Ok(key)
    }

    /// The demo panel's button: satisfies a pending presence request; ignored when nothing
    /// waits or the key is pulled.
    pub fn touch(&self) {
        self.presence.touch();
    }

    /// True while an operation waits for a touch.
    pub fn awaiting_touch(&self) -> bool {
        self.presence.current().awaiting_touch
    }

    /// Plugs the key (back) in. A power cycle: clears the "3 wrong PINs in a row" block.
    pub fn plug(&self) {
        if self.presence.plug() {
            *self
                .plugged_at
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = tokio::time::Instant::now();
            self.state().power_cycle();
        }
    }

    /// Pulls the key out: a pending operation fails with [`KeyError::Removed`], as does
    /// every operation until [`SoftKey::plug`].
    pub fn pull(&self) {
        self.presence.pull();
    }

    /// True while plugged in.
    pub fn is_plugged(&self) -> bool {
        self.presence.current().plugged
    }

    /// The configured serial number.
    pub fn serial(&self) -> &str {
        &self.config.serial
    }

    /// The configured model name.
    pub fn model(&self) -> &str {
        &self.config.model
    }

    /// The configured AAGUID.
    pub fn aaguid(&self) -> [u8; 16] {
        self.config.aaguid
    }

    /// The configuration the key was built with.
    pub fn config(&self) -> &SoftKeyConfig {
        &self.config
    }

    /// Every credential the key holds, oldest first (no key material).
    pub fn credentials(&self) -> Vec<StoredCredentialView> {
        self.state().views()
    }

    /// The current plugged / awaiting-touch status.
    pub fn status(&self) -> KeyStatus {
        self.presence.current()
    }

    /// Follows status changes: plugged, pulled, awaiting a touch, touched.
    pub fn subscribe_changes(&self) -> watch::Receiver<KeyStatus> {
        self.presence.subscribe()
    }

    /// Installs (or removes) the rack's change hook.
    pub(crate) fn set_listener(&self, listener: Option<StatusListener>) {
        self.presence.set_listener(listener);
    }

    /// Writes the state to `config.state_dir`, when set; a failure is logged, not fatal.
    fn commit(&self, state: &State) {
        if let Some(dir) = &self.config.state_dir {
            if let Err(error) = persist::save(dir, state) {
                tracing::warn!(key = %self.id, %error, "soft key could not save its state");
            }
        }
    }

    /// Whether authenticatorReset would still be accepted (within [`RESET_WINDOW`] of plug).
    pub fn in_reset_window(&self) -> bool {
        self.plugged_at
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .elapsed()
            <= RESET_WINDOW
    }

    /// The operation's latency (see [`SoftKeyConfig::latency`]); `Removed` when pulled
    /// meanwhile.
    async fn answer_delay(&self, epoch: u64) -> Result<(), KeyError> {
        if !self.config.latency.is_zero() {
            tokio::time::sleep(self.config.latency).await;
            self.still_plugged(epoch)?;
        }
        Ok(())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts an operation: the key must be plugged and idle. Returns the operation guard
    /// and the plugging it runs in.
    fn begin(&self) -> Result<(tokio::sync::MutexGuard<'_, ()>, u64), KeyError> {
        let status = self.presence.current();
        if !status.plugged {
            return Err(KeyError::Removed);
        }
        let guard = self.operation.try_lock().map_err(|_| KeyError::Busy)?;
        Ok((guard, status.plug_count))
    }

    /// Fails with [`KeyError::Removed`] unless the key is still in plugging `epoch`.
    fn still_plugged(&self, epoch: u64) -> Result<(), KeyError> {
        let status = self.presence.current();
        if status.plugged && status.plug_count == epoch {
            Ok(())
        } else {
            Err(KeyError::Removed)
        }
    }
}

impl std::fmt::Debug for SoftKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftKey")
            .field("id", &self.id)
            .field("serial", &self.config.serial)
            .field("status", &self.presence.current())
            .finish_non_exhaustive()
    }
}
