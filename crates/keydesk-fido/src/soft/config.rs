//! How a simulated key is built: model, AAGUID, serial, how it gets touched, its capacity.
//!
//! Plain data only; the key's behaviour lives in [`super::SoftKey`].

use std::path::PathBuf;
use std::time::Duration;

/// The AAGUID every KeyDesk soft key reports unless configured otherwise (a fixed random
/// UUID, `aa62412e-2cce-4d8b-9c5a-0330bc24e541`).
pub const SOFT_KEY_AAGUID: [u8; 16] = [
    0xaa, 0x62, 0x41, 0x2e, 0x2c, 0xce, 0x4d, 0x8b, 0x9c, 0x5a, 0x03, 0x30, 0xbc, 0x24, 0xe5, 0x41,
];

/// How user presence is given to the simulated key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TouchMode {
    /// The key touches itself this long after it starts waiting for a touch.
    Auto(Duration),
    /// Only [`super::SoftKey::touch`] (the demo panel's button) satisfies a presence request.
    Manual,
}

/// Everything that makes one simulated key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoftKeyConfig {
    /// Human model name reported by `info()`.
    pub model: String,
    /// The model's AAGUID, written into every credential's authData.
    pub aaguid: [u8; 16],
    /// Serial number reported by `info()`.
    pub serial: String,
    /// How presence requests are satisfied.
    pub touch: TouchMode,
    /// How long the key waits for a touch before answering 0x2F (user action timeout).
    pub touch_timeout: Duration,
    /// Discoverable-credential slots.
    pub capacity: usize,
    /// Added to every operation before the key answers (the latency model for benchmarks;
    /// a real key takes ~50 ms for getInfo and ~200 ms to sign).
    pub latency: Duration,
    /// Where the key keeps its state (`state.json`, see `soft::persist`); None = memory only.
    pub state_dir: Option<PathBuf>,
}

impl SoftKeyConfig {
    /// The defaults with the given serial.
    pub fn with_serial(serial: impl Into<String>) -> Self {
        SoftKeyConfig {
            serial: serial.into(),
            ..SoftKeyConfig::default()
        }
    }
}

impl Default for SoftKeyConfig {
    /// "KeyDesk Soft Key", [`SOFT_KEY_AAGUID`], serial "SOFT-0001", touched automatically
    /// after 500 ms, 30 s touch timeout, 25 slots, no added latency,
    /// memory only.
    fn default() -> Self {
        SoftKeyConfig {
            model: "KeyDesk Soft Key".to_owned(),
            aaguid: SOFT_KEY_AAGUID,
            serial: "SOFT-0001".to_owned(),
            touch: TouchMode::Auto(Duration::from_millis(500)),
            touch_timeout: Duration::from_secs(30),
            capacity: 25,
            latency: Duration::ZERO,
            state_dir: None,
        }
    }
}
