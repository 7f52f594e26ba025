//! The result cache's copy on disk (CacheLocation), so answers outlive the process: a BI tool
//! started again, or a script run every few minutes, reuses them within CacheTTL. One file per
//! response, named by a SHA-256 of the account digest and the URL (so neither the account nor
//! the URL can be read from the name), holding the time it was stored, the response headers
//! (never `Set-Cookie`) and the body. The folder is the user's own (0700 when created; refused
//! when others can write to it or it is a symbolic link); files are 0600, written whole under a
//! temporary name and renamed, and read without following links. CacheMaxMB bounds the folder:
//! the oldest files go first. It stores and finds bytes for the result cache (`response_cache`,
//! which calls it, never the other way round); what may be cached is the client's call.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

use crate::error::{ConnectError, Error, Result};
use crate::files::{self, Follow};

/// The first line of every file: a file without it is not ours and is left alone.
const MAGIC: &[u8] = b"apiodbc-cache 1\n";
/// Files written between two sweeps of the folder for its size.
const SWEEP_EVERY: usize = 32;
const SUFFIX: &str = "resp";
/// The suffix of the file holding an account's last write time.
const WRITTEN_SUFFIX: &str = "written";

/// A response as kept on disk.
#[derive(Clone, Debug)]
pub struct Stored {
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Debug)]
pub struct DiskCache {
    dir: PathBuf,
    max_bytes: u64,
    writes: AtomicUsize,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn refused(dir: &Path, why: &str) -> Error {
    Error::new(
        ConnectError::File,
        format!(
            "CacheLocation {} {why}; name a folder of your own that no other user can write to",
            dir.display()
        ),
    )
}

impl DiskCache {
    /// The cache in `dir`, created (0700) if missing.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<DiskCache> {
        match fs::symlink_metadata(dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(refused(dir, "is a symbolic link"))
            }
            Ok(meta) if !meta.is_dir() => return Err(refused(dir, "is not a folder")),
            Ok(meta) => {
                #[cfg(unix)]
                {
                    if meta.uid() != crate::ffi::os::effective_uid() {
                        return Err(refused(dir, "belongs to another user"));
                    }
                    if meta.mode() & 0o022 != 0 {
                        return Err(refused(dir, "can be written by other users"));
                    }
                }
            }
            Err(_) => {
                let mut builder = fs::DirBuilder::new();
                builder.recursive(true);
                #[cfg(unix)]
                builder.mode(0o700);
                builder
                    .create(dir)
                    .map_err(|e| refused(dir, &format!("cannot be created ({e})")))?;
            }
        }
        Ok(DiskCache {
            dir: dir.to_path_buf(),
            max_bytes,
            writes: AtomicUsize::new(0),
        })
    }

    /// `account`: the result cache's digest of the account.
    fn file_of(&self, account: &[u8], url: &str) -> PathBuf {
        let mut hash = Sha256::new();
        hash.update(account);
        hash.update(url.as_bytes());
        let name: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{name}.{SUFFIX}"))
    }

    /// The file that says when `account` last wrote: answers stored before are stale.
    fn written_marker(&self, account: &[u8]) -> PathBuf {
        self.file_of(account, "").with_extension(WRITTEN_SUFFIX)
    }

    /// When `account` last wrote, in ms since the epoch (0: never, as far as this folder knows).
    fn written_at(&self, account: &[u8]) -> u64 {
        files::read_regular(&self.written_marker(account), 64, Follow::No)
            .ok()
            .and_then(|b| std::str::from_utf8(&b).ok()?.trim().parse().ok())
            .unwrap_or(0)
    }

    /// A write of `account` changed the API's data: every answer kept for it so far, by any
    /// process using this folder, is stale from now on.
    pub fn forget(&self, account: &[u8]) {
        let path = self.written_marker(account);
        let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
        let written = (|| {
            let mut options = fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
            let mut file = options.open(&tmp)?;
            // One past now: an answer stored in this very millisecond may predate the write.
            file.write_all(format!("{}", now_ms() + 1).as_bytes())?;
            fs::rename(&tmp, &path)
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            tracing::warn!(
                "could not mark the cached answers in CacheLocation stale after a write: {e}"
            );
        }
    }

    /// The answer kept for `url` if stored within `ttl` and after the account's last write,
    /// with its age; an expired one is removed.
    pub fn load(&self, account: &[u8], url: &str, ttl: Duration) -> Option<(Duration, Stored)> {
        let path = self.file_of(account, url);
        let bytes = files::read_regular(&path, self.max_bytes, Follow::No).ok()?;
        let (stored, cached) = decode(&bytes)?;
        if stored <= self.written_at(account) {
            return None;
        }
        let age = Duration::from_millis(now_ms().saturating_sub(stored));
        if age > ttl {
            let _ = fs::remove_file(&path);
            return None;
        }
        Some((age, cached))
    }

    /// Keeps `cached` for `url`; a failure to write costs only the reuse.
    pub fn save(&self, account: &[u8], url: &str, cached: &Stored) {
        let path = self.file_of(account, url);
        let bytes = encode(now_ms(), cached);
        if bytes.len() as u64 > self.max_bytes / 4 {
            return;
        }
        // Unique per write: two scans storing the same URL at once must not share the file.
        static WRITES: AtomicUsize = AtomicUsize::new(0);
        let tmp = path.with_extension(format!(
            "{}.{}.tmp",
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
            let mut file = options.open(&tmp)?;
            file.write_all(&bytes)?;
            fs::rename(&tmp, &path)
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            tracing::debug!("could not keep a response in CacheLocation: {e}");
            return;
        }
        if self
            .writes
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(SWEEP_EVERY)
        {
            self.sweep();
        }
    }

    /// Removes the oldest files until the folder holds at most CacheMaxMB.
    fn sweep(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == SUFFIX))
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), e.path()))
            })
            .collect();
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        if total <= self.max_bytes {
            return;
        }
        files.sort();
        for (_, len, path) in files {
            if total <= self.max_bytes / 10 * 9 {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(len);
            }
        }
    }
}

fn encode(stored_ms: u64, cached: &Stored) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(format!("{stored_ms}\n").as_bytes());
    for (name, value) in &cached.headers {
        if name == reqwest::header::SET_COOKIE {
            continue;
        }
        if let Ok(v) = value.to_str() {
            out.extend_from_slice(format!("{name}: {v}\n").as_bytes());
        }
    }
    out.push(b'\n');
    out.extend_from_slice(&cached.body);
    out
}

fn decode(bytes: &[u8]) -> Option<(u64, Stored)> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let mut lines = rest.split_inclusive(|b| *b == b'\n');
    let mut used = 0;
    let mut next_line = || {
        let line = lines.next()?;
        used += line.len();
        std::str::from_utf8(line)
            .ok()
            .map(|l| l.trim_end_matches('\n'))
    };
    let stored: u64 = next_line()?.parse().ok()?;
    let mut headers = HeaderMap::new();
    loop {
        let line = next_line()?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(": ")?;
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).ok()?,
            HeaderValue::from_str(value).ok()?,
        );
    }
    let body = Bytes::copy_from_slice(rest.get(used..)?);
    Some((stored, Stored { headers, body }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("apiodbc-disk-cache-{name}-{}", std::process::id()))
    }

    #[test]
    fn an_answer_is_found_again_within_the_ttl_and_not_for_another_account() {
        let dir = folder("roundtrip");
        let cache = DiskCache::open(&dir, 1 << 20).unwrap_or_else(|e| panic!("{}", e.message));
        let alice = [1u8; 32];
        let bob = [2u8; 32];
        let mut headers = HeaderMap::new();
        headers.insert("link", HeaderValue::from_static("<x>; rel=next"));
        headers.insert("set-cookie", HeaderValue::from_static("session=secret"));
        cache.save(
            &alice,
            "/p?x=1",
            &Stored {
                headers,
                body: Bytes::from_static(b"{\"data\":[1]}\n\nmore"),
            },
        );
        let (_, found) = cache
            .load(&alice, "/p?x=1", Duration::from_secs(60))
            .unwrap_or_else(|| panic!("not found"));
        assert_eq!(&found.body[..], b"{\"data\":[1]}\n\nmore");
        assert_eq!(
            found.headers.get("link").and_then(|v| v.to_str().ok()),
            Some("<x>; rel=next")
        );
        assert!(found.headers.get("set-cookie").is_none());
        assert!(cache
            .load(&bob, "/p?x=1", Duration::from_secs(60))
            .is_none());
        assert!(cache
            .load(&alice, "/p?x=2", Duration::from_secs(60))
            .is_none());
        // Past the TTL the file goes.
        std::thread::sleep(Duration::from_millis(5));
        assert!(cache.load(&alice, "/p?x=1", Duration::ZERO).is_none());
        assert!(cache
            .load(&alice, "/p?x=1", Duration::from_secs(60))
            .is_none());
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn files_and_a_new_folder_are_private_and_an_open_folder_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = folder("private").join("nested");
        let cache = DiskCache::open(&dir, 1 << 20).unwrap_or_else(|e| panic!("{}", e.message));
        let alice = [1u8; 32];
        cache.save(
            &alice,
            "/p",
            &Stored {
                headers: HeaderMap::new(),
                body: Bytes::from_static(b"[]"),
            },
        );
        let mode = |p: &Path| {
            fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0)
        };
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&cache.file_of(&alice, "/p")), 0o600);
        let _ = fs::set_permissions(&dir, fs::Permissions::from_mode(0o777));
        let err = DiskCache::open(&dir, 1 << 20)
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(err.contains("can be written by other users"), "{err}");
        let _ = fs::remove_dir_all(folder("private"));
    }

    #[test]
    fn the_folder_is_kept_within_its_size() {
        let dir = folder("sweep");
        let cache = DiskCache::open(&dir, 40_000).unwrap_or_else(|e| panic!("{}", e.message));
        let alice = [1u8; 32];
        for i in 0..(SWEEP_EVERY * 3) {
            cache.save(
                &alice,
                &format!("/p?page={i}"),
                &Stored {
                    headers: HeaderMap::new(),
                    body: Bytes::from(vec![b'x'; 5_000]),
                },
            );
        }
        let total: u64 = fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(|e| e.ok()?.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0);
        // A sweep runs every SWEEP_EVERY writes; between two, the folder may grow past the cap.
        assert!(total <= 40_000 + SWEEP_EVERY as u64 * 5_100, "{total}");
        let _ = fs::remove_dir_all(&dir);
    }
}
