//! SQL data types: the ODBC type codes (from `sql.h`, `sqlext.h` and `sqlucode.h`) and the mapping
//! from an Arrow column type to the metadata ODBC reports for it (SQLDescribeCol, SQLColAttribute,
//! SQLColumns, SQLGetTypeInfo).
//!
//! The mapping is docs/architecture.md's "Types". Every size it reports is bounded and never
//! 0: clients such as arrow-odbc size their buffers from COLUMN_SIZE and fail on 0 or on a value
//! longer than declared (docs/reference/odbc.md §9). Text columns are bounded by the driver's maximum text length
//! (`max_text_len`, by default [`DEFAULT_MAX_TEXT_LEN`]); the layer that writes values into client
//! buffers must keep every value within the COLUMN_SIZE reported here.
//!
//! Nothing here knows about handles or buffers: it is pure data and pure functions.

use crate::odbc::sql_types::{
    SQL_BIGINT, SQL_BIT, SQL_CODE_DATE, SQL_CODE_TIME, SQL_CODE_TIMESTAMP, SQL_DATE, SQL_DATETIME,
    SQL_DECIMAL, SQL_DOUBLE, SQL_INTEGER, SQL_PRED_BASIC, SQL_PRED_NONE, SQL_REAL, SQL_SEARCHABLE,
    SQL_SMALLINT, SQL_TIME, SQL_TIMESTAMP, SQL_TINYINT, SQL_TYPE_DATE, SQL_TYPE_TIME,
    SQL_TYPE_TIMESTAMP, SQL_VARBINARY, SQL_VARCHAR, SQL_WLONGVARCHAR, SQL_WVARCHAR,
};
use arrow::datatypes::{DataType, TimeUnit};

use crate::engine::type_names::sql_type_name;

// ---------------------------------------------------------------------------------------------
// Bounds
// ---------------------------------------------------------------------------------------------

/// COLUMN_SIZE of text columns that declare no length, unless the connection's
/// DefaultColumnSize says otherwise.
pub const DEFAULT_MAX_TEXT_LEN: u64 = crate::table_meta::DEFAULT_MAX_LENGTH;

/// COLUMN_SIZE of the long text type (JSON of nested values), unless `max_text_len` is larger.
pub const LONG_TEXT_LEN: u64 = 65535;

/// The largest text COLUMN_SIZE reported (the largest a profile may declare).
pub const MAX_TEXT_LEN_LIMIT: u64 = crate::table_meta::MAX_LENGTH_LIMIT;

/// Bytes one character may take in a client buffer: 4 in UTF-8 (SQL_C_CHAR) and 4 in UTF-16
/// (SQL_C_WCHAR, a surrogate pair). OCTET_LENGTH of text columns is COLUMN_SIZE × this.
pub const MAX_BYTES_PER_CHAR: u64 = 4;

/// Clamp a configured text length to `1..=MAX_TEXT_LEN_LIMIT`; 0 means "not configured".
pub fn bounded_text_len(max_text_len: u64) -> u64 {
    if max_text_len == 0 {
        DEFAULT_MAX_TEXT_LEN
    } else {
        max_text_len.min(MAX_TEXT_LEN_LIMIT)
    }
}

/// COLUMN_SIZE of the long text type for a given maximum text length.
pub fn long_text_len(max_text_len: u64) -> u64 {
    bounded_text_len(max_text_len).max(LONG_TEXT_LEN)
}

// ---------------------------------------------------------------------------------------------
// Column metadata
// ---------------------------------------------------------------------------------------------

/// Everything ODBC reports about a column's type, independent of its name and nullability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OdbcType {
    /// Concise type (SQL_DESC_CONCISE_TYPE, SQLDescribeCol, SQLColumns DATA_TYPE).
    pub sql_type: i16,
    /// Verbose type (SQL_DESC_TYPE, SQLColumns SQL_DATA_TYPE): `SQL_DATETIME` for dates and times.
    pub verbose_type: i16,
    /// SQL_DESC_DATETIME_INTERVAL_CODE / SQL_DATETIME_SUB; 0 for non-datetime types.
    pub datetime_sub: i16,
    /// The engine's name for the type (`engine::type_names`); usable in `CAST(x AS <name>)`.
    pub type_name: &'static str,
    /// COLUMN_SIZE: characters for text, bytes for binary, digits for numbers, characters of the
    /// literal for dates and times. Never 0.
    pub column_size: u64,
    /// DECIMAL_DIGITS: scale for DECIMAL, fractional-second digits for TIME/TIMESTAMP, else 0.
    pub decimal_digits: i16,
    /// NUM_PREC_RADIX: 10 for numeric types, 0 when not applicable.
    pub num_prec_radix: i16,
    /// SQL_DESC_DISPLAY_SIZE: characters needed to display any value.
    pub display_size: i64,
    /// SQL_DESC_OCTET_LENGTH / BUFFER_LENGTH: bytes a value takes in its default C type.
    pub octet_length: i64,
    /// SQL_DESC_UNSIGNED.
    pub unsigned: bool,
    /// SQL_DESC_CASE_SENSITIVE: comparisons on text are case sensitive in the engine.
    pub case_sensitive: bool,
    /// SQL_DESC_SEARCHABLE: one of `SQL_PRED_NONE`, `SQL_PRED_BASIC`, `SQL_PRED_SEARCHABLE`.
    pub searchable: i16,
    /// SQL_DESC_LITERAL_PREFIX.
    pub literal_prefix: Option<&'static str>,
    /// SQL_DESC_LITERAL_SUFFIX.
    pub literal_suffix: Option<&'static str>,
    /// SQL_DESC_FIXED_PREC_SCALE: true only for money-like types; the engine has none.
    pub fixed_prec_scale: bool,
}

impl OdbcType {
    const fn base(sql_type: i16) -> OdbcType {
        OdbcType {
            sql_type,
            verbose_type: sql_type,
            datetime_sub: 0,
            // Filled by `column_type` from the engine's one table of names.
            type_name: "",
            column_size: 1,
            decimal_digits: 0,
            num_prec_radix: 0,
            display_size: 1,
            octet_length: 1,
            unsigned: false,
            case_sensitive: false,
            searchable: SQL_PRED_BASIC,
            literal_prefix: None,
            literal_suffix: None,
            fixed_prec_scale: false,
        }
    }

    /// An exact or approximate number with `digits` decimal digits of precision.
    const fn number(sql_type: i16, digits: u64, display: i64, octets: i64) -> OdbcType {
        let mut t = OdbcType::base(sql_type);
        t.column_size = digits;
        t.num_prec_radix = 10;
        t.display_size = display;
        t.octet_length = octets;
        t
    }
}

/// Unicode text bounded at `max_text_len` characters (SQL_WVARCHAR, the engine's `VARCHAR`).
pub fn text_column_type(max_text_len: u64) -> OdbcType {
    let len = bounded_text_len(max_text_len);
    let mut t = OdbcType::base(SQL_WVARCHAR);
    t.column_size = len;
    t.display_size = len as i64;
    t.octet_length = (len * MAX_BYTES_PER_CHAR) as i64;
    t.case_sensitive = true;
    t.searchable = SQL_SEARCHABLE;
    t.literal_prefix = Some("'");
    t.literal_suffix = Some("'");
    t
}

/// Long Unicode text (SQL_WLONGVARCHAR): nested values (lists, structs, maps, unions) delivered as
/// JSON text. Also usable for a Utf8 column the engine knows to hold JSON documents.
///
/// SEARCHABLE is `SQL_PRED_NONE` here, for nested values computed by a statement: the engine's
/// column is the nested Arrow value, not text, so `LIKE` and comparisons on it do not work. JSON
/// read from an API is text (LargeUtf8) and searchable.
pub fn long_text_column_type(max_text_len: u64) -> OdbcType {
    let len = long_text_len(max_text_len);
    let mut t = OdbcType::base(SQL_WLONGVARCHAR);
    t.column_size = len;
    t.display_size = len as i64;
    t.octet_length = (len * MAX_BYTES_PER_CHAR) as i64;
    t.case_sensitive = true;
    t.searchable = SQL_PRED_NONE;
    t.literal_prefix = Some("'");
    t.literal_suffix = Some("'");
    t
}

/// Variable-length binary (SQL_VARBINARY, the engine's `BYTEA`) of at most `max_len` bytes.
fn binary_column_type(max_len: u64) -> OdbcType {
    let len = bounded_text_len(max_len);
    let mut t = OdbcType::base(SQL_VARBINARY);
    t.column_size = len;
    // Displayed as hexadecimal: two characters per byte.
    t.display_size = (len * 2) as i64;
    t.octet_length = len as i64;
    // The engine parses X'0A1B' as a binary literal.
    t.literal_prefix = Some("X'");
    t.literal_suffix = Some("'");
    t
}

fn tinyint() -> OdbcType {
    OdbcType::number(SQL_TINYINT, 3, 4, 1)
}
fn smallint() -> OdbcType {
    OdbcType::number(SQL_SMALLINT, 5, 6, 2)
}
fn integer() -> OdbcType {
    OdbcType::number(SQL_INTEGER, 10, 11, 4)
}
fn bigint() -> OdbcType {
    OdbcType::number(SQL_BIGINT, 19, 20, 8)
}
/// REAL: 7 decimal digits; display "sign, 7 digits, point, E, sign, 2 digits" = 14 (ODBC
/// appendix D). Radix 10 with digits rather than radix 2 with bits, as most drivers report.
fn real() -> OdbcType {
    OdbcType::number(SQL_REAL, 7, 14, 4)
}
/// DOUBLE: 15 decimal digits, display 24 (ODBC appendix D), radix 10 as for REAL.
fn double() -> OdbcType {
    OdbcType::number(SQL_DOUBLE, 15, 24, 8)
}

/// DECIMAL(precision, scale). Arrow allows a negative scale (value = unscaled × 10^-scale); ODBC
/// does not, so such a column is reported as DECIMAL(precision - scale, 0), which holds every value.
pub fn decimal_column_type(precision: u8, scale: i8) -> OdbcType {
    let (p, s) = if scale < 0 {
        (u64::from(precision) + u64::from(scale.unsigned_abs()), 0i16)
    } else {
        (u64::from(precision), i16::from(scale))
    };
    let p = p.max(1);
    // Display and transfer octet length: digits, sign and decimal point (appendix D).
    OdbcType::number(SQL_DECIMAL, p, (p + 2) as i64, (p + 2) as i64).with_scale(s)
}

impl OdbcType {
    const fn with_scale(mut self, scale: i16) -> OdbcType {
        self.decimal_digits = scale;
        self
    }
}

fn bit() -> OdbcType {
    // BIT: column size 1, display 1, one byte; NUM_PREC_RADIX does not apply.
    OdbcType::base(SQL_BIT)
}

fn datetime(sql_type: i16, sub: i16, size: u64, digits: i16) -> OdbcType {
    let mut t = OdbcType::base(sql_type);
    t.verbose_type = SQL_DATETIME;
    t.datetime_sub = sub;
    t.column_size = size;
    t.decimal_digits = digits;
    t.display_size = size as i64;
    // sizeof SQL_DATE_STRUCT / SQL_TIME_STRUCT / SQL_TIMESTAMP_STRUCT.
    t.octet_length = match sql_type {
        SQL_TYPE_TIMESTAMP => 16,
        _ => 6,
    };
    t
}

/// Fractional-second digits of an Arrow time unit.
pub fn fraction_digits(unit: &TimeUnit) -> i16 {
    match unit {
        TimeUnit::Second => 0,
        TimeUnit::Millisecond => 3,
        TimeUnit::Microsecond => 6,
        TimeUnit::Nanosecond => 9,
    }
}

fn date() -> OdbcType {
    // yyyy-mm-dd. The engine parses DATE 'yyyy-mm-dd' as a typed literal.
    let mut t = datetime(SQL_TYPE_DATE, SQL_CODE_DATE, 10, 0);
    t.literal_prefix = Some("DATE '");
    t.literal_suffix = Some("'");
    t
}

fn time(unit: &TimeUnit) -> OdbcType {
    // hh:mm:ss, plus a point and the fraction digits when the unit has them.
    let digits = fraction_digits(unit);
    let size = if digits == 0 { 8 } else { 9 + digits as u64 };
    let mut t = datetime(SQL_TYPE_TIME, SQL_CODE_TIME, size, digits);
    t.literal_prefix = Some("TIME '");
    t.literal_suffix = Some("'");
    t
}

fn timestamp(unit: &TimeUnit) -> OdbcType {
    // yyyy-mm-dd hh:mm:ss, plus a point and the fraction digits when the unit has them.
    let digits = fraction_digits(unit);
    let size = if digits == 0 { 19 } else { 20 + digits as u64 };
    let mut t = datetime(SQL_TYPE_TIMESTAMP, SQL_CODE_TIMESTAMP, size, digits);
    t.literal_prefix = Some("TIMESTAMP '");
    t.literal_suffix = Some("'");
    t
}

/// The ODBC description of a result or table column: a text column that declares its length
/// (`table_meta::max_length`, from a profile's `max_length` or a catalog's content) reports that
/// length; every other column is [`column_type`] of its type with `default_text_len`.
pub fn field_type(field: &arrow::datatypes::Field, default_text_len: u64) -> OdbcType {
    declared_type(
        field.data_type(),
        crate::table_meta::max_length(field),
        default_text_len,
    )
}

/// [`field_type`] of a column given by its type and declared length.
pub fn declared_type(dt: &DataType, declared: Option<u64>, default_text_len: u64) -> OdbcType {
    let mut t = column_type(dt, declared.unwrap_or(default_text_len));
    if let (Some(len), DataType::LargeUtf8) = (declared, dt) {
        // Declared JSON is as long as declared, not the long-text minimum.
        let len = bounded_text_len(len);
        t.column_size = len;
        t.display_size = len as i64;
        t.octet_length = (len * MAX_BYTES_PER_CHAR) as i64;
    }
    t
}

/// The ODBC description of an Arrow column type.
///
/// `max_text_len` bounds text and binary columns (0 means [`DEFAULT_MAX_TEXT_LEN`]).
///
/// | Arrow | ODBC |
/// |---|---|
/// | Utf8, Utf8View, Null | SQL_WVARCHAR(max_text_len) |
/// | LargeUtf8 (JSON from the REST scan) | SQL_WLONGVARCHAR |
/// | List, LargeList, FixedSizeList, ListView, Struct, Map, Union | SQL_WLONGVARCHAR (JSON), at least 65535 |
/// | Int8 / Int16 / Int32 / Int64 | SQL_TINYINT / SQL_SMALLINT / SQL_INTEGER / SQL_BIGINT |
/// | UInt8 / UInt16 / UInt32 | the next wider signed type: SMALLINT / INTEGER / BIGINT |
/// | UInt64 | SQL_DECIMAL(20, 0) |
/// | Float16, Float32 / Float64 | SQL_REAL / SQL_DOUBLE |
/// | Decimal32/64/128/256(p, s) | SQL_DECIMAL(p, s) |
/// | Boolean | SQL_BIT |
/// | Date32, Date64 | SQL_TYPE_DATE |
/// | Time32, Time64 | SQL_TYPE_TIME, fraction digits of the unit |
/// | Timestamp (with or without zone) | SQL_TYPE_TIMESTAMP, fraction digits of the unit |
/// | Binary, LargeBinary, BinaryView | SQL_VARBINARY(max_text_len bytes) |
/// | FixedSizeBinary(n) | SQL_VARBINARY(n) |
/// | Dictionary, RunEndEncoded | the type of their values |
/// | Duration, Interval, anything else | SQL_WVARCHAR(max_text_len), delivered as text |
///
/// Unsigned integers are widened rather than flagged unsigned: most clients ignore
/// SQL_DESC_UNSIGNED and would read 200u8 in a TINYINT as -56. The widened type holds every value.
pub fn column_type(dt: &DataType, max_text_len: u64) -> OdbcType {
    OdbcType {
        type_name: sql_type_name(dt),
        ..odbc_type(dt, max_text_len)
    }
}

fn odbc_type(dt: &DataType, max_text_len: u64) -> OdbcType {
    match dt {
        DataType::Utf8 | DataType::Utf8View | DataType::Null => text_column_type(max_text_len),
        // The REST scan gives JSON documents (nested objects and arrays) the LargeUtf8 type, so
        // clients see SQL_WLONGVARCHAR for them, as docs/architecture.md's "Types" says. That
        // JSON is text to the engine: `=`, `<` and LIKE work on it, so it is SEARCHABLE (Power BI
        // folds filters only on searchable types).
        DataType::LargeUtf8 => {
            let mut t = long_text_column_type(max_text_len);
            t.searchable = SQL_SEARCHABLE;
            t
        }
        DataType::List(_)
        | DataType::LargeList(_)
        | DataType::FixedSizeList(_, _)
        | DataType::ListView(_)
        | DataType::LargeListView(_)
        | DataType::Struct(_)
        | DataType::Map(_, _)
        | DataType::Union(_, _) => long_text_column_type(max_text_len),
        DataType::Int8 => tinyint(),
        DataType::Int16 | DataType::UInt8 => smallint(),
        DataType::Int32 | DataType::UInt16 => integer(),
        DataType::Int64 | DataType::UInt32 => bigint(),
        DataType::UInt64 => decimal_column_type(20, 0),
        DataType::Float16 | DataType::Float32 => real(),
        DataType::Float64 => double(),
        DataType::Decimal32(p, s)
        | DataType::Decimal64(p, s)
        | DataType::Decimal128(p, s)
        | DataType::Decimal256(p, s) => decimal_column_type(*p, *s),
        DataType::Boolean => bit(),
        DataType::Date32 | DataType::Date64 => date(),
        DataType::Time32(unit) | DataType::Time64(unit) => time(unit),
        DataType::Timestamp(unit, _) => timestamp(unit),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => {
            binary_column_type(max_text_len)
        }
        DataType::FixedSizeBinary(n) => binary_column_type(u64::try_from(*n).unwrap_or(1).max(1)),
        DataType::Dictionary(_, values) => odbc_type(values, max_text_len),
        DataType::RunEndEncoded(_, values) => odbc_type(values.data_type(), max_text_len),
        DataType::Duration(_) | DataType::Interval(_) => text_column_type(max_text_len),
    }
}

/// The representative column type of a concise SQL type, as SQLGetTypeInfo describes it: the
/// Arrow type the engine produces for it with the largest size and precision. `None` for types the
/// driver does not have. `SQL_VARCHAR` is described like `SQL_WVARCHAR` (see `type_info`).
pub fn type_for_sql_type(sql_type: i16, max_text_len: u64) -> Option<OdbcType> {
    let representative = match sql_type {
        SQL_WVARCHAR => DataType::Utf8,
        SQL_VARCHAR => {
            return Some(OdbcType {
                sql_type: SQL_VARCHAR,
                verbose_type: SQL_VARCHAR,
                ..column_type(&DataType::Utf8, max_text_len)
            })
        }
        SQL_WLONGVARCHAR => DataType::LargeUtf8,
        SQL_VARBINARY => DataType::Binary,
        SQL_BIT => DataType::Boolean,
        SQL_TINYINT => DataType::Int8,
        SQL_SMALLINT => DataType::Int16,
        SQL_INTEGER => DataType::Int32,
        SQL_BIGINT => DataType::Int64,
        SQL_REAL => DataType::Float32,
        SQL_DOUBLE => DataType::Float64,
        // Decimal128's largest precision.
        SQL_DECIMAL => DataType::Decimal128(38, 0),
        SQL_TYPE_DATE => DataType::Date32,
        // The engine's TIME and TIMESTAMP are nanosecond types.
        SQL_TYPE_TIME => DataType::Time64(TimeUnit::Nanosecond),
        SQL_TYPE_TIMESTAMP => DataType::Timestamp(TimeUnit::Nanosecond, None),
        _ => return None,
    };
    Some(column_type(&representative, max_text_len))
}

/// The type code an ODBC 2 application (SQL_ATTR_ODBC_VERSION = 2) expects: the ODBC 3 date/time
/// codes become SQL_DATE, SQL_TIME, SQL_TIMESTAMP. Other codes are unchanged.
pub fn odbc2_type(sql_type: i16) -> i16 {
    match sql_type {
        SQL_TYPE_DATE => SQL_DATE,
        SQL_TYPE_TIME => SQL_TIME,
        SQL_TYPE_TIMESTAMP => SQL_TIMESTAMP,
        other => other,
    }
}

/// The ODBC 3 code for a type an application may name with an ODBC 2 code: SQL_DATE (9),
/// SQL_TIME (10) and SQL_TIMESTAMP (11) become SQL_TYPE_DATE, SQL_TYPE_TIME, SQL_TYPE_TIMESTAMP.
/// Driver managers and ODBC 3 applications still pass the old codes to SQLGetTypeInfo.
pub fn odbc3_type(sql_type: i16) -> i16 {
    match sql_type {
        SQL_DATE => SQL_TYPE_DATE,
        SQL_TIME => SQL_TYPE_TIME,
        SQL_TIMESTAMP => SQL_TYPE_TIMESTAMP,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::{Field, Fields, IntervalUnit, UnionFields, UnionMode};
    use std::sync::Arc;

    fn every_arrow_type() -> Vec<DataType> {
        let item = Arc::new(Field::new("item", DataType::Int32, true));
        let entries = Arc::new(Field::new(
            "entries",
            DataType::Struct(Fields::from(vec![
                Field::new("key", DataType::Utf8, false),
                Field::new("value", DataType::Int32, true),
            ])),
            false,
        ));
        vec![
            DataType::Null,
            DataType::Boolean,
            DataType::Int8,
            DataType::Int16,
            DataType::Int32,
            DataType::Int64,
            DataType::UInt8,
            DataType::UInt16,
            DataType::UInt32,
            DataType::UInt64,
            DataType::Float16,
            DataType::Float32,
            DataType::Float64,
            DataType::Timestamp(TimeUnit::Second, None),
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            DataType::Timestamp(TimeUnit::Microsecond, None),
            DataType::Timestamp(TimeUnit::Nanosecond, None),
            DataType::Date32,
            DataType::Date64,
            DataType::Time32(TimeUnit::Second),
            DataType::Time32(TimeUnit::Millisecond),
            DataType::Time64(TimeUnit::Microsecond),
            DataType::Time64(TimeUnit::Nanosecond),
            DataType::Duration(TimeUnit::Second),
            DataType::Interval(IntervalUnit::MonthDayNano),
            DataType::Binary,
            DataType::FixedSizeBinary(16),
            DataType::LargeBinary,
            DataType::BinaryView,
            DataType::Utf8,
            DataType::LargeUtf8,
            DataType::Utf8View,
            DataType::List(item.clone()),
            DataType::ListView(item.clone()),
            DataType::FixedSizeList(item.clone(), 3),
            DataType::LargeList(item.clone()),
            DataType::LargeListView(item.clone()),
            DataType::Struct(Fields::from(vec![Field::new("a", DataType::Utf8, true)])),
            DataType::Union(
                UnionFields::try_new(vec![0], vec![Field::new("a", DataType::Int32, true)])
                    .expect("union fields"),
                UnionMode::Sparse,
            ),
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
            DataType::Decimal32(9, 2),
            DataType::Decimal64(18, 4),
            DataType::Decimal128(38, 10),
            DataType::Decimal256(76, 0),
            DataType::Map(entries, false),
            DataType::RunEndEncoded(
                Arc::new(Field::new("run_ends", DataType::Int32, false)),
                Arc::new(Field::new("values", DataType::Int64, true)),
            ),
        ]
    }

    #[test]
    fn every_arrow_type_has_bounded_nonzero_sizes() {
        for dt in every_arrow_type() {
            for max in [0, 1, 255, DEFAULT_MAX_TEXT_LEN, 1 << 31, u64::MAX] {
                let t = column_type(&dt, max);
                assert!(t.column_size > 0, "{dt}: column size 0");
                assert!(
                    t.column_size < (1 << 31),
                    "{dt}: column size {}",
                    t.column_size
                );
                assert!(
                    t.display_size > 0 && t.display_size <= i64::from(i32::MAX),
                    "{dt}"
                );
                assert!(
                    t.octet_length > 0 && t.octet_length <= i64::from(i32::MAX),
                    "{dt}"
                );
                assert!(!t.type_name.is_empty());
                assert!(
                    type_for_sql_type(t.sql_type, max).is_some(),
                    "{dt}: no type info row"
                );
                assert_eq!(
                    t.verbose_type == SQL_DATETIME,
                    matches!(
                        t.sql_type,
                        SQL_TYPE_DATE | SQL_TYPE_TIME | SQL_TYPE_TIMESTAMP
                    ),
                    "{dt}"
                );
            }
        }
    }

    #[test]
    fn text_is_wide_varchar_with_the_configured_bound() {
        assert_eq!(
            column_type(&DataType::LargeUtf8, DEFAULT_MAX_TEXT_LEN).sql_type,
            SQL_WLONGVARCHAR
        );
        for dt in [DataType::Utf8, DataType::Utf8View] {
            let t = column_type(&dt, DEFAULT_MAX_TEXT_LEN);
            assert_eq!(t.sql_type, SQL_WVARCHAR);
            assert_eq!(t.verbose_type, SQL_WVARCHAR);
            assert_eq!(t.column_size, 4000);
            assert_eq!(t.octet_length, 16000);
            assert_eq!(t.display_size, 4000);
            assert!(t.case_sensitive);
            assert_eq!(t.searchable, SQL_SEARCHABLE);
            assert_eq!(t.num_prec_radix, 0);
            assert_eq!(t.literal_prefix, Some("'"));
        }
        assert_eq!(
            column_type(&DataType::Utf8, 0).column_size,
            DEFAULT_MAX_TEXT_LEN
        );
        assert_eq!(column_type(&DataType::Utf8, 255).column_size, 255);
        let huge = column_type(&DataType::Utf8, 1 << 40);
        assert_eq!(huge.column_size, MAX_TEXT_LEN_LIMIT);
        assert!(huge.octet_length <= i64::from(i32::MAX));
        assert_eq!(column_type(&DataType::Null, 100).sql_type, SQL_WVARCHAR);
    }

    #[test]
    fn nested_values_are_long_text() {
        let item = Arc::new(Field::new("item", DataType::Utf8, true));
        let t = column_type(&DataType::List(item), DEFAULT_MAX_TEXT_LEN);
        assert_eq!(t.sql_type, SQL_WLONGVARCHAR);
        assert_eq!(t.column_size, LONG_TEXT_LEN);
        assert_eq!(t.searchable, SQL_PRED_NONE);
        let s = column_type(&DataType::Struct(Fields::empty()), 100_000);
        assert_eq!(s.sql_type, SQL_WLONGVARCHAR);
        assert_eq!(s.column_size, 100_000);
    }

    #[test]
    fn integers() {
        let cases = [
            (DataType::Int8, SQL_TINYINT, 3, 1),
            (DataType::Int16, SQL_SMALLINT, 5, 2),
            (DataType::Int32, SQL_INTEGER, 10, 4),
            (DataType::Int64, SQL_BIGINT, 19, 8),
            (DataType::UInt8, SQL_SMALLINT, 5, 2),
            (DataType::UInt16, SQL_INTEGER, 10, 4),
            (DataType::UInt32, SQL_BIGINT, 19, 8),
        ];
        for (dt, sql, size, octets) in cases {
            let t = column_type(&dt, 0);
            assert_eq!(
                (t.sql_type, t.column_size, t.octet_length),
                (sql, size, octets)
            );
            assert_eq!(t.display_size, size as i64 + 1, "{dt}: sign + digits");
            assert_eq!((t.num_prec_radix, t.decimal_digits), (10, 0));
            assert!(!t.unsigned);
            assert_eq!(t.searchable, SQL_PRED_BASIC);
            assert_eq!(t.literal_prefix, None);
        }
        let u64t = column_type(&DataType::UInt64, 0);
        assert_eq!(
            (u64t.sql_type, u64t.column_size, u64t.decimal_digits),
            (SQL_DECIMAL, 20, 0)
        );
    }

    #[test]
    fn floats_and_decimals() {
        let d = column_type(&DataType::Float64, 0);
        assert_eq!(
            (d.sql_type, d.column_size, d.num_prec_radix),
            (SQL_DOUBLE, 15, 10)
        );
        assert_eq!((d.display_size, d.octet_length), (24, 8));
        let r = column_type(&DataType::Float32, 0);
        assert_eq!(
            (r.sql_type, r.column_size, r.display_size, r.octet_length),
            (SQL_REAL, 7, 14, 4)
        );
        assert_eq!(column_type(&DataType::Float16, 0).sql_type, SQL_REAL);

        let dec = column_type(&DataType::Decimal128(12, 3), 0);
        assert_eq!(
            (dec.sql_type, dec.column_size, dec.decimal_digits),
            (SQL_DECIMAL, 12, 3)
        );
        assert_eq!(
            (dec.display_size, dec.octet_length, dec.num_prec_radix),
            (14, 14, 10)
        );
        assert!(!dec.fixed_prec_scale);
        let neg = column_type(&DataType::Decimal128(5, -2), 0);
        assert_eq!((neg.column_size, neg.decimal_digits), (7, 0));
    }

    #[test]
    fn boolean_and_binary() {
        let b = column_type(&DataType::Boolean, 0);
        assert_eq!(
            (b.sql_type, b.column_size, b.octet_length, b.num_prec_radix),
            (SQL_BIT, 1, 1, 0)
        );
        let v = column_type(&DataType::Binary, 1000);
        assert_eq!(
            (v.sql_type, v.column_size, v.octet_length, v.display_size),
            (SQL_VARBINARY, 1000, 1000, 2000)
        );
        assert_eq!(v.literal_prefix, Some("X'"));
        let f = column_type(&DataType::FixedSizeBinary(16), 1000);
        assert_eq!((f.sql_type, f.column_size), (SQL_VARBINARY, 16));
    }

    #[test]
    fn dates_and_times() {
        for dt in [DataType::Date32, DataType::Date64] {
            let t = column_type(&dt, 0);
            assert_eq!(
                (t.sql_type, t.verbose_type, t.datetime_sub),
                (SQL_TYPE_DATE, SQL_DATETIME, SQL_CODE_DATE)
            );
            assert_eq!(
                (t.column_size, t.decimal_digits, t.octet_length),
                (10, 0, 6)
            );
        }
        let cases = [
            (TimeUnit::Second, 19, 8, 0),
            (TimeUnit::Millisecond, 23, 12, 3),
            (TimeUnit::Microsecond, 26, 15, 6),
            (TimeUnit::Nanosecond, 29, 18, 9),
        ];
        for (unit, ts_size, time_size, digits) in cases {
            let ts = column_type(&DataType::Timestamp(unit, None), 0);
            assert_eq!(
                (ts.sql_type, ts.verbose_type, ts.datetime_sub),
                (SQL_TYPE_TIMESTAMP, SQL_DATETIME, SQL_CODE_TIMESTAMP)
            );
            assert_eq!(
                (ts.column_size, ts.decimal_digits, ts.octet_length),
                (ts_size, digits, 16)
            );
            let tz = column_type(&DataType::Timestamp(unit, Some("+02:00".into())), 0);
            assert_eq!(tz, ts);
            let time_type = match unit {
                TimeUnit::Second | TimeUnit::Millisecond => DataType::Time32(unit),
                _ => DataType::Time64(unit),
            };
            let t = column_type(&time_type, 0);
            assert_eq!((t.sql_type, t.datetime_sub), (SQL_TYPE_TIME, SQL_CODE_TIME));
            assert_eq!(
                (t.column_size, t.decimal_digits, t.octet_length),
                (time_size, digits, 6)
            );
        }
    }

    #[test]
    fn wrappers_take_their_value_type() {
        let dict = DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8));
        assert_eq!(column_type(&dict, 10), column_type(&DataType::Utf8, 10));
        let ree = DataType::RunEndEncoded(
            Arc::new(Field::new("r", DataType::Int32, false)),
            Arc::new(Field::new("v", DataType::Float64, true)),
        );
        assert_eq!(column_type(&ree, 10), column_type(&DataType::Float64, 10));
    }

    #[test]
    fn odbc2_and_odbc3_codes() {
        assert_eq!(odbc2_type(SQL_TYPE_DATE), 9);
        assert_eq!(odbc2_type(SQL_TYPE_TIME), 10);
        assert_eq!(odbc2_type(SQL_TYPE_TIMESTAMP), 11);
        assert_eq!(odbc2_type(SQL_WVARCHAR), SQL_WVARCHAR);
        assert_eq!(odbc3_type(SQL_DATE), SQL_TYPE_DATE);
        assert_eq!(odbc3_type(SQL_TIME), SQL_TYPE_TIME);
        assert_eq!(odbc3_type(SQL_TIMESTAMP), SQL_TYPE_TIMESTAMP);
        assert_eq!(odbc3_type(SQL_INTEGER), SQL_INTEGER);
    }

    #[test]
    fn a_declared_length_is_the_columns_size() {
        use crate::table_meta::with_max_length;
        use arrow::datatypes::Field;
        let text = with_max_length(Field::new("email", DataType::Utf8, true), 254);
        let t = field_type(&text, 4000);
        assert_eq!(
            (t.sql_type, t.column_size, t.octet_length),
            (SQL_WVARCHAR, 254, 254 * 4)
        );
        let json = with_max_length(Field::new("tags", DataType::LargeUtf8, true), 300);
        let t = field_type(&json, 4000);
        assert_eq!(
            (t.sql_type, t.column_size),
            (SQL_WLONGVARCHAR, 300),
            "not the long-text minimum"
        );
        let free = Field::new("name", DataType::Utf8, true);
        assert_eq!(
            field_type(&free, 255).column_size,
            255,
            "the connection's default"
        );
        let number = with_max_length(Field::new("id", DataType::Int64, true), 3);
        assert_eq!(
            field_type(&number, 4000).column_size,
            19,
            "only text is bounded by it"
        );
    }
}
