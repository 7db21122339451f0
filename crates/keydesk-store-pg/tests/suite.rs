//! The storage port's one test suite, run against both backends: the SQLite journal (the
//! embedded default) and PostgreSQL (a throwaway cluster, `keydesk_tests::pg`). Each case
//! is a plain function over a [`Fixture`] that opens the store as a named desk; the two
//! `#[test]`s at the bottom run every case on each backend.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use keydesk_core::job::{JobEvent, JobState};
use keydesk_core::Pin;
use keydesk_engine::escrow::{batch_of, Escrow, EscrowError, EscrowKeys};
use keydesk_engine::inventory::{InventoryEntry, KeyStatus};
use keydesk_engine::port::{Claimed, DeskStore, StoreErrorKind};
use keydesk_engine::Journal;
use keydesk_store_pg::PgStore;
use keydesk_tests::pg::{Cluster, PASSWORD};
use keydesk_tests::sample_attempt;

/// Opens the store under test as desk `desk` (desks of one fixture share one store).
trait Fixture {
    fn open(&self, desk: &str) -> Arc<dyn DeskStore>;
}

struct Sqlite(Arc<Journal>);
impl Fixture for Sqlite {
    fn open(&self, _desk: &str) -> Arc<dyn DeskStore> {
        self.0.clone()
    }
}

struct Postgres(String);
impl Fixture for Postgres {
    fn open(&self, desk: &str) -> Arc<dyn DeskStore> {
        Arc::new(PgStore::connect(&self.0.parse().unwrap(), PASSWORD, desk).unwrap())
    }
}

const LONG: Duration = Duration::from_secs(600);

fn a_job_goes_through_its_states_and_its_pin_is_wiped(f: &dyn Fixture) {
    let s = f.open("desk-1");
    s.enqueue("u1", "kim@example.org").unwrap();
    s.enqueue("u2", "lee@example.org").unwrap();
    s.enqueue("u1", "kim@example.org").unwrap();
    s.advance("u1", "kim@example.org", JobEvent::OptionsFetched, None)
        .unwrap();
    s.record_setting_pin("u1", "kim@example.org", b"sealed")
        .unwrap();
    s.record_key("u1", "SN1", "Soft Key", "00ff").unwrap();
    s.advance("u1", "kim@example.org", JobEvent::CredentialStarted, None)
        .unwrap();
    s.record_posting("u1", "kim@example.org", &sample_attempt())
        .unwrap();
    let job = s.job("u1").unwrap().unwrap();
    assert_eq!(job.state, JobState::Posting);
    assert_eq!(job.attempt, Some(sample_attempt()));
    assert_eq!(job.credential_id.as_deref(), Some("Y3JlZA"));
    assert_eq!(job.key_serial.as_deref(), Some("SN1"));
    assert_eq!(job.pin_sealed.as_deref(), Some(&b"sealed"[..]));
    s.record_registered(
        "u1",
        "kim@example.org",
        JobEvent::Registered,
        "m-1",
        "Soft Key 1",
    )
    .unwrap();
    let jobs = s.jobs().unwrap();
    let ids: Vec<_> = jobs.iter().map(|j| j.user_id.as_str()).collect();
    assert_eq!(ids, ["u1", "u2"], "queue order is the order enqueued");
    assert_eq!(jobs[0].state, JobState::Registered);
    assert_eq!(jobs[0].method_id.as_deref(), Some("m-1"));
    assert!(s.wipe_pin("u1").unwrap());
    assert!(!s.wipe_pin("u1").unwrap());
    assert!(s.job("u1").unwrap().unwrap().pin_sealed.is_none());
    assert!(s.job("nobody").unwrap().is_none());
}

fn a_transition_the_machine_refuses_is_a_conflict_and_not_written(f: &dyn Fixture) {
    let s = f.open("desk-1");
    let refused = s
        .advance("u1", "kim", JobEvent::Registered, None)
        .unwrap_err();
    assert_eq!(refused.kind(), StoreErrorKind::Conflict);
    assert_eq!(s.job("u1").unwrap().unwrap().state, JobState::Pending);
}

fn two_desks_never_hold_the_same_user(f: &dyn Fixture) {
    let (a, b) = (f.open("desk-a"), f.open("desk-b"));
    a.enqueue("u1", "kim").unwrap();
    a.enqueue("u2", "lee").unwrap();
    assert_eq!(a.claim("u1", "desk-a", LONG).unwrap(), Some(Claimed::Fresh));
    assert_eq!(b.claim("u1", "desk-b", LONG).unwrap(), None);
    assert_eq!(
        a.claim("u1", "desk-a", LONG).unwrap(),
        Some(Claimed::Renewed)
    );
    let (next, how) = b.claim_next("desk-b", LONG).unwrap().unwrap();
    assert_eq!((next.user_id.as_str(), how), ("u2", Claimed::Fresh));
    assert!(
        b.claim_next("desk-b", LONG).unwrap().is_none(),
        "u1 is a's, u2 is being worked by b already"
    );
    assert_eq!(a.holder("u1").unwrap().unwrap().desk, "desk-a");
    assert!(
        !b.release("u1", "desk-b").unwrap(),
        "only the holder releases"
    );
    assert!(a.release("u1", "desk-a").unwrap());
    assert_eq!(b.claim("u1", "desk-b", LONG).unwrap(), Some(Claimed::Fresh));
    assert_eq!(b.release_all("desk-b").unwrap(), 2);
    assert!(a.holder("u2").unwrap().is_none());
}

fn a_dead_desks_lease_runs_out_and_the_taker_is_told_to_reconcile(f: &dyn Fixture) {
    let (dead, live) = (f.open("desk-dead"), f.open("desk-live"));
    dead.enqueue("u1", "kim").unwrap();
    dead.advance("u1", "kim", JobEvent::OptionsFetched, None)
        .unwrap();
    // A lease of zero has run out at once: the desk that took it stopped renewing.
    assert_eq!(
        dead.claim("u1", "desk-dead", Duration::ZERO).unwrap(),
        Some(Claimed::Fresh)
    );
    let (job, how) = live.claim_next("desk-live", LONG).unwrap().unwrap();
    assert_eq!(job.state, JobState::OptionsFetched);
    assert_eq!(
        how,
        Claimed::TakenOver {
            from: "desk-dead".into()
        }
    );
    assert_eq!(
        dead.renew("desk-dead", LONG).unwrap(),
        0,
        "a desk back from the dead has no lease to renew"
    );
    assert_eq!(dead.claim("u1", "desk-dead", LONG).unwrap(), None);
    assert_eq!(live.renew("desk-live", LONG).unwrap(), 1);
}

fn finished_jobs_are_not_handed_out(f: &dyn Fixture) {
    let s = f.open("desk-1");
    s.enqueue("u1", "kim").unwrap();
    s.advance("u1", "kim", JobEvent::Skipped, Some("guest"))
        .unwrap();
    assert!(s.claim_next("desk-1", LONG).unwrap().is_none());
}

fn desks_claiming_at_once_each_get_different_users(f: &dyn Fixture) {
    let setup = f.open("setup");
    for n in 0..60 {
        setup.enqueue(&format!("u{n:02}"), "someone").unwrap();
    }
    let desks: Vec<_> = (0..3)
        .map(|d| (format!("desk-{d}"), f.open(&format!("desk-{d}"))))
        .collect();
    let claimed: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = desks
            .iter()
            .map(|(desk, store)| {
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    while let Some((job, _)) = store.claim_next(desk, LONG).unwrap() {
                        // A desk works a claimed user to the end before the next.
                        store
                            .advance(&job.user_id, &job.upn, JobEvent::Skipped, None)
                            .unwrap();
                        mine.push(job.user_id);
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let all: Vec<&String> = claimed.iter().flatten().collect();
    let distinct: BTreeSet<&String> = all.iter().copied().collect();
    assert_eq!(all.len(), 60, "every user was worked once: {claimed:?}");
    assert_eq!(distinct.len(), 60);
}

fn inventory_entries_read_back_with_their_status(f: &dyn Fixture) {
    let s = f.open("desk-1");
    let entry = InventoryEntry {
        id: 0,
        key_serial: "SN1".into(),
        key_aaguid: "00ff".into(),
        key_model: "Soft Key".into(),
        user_id: "u1".into(),
        upn: "kim".into(),
        method_id: "m-1".into(),
        credential_id: "Y3JlZA".into(),
        operator: "ops".into(),
        at: 1_795_942_800,
        status: KeyStatus::Issued,
    };
    let id = s.add_inventory(&entry).unwrap();
    s.set_inventory_status(id, KeyStatus::Revoked).unwrap();
    let got = s.inventory().unwrap();
    assert_eq!(
        got,
        [InventoryEntry {
            id,
            status: KeyStatus::Revoked,
            ..entry
        }]
    );
}

const BASE: [u8; 32] = [7; 32];

/// A desk's escrow over the fixture's batch keys (the pool's escrow key as its base).
fn escrow(f: &dyn Fixture, desk: &str) -> Escrow {
    let keys: Arc<dyn EscrowKeys> = f.open(desk);
    Escrow::from_key(&BASE).with_batches(keys)
}

/// A user sealed by `escrow` and journaled as setting that PIN; the sealed copy.
fn sealed(s: &dyn DeskStore, escrow: &Escrow, user: &str, pin: &str) -> Vec<u8> {
    let upn = format!("{user}@example.org");
    s.advance(user, &upn, JobEvent::OptionsFetched, None)
        .unwrap();
    let sealed = escrow.seal(user, &Pin::new(pin)).unwrap();
    s.record_setting_pin(user, &upn, &sealed).unwrap();
    s.job(user).unwrap().unwrap().pin_sealed.unwrap()
}

fn opens(escrow: &Escrow, user: &str, copy: &[u8]) -> Result<String, EscrowError> {
    escrow.open(user, copy).map(|p| p.expose().to_owned())
}

fn a_batch_key_goes_with_its_last_letter_and_old_copies_no_longer_open(f: &dyn Fixture) {
    let s = f.open("desk-1");
    let desk_1 = escrow(f, "desk-1");
    let kim = sealed(s.as_ref(), &desk_1, "u1", "482915");
    let lee = sealed(s.as_ref(), &desk_1, "u2", "730264");
    let batch = batch_of(&kim).expect("sealed under a batch key");
    assert_eq!(batch_of(&lee), Some(batch), "one batch per escrow");
    drop(desk_1);
    assert!(
        s.batch_key(&batch).unwrap().is_some(),
        "letters outstanding"
    );

    // Another desk prints: the batch opens while any of its letters is outstanding.
    let desk_2 = escrow(f, "desk-2");
    assert_eq!(opens(&desk_2, "u1", &kim).unwrap(), "482915");
    assert!(s.wipe_pin("u1").unwrap());
    assert_eq!(opens(&desk_2, "u2", &lee).unwrap(), "730264");

    // The last letter is out: the batch key is gone, and a copy of either sealed PIN
    // taken before (a backup, a row version left in free space) opens no more.
    assert!(s.wipe_pin("u2").unwrap());
    assert!(s.batch_key(&batch).unwrap().is_none());
    assert!(matches!(
        opens(&desk_2, "u1", &kim),
        Err(EscrowError::Destroyed)
    ));
    assert!(matches!(
        opens(&desk_2, "u2", &lee),
        Err(EscrowError::Destroyed)
    ));
}

fn a_crash_mid_batch_keeps_its_pins_and_an_open_batch_keeps_its_key(f: &dyn Fixture) {
    let s = f.open("desk-1");
    let before = escrow(f, "desk-1");
    let kim = sealed(s.as_ref(), &before, "u1", "482915");
    let batch = batch_of(&kim).unwrap();
    // The batch is open while its escrow lives: its last PIN wiped, it keeps its key,
    // and a PIN sealed after that opens.
    let lee = sealed(s.as_ref(), &before, "u2", "730264");
    assert!(s.wipe_pin("u2").unwrap());
    let max = sealed(s.as_ref(), &before, "u3", "915206");
    assert_eq!(batch_of(&max), Some(batch));
    assert_eq!(opens(&before, "u3", &max).unwrap(), "915206");
    assert_eq!(opens(&before, "u2", &lee).unwrap(), "730264");
    // The desk dies: nothing closes its batch.
    std::mem::forget(before);

    // It starts again: its old batches close, but PINs still journaled keep theirs, so
    // crash-resume opens them.
    let s = f.open("desk-1");
    assert_eq!(s.close_batches(None).unwrap(), 0);
    let after = escrow(f, "desk-1");
    assert_eq!(opens(&after, "u1", &kim).unwrap(), "482915");
    assert_eq!(opens(&after, "u3", &max).unwrap(), "915206");
    assert!(s.wipe_pin("u1").unwrap());
    assert!(
        s.batch_key(&batch).unwrap().is_some(),
        "u3's letter is outstanding"
    );
    assert!(s.wipe_pin("u3").unwrap());
    assert!(matches!(
        opens(&after, "u3", &max),
        Err(EscrowError::Destroyed)
    ));
    // A batch with every letter out when the desk starts goes at once.
    let other = escrow(f, "desk-1");
    let sam = sealed(s.as_ref(), &other, "u4", "604417");
    std::mem::forget(other);
    assert!(s.wipe_pin("u4").unwrap());
    assert_eq!(s.close_batches(None).unwrap(), 1);
    assert!(matches!(
        opens(&after, "u4", &sam),
        Err(EscrowError::Destroyed)
    ));
}

fn users_moved_to_top_come_first_latest_move_first(f: &dyn Fixture) {
    let s = f.open("desk-1");
    for id in ["a", "b", "c", "d"] {
        s.enqueue(id, id).unwrap();
    }
    s.move_to_top(&[("c", "c"), ("new", "new@example.org")])
        .unwrap();
    s.move_to_top(&[("d", "d")]).unwrap();
    let order: Vec<String> = s.jobs().unwrap().into_iter().map(|j| j.user_id).collect();
    assert_eq!(order, ["d", "c", "new", "a", "b"]);
    let new = s.job("new").unwrap().unwrap();
    assert_eq!(
        (new.state, new.upn.as_str()),
        (JobState::Pending, "new@example.org")
    );
}

type Case = (&'static str, fn(&dyn Fixture));

const CASES: [Case; 10] = [
    (
        "users_moved_to_top_come_first_latest_move_first",
        users_moved_to_top_come_first_latest_move_first,
    ),
    (
        "a_job_goes_through_its_states_and_its_pin_is_wiped",
        a_job_goes_through_its_states_and_its_pin_is_wiped,
    ),
    (
        "a_transition_the_machine_refuses_is_a_conflict_and_not_written",
        a_transition_the_machine_refuses_is_a_conflict_and_not_written,
    ),
    (
        "two_desks_never_hold_the_same_user",
        two_desks_never_hold_the_same_user,
    ),
    (
        "a_dead_desks_lease_runs_out_and_the_taker_is_told_to_reconcile",
        a_dead_desks_lease_runs_out_and_the_taker_is_told_to_reconcile,
    ),
    (
        "finished_jobs_are_not_handed_out",
        finished_jobs_are_not_handed_out,
    ),
    (
        "desks_claiming_at_once_each_get_different_users",
        desks_claiming_at_once_each_get_different_users,
    ),
    (
        "inventory_entries_read_back_with_their_status",
        inventory_entries_read_back_with_their_status,
    ),
    (
        "a_batch_key_goes_with_its_last_letter_and_old_copies_no_longer_open",
        a_batch_key_goes_with_its_last_letter_and_old_copies_no_longer_open,
    ),
    (
        "a_crash_mid_batch_keeps_its_pins_and_an_open_batch_keeps_its_key",
        a_crash_mid_batch_keeps_its_pins_and_an_open_batch_keeps_its_key,
    ),
];

#[test]
fn the_suite_on_sqlite() {
    for (name, case) in CASES {
        eprintln!("sqlite: {name}");
        case(&Sqlite(Arc::new(Journal::in_memory().unwrap())));
    }
}

#[test]
fn the_suite_on_postgres() {
    let cluster = Cluster::start();
    for (n, (name, case)) in CASES.into_iter().enumerate() {
        eprintln!("postgres: {name}");
        case(&Postgres(cluster.database(&format!("suite{n}"))));
    }
    eprintln!("postgres: a_move_to_top_that_fails_halfway_moves_nobody");
    a_move_to_top_that_fails_halfway_moves_nobody(&cluster);
}

/// Move to top is one transaction on PostgreSQL too (the SQLite journal's twin of this
/// test is in the engine's `queue_order`, where it can reach the file).
fn a_move_to_top_that_fails_halfway_moves_nobody(cluster: &Cluster) {
    let url = cluster.database("halfway");
    let s = Postgres(url).open("desk-1");
    for id in ["a", "b", "c", "d"] {
        s.enqueue(id, id).unwrap();
    }
    let order = || -> Vec<String> { s.jobs().unwrap().into_iter().map(|j| j.user_id).collect() };
    // The third user's move is refused by the database, as a constraint or a full disk would.
    cluster.psql(
        "halfway",
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
         CREATE TRIGGER refuse BEFORE UPDATE OF position ON jobs FOR EACH ROW
             WHEN (NEW.user_id = 'b') EXECUTE FUNCTION refuse();",
    );
    assert!(s
        .move_to_top(&[("d", "d"), ("c", "c"), ("b", "b")])
        .is_err());
    assert_eq!(order(), ["a", "b", "c", "d"], "d and c must not have moved");
    cluster.psql("halfway", "DROP TRIGGER refuse ON jobs");
    s.move_to_top(&[("d", "d"), ("c", "c"), ("b", "b")])
        .unwrap();
    assert_eq!(order(), ["d", "c", "b", "a"]);
}
