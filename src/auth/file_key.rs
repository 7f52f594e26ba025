//! The key that encrypts a settings file, and where it comes from: HKDF-SHA256 over the
//! OAuthClientSecret (portable between machines that share the app), or Argon2id over a
//! passphrase where the app has no secret. Every write uses a fresh salt, so every file version has
//! its own key. Derived Argon2 outputs are cached per process because Argon2 costs tens of
//! milliseconds (far more in a debug build) and a connection reads the file on every connect.

use std::sync::{Mutex, OnceLock};

use argon2::{Algorithm, Argon2, Params, Version};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// KDF ids as written in the file header.
pub const KDF_HKDF_CLIENT_SECRET: u8 = 1;
pub const KDF_ARGON2ID_PASSPHRASE: u8 = 2;

/// Bytes of the key check value: lets a reader tell "wrong secret" from "file changed".
pub const KEY_CHECK_LEN: usize = 8;

// HKDF `info` strings: separate the AEAD key from the key check, and bind both to format v1.
const INFO_KEY: &[u8] = b"apiodbc oauth settings v1 key";
const INFO_CHECK: &[u8] = b"apiodbc oauth settings v1 key check";

/// Upper bounds for Argon2 parameters read from a file, so a hostile file cannot make the
/// driver allocate gigabytes or spin for minutes.
const MAX_M_COST_KIB: u32 = 1 << 20;
const MAX_T_COST: u32 = 16;
const MAX_P_COST: u32 = 16;

/// Argon2id cost parameters; stored in the file header so they can be raised later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Argon2Params {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl Default for Argon2Params {
    /// OWASP's Argon2id minimum (m = 19 MiB, t = 2, p = 1), as docs/reference/oauth.md §5 suggests.
    fn default() -> Self {
        Argon2Params {
            m_cost_kib: 19 * 1024,
            t_cost: 2,
            p_cost: 1,
        }
    }
}

impl Argon2Params {
    /// Whether parameters read from a header for KDF `kdf` are ones this driver writes or accepts:
    /// zeros for HKDF; Argon2's minimums and our maximums for Argon2id.
    pub(crate) fn readable_for(&self, kdf: u8) -> bool {
        if kdf == KDF_HKDF_CLIENT_SECRET {
            return self.m_cost_kib == 0 && self.t_cost == 0 && self.p_cost == 0;
        }
        (1..=MAX_P_COST).contains(&self.p_cost)
            && (1..=MAX_T_COST).contains(&self.t_cost)
            && (8 * self.p_cost..=MAX_M_COST_KIB).contains(&self.m_cost_kib)
    }
}

/// What the file key is derived from. Which one applies is the caller's choice; a file written
/// with one cannot be read with the other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    ClientSecret(Secret),
    Passphrase(Secret, Argon2Params),
}

impl KeySource {
    /// The client secret when there is one, else a passphrase with the default Argon2 cost; `None`
    /// when neither is set (a public client without a passphrase cannot use a settings file).
    pub fn choose(
        client_secret: Option<&Secret>,
        passphrase: Option<&Secret>,
    ) -> Option<KeySource> {
        let given = |s: Option<&Secret>| s.filter(|s| !s.is_empty()).cloned();
        given(client_secret)
            .map(KeySource::ClientSecret)
            .or_else(|| {
                given(passphrase).map(|p| KeySource::Passphrase(p, Argon2Params::default()))
            })
    }

    pub fn kdf_id(&self) -> u8 {
        match self {
            KeySource::ClientSecret(_) => KDF_HKDF_CLIENT_SECRET,
            KeySource::Passphrase(..) => KDF_ARGON2ID_PASSPHRASE,
        }
    }

    /// The Argon2 parameters to write in a new file's header (zeros for HKDF).
    pub(crate) fn write_params(&self) -> Argon2Params {
        match self {
            KeySource::ClientSecret(_) => Argon2Params {
                m_cost_kib: 0,
                t_cost: 0,
                p_cost: 0,
            },
            KeySource::Passphrase(_, params) => *params,
        }
    }
}

/// A derived AEAD key and its check value. Zeroed on drop, like `Secret`.
pub(crate) struct FileKey {
    pub key: [u8; 32],
    pub check: [u8; KEY_CHECK_LEN],
}

impl Drop for FileKey {
    fn drop(&mut self) {
        for b in self.key.iter_mut().chain(self.check.iter_mut()) {
            *std::hint::black_box(b) = 0;
        }
    }
}

/// Derives the key for one file version. `params` are the header's (for reading) or the key
/// source's own (for writing).
pub(crate) fn derive(source: &KeySource, params: Argon2Params, salt: &[u8]) -> Result<FileKey> {
    match source {
        KeySource::ClientSecret(secret) => expand(secret.expose().as_bytes(), salt),
        KeySource::Passphrase(passphrase, _) => {
            let ikm = argon2_cached(passphrase, params, salt)?;
            expand(&ikm, salt)
        }
    }
}

fn expand(ikm: &[u8], salt: &[u8]) -> Result<FileKey> {
    let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
    let mut out = FileKey {
        key: [0; 32],
        check: [0; KEY_CHECK_LEN],
    };
    // Both lengths are far below HKDF-SHA256's 8160-byte limit, so these cannot fail.
    hk.expand(INFO_KEY, &mut out.key)
        .and_then(|()| hk.expand(INFO_CHECK, &mut out.check))
        .map_err(|_| Error::general("Internal error deriving the settings file key"))?;
    Ok(out)
}

type CacheKey = ([u8; 32], Argon2Params, Vec<u8>);
type Cache = Mutex<Vec<(CacheKey, [u8; 32])>>;

/// Recent Argon2 outputs, keyed by a hash of the passphrase (never the passphrase itself), the
/// parameters and the salt. Small: one process rarely sees more than a couple of file versions.
fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Vec::new()))
}

const CACHE_ENTRIES: usize = 8;

fn argon2_cached(passphrase: &Secret, params: Argon2Params, salt: &[u8]) -> Result<[u8; 32]> {
    let id: CacheKey = (
        Sha256::digest(passphrase.expose().as_bytes()).into(),
        params,
        salt.to_vec(),
    );
    {
        let entries = cache().lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, out)) = entries.iter().find(|(k, _)| *k == id) {
            return Ok(*out);
        }
    }
    let out = argon2id(passphrase, params, salt)?;
    let mut entries = cache().lock().unwrap_or_else(|e| e.into_inner());
    if entries.len() >= CACHE_ENTRIES {
        entries.remove(0);
    }
    entries.push((id, out));
    Ok(out)
}

fn argon2id(passphrase: &Secret, params: Argon2Params, salt: &[u8]) -> Result<[u8; 32]> {
    let invalid = |e: argon2::Error| {
        Error::general(format!(
            "Could not derive the settings file key from the passphrase: {e}"
        ))
    };
    let p =
        Params::new(params.m_cost_kib, params.t_cost, params.p_cost, Some(32)).map_err(invalid)?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
        .hash_password_into(passphrase.expose().as_bytes(), salt, &mut out)
        .map_err(invalid)?;
    Ok(out)
}
