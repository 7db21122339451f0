//! Plugged / awaiting-touch status of a soft key, and the wait for a touch.
//!
//! The status is a `tokio::sync::watch` value, so the demo panel and the rack can follow it
//! and a pending operation notices a pull at once. `plug_count` tells one plugging from the
//! next: an operation started before a pull fails with [`KeyError::Removed`] even if the key
//! is back by the time it looks.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;

use super::config::TouchMode;
use crate::error::{CtapStatus, KeyError};

/// What the outside world can see of a soft key at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyStatus {
    /// The key is plugged in.
    pub plugged: bool,
    /// An operation waits for the user to touch the key.
    pub awaiting_touch: bool,
    /// How many times the key has been plugged in (1 after construction).
    pub plug_count: u64,
}

/// Called after every status change (the rack turns it into `KeyEvent::Changed`).
pub(crate) type StatusListener = Box<dyn Fn(KeyStatus) + Send + Sync>;

/// The status cell plus an optional listener.
pub(crate) struct Presence {
    status: watch::Sender<KeyStatus>,
    listener: Mutex<Option<StatusListener>>,
    cancel: tokio::sync::Notify,
}

impl Presence {
    /// A freshly plugged key.
    pub fn new() -> Self {
        let (status, _) = watch::channel(KeyStatus {
            plugged: true,
            awaiting_touch: false,
            plug_count: 1,
        });
        Presence {
            status,
            listener: Mutex::new(None),
            cancel: tokio::sync::Notify::new(),
        }
    }

    pub fn current(&self) -> KeyStatus {
        *self.status.borrow()
    }

    pub fn subscribe(&self) -> watch::Receiver<KeyStatus> {
        self.status.subscribe()
    }

    pub fn set_listener(&self, listener: Option<StatusListener>) {
        *self.listener.lock().unwrap_or_else(PoisonError::into_inner) = listener;
    }

    /// Applies `change`; when it reports a modification, wakes watchers and the listener.
    fn update(&self, change: impl FnOnce(&mut KeyStatus) -> bool) -> bool {
        let changed = self.status.send_if_modified(change);
        if changed {
            let status = self.current();
            if let Some(listener) = self
                .listener
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_ref()
            {
                listener(status);
            }
        }
        changed
    }

    /// Plugs the key in; true when it was out.
    pub fn plug(&self) -> bool {
        self.update(|s| {
            if s.plugged {
                return false;
            }
            s.plugged = true;
            s.plug_count += 1;
            true
        })
    }

    /// Pulls the key out; a pending touch request dies with it.
    pub fn pull(&self) -> bool {
        self.update(|s| {
            let was_plugged = s.plugged;
            s.plugged = false;
            s.awaiting_touch = false;
            was_plugged
        })
    }

    /// Satisfies a pending presence request; does nothing when none is pending.
    pub fn touch(&self) -> bool {
        self.update(|s| {
            let pending = s.plugged && s.awaiting_touch;
            s.awaiting_touch &= !pending;
            pending
        })
    }

    /// CTAPHID_CANCEL: a pending presence request ends with 0x2D (keep-alive cancel).
    pub fn cancel_pending(&self) {
        self.cancel.notify_waiters();
    }

    /// Ends the presence request of plugging `epoch`, if still pending; true when it was.
    fn cancel(&self, epoch: u64) -> bool {
        self.update(|s| {
            let pending = s.plugged && s.plug_count == epoch && s.awaiting_touch;
            s.awaiting_touch &= !pending;
            pending
        })
    }

    /// Waits for a touch during plugging `epoch`: `Ok` once touched, `Removed` if the key is
    /// pulled first, 0x2F (user action timeout) after `timeout`.
    pub async fn wait_for_touch(
        &self,
        epoch: u64,
        mode: TouchMode,
        timeout: Duration,
    ) -> Result<(), KeyError> {
        let mut status = self.subscribe();
        let started = self.update(|s| {
            let ok = s.plugged && s.plug_count == epoch && !s.awaiting_touch;
            s.awaiting_touch |= ok;
            ok
        });
        if !started {
            return Err(KeyError::Removed);
        }
        // Clears the request if the caller drops this future (e.g. its watchdog fires).
        let _pending = PendingTouch {
            presence: self,
            epoch,
        };
        let (mut auto_pending, auto_delay) = match mode {
            TouchMode::Auto(delay) => (true, delay),
            TouchMode::Manual => (false, Duration::ZERO),
        };
        let auto = tokio::time::sleep(auto_delay);
        let deadline = tokio::time::sleep(timeout);
        let cancelled = self.cancel.notified();
        tokio::pin!(auto, deadline, cancelled);
        loop {
            let now = *status.borrow_and_update();
            if !now.plugged || now.plug_count != epoch {
                return Err(KeyError::Removed);
            }
            if !now.awaiting_touch {
                return Ok(());
            }
            tokio::select! {
                changed = status.changed() => changed.map_err(|_| KeyError::Removed)?,
                () = &mut auto, if auto_pending => {
                    auto_pending = false;
                    self.touch();
                }
                () = &mut cancelled => {
                    if self.cancel(epoch) {
                        return Err(KeyError::ctap(CtapStatus::KeepaliveCancel));
                    }
                }
                () = &mut deadline => {
                    if self.cancel(epoch) {
                        return Err(KeyError::ctap(CtapStatus::UserActionTimeout));
                    }
                }
            }
        }
    }
}

struct PendingTouch<'a> {
    presence: &'a Presence,
    epoch: u64,
}

impl Drop for PendingTouch<'_> {
    fn drop(&mut self) {
        self.presence.cancel(self.epoch);
    }
}
