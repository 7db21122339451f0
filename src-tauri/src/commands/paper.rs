//! What leaves the desk from the window: PIN letters (for the window's PDF viewer, or
//! saved), key labels, Temporary Access Pass letters and reports, each saved where the
//! operator says. The joins are `keydesk_deliver`'s (shared with the command line); a save
//! writes the file 0600 and synced, never inside the data folder and never over another
//! file. Nothing here wipes a PIN: the operator confirms *Saved* or *Letter printed
//! correctly*, and `letter_printed` does.

use std::path::{Path, PathBuf};

use keydesk_deliver::{
    labels_pdf, outside_data_dir, pin_letters_pdf, tap_letters_pdf, write_private, RenderError,
};
use keydesk_engine::letters::Selection;
use keydesk_engine::report::{desk_report, yubico_report};
use keydesk_engine::tap_batch::{issue_passes, PassOptions};
use keydesk_ipc::{ErrorKind, IpcError, ReportFormat, SavedFile, TapRequest};
use tauri::ipc::Response;
use tauri::State;
use zeroize::Zeroizing;

use super::signed_in;
use crate::convert;
use crate::desk_settings::letter_template;
use crate::state::{AppState, Started};

/// The folder a save offers first: the data folder's parent.
#[tauri::command]
pub fn paper_folder(state: State<'_, Started>) -> Result<String, IpcError> {
    let state = state.get()?;
    let folder = state.data_dir.parent().unwrap_or(&state.data_dir);
    Ok(folder.display().to_string())
}

/// The PIN letters PDF of `user_ids` (none: every letter waiting), as raw bytes.
#[tauri::command]
pub fn letters_pdf(state: State<'_, Started>, user_ids: Vec<String>) -> Result<Response, IpcError> {
    let state = state.get()?;
    let mut rendered = pin_letters(state, &user_ids)?;
    Ok(Response::new(std::mem::take(&mut *rendered.pdf)))
}

/// Writes the PIN letters PDF of `user_ids` (none: every letter waiting) to `path`.
#[tauri::command]
pub fn letters_save(
    state: State<'_, Started>,
    user_ids: Vec<String>,
    path: String,
) -> Result<SavedFile, IpcError> {
    letters_to(state.get()?, &user_ids, &path)
}

/// [`letters_save`]'s work.
pub(crate) fn letters_to(
    state: &AppState,
    user_ids: &[String],
    path: &str,
) -> Result<SavedFile, IpcError> {
    save_rendered(state, path, "no PIN waiting", |state| {
        let rendered = pin_letters(state, user_ids)?;
        let ids = rendered.letters.iter().map(|l| l.user_id.clone()).collect();
        Ok((rendered.pdf, ids, rendered.without_pin))
    })
}

/// Writes the key labels PDF of `user_ids` (none: every key whose letter waits) to `path`.
#[tauri::command]
pub fn labels_save(
    state: State<'_, Started>,
    user_ids: Vec<String>,
    path: String,
) -> Result<SavedFile, IpcError> {
    labels_to(state.get()?, &user_ids, &path)
}

/// [`labels_save`]'s work.
pub(crate) fn labels_to(
    state: &AppState,
    user_ids: &[String],
    path: &str,
) -> Result<SavedFile, IpcError> {
    save_rendered(state, path, "no registered key here", |state| {
        let rendered = labels_pdf(&state.station.journal, selection(user_ids)).map_err(render)?;
        if rendered.facts.is_empty() {
            return Err(nothing("No registered key here has a label to print."));
        }
        let ids = rendered.facts.iter().map(|f| f.user_id.clone()).collect();
        Ok((Zeroizing::new(rendered.pdf), ids, rendered.unmatched))
    })
}

/// A document's bytes, the users it holds (ids) and the users asked for who are not in it.
type Rendered = (Zeroizing<Vec<u8>>, Vec<String>, Vec<String>);

/// Checks `path`, renders, writes; `why` says why a user asked for is not in the file.
fn save_rendered(
    state: &AppState,
    path: &str,
    why: &str,
    render: impl FnOnce(&AppState) -> Result<Rendered, IpcError>,
) -> Result<SavedFile, IpcError> {
    let path = target(state, path)?;
    let (bytes, ids, unmatched) = render(state)?;
    save(&path, &bytes)?;
    Ok(saved(&path, ids, &unmatched, why))
}

/// Issues a pass per user and writes their onboarding letters to `path`.
#[tauri::command]
pub async fn tap_save(
    state: State<'_, Started>,
    request: TapRequest,
    path: String,
) -> Result<SavedFile, IpcError> {
    tap_to(state.get()?, &request, &path).await
}

/// [`tap_save`]'s work.
pub(crate) async fn tap_to(
    state: &AppState,
    request: &TapRequest,
    path: &str,
) -> Result<SavedFile, IpcError> {
    state.lock.refuse_if_locked()?;
    let path = target(state, path)?;
    let template = letter_template(&state.settings())?;
    let graph = signed_in(state)?;
    let ctx = state.context(&graph);
    let options = PassOptions {
        lifetime_minutes: request.lifetime_minutes,
        one_time: request.one_time,
        replace: request.replace,
    };
    let results = issue_passes(&ctx, &graph, &request.user_ids, options)
        .await
        .map_err(|e| convert::provision_error(&e))?;
    let (mut passes, mut skipped) = (Vec::new(), Vec::new());
    for result in results {
        match result {
            Ok(pass) => passes.push(pass),
            Err((user, e)) => skipped.push(format!("{user}: {e}")),
        }
    }
    if passes.is_empty() {
        return Err(convert::plain(
            ErrorKind::InvalidInput,
            format!("No pass was issued. {}", skipped.join("; ")),
            "Check the users named, and their active passes, then try again.",
        ));
    }
    let pdf = tap_letters_pdf(&template, &passes).map_err(|e| render(RenderError::Paper(e)))?;
    save(&path, &pdf).map_err(|e| IpcError {
        remediation: format!(
            "{} The passes issued exist only in Entra now: issue them again with Replace.",
            e.remediation
        ),
        ..e
    })?;
    let upns = passes.iter().map(|p| p.upn.clone()).collect();
    Ok(SavedFile {
        path: path.display().to_string(),
        user_ids: upns,
        skipped,
    })
}

/// Writes a report from the journal to `path` (the Yubico variant's PIN column empty).
#[tauri::command]
pub fn report_save(
    state: State<'_, Started>,
    format: ReportFormat,
    path: String,
) -> Result<SavedFile, IpcError> {
    let state = state.get()?;
    let path = target(state, &path)?;
    let journal = &state.station.journal;
    let text = match format {
        ReportFormat::Csv => desk_report(journal, state.metadata.current().as_deref()),
        ReportFormat::Yubico => yubico_report(journal, None).map(|(text, _)| text),
    }
    .map_err(|e| convert::provision_error(&e))?;
    save(&path, text.as_bytes())?;
    Ok(saved(&path, Vec::new(), &[], ""))
}

/// Writes `text` to `path` as the other saves do (0600, never in the data folder, never
/// over a file).
pub(super) fn save_text(state: &AppState, path: &str, text: &str) -> Result<SavedFile, IpcError> {
    let path = target(state, path)?;
    save(&path, text.as_bytes())?;
    Ok(saved(&path, Vec::new(), &[], ""))
}

#[cfg(all(test, feature = "demo"))]
#[path = "paper_tests.rs"]
mod tests;

fn selection(user_ids: &[String]) -> Selection<'_> {
    if user_ids.is_empty() {
        Selection::Unprinted
    } else {
        Selection::Users(user_ids)
    }
}

fn pin_letters(
    state: &AppState,
    user_ids: &[String],
) -> Result<keydesk_deliver::PinLetters, IpcError> {
    state.lock.refuse_if_locked()?;
    let station = &state.station;
    let template = letter_template(&state.settings())?;
    let rendered = pin_letters_pdf(
        &station.journal,
        &station.escrow,
        selection(user_ids),
        &template,
    )
    .map_err(render)?;
    if rendered.letters.is_empty() {
        return Err(convert::plain(
            ErrorKind::EscrowUnavailable,
            "No PIN is waiting for a letter for the users asked for.",
            "A letter confirmed printed or saved is not kept: use Replace key for a new PIN.",
        ));
    }
    Ok(rendered)
}

/// Where to write: `path` (relative to the data folder's parent), outside the data folder,
/// not over an existing file.
fn target(state: &AppState, path: &str) -> Result<PathBuf, IpcError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(invalid("No file name was given.".into()));
    }
    let folder = state.data_dir.parent().unwrap_or(&state.data_dir);
    let path = folder.join(path);
    outside_data_dir(&path, &state.data_dir).map_err(invalid)?;
    if path.exists() {
        return Err(invalid(format!("{} already exists.", path.display())));
    }
    Ok(path)
}

fn save(path: &Path, bytes: &[u8]) -> Result<(), IpcError> {
    write_private(path, bytes).map_err(|e| {
        convert::plain(
            ErrorKind::InvalidInput,
            format!("{} could not be written: {e}", path.display()),
            "Choose a folder you can write to, with free space. Nothing was wiped.",
        )
    })
}

fn saved(path: &Path, user_ids: Vec<String>, unmatched: &[String], why: &str) -> SavedFile {
    SavedFile {
        path: path.display().to_string(),
        user_ids,
        skipped: unmatched.iter().map(|u| format!("{u}: {why}")).collect(),
    }
}

fn render(e: RenderError) -> IpcError {
    match e {
        RenderError::Engine(e) => convert::provision_error(&e),
        e @ RenderError::Paper(_) => {
            convert::plain(ErrorKind::InvalidInput, e.to_string(), e.remediation())
        }
    }
}

fn nothing(message: &str) -> IpcError {
    convert::plain(
        ErrorKind::InvalidInput,
        message,
        "Pick users with a registered key.",
    )
}

fn invalid(message: String) -> IpcError {
    convert::plain(
        ErrorKind::InvalidInput,
        message,
        "Choose another file name, outside KeyDesk's data folder.",
    )
}
