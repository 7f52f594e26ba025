//! The state file that lets the user's processes share one budget per account:
//! `$XDG_STATE_HOME/apiodbc/rate-budget.json` (else `~/.local/state/…`), a JSON map from account
//! hash to budget, read and rewritten whole under an exclusive lock on a sidecar `.lock` file.
//! It holds no credential and no URL, only hashes, counts and times; files are 0600, opened
//! without following symbolic links. A file that does not parse is started afresh: losing what
//! was learned costs one slower first request, never a query.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};

use super::policy::Budget;

/// An account idle this long is dropped from the file (its limit is learned again).
const IDLE_MS: u64 = 24 * 3_600_000;
/// Accounts kept at most; the least recently used go first. Every request reads the whole file,
/// so it stays small.
const MAX_ACCOUNTS: usize = 256;
/// The longest a request waits for another process's hold on the file.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);
/// A state file larger than this is not ours and is started afresh.
const MAX_BYTES: u64 = 16 << 20;

/// Where the file lives by default; `None` when neither XDG_STATE_HOME nor HOME is set.
pub fn default_path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".local").join("state"))
        })?;
    Some(state.join("apiodbc").join("rate-budget.json"))
}

fn open_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    options.open(path)
}

/// The file, locked, with its accounts read.
pub struct Locked {
    data: File,
    /// Held for the lifetime of `Locked`; closing it releases the lock.
    lock: File,
    accounts: HashMap<String, Budget>,
}

impl Locked {
    pub fn open(path: &Path) -> std::io::Result<Locked> {
        if let Some(dir) = path.parent() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            builder.mode(0o700);
            builder.create(dir)?;
        }
        let mut lock_name = path.as_os_str().to_os_string();
        lock_name.push(".lock");
        let lock = open_private(Path::new(&lock_name))?;
        // Held for microseconds by each request of each process; a holder that stalls (stopped,
        // a slow network file system) must not stop this process's requests: give up after a
        // while and let the caller keep its own budget.
        let started = std::time::Instant::now();
        loop {
            match lock.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_PATIENCE => {
                    std::thread::sleep(std::time::Duration::from_millis(1));
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
        let mut data = open_private(path)?;
        let mut text = Vec::new();
        if data.metadata()?.len() <= MAX_BYTES {
            data.read_to_end(&mut text)?;
        }
        let accounts = serde_json::from_slice(&text).unwrap_or_default();
        Ok(Locked {
            data,
            lock,
            accounts,
        })
    }

    pub fn budget(&mut self, account: &str) -> &mut Budget {
        self.accounts.entry(account.to_string()).or_default()
    }

    /// Writes the accounts back (dropping idle ones) and releases the lock.
    pub fn save(mut self, now: u64) -> std::io::Result<()> {
        self.accounts
            .retain(|_, b| b.last_used_ms + IDLE_MS > now || b.not_before_ms > now);
        for budget in self.accounts.values_mut() {
            budget.prune(now, None);
        }
        if self.accounts.len() > MAX_ACCOUNTS {
            let mut by_use: Vec<(u64, String)> = self
                .accounts
                .iter()
                .map(|(k, b)| (b.last_used_ms, k.clone()))
                .collect();
            by_use.sort();
            for (_, k) in by_use.iter().take(self.accounts.len() - MAX_ACCOUNTS) {
                self.accounts.remove(k);
            }
        }
        let bytes = serde_json::to_vec(&self.accounts).map_err(std::io::Error::other)?;
        // Every reader holds the lock, so rewriting in place is never seen half done; a crash
        // in the middle leaves a file that does not parse, which is started afresh.
        self.data.set_len(0)?;
        self.data.seek(SeekFrom::Start(0))?;
        self.data.write_all(&bytes)?;
        self.lock.unlock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_survive_between_openings_and_the_file_is_private() {
        let dir = std::env::temp_dir().join(format!("apiodbc-rate-{}", std::process::id()));
        let path = dir.join("nested").join("rate-budget.json");
        let mut first = Locked::open(&path).unwrap_or_else(|e| panic!("{e}"));
        first.budget("a").limit = Some(20);
        first.budget("a").last_used_ms = 1000;
        first.save(1000).unwrap_or_else(|e| panic!("{e}"));
        let mut again = Locked::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.budget("a").limit, Some(20));
        again.save(1000).unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0);
            assert_eq!(mode, 0o600);
        }
        // Garbage is started afresh, not an error.
        std::fs::write(&path, b"{not json").unwrap_or_else(|e| panic!("{e}"));
        let mut fresh = Locked::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fresh.budget("a").limit, None);
        drop(fresh);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn idle_accounts_are_dropped_when_the_file_is_written() {
        let dir = std::env::temp_dir().join(format!("apiodbc-rate-idle-{}", std::process::id()));
        let path = dir.join("rate-budget.json");
        let mut locked = Locked::open(&path).unwrap_or_else(|e| panic!("{e}"));
        locked.budget("old").last_used_ms = 1;
        locked.budget("new").last_used_ms = IDLE_MS;
        locked.save(IDLE_MS + 10).unwrap_or_else(|e| panic!("{e}"));
        let mut again = Locked::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!again.accounts.contains_key("old"));
        assert!(again.accounts.contains_key("new"));
        again.budget("x");
        drop(again);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
