//! Prefetch never sends an expired challenge: options fetched ahead and then aged past
//! their validity (the simulated tenant's clock and the engine's moved together) are
//! dropped and fetched again.

mod common;

use std::sync::atomic::{AtomicI64, Ordering};

use keydesk_engine::keys::RackKeys;
use keydesk_engine::prefetch::Prefetch;
use keydesk_engine::system_now;
use keydesk_engine::{provision_user, Context, Step};
use keydesk_sim::SimConfig;

static OFFSET: AtomicI64 = AtomicI64::new(0);

fn shifted_now() -> i64 {
    system_now() + OFFSET.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefetched_challenge_past_its_validity_is_fetched_again_never_sent() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 3,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
        let prefetch = Prefetch::new(2);
        assert_eq!(prefetch.warm(&graph, &ids, None, shifted_now()).await, 3);
        assert_eq!(prefetch.len(), 3);
        // Warm again: everything is fresh, nothing is fetched.
        assert_eq!(prefetch.warm(&graph, &ids, None, shifted_now()).await, 0);

        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.prefetch = Some(&prefetch);
        ctx.now = shifted_now;
        rack.plug_new(common::blank_key("P1"));
        let keys = RackKeys::with_refill(rack, Box::new(|| common::blank_key("P2")));
        let quiet = |_: Step| {};

        // A fresh prefetched challenge is used as is.
        provision_user(&ctx, &users[0], &keys, &quiet)
            .await
            .unwrap();
        assert_eq!(prefetch.discarded(), 0);

        // Six minutes later the other two have expired (v1.0: five minutes).
        common::advance_sim_clock(&sim, 360).await;
        OFFSET.store(360, Ordering::SeqCst);
        provision_user(&ctx, &users[1], &keys, &quiet)
            .await
            .unwrap();
        assert_eq!(prefetch.discarded(), 1, "the stale challenge was dropped");
        // A refresh replaces the stale one instead of handing it out.
        assert_eq!(
            prefetch.warm(&graph, &ids[2..], None, shifted_now()).await,
            1
        );
        provision_user(&ctx, &users[2], &keys, &quiet)
            .await
            .unwrap();
        for user in &users {
            assert_eq!(common::passkeys_of(&sim, &user.upn).await, 1);
        }
        assert_eq!(
            common::counter(&sim, "rejectedRegistrations").await,
            0,
            "no expired challenge sent"
        );
    })
    .await;
}
