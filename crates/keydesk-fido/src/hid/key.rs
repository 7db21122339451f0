//! One hardware key through ctap-hid-fido2: opening it, the watchdog around every call,
//! and getInfo as [`KeyInfo`].
//!
//! Every crate call blocks, so it runs in `spawn_blocking`, under `catch_unwind`, guarded by
//! a watchdog: when the key does not answer in time the watchdog sends CTAPHID_CANCEL on the
//! crate's channel through a second handle of our own (the crate holds its device lock
//! while it reads, so its own cancel would wait behind the read) and reports
//! [`KeyError::Timeout`]. PIN/UV auth protocol 2 is chosen when getInfo offers it or lists
//! only other protocols than 1 (soft-fido2 speaks only 2; the crate defaults to 1). The
//! credentialManagement command follows getInfo's options ([`cred_mgmt_command`]).
//! authenticatorReset goes through a handle of our own, after which the crate's handle is
//! replaced ([`ctaphid::reset_beside`]).
//!
//! Known issues: a call the key never answers, even after the cancel, leaves its blocking
//! thread parked in hidapi's read until the key is pulled; the crate reports an absent
//! `remainingDiscoverableCredentials` as 0, so 0 is shown as "unknown" (None).

use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use ctap_hid_fido2::{FidoKeyHid, FidoKeyHidFactory, HidParam, LibCfg};

use super::enumerate::{check_access, contained, DeviceIdentity};
use super::{ctaphid, models, status};
use crate::error::KeyError;
use crate::port::KeyInfo;

/// How long a call that needs no touch may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a call that waits for a touch may take (keys give up after ~30 s themselves).
pub const TOUCH_TIMEOUT: Duration = Duration::from_secs(35);

/// A hardware key. Share it as `Arc<HidKey>`; one operation at a time ([`KeyError::Busy`]).
pub struct HidKey {
    pub(super) identity: DeviceIdentity,
    /// The crate's handle; replaced by a fresh one after every reset (see
    /// [`ctaphid::reset_beside`]).
    pub(super) device: RwLock<Arc<FidoKeyHid>>,
    pub(super) info: KeyInfo,
    pub(super) busy: tokio::sync::Mutex<()>,
}

impl HidKey {
    /// Opens the key at `identity.path`, reads getInfo and picks the PIN/UV protocol.
    pub async fn open(identity: DeviceIdentity) -> Result<HidKey, KeyError> {
        let path = identity.path.clone();
        let opening = tokio::task::spawn_blocking(move || contained("open", || open_crate(&path)));
        let opened = tokio::time::timeout(CALL_TIMEOUT, opening)
            .await
            .map_err(|_| KeyError::Timeout)?
            .map_err(|e| KeyError::Transport(e.to_string()))?;
        let (device, raw) = opened.map_err(open_failure)?;
        let info = raw.into_key_info(&identity);
        Ok(HidKey {
            identity,
            device: RwLock::new(Arc::new(device)),
            info,
            busy: tokio::sync::Mutex::new(()),
        })
    }

    /// The crate's handle in use now (replaced after a reset: see [`ctaphid::reset_beside`]).
    fn device(&self) -> Arc<FidoKeyHid> {
        Arc::clone(&self.device.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Who this key is.
    pub fn identity(&self) -> &DeviceIdentity {
        &self.identity
    }

    /// The PIN/UV auth protocol in use (1 or 2).
    pub fn pin_protocol(&self) -> u8 {
        self.device().pin_protocol_version
    }

    /// Runs `f` on the key in a blocking thread, under the watchdog.
    pub(super) async fn call<T: Send + 'static>(
        &self,
        what: &'static str,
        limit: Duration,
        f: impl FnOnce(&FidoKeyHid) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, KeyError> {
        let _busy = self.busy.try_lock().map_err(|_| KeyError::Busy)?;
        let device = self.device();
        let result = guarded(what, limit, move || {
            f(&device).map_err(|e| status::from_anyhow(&e))
        })
        .await;
        if matches!(result, Err(KeyError::Timeout)) {
            tracing::warn!(what, path = %self.identity.path, "key did not answer; cancelling");
            self.send_cancel().await;
        }
        result
    }

    /// CTAPHID_CANCEL on the crate's channel, through a handle of our own.
    pub(super) async fn send_cancel(&self) {
        let device = self.device();
        let path = self.identity.path.clone();
        let sent = tokio::task::spawn_blocking(move || {
            contained("cancel", || {
                let cid = device.get_cid().map_err(|e| status::from_anyhow(&e))?;
                let mut side = open_raw(&path)?;
                ctaphid::cancel(&mut side, cid)
            })
        })
        .await;
        if let Ok(Err(e)) = sent {
            tracing::debug!(%e, "CTAPHID_CANCEL not sent");
        }
    }

    /// authenticatorReset through our own CTAPHID exchange on a second handle; then the
    /// crate's handle is replaced by one opened after the exchange, since the old one holds
    /// the exchange's reports and the crate would read them as its next answers.
    pub(super) async fn send_reset(&self) -> Result<(), KeyError> {
        let _busy = self.busy.try_lock().map_err(|_| KeyError::Busy)?;
        let path = self.identity.path.clone();
        let (outcome, reopened) = tokio::task::spawn_blocking(move || {
            let deadline = Instant::now() + TOUCH_TIMEOUT;
            ctaphid::reset_beside(
                || contained("reset", || open_raw(&path)),
                || contained("reopen", || open_crate(&path).map(|(device, _)| device)),
                deadline,
                &mut touch_keepalive,
            )
        })
        .await
        .map_err(|e| KeyError::Transport(e.to_string()))?;
        match reopened {
            Ok(device) => {
                *self.device.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(device);
            }
            Err(e) => {
                tracing::warn!(%e, path = %self.identity.path, "key not reopened after reset");
            }
        }
        outcome
    }
}

fn touch_keepalive(status: u8) {
    if status == ctaphid::KEEPALIVE_UPNEEDED {
        tracing::debug!("reset waits for a touch");
    }
}

/// authenticatorReset on the key at `path` through a handle of our own, for a key no
/// [`HidKey`] has open (blocking): the re-plug flow resets before it opens the key.
pub(super) fn reset_unopened(path: &str) -> Result<(), KeyError> {
    contained("reset", || {
        let mut dev = open_raw(path)?;
        let deadline = Instant::now() + TOUCH_TIMEOUT;
        ctaphid::reset(&mut dev, deadline, &mut touch_keepalive)
    })
}

/// Opens the crate's handle on `path` and reads getInfo: the PIN/UV protocol and the
/// credentialManagement command are chosen from it (blocking).
fn open_crate(path: &str) -> Result<(FidoKeyHid, RawInfo), KeyError> {
    check_access(path)?;
    let mut cfg = LibCfg::init();
    cfg.enable_keep_alive_msg = false;
    cfg.keep_alive_msg = String::new();
    let mut device = FidoKeyHidFactory::create_by_params(&[HidParam::Path(path.to_owned())], &cfg)
        .map_err(|e| status::from_anyhow(&e))?;
    let info = device.get_info().map_err(|e| status::from_anyhow(&e))?;
    let protocols: Vec<u8> = info
        .pin_uv_auth_protocols
        .iter()
        .filter_map(|p| u8::try_from(*p).ok())
        .collect();
    device.pin_protocol_version = choose_pin_protocol(&protocols);
    let options = info.options.clone();
    device.use_pre_credential_management =
        cred_mgmt_command(&options) == CredMgmtCommand::Prototype;
    let raw = RawInfo {
        versions: info.versions.clone(),
        aaguid: info.aaguid.clone(),
        options,
        min_pin_length: info.min_pin_length,
        pin_protocols: protocols,
        remaining: info.remaining_discoverable_credentials,
        force_pin_change: info.force_pin_change,
        firmware: info.firmware_version,
    };
    Ok((device, raw))
}

/// The watchdog: runs `job` in a blocking thread with panics contained; `Timeout` when it
/// has not finished after `limit` (the thread is left to finish on its own).
pub(super) async fn guarded<T: Send + 'static>(
    what: &'static str,
    limit: Duration,
    job: impl FnOnce() -> Result<T, KeyError> + Send + 'static,
) -> Result<T, KeyError> {
    let task = tokio::task::spawn_blocking(move || contained(what, job));
    match tokio::time::timeout(limit, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(KeyError::Transport(join.to_string())),
        Err(_) => Err(KeyError::Timeout),
    }
}

/// On Windows an unelevated process cannot open FIDO keys, and the crate's "Failed to open
/// device." hides why: say what to do instead.
fn open_failure(error: KeyError) -> KeyError {
    match error {
        KeyError::Transport(m) if cfg!(windows) && m.contains("Failed to open") => {
            KeyError::no_permission()
        }
        other => other,
    }
}

/// Opens a raw hidapi handle on `path`.
pub(super) fn open_raw(path: &str) -> Result<hidapi::HidDevice, KeyError> {
    check_access(path)?;
    let api = hidapi::HidApi::new().map_err(|e| KeyError::Transport(e.to_string()))?;
    let c_path = std::ffi::CString::new(path).map_err(|e| KeyError::Transport(e.to_string()))?;
    api.open_path(&c_path)
        .map_err(|e| status::from_message(&format!("open: {e}")))
}

/// Protocol 2 when offered or when the list lacks 1; 1 otherwise, including an empty list
/// (a CTAP 2.0 key that omits `pinUvAuthProtocols` speaks protocol 1).
pub fn choose_pin_protocol(offered: &[u8]) -> u8 {
    if offered.contains(&2) || (!offered.is_empty() && !offered.contains(&1)) {
        2
    } else {
        1
    }
}

/// Which credentialManagement command a key answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredMgmtCommand {
    /// authenticatorCredentialManagement (0x0A), CTAP 2.1: getInfo option `credMgmt`.
    Standard,
    /// The prototype command (0x41) of CTAP 2.1 drafts: option `credentialMgmtPreview`.
    Prototype,
    /// Neither option is true: the key has no credential management.
    Unsupported,
}

/// Decides the credentialManagement command from getInfo's options, not from `versions`:
/// a key may do CTAP 2.1 credential management and still list only FIDO_2_0 (soft-fido2
/// 0.17 does, and answers 0x01 INVALID_COMMAND to the prototype 0x41). `credMgmt` wins
/// over `credentialMgmtPreview` when a key offers both.
pub fn cred_mgmt_command(options: &[(String, bool)]) -> CredMgmtCommand {
    let on = |name: &str| options.iter().any(|(n, v)| n == name && *v);
    if on("credMgmt") {
        CredMgmtCommand::Standard
    } else if on("credentialMgmtPreview") {
        CredMgmtCommand::Prototype
    } else {
        CredMgmtCommand::Unsupported
    }
}

/// The AAGUID of the key at `path` (blocking; None when it does not answer).
pub(super) fn read_aaguid(path: &str) -> Option<[u8; 16]> {
    contained("getInfo", || {
        let mut cfg = LibCfg::init();
        cfg.enable_keep_alive_msg = false;
        let device = FidoKeyHidFactory::create_by_params(&[HidParam::Path(path.to_owned())], &cfg)
            .map_err(|e| status::from_anyhow(&e))?;
        let info = device.get_info().map_err(|e| status::from_anyhow(&e))?;
        Ok(<[u8; 16]>::try_from(info.aaguid.as_slice()).ok())
    })
    .ok()
    .flatten()
}

/// The getInfo fields KeyDesk uses, copied out of the crate's (unnameable) Info type.
pub(super) struct RawInfo {
    pub versions: Vec<String>,
    pub aaguid: Vec<u8>,
    pub options: Vec<(String, bool)>,
    pub min_pin_length: u32,
    pub pin_protocols: Vec<u8>,
    pub remaining: u32,
    pub force_pin_change: bool,
    pub firmware: u32,
}

impl RawInfo {
    /// getInfo as the port's [`KeyInfo`], with model and serial.
    pub fn into_key_info(self, identity: &DeviceIdentity) -> KeyInfo {
        let option = |name: &str| {
            self.options
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| *v)
        };
        let aaguid = <[u8; 16]>::try_from(self.aaguid.as_slice()).unwrap_or([0; 16]);
        KeyInfo {
            model: models::model_name(&aaguid).to_owned(),
            aaguid,
            client_pin: option("clientPin"),
            resident_keys: option("rk").unwrap_or(false),
            min_pin_length: u8::try_from(self.min_pin_length)
                .ok()
                .filter(|n| *n > 0)
                .unwrap_or(4),
            pin_protocols: self.pin_protocols,
            remaining_discoverable_credentials: (self.remaining > 0).then_some(self.remaining),
            serial: identity.serial.clone(),
            force_pin_change: self.force_pin_change,
            supports_config: option("authnrCfg").unwrap_or(false),
            supports_min_pin_length: option("setMinPINLength").unwrap_or(false),
            supports_cred_mgmt: cred_mgmt_command(&self.options) != CredMgmtCommand::Unsupported,
            firmware: (self.firmware > 0).then_some(self.firmware),
            biometric: option("bioEnroll").is_some(),
            versions: self.versions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_watchdog_reports_timeouts_panics_and_results() {
        let slow = guarded("slow", Duration::from_millis(20), || {
            std::thread::sleep(Duration::from_millis(300));
            Ok(())
        });
        assert_eq!(slow.await, Err(KeyError::Timeout));
        let panicking = guarded(
            "panics",
            Duration::from_secs(5),
            || -> Result<(), KeyError> { panic!("HidApi boom") },
        );
        assert!(matches!(panicking.await, Err(KeyError::Transport(m)) if m.contains("boom")));
        assert_eq!(
            guarded("fine", Duration::from_secs(5), || Ok(7)).await,
            Ok(7)
        );
    }

    #[test]
    fn protocol_two_when_offered_or_one_missing() {
        assert_eq!(choose_pin_protocol(&[2, 1]), 2);
        assert_eq!(choose_pin_protocol(&[1, 2]), 2);
        assert_eq!(choose_pin_protocol(&[2]), 2);
        assert_eq!(choose_pin_protocol(&[1]), 1);
        assert_eq!(choose_pin_protocol(&[3]), 2);
        assert_eq!(choose_pin_protocol(&[]), 1);
    }

    #[test]
    fn credential_management_command_follows_the_options() {
        let options = |list: &[(&str, bool)]| -> Vec<(String, bool)> {
            list.iter().map(|(n, v)| ((*n).to_owned(), *v)).collect()
        };
        use CredMgmtCommand::*;
        let cases: [(&[(&str, bool)], CredMgmtCommand); 7] = [
            // soft-fido2: versions FIDO_2_0 only, but credMgmt=true.
            (&[("rk", true), ("credMgmt", true)], Standard),
            (
                &[("credMgmt", true), ("credentialMgmtPreview", true)],
                Standard,
            ),
            (
                &[("credentialMgmtPreview", true), ("credMgmt", true)],
                Standard,
            ),
            (
                &[("credMgmt", false), ("credentialMgmtPreview", true)],
                Prototype,
            ),
            (&[("credentialMgmtPreview", true)], Prototype),
            (
                &[("credMgmt", false), ("credentialMgmtPreview", false)],
                Unsupported,
            ),
            (&[("rk", true), ("clientPin", true)], Unsupported),
        ];
        for (list, expected) in cases {
            assert_eq!(cred_mgmt_command(&options(list)), expected, "{list:?}");
        }
        assert_eq!(cred_mgmt_command(&[]), Unsupported);
    }

    #[test]
    fn get_info_becomes_key_info() {
        let identity = DeviceIdentity {
            path: "/dev/hidraw0".into(),
            vid: 0x1050,
            pid: 0x0407,
            product: "YubiKey".into(),
            serial: None,
            aaguid: None,
        };
        let aaguid = uuid::Uuid::parse_str("ee882879-721c-4913-9775-3dfcce97072a").unwrap();
        let raw = |options: Vec<(String, bool)>| RawInfo {
            versions: vec!["FIDO_2_0".into(), "FIDO_2_1".into()],
            aaguid: aaguid.as_bytes().to_vec(),
            options,
            min_pin_length: 0,
            pin_protocols: vec![2, 1],
            remaining: 0,
            force_pin_change: false,
            firmware: 0x050403,
        };
        let info = raw(vec![
            ("clientPin".into(), false),
            ("rk".into(), true),
            ("authnrCfg".into(), true),
            ("setMinPINLength".into(), true),
            ("credMgmt".into(), true),
        ])
        .into_key_info(&identity);
        assert!(
            !info.biometric,
            "no bioEnroll option: no fingerprint reader"
        );
        // A YubiKey Bio before any finger is enrolled reports bioEnroll: false.
        let bio = raw(vec![("bioEnroll".into(), false)]).into_key_info(&identity);
        assert!(bio.biometric);
        assert_eq!(info.model, "YubiKey 5 Series");
        assert_eq!(info.client_pin, Some(false));
        assert!(info.resident_keys && info.supports_config && info.supports_min_pin_length);
        assert!(info.supports_cred_mgmt);
        assert_eq!(info.min_pin_length, 4);
        assert_eq!(info.remaining_discoverable_credentials, None);
        assert_eq!(info.firmware, Some(0x050403));
        assert_eq!(info.serial, None);
    }
}
