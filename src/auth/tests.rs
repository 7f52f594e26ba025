//! Tests of the token store: the file format and its failure modes, atomic replacement, the
//! cross-thread and cross-process lock (no lost update), the memory backend, the default path.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::auth::file_key::Argon2Params;
use crate::auth::file_lock::{lock_path_for, FileLock};
use crate::auth::settings_file::{self, client_fingerprint, FormatError};
use crate::auth::settings_path::default_settings_path_under;
use crate::auth::token_store::{Decision, KeySource, StoreBinding, TokenStore};
use crate::auth::tokens::{now_unix, PendingAuthorization, RefreshAttempt, StoredTokens};
use crate::connect::settings::SettingsLocation;
use crate::error::{state, AuthError, Error, ErrorKind};
use crate::secret::Secret;

const ACCESS: &str = "AT-access-token-0123456789abcdef";
const REFRESH: &str = "RT-refresh-token-fedcba9876543210";
const STATE: &str = "state-value-5f5f5f5f";
const VERIFIER: &str = "pkce-verifier-abcdefghijklmnopqrstuvwxyz0123456789";
const TOKEN_URL: &str = "https://oauth.example.test/oauth/token";
const CHILD_ENV: &str = "APIODBC_TEST_TOKEN_STORE_CHILD";
const PER_WORKER: usize = 5;

/// A fresh folder under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "apiodbc-auth-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
    fn file(&self) -> PathBuf {
        self.0.join("sub").join("OAuthSettings.txt")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn binding(client_id: &str, token_url: &str, secret: &str) -> StoreBinding {
    StoreBinding {
        client_id: client_id.into(),
        token_url: token_url.into(),
        key: Some(KeySource::ClientSecret(Secret::new(secret))),
    }
}

fn default_binding() -> StoreBinding {
    binding("client-1", TOKEN_URL, "client-secret-1")
}

fn file_store(path: &Path, binding: StoreBinding) -> TokenStore {
    TokenStore::open(&SettingsLocation::File(path.to_path_buf()), binding).expect("open store")
}

fn sample() -> StoredTokens {
    let now = now_unix();
    StoredTokens {
        access_token: Some(Secret::new(ACCESS)),
        refresh_token: Some(Secret::new(REFRESH)),
        expires_at: StoredTokens::expiry(now, Some(3600)),
        obtained_at: Some(now),
        token_type: Some("Bearer".into()),
        scope: Some("deals:read users:read".into()),
        api_base: Some("https://acme.pipedrive.example".into()),
        pending: Some(PendingAuthorization {
            state: Secret::new(STATE),
            pkce_verifier: Secret::new(VERIFIER),
            redirect_uri: "http://127.0.0.1:33333/callback".into(),
            created_at: now,
        }),
        refreshing: Some(RefreshAttempt::new(&Secret::new(REFRESH), now)),
    }
}

fn write_sample(store: &TokenStore) {
    store
        .update(|_| Ok(Decision::Replace(sample())))
        .expect("write sample");
}

/// Increments the counter kept in `scope`, the way a refresh replaces tokens under the lock.
fn increment(current: Option<StoredTokens>) -> crate::error::Result<Decision> {
    let mut t = current.unwrap_or_default();
    let n: u64 = t.scope.as_deref().unwrap_or("0").parse().expect("counter");
    t.scope = Some((n + 1).to_string());
    t.access_token = Some(Secret::new(format!("access-{n}")));
    Ok(Decision::Replace(t))
}

fn counter(store: &TokenStore) -> u64 {
    let t = store.load().expect("load").expect("tokens");
    t.scope.as_deref().expect("scope").parse().expect("number")
}

fn assert_bad_file(err: &Error, path: &Path, remedy: &str) {
    assert_eq!(err.state, state::INVALID_AUTHORIZATION, "{err}");
    assert_eq!(err.kind, ErrorKind::Auth(AuthError::TokenStore), "{err}");
    let prefix = format!("[apiodbc] The OAuth settings file {}", path.display());
    assert!(err.message.starts_with(&prefix), "{}", err.message);
    assert!(err.message.contains(remedy), "{}", err.message);
    for secret in [ACCESS, REFRESH, STATE, VERIFIER, "client-secret-1"] {
        assert!(!err.message.contains(secret));
    }
}

#[test]
fn round_trip_and_missing_file() {
    let dir = TempDir::new("roundtrip");
    let store = file_store(&dir.file(), default_binding());
    assert_eq!(
        store.load().expect("load"),
        None,
        "missing file = empty store"
    );
    let after = store
        .update(|current| {
            assert_eq!(current, None);
            Ok(Decision::Replace(sample()))
        })
        .expect("update");
    assert_eq!(after, Some(sample()));
    // A second handle (another connection) sees the same tokens.
    let other = file_store(&dir.file(), default_binding());
    assert_eq!(other.load().expect("load"), Some(sample()));
    // Keep leaves the file as it is and hands back what it holds.
    let before = std::fs::read(dir.file()).expect("read");
    let kept = other.update(|_| Ok(Decision::Keep)).expect("keep");
    assert_eq!(kept, Some(sample()));
    assert_eq!(std::fs::read(dir.file()).expect("read"), before);
}

#[cfg(unix)]
#[test]
fn file_folder_and_lock_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("mode");
    let store = file_store(&dir.file(), default_binding());
    write_sample(&store);
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&dir.file()), 0o600);
    assert_eq!(mode(&lock_path_for(&dir.file())), 0o600);
    assert_eq!(mode(dir.file().parent().expect("parent")), 0o700);
    // Still 0600 after a replace.
    write_sample(&store);
    assert_eq!(mode(&dir.file()), 0o600);
}

#[test]
fn no_secret_in_plain_text() {
    let dir = TempDir::new("plain");
    let store = file_store(&dir.file(), default_binding());
    write_sample(&store);
    let bytes = std::fs::read(dir.file()).expect("read");
    assert!(bytes.starts_with(b"APIODBC-OAUTH\x01\x01"));
    let text = String::from_utf8_lossy(&bytes);
    for needle in [
        ACCESS,
        REFRESH,
        STATE,
        VERIFIER,
        "client-secret-1",
        "Bearer",
        "127.0.0.1",
    ] {
        assert!(!text.contains(needle), "{needle} in the file");
    }
    // Fresh salt and nonce: the same tokens never give the same bytes.
    write_sample(&store);
    assert_ne!(std::fs::read(dir.file()).expect("read"), bytes);
    // Debug output masks every secret.
    let debug = format!("{:?} {:?}", sample(), default_binding());
    for needle in [ACCESS, REFRESH, STATE, VERIFIER, "client-secret-1"] {
        assert!(!debug.contains(needle), "{needle} in Debug output");
    }
}

#[test]
fn every_changed_byte_is_a_clear_error() {
    let dir = TempDir::new("tamper");
    let store = file_store(&dir.file(), default_binding());
    write_sample(&store);
    let good = std::fs::read(dir.file()).expect("read");
    let b = default_binding();
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        let result = settings_file::open(&b, &bad).expect("no internal error");
        assert!(result.is_err(), "byte {i} changed unnoticed");
    }
    // Through the store: the message names the file and the remedy, and the file is kept.
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x80;
    std::fs::write(dir.file(), &bad).expect("write");
    let err = store.load().expect_err("tampered");
    assert_bad_file(&err, &dir.file(), "delete it and authorize again");
    assert!(err.message.contains("was changed"), "{}", err.message);
    let err = store.update(increment).expect_err("update refuses");
    assert_bad_file(&err, &dir.file(), "delete it and authorize again");
    assert_eq!(
        std::fs::read(dir.file()).expect("read"),
        bad,
        "never overwritten"
    );
}

#[test]
fn truncated_and_foreign_files_are_clear_errors() {
    let dir = TempDir::new("truncated");
    let store = file_store(&dir.file(), default_binding());
    write_sample(&store);
    let good = std::fs::read(dir.file()).expect("read");
    for len in 0..good.len() {
        let result = settings_file::open(&default_binding(), &good[..len]).expect("no panic");
        assert!(result.is_err(), "{len} bytes accepted");
    }
    std::fs::write(dir.file(), &good[..60]).expect("write");
    let err = store.load().expect_err("truncated");
    assert_bad_file(&err, &dir.file(), "truncated");
    std::fs::write(dir.file(), b"[deals]\nsome=user file\n").expect("write");
    let err = store.load().expect_err("not ours");
    assert_bad_file(&err, &dir.file(), "not an apiodbc OAuth settings file");
    let err = store.update(increment).expect_err("update refuses");
    assert_eq!(err.kind, ErrorKind::Auth(AuthError::TokenStore));
    assert!(err.message.contains("not an apiodbc"));
    assert_eq!(
        std::fs::read(dir.file()).expect("read"),
        b"[deals]\nsome=user file\n"
    );
}

#[test]
fn other_client_id_token_url_or_secret_is_a_clear_error() {
    let dir = TempDir::new("foreign");
    write_sample(&file_store(&dir.file(), default_binding()));
    let path = dir.file();
    let open = |b: StoreBinding| file_store(&path, b).load().expect_err("foreign");

    let err = open(binding("client-2", TOKEN_URL, "client-secret-1"));
    assert_bad_file(&err, &path, "check OAuthClientId");
    let err = open(binding(
        "client-1",
        "https://other.example/token",
        "client-secret-1",
    ));
    assert_bad_file(&err, &path, "token URL");
    let err = open(binding("client-1", TOKEN_URL, "another-secret"));
    assert_bad_file(&err, &path, "check OAuthClientId/OAuthClientSecret");

    // The fingerprints only pick the message; the AAD binds the real values. A file whose
    // fingerprint is rewritten to another client id still fails, on the tag.
    let mut bytes = std::fs::read(&path).expect("read");
    bytes[27..35].copy_from_slice(&client_fingerprint("client-2"));
    let b = binding("client-2", TOKEN_URL, "client-secret-1");
    assert_eq!(
        settings_file::open(&b, &bytes).expect("no internal error"),
        Err(FormatError::Tampered)
    );
}

#[test]
fn future_version_is_a_clear_error() {
    let dir = TempDir::new("version");
    let store = file_store(&dir.file(), default_binding());
    write_sample(&store);
    let mut bytes = std::fs::read(dir.file()).expect("read");
    bytes[13] = 2;
    // A future format may be shorter or longer: the version decides before the length.
    bytes.truncate(20);
    std::fs::write(dir.file(), &bytes).expect("write");
    let err = store.load().expect_err("future");
    assert_bad_file(&err, &dir.file(), "newer apiodbc");
    assert!(err.message.contains("upgrade the driver"));
}

#[test]
fn passphrase_key_source() {
    let dir = TempDir::new("passphrase");
    // Cheap Argon2 parameters: the derivation is the same code at any cost.
    let cheap = Argon2Params {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    };
    let with = |key: KeySource| StoreBinding {
        key: Some(key),
        ..default_binding()
    };
    let store = file_store(
        &dir.file(),
        with(KeySource::Passphrase(Secret::new("pass"), cheap)),
    );
    write_sample(&store);
    assert_eq!(store.load().expect("load"), Some(sample()));
    let bytes = std::fs::read(dir.file()).expect("read");
    assert_eq!(bytes[14], 2, "KDF id: Argon2id");

    let wrong = KeySource::Passphrase(Secret::new("other"), cheap);
    let err = file_store(&dir.file(), with(wrong))
        .load()
        .expect_err("wrong");
    assert_bad_file(&err, &dir.file(), "a passphrase");
    let secret = KeySource::ClientSecret(Secret::new("pass"));
    let err = file_store(&dir.file(), with(secret))
        .load()
        .expect_err("other source");
    assert_bad_file(&err, &dir.file(), "was encrypted with a passphrase");

    assert_eq!(
        KeySource::choose(Some(&Secret::new("")), Some(&Secret::new("p"))),
        Some(KeySource::Passphrase(
            Secret::new("p"),
            Argon2Params::default()
        ))
    );
    assert_eq!(KeySource::choose(None, None), None);
}

#[test]
fn a_file_needs_a_key_memory_does_not() {
    let dir = TempDir::new("nokey");
    let keyless = StoreBinding {
        key: None,
        ..default_binding()
    };
    let err =
        TokenStore::open(&SettingsLocation::File(dir.file()), keyless.clone()).expect_err("no key");
    assert_eq!(err.state, state::INVALID_AUTHORIZATION);
    assert_eq!(err.kind, ErrorKind::Auth(AuthError::TokenStore));
    assert!(err.message.contains("memory://"), "{}", err.message);
    let location = SettingsLocation::Memory("auth-tests-nokey".into());
    let store = TokenStore::open(&location, keyless).expect("memory");
    write_sample(&store);
    assert_eq!(store.load().expect("load"), Some(sample()));
}

#[test]
fn replace_leaves_no_temp_files_and_clear_removes() {
    let dir = TempDir::new("atomic");
    let store = file_store(&dir.file(), default_binding());
    for _ in 0..5 {
        store.update(increment).expect("update");
    }
    let folder = dir.file().parent().expect("parent").to_path_buf();
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["OAuthSettings.txt", "OAuthSettings.txt.lock"]);
    assert_eq!(counter(&store), 5);

    // A failing decision changes nothing and releases the lock.
    let err = store
        .update(|_| Err(Error::general("refresh failed")))
        .expect_err("closure error");
    assert_eq!(
        err,
        Error::general("refresh failed"),
        "the closure's error, unchanged"
    );
    assert_eq!(counter(&store), 5);

    // Clear works even on a damaged file: it is the "delete it" the errors ask for.
    std::fs::write(dir.file(), b"garbage").expect("write");
    store.clear().expect("clear");
    assert!(!dir.file().exists());
    assert_eq!(store.load().expect("load"), None);
    store.update(increment).expect("update");
    store
        .update(|_| Ok(Decision::Clear))
        .expect("clear decision");
    assert!(!dir.file().exists());
}

#[test]
fn lock_timeout_is_a_clear_error() {
    let dir = TempDir::new("timeout");
    let store =
        file_store(&dir.file(), default_binding()).with_lock_timeout(Duration::from_millis(100));
    let held =
        FileLock::acquire(&lock_path_for(&dir.file()), Duration::from_secs(1)).expect("lock");
    let err = store.update(increment).expect_err("timeout");
    assert_eq!(err.state, state::TIMEOUT_EXPIRED);
    assert_eq!(err.kind, ErrorKind::Auth(AuthError::Timeout));
    assert!(err.message.contains(".lock"), "{}", err.message);
    drop(held);
    store.update(increment).expect("free again");
}

#[test]
fn threads_lose_no_update() {
    let dir = TempDir::new("threads");
    let path = dir.file();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let store = file_store(&path, default_binding());
                for _ in 0..PER_WORKER {
                    store.update(increment).expect("update");
                    // Readers without the lock always see a whole file.
                    store.load().expect("load while others write");
                }
            });
        }
    });
    assert_eq!(
        counter(&file_store(&path, default_binding())),
        4 * PER_WORKER as u64
    );
}

/// Run by `processes_lose_no_update` in child processes; does nothing in a normal test run.
#[test]
fn child_process_increments() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let store = file_store(Path::new(&path), default_binding());
    for _ in 0..PER_WORKER {
        store.update(increment).expect("child update");
    }
}

#[test]
fn processes_lose_no_update() {
    let dir = TempDir::new("processes");
    let path = dir.file();
    let exe = std::env::current_exe().expect("test binary");
    let children: Vec<_> = (0..2)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "auth::tests::child_process_increments"])
                .args(["--test-threads", "1", "--nocapture"])
                .env(CHILD_ENV, &path)
                .stdout(Stdio::null())
                .spawn()
                .expect("spawn child")
        })
        .collect();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let store = file_store(&path, default_binding());
                for _ in 0..PER_WORKER {
                    store.update(increment).expect("update");
                }
            });
        }
    });
    for mut child in children {
        assert!(child.wait().expect("wait").success(), "child failed");
    }
    // If a child ran no test (a renamed test), the count is short and this fails.
    assert_eq!(
        counter(&file_store(&path, default_binding())),
        4 * PER_WORKER as u64
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_update_holds_the_lock_across_await() {
    let dir = TempDir::new("async");
    let path = dir.file();
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let store = file_store(&path, default_binding());
        tasks.push(tokio::spawn(async move {
            store
                .update_async(|current| async move {
                    // A refresh's HTTP round trip: others must wait, not refresh too.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    increment(current)
                })
                .await
        }));
    }
    // A blocking writer at the same time is serialised with them by the file lock.
    let sync_path = path.clone();
    let sync_writer =
        std::thread::spawn(move || file_store(&sync_path, default_binding()).update(increment));
    for t in tasks {
        t.await.expect("join").expect("update");
    }
    sync_writer.join().expect("join").expect("sync update");
    assert_eq!(counter(&file_store(&path, default_binding())), 7);
}

#[test]
fn memory_store_is_shared_by_name() {
    let a = TokenStore::open(
        &SettingsLocation::Memory("auth-tests-shared".into()),
        default_binding(),
    )
    .expect("open");
    let b = TokenStore::open(
        &SettingsLocation::Memory("auth-tests-shared".into()),
        default_binding(),
    )
    .expect("open");
    let other = TokenStore::open(
        &SettingsLocation::Memory("auth-tests-other".into()),
        default_binding(),
    )
    .expect("open");
    write_sample(&a);
    assert_eq!(b.load().expect("load"), Some(sample()));
    assert_eq!(other.load().expect("load"), None);

    // Updates through either handle are serialised: no lost update.
    b.update(|_| Ok(Decision::Clear)).expect("clear");
    std::thread::scope(|s| {
        for store in [&a, &b, &a, &b] {
            s.spawn(move || {
                for _ in 0..PER_WORKER {
                    store.update(increment).expect("update");
                }
            });
        }
    });
    assert_eq!(counter(&a), 4 * PER_WORKER as u64);

    let foreign = TokenStore::open(
        &SettingsLocation::Memory("auth-tests-shared".into()),
        binding("client-2", TOKEN_URL, "client-secret-1"),
    )
    .expect("open");
    let err = foreign.load().expect_err("foreign");
    assert_eq!(err.state, state::INVALID_AUTHORIZATION);
    assert_eq!(err.kind, ErrorKind::Auth(AuthError::TokenStore));
    assert!(
        err.message.contains("memory://auth-tests-shared"),
        "{}",
        err.message
    );
    a.clear().expect("clear");
    assert_eq!(foreign.load().expect("empty"), None);
}

#[tokio::test]
async fn memory_store_async_update() {
    let store = TokenStore::open(
        &SettingsLocation::Memory("auth-tests-async".into()),
        default_binding(),
    )
    .expect("open");
    for _ in 0..3 {
        store
            .update_async(|cur| async move { increment(cur) })
            .await
            .expect("update");
    }
    assert_eq!(counter(&store), 3);
}

#[test]
fn default_path_is_per_profile_client_and_token_endpoint() {
    let base = Path::new("/home/u/.config");
    let url = "https://oauth.pipedrive.com/oauth/token";
    let p = default_settings_path_under(base, "pipedrive", "my/odd client\0id", url);
    let rel = p.strip_prefix(base).expect("under base");
    let parts: Vec<_> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    assert_eq!(parts.len(), 5, "{parts:?}");
    assert_eq!(parts[0], "apiodbc");
    assert_eq!(parts[1], "pipedrive");
    for hash in &parts[2..4] {
        assert_eq!(hash.len(), 16);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    }
    assert_eq!(parts[4], "OAuthSettings.txt");
    assert_ne!(
        p,
        default_settings_path_under(base, "pipedrive", "other", url)
    );
    assert_ne!(
        p,
        default_settings_path_under(
            base,
            "pipedrive",
            "my/odd client\0id",
            "http://127.0.0.1:9/token"
        )
    );

    let f = default_settings_path_under(base, "../profiles/My API.toml", "c", url);
    let folder = f
        .strip_prefix(base.join("apiodbc"))
        .expect("inside")
        .iter()
        .next();
    let folder = folder.expect("folder").to_string_lossy().into_owned();
    assert!(folder.starts_with("file-My_API-"), "{folder}");
}

#[test]
fn token_helpers() {
    let now = 1_000_000;
    assert_eq!(StoredTokens::expiry(now, Some(3600)), Some(now + 3600));
    assert_eq!(StoredTokens::expiry(now, None), None);
    let mut t = StoredTokens {
        access_token: Some(Secret::new("a")),
        expires_at: Some(now + 600),
        ..Default::default()
    };
    assert!(t.access_token_valid(now, 300));
    assert!(!t.access_token_valid(now, 600));
    t.expires_at = None;
    assert!(t.access_token_valid(now, 300));
    t.access_token = None;
    assert!(!t.access_token_valid(now, 0));

    let previous = sample();
    t.keep_refresh_token_from(Some(&previous));
    assert_eq!(t.refresh_token, Some(Secret::new(REFRESH)));
    t.refresh_token = Some(Secret::new("rotated"));
    t.keep_refresh_token_from(Some(&previous));
    assert_eq!(t.refresh_token, Some(Secret::new("rotated")));

    let pending = PendingAuthorization {
        state: Secret::new("s"),
        pkce_verifier: Secret::new("v"),
        redirect_uri: "http://127.0.0.1/cb".into(),
        created_at: now,
    };
    assert!(pending.is_fresh(now + 599));
    assert!(!pending.is_fresh(now + 601));
    t.pending = Some(pending);
    assert!(t.pending_at(now + 10).is_some());
    assert!(t.pending_at(now + 3600).is_none());
}

#[test]
fn stale_pending_values_are_not_written() {
    let location = SettingsLocation::Memory("auth-tests-pending".into());
    let store = TokenStore::open(&location, default_binding()).expect("open");
    let mut t = sample();
    if let Some(p) = t.pending.as_mut() {
        p.created_at -= 3600;
    }
    let after = store.update(|_| Ok(Decision::Replace(t))).expect("update");
    assert_eq!(after.and_then(|t| t.pending), None);
}

fn replace_with(
    tokens: StoredTokens,
) -> impl FnOnce(Option<StoredTokens>) -> Result<Decision, Error> {
    move |_| Ok(Decision::Replace(tokens))
}

#[test]
fn a_legacy_file_of_the_same_token_endpoint_moves_to_the_new_place() {
    let dir = TempDir::new("legacy");
    let legacy = dir.0.join("client").join("OAuthSettings.txt");
    let new = dir
        .0
        .join("client")
        .join("tokenurl")
        .join("OAuthSettings.txt");
    file_store(&legacy, default_binding())
        .update(replace_with(sample()))
        .expect("write legacy");
    let store = file_store(&new, default_binding());
    store.adopt_legacy(&legacy).expect("adopt");
    assert!(!legacy.exists(), "the old file stayed");
    let moved = store.load().expect("load").expect("tokens");
    assert_eq!(
        moved.refresh_token.as_ref().map(|t| t.expose()),
        Some(REFRESH)
    );

    // Another token endpoint's old file is not ours to move.
    file_store(
        &legacy,
        binding("client-1", "http://127.0.0.1:1/token", "client-secret-1"),
    )
    .update(replace_with(sample()))
    .expect("write legacy");
    let other = dir.0.join("client").join("other").join("OAuthSettings.txt");
    let store = file_store(&other, default_binding());
    store.adopt_legacy(&legacy).expect("adopt");
    assert!(legacy.exists());
    assert!(store.load().expect("load").is_none());
}

#[cfg(unix)]
#[test]
fn untrusted_files_and_folders_are_refused_saying_what_to_fix() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let dir = TempDir::new("untrusted");
    let real = dir.file();
    file_store(&real, default_binding())
        .update(replace_with(sample()))
        .expect("write");
    let refused = |path: &Path| -> Error {
        TokenStore::open(
            &SettingsLocation::File(path.to_path_buf()),
            default_binding(),
        )
        .and_then(|s| s.load())
        .expect_err("refused")
    };

    let link = dir.0.join("link.txt");
    symlink(&real, &link).expect("symlink");
    let e = refused(&link);
    assert_eq!(e.state, state::INVALID_AUTHORIZATION);
    assert_eq!(e.kind, ErrorKind::Auth(AuthError::TokenStore));
    assert!(
        e.message.contains("symbolic link") && e.message.contains("readlink"),
        "{}",
        e.message
    );

    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    let e = refused(&real);
    assert_eq!(e.kind, ErrorKind::Auth(AuthError::TokenStore));
    assert!(
        e.message.contains("writable by other users") && e.message.contains("chmod 600"),
        "{}",
        e.message
    );
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).expect("chmod");

    let lock = lock_path_for(&real);
    let _ = std::fs::remove_file(&lock);
    symlink(dir.0.join("planted-target"), &lock).expect("symlink lock");
    let e = refused(&real);
    assert_eq!(e.kind, ErrorKind::Auth(AuthError::TokenStore));
    assert!(
        e.message.contains("lock file") && e.message.contains("symbolic link"),
        "{}",
        e.message
    );
    assert!(e.message.contains("remove the link"), "{}", e.message);
    // Planted after the store was opened, it is refused when the lock is taken.
    std::fs::remove_file(&lock).expect("rm");
    let store = file_store(&real, default_binding());
    symlink(dir.0.join("planted-target"), &lock).expect("symlink lock");
    let e = store
        .update(replace_with(sample()))
        .expect_err("a symlinked lock");
    assert_eq!(e.kind, ErrorKind::Auth(AuthError::TokenStore));
    assert!(e.message.contains("symbolic link"), "{}", e.message);
    assert!(
        !dir.0.join("planted-target").exists(),
        "the lock's target was created"
    );
    std::fs::remove_file(&lock).expect("rm");

    let open = dir.0.join("open");
    std::fs::create_dir_all(&open).expect("mkdir");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let e = refused(&open.join("OAuthSettings.txt"));
    assert_eq!(e.kind, ErrorKind::Auth(AuthError::TokenStore));
    assert!(
        e.message.contains("settings folder") && e.message.contains("chmod go-w"),
        "{}",
        e.message
    );
    // The sticky bit (as on /tmp) makes a shared folder fine.
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o1777)).expect("chmod");
    assert!(TokenStore::open(&SettingsLocation::File(open.join("x")), default_binding()).is_ok());

    // Another user's file (only root can make one here).
    if crate::ffi::os::effective_uid() == 0 {
        let theirs = dir.0.join("theirs").join("OAuthSettings.txt");
        file_store(&theirs, default_binding())
            .update(replace_with(sample()))
            .expect("write");
        std::os::unix::fs::chown(&theirs, Some(65534), None).expect("chown");
        let e = refused(&theirs);
        assert_eq!(e.kind, ErrorKind::Auth(AuthError::TokenStore));
        assert!(
            e.message.contains("belongs to user id 65534"),
            "{}",
            e.message
        );
    }

    let fifo = dir.0.join("fifo");
    if Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        let e = refused(&fifo);
        assert_eq!(e.kind, ErrorKind::Auth(AuthError::TokenStore));
        assert!(
            e.message.contains("regular file") || e.message.contains("FIFO"),
            "{}",
            e.message
        );
    }
}
