//! A scripted fake key for the CTAPHID exchange.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::*;

/// Answers INIT with channel 1-2-3-4 and every CBOR request with `script` in order.
struct FakeKey {
    sent: Vec<[u8; REPORT]>,
    script: VecDeque<Vec<[u8; REPORT]>>,
    queue: VecDeque<[u8; REPORT]>,
}

const CID: [u8; 4] = [1, 2, 3, 4];

impl FakeKey {
    fn new(script: Vec<Vec<[u8; REPORT]>>) -> Self {
        FakeKey {
            sent: vec![],
            script: script.into(),
            queue: VecDeque::new(),
        }
    }
}

impl Reports for FakeKey {
    fn send(&mut self, report: &[u8; REPORT]) -> Result<(), KeyError> {
        self.sent.push(*report);
        if report[4] == CMD_INIT | 0x80 {
            let mut data = report[7..15].to_vec();
            data.extend_from_slice(&CID);
            data.extend_from_slice(&[2, 1, 0, 0, 5]);
            self.queue.extend(frame(BROADCAST, CMD_INIT, &data));
        } else if report[4] == CMD_CBOR | 0x80 {
            self.queue
                .extend(self.script.pop_front().unwrap_or_default());
        }
        Ok(())
    }

    fn receive(&mut self, _timeout: Duration) -> Result<Option<[u8; REPORT]>, KeyError> {
        Ok(self.queue.pop_front())
    }
}

fn keepalive(status: u8) -> [u8; REPORT] {
    let mut r = frame(CID, CMD_KEEPALIVE & 0x7F, &[status])[0];
    r[4] = CMD_KEEPALIVE;
    r
}

fn soon() -> Instant {
    Instant::now() + Duration::from_millis(300)
}

#[test]
fn framing_splits_long_messages() {
    let data: Vec<u8> = (0..=200).collect();
    let reports = frame(CID, CMD_CBOR, &data);
    assert_eq!(reports.len(), 4); // 57 + 59 + 59 + 26
    assert_eq!(reports[0][4], CMD_CBOR | 0x80);
    assert_eq!(&reports[0][5..7], &[0, 201]);
    assert_eq!(reports[1][4], 0);
    assert_eq!(reports[3][4], 2);
    assert_eq!(reports[1][5], 57);
}

#[test]
fn reset_sends_init_then_cbor_0x07_and_sees_keepalives() {
    let answer = vec![
        keepalive(1),
        keepalive(KEEPALIVE_UPNEEDED),
        frame(CID, CMD_CBOR, &[0])[0],
    ];
    let mut key = FakeKey::new(vec![answer]);
    let mut seen = vec![];
    reset(&mut key, soon(), &mut |s| seen.push(s)).unwrap();
    assert_eq!(seen, [1, KEEPALIVE_UPNEEDED]);
    assert_eq!(key.sent[0][..4], BROADCAST);
    assert_eq!(key.sent[0][4], CMD_INIT | 0x80);
    assert_eq!(key.sent[1][..4], CID);
    assert_eq!(
        &key.sent[1][4..8],
        &[CMD_CBOR | 0x80, 0, 1, AUTHENTICATOR_RESET]
    );
}

#[test]
fn reset_too_late_and_without_touch() {
    for (code, status) in [
        (0x30, CtapStatus::NotAllowed),
        (0x2F, CtapStatus::UserActionTimeout),
    ] {
        let mut key = FakeKey::new(vec![vec![frame(CID, CMD_CBOR, &[code])[0]]]);
        assert_eq!(
            reset(&mut key, soon(), &mut |_| {}),
            Err(KeyError::ctap(status))
        );
    }
}

#[test]
fn ctaphid_errors_and_silence() {
    let mut error = frame(CID, CMD_ERROR & 0x7F, &[0x06])[0];
    error[4] = CMD_ERROR;
    let mut key = FakeKey::new(vec![vec![error]]);
    assert_eq!(reset(&mut key, soon(), &mut |_| {}), Err(KeyError::Busy));
    let mut silent = FakeKey::new(vec![vec![]]);
    assert_eq!(
        reset(&mut silent, soon(), &mut |_| {}),
        Err(KeyError::Timeout)
    );
}

#[test]
fn cancel_is_one_report_on_the_channel() {
    let mut key = FakeKey::new(vec![]);
    cancel(&mut key, CID).unwrap();
    assert_eq!(&key.sent[0][..7], &[1, 2, 3, 4, CMD_CANCEL | 0x80, 0, 0]);
}

/// A key behind hidraw: every handle open on it gets its own copy of every report the key
/// sends, whichever handle asked. Channels are 0-0-0-n; getInfo answers status 0 and an
/// empty map, authenticatorReset answers `reset_status`.
#[derive(Default)]
struct Hidraw {
    queues: Vec<(usize, VecDeque<[u8; REPORT]>)>,
    sent: Vec<[u8; REPORT]>,
    opened: usize,
    channels: u8,
    reset_status: u8,
}

struct Handle {
    key: Rc<RefCell<Hidraw>>,
    id: usize,
}

impl Handle {
    fn open(key: &Rc<RefCell<Hidraw>>) -> Handle {
        let mut k = key.borrow_mut();
        k.opened += 1;
        let id = k.opened;
        k.queues.push((id, VecDeque::new()));
        Handle {
            key: Rc::clone(key),
            id,
        }
    }

    fn queued(&self) -> usize {
        let k = self.key.borrow();
        k.queues
            .iter()
            .find(|(id, _)| *id == self.id)
            .unwrap()
            .1
            .len()
    }

    /// What ctap-hid-fido2 does for a CTAP2 command once it has its channel: write, then
    /// take the first report on its handle as the answer, its byte 7 as the status,
    /// neither the channel nor the command checked.
    fn crate_style_command(&mut self, cid: [u8; 4], command: u8) -> [u8; REPORT] {
        self.send(&frame(cid, CMD_CBOR, &[command])[0]).unwrap();
        self.receive(Duration::ZERO).unwrap().expect("an answer")
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.key
            .borrow_mut()
            .queues
            .retain(|(id, _)| *id != self.id);
    }
}

impl Reports for Handle {
    fn send(&mut self, report: &[u8; REPORT]) -> Result<(), KeyError> {
        let mut k = self.key.borrow_mut();
        k.sent.push(*report);
        let cid: [u8; 4] = report[..4].try_into().unwrap();
        let answer = match report[4] {
            CMD_INIT => {
                k.channels += 1;
                let mut data = report[7..15].to_vec();
                data.extend_from_slice(&[0, 0, 0, k.channels, 2, 1, 0, 0, 4]);
                frame(BROADCAST, CMD_INIT, &data)
            }
            CMD_CBOR if report[7] == AUTHENTICATOR_RESET => frame(cid, CMD_CBOR, &[k.reset_status]),
            CMD_CBOR => frame(cid, CMD_CBOR, &[0, 0xA0]),
            _ => vec![],
        };
        for (_, queue) in &mut k.queues {
            queue.extend(answer.iter().copied());
        }
        Ok(())
    }

    fn receive(&mut self, _timeout: Duration) -> Result<Option<[u8; REPORT]>, KeyError> {
        let mut k = self.key.borrow_mut();
        let queue = &mut k
            .queues
            .iter_mut()
            .find(|(id, _)| *id == self.id)
            .unwrap()
            .1;
        Ok(queue.pop_front())
    }
}

/// The failure the VM found (hw10): after our reset on a side handle, the crate's next
/// call on its own handle reads our INIT answer and takes our random nonce's first byte
/// for the status (0xEB, 0x88, 0x8E, ... one per run).
#[test]
fn a_side_reset_leaves_its_reports_in_the_crates_handle() {
    let key = Rc::new(RefCell::new(Hidraw::default()));
    let mut crate_handle = Handle::open(&key);
    let crate_cid = init(&mut crate_handle, soon()).unwrap();
    let mut side = Handle::open(&key);
    reset(&mut side, soon(), &mut |_| {}).unwrap();
    drop(side);
    assert_eq!(
        crate_handle.queued(),
        2,
        "our INIT answer and our reset answer"
    );
    let our_nonce_first_byte = key.borrow().sent[1][7];
    let answer = crate_handle.crate_style_command(crate_cid, 0x04);
    assert_eq!(answer[..5], [0xFF, 0xFF, 0xFF, 0xFF, CMD_INIT]);
    assert_eq!(
        answer[7], our_nonce_first_byte,
        "the 'status' the crate sees"
    );
}

#[test]
fn reset_beside_gives_a_main_handle_without_the_side_reports() {
    let key = Rc::new(RefCell::new(Hidraw::default()));
    for status in [0x00, 0x30] {
        let mut old = Handle::open(&key);
        let _ = init(&mut old, soon()).unwrap();
        key.borrow_mut().reset_status = status;
        let (outcome, main) = reset_beside(
            || Ok(Handle::open(&key)),
            || Ok(Handle::open(&key)),
            soon(),
            &mut |_| {},
        );
        let expected = if status == 0 {
            Ok(())
        } else {
            Err(KeyError::ctap(CtapStatus::NotAllowed))
        };
        assert_eq!(outcome, expected);
        assert_eq!(
            old.queued(),
            2,
            "the old handle is the poisoned one: drop it"
        );
        drop(old);
        let mut main = main.unwrap();
        assert_eq!(main.queued(), 0);
        let cid = init(&mut main, soon()).unwrap();
        let answer = main.crate_style_command(cid, 0x04);
        assert_eq!(answer[..5], [cid[0], cid[1], cid[2], cid[3], CMD_CBOR]);
        assert_eq!(answer[7], 0x00, "getInfo's own status");
    }
}

#[test]
fn init_skips_another_handles_init_answer() {
    let key = Rc::new(RefCell::new(Hidraw::default()));
    let mut ours = Handle::open(&key);
    let mut other = Handle::open(&key);
    // The other handle's INIT (the watcher reading an AAGUID, say) lands in our queue too.
    other.send(&frame(BROADCAST, CMD_INIT, &[9; 8])[0]).unwrap();
    assert_eq!(ours.queued(), 1);
    assert_eq!(reset(&mut ours, soon(), &mut |_| {}), Ok(()));
    let reset_request = key.borrow().sent.last().copied().unwrap();
    assert_eq!(
        reset_request[..4],
        [0, 0, 0, 2],
        "our own channel, not the other's"
    );
}
