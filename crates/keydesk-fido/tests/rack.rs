//! The rack of soft keys, watched as the device watcher's event stream.

use keydesk_tests::within;

use keydesk_core::Pin;
use keydesk_fido::rack::{KeyEvent, SoftRack};
use keydesk_fido::soft::{SoftKeyConfig, TouchMode};
use keydesk_fido::{KeyError, MakeCredential, SecurityKey};

fn manual(serial: &str) -> SoftKeyConfig {
    let mut config = SoftKeyConfig::with_serial(serial);
    config.touch = TouchMode::Manual;
    config
}

fn added(id: &str) -> Option<KeyEvent> {
    Some(KeyEvent::Added { id: id.into() })
}

fn request() -> MakeCredential {
    MakeCredential {
        client_data_json: b"{}".to_vec(),
        rp_id: "login.microsoft.com".into(),
        rp_name: "Microsoft".into(),
        user_handle: b"user".to_vec(),
        user_name: "user@contoso.com".into(),
        user_display_name: "User".into(),
        exclude_list: vec![],
        resident_key: true,
        cred_protect: None,
        hmac_secret: false,
    }
}

#[tokio::test]
async fn watch_reports_present_keys_then_enumeration_complete_then_live_events() {
    within(async {
        let rack = SoftRack::new();
        let first = rack.plug_new(SoftKeyConfig::with_serial("A"));
        let second = rack.plug_new(SoftKeyConfig::with_serial("B"));
        assert_eq!((first.id(), second.id()), ("soft-1", "soft-2"));

        let mut watch = rack.watch();
        assert_eq!(watch.next().await, added("soft-1"));
        assert_eq!(watch.next().await, added("soft-2"));
        assert_eq!(watch.next().await, Some(KeyEvent::EnumerationComplete));

        assert!(rack.pull("soft-1"));
        assert!(!rack.pull("soft-1"), "already gone");
        assert_eq!(
            watch.next().await,
            Some(KeyEvent::Removed {
                id: "soft-1".into()
            })
        );
        let third = rack.plug_new(SoftKeyConfig::with_serial("C"));
        assert_eq!(third.id(), "soft-3", "ids are not reused");
        assert_eq!(watch.next().await, added("soft-3"));
        assert!(watch.try_next().is_none());

        assert!(rack.key("soft-1").is_none());
        assert!(!first.is_plugged());
        let ids: Vec<_> = rack.plugged().iter().map(|k| k.id().to_owned()).collect();
        assert_eq!(ids, ["soft-2", "soft-3"]);

        // A late watcher sees only what is present now.
        let mut late = rack.watch();
        assert_eq!(late.next().await, added("soft-2"));
        assert_eq!(late.next().await, added("soft-3"));
        assert_eq!(late.next().await, Some(KeyEvent::EnumerationComplete));

        // The same key coming back (re-plug to reset).
        assert!(rack.replug(&first));
        assert!(!rack.replug(&first));
        assert!(first.is_plugged());
        assert_eq!(watch.next().await, added("soft-1"));
    })
    .await
}

#[tokio::test]
async fn changed_events_follow_the_touch_and_a_rack_pull_fails_the_operation() {
    within(async {
        let rack = SoftRack::new();
        let key = rack.plug_new(manual("T"));
        key.set_pin(&Pin::new("724915")).await.unwrap();
        let mut watch = rack.watch();
        assert_eq!(watch.next().await, added("soft-1"));
        assert_eq!(watch.next().await, Some(KeyEvent::EnumerationComplete));

        let changed = Some(KeyEvent::Changed {
            id: "soft-1".into(),
        });
        let run = {
            let key = key.clone();
            tokio::spawn(async move { key.make_credential(&request(), &Pin::new("724915")).await })
        };
        assert_eq!(watch.next().await, changed, "now awaiting a touch");
        assert!(key.awaiting_touch());
        key.touch();
        assert_eq!(watch.next().await, changed, "touch done");
        assert!(!key.awaiting_touch());
        run.await.unwrap().unwrap();

        let run = {
            let key = key.clone();
            tokio::spawn(async move { key.make_credential(&request(), &Pin::new("724915")).await })
        };
        assert_eq!(watch.next().await, changed);
        assert!(rack.pull("soft-1"));
        assert_eq!(
            watch.next().await,
            Some(KeyEvent::Removed {
                id: "soft-1".into()
            })
        );
        assert_eq!(run.await.unwrap(), Err(KeyError::Removed));
        assert!(
            watch.try_next().is_none(),
            "no Changed after the key left the rack"
        );
    })
    .await
}

#[tokio::test]
async fn the_watch_ends_when_the_rack_is_dropped() {
    within(async {
        let rack = SoftRack::new();
        let mut watch = rack.watch();
        assert_eq!(watch.next().await, Some(KeyEvent::EnumerationComplete));
        drop(rack);
        assert_eq!(watch.next().await, None);
    })
    .await
}
