//! Writes sample documents (a PIN letter, a label sheet, a TAP letter) with made-up data,
//! for the README's picture and for checking a layout by eye:
//! `cargo run -p keydesk-paper --example sample -- OUT_DIR`, then
//! `pdftoppm -png -r 60 -f 1 -l 1 OUT_DIR/letter.pdf docs/letter`.
//! With a number after OUT_DIR it also renders that many letters and prints the time
//! and size.

use std::path::PathBuf;
use std::time::Instant;

use keydesk_core::Pin;
use keydesk_paper::{
    key_labels, pin_letters, tap_letters, LetterTemplate, PinLetter, Recipient, TapLetter,
};
use time::macros::datetime;
use zeroize::Zeroizing;

fn letter(i: usize, name: &str) -> PinLetter {
    PinLetter {
        user_id: format!("00000000-0000-4000-8000-{i:012}"),
        recipient: Recipient {
            display_name: name.into(),
            upn: format!("user{i}@contoso.com"),
            department: Some("Finance".into()),
            office: Some("Building 4, room 12".into()),
        },
        key_model: "YubiKey 5 NFC".into(),
        key_serial: format!("{}", 20_481_000 + i),
        pin: Pin::new("482915"),
        forced_change: true,
        biometric: false,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let template = LetterTemplate {
        organisation: "Contoso Ltd".into(),
        ..LetterTemplate::default()
    };
    let letters = [
        letter(1, "Αλέξανδρος Παπαδόπουλος"),
        letter(2, "Ёлка Иванова"),
        letter(3, "Zoë Ångström"),
    ];
    std::fs::write(out.join("letter.pdf"), pin_letters(&template, &letters)?)?;
    let labels: Vec<_> = letters.iter().map(PinLetter::label).collect();
    std::fs::write(out.join("labels.pdf"), key_labels(&labels)?)?;
    let tap = TapLetter {
        recipient: letters[0].recipient.clone(),
        pass: Zeroizing::new("Xq7#kP2$mN".into()),
        valid_from: datetime!(2026-11-29 14:00 UTC),
        valid_until: datetime!(2026-11-29 15:00 UTC),
        one_time: true,
    };
    std::fs::write(out.join("tap.pdf"), tap_letters(&template, &[tap])?)?;
    if let Some(n) = args.next() {
        let n: usize = n.parse()?;
        let many: Vec<_> = (0..n).map(|i| letter(i, "Kim Lee")).collect();
        let start = Instant::now();
        let pdf = pin_letters(&template, &many)?;
        println!("{n} letters: {} bytes in {:?}", pdf.len(), start.elapsed());
    }
    Ok(())
}
