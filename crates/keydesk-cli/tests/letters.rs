//! What leaves the desk on paper, run as a user would and checked against the keys.
//!
//! - `a_piped_provision_then_letters_delivers_every_pin_once_and_keeps_none`: the real
//!   binary provisions a simulated group with stdout piped (so every PIN stays sealed in
//!   escrow), prints labels and letters; each letter's PIN, read back with `pdftotext`,
//!   is the one escrowed for the user on that page; afterwards no PIN is in escrow or in
//!   any file of the data folder, and a second run has nothing to print (exit 0).
//! - `pins_on_a_terminal_show_each_pin_and_wipe_only_the_confirmed_ones`: `pins` under a
//!   terminal (util-linux `script`) shows both PINs, wipes the one answered `y` and keeps
//!   the one answered `n`.
//! - `each_letter_pin_unlocks_the_key_registered_for_its_user`: the same through the
//!   engine in-process (the CLI's simulated keys live only as long as its process), so
//!   the PIN read from each page is tried on the very key registered for that user.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::{escrowed, files, finish, offline, provision, run, sim, stderr, CLI};
use keydesk_core::Pin;
use keydesk_engine::batch::{self, Outcome};
use keydesk_engine::keys::RackKeys;
use keydesk_engine::letters::{self, Selection};
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::station::{Station, StationFiles};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::{SoftKeyConfig, TouchMode};
use keydesk_fido::SecurityKey;
use keydesk_paper::{matching_code, pin_letters, LetterTemplate, PinLetter, Recipient};
use keydesk_tests::pdf::{flat, pages, pages_of};

/// `keydesk-cli <args> --data-dir <data>`, no tenant, with a deadline.
fn local(data: &Path, args: &[&str]) -> Output {
    run(offline(data, args))
}

#[test]
fn a_piped_provision_then_letters_delivers_every_pin_once_and_keeps_none() {
    let (_sim, url) = sim(&["--users", "3"]);
    let data = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let run = provision(&url, data.path(), 2, &[]).spawn().unwrap();
    let provisioned = finish(run, Duration::from_secs(90), "provision");
    assert_eq!(
        provisioned.status.code(),
        Some(0),
        "{}",
        stderr(&provisioned)
    );

    let expected = escrowed(data.path());
    assert_eq!(
        expected.len(),
        3,
        "every PIN waits in escrow after a piped run"
    );

    // Labels first: --unprinted takes the keys whose letter is not out yet.
    let labels_pdf = outside.path().join("labels.pdf");
    let labels = local(
        data.path(),
        &[
            "labels",
            "--unprinted",
            "--out",
            labels_pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(labels.status.code(), Some(0), "{}", stderr(&labels));
    let label_text = flat(&pages_of(&labels_pdf).join("\n"));
    for (user_id, serial, _) in expected.values() {
        assert!(
            label_text.contains(&matching_code(user_id, serial)),
            "{label_text}"
        );
    }

    let letters_pdf = outside.path().join("letters.pdf");
    let issued = local(
        data.path(),
        &[
            "letters",
            "--unprinted",
            "--out",
            letters_pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(issued.status.code(), Some(0), "{}", stderr(&issued));
    assert!(
        stderr(&issued).contains("holds 3 PIN(s)"),
        "{}",
        stderr(&issued)
    );
    assert!(stderr(&issued).contains("delete it"));
    let stdout = String::from_utf8_lossy(&issued.stdout).into_owned();
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.contains(" letter-issued "))
            .count(),
        3,
        "{stdout}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&letters_pdf)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the letters file is the owner's only");
    }

    let pages = pages_of(&letters_pdf);
    assert_eq!(pages.len(), 3);
    for page in &pages {
        let (upn, (user_id, serial, pin)) = expected
            .iter()
            .find(|(upn, _)| page.contains(upn.as_str()))
            .unwrap_or_else(|| panic!("no known UPN on page:\n{page}"));
        let printed: Vec<&str> = page
            .split_whitespace()
            .filter(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
            .collect();
        assert_eq!(
            printed,
            vec![pin.as_str()],
            "{upn}'s page shows exactly its PIN"
        );
        assert!(
            page.contains(&matching_code(user_id, serial)),
            "and its label's code"
        );
        // The address block has the department and office Graph had (every simulated
        // user has both).
        let departments = [
            "Finance",
            "Engineering",
            "Ward 4",
            "Sales",
            "Marketing",
            "Facilities",
        ];
        assert!(
            departments.iter().any(|d| page.contains(d)),
            "{upn}'s page names a department:\n{page}"
        );
        assert!(
            ["Floor", "Room"].iter().any(|o| page.contains(o)),
            "{upn}'s page names an office:\n{page}"
        );
    }

    // Delivered: nothing in escrow, no PIN in any file of the data folder (WAL included).
    assert!(escrowed(data.path()).is_empty());
    for file in files(data.path()) {
        let bytes = std::fs::read(&file).unwrap();
        for (_, _, pin) in expected.values() {
            assert!(
                !bytes.windows(pin.len()).any(|w| w == pin.as_bytes()),
                "a PIN in {}",
                file.display()
            );
        }
    }
    let station = Station::open(data.path()).unwrap();
    for (user_id, _, _) in expected.values() {
        assert!(station.journal.letter_issued_at(user_id).unwrap().is_some());
    }
    let audit = station.audit.export().unwrap();
    assert_eq!(audit.matches("letter issued").count(), 3, "{audit}");
    drop(station);

    // A second run has nothing to print: exit 0, a sentence, no file.
    let again_pdf = outside.path().join("again.pdf");
    let again = local(
        data.path(),
        &[
            "letters",
            "--unprinted",
            "--out",
            again_pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stderr(&again).contains("nothing to print"),
        "{}",
        stderr(&again)
    );
    assert!(!again_pdf.exists());
    // A named user with nothing waiting is a failure; labels by name still print.
    let upn = expected.keys().next().unwrap();
    let named = local(
        data.path(),
        &[
            "letters",
            "--users",
            upn,
            "--out",
            again_pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(named.status.code(), Some(1), "{}", stderr(&named));
    let relabel = local(
        data.path(),
        &[
            "labels",
            "--users",
            upn,
            "--out",
            labels_pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(relabel.status.code(), Some(0), "{}", stderr(&relabel));
}

#[test]
fn pins_refuse_a_pipe_and_letters_refuse_the_data_folder() {
    let data = tempfile::tempdir().unwrap();
    let pins = local(data.path(), &["pins"]);
    assert_eq!(pins.status.code(), Some(2));
    assert!(
        stderr(&pins).contains("keydesk-cli letters"),
        "{}",
        stderr(&pins)
    );
    assert!(pins.stdout.is_empty());
    let inside = data.path().join("letters.pdf");
    let refused = local(data.path(), &["letters", "--out", inside.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(!inside.exists());
    let template = data.path().join("missing.toml");
    let bad = local(
        data.path(),
        &[
            "letters",
            "--out",
            "x.pdf",
            "--template",
            template.to_str().unwrap(),
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn pins_on_a_terminal_show_each_pin_and_wipe_only_the_confirmed_ones() {
    let (_sim, url) = sim(&["--users", "2"]);
    let data = tempfile::tempdir().unwrap();
    let run = provision(&url, data.path(), 2, &[]).spawn().unwrap();
    let provisioned = finish(run, Duration::from_secs(90), "provision");
    assert_eq!(
        provisioned.status.code(),
        Some(0),
        "{}",
        stderr(&provisioned)
    );
    let order: Vec<(String, String)> = {
        let station = Station::open(data.path()).unwrap();
        letters::pending(&station.journal, &station.escrow, Selection::Unprinted)
            .unwrap()
            .letters
            .into_iter()
            .map(|l| (l.upn, l.pin.expose().to_owned()))
            .collect()
    };
    assert_eq!(order.len(), 2);

    // util-linux `script` gives the command a terminal; the answers come from the pipe.
    let line = format!("{CLI} pins --data-dir {}", data.path().display());
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("util-linux script runs");
    {
        use std::io::Write;
        let mut answers = child.stdin.take().unwrap();
        answers.write_all(b"y\nn\n").unwrap();
    }
    let shown = finish(child, Duration::from_secs(60), "pins on a terminal");
    let screen = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert_eq!(shown.status.code(), Some(0), "{screen}");
    for (upn, pin) in &order {
        assert!(
            screen.contains(&format!("{upn} ")) && screen.contains(pin.as_str()),
            "{screen}"
        );
    }
    assert!(
        screen.contains("PIN wiped") && screen.contains("kept in escrow"),
        "{screen}"
    );
    let left = escrowed(data.path());
    assert_eq!(
        left.keys().collect::<Vec<_>>(),
        vec![&order[1].0],
        "only the confirmed PIN is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_letter_pin_unlocks_the_key_registered_for_its_user() {
    keydesk_tests::within(async {
        let sim = keydesk_sim::Sim::start(keydesk_sim::SimConfig {
            users: 3,
            ..keydesk_sim::SimConfig::default()
        })
        .await
        .unwrap();
        let graph = keydesk_tests::signed_in(&sim).await;
        let users = keydesk_tests::group_members(&sim, &graph).await;
        let dir = tempfile::tempdir().unwrap();
        let store = Box::new(MemoryStore::default());
        let station = Station::open_with(dir.path(), StationFiles::DESK, Some(store)).unwrap();
        let rack = Arc::new(SoftRack::new());
        let keys: Vec<_> = (0..users.len())
            .map(|i| {
                let mut config = SoftKeyConfig::with_serial(format!("LETTER{i}"));
                config.touch = TouchMode::Auto(Duration::from_millis(1));
                rack.plug_new(config)
            })
            .collect();
        let ctx = station.context(&graph);
        let report = |_: &keydesk_core::DirectoryUser, outcome: &Outcome| {
            assert!(matches!(outcome, Outcome::Registered(_)), "{outcome:?}");
        };
        let workers = keys.len();
        batch::run(&ctx, users.clone(), &RackKeys::new(rack), workers, &report)
            .await
            .unwrap();

        let pending =
            letters::pending(&station.journal, &station.escrow, Selection::Unprinted).unwrap();
        assert_eq!(pending.letters.len(), users.len());
        let paper: Vec<PinLetter> = pending
            .letters
            .iter()
            .map(|l| PinLetter {
                user_id: l.user_id.clone(),
                recipient: Recipient {
                    display_name: l.display_name.clone(),
                    upn: l.upn.clone(),
                    department: None,
                    office: None,
                },
                key_model: l.key_model.clone(),
                key_serial: l.key_serial.clone(),
                pin: l.pin.clone(),
                forced_change: l.forced_change,
                biometric: l.biometric,
            })
            .collect();
        let pdf = pin_letters(&LetterTemplate::default(), &paper).unwrap();
        for (page, letter) in pages(&pdf).iter().zip(&paper) {
            assert!(page.contains(&letter.recipient.upn));
            let pin = page
                .split_whitespace()
                .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
                .expect("a six-digit PIN on the page");
            let mut key = None;
            for k in &keys {
                if k.info().await.unwrap().serial.as_deref() == Some(letter.key_serial.as_str()) {
                    key = Some(k);
                }
            }
            let key = key.expect("the letter names a key of the rack");
            let wrong = Pin::new(if pin == "000000" { "111111" } else { "000000" });
            assert!(
                SecurityKey::credentials(key.as_ref(), &wrong)
                    .await
                    .is_err(),
                "a wrong PIN is refused"
            );
            let held = SecurityKey::credentials(key.as_ref(), &Pin::new(pin))
                .await
                .expect("the printed PIN unlocks the key");
            assert_eq!(held.len(), 1, "the key holds the user's passkey");
            assert!(letters::confirm_delivered(
                &station.journal,
                None,
                "test",
                &letter.user_id,
                "letter issued"
            )
            .unwrap());
        }
        assert!(
            letters::pending(&station.journal, &station.escrow, Selection::Unprinted)
                .unwrap()
                .letters
                .is_empty()
        );
    })
    .await;
}
