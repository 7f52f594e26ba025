//! The settings file format (version 1): binary, self-describing, encrypted with
//! XChaCha20-Poly1305. The file is named OAuthSettings.txt, as the seed documents call it, but it is
//! binary; its first 13 bytes spell `APIODBC-OAUTH` so `head` and `file` show what it is.
//!
//! ```text
//! offset size
//!      0   13  magic "APIODBC-OAUTH"
//!     13    1  format version (1)
//!     14    1  KDF id: 1 = HKDF-SHA256 over OAuthClientSecret, 2 = Argon2id over a passphrase
//!     15   12  KDF parameters: Argon2id m_cost (KiB), t_cost, p_cost as u32 little-endian; zero for HKDF
//!     27    8  client id fingerprint: SHA-256("apiodbc client id\0" ‖ client id)[..8]
//!     35    8  token URL fingerprint: SHA-256("apiodbc token url\0" ‖ token URL)[..8]
//!     43   16  salt (fresh per write)
//!     59   24  nonce (fresh per write)
//!     83    8  key check: HKDF(key material, salt, "…key check")[..8]
//!     91    n  ciphertext of the JSON plaintext, then the 16-byte Poly1305 tag
//! ```
//!
//! Associated data = the 91 header bytes ‖ u32 LE length of the client id ‖ client id ‖
//! SHA-256(token URL): a file cannot be moved to another client id or token URL, and no header byte
//! can change unnoticed. The fingerprints and key check only choose the error message (wrong
//! client id, wrong token URL, wrong secret, or a changed file); the AEAD tag is what protects.

use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::auth::file_key::{self, Argon2Params, KeySource, KEY_CHECK_LEN};
use crate::auth::tokens::StoredTokens;
use crate::error::{AuthError, Error, Result};

pub const MAGIC: &[u8; 13] = b"APIODBC-OAUTH";
pub const VERSION: u8 = 1;

const KDF_AT: usize = 14;
const PARAMS_AT: usize = 15;
const CLIENT_FP_AT: usize = 27;
const URL_FP_AT: usize = 35;
const SALT_AT: usize = 43;
const NONCE_AT: usize = 59;
const CHECK_AT: usize = 83;
const HEADER_LEN: usize = 91;
const FP_LEN: usize = 8;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Which configuration a file belongs to, and the key source that opens it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreBinding {
    pub client_id: String,
    /// The token endpoint the connection uses (after overrides such as OAuthAccessTokenURL).
    pub token_url: String,
    /// `None` for a client without secret or passphrase: fine for `memory://`, not for a file.
    pub key: Option<KeySource>,
}

/// Why a file could not be read. Each maps to a 28000 error naming the file and the remedy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatError {
    NotOurs,
    Truncated,
    FutureVersion(u8),
    UnknownKdf(u8),
    ForeignClient,
    ForeignTokenUrl,
    /// The file was written with the other key source (secret vs passphrase).
    OtherKeySource(u8),
    WrongKey(u8),
    Tampered,
    BadPlaintext,
}

impl FormatError {
    pub fn into_error(self, path: &Path) -> Error {
        const AGAIN: &str = "delete it and authorize again";
        let what = match self {
            FormatError::NotOurs => format!(
                "is not an apiodbc OAuth settings file; point OAuthSettingsLocation at another file, or {AGAIN}"
            ),
            FormatError::Truncated => format!("is truncated or damaged; {AGAIN}"),
            FormatError::FutureVersion(v) => format!(
                "was written by a newer apiodbc (format version {v}; this driver reads version {VERSION}); upgrade the driver, or {AGAIN}"
            ),
            FormatError::UnknownKdf(id) => format!(
                "uses a key derivation this driver does not know (id {id}); upgrade the driver, or {AGAIN}"
            ),
            FormatError::ForeignClient => format!(
                "belongs to another OAuthClientId; check OAuthClientId, or use another OAuthSettingsLocation, or {AGAIN}"
            ),
            FormatError::ForeignTokenUrl => format!(
                "belongs to another token URL; check OAuthAccessTokenURL and the profile, or use another OAuthSettingsLocation, or {AGAIN}"
            ),
            FormatError::OtherKeySource(kdf) => format!(
                "was encrypted with {} but this connection has {}; check OAuthClientId/OAuthClientSecret, or {AGAIN}",
                key_name(kdf),
                key_name(other_kdf(kdf)),
            ),
            FormatError::WrongKey(kdf) => format!(
                "cannot be decrypted with this connection's {}; check OAuthClientId/OAuthClientSecret, or {AGAIN}",
                key_name(kdf)
            ),
            FormatError::Tampered => {
                format!("was changed after apiodbc wrote it (authentication failed); {AGAIN}")
            }
            FormatError::BadPlaintext => format!("holds data this driver cannot read; {AGAIN}"),
        };
        Error::new(
            AuthError::TokenStore,
            format!("The OAuth settings file {} {what}", path.display()),
        )
    }
}

fn key_name(kdf: u8) -> &'static str {
    if kdf == file_key::KDF_ARGON2ID_PASSPHRASE {
        "a passphrase"
    } else {
        "OAuthClientSecret"
    }
}

fn other_kdf(kdf: u8) -> u8 {
    if kdf == file_key::KDF_ARGON2ID_PASSPHRASE {
        file_key::KDF_HKDF_CLIENT_SECRET
    } else {
        file_key::KDF_ARGON2ID_PASSPHRASE
    }
}

fn fingerprint(label: &[u8], value: &str) -> [u8; FP_LEN] {
    let digest = Sha256::new()
        .chain_update(label)
        .chain_update(value.as_bytes())
        .finalize();
    let mut out = [0u8; FP_LEN];
    out.copy_from_slice(&digest[..FP_LEN]);
    out
}

pub(crate) fn client_fingerprint(client_id: &str) -> [u8; FP_LEN] {
    fingerprint(b"apiodbc client id\0", client_id)
}

fn url_fingerprint(token_url: &str) -> [u8; FP_LEN] {
    fingerprint(b"apiodbc token url\0", token_url)
}

fn associated_data(header: &[u8], binding: &StoreBinding) -> Vec<u8> {
    let id = binding.client_id.as_bytes();
    let mut aad = Vec::with_capacity(header.len() + 4 + id.len() + 32);
    aad.extend_from_slice(header);
    // The length prefix keeps "ab" + url from colliding with "a" + "b…".
    aad.extend_from_slice(&u32::try_from(id.len()).unwrap_or(u32::MAX).to_le_bytes());
    aad.extend_from_slice(id);
    aad.extend_from_slice(&Sha256::digest(binding.token_url.as_bytes()));
    aad
}

fn no_key_error() -> Error {
    Error::new(
        AuthError::TokenStore,
        "An OAuth settings file is encrypted with OAuthClientSecret or a passphrase, and this connection has neither; set one, or use OAuthSettingsLocation=memory://name",
    )
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out)
        .map_err(|e| Error::general(format!("The system's random number generator failed: {e}")))?;
    Ok(out)
}

/// Encrypts `tokens` into a complete file image, with a fresh salt and nonce.
pub fn seal(binding: &StoreBinding, tokens: &StoredTokens) -> Result<Vec<u8>> {
    Sealer::new(binding)?.seal(binding, tokens)
}

/// A file key derived ahead of time (with its fresh salt), so that writing tokens the moment they
/// arrive costs only the encryption: an Argon2 derivation between receiving a rotated refresh
/// token and storing it would widen the window in which a killed process loses it. Every image
/// it seals has its own random nonce (XChaCha20's 192-bit nonces make reuse of a key with random
/// nonces safe).
pub struct Sealer {
    kdf: u8,
    params: Argon2Params,
    salt: [u8; SALT_LEN],
    key: file_key::FileKey,
}

impl Sealer {
    pub fn new(binding: &StoreBinding) -> Result<Sealer> {
        let source = binding.key.as_ref().ok_or_else(no_key_error)?;
        let params = source.write_params();
        let salt: [u8; SALT_LEN] = random()?;
        let key = file_key::derive(source, params, &salt)?;
        Ok(Sealer {
            kdf: source.kdf_id(),
            params,
            salt,
            key,
        })
    }

    /// `tokens` as a complete file image for `binding` (the one the sealer was made for).
    pub fn seal(&self, binding: &StoreBinding, tokens: &StoredTokens) -> Result<Vec<u8>> {
        let nonce: [u8; NONCE_LEN] = random()?;
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.push(VERSION);
        header.push(self.kdf);
        for v in [
            self.params.m_cost_kib,
            self.params.t_cost,
            self.params.p_cost,
        ] {
            header.extend_from_slice(&v.to_le_bytes());
        }
        header.extend_from_slice(&client_fingerprint(&binding.client_id));
        header.extend_from_slice(&url_fingerprint(&binding.token_url));
        header.extend_from_slice(&self.salt);
        header.extend_from_slice(&nonce);
        header.extend_from_slice(&self.key.check);

        let mut plaintext = tokens.to_json()?;
        let aad = associated_data(&header, binding);
        let sealed = XChaCha20Poly1305::new(&self.key.key.into()).encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &plaintext,
                aad: &aad,
            },
        );
        wipe(&mut plaintext);
        let ciphertext =
            sealed.map_err(|_| Error::general("Internal error encrypting the OAuth settings"))?;
        header.extend_from_slice(&ciphertext);
        Ok(header)
    }
}

/// Decrypts a file image written by [`seal`] for the same binding.
pub fn open(binding: &StoreBinding, bytes: &[u8]) -> Result<Result<StoredTokens, FormatError>> {
    let source = binding.key.as_ref().ok_or_else(no_key_error)?;
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Ok(Err(if MAGIC.starts_with(bytes) {
            FormatError::Truncated
        } else {
            FormatError::NotOurs
        }));
    }
    // The version byte is checked before the length, so a future format may change the layout.
    match bytes.get(MAGIC.len()) {
        None => return Ok(Err(FormatError::Truncated)),
        Some(&v) if v != VERSION => return Ok(Err(FormatError::FutureVersion(v))),
        Some(_) => {}
    }
    if bytes.len() < HEADER_LEN + TAG_LEN {
        return Ok(Err(FormatError::Truncated));
    }
    let (header, ciphertext) = bytes.split_at(HEADER_LEN);
    let kdf = header[KDF_AT];
    if kdf != file_key::KDF_HKDF_CLIENT_SECRET && kdf != file_key::KDF_ARGON2ID_PASSPHRASE {
        return Ok(Err(FormatError::UnknownKdf(kdf)));
    }
    if header[CLIENT_FP_AT..CLIENT_FP_AT + FP_LEN] != client_fingerprint(&binding.client_id) {
        return Ok(Err(FormatError::ForeignClient));
    }
    if header[URL_FP_AT..URL_FP_AT + FP_LEN] != url_fingerprint(&binding.token_url) {
        return Ok(Err(FormatError::ForeignTokenUrl));
    }
    if kdf != source.kdf_id() {
        return Ok(Err(FormatError::OtherKeySource(kdf)));
    }
    let param = |i: usize| {
        let at = PARAMS_AT + 4 * i;
        u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let params = Argon2Params {
        m_cost_kib: param(0),
        t_cost: param(1),
        p_cost: param(2),
    };
    if !params.readable_for(kdf) {
        return Ok(Err(FormatError::Truncated));
    }
    let salt = &header[SALT_AT..SALT_AT + SALT_LEN];
    let key = file_key::derive(source, params, salt)?;
    if header[CHECK_AT..CHECK_AT + KEY_CHECK_LEN] != key.check {
        return Ok(Err(FormatError::WrongKey(kdf)));
    }
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&header[NONCE_AT..NONCE_AT + NONCE_LEN]);
    let aad = associated_data(header, binding);
    let Ok(mut plaintext) = XChaCha20Poly1305::new(&key.key.into()).decrypt(
        &XNonce::from(nonce),
        Payload {
            msg: ciphertext,
            aad: &aad,
        },
    ) else {
        return Ok(Err(FormatError::Tampered));
    };
    let tokens = StoredTokens::from_json(&plaintext).map_err(|_| FormatError::BadPlaintext);
    wipe(&mut plaintext);
    Ok(tokens)
}

/// Overwrites a plaintext buffer so the tokens do not linger in freed memory.
fn wipe(buf: &mut [u8]) {
    for b in buf.iter_mut() {
        *std::hint::black_box(b) = 0;
    }
}
