//! Build script: Tauri's code generation, with the Windows manifest, and the git commit
//! `keydesk --version` prints.

include!("../scripts/build_commit.rs");

fn main() {
    println!("cargo:rerun-if-changed=../scripts/build_commit.rs");
    println!("cargo:rustc-env=KEYDESK_COMMIT={}", keydesk_commit());
    // The Windows manifest requests administrator rights (raw HID access to FIDO keys: see
    // docs/RELEASING.md); other platforms ignore it.
    let windows = tauri_build::WindowsAttributes::new()
        .app_manifest(include_str!("windows-app-manifest.xml"));
    tauri_build::try_build(tauri_build::Attributes::new().windows_attributes(windows))
        .expect("tauri-build failed");
}
