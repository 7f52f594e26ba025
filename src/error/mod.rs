//! The crate-wide error: a kind ([`ErrorKind`], one enum per layer, each with its SQLSTATE from one
//! table), a native code (the HTTP status or the like, where one exists) and a message that tells
//! the user what to do next. Every layer returns it; `handles/` turns it into a diagnostic record.
//! The driver's `[apiodbc]` prefix is added here, in [`prefixed`], and nowhere else. Messages
//! never contain secrets.

mod kind;

pub use kind::{ApiError, AuthError, ConnectError, ErrorKind, SqlError};

use std::fmt;

/// A five-character SQLSTATE such as `42S02`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SqlState(pub [u8; 5]);

impl SqlState {
    pub const fn new(code: &str) -> SqlState {
        let b = code.as_bytes();
        SqlState([b[0], b[1], b[2], b[3], b[4]])
    }
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("HY000")
    }
}

impl fmt::Debug for SqlState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for SqlState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// SQLSTATEs the driver reports. Names follow the ODBC specification's wording.
pub mod state {
    use super::SqlState;
    pub const GENERAL_WARNING: SqlState = SqlState::new("01000");
    pub const STRING_TRUNCATED: SqlState = SqlState::new("01004");
    pub const INVALID_CONNECTION_STRING_ATTRIBUTE: SqlState = SqlState::new("01S00");
    pub const OPTION_VALUE_CHANGED: SqlState = SqlState::new("01S02");
    pub const FETCH_BEFORE_FIRST_ROWSET: SqlState = SqlState::new("01S06");
    pub const WRONG_NUMBER_OF_PARAMETERS: SqlState = SqlState::new("07002");
    pub const RESTRICTED_DATA_TYPE: SqlState = SqlState::new("07006");
    pub const INVALID_DESCRIPTOR_INDEX: SqlState = SqlState::new("07009");
    pub const UNABLE_TO_CONNECT: SqlState = SqlState::new("08001");
    pub const CONNECTION_IN_USE: SqlState = SqlState::new("08002");
    pub const CONNECTION_NOT_OPEN: SqlState = SqlState::new("08003");
    pub const COMMUNICATION_LINK_FAILURE: SqlState = SqlState::new("08S01");
    pub const INDICATOR_REQUIRED: SqlState = SqlState::new("22002");
    pub const NUMERIC_OUT_OF_RANGE: SqlState = SqlState::new("22003");
    pub const INVALID_DATETIME_FORMAT: SqlState = SqlState::new("22007");
    pub const DATETIME_OVERFLOW: SqlState = SqlState::new("22008");
    pub const DIVISION_BY_ZERO: SqlState = SqlState::new("22012");
    pub const INVALID_CHARACTER_VALUE: SqlState = SqlState::new("22018");
    pub const INVALID_CURSOR_STATE: SqlState = SqlState::new("24000");
    pub const INVALID_TRANSACTION_STATE: SqlState = SqlState::new("25000");
    pub const INTEGRITY_CONSTRAINT_VIOLATION: SqlState = SqlState::new("23000");
    pub const INVALID_AUTHORIZATION: SqlState = SqlState::new("28000");
    pub const INVALID_CURSOR_NAME: SqlState = SqlState::new("34000");
    pub const DUPLICATE_CURSOR_NAME: SqlState = SqlState::new("3C000");
    pub const SYNTAX_ERROR: SqlState = SqlState::new("42000");
    pub const TABLE_NOT_FOUND: SqlState = SqlState::new("42S02");
    pub const COLUMN_NOT_FOUND: SqlState = SqlState::new("42S22");
    pub const STATEMENT_TOO_COMPLEX: SqlState = SqlState::new("54001");
    pub const GENERAL_ERROR: SqlState = SqlState::new("HY000");
    pub const MEMORY_ALLOCATION: SqlState = SqlState::new("HY001");
    pub const INVALID_APP_BUFFER_TYPE: SqlState = SqlState::new("HY003");
    pub const OPERATION_CANCELLED: SqlState = SqlState::new("HY008");
    pub const NON_CHARACTER_DATA_IN_PIECES: SqlState = SqlState::new("HY019");
    pub const NULL_CONCATENATION: SqlState = SqlState::new("HY020");
    pub const INVALID_NULL_POINTER: SqlState = SqlState::new("HY009");
    pub const FUNCTION_SEQUENCE_ERROR: SqlState = SqlState::new("HY010");
    pub const INVALID_TRANSACTION_OPERATION: SqlState = SqlState::new("HY012");
    pub const CANNOT_MODIFY_IRD: SqlState = SqlState::new("HY016");
    pub const INVALID_USE_OF_AUTO_DESCRIPTOR: SqlState = SqlState::new("HY017");
    pub const INVALID_ATTRIBUTE_VALUE: SqlState = SqlState::new("HY024");
    pub const INVALID_STRING_OR_BUFFER_LENGTH: SqlState = SqlState::new("HY090");
    pub const INVALID_DESCRIPTOR_FIELD: SqlState = SqlState::new("HY091");
    pub const INVALID_ATTRIBUTE_IDENTIFIER: SqlState = SqlState::new("HY092");
    pub const INVALID_PARAMETER_TYPE: SqlState = SqlState::new("HY105");
    pub const FETCH_TYPE_OUT_OF_RANGE: SqlState = SqlState::new("HY106");
    pub const INVALID_PRECISION_OR_SCALE: SqlState = SqlState::new("HY104");
    pub const INFORMATION_TYPE_OUT_OF_RANGE: SqlState = SqlState::new("HY096");
    pub const OPTIONAL_FEATURE_NOT_IMPLEMENTED: SqlState = SqlState::new("HYC00");
    pub const TIMEOUT_EXPIRED: SqlState = SqlState::new("HYT00");
}

/// The prefix every message of the driver starts with, so a user can tell them from the driver
/// manager's and the application's.
pub const PREFIX: &str = "[apiodbc] ";

/// `message` with the driver's prefix: the one place it is added (errors, warnings, diagnostics).
pub fn prefixed(message: impl Into<String>) -> String {
    let message = message.into();
    if message.starts_with(PREFIX) {
        message
    } else {
        format!("{PREFIX}{message}")
    }
}

/// An error: what kind it is (which fixes the SQLSTATE a client sees), a native code and a
/// message that says what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    /// `kind`'s SQLSTATE, kept beside it for the code that reports it.
    pub state: SqlState,
    pub native: i32,
    pub message: String,
}

impl Error {
    pub fn new(kind: impl Into<ErrorKind>, message: impl Into<String>) -> Error {
        let kind = kind.into();
        Error {
            kind,
            state: kind.sqlstate(),
            native: 0,
            message: prefixed(message),
        }
    }

    /// HY000 for a failure that fits no other kind.
    pub fn general(message: impl Into<String>) -> Error {
        Error::new(state::GENERAL_ERROR, message)
    }

    /// The same error with a native code (the HTTP status of the response that caused it).
    pub fn with_native(mut self, native: i32) -> Error {
        self.native = native;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.state, self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_is_added_once() {
        let e = Error::new(ConnectError::InvalidValue, "Timeout has the value 'x'");
        assert_eq!(e.message, "[apiodbc] Timeout has the value 'x'");
        let again = Error::new(e.kind, e.message.clone());
        assert_eq!(again.message, e.message);
        assert_eq!(prefixed(""), "[apiodbc] ");
    }

    #[test]
    fn each_kind_has_its_sqlstate() {
        let cases: &[(ErrorKind, &str)] = &[
            (ConnectError::Profile.into(), "08001"),
            (AuthError::Rejected.into(), "28000"),
            (AuthError::Unreachable.into(), "08S01"),
            (AuthError::Timeout.into(), "HYT00"),
            (ApiError::Refused.into(), "08001"),
            (ApiError::Broken.into(), "08S01"),
            (ApiError::Unexpected.into(), "HY000"),
            (ApiError::BadValue.into(), "22018"),
            (SqlError::ReadOnly.into(), "42000"),
            (SqlError::Constraint.into(), "23000"),
            (SqlError::NoTransactions.into(), "25000"),
            (ApiError::WriteRefused.into(), "23000"),
            (SqlError::TableNotFound.into(), "42S02"),
            (SqlError::TooComplex.into(), "54001"),
            (state::FUNCTION_SEQUENCE_ERROR.into(), "HY010"),
        ];
        for (kind, want) in cases {
            let e = Error::new(*kind, "x");
            assert_eq!(
                (e.state.as_str(), kind.sqlstate().as_str()),
                (*want, *want),
                "{kind:?}"
            );
        }
        let rejected = Error::new(AuthError::Rejected, "refused").with_native(401);
        assert_eq!(rejected.native, 401);
    }
}
