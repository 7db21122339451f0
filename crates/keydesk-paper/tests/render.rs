//! The rendered PDFs read back with poppler's `pdftotext`, as a reader (or a screen
//! reader, or a search) would: every name, PIN, pass and code is real text.

use keydesk_core::Pin;
use keydesk_paper::{
    key_labels, missing_glyphs, pin_letters, tap_letters, KeyLabel, LetterTemplate, PinLetter,
    Recipient, TapLetter,
};
use keydesk_tests::pdf::{flat, pages};
use time::macros::datetime;
use zeroize::Zeroizing;

fn letter(user_id: &str, name: &str, upn: &str, pin: &str) -> PinLetter {
    PinLetter {
        user_id: user_id.into(),
        recipient: Recipient {
            display_name: name.into(),
            upn: upn.into(),
            department: Some("Finance".into()),
            office: Some("Building 4, room 12".into()),
        },
        key_model: "YubiKey 5 NFC".into(),
        key_serial: format!("SN-{user_id}"),
        pin: Pin::new(pin),
        forced_change: false,
        biometric: false,
    }
}

#[test]
fn each_letter_is_a_page_with_its_own_name_pin_and_code_in_latin_greek_and_cyrillic() {
    let letters = [
        letter("u-1", "Zoë Ångström", "zoe@contoso.com", "482915"),
        letter(
            "u-2",
            "Αλέξανδρος Παπαδόπουλος",
            "alex@contoso.com",
            "730264",
        ),
        letter("u-3", "Ёлка Иванова-Щукина", "yolka@contoso.com", "615309"),
    ];
    let pdf = pin_letters(&LetterTemplate::default(), &letters).unwrap();
    let pages = pages(&pdf);
    assert_eq!(pages.len(), 3);
    for (page, l) in pages.iter().zip(&letters) {
        for expected in [
            l.recipient.display_name.as_str(),
            &l.recipient.upn,
            "Finance",
            "Building 4, room 12",
            "YubiKey 5 NFC",
            &l.key_serial,
            &l.code(),
            l.pin.expose(),
            &format!("PIN for {}", l.recipient.display_name),
        ] {
            assert!(
                page.contains(expected),
                "{expected:?} missing from:\n{page}"
            );
        }
        for other in letters.iter().filter(|o| o.user_id != l.user_id) {
            assert!(!page.contains(other.pin.expose()));
        }
    }
}

#[test]
fn forced_change_and_fingerprint_steps_appear_only_when_they_apply() {
    let template = LetterTemplate::default();
    let mut bio = letter("u-1", "Kim Lee", "kim@contoso.com", "482915");
    bio.forced_change = true;
    bio.biometric = true;
    let plain = letter("u-2", "Sam Roe", "sam@contoso.com", "730264");
    let pages = pages(&pin_letters(&template, &[bio, plain]).unwrap());
    assert!(flat(&pages[0]).contains("choose a new PIN the first time"));
    assert!(flat(&pages[0]).contains("enrol a finger"));
    assert!(!flat(&pages[1]).contains("choose a new PIN the first time"));
    assert!(!flat(&pages[1]).contains("enrol a finger"));
    assert!(flat(&pages[1]).contains("If the key is lost"));
}

#[test]
fn the_template_sets_organisation_text_and_logo() {
    let mut template = LetterTemplate::from_toml(
        "organisation = \"Contoso Ltd\"\ncontact = \"Call the desk on 4242.\"\n",
    )
    .unwrap();
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, 4, 2);
        enc.set_color(png::ColorType::Rgb);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[90; 24]).unwrap();
    }
    template.logo_png = Some(png);
    let pdf = pin_letters(
        &template,
        &[letter("u-1", "Kim", "kim@contoso.com", "111999")],
    )
    .unwrap();
    let text = &pages(&pdf)[0];
    assert!(text.contains("Contoso Ltd"));
    assert!(text.contains("Call the desk on 4242."));
    assert!(pdf.windows(8).any(|w| w == b"/Subtype"));
    template.logo_png = Some(b"junk".to_vec());
    assert!(pin_letters(&template, &[]).is_err());
}

#[test]
fn labels_carry_every_name_and_code_and_fill_a_second_sheet_after_24() {
    let labels: Vec<KeyLabel> = (0..30)
        .map(|i| letter(&format!("u-{i}"), &format!("Пользователь {i}"), "x@y", "1").label())
        .collect();
    let pages = pages(&key_labels(&labels).unwrap());
    assert_eq!(pages.len(), 2);
    let all = pages.join("\n");
    for label in &labels {
        assert!(all.contains(&label.code), "{} missing", label.code);
        assert!(all.contains(&label.display_name));
    }
}

#[test]
fn a_tap_letter_shows_the_pass_its_validity_and_the_authenticator_steps() {
    let tap = TapLetter {
        recipient: Recipient {
            display_name: "Νίκη Γεωργίου".into(),
            upn: "niki@contoso.com".into(),
            ..Recipient::default()
        },
        pass: Zeroizing::new("Xq7#kP2$mN".into()),
        valid_from: datetime!(2026-11-29 14:00 UTC),
        valid_until: datetime!(2026-11-29 15:00 UTC),
        one_time: true,
    };
    let page = &pages(&tap_letters(&LetterTemplate::default(), &[tap]).unwrap())[0];
    let flat = flat(page);
    for expected in [
        "Νίκη Γεωργίου",
        "Xq7#kP2$mN",
        "Valid from 2026-11-29 14:00 UTC",
        "Valid until 2026-11-29 15:00 UTC",
        "One sign-in only.",
        "Microsoft Authenticator",
        "Work or school account",
        "Sign in with niki@contoso.com",
        "Create passkey",
        "Security key",
    ] {
        assert!(
            flat.contains(expected),
            "{expected:?} missing from:\n{page}"
        );
    }
}

#[test]
fn nothing_to_print_is_a_page_saying_so_and_missing_scripts_are_named() {
    let pages = pages(&pin_letters(&LetterTemplate::default(), &[]).unwrap());
    assert_eq!(pages.len(), 1);
    assert!(pages[0].contains("No letters to print."));
    assert_eq!(missing_glyphs("Kim 金"), vec!['金']);
}

#[test]
fn a_long_template_shrinks_its_text_and_keeps_one_page_with_the_pin() {
    let template = LetterTemplate {
        lost: "If the key is lost, call the helpdesk at once. ".repeat(25),
        ..LetterTemplate::default()
    };
    let pdf = pin_letters(
        &template,
        &[letter("u-1", "Kim Lee", "kim@contoso.com", "482915")],
    )
    .unwrap();
    let pages = pages(&pdf);
    assert_eq!(pages.len(), 1);
    assert!(pages[0].contains("482915"));
    assert!(flat(&pages[0]).contains("call the helpdesk at once"));
}
