//! PIN state kept in a file across re-plugs (process restarts), as a real key keeps it in
//! flash: the PIN, its retries and the minimum length survive; a missing file is a new key.
//! CBOR, because the PIN hash deserialises only from a byte string.

use std::path::PathBuf;

use soft_fido2::{PinState, PinStorageCallbacks, StatusCode};

pub struct PinFile(pub PathBuf);

impl PinStorageCallbacks for PinFile {
    fn load_pin_state(&self) -> Result<PinState, StatusCode> {
        let bytes = std::fs::read(&self.0).map_err(|_| StatusCode::Other)?;
        cbor4ii::serde::from_slice(&bytes).map_err(|_| StatusCode::Other)
    }

    fn save_pin_state(&self, state: &PinState) -> Result<(), StatusCode> {
        let bytes = cbor4ii::serde::to_vec(Vec::new(), state).map_err(|_| StatusCode::Other)?;
        let tmp = self.0.with_extension("tmp");
        std::fs::write(&tmp, bytes).map_err(|_| StatusCode::Other)?;
        std::fs::rename(&tmp, &self.0).map_err(|_| StatusCode::Other)
    }
}
