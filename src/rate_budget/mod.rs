//! One rate-limit budget per API account (service, base URL and credential identity), shared by
//! every connection of the process and, through a small lock-protected state file per account
//! (`shared_file`), by the user's processes on this machine: a request waits for budget instead
//! of drawing a 429. It owns the budget's bookkeeping only; the REST client tells it what the
//! API's headers said. It sends nothing and holds no credential: accounts are known by a hash.

mod policy;
mod shared_file;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use policy::Observation;
use policy::{Budget, Decision};

use crate::error::{ApiError, Error, Result};

/// Whether the state file's trouble was logged already.
static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The longest single wait, however far a header (or a tampered state file) puts the reset.
const MAX_WAIT: Duration = Duration::from_secs(120);

/// Who shares an account's budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sharing {
    /// Every process of this user on the machine (the state file).
    Machine,
    /// The connections of this process only.
    Process,
}

/// Budgets of the process, by account key: the whole store under `Sharing::Process`, and the
/// guard that keeps two threads of one process from queueing on the file lock.
fn process_budgets() -> &'static Mutex<HashMap<String, Budget>> {
    static BUDGETS: OnceLock<Mutex<HashMap<String, Budget>>> = OnceLock::new();
    BUDGETS.get_or_init(Mutex::default)
}

fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A connection's handle on its account's budget.
#[derive(Debug)]
pub struct RateBudget {
    /// The account's digest in hex, the key in the shared file.
    account: String,
    /// The window the profile declares, if any; else the one the API's headers show.
    declared_ms: Option<u64>,
    /// The profile names a limit header: an unknown account's first request goes alone.
    learns_limit: bool,
    /// The directory of the shared files; `None`: this process's budgets only.
    dir: Option<std::path::PathBuf>,
}

impl RateBudget {
    /// The budget of the account whose digest (of base URL and credentials) is `account`.
    pub fn new(
        account: &[u8; 32],
        declared_window: Option<Duration>,
        learns_limit: bool,
        sharing: Sharing,
    ) -> RateBudget {
        RateBudget {
            account: account.iter().map(|b| format!("{b:02x}")).collect(),
            declared_ms: declared_window.map(|w| w.as_millis() as u64),
            learns_limit,
            dir: match sharing {
                Sharing::Machine => shared_file::default_dir().inspect(|dir| {
                    // Once per process: accounts idle for a day lose their files.
                    static SWEPT: std::sync::Once = std::sync::Once::new();
                    SWEPT.call_once(|| shared_file::sweep_idle(dir));
                }),
                Sharing::Process => None,
            },
        }
    }

    /// Applies `change` to this account's budget wherever it is kept. A state file that cannot
    /// be used is logged and the process's own copy is used instead: a budget shared less widely
    /// beats a failed query.
    fn update<R>(&self, change: impl FnOnce(&mut Budget) -> R) -> R {
        let mut process = process_budgets().lock().unwrap_or_else(|p| p.into_inner());
        if let Some(path) = &self.dir {
            match shared_file::Locked::open(path, &self.account) {
                Ok(mut locked) => {
                    let result = change(locked.budget());
                    if let Err(e) = locked.save(epoch_ms()) {
                        tracing::warn!(
                            "The shared rate-limit state {} could not be written ({e})",
                            path.display()
                        );
                    }
                    return result;
                }
                // Said once per process: every request would say it again.
                Err(e) if !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) => {
                    tracing::warn!(
                        "The shared rate-limit state {} cannot be used ({e}); this process keeps its own",
                        path.display()
                    )
                }
                Err(_) => {}
            }
        }
        change(process.entry(self.account.clone()).or_default())
    }

    /// Waits until the budget lets one request go; returns the time waited. Fails, naming the
    /// limit, when the wait would run past `patience` (the connection's Timeout).
    pub async fn acquire(&self, patience: Option<Duration>) -> Result<Duration> {
        let started = Instant::now();
        loop {
            let now = epoch_ms();
            let (decision, limit) = self.update(|b| {
                (
                    b.take(now, self.declared_ms, self.learns_limit),
                    b.describe(self.declared_ms),
                )
            });
            let Decision::Wait { ms, spent } = decision else {
                return Ok(started.elapsed());
            };
            let wait = Duration::from_millis(ms).min(MAX_WAIT);
            if let Some(patience) = patience.filter(|_| spent) {
                let total = started.elapsed() + wait;
                if total > patience {
                    return Err(Error::new(
                        ApiError::Timeout,
                        format!(
                            "The API's rate limit ({limit}) leaves no request for this account for another {:.1} s, longer than Timeout ({} s) allows; the query stopped rather than return part of its rows. Raise Timeout, or run it when other clients of the account are idle",
                            wait.as_secs_f64(),
                            patience.as_secs()
                        ),
                    )
                    .with_native(429));
                }
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// A request got no answer at all (connection refused or broken).
    pub fn unanswered(&self) {
        self.update(Budget::unanswered);
    }

    /// Learns from what one answer's headers (or a 429) said.
    pub fn observe(&self, seen: Observation) {
        let now = epoch_ms();
        self.update(|b| b.observe(now, seen, self.declared_ms));
    }
}
