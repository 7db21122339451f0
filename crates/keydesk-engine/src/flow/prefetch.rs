//! Prefetch: creation options for the next users of a batch, fetched ahead with bounded
//! Graph concurrency, refreshed before they expire, and handed out only while fresh.
//!
//! A challenge is taken only when it still has [`FRESHNESS_MARGIN_SECS`] (the margin
//! [`crate::provision`] also checks before a key signs) plus [`REFRESH_SECS`] left;
//! anything older is dropped (and counted), so an expired challenge never reaches a key or
//! Graph.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use futures::StreamExt;
use keydesk_core::CreationOptions;

use crate::directory::Directory;

/// Seconds of validity a challenge must still have before the key is asked to sign it.
pub const FRESHNESS_MARGIN_SECS: i64 = 30;
/// A prefetched challenge with less than this many seconds left is fetched again.
pub const REFRESH_SECS: i64 = 60;

/// The cache of prefetched creation options.
pub struct Prefetch {
    cache: Mutex<HashMap<String, CreationOptions>>,
    concurrency: usize,
    discarded: AtomicUsize,
}

impl Prefetch {
    /// At most `concurrency` creation-options requests in flight.
    pub fn new(concurrency: usize) -> Self {
        Prefetch {
            cache: Mutex::default(),
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
        // Owned ids: a closure over borrowed ones makes the future not provably `Send`
        // (a higher-ranked lifetime), which the app's batch command needs.
        let wanted: Vec<String> = {
            let cache = self.lock();
            user_ids
                .iter()
                .filter(|id| !cache.get(*id).is_some_and(|o| Self::usable(o, now)))
                .cloned()
                .collect()
        };
        let fetched: Vec<_> = futures::stream::iter(wanted)
            .map(|id: String| async move {
                let result = directory.creation_options(&id, timeout_minutes).await;
                (id, result)
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        let mut cache = self.lock();
        let mut n = 0;
        for (id, result) in fetched {
            if let Ok(options) = result {
                if cache.insert(id, options).is_some() {
                    self.discarded.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
            }
        }
        n
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
