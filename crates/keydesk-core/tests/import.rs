//! The Yubico sample's `usersToRegister.csv` and plain UPN lists as a queue: good rows
//! import, bad rows are reported with their line number (wrong columns, bad UPN, expired
//! challenge, non-UTF-8, empty file), and older files without `RP.ID` still read.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use keydesk_core::import::{parse_user_list, QueueEntry, RowError};
use keydesk_core::rfc3339::unix_seconds;

const HEADER: &str = "#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime,RP.ID";

/// 2026-11-28T12:00:00Z.
fn now() -> i64 {
    unix_seconds("2026-11-28T12:00:00Z").unwrap()
}

/// A real-length user handle (51 bytes, 68 characters).
fn handle(seed: u8) -> (String, Vec<u8>) {
    let bytes: Vec<u8> = (0..51)
        .map(|i| seed.wrapping_mul(31).wrapping_add(i))
        .collect();
    (URL_SAFE_NO_PAD.encode(&bytes), bytes)
}

fn parse(text: &str) -> (Vec<QueueEntry>, Vec<RowError>) {
    parse_user_list(text.as_bytes(), now())
}

#[test]
fn the_samples_file_imports_with_its_challenges() {
    let (h1, b1) = handle(1);
    let (h2, _) = handle(2);
    let challenge = "x".repeat(3000);
    let text = format!(
        "{HEADER}\r\nkim@contoso.com,Kim User,{h1},{challenge},2026-11-28T13:00:00.1234567Z,login.microsoft.com\r\n\
         \"lee@contoso.com\",\"Lee, J\",{h2},abc,2026-11-28T12:30:00Z,login.microsoft.com\r\n"
    );
    let (entries, errors) = parse(&text);
    assert_eq!(errors, []);
    assert_eq!(entries.len(), 2);
    let kim = entries[0].prefetched.as_ref().unwrap();
    assert_eq!(entries[0].upn, "kim@contoso.com");
    assert_eq!(entries[0].line, 2);
    assert_eq!(kim.user_handle, b1);
    assert_eq!(kim.challenge.len(), 3000);
    assert_eq!(kim.rp_id.as_deref(), Some("login.microsoft.com"));
    assert!(kim.usable_at(now(), 60));
    assert_eq!(entries[1].display_name.as_deref(), Some("Lee, J"));
}

#[test]
fn an_older_file_without_rp_id_still_reads() {
    let (h1, _) = handle(3);
    let text = format!(
        "#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime\n\
         kim@contoso.com,Kim,{h1},abc,2026-11-28T13:00:00Z\n"
    );
    let (entries, errors) = parse(&text);
    assert_eq!(errors, []);
    assert_eq!(entries[0].prefetched.as_ref().unwrap().rp_id, None);
}

#[test]
fn wrong_columns_are_one_error_for_the_file() {
    let (entries, errors) = parse("#User.Name,User.ID,Challenge\nkim@contoso.com,x,y\n");
    assert!(entries.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 1);
    assert!(errors[0].message.contains("header"), "{:?}", errors[0]);
}

#[test]
fn bad_rows_are_reported_by_line_and_good_rows_still_import() {
    let (h1, _) = handle(4);
    let text = format!(
        "{HEADER}\n\
         Kim User,Kim,{h1},abc,2026-11-28T13:00:00Z,login.microsoft.com\n\
         lee@contoso.com,Lee,{h1},abc,2026-11-28T13:00:00Z,login.microsoft.com\n\
         sam@contoso.com,Sam,not+base64/=,abc,2026-11-28T13:00:00Z,login.microsoft.com\n\
         ann@contoso.com,Ann,{h1},abc\n\
         old@contoso.com,Old,{h1},abc,2026-11-28T11:59:59Z,login.microsoft.com\n\
         lee@contoso.com,Lee,{h1},abc,2026-11-28T13:00:00Z,login.microsoft.com\n"
    );
    let (entries, errors) = parse(&text);
    let upns: Vec<&str> = entries.iter().map(|e| e.upn.as_str()).collect();
    assert_eq!(upns, ["lee@contoso.com", "old@contoso.com"]);
    let lines: Vec<(usize, bool)> = errors.iter().map(|e| (e.line, e.imported)).collect();
    assert_eq!(
        lines,
        [(2, false), (4, false), (5, false), (6, true), (7, false)]
    );
    assert!(errors[0].message.contains("user principal name"));
    assert!(errors[1].message.contains("User.ID"));
    assert!(errors[3].message.contains("expired"));
    // The expired challenge is dropped, never sent: fresh options will be fetched.
    assert_eq!(entries[1].prefetched, None);
}

#[test]
fn a_non_utf8_line_is_reported_and_the_rest_imports() {
    let mut bytes = b"kim@contoso.com\n".to_vec();
    bytes.extend_from_slice(b"j\xf6rg@contoso.com\n");
    bytes.extend_from_slice(b"lee@contoso.com\n");
    let (entries, errors) = parse_user_list(&bytes, now());
    assert_eq!(entries.len(), 2);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
    assert!(errors[0].message.contains("UTF-8"));
}

#[test]
fn an_empty_file_says_so() {
    for empty in ["", "\n\n", "\u{feff}"] {
        let (entries, errors) = parse(empty);
        assert!(entries.is_empty());
        assert_eq!(errors.len(), 1, "{empty:?}");
        assert_eq!(errors[0].line, 0);
    }
    let (_, errors) = parse(&format!("{HEADER}\n"));
    assert!(errors[0].message.contains("no users"));
}

#[test]
fn plain_lists_of_upns_are_a_queue_too() {
    let (entries, errors) = parse("# desk 3\nkim@contoso.com\r\n\r\nlee@contoso.com\n");
    assert_eq!(errors, []);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].line, 4);
    let (entries, errors) = parse("displayName,UPN\n\"Kim, A\",kim@contoso.com\nLee,nobody\n");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].upn, "kim@contoso.com");
    assert_eq!(errors[0].line, 3);
}
