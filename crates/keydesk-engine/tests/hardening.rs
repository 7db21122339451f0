//! Regressions of the security review (issue 17): a key known by what it proves and its
//! PIN never guessed, old passkeys deleted only after the new one registers, a refused key
//! set aside, lost-key matches that refuse when ambiguous, and an audit failure that stops
//! provisioning.

mod common;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use keydesk_core::job::JobState;
use keydesk_core::{DirectoryUser, Pin};
use keydesk_engine::audit::AuditLog;
use keydesk_engine::batch::{self, Outcome};
use keydesk_engine::inventory::{InventoryEntry, KeyStatus};
use keydesk_engine::keys::RackKeys;
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::settings::ExistingPin;
use keydesk_engine::{lost, provision_user, Context, Journal, ProvisionError, Step};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::SecurityKey;
use keydesk_sim::SimConfig;
use keydesk_tests::faulty::{KeyFaults, KeyOp};
use tokio::sync::Notify;

fn quiet(_: Step) {}

/// Whether `pin` is the key's PIN (a correct PIN costs no retry).
async fn opens(key: &Arc<keydesk_fido::soft::SoftKey>, pin: &Pin) -> bool {
    SecurityKey::credentials(key.as_ref(), pin).await.is_ok()
}

/// Eight PIN retries: what a key has while nothing wrong was tried.
const ALL_RETRIES: u8 = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_whose_minimum_pin_length_the_policy_cannot_meet_is_refused_before_any_pin_is_tried()
{
    common::limited(async {
        let sim = common::tenant_of(1).await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let user = &users[0];
        let key = rack.plug_new(common::blank_key("MIN8"));
        let current = Pin::new("73916482");
        key.set_pin(&current).await.unwrap();
        key.set_min_pin_length(&current, 8, &[]).await.unwrap();
        let keys = RackKeys::new(rack.clone());
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.settings.existing_pin = ExistingPin::Change(current.clone());
        // The policy makes 6-digit PINs; the key wants 8: twice, as an operator retrying.
        for attempt in 0..2 {
            rack.replug(&key);
            let err = provision_user(&ctx, user, &keys, &quiet).await.unwrap_err();
            assert!(
                matches!(err, ProvisionError::PinPolicy),
                "attempt {attempt}: {err}"
            );
            assert!(err.remediation().contains("minimum PIN length"), "{err}");
        }
        assert_eq!(key.pin_retries().await.unwrap(), ALL_RETRIES);
        // The operator's PIN still opens the key; nothing was registered or escrowed.
        assert!(opens(&key, &current).await);
        assert_eq!(common::passkeys_of(&sim, &user.upn).await, 0);
        let job = journal.job(&user.id).unwrap().unwrap();
        assert!(job.pin_sealed.is_none());
        sim.shutdown().await;
    })
    .await;
}

/// Hangs for good right after the chosen key operation, as a crash there would.
struct HangAfter {
    op: KeyOp,
    hung: Arc<Notify>,
}

#[async_trait]
impl KeyFaults for HangAfter {
    async fn after(&self, op: KeyOp) {
        if op == self.op {
            self.hung.notify_one();
            std::future::pending::<()>().await;
        }
    }
}

/// A run dropped right after the key answered `op`, before the journal's mark.
async fn crash_after(ctx: &Context<'_>, user: &DirectoryUser, rack: &Arc<SoftRack>, op: KeyOp) {
    let hung = Arc::new(Notify::new());
    let faults = {
        let hung = hung.clone();
        move || -> Arc<dyn KeyFaults> {
            Arc::new(HangAfter {
                op,
                hung: hung.clone(),
            })
        }
    };
    let keys = common::FaultyKeys {
        inner: RackKeys::new(rack.clone()),
        faults,
    };
    tokio::select! {
        result = provision_user(ctx, user, &keys, &quiet) => panic!("finished: {result:?}"),
        () = hung.notified() => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_change_pin_and_its_mark_reports_the_key_for_reset_and_tries_nothing() {
    common::limited(async {
        let sim = common::tenant_of(1).await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let user = &users[0];
        let key = rack.plug_new(common::blank_key("USED"));
        key.set_pin(&Pin::new("739164")).await.unwrap();
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.settings.existing_pin = ExistingPin::Change(Pin::new("739164"));
        crash_after(&ctx, user, &rack, KeyOp::ChangePin).await;

        // Restarted: the key had a PIN when claimed, so the escrowed one is never tried.
        let keys = RackKeys::new(rack.clone());
        for _ in 0..2 {
            let err = provision_user(&ctx, user, &keys, &quiet).await.unwrap_err();
            assert!(matches!(err, ProvisionError::PinUnknown), "{err}");
            assert!(err.remediation().contains("Reset this key"), "{err}");
        }
        assert_eq!(key.pin_retries().await.unwrap(), ALL_RETRIES);
        assert_eq!(common::passkeys_of(&sim, &user.upn).await, 0);

        // The operator chooses a reset: the key ends with a known PIN.
        ctx.settings.existing_pin = ExistingPin::Reset;
        let done = provision_user(&ctx, user, &keys, &quiet).await.unwrap();
        assert!(opens(&key, &done.pin).await);
        assert_eq!(common::passkeys_of(&sim, &user.upn).await, 1);
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unconfirmed_pin_is_tried_once_on_a_key_that_had_none_and_never_again() {
    common::limited(async {
        let sim = common::tenant_of(2).await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let ctx = Context::new(&graph, &journal, &escrow);

        // A blank key, dropped after setPIN: tried once with the escrowed PIN, which works.
        let key = rack.plug_new(common::blank_key("BLANK"));
        crash_after(&ctx, &users[0], &rack, KeyOp::SetPin).await;
        let keys = RackKeys::new(rack.clone());
        let done = provision_user(&ctx, &users[0], &keys, &quiet)
            .await
            .unwrap();
        assert!(opens(&key, &done.pin).await);
        rack.pull(key.id());

        // Another blank key, dropped after setPIN, then its PIN changed behind the desk's
        // back: the one try fails, and a second restart never tries again.
        let key = rack.plug_new(common::blank_key("MOVED"));
        crash_after(&ctx, &users[1], &rack, KeyOp::SetPin).await;
        let job = journal.job(&users[1].id).unwrap().unwrap();
        let escrowed = escrow
            .open(&users[1].id, job.pin_sealed.as_deref().unwrap())
            .unwrap();
        key.change_pin(&escrowed, &Pin::new("582047"))
            .await
            .unwrap();
        let first = provision_user(&ctx, &users[1], &keys, &quiet).await;
        assert!(first.is_err());
        assert_eq!(key.pin_retries().await.unwrap(), ALL_RETRIES - 1);
        let again = provision_user(&ctx, &users[1], &keys, &quiet)
            .await
            .unwrap_err();
        assert!(matches!(again, ProvisionError::PinUnknown), "{again}");
        assert_eq!(key.pin_retries().await.unwrap(), ALL_RETRIES - 1);
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_passkeys_stay_until_the_new_one_registers_and_a_refused_key_does_not_fail_the_queue() {
    common::limited(async {
        let sim = common::tenant_of(3).await;
        let (graph, users, _, escrow, rack) = common::desk(&sim).await;
        // The first user already has a passkey from an earlier desk.
        {
            let earlier = Journal::in_memory().unwrap();
            let earlier_key = rack.plug_new(common::blank_key("EARLIER"));
            let ctx = Context::new(&graph, &earlier, &escrow);
            provision_user(&ctx, &users[0], &RackKeys::new(rack.clone()), &quiet)
                .await
                .unwrap();
            rack.pull(earlier_key.id());
        }
        assert_eq!(common::passkeys_of(&sim, &users[0].upn).await, 1);

        // A key with someone's PIN comes first (refused), then blank keys.
        let pinned = rack.plug_new(common::blank_key("PINNED"));
        pinned.set_pin(&Pin::new("739164")).await.unwrap();
        rack.plug_new(common::blank_key("NEW-1"));
        let keys = common::refilling(rack.clone(), "NEW");
        let journal = Journal::in_memory().unwrap();
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.settings.delete_existing_passkeys = true;
        let outcomes = Mutex::new(Vec::new());
        let report = |user: &DirectoryUser, outcome: &Outcome| {
            let failed = match outcome {
                Outcome::Failed(e) => Some(e.to_string()),
                _ => None,
            };
            outcomes.lock().unwrap().push((user.upn.clone(), failed));
        };
        batch::run(&ctx, users.clone(), &keys, 1, &report)
            .await
            .unwrap();
        let outcomes = outcomes.into_inner().unwrap();
        let failed: Vec<_> = outcomes.iter().filter(|(_, f)| f.is_some()).collect();
        assert_eq!(failed.len(), 1, "{outcomes:?}");
        assert_eq!(failed[0].0, users[0].upn);
        assert!(failed[0].1.as_ref().unwrap().contains("already has a PIN"));
        // The refused user keeps the passkey it had; the others got theirs.
        assert_eq!(common::passkeys_of(&sim, &users[0].upn).await, 1);
        for user in &users[1..] {
            assert_eq!(
                common::passkeys_of(&sim, &user.upn).await,
                1,
                "{}",
                user.upn
            );
        }

        // Retried on a good key: the new passkey replaces the old one, after it registered.
        let done = provision_user(&ctx, &users[0], &keys, &quiet)
            .await
            .unwrap();
        let listed = graph.passkeys(&users[0].id).await.unwrap();
        let ids: Vec<_> = listed.iter().map(|m| m.id.clone()).collect();
        assert_eq!(ids, vec![done.method_id]);
        sim.shutdown().await;
    })
    .await;
}

fn issued(serial: &str, aaguid: &str, upn: &str, credential: &str) -> InventoryEntry {
    InventoryEntry {
        id: 0,
        key_serial: serial.into(),
        key_aaguid: aaguid.into(),
        key_model: format!("Model {aaguid}"),
        user_id: format!("id-{upn}"),
        upn: upn.into(),
        method_id: format!("m-{credential}"),
        credential_id: credential.into(),
        operator: "desk".into(),
        at: 0,
        status: KeyStatus::Issued,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_key_name_matching_several_keys_or_a_device_path_changes_nothing() {
    common::limited(async {
        let sim = common::tenant_of(1).await;
        let (graph, _, journal, escrow, _) = common::desk(&sim).await;
        // Two vendors' keys share a serial; a user holds two keys; one key has no serial.
        journal
            .add_inventory(&issued("1234", "a1", "kim@contoso.com", "c1"))
            .unwrap();
        journal
            .add_inventory(&issued("1234", "b2", "lee@contoso.com", "c2"))
            .unwrap();
        journal
            .add_inventory(&issued("5678", "a1", "kim@contoso.com", "c3"))
            .unwrap();
        journal
            .add_inventory(&issued("", "a1", "max@contoso.com", "c4"))
            .unwrap();
        let ctx = Context::new(&graph, &journal, &escrow);
        for name in ["1234", "kim@contoso.com"] {
            let err = lost::report_lost(&ctx, name).await.unwrap_err();
            let ProvisionError::AmbiguousMatch { candidates } = &err else {
                panic!("{name}: {err}");
            };
            assert_eq!(candidates.len(), 2, "{name}: {candidates:?}");
            assert!(err.to_string().contains("name one of them"), "{err}");
        }
        let candidates = match lost::report_lost(&ctx, "1234").await {
            Err(ProvisionError::AmbiguousMatch { candidates }) => candidates,
            other => panic!("{other:?}"),
        };
        assert!(candidates.iter().any(|c| c.contains("lee@contoso.com")));
        // A blank name or a device path matches no key.
        assert!(lost::report_lost(&ctx, "").await.is_err());
        assert!(lost::report_lost(&ctx, "/dev/hidraw0")
            .await
            .unwrap()
            .is_empty());
        let statuses: Vec<_> = journal
            .inventory()
            .unwrap()
            .into_iter()
            .map(|e| e.status)
            .collect();
        assert_eq!(statuses, vec![KeyStatus::Issued; 4], "nothing was revoked");
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_write_failure_stops_provisioning_before_the_next_user() {
    common::limited(async {
        let sim = common::tenant_of(3).await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        let store = MemoryStore::default();
        let audit = AuditLog::open(&path, &store, &journal).unwrap();
        // The log's file turns into something no line can be appended to.
        let _ = std::fs::remove_file(&path);
        std::fs::create_dir(&path).unwrap();
        rack.plug_new(common::blank_key("K-1"));
        let keys = common::refilling(rack.clone(), "K");
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.audit = Some(&audit);
        let registered = Mutex::new(0);
        let report = |_: &DirectoryUser, outcome: &Outcome| {
            if matches!(outcome, Outcome::Registered(_)) {
                *registered.lock().unwrap() += 1;
            }
        };
        let err = batch::run(&ctx, users.clone(), &keys, 1, &report)
            .await
            .unwrap_err();
        assert!(matches!(err, ProvisionError::AuditFailed(_)), "{err}");
        assert!(err.to_string().contains("audit log could not be written"));
        assert!(err.remediation().contains("audit log is writable"));
        // The first registration's audit line failed: nobody after it was touched.
        assert!(*registered.lock().unwrap() <= 1);
        let mut passkeys = 0;
        for user in &users {
            passkeys += common::passkeys_of(&sim, &user.upn).await;
        }
        assert_eq!(passkeys, 1);
        for user in &users[1..] {
            let state = journal.job(&user.id).unwrap().map(|j| j.state);
            assert!(
                !matches!(state, Some(JobState::SettingPin | JobState::Registered)),
                "{}: {state:?}",
                user.upn
            );
        }
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_holder_needs_a_confirmation_naming_the_role_and_both_answers_are_audited() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 2,
            role_holders: 1,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let mut holders = Vec::new();
        for user in &users {
            let roles = graph.directory_roles(&user.id).await.unwrap();
            if !roles.is_empty() {
                assert_eq!(roles, vec!["Global Administrator".to_owned()]);
                holders.push(user);
            }
        }
        assert_eq!(holders.len(), 1, "the simulator seeds one role holder");
        let holder = holders[0];
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::default();
        let log = dir.path().join("audit.log");
        let audit = AuditLog::open(&log, &store, &journal).unwrap();
        let key = rack.plug_new(common::blank_key("ADMIN-KEY"));
        let keys = RackKeys::new(rack.clone());
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.audit = Some(&audit);
        // Another role confirmed is not this one.
        ctx.settings.confirmed_roles = vec!["Helpdesk Administrator".into()];
        let err = provision_user(&ctx, holder, &keys, &quiet)
            .await
            .unwrap_err();
        let ProvisionError::RoleHolder { roles } = &err else {
            panic!("{err}");
        };
        assert_eq!(roles, &vec!["Global Administrator".to_owned()]);
        assert!(err.to_string().contains("Global Administrator"), "{err}");
        assert!(err.remediation().contains("--allow-role-holders"));
        // Refused before the key was touched.
        assert!(!SecurityKey::info(key.as_ref())
            .await
            .unwrap()
            .client_pin
            .unwrap_or(false));
        assert_eq!(common::passkeys_of(&sim, &holder.upn).await, 0);

        ctx.settings.confirmed_roles = vec!["global administrator".into()];
        provision_user(&ctx, holder, &keys, &quiet).await.unwrap();
        assert_eq!(common::passkeys_of(&sim, &holder.upn).await, 1);
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(text.contains("role holder refused"), "{text}");
        assert!(text.contains("role holder confirmed"), "{text}");
        sim.shutdown().await;
    })
    .await;
}
