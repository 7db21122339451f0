//! A desk's PINs sealed under its run's batch key, in a real data folder: a restarted
//! desk still opens them (reprint, crash-resume), and once the batch's last letter is
//! delivered a copy of a sealed PIN taken before opens no more and the journal file
//! holds nothing of the batch.

use keydesk_core::job::JobEvent;
use keydesk_core::Pin;
use keydesk_engine::escrow::{batch_of, EscrowError};
use keydesk_engine::letters;
use keydesk_engine::station::{Station, JOURNAL_FILE};

fn journal_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = std::fs::read(dir.join(JOURNAL_FILE)).unwrap();
    if let Ok(wal) = std::fs::read(dir.join(format!("{JOURNAL_FILE}-wal"))) {
        bytes.extend(wal);
    }
    bytes
}

#[test]
fn a_delivered_batch_leaves_no_key_in_the_journal_and_old_copies_do_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let copy = {
        let desk = Station::open(dir.path()).unwrap();
        desk.journal
            .advance("u1", "kim@contoso.com", JobEvent::OptionsFetched, None)
            .unwrap();
        let sealed = desk.escrow.seal("u1", &Pin::new("482915")).unwrap();
        desk.journal
            .record_setting_pin("u1", "kim@contoso.com", &sealed)
            .unwrap();
        sealed
    };
    let batch = batch_of(&copy).expect("a desk seals under a batch key");

    let desk = Station::open(dir.path()).unwrap();
    assert_eq!(
        desk.escrow.open("u1", &copy).unwrap().expose(),
        "482915",
        "a restarted desk opens its last run's PINs"
    );
    assert!(letters::confirm_delivered(&desk.journal, None, "ops", "u1", "letter issued").unwrap());
    assert!(matches!(
        desk.escrow.open("u1", &copy),
        Err(EscrowError::Destroyed)
    ));
    drop(desk);
    let bytes = journal_bytes(dir.path());
    assert!(
        !bytes.windows(batch.len()).any(|w| w == batch),
        "the journal still holds the batch's id (its key row or a sealed PIN)"
    );
}
