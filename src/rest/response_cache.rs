//! The result cache (CacheTTL, CacheMaxMB): successful GET responses of an API, kept in the
//! process and reused by any connection of the same account within its TTL, so a repeated query,
//! a self-join or a BI tool's refresh sends no request. Entries are keyed by an account digest
//! (the base URL and a SHA-256 of the credentials the request carries, the current OAuth token
//! included) and the URL without credentials, so cached data never crosses accounts. A request
//! sent ahead by a spawned task that reads its body whole (`prefetch`) announces itself as in
//! flight, and a lookup of the same key waits for it instead of sending the same request again
//! (a self-join's two scans share their pages). Only such requests lead: one whose body a scan
//! reads as it goes might never be read to its end (the join holds that scan back), and whoever
//! waited for it would wait for ever. A leader that fails or is dropped wakes its waiters, which
//! then send their own.
//!
//! It owns storage, expiry and eviction only; which requests may be cached, and turning an entry
//! back into a response, is the client's business. With CacheLocation, each lookup that misses
//! in memory asks the connection's `disk_cache`, and each stored answer is written there too.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use sha2::{Digest, Sha256};
use tokio::sync::watch;

/// Whose data an entry is: a digest of the base URL and the credentials sent.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Account([u8; 32]);

impl Account {
    /// The digest of `parts` (base URL, then each credential value), each length-prefixed so
    /// that no two different lists digest alike.
    pub fn of<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Account {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        Account(hasher.finalize().into())
    }

    pub fn digest(&self) -> &[u8; 32] {
        &self.0
    }
}

use super::disk_cache::{DiskCache, Stored};

/// One cached response.
#[derive(Clone)]
pub struct Cached {
    pub headers: HeaderMap,
    pub body: Bytes,
}

struct Entry {
    stored: Instant,
    response: Cached,
}

type Key = (Account, String);

#[derive(Default)]
struct Store {
    entries: HashMap<Key, Entry>,
    /// Keys in the order stored: the oldest is evicted first.
    order: VecDeque<Key>,
    /// Leading requests in flight, for lookups to wait on.
    in_flight: HashMap<Key, watch::Receiver<()>>,
    bytes: usize,
}

/// The process's response cache.
pub struct ResponseCache {
    store: Mutex<Store>,
    /// The most bytes kept: the largest CacheMaxMB any connection asked for.
    capacity: AtomicUsize,
}

/// What a lookup found.
pub enum Lookup {
    Hit(Cached),
    /// Not cached: the caller sends the request and hands the answer to the ticket.
    Miss(Ticket),
    /// Another request for it is in flight: wait until this resolves (its leader is done or
    /// gone), then look again.
    InFlight(watch::Receiver<()>),
}

/// A leading request in flight; dropping it (after storing, or on failure) wakes the waiters.
struct Flight {
    key: Key,
    cache: &'static ResponseCache,
    _done: watch::Sender<()>,
}

impl Drop for Flight {
    fn drop(&mut self) {
        self.cache.lock().in_flight.remove(&self.key);
    }
}

/// Where the answer to a missed lookup is stored, once it is whole; dropped, nothing is.
pub struct Ticket {
    key: Key,
    cache: &'static ResponseCache,
    disk: Option<Arc<DiskCache>>,
    /// Held by a leading request until its answer is stored (or it is dropped).
    _flight: Option<Flight>,
}

impl Ticket {
    /// Keeps `response` for later askers, if it fits (on disk too, with CacheLocation).
    pub fn store(self, response: Cached) {
        if let Some(disk) = &self.disk {
            let stored = Stored {
                headers: response.headers.clone(),
                body: response.body.clone(),
            };
            disk.save(self.key.0.digest(), &self.key.1, &stored);
        }
        self.cache.insert(&self.key, response, Duration::ZERO);
    }
}

impl ResponseCache {
    pub fn shared() -> &'static ResponseCache {
        static CACHE: OnceLock<ResponseCache> = OnceLock::new();
        CACHE.get_or_init(|| ResponseCache {
            store: Mutex::new(Store::default()),
            capacity: AtomicUsize::new(0),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes room for at least `bytes` in all (a connection's CacheMaxMB).
    pub fn reserve(&self, bytes: usize) {
        self.capacity.fetch_max(bytes, Ordering::SeqCst);
    }

    fn capacity(&self) -> usize {
        self.capacity.load(Ordering::SeqCst)
    }

    /// The response for `url` of `account` stored within `ttl` (in memory, else in `disk`),
    /// else the leading request in flight for it, else the ticket to store it. `lead`: the
    /// caller reads the body whole whatever happens to the scan, so others may wait for it.
    pub fn lookup(
        &'static self,
        account: Account,
        url: &str,
        ttl: Duration,
        disk: Option<&Arc<DiskCache>>,
        lead: bool,
    ) -> Lookup {
        let key = (account, url.to_string());
        {
            let store = self.lock();
            if let Some(entry) = store.entries.get(&key) {
                if entry.stored.elapsed() <= ttl {
                    return Lookup::Hit(entry.response.clone());
                }
            }
            if let Some(flight) = store.in_flight.get(&key) {
                return Lookup::InFlight(flight.clone());
            }
        }
        if let Some((age, stored)) = disk.and_then(|d| d.load(account.digest(), url, ttl)) {
            let response = Cached {
                headers: stored.headers,
                body: stored.body,
            };
            self.insert(&key, response.clone(), age);
            return Lookup::Hit(response);
        }
        let mut ticket = self.refresh(account, url, disk);
        if lead {
            let mut store = self.lock();
            // Another leader may have come between the two locks: wait for it instead.
            if let Some(flight) = store.in_flight.get(&key) {
                return Lookup::InFlight(flight.clone());
            }
            let (done, waiters) = watch::channel(());
            store.in_flight.insert(key.clone(), waiters);
            ticket._flight = Some(Flight {
                key,
                cache: self,
                _done: done,
            });
        }
        Lookup::Miss(ticket)
    }

    /// A ticket to store a fresh answer for `url`, without looking at what is kept (a statement
    /// that bypasses the cache still refreshes it).
    pub fn refresh(
        &'static self,
        account: Account,
        url: &str,
        disk: Option<&Arc<DiskCache>>,
    ) -> Ticket {
        Ticket {
            key: (account, url.to_string()),
            cache: self,
            disk: disk.cloned(),
            _flight: None,
        }
    }

    /// Drops every answer kept for `account`: a write changed what the API answers.
    pub fn forget(&self, account: Account) {
        let mut store = self.lock();
        let Store {
            entries,
            order,
            bytes,
            ..
        } = &mut *store;
        entries.retain(|key, entry| {
            let keep = key.0 != account;
            if !keep {
                *bytes -= entry.response.body.len() + key.1.len();
            }
            keep
        });
        order.retain(|key| key.0 != account);
    }

    /// Keeps `response`, stored `age` ago (a disk entry keeps its age in memory).
    fn insert(&self, key: &Key, response: Cached, age: Duration) {
        let capacity = self.capacity();
        let size = response.body.len() + key.1.len();
        let mut store = self.lock();
        // One entry may take a quarter of the cache at most, so one huge page cannot flush it.
        if size <= capacity / 4 {
            if let Some(old) = store.entries.remove(key) {
                store.bytes -= old.response.body.len() + key.1.len();
                store.order.retain(|k| k != key);
            }
            while store.bytes + size > capacity {
                let Some(oldest) = store.order.pop_front() else {
                    break;
                };
                if let Some(gone) = store.entries.remove(&oldest) {
                    store.bytes -= gone.response.body.len() + oldest.1.len();
                }
            }
            store.bytes += size;
            store.order.push_back(key.clone());
            store.entries.insert(
                key.clone(),
                Entry {
                    stored: Instant::now().checked_sub(age).unwrap_or_else(Instant::now),
                    response,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cached(text: &'static str) -> Cached {
        Cached {
            headers: HeaderMap::new(),
            body: Bytes::from_static(text.as_bytes()),
        }
    }

    fn fresh() -> &'static ResponseCache {
        // A cache of the test's own: the shared one is used by other tests at once.
        Box::leak(Box::new(ResponseCache {
            store: Mutex::new(Store::default()),
            capacity: AtomicUsize::new(1 << 20),
        }))
    }

    #[test]
    fn a_stored_response_is_found_within_its_ttl_and_only_by_its_account() {
        let cache = fresh();
        let alice = Account::of([b"https://api".as_slice(), b"key-a"]);
        let bob = Account::of([b"https://api".as_slice(), b"key-b"]);
        let Lookup::Miss(ticket) =
            cache.lookup(alice, "/p?x=1", Duration::from_secs(60), None, false)
        else {
            panic!("empty cache hit");
        };
        ticket.store(cached("[1]"));
        match cache.lookup(alice, "/p?x=1", Duration::from_secs(60), None, false) {
            Lookup::Hit(c) => assert_eq!(&c.body[..], b"[1]"),
            _ => panic!("stored response missed"),
        }
        assert!(matches!(
            cache.lookup(bob, "/p?x=1", Duration::from_secs(60), None, false),
            Lookup::Miss(_)
        ));
        assert!(matches!(
            cache.lookup(alice, "/p?x=1", Duration::ZERO, None, false),
            Lookup::Miss(_)
        ));
    }

    #[test]
    fn accounts_differ_by_where_the_bytes_fall() {
        assert_ne!(
            Account::of([b"ab".as_slice(), b"c"]),
            Account::of([b"a".as_slice(), b"bc"])
        );
    }

    #[test]
    fn oldest_entries_go_first_and_a_huge_one_is_not_kept() {
        let cache = fresh();
        cache.capacity.store(400, Ordering::SeqCst);
        let account = Account::of([b"u".as_slice()]);
        let body = || Cached {
            headers: HeaderMap::new(),
            body: Bytes::from(vec![b'x'; 98]),
        };
        for url in ["/1", "/2", "/3", "/4"] {
            let Lookup::Miss(t) = cache.lookup(account, url, Duration::from_secs(9), None, false)
            else {
                panic!("hit");
            };
            t.store(body());
        }
        let Lookup::Miss(t) = cache.lookup(account, "/big", Duration::from_secs(9), None, false)
        else {
            panic!("hit");
        };
        t.store(Cached {
            headers: HeaderMap::new(),
            body: Bytes::from(vec![b'x'; 200]),
        });
        let hit = |url: &'static str| {
            matches!(
                cache.lookup(account, url, Duration::from_secs(9), None, false),
                Lookup::Hit(_)
            )
        };
        assert!(
            !hit("/big"),
            "an entry over a quarter of the cache was kept"
        );
        let Lookup::Miss(t) = cache.lookup(account, "/5", Duration::from_secs(9), None, false)
        else {
            panic!("hit");
        };
        t.store(body());
        assert!(!hit("/1"), "the oldest entry was not evicted");
        assert!(hit("/2") && hit("/5"));
    }

    #[tokio::test]
    async fn a_lookup_waits_for_the_leading_request_and_then_finds_its_answer() {
        let cache = ResponseCache::shared();
        cache.reserve(1 << 20);
        let account = Account::of([b"https://flight".as_slice()]);
        let ttl = Duration::from_secs(60);
        let Lookup::Miss(leader) = cache.lookup(account, "/page2", ttl, None, true) else {
            panic!("empty cache hit");
        };
        let Lookup::InFlight(mut done) = cache.lookup(account, "/page2", ttl, None, false) else {
            panic!("the leader in flight was not seen");
        };
        leader.store(cached("[2]"));
        let _ = done.changed().await;
        assert!(matches!(
            cache.lookup(account, "/page2", ttl, None, false),
            Lookup::Hit(c) if &c.body[..] == b"[2]"
        ));

        // A leader that fails (is dropped) wakes its waiters, who then send their own.
        let Lookup::Miss(leader) = cache.lookup(account, "/page3", ttl, None, true) else {
            panic!("empty cache hit");
        };
        let Lookup::InFlight(mut done) = cache.lookup(account, "/page3", ttl, None, true) else {
            panic!("the leader in flight was not seen");
        };
        drop(leader);
        let _ = done.changed().await;
        assert!(matches!(
            cache.lookup(account, "/page3", ttl, None, false),
            Lookup::Miss(_)
        ));
    }
}
