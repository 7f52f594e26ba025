//! Every SQLGetInfo answer: one entry per key (or per group of keys answered alike), with the
//! reason it holds written beside it. BI tools fold queries according to these answers, so every
//! bitmask claims only what the engine does. The answers that depend on the connection read its
//! [`InfoContext`]; nothing here computes.

use super::context::{InfoContext, InfoValue};
use super::conversions::{
    CVT_FROM_BINARIES, CVT_FROM_BIT, CVT_FROM_CHARS, CVT_FROM_DATE, CVT_FROM_DECIMALS,
    CVT_FROM_INTEGERS_FLOATS, CVT_FROM_TIME, CVT_FROM_TIMESTAMP,
};
use crate::odbc::attributes::SQL_INSENSITIVE;
use crate::odbc::info::{
    SQL_ACCESSIBLE_PROCEDURES, SQL_ACCESSIBLE_TABLES, SQL_ACTIVE_ENVIRONMENTS, SQL_AF_ALL,
    SQL_AF_AVG, SQL_AF_COUNT, SQL_AF_DISTINCT, SQL_AF_MAX, SQL_AF_MIN, SQL_AF_SUM,
    SQL_AGGREGATE_FUNCTIONS, SQL_ALTER_DOMAIN, SQL_ALTER_TABLE, SQL_AM_NONE,
    SQL_ASYNC_DBC_FUNCTIONS, SQL_ASYNC_DBC_NOT_CAPABLE, SQL_ASYNC_MODE, SQL_ASYNC_NOTIFICATION,
    SQL_ASYNC_NOTIFICATION_NOT_CAPABLE, SQL_BATCH_ROW_COUNT, SQL_BATCH_SUPPORT,
    SQL_BOOKMARK_PERSISTENCE, SQL_CA1_ABSOLUTE, SQL_CA1_NEXT, SQL_CA1_RELATIVE,
    SQL_CA2_MAX_ROWS_SELECT, SQL_CA2_READ_ONLY_CONCURRENCY, SQL_CATALOG_LOCATION, SQL_CATALOG_NAME,
    SQL_CATALOG_NAME_SEPARATOR, SQL_CATALOG_TERM, SQL_CATALOG_USAGE, SQL_CB_NULL, SQL_CB_PRESERVE,
    SQL_CN_ANY, SQL_COLLATION_SEQ, SQL_COLUMN_ALIAS, SQL_CONCAT_NULL_BEHAVIOR, SQL_CONVERT_BIGINT,
    SQL_CONVERT_BINARY, SQL_CONVERT_BIT, SQL_CONVERT_CHAR, SQL_CONVERT_DATE, SQL_CONVERT_DECIMAL,
    SQL_CONVERT_DOUBLE, SQL_CONVERT_FLOAT, SQL_CONVERT_FUNCTIONS, SQL_CONVERT_GUID,
    SQL_CONVERT_INTEGER, SQL_CONVERT_INTERVAL_DAY_TIME, SQL_CONVERT_INTERVAL_YEAR_MONTH,
    SQL_CONVERT_LONGVARBINARY, SQL_CONVERT_LONGVARCHAR, SQL_CONVERT_NUMERIC, SQL_CONVERT_REAL,
    SQL_CONVERT_SMALLINT, SQL_CONVERT_TIME, SQL_CONVERT_TIMESTAMP, SQL_CONVERT_TINYINT,
    SQL_CONVERT_VARBINARY, SQL_CONVERT_VARCHAR, SQL_CONVERT_WCHAR, SQL_CONVERT_WLONGVARCHAR,
    SQL_CONVERT_WVARCHAR, SQL_CORRELATION_NAME, SQL_CREATE_ASSERTION, SQL_CREATE_CHARACTER_SET,
    SQL_CREATE_COLLATION, SQL_CREATE_DOMAIN, SQL_CREATE_SCHEMA, SQL_CREATE_TABLE,
    SQL_CREATE_TRANSLATION, SQL_CREATE_VIEW, SQL_CURSOR_COMMIT_BEHAVIOR,
    SQL_CURSOR_ROLLBACK_BEHAVIOR, SQL_CURSOR_SENSITIVITY, SQL_DATABASE_NAME, SQL_DATA_SOURCE_NAME,
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
    SQL_FD_FETCH_ABSOLUTE, SQL_FD_FETCH_FIRST, SQL_FD_FETCH_LAST, SQL_FD_FETCH_NEXT,
    SQL_FD_FETCH_PRIOR, SQL_FD_FETCH_RELATIVE, SQL_FETCH_DIRECTION, SQL_FILE_NOT_SUPPORTED,
    SQL_FILE_USAGE, SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1, SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2,
    SQL_GB_GROUP_BY_CONTAINS_SELECT, SQL_GD_ANY_COLUMN, SQL_GD_ANY_ORDER, SQL_GD_BOUND,
    SQL_GETDATA_EXTENSIONS, SQL_GROUP_BY, SQL_IC_LOWER, SQL_IC_SENSITIVE, SQL_IDENTIFIER_CASE,
    SQL_IDENTIFIER_QUOTE_CHAR, SQL_IK_NONE, SQL_INDEX_KEYWORDS, SQL_INFO_SCHEMA_VIEWS,
    SQL_INSERT_STATEMENT, SQL_INTEGRITY, SQL_IS_INSERT_LITERALS, SQL_IS_INSERT_SEARCHED,
    SQL_KEYSET_CURSOR_ATTRIBUTES1, SQL_KEYSET_CURSOR_ATTRIBUTES2, SQL_KEYWORDS,
    SQL_LIKE_ESCAPE_CLAUSE, SQL_LOCK_TYPES, SQL_MAX_ASYNC_CONCURRENT_STATEMENTS,
    SQL_MAX_BINARY_LITERAL_LEN, SQL_MAX_CATALOG_NAME_LEN, SQL_MAX_CHAR_LITERAL_LEN,
    SQL_MAX_COLUMNS_IN_GROUP_BY, SQL_MAX_COLUMNS_IN_INDEX, SQL_MAX_COLUMNS_IN_ORDER_BY,
    SQL_MAX_COLUMNS_IN_SELECT, SQL_MAX_COLUMNS_IN_TABLE, SQL_MAX_COLUMN_NAME_LEN,
    SQL_MAX_CONCURRENT_ACTIVITIES, SQL_MAX_CURSOR_NAME_LEN, SQL_MAX_DRIVER_CONNECTIONS,
    SQL_MAX_IDENTIFIER_LEN, SQL_MAX_INDEX_SIZE, SQL_MAX_PROCEDURE_NAME_LEN, SQL_MAX_ROW_SIZE,
    SQL_MAX_ROW_SIZE_INCLUDES_LONG, SQL_MAX_SCHEMA_NAME_LEN, SQL_MAX_STATEMENT_LEN,
    SQL_MAX_TABLES_IN_SELECT, SQL_MAX_TABLE_NAME_LEN, SQL_MAX_USER_NAME_LEN,
    SQL_MULTIPLE_ACTIVE_TXN, SQL_MULT_RESULT_SETS, SQL_NC_HIGH, SQL_NEED_LONG_DATA_LEN,
    SQL_NNC_NON_NULL, SQL_NON_NULLABLE_COLUMNS, SQL_NULL_COLLATION, SQL_NUMERIC_FUNCTIONS,
    SQL_OAC_LEVEL1, SQL_ODBC_API_CONFORMANCE, SQL_ODBC_INTERFACE_CONFORMANCE,
    SQL_ODBC_SAG_CLI_CONFORMANCE, SQL_ODBC_SQL_CONFORMANCE, SQL_ODBC_VER, SQL_OIC_CORE,
    SQL_OJ_ALL_COMPARISON_OPS, SQL_OJ_CAPABILITIES, SQL_OJ_FULL, SQL_OJ_INNER, SQL_OJ_LEFT,
    SQL_OJ_NESTED, SQL_OJ_NOT_ORDERED, SQL_OJ_RIGHT, SQL_ORDER_BY_COLUMNS_IN_SELECT,
    SQL_OSCC_NOT_COMPLIANT, SQL_OSC_CORE, SQL_OUTER_JOINS, SQL_PARAM_ARRAY_ROW_COUNTS,
    SQL_PARAM_ARRAY_SELECTS, SQL_PARC_NO_BATCH, SQL_PAS_NO_BATCH, SQL_POSITIONED_STATEMENTS,
    SQL_POS_OPERATIONS, SQL_PROCEDURES, SQL_PROCEDURE_TERM, SQL_QUOTED_IDENTIFIER_CASE,
    SQL_ROW_UPDATES, SQL_SCCO_READ_ONLY, SQL_SCC_XOPEN_CLI_VERSION1, SQL_SCHEMA_TERM,
    SQL_SCHEMA_USAGE, SQL_SCROLL_CONCURRENCY, SQL_SCROLL_OPTIONS, SQL_SC_SQL92_ENTRY,
    SQL_SDF_CURRENT_DATE, SQL_SDF_CURRENT_TIME, SQL_SDF_CURRENT_TIMESTAMP,
    SQL_SEARCH_PATTERN_ESCAPE, SQL_SERVER_NAME, SQL_SNVF_BIT_LENGTH, SQL_SNVF_CHARACTER_LENGTH,
    SQL_SNVF_CHAR_LENGTH, SQL_SNVF_EXTRACT, SQL_SNVF_OCTET_LENGTH, SQL_SNVF_POSITION,
    SQL_SO_FORWARD_ONLY, SQL_SO_STATIC, SQL_SPECIAL_CHARACTERS, SQL_SP_BETWEEN, SQL_SP_COMPARISON,
    SQL_SP_EXISTS, SQL_SP_IN, SQL_SP_ISNOTNULL, SQL_SP_ISNULL, SQL_SP_LIKE,
    SQL_SP_QUANTIFIED_COMPARISON, SQL_SQL92_DATETIME_FUNCTIONS, SQL_SQL92_FOREIGN_KEY_DELETE_RULE,
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

/// How a key is answered.
pub enum Answer {
    /// A fixed character string.
    Text(&'static str),
    /// "Y" or "N".
    Flag(bool),
    /// A SQLUSMALLINT.
    Small(u16),
    /// A SQLUINTEGER, every bitmask included.
    Mask(u32),
    /// Text from the open connection; empty before connecting.
    ConnectionText(fn(&InfoContext) -> &str),
    /// A value from the connection's context.
    Context(fn(&InfoContext) -> InfoValue),
    /// The driver manager answers it itself; the driver does not know the key.
    DriverManager,
}

/// The answer to one or more keys.
pub struct Entry {
    pub keys: &'static [u16],
    pub answer: Answer,
}

const fn entry(keys: &'static [u16], answer: Answer) -> Entry {
    Entry { keys, answer }
}

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

/// The keys answered on a connection that is not open: the driver-level ones the Windows driver
/// manager and some applications ask before connecting.
pub const BEFORE_CONNECT: &[u16] = &[
    SQL_DRIVER_ODBC_VER,
    SQL_DRIVER_NAME,
    SQL_DRIVER_VER,
    SQL_ODBC_VER,
    SQL_XOPEN_CLI_YEAR,
    SQL_DRIVER_AWARE_POOLING_SUPPORTED,
    SQL_ASYNC_DBC_FUNCTIONS,
    SQL_ASYNC_NOTIFICATION,
    SQL_ODBC_INTERFACE_CONFORMANCE,
];

/// Every key the driver answers.
pub const ANSWERS: &[Entry] = &[
    // ---- Driver information ------------------------------------------------------------
    entry(&[SQL_DRIVER_NAME], Answer::Text(DRIVER_NAME)),
    entry(
        &[SQL_DRIVER_VER],
        Answer::Context(|c| InfoValue::Text(c.driver_ver.clone())),
    ),
    entry(&[SQL_DRIVER_ODBC_VER], Answer::Text(DRIVER_ODBC_VER)),
    entry(&[SQL_ODBC_VER], Answer::Text(ODBC_VER)),
    entry(
        &[SQL_DATA_SOURCE_NAME],
        Answer::ConnectionText(|c| &c.data_source_name),
    ),
    // The driver has no server of its own; the profile's API is the "server".
    entry(
        &[SQL_SERVER_NAME],
        Answer::ConnectionText(|c| &c.database_name),
    ),
    entry(
        &[SQL_DATABASE_NAME],
        Answer::ConnectionText(|c| &c.database_name),
    ),
    entry(&[SQL_USER_NAME], Answer::ConnectionText(|c| &c.user_name)),
    entry(&[SQL_DBMS_NAME], Answer::Text(DBMS_NAME)),
    entry(
        &[SQL_DBMS_VER],
        Answer::Context(|c| InfoValue::Text(c.dbms_ver.clone())),
    ),
    // The X/Open CLI specification the ODBC 3 interface follows.
    entry(&[SQL_XOPEN_CLI_YEAR], Answer::Text("1995")),
    // No limit on connections or on active statements per connection.
    entry(&[SQL_MAX_DRIVER_CONNECTIONS], Answer::Small(0)),
    entry(&[SQL_MAX_CONCURRENT_ACTIVITIES], Answer::Small(0)),
    // One driver ENV serves any number of DM ENVs (docs/reference/odbc.md §1): no limit.
    entry(&[SQL_ACTIVE_ENVIRONMENTS], Answer::Small(0)),
    entry(&[SQL_ASYNC_MODE], Answer::Mask(SQL_AM_NONE)),
    entry(&[SQL_MAX_ASYNC_CONCURRENT_STATEMENTS], Answer::Mask(0)),
    entry(
        &[SQL_ASYNC_DBC_FUNCTIONS],
        Answer::Mask(SQL_ASYNC_DBC_NOT_CAPABLE),
    ),
    entry(
        &[SQL_ASYNC_NOTIFICATION],
        Answer::Mask(SQL_ASYNC_NOTIFICATION_NOT_CAPABLE),
    ),
    entry(
        &[SQL_DRIVER_AWARE_POOLING_SUPPORTED],
        Answer::Mask(SQL_DRIVER_AWARE_POOLING_NOT_CAPABLE),
    ),
    entry(&[SQL_FILE_USAGE], Answer::Small(SQL_FILE_NOT_SUPPORTED)),
    // Core is the lowest level ODBC 3 defines; the statement layer implements the function set
    // of docs/reference/odbc.md §9 and data-at-execution parameters, but not SQLSetPos.
    entry(
        &[SQL_ODBC_INTERFACE_CONFORMANCE],
        Answer::Mask(SQL_OIC_CORE),
    ),
    // ODBC 2 applications gate SQLGetData, SQLTables, SQLColumns and SQLGetTypeInfo on
    // level 1; all of those exist, as do SQLPutData and SQLParamData.
    entry(&[SQL_ODBC_API_CONFORMANCE], Answer::Small(SQL_OAC_LEVEL1)),
    // The SELECT grammar covers ODBC 2 core (subqueries, set functions, full SELECT); the DML
    // of the minimum grammar runs where the API can change records; there is no DDL.
    entry(&[SQL_ODBC_SQL_CONFORMANCE], Answer::Small(SQL_OSC_CORE)),
    entry(
        &[SQL_ODBC_SAG_CLI_CONFORMANCE],
        Answer::Small(SQL_OSCC_NOT_COMPLIANT),
    ),
    entry(
        &[SQL_STANDARD_CLI_CONFORMANCE],
        Answer::Mask(SQL_SCC_XOPEN_CLI_VERSION1),
    ),
    entry(&[SQL_SQL_CONFORMANCE], Answer::Mask(SQL_SC_SQL92_ENTRY)),
    entry(&[SQL_GETDATA_EXTENSIONS], Answer::Mask(GETDATA_EXTENSIONS)),
    // SQLDescribeParam is implemented.
    entry(&[SQL_DESCRIBE_PARAMETER], Answer::Flag(true)),
    // Long data is never sent with SQLPutData's length up front.
    entry(&[SQL_NEED_LONG_DATA_LEN], Answer::Flag(false)),
    // One statement yields one result set; SQLMoreResults returns SQL_NO_DATA.
    entry(&[SQL_MULT_RESULT_SETS], Answer::Flag(false)),
    entry(&[SQL_BATCH_SUPPORT], Answer::Mask(0)),
    entry(&[SQL_BATCH_ROW_COUNT], Answer::Mask(0)),
    // An array of parameter sets runs the statement once per set; a SELECT's rows for all sets
    // come back as one result set.
    entry(
        &[SQL_PARAM_ARRAY_ROW_COUNTS],
        Answer::Mask(SQL_PARC_NO_BATCH),
    ),
    entry(&[SQL_PARAM_ARRAY_SELECTS], Answer::Mask(SQL_PAS_NO_BATCH)),
    // Windows DTC only.
    entry(&[SQL_DTC_TRANSITION_COST], Answer::Mask(0)),
    // The driver manager answers these itself.
    entry(
        &[
            SQL_DRIVER_HDBC,
            SQL_DRIVER_HENV,
            SQL_DRIVER_HSTMT,
            SQL_DRIVER_HLIB,
            SQL_DRIVER_HDESC,
            SQL_DM_VER,
        ],
        Answer::DriverManager,
    ),
    // ---- Data source information ---------------------------------------------------------
    // The OAuth procedures are local and callable by anyone.
    entry(&[SQL_ACCESSIBLE_PROCEDURES], Answer::Flag(true)),
    // SQLTables lists every table the profile defines, but the API account may lack the
    // permission or scope to read some of them, so SELECT is not guaranteed.
    entry(&[SQL_ACCESSIBLE_TABLES], Answer::Flag(false)),
    // Per connection: ReadOnly, SQL_ATTR_ACCESS_MODE and whether the profile declares writes.
    entry(
        &[SQL_DATA_SOURCE_READ_ONLY],
        Answer::Context(|c| InfoValue::Text(if c.writable { "N" } else { "Y" }.to_string())),
    ),
    entry(
        &[SQL_INSERT_STATEMENT],
        Answer::Context(|c| {
            InfoValue::U32(if c.writable {
                SQL_IS_INSERT_LITERALS | SQL_IS_INSERT_SEARCHED
            } else {
                0
            })
        }),
    ),
    // No transactions: SQLEndTran is a no-op and cursors survive it.
    entry(&[SQL_TXN_CAPABLE], Answer::Small(SQL_TC_NONE)),
    entry(&[SQL_DEFAULT_TXN_ISOLATION], Answer::Mask(0)),
    entry(&[SQL_TXN_ISOLATION_OPTION], Answer::Mask(0)),
    entry(
        &[SQL_CURSOR_COMMIT_BEHAVIOR, SQL_CURSOR_ROLLBACK_BEHAVIOR],
        Answer::Small(SQL_CB_PRESERVE),
    ),
    // Connections are independent; with no transactions none can block another.
    entry(&[SQL_MULTIPLE_ACTIVE_TXN], Answer::Flag(true)),
    // Forward-only cursors stream; a static cursor (SQL_ATTR_CURSOR_TYPE = SQL_CURSOR_STATIC)
    // holds its result and scrolls. Driver managers load their cursor library when a driver
    // cannot scroll, and unixODBC's breaks SQLGetData (PHP PDO read NULLs).
    entry(
        &[SQL_SCROLL_OPTIONS],
        Answer::Mask(SQL_SO_FORWARD_ONLY | SQL_SO_STATIC),
    ),
    entry(&[SQL_SCROLL_CONCURRENCY], Answer::Mask(SQL_SCCO_READ_ONLY)),
    entry(
        &[SQL_FETCH_DIRECTION],
        Answer::Mask(
            SQL_FD_FETCH_NEXT
                | SQL_FD_FETCH_FIRST
                | SQL_FD_FETCH_LAST
                | SQL_FD_FETCH_PRIOR
                | SQL_FD_FETCH_ABSOLUTE
                | SQL_FD_FETCH_RELATIVE,
        ),
    ),
    // No cursor can change data, so none can see another's changes.
    entry(
        &[SQL_CURSOR_SENSITIVITY],
        Answer::Mask(SQL_INSENSITIVE as u32),
    ),
    entry(
        &[SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1],
        Answer::Mask(SQL_CA1_NEXT),
    ),
    // SQL_ATTR_MAX_ROWS limits SELECT results (docs/reference/odbc.md §9).
    entry(
        &[SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2],
        Answer::Mask(SQL_CA2_READ_ONLY_CONCURRENCY | SQL_CA2_MAX_ROWS_SELECT),
    ),
    // SQLFetchScroll's NEXT, PRIOR, FIRST, LAST (SQL_CA1_NEXT), ABSOLUTE and RELATIVE; no
    // bookmarks, no SQLSetPos.
    entry(
        &[SQL_STATIC_CURSOR_ATTRIBUTES1],
        Answer::Mask(SQL_CA1_NEXT | SQL_CA1_ABSOLUTE | SQL_CA1_RELATIVE),
    ),
    entry(
        &[SQL_STATIC_CURSOR_ATTRIBUTES2],
        Answer::Mask(SQL_CA2_READ_ONLY_CONCURRENCY | SQL_CA2_MAX_ROWS_SELECT),
    ),
    entry(
        &[
            SQL_DYNAMIC_CURSOR_ATTRIBUTES1,
            SQL_DYNAMIC_CURSOR_ATTRIBUTES2,
            SQL_KEYSET_CURSOR_ATTRIBUTES1,
            SQL_KEYSET_CURSOR_ATTRIBUTES2,
        ],
        Answer::Mask(0),
    ),
    entry(
        &[
            SQL_STATIC_SENSITIVITY,
            SQL_BOOKMARK_PERSISTENCE,
            SQL_LOCK_TYPES,
            SQL_POS_OPERATIONS,
            SQL_POSITIONED_STATEMENTS,
        ],
        Answer::Mask(0),
    ),
    entry(&[SQL_ROW_UPDATES], Answer::Flag(false)),
    // EXEC, CALL and {call}; listed by SQLProcedures.
    entry(&[SQL_PROCEDURES], Answer::Flag(true)),
    entry(&[SQL_TABLE_TERM], Answer::Text("table")),
    entry(&[SQL_SCHEMA_TERM], Answer::Text("schema")),
    entry(&[SQL_PROCEDURE_TERM], Answer::Text("procedure")),
    // "%" and "_" in catalog-function patterns are escaped with a backslash.
    entry(&[SQL_SEARCH_PATTERN_ESCAPE], Answer::Text("\\")),
    // The engine orders strings by Unicode code point (byte order of UTF-8), the SQL
    // standard's UCS_BASIC collation.
    entry(&[SQL_COLLATION_SEQ], Answer::Text("UCS_BASIC")),
    // ASC puts NULLs last and DESC puts them first: NULLs sort as the highest value.
    entry(&[SQL_NULL_COLLATION], Answer::Small(SQL_NC_HIGH)),
    // `'a' || NULL` is NULL in the engine.
    entry(&[SQL_CONCAT_NULL_BEHAVIOR], Answer::Small(SQL_CB_NULL)),
    // ---- Catalogs and schemas --------------------------------------------------------------
    // Catalogs are not supported: names have at most two parts, schema.table.
    entry(&[SQL_CATALOG_NAME], Answer::Flag(false)),
    entry(&[SQL_CATALOG_USAGE], Answer::Mask(0)),
    entry(&[SQL_CATALOG_TERM], Answer::Text("")),
    entry(&[SQL_CATALOG_NAME_SEPARATOR], Answer::Text("")),
    entry(&[SQL_CATALOG_LOCATION], Answer::Small(0)),
    // Schema-qualified table names (`sys.sys_tables`, `pipedrive.deals`) work in SELECT, the
    // only statement there is; procedures are called by their bare names.
    entry(&[SQL_SCHEMA_USAGE], Answer::Mask(SQL_SU_DML_STATEMENTS)),
    // ---- Identifiers -------------------------------------------------------------------------
    entry(&[SQL_IDENTIFIER_QUOTE_CHAR], Answer::Text("\"")),
    // The engine folds unquoted identifiers to lower case (DataFusion's
    // enable_ident_normalization, on by default) and keeps quoted ones exactly.
    entry(&[SQL_IDENTIFIER_CASE], Answer::Small(SQL_IC_LOWER)),
    entry(
        &[SQL_QUOTED_IDENTIFIER_CASE],
        Answer::Small(SQL_IC_SENSITIVE),
    ),
    // The engine's PostgreSQL-like tokenizer also takes `$` inside an unquoted identifier
    // (and any non-ASCII letter, which ODBC does not count as special).
    entry(&[SQL_SPECIAL_CHARACTERS], Answer::Text("$")),
    entry(&[SQL_KEYWORDS], Answer::Text(KEYWORDS)),
    // ---- Limits ------------------------------------------------------------------------------
    // The engine puts no limit on names, statements, rows or column counts: 0 = no limit.
    // Catalogs and indexes do not exist: 0 as well.
    entry(
        &[
            SQL_MAX_COLUMN_NAME_LEN,
            SQL_MAX_SCHEMA_NAME_LEN,
            SQL_MAX_CATALOG_NAME_LEN,
            SQL_MAX_TABLE_NAME_LEN,
            SQL_MAX_PROCEDURE_NAME_LEN,
            SQL_MAX_USER_NAME_LEN,
            SQL_MAX_COLUMNS_IN_GROUP_BY,
            SQL_MAX_COLUMNS_IN_INDEX,
            SQL_MAX_COLUMNS_IN_ORDER_BY,
            SQL_MAX_COLUMNS_IN_SELECT,
            SQL_MAX_COLUMNS_IN_TABLE,
            SQL_MAX_TABLES_IN_SELECT,
        ],
        Answer::Small(0),
    ),
    // SQLSetCursorName takes names of up to 128 characters.
    entry(&[SQL_MAX_CURSOR_NAME_LEN], Answer::Small(128)),
    // Unlike the other lengths this key has no "0 = no limit" meaning, so report the SQL-92
    // intermediate-level figure; every name of up to 128 characters works.
    entry(
        &[SQL_MAX_IDENTIFIER_LEN],
        Answer::Small(crate::table_meta::MAX_NAME_LENGTH as u16),
    ),
    entry(
        &[
            SQL_MAX_ROW_SIZE,
            SQL_MAX_STATEMENT_LEN,
            SQL_MAX_CHAR_LITERAL_LEN,
            SQL_MAX_BINARY_LITERAL_LEN,
            SQL_MAX_INDEX_SIZE,
        ],
        Answer::Mask(0),
    ),
    entry(&[SQL_MAX_ROW_SIZE_INCLUDES_LONG], Answer::Flag(false)),
    // ---- SQL grammar ---------------------------------------------------------------------------
    entry(&[SQL_COLUMN_ALIAS], Answer::Flag(true)),
    entry(&[SQL_CORRELATION_NAME], Answer::Small(SQL_CN_ANY)),
    entry(&[SQL_EXPRESSIONS_IN_ORDERBY], Answer::Flag(true)),
    // ORDER BY may name columns that are not selected (except with DISTINCT).
    entry(&[SQL_ORDER_BY_COLUMNS_IN_SELECT], Answer::Flag(false)),
    // Every non-aggregated selected column must be grouped; GROUP BY may hold more.
    entry(
        &[SQL_GROUP_BY],
        Answer::Small(SQL_GB_GROUP_BY_CONTAINS_SELECT),
    ),
    entry(&[SQL_OUTER_JOINS], Answer::Flag(true)),
    // LEFT/RIGHT/FULL, nestable, ON columns in any order, inner joins inside outer joins,
    // and any comparison in ON (non-equi joins run as nested-loop joins).
    entry(
        &[SQL_OJ_CAPABILITIES],
        Answer::Mask(
            SQL_OJ_LEFT
                | SQL_OJ_RIGHT
                | SQL_OJ_FULL
                | SQL_OJ_NESTED
                | SQL_OJ_NOT_ORDERED
                | SQL_OJ_INNER
                | SQL_OJ_ALL_COMPARISON_OPS,
        ),
    ),
    // CROSS, INNER, LEFT/RIGHT/FULL OUTER, NATURAL joins and the EXCEPT and INTERSECT set
    // operators. No CORRESPONDING, no UNION JOIN.
    entry(
        &[SQL_SQL92_RELATIONAL_JOIN_OPERATORS],
        Answer::Mask(
            SQL_SRJO_CROSS_JOIN
                | SQL_SRJO_EXCEPT_JOIN
                | SQL_SRJO_FULL_OUTER_JOIN
                | SQL_SRJO_INNER_JOIN
                | SQL_SRJO_INTERSECT_JOIN
                | SQL_SRJO_LEFT_OUTER_JOIN
                | SQL_SRJO_NATURAL_JOIN
                | SQL_SRJO_RIGHT_OUTER_JOIN,
        ),
    ),
    // Scalar, EXISTS, IN and ANY/ALL subqueries, correlated ones decorrelated by the planner.
    entry(
        &[SQL_SUBQUERIES],
        Answer::Mask(
            SQL_SQ_COMPARISON
                | SQL_SQ_EXISTS
                | SQL_SQ_IN
                | SQL_SQ_QUANTIFIED
                | SQL_SQ_CORRELATED_SUBQUERIES,
        ),
    ),
    entry(&[SQL_UNION], Answer::Mask(SQL_U_UNION | SQL_U_UNION_ALL)),
    // No MATCH, OVERLAPS or UNIQUE predicates.
    entry(
        &[SQL_SQL92_PREDICATES],
        Answer::Mask(
            SQL_SP_EXISTS
                | SQL_SP_ISNOTNULL
                | SQL_SP_ISNULL
                | SQL_SP_LIKE
                | SQL_SP_IN
                | SQL_SP_BETWEEN
                | SQL_SP_COMPARISON
                | SQL_SP_QUANTIFIED_COMPARISON,
        ),
    ),
    // `LIKE 'a\_%' ESCAPE '\'` works.
    entry(&[SQL_LIKE_ESCAPE_CLAUSE], Answer::Flag(true)),
    entry(
        &[SQL_SQL92_VALUE_EXPRESSIONS],
        Answer::Mask(SQL_SVE_CASE | SQL_SVE_CAST | SQL_SVE_COALESCE | SQL_SVE_NULLIF),
    ),
    // VALUES (expr, NULL) works; DEFAULT needs INSERT.
    entry(
        &[SQL_SQL92_ROW_VALUE_CONSTRUCTOR],
        Answer::Mask(SQL_SRVC_VALUE_EXPRESSION | SQL_SRVC_NULL),
    ),
    // LOWER, UPPER, SUBSTRING(x FROM a FOR b) and TRIM(BOTH|LEADING|TRAILING ...). No
    // CONVERT(x USING ...) or TRANSLATE(x USING ...).
    entry(
        &[SQL_SQL92_STRING_FUNCTIONS],
        Answer::Mask(
            SQL_SSF_LOWER
                | SQL_SSF_UPPER
                | SQL_SSF_SUBSTRING
                | SQL_SSF_TRIM_BOTH
                | SQL_SSF_TRIM_LEADING
                | SQL_SSF_TRIM_TRAILING,
        ),
    ),
    entry(
        &[SQL_SQL92_NUMERIC_VALUE_FUNCTIONS],
        Answer::Mask(
            SQL_SNVF_BIT_LENGTH
                | SQL_SNVF_CHAR_LENGTH
                | SQL_SNVF_CHARACTER_LENGTH
                | SQL_SNVF_EXTRACT
                | SQL_SNVF_OCTET_LENGTH
                | SQL_SNVF_POSITION,
        ),
    ),
    entry(
        &[SQL_SQL92_DATETIME_FUNCTIONS],
        Answer::Mask(SQL_SDF_CURRENT_DATE | SQL_SDF_CURRENT_TIME | SQL_SDF_CURRENT_TIMESTAMP),
    ),
    // DATE, TIME and TIMESTAMP literals, and single-field intervals; the engine rejects
    // `INTERVAL '1-2' YEAR TO MONTH` and the other two-field forms.
    entry(
        &[SQL_DATETIME_LITERALS],
        Answer::Mask(
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
    ),
    entry(
        &[SQL_AGGREGATE_FUNCTIONS],
        Answer::Mask(
            SQL_AF_AVG
                | SQL_AF_COUNT
                | SQL_AF_MAX
                | SQL_AF_MIN
                | SQL_AF_SUM
                | SQL_AF_DISTINCT
                | SQL_AF_ALL,
        ),
    ),
    // Declared NOT NULL columns exist (SQLColumns reports them) though there is no DDL.
    entry(&[SQL_NON_NULLABLE_COLUMNS], Answer::Small(SQL_NNC_NON_NULL)),
    // No referential integrity facility.
    entry(&[SQL_INTEGRITY], Answer::Flag(false)),
    // The engine's information_schema is not advertised: it is not the SQL-92 set of views.
    entry(&[SQL_INFO_SCHEMA_VIEWS], Answer::Mask(0)),
    // ---- No DDL or privileges --------------------------------------------------------------
    entry(
        &[
            SQL_ALTER_DOMAIN,
            SQL_ALTER_TABLE,
            SQL_CREATE_ASSERTION,
            SQL_CREATE_CHARACTER_SET,
            SQL_CREATE_COLLATION,
            SQL_CREATE_DOMAIN,
            SQL_CREATE_SCHEMA,
            SQL_CREATE_TABLE,
            SQL_CREATE_TRANSLATION,
            SQL_CREATE_VIEW,
            SQL_DROP_ASSERTION,
            SQL_DROP_CHARACTER_SET,
            SQL_DROP_COLLATION,
            SQL_DROP_DOMAIN,
            SQL_DROP_SCHEMA,
            SQL_DROP_TABLE,
            SQL_DROP_TRANSLATION,
            SQL_DROP_VIEW,
            SQL_DDL_INDEX,
            SQL_SQL92_FOREIGN_KEY_DELETE_RULE,
            SQL_SQL92_FOREIGN_KEY_UPDATE_RULE,
            SQL_SQL92_GRANT,
            SQL_SQL92_REVOKE,
        ],
        Answer::Mask(0),
    ),
    entry(&[SQL_INDEX_KEYWORDS], Answer::Mask(SQL_IK_NONE)),
    // ---- Scalar functions (from the escape translator) -------------------------------------
    entry(
        &[SQL_STRING_FUNCTIONS],
        Answer::Context(|c| InfoValue::U32(c.string_functions)),
    ),
    entry(
        &[SQL_NUMERIC_FUNCTIONS],
        Answer::Context(|c| InfoValue::U32(c.numeric_functions)),
    ),
    entry(
        &[SQL_TIMEDATE_FUNCTIONS],
        Answer::Context(|c| InfoValue::U32(c.timedate_functions)),
    ),
    entry(
        &[SQL_SYSTEM_FUNCTIONS],
        Answer::Context(|c| InfoValue::U32(c.system_functions)),
    ),
    entry(
        &[SQL_CONVERT_FUNCTIONS],
        Answer::Context(|c| InfoValue::U32(c.convert_functions)),
    ),
    entry(
        &[SQL_TIMEDATE_ADD_INTERVALS],
        Answer::Context(|c| InfoValue::U32(c.timedate_add_intervals)),
    ),
    entry(
        &[SQL_TIMEDATE_DIFF_INTERVALS],
        Answer::Context(|c| InfoValue::U32(c.timedate_diff_intervals)),
    ),
    // ---- CONVERT: which target types each source type converts to --------------------------
    entry(
        &[
            SQL_CONVERT_CHAR,
            SQL_CONVERT_VARCHAR,
            SQL_CONVERT_LONGVARCHAR,
            SQL_CONVERT_WCHAR,
            SQL_CONVERT_WVARCHAR,
            SQL_CONVERT_WLONGVARCHAR,
        ],
        Answer::Mask(CVT_FROM_CHARS),
    ),
    entry(
        &[
            SQL_CONVERT_TINYINT,
            SQL_CONVERT_SMALLINT,
            SQL_CONVERT_INTEGER,
            SQL_CONVERT_BIGINT,
            SQL_CONVERT_REAL,
            SQL_CONVERT_FLOAT,
            SQL_CONVERT_DOUBLE,
        ],
        Answer::Mask(CVT_FROM_INTEGERS_FLOATS),
    ),
    entry(
        &[SQL_CONVERT_DECIMAL, SQL_CONVERT_NUMERIC],
        Answer::Mask(CVT_FROM_DECIMALS),
    ),
    entry(&[SQL_CONVERT_BIT], Answer::Mask(CVT_FROM_BIT)),
    entry(&[SQL_CONVERT_DATE], Answer::Mask(CVT_FROM_DATE)),
    entry(&[SQL_CONVERT_TIME], Answer::Mask(CVT_FROM_TIME)),
    entry(&[SQL_CONVERT_TIMESTAMP], Answer::Mask(CVT_FROM_TIMESTAMP)),
    entry(
        &[
            SQL_CONVERT_BINARY,
            SQL_CONVERT_VARBINARY,
            SQL_CONVERT_LONGVARBINARY,
        ],
        Answer::Mask(CVT_FROM_BINARIES),
    ),
    // The driver has no GUID or interval columns.
    entry(
        &[
            SQL_CONVERT_GUID,
            SQL_CONVERT_INTERVAL_DAY_TIME,
            SQL_CONVERT_INTERVAL_YEAR_MONTH,
        ],
        Answer::Mask(0),
    ),
];
