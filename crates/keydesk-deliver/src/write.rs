//! Writing a document that may hold PINs or passes: straight to its file (never a
//! temporary one), readable by the owner only, synced with its folder; and refusing a
//! place inside the data folder, whose folder is kept free of PINs in clear.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Refuses an output file inside the data folder; the error names the file.
pub fn outside_data_dir(out: &Path, data_dir: &Path) -> Result<(), String> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (Ok(parent), Ok(data)) = (parent.canonicalize(), data_dir.canonicalize()) else {
        return Ok(()); // a missing folder fails at write time with its own message
    };
    if parent.starts_with(&data) {
        return Err(format!(
            "{} is inside the data folder: write files that hold PINs elsewhere",
            out.display()
        ));
    }
    Ok(())
}

/// Writes `bytes` to `path` directly (no temporary file), readable by the owner only,
/// and syncs the file and its folder before returning.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // An existing file keeps its mode on open: narrow it before any byte is written.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    finish(file, path, bytes)
}

fn finish(mut file: File, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()?;
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn an_existing_file_is_narrowed_to_its_owner_before_the_pins_go_in() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("letters.pdf");
        std::fs::write(&path, b"old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, b"%PDF").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_file_inside_the_data_folder_is_refused() {
        let data = tempfile::tempdir().unwrap();
        let inside = data.path().join("letters.pdf");
        assert!(outside_data_dir(&inside, data.path()).is_err());
        let other = tempfile::tempdir().unwrap();
        assert!(outside_data_dir(&other.path().join("l.pdf"), data.path()).is_ok());
    }
}
