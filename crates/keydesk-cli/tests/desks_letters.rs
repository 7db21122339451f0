//! Letters and the inventory across desks, as operators would run them: desk 1
//! provisions a simulated group through the shared store (PostgreSQL, a throwaway
//! cluster) and stops; desk 2, with its own empty data folder, prints every label and
//! letter from the shared store (`labels --store`, `letters --store`) and lists desk 1's
//! keys (`inventory --store`). Each page holds the PIN desk 1 sealed; afterwards the store holds no PIN, the batch's
//! key is destroyed (a sealed copy taken before opens no more) and the shared audit
//! chain records each letter.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use common::{finish, json_lines, offline, provision, run, sim, stderr, stdout_lines};
use keydesk_core::job::JobState;
use keydesk_engine::escrow::{batch_of, EscrowError, EscrowKeys};
use keydesk_engine::port::{JobStore, LetterStore};
use keydesk_store_pg::pool::PoolSecret;
use keydesk_store_pg::PgStore;
use keydesk_tests::pdf::{flat, pages_of};
use keydesk_tests::pg::{Cluster, PASSWORD};

const USERS: usize = 3;

/// `cmd` as desk `name` on `store` with the pool secret, run to its end.
fn as_desk(mut cmd: Command, store: &str, pool: &str, name: &str) -> Command {
    cmd.args(["--store", store, "--desk-name", name])
        .env("PGPASSWORD", PASSWORD)
        .env("KEYDESK_POOL_SECRET", pool);
    cmd
}

fn at_desk_2(data: &Path, store: &str, pool: &str, args: &[&str]) -> Output {
    run(as_desk(offline(data, args), store, pool, "desk-2"))
}

#[test]
fn a_letter_sealed_at_desk_1_prints_at_desk_2_and_desk_2_lists_desk_1s_keys() {
    let cluster = Cluster::start();
    let store = cluster.database("letters");
    let (_sim, sim_url) = sim(&["--users", &USERS.to_string()]);
    let pool = PoolSecret::generate();
    let (desk_1, desk_2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let outside = tempfile::tempdir().unwrap();

    let cmd = provision(&sim_url, desk_1.path(), 2, &["--json"]);
    let child = as_desk(cmd, &store, &pool, "desk-1").spawn().unwrap();
    let out = finish(child, Duration::from_secs(120), "desk 1");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // What desk 1 left in the shared store: every PIN sealed, under one batch.
    let observer = PgStore::connect(&store.parse().unwrap(), PASSWORD, "observer").unwrap();
    let secret = PoolSecret::new(&pool).unwrap();
    let escrow = observer.pool_escrow(&secret).unwrap();
    let jobs = observer.jobs().unwrap();
    assert_eq!(jobs.len(), USERS);
    let sealed: Vec<(String, String, Vec<u8>)> = jobs
        .iter()
        .map(|j| {
            assert_eq!(j.state, JobState::Registered, "{}", j.upn);
            let copy = j.pin_sealed.clone().expect("a PIN waits for its letter");
            (j.user_id.clone(), j.upn.clone(), copy)
        })
        .collect();
    let batch = batch_of(&sealed[0].2).expect("sealed under a batch key");
    // What the letters print besides the PIN came through from desk 1 too.
    let facts = observer.letter_jobs(true).unwrap();
    assert_eq!(facts.len(), USERS);
    let names: Vec<String> = facts
        .iter()
        .map(|f| f.display_name.clone().expect("desk 1's display name"))
        .collect();
    let pins: Vec<String> = sealed
        .iter()
        .map(|(id, _, copy)| escrow.open(id, copy).unwrap().expose().to_owned())
        .collect();

    // Desk 2 prints desk 1's key labels, then every letter, from the shared store.
    let labels = outside.path().join("labels.pdf");
    let out = at_desk_2(
        desk_2.path(),
        &store,
        &pool,
        &["labels", "--unprinted", "--out", labels.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let labelled = stdout_lines(&out)
        .iter()
        .filter(|l| l.split(' ').nth(1) == Some("label"))
        .count();
    assert_eq!(labelled, USERS, "{:?}", stdout_lines(&out));
    let pdf = outside.path().join("letters.pdf");
    let out = at_desk_2(
        desk_2.path(),
        &store,
        &pool,
        &["letters", "--unprinted", "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = stdout_lines(&out);
    let issued: BTreeSet<&str> = lines
        .iter()
        .filter(|l| l.split(' ').nth(1) == Some("letter-issued"))
        .filter_map(|l| l.split(' ').next())
        .collect();
    let upns: BTreeSet<&str> = sealed.iter().map(|(_, upn, _)| upn.as_str()).collect();
    assert_eq!(issued, upns, "{lines:?}");
    let text = flat(&pages_of(&pdf).join("\n"));
    for name in &names {
        assert!(text.contains(&flat(name)), "{name} is not in the letters");
    }
    for pin in &pins {
        assert!(
            text.contains(pin.as_str()),
            "a PIN desk 1 sealed is not in the letters"
        );
    }

    // Delivered: no PIN left in the store, the batch key gone with the last one.
    assert!(observer
        .jobs()
        .unwrap()
        .iter()
        .all(|j| j.pin_sealed.is_none()));
    assert!(observer.batch_key(&batch).unwrap().is_none());
    let (id, _, copy) = &sealed[0];
    assert!(matches!(escrow.open(id, copy), Err(EscrowError::Destroyed)));
    let again = at_desk_2(
        desk_2.path(),
        &store,
        &pool,
        &["letters", "--unprinted", "--out", pdf.to_str().unwrap()],
    );
    assert!(
        stderr(&again).contains("nothing to print"),
        "{}",
        stderr(&again)
    );
    let entries = observer.audit_entries().unwrap();
    let letters = entries
        .iter()
        .filter(|e| e.desk == "desk-2" && e.line.starts_with("letter issued"))
        .count();
    assert_eq!(letters, USERS);
    observer.audit_verify(&secret).unwrap();

    // Desk 2's inventory from the shared store lists desk 1's keys; its own folder none.
    let out = at_desk_2(desk_2.path(), &store, &pool, &["inventory", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed: BTreeSet<String> = json_lines(&out)
        .iter()
        .map(|v| v["upn"].as_str().unwrap().to_owned())
        .collect();
    let upns: BTreeSet<String> = upns.iter().map(|u| (*u).to_owned()).collect();
    assert_eq!(listed, upns);
    let serials: BTreeSet<String> = json_lines(&out)
        .iter()
        .map(|v| v["keySerial"].as_str().unwrap().to_owned())
        .collect();
    let desk_1_serials: BTreeSet<String> =
        jobs.iter().map(|j| j.key_serial.clone().unwrap()).collect();
    assert_eq!(serials, desk_1_serials);
    let own = run(offline(desk_2.path(), &["inventory"]));
    assert!(stderr(&own).contains("0 of 0"), "{}", stderr(&own));
}
