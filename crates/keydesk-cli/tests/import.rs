//! `keydesk-cli import`: the Yubico sample's configs.json gives the flags to use and never
//! echoes the secret; a users file imports its good rows and names each bad row's line.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{finish, CLI};

fn import(args: &[&str], file: &std::path::Path) -> std::process::Output {
    let child = Command::new(CLI)
        .arg("import")
        .args(args)
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child, Duration::from_secs(60), "import")
}

#[test]
fn the_samples_config_gives_the_flags_and_never_echoes_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("configs.json");
    std::fs::write(
        &file,
        r#"{"tenantName": "contoso.onmicrosoft.com", "client_id": "11111111-2222-3333-4444-555555555555",
            "client_secret": "Zx8~very.secret", "usersInScopeGroup": "FIDO Users",
            "challengeTimeoutInMinutes": 60, "deleteExistingUserFIDOCredentials": false,
            "useRandomPIN": true, "useCTAP21Features": false}"#,
    )
    .unwrap();
    let output = import(&["yubico-config"], &file);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains(
            "--tenant contoso.onmicrosoft.com --client-id 11111111-2222-3333-4444-555555555555"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("--group FIDO Users"));
    assert!(!stdout.contains("very.secret") && !stderr.contains("very.secret"));
    // Stored in the keyring (exit 0), or no keyring here (exit 2): the file goes either way.
    match output.status.code() {
        Some(0) => assert!(stderr.contains("delete"), "{stderr}"),
        Some(2) => assert!(stderr.contains("KEYDESK_CLIENT_SECRET"), "{stderr}"),
        other => panic!("exit {other:?}: {stderr}"),
    }
    std::fs::write(
        &file,
        r#"{"tenantName": "{tenantName}.onmicrosoft.com", "client_id": ""}"#,
    )
    .unwrap();
    let placeholder = import(&["yubico-config"], &file);
    assert_eq!(placeholder.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&placeholder.stderr).contains("tenantName"));
}

#[test]
fn a_users_file_imports_good_rows_and_names_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("usersToRegister.csv");
    std::fs::write(
        &file,
        "#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime,RP.ID\r\n\
         kim@contoso.com,Kim,a2ltLWhhbmRsZQ,abc,2099-01-01T00:00:00Z,login.microsoft.com\r\n\
         not a upn,Nobody,a2ltLWhhbmRsZQ,abc,2099-01-01T00:00:00Z,login.microsoft.com\r\n\
         lee@contoso.com,Lee,bGVlLWhhbmRsZQ,abc,2020-01-01T00:00:00Z,login.microsoft.com\r\n",
    )
    .unwrap();
    let output = import(&["users"], &file);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout,
        "kim@contoso.com 2 prefetched\nlee@contoso.com 4 fetch\n"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 3: 'not a upn'"), "{stderr}");
    assert!(stderr.contains("line 4: the challenge expired"), "{stderr}");
}
