//! A rack of simulated keys that come and go, watched as a stream of [`KeyEvent`]s.
//!
//! The event shape is the device watcher's: a new watch first gets a synthetic
//! [`KeyEvent::Added`] for every key present, then [`KeyEvent::EnumerationComplete`], then
//! live events. [`KeyEvent::Changed`] reports a key's status moving (awaiting a touch,
//! touched, pulled or plugged outside the rack); read the new status from the key itself.
//!
//! Known issues: a watcher that falls more than 256 events behind skips the oldest ones
//! (logged); it never sees a key twice as Added without a Removed in between.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::broadcast;

use crate::port::SecurityKey;
use crate::soft::{SoftKey, SoftKeyConfig};

const EVENT_CAPACITY: usize = 256;

/// Something that happened to the set of keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyEvent {
    /// A key was plugged in (or was present when the watch started).
    Added {
        /// The key's id.
        id: String,
    },
    /// A key's status changed, e.g. it started or stopped waiting for a touch.
    Changed {
        /// The key's id.
        id: String,
    },
    /// A key was pulled.
    Removed {
        /// The key's id.
        id: String,
    },
    /// Every key present when the watch started has been reported.
    EnumerationComplete,
}

/// A set of simulated keys. Clones share the same rack.
#[derive(Clone)]
pub struct SoftRack {
    inner: Arc<Mutex<Inner>>,
    events: broadcast::Sender<KeyEvent>,
}

struct Inner {
    keys: Vec<Arc<SoftKey>>,
    next_number: u64,
}

impl SoftRack {
    /// An empty rack.
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        SoftRack {
            inner: Arc::new(Mutex::new(Inner {
                keys: Vec::new(),
                next_number: 1,
            })),
            events,
        }
    }

    /// Builds a new key, ids "soft-1", "soft-2", ... (never reused), and plugs it in.
    pub fn plug_new(&self, config: SoftKeyConfig) -> Arc<SoftKey> {
        let mut inner = self.lock();
        let id = format!("soft-{}", inner.next_number);
        inner.next_number += 1;
        let key = Arc::new(SoftKey::new(id, config));
        self.insert(&mut inner, &key);
        key
    }

    /// Plugs a key pulled from this rack back in, under its old id (the "re-plug to reset"
    /// flow). False when a key with that id is already in the rack.
    pub fn replug(&self, key: &Arc<SoftKey>) -> bool {
        let mut inner = self.lock();
        if inner.keys.iter().any(|k| k.id() == key.id()) {
            return false;
        }
        key.plug();
        self.insert(&mut inner, key);
        true
    }

    /// Pulls the key out (its pending operation fails with `Removed`) and takes it off the
    /// rack. False when no such key is in the rack.
    pub fn pull(&self, id: &str) -> bool {
        let mut inner = self.lock();
        let Some(index) = inner.keys.iter().position(|k| k.id() == id) else {
            return false;
        };
        let key = inner.keys.remove(index);
        key.set_listener(None);
        key.pull();
        let _ = self.events.send(KeyEvent::Removed { id: id.to_owned() });
        true
    }

    /// The key with this id, if it is in the rack.
    pub fn key(&self, id: &str) -> Option<Arc<SoftKey>> {
        self.lock().keys.iter().find(|k| k.id() == id).cloned()
    }

    /// The rack's keys that are plugged in, in plugging order.
    pub fn plugged(&self) -> Vec<Arc<SoftKey>> {
        self.lock()
            .keys
            .iter()
            .filter(|k| k.is_plugged())
            .cloned()
            .collect()
    }

    /// Starts watching: synthetic `Added` for every key in the rack, `EnumerationComplete`,
    /// then live events.
    pub fn watch(&self) -> KeyWatch {
        let inner = self.lock();
        // Subscribing under the lock: no event falls between the snapshot and the stream.
        let live = self.events.subscribe();
        let mut pending: std::collections::VecDeque<KeyEvent> = inner
            .keys
            .iter()
            .map(|k| KeyEvent::Added {
                id: k.id().to_owned(),
            })
            .collect();
        pending.push_back(KeyEvent::EnumerationComplete);
        KeyWatch { pending, live }
    }

    fn insert(&self, inner: &mut Inner, key: &Arc<SoftKey>) {
        let events = self.events.clone();
        let id = key.id().to_owned();
        key.set_listener(Some(Box::new(move |_status| {
            let _ = events.send(KeyEvent::Changed { id: id.clone() });
        })));
        inner.keys.push(Arc::clone(key));
        let _ = self.events.send(KeyEvent::Added {
            id: key.id().to_owned(),
        });
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for SoftRack {
    fn default() -> Self {
        SoftRack::new()
    }
}

impl std::fmt::Debug for SoftRack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<String> = self.lock().keys.iter().map(|k| k.id().to_owned()).collect();
        f.debug_struct("SoftRack").field("keys", &ids).finish()
    }
}

/// A stream of [`KeyEvent`]s from one [`SoftRack::watch`] call.
pub struct KeyWatch {
    pending: std::collections::VecDeque<KeyEvent>,
    live: broadcast::Receiver<KeyEvent>,
}

impl KeyWatch {
    /// The next event; None once the rack (every clone) is gone.
    pub async fn next(&mut self) -> Option<KeyEvent> {
        if let Some(event) = self.pending.pop_front() {
            return Some(event);
        }
        loop {
            match self.live.recv().await {
                Ok(event) => return Some(event),
                Err(broadcast::error::RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, "key watch fell behind; events were skipped");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// The next event if one is ready now, without waiting.
    pub fn try_next(&mut self) -> Option<KeyEvent> {
        if let Some(event) = self.pending.pop_front() {
            return Some(event);
        }
        loop {
            match self.live.try_recv() {
                Ok(event) => return Some(event),
                Err(broadcast::error::TryRecvError::Lagged(_)) => continue,
                Err(_) => return None,
            }
        }
    }
}
