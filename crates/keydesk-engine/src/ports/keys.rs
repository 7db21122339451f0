//! Where keys come from: a [`KeySource`] hands out one plugged key at a time.
//!
//! [`RackKeys`] serves the simulated keys of a [`SoftRack`]; the hardware watcher will be
//! another source. A key is claimed by one job at a time and released when the job ends.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use keydesk_fido::rack::{KeyEvent, SoftRack};
use keydesk_fido::soft::{SoftKey, SoftKeyConfig};
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

    /// A batch is done with this refused key: no job may claim it again while it stays
    /// plugged in. By default it is treated like a key handed out (until it is pulled).
    fn set_aside(&self, key_id: &str) {
        self.handed_out(key_id);
    }

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
        self.0.set_aside(key_id);
    }

    fn set_aside(&self, key_id: &str) {
        self.0.set_aside(key_id);
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
    set_aside: Option<SetAside>,
}

/// Makes the next blank key of the operator's stack.
pub type Refill = Box<dyn Fn() -> SoftKeyConfig + Send + Sync>;

/// Takes a refused key the stack pulled (the operator's drawer of pulled keys).
pub type SetAside = Box<dyn Fn(Arc<SoftKey>) + Send + Sync>;

impl RackKeys {
    /// Serves the keys of `rack`.
    pub fn new(rack: Arc<SoftRack>) -> Self {
        RackKeys {
            rack,
            claims: Claims::default(),
            refill: None,
            set_aside: None,
        }
    }

    /// With a stack ([`RackKeys::with_refill`]): a key a batch refused (its PIN, its
    /// model) is pulled and given to `drawer` before the next blank takes its place, so
    /// the operator can plug it back in later and answer for it, as for a key pulled by
    /// hand. Without this the refused key is dropped with the blank's arrival.
    pub fn with_set_aside(self, drawer: SetAside) -> Self {
        RackKeys {
            set_aside: Some(drawer),
            ..self
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

    fn set_aside(&self, key_id: &str) {
        let (Some(refill), Some(drawer)) = (&self.refill, &self.set_aside) else {
            self.handed_out(key_id);
            return;
        };
        // Into the drawer first, so whoever hears the key's removal finds it there. Not
        // marked handed out: plugged back in, it is a key to claim like any other.
        if let Some(key) = self.rack.key(key_id) {
            drawer(key);
        }
        self.rack.pull(key_id);
        self.rack.plug_new(refill());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blank(serial: &str) -> SoftKeyConfig {
        SoftKeyConfig::with_serial(serial.to_owned())
    }

    /// Regression: under `--soft-keys` a key a batch refused (a PIN on it) was pulled and
    /// dropped for a blank one, so it never reached the drawer and could not be plugged
    /// back in to answer for it.
    #[test]
    fn a_key_a_batch_refuses_goes_to_the_drawer_and_can_be_claimed_when_plugged_back() {
        let rack = Arc::new(SoftRack::new());
        let refused = rack.plug_new(blank("HAS-PIN"));
        let drawer: Arc<Mutex<Vec<Arc<SoftKey>>>> = Arc::default();
        let into = Arc::clone(&drawer);
        let keys = RackKeys::with_refill(Arc::clone(&rack), Box::new(|| blank("NEW")))
            .with_set_aside(Box::new(move |key| into.lock().unwrap().push(key)));
        let batch = SetAsideRefused(&keys);

        let claimed = batch.try_claim().expect("the plugged key");
        assert_eq!(claimed.key().id(), refused.id());
        batch.refused(refused.id());
        drop(claimed);

        let held = drawer.lock().unwrap().clone();
        assert_eq!(held.len(), 1, "the refused key is in the drawer");
        assert!(Arc::ptr_eq(&held[0], &refused));
        assert!(rack.key(refused.id()).is_none(), "and out of the rack");
        let plugged = rack.plugged();
        assert_eq!(plugged.len(), 1, "a blank key took its place");
        assert_ne!(plugged[0].id(), refused.id());

        // The blank is taken by the next job; the refused key, plugged back in, is a key
        // like any other.
        let next = batch.try_claim().expect("the blank key");
        assert_ne!(next.key().id(), refused.id());
        assert!(rack.replug(&refused));
        let again = batch.try_claim().expect("the key plugged back in");
        assert_eq!(again.key().id(), refused.id());
    }

    #[test]
    fn without_a_drawer_a_refused_key_is_set_aside_like_one_handed_out() {
        let rack = Arc::new(SoftRack::new());
        let refused = rack.plug_new(blank("HAS-PIN"));
        let keys = RackKeys::new(Arc::clone(&rack));
        let batch = SetAsideRefused(&keys);
        let claimed = batch.try_claim().expect("the plugged key");
        batch.refused(refused.id());
        drop(claimed);
        assert!(rack.key(refused.id()).is_some(), "still plugged in");
        assert!(batch.try_claim().is_none(), "but never claimed again");
    }
}
