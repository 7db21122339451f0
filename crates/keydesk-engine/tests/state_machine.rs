//! Properties of the job state machine (`keydesk_core::job`), over random event sequences,
//! and of the journal that persists it.

use keydesk_core::job::{JobEvent, JobState, ALL};
use keydesk_engine::Journal;
use proptest::prelude::*;

fn event() -> impl Strategy<Value = JobEvent> {
    prop_oneof![
        Just(JobEvent::OptionsFetched),
        Just(JobEvent::PinStarted),
        Just(JobEvent::CredentialStarted),
        Just(JobEvent::PostStarted),
        Just(JobEvent::Registered),
        Just(JobEvent::Failed),
        Just(JobEvent::Skipped),
        Just(JobEvent::Retry),
        any::<bool>().prop_map(JobEvent::Reconciled),
        Just(JobEvent::Revoked),
        Just(JobEvent::Unsure),
    ]
}

fn state() -> impl Strategy<Value = JobState> {
    proptest::sample::select(ALL.to_vec())
}

proptest! {
    /// A registration is only ever entered from `Posting` (or from `NeedsAttention`, which
    /// only `Posting` leads to): no path skips the POST.
    #[test]
    fn registered_is_entered_only_from_posting(events in proptest::collection::vec(event(), 0..60)) {
        let mut s = JobState::Pending;
        for e in events {
            if let Ok(next) = s.on(e) {
                if next == JobState::Registered && s != JobState::Registered {
                    prop_assert!(matches!(s, JobState::Posting | JobState::NeedsAttention), "{:?}", s);
                }
                if next == JobState::NeedsAttention && s != JobState::NeedsAttention {
                    prop_assert_eq!(s, JobState::Posting);
                }
                s = next;
            }
        }
    }

    /// A registered job is left only by a revocation; a final job only by the operator.
    #[test]
    fn final_states_hold(s in state(), e in event()) {
        if let Ok(next) = s.on(e) {
            if s == JobState::Registered {
                prop_assert_eq!((e, next), (JobEvent::Revoked, JobState::Revoked));
            }
            if s.is_final() && next != s {
                prop_assert!(matches!(e, JobEvent::Retry | JobEvent::Revoked));
            }
        }
    }

    /// Every unfinished job but one waiting for the operator's decision can be failed, and
    /// reconciling it as "not registered" always brings it back to pending, from where the
    /// happy path reaches `Registered`.
    #[test]
    fn unfinished_jobs_recover(s in state()) {
        if !s.is_final() && s != JobState::NeedsAttention {
            prop_assert_eq!(s.on(JobEvent::Failed), Ok(JobState::Failed));
        }
        if s.is_in_progress() {
            prop_assert_eq!(s.on(JobEvent::Reconciled(false)), Ok(JobState::Pending));
        }
        let mut p = JobState::Pending;
        for e in [JobEvent::OptionsFetched, JobEvent::PinStarted, JobEvent::CredentialStarted,
                  JobEvent::PostStarted, JobEvent::Registered] {
            p = p.on(e).unwrap();
        }
        prop_assert_eq!(p, JobState::Registered);
    }

    /// The journal holds exactly the state the pure machine computes, for any sequence:
    /// refused events change nothing.
    #[test]
    fn the_journal_follows_the_machine(events in proptest::collection::vec(event(), 0..30)) {
        let journal = Journal::in_memory().unwrap();
        journal.enqueue("u", "kim").unwrap();
        let mut s = JobState::Pending;
        for e in events {
            let stored = journal.advance("u", "kim", e, None);
            match s.on(e) {
                Ok(next) => { prop_assert_eq!(stored.unwrap(), next); s = next; }
                Err(_) => prop_assert!(stored.is_err()),
            }
            prop_assert_eq!(journal.job("u").unwrap().unwrap().state, s);
        }
    }

    /// Names round-trip through the journal's text form.
    #[test]
    fn names_round_trip(s in state()) {
        prop_assert_eq!(JobState::parse(s.as_str()), Some(s));
    }
}
