//! Scale: `provision --soft-keys 4` works a 500-user simulated group from a fresh start
//! and every user ends with exactly one passkey in the tenant (`/_sim/state`).

mod common;

use std::time::{Duration, Instant};

use common::{finish, passkey_counts, provision, sim, stderr, stdout_lines};

const USERS: usize = 500;

#[test]
fn four_soft_keys_provision_500_users_each_exactly_once() {
    let (_sim, url) = sim(&["--users", &USERS.to_string()]);
    let data = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let child = provision(&url, data.path(), 4, &[]).spawn().unwrap();
    let out = finish(child, Duration::from_secs(120), "provision of 500 users");
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = stdout_lines(&out);
    assert_eq!(lines.len(), USERS);
    assert!(lines
        .iter()
        .all(|l| l.split(' ').nth(1) == Some("registered")));
    assert!(
        stderr(&out).contains(&format!("{USERS} registered")),
        "{}",
        stderr(&out)
    );
    let provisioned: Vec<&str> = lines.iter().filter_map(|l| l.split(' ').next()).collect();
    let counts = passkey_counts(&url);
    let group: Vec<_> = counts
        .iter()
        .filter(|(upn, _)| provisioned.contains(&upn.as_str()))
        .collect();
    assert_eq!(group.len(), USERS, "every user listed once");
    let wrong: Vec<_> = group.iter().filter(|(_, n)| *n != 1).collect();
    assert!(
        wrong.is_empty(),
        "users without exactly one passkey: {wrong:?}"
    );
    assert!(
        counts.iter().all(|(_, n)| *n <= 1),
        "nobody has two: {counts:?}"
    );
    eprintln!("500 users on 4 simulated keys: {:.1} s", took.as_secs_f64());
}
