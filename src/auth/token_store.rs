//! The token store the OAuth flows use: `load` to read, `update` / `update_async` to change the
//! stored tokens under a lock (re-reading first, so a process that waited adopts a peer's refresh
//! instead of refreshing again), `clear` to forget. One API over two backends chosen by
//! OAuthSettingsLocation: an encrypted file (see `settings_file`), or `memory://name`.
//!
//! Concurrency, for a file: every writer holds the sidecar lock (`file_lock`), which excludes other
//! processes and other handles in this process; async updaters also queue on an in-process async
//! mutex first, so waiting connections sleep on the runtime instead of polling the lock on blocking
//! threads. Readers take no lock: the file is only ever replaced by rename, so a read sees a
//! whole file.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::auth::atomic_file;
use crate::auth::file_lock::{lock_path_for, FileLock, DEFAULT_LOCK_TIMEOUT};
use crate::auth::file_safety;
use crate::auth::memory_store::{self, MemorySlot};
use crate::auth::settings_file::{self, FormatError};
use crate::auth::tokens::{now_unix, StoredTokens};
use crate::connect::settings::SettingsLocation;
use crate::error::{AuthError, Error, Result};

pub use crate::auth::file_key::KeySource;
pub use crate::auth::settings_file::StoreBinding;
pub use crate::auth::settings_path::{legacy_settings_path, resolve_location};

/// What an update's closure decided, given the tokens it found under the lock.
// One `Decision` exists per update, briefly; boxing the tokens would only make callers noisier.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Leave the store as it is (e.g. a peer already refreshed).
    Keep,
    /// Store these tokens (written and made durable before `update` returns).
    Replace(StoredTokens),
    /// Forget everything (the tests' way to start over).
    #[cfg(test)]
    Clear,
}

/// What an update's `decide` may store before it decides (under the same lock).
pub struct Checkpoint {
    store: TokenStore,
    sealer: Option<Arc<settings_file::Sealer>>,
}

impl Checkpoint {
    /// Stores `tokens` now, durably, and keeps holding the lock.
    pub async fn save(&self, tokens: &StoredTokens) -> Result<()> {
        let (store, sealer, tokens) = (self.store.clone(), self.sealer.clone(), tokens.clone());
        blocking(move || {
            store
                .apply_sealed(None, Decision::Replace(tokens), sealer.as_deref())
                .map(|_| ())
        })
        .await
    }
}

/// A handle on one token store; cheap to clone, shareable between threads.
#[derive(Clone, Debug)]
pub struct TokenStore {
    inner: Arc<Inner>,
    lock_timeout: Duration,
}

#[derive(Debug)]
struct Inner {
    binding: StoreBinding,
    backend: Backend,
}

#[derive(Debug)]
enum Backend {
    File {
        path: PathBuf,
        lock_path: PathBuf,
        /// Shared by every `TokenStore` of this process on the same path.
        gate: Arc<tokio::sync::Mutex<()>>,
    },
    Memory {
        name: String,
        slot: Arc<MemorySlot>,
    },
}

impl TokenStore {
    /// The store at `location` for the client and token URL of `binding`. A file store needs a key
    /// (`binding.key`); nothing is read or created until the first call.
    pub fn open(location: &SettingsLocation, binding: StoreBinding) -> Result<TokenStore> {
        let backend = match location {
            SettingsLocation::File(path) => {
                if binding.key.is_none() {
                    return Err(Error::new(
                        AuthError::TokenStore,
                        format!(
                            "The OAuth settings file {} is encrypted with OAuthClientSecret or a passphrase, and this connection has neither; set one, or use OAuthSettingsLocation=memory://name",
                            path.display()
                        ),
                    ));
                }
                let lock_path = lock_path_for(path);
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    file_safety::check_folder(dir)?;
                }
                file_safety::check_existing(path, file_safety::SETTINGS)?;
                file_safety::check_existing(&lock_path, file_safety::LOCK)?;
                Backend::File {
                    path: path.clone(),
                    lock_path,
                    gate: file_gate(path),
                }
            }
            SettingsLocation::Memory(name) => Backend::Memory {
                name: name.clone(),
                slot: memory_store::slot(name),
            },
        };
        Ok(TokenStore {
            inner: Arc::new(Inner { binding, backend }),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
        })
    }

    /// How long `update` waits for another writer before failing with HYT00.
    #[cfg(test)]
    pub fn with_lock_timeout(mut self, timeout: Duration) -> TokenStore {
        self.lock_timeout = timeout;
        self
    }

    /// The stored tokens, without taking the lock. Use `update` to act on them.
    pub fn load(&self) -> Result<Option<StoredTokens>> {
        match &self.inner.backend {
            Backend::File { path, .. } => match read_file(path, &self.inner.binding)? {
                Ok(tokens) => Ok(tokens),
                // A rename is atomic on Unix, but not every platform or network file system
                // promises it: read once more before calling the file bad.
                Err(_) => {
                    std::thread::sleep(Duration::from_millis(50));
                    read_file(path, &self.inner.binding)?.map_err(|e| e.into_error(path))
                }
            },
            Backend::Memory { name, slot } => slot.get(name, &self.inner.binding),
        }
    }

    /// Locks the store, re-reads it, lets `decide` choose, applies the choice, unlocks. Returns
    /// what the store holds afterwards. Blocks the calling thread; inside async code use
    /// [`TokenStore::update_async`].
    pub fn update<F>(&self, decide: F) -> Result<Option<StoredTokens>>
    where
        F: FnOnce(Option<StoredTokens>) -> Result<Decision>,
    {
        match &self.inner.backend {
            Backend::File { lock_path, .. } => {
                let lock = FileLock::acquire(lock_path, self.lock_timeout)?;
                let current = self.read_locked()?;
                let decision = decide(current.clone())?;
                let after = self.apply(current, decision);
                drop(lock);
                after
            }
            Backend::Memory { name, slot } => {
                let _gate = lock_memory_blocking(slot, name, self.lock_timeout)?;
                let current = slot.get(name, &self.inner.binding)?;
                let decision = decide(current.clone())?;
                self.apply(current, decision)
            }
        }
    }

    /// As [`TokenStore::update`], for a `decide` that awaits (a refresh over HTTP): the lock is held
    /// across the await. Blocking work (lock polling, file I/O, key derivation) runs on tokio's
    /// blocking pool when called on a runtime.
    pub async fn update_async<F, Fut>(&self, decide: F) -> Result<Option<StoredTokens>>
    where
        F: FnOnce(Option<StoredTokens>) -> Fut,
        Fut: Future<Output = Result<Decision>>,
    {
        self.update_with_checkpoints(|current, _| decide(current))
            .await
    }

    /// As [`TokenStore::update_async`], and `decide` may also store an intermediate state through
    /// its [`Checkpoint`] while it holds the lock (a refresh records that it is spending a refresh
    /// token before it sends it). The file key is derived before `decide` runs, so a write costs
    /// only the encryption and the I/O.
    pub async fn update_with_checkpoints<F, Fut>(&self, decide: F) -> Result<Option<StoredTokens>>
    where
        F: FnOnce(Option<StoredTokens>, Checkpoint) -> Fut,
        Fut: Future<Output = Result<Decision>>,
    {
        match &self.inner.backend {
            Backend::File {
                gate, lock_path, ..
            } => {
                let _gate = gate.lock().await;
                let (store, lock_path) = (self.clone(), lock_path.clone());
                let (lock, current, sealer) = blocking(move || {
                    let lock = FileLock::acquire(&lock_path, store.lock_timeout)?;
                    let current = store.read_locked()?;
                    let sealer = settings_file::Sealer::new(&store.inner.binding)?;
                    Ok((lock, current, Arc::new(sealer)))
                })
                .await?;
                let checkpoint = Checkpoint {
                    store: self.clone(),
                    sealer: Some(sealer.clone()),
                };
                // An error (or a dropped future) here drops `lock`, which unlocks.
                let decision = decide(current.clone(), checkpoint).await?;
                let store = self.clone();
                blocking(move || {
                    let after = store.apply_sealed(current, decision, Some(&sealer));
                    drop(lock);
                    after
                })
                .await
            }
            Backend::Memory { name, slot } => {
                // No timeout here: the gate is held only by this process's own updates, each
                // bounded by its HTTP timeout, and `tokio::time` would need a timer driver.
                let _gate = slot.gate.lock().await;
                let current = slot.get(name, &self.inner.binding)?;
                let checkpoint = Checkpoint {
                    store: self.clone(),
                    sealer: None,
                };
                let decision = decide(current.clone(), checkpoint).await?;
                self.apply(current, decision)
            }
        }
    }

    #[cfg(test)]
    /// Forgets the stored tokens: deletes the file (whatever it holds, even a foreign or damaged
    /// one, since this is the explicit "delete it" the error messages ask for) or empties the slot.
    pub fn clear(&self) -> Result<()> {
        match &self.inner.backend {
            Backend::File {
                path, lock_path, ..
            } => {
                let _lock = FileLock::acquire(lock_path, self.lock_timeout)?;
                atomic_file::remove(path).map_err(|e| io_error("delete", path, e))
            }
            Backend::Memory { name, slot } => {
                let _gate = lock_memory_blocking(slot, name, self.lock_timeout)?;
                slot.set(&self.inner.binding, None);
                Ok(())
            }
        }
    }

    /// Moves a settings file of an earlier version (kept at `legacy`, per profile and client id
    /// only) to this store's path, when this store has no file yet and the old one belongs to
    /// this client and token endpoint; anything else stays where it is. Done under the old
    /// file's lock, so two processes never both move (one of them a stale copy).
    pub fn adopt_legacy(&self, legacy: &Path) -> Result<()> {
        let Backend::File { path, .. } = &self.inner.backend else {
            return Ok(());
        };
        if path == legacy || !legacy.exists() || path.exists() {
            return Ok(());
        }
        let _old_lock = FileLock::acquire(&lock_path_for(legacy), self.lock_timeout)?;
        if path.exists() {
            return Ok(());
        }
        let Some(bytes) = file_safety::read_settings(legacy)? else {
            return Ok(());
        };
        if settings_file::open(&self.inner.binding, &bytes)?.is_err() {
            // Another token URL's or client's file, or a damaged one: not ours to move.
            return Ok(());
        }
        atomic_file::replace(path, &bytes).map_err(|e| io_error("write", path, e))?;
        atomic_file::remove(legacy).map_err(|e| io_error("delete", legacy, e))
    }

    /// Reads under the lock: no writer can be mid-rename, so a bad file is bad, not in flux.
    fn read_locked(&self) -> Result<Option<StoredTokens>> {
        match &self.inner.backend {
            Backend::File { path, .. } => {
                read_file(path, &self.inner.binding)?.map_err(|e| e.into_error(path))
            }
            Backend::Memory { name, slot } => slot.get(name, &self.inner.binding),
        }
    }

    /// Applies `decision` while the caller holds the lock; returns the store's new content.
    fn apply(
        &self,
        current: Option<StoredTokens>,
        decision: Decision,
    ) -> Result<Option<StoredTokens>> {
        self.apply_sealed(current, decision, None)
    }

    /// As [`TokenStore::apply`], with a key derived beforehand (else one is derived now).
    fn apply_sealed(
        &self,
        current: Option<StoredTokens>,
        decision: Decision,
        sealer: Option<&settings_file::Sealer>,
    ) -> Result<Option<StoredTokens>> {
        let binding = &self.inner.binding;
        match (decision, &self.inner.backend) {
            (Decision::Keep, _) => Ok(current),
            (Decision::Replace(mut tokens), backend) => {
                // Stale pending values are useless and only widen what a leak would expose.
                let now = now_unix();
                tokens.pending = tokens.pending.filter(|p| p.is_fresh(now));
                match backend {
                    Backend::File { path, .. } => {
                        let image = match sealer {
                            Some(sealer) => sealer.seal(binding, &tokens)?,
                            None => settings_file::seal(binding, &tokens)?,
                        };
                        // A link planted since the last read would be replaced by the rename.
                        file_safety::check_existing(path, file_safety::SETTINGS)?;
                        atomic_file::replace(path, &image)
                            .map_err(|e| io_error("write", path, e))?;
                    }
                    Backend::Memory { slot, .. } => slot.set(binding, Some(tokens.clone())),
                }
                Ok(Some(tokens))
            }
            #[cfg(test)]
            (Decision::Clear, Backend::File { path, .. }) => {
                atomic_file::remove(path).map_err(|e| io_error("delete", path, e))?;
                Ok(None)
            }
            #[cfg(test)]
            (Decision::Clear, Backend::Memory { slot, .. }) => {
                slot.set(binding, None);
                Ok(None)
            }
        }
    }
}

/// Reads and decrypts the file: outer error for I/O and internal failures, inner for a bad file.
fn read_file(
    path: &Path,
    binding: &StoreBinding,
) -> Result<Result<Option<StoredTokens>, FormatError>> {
    match file_safety::read_settings(path)? {
        None => Ok(Ok(None)),
        Some(bytes) => Ok(settings_file::open(binding, &bytes)?.map(Some)),
    }
}

fn io_error(verb: &str, path: &Path, e: std::io::Error) -> Error {
    Error::general(format!(
        "Could not {verb} the OAuth settings file {}: {e}; check OAuthSettingsLocation and the permissions of the file and its folder",
        path.display()
    ))
}

fn memory_timeout(name: &str, timeout: Duration) -> Error {
    Error::new(
        AuthError::Timeout,
        format!(
            "Waited {} s for the token store memory://{name}; another connection is still updating the tokens. Try again",
            timeout.as_secs_f64()
        ),
    )
}

/// Takes a memory slot's async gate from synchronous code. `blocking_lock` would panic on a
/// runtime thread, so poll `try_lock`, as the file lock does.
fn lock_memory_blocking<'a>(
    slot: &'a MemorySlot,
    name: &str,
    timeout: Duration,
) -> Result<tokio::sync::MutexGuard<'a, ()>> {
    let started = Instant::now();
    loop {
        if let Ok(guard) = slot.gate.try_lock() {
            return Ok(guard);
        }
        if started.elapsed() >= timeout {
            return Err(memory_timeout(name, timeout));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Runs blocking work on tokio's blocking pool when on a runtime, else right here.
async fn blocking<T, F>(work: F) -> Result<T>
where
    F: FnOnce() -> Result<T> + Send + 'static,
    T: Send + 'static,
{
    if tokio::runtime::Handle::try_current().is_err() {
        return work();
    }
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| Error::general("Internal error: a token store task failed"))?
}

/// The in-process async gate for a settings path (made absolute, so `./a` and `/cwd/a` agree).
fn file_gate(path: &Path) -> Arc<tokio::sync::Mutex<()>> {
    static GATES: OnceLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let key = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut gates = GATES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    gates.entry(key).or_default().clone()
}
