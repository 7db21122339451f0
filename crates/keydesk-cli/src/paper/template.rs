//! `--template FILE`: the letter template read from TOML (JSON when the name ends in
//! `.json`), its logo read from the path it names (relative to the template's folder).

use std::path::Path;

use keydesk_paper::LetterTemplate;

/// The template in `path`, or the built-in one; a usage error as its message.
pub fn load(path: Option<&Path>) -> Result<LetterTemplate, String> {
    let Some(path) = path else {
        return Ok(LetterTemplate::default());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read --template {}: {e}", path.display()))?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let parsed = if json {
        LetterTemplate::from_json(&text)
    } else {
        LetterTemplate::from_toml(&text)
    };
    let mut template =
        parsed.map_err(|e| format!("--template {}: {e}\n  {}", path.display(), e.remediation()))?;
    if let Some(logo) = &template.logo {
        let logo_path = path.parent().unwrap_or(Path::new(".")).join(logo);
        let bytes = std::fs::read(&logo_path).map_err(|e| {
            format!(
                "cannot read the template's logo {}: {e}",
                logo_path.display()
            )
        })?;
        template.logo_png = Some(bytes);
    }
    Ok(template)
}
