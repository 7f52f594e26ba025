//! Crash-safe replacement of the settings file (reads are `file_safety`'s): a reader sees the old file or
//! the new one, never a mix, and a crash leaves at most a stray temp file, never a half-written
//! settings file. Files and folders are created private (0600 / 0700) at creation, not by a later
//! chmod, so there is no moment at which another user could open them.

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};

/// Creates the folder that will hold `path` (mode 0700 for the folders it creates).
pub fn ensure_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            let mut builder = fs::DirBuilder::new();
            // Recursive: succeeds when the folder exists, and never changes an existing one's mode.
            builder.recursive(true);
            #[cfg(unix)]
            builder.mode(0o700);
            builder.create(dir)
        }
        _ => Ok(()),
    }
}

/// Opens `path` for writing, creating it with mode 0600 if missing; never truncates.
pub fn open_private(path: &Path, create_new: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true);
    if create_new {
        options.create_new(true);
    } else {
        options.create(true);
    }
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path)
}

/// Replaces `path` with `bytes`: temp file in the same folder (0600), write, fsync, rename over
/// the original, fsync the folder so the rename itself survives a power cut.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    ensure_parent(path)?;
    let (tmp, file) = create_temp(path)?;
    if let Err(e) = fill_and_rename(file, bytes, &tmp, path) {
        // Best effort: a stray temp file is harmless, but don't leave one behind when we can help it.
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_parent(path)
}

fn fill_and_rename(mut file: File, bytes: &[u8], tmp: &Path, path: &Path) -> io::Result<()> {
    file.write_all(bytes)?;
    // The data must be on disk before the rename makes it the settings file.
    file.sync_all()?;
    drop(file);
    fs::rename(tmp, path)
}

/// Removes `path` if it exists and makes the removal durable.
pub fn remove(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Ok(()) => sync_parent(path),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// `<name>.tmp-<pid>-<random>` beside `path`: unique across processes and threads, and created
/// with `create_new` so an attacker's pre-placed file or symlink is never written through.
fn create_temp(path: &Path) -> io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "settings".to_string());
    for _ in 0..8 {
        let mut suffix = [0u8; 8];
        getrandom::fill(&mut suffix).map_err(|e| io::Error::other(e.to_string()))?;
        let hex: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
        let tmp = path.with_file_name(format!("{name}.tmp-{}-{hex}", std::process::id()));
        match open_private(&tmp, true) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        ErrorKind::AlreadyExists,
        "could not create a unique temporary file",
    ))
}

fn sync_parent(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
