//! The key file in the data directory: created on first start with mode 0600, one key per line,
//! the first encrypts and the others only decrypt (they stay after a rotation, for replicas that
//! still hold secrets sealed with them).

use std::io::Write;
use std::path::Path;

use super::CryptoError;

pub const KEY_FILE_NAME: &str = "secret.key";

const HEADER: &str = "# Bifrost Integrations encryption keys: the first line encrypts, all decrypt.\n\
                      # Losing this file loses every stored secret; back it up with the database.\n";

fn file_error(path: &Path, message: impl std::fmt::Display) -> CryptoError {
    CryptoError::KeyFile {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

/// The file's text, or `None` when it does not exist.
pub fn read_key_file(path: &Path) -> Result<Option<String>, CryptoError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(file_error(path, error)),
    }
}

/// Writes the keys (text forms, the encrypting key first) through a temporary file and a rename,
/// so a reader never sees half a file. With `create_new`, fails if the file exists, so two
/// servers starting at once cannot each create a different key.
pub fn write_key_file(path: &Path, keys: &[String], create_new: bool) -> Result<(), CryptoError> {
    let mut contents = String::from(HEADER);
    for key in keys {
        contents.push_str(key);
        contents.push('\n');
    }
    if create_new {
        let mut file = open_private(path, true)?;
        file.write_all(contents.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|error| file_error(path, error))?;
        return sync_directory(path);
    }
    let temporary = path.with_extension("key.new");
    let _ = std::fs::remove_file(&temporary);
    let mut file = open_private(&temporary, true)?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|error| file_error(&temporary, error))?;
    std::fs::rename(&temporary, path).map_err(|error| file_error(path, error))?;
    // Secrets get re-sealed under the new key right after this: the rename must survive a crash.
    sync_directory(path)
}

fn sync_directory(path: &Path) -> Result<(), CryptoError> {
    #[cfg(unix)]
    if let Some(directory) = path.parent() {
        let directory = if directory.as_os_str().is_empty() {
            Path::new(".")
        } else {
            directory
        };
        std::fs::File::open(directory)
            .and_then(|handle| handle.sync_all())
            .map_err(|error| file_error(directory, error))?;
    }
    Ok(())
}

/// An exclusive lock on `<key file>.lock`, held while the key list is read and rewritten, so
/// two rotations at once cannot drop each other's key. Released when dropped.
pub fn lock_key_file(path: &Path) -> Result<std::fs::File, CryptoError> {
    let lock_path = path.with_extension("key.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|error| file_error(&lock_path, error))?;
    file.lock().map_err(|error| file_error(&lock_path, error))?;
    Ok(file)
}

fn open_private(path: &Path, create_new: bool) -> Result<std::fs::File, CryptoError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(create_new);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|error| file_error(path, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_file_is_readable_by_its_owner_only() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join(KEY_FILE_NAME);
        write_key_file(&path, &["a".into()], true).expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(write_key_file(&path, &["b".into()], true).is_err());
        write_key_file(&path, &["c".into(), "a".into()], false).expect("replace");
        let text = read_key_file(&path).expect("read").expect("exists");
        assert!(text.contains("c\na\n"), "{text}");
    }
}
