//! A list of users worked over several keys at once: one worker per key, each taking the
//! next user from a shared queue, so a slow touch on one key never stalls another, and a
//! refused key is set aside so it fails one user, not the rest of the queue. A
//! worker takes its next user as soon as its key is released (Graph answered 201): the
//! finished user's read-back and group move run alongside ([`crate::provision::Released`]).
//! When the context has a [`crate::prefetch::Prefetch`], a prefetcher keeps the next users'
//! creation options and passkey listings warm; it looks again each time a worker takes a
//! user, and every [`PREFETCH_EVERY`] besides.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use futures::stream::FuturesUnordered;
use futures::StreamExt;
use keydesk_core::DirectoryUser;
use tokio::sync::Notify;

use crate::keys::{KeySource, SetAsideRefused};
use crate::prefetch::Prefetch;
use crate::provision::provision_on_key;
use crate::{Context, ProvisionError, Provisioned, Step};

/// How often the prefetcher looks at the head of the queue when no user is taken.
pub const PREFETCH_EVERY: Duration = Duration::from_secs(5);
/// How many users ahead the prefetcher keeps creation options for.
const PREFETCH_DEPTH: usize = 8;
/// How many users ahead of each worker get their passkey listing prefetched. A listing
/// is usable only briefly ([`crate::prefetch::LISTING_FRESH`]), so only the next few.
const LISTINGS_PER_WORKER: usize = 4;

/// How one user ended.
#[derive(Debug)]
pub enum Outcome {
    /// Registered now (or found registered after a restart, with the escrowed PIN).
    Registered(Provisioned),
    /// The journal shows an earlier registration.
    AlreadyRegistered,
    /// Not eligible (guest, disabled) or skipped.
    Skipped(String),
    /// Failed; the job is journaled as failed (or left in `Posting` to reconcile).
    Failed(ProvisionError),
}

/// Works `users` with `workers` concurrent jobs over the keys of `keys` (one job holds one
/// key, so `workers` should be the number of keys). `report` is called once per user, in
/// completion order. Stops early only when a journal or audit write fails: nothing may be
/// done without the journal, or that the audit log would not show.
pub async fn run(
    ctx: &Context<'_>,
    users: Vec<DirectoryUser>,
    keys: &dyn KeySource,
    workers: usize,
    report: &(dyn Fn(&DirectoryUser, &Outcome) + Send + Sync),
) -> Result<(), ProvisionError> {
    run_watched(ctx, users, keys, workers, &Watch::UNWATCHED, report).await
}

/// What a watched batch tells its window and how it is stopped.
pub struct Watch<'a> {
    /// Set to stop taking new users: the users in progress are finished.
    pub stop: &'a AtomicBool,
    /// Each step of each user in progress, as it starts.
    pub step: &'a (dyn Fn(&DirectoryUser, Step) + Send + Sync),
}

/// The stop flag of an unwatched batch: never set.
static NEVER_STOPPED: AtomicBool = AtomicBool::new(false);

impl Watch<'static> {
    /// A batch nobody watches or stops (the command line's).
    pub const UNWATCHED: Watch<'static> = Watch {
        stop: &NEVER_STOPPED,
        step: &|_, _| {},
    };
}

/// [`run`], telling `watch.step` each user's steps and taking no new user once
/// `watch.stop` is set (the app's *Start batch* / *Stop batch*).
pub async fn run_watched(
    ctx: &Context<'_>,
    users: Vec<DirectoryUser>,
    keys: &dyn KeySource,
    workers: usize,
    watch: &Watch<'_>,
    report: &(dyn Fn(&DirectoryUser, &Outcome) + Send + Sync),
) -> Result<(), ProvisionError> {
    let workers = workers.max(1);
    let keys = &SetAsideRefused(keys);
    let queue = Mutex::new(VecDeque::from(users));
    let taken = Notify::new();
    let worker = || async {
        // Registered users whose key is already free: read-back and group move.
        let mut tails = FuturesUnordered::new();
        loop {
            // Stopped: take no new user, but finish the registered users' tails.
            if watch.stop.load(Ordering::SeqCst) {
                break;
            }
            let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
            let Some(user) = next else { break };
            taken.notify_one();
            let result = {
                let step = |s: Step| (watch.step)(&user, s);
                let job = provision_on_key(ctx, &user, keys, &step);
                tokio::pin!(job);
                loop {
                    tokio::select! {
                        result = &mut job => break result,
                        Some((done_user, done)) = tails.next() => {
                            report(&done_user, &Outcome::Registered(done));
                        }
                    }
                }
            };
            let outcome = match result {
                Ok(released) => {
                    tails.push(async move {
                        let done = released.finish(ctx, &user).await;
                        (user, done)
                    });
                    continue;
                }
                Err(ProvisionError::AlreadyRegistered) => Outcome::AlreadyRegistered,
                Err(ProvisionError::NotEligible(why)) => Outcome::Skipped(why.to_owned()),
                Err(e @ ProvisionError::SkippedByOperator) => Outcome::Skipped(e.to_string()),
                Err(e @ (ProvisionError::Journal(_) | ProvisionError::AuditFailed(_))) => {
                    return Err(e)
                }
                Err(e) => Outcome::Failed(e),
            };
            report(&user, &outcome);
        }
        while let Some((user, done)) = tails.next().await {
            report(&user, &Outcome::Registered(done));
        }
        Ok(())
    };
    let workers_done = futures::future::join_all((0..workers).map(|_| worker()));
    let Some(prefetch) = ctx.prefetch else {
        return workers_done.await.into_iter().collect();
    };
    let prefetcher = async {
        loop {
            let next = users_with_work(ctx, prefetch, &queue);
            let listings = &next[..next.len().min(workers * LISTINGS_PER_WORKER)];
            let timeout = ctx.challenge_timeout_minutes;
            tokio::join!(
                prefetch.warm(ctx.directory, &next, timeout, (ctx.now)()),
                prefetch.warm_listings(ctx.directory, listings),
            );
            let _ = tokio::time::timeout(PREFETCH_EVERY, taken.notified()).await;
        }
    };
    tokio::select! {
        results = workers_done => results.into_iter().collect(),
        () = prefetcher => Ok(()),
    }
}

/// The next [`PREFETCH_DEPTH`] eligible users of the queue whose job is not final: a
/// registered or skipped user needs no challenge. A user whose options are cached was
/// looked up before, so the journal is asked only about the new ones.
fn users_with_work(
    ctx: &Context<'_>,
    prefetch: &Prefetch,
    queue: &Mutex<VecDeque<DirectoryUser>>,
) -> Vec<String> {
    let ahead: Vec<String> = queue
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter(|u| u.ineligibility().is_none())
        .take(PREFETCH_DEPTH * 4)
        .map(|u| u.id.clone())
        .collect();
    let mut next = Vec::with_capacity(PREFETCH_DEPTH);
    for id in ahead {
        if next.len() == PREFETCH_DEPTH {
            break;
        }
        if prefetch.has_options(&id) {
            next.push(id);
            continue;
        }
        match ctx.journal.job(&id) {
            Ok(Some(job)) if job.state.is_final() => {}
            _ => next.push(id),
        }
    }
    next
}
