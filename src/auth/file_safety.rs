//! What the settings file, its lock and its folder must be before the driver reads tokens from
//! them or writes tokens into them: a regular file (never a symbolic link, a FIFO or a device)
//! owned by this user and writable by nobody else, in a folder that no other user can rename
//! files in. A symbolic link would be replaced by the first rename (so processes using the link
//! and the real path would lock and write two different files), and a file or folder others can
//! write lets them plant tokens or steal them. Anything else is refused with 28000, saying what
//! to fix. Files are opened with `O_NOFOLLOW`, so a link swapped in after the check fails too.

use std::fs::{File, Metadata, OpenOptions};
use std::io::ErrorKind;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};

use crate::error::{AuthError, Error, Result};
use crate::files::{self, FileError, Follow};

/// What the messages call the two files.
pub const SETTINGS: &str = "settings file";
pub const LOCK: &str = "settings lock file";

/// A settings file is a few hundred bytes; anything past this is not one.
pub const MAX_SETTINGS_BYTES: u64 = 1 << 20;

fn refused(path: &Path, what: &str, why: &str, fix: &str) -> Error {
    Error::new(
        AuthError::TokenStore,
        format!(
            "The OAuth {what} {} {why}, so the driver will not keep tokens there; {fix}",
            path.display()
        ),
    )
}

/// The folder that holds (or will hold) the settings file: if it exists, no other user may be
/// able to replace files in it (writable by others, or by a group that is not the user's own,
/// without the sticky bit of /tmp).
pub fn check_folder(dir: &Path) -> Result<()> {
    let meta = match std::fs::metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(refused(
                dir,
                "settings folder",
                &format!("cannot be examined ({e})"),
                "check OAuthSettingsLocation",
            ))
        }
    };
    #[cfg(unix)]
    {
        let mode = meta.permissions().mode();
        // Group write is harmless when the group is the user's own (the private group most
        // systems give each user, which umask 002 makes folders writable for).
        let group_of_others = meta.gid() != crate::ffi::os::effective_gid();
        let others_write = mode & 0o002 != 0 || (mode & 0o020 != 0 && group_of_others);
        if others_write && mode & 0o1000 == 0 {
            return Err(refused(
                dir,
                "settings folder",
                &format!("is writable by other users (mode {:o})", mode & 0o7777),
                "run chmod go-w on it, or set OAuthSettingsLocation to a file in a private folder",
            ));
        }
    }
    Ok(())
}

/// An existing file's own checks (for a file opened or examined without following links).
fn check_metadata(path: &Path, what: &str, meta: &Metadata) -> Result<()> {
    if meta.file_type().is_symlink() {
        let fix = if what == LOCK {
            "remove the link; the driver creates its own lock file"
        } else {
            "point OAuthSettingsLocation at the real file (readlink -f shows it), or replace the link by the file"
        };
        return Err(refused(path, what, "is a symbolic link", fix));
    }
    if !meta.is_file() {
        return Err(refused(
            path,
            what,
            "is not a regular file",
            "point OAuthSettingsLocation at a file path",
        ));
    }
    #[cfg(unix)]
    {
        let me = crate::ffi::os::effective_uid();
        if meta.uid() != me {
            return Err(refused(
                path,
                what,
                &format!(
                    "belongs to user id {}, not to you (user id {me})",
                    meta.uid()
                ),
                "use a settings file of your own (OAuthSettingsLocation), or remove this one",
            ));
        }
        let mode = meta.permissions().mode();
        if mode & 0o022 != 0 {
            return Err(refused(
                path,
                what,
                &format!("is writable by other users (mode {:o})", mode & 0o777),
                "run chmod 600 on it",
            ));
        }
    }
    Ok(())
}

/// Checks `path` if it exists (without following a link); a missing file is fine.
pub fn check_existing(path: &Path, what: &str) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => check_metadata(path, what, &meta),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(refused(
            path,
            what,
            &format!("cannot be examined ({e})"),
            "check OAuthSettingsLocation and the permissions of its folder",
        )),
    }
}

/// The settings file's bytes, or `None` when there is none; refused unless it is safe to trust.
pub fn read_settings(path: &Path) -> Result<Option<Vec<u8>>> {
    const WHAT: &str = SETTINGS;
    let file = match files::open_regular(path, Follow::No) {
        Ok(file) => file,
        Err(FileError::NotFound) => return Ok(None),
        Err(FileError::Symlink) => {
            return Err(refused(
                path,
                WHAT,
                "is a symbolic link",
                "point OAuthSettingsLocation at the real file (readlink -f shows it), or replace the link by the file",
            ))
        }
        Err(FileError::NotRegular(kind)) => {
            return Err(refused(
                path,
                WHAT,
                &format!("is {kind}, not a regular file"),
                "point OAuthSettingsLocation at a file path",
            ))
        }
        Err(e) => {
            return Err(refused(
                path,
                WHAT,
                &format!("cannot be read ({e})"),
                "check OAuthSettingsLocation and the file's permissions",
            ))
        }
    };
    let meta = file.metadata().map_err(|e| {
        refused(
            path,
            WHAT,
            &format!("cannot be examined ({e})"),
            "check OAuthSettingsLocation",
        )
    })?;
    check_metadata(path, WHAT, &meta)?;
    match files::read_bounded(file, MAX_SETTINGS_BYTES) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(FileError::TooLarge(_)) => Err(refused(
            path,
            WHAT,
            "is larger than 1 MiB, which no settings file is",
            "point OAuthSettingsLocation at another file",
        )),
        Err(e) => Err(refused(
            path,
            WHAT,
            &format!("cannot be read ({e})"),
            "check the file's permissions",
        )),
    }
}

/// Opens the lock file for locking: created (0600, `O_EXCL`) when missing, else opened without
/// following a link and checked like the settings file.
pub fn open_lock(path: &Path) -> Result<File> {
    const WHAT: &str = LOCK;
    let mut create = OpenOptions::new();
    create.read(true).write(true).create_new(true);
    #[cfg(unix)]
    create.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    match create.open(path) {
        Ok(file) => return Ok(file),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(refused(
                path,
                WHAT,
                &format!("cannot be created ({e})"),
                "check that its folder is writable (OAuthSettingsLocation)",
            ))
        }
    }
    let mut open = OpenOptions::new();
    open.read(true).write(true);
    #[cfg(unix)]
    open.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let file = open.open(path).map_err(|e| {
        if e.raw_os_error() == Some(libc::ELOOP) {
            refused(
                path,
                WHAT,
                "is a symbolic link",
                "remove the link; the driver creates its own lock file",
            )
        } else {
            refused(
                path,
                WHAT,
                &format!("cannot be opened ({e})"),
                "check its permissions and its folder's",
            )
        }
    })?;
    let meta = file.metadata().map_err(|e| {
        refused(
            path,
            WHAT,
            &format!("cannot be examined ({e})"),
            "check its permissions",
        )
    })?;
    check_metadata(path, WHAT, &meta)?;
    Ok(file)
}
