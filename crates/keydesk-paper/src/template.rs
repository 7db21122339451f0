//! The letter template: the organisation's name, logo and every sentence a letter
//! prints, read from TOML or JSON (every field optional, unknown fields refused) over a
//! built-in English default. Sentences may use `{organisation}` and `{upn}`.

use serde::{Deserialize, Serialize};

use crate::error::PaperError;

/// What a letter says besides the user's own data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LetterTemplate {
    /// Printed at the top of every letter and as the sender above the address.
    pub organisation: String,
    /// Path of a PNG logo, relative to the template file; the caller reads it into
    /// [`LetterTemplate::logo_png`].
    pub logo: Option<String>,
    /// The logo's PNG bytes (not part of the file).
    #[serde(skip)]
    pub logo_png: Option<Vec<u8>>,
    /// The PIN letter's heading.
    pub pin_title: String,
    /// The first paragraph of a PIN letter.
    pub pin_intro: String,
    /// The first-use steps of a PIN letter, in order.
    pub pin_steps: Vec<String>,
    /// Added as a step when the key asks for a new PIN at first use.
    pub forced_change: String,
    /// Added as a step when the key has a fingerprint reader.
    pub biometric: String,
    /// What to do when the key is lost.
    pub lost: String,
    /// Printed on the tear-off part, beside the PIN.
    pub pin_keep_apart: String,
    /// The TAP letter's heading.
    pub tap_title: String,
    /// The first paragraph of a TAP letter.
    pub tap_intro: String,
    /// The steps to add a passkey in Microsoft Authenticator, in order.
    pub tap_steps: Vec<String>,
    /// The alternative: a security key.
    pub tap_alternative: String,
    /// Who to ask, printed at the end of every letter.
    pub contact: String,
}

impl Default for LetterTemplate {
    fn default() -> Self {
        LetterTemplate {
            organisation: "Your organisation".into(),
            logo: None,
            logo_png: None,
            pin_title: "Your security key".into(),
            pin_intro: "This letter comes with the security key that signs you in to your \
                {organisation} account ({upn}) without a password. Keep the PIN below apart \
                from the key."
                .into(),
            pin_steps: vec![
                "Insert the key into a USB port (or hold it to the phone for NFC) when a \
                 sign-in page asks for a passkey or security key."
                    .into(),
                "Enter the PIN from the bottom of this letter, then touch the key.".into(),
            ],
            forced_change: "The key asks you to choose a new PIN the first time you use it: \
                pick 6 or more digits that nobody can guess, and do not write it down."
                .into(),
            biometric: "Your key reads fingerprints: enrol a finger in your computer's \
                security key settings (Windows: Settings > Accounts > Sign-in options > \
                Security key), using the PIN, so you can touch instead of typing it."
                .into(),
            lost: "If the key is lost or stolen, tell the helpdesk at once: the key is \
                removed from your account and you receive a new one. Never send the PIN by \
                e-mail or chat."
                .into(),
            pin_keep_apart: "Tear off along the dashed line. Keep the PIN separate from the \
                key, and destroy this part once you know the PIN."
                .into(),
            tap_title: "Set up a passkey on your phone".into(),
            tap_intro: "With the Temporary Access Pass below you sign in once to your \
                {organisation} account ({upn}) and add a passkey in Microsoft \
                Authenticator. After that you sign in with your phone, no password."
                .into(),
            tap_steps: vec![
                "Install Microsoft Authenticator from the App Store or Google Play and open it."
                    .into(),
                "Tap + (Add account), then Work or school account, then Sign in.".into(),
                "Sign in with {upn}; when asked, enter the Temporary Access Pass below.".into(),
                "When Authenticator offers it, choose Create passkey and confirm with your \
                 phone's screen lock."
                    .into(),
                "Done: Authenticator lists the passkey under your account.".into(),
            ],
            tap_alternative: "Alternatively, at your own desk: open \
                https://aka.ms/mysecurityinfo, sign in with {upn} and the pass, choose Add \
                sign-in method > Security key, and follow the steps with your key."
                .into(),
            contact: "Questions? Ask your helpdesk.".into(),
        }
    }
}

impl LetterTemplate {
    /// A template read from TOML text; missing fields keep the default.
    pub fn from_toml(text: &str) -> Result<LetterTemplate, PaperError> {
        toml::from_str(text).map_err(|e| PaperError::Template(e.to_string()))
    }

    /// A template read from JSON text; missing fields keep the default.
    pub fn from_json(text: &str) -> Result<LetterTemplate, PaperError> {
        serde_json::from_str(text).map_err(|e| PaperError::Template(e.to_string()))
    }

    /// `text` with `{organisation}` and `{upn}` filled in.
    pub(crate) fn fill(&self, text: &str, upn: &str) -> String {
        text.replace("{organisation}", &self.organisation)
            .replace("{upn}", upn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_file_keeps_the_defaults_and_unknown_fields_are_refused() {
        let t =
            LetterTemplate::from_toml("organisation = \"Contoso\"\nlogo = \"l.png\"\n").unwrap();
        assert_eq!(t.organisation, "Contoso");
        assert_eq!(t.logo.as_deref(), Some("l.png"));
        assert_eq!(t.lost, LetterTemplate::default().lost);
        let j = LetterTemplate::from_json(r#"{"contact": "Call 123"}"#).unwrap();
        assert_eq!(j.contact, "Call 123");
        assert!(LetterTemplate::from_toml("colour = \"red\"").is_err());
        assert_eq!(t.fill("{organisation}: {upn}", "kim@x"), "Contoso: kim@x");
    }
}
