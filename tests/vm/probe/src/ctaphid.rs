//! The one exchange ctap-hid-fido2 lacks: authenticatorReset (0x07), sent as raw CTAPHID
//! frames on the hidraw node (INIT to get a channel, then CBOR, skipping KEEPALIVEs).

use std::fs::OpenOptions;
use std::io::{Read, Write};

const INIT: u8 = 0x86;
const CBOR: u8 = 0x90;
const KEEPALIVE: u8 = 0xbb;

pub fn reset(path: &str) -> Result<u8, String> {
    let mut dev = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| format!("open {path}: {e}"))?;
    let nonce = *b"kd-reset";
    let reply = exchange(&mut dev, [0xff; 4], INIT, &nonce)?;
    if reply.len() < 12 || reply[..8] != nonce {
        return Err("bad INIT reply".into());
    }
    let cid = [reply[8], reply[9], reply[10], reply[11]];
    let reply = exchange(&mut dev, cid, CBOR, &[0x07])?;
    reply
        .first()
        .copied()
        .ok_or_else(|| "empty reset reply".into())
}

/// One single-frame request, one single-frame answer on `cid` (KEEPALIVEs skipped).
fn exchange(
    dev: &mut std::fs::File,
    cid: [u8; 4],
    cmd: u8,
    data: &[u8],
) -> Result<Vec<u8>, String> {
    let mut frame = [0u8; 65]; // report id 0, then the 64-byte packet
    frame[1..5].copy_from_slice(&cid);
    frame[5] = cmd;
    frame[7] = data.len() as u8;
    frame[8..8 + data.len()].copy_from_slice(data);
    dev.write_all(&frame).map_err(|e| format!("write: {e}"))?;
    loop {
        let mut packet = [0u8; 64];
        dev.read_exact(&mut packet)
            .map_err(|e| format!("read: {e}"))?;
        if packet[..4] != cid {
            continue;
        }
        match packet[4] {
            KEEPALIVE => continue,
            c if c == cmd => {
                let len = (usize::from(packet[5]) << 8 | usize::from(packet[6])).min(57);
                return Ok(packet[7..7 + len].to_vec());
            }
            other => {
                return Err(format!(
                    "unexpected CTAPHID reply 0x{other:02x}: {:02x?}",
                    &packet[..8]
                ))
            }
        }
    }
}
