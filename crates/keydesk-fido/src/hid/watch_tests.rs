//! The watcher against a scripted device source: several keys, plug, pull, errors.

use std::sync::{Arc, Mutex};

use super::*;

/// A shared list of plugged keys the test edits while the watcher polls it.
#[derive(Clone)]
struct Bench(Arc<Mutex<Result<Vec<DeviceIdentity>, KeyError>>>);

impl Default for Bench {
    fn default() -> Self {
        Bench(Arc::new(Mutex::new(Ok(Vec::new()))))
    }
}

impl Bench {
    fn set(&self, paths: &[&str]) {
        *self.0.lock().unwrap() = Ok(paths.iter().map(|p| key(p)).collect());
    }
}

impl DeviceSource for Bench {
    fn scan(&mut self) -> Result<Vec<DeviceIdentity>, KeyError> {
        self.0.lock().unwrap().clone()
    }
}

fn key(path: &str) -> DeviceIdentity {
    DeviceIdentity {
        path: path.into(),
        vid: 0x1050,
        pid: 0x0407,
        product: "YubiKey OTP+FIDO+CCID".into(),
        serial: Some(format!("SN-{path}")),
        aaguid: Some([7; 16]),
    }
}

async fn next(watch: &mut DeviceWatch) -> DeviceEvent {
    tokio::time::timeout(Duration::from_secs(5), watch.next())
        .await
        .expect("no event in time")
        .expect("watcher stopped")
}

#[tokio::test]
async fn several_keys_plug_and_pull() {
    let bench = Bench::default();
    bench.set(&["/dev/hidraw1", "/dev/hidraw0"]);
    let mut watch = watch_source(bench.clone(), Duration::from_millis(10));
    assert_eq!(
        next(&mut watch).await,
        DeviceEvent::Added(key("/dev/hidraw0"))
    );
    assert_eq!(
        next(&mut watch).await,
        DeviceEvent::Added(key("/dev/hidraw1"))
    );
    assert_eq!(next(&mut watch).await, DeviceEvent::EnumerationComplete);

    bench.set(&["/dev/hidraw1", "/dev/hidraw0", "/dev/hidraw2"]);
    assert_eq!(
        next(&mut watch).await,
        DeviceEvent::Added(key("/dev/hidraw2"))
    );
    bench.set(&["/dev/hidraw2"]);
    assert_eq!(
        next(&mut watch).await,
        DeviceEvent::Removed {
            path: "/dev/hidraw0".into()
        }
    );
    assert_eq!(
        next(&mut watch).await,
        DeviceEvent::Removed {
            path: "/dev/hidraw1".into()
        }
    );
}

#[tokio::test]
async fn an_empty_bench_still_completes_and_errors_are_reported() {
    let bench = Bench::default();
    bench.set(&[]);
    let mut watch = watch_source(bench.clone(), Duration::from_millis(10));
    assert_eq!(next(&mut watch).await, DeviceEvent::EnumerationComplete);
    *bench.0.lock().unwrap() = Err(KeyError::no_permission());
    assert!(matches!(
        next(&mut watch).await,
        DeviceEvent::Error(KeyError::NoPermission { .. })
    ));
    bench.set(&["/dev/hidraw5"]);
    loop {
        match next(&mut watch).await {
            DeviceEvent::Error(_) => continue,
            other => break assert_eq!(other, DeviceEvent::Added(key("/dev/hidraw5"))),
        }
    }
}

#[test]
fn diff_reports_removed_before_added() {
    let mut known = BTreeMap::new();
    assert_eq!(
        diff(&mut known, vec![key("a")]),
        [DeviceEvent::Added(key("a"))]
    );
    assert_eq!(
        diff(&mut known, vec![key("b")]),
        [
            DeviceEvent::Removed { path: "a".into() },
            DeviceEvent::Added(key("b"))
        ]
    );
    assert!(diff(&mut known, vec![key("b")]).is_empty());
}
