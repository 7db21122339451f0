//! A crash point for the kill harness (issue 17's crash matrix): with
//! `KEYDESK_CRASH_AT=<state>:<n>` in the environment, the process aborts right after its
//! n-th journaled move into `<state>` (a `JobState` name, e.g. `setting_pin`) is committed
//! and handed to the mirror, before the side effect that step announces: no destructor
//! runs and nothing is flushed, as under SIGKILL. Unset (the only case outside the tests),
//! a step costs one relaxed load.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use keydesk_core::job::JobState;

/// The environment variable naming the crash point.
pub const CRASH_AT: &str = "KEYDESK_CRASH_AT";

static TARGET: OnceLock<Option<(JobState, u64)>> = OnceLock::new();
static REACHED: AtomicU64 = AtomicU64::new(0);

fn target() -> Option<(JobState, u64)> {
    *TARGET.get_or_init(|| {
        let spec = std::env::var(CRASH_AT).ok()?;
        let (state, n) = spec.split_once(':')?;
        Some((JobState::parse(state.trim())?, n.trim().parse().ok()?))
    })
}

/// Called after a move into `state` was committed.
pub(crate) fn after_commit(state: JobState) {
    let Some((at, n)) = target() else {
        return;
    };
    if at == state && REACHED.fetch_add(1, Ordering::SeqCst) + 1 == n {
        std::process::abort();
    }
}
