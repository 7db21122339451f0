//! What the operator chose for a run: what to do with a key that has a PIN, CTAP 2.1
//! options, self-test, the passkey's display name, the "provisioned" and queue groups,
//! attestation enforcement for unknown key models.

use keydesk_core::Pin;
use keydesk_fido::KeyInfo;

/// What to do with a key that already has a PIN (and is not this job's own, resumed key).
#[derive(Debug, Clone, Default)]
pub enum ExistingPin {
    /// Refuse the key ([`crate::ProvisionError::KeyHasPin`]).
    #[default]
    Refuse,
    /// Change it: the operator typed the current PIN.
    Change(Pin),
    /// Reset the key (confirmed by the operator: it wipes every credential). The key must
    /// have been plugged in within the last 10 seconds: the UI asks for a re-plug first.
    Reset,
    /// Skip this user for now.
    Skip,
}

/// CTAP 2.1 options applied when the key supports them, in the order of the fields:
/// setMinPINLength (with its RP ids) first, forceChangePin last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ctap21 {
    /// setMinPINLength value (the PIN policy must make PINs at least this long).
    pub min_pin_length: u8,
    /// RP ids allowed to read the minimum, e.g. `["login.microsoft.com"]`.
    pub rp_ids: Vec<String>,
    /// forceChangePin, set last so the user picks their own PIN at first use.
    pub force_change: bool,
}

/// A run's choices.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A key that has a PIN.
    pub existing_pin: ExistingPin,
    /// CTAP 2.1 options, if wanted.
    pub ctap21: Option<Ctap21>,
    /// getAssertion with the new PIN after registration (one more touch).
    pub self_test: bool,
    /// Passkey display name; `{model}`, `{serial}`, `{upn}` and `{date}` are filled in,
    /// and the result is cut to 30 characters.
    pub display_name: String,
    /// Delete the user's existing passkeys once the new one is registered (never before).
    pub delete_existing_passkeys: bool,
    /// Delete Microsoft credentials found on a used key (the operator confirmed it);
    /// otherwise they are reported as warnings.
    pub delete_key_credentials: bool,
    /// Check the tenant's FIDO2 policy before writing to a key.
    pub check_policy: bool,
    /// Fail every user when the FIDO2 policy cannot be read (403: a delegated operator
    /// without Global Reader or Authentication Policy Administrator). Off: a warning,
    /// shown once per run, and the pre-flight is limited to the key's own checks.
    pub strict_policy: bool,
    /// Directory roles the operator confirmed, by name, for users who hold them (a second,
    /// explicit confirmation: a passkey for a role holder is a way into the tenant). A
    /// user holding any role not named here is refused.
    pub confirmed_roles: Vec<String>,
    /// The "provisioned" group (object id or exact display name): each registered user is
    /// added to it once the passkey is read back. Resolved once per run.
    pub provisioned_group: Option<String>,
    /// The queue group (object id or exact display name, usually the group the users were
    /// loaded from) to remove each registered user from, after the add above succeeded
    /// (or right away when no provisioned group is set). Only direct members can be removed.
    pub remove_from_queue_group: Option<String>,
    /// When the tenant enforces attestation, go ahead with a key model KeyDesk does not
    /// know (it cannot tell whether Entra's metadata check will pass); otherwise such a key
    /// is refused before anything is written to it.
    pub allow_unverified_attestation: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            existing_pin: ExistingPin::Refuse,
            ctap21: None,
            self_test: false,
            display_name: "{model} {serial}".to_owned(),
            delete_existing_passkeys: false,
            delete_key_credentials: false,
            check_policy: true,
            strict_policy: false,
            confirmed_roles: Vec::new(),
            provisioned_group: None,
            remove_from_queue_group: None,
            allow_unverified_attestation: false,
        }
    }
}

/// Fills the display-name template; at most 30 characters (Entra's limit), trimmed.
pub fn display_name(template: &str, info: &KeyInfo, upn: &str, date: &str) -> String {
    let name = template
        .replace("{model}", &info.model)
        .replace("{serial}", info.serial.as_deref().unwrap_or(""))
        .replace("{upn}", upn)
        .replace("{date}", date);
    let cut: String = name.trim().chars().take(30).collect();
    cut.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(model: &str, serial: Option<&str>) -> KeyInfo {
        KeyInfo {
            versions: vec![],
            aaguid: [0; 16],
            client_pin: Some(false),
            resident_keys: true,
            min_pin_length: 4,
            pin_protocols: vec![],
            remaining_discoverable_credentials: None,
            model: model.into(),
            serial: serial.map(str::to_owned),
            force_pin_change: false,
            supports_config: false,
            supports_min_pin_length: false,
            supports_cred_mgmt: false,
            firmware: None,
            biometric: false,
        }
    }

    #[test]
    fn the_default_name_is_model_and_serial_within_30_characters() {
        let t = Settings::default().display_name;
        assert_eq!(
            display_name(&t, &info("YubiKey 5 NFC", Some("31245678")), "", ""),
            "YubiKey 5 NFC 31245678"
        );
        assert_eq!(
            display_name(&t, &info("Soft Key", None), "", ""),
            "Soft Key"
        );
        let long = display_name(
            &t,
            &info("A very long security key model name", Some("1")),
            "",
            "",
        );
        assert_eq!(long.chars().count(), 30);
        assert_eq!(
            display_name(
                "Serial: {serial} {date}",
                &info("m", Some("9")),
                "",
                "2026-11-28"
            ),
            "Serial: 9 2026-11-28"
        );
    }
}
