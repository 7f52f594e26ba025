//! SQLGetInfo's answers as an application reads them.

use super::answers::*;
use super::context::driver_version_string;
use super::functions::*;
use super::*;
use crate::odbc::info::*;
use crate::odbc::info::{SQL_CVT_GUID, SQL_CVT_INTERVAL_DAY_TIME};

fn ctx() -> InfoContext {
    InfoContext {
        connected: true,
        writable: false,
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
    let writable = InfoContext {
        writable: true,
        ..ctx()
    };
    assert_eq!(
        get_info(SQL_DATA_SOURCE_READ_ONLY, &writable),
        Some(InfoValue::Text("N".into()))
    );
    assert_eq!(
        get_info(crate::odbc::info::SQL_INSERT_STATEMENT, &writable),
        Some(InfoValue::U32(
            crate::odbc::info::SQL_IS_INSERT_LITERALS | crate::odbc::info::SQL_IS_INSERT_SEARCHED
        ))
    );
    assert_eq!(
        get_info(crate::odbc::info::SQL_INSERT_STATEMENT, &ctx()),
        Some(InfoValue::U32(0))
    );
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
    // Forward-only, and static (scrollable) when SQL_ATTR_CURSOR_TYPE asks for it.
    assert_eq!(
        get(SQL_SCROLL_OPTIONS),
        InfoValue::U32(SQL_SO_FORWARD_ONLY | SQL_SO_STATIC)
    );
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
    assert_eq!(
        get(SQL_STATIC_CURSOR_ATTRIBUTES1),
        InfoValue::U32(SQL_CA1_NEXT | SQL_CA1_ABSOLUTE | SQL_CA1_RELATIVE)
    );
    assert_eq!(
        get(SQL_STATIC_CURSOR_ATTRIBUTES2),
        InfoValue::U32(SQL_CA2_READ_ONLY_CONCURRENCY | SQL_CA2_MAX_ROWS_SELECT)
    );
    assert_eq!(get(SQL_KEYSET_CURSOR_ATTRIBUTES1), InfoValue::U32(0));
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
    // docs/reference/odbc.md §8: the driver manager, pyodbc, Power BI and Tableau.
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

#[test]
fn every_key_has_one_answer() {
    let mut keys: Vec<u16> = ANSWERS
        .iter()
        .flat_map(|e| e.keys.iter().copied())
        .collect();
    let all = keys.len();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), all, "a key is answered twice");
    for key in BEFORE_CONNECT {
        assert!(
            keys.contains(key),
            "{key} is allowed before connect but not answered"
        );
    }
}

fn escape_context() -> crate::engine::escape::TranslateContext {
    crate::engine::escape::TranslateContext {
        database: "pipedrive".to_string(),
        user: "o'brien".to_string(),
    }
}

#[test]
fn bitmasks_match_what_is_translated() {
    // Every advertised function translates; the masks are exactly the OR of their bits.
    let string = [
        (SQL_FN_STR_CONCAT, "CONCAT('a', 'b')"),
        (SQL_FN_STR_INSERT, "INSERT('abc', 1, 1, 'x')"),
        (SQL_FN_STR_LEFT, "LEFT('a', 1)"),
        (SQL_FN_STR_LTRIM, "LTRIM('a')"),
        (SQL_FN_STR_LENGTH, "LENGTH('a')"),
        (SQL_FN_STR_LOCATE, "LOCATE('a', 'b', 1)"),
        (SQL_FN_STR_LOCATE_2, "LOCATE('a', 'b')"),
        (SQL_FN_STR_LCASE, "LCASE('a')"),
        (SQL_FN_STR_REPEAT, "REPEAT('a', 2)"),
        (SQL_FN_STR_REPLACE, "REPLACE('a', 'a', 'b')"),
        (SQL_FN_STR_RIGHT, "RIGHT('a', 1)"),
        (SQL_FN_STR_RTRIM, "RTRIM('a')"),
        (SQL_FN_STR_SUBSTRING, "SUBSTRING('a', 1, 1)"),
        (SQL_FN_STR_UCASE, "UCASE('a')"),
        (SQL_FN_STR_ASCII, "ASCII('a')"),
        (SQL_FN_STR_CHAR, "CHAR(65)"),
        (SQL_FN_STR_SPACE, "SPACE(2)"),
        (SQL_FN_STR_BIT_LENGTH, "BIT_LENGTH('a')"),
        (SQL_FN_STR_CHAR_LENGTH, "CHAR_LENGTH('a')"),
        (SQL_FN_STR_CHARACTER_LENGTH, "CHARACTER_LENGTH('a')"),
        (SQL_FN_STR_OCTET_LENGTH, "OCTET_LENGTH('a')"),
        (SQL_FN_STR_POSITION, "POSITION('a' IN 'b')"),
    ];
    let numeric = [
        (SQL_FN_NUM_ABS, "ABS(1)"),
        (SQL_FN_NUM_ACOS, "ACOS(1)"),
        (SQL_FN_NUM_ASIN, "ASIN(1)"),
        (SQL_FN_NUM_ATAN, "ATAN(1)"),
        (SQL_FN_NUM_ATAN2, "ATAN2(1, 1)"),
        (SQL_FN_NUM_CEILING, "CEILING(1)"),
        (SQL_FN_NUM_COS, "COS(1)"),
        (SQL_FN_NUM_COT, "COT(1)"),
        (SQL_FN_NUM_EXP, "EXP(1)"),
        (SQL_FN_NUM_FLOOR, "FLOOR(1)"),
        (SQL_FN_NUM_LOG, "LOG(1)"),
        (SQL_FN_NUM_MOD, "MOD(1, 1)"),
        (SQL_FN_NUM_SIGN, "SIGN(1)"),
        (SQL_FN_NUM_SIN, "SIN(1)"),
        (SQL_FN_NUM_SQRT, "SQRT(1)"),
        (SQL_FN_NUM_TAN, "TAN(1)"),
        (SQL_FN_NUM_PI, "PI()"),
        (SQL_FN_NUM_RAND, "RAND()"),
        (SQL_FN_NUM_DEGREES, "DEGREES(1)"),
        (SQL_FN_NUM_LOG10, "LOG10(1)"),
        (SQL_FN_NUM_POWER, "POWER(1, 1)"),
        (SQL_FN_NUM_RADIANS, "RADIANS(1)"),
        (SQL_FN_NUM_ROUND, "ROUND(1, 1)"),
        (SQL_FN_NUM_TRUNCATE, "TRUNCATE(1, 1)"),
    ];
    let timedate = [
        (SQL_FN_TD_NOW, "NOW()"),
        (SQL_FN_TD_CURDATE, "CURDATE()"),
        (SQL_FN_TD_DAYOFMONTH, "DAYOFMONTH(d)"),
        (SQL_FN_TD_DAYOFWEEK, "DAYOFWEEK(d)"),
        (SQL_FN_TD_DAYOFYEAR, "DAYOFYEAR(d)"),
        (SQL_FN_TD_MONTH, "MONTH(d)"),
        (SQL_FN_TD_QUARTER, "QUARTER(d)"),
        (SQL_FN_TD_WEEK, "WEEK(d)"),
        (SQL_FN_TD_YEAR, "YEAR(d)"),
        (SQL_FN_TD_CURTIME, "CURTIME()"),
        (SQL_FN_TD_HOUR, "HOUR(d)"),
        (SQL_FN_TD_MINUTE, "MINUTE(d)"),
        (SQL_FN_TD_SECOND, "SECOND(d)"),
        (SQL_FN_TD_TIMESTAMPADD, "TIMESTAMPADD(SQL_TSI_DAY, 1, d)"),
        (SQL_FN_TD_TIMESTAMPDIFF, "TIMESTAMPDIFF(SQL_TSI_DAY, d, d)"),
        (SQL_FN_TD_DAYNAME, "DAYNAME(d)"),
        (SQL_FN_TD_MONTHNAME, "MONTHNAME(d)"),
        (SQL_FN_TD_CURRENT_DATE, "CURRENT_DATE()"),
        (SQL_FN_TD_CURRENT_TIME, "CURRENT_TIME()"),
        (SQL_FN_TD_CURRENT_TIMESTAMP, "CURRENT_TIMESTAMP()"),
        (SQL_FN_TD_EXTRACT, "EXTRACT(YEAR FROM d)"),
    ];
    let system = [
        (SQL_FN_SYS_USERNAME, "USER()"),
        (SQL_FN_SYS_DBNAME, "DATABASE()"),
        (SQL_FN_SYS_IFNULL, "IFNULL(a, b)"),
    ];
    for (table, mask) in [
        (&string[..], STRING_FUNCTIONS),
        (&numeric[..], NUMERIC_FUNCTIONS),
        (&timedate[..], TIMEDATE_FUNCTIONS),
        (&system[..], SYSTEM_FUNCTIONS),
    ] {
        let mut bits = 0;
        for (bit, call) in table {
            assert!(
                crate::engine::escape::translate(&format!("{{fn {call}}}"), &escape_context())
                    .is_ok(),
                "{call}"
            );
            bits |= bit;
        }
        assert_eq!(bits, mask);
    }
    assert_eq!(CONVERT_FUNCTIONS, 0x3);
    assert!(
        crate::engine::escape::translate("{fn CONVERT(1, SQL_INTEGER)}", &escape_context()).is_ok()
    );

    let units = [
        (SQL_FN_TSI_FRAC_SECOND, "SQL_TSI_FRAC_SECOND"),
        (SQL_FN_TSI_SECOND, "SQL_TSI_SECOND"),
        (SQL_FN_TSI_MINUTE, "SQL_TSI_MINUTE"),
        (SQL_FN_TSI_HOUR, "SQL_TSI_HOUR"),
        (SQL_FN_TSI_DAY, "SQL_TSI_DAY"),
        (SQL_FN_TSI_WEEK, "SQL_TSI_WEEK"),
        (SQL_FN_TSI_MONTH, "SQL_TSI_MONTH"),
        (SQL_FN_TSI_QUARTER, "SQL_TSI_QUARTER"),
        (SQL_FN_TSI_YEAR, "SQL_TSI_YEAR"),
    ];
    let (mut add, mut diff) = (0, 0);
    for (bit, unit) in units {
        if crate::engine::escape::translate(
            &format!("{{fn TIMESTAMPADD({unit}, 1, d)}}"),
            &escape_context(),
        )
        .is_ok()
        {
            add |= bit;
        }
        if crate::engine::escape::translate(
            &format!("{{fn TIMESTAMPDIFF({unit}, d, d)}}"),
            &escape_context(),
        )
        .is_ok()
        {
            diff |= bit;
        }
    }
    assert_eq!(add, TIMEDATE_ADD_INTERVALS);
    assert_eq!(diff, TIMEDATE_DIFF_INTERVALS);
}
