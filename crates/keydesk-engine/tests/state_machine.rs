//! The journal follows the job state machine (`keydesk_core::job`, whose own properties
//! are tested next to it) for any sequence of events.

use keydesk_core::job::{JobEvent, JobState, EVENTS};
use keydesk_engine::Journal;
use proptest::prelude::*;

fn event() -> impl Strategy<Value = JobEvent> {
    proptest::sample::select(EVENTS.to_vec())
}

proptest! {
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
}
