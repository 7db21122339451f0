//! Three keys over fifty users: each key has its own worker, and a key whose touch never
//! comes stalls only itself.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use keydesk_core::DirectoryUser;
use keydesk_engine::batch::{self, Outcome};
use keydesk_engine::keys::RackKeys;
use keydesk_engine::prefetch::Prefetch;
use keydesk_engine::Context;
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::TouchMode;
use keydesk_sim::SimConfig;
use tokio::sync::Notify;

const USERS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_keys_work_fifty_users_and_a_slow_touch_stalls_only_its_key() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: USERS,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, _) = common::desk(&sim).await;
        assert_eq!(users.len(), USERS);
        let prefetch = Prefetch::new(3);
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.prefetch = Some(&prefetch);

        let rack = Arc::new(SoftRack::new());
        let mut slow = common::blank_key("SLOW");
        slow.touch = TouchMode::Manual;
        slow.touch_timeout = Duration::from_secs(3600);
        let slow = rack.plug_new(slow);
        rack.plug_new(common::blank_key("FAST-A"));
        rack.plug_new(common::blank_key("FAST-B"));
        let serial = AtomicUsize::new(0);
        let keys = RackKeys::with_refill(
            rack.clone(),
            Box::new(move || {
                common::blank_key(&format!("N{}", serial.fetch_add(1, Ordering::SeqCst)))
            }),
        );

        let outcomes = Mutex::new(Vec::new());
        let all_but_one = Notify::new();
        let report = |u: &DirectoryUser, o: &Outcome| {
            let mut seen = outcomes.lock().unwrap();
            seen.push((
                u.upn.clone(),
                matches!(o, Outcome::Registered(_)),
                format!("{o:?}"),
            ));
            if seen.len() == USERS - 1 {
                all_but_one.notify_one();
            }
        };
        let toucher = async {
            // Only once every other user is done is the slow key touched.
            all_but_one.notified().await;
            let mut status = slow.subscribe_changes();
            status.wait_for(|s| s.awaiting_touch).await.unwrap();
            slow.touch();
        };
        let (result, ()) =
            tokio::join!(batch::run(&ctx, users.clone(), &keys, 3, &report), toucher);
        result.unwrap();

        let outcomes = outcomes.into_inner().unwrap();
        assert_eq!(outcomes.len(), USERS);
        assert!(outcomes.iter().all(|(_, ok, _)| *ok), "{outcomes:?}");
        for user in &users {
            assert_eq!(
                common::passkeys_of(&sim, &user.upn).await,
                1,
                "{}",
                user.upn
            );
        }
        assert_eq!(journal.inventory().unwrap().len(), USERS);
        sim.shutdown().await;
    })
    .await;
}
