//! The re-plug flow for authenticatorReset: the operator pulls the key and plugs it back in,
//! the watcher sees the same key return, and the reset goes out at once, inside the key's
//! 10-second window (5 s on old YubiKey firmware). Then the key waits for a touch.
//!
//! Callers prompt through events: "unplug and re-plug the key" before
//! [`wait_for_return`], "touch the key now" as soon as it returns.

use std::time::Duration;

use super::enumerate::DeviceIdentity;
use super::key::{reset_unopened, HidKey};
use super::watch::{DeviceEvent, DeviceWatch};
use crate::error::KeyError;

/// Whether `candidate` is plausibly the key `gone` came back: same vid/pid, and the same
/// USB serial and AAGUID where both sides know them. (Paths change across re-plugs.)
pub fn same_key(gone: &DeviceIdentity, candidate: &DeviceIdentity) -> bool {
    gone.vid == candidate.vid
        && gone.pid == candidate.pid
        && agree(&gone.serial, &candidate.serial)
        && agree(&gone.aaguid, &candidate.aaguid)
}

fn agree<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// Waits until `gone` is pulled and then plugged back in; returns its new identity.
/// [`KeyError::Timeout`] after `limit`. The watch must have been started before the pull.
pub async fn wait_for_return(
    watch: &mut DeviceWatch,
    gone: &DeviceIdentity,
    limit: Duration,
) -> Result<DeviceIdentity, KeyError> {
    let wait = async {
        let mut pulled = false;
        while let Some(event) = watch.next().await {
            match event {
                DeviceEvent::Removed { path } if path == gone.path => pulled = true,
                DeviceEvent::Added(d) if pulled && same_key(gone, &d) => return Ok(d),
                _ => {}
            }
        }
        Err(KeyError::Transport("the device watcher stopped".into()))
    };
    tokio::time::timeout(limit, wait)
        .await
        .unwrap_or(Err(KeyError::Timeout))
}

/// The whole flow: wait for the key to return, call `touch_prompt` (the moment to say
/// "touch the key now"), send authenticatorReset at once through a handle of our own, and
/// only then open the key. Returns the opened key (factory-fresh on success).
///
/// Resetting before the crate opens its handle spends nothing of the window on getInfo,
/// and keeps the reset's reports out of the crate's handle (hidraw gives every report to
/// every open handle, and the crate would read them as its own answers: see
/// [`super::ctaphid`]).
pub async fn reset_after_replug(
    watch: &mut DeviceWatch,
    gone: &DeviceIdentity,
    limit: Duration,
    touch_prompt: impl FnOnce(&DeviceIdentity),
) -> Result<HidKey, KeyError> {
    let back = wait_for_return(watch, gone, limit).await?;
    touch_prompt(&back);
    let path = back.path.clone();
    tokio::task::spawn_blocking(move || reset_unopened(&path))
        .await
        .map_err(|e| KeyError::Transport(e.to_string()))??;
    HidKey::open(back).await
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::hid::watch::{watch_source, DeviceSource};

    fn id(path: &str, serial: Option<&str>) -> DeviceIdentity {
        DeviceIdentity {
            path: path.into(),
            vid: 0x1050,
            pid: 0x0407,
            product: "YubiKey".into(),
            serial: serial.map(str::to_owned),
            aaguid: Some([1; 16]),
        }
    }

    #[test]
    fn same_key_matches_on_what_both_sides_know() {
        assert!(same_key(&id("/a", Some("1")), &id("/b", Some("1"))));
        assert!(same_key(&id("/a", None), &id("/b", Some("1"))));
        assert!(!same_key(&id("/a", Some("1")), &id("/b", Some("2"))));
        let mut other_model = id("/b", Some("1"));
        other_model.aaguid = Some([2; 16]);
        assert!(!same_key(&id("/a", Some("1")), &other_model));
    }

    struct Shared(Arc<Mutex<Vec<DeviceIdentity>>>);
    impl DeviceSource for Shared {
        fn scan(&mut self) -> Result<Vec<DeviceIdentity>, KeyError> {
            Ok(self.0.lock().unwrap().clone())
        }
    }

    #[tokio::test]
    async fn the_same_key_returning_under_a_new_path_is_found() {
        let bench = Arc::new(Mutex::new(vec![
            id("/dev/hidraw0", Some("7")),
            id("/dev/hidraw1", Some("8")),
        ]));
        let mut watch = watch_source(Shared(Arc::clone(&bench)), Duration::from_millis(5));
        let gone = id("/dev/hidraw0", Some("7"));
        let flow = tokio::spawn(async move {
            wait_for_return(&mut watch, &gone, Duration::from_secs(5)).await
        });
        tokio::time::sleep(Duration::from_millis(30)).await;
        bench.lock().unwrap().remove(0);
        tokio::time::sleep(Duration::from_millis(30)).await;
        // Another key appears first: not ours.
        bench.lock().unwrap().push(id("/dev/hidraw2", Some("9")));
        tokio::time::sleep(Duration::from_millis(30)).await;
        bench.lock().unwrap().push(id("/dev/hidraw3", Some("7")));
        let back = flow.await.unwrap().unwrap();
        assert_eq!(back.path, "/dev/hidraw3");
    }

    #[tokio::test]
    async fn a_key_that_never_returns_times_out() {
        let bench = Arc::new(Mutex::new(vec![id("/dev/hidraw0", None)]));
        let mut watch = watch_source(Shared(bench), Duration::from_millis(5));
        let result = wait_for_return(
            &mut watch,
            &id("/dev/hidraw0", None),
            Duration::from_millis(100),
        )
        .await;
        assert_eq!(result, Err(KeyError::Timeout));
    }
}
