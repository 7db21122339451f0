//! Hardware keys as a [`KeySource`]: the device watcher's stream turned into a set of open
//! keys that jobs claim one at a time.
//!
//! A key is opened when the watcher reports it (getInfo runs then), dropped when it is
//! pulled, and never claimed again once it has been handed out to a user — until it is
//! pulled and plugged again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use keydesk_fido::hid::{self, DeviceEvent, HidKey};
use keydesk_fido::SecurityKey;
use tokio::sync::watch;

use crate::keys::{ClaimedKey, Claims, KeySource};
use crate::ProvisionError;

/// Keys plugged into this machine.
pub struct HidKeys {
    open: Arc<Mutex<HashMap<String, Arc<HidKey>>>>,
    claims: Arc<Claims>,
    enumerated: watch::Receiver<bool>,
    watcher: tokio::task::JoinHandle<()>,
}

impl HidKeys {
    /// Starts watching. Keys already present are opened first.
    pub fn start() -> HidKeys {
        let open = Arc::new(Mutex::new(HashMap::new()));
        let claims = Arc::new(Claims::default());
        let (done, enumerated) = watch::channel(false);
        let (keys, seen) = (open.clone(), claims.clone());
        let watcher = tokio::spawn(async move {
            let mut devices = hid::watch();
            while let Some(event) = devices.next().await {
                match event {
                    DeviceEvent::Added(identity) => match HidKey::open(identity.clone()).await {
                        Ok(key) => {
                            let key = Arc::new(key);
                            lock(&keys).insert(key.id().to_owned(), key);
                        }
                        Err(e) => {
                            tracing::warn!(path = %identity.path, error = %e, "cannot open key")
                        }
                    },
                    DeviceEvent::Removed { path } => {
                        lock(&keys).remove(&path);
                        seen.forget(&path);
                    }
                    DeviceEvent::EnumerationComplete => {
                        let _ = done.send(true);
                    }
                    DeviceEvent::Error(e) => tracing::warn!(error = %e, "key enumeration failed"),
                }
                seen.notify();
            }
        });
        HidKeys {
            open,
            claims,
            enumerated,
            watcher,
        }
    }

    /// Waits until the keys present at start are known, and returns how many there are.
    pub async fn present(&self) -> usize {
        let mut enumerated = self.enumerated.clone();
        let _ = enumerated.wait_for(|done| *done).await;
        lock(&self.open).len()
    }
}

impl Drop for HidKeys {
    fn drop(&mut self) {
        self.watcher.abort();
    }
}

fn lock(
    open: &Mutex<HashMap<String, Arc<HidKey>>>,
) -> MutexGuard<'_, HashMap<String, Arc<HidKey>>> {
    open.lock().unwrap_or_else(|p| p.into_inner())
}

#[async_trait]
impl KeySource for HidKeys {
    fn try_claim(&self) -> Option<ClaimedKey> {
        let open: Vec<Arc<dyn SecurityKey>> = lock(&self.open)
            .values()
            .map(|k| k.clone() as Arc<dyn SecurityKey>)
            .collect();
        self.claims.claim_first(open)
    }

    async fn claim(&self) -> Result<ClaimedKey, ProvisionError> {
        loop {
            let changed = self.claims.changed();
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
        self.claims.hand_out(key_id);
    }
}
