//! The desk's settings (`keydesk_ipc::DeskSettings`, saved in the config file) checked and
//! laid onto a job's engine context.

use keydesk_core::Pin;
use keydesk_engine::settings::{Ctap21, ExistingPin};
use keydesk_ipc::{DeskSettings, ErrorKind, ExistingChoice, IpcError, KeyWithPin, PinChoice};

/// Why these settings cannot be saved, if they cannot.
pub fn check(s: &DeskSettings) -> Result<(), String> {
    if !(4..=63).contains(&s.pin_length) {
        return Err("The PIN length must be 4 to 63 digits.".into());
    }
    if s.min_pin_length.is_some_and(|m| m < 4 || m > s.pin_length) {
        return Err("The minimum PIN length must be at least 4 and at most the PIN length.".into());
    }
    if s.api_version != "v1.0" && s.api_version != "beta" {
        return Err("The API version must be v1.0 or beta.".into());
    }
    if s.challenge_timeout_minutes
        .is_some_and(|m| !(5..=43_200).contains(&m))
    {
        return Err("The challenge timeout must be 5 to 43200 minutes.".into());
    }
    if s.concurrency == 0 {
        return Err("At least one Graph call must be allowed at a time.".into());
    }
    if s.display_name.trim().is_empty() {
        return Err("The passkey name template is empty.".into());
    }
    if let Some(store) = s.store.as_deref().filter(|t| !t.trim().is_empty()) {
        // The error never repeats the address (it might hold a password).
        store
            .trim()
            .parse::<keydesk_store_pg::StoreTarget>()
            .map_err(|e| format!("The shared store is not usable: {e}. {}", e.remediation()))?;
    }
    if s.desk_name
        .as_deref()
        .is_some_and(|n| n.trim().is_empty() || n.chars().count() > 64)
    {
        return Err("The desk name must be 1 to 64 characters.".into());
    }
    Ok(())
}

/// The letter template the settings name (read now, logo included), or the built-in one.
pub fn letter_template(s: &DeskSettings) -> Result<keydesk_paper::LetterTemplate, IpcError> {
    match s.letter_template.as_deref() {
        None => Ok(keydesk_paper::LetterTemplate::default()),
        Some(path) => keydesk_deliver::load_template(std::path::Path::new(path)).map_err(|e| {
            crate::convert::plain(
                ErrorKind::InvalidInput,
                capitalised(&e),
                "Fix the file, or choose another letter template in Settings (empty: the built-in one).",
            )
        }),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>() + "."
    })
}

/// The desk's settings onto a job's context.
pub fn apply(ctx: &mut keydesk_engine::Context<'_>, s: &DeskSettings) {
    ctx.pin_policy.length = s.pin_length;
    ctx.challenge_timeout_minutes = s.challenge_timeout_minutes;
    let settings = &mut ctx.settings;
    settings.existing_pin = match s.key_with_pin {
        KeyWithPin::Refuse => ExistingPin::Refuse,
        KeyWithPin::Skip => ExistingPin::Skip,
    };
    settings.ctap21 = (s.min_pin_length.is_some() || s.force_change_pin).then(|| Ctap21 {
        min_pin_length: s.min_pin_length.unwrap_or(s.pin_length),
        rp_ids: vec!["login.microsoft.com".to_owned()],
        force_change: s.force_change_pin,
    });
    settings.self_test = s.self_test;
    settings.display_name = s.display_name.clone();
    settings.delete_existing_passkeys = s.delete_existing_passkeys;
    settings.delete_key_credentials = s.delete_key_credentials;
    settings.check_policy = s.check_policy;
    settings.strict_policy = s.strict_policy;
    settings.provisioned_group = s.provisioned_group.clone();
    settings.remove_from_queue_group = s.remove_from_queue_group.clone();
    settings.allow_unverified_attestation = s.allow_unverified_attestation;
}

/// The operator's choice for this one job's key that has a PIN, over the desk's setting.
pub fn override_pin(settings: &mut keydesk_engine::settings::Settings, choice: Option<PinChoice>) {
    settings.existing_pin = match choice {
        None => return,
        Some(PinChoice::Change { current_pin }) => ExistingPin::Change(Pin::new(current_pin)),
        Some(PinChoice::Reset) => ExistingPin::Reset,
    };
}

/// The operator's choice for this one job's existing passkeys, over the desk's setting.
pub fn override_existing(
    settings: &mut keydesk_engine::settings::Settings,
    choice: Option<ExistingChoice>,
) {
    if let Some(choice) = choice {
        settings.delete_existing_passkeys = choice == ExistingChoice::DeleteAfterRegistration;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_pass_and_out_of_range_values_are_refused() {
        let ok = DeskSettings::default();
        assert_eq!(check(&ok), Ok(()));
        let refused = [
            DeskSettings {
                pin_length: 3,
                ..ok.clone()
            },
            DeskSettings {
                min_pin_length: Some(8),
                ..ok.clone()
            },
            DeskSettings {
                api_version: "v2".into(),
                ..ok.clone()
            },
            DeskSettings {
                challenge_timeout_minutes: Some(2),
                ..ok.clone()
            },
            DeskSettings {
                concurrency: 0,
                ..ok.clone()
            },
            DeskSettings {
                display_name: " ".into(),
                ..ok.clone()
            },
            DeskSettings {
                desk_name: Some(String::new()),
                ..ok.clone()
            },
        ];
        for settings in refused {
            assert!(check(&settings).is_err(), "{settings:?}");
        }
    }

    #[test]
    fn a_choice_for_one_job_overrides_the_desks_refusal() {
        use keydesk_engine::settings::Settings;
        let mut ctx = Settings::default();
        override_pin(&mut ctx, None);
        assert!(matches!(ctx.existing_pin, ExistingPin::Refuse));
        let typed = PinChoice::Change {
            current_pin: "482913".into(),
        };
        override_pin(&mut ctx, Some(typed));
        assert!(matches!(&ctx.existing_pin, ExistingPin::Change(pin) if pin.expose() == "482913"));
        let mut fresh = Settings::default();
        override_pin(&mut fresh, Some(PinChoice::Reset));
        assert!(matches!(fresh.existing_pin, ExistingPin::Reset));
    }

    #[test]
    fn a_letter_template_that_cannot_be_read_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let none = DeskSettings::default();
        assert_eq!(
            letter_template(&none).unwrap(),
            keydesk_paper::LetterTemplate::default()
        );
        let good = dir.path().join("letter.json");
        std::fs::write(&good, r#"{"organisation": "Fabrikam"}"#).unwrap();
        let settings = DeskSettings {
            letter_template: Some(good.display().to_string()),
            ..none.clone()
        };
        assert_eq!(letter_template(&settings).unwrap().organisation, "Fabrikam");
        let missing = DeskSettings {
            letter_template: Some(dir.path().join("gone.toml").display().to_string()),
            ..none
        };
        let error = letter_template(&missing).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidInput);
        assert!(
            error.message.starts_with("The letter template") && error.message.contains("gone.toml"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_choice_for_one_job_overrides_the_desks_setting_for_existing_passkeys() {
        use keydesk_engine::settings::Settings;
        let mut keep = Settings {
            delete_existing_passkeys: true,
            ..Settings::default()
        };
        override_existing(&mut keep, None);
        assert!(
            keep.delete_existing_passkeys,
            "no choice: the desk's setting"
        );
        override_existing(&mut keep, Some(ExistingChoice::Keep));
        assert!(!keep.delete_existing_passkeys);
        let mut delete = Settings::default();
        override_existing(&mut delete, Some(ExistingChoice::DeleteAfterRegistration));
        assert!(delete.delete_existing_passkeys);
    }

    #[test]
    fn a_shared_store_setting_is_an_address_without_a_password() {
        let with = |store: &str| DeskSettings {
            store: Some(store.into()),
            ..DeskSettings::default()
        };
        assert_eq!(check(&with("postgres://desk@db.example/keydesk")), Ok(()));
        assert_eq!(
            check(&with("  ")),
            Ok(()),
            "empty: the data folder's SQLite"
        );
        let refused = check(&with("postgres://desk:hunter2@db.example/keydesk")).unwrap_err();
        assert!(
            refused.starts_with("The shared store is not usable"),
            "{refused}"
        );
        assert!(!refused.contains("hunter2"), "{refused}");
        assert!(check(&with("mysql://db.example/keydesk")).is_err());
    }
}
