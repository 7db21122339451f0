//! A small CTAPHID exchange of our own (CTAP 2.1 §11.2), for what ctap-hid-fido2 lacks:
//! authenticatorReset (0x07) and a CTAPHID_CANCEL that does not wait for the crate's lock.
//!
//! Framing: 64-byte reports. Initialization packet `CID(4) | CMD|0x80 | BCNT(2, BE) |
//! data(57)`, continuation packets `CID(4) | SEQ | data(59)`. The key may answer
//! KEEPALIVE (0xBB, status 1 = processing, 2 = waiting for a touch) any number of times
//! before the real answer, or ERROR (0xBF) with a CTAPHID error code.
//!
//! Not a general CTAP client: one request, one answer, on a channel of its own.
//!
//! **Side handles and the crate's handle.** Linux hidraw hands each input report to every
//! open handle of the device (seen in the VM; Windows' HID stack buffers per handle too).
//! ctap-hid-fido2 reads its handle
//! without looking at the channel id or the command: after an exchange of ours on a second
//! handle, its handle still holds our INIT answer (broadcast channel, our random nonce at
//! byte 7) and our answer, and the crate's next call takes them for its own — the nonce's
//! first byte read as a CTAP status (0xEB, 0x88, ... a different one every run), and every
//! later answer one step behind. [`reset_beside`] therefore gives the caller a main handle
//! opened after the exchange; the old one, with the stale reports in it, is dropped. Our
//! own reads match the channel id and skip INIT answers to other nonces, so other handles'
//! traffic does not disturb them.

use std::time::{Duration, Instant};

use crate::error::{CtapStatus, KeyError};

/// Report size of every FIDO HID key.
pub const REPORT: usize = 64;
/// The broadcast channel, for INIT.
pub const BROADCAST: [u8; 4] = [0xFF; 4];
/// CTAPHID_INIT.
pub const CMD_INIT: u8 = 0x86;
/// CTAPHID_CBOR.
pub const CMD_CBOR: u8 = 0x90;
/// CTAPHID_CANCEL.
pub const CMD_CANCEL: u8 = 0x91;
/// CTAPHID_KEEPALIVE.
pub const CMD_KEEPALIVE: u8 = 0xBB;
/// CTAPHID_ERROR.
pub const CMD_ERROR: u8 = 0xBF;
/// authenticatorReset.
pub const AUTHENTICATOR_RESET: u8 = 0x07;
/// KEEPALIVE status: waiting for user presence.
pub const KEEPALIVE_UPNEEDED: u8 = 0x02;

/// One HID device as raw reports.
pub trait Reports {
    /// Sends one 64-byte report.
    fn send(&mut self, report: &[u8; REPORT]) -> Result<(), KeyError>;
    /// Receives one report, or None after `timeout`.
    fn receive(&mut self, timeout: Duration) -> Result<Option<[u8; REPORT]>, KeyError>;
}

impl Reports for hidapi::HidDevice {
    fn send(&mut self, report: &[u8; REPORT]) -> Result<(), KeyError> {
        let mut out = [0u8; REPORT + 1]; // report id 0 first
        out[1..].copy_from_slice(report);
        self.write(&out)
            .map(|_| ())
            .map_err(|e| super::status::from_message(&format!("write error: {e}")))
    }

    fn receive(&mut self, timeout: Duration) -> Result<Option<[u8; REPORT]>, KeyError> {
        let mut buf = [0u8; REPORT];
        let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        match self.read_timeout(&mut buf, ms) {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some(buf)),
            Err(e) => Err(super::status::from_message(&format!("read err: {e}"))),
        }
    }
}

/// Splits one message into reports.
pub fn frame(cid: [u8; 4], cmd: u8, data: &[u8]) -> Vec<[u8; REPORT]> {
    let len = u16::try_from(data.len()).expect("CTAPHID messages are short");
    let mut first = [0u8; REPORT];
    first[..4].copy_from_slice(&cid);
    first[4] = cmd | 0x80;
    first[5..7].copy_from_slice(&len.to_be_bytes());
    let head = data.len().min(REPORT - 7);
    first[7..7 + head].copy_from_slice(&data[..head]);
    let mut out = vec![first];
    for (seq, chunk) in data[head..].chunks(REPORT - 5).enumerate() {
        let mut next = [0u8; REPORT];
        next[..4].copy_from_slice(&cid);
        next[4] = u8::try_from(seq).expect("at most 128 continuation packets");
        next[5..5 + chunk.len()].copy_from_slice(chunk);
        out.push(next);
    }
    out
}

/// Sends `data` as `cmd` on `cid` and reads the answer of the same command until
/// `deadline`; calls `on_keepalive` with each KEEPALIVE status.
pub fn transact(
    dev: &mut dyn Reports,
    cid: [u8; 4],
    cmd: u8,
    data: &[u8],
    deadline: Instant,
    on_keepalive: &mut dyn FnMut(u8),
) -> Result<Vec<u8>, KeyError> {
    for report in frame(cid, cmd, data) {
        dev.send(&report)?;
    }
    receive(dev, cid, cmd, deadline, on_keepalive)
}

/// Reads one message of command `cmd` on `cid` (reports of other channels skipped).
fn receive(
    dev: &mut dyn Reports,
    cid: [u8; 4],
    cmd: u8,
    deadline: Instant,
    on_keepalive: &mut dyn FnMut(u8),
) -> Result<Vec<u8>, KeyError> {
    let (first, len) = loop {
        let report = receive_until(dev, deadline)?;
        if report[..4] != cid {
            continue; // another channel's traffic
        }
        match report[4] {
            c if c == cmd | 0x80 => {
                break (
                    report,
                    usize::from(u16::from_be_bytes([report[5], report[6]])),
                )
            }
            CMD_KEEPALIVE => on_keepalive(report[7]),
            CMD_ERROR => return Err(hid_error(report[7])),
            other => {
                return Err(KeyError::Malformed(format!(
                    "unexpected CTAPHID command 0x{other:02X}"
                )))
            }
        }
    };
    let mut message = first[7..].to_vec();
    let mut seq = 0u8;
    while message.len() < len {
        let report = receive_until(dev, deadline)?;
        if report[..4] != cid {
            continue;
        }
        if report[4] != seq {
            return Err(KeyError::Malformed(
                "CTAPHID continuation out of sequence".into(),
            ));
        }
        seq = seq.wrapping_add(1);
        message.extend_from_slice(&report[5..]);
    }
    message.truncate(len);
    Ok(message)
}

/// CTAPHID_INIT on the broadcast channel: a fresh channel id. INIT answers to other
/// nonces (another handle's INIT on the same key, seen here too) are skipped.
pub fn init(dev: &mut dyn Reports, deadline: Instant) -> Result<[u8; 4], KeyError> {
    let nonce: [u8; 8] = rand::random();
    let mut answer = transact(dev, BROADCAST, CMD_INIT, &nonce, deadline, &mut |_| {})?;
    while answer.get(..8) != Some(&nonce[..]) {
        answer = receive(dev, BROADCAST, CMD_INIT, deadline, &mut |_| {})?;
    }
    match answer.get(8..12) {
        Some(&[a, b, c, d]) => Ok([a, b, c, d]),
        _ => Err(KeyError::Malformed("CTAPHID_INIT answer too short".into())),
    }
}

/// One CTAP2 command over CTAPHID_CBOR: the answer's data after a success status byte.
pub fn cbor(
    dev: &mut dyn Reports,
    cid: [u8; 4],
    request: &[u8],
    deadline: Instant,
    on_keepalive: &mut dyn FnMut(u8),
) -> Result<Vec<u8>, KeyError> {
    let answer = transact(dev, cid, CMD_CBOR, request, deadline, on_keepalive)?;
    match answer.split_first() {
        Some((0, rest)) => Ok(rest.to_vec()),
        Some((&status, _)) => Err(KeyError::from_status_byte(status)),
        None => Err(KeyError::Malformed("empty CTAPHID_CBOR answer".into())),
    }
}

/// authenticatorReset on a channel of its own. `on_keepalive` sees
/// [`KEEPALIVE_UPNEEDED`] while the key waits for the touch. The key must have been plugged
/// in less than 10 s ago (0x30 otherwise); no touch gives 0x2F.
pub fn reset(
    dev: &mut dyn Reports,
    deadline: Instant,
    on_keepalive: &mut dyn FnMut(u8),
) -> Result<(), KeyError> {
    let cid = init(dev, deadline)?;
    cbor(dev, cid, &[AUTHENTICATOR_RESET], deadline, on_keepalive).map(|_| ())
}

/// authenticatorReset on a side handle from `open_side`, for a key whose main handle (the
/// crate's) may be open: then `reopen_main` opens the main handle afresh, after the
/// exchange, so that it holds none of the exchange's reports (see the module docs). The
/// caller drops its old main handle and uses the new one. Returns the reset's outcome and
/// the new main handle (reopened whatever the outcome: a refusal leaves reports too).
pub fn reset_beside<S: Reports, M>(
    open_side: impl FnOnce() -> Result<S, KeyError>,
    reopen_main: impl FnOnce() -> Result<M, KeyError>,
    deadline: Instant,
    on_keepalive: &mut dyn FnMut(u8),
) -> (Result<(), KeyError>, Result<M, KeyError>) {
    let outcome = open_side().and_then(|mut side| {
        let outcome = reset(&mut side, deadline, on_keepalive);
        drop(side);
        outcome
    });
    (outcome, reopen_main())
}

/// CTAPHID_CANCEL on `cid`: the key answers the pending request with 0x2D.
pub fn cancel(dev: &mut dyn Reports, cid: [u8; 4]) -> Result<(), KeyError> {
    dev.send(&frame(cid, CMD_CANCEL, &[])[0])
}

fn receive_until(dev: &mut dyn Reports, deadline: Instant) -> Result<[u8; REPORT], KeyError> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(KeyError::Timeout);
        }
        if let Some(report) = dev.receive(left.min(Duration::from_millis(100)))? {
            return Ok(report);
        }
    }
}

/// CTAPHID error codes (§11.2.9.1.6) share values with CTAP1 status codes.
fn hid_error(code: u8) -> KeyError {
    match code {
        0x06 => KeyError::Busy,
        c if c == CtapStatus::KeepaliveCancel.code() => KeyError::ctap(CtapStatus::KeepaliveCancel),
        c => KeyError::from_status_byte(c),
    }
}

#[cfg(test)]
#[path = "ctaphid_tests.rs"]
mod tests;
