//! `keydesk-vm-probe`: run inside the test VM against virtual keys (`keydesk-vkey`), through
//! ctap-hid-fido2 → hidapi → hidraw → UHID, the path a real key takes. It stands in for
//! KeyDesk's own hardware driver until that driver's `#[ignore]`d suite exists, and keeps
//! checking the virtual key itself afterwards. Each subcommand is one scenario; it prints
//! what it checked and exits non-zero on the first surprise.

mod ctaphid;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use ctap_hid_fido2::fidokey::{CredentialExtension as Mext, MakeCredentialArgsBuilder};
use ctap_hid_fido2::public_key_credential_user_entity::PublicKeyCredentialUserEntity;
use ctap_hid_fido2::{FidoKeyHid, FidoKeyHidFactory, HidParam, LibCfg};

type Outcome = Result<(), String>;

const RP: &str = "login.microsoft.com";
const PIN: &str = "40718236";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let outcome = match arg(0).as_str() {
        "count" => count(arg(1).parse().unwrap_or(1)),
        "identity" => identity(),
        "pin-and-credential" => pin_and_credential(&arg(1)),
        "reset" => reset(&arg(1), arg(2) == "refused"),
        "pin-blocked" => pin_blocked(&arg(1)),
        "pin-works" => pin_works(&arg(1)),
        "parallel" => parallel(),
        "pulled" => pulled(&arg(1)),
        _ => Err(
            "usage: keydesk-vm-probe count N | identity | pin-and-credential PATH | \
                  reset PATH ok|refused | pin-blocked PATH | pin-works PATH | parallel | pulled PATH"
                .into(),
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("probe: FAILED: {why}");
            ExitCode::FAILURE
        }
    }
}

fn paths() -> Vec<String> {
    let mut p: Vec<String> = ctap_hid_fido2::get_fidokey_devices()
        .into_iter()
        .filter_map(|d| match d.param {
            HidParam::Path(p) => Some(p),
            HidParam::VidPid { .. } => None,
        })
        .collect();
    p.sort();
    p
}

fn open(path: &str) -> Result<FidoKeyHid, String> {
    let mut cfg = LibCfg::init();
    cfg.enable_keep_alive_msg = false;
    let mut key = FidoKeyHidFactory::create_by_params(&[HidParam::Path(path.into())], &cfg)
        .map_err(|e| format!("open {path}: {e}"))?;
    // soft-fido2 speaks only PIN/UV protocol 2; ctap-hid-fido2 defaults to 1.
    let two = key
        .set_pin_uv_auth_protocol_two()
        .map_err(|e| format!("getInfo: {e}"))?;
    if !two {
        return Err(format!("{path}: key does not offer PIN/UV protocol 2"));
    }
    Ok(key)
}

fn expect(cond: bool, what: &str) -> Outcome {
    if cond {
        println!("probe: ok: {what}");
        Ok(())
    } else {
        Err(what.to_string())
    }
}

/// Enumeration: exactly `n` FIDO keys (usage page 0xF1D0) appear within 10 s.
fn count(n: usize) -> Outcome {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = paths();
        if found.len() == n {
            return expect(true, &format!("{n} key(s) enumerated: {found:?}"));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "expected {n} key(s), found {}: {found:?}",
                found.len()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Identity: every key answers getInfo as a CTAP 2.1 key with protocol 2 only and no PIN.
fn identity() -> Outcome {
    for path in paths() {
        let key = open(&path)?;
        let info = key.get_info().map_err(|e| format!("getInfo: {e}"))?;
        println!(
            "probe: {path}: versions {:?} aaguid {}",
            info.versions,
            hex(&info.aaguid)
        );
        // soft-fido2 0.17 lists only FIDO_2_0 although it does PIN protocol 2, credential
        // management and credProtect: a driver must not insist on FIDO_2_1.
        expect(
            info.versions.iter().any(|v| v.starts_with("FIDO_2_")),
            "versions list FIDO2",
        )?;
        expect(
            info.aaguid == b"keydesk-vkey-001",
            "AAGUID is the virtual key's",
        )?;
        expect(
            info.pin_uv_auth_protocols == [2],
            "PIN/UV protocols are [2]",
        )?;
        expect(
            info.options.contains(&("clientPin".into(), false)),
            "clientPin is offered and not set",
        )?;
        expect(
            info.options.contains(&("rk".into(), true)),
            "resident keys supported",
        )?;
    }
    Ok(())
}

/// setPIN, PIN retries, wrong PIN refused, makeCredential with credProtect + hmac-secret,
/// and the excludeList refusal.
fn pin_and_credential(path: &str) -> Outcome {
    let key = open(path)?;
    let retries = key
        .get_pin_retries()
        .map_err(|e| format!("getPINRetries: {e}"))?;
    expect(
        retries == 8,
        &format!("8 PIN retries before any PIN (got {retries})"),
    )?;
    key.set_new_pin(PIN).map_err(|e| format!("setPIN: {e}"))?;
    expect(true, "setPIN with protocol 2")?;

    let user = PublicKeyCredentialUserEntity::new(Some(b"user-1"), Some("ada"), Some("Ada"));
    let wrong = key.make_credential_with_args(
        &MakeCredentialArgsBuilder::new(RP, b"{\"type\":\"webauthn.create\"}")
            .pin("00000000")
            .user_entity(&user)
            .build(),
    );
    let err = wrong.err().map(|e| e.to_string()).unwrap_or_default();
    expect(
        err.contains("0x31"),
        &format!("wrong PIN refused with 0x31 ({err})"),
    )?;
    let retries = key
        .get_pin_retries()
        .map_err(|e| format!("getPINRetries: {e}"))?;
    expect(
        retries == 7,
        &format!("one retry used by the wrong PIN (now {retries})"),
    )?;

    let exts = [
        Mext::CredProtect(Some(
            ctap_hid_fido2::fidokey::credential_management::credential_management_params::CredentialProtectionPolicy::UserVerificationOptionalWithCredentialIdList,
        )),
        Mext::HmacSecret(Some(true)),
    ];
    let att = key
        .make_credential_with_args(
            &MakeCredentialArgsBuilder::new(RP, b"{\"type\":\"webauthn.create\"}")
                .pin(PIN)
                .user_entity(&user)
                .resident_key()
                .extensions(&exts)
                .build(),
        )
        .map_err(|e| format!("makeCredential: {e}"))?;
    let id = att.credential_descriptor.id.clone();
    expect(
        !id.is_empty(),
        &format!("credential made, fmt {} id {}", att.fmt, hex(&id)),
    )?;
    expect(att.flags.user_present_result, "UP flag set")?;
    expect(att.flags.user_verified_result, "UV flag set (PIN used)")?;
    expect(
        att.extensions.len() == 2,
        &format!("credProtect and hmac-secret answered: {:?}", att.extensions),
    )?;
    let retries = key
        .get_pin_retries()
        .map_err(|e| format!("getPINRetries: {e}"))?;
    expect(
        retries == 8,
        &format!("retries back to 8 after a good PIN (got {retries})"),
    )?;

    let again = key.make_credential_with_args(
        &MakeCredentialArgsBuilder::new(RP, b"{\"type\":\"webauthn.create\"}")
            .pin(PIN)
            .user_entity(&user)
            .exclude_authenticator(&id)
            .build(),
    );
    let err = again.err().map(|e| e.to_string()).unwrap_or_default();
    expect(
        err.contains("0x19"),
        &format!("excludeList refused with 0x19 ({err})"),
    )
}

/// Three wrong PINs in a row: the third and any PIN after it get 0x34 PIN_AUTH_BLOCKED
/// (until a re-plug), and only three retries are spent.
fn pin_blocked(path: &str) -> Outcome {
    let key = open(path)?;
    key.set_new_pin(PIN).map_err(|e| format!("setPIN: {e}"))?;
    let user = PublicKeyCredentialUserEntity::new(Some(b"user-1"), Some("ada"), Some("Ada"));
    let attempt = |pin: &str| {
        key.make_credential_with_args(
            &MakeCredentialArgsBuilder::new(RP, b"{}")
                .pin(pin)
                .user_entity(&user)
                .build(),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
    };
    for n in 1..=2 {
        let err = attempt("00000000");
        expect(
            err.contains("0x31"),
            &format!("wrong PIN {n} refused with 0x31 ({err})"),
        )?;
    }
    let err = attempt("00000000");
    expect(
        err.contains("0x34"),
        &format!("third wrong PIN blocks: 0x34 ({err})"),
    )?;
    let err = attempt(PIN);
    expect(
        err.contains("0x34"),
        &format!("even the right PIN waits for a re-plug ({err})"),
    )?;
    let retries = key
        .get_pin_retries()
        .map_err(|e| format!("getPINRetries: {e}"))?;
    expect(
        retries == 5,
        &format!("three retries spent, 5 left (got {retries})"),
    )
}

/// After a re-plug the PIN set before it works again, and restores the retries.
fn pin_works(path: &str) -> Outcome {
    let key = open(path)?;
    let user = PublicKeyCredentialUserEntity::new(Some(b"user-1"), Some("ada"), Some("Ada"));
    key.make_credential_with_args(
        &MakeCredentialArgsBuilder::new(RP, b"{}")
            .pin(PIN)
            .user_entity(&user)
            .build(),
    )
    .map_err(|e| format!("makeCredential with the PIN after a re-plug: {e}"))?;
    let retries = key
        .get_pin_retries()
        .map_err(|e| format!("getPINRetries: {e}"))?;
    expect(
        retries == 8,
        &format!("the PIN works after a re-plug, retries 8 (got {retries})"),
    )
}

/// authenticatorReset sent right after plug (ok) or after the 10 s window (refused, 0x30).
fn reset(path: &str, refused: bool) -> Outcome {
    let status = ctaphid::reset(path)?;
    if refused {
        expect(
            status == 0x30,
            &format!("reset outside the window refused: 0x{status:02x}"),
        )
    } else {
        expect(
            status == 0x00,
            &format!("reset inside the window accepted: 0x{status:02x}"),
        )
    }
}

/// Every key at once, one thread each: set PIN and make a credential.
fn parallel() -> Outcome {
    let all = paths();
    expect(
        all.len() >= 2,
        &format!("{} keys to provision in parallel", all.len()),
    )?;
    let handles: Vec<_> = all
        .into_iter()
        .enumerate()
        .map(|(i, path)| {
            std::thread::spawn(move || -> Outcome {
                let key = open(&path)?;
                key.set_new_pin(PIN)
                    .map_err(|e| format!("{path}: setPIN: {e}"))?;
                let uid = format!("user-{i}");
                let user = PublicKeyCredentialUserEntity::new(
                    Some(uid.as_bytes()),
                    Some(&uid),
                    Some(&uid),
                );
                let att = key
                    .make_credential_with_args(
                        &MakeCredentialArgsBuilder::new(RP, uid.as_bytes())
                            .pin(PIN)
                            .user_entity(&user)
                            .resident_key()
                            .build(),
                    )
                    .map_err(|e| format!("{path}: makeCredential: {e}"))?;
                expect(
                    !att.credential_descriptor.id.is_empty(),
                    &format!("{path}: credential for {uid}"),
                )
            })
        })
        .collect();
    let mut result = Ok(());
    for h in handles {
        let r = h.join().unwrap_or_else(|_| Err("worker panicked".into()));
        if result.is_ok() {
            result = r;
        }
    }
    result
}

/// The key is pulled (its process killed) while we keep talking to it: the call must end
/// with an error, promptly, not hang or panic. Prints KEY-BUSY once the loop runs.
fn pulled(path: &str) -> Outcome {
    let key = open(path)?;
    key.set_new_pin(PIN).map_err(|e| format!("setPIN: {e}"))?;
    println!("probe: KEY-BUSY");
    let started = Instant::now();
    let mut made = 0u32;
    loop {
        let uid = format!("u{made}");
        let user = PublicKeyCredentialUserEntity::new(Some(uid.as_bytes()), Some(&uid), Some(&uid));
        let r = key.make_credential_with_args(
            &MakeCredentialArgsBuilder::new(RP, uid.as_bytes())
                .pin(PIN)
                .user_entity(&user)
                .build(),
        );
        match r {
            Ok(_) => made += 1,
            // A refusal from the key (a CTAP status) is not a pull.
            Err(e) if e.to_string().contains("CTAP") => {
                return Err(format!("the key refused before it was pulled: {e}"));
            }
            Err(e) => {
                return expect(
                    true,
                    &format!("pulled key reported after {made} credentials: {e}"),
                );
            }
        }
        if started.elapsed() > Duration::from_secs(30) {
            return Err("the key was never pulled".into());
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
