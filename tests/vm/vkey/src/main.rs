//! `keydesk-vkey`: one virtual FIDO2 security key, plugged in through `/dev/uhid` for as long
//! as the process lives. Test-only (see README.md): it is how the VM tests put someone
//! else's CTAP 2.1 authenticator (soft-fido2) behind the kernel's real hidraw path.
//!
//! What it adds to soft-fido2: every CTAPHID message passes through [`gate::Gate`] first,
//! which enforces the 10-second authenticatorReset window counted from process start (the
//! "plug"), since soft-fido2 resets at any time. Touch is always given.
//!
//! Usage: `keydesk-vkey [NAME]`; prints `KEYDESK-VKEY READY name=NAME pid=PID` on stdout
//! once the device exists. Env: `VKEY_RESET_WINDOW_MS` (default 10000); `VKEY_STATE=FILE`
//! keeps the PIN state (PIN, retries) in FILE, so that it survives a re-plug as on a real
//! key (credentials do not: they live in the process).

mod gate;
mod pin_file;
mod store;

use std::time::{Duration, Instant};

use soft_fido2::{Authenticator, AuthenticatorConfig, AuthenticatorOptions};
use soft_fido2_transport::{CtapHidHandler, Packet, UhidDevice};

const AAGUID: [u8; 16] = *b"keydesk-vkey-001";

fn main() {
    let plugged_at = Instant::now();
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "KeyDesk virtual key".into());
    let window = std::env::var("VKEY_RESET_WINDOW_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(gate::RESET_WINDOW);

    let config = AuthenticatorConfig::builder()
        .aaguid(AAGUID)
        .max_credentials(100)
        .extensions(vec!["credProtect".into(), "hmac-secret".into()])
        .options(
            AuthenticatorOptions::new()
                .with_resident_keys(true)
                .with_user_presence(true)
                .with_client_pin(Some(false))
                .with_pin_uv_auth_token(Some(true))
                .with_credential_management(Some(true))
                .with_make_cred_uv_not_required(Some(true)),
        )
        .algorithms(vec![-7])
        .max_pin_retries(8)
        .build();
    let auth = match std::env::var_os("VKEY_STATE") {
        Some(path) => Authenticator::with_config_and_pin_storage(
            store::Store::default(),
            config,
            pin_file::PinFile(path.into()),
        ),
        None => Authenticator::with_config(store::Store::default(), config),
    }
    .unwrap_or_else(|e| fail(&format!("authenticator: {e:?}")));
    let mut handler = CtapHidHandler::new(gate::Gate::new(auth, plugged_at, window));
    let device = UhidDevice::create_fido_device_with_ids(Some(&name), None, None, None)
        .unwrap_or_else(|e| fail(&format!("cannot create the UHID device: {e}")));
    println!("KEYDESK-VKEY READY name={name} pid={}", std::process::id());

    let mut buf = [0u8; 64];
    loop {
        match device.read_packet(&mut buf) {
            Ok(Some(_)) => {
                let replies = handler
                    .process_packet(Packet::from_bytes(buf))
                    .unwrap_or_else(|e| fail(&format!("CTAPHID: {e}")));
                for reply in replies {
                    if let Err(e) = device.write_packet(reply.as_bytes()) {
                        fail(&format!("write to /dev/uhid: {e}"));
                    }
                }
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => fail(&format!("read from /dev/uhid: {e}")),
        }
    }
}

fn fail(why: &str) -> ! {
    eprintln!("keydesk-vkey: {why}");
    std::process::exit(1)
}
