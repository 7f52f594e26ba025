//! What SQLGetInfo answers are made of: the value with the width the specification gives its key,
//! and the facts of the connection that some answers depend on.

use super::super::connection::Connection;

/// A SQLGetInfo answer, tagged with the width the specification gives its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InfoValue {
    /// A character string (including "Y"/"N" answers).
    Text(String),
    /// SQLUSMALLINT.
    U16(u16),
    /// SQLUINTEGER, including every bitmask.
    U32(u32),
}

/// The per-connection facts SQLGetInfo needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InfoContext {
    /// Whether the connection is open. Before connect, connection-derived strings are empty.
    pub connected: bool,
    /// Whether INSERT, UPDATE and DELETE can run (`Connection::writable`).
    pub writable: bool,
    /// The DSN used to connect; empty when connected with `DRIVER=` only.
    pub data_source_name: String,
    /// The user name, or empty when the auth scheme has none.
    pub user_name: String,
    /// The profile name, or "apiodbc" when no profile is loaded.
    pub database_name: String,
    /// SQL_DBMS_VER, "##.##.####".
    pub dbms_ver: String,
    /// SQL_DRIVER_VER, "##.##.####" (see [`driver_version_string`]).
    pub driver_ver: String,
    /// SQL_STRING_FUNCTIONS bitmask from the escape translator.
    pub string_functions: u32,
    /// SQL_NUMERIC_FUNCTIONS bitmask from the escape translator.
    pub numeric_functions: u32,
    /// SQL_TIMEDATE_FUNCTIONS bitmask from the escape translator.
    pub timedate_functions: u32,
    /// SQL_SYSTEM_FUNCTIONS bitmask from the escape translator.
    pub system_functions: u32,
    /// SQL_CONVERT_FUNCTIONS bitmask from the escape translator.
    pub convert_functions: u32,
    /// SQL_TIMEDATE_ADD_INTERVALS bitmask from the escape translator.
    pub timedate_add_intervals: u32,
    /// SQL_TIMEDATE_DIFF_INTERVALS bitmask from the escape translator.
    pub timedate_diff_intervals: u32,
}

impl Connection {
    /// What SQLGetInfo's answers depend on for this connection.
    pub fn info_context(&self) -> InfoContext {
        let session = self.session().ok();
        let version = driver_version_string(env!("CARGO_PKG_VERSION"));
        InfoContext {
            connected: session.is_some(),
            writable: self.writable(),
            data_source_name: session.as_ref().map(|s| s.dsn.clone()).unwrap_or_default(),
            user_name: session
                .as_ref()
                .and_then(|s| s.settings.user.clone())
                .unwrap_or_default(),
            database_name: session
                .as_ref()
                .map(|s| s.engine.database_name().to_string())
                .unwrap_or_default(),
            dbms_ver: version.clone(),
            driver_ver: version,
            string_functions: super::functions::STRING_FUNCTIONS,
            numeric_functions: super::functions::NUMERIC_FUNCTIONS,
            timedate_functions: super::functions::TIMEDATE_FUNCTIONS,
            system_functions: super::functions::SYSTEM_FUNCTIONS,
            convert_functions: super::functions::CONVERT_FUNCTIONS,
            timedate_add_intervals: super::functions::TIMEDATE_ADD_INTERVALS,
            timedate_diff_intervals: super::functions::TIMEDATE_DIFF_INTERVALS,
        }
    }
}

/// The "##.##.####" form of a Cargo version: "0.1.0" → "00.01.0000", "1.12.3-beta" → "01.12.0003".
pub fn driver_version_string(pkg_version: &str) -> String {
    let mut parts = pkg_version.split(['.', '-', '+']).map(|p| {
        p.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse::<u32>()
            .unwrap_or(0)
    });
    let major = parts.next().unwrap_or(0).min(99);
    let minor = parts.next().unwrap_or(0).min(99);
    let patch = parts.next().unwrap_or(0).min(9999);
    format!("{major:02}.{minor:02}.{patch:04}")
}
