//! A data folder only its owner can read: the folder 0700, its files 0600 (Unix).
//!
//! The journal holds sealed PINs and the audit log names every user provisioned: neither
//! is a secret on its own, but no other account on the desk's machine has a reason to read
//! them. SQLite creates its `-wal` and `-shm` files with the database's mode, so setting
//! the database's is enough for them. On other systems the folder's ACL (the user's
//! profile) is what protects it.

use std::path::Path;

/// Restricts `dir` and each of `files` (names in it) that exists; creates none but
/// `create`, made empty with mode 0600 when missing (a file appended to later would
/// otherwise be born with the umask's mode).
pub fn restrict(dir: &Path, files: &[&str], create: &[&str]) -> std::io::Result<()> {
    for name in create {
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(dir.join(name))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let set = |path: &Path, mode: u32| match std::fs::set_permissions(
            path,
            std::fs::Permissions::from_mode(mode),
        ) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
        set(dir, 0o700)?;
        for name in files.iter().chain(create) {
            set(&dir.join(name), 0o600)?;
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_folder_and_its_files_are_private() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("journal.sqlite"), b"x").unwrap();
        super::restrict(dir.path(), &["journal.sqlite", "absent"], &["audit.log"]).unwrap();
        let mode = |name: &str| {
            std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(""), 0o700);
        assert_eq!(mode("journal.sqlite"), 0o600);
        assert_eq!(mode("audit.log"), 0o600);
        assert!(!dir.path().join("absent").exists());
    }
}
