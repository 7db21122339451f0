//! Hardware keys as a [`KeySource`]: the device watcher's stream turned into a set of open
//! keys that jobs claim one at a time.
//!
//! A key is opened when the watcher reports it (getInfo runs then), dropped when it is
//! pulled, and never claimed again once it has been handed out to a user — until it is
//! pulled and plugged again.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use keydesk_fido::hid::{self, DeviceEvent, HidKey};
use keydesk_fido::SecurityKey;
use tokio::sync::{watch, Notify};

use crate::keys::{ClaimedKey, KeySource};
use crate::ProvisionError;

#[derive(Default)]
struct Plugged {
    open: HashMap<String, Arc<HidKey>>,
    busy: HashSet<String>,
    handed_out: HashSet<String>,
}

/// Keys plugged into this machine.
pub struct HidKeys {
    plugged: Arc<Mutex<Plugged>>,
    changed: Arc<Notify>,
    enumerated: watch::Receiver<bool>,
    watcher: tokio::task::JoinHandle<()>,
}

impl HidKeys {
    /// Starts watching. Keys already present are opened first.
    pub fn start() -> HidKeys {
        let plugged = Arc::new(Mutex::new(Plugged::default()));
        let changed = Arc::new(Notify::new());
        let (done, enumerated) = watch::channel(false);
        let (state, notify) = (plugged.clone(), changed.clone());
        let watcher = tokio::spawn(async move {
            let mut devices = hid::watch();
            while let Some(event) = devices.next().await {
                match event {
                    DeviceEvent::Added(identity) => match HidKey::open(identity.clone()).await {
                        Ok(key) => {
                            let key = Arc::new(key);
                            lock(&state).open.insert(key.id().to_owned(), key);
                        }
                        Err(e) => {
                            tracing::warn!(path = %identity.path, error = %e, "cannot open key")
                        }
                    },
                    DeviceEvent::Removed { path } => {
                        let mut s = lock(&state);
                        s.open.remove(&path);
                        s.handed_out.remove(&path);
                    }
                    DeviceEvent::EnumerationComplete => {
                        let _ = done.send(true);
                    }
                    DeviceEvent::Error(e) => tracing::warn!(error = %e, "key enumeration failed"),
                }
                notify.notify_waiters();
            }
        });
        HidKeys {
            plugged,
            changed,
            enumerated,
            watcher,
        }
    }

    /// Waits until the keys present at start are known, and returns how many there are.
    pub async fn present(&self) -> usize {
        let mut enumerated = self.enumerated.clone();
        let _ = enumerated.wait_for(|done| *done).await;
        lock(&self.plugged).open.len()
    }
}

impl Drop for HidKeys {
    fn drop(&mut self) {
        self.watcher.abort();
    }
}

fn lock(state: &Mutex<Plugged>) -> std::sync::MutexGuard<'_, Plugged> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

#[async_trait]
impl KeySource for HidKeys {
    fn try_claim(&self) -> Option<ClaimedKey> {
        let mut s = lock(&self.plugged);
        let (id, key) = s
            .open
            .iter()
            .find(|(id, _)| !s.busy.contains(*id) && !s.handed_out.contains(*id))
            .map(|(id, key)| (id.clone(), key.clone()))?;
        s.busy.insert(id.clone());
        let (state, notify) = (self.plugged.clone(), self.changed.clone());
        Some(ClaimedKey::new(key, move || {
            lock(&state).busy.remove(&id);
            notify.notify_waiters();
        }))
    }

    async fn claim(&self) -> Result<ClaimedKey, ProvisionError> {
        loop {
            let changed = self.changed.notified();
            if let Some(key) = self.try_claim() {
                return Ok(key);
            }
            if self.watcher.is_finished() {
                return Err(ProvisionError::NoKey);
            }
            changed.await;
        }
    }

    fn handed_out(&self, key_id: &str) {
        lock(&self.plugged).handed_out.insert(key_id.to_owned());
    }
}
