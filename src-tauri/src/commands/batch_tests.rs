//! The window's *Start batch* on a shared store: the app's batch path (desk-1, on the
//! demo's simulated tenant) and a second desk work one group through a throwaway
//! PostgreSQL cluster, each over two simulated keys that touch themselves.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use keydesk_engine::station::Station;
use keydesk_graph::Secret;
use keydesk_store_pg::desk::Desk;
use keydesk_store_pg::pool::PoolSecret;
use keydesk_store_pg::StoreTarget;
use keydesk_tests::pg::{Cluster, PASSWORD};

use super::*;
use crate::sim_keys::{soft_keys, Drawer};

const LEASE: Duration = Duration::from_secs(5);

/// User id → passkeys the simulated tenant holds for the user.
async fn passkeys(state: &AppState) -> BTreeMap<String, u64> {
    let base = state.demo.as_ref().unwrap().sim.base_url();
    let sim: serde_json::Value = reqwest::get(format!("{base}/_sim/state"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    sim["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let id = u["id"].as_str().unwrap().to_owned();
            (id, u["passkeyCount"].as_u64().unwrap_or_default())
        })
        .collect()
}

fn join(station: &Station, target: &StoreTarget, pool: &Secret, name: &str) -> Desk {
    Desk::join_with(
        station,
        target,
        Some(name),
        LEASE,
        &Secret::new(PASSWORD),
        pool,
    )
    .unwrap()
}

/// The demo with two self-touching keys, joined to the store as desk-1, its group loaded
/// as the queue.
async fn app_desk(
    dir: &std::path::Path,
    target: &StoreTarget,
    pool: &Secret,
) -> (AppState, Vec<DirectoryUser>) {
    let mut state = AppState::start_demo(dir).await.unwrap();
    let (rack, keys) = soft_keys(2, Arc::clone(&state.drawer));
    state.rack = Some(rack);
    state.keys = Some(keys);
    state.desk = Some(join(&state.station, target, pool, "desk-1"));
    let graph = state.graph().unwrap();
    let name = state.demo.as_ref().unwrap().sim.config().group.clone();
    let group = graph.find_group(&name).await.unwrap();
    let users = graph.group_users(&group.id).await.unwrap();
    *state.users.lock().unwrap() = users.clone();
    (state, users)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn start_batch_and_a_second_desk_register_every_user_of_the_group_once() {
    let cluster = Cluster::start();
    let target: StoreTarget = cluster.database("desks").parse().unwrap();
    let pool_secret = PoolSecret::generate();
    let pool = Secret::new(pool_secret.as_str());
    tokio::time::timeout(Duration::from_secs(240), async {
        let dir = tempfile::tempdir().unwrap();
        let (state, users) = app_desk(dir.path(), &target, &pool).await;
        assert!(users.len() >= 20, "{} users", users.len());
        let before = passkeys(&state).await;

        // desk-2: its own journal and keys, the same tenant and group.
        let dir2 = tempfile::tempdir().unwrap();
        let station2 = Station::open(dir2.path()).unwrap();
        let desk2 = join(&station2, &target, &pool, "desk-2");
        let graph2 = state.graph().unwrap();
        let users2 = users.clone();
        let other = tokio::spawn(async move {
            let (_rack, keys) = soft_keys(2, Arc::new(Drawer::default()));
            let mut ctx = station2.context(&graph2);
            ctx.escrow = desk2.escrow();
            let report = |user: &DirectoryUser, outcome: &Outcome| desk2.audit(user, outcome);
            desk2.run(&ctx, users2, keys.as_ref(), 2, &report).await
        });
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&events);
        let send = Arc::new(move |event: BatchEvent| seen.lock().unwrap().push(event));
        start(&state, send).await.unwrap();
        other.await.unwrap().unwrap();
        let events = std::mem::take(&mut *events.lock().unwrap());

        // Every user has exactly one passkey more than before the batch.
        let after = passkeys(&state).await;
        for user in &users {
            assert_eq!(
                after[&user.id],
                before[&user.id] + 1,
                "{} registered {} times",
                user.upn,
                after[&user.id] - before[&user.id]
            );
        }

        // Both desks did some; the window's cards are desk-1's users, each once.
        let desk = state.desk.as_ref().unwrap();
        let entries = desk.store().audit_entries().unwrap();
        let registered_at = |name: &str| -> BTreeSet<String> {
            entries
                .iter()
                .filter(|e| e.desk == name && e.line.starts_with("registered"))
                .map(|e| e.line.clone())
                .collect()
        };
        let (mine, theirs) = (registered_at("desk-1"), registered_at("desk-2"));
        assert!(
            !mine.is_empty() && !theirs.is_empty(),
            "{mine:?} / {theirs:?}"
        );
        assert_eq!(mine.len() + theirs.len(), users.len());
        let cards: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                BatchEvent::Registered(r) => Some(r.user_id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(cards.len(), mine.len());
        assert_eq!(cards.iter().collect::<BTreeSet<_>>().len(), cards.len());
        let Some(BatchEvent::Finished {
            registered,
            failed,
            stopped,
            ..
        }) = events.last()
        else {
            panic!(
                "the batch did not end with its summary: {:?}",
                events.last()
            );
        };
        assert_eq!(
            (*registered as usize, *failed, *stopped),
            (mine.len(), 0, false)
        );

        // The chain the desks share verifies; no claim is left.
        let head = desk
            .store()
            .audit_verify(&PoolSecret::new(&pool_secret).unwrap())
            .unwrap();
        assert_eq!(head.seq, i64::try_from(entries.len()).unwrap());
        assert!(desk.store().live_claims().unwrap().is_empty());
    })
    .await
    .expect("the two desks took longer than 240 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stop_batch_on_a_shared_store_releases_the_claims_and_start_again_finishes_the_group() {
    use keydesk_core::job::JobState;
    use keydesk_engine::port::{JobStore, OPEN_STATES};

    // Mid-flow: begun on a key and not ended (waiting users are `Pending`).
    let half_done = |s: JobState| s != JobState::Pending && OPEN_STATES.contains(&s);

    let cluster = Cluster::start();
    let target: StoreTarget = cluster.database("desks").parse().unwrap();
    let pool = Secret::new(PoolSecret::generate().as_str());
    tokio::time::timeout(Duration::from_secs(240), async {
        let dir = tempfile::tempdir().unwrap();
        let (state, users) = app_desk(dir.path(), &target, &pool).await;
        let before = passkeys(&state).await;
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&events);
        let send = Arc::new(move |event: BatchEvent| seen.lock().unwrap().push(event));
        // *Stop batch* as soon as the first card says registered.
        let press_stop = async {
            loop {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let first = events
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|e| matches!(e, BatchEvent::Registered(_)));
                if first {
                    state.batch_stop.store(true, Ordering::SeqCst);
                    break;
                }
            }
        };
        let (result, ()) = tokio::join!(start(&state, send.clone()), press_stop);
        result.unwrap();
        let first_run = std::mem::take(&mut *events.lock().unwrap());
        let Some(BatchEvent::Finished {
            registered,
            stopped,
            ..
        }) = first_run.last()
        else {
            panic!("the batch did not end with its summary");
        };
        assert!(*stopped);
        assert!(
            (*registered as usize) < users.len(),
            "{registered} registered"
        );

        // Stopped: no claim left, no user half-done in the shared store or the journal.
        let desk = state.desk.as_ref().unwrap();
        assert!(desk.store().live_claims().unwrap().is_empty());
        for job in desk.store().jobs().unwrap() {
            assert!(!half_done(job.state), "{job:?}");
        }
        for user in &users {
            let job = state.station.journal.job(&user.id).unwrap();
            assert!(
                job.is_none_or(|j| !half_done(j.state)),
                "{} left half-done",
                user.upn
            );
        }

        // *Start batch* again works the rest: every user registered exactly once.
        start(&state, send).await.unwrap();
        let second_run = std::mem::take(&mut *events.lock().unwrap());
        let Some(BatchEvent::Finished {
            registered: rest,
            stopped: false,
            ..
        }) = second_run.last()
        else {
            panic!("the second batch did not finish: {:?}", second_run.last());
        };
        assert_eq!((registered + rest) as usize, users.len());
        let after = passkeys(&state).await;
        for user in &users {
            assert_eq!(after[&user.id], before[&user.id] + 1, "{}", user.upn);
        }
    })
    .await
    .expect("the batch took longer than 240 s");
}
