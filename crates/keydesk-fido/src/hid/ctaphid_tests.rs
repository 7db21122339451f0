//! A scripted fake key for the CTAPHID exchange.

use std::collections::VecDeque;

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
