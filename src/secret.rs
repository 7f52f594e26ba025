//! `Secret`: a password, client secret, token, API key, code or verifier. It cannot be printed:
//! `Debug` and `Display` show a mask, so a secret that reaches a log line, a diagnostic or a panic
//! message by mistake shows up as `********`. Read the value only where it is sent over the wire.

use std::fmt;

/// Parts of a name that make its value secret wherever names are judged: connection properties
/// and profile settings ([`crate::connect::grammar::is_secret_name`]) and the keys the log's
/// redaction masks ([`crate::logging::redact`]). Each adds its own rules (`key`, `verifier`).
pub const SECRET_NAME_PARTS: [&str; 4] = ["token", "secret", "password", "passphrase"];

#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub const MASK: &'static str = "********";

    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Secret::MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Secret::MASK)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Overwrite the bytes so a freed secret does not linger in the heap for a core dump to show.
        let bytes = std::mem::take(&mut self.0).into_bytes();
        let mut bytes = bytes;
        for b in bytes.iter_mut() {
            // `black_box` keeps the compiler from treating the writes as dead stores.
            *std::hint::black_box(b) = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn secret_never_prints_its_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "******** ********");
        assert_eq!(s.expose(), "hunter2");
    }
}
