//! Reading a rendered PDF back as text, with poppler's `pdftotext` (package
//! `poppler-utils`, installed by `scripts/setup.sh`): what a reader, a search or a
//! screen reader gets from the page.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Numbers the temporary files of [`pages`], so tests running at once never share one.
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The text of each page of the PDF at `path`, in order.
pub fn pages_of(path: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("pdftotext writes UTF-8");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    pages.pop(); // what follows the last page's form feed
    pages
}

/// The text of each page of `pdf`, written to a temporary file first.
pub fn pages(pdf: &[u8]) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("keydesk-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("{n}.pdf"));
    std::fs::write(&path, pdf).expect("the PDF is written");
    let text = pages_of(&path);
    let _ = std::fs::remove_file(&path);
    text
}

/// `text` with every run of whitespace made one space (pdftotext breaks lines where the
/// layout does).
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
