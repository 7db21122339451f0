//! The bad-input catalogue's engine cases (docs/ERRORS.md): each asserts what the operator
//! reads and that nothing was lost — no passkey half-made, no PIN that is neither on the
//! key's letter path (escrow) nor unset.

mod common;

use std::sync::Arc;

use async_trait::async_trait;
use keydesk_core::job::JobState;
use keydesk_core::{DirectoryUser, Pin};
use keydesk_engine::keys::{KeySource, RackKeys};
use keydesk_engine::settings::ExistingPin;
use keydesk_engine::{provision_user, Context, Escrow, Journal, ProvisionError, Step};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::{KeyError, SecurityKey};
use keydesk_sim::SimConfig;
use keydesk_tests::faulty::{KeyFaults, KeyOp};

fn quiet(_: Step) {}

/// The PIN of the keys [`used_key`] plugs: the operator knows it.
const OLD_PIN: &str = "739164";

/// A key someone used before: it has the PIN [`OLD_PIN`].
async fn used_key(rack: &Arc<SoftRack>, serial: &str) -> Arc<keydesk_fido::soft::SoftKey> {
    let key = rack.plug_new(common::blank_key(serial));
    key.set_pin(&Pin::new(OLD_PIN)).await.unwrap();
    key
}

/// The escrowed PIN of `user`'s job opens `key`: the PIN is not lost.
async fn escrow_opens(
    journal: &Journal,
    escrow: &Escrow,
    user: &DirectoryUser,
    key: &Arc<keydesk_fido::soft::SoftKey>,
) {
    let job = journal.job(&user.id).unwrap().unwrap();
    let sealed = job.pin_sealed.expect("the PIN set on the key is escrowed");
    let pin = escrow.open(&user.id, &sealed).unwrap();
    SecurityKey::credentials(key.as_ref(), &pin)
        .await
        .expect("the escrowed PIN is the key's PIN");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_key_is_refused_before_its_pin_is_set_and_nothing_is_registered() {
    common::limited(async {
        let sim = common::tenant_of(1).await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let mut config = common::blank_key("FULL");
        config.capacity = 0;
        let key = rack.plug_new(config);
        let ctx = Context::new(&graph, &journal, &escrow);
        let err = provision_user(&ctx, &users[0], &RackKeys::new(rack.clone()), &quiet)
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "this key cannot be used: its passkey storage is full"
        );
        assert!(err.remediation().starts_with("Use another key"), "{err}");
        assert_eq!(common::passkeys_of(&sim, &users[0].upn).await, 0);
        let info = SecurityKey::info(key.as_ref()).await.unwrap();
        assert_eq!(info.client_pin, Some(false), "no PIN was set");
        assert!(journal
            .job(&users[0].id)
            .unwrap()
            .unwrap()
            .pin_sealed
            .is_none());
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_current_pin_costs_one_retry_and_leaves_no_pin_in_escrow() {
    common::limited(async {
        let sim = common::tenant_of(1).await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let key = used_key(&rack, "USED").await;
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.settings.existing_pin = ExistingPin::Change(Pin::new("000000"));
        let err = provision_user(&ctx, &users[0], &RackKeys::new(rack.clone()), &quiet)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("PinInvalid"), "{err}");
        assert_eq!(key.pin_retries().await.unwrap(), 7);
        let job = journal.job(&users[0].id).unwrap().unwrap();
        assert!(
            job.pin_sealed.is_none(),
            "a PIN the key refused is not kept"
        );
        assert_eq!(job.state, JobState::Failed);
        assert_eq!(common::passkeys_of(&sim, &users[0].upn).await, 0);
        // The operator's PIN still opens the key.
        SecurityKey::credentials(key.as_ref(), &Pin::new(OLD_PIN))
            .await
            .unwrap();
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_pin_is_reported_and_the_key_is_never_tried() {
    common::limited(async {
        let sim = common::tenant_of(1).await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let key = used_key(&rack, "BLOCKED").await;
        let wrong = Pin::new("000000");
        for _ in 0..8 {
            let _ = SecurityKey::credentials(key.as_ref(), &wrong).await;
            // Re-plugged: three wrong PINs in a row want a power cycle.
            key.pull();
            key.plug();
        }
        assert_eq!(key.pin_retries().await.unwrap(), 0);
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.settings.existing_pin = ExistingPin::Change(Pin::new(OLD_PIN));
        let err = provision_user(&ctx, &users[0], &RackKeys::new(rack.clone()), &quiet)
            .await
            .unwrap_err();
        assert!(matches!(err, ProvisionError::PinRetriesLow), "{err}");
        assert!(err.remediation().contains("Reset this key"), "{err}");
        assert!(journal
            .job(&users[0].id)
            .unwrap()
            .unwrap()
            .pin_sealed
            .is_none());
        assert_eq!(common::passkeys_of(&sim, &users[0].upn).await, 0);
        sim.shutdown().await;
    })
    .await;
}

/// Pulls the key when makeCredential starts.
struct PulledAtTouch;

#[async_trait]
impl KeyFaults for PulledAtTouch {
    async fn before(&self, op: KeyOp) -> Option<KeyError> {
        (op == KeyOp::MakeCredential).then_some(KeyError::Removed)
    }
}

/// The rack's keys, each pulled at its touch.
fn pulling(rack: Arc<SoftRack>) -> impl KeySource {
    common::FaultyKeys {
        inner: RackKeys::new(rack),
        faults: || -> Arc<dyn KeyFaults> { Arc::new(PulledAtTouch) },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_pulled_at_the_touch_keeps_its_pin_in_escrow_and_the_retry_registers_once() {
    common::limited(async {
        let sim = common::tenant_of(1).await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let key = rack.plug_new(common::blank_key("PULLED"));
        let ctx = Context::new(&graph, &journal, &escrow);
        let err = provision_user(&ctx, &users[0], &pulling(rack.clone()), &quiet)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ProvisionError::Key(KeyError::Removed)),
            "{err}"
        );
        assert!(err.remediation().contains("Plug the key back in"), "{err}");
        assert_eq!(common::passkeys_of(&sim, &users[0].upn).await, 0);
        escrow_opens(&journal, &escrow, &users[0], &key).await;
        // Plugged back in: the escrowed (confirmed) PIN is used, one passkey results.
        let done = provision_user(&ctx, &users[0], &RackKeys::new(rack.clone()), &quiet)
            .await
            .unwrap();
        SecurityKey::credentials(key.as_ref(), &done.pin)
            .await
            .unwrap();
        assert_eq!(common::passkeys_of(&sim, &users[0].upn).await, 1);
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guests_and_disabled_accounts_are_skipped_before_any_key_is_claimed() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 1,
            guests: 1,
            disabled: 1,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let key = rack.plug_new(common::blank_key("UNTOUCHED"));
        let ctx = Context::new(&graph, &journal, &escrow);
        let keys = RackKeys::new(rack.clone());
        let mut seen = Vec::new();
        for user in users.iter().filter(|u| u.ineligibility().is_some()) {
            let err = provision_user(&ctx, user, &keys, &quiet).await.unwrap_err();
            let ProvisionError::NotEligible(why) = err else {
                panic!("{err}");
            };
            seen.push(why);
        }
        seen.sort();
        assert_eq!(
            seen,
            vec!["account is disabled", "guest accounts cannot hold passkeys"]
        );
        assert_eq!(
            SecurityKey::info(key.as_ref()).await.unwrap().client_pin,
            Some(false)
        );
        sim.shutdown().await;
    })
    .await;
}

#[test]
fn a_corrupt_journal_file_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let garbage = b"this is not a SQLite database, but it is somebody's file".repeat(100);
    std::fs::write(&path, &garbage).unwrap();
    let err = Journal::open(&path)
        .err()
        .expect("a corrupt journal is refused");
    assert!(err.to_string().starts_with("journal:"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_key_arriving_is_no_key_and_nothing_is_journaled_past_the_options() {
    common::limited(async {
        let sim = common::tenant_of(1).await;
        let (graph, users, journal, escrow, _) = common::desk(&sim).await;
        let ctx = Context::new(&graph, &journal, &escrow);
        let keys = pulling(Arc::new(SoftRack::new()));
        let err = provision_user(&ctx, &users[0], &keys, &quiet)
            .await
            .unwrap_err();
        assert!(matches!(err, ProvisionError::NoKey), "{err}");
        assert_eq!(err.to_string(), "no security key is available");
        let job = journal.job(&users[0].id).unwrap().unwrap();
        assert!(job.pin_sealed.is_none());
        assert_eq!(common::passkeys_of(&sim, &users[0].upn).await, 0);
        sim.shutdown().await;
    })
    .await;
}
