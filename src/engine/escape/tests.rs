//! The escape translation's tests, kept apart from the code they check; they go through
//! `translate` only, as a statement would, never through the files' private helpers.

use super::*;
use crate::error::{state, ErrorKind, SqlError};

fn ctx() -> TranslateContext {
    TranslateContext {
        database: "pipedrive".to_string(),
        user: "o'brien".to_string(),
    }
}

fn tr(sql: &str) -> String {
    match translate(sql, &ctx()) {
        Ok(s) => s,
        Err(e) => panic!("{sql} failed: {e}"),
    }
}

fn fails(sql: &str) -> Error {
    match translate(sql, &ctx()) {
        Ok(s) => panic!("{sql} should fail, gave {s}"),
        Err(e) => e,
    }
}

fn f(call: &str) -> String {
    tr(&format!("{{fn {call}}}"))
}

#[test]
fn text_without_escapes_is_unchanged() {
    for sql in [
        "SELECT a, b FROM t WHERE x = 'y'",
        "SELECT \"we{ird}\" FROM t -- {fn x}",
        "",
        "SELECT 'é{' || '}ü' FROM t",
    ] {
        assert_eq!(tr(sql), sql);
    }
}

#[test]
fn datetime_literals() {
    assert_eq!(
        tr("SELECT * FROM t WHERE d = {d '2024-02-29'}"),
        "SELECT * FROM t WHERE d = DATE '2024-02-29'"
    );
    assert_eq!(tr("{t '23:59:59'}"), "TIME '23:59:59'");
    assert_eq!(tr("{t '00:00:00.5'}"), "TIME '00:00:00.5'");
    assert_eq!(
        tr("{ts '2024-01-02 03:04:05.123456789'}"),
        "TIMESTAMP '2024-01-02 03:04:05.123456789'"
    );
    assert_eq!(
        tr("{  TS   '2024-01-02 03:04:05'  }"),
        "TIMESTAMP '2024-01-02 03:04:05'"
    );
    assert_eq!(tr("{D '1999-12-31'}"), "DATE '1999-12-31'");
}

#[test]
fn bad_datetime_literals_are_22007() {
    for sql in [
        "{d '2023-02-29'}",
        "{d '2024-13-01'}",
        "{d '2024-1-01'}",
        "{d '2024-01-01 10:00:00'}",
        "{t '24:00:00'}",
        "{t '12:60:00'}",
        "{t '12:00:00.'}",
        "{t '12:00:00.1234567890'}",
        "{ts '2024-01-01'}",
        "{ts '2024-01-01T10:00:00'}",
        "{d ''}",
    ] {
        let e = fails(sql);
        assert_eq!(e.state, state::INVALID_DATETIME_FORMAT, "{sql}");
        assert_eq!(e.kind, ErrorKind::Sql(SqlError::InvalidDatetime), "{sql}");
        assert!(e.message.starts_with("[apiodbc] "), "{}", e.message);
        assert!(e.message.contains("escape {"), "{}", e.message);
    }
}

#[test]
fn datetime_escape_without_a_literal_is_42000() {
    for sql in [
        "{d 2024-01-01}",
        "{d ?}",
        "{ts '2024-01-01 10:00:00' || 'x'}",
    ] {
        let e = fails(sql);
        assert_eq!(e.state, state::SYNTAX_ERROR, "{sql}");
        assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax), "{sql}");
        assert!(e.message.contains("quoted literal"), "{}", e.message);
    }
    // An unclosed quote swallows the brace: the user is told the escape is not closed.
    let e = fails("{d '2024-01-01}");
    assert_eq!(e.state, state::SYNTAX_ERROR);
    assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax));
    assert!(e.message.contains("not closed"), "{}", e.message);
}

#[test]
fn outer_join_and_like_escape() {
    assert_eq!(
        tr("SELECT * FROM {oj a LEFT OUTER JOIN b ON a.id = b.id} WHERE 1=1"),
        "SELECT * FROM a LEFT OUTER JOIN b ON a.id = b.id WHERE 1=1"
    );
    assert_eq!(
        tr("SELECT * FROM t WHERE n LIKE 'a\\_%' {escape '\\'}"),
        "SELECT * FROM t WHERE n LIKE 'a\\_%' ESCAPE '\\'"
    );
    assert_eq!(tr("x LIKE y{ESCAPE '!'}"), "x LIKE y ESCAPE '!'");
    assert_eq!(fails("x LIKE 'a' {escape 'ab'}").state, state::SYNTAX_ERROR);
    assert_eq!(fails("x LIKE 'a' {escape ''}").state, state::SYNTAX_ERROR);
}

#[test]
fn like_escape_other_than_backslash_rewrites_a_literal_pattern() {
    // DataFusion executes LIKE only with a backslash escape.
    assert_eq!(
        tr("x LIKE 'a!%b!_c\\d!!' {escape '!'}"),
        "x LIKE 'a\\%b\\_c\\\\d\\!' ESCAPE '\\'"
    );
    assert_eq!(
        tr("x LIKE 'it''s#%'{escape '#'} AND y = 1"),
        "x LIKE 'it''s\\%' ESCAPE '\\' AND y = 1"
    );
    assert_eq!(tr("x LIKE 'a!' {escape '!'}"), "x LIKE 'a!' ESCAPE '\\'");
    // Not a literal: the clause is kept as written.
    assert_eq!(tr("x LIKE ? {escape '!'}"), "x LIKE ? ESCAPE '!'");
    assert_eq!(tr("x LIKE E'a!%' {escape '!'}"), "x LIKE E'a!%' ESCAPE '!'");
    assert_eq!(
        tr("x LIKE 'a' || y {escape '!'}"),
        "x LIKE 'a' || y ESCAPE '!'"
    );
    assert_eq!(fails("x LIKE 'a' {escape}").state, state::SYNTAX_ERROR);
}

#[test]
fn escapes_inside_literals_identifiers_and_comments_are_left_alone() {
    for sql in [
        "SELECT '{fn UCASE(x)}' FROM t",
        "SELECT 'it''s {d ''2024''}' FROM t",
        "SELECT \"{fn x}\" FROM t",
        "SELECT `{fn x}` FROM t",
        "SELECT 1 -- {fn NOPE()}\nFROM t",
        "SELECT 1 /* {fn NOPE()} /* nested */ {d 'x'} */ FROM t",
        "SELECT E'\\' {fn NOPE()}' FROM t",
    ] {
        assert_eq!(tr(sql), sql);
    }
    assert_eq!(
        tr("SELECT '{d}', {fn UCASE('}')} -- }\n"),
        "SELECT '{d}', upper('}') -- }\n"
    );
    // A comment inside an escape does not hide its closing brace.
    assert_eq!(tr("{fn UCASE(x /* ) } */)}"), "upper(x /* ) } */)");
}

#[test]
fn nesting_and_case() {
    assert_eq!(
        tr("SELECT {fn UCASE({fn LTRIM(x)})} FROM t"),
        "SELECT upper(ltrim(x)) FROM t"
    );
    assert_eq!(
        tr("{FN concat({fn lcase( a )}, {Fn CONCAT('-', {fn RTRIM(b)})})}"),
        "concat(lower(a), concat('-', rtrim(b)))"
    );
    assert_eq!(tr("{ fn  ucase ( 'a' ) }"), "upper('a')");
    assert_eq!(
        tr("{fn IFNULL({fn CONVERT(x, SQL_VARCHAR)}, 'n/a')}"),
        "coalesce(CAST(x AS VARCHAR), 'n/a')"
    );
    assert_eq!(
        tr("{fn LEFT(a, {fn LOCATE(',', a)})}"),
        "left(a, strpos(a, ','))"
    );
    assert_eq!(tr("{fn SUBSTRING(s, 1, (2 + 3))}"), "substr(s, 1, (2 + 3))");
    assert_eq!(tr("{fn UCASE('a,b(')}"), "upper('a,b(')");
}

#[test]
fn string_functions() {
    let cases = [
        ("ASCII('a')", "ascii('a')"),
        ("BIT_LENGTH(s)", "bit_length(s)"),
        ("CHAR(65)", "chr(65)"),
        ("CHAR_LENGTH(s)", "char_length(s)"),
        ("CHARACTER_LENGTH(s)", "char_length(s)"),
        ("CONCAT(a, b)", "concat(a, b)"),
        (
            "INSERT(s, 2, 3, 'xy')",
            "overlay(s placing 'xy' from 2 for 3)",
        ),
        ("LCASE(s)", "lower(s)"),
        ("LEFT(s, 2)", "left(s, 2)"),
        ("LENGTH(s)", "char_length(rtrim(s))"),
        ("LOCATE('b', s)", "strpos(s, 'b')"),
        (
            "LOCATE('b', s, 3)",
            "CASE WHEN strpos(substr(s, 3), 'b') = 0 THEN 0 \
             ELSE strpos(substr(s, 3), 'b') + (3) - 1 END",
        ),
        ("LTRIM(s)", "ltrim(s)"),
        ("OCTET_LENGTH(s)", "octet_length(s)"),
        ("POSITION('b' IN s)", "strpos(s, 'b')"),
        ("POSITION('in' in lower(s))", "strpos(lower(s), 'in')"),
        ("REPEAT(s, 3)", "repeat(s, 3)"),
        ("REPLACE(s, 'a', 'b')", "replace(s, 'a', 'b')"),
        ("RIGHT(s, 2)", "right(s, 2)"),
        ("RTRIM(s)", "rtrim(s)"),
        ("SPACE(4)", "repeat(' ', 4)"),
        ("SUBSTRING(s, 2)", "substr(s, 2)"),
        ("SUBSTRING(s, 2, 3)", "substr(s, 2, 3)"),
        ("UCASE(s)", "upper(s)"),
    ];
    for (odbc, df) in cases {
        assert_eq!(f(odbc), df, "{odbc}");
    }
}

#[test]
fn numeric_functions() {
    let cases = [
        ("ABS(x)", "abs(x)"),
        ("ACOS(x)", "acos(x)"),
        ("ASIN(x)", "asin(x)"),
        ("ATAN(x)", "atan(x)"),
        ("ATAN2(y, x)", "atan2(y, x)"),
        ("CEILING(x)", "ceil(x)"),
        ("COS(x)", "cos(x)"),
        ("COT(x)", "cot(x)"),
        ("DEGREES(x)", "degrees(x)"),
        ("EXP(x)", "exp(x)"),
        ("FLOOR(x)", "floor(x)"),
        ("LOG(x)", "ln(x)"),
        ("LOG10(x)", "log10(x)"),
        ("MOD(a, b + 1)", "((a) % (b + 1))"),
        ("PI()", "pi()"),
        ("POWER(x, 2)", "power(x, 2)"),
        ("RADIANS(x)", "radians(x)"),
        ("RAND()", "random()"),
        ("ROUND(x, 2)", "round(x, 2)"),
        ("ROUND(x)", "round(x)"),
        ("SIGN(x)", "signum(x)"),
        ("SIN(x)", "sin(x)"),
        ("SQRT(x)", "sqrt(x)"),
        ("TAN(x)", "tan(x)"),
        ("TRUNCATE(x, 1)", "trunc(x, 1)"),
    ];
    for (odbc, df) in cases {
        assert_eq!(f(odbc), df, "{odbc}");
    }
    let e = fails("{fn RAND(42)}");
    assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax));
    assert!(e.message.contains("seed"), "{}", e.message);
}

#[test]
fn parameter_markers_are_never_duplicated() {
    assert_eq!(
        f("LOCATE(?, s, ?)"),
        "coalesce(nullif(strpos(substr(s, ?), ?), 0) + (?) - 1, 0)"
    );
    // A ? inside a literal is not a marker.
    assert!(f("LOCATE('?', s, 2)").starts_with("CASE"));
    assert_eq!(
        f("TIMESTAMPDIFF(SQL_TSI_DAY, ?, b)"),
        "CAST(trunc((date_part('epoch', b) - date_part('epoch', ?)) / 86400) AS BIGINT)"
    );
    assert_eq!(
        f("TIMESTAMPDIFF(SQL_TSI_YEAR, ?, ?)"),
        "CAST((date_part('year', ?) - date_part('year', ?)) AS BIGINT)"
    );
    for unit in ["SQL_TSI_MONTH", "SQL_TSI_QUARTER"] {
        let e = fails(&format!("{{fn TIMESTAMPDIFF({unit}, ?, b)}}"));
        assert_eq!(e.state, state::SYNTAX_ERROR);
        assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax), "{unit}");
        assert!(e.message.contains("parameter marker"), "{}", e.message);
    }
    // Every translation of a function whose arguments are all markers keeps their count.
    let calls = [
        "INSERT(?, ?, ?, ?)",
        "LENGTH(?)",
        "SPACE(?)",
        "MOD(?, ?)",
        "DAYOFWEEK(?)",
        "TIMESTAMPADD(SQL_TSI_QUARTER, ?, ?)",
        "TIMESTAMPADD(SQL_TSI_HOUR, ?, ?)",
        "TIMESTAMPDIFF(SQL_TSI_SECOND, ?, ?)",
        "CONVERT(?, SQL_INTEGER)",
        "POSITION(? IN ?)",
        "EXTRACT(YEAR FROM ?)",
        "IFNULL(?, ?)",
        "SUBSTRING(?, ?, ?)",
        "LOCATE(?, ?)",
    ];
    for call in calls {
        let markers = |s: &str| s.matches('?').count();
        assert_eq!(markers(&f(call)), markers(call), "{call}");
    }
}

#[test]
fn date_time_functions() {
    let cases = [
        ("CURDATE()", "current_date()"),
        ("CURRENT_DATE()", "current_date()"),
        ("CURTIME()", "current_time()"),
        ("CURRENT_TIME()", "current_time()"),
        ("CURRENT_TIME(3)", "current_time()"),
        ("CURRENT_TIMESTAMP()", "now()"),
        ("CURRENT_TIMESTAMP(6)", "now()"),
        ("NOW()", "now()"),
        ("NOW", "now()"),
        ("DAYNAME(d)", "to_char(d, '%A')"),
        ("MONTHNAME(d)", "to_char(d, '%B')"),
        ("DAYOFMONTH(d)", "date_part('day', d)"),
        ("DAYOFWEEK(d)", "(date_part('dow', d) + 1)"),
        ("DAYOFYEAR(d)", "date_part('doy', d)"),
        ("EXTRACT(YEAR FROM d)", "date_part('year', d)"),
        ("EXTRACT(second from ts)", "date_part('second', ts)"),
        ("HOUR(t)", "date_part('hour', t)"),
        ("MINUTE(t)", "date_part('minute', t)"),
        ("MONTH(d)", "date_part('month', d)"),
        ("QUARTER(d)", "date_part('quarter', d)"),
        ("SECOND(t)", "date_part('second', t)"),
        ("WEEK(d)", "date_part('week', d)"),
        ("YEAR(d)", "date_part('year', d)"),
    ];
    for (odbc, df) in cases {
        assert_eq!(f(odbc), df, "{odbc}");
    }
    assert_eq!(fails("{fn EXTRACT(DOW FROM d)}").state, state::SYNTAX_ERROR);
    assert_eq!(fails("{fn EXTRACT(d)}").state, state::SYNTAX_ERROR);
    assert_eq!(fails("{fn POSITION('a', s)}").state, state::SYNTAX_ERROR);
}

#[test]
fn timestampadd_every_interval() {
    let cases = [
        (
            "SQL_TSI_FRAC_SECOND",
            "CAST(ts AS TIMESTAMP)",
            "n - 1",
            "nanoseconds",
        ),
        (
            "SQL_TSI_SECOND",
            "CAST(ts AS TIMESTAMP)",
            "n - 1",
            "seconds",
        ),
        (
            "SQL_TSI_MINUTE",
            "CAST(ts AS TIMESTAMP)",
            "n - 1",
            "minutes",
        ),
        ("SQL_TSI_HOUR", "CAST(ts AS TIMESTAMP)", "n - 1", "hours"),
        ("SQL_TSI_DAY", "(ts)", "n - 1", "days"),
        ("sql_tsi_week", "(ts)", "n - 1", "weeks"),
        ("SQL_TSI_MONTH", "(ts)", "n - 1", "months"),
        ("SQL_TSI_QUARTER", "(ts)", "(n - 1) * 3", "months"),
        ("YEAR", "(ts)", "n - 1", "years"),
    ];
    for (unit, base, amount, name) in cases {
        assert_eq!(
            f(&format!("TIMESTAMPADD({unit}, n - 1, ts)")),
            format!("({base} + CAST(CAST({amount} AS VARCHAR) || ' {name}' AS INTERVAL))"),
        );
    }
    assert_eq!(
        fails("{fn TIMESTAMPADD(SQL_TSI_FORTNIGHT, 1, ts)}").state,
        state::SYNTAX_ERROR
    );
}

#[test]
fn timestampdiff_every_interval() {
    let epoch = "date_part('epoch', b) - date_part('epoch', a)";
    let cases = [
        ("SQL_TSI_SECOND", format!("CAST(trunc({epoch}) AS BIGINT)")),
        (
            "SQL_TSI_MINUTE",
            format!("CAST(trunc(({epoch}) / 60) AS BIGINT)"),
        ),
        (
            "SQL_TSI_HOUR",
            format!("CAST(trunc(({epoch}) / 3600) AS BIGINT)"),
        ),
        (
            "SQL_TSI_DAY",
            format!("CAST(trunc(({epoch}) / 86400) AS BIGINT)"),
        ),
        (
            "SQL_TSI_WEEK",
            format!("CAST(trunc(({epoch}) / 604800) AS BIGINT)"),
        ),
        (
            "SQL_TSI_MONTH",
            "CAST((date_part('year', b) - date_part('year', a)) * 12 + \
             (date_part('month', b) - date_part('month', a)) AS BIGINT)"
                .to_string(),
        ),
        (
            "SQL_TSI_QUARTER",
            "CAST((date_part('year', b) - date_part('year', a)) * 4 + \
             (date_part('quarter', b) - date_part('quarter', a)) AS BIGINT)"
                .to_string(),
        ),
        (
            "SQL_TSI_YEAR",
            "CAST((date_part('year', b) - date_part('year', a)) AS BIGINT)".to_string(),
        ),
    ];
    for (unit, sql) in cases {
        assert_eq!(f(&format!("TIMESTAMPDIFF({unit}, a, b)")), sql, "{unit}");
    }
    assert_eq!(
        fails("{fn TIMESTAMPDIFF(SQL_TSI_FRAC_SECOND, a, b)}").state,
        state::SYNTAX_ERROR
    );
}

#[test]
fn system_functions() {
    assert_eq!(f("DATABASE()"), "'pipedrive'");
    assert_eq!(f("USER()"), "'o''brien'");
    assert_eq!(f("IFNULL(a, 0)"), "coalesce(a, 0)");
    assert_eq!(fails("{fn USER(x)}").state, state::SYNTAX_ERROR);
}

#[test]
fn convert_every_type() {
    let cases = [
        ("SQL_BIGINT", "BIGINT"),
        ("SQL_INTEGER", "INT"),
        ("SQL_SMALLINT", "SMALLINT"),
        ("SQL_TINYINT", "TINYINT"),
        ("SQL_BIT", "BOOLEAN"),
        ("SQL_CHAR", "VARCHAR"),
        ("SQL_VARCHAR", "VARCHAR"),
        ("SQL_LONGVARCHAR", "VARCHAR"),
        ("SQL_WCHAR", "VARCHAR"),
        ("SQL_WVARCHAR", "VARCHAR"),
        ("sql_wlongvarchar", "VARCHAR"),
        ("SQL_DOUBLE", "DOUBLE"),
        ("SQL_FLOAT", "DOUBLE"),
        ("SQL_REAL", "REAL"),
        ("SQL_DECIMAL", "DECIMAL(38,10)"),
        ("SQL_NUMERIC", "DECIMAL(38,10)"),
        ("SQL_DATE", "DATE"),
        ("SQL_TYPE_DATE", "DATE"),
        ("SQL_TIME", "TIME"),
        ("SQL_TYPE_TIME", "TIME"),
        ("SQL_TIMESTAMP", "TIMESTAMP"),
        ("SQL_TYPE_TIMESTAMP", "TIMESTAMP"),
        ("SQL_BINARY", "BYTEA"),
        ("SQL_VARBINARY", "BYTEA"),
        ("SQL_LONGVARBINARY", "BYTEA"),
    ];
    for (odbc, df) in cases {
        assert_eq!(
            f(&format!("CONVERT(a + 1, {odbc})")),
            format!("CAST(a + 1 AS {df})")
        );
    }
    let e = fails("{fn CONVERT(a, SQL_GUID)}");
    assert_eq!(e.state, state::SYNTAX_ERROR);
    assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax));
    assert!(e.message.contains("SQL_GUID"), "{}", e.message);
}

#[test]
fn unknown_and_unsupported_functions() {
    for name in ["FOO", "SOUNDEX", "DIFFERENCE"] {
        let e = fails(&format!("SELECT {{fn {name}(x)}}"));
        assert_eq!(e.state, state::SYNTAX_ERROR);
        assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax), "{name}");
        assert_eq!(
            e.message,
            format!(
                "[apiodbc] The ODBC scalar function {name} is not supported; see \
                 SQLGetInfo(SQL_STRING_FUNCTIONS) for the supported ones"
            )
        );
    }
}

#[test]
fn malformed_escapes() {
    let cases = [
        ("SELECT {fn UCASE(x)", "not closed"),
        ("{fn UCASE(x}", "malformed"),
        ("{fn UCASE(x) y}", "malformed"),
        ("{fn (x)}", "function name"),
        ("{fn LEFT(x)}", "takes 2 arguments, but 1 were given"),
        ("{fn SUBSTRING(x)}", "takes 2 to 3 arguments"),
        ("{fn CONCAT(a)}", "at least 2"),
        ("{fn UCASE(a, , b)}", "empty argument"),
        ("{interval '1' day}", "not supported"),
        ("{guid '1'}", "not supported"),
    ];
    for (sql, needle) in cases {
        let e = fails(sql);
        assert_eq!(e.state, state::SYNTAX_ERROR, "{sql}");
        assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax), "{sql}");
        assert!(e.message.contains(needle), "{sql}: {}", e.message);
        assert!(e.message.starts_with("[apiodbc] "), "{}", e.message);
    }
}

#[test]
fn call_escapes_are_not_translated() {
    for sql in [
        "{call p(?)}",
        "SELECT 1; {call p}",
        "{?= call p(?)}",
        "{ ? = call p}",
    ] {
        let e = fails(sql);
        assert_eq!(e.state, state::SYNTAX_ERROR);
        assert_eq!(e.kind, ErrorKind::Sql(SqlError::Syntax), "{sql}");
        assert!(e.message.contains("{call"), "{}", e.message);
    }
}

#[test]
fn braces_that_are_not_escapes_are_kept() {
    assert_eq!(tr("SELECT {'a': 1}"), "SELECT {'a': 1}");
    assert_eq!(tr("SELECT 1 }"), "SELECT 1 }");
}
