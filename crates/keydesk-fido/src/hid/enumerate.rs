//! Which FIDO keys are plugged in: hidapi enumeration (usage page 0xF1D0), panics contained.
//!
//! hidapi and the crate above it may panic (a poisoned global lock, `expect` on context
//! creation): every call into them here runs under `catch_unwind` and a panic becomes
//! [`KeyError::Transport`]. Blocking: call from a blocking thread.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::KeyError;

/// The HID usage page of FIDO authenticators.
pub const FIDO_USAGE_PAGE: u16 = 0xF1D0;

/// Who a plugged key is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeviceIdentity {
    /// The OS device path (`/dev/hidraw3`, a Windows interface path): the id while plugged.
    pub path: String,
    /// USB vendor id.
    pub vid: u16,
    /// USB product id.
    pub pid: u16,
    /// USB product string.
    pub product: String,
    /// USB serial string, when the key exposes one (many FIDO keys do not).
    pub serial: Option<String>,
    /// The model's AAGUID from getInfo, once read (None if the key did not answer).
    pub aaguid: Option<[u8; 16]>,
}

/// Runs `f`, turning a panic into [`KeyError::Transport`].
pub fn contained<T>(what: &str, f: impl FnOnce() -> Result<T, KeyError>) -> Result<T, KeyError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(what, %reason, "the HID library panicked");
        Err(KeyError::Transport(format!(
            "{what} failed inside the HID library: {reason}"
        )))
    })
}

/// The FIDO keys plugged in now, without AAGUIDs, sorted by path.
pub fn fido_devices() -> Result<Vec<DeviceIdentity>, KeyError> {
    contained("enumeration", || {
        let api = hidapi::HidApi::new().map_err(|e| KeyError::Transport(e.to_string()))?;
        let mut found: Vec<DeviceIdentity> = api
            .device_list()
            .filter(|d| d.usage_page() == FIDO_USAGE_PAGE)
            .map(|d| DeviceIdentity {
                path: d.path().to_string_lossy().into_owned(),
                vid: d.vendor_id(),
                pid: d.product_id(),
                product: d.product_string().unwrap_or_default().to_owned(),
                serial: d
                    .serial_number()
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_owned),
                aaguid: None,
            })
            .collect();
        found.sort_by(|a, b| a.path.cmp(&b.path));
        found.dedup_by(|a, b| a.path == b.path);
        Ok(found)
    })
}

/// Whether this process may open `path` read-write; `NoPermission` with the platform's
/// hint when the OS refuses (hidraw mode bits on Linux, elevation on Windows).
pub fn check_access(path: &str) -> Result<(), KeyError> {
    #[cfg(target_os = "linux")]
    {
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
        {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                Err(KeyError::no_permission())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(KeyError::Removed),
            Err(_) => Ok(()), // let hidapi report the real failure
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_are_contained() {
        let result: Result<(), KeyError> = contained("test", || panic!("HidApi boom"));
        assert!(matches!(result, Err(KeyError::Transport(m)) if m.contains("HidApi boom")));
    }

    #[test]
    fn enumeration_without_keys_does_not_fail_or_panic() {
        // These machines have no FIDO key: an empty list or a transport error, never a panic.
        if let Ok(devices) = fido_devices() {
            assert!(devices.iter().all(|d| !d.path.is_empty()));
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn missing_device_path_reads_as_removed() {
        assert_eq!(
            check_access("/dev/hidraw-keydesk-none"),
            Err(KeyError::Removed)
        );
    }
}
