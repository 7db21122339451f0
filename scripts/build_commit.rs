// Shared by the build scripts of keydesk-cli and the app (`include!`d, not a module): the git
// commit a binary is built from, for `--version`.
//
// `KEYDESK_COMMIT` wins (a package built from a source tarball, or CI naming the commit);
// else `git rev-parse --short HEAD`; else "unknown" (no git, or not a checkout). Cargo is
// told to run the build script again when HEAD moves, so the commit is never stale.

/// The commit to embed, and the files whose change must re-run the build script.
fn keydesk_commit() -> String {
    println!("cargo:rerun-if-env-changed=KEYDESK_COMMIT");
    if let Ok(commit) = std::env::var("KEYDESK_COMMIT") {
        if !commit.trim().is_empty() {
            return commit.trim().to_owned();
        }
    }
    let git = |args: &[&str]| -> Option<String> {
        let out = std::process::Command::new("git").args(args).output().ok()?;
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8(out.stdout).ok()?;
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    };
    // HEAD, the branch it points at, and packed-refs (a branch may live there).
    let mut watched = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", &name]) {
            if std::path::Path::new(&path).exists() {
                println!("cargo:rerun-if-changed={path}");
            }
        }
    }
    git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".to_owned())
}
