//! Where the app takes keys from outside demo mode: `--soft-keys N` simulated keys (the
//! key panel plugs, touches and pulls them; a key handed out is replaced by a blank one,
//! as from a stack of new keys), or the security keys plugged into this machine through
//! the engine's device watcher.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use keydesk_engine::hid_keys::HidKeys;
use keydesk_engine::keys::{KeySource, RackKeys};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::{SoftKey, SoftKeyConfig, TouchMode};

/// The serial number of the last simulated key made.
static SERIALS: AtomicUsize = AtomicUsize::new(0);

/// How long a simulated key waits before it touches itself (the panel's Touch is sooner).
const AUTO_TOUCH: Duration = Duration::from_millis(600);

/// `n` simulated keys plugged in, and the key source over them.
pub fn soft_keys(n: usize) -> (Arc<SoftRack>, Box<dyn KeySource>) {
    let rack = Arc::new(SoftRack::new());
    for _ in 0..n {
        rack.plug_new(blank());
    }
    let keys = RackKeys::with_refill(Arc::clone(&rack), Box::new(blank));
    (rack, Box::new(keys))
}

/// The key panel's *Plug in*: one more blank simulated key.
pub fn plug(rack: &SoftRack) -> Arc<SoftKey> {
    rack.plug_new(blank())
}

/// The security keys plugged into this machine. Needs the tokio runtime (the watcher is
/// a task).
pub fn hardware_keys() -> Box<dyn KeySource> {
    Box::new(HidKeys::start())
}

fn blank() -> SoftKeyConfig {
    let number = SERIALS.fetch_add(1, Ordering::Relaxed) + 1;
    let mut key = SoftKeyConfig::with_serial(format!("SIM{number:05}"));
    key.touch = TouchMode::Auto(AUTO_TOUCH);
    key
}
