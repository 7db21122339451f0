//! Build script: embeds the version line `keydesk-cli --version` prints (the version, the git
//! commit, and that the simulated tenant `keydesk-cli sim` is built in: it always is).

include!("../../scripts/build_commit.rs");

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../../scripts/build_commit.rs");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = keydesk_commit();
    println!(
        "cargo:rustc-env=KEYDESK_VERSION_LINE={version} (commit {commit}, demo: sim built in)"
    );
}
