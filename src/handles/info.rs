//! SQLGetInfo: what the driver and its data source can do, answered honestly for a read-only,
//! non-transactional driver over Apache DataFusion (PostgreSQL-like SQL), whose catalog has no
//! catalogs and two kinds of schema (`sys` and the profile's).
//!
//! BI tools fold queries according to these answers (odbc.md §8), so every bitmask claims only
//! what the engine does. Where an answer is not obvious, the comment next to it says why it holds.
//! The scalar-function bitmasks come from the escape translator and arrive in [`InfoContext`].
//!
//! [`get_info`] returns the value with the width the specification gives the key
//! ([`InfoValue::U16`] for SQLUSMALLINT, [`InfoValue::U32`] for SQLUINTEGER and bitmasks); the
//! caller writes exactly that width. `None` means the key is unknown to the driver (HY096). The
//! caller checks [`allowed_before_connect`] first and reports 08003 for other keys on a connection
//! that is not open.
//!
//! Constant values were checked against unixODBC's `sql.h` and `sqlext.h`.

use super::connection::Connection;
use crate::odbc::attributes::SQL_INSENSITIVE;
use crate::odbc::info::{
    SQL_ACCESSIBLE_PROCEDURES, SQL_ACCESSIBLE_TABLES, SQL_ACTIVE_ENVIRONMENTS, SQL_AF_ALL,
    SQL_AF_AVG, SQL_AF_COUNT, SQL_AF_DISTINCT, SQL_AF_MAX, SQL_AF_MIN, SQL_AF_SUM,
    SQL_AGGREGATE_FUNCTIONS, SQL_ALTER_DOMAIN, SQL_ALTER_TABLE, SQL_AM_NONE,
    SQL_ASYNC_DBC_FUNCTIONS, SQL_ASYNC_DBC_NOT_CAPABLE, SQL_ASYNC_MODE, SQL_ASYNC_NOTIFICATION,
    SQL_ASYNC_NOTIFICATION_NOT_CAPABLE, SQL_BATCH_ROW_COUNT, SQL_BATCH_SUPPORT,
    SQL_BOOKMARK_PERSISTENCE, SQL_CA1_NEXT, SQL_CA2_MAX_ROWS_SELECT, SQL_CA2_READ_ONLY_CONCURRENCY,
    SQL_CATALOG_LOCATION, SQL_CATALOG_NAME, SQL_CATALOG_NAME_SEPARATOR, SQL_CATALOG_TERM,
    SQL_CATALOG_USAGE, SQL_CB_NULL, SQL_CB_PRESERVE, SQL_CN_ANY, SQL_COLLATION_SEQ,
    SQL_COLUMN_ALIAS, SQL_CONCAT_NULL_BEHAVIOR, SQL_CONVERT_BIGINT, SQL_CONVERT_BINARY,
    SQL_CONVERT_BIT, SQL_CONVERT_CHAR, SQL_CONVERT_DATE, SQL_CONVERT_DECIMAL, SQL_CONVERT_DOUBLE,
    SQL_CONVERT_FLOAT, SQL_CONVERT_FUNCTIONS, SQL_CONVERT_GUID, SQL_CONVERT_INTEGER,
    SQL_CONVERT_INTERVAL_DAY_TIME, SQL_CONVERT_INTERVAL_YEAR_MONTH, SQL_CONVERT_LONGVARBINARY,
    SQL_CONVERT_LONGVARCHAR, SQL_CONVERT_NUMERIC, SQL_CONVERT_REAL, SQL_CONVERT_SMALLINT,
    SQL_CONVERT_TIME, SQL_CONVERT_TIMESTAMP, SQL_CONVERT_TINYINT, SQL_CONVERT_VARBINARY,
    SQL_CONVERT_VARCHAR, SQL_CONVERT_WCHAR, SQL_CONVERT_WLONGVARCHAR, SQL_CONVERT_WVARCHAR,
    SQL_CORRELATION_NAME, SQL_CREATE_ASSERTION, SQL_CREATE_CHARACTER_SET, SQL_CREATE_COLLATION,
    SQL_CREATE_DOMAIN, SQL_CREATE_SCHEMA, SQL_CREATE_TABLE, SQL_CREATE_TRANSLATION,
    SQL_CREATE_VIEW, SQL_CURSOR_COMMIT_BEHAVIOR, SQL_CURSOR_ROLLBACK_BEHAVIOR,
    SQL_CURSOR_SENSITIVITY, SQL_CVT_BIGINT, SQL_CVT_BINARY, SQL_CVT_BIT, SQL_CVT_CHAR,
    SQL_CVT_DATE, SQL_CVT_DECIMAL, SQL_CVT_DOUBLE, SQL_CVT_FLOAT, SQL_CVT_INTEGER,
    SQL_CVT_LONGVARBINARY, SQL_CVT_LONGVARCHAR, SQL_CVT_NUMERIC, SQL_CVT_REAL, SQL_CVT_SMALLINT,
    SQL_CVT_TIME, SQL_CVT_TIMESTAMP, SQL_CVT_TINYINT, SQL_CVT_VARBINARY, SQL_CVT_VARCHAR,
    SQL_CVT_WCHAR, SQL_CVT_WLONGVARCHAR, SQL_CVT_WVARCHAR, SQL_DATABASE_NAME, SQL_DATA_SOURCE_NAME,
    SQL_DATA_SOURCE_READ_ONLY, SQL_DATETIME_LITERALS, SQL_DBMS_NAME, SQL_DBMS_VER, SQL_DDL_INDEX,
    SQL_DEFAULT_TXN_ISOLATION, SQL_DESCRIBE_PARAMETER, SQL_DL_SQL92_DATE,
    SQL_DL_SQL92_INTERVAL_DAY, SQL_DL_SQL92_INTERVAL_HOUR, SQL_DL_SQL92_INTERVAL_MINUTE,
    SQL_DL_SQL92_INTERVAL_MONTH, SQL_DL_SQL92_INTERVAL_SECOND, SQL_DL_SQL92_INTERVAL_YEAR,
    SQL_DL_SQL92_TIME, SQL_DL_SQL92_TIMESTAMP, SQL_DM_VER, SQL_DRIVER_AWARE_POOLING_NOT_CAPABLE,
    SQL_DRIVER_AWARE_POOLING_SUPPORTED, SQL_DRIVER_HDBC, SQL_DRIVER_HDESC, SQL_DRIVER_HENV,
    SQL_DRIVER_HLIB, SQL_DRIVER_HSTMT, SQL_DRIVER_NAME, SQL_DRIVER_ODBC_VER, SQL_DRIVER_VER,
    SQL_DROP_ASSERTION, SQL_DROP_CHARACTER_SET, SQL_DROP_COLLATION, SQL_DROP_DOMAIN,
    SQL_DROP_SCHEMA, SQL_DROP_TABLE, SQL_DROP_TRANSLATION, SQL_DROP_VIEW, SQL_DTC_TRANSITION_COST,
    SQL_DYNAMIC_CURSOR_ATTRIBUTES1, SQL_DYNAMIC_CURSOR_ATTRIBUTES2, SQL_EXPRESSIONS_IN_ORDERBY,
    SQL_FD_FETCH_NEXT, SQL_FETCH_DIRECTION, SQL_FILE_NOT_SUPPORTED, SQL_FILE_USAGE,
    SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1, SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2,
    SQL_GB_GROUP_BY_CONTAINS_SELECT, SQL_GD_ANY_COLUMN, SQL_GD_ANY_ORDER, SQL_GD_BOUND,
    SQL_GETDATA_EXTENSIONS, SQL_GROUP_BY, SQL_IC_LOWER, SQL_IC_SENSITIVE, SQL_IDENTIFIER_CASE,
    SQL_IDENTIFIER_QUOTE_CHAR, SQL_IK_NONE, SQL_INDEX_KEYWORDS, SQL_INFO_SCHEMA_VIEWS,
    SQL_INSERT_STATEMENT, SQL_INTEGRITY, SQL_KEYSET_CURSOR_ATTRIBUTES1,
    SQL_KEYSET_CURSOR_ATTRIBUTES2, SQL_KEYWORDS, SQL_LIKE_ESCAPE_CLAUSE, SQL_LOCK_TYPES,
    SQL_MAX_ASYNC_CONCURRENT_STATEMENTS, SQL_MAX_BINARY_LITERAL_LEN, SQL_MAX_CATALOG_NAME_LEN,
    SQL_MAX_CHAR_LITERAL_LEN, SQL_MAX_COLUMNS_IN_GROUP_BY, SQL_MAX_COLUMNS_IN_INDEX,
    SQL_MAX_COLUMNS_IN_ORDER_BY, SQL_MAX_COLUMNS_IN_SELECT, SQL_MAX_COLUMNS_IN_TABLE,
    SQL_MAX_COLUMN_NAME_LEN, SQL_MAX_CONCURRENT_ACTIVITIES, SQL_MAX_CURSOR_NAME_LEN,
    SQL_MAX_DRIVER_CONNECTIONS, SQL_MAX_IDENTIFIER_LEN, SQL_MAX_INDEX_SIZE,
    SQL_MAX_PROCEDURE_NAME_LEN, SQL_MAX_ROW_SIZE, SQL_MAX_ROW_SIZE_INCLUDES_LONG,
    SQL_MAX_SCHEMA_NAME_LEN, SQL_MAX_STATEMENT_LEN, SQL_MAX_TABLES_IN_SELECT,
    SQL_MAX_TABLE_NAME_LEN, SQL_MAX_USER_NAME_LEN, SQL_MULTIPLE_ACTIVE_TXN, SQL_MULT_RESULT_SETS,
    SQL_NC_HIGH, SQL_NEED_LONG_DATA_LEN, SQL_NNC_NON_NULL, SQL_NON_NULLABLE_COLUMNS,
    SQL_NULL_COLLATION, SQL_NUMERIC_FUNCTIONS, SQL_OAC_LEVEL1, SQL_ODBC_API_CONFORMANCE,
    SQL_ODBC_INTERFACE_CONFORMANCE, SQL_ODBC_SAG_CLI_CONFORMANCE, SQL_ODBC_SQL_CONFORMANCE,
    SQL_ODBC_VER, SQL_OIC_CORE, SQL_OJ_ALL_COMPARISON_OPS, SQL_OJ_CAPABILITIES, SQL_OJ_FULL,
    SQL_OJ_INNER, SQL_OJ_LEFT, SQL_OJ_NESTED, SQL_OJ_NOT_ORDERED, SQL_OJ_RIGHT,
    SQL_ORDER_BY_COLUMNS_IN_SELECT, SQL_OSCC_NOT_COMPLIANT, SQL_OSC_CORE, SQL_OUTER_JOINS,
    SQL_PARAM_ARRAY_ROW_COUNTS, SQL_PARAM_ARRAY_SELECTS, SQL_PARC_NO_BATCH, SQL_PAS_NO_SELECT,
    SQL_POSITIONED_STATEMENTS, SQL_POS_OPERATIONS, SQL_PROCEDURES, SQL_PROCEDURE_TERM,
    SQL_QUOTED_IDENTIFIER_CASE, SQL_ROW_UPDATES, SQL_SCCO_READ_ONLY, SQL_SCC_XOPEN_CLI_VERSION1,
    SQL_SCHEMA_TERM, SQL_SCHEMA_USAGE, SQL_SCROLL_CONCURRENCY, SQL_SCROLL_OPTIONS,
    SQL_SC_SQL92_ENTRY, SQL_SDF_CURRENT_DATE, SQL_SDF_CURRENT_TIME, SQL_SDF_CURRENT_TIMESTAMP,
    SQL_SEARCH_PATTERN_ESCAPE, SQL_SERVER_NAME, SQL_SNVF_BIT_LENGTH, SQL_SNVF_CHARACTER_LENGTH,
    SQL_SNVF_CHAR_LENGTH, SQL_SNVF_EXTRACT, SQL_SNVF_OCTET_LENGTH, SQL_SNVF_POSITION,
    SQL_SO_FORWARD_ONLY, SQL_SPECIAL_CHARACTERS, SQL_SP_BETWEEN, SQL_SP_COMPARISON, SQL_SP_EXISTS,
    SQL_SP_IN, SQL_SP_ISNOTNULL, SQL_SP_ISNULL, SQL_SP_LIKE, SQL_SP_QUANTIFIED_COMPARISON,
    SQL_SQL92_DATETIME_FUNCTIONS, SQL_SQL92_FOREIGN_KEY_DELETE_RULE,
    SQL_SQL92_FOREIGN_KEY_UPDATE_RULE, SQL_SQL92_GRANT, SQL_SQL92_NUMERIC_VALUE_FUNCTIONS,
    SQL_SQL92_PREDICATES, SQL_SQL92_RELATIONAL_JOIN_OPERATORS, SQL_SQL92_REVOKE,
    SQL_SQL92_ROW_VALUE_CONSTRUCTOR, SQL_SQL92_STRING_FUNCTIONS, SQL_SQL92_VALUE_EXPRESSIONS,
    SQL_SQL_CONFORMANCE, SQL_SQ_COMPARISON, SQL_SQ_CORRELATED_SUBQUERIES, SQL_SQ_EXISTS, SQL_SQ_IN,
    SQL_SQ_QUANTIFIED, SQL_SRJO_CROSS_JOIN, SQL_SRJO_EXCEPT_JOIN, SQL_SRJO_FULL_OUTER_JOIN,
    SQL_SRJO_INNER_JOIN, SQL_SRJO_INTERSECT_JOIN, SQL_SRJO_LEFT_OUTER_JOIN, SQL_SRJO_NATURAL_JOIN,
    SQL_SRJO_RIGHT_OUTER_JOIN, SQL_SRVC_NULL, SQL_SRVC_VALUE_EXPRESSION, SQL_SSF_LOWER,
    SQL_SSF_SUBSTRING, SQL_SSF_TRIM_BOTH, SQL_SSF_TRIM_LEADING, SQL_SSF_TRIM_TRAILING,
    SQL_SSF_UPPER, SQL_STANDARD_CLI_CONFORMANCE, SQL_STATIC_CURSOR_ATTRIBUTES1,
    SQL_STATIC_CURSOR_ATTRIBUTES2, SQL_STATIC_SENSITIVITY, SQL_STRING_FUNCTIONS, SQL_SUBQUERIES,
    SQL_SU_DML_STATEMENTS, SQL_SVE_CASE, SQL_SVE_CAST, SQL_SVE_COALESCE, SQL_SVE_NULLIF,
    SQL_SYSTEM_FUNCTIONS, SQL_TABLE_TERM, SQL_TC_NONE, SQL_TIMEDATE_ADD_INTERVALS,
    SQL_TIMEDATE_DIFF_INTERVALS, SQL_TIMEDATE_FUNCTIONS, SQL_TXN_CAPABLE, SQL_TXN_ISOLATION_OPTION,
    SQL_UNION, SQL_USER_NAME, SQL_U_UNION, SQL_U_UNION_ALL, SQL_XOPEN_CLI_YEAR,
};

// ---------------------------------------------------------------------------------------------
// Information types (SQLUSMALLINT InfoType)
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Answer values
// ---------------------------------------------------------------------------------------------

// SQLUSMALLINT answers.

// SQLUINTEGER answers and bitmasks.

// SQL_CONVERT_* bitmasks: the target types CONVERT/CAST can produce.

// ---------------------------------------------------------------------------------------------
// Fixed answers
// ---------------------------------------------------------------------------------------------

/// SQL_DRIVER_NAME: the file name of the driver library.
pub const DRIVER_NAME: &str = "libapiodbc.so";
/// SQL_DBMS_NAME.
pub const DBMS_NAME: &str = "apiodbc";
/// SQL_DRIVER_ODBC_VER: the ODBC version the driver implements.
pub const DRIVER_ODBC_VER: &str = "03.80";
/// SQL_ODBC_VER (normally answered by the driver manager itself).
pub const ODBC_VER: &str = "03.80.0000";

/// SQL_GETDATA_EXTENSIONS. SQLGetData works on any column, in any order, and on bound columns.
/// SQL_GD_BLOCK is not claimed: it means SQLGetData on a row of a multi-row rowset after
/// positioning with SQLSetPos, and the driver does not implement SQLSetPos.
pub const GETDATA_EXTENSIONS: u32 = SQL_GD_ANY_COLUMN | SQL_GD_ANY_ORDER | SQL_GD_BOUND;

/// SQL_KEYWORDS: words the engine reserves beyond ODBC's own reserved-word list, so that
/// applications quote identifiers that collide with them.
pub const KEYWORDS: &str = "ANALYZE,ARRAY,COPY,EXCLUDE,EXPLAIN,FILTER,FOLLOWING,ILIKE,LIMIT,\
OFFSET,OVER,PARTITION,PRECEDING,QUALIFY,RANGE,RETURNING,ROWS,SIMILAR,STRUCT,UNBOUNDED,UNNEST,WINDOW";

// SQL_CONVERT_* groups. The engine has one string type, one binary type and one type per number
// kind, so every ODBC name of a kind converts alike. Conversions claimed are those the engine's
// CAST (Arrow's cast kernel) performs with SQL-92 meaning; numbers to dates (days since the epoch)
// are left out although the kernel does them, because CONVERT would not mean that.
const CVT_CHARS: u32 = SQL_CVT_CHAR
    | SQL_CVT_VARCHAR
    | SQL_CVT_LONGVARCHAR
    | SQL_CVT_WCHAR
    | SQL_CVT_WVARCHAR
    | SQL_CVT_WLONGVARCHAR;
const CVT_INTEGERS: u32 = SQL_CVT_TINYINT | SQL_CVT_SMALLINT | SQL_CVT_INTEGER | SQL_CVT_BIGINT;
const CVT_DECIMALS: u32 = SQL_CVT_NUMERIC | SQL_CVT_DECIMAL;
const CVT_FLOATS: u32 = SQL_CVT_REAL | SQL_CVT_FLOAT | SQL_CVT_DOUBLE;
const CVT_NUMBERS: u32 = CVT_INTEGERS | CVT_DECIMALS | CVT_FLOATS;
const CVT_BINARIES: u32 = SQL_CVT_BINARY | SQL_CVT_VARBINARY | SQL_CVT_LONGVARBINARY;
const CVT_DATETIMES: u32 = SQL_CVT_DATE | SQL_CVT_TIME | SQL_CVT_TIMESTAMP;

/// From text: to anything the engine parses from a string.
const CVT_FROM_CHARS: u32 = CVT_CHARS | CVT_NUMBERS | SQL_CVT_BIT | CVT_DATETIMES | CVT_BINARIES;
/// From integers and floats: to text, other numbers and BIT (non-zero is true).
const CVT_FROM_INTEGERS_FLOATS: u32 = CVT_CHARS | CVT_NUMBERS | SQL_CVT_BIT;
/// From DECIMAL: to text and numbers; the cast kernel has no decimal-to-boolean cast.
const CVT_FROM_DECIMALS: u32 = CVT_CHARS | CVT_NUMBERS;
/// From BIT: to text, integers and floats (0/1); no boolean-to-decimal cast.
const CVT_FROM_BIT: u32 = CVT_CHARS | CVT_INTEGERS | CVT_FLOATS | SQL_CVT_BIT;
const CVT_FROM_DATE: u32 = CVT_CHARS | SQL_CVT_DATE | SQL_CVT_TIMESTAMP;
const CVT_FROM_TIME: u32 = CVT_CHARS | SQL_CVT_TIME;
const CVT_FROM_TIMESTAMP: u32 = CVT_CHARS | CVT_DATETIMES;
/// From binary: to text (valid UTF-8 only) and binary.
const CVT_FROM_BINARIES: u32 = CVT_CHARS | CVT_BINARIES;

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

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
            string_functions: crate::engine::escape::STRING_FUNCTIONS,
            numeric_functions: crate::engine::escape::NUMERIC_FUNCTIONS,
            timedate_functions: crate::engine::escape::TIMEDATE_FUNCTIONS,
            system_functions: crate::engine::escape::SYSTEM_FUNCTIONS,
            convert_functions: crate::engine::escape::CONVERT_FUNCTIONS,
            timedate_add_intervals: crate::engine::escape::TIMEDATE_ADD_INTERVALS,
            timedate_diff_intervals: crate::engine::escape::TIMEDATE_DIFF_INTERVALS,
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

/// Whether SQLGetInfo may answer `info_type` on a connection that is not open: the driver-level
/// keys the Windows driver manager and some applications ask before connecting (odbc.md §8).
pub fn allowed_before_connect(info_type: u16) -> bool {
    matches!(
        info_type,
        SQL_DRIVER_ODBC_VER
            | SQL_DRIVER_NAME
            | SQL_DRIVER_VER
            | SQL_ODBC_VER
            | SQL_XOPEN_CLI_YEAR
            | SQL_DRIVER_AWARE_POOLING_SUPPORTED
            | SQL_ASYNC_DBC_FUNCTIONS
            | SQL_ASYNC_NOTIFICATION
            | SQL_ODBC_INTERFACE_CONFORMANCE
    )
}

fn text(s: &str) -> Option<InfoValue> {
    Some(InfoValue::Text(s.to_owned()))
}

fn yes(b: bool) -> Option<InfoValue> {
    text(if b { "Y" } else { "N" })
}

fn u16v(v: u16) -> Option<InfoValue> {
    Some(InfoValue::U16(v))
}

fn u32v(v: u32) -> Option<InfoValue> {
    Some(InfoValue::U32(v))
}

/// Answer SQLGetInfo for `info_type`, or `None` if the driver does not know the key (HY096).
pub fn get_info(info_type: u16, ctx: &InfoContext) -> Option<InfoValue> {
    let conn = |s: &str| -> Option<InfoValue> {
        if ctx.connected {
            text(s)
        } else {
            text("")
        }
    };
    match info_type {
        // ---- Driver information ------------------------------------------------------------
        SQL_DRIVER_NAME => text(DRIVER_NAME),
        SQL_DRIVER_VER => text(&ctx.driver_ver),
        SQL_DRIVER_ODBC_VER => text(DRIVER_ODBC_VER),
        SQL_ODBC_VER => text(ODBC_VER),
        SQL_DATA_SOURCE_NAME => conn(&ctx.data_source_name),
        // The driver has no server of its own; the profile's API is the "server".
        SQL_SERVER_NAME => conn(&ctx.database_name),
        SQL_DATABASE_NAME => conn(&ctx.database_name),
        SQL_USER_NAME => conn(&ctx.user_name),
        SQL_DBMS_NAME => text(DBMS_NAME),
        SQL_DBMS_VER => text(&ctx.dbms_ver),
        // The X/Open CLI specification the ODBC 3 interface follows.
        SQL_XOPEN_CLI_YEAR => text("1995"),
        // No limit on connections or on active statements per connection.
        SQL_MAX_DRIVER_CONNECTIONS => u16v(0),
        SQL_MAX_CONCURRENT_ACTIVITIES => u16v(0),
        // One driver ENV serves any number of DM ENVs (odbc.md §1): no limit.
        SQL_ACTIVE_ENVIRONMENTS => u16v(0),
        SQL_ASYNC_MODE => u32v(SQL_AM_NONE),
        SQL_MAX_ASYNC_CONCURRENT_STATEMENTS => u32v(0),
        SQL_ASYNC_DBC_FUNCTIONS => u32v(SQL_ASYNC_DBC_NOT_CAPABLE),
        SQL_ASYNC_NOTIFICATION => u32v(SQL_ASYNC_NOTIFICATION_NOT_CAPABLE),
        SQL_DRIVER_AWARE_POOLING_SUPPORTED => u32v(SQL_DRIVER_AWARE_POOLING_NOT_CAPABLE),
        SQL_FILE_USAGE => u16v(SQL_FILE_NOT_SUPPORTED),
        // Core is the lowest level ODBC 3 defines. The statement layer implements the function
        // set of odbc.md §9 (not data-at-execution parameters or SQLSetPos).
        SQL_ODBC_INTERFACE_CONFORMANCE => u32v(SQL_OIC_CORE),
        // ODBC 2 applications gate SQLGetData, SQLTables, SQLColumns and SQLGetTypeInfo on
        // level 1; all of those exist (SQLPutData/SQLParamData, also level 1, do not).
        SQL_ODBC_API_CONFORMANCE => u16v(SQL_OAC_LEVEL1),
        // The SELECT grammar covers ODBC 2 core (subqueries, set functions, full SELECT). The
        // DDL and DML of the minimum grammar do not apply to a read-only source.
        SQL_ODBC_SQL_CONFORMANCE => u16v(SQL_OSC_CORE),
        SQL_ODBC_SAG_CLI_CONFORMANCE => u16v(SQL_OSCC_NOT_COMPLIANT),
        SQL_STANDARD_CLI_CONFORMANCE => u32v(SQL_SCC_XOPEN_CLI_VERSION1),
        SQL_SQL_CONFORMANCE => u32v(SQL_SC_SQL92_ENTRY),
        SQL_GETDATA_EXTENSIONS => u32v(GETDATA_EXTENSIONS),
        // SQLDescribeParam is implemented.
        SQL_DESCRIBE_PARAMETER => yes(true),
        // Long data is never sent with SQLPutData's length up front.
        SQL_NEED_LONG_DATA_LEN => yes(false),
        // One statement yields one result set; SQLMoreResults returns SQL_NO_DATA.
        SQL_MULT_RESULT_SETS => yes(false),
        SQL_BATCH_SUPPORT => u32v(0),
        SQL_BATCH_ROW_COUNT => u32v(0),
        // Parameter arrays, if used, give one row count per set, and a result-set statement is not
        // run with an array of parameters.
        SQL_PARAM_ARRAY_ROW_COUNTS => u32v(SQL_PARC_NO_BATCH),
        SQL_PARAM_ARRAY_SELECTS => u32v(SQL_PAS_NO_SELECT),
        // Windows DTC only.
        SQL_DTC_TRANSITION_COST => u32v(0),
        // The driver manager answers these itself.
        SQL_DRIVER_HDBC | SQL_DRIVER_HENV | SQL_DRIVER_HSTMT | SQL_DRIVER_HLIB
        | SQL_DRIVER_HDESC | SQL_DM_VER => None,

        // ---- Data source information ---------------------------------------------------------
        // The OAuth procedures are local and callable by anyone.
        SQL_ACCESSIBLE_PROCEDURES => yes(true),
        // SQLTables lists every table the profile defines, but the API account may lack the
        // permission or scope to read some of them, so SELECT is not guaranteed.
        SQL_ACCESSIBLE_TABLES => yes(false),
        SQL_DATA_SOURCE_READ_ONLY => yes(true),
        // No transactions: SQLEndTran is a no-op and cursors survive it.
        SQL_TXN_CAPABLE => u16v(SQL_TC_NONE),
        SQL_DEFAULT_TXN_ISOLATION => u32v(0),
        SQL_TXN_ISOLATION_OPTION => u32v(0),
        SQL_CURSOR_COMMIT_BEHAVIOR | SQL_CURSOR_ROLLBACK_BEHAVIOR => u16v(SQL_CB_PRESERVE),
        // Connections are independent; with no transactions none can block another.
        SQL_MULTIPLE_ACTIVE_TXN => yes(true),
        SQL_SCROLL_OPTIONS => u32v(SQL_SO_FORWARD_ONLY),
        SQL_SCROLL_CONCURRENCY => u32v(SQL_SCCO_READ_ONLY),
        SQL_FETCH_DIRECTION => u32v(SQL_FD_FETCH_NEXT),
        // No cursor can change data, so none can see another's changes.
        SQL_CURSOR_SENSITIVITY => u32v(SQL_INSENSITIVE as u32),
        SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1 => u32v(SQL_CA1_NEXT),
        // SQL_ATTR_MAX_ROWS limits SELECT results (odbc.md §9).
        SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2 => {
            u32v(SQL_CA2_READ_ONLY_CONCURRENCY | SQL_CA2_MAX_ROWS_SELECT)
        }
        SQL_STATIC_CURSOR_ATTRIBUTES1
        | SQL_STATIC_CURSOR_ATTRIBUTES2
        | SQL_DYNAMIC_CURSOR_ATTRIBUTES1
        | SQL_DYNAMIC_CURSOR_ATTRIBUTES2
        | SQL_KEYSET_CURSOR_ATTRIBUTES1
        | SQL_KEYSET_CURSOR_ATTRIBUTES2 => u32v(0),
        SQL_STATIC_SENSITIVITY
        | SQL_BOOKMARK_PERSISTENCE
        | SQL_LOCK_TYPES
        | SQL_POS_OPERATIONS
        | SQL_POSITIONED_STATEMENTS => u32v(0),
        SQL_ROW_UPDATES => yes(false),
        // EXEC, CALL and {call}; listed by SQLProcedures.
        SQL_PROCEDURES => yes(true),
        SQL_TABLE_TERM => text("table"),
        SQL_SCHEMA_TERM => text("schema"),
        SQL_PROCEDURE_TERM => text("procedure"),
        // "%" and "_" in catalog-function patterns are escaped with a backslash.
        SQL_SEARCH_PATTERN_ESCAPE => text("\\"),
        // The engine orders strings by Unicode code point (byte order of UTF-8), the SQL
        // standard's UCS_BASIC collation.
        SQL_COLLATION_SEQ => text("UCS_BASIC"),
        // ASC puts NULLs last and DESC puts them first: NULLs sort as the highest value.
        SQL_NULL_COLLATION => u16v(SQL_NC_HIGH),
        // `'a' || NULL` is NULL in the engine.
        SQL_CONCAT_NULL_BEHAVIOR => u16v(SQL_CB_NULL),

        // ---- Catalogs and schemas --------------------------------------------------------------
        // Catalogs are not supported: names have at most two parts, schema.table.
        SQL_CATALOG_NAME => yes(false),
        SQL_CATALOG_USAGE => u32v(0),
        SQL_CATALOG_TERM => text(""),
        SQL_CATALOG_NAME_SEPARATOR => text(""),
        SQL_CATALOG_LOCATION => u16v(0),
        // Schema-qualified table names (`sys.sys_tables`, `pipedrive.deals`) work in SELECT, the
        // only statement there is; procedures are called by their bare names.
        SQL_SCHEMA_USAGE => u32v(SQL_SU_DML_STATEMENTS),

        // ---- Identifiers -------------------------------------------------------------------------
        SQL_IDENTIFIER_QUOTE_CHAR => text("\""),
        // The engine folds unquoted identifiers to lower case (DataFusion's
        // enable_ident_normalization, on by default) and keeps quoted ones exactly.
        SQL_IDENTIFIER_CASE => u16v(SQL_IC_LOWER),
        SQL_QUOTED_IDENTIFIER_CASE => u16v(SQL_IC_SENSITIVE),
        // The engine's PostgreSQL-like tokenizer also takes `$` inside an unquoted identifier
        // (and any non-ASCII letter, which ODBC does not count as special).
        SQL_SPECIAL_CHARACTERS => text("$"),
        SQL_KEYWORDS => text(KEYWORDS),

        // ---- Limits ------------------------------------------------------------------------------
        // The engine puts no limit on names, statements, rows or column counts: 0 = no limit.
        // Catalogs, cursor names (no SQLSetCursorName) and indexes do not exist: 0 as well.
        SQL_MAX_COLUMN_NAME_LEN
        | SQL_MAX_CURSOR_NAME_LEN
        | SQL_MAX_SCHEMA_NAME_LEN
        | SQL_MAX_CATALOG_NAME_LEN
        | SQL_MAX_TABLE_NAME_LEN
        | SQL_MAX_PROCEDURE_NAME_LEN
        | SQL_MAX_USER_NAME_LEN
        | SQL_MAX_COLUMNS_IN_GROUP_BY
        | SQL_MAX_COLUMNS_IN_INDEX
        | SQL_MAX_COLUMNS_IN_ORDER_BY
        | SQL_MAX_COLUMNS_IN_SELECT
        | SQL_MAX_COLUMNS_IN_TABLE
        | SQL_MAX_TABLES_IN_SELECT => u16v(0),
        // Unlike the other lengths this key has no "0 = no limit" meaning, so report the SQL-92
        // intermediate-level figure; every name of up to 128 characters works.
        SQL_MAX_IDENTIFIER_LEN => u16v(128),
        SQL_MAX_ROW_SIZE
        | SQL_MAX_STATEMENT_LEN
        | SQL_MAX_CHAR_LITERAL_LEN
        | SQL_MAX_BINARY_LITERAL_LEN
        | SQL_MAX_INDEX_SIZE => u32v(0),
        SQL_MAX_ROW_SIZE_INCLUDES_LONG => yes(false),

        // ---- SQL grammar ---------------------------------------------------------------------------
        SQL_COLUMN_ALIAS => yes(true),
        SQL_CORRELATION_NAME => u16v(SQL_CN_ANY),
        SQL_EXPRESSIONS_IN_ORDERBY => yes(true),
        // ORDER BY may name columns that are not selected (except with DISTINCT).
        SQL_ORDER_BY_COLUMNS_IN_SELECT => yes(false),
        // Every non-aggregated selected column must be grouped; GROUP BY may hold more.
        SQL_GROUP_BY => u16v(SQL_GB_GROUP_BY_CONTAINS_SELECT),
        SQL_OUTER_JOINS => yes(true),
        // LEFT/RIGHT/FULL, nestable, ON columns in any order, inner joins inside outer joins,
        // and any comparison in ON (non-equi joins run as nested-loop joins).
        SQL_OJ_CAPABILITIES => u32v(
            SQL_OJ_LEFT
                | SQL_OJ_RIGHT
                | SQL_OJ_FULL
                | SQL_OJ_NESTED
                | SQL_OJ_NOT_ORDERED
                | SQL_OJ_INNER
                | SQL_OJ_ALL_COMPARISON_OPS,
        ),
        // CROSS, INNER, LEFT/RIGHT/FULL OUTER, NATURAL joins and the EXCEPT and INTERSECT set
        // operators. No CORRESPONDING, no UNION JOIN.
        SQL_SQL92_RELATIONAL_JOIN_OPERATORS => u32v(
            SQL_SRJO_CROSS_JOIN
                | SQL_SRJO_EXCEPT_JOIN
                | SQL_SRJO_FULL_OUTER_JOIN
                | SQL_SRJO_INNER_JOIN
                | SQL_SRJO_INTERSECT_JOIN
                | SQL_SRJO_LEFT_OUTER_JOIN
                | SQL_SRJO_NATURAL_JOIN
                | SQL_SRJO_RIGHT_OUTER_JOIN,
        ),
        // Scalar, EXISTS, IN and ANY/ALL subqueries, correlated ones decorrelated by the planner.
        SQL_SUBQUERIES => u32v(
            SQL_SQ_COMPARISON
                | SQL_SQ_EXISTS
                | SQL_SQ_IN
                | SQL_SQ_QUANTIFIED
                | SQL_SQ_CORRELATED_SUBQUERIES,
        ),
        SQL_UNION => u32v(SQL_U_UNION | SQL_U_UNION_ALL),
        // No MATCH, OVERLAPS or UNIQUE predicates.
        SQL_SQL92_PREDICATES => u32v(
            SQL_SP_EXISTS
                | SQL_SP_ISNOTNULL
                | SQL_SP_ISNULL
                | SQL_SP_LIKE
                | SQL_SP_IN
                | SQL_SP_BETWEEN
                | SQL_SP_COMPARISON
                | SQL_SP_QUANTIFIED_COMPARISON,
        ),
        // `LIKE 'a\_%' ESCAPE '\'` works.
        SQL_LIKE_ESCAPE_CLAUSE => yes(true),
        SQL_SQL92_VALUE_EXPRESSIONS => {
            u32v(SQL_SVE_CASE | SQL_SVE_CAST | SQL_SVE_COALESCE | SQL_SVE_NULLIF)
        }
        // VALUES (expr, NULL) works; DEFAULT needs INSERT.
        SQL_SQL92_ROW_VALUE_CONSTRUCTOR => u32v(SQL_SRVC_VALUE_EXPRESSION | SQL_SRVC_NULL),
        // LOWER, UPPER, SUBSTRING(x FROM a FOR b) and TRIM(BOTH|LEADING|TRAILING ...). No
        // CONVERT(x USING ...) or TRANSLATE(x USING ...).
        SQL_SQL92_STRING_FUNCTIONS => u32v(
            SQL_SSF_LOWER
                | SQL_SSF_UPPER
                | SQL_SSF_SUBSTRING
                | SQL_SSF_TRIM_BOTH
                | SQL_SSF_TRIM_LEADING
                | SQL_SSF_TRIM_TRAILING,
        ),
        SQL_SQL92_NUMERIC_VALUE_FUNCTIONS => u32v(
            SQL_SNVF_BIT_LENGTH
                | SQL_SNVF_CHAR_LENGTH
                | SQL_SNVF_CHARACTER_LENGTH
                | SQL_SNVF_EXTRACT
                | SQL_SNVF_OCTET_LENGTH
                | SQL_SNVF_POSITION,
        ),
        SQL_SQL92_DATETIME_FUNCTIONS => {
            u32v(SQL_SDF_CURRENT_DATE | SQL_SDF_CURRENT_TIME | SQL_SDF_CURRENT_TIMESTAMP)
        }
        // DATE, TIME and TIMESTAMP literals, and single-field intervals; the engine rejects
        // `INTERVAL '1-2' YEAR TO MONTH` and the other two-field forms.
        SQL_DATETIME_LITERALS => u32v(
            SQL_DL_SQL92_DATE
                | SQL_DL_SQL92_TIME
                | SQL_DL_SQL92_TIMESTAMP
                | SQL_DL_SQL92_INTERVAL_YEAR
                | SQL_DL_SQL92_INTERVAL_MONTH
                | SQL_DL_SQL92_INTERVAL_DAY
                | SQL_DL_SQL92_INTERVAL_HOUR
                | SQL_DL_SQL92_INTERVAL_MINUTE
                | SQL_DL_SQL92_INTERVAL_SECOND,
        ),
        SQL_AGGREGATE_FUNCTIONS => u32v(
            SQL_AF_AVG
                | SQL_AF_COUNT
                | SQL_AF_MAX
                | SQL_AF_MIN
                | SQL_AF_SUM
                | SQL_AF_DISTINCT
                | SQL_AF_ALL,
        ),
        // Declared NOT NULL columns exist (SQLColumns reports them) though there is no DDL.
        SQL_NON_NULLABLE_COLUMNS => u16v(SQL_NNC_NON_NULL),
        // No referential integrity facility.
        SQL_INTEGRITY => yes(false),
        // The engine's information_schema is not advertised: it is not the SQL-92 set of views.
        SQL_INFO_SCHEMA_VIEWS => u32v(0),

        // ---- Read-only: no DDL, DML or privileges ----------------------------------------------
        SQL_ALTER_DOMAIN
        | SQL_ALTER_TABLE
        | SQL_CREATE_ASSERTION
        | SQL_CREATE_CHARACTER_SET
        | SQL_CREATE_COLLATION
        | SQL_CREATE_DOMAIN
        | SQL_CREATE_SCHEMA
        | SQL_CREATE_TABLE
        | SQL_CREATE_TRANSLATION
        | SQL_CREATE_VIEW
        | SQL_DROP_ASSERTION
        | SQL_DROP_CHARACTER_SET
        | SQL_DROP_COLLATION
        | SQL_DROP_DOMAIN
        | SQL_DROP_SCHEMA
        | SQL_DROP_TABLE
        | SQL_DROP_TRANSLATION
        | SQL_DROP_VIEW
        | SQL_DDL_INDEX
        | SQL_INSERT_STATEMENT
        | SQL_SQL92_FOREIGN_KEY_DELETE_RULE
        | SQL_SQL92_FOREIGN_KEY_UPDATE_RULE
        | SQL_SQL92_GRANT
        | SQL_SQL92_REVOKE => u32v(0),
        SQL_INDEX_KEYWORDS => u32v(SQL_IK_NONE),

        // ---- Scalar functions (from the escape translator) -------------------------------------
        SQL_STRING_FUNCTIONS => u32v(ctx.string_functions),
        SQL_NUMERIC_FUNCTIONS => u32v(ctx.numeric_functions),
        SQL_TIMEDATE_FUNCTIONS => u32v(ctx.timedate_functions),
        SQL_SYSTEM_FUNCTIONS => u32v(ctx.system_functions),
        SQL_CONVERT_FUNCTIONS => u32v(ctx.convert_functions),
        SQL_TIMEDATE_ADD_INTERVALS => u32v(ctx.timedate_add_intervals),
        SQL_TIMEDATE_DIFF_INTERVALS => u32v(ctx.timedate_diff_intervals),

        // ---- CONVERT: which target types each source type converts to --------------------------
        SQL_CONVERT_CHAR
        | SQL_CONVERT_VARCHAR
        | SQL_CONVERT_LONGVARCHAR
        | SQL_CONVERT_WCHAR
        | SQL_CONVERT_WVARCHAR
        | SQL_CONVERT_WLONGVARCHAR => u32v(CVT_FROM_CHARS),
        SQL_CONVERT_TINYINT | SQL_CONVERT_SMALLINT | SQL_CONVERT_INTEGER | SQL_CONVERT_BIGINT
        | SQL_CONVERT_REAL | SQL_CONVERT_FLOAT | SQL_CONVERT_DOUBLE => {
            u32v(CVT_FROM_INTEGERS_FLOATS)
        }
        SQL_CONVERT_DECIMAL | SQL_CONVERT_NUMERIC => u32v(CVT_FROM_DECIMALS),
        SQL_CONVERT_BIT => u32v(CVT_FROM_BIT),
        SQL_CONVERT_DATE => u32v(CVT_FROM_DATE),
        SQL_CONVERT_TIME => u32v(CVT_FROM_TIME),
        SQL_CONVERT_TIMESTAMP => u32v(CVT_FROM_TIMESTAMP),
        SQL_CONVERT_BINARY | SQL_CONVERT_VARBINARY | SQL_CONVERT_LONGVARBINARY => {
            u32v(CVT_FROM_BINARIES)
        }
        // The driver has no GUID or interval columns.
        SQL_CONVERT_GUID | SQL_CONVERT_INTERVAL_DAY_TIME | SQL_CONVERT_INTERVAL_YEAR_MONTH => {
            u32v(0)
        }

        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odbc::info::{SQL_CVT_GUID, SQL_CVT_INTERVAL_DAY_TIME};

    fn ctx() -> InfoContext {
        InfoContext {
            connected: true,
            data_source_name: "PipedriveDSN".into(),
            user_name: "alice".into(),
            database_name: "pipedrive".into(),
            dbms_ver: "00.01.0000".into(),
            driver_ver: driver_version_string("0.1.0"),
            string_functions: 0x11,
            numeric_functions: 0x22,
            timedate_functions: 0x33,
            system_functions: 0x4,
            convert_functions: 0x2,
            timedate_add_intervals: 0x1ff,
            timedate_diff_intervals: 0x1fe,
        }
    }

    fn get(key: u16) -> InfoValue {
        get_info(key, &ctx()).expect("key answered")
    }

    fn text_of(key: u16) -> String {
        match get(key) {
            InfoValue::Text(s) => s,
            other => panic!("key {key}: expected text, got {other:?}"),
        }
    }

    #[test]
    fn key_strings() {
        assert_eq!(text_of(SQL_DRIVER_NAME), "libapiodbc.so");
        assert_eq!(text_of(SQL_DRIVER_ODBC_VER), "03.80");
        assert_eq!(text_of(SQL_ODBC_VER), "03.80.0000");
        assert_eq!(text_of(SQL_DRIVER_VER), "00.01.0000");
        assert_eq!(text_of(SQL_DBMS_NAME), "apiodbc");
        assert_eq!(text_of(SQL_DBMS_VER), "00.01.0000");
        assert_eq!(text_of(SQL_XOPEN_CLI_YEAR), "1995");
        assert_eq!(text_of(SQL_DATA_SOURCE_NAME), "PipedriveDSN");
        assert_eq!(text_of(SQL_DATABASE_NAME), "pipedrive");
        assert_eq!(text_of(SQL_USER_NAME), "alice");
        assert_eq!(text_of(SQL_IDENTIFIER_QUOTE_CHAR), "\"");
        assert_eq!(text_of(SQL_SEARCH_PATTERN_ESCAPE), "\\");
        assert_eq!(text_of(SQL_DATA_SOURCE_READ_ONLY), "Y");
        assert_eq!(text_of(SQL_DESCRIBE_PARAMETER), "Y");
        assert_eq!(text_of(SQL_NEED_LONG_DATA_LEN), "N");
        assert_eq!(text_of(SQL_CATALOG_NAME), "N");
        assert_eq!(text_of(SQL_CATALOG_TERM), "");
        assert_eq!(text_of(SQL_CATALOG_NAME_SEPARATOR), "");
        assert_eq!(text_of(SQL_SCHEMA_TERM), "schema");
        assert_eq!(text_of(SQL_TABLE_TERM), "table");
        assert_eq!(text_of(SQL_PROCEDURE_TERM), "procedure");
        assert_eq!(text_of(SQL_PROCEDURES), "Y");
        assert_eq!(text_of(SQL_MULT_RESULT_SETS), "N");
        assert_eq!(text_of(SQL_ORDER_BY_COLUMNS_IN_SELECT), "N");
        assert_eq!(text_of(SQL_OUTER_JOINS), "Y");
        assert_eq!(text_of(SQL_LIKE_ESCAPE_CLAUSE), "Y");
        assert!(text_of(SQL_KEYWORDS)
            .split(',')
            .all(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase())));
    }

    #[test]
    fn widths_follow_the_specification() {
        let u16_keys = [
            SQL_CURSOR_COMMIT_BEHAVIOR,
            SQL_CURSOR_ROLLBACK_BEHAVIOR,
            SQL_TXN_CAPABLE,
            SQL_IDENTIFIER_CASE,
            SQL_QUOTED_IDENTIFIER_CASE,
            SQL_MAX_COLUMN_NAME_LEN,
            SQL_MAX_TABLE_NAME_LEN,
            SQL_MAX_SCHEMA_NAME_LEN,
            SQL_MAX_CATALOG_NAME_LEN,
            SQL_MAX_IDENTIFIER_LEN,
            SQL_MAX_CONCURRENT_ACTIVITIES,
            SQL_MAX_DRIVER_CONNECTIONS,
            SQL_CATALOG_LOCATION,
            SQL_GROUP_BY,
            SQL_NULL_COLLATION,
            SQL_CONCAT_NULL_BEHAVIOR,
            SQL_CORRELATION_NAME,
            SQL_NON_NULLABLE_COLUMNS,
            SQL_FILE_USAGE,
            SQL_ODBC_API_CONFORMANCE,
            SQL_ODBC_SQL_CONFORMANCE,
            SQL_ACTIVE_ENVIRONMENTS,
        ];
        for key in u16_keys {
            assert!(
                matches!(get(key), InfoValue::U16(_)),
                "key {key} should be SQLUSMALLINT"
            );
        }
        let u32_keys = [
            SQL_GETDATA_EXTENSIONS,
            SQL_SCROLL_OPTIONS,
            SQL_CURSOR_SENSITIVITY,
            SQL_DEFAULT_TXN_ISOLATION,
            SQL_TXN_ISOLATION_OPTION,
            SQL_ODBC_INTERFACE_CONFORMANCE,
            SQL_SQL_CONFORMANCE,
            SQL_CATALOG_USAGE,
            SQL_SCHEMA_USAGE,
            SQL_OJ_CAPABILITIES,
            SQL_ASYNC_MODE,
            SQL_MAX_ASYNC_CONCURRENT_STATEMENTS,
            SQL_MAX_ROW_SIZE,
            SQL_MAX_STATEMENT_LEN,
            SQL_DATETIME_LITERALS,
            SQL_CONVERT_VARCHAR,
            SQL_CONVERT_FUNCTIONS,
            SQL_STRING_FUNCTIONS,
            SQL_TIMEDATE_ADD_INTERVALS,
            SQL_AGGREGATE_FUNCTIONS,
            SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1,
            SQL_STATIC_CURSOR_ATTRIBUTES1,
            SQL_PARAM_ARRAY_ROW_COUNTS,
            SQL_PARAM_ARRAY_SELECTS,
            SQL_BATCH_SUPPORT,
            SQL_SQL92_PREDICATES,
            SQL_SQL92_VALUE_EXPRESSIONS,
            SQL_INFO_SCHEMA_VIEWS,
            SQL_CREATE_TABLE,
            SQL_DROP_TABLE,
            SQL_ALTER_TABLE,
            SQL_INSERT_STATEMENT,
            SQL_POS_OPERATIONS,
        ];
        for key in u32_keys {
            assert!(
                matches!(get(key), InfoValue::U32(_)),
                "key {key} should be SQLUINTEGER"
            );
        }
    }

    #[test]
    fn key_numbers() {
        assert_eq!(get(SQL_TXN_CAPABLE), InfoValue::U16(SQL_TC_NONE));
        assert_eq!(
            get(SQL_CURSOR_COMMIT_BEHAVIOR),
            InfoValue::U16(SQL_CB_PRESERVE)
        );
        assert_eq!(get(SQL_CURSOR_ROLLBACK_BEHAVIOR), InfoValue::U16(2));
        assert_eq!(get(SQL_IDENTIFIER_CASE), InfoValue::U16(SQL_IC_LOWER));
        assert_eq!(
            get(SQL_QUOTED_IDENTIFIER_CASE),
            InfoValue::U16(SQL_IC_SENSITIVE)
        );
        assert_eq!(get(SQL_CATALOG_USAGE), InfoValue::U32(0));
        assert_eq!(get(SQL_SCHEMA_USAGE), InfoValue::U32(SQL_SU_DML_STATEMENTS));
        assert_eq!(get(SQL_SCROLL_OPTIONS), InfoValue::U32(SQL_SO_FORWARD_ONLY));
        assert_eq!(
            get(SQL_ODBC_INTERFACE_CONFORMANCE),
            InfoValue::U32(SQL_OIC_CORE)
        );
        assert_eq!(get(SQL_SQL_CONFORMANCE), InfoValue::U32(SQL_SC_SQL92_ENTRY));
        assert_eq!(get(SQL_ASYNC_MODE), InfoValue::U32(SQL_AM_NONE));
        assert_eq!(get(SQL_MAX_CONCURRENT_ACTIVITIES), InfoValue::U16(0));
        assert_eq!(get(SQL_GETDATA_EXTENSIONS), InfoValue::U32(0b1011));
        assert_eq!(get(SQL_OJ_CAPABILITIES), InfoValue::U32(0x7f));
        assert_eq!(
            get(SQL_GROUP_BY),
            InfoValue::U16(SQL_GB_GROUP_BY_CONTAINS_SELECT)
        );
        assert_eq!(get(SQL_STATIC_CURSOR_ATTRIBUTES2), InfoValue::U32(0));
        assert_eq!(
            get(SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1),
            InfoValue::U32(SQL_CA1_NEXT)
        );
        assert_eq!(get(SQL_STRING_FUNCTIONS), InfoValue::U32(0x11));
        assert_eq!(get(SQL_NUMERIC_FUNCTIONS), InfoValue::U32(0x22));
        assert_eq!(get(SQL_TIMEDATE_FUNCTIONS), InfoValue::U32(0x33));
        assert_eq!(get(SQL_SYSTEM_FUNCTIONS), InfoValue::U32(0x4));
        assert_eq!(get(SQL_CONVERT_FUNCTIONS), InfoValue::U32(0x2));
        assert_eq!(get(SQL_TIMEDATE_ADD_INTERVALS), InfoValue::U32(0x1ff));
        assert_eq!(get(SQL_TIMEDATE_DIFF_INTERVALS), InfoValue::U32(0x1fe));
        assert_eq!(get(SQL_MAX_IDENTIFIER_LEN), InfoValue::U16(128));
    }

    #[test]
    fn conversions_are_consistent() {
        let of = |key| match get(key) {
            InfoValue::U32(v) => v,
            other => panic!("{other:?}"),
        };
        // Text converts to every type the driver has; every type converts back to text.
        let all = of(SQL_CONVERT_WVARCHAR);
        for key in [
            SQL_CONVERT_BIGINT,
            SQL_CONVERT_INTEGER,
            SQL_CONVERT_DOUBLE,
            SQL_CONVERT_DECIMAL,
            SQL_CONVERT_BIT,
            SQL_CONVERT_DATE,
            SQL_CONVERT_TIME,
            SQL_CONVERT_TIMESTAMP,
            SQL_CONVERT_VARBINARY,
        ] {
            let v = of(key);
            assert_eq!(v & SQL_CVT_WVARCHAR, SQL_CVT_WVARCHAR, "key {key} to text");
            assert_eq!(v & !all, 0, "key {key} claims more than text does");
        }
        assert_eq!(of(SQL_CONVERT_DATE) & SQL_CVT_TIME, 0);
        assert_eq!(of(SQL_CONVERT_BIT) & SQL_CVT_DECIMAL, 0);
        assert_eq!(of(SQL_CONVERT_GUID), 0);
        assert_eq!(all & (SQL_CVT_GUID | SQL_CVT_INTERVAL_DAY_TIME), 0);
    }

    #[test]
    fn before_connect() {
        for key in [
            SQL_DRIVER_ODBC_VER,
            SQL_DRIVER_NAME,
            SQL_DRIVER_VER,
            SQL_ODBC_VER,
        ] {
            assert!(allowed_before_connect(key));
            let not_connected = InfoContext {
                connected: false,
                ..ctx()
            };
            assert!(get_info(key, &not_connected).is_some());
        }
        for key in [
            SQL_DBMS_VER,
            SQL_USER_NAME,
            SQL_DATA_SOURCE_NAME,
            SQL_TXN_CAPABLE,
        ] {
            assert!(!allowed_before_connect(key));
        }
        let not_connected = InfoContext {
            connected: false,
            ..ctx()
        };
        assert_eq!(
            get_info(SQL_USER_NAME, &not_connected),
            Some(InfoValue::Text(String::new()))
        );
    }

    #[test]
    fn unknown_and_driver_manager_keys() {
        for key in [
            SQL_DRIVER_HDBC,
            SQL_DRIVER_HENV,
            SQL_DRIVER_HSTMT,
            SQL_DRIVER_HLIB,
            SQL_DRIVER_HDESC,
            SQL_DM_VER,
            999,
            20000,
        ] {
            assert_eq!(get_info(key, &ctx()), None, "key {key}");
        }
    }

    #[test]
    fn bi_tool_keys_are_all_answered() {
        // odbc.md §8: the driver manager, pyodbc, Power BI and Tableau.
        let keys = [
            SQL_XOPEN_CLI_YEAR,
            SQL_DRIVER_ODBC_VER,
            SQL_DRIVER_NAME,
            SQL_DRIVER_VER,
            SQL_DESCRIBE_PARAMETER,
            SQL_NEED_LONG_DATA_LEN,
            SQL_CURSOR_COMMIT_BEHAVIOR,
            SQL_CURSOR_ROLLBACK_BEHAVIOR,
            SQL_DBMS_NAME,
            SQL_DBMS_VER,
            SQL_IDENTIFIER_QUOTE_CHAR,
            SQL_MAX_COLUMN_NAME_LEN,
            SQL_MAX_TABLE_NAME_LEN,
            SQL_MAX_SCHEMA_NAME_LEN,
            SQL_MAX_CATALOG_NAME_LEN,
            SQL_MAX_IDENTIFIER_LEN,
            SQL_CATALOG_NAME,
            SQL_SEARCH_PATTERN_ESCAPE,
            SQL_SPECIAL_CHARACTERS,
            SQL_GETDATA_EXTENSIONS,
            SQL_SQL_CONFORMANCE,
            SQL_CATALOG_USAGE,
            SQL_SCHEMA_USAGE,
            SQL_STRING_FUNCTIONS,
            SQL_NUMERIC_FUNCTIONS,
            SQL_TIMEDATE_FUNCTIONS,
            SQL_SYSTEM_FUNCTIONS,
            SQL_TIMEDATE_ADD_INTERVALS,
            SQL_TIMEDATE_DIFF_INTERVALS,
            SQL_DATETIME_LITERALS,
            SQL_SQL92_PREDICATES,
            SQL_SQL92_RELATIONAL_JOIN_OPERATORS,
            SQL_SQL92_STRING_FUNCTIONS,
            SQL_SQL92_NUMERIC_VALUE_FUNCTIONS,
            SQL_SQL92_DATETIME_FUNCTIONS,
            SQL_SQL92_VALUE_EXPRESSIONS,
            SQL_OJ_CAPABILITIES,
            SQL_CONVERT_BIGINT,
            SQL_CONVERT_WVARCHAR,
            SQL_CONVERT_FUNCTIONS,
        ];
        for key in keys {
            assert!(get_info(key, &ctx()).is_some(), "key {key}");
        }
    }

    #[test]
    fn every_info_type_in_the_headers_is_answered_except_dm_keys() {
        let answered = (0..=200u16)
            .chain([1750, 10000, 10001, 10002, 10003, 10004, 10005])
            .chain(10021..=10025)
            .filter(|k| get_info(*k, &ctx()).is_some())
            .count();
        // sql.h/sqlext.h define every number in 0..=173 as a key; all are answered but the six
        // the driver manager answers; plus 1750, 10000..=10005 and 10021..=10025.
        assert_eq!(answered, 174 - 6 + 1 + 6 + 5);
    }

    #[test]
    fn version_strings() {
        assert_eq!(driver_version_string("0.1.0"), "00.01.0000");
        assert_eq!(driver_version_string("1.12.3-beta.2"), "01.12.0003");
        assert_eq!(driver_version_string("garbage"), "00.00.0000");
        assert_eq!(driver_version_string("123.456.78901"), "99.99.9999");
    }
}
