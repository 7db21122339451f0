//! Fault injection: latency, throttling, outages, lost responses, dropped connections,
//! malformed bodies and a listing delay for new passkeys, set at start
//! ([`crate::SimConfig::faults`]) or at run time through `POST /_sim/faults`.
//!
//! Every knob defaults to off. "Every k-th" knobs count from the last time the knobs were
//! set; probabilities draw from a generator seeded with the tenant's seed, so a run is
//! reproducible. Throttling (429), outages (503) and dropped connections happen **before**
//! the handler runs, so they never change state; a lost response happens **after** the write
//! was made (what client-side reconciliation exists for); a malformed body is a read whose
//! JSON is cut in half; a listing delay hides a new passkey from list, get and delete until
//! the simulated clock passes its creation by that much (the register 201 returns it at
//! once), as if Graph's reads lagged its writes.
//!
//! Not modelled: per-app or per-tenant throttling budgets (resource units), 504s.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// The fault knobs. The JSON form (camelCase) is the body of `POST /_sim/faults`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Faults {
    /// Fixed delay added to every Graph response, in milliseconds.
    pub latency_ms: u64,
    /// Extra delay drawn uniformly from `0..=latency_jitter_ms` per response.
    pub latency_jitter_ms: u64,
    /// Every k-th Graph request answers 429 with `Retry-After: 1` (0 = never).
    pub throttle_every: u64,
    /// Probability that a Graph request answers 429.
    pub throttle_probability: f64,
    /// Every k-th Graph request answers 503 (0 = never).
    pub fail_every: u64,
    /// Probability that a Graph request answers 503.
    pub fail_probability: f64,
    /// Every k-th Graph write (POST, PATCH, DELETE) is carried out, then its connection is
    /// closed without a response.
    pub lose_responses_every: u64,
    /// Every k-th Graph request has its connection closed before it is handled.
    pub drop_connections_every: u64,
    /// Every k-th Graph read (GET) answers its status with the JSON body cut in half.
    pub malformed_every: u64,
    /// Server-side page cap for member listings, overriding `SimConfig::page_size`.
    pub page_size: Option<usize>,
    /// Lifetime of access tokens issued from now on, overriding `SimConfig::token_ttl`.
    pub token_ttl_seconds: Option<u64>,
    /// A passkey registered from now on appears in `GET .../fido2Methods` and
    /// `GET .../fido2Methods/{id}` (and can be deleted) only once the simulated clock has
    /// passed its creation by this many milliseconds; until then those answer as if it did
    /// not exist. The register POST's 201 returns it at once.
    pub listing_delay_ms: u64,
}

/// What happens to one request before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    Proceed,
    Drop,
    Throttle,
    Unavailable,
}

/// What happens to its response after the handler ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    Deliver,
    Lose,
    Truncate,
}

/// How many times each fault fired, for `/_sim/state`.
#[derive(Debug, Default)]
pub struct FaultCounters {
    pub throttled: AtomicU64,
    pub unavailable: AtomicU64,
    pub lost_responses: AtomicU64,
    pub dropped_connections: AtomicU64,
    pub malformed: AtomicU64,
}

/// The knobs in force plus the sequence counters they are applied against.
#[derive(Debug)]
pub struct FaultState {
    knobs: Mutex<Faults>,
    rng: Mutex<StdRng>,
    requests: AtomicU64,
    writes: AtomicU64,
    reads: AtomicU64,
    pub counters: FaultCounters,
}

impl FaultState {
    pub fn new(knobs: Faults, seed: u64) -> Self {
        FaultState {
            knobs: Mutex::new(knobs),
            rng: Mutex::new(StdRng::seed_from_u64(seed ^ 0x5eed_fa17)),
            requests: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            reads: AtomicU64::new(0),
            counters: FaultCounters::default(),
        }
    }

    /// The knobs in force.
    pub fn knobs(&self) -> Faults {
        self.knobs.lock().expect("faults lock").clone()
    }

    /// Replaces the knobs and restarts the "every k-th" sequences.
    pub fn set(&self, knobs: Faults) {
        *self.knobs.lock().expect("faults lock") = knobs;
        for counter in [&self.requests, &self.writes, &self.reads] {
            counter.store(0, Ordering::Relaxed);
        }
    }

    /// Decides the fate of a Graph request before it is handled; `write` is true for
    /// POST/PATCH/DELETE.
    pub fn before(&self, write: bool) -> (Before, After) {
        let k = self.knobs();
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let before = if every(k.drop_connections_every, n) {
            bump(&self.counters.dropped_connections, Before::Drop)
        } else if every(k.throttle_every, n) || self.chance(k.throttle_probability) {
            bump(&self.counters.throttled, Before::Throttle)
        } else if every(k.fail_every, n) || self.chance(k.fail_probability) {
            bump(&self.counters.unavailable, Before::Unavailable)
        } else {
            Before::Proceed
        };
        if before != Before::Proceed {
            return (before, After::Deliver);
        }
        let after = if write {
            let w = self.writes.fetch_add(1, Ordering::Relaxed) + 1;
            if every(k.lose_responses_every, w) {
                bump(&self.counters.lost_responses, After::Lose)
            } else {
                After::Deliver
            }
        } else {
            let r = self.reads.fetch_add(1, Ordering::Relaxed) + 1;
            if every(k.malformed_every, r) {
                bump(&self.counters.malformed, After::Truncate)
            } else {
                After::Deliver
            }
        };
        (Before::Proceed, after)
    }

    /// The delay to add to one response.
    pub fn latency(&self) -> Duration {
        let k = self.knobs();
        let jitter = if k.latency_jitter_ms > 0 {
            self.rng
                .lock()
                .expect("faults rng lock")
                .random_range(0..=k.latency_jitter_ms)
        } else {
            0
        };
        Duration::from_millis(k.latency_ms + jitter)
    }

    /// The token lifetime set at run time, if any.
    pub fn token_ttl(&self) -> Option<Duration> {
        self.knobs().token_ttl_seconds.map(Duration::from_secs)
    }

    /// How long a passkey registered now stays out of listings.
    pub fn listing_delay(&self) -> Duration {
        Duration::from_millis(self.knobs().listing_delay_ms)
    }

    /// The page cap set at run time, if any.
    pub fn page_size(&self) -> Option<usize> {
        self.knobs().page_size
    }

    fn chance(&self, p: f64) -> bool {
        p > 0.0
            && self
                .rng
                .lock()
                .expect("faults rng lock")
                .random_bool(p.min(1.0))
    }
}

fn every(k: u64, n: u64) -> bool {
    k > 0 && n.checked_rem(k) == Some(0)
}

fn bump<T>(counter: &AtomicU64, value: T) -> T {
    counter.fetch_add(1, Ordering::Relaxed);
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kth_counts_from_the_last_set() {
        let state = FaultState::new(
            Faults {
                throttle_every: 3,
                ..Faults::default()
            },
            1,
        );
        let fates: Vec<Before> = (0..6).map(|_| state.before(false).0).collect();
        assert_eq!(fates[2], Before::Throttle);
        assert_eq!(fates[5], Before::Throttle);
        assert_eq!(fates.iter().filter(|f| **f == Before::Proceed).count(), 4);
        state.set(Faults {
            lose_responses_every: 2,
            ..Faults::default()
        });
        assert_eq!(state.before(false).1, After::Deliver);
        assert_eq!(state.before(true).1, After::Deliver);
        assert_eq!(state.before(true).1, After::Lose);
    }

    #[test]
    fn probabilities_are_reproducible_per_seed() {
        let knobs = Faults {
            fail_probability: 0.5,
            ..Faults::default()
        };
        let run = |seed| {
            let state = FaultState::new(knobs.clone(), seed);
            (0..64).map(|_| state.before(false).0).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        let failed = run(7).iter().filter(|f| **f == Before::Unavailable).count();
        assert!((16..48).contains(&failed), "{failed}");
    }
}
