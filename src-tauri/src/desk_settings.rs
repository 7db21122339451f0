//! The desk's settings (`keydesk_ipc::DeskSettings`, saved in the config file) checked and
//! laid onto a job's engine context.

use keydesk_engine::settings::{Ctap21, ExistingPin};
use keydesk_ipc::{DeskSettings, KeyWithPin};

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
