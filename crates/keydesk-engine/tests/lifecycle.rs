//! A key's life around the registration: CTAP 2.1 minimum length and forced change (last),
//! a reset chosen by the operator, a challenge that expires during the touch, the lost-key
//! flow and the queue operations.

mod common;

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use keydesk_core::job::JobState;
use keydesk_core::Pin;
use keydesk_engine::inventory::KeyStatus;
use keydesk_engine::keys::{ClaimedKey, KeySource, RackKeys};
use keydesk_engine::queue::{self, Filter, QueueStatus};
use keydesk_engine::settings::{Ctap21, ExistingPin};
use keydesk_engine::system_now;
use keydesk_engine::{lost, provision_user, Context, Journal, ProvisionError, Step};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::{CtapStatus, KeyError, SecurityKey};
use keydesk_sim::SimConfig;
use keydesk_tests::faulty::{FaultyKey, KeyFaults, KeyOp};

fn quiet(_: Step) {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctap21_minimum_then_forced_change_last_and_a_confirmed_reset() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 2,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let key = rack.plug_new(common::blank_key("C21"));
        let keys = RackKeys::new(rack.clone());
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.pin_policy.length = 8;
        ctx.settings.ctap21 = Some(Ctap21 {
            min_pin_length: 8,
            rp_ids: vec!["login.microsoft.com".into()],
            force_change: true,
        });
        ctx.settings.self_test = true;
        let done = provision_user(&ctx, &users[0], &keys, &quiet)
            .await
            .unwrap();
        assert!(done.warnings.is_empty(), "{:?}", done.warnings);
        let info = key.info().await.unwrap();
        assert_eq!(info.min_pin_length, 8);
        assert!(info.force_pin_change, "forceChangePin is set, last");

        // The same key again, for another user: it has a PIN; the operator resets it.
        let fresh = rack.plug_new(common::blank_key("USED"));
        fresh.set_pin(&Pin::new("58203917")).await.unwrap();
        rack.pull("soft-1");
        // Plugged in too long ago: the reset is refused until the key is re-plugged.
        let keys = QuirkyKeys {
            inner: RackKeys::new(rack.clone()),
            late_touch_sim: None,
            late_reset: Arc::new(AtomicBool::new(true)),
        };
        ctx.settings.ctap21 = None;
        ctx.settings.existing_pin = ExistingPin::Reset;
        let steps = std::sync::Mutex::new(Vec::new());
        let record = |s: Step| {
            steps.lock().unwrap().push(s);
            if s == Step::ReplugKey {
                assert!(rack.pull(SecurityKey::id(fresh.as_ref())));
                assert!(rack.replug(&fresh));
            }
        };
        let done = provision_user(&ctx, &users[1], &keys, &record)
            .await
            .unwrap();
        let steps = steps.into_inner().unwrap();
        let resets: Vec<_> = steps
            .iter()
            .filter(|s| matches!(s, Step::ResetKey | Step::ReplugKey))
            .collect();
        assert_eq!(resets, [&Step::ResetKey, &Step::ReplugKey, &Step::ResetKey]);
        assert_eq!(fresh.credentials().len(), 1);
        assert_ne!(done.pin.expose(), "58203917");
        assert_eq!(common::passkeys_of(&sim, &users[1].upn).await, 1);
    })
    .await;
}

static OFFSET: AtomicI64 = AtomicI64::new(0);

fn shifted_now() -> i64 {
    system_now() + OFFSET.load(Ordering::SeqCst)
}

/// Quirks of a key: its first touch may come six minutes late (both clocks move), and
/// its first reset may come too long after plug-in (0x30).
struct Quirks {
    late_touch_sim: Option<String>,
    late_reset: Arc<AtomicBool>,
}

#[async_trait]
impl KeyFaults for Quirks {
    async fn before(&self, op: KeyOp) -> Option<KeyError> {
        let late = op == KeyOp::Reset && self.late_reset.swap(false, Ordering::SeqCst);
        late.then(|| KeyError::ctap(CtapStatus::NotAllowed))
    }
    async fn after(&self, op: KeyOp) {
        let Some(sim_url) = self
            .late_touch_sim
            .as_ref()
            .filter(|_| op == KeyOp::MakeCredential)
        else {
            return;
        };
        if OFFSET.load(Ordering::SeqCst) == 0 {
            OFFSET.store(360, Ordering::SeqCst);
            reqwest::Client::new()
                .post(format!("{sim_url}/_sim/clock"))
                .json(&serde_json::json!({ "advanceSeconds": 360 }))
                .send()
                .await
                .unwrap();
        }
    }
}

struct QuirkyKeys {
    inner: RackKeys,
    late_touch_sim: Option<String>,
    late_reset: Arc<AtomicBool>,
}

#[async_trait]
impl KeySource for QuirkyKeys {
    fn try_claim(&self) -> Option<ClaimedKey> {
        let claimed = self.inner.try_claim()?;
        let quirks = Quirks {
            late_touch_sim: self.late_touch_sim.clone(),
            late_reset: self.late_reset.clone(),
        };
        let key = FaultyKey::new(claimed.shared(), Arc::new(quirks));
        Some(ClaimedKey::new(Arc::new(key), move || drop(claimed)))
    }
    async fn claim(&self) -> Result<ClaimedKey, ProvisionError> {
        Err(ProvisionError::NoKey)
    }
    async fn replugged(
        &self,
        key_id: &str,
        ask: &(dyn Fn() + Send + Sync),
    ) -> Result<(), ProvisionError> {
        self.inner.replugged(key_id, ask).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_that_expires_during_the_touch_is_never_sent_and_its_credential_is_deleted() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 1,
            ..SimConfig::default()
        })
        .await;
        let (graph, mut users, journal, escrow, rack) = common::desk(&sim).await;
        let user = users.remove(0);
        let key = rack.plug_new(common::blank_key("SLOW"));
        let keys = QuirkyKeys {
            inner: RackKeys::new(rack),
            late_touch_sim: Some(sim.base_url()),
            late_reset: Arc::default(),
        };
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.now = shifted_now;
        provision_user(&ctx, &user, &keys, &quiet).await.unwrap();
        assert_eq!(common::passkeys_of(&sim, &user.upn).await, 1);
        assert_eq!(
            key.credentials().len(),
            1,
            "the expired challenge's credential was deleted"
        );
        assert_eq!(
            common::counter(&sim, "rejectedRegistrations").await,
            0,
            "never sent"
        );
        assert_eq!(common::counter(&sim, "registrations").await, 1);
        assert!(journal
            .inventory()
            .unwrap()
            .iter()
            .all(|e| e.status == KeyStatus::Issued));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_key_is_revoked_in_entra_and_reissued_and_the_queue_can_be_steered() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 3,
            ..SimConfig::default()
        })
        .await;
        let graph = common::graph(&sim).await;
        let journal = Journal::in_memory().unwrap();
        let escrow = common::escrow();
        let ctx = Context::new(&graph, &journal, &escrow);

        let users = queue::from_group(&ctx, &sim.config().group).await.unwrap();
        assert_eq!(queue::list(&journal, Filter::Pending).unwrap().len(), 3);
        let upns = vec![users[2].upn.clone(), "nobody@contoso.com".into()];
        let (found, missing) = queue::from_upns(&ctx, &upns).await.unwrap();
        assert_eq!(
            (found.len(), missing),
            (1, vec!["nobody@contoso.com".to_owned()])
        );
        queue::reorder(&journal, &[users[2].id.clone()]).unwrap();
        assert_eq!(journal.jobs().unwrap()[0].user_id, users[2].id);
        queue::skip(&journal, &users[1].id).unwrap();
        let work = queue::workable(&journal, users.clone()).unwrap();
        assert_eq!(
            work.iter().map(|u| &u.id).collect::<Vec<_>>(),
            vec![&users[2].id, &users[0].id]
        );

        let rack = Arc::new(SoftRack::new());
        rack.plug_new(common::blank_key("LOST-1"));
        let keys = RackKeys::with_refill(rack, Box::new(|| common::blank_key("SPARE")));
        provision_user(&ctx, &users[0], &keys, &quiet)
            .await
            .unwrap();
        assert_eq!(
            queue::list(&journal, Filter::Done).unwrap().len(),
            2,
            "registered + skipped"
        );

        let revoked = lost::report_lost(&ctx, "LOST-1").await.unwrap();
        assert_eq!(revoked.len(), 1);
        assert_eq!(revoked[0].user_id, users[0].id);
        assert_eq!(
            common::passkeys_of(&sim, &users[0].upn).await,
            0,
            "deleted in Entra"
        );
        assert_eq!(
            journal.job(&users[0].id).unwrap().unwrap().state,
            JobState::Revoked
        );
        assert_eq!(
            journal.find_inventory("LOST-1").unwrap()[0].status,
            KeyStatus::Revoked
        );
        // The queue says so, apart from the users skipped by hand.
        let rows = queue::rows(&journal, &users).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [
                QueueStatus::Revoked,
                QueueStatus::Skipped,
                QueueStatus::Pending
            ]
        );
        assert_eq!(rows[0].detail.as_deref(), Some("key reported lost"));
        let again = provision_user(&ctx, &users[0], &keys, &quiet)
            .await
            .unwrap_err();
        assert!(matches!(again, ProvisionError::Revoked), "{again}");

        queue::retry(&journal, &users[0].id).unwrap();
        provision_user(&ctx, &users[0], &keys, &quiet)
            .await
            .unwrap();
        assert_eq!(
            common::passkeys_of(&sim, &users[0].upn).await,
            1,
            "reissued"
        );
    })
    .await;
}
