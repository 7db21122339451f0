//! Where a URL to open goes (the browser sign-in page, links in help), for the app and
//! the CLI alike: `$BROWSER` when it is set, else the system's browser.

use keydesk_graph::{BrowserOpener, SystemBrowser};
use url::Url;

/// Hands `url` to the first of `$BROWSER`'s ':'-separated commands (its words split at
/// whitespace, the URL last) when set, else to the system's browser. The started browser
/// is waited for on a thread of its own, so an exited one leaves no zombie behind.
pub fn open_in_browser(url: &Url) -> Result<(), String> {
    let browser = std::env::var("BROWSER").unwrap_or_default();
    let mut words = browser
        .split(':')
        .next()
        .unwrap_or_default()
        .split_whitespace();
    let Some(program) = words.next() else {
        return SystemBrowser.open(url);
    };
    let mut child = std::process::Command::new(program)
        .args(words)
        .arg(url.as_str())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start $BROWSER ({program}): {e}"))?;
    std::thread::spawn(move || child.wait());
    Ok(())
}
