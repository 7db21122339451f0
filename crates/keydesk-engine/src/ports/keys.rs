//! Where keys come from: a [`KeySource`] hands out one plugged key at a time.
//!
//! [`RackKeys`] serves the simulated keys of a [`SoftRack`]; the hardware watcher will be
//! another source. A key is claimed by one job at a time and released when the job ends.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use keydesk_fido::rack::{KeyEvent, SoftRack};
use keydesk_fido::soft::SoftKeyConfig;
use keydesk_fido::SecurityKey;
use tokio::sync::Notify;

use crate::ProvisionError;

/// A key claimed for one job; released when dropped.
pub struct ClaimedKey {
    key: Arc<dyn SecurityKey>,
    release: Box<dyn FnOnce() + Send>,
}

impl ClaimedKey {
    /// Wraps a key and what releases it.
    pub fn new(key: Arc<dyn SecurityKey>, release: impl FnOnce() + Send + 'static) -> Self {
        ClaimedKey {
            key,
            release: Box::new(release),
        }
    }

    /// The key.
    pub fn key(&self) -> &dyn SecurityKey {
        self.key.as_ref()
    }

    /// The key, shared (to wrap it, e.g. in a test's fault-injecting key).
    pub fn shared(&self) -> Arc<dyn SecurityKey> {
        Arc::clone(&self.key)
    }
}

impl Drop for ClaimedKey {
    fn drop(&mut self) {
        let release = std::mem::replace(&mut self.release, Box::new(|| {}));
        release();
    }
}

/// Something that hands out keys.
#[async_trait]
pub trait KeySource: Send + Sync {
    /// A plugged key no other job holds, now if there is one.
    fn try_claim(&self) -> Option<ClaimedKey>;

    /// Waits for a key to be plugged and claims it.
    async fn claim(&self) -> Result<ClaimedKey, ProvisionError>;

    /// The key now carries a user's passkey and goes to that user: never claim it again.
    fn handed_out(&self, _key_id: &str) {}

    /// The key was refused (its model, its PIN, its state). A single user's run keeps
    /// it (the operator may change a setting and try again); a batch sets it aside
    /// ([`SetAsideRefused`]).
    fn refused(&self, _key_id: &str) {}

    /// Calls `ask` once it is watching, then waits until the key `key_id` is pulled and
    /// plugged back in (a reset must follow a fresh plug-in). Sources that cannot tell
    /// answer [`ProvisionError::NoKey`].
    async fn replugged(
        &self,
        _key_id: &str,
        _ask: &(dyn Fn() + Send + Sync),
    ) -> Result<(), ProvisionError> {
        Err(ProvisionError::NoKey)
    }
}

/// A batch's key source: a refused key is set aside like a key handed out (until it is
/// pulled), so the next user is not refused for the same key.
pub struct SetAsideRefused<'a>(pub &'a dyn KeySource);

#[async_trait]
impl KeySource for SetAsideRefused<'_> {
    fn try_claim(&self) -> Option<ClaimedKey> {
        self.0.try_claim()
    }

    async fn claim(&self) -> Result<ClaimedKey, ProvisionError> {
        self.0.claim().await
    }

    fn handed_out(&self, key_id: &str) {
        self.0.handed_out(key_id);
    }

    fn refused(&self, key_id: &str) {
        self.0.handed_out(key_id);
    }

    async fn replugged(
        &self,
        key_id: &str,
        ask: &(dyn Fn() + Send + Sync),
    ) -> Result<(), ProvisionError> {
        self.0.replugged(key_id, ask).await
    }
}

/// Which keys jobs hold now and which went to a user: the bookkeeping every key source
/// shares. A key is claimed by one job at a time and never again once handed out.
#[derive(Default)]
pub(crate) struct Claims {
    state: Arc<Mutex<ClaimState>>,
    changed: Arc<Notify>,
}

#[derive(Default)]
struct ClaimState {
    busy: HashSet<String>,
    handed_out: HashSet<String>,
}

impl Claims {
    /// Claims the first of `keys` that no job holds and no user was given.
    pub(crate) fn claim_first(
        &self,
        keys: impl IntoIterator<Item = Arc<dyn SecurityKey>>,
    ) -> Option<ClaimedKey> {
        let mut state = lock(&self.state);
        let key = keys
            .into_iter()
            .find(|k| !state.busy.contains(k.id()) && !state.handed_out.contains(k.id()))?;
        let id = key.id().to_owned();
        state.busy.insert(id.clone());
        let (claims, changed) = (self.state.clone(), self.changed.clone());
        Some(ClaimedKey::new(key, move || {
            lock(&claims).busy.remove(&id);
            changed.notify_waiters();
        }))
    }

    /// Resolves at the next release or [`Claims::notify`]; create it before looking.
    pub(crate) fn changed(&self) -> tokio::sync::futures::Notified<'_> {
        self.changed.notified()
    }

    /// Wakes waiters: the set of keys changed.
    pub(crate) fn notify(&self) {
        self.changed.notify_waiters();
    }

    /// The key went to a user.
    pub(crate) fn hand_out(&self, key_id: &str) {
        lock(&self.state).handed_out.insert(key_id.to_owned());
    }

    /// The key was pulled: if it comes back it is a new key to claim.
    pub(crate) fn forget(&self, key_id: &str) {
        lock(&self.state).handed_out.remove(key_id);
    }
}

fn lock(state: &Mutex<ClaimState>) -> std::sync::MutexGuard<'_, ClaimState> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// Keys from a rack of simulated keys.
pub struct RackKeys {
    rack: Arc<SoftRack>,
    claims: Claims,
    refill: Option<Refill>,
}

/// Makes the next blank key of the operator's stack.
pub type Refill = Box<dyn Fn() -> SoftKeyConfig + Send + Sync>;

impl RackKeys {
    /// Serves the keys of `rack`.
    pub fn new(rack: Arc<SoftRack>) -> Self {
        RackKeys {
            rack,
            claims: Claims::default(),
            refill: None,
        }
    }

    /// Like [`RackKeys::new`], but a key handed out is pulled and replaced by a blank one
    /// from `refill`, as an operator working through a stack of new keys would.
    pub fn with_refill(rack: Arc<SoftRack>, refill: Refill) -> Self {
        RackKeys {
            refill: Some(refill),
            ..RackKeys::new(rack)
        }
    }
}

#[async_trait]
impl KeySource for RackKeys {
    fn try_claim(&self) -> Option<ClaimedKey> {
        let plugged = self.rack.plugged().into_iter();
        self.claims
            .claim_first(plugged.map(|k| k as Arc<dyn SecurityKey>))
    }

    async fn claim(&self) -> Result<ClaimedKey, ProvisionError> {
        let mut watch = self.rack.watch();
        loop {
            let released = self.claims.changed();
            if let Some(key) = self.try_claim() {
                return Ok(key);
            }
            tokio::select! {
                biased;
                event = watch.next() => {
                    if event.is_none() {
                        return Err(ProvisionError::NoKey);
                    }
                }
                _ = released => {}
            }
        }
    }

    async fn replugged(
        &self,
        key_id: &str,
        ask: &(dyn Fn() + Send + Sync),
    ) -> Result<(), ProvisionError> {
        let mut watch = self.rack.watch();
        ask();
        let mut pulled = false;
        while let Some(event) = watch.next().await {
            match event {
                KeyEvent::Removed { id } if id == key_id => pulled = true,
                KeyEvent::Added { id } if id == key_id && pulled => return Ok(()),
                _ => {}
            }
        }
        Err(ProvisionError::NoKey)
    }

    fn handed_out(&self, key_id: &str) {
        self.claims.hand_out(key_id);
        if let Some(refill) = &self.refill {
            self.rack.pull(key_id);
            self.rack.plug_new(refill());
        }
    }
}
