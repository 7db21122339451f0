//! The soft key's state file: `<dir>/state.json`, so a simulated key survives restarts.
//!
//! Format (version 1), byte strings as lowercase hex:
//! ```json
//! { "version": 1,
//!   "pin": { "hash": "<LEFT(SHA-256(pin),16)>" | null, "length": 6, "retries": 8,
//!            "minLength": 4, "minLengthRpIds": ["login.microsoft.com"], "forceChange": false },
//!   "signCount": 3,
//!   "credentials": [ { "id": "..", "rpId": "login.microsoft.com", "userHandle": "..",
//!                      "userName": "a@contoso.com", "discoverable": true, "credProtect": 2,
//!                      "privateKey": "<P-256 scalar>" } ] }
//! ```
//! The PIN itself is never written, only its CTAP hash and length. The credentials' private
//! keys are written in the clear: this is a simulator, never a place for real secrets. The
//! "3 wrong PINs in a row" counter is not saved: a restart is a power cycle. The file is
//! written with mode 0600 (owner only) on Unix.

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::credential::{Credential, RestoredParts};
use super::pin::PinState;
use super::state::State;

const FILE: &str = "state.json";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedState {
    version: u32,
    pin: SavedPin,
    sign_count: u32,
    credentials: Vec<SavedCredential>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedPin {
    hash: Option<String>,
    length: u8,
    retries: u8,
    min_length: u8,
    min_length_rp_ids: Vec<String>,
    force_change: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedCredential {
    id: String,
    rp_id: String,
    user_handle: String,
    user_name: String,
    discoverable: bool,
    cred_protect: Option<u8>,
    private_key: String,
}

/// Writes `state` to `dir/state.json` (through a temporary file and a rename).
pub(crate) fn save(dir: &Path, state: &State) -> io::Result<()> {
    let saved = SavedState {
        version: 1,
        pin: SavedPin {
            hash: state.pin.hash.map(hex::encode),
            length: state.pin.length,
            retries: state.pin.retries,
            min_length: state.pin.min_length,
            min_length_rp_ids: state.pin.min_length_rp_ids.clone(),
            force_change: state.pin.force_change,
        },
        sign_count: state.sign_count,
        credentials: state
            .credentials
            .iter()
            .map(|c| {
                let view = c.view();
                SavedCredential {
                    id: hex::encode(&view.credential_id),
                    rp_id: view.rp_id,
                    user_handle: hex::encode(&view.user_handle),
                    user_name: view.user_name,
                    discoverable: view.discoverable,
                    cred_protect: view.cred_protect,
                    private_key: hex::encode(c.secret()),
                }
            })
            .collect(),
    };
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_vec_pretty(&saved).map_err(io::Error::other)?;
    let tmp = dir.join("state.json.tmp");
    write_private(&tmp, &json)?;
    std::fs::rename(tmp, dir.join(FILE))
}

/// Writes `bytes` to a new `path` only its owner can read (mode 0600 on Unix): the
/// state holds the credentials' private keys.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Reads `dir/state.json`; `Ok(None)` when there is none yet.
pub(crate) fn load(dir: &Path, capacity: usize) -> io::Result<Option<State>> {
    let bytes = match std::fs::read(dir.join(FILE)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let saved: SavedState = serde_json::from_slice(&bytes).map_err(invalid)?;
    if saved.version != 1 {
        return Err(invalid(format!("unknown version {}", saved.version)));
    }
    let hash = match saved.pin.hash {
        Some(h) => Some(
            <[u8; 16]>::try_from(unhex(&h)?).map_err(|_| invalid("PIN hash is not 16 bytes"))?,
        ),
        None => None,
    };
    let mut state = State::new(capacity);
    state.pin = PinState {
        hash,
        length: saved.pin.length,
        retries: saved.pin.retries,
        consecutive_failures: 0,
        min_length: saved.pin.min_length,
        min_length_rp_ids: saved.pin.min_length_rp_ids,
        force_change: saved.pin.force_change,
    };
    state.sign_count = saved.sign_count;
    for c in saved.credentials {
        let parts = RestoredParts {
            id: unhex(&c.id)?,
            rp_id: c.rp_id,
            user_handle: unhex(&c.user_handle)?,
            user_name: c.user_name,
            discoverable: c.discoverable,
            cred_protect: c.cred_protect,
        };
        let credential = Credential::restore(parts, &unhex(&c.private_key)?)
            .ok_or_else(|| invalid("invalid private key"))?;
        state.credentials.push(credential);
    }
    Ok(Some(state))
}

fn unhex(s: &str) -> io::Result<Vec<u8>> {
    hex::decode(s).map_err(invalid)
}

fn invalid(e: impl ToString) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}
