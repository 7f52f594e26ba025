//! Connecting, up to the point where a profile takes over: the connection-string grammar
//! (`grammar`), DSN lookup in odbc.ini (`dsn`) and typed, validated settings (`settings`). It
//! performs no network I/O and knows no profile; it must not decide which auth schemes a profile
//! accepts.

pub mod dsn;
pub mod grammar;
pub mod settings;

pub use grammar::Attributes;
pub use settings::Warning;
