//! A list of users worked over several keys at once: one worker per key, each taking the
//! next user from a shared queue, so a slow touch on one key never stalls another. When
//! the context has a [`crate::prefetch::Prefetch`], a prefetcher keeps the next users'
//! creation options warm alongside.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use keydesk_core::DirectoryUser;

use crate::keys::KeySource;
use crate::{provision_user, Context, ProvisionError, Provisioned, Step};

/// How often the prefetcher looks at the head of the queue.
const PREFETCH_EVERY: Duration = Duration::from_secs(5);
/// How many users ahead the prefetcher keeps creation options for.
const PREFETCH_DEPTH: usize = 8;

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
/// completion order. Stops early only when a journal write fails: nothing may be done
/// without the journal.
pub async fn run(
    ctx: &Context<'_>,
    users: Vec<DirectoryUser>,
    keys: &dyn KeySource,
    workers: usize,
    report: &(dyn Fn(&DirectoryUser, &Outcome) + Send + Sync),
) -> Result<(), ProvisionError> {
    let watch = Watch {
        stop: &AtomicBool::new(false),
        step: &|_, _| {},
    };
    run_watched(ctx, users, keys, workers, &watch, report).await
}

/// What a watched batch tells its window and how it is stopped.
pub struct Watch<'a> {
    /// Set to stop taking new users: the users in progress are finished.
    pub stop: &'a AtomicBool,
    /// Each step of each user in progress, as it starts.
    pub step: &'a (dyn Fn(&DirectoryUser, Step) + Send + Sync),
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
    let queue = Mutex::new(VecDeque::from(users));
    let worker = || async {
        loop {
            if watch.stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
            let Some(user) = next else { return Ok(()) };
            let step = |s: Step| (watch.step)(&user, s);
            let outcome = match provision_user(ctx, &user, keys, &step).await {
                Ok(done) => Outcome::Registered(done),
                Err(ProvisionError::AlreadyRegistered) => Outcome::AlreadyRegistered,
                Err(ProvisionError::NotEligible(why)) => Outcome::Skipped(why.to_owned()),
                Err(e @ ProvisionError::SkippedByOperator) => Outcome::Skipped(e.to_string()),
                Err(e @ ProvisionError::Journal(_)) => return Err(e),
                Err(e) => Outcome::Failed(e),
            };
            report(&user, &outcome);
        }
    };
    let workers = futures::future::join_all((0..workers.max(1)).map(|_| worker()));
    let Some(prefetch) = ctx.prefetch else {
        return workers.await.into_iter().collect();
    };
    let prefetcher = async {
        loop {
            let ahead: Vec<String> = queue
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .filter(|u| u.ineligibility().is_none())
                .map(|u| u.id.clone())
                .collect();
            // Only users with work left: a registered or skipped user needs no challenge.
            let mut next = Vec::with_capacity(PREFETCH_DEPTH);
            for id in ahead {
                if next.len() == PREFETCH_DEPTH {
                    break;
                }
                match ctx.journal.job(&id) {
                    Ok(Some(job)) if job.state.is_final() => {}
                    _ => next.push(id),
                }
            }
            prefetch
                .warm(
                    ctx.directory,
                    &next,
                    ctx.challenge_timeout_minutes,
                    (ctx.now)(),
                )
                .await;
            tokio::time::sleep(PREFETCH_EVERY).await;
        }
    };
    tokio::select! {
        results = workers => results.into_iter().collect(),
        () = prefetcher => Ok(()),
    }
}
