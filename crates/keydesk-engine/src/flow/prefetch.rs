//! Prefetch: creation options and passkey listings for the next users of a batch, fetched
//! ahead with bounded Graph concurrency, and handed out only while fresh.
//!
//! A listing ([`Snapshot`]) is what the journaled [`Attempt`] records before the POST: the
//! method ids a user had. It serves only while younger than [`LISTING_FRESH`], and the
//! attempt made from it carries its clocks moved forward by its age (whole seconds), so the
//! listing lag is counted from the POST, not from the listing (which would call a lagging
//! passkey absent too early).
//!
//! A challenge is taken only when it still has [`FRESHNESS_MARGIN_SECS`] (the margin
//! [`crate::provision`] also checks before a key signs) plus [`REFRESH_SECS`] left;
//! anything older is dropped (and counted), so an expired challenge never reaches a key or
//! Graph.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::StreamExt;
use keydesk_core::CreationOptions;
use keydesk_graph::{Attempt, PasskeyListing, Registration};

use crate::directory::Directory;
use crate::ProvisionError;

/// Seconds of validity a challenge must still have before the key is asked to sign it.
pub const FRESHNESS_MARGIN_SECS: i64 = 30;
/// A prefetched challenge with less than this many seconds left is fetched again.
pub const REFRESH_SECS: i64 = 60;

/// Creation-options requests in flight at once for a bulk prefetch (a whole group): 24.
/// At Graph's own latency (150 ms and more) that is at most about 1,600 requests per 10 s,
/// under half the smallest application-and-tenant budget of Entra's identity service
/// (3,500 resource units per 10 s; a read costs 1), so a run does not throttle itself or
/// starve the tenant's other tools; every 429 is still waited out for its Retry-After.
pub const DEFAULT_CONCURRENCY: usize = 24;

/// How old a passkey listing may be and still stand for "the user's passkeys just before
/// the POST".
pub const LISTING_FRESH: Duration = Duration::from_secs(10);

/// The cache of prefetched creation options and passkey listings.
pub struct Prefetch {
    cache: Mutex<HashMap<String, CreationOptions>>,
    listings: Mutex<HashMap<String, Snapshot>>,
    concurrency: usize,
    discarded: AtomicUsize,
}

impl Prefetch {
    /// At most `concurrency` creation-options requests in flight.
    pub fn new(concurrency: usize) -> Self {
        Prefetch {
            cache: Mutex::default(),
            listings: Mutex::default(),
            concurrency: concurrency.max(1),
            discarded: AtomicUsize::new(0),
        }
    }

    fn usable(options: &CreationOptions, now: i64) -> bool {
        options.is_fresh(now, FRESHNESS_MARGIN_SECS + REFRESH_SECS)
    }

    /// The user's prefetched options, if still fresh; stale ones are dropped.
    pub fn take(&self, user_id: &str, now: i64) -> Option<CreationOptions> {
        let options = self.lock().remove(user_id)?;
        if Self::usable(&options, now) {
            Some(options)
        } else {
            self.discarded.fetch_add(1, Ordering::Relaxed);
            None
        }
    }

    /// Fetches options for those of `user_ids` with none cached or with one close to
    /// expiry. Failures are left for the job itself to meet. Returns how many were fetched.
    pub async fn warm(
        &self,
        directory: &dyn Directory,
        user_ids: &[String],
        timeout_minutes: Option<u32>,
        now: i64,
    ) -> usize {
        let wanted: Vec<&String> = {
            let cache = self.lock();
            user_ids
                .iter()
                .filter(|id| !cache.get(*id).is_some_and(|o| Self::usable(o, now)))
                .collect()
        };
        // The fetches are made before they are streamed: a `map` closure kept inside the
        // stream across the await leaves this future not provably `Send` (rustc erases
        // the closure's lifetime: "FnOnce is not general enough"), and the app's batch
        // command must be `Send`. Same work, same concurrency.
        let fetches: Vec<_> = wanted
            .into_iter()
            .map(|id| async move { (id, directory.creation_options(id, timeout_minutes).await) })
            .collect();
        let fetched: Vec<_> = futures::stream::iter(fetches)
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        let mut cache = self.lock();
        let mut n = 0;
        for (id, result) in fetched {
            if let Ok(options) = result {
                if cache.insert(id.clone(), options).is_some() {
                    self.discarded.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
            }
        }
        n
    }

    /// Fetches the passkey listing of those of `user_ids` with none cached. Returns how
    /// many were fetched; failures are left for the job.
    pub async fn warm_listings(&self, directory: &dyn Directory, user_ids: &[String]) -> usize {
        let wanted: Vec<&String> = {
            let cached = self.listings.lock().unwrap_or_else(|p| p.into_inner());
            user_ids
                .iter()
                .filter(|id| !cached.contains_key(*id))
                .collect()
        };
        // Made before streamed, for `Send` (see `warm`).
        let fetches: Vec<_> = wanted
            .into_iter()
            .map(|id| async move { (id, Snapshot::take(directory, id).await) })
            .collect();
        let fetched: Vec<_> = futures::stream::iter(fetches)
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        let mut cached = self.listings.lock().unwrap_or_else(|p| p.into_inner());
        let mut n = 0;
        for (id, result) in fetched {
            if let Ok(snapshot) = result {
                cached.insert(id.clone(), snapshot);
                n += 1;
            }
        }
        n
    }

    /// The user's prefetched listing, if still fresh ([`LISTING_FRESH`]).
    pub fn take_listing(&self, user_id: &str) -> Option<Snapshot> {
        let mut cached = self.listings.lock().unwrap_or_else(|p| p.into_inner());
        cached.remove(user_id).filter(Snapshot::is_fresh)
    }

    /// Whether options for the user are cached (fresh or not).
    pub fn has_options(&self, user_id: &str) -> bool {
        self.lock().contains_key(user_id)
    }

    /// Caches options fetched elsewhere (a file of prefetched challenges), replacing any
    /// the user had; [`Prefetch::take`] still hands them out only while fresh.
    pub fn plant(&self, user_id: &str, options: CreationOptions) {
        if self.lock().insert(user_id.to_owned(), options).is_some() {
            self.discarded.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Prefetched challenges dropped unused because they aged out.
    pub fn discarded(&self) -> usize {
        self.discarded.load(Ordering::Relaxed)
    }

    /// How many are cached.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Nothing cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, CreationOptions>> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A user's passkeys as listed at one moment, with this process's monotonic clock.
#[derive(Debug, Clone)]
pub struct Snapshot {
    listing: PasskeyListing,
    at: Instant,
}

impl Snapshot {
    /// Lists the user's passkeys now.
    pub async fn take(directory: &dyn Directory, user_id: &str) -> Result<Self, ProvisionError> {
        let listing = directory.passkey_listing(user_id).await?;
        Ok(Snapshot {
            listing,
            at: Instant::now(),
        })
    }

    /// Younger than [`LISTING_FRESH`].
    pub fn is_fresh(&self) -> bool {
        self.at.elapsed() <= LISTING_FRESH
    }

    /// The attempt to register `registration` over this listing, its clocks moved forward
    /// by the listing's age in whole seconds (module docs). What is left, under a second,
    /// is the slack a listing read just before the POST always had: one round trip.
    pub fn attempt(&self, registration: &Registration, aaguid: Option<&str>) -> Attempt {
        let secs = i64::try_from(self.at.elapsed().as_secs()).unwrap_or(i64::MAX);
        let mut attempt = Attempt::new(&self.listing, registration, aaguid);
        attempt.graph_time = attempt.graph_time.map(|t| t.saturating_add(secs));
        attempt.local_time = attempt.local_time.saturating_add(secs);
        attempt
    }
}
