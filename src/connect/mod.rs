//! Connecting, up to the point where a profile takes over: the connection-string grammar
//! (`grammar`), DSN lookup in odbc.ini (`dsn`), every property declared once (`properties`, with
//! the value types of `values` and `profile_settings`) and reading a whole string into typed,
//! validated settings (`settings`). It
//! performs no network I/O and knows no profile; it must not decide which auth schemes a profile
//! accepts.

pub mod dsn;
pub mod grammar;
mod profile_settings;
mod properties;
pub mod settings;
mod values;

pub use grammar::Attributes;
pub use settings::Warning;
pub use values::{RateLimitSharing, WriteErrors};

#[cfg(test)]
mod tests;
