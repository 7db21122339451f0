//! `--template FILE`: the letter template (TOML, or JSON when the name ends in `.json`),
//! read by `keydesk_deliver::load_template`, logo included.

use std::path::Path;

use keydesk_paper::LetterTemplate;

/// The template in `path`, or the built-in one; a usage error as its message.
pub fn load(path: Option<&Path>) -> Result<LetterTemplate, String> {
    match path {
        None => Ok(LetterTemplate::default()),
        Some(path) => keydesk_deliver::load_template(path).map_err(|e| format!("--template: {e}")),
    }
}
