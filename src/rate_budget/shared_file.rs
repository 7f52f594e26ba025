//! The state files that let the user's processes share one budget per account: one file per
//! account, `$XDG_STATE_HOME/apiodbc/rate-budget/<account hash>.json` (else
//! `~/.local/state/…`), read and rewritten whole under an exclusive lock on the file itself. One
//! file per account keeps each request's read and write a few hundred bytes however many
//! accounts the user has, and accounts never wait on one another's lock. The files hold no
//! credential and no URL, only counts and times under a hash; they are 0600 in a 0700 directory,
//! opened without following symbolic links. A file that does not parse is started afresh: losing
//! what was learned costs one slower first request, never a query.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};

use super::policy::Budget;

/// An account idle this long loses its file (its limit is learned again).
const IDLE: Duration = Duration::from_secs(24 * 3600);
/// The longest a request waits for another process's hold on the file.
const LOCK_PATIENCE: Duration = Duration::from_secs(2);
/// A state file larger than this is not ours and is started afresh.
const MAX_BYTES: u64 = 1 << 20;

/// Where the files live by default; `None` when neither XDG_STATE_HOME nor HOME is set.
pub fn default_dir() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".local").join("state"))
        })?;
    Some(state.join("apiodbc").join("rate-budget"))
}

fn open_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    options.open(path)
}

fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir)
}

/// Takes the exclusive lock on `file`, waiting up to [`LOCK_PATIENCE`].
fn lock(file: &File) -> std::io::Result<()> {
    // Held for microseconds by each request of each process; a holder that stalls (stopped,
    // a slow network file system) must not stop this process's requests: give up after a
    // while and let the caller keep its own budget.
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_PATIENCE => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(std::io::Error::other(format!(
                    "another process has held its lock for {} s",
                    LOCK_PATIENCE.as_secs()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// One account's file, locked, with its budget read.
pub struct Locked {
    /// Locked for the lifetime of `Locked`; closing it releases the lock.
    file: File,
    budget: Budget,
    /// The file's length when read.
    read_len: u64,
}

impl Locked {
    /// The file of `account` (a hex digest) in `dir`, created when missing.
    pub fn open(dir: &Path, account: &str) -> std::io::Result<Locked> {
        if account.is_empty() || !account.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(std::io::Error::other("an account key that is not a hash"));
        }
        create_dir(dir)?;
        let path = dir.join(format!("{account}.json"));
        // A file swept away (idle for a day) between opening and locking it is a file nobody
        // else reads: open the one at the path again.
        let mut attempts = 0;
        let mut file = loop {
            let file = open_private(&path)?;
            lock(&file)?;
            attempts += 1;
            if is_at(&file, &path) || attempts == 3 {
                break file;
            }
        };
        let mut text = Vec::new();
        if file.metadata()?.len() <= MAX_BYTES {
            file.read_to_end(&mut text)?;
        }
        let budget = serde_json::from_slice(&text).unwrap_or_default();
        Ok(Locked {
            budget,
            read_len: file.metadata()?.len(),
            file,
        })
    }

    pub fn budget(&mut self) -> &mut Budget {
        &mut self.budget
    }

    /// Writes the budget back and releases the lock.
    pub fn save(mut self, now: u64) -> std::io::Result<()> {
        self.budget.prune(now, None);
        let bytes = serde_json::to_vec(&self.budget).map_err(std::io::Error::other)?;
        // Every reader holds the lock, so rewriting in place is never seen half done; a crash
        // in the middle leaves a file that does not parse, which is started afresh. Truncating
        // only when the text got shorter spares most requests a metadata write.
        self.file.seek(SeekFrom::Start(0))?;
        self.file.write_all(&bytes)?;
        if (bytes.len() as u64) < self.read_len {
            self.file.set_len(bytes.len() as u64)?;
        }
        self.file.unlock()
    }
}

/// Whether `file` is still the file at `path` (not one removed since it was opened).
fn is_at(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

fn idle(file: &File) -> bool {
    file.metadata().and_then(|m| m.modified()).is_ok_and(|t| {
        SystemTime::now()
            .duration_since(t)
            .is_ok_and(|age| age > IDLE)
    })
}

/// Removes the files of accounts idle for a day (none is in use: a request rewrites its file),
/// and the single file of every account earlier versions kept beside the directory. A file
/// another process holds locked right now is left alone, and one written while this waited
/// for nothing is kept.
pub fn sweep_idle(dir: &Path) {
    if let Some(parent) = dir.parent() {
        let _ = std::fs::remove_file(parent.join("rate-budget.json"));
        let _ = std::fs::remove_file(parent.join("rate-budget.json.lock"));
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let Ok(file) = crate::files::open_regular(&path, crate::files::Follow::No) else {
            continue;
        };
        if idle(&file) && file.try_lock().is_ok() && idle(&file) && is_at(&file, &path) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_survive_between_openings_and_the_file_is_private() {
        let dir = std::env::temp_dir()
            .join(format!("apiodbc-rate-{}", std::process::id()))
            .join("nested");
        let mut first = Locked::open(&dir, "ab12").unwrap_or_else(|e| panic!("{e}"));
        first.budget().limit = Some(20);
        first.save(1000).unwrap_or_else(|e| panic!("{e}"));
        let mut again = Locked::open(&dir, "ab12").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.budget().limit, Some(20));
        again.save(1000).unwrap_or_else(|e| panic!("{e}"));
        // Another account has a file, and a budget, of its own.
        let mut other = Locked::open(&dir, "cd34").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(other.budget().limit, None);
        drop(other);
        let path = dir.join("ab12.json");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| {
                std::fs::metadata(p)
                    .map(|m| m.permissions().mode() & 0o777)
                    .unwrap_or(0)
            };
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir), 0o700);
        }
        // Garbage is started afresh, not an error.
        std::fs::write(&path, b"{not json").unwrap_or_else(|e| panic!("{e}"));
        let mut fresh = Locked::open(&dir, "ab12").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fresh.budget().limit, None);
        drop(fresh);
        // A key that is not a hash never names a file.
        assert!(Locked::open(&dir, "../x").is_err());
        let _ = std::fs::remove_dir_all(dir.parent().unwrap_or(&dir));
    }

    #[test]
    fn idle_accounts_lose_their_files_and_busy_ones_keep_them() {
        let home = std::env::temp_dir().join(format!("apiodbc-rate-idle-{}", std::process::id()));
        let dir = home.join("rate-budget");
        for account in ["aa", "bb", "cc"] {
            Locked::open(&dir, account)
                .and_then(|l| l.save(1))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let day_ago = SystemTime::now() - IDLE - Duration::from_secs(60);
        for account in ["aa", "cc"] {
            File::options()
                .write(true)
                .open(dir.join(format!("{account}.json")))
                .and_then(|f| f.set_modified(day_ago))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        // "cc" is idle but held by a request right now.
        let held = Locked::open(&dir, "cc").unwrap_or_else(|e| panic!("{e}"));
        // What earlier versions kept goes too.
        let legacy = dir.parent().map(|p| p.join("rate-budget.json"));
        if let Some(legacy) = &legacy {
            std::fs::write(legacy, b"{}").unwrap_or_else(|e| panic!("{e}"));
        }
        sweep_idle(&dir);
        assert!(legacy.is_some_and(|l| !l.exists()));
        drop(held);
        assert!(!dir.join("aa.json").exists());
        assert!(dir.join("bb.json").exists());
        assert!(dir.join("cc.json").exists());
        let _ = std::fs::remove_dir_all(&home);
    }
}
