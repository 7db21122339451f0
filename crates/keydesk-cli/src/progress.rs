//! A progress bar on stderr, only when stderr is a terminal (never in a pipe or a log
//! file), drawn without colour. Lines printed while it shows go through
//! [`Progress::suspend`] so the bar is redrawn below them.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over `total` users, or nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar when stderr is a terminal; a no-op otherwise.
    pub fn new(total: usize, what: &str) -> Self {
        if !std::io::stderr().is_terminal() || total == 0 {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(
            Some(u64::try_from(total).unwrap_or(u64::MAX)),
            ProgressDrawTarget::stderr(),
        );
        let template =
            format!("{what} [{{bar:30}}] {{pos}}/{{len}} ({{elapsed}}, about {{eta}} left)");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress(Some(bar))
    }

    /// Runs `f` (which prints) with the bar hidden.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// One more user done.
    pub fn inc(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
