//! What went wrong, as kinds a program can match, one enum per layer, and the one table that
//! gives each kind its SQLSTATE ([`ErrorKind::sqlstate`]). A layer picks the kind that says what
//! happened; the SQLSTATE follows from it, so two sites cannot report the same failure with
//! different states. ODBC usage and data-conversion errors (the handles and the C ABI) are
//! identified by their SQLSTATE itself: at that layer the SQLSTATE is the kind.

use super::{state, SqlState};

/// Connecting: the connection string, its properties, the DSN, the profile (`connect`,
/// `profile`, `session`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConnectError {
    /// A property's value is not one it accepts.
    InvalidValue,
    /// The connection string (or ProfileSettings) does not parse.
    InvalidSyntax,
    /// The data source cannot be read.
    DataSource,
    /// The profile cannot be found, read or validated.
    Profile,
    /// A setting the profile or the auth scheme needs is missing, or the scheme is not accepted.
    MissingSetting,
    /// A file the connection names (CA certificate, log file) cannot be used.
    File,
}

/// Authenticating to the API (`auth`, and `rest` when the API refuses the credentials).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthError {
    /// The API or the token endpoint refused the credentials or the token (native code: the
    /// HTTP status).
    Rejected,
    /// There is no usable token: the user must authorize (run the flow, pass a token or code).
    AuthorizationNeeded,
    /// An OAuth flow failed: the browser, the loopback listener, state or issuer, consent.
    Flow,
    /// The OAuth application's configuration is incomplete or invalid (client, endpoints).
    Configuration,
    /// The token store cannot be used safely (permissions, symlinks, damage, a passphrase).
    TokenStore,
    /// The token endpoint could not be reached.
    Unreachable,
    /// The token endpoint or the token store's lock took longer than allowed. (No answer from
    /// the browser is a `Flow` failure: the user has to act, not wait longer.)
    Timeout,
}

/// Talking to the API (`http`, `rest`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiError {
    /// A URL the driver's rules refuse (plain http off this machine, another scheme, a bad base
    /// URL), or HTTP that cannot be set up (TLS, a CA file).
    Refused,
    /// The API could not be reached, the connection broke, or it kept failing (5xx, 429) past
    /// the retries (native code: the last HTTP status, if any).
    Unreachable,
    /// A response body past MaxResponseSize.
    TooLarge,
    /// A link or redirect that leaves the API's origin.
    OffOrigin,
    /// The transfer broke in a way a retry may mend: a body that is not JSON (cut short), a
    /// redirect to nowhere or in a loop.
    Broken,
    /// The API took longer than Timeout.
    Timeout,
    /// The API answered, but not with what the profile says it sends: an error status or body,
    /// no records where they should be, unreadable pagination, a failed report job (native
    /// code: the HTTP status, if any).
    Unexpected,
    /// A value in a record does not fit its column's declared type.
    BadValue,
    /// The API refused a write (a 4xx other than 401, 403 and 429): a value it does not
    /// accept, a record it does not have (native code: the HTTP status).
    WriteRefused,
}

/// Preparing and running SQL (`engine`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SqlError {
    /// The statement does not parse, or uses something the driver does not support.
    Syntax,
    /// A statement that would change data where nothing may be changed: ReadOnly, a table or
    /// column the API does not let change, a change the connection's limits stop.
    ReadOnly,
    /// A row a write cannot send: a required column without a value.
    Constraint,
    /// A write while SQL_AUTOCOMMIT is off: the APIs have no transactions to hold it in.
    NoTransactions,
    /// A table that does not exist.
    TableNotFound,
    /// A column that does not exist.
    ColumnNotFound,
    /// Nested or long past the documented limits.
    TooComplex,
    /// A stored procedure or its arguments are wrong.
    Procedure,
    /// The wrong number of parameter values.
    ParameterCount,
    /// A value that cannot be converted where the statement needs it.
    InvalidValue,
    /// A date or time text that is not valid.
    InvalidDatetime,
    /// A number out of its type's range.
    OutOfRange,
    /// Division by zero.
    DivisionByZero,
    /// Something the engine does not implement.
    NotImplemented,
    /// Running the statement failed for a reason the engine reports.
    Execution,
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An ODBC usage or data-conversion error, named by its SQLSTATE (`handles`, `api`).
    Odbc(SqlState),
    Connect(ConnectError),
    Auth(AuthError),
    Api(ApiError),
    Sql(SqlError),
}

impl ErrorKind {
    /// The SQLSTATE a client sees for this kind: the one mapping.
    pub fn sqlstate(self) -> SqlState {
        match self {
            ErrorKind::Odbc(state) => state,
            ErrorKind::Connect(_) => state::UNABLE_TO_CONNECT,
            ErrorKind::Auth(kind) => match kind {
                AuthError::Unreachable => state::COMMUNICATION_LINK_FAILURE,
                AuthError::Timeout => state::TIMEOUT_EXPIRED,
                AuthError::Rejected
                | AuthError::AuthorizationNeeded
                | AuthError::Flow
                | AuthError::Configuration
                | AuthError::TokenStore => state::INVALID_AUTHORIZATION,
            },
            ErrorKind::Api(kind) => match kind {
                ApiError::Refused => state::UNABLE_TO_CONNECT,
                ApiError::Unreachable
                | ApiError::TooLarge
                | ApiError::OffOrigin
                | ApiError::Broken => state::COMMUNICATION_LINK_FAILURE,
                ApiError::Timeout => state::TIMEOUT_EXPIRED,
                ApiError::Unexpected => state::GENERAL_ERROR,
                ApiError::BadValue => state::INVALID_CHARACTER_VALUE,
                ApiError::WriteRefused => state::INTEGRITY_CONSTRAINT_VIOLATION,
            },
            ErrorKind::Sql(kind) => match kind {
                SqlError::Syntax | SqlError::ReadOnly | SqlError::Procedure => state::SYNTAX_ERROR,
                SqlError::TableNotFound => state::TABLE_NOT_FOUND,
                SqlError::ColumnNotFound => state::COLUMN_NOT_FOUND,
                SqlError::TooComplex => state::STATEMENT_TOO_COMPLEX,
                SqlError::ParameterCount => state::WRONG_NUMBER_OF_PARAMETERS,
                SqlError::InvalidValue => state::INVALID_CHARACTER_VALUE,
                SqlError::InvalidDatetime => state::INVALID_DATETIME_FORMAT,
                SqlError::OutOfRange => state::NUMERIC_OUT_OF_RANGE,
                SqlError::DivisionByZero => state::DIVISION_BY_ZERO,
                SqlError::NotImplemented => state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                SqlError::Execution => state::GENERAL_ERROR,
                SqlError::Constraint => state::INTEGRITY_CONSTRAINT_VIOLATION,
                SqlError::NoTransactions => state::INVALID_TRANSACTION_STATE,
            },
        }
    }
}

impl From<SqlState> for ErrorKind {
    fn from(state: SqlState) -> ErrorKind {
        ErrorKind::Odbc(state)
    }
}

impl From<ConnectError> for ErrorKind {
    fn from(kind: ConnectError) -> ErrorKind {
        ErrorKind::Connect(kind)
    }
}

impl From<AuthError> for ErrorKind {
    fn from(kind: AuthError) -> ErrorKind {
        ErrorKind::Auth(kind)
    }
}

impl From<ApiError> for ErrorKind {
    fn from(kind: ApiError) -> ErrorKind {
        ErrorKind::Api(kind)
    }
}

impl From<SqlError> for ErrorKind {
    fn from(kind: SqlError) -> ErrorKind {
        ErrorKind::Sql(kind)
    }
}
