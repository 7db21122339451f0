//! The letter template file (`keydesk-cli ... --template FILE`, the window's *Letter
//! template* setting): TOML, or JSON when the name ends in `.json`, with its logo read from
//! the path it names (relative to the template's folder) and checked to be a PNG the
//! letters can draw.

use std::path::Path;

use keydesk_paper::LetterTemplate;

/// The template in `path`, logo included and checked; `Err` is a sentence naming the file
/// and what is wrong with it.
pub fn load_template(path: &Path) -> Result<LetterTemplate, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("the letter template {} cannot be read: {e}", path.display()))?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let parsed = if json {
        LetterTemplate::from_json(&text)
    } else {
        LetterTemplate::from_toml(&text)
    };
    let mut template = parsed.map_err(|e| {
        format!(
            "the letter template {}: {e} ({})",
            path.display(),
            e.remediation()
        )
    })?;
    if let Some(logo) = &template.logo {
        let logo_path = path.parent().unwrap_or(Path::new(".")).join(logo);
        let bytes = std::fs::read(&logo_path).map_err(|e| {
            format!(
                "the letter template's logo {} cannot be read: {e}",
                logo_path.display()
            )
        })?;
        template.logo_png = Some(bytes);
        // A page with no letter decodes the logo as every letter would.
        keydesk_paper::tap_letters(&template, &[]).map_err(|e| {
            format!(
                "the letter template's logo {}: {e} ({})",
                logo_path.display(),
                e.remediation()
            )
        })?;
    }
    Ok(template)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_with_its_logo_loads_and_bad_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let toml = dir.path().join("letter.toml");
        std::fs::write(&toml, "organisation = \"Contoso Ltd\"\n").unwrap();
        assert_eq!(load_template(&toml).unwrap().organisation, "Contoso Ltd");

        let json = dir.path().join("letter.json");
        std::fs::write(&json, r#"{"organisation": "Fabrikam", "colour": "red"}"#).unwrap();
        let error = load_template(&json).unwrap_err();
        assert!(
            error.contains("letter.json") && error.contains("colour"),
            "{error}"
        );

        let missing = dir.path().join("missing.toml");
        let error = load_template(&missing).unwrap_err();
        assert!(error.contains("missing.toml"), "{error}");

        let with_logo = dir.path().join("logo.toml");
        std::fs::write(&with_logo, "logo = \"logo.png\"\n").unwrap();
        std::fs::write(dir.path().join("logo.png"), b"not a PNG at all").unwrap();
        let error = load_template(&with_logo).unwrap_err();
        assert!(error.contains("logo.png"), "{error}");
    }
}
