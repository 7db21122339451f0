//! The device watcher: a stream of [`DeviceEvent`]s from cheap polling in a thread of its own.
//!
//! A new watch reports every key present as a synthetic [`DeviceEvent::Added`], then
//! [`DeviceEvent::EnumerationComplete`], then live Added / Removed events. Polling (every
//! 500 ms by default) runs in a plain OS thread, so a slow or wedged HID stack never blocks
//! the async runtime; the thread ends when the [`DeviceWatch`] is dropped. Keys are told
//! apart by device path; a re-plugged key comes back as Removed then Added (usually under
//! a new path on Linux), and its USB serial or AAGUID tells the operator it is the same key.
//!
//! What is polled is a [`DeviceSource`]: [`HidSource`] for real keys, anything else in
//! tests. Known issues: a key pulled and re-plugged within one poll interval under the same
//! path is not noticed (its reset window is then still running).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use tokio::sync::mpsc;

use super::enumerate::{self, DeviceIdentity};
use crate::error::KeyError;

/// How often [`watch`] polls by default.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Something that happened to the set of plugged keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceEvent {
    /// A key was plugged in (or was present when the watch started).
    Added(DeviceIdentity),
    /// The key at this path was pulled.
    Removed {
        /// Its device path.
        path: String,
    },
    /// Every key present when the watch started has been reported.
    EnumerationComplete,
    /// Enumeration failed (e.g. no permission); polling goes on. Reported once until
    /// enumeration works again or fails differently.
    Error(KeyError),
}

/// Lists the keys plugged in now. Called from the watcher's thread; may block.
pub trait DeviceSource: Send + 'static {
    /// The keys plugged in now.
    fn scan(&mut self) -> Result<Vec<DeviceIdentity>, KeyError>;
}

/// Real keys through hidapi, with each new key's AAGUID read once through getInfo.
#[derive(Default)]
pub struct HidSource {
    aaguids: HashMap<String, Option<[u8; 16]>>,
}

impl DeviceSource for HidSource {
    fn scan(&mut self) -> Result<Vec<DeviceIdentity>, KeyError> {
        let mut devices = enumerate::fido_devices()?;
        self.aaguids
            .retain(|path, _| devices.iter().any(|d| &d.path == path));
        for device in &mut devices {
            device.aaguid = *self
                .aaguids
                .entry(device.path.clone())
                .or_insert_with(|| super::key::read_aaguid(&device.path));
        }
        Ok(devices)
    }
}

/// A stream of [`DeviceEvent`]s; dropping it stops the polling thread.
pub struct DeviceWatch {
    events: mpsc::UnboundedReceiver<DeviceEvent>,
}

impl DeviceWatch {
    /// The next event; None when the polling thread has stopped.
    pub async fn next(&mut self) -> Option<DeviceEvent> {
        self.events.recv().await
    }
}

/// Watches real keys, polling every [`POLL_INTERVAL`].
pub fn watch() -> DeviceWatch {
    watch_source(HidSource::default(), POLL_INTERVAL)
}

/// Watches `source`, polling every `interval` in a thread of its own.
pub fn watch_source(mut source: impl DeviceSource, interval: Duration) -> DeviceWatch {
    let (tx, events) = mpsc::unbounded_channel();
    let spawned = std::thread::Builder::new()
        .name("keydesk-key-watch".into())
        .spawn(move || {
            let mut known: BTreeMap<String, DeviceIdentity> = BTreeMap::new();
            let mut first = true;
            let mut last_error: Option<KeyError> = None;
            while !tx.is_closed() {
                match source.scan() {
                    Ok(now) => {
                        last_error = None;
                        for event in diff(&mut known, now) {
                            let _ = tx.send(event);
                        }
                        if first {
                            let _ = tx.send(DeviceEvent::EnumerationComplete);
                            first = false;
                        }
                    }
                    Err(e) if last_error.as_ref() != Some(&e) => {
                        last_error = Some(e.clone());
                        let _ = tx.send(DeviceEvent::Error(e));
                    }
                    Err(_) => {} // reported already
                }
                std::thread::sleep(interval);
            }
        });
    if let Err(e) = spawned {
        tracing::error!(%e, "could not start the key watcher thread");
    }
    DeviceWatch { events }
}

/// Events taking `known` to `now`: Removed first, then Added, each in path order.
fn diff(
    known: &mut BTreeMap<String, DeviceIdentity>,
    now: Vec<DeviceIdentity>,
) -> Vec<DeviceEvent> {
    let now: BTreeMap<String, DeviceIdentity> =
        now.into_iter().map(|d| (d.path.clone(), d)).collect();
    let mut events: Vec<DeviceEvent> = known
        .keys()
        .filter(|path| !now.contains_key(*path))
        .map(|path| DeviceEvent::Removed { path: path.clone() })
        .collect();
    events.extend(
        now.values()
            .filter(|d| !known.contains_key(&d.path))
            .cloned()
            .map(DeviceEvent::Added),
    );
    *known = now;
    events
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod tests;
