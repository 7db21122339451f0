//! Opening a data folder the one way the app and the CLI do ([`Station::open_with`]), and
//! the queue as the window shows it ([`queue::rows`]).

use keydesk_core::job::JobEvent;
use keydesk_core::DirectoryUser;
use keydesk_engine::queue::{self, QueueStatus};
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::station::{Station, StationError, StationFiles};

fn user(id: &str, enabled: bool, guest: bool) -> DirectoryUser {
    DirectoryUser {
        id: id.into(),
        upn: format!("{id}@contoso.com"),
        display_name: id.into(),
        enabled,
        guest,
        department: None,
        office: None,
    }
}

/// A demo station (fresh files, keys in memory) in `dir`.
fn demo_station(dir: &std::path::Path) -> Station {
    Station::open_with(
        dir,
        StationFiles::DEMO,
        Some(Box::new(MemoryStore::default())),
    )
    .unwrap()
}

#[test]
fn demo_files_start_fresh_beside_the_desk_files_and_the_lock_is_taken_once() {
    let dir = tempfile::tempdir().unwrap();
    {
        let desk = Station::open(dir.path()).unwrap();
        desk.journal.enqueue("u1", "u1@contoso.com").unwrap();
    }
    std::fs::write(
        dir.path().join("demo-audit.log"),
        b"left over from a crashed demo",
    )
    .unwrap();
    {
        let demo = demo_station(dir.path());
        assert!(
            demo.journal.jobs().unwrap().is_empty(),
            "a demo starts with no jobs"
        );
        // One KeyDesk per folder, demo or not, even inside one process.
        let again = Station::open(dir.path());
        assert!(
            matches!(again, Err(StationError::Lock(_))),
            "second open refused"
        );
        demo.journal.enqueue("d1", "d1@contoso.com").unwrap();
    }
    assert!(dir.path().join("demo-journal.sqlite").exists());
    // The desk's own journal is untouched by the demo.
    let desk = Station::open(dir.path()).unwrap();
    let ids: Vec<_> = desk
        .journal
        .jobs()
        .unwrap()
        .into_iter()
        .map(|j| j.user_id)
        .collect();
    assert_eq!(ids, ["u1"]);
}

#[test]
fn queue_rows_join_users_with_their_jobs_in_the_users_order() {
    let dir = tempfile::tempdir().unwrap();
    let station = demo_station(dir.path());
    let j = &station.journal;
    j.advance("done", "done@contoso.com", JobEvent::OptionsFetched, None)
        .unwrap();
    j.advance(
        "done",
        "done@contoso.com",
        JobEvent::Failed,
        Some("key removed"),
    )
    .unwrap();
    j.advance("going", "going@contoso.com", JobEvent::OptionsFetched, None)
        .unwrap();
    j.advance(
        "gone",
        "gone@contoso.com",
        JobEvent::Skipped,
        Some("skipped by the operator"),
    )
    .unwrap();
    let users = [
        user("new", true, false),
        user("done", true, false),
        user("going", true, false),
        user("gone", true, false),
        user("guest", true, true),
        user("off", false, false),
    ];
    let rows = queue::rows(j, &users).unwrap();
    let got: Vec<_> = rows
        .iter()
        .map(|r| (r.user.id.as_str(), r.status, r.detail.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("new", QueueStatus::Pending, None),
            ("done", QueueStatus::Failed, Some("key removed")),
            ("going", QueueStatus::InProgress, None),
            (
                "gone",
                QueueStatus::Skipped,
                Some("skipped by the operator")
            ),
            (
                "guest",
                QueueStatus::Skipped,
                Some("guest accounts cannot hold passkeys")
            ),
            ("off", QueueStatus::Skipped, Some("account is disabled")),
        ]
    );
    // Reading the queue enqueues nobody.
    assert_eq!(j.jobs().unwrap().len(), 3);
}

#[test]
fn users_moved_to_the_top_come_first_latest_move_first_and_the_rest_keep_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let station = demo_station(dir.path());
    let j = &station.journal;
    let users: Vec<_> = ["a", "b", "c", "d", "e", "f"]
        .iter()
        .map(|id| user(id, true, false))
        .collect();
    // "b" was worked before: the journal knows it, at the end of its queue.
    j.advance("b", "b@contoso.com", JobEvent::OptionsFetched, None)
        .unwrap();
    let order = |j| -> Vec<String> {
        queue::rows(j, &users)
            .unwrap()
            .into_iter()
            .map(|r| r.user.id)
            .collect()
    };
    assert_eq!(order(j), ["a", "b", "c", "d", "e", "f"]);

    queue::move_to_top(j, &[users[4].clone(), users[2].clone()]).unwrap();
    assert_eq!(order(j), ["e", "c", "a", "b", "d", "f"]);
    queue::move_to_top(j, &[users[5].clone()]).unwrap();
    assert_eq!(order(j), ["f", "e", "c", "a", "b", "d"]);
    // A batch works them in that order too.
    let work: Vec<_> = queue::workable(j, users.clone())
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(work[..3], ["f", "e", "c"]);
}
