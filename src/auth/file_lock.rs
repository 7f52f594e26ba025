//! The sidecar lock `<settings file>.lock` that serialises every writer of one settings file,
//! across processes and inside one: `File::lock` has flock semantics on Unix, so two handles in
//! one process exclude each other too. A sidecar rather than the data file itself, because the data
//! file is replaced by rename (a lock on the old inode would guard nothing) and because Windows
//! locks are mandatory. The lock file is never deleted: deleting it would let two processes lock
//! two different inodes of the same name. The OS drops the lock when its holder dies, so a crash
//! never leaves a stale lock.

use std::ffi::OsString;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::auth::atomic_file;
use crate::auth::file_safety;
use crate::error::{AuthError, Error, Result};

/// How long a writer waits for another before giving up, by default. A refresh holds the lock for
/// one HTTP round trip, normally well under a second.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// The sidecar lock path for a settings file.
pub fn lock_path_for(settings: &Path) -> PathBuf {
    let mut name = settings
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| OsString::from("OAuthSettings"));
    name.push(".lock");
    settings.with_file_name(name)
}

/// An exclusive lock, released on drop (or when the process ends).
#[derive(Debug)]
pub struct FileLock {
    file: File,
}

impl FileLock {
    /// Locks `lock_path` exclusively, creating it (0600) if needed, polling for up to `timeout`.
    pub fn acquire(lock_path: &Path, timeout: Duration) -> Result<FileLock> {
        let io_error = |e: std::io::Error| {
            Error::general(format!(
                "Could not open the OAuth settings lock file {}: {e}; check that its folder is writable (OAuthSettingsLocation)",
                lock_path.display()
            ))
        };
        atomic_file::ensure_parent(lock_path).map_err(io_error)?;
        let file = file_safety::open_lock(lock_path)?;
        let started = Instant::now();
        // Short sleeps first (the holder is usually nearly done), growing to bound the wake-ups.
        let mut pause = Duration::from_millis(2);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(FileLock { file }),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => return Err(io_error(e)),
            }
            if started.elapsed() >= timeout {
                return Err(Error::new(
                    AuthError::Timeout,
                    format!(
                        "Waited {} s for the OAuth settings lock {}; another connection or process is still updating the tokens. Try again; if this persists, find the process that holds the lock",
                        timeout.as_secs_f64(),
                        lock_path.display()
                    ),
                ));
            }
            std::thread::sleep(pause.min(timeout.saturating_sub(started.elapsed())));
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Closing the handle releases the lock anyway; unlocking first just makes it prompt.
        let _ = self.file.unlock();
    }
}
