//! The documents rendered straight from the data folder: what the engine selects, turned
//! into PDF. Nothing is written or wiped here; the caller writes the bytes and, for PIN
//! letters, confirms delivery (`letters::confirm_delivered`) only once they are safe.

use keydesk_engine::escrow::Escrow;
use keydesk_engine::letters::{self, LabelFacts, Selection};
use keydesk_engine::port::LetterStore;
use keydesk_engine::tap_batch::IssuedPass;
use keydesk_engine::ProvisionError;
use keydesk_paper::{LetterTemplate, PaperError, PinLetter};
use zeroize::Zeroizing;

use crate::{key_label, pin_letter, tap_letter};

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The journal or the escrow could not be read.
    #[error(transparent)]
    Engine(#[from] ProvisionError),
    /// The PDF could not be made (e.g. a template's logo is not a PNG).
    #[error(transparent)]
    Paper(#[from] PaperError),
}

impl RenderError {
    /// What the operator can do about it.
    pub fn remediation(&self) -> String {
        match self {
            RenderError::Engine(e) => e.remediation(),
            RenderError::Paper(e) => e.remediation().to_owned(),
        }
    }
}

/// PIN letters, one page each, and who had none waiting.
pub struct PinLetters {
    /// The letters in the PDF, in order.
    pub letters: Vec<PinLetter>,
    /// The PDF (holds PINs; zeroized when dropped). Empty when `letters` is.
    pub pdf: Zeroizing<Vec<u8>>,
    /// Users asked for by name who have no PIN waiting.
    pub without_pin: Vec<String>,
}

/// The PIN letters of `selection` from the escrow.
pub fn pin_letters_pdf(
    journal: &dyn LetterStore,
    escrow: &Escrow,
    selection: Selection<'_>,
    template: &LetterTemplate,
) -> Result<PinLetters, RenderError> {
    let pending = letters::pending(journal, escrow, selection)?;
    let letters: Vec<PinLetter> = pending.letters.iter().map(pin_letter).collect();
    let pdf = if letters.is_empty() {
        Zeroizing::new(Vec::new())
    } else {
        Zeroizing::new(keydesk_paper::pin_letters(template, &letters)?)
    };
    Ok(PinLetters {
        letters,
        pdf,
        without_pin: pending.without_pin,
    })
}

/// A sheet of key labels, and who matched no registered key.
pub struct Labels {
    /// The keys labelled, in order.
    pub facts: Vec<LabelFacts>,
    /// The PDF; empty when `facts` is.
    pub pdf: Vec<u8>,
    /// Users asked for by name who have no registered key here.
    pub unmatched: Vec<String>,
}

/// The key labels of `selection`.
pub fn labels_pdf(
    journal: &dyn LetterStore,
    selection: Selection<'_>,
) -> Result<Labels, RenderError> {
    let (facts, unmatched) = letters::labels(journal, selection)?;
    let labels: Vec<_> = facts.iter().map(key_label).collect();
    let pdf = if labels.is_empty() {
        Vec::new()
    } else {
        keydesk_paper::key_labels(&labels)?
    };
    Ok(Labels {
        facts,
        pdf,
        unmatched,
    })
}

/// Onboarding letters for issued passes (hold the passes; zeroized when dropped).
pub fn tap_letters_pdf(
    template: &LetterTemplate,
    passes: &[IssuedPass],
) -> Result<Zeroizing<Vec<u8>>, PaperError> {
    let letters: Vec<_> = passes.iter().map(tap_letter).collect();
    Ok(Zeroizing::new(keydesk_paper::tap_letters(
        template, &letters,
    )?))
}
