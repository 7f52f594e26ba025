//! Authentication for the APIs a profile talks to: the auth schemes, the OAuth flows, the loopback
//! listener and browser launch of the desktop flow, and the token store that keeps what the flows
//! obtain between connections and processes. It knows nothing of SQL or ODBC: `session` calls into
//! it with typed settings and gets tokens, token sources or a `crate::error::Error` back.
//!
//! For now it holds the token store (docs/architecture.md decision 10, docs/reference/oauth.md §3–§5):
//! - [`tokens`]: what is stored — tokens, expiry, API base, pending authorization values;
//! - [`token_store`]: the store the flows use (`load`, `update`, `update_async`, `clear`) over a
//!   file or a process-wide `memory://name`;
//! - [`settings_file`]: the encrypted, versioned file format, and [`file_key`] its key;
//! - [`settings_path`]: the default file location;
//! - [`file_lock`]: the sidecar lock that serialises processes sharing one file;
//! - [`file_safety`]: what the file, its lock and its folder must be to be trusted;
//! - [`memory_store`]: the `memory://name` backend;
//! - [`oauth`]: the flows, with the system browser and the one-shot redirect listener of the
//!   desktop flow.

mod atomic_file;
pub mod file_key;
pub mod file_lock;
mod file_safety;
pub mod memory_store;
pub mod oauth;
pub mod settings_file;
pub mod settings_path;
pub mod token_store;
pub mod tokens;

#[cfg(test)]
mod tests;
