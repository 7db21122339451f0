//! Where the app takes keys from outside demo mode: `--soft-keys N` simulated keys (the
//! key panel plugs, touches and pulls them; a key handed out is replaced by a blank one,
//! as from a stack of new keys), or the security keys plugged into this machine through
//! the engine's device watcher. The key panel's keys may come with a PIN or report a
//! chosen model, and a pulled key waits in the [`Drawer`] to be plugged back in.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use keydesk_core::{Pin, PinPolicy};
use keydesk_engine::hid_keys::HidKeys;
use keydesk_engine::keys::{KeySource, RackKeys};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::{SoftKey, SoftKeyConfig, TouchMode, SOFT_KEY_AAGUID};
use keydesk_fido::SecurityKey;
use keydesk_ipc::{DemoModel, PlugKey};

/// The serial number of the last simulated key made.
static SERIALS: AtomicUsize = AtomicUsize::new(0);

/// How long a simulated key waits before it touches itself (the panel's Touch is sooner).
const AUTO_TOUCH: Duration = Duration::from_millis(600);

/// The models the key panel offers besides the simulator's own (AAGUIDs of the driver's
/// model table, so the key tray names them).
const OTHER_MODELS: &[&str] = &[
    "cb69481e-8ff7-4039-93ec-0a2729a154a8",
    "f8a011f3-8c0a-4d15-8006-17111f9edc7d",
    "d8522d9f-575b-4866-88a9-ba99fa02f35b",
];

/// `n` simulated keys plugged in, and the key source over them: a key handed out is
/// replaced by a blank one; a key a batch refused goes to `drawer` first (as if the
/// operator had pulled it), so it can be plugged back in to answer for it.
pub fn soft_keys(n: usize, drawer: Arc<Drawer>) -> (Arc<SoftRack>, Box<dyn KeySource>) {
    let rack = Arc::new(SoftRack::new());
    for _ in 0..n {
        rack.plug_new(blank());
    }
    let keys = RackKeys::with_refill(Arc::clone(&rack), Box::new(blank))
        .with_set_aside(Box::new(move |key| drawer.put(key)));
    (rack, Box::new(keys))
}

/// The security keys plugged into this machine. Needs the tokio runtime (the watcher is
/// a task).
pub fn hardware_keys() -> Box<dyn KeySource> {
    Box::new(HidKeys::start())
}

/// The next blank key of `--soft-keys`: it touches itself shortly after it is asked.
pub fn blank() -> SoftKeyConfig {
    let number = SERIALS.fetch_add(1, Ordering::Relaxed) + 1;
    let mut key = SoftKeyConfig::with_serial(format!("SIM{number:05}"));
    key.touch = TouchMode::Auto(AUTO_TOUCH);
    key
}

/// The models the key panel can plug a key of: the simulator's own first.
pub fn models() -> Vec<DemoModel> {
    let own = DemoModel {
        aaguid: keydesk_fido::aaguid_text(&SOFT_KEY_AAGUID),
        name: SoftKeyConfig::default().model,
    };
    let others = OTHER_MODELS.iter().filter_map(|text| {
        let aaguid = parse_aaguid(text)?;
        Some(DemoModel {
            aaguid: (*text).to_owned(),
            name: keydesk_fido::hid::models::model_name(&aaguid).to_owned(),
        })
    });
    std::iter::once(own).chain(others).collect()
}

/// The key panel's *Plug in*: a key made from `base`, of the chosen model, with a new
/// random PIN set before it is plugged (so no job can claim it half made) when asked;
/// such a key waits for the panel's Touch.
/// Returns the key and its PIN.
pub async fn plug(
    rack: &SoftRack,
    mut base: SoftKeyConfig,
    wanted: &PlugKey,
) -> Result<(Arc<SoftKey>, Option<Pin>), String> {
    if let Some(text) = wanted.aaguid.as_deref() {
        let aaguid = parse_aaguid(text).ok_or_else(|| {
            format!(
                "\"{text}\" is not an AAGUID (a UUID such as {}).",
                OTHER_MODELS[0]
            )
        })?;
        base.aaguid = aaguid;
        if aaguid != SOFT_KEY_AAGUID {
            base.model = keydesk_fido::hid::models::model_name(&aaguid).to_owned();
        }
    }
    if !wanted.with_pin {
        return Ok((rack.plug_new(base), None));
    }
    // A used key is the tester's: it waits for the panel's Touch, so each step shows.
    base.touch = TouchMode::Manual;
    let number = PIN_KEYS.fetch_add(1, Ordering::Relaxed) + 1;
    let key = Arc::new(SoftKey::new(format!("soft-pin-{number}"), base));
    let pin = PinPolicy::default()
        .generate(&mut rand::rng())
        .map_err(|e| e.to_string())?;
    key.set_pin(&pin).await.map_err(|e| e.to_string())?;
    rack.replug(&key);
    Ok((key, Some(pin)))
}

/// Ids of keys made with a PIN ("soft-pin-N": the rack numbers only the keys it makes).
static PIN_KEYS: AtomicUsize = AtomicUsize::new(0);

/// Keys pulled with the panel, kept with their state so they can be plugged back in.
#[derive(Default)]
pub struct Drawer(Mutex<Vec<Arc<SoftKey>>>);

impl Drawer {
    /// Pulls `key_id` out of `rack` into the drawer. False when it is not plugged in.
    pub fn pull(&self, rack: &SoftRack, key_id: &str) -> bool {
        let Some(key) = rack.key(key_id) else {
            return false;
        };
        if !rack.pull(key_id) {
            return false;
        }
        let mut drawer = self.0.lock().unwrap_or_else(|p| p.into_inner());
        drawer.retain(|k| k.id() != key_id);
        drawer.push(key);
        true
    }

    /// Puts a key taken out of the rack (a refused key the stack set aside) in the drawer.
    pub fn put(&self, key: Arc<SoftKey>) {
        let mut drawer = self.0.lock().unwrap_or_else(|p| p.into_inner());
        drawer.retain(|k| k.id() != key.id());
        drawer.push(key);
    }

    /// The pulled key `key_id`, while it is in the drawer.
    pub fn get(&self, key_id: &str) -> Option<Arc<SoftKey>> {
        let drawer = self.0.lock().unwrap_or_else(|p| p.into_inner());
        drawer.iter().find(|k| k.id() == key_id).cloned()
    }

    /// Plugs the pulled key `key_id` back in, same id, same state.
    pub fn replug(&self, rack: &SoftRack, key_id: &str) -> Option<Arc<SoftKey>> {
        let mut drawer = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let at = drawer.iter().position(|k| k.id() == key_id)?;
        let key = drawer.remove(at);
        rack.replug(&key).then_some(key)
    }
}

fn parse_aaguid(text: &str) -> Option<[u8; 16]> {
    uuid::Uuid::parse_str(text.trim())
        .ok()
        .map(|u| *u.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_key_plugged_with_a_pin_keeps_it_and_its_identity_across_a_replug() {
        let rack = SoftRack::new();
        let wanted = PlugKey {
            with_pin: true,
            aaguid: Some(OTHER_MODELS[0].to_owned()),
        };
        let (key, pin) = plug(&rack, blank(), &wanted).await.unwrap();
        let pin = pin.expect("a PIN was asked for");
        assert_eq!(pin.len(), 6);
        let info = key.info().await.unwrap();
        assert_eq!(info.client_pin, Some(true));
        assert_eq!(info.model, "YubiKey 5 Series");
        assert_eq!(key.pin_retries().await.unwrap(), 8);

        let drawer = Drawer::default();
        assert!(drawer.pull(&rack, key.id()));
        assert!(rack.key(key.id()).is_none());
        let back = drawer.replug(&rack, key.id()).expect("the pulled key");
        assert!(Arc::ptr_eq(&back, &key));
        assert!(back.in_reset_window(), "a re-plug opens the reset window");
        assert_eq!(back.info().await.unwrap().client_pin, Some(true));
        assert!(
            drawer.replug(&rack, key.id()).is_none(),
            "plugged in once only"
        );
    }

    /// Regression: a key a batch refused under `--soft-keys` was replaced by a blank one
    /// and dropped; it goes to the drawer, and plugs back in from there.
    #[test]
    fn a_key_a_batch_refuses_waits_in_the_drawer() {
        let drawer = Arc::new(Drawer::default());
        let (rack, keys) = soft_keys(1, Arc::clone(&drawer));
        let batch = keydesk_engine::keys::SetAsideRefused(keys.as_ref());
        let claimed = batch.try_claim().expect("the plugged key");
        let id = claimed.key().id().to_owned();
        batch.refused(&id);
        drop(claimed);
        let held = drawer.get(&id).expect("the refused key is in the drawer");
        assert!(rack.key(&id).is_none());
        assert_eq!(rack.plugged().len(), 1, "a blank took its place");
        let back = drawer
            .replug(&rack, &id)
            .expect("plugged back in from the drawer");
        assert!(Arc::ptr_eq(&back, &held));
        assert!(drawer.get(&id).is_none());
    }

    #[tokio::test]
    async fn a_word_is_refused_as_an_aaguid() {
        let wanted = PlugKey {
            with_pin: false,
            aaguid: Some("yubikey".into()),
        };
        let err = plug(&SoftRack::new(), blank(), &wanted).await.unwrap_err();
        assert!(err.contains("not an AAGUID"), "{err}");
    }

    #[test]
    fn the_panel_offers_the_simulators_model_first() {
        let models = models();
        assert_eq!(models[0].name, "KeyDesk Soft Key");
        assert!(
            models.iter().all(|m| m.name != "unknown model"),
            "{models:?}"
        );
    }
}
