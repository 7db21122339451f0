//! The fault matrix (issue 17): a 500-user batch on four simulated keys against a tenant
//! where about one Graph call in ten goes wrong, every kind of fault at once — 429s, 503s,
//! dropped connections, responses lost after the write was made, JSON cut in half, access
//! tokens that expire every few seconds, and a listing that lags new passkeys. Runs go on
//! until the batch says everyone is registered (a run may end with users left for the next
//! one, never with one registered twice); then every user holds exactly one passkey in the
//! tenant, every PIN is in escrow, and the audit log verifies.

mod common;

use std::time::{Duration, Instant};

use common::{assert_every_pin_escrowed, assert_one_passkey_each, at, finish, provision, sim};

const USERS: usize = 500;
/// Runs allowed before the batch must be complete.
const RUNS: usize = 4;

#[test]
fn a_500_user_batch_through_one_graph_call_in_ten_failing_registers_everyone_exactly_once() {
    let (_sim, url) = sim(&[
        "--users",
        &USERS.to_string(),
        "--seed",
        "17",
        "--method-ids",
        "opaque",
        "--throttle-probability",
        "0.03",
        "--fail-probability",
        "0.03",
        "--drop-connections-every",
        "40",
        "--lose-responses-every",
        "25",
        "--malformed-every",
        "40",
        "--token-ttl",
        "5",
        "--listing-delay-ms",
        "300",
    ]);
    let data = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut complete = false;
    let mut summaries = Vec::new();
    for run in 1..=RUNS {
        let child = provision(&url, data.path(), 4, &["--listing-lag-secs", "2"])
            .spawn()
            .unwrap();
        let out = finish(
            child,
            Duration::from_secs(300),
            &format!("faulty run {run}"),
        );
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let summary = stderr
            .lines()
            .rfind(|l| l.contains("registered"))
            .unwrap_or_default()
            .to_owned();
        summaries.push(format!(
            "run {run}: exit {:?}, {summary}",
            out.status.code()
        ));
        assert!(
            !stderr.contains("panicked"),
            "run {run} panicked:\n{stderr}"
        );
        if out.status.code() == Some(0) {
            complete = true;
            break;
        }
    }
    eprintln!(
        "fault matrix: {:.1} s; {}",
        started.elapsed().as_secs_f64(),
        summaries.join("; ")
    );
    assert!(complete, "the batch did not complete: {summaries:?}");
    let counters = common::get_json(&url, "/_sim/state")["counters"].clone();
    let count = |name: &str| counters[name].as_u64().unwrap_or_default();
    let failed: u64 = [
        "throttled",
        "unavailable",
        "lostResponses",
        "droppedConnections",
        "malformed",
    ]
    .iter()
    .map(|k| count(k))
    .sum();
    eprintln!(
        "faults fired: {failed} of {} Graph requests ({:.1} %), {} token requests; {counters}",
        count("graphRequests"),
        100.0 * failed as f64 / count("graphRequests").max(1) as f64,
        count("tokenRequests")
    );
    for kind in [
        "throttled",
        "unavailable",
        "lostResponses",
        "droppedConnections",
        "malformed",
    ] {
        assert!(count(kind) > 0, "the {kind} fault never fired: {counters}");
    }
    assert!(
        count("tokenRequests") > 2,
        "tokens never expired mid-batch: {counters}"
    );
    assert_one_passkey_each(&url, USERS, "after the faulty runs");
    assert_every_pin_escrowed(data.path(), USERS, "after the faulty runs");
    let verify = finish(
        at(&url, data.path(), &["audit", "verify"]).spawn().unwrap(),
        Duration::from_secs(60),
        "audit verify",
    );
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}
