//! Properties of the job state machine, over random event sequences. (The journal that
//! persists it has its own property test in keydesk-engine.)

use keydesk_core::job::{JobEvent, JobState, ALL, EVENTS};
use proptest::prelude::*;

fn event() -> impl Strategy<Value = JobEvent> {
    proptest::sample::select(EVENTS.to_vec())
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

    /// Names round-trip through the journal's text form.
    #[test]
    fn names_round_trip(s in state()) {
        prop_assert_eq!(JobState::parse(s.as_str()), Some(s));
    }
}
