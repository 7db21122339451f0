//! Why a document could not be rendered.

/// A document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PaperError {
    /// The template's logo is not a PNG this renderer can read.
    #[error("the logo is not a readable PNG: {0}")]
    Logo(String),
    /// The template file does not parse.
    #[error("the letter template does not parse: {0}")]
    Template(String),
    /// An embedded font could not be read or subset (a bug in this build).
    #[error("the embedded font cannot be used: {0}")]
    Font(String),
}

impl PaperError {
    /// What the operator should do.
    pub fn remediation(&self) -> &'static str {
        match self {
            PaperError::Logo(_) => "Save the logo as an 8-bit RGB, RGBA or grey PNG and try again.",
            PaperError::Template(_) => {
                "Fix the template file (TOML or JSON, see the README's PIN letters section) \
                 or leave it out to use the built-in text."
            }
            PaperError::Font(_) => "Report this build: its embedded font is damaged.",
        }
    }
}
