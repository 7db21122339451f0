//! The gate every CTAP2 command passes before soft-fido2 sees it: it adds the two
//! power-cycle rules of real keys that soft-fido2 0.17 lacks.
//!
//! - authenticatorReset only within 10 s of power-up (CTAP 2.1 §6.6): after that the gate
//!   answers 0x30 NOT_ALLOWED, so the driver's re-plug-then-reset path meets a real-key rule.
//! - three consecutive wrong PINs block PIN use until a power cycle (CTAP 2.1):
//!   the third mismatch and every PIN attempt after it get 0x34 PIN_AUTH_BLOCKED, without
//!   costing retries, until the process (the plug) ends.

use std::time::{Duration, Instant};

use soft_fido2::{Authenticator, AuthenticatorCallbacks};
use soft_fido2_transport::{Cmd, CommandHandler, Error, Result};

pub const RESET_WINDOW: Duration = Duration::from_secs(10);
const CMD_RESET: u8 = 0x07;
const CMD_CLIENT_PIN: u8 = 0x06;
/// clientPIN subcommands that check a PIN: changePIN, getPinToken,
/// getPinUvAuthTokenUsingPinWithPermissions.
const PIN_CHECKING: [u8; 3] = [0x04, 0x05, 0x09];
const ERR_NOT_ALLOWED: u8 = 0x30;
const ERR_PIN_INVALID: u8 = 0x31;
const ERR_PIN_AUTH_BLOCKED: u8 = 0x34;
const MISMATCHES_BEFORE_BLOCK: u8 = 3;

pub struct Gate<C: AuthenticatorCallbacks> {
    auth: Authenticator<C>,
    plugged_at: Instant,
    window: Duration,
    mismatches: u8,
}

impl<C: AuthenticatorCallbacks> Gate<C> {
    pub fn new(auth: Authenticator<C>, plugged_at: Instant, window: Duration) -> Self {
        Self {
            auth,
            plugged_at,
            window,
            mismatches: 0,
        }
    }
}

impl<C: AuthenticatorCallbacks> CommandHandler for Gate<C> {
    fn handle_command(&mut self, cmd: Cmd, data: &[u8]) -> Result<Vec<u8>> {
        if cmd != Cmd::Cbor {
            // No U2F/CTAP1: the key is CTAP2-only, like the keys KeyDesk provisions.
            return Err(Error::InvalidCommand);
        }
        let command = data.first().copied().unwrap_or(0);
        eprintln!("keydesk-vkey: CTAP2 command 0x{command:02x}");
        if command == CMD_RESET && self.plugged_at.elapsed() > self.window {
            eprintln!(
                "keydesk-vkey: reset refused, {:?} after plug",
                self.plugged_at.elapsed()
            );
            return Ok(vec![ERR_NOT_ALLOWED]);
        }
        let checks_pin = command == CMD_CLIENT_PIN
            && client_pin_subcommand(data).is_some_and(|s| PIN_CHECKING.contains(&s));
        if checks_pin && self.mismatches >= MISMATCHES_BEFORE_BLOCK {
            eprintln!("keydesk-vkey: PIN use blocked until re-plug");
            return Ok(vec![ERR_PIN_AUTH_BLOCKED]);
        }
        let mut response = Vec::new();
        self.auth
            .handle(data, &mut response)
            .map_err(|e| Error::Other(format!("soft-fido2: {e:?}")))?;
        if checks_pin {
            match response.first() {
                // soft-fido2 answers the third mismatch with 0x34 itself, but then lets the
                // next PIN through: count both, and keep blocking here.
                Some(&ERR_PIN_INVALID) | Some(&ERR_PIN_AUTH_BLOCKED) => {
                    self.mismatches += 1;
                    if self.mismatches >= MISMATCHES_BEFORE_BLOCK {
                        eprintln!("keydesk-vkey: third wrong PIN in a row: blocked until re-plug");
                        return Ok(vec![ERR_PIN_AUTH_BLOCKED]);
                    }
                }
                Some(0x00) => self.mismatches = 0,
                _ => {}
            }
        }
        Ok(response)
    }
}

/// The subCommand of a clientPIN request: its CBOR map starts with key 1 (pinUvAuthProtocol)
/// and key 2 (subCommand), both small unsigned integers, in canonical order.
fn client_pin_subcommand(data: &[u8]) -> Option<u8> {
    match data {
        [CMD_CLIENT_PIN, map, 0x01, protocol, 0x02, sub, ..]
            if (0xa1..=0xb7).contains(map) && *protocol < 0x18 && *sub < 0x18 =>
        {
            Some(*sub)
        }
        _ => None,
    }
}
