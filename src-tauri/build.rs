//! Build script: Tauri's code generation, with the Windows manifest.

fn main() {
    // The Windows manifest requests administrator rights (HID access to FIDO keys); other
    // platforms ignore it.
    let windows = tauri_build::WindowsAttributes::new()
        .app_manifest(include_str!("windows-app-manifest.xml"));
    tauri_build::try_build(tauri_build::Attributes::new().windows_attributes(windows))
        .expect("tauri-build failed");
}
