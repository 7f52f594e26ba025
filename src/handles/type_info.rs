//! SQLGetTypeInfo: the result set that lists the SQL types the driver returns, as an Arrow record
//! batch the statement layer serves like any other result.
//!
//! One row per type `sql_types::column_type` can produce, plus SQL_VARCHAR. The engine has a single
//! string type, `VARCHAR`, and it is Unicode; result columns are therefore always SQL_WVARCHAR.
//! It is listed under SQL_VARCHAR as well, with the same name and the same bound, because clients
//! look for it there: pyodbc reads SQL_VARCHAR's COLUMN_SIZE to size narrow string parameters
//! (docs/reference/odbc.md §7), applications that bind SQL_C_CHAR parameters declare them SQL_VARCHAR, and BI
//! tools take the SQL_VARCHAR row's TYPE_NAME to write `CAST(x AS VARCHAR)`, which the engine
//! accepts. Nothing in the engine is a non-Unicode string, so the row describes the same type.
//!
//! Rows are ordered by DATA_TYPE (in the codes of the application's ODBC version) as the
//! specification requires; each DATA_TYPE has one row, so no further ordering applies.

use std::sync::Arc;

use arrow::array::{ArrayRef, Int16Builder, Int32Builder, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;

use super::sql_types::{self as t, OdbcType};
use crate::odbc::sql_types::{
    SQL_ALL_TYPES, SQL_BIGINT, SQL_BIT, SQL_DECIMAL, SQL_DOUBLE, SQL_FALSE, SQL_INTEGER,
    SQL_NULLABLE, SQL_REAL, SQL_SMALLINT, SQL_TINYINT, SQL_TRUE, SQL_TYPE_DATE, SQL_TYPE_TIME,
    SQL_TYPE_TIMESTAMP, SQL_VARBINARY, SQL_VARCHAR, SQL_WLONGVARCHAR, SQL_WVARCHAR,
};

/// The concise types SQLGetTypeInfo lists, in ODBC 3 codes.
pub const DRIVER_TYPES: &[i16] = &[
    SQL_WLONGVARCHAR,
    SQL_WVARCHAR,
    SQL_BIT,
    SQL_TINYINT,
    SQL_BIGINT,
    SQL_VARBINARY,
    SQL_DECIMAL,
    SQL_INTEGER,
    SQL_SMALLINT,
    SQL_REAL,
    SQL_DOUBLE,
    SQL_VARCHAR,
    SQL_TYPE_DATE,
    SQL_TYPE_TIME,
    SQL_TYPE_TIMESTAMP,
];

/// The 19 columns of SQLGetTypeInfo, with the names, order and nullability of the specification.
pub fn type_info_schema() -> SchemaRef {
    // Its text columns hold type names and literal marks: declared as long as a name may be
    // (the specification's Varchar(128)), not the default thousands.
    let f = |name: &str, dt: DataType, nullable: bool| {
        let text = dt == DataType::Utf8;
        let field = Field::new(name, dt, nullable);
        if text {
            crate::table_meta::with_max_length(field, crate::table_meta::MAX_NAME_LENGTH)
        } else {
            field
        }
    };
    Arc::new(Schema::new(vec![
        f("TYPE_NAME", DataType::Utf8, false),
        f("DATA_TYPE", DataType::Int16, false),
        f("COLUMN_SIZE", DataType::Int32, true),
        f("LITERAL_PREFIX", DataType::Utf8, true),
        f("LITERAL_SUFFIX", DataType::Utf8, true),
        f("CREATE_PARAMS", DataType::Utf8, true),
        f("NULLABLE", DataType::Int16, false),
        f("CASE_SENSITIVE", DataType::Int16, false),
        f("SEARCHABLE", DataType::Int16, false),
        f("UNSIGNED_ATTRIBUTE", DataType::Int16, true),
        f("FIXED_PREC_SCALE", DataType::Int16, false),
        f("AUTO_UNIQUE_VALUE", DataType::Int16, true),
        f("LOCAL_TYPE_NAME", DataType::Utf8, true),
        f("MINIMUM_SCALE", DataType::Int16, true),
        f("MAXIMUM_SCALE", DataType::Int16, true),
        f("SQL_DATA_TYPE", DataType::Int16, false),
        f("SQL_DATETIME_SUB", DataType::Int16, true),
        f("NUM_PREC_RADIX", DataType::Int32, true),
        f("INTERVAL_PRECISION", DataType::Int16, true),
    ]))
}

/// SQLGetTypeInfo with the driver's default text bound ([`t::DEFAULT_MAX_TEXT_LEN`]).
#[cfg(test)]
///
/// `data_type` is `SQL_ALL_TYPES` (0) or one concise type; ODBC 2 date/time codes are accepted in
/// either version. A type the driver does not have yields zero rows. With `odbc_version` 2 the
/// DATA_TYPE column carries ODBC 2 date/time codes.
pub fn type_info_batch(data_type: i16, odbc_version: i32) -> RecordBatch {
    type_info_batch_with(data_type, odbc_version, t::DEFAULT_MAX_TEXT_LEN)
}

/// SQLGetTypeInfo for a connection whose text bound is `max_text_len`: the text and binary rows'
/// COLUMN_SIZE equals what `column_type` reports with the same bound.
pub fn type_info_batch_with(data_type: i16, odbc_version: i32, max_text_len: u64) -> RecordBatch {
    let wanted = t::odbc3_type(data_type);
    let mut rows: Vec<(i16, OdbcType)> = DRIVER_TYPES
        .iter()
        .filter(|&&code| data_type == SQL_ALL_TYPES || code == wanted)
        .filter_map(|&code| t::type_for_sql_type(code, max_text_len))
        .map(|ct| {
            let reported = if odbc_version == 2 {
                t::odbc2_type(ct.sql_type)
            } else {
                ct.sql_type
            };
            (reported, ct)
        })
        .collect();
    rows.sort_by_key(|(code, _)| *code);

    let n = rows.len();
    let mut type_name = StringBuilder::new();
    let mut data_type_col = Int16Builder::with_capacity(n);
    let mut column_size = Int32Builder::with_capacity(n);
    let mut prefix = StringBuilder::new();
    let mut suffix = StringBuilder::new();
    let mut create_params = StringBuilder::new();
    let mut nullable = Int16Builder::with_capacity(n);
    let mut case_sensitive = Int16Builder::with_capacity(n);
    let mut searchable = Int16Builder::with_capacity(n);
    let mut unsigned = Int16Builder::with_capacity(n);
    let mut fixed_prec_scale = Int16Builder::with_capacity(n);
    let mut auto_unique = Int16Builder::with_capacity(n);
    let mut local_type_name = StringBuilder::new();
    let mut min_scale = Int16Builder::with_capacity(n);
    let mut max_scale = Int16Builder::with_capacity(n);
    let mut sql_data_type = Int16Builder::with_capacity(n);
    let mut datetime_sub = Int16Builder::with_capacity(n);
    let mut radix = Int32Builder::with_capacity(n);
    let mut interval_precision = Int16Builder::with_capacity(n);

    for (code, ct) in &rows {
        let extra = extras(ct.sql_type);
        let numeric = ct.num_prec_radix != 0;
        type_name.append_value(ct.type_name);
        data_type_col.append_value(*code);
        column_size.append_value(i32::try_from(ct.column_size).unwrap_or(i32::MAX));
        prefix.append_option(ct.literal_prefix);
        suffix.append_option(ct.literal_suffix);
        create_params.append_option(extra.create_params);
        // Every type can hold NULL.
        nullable.append_value(SQL_NULLABLE);
        case_sensitive.append_value(bool16(ct.case_sensitive));
        searchable.append_value(ct.searchable);
        // UNSIGNED_ATTRIBUTE and AUTO_UNIQUE_VALUE are NULL where the attribute does not apply
        // (non-numeric types); no type auto-increments.
        unsigned.append_option(numeric.then_some(bool16(ct.unsigned)));
        fixed_prec_scale.append_value(bool16(ct.fixed_prec_scale));
        auto_unique.append_option(numeric.then_some(SQL_FALSE));
        local_type_name.append_null();
        min_scale.append_option(extra.scale.map(|(lo, _)| lo));
        max_scale.append_option(extra.scale.map(|(_, hi)| hi));
        sql_data_type.append_value(ct.verbose_type);
        datetime_sub.append_option((ct.datetime_sub != 0).then_some(ct.datetime_sub));
        radix.append_option(numeric.then_some(i32::from(ct.num_prec_radix)));
        interval_precision.append_null();
    }

    let columns: Vec<ArrayRef> = vec![
        Arc::new(type_name.finish()),
        Arc::new(data_type_col.finish()),
        Arc::new(column_size.finish()),
        Arc::new(prefix.finish()),
        Arc::new(suffix.finish()),
        Arc::new(create_params.finish()),
        Arc::new(nullable.finish()),
        Arc::new(case_sensitive.finish()),
        Arc::new(searchable.finish()),
        Arc::new(unsigned.finish()),
        Arc::new(fixed_prec_scale.finish()),
        Arc::new(auto_unique.finish()),
        Arc::new(local_type_name.finish()),
        Arc::new(min_scale.finish()),
        Arc::new(max_scale.finish()),
        Arc::new(sql_data_type.finish()),
        Arc::new(datetime_sub.finish()),
        Arc::new(radix.finish()),
        Arc::new(interval_precision.finish()),
    ];
    let schema = type_info_schema();
    // The columns are built to match the schema; the fallback is unreachable but keeps this
    // function total without a panic path.
    RecordBatch::try_new(schema.clone(), columns).unwrap_or_else(|_| RecordBatch::new_empty(schema))
}

fn bool16(b: bool) -> i16 {
    if b {
        SQL_TRUE
    } else {
        SQL_FALSE
    }
}

/// Per-type columns that `OdbcType` does not carry.
struct Extras {
    /// CREATE_PARAMS: the engine accepts these in `CAST(x AS NAME(...))`.
    create_params: Option<&'static str>,
    /// (MINIMUM_SCALE, MAXIMUM_SCALE); `None` where scale does not apply.
    scale: Option<(i16, i16)>,
}

fn extras(sql_type: i16) -> Extras {
    match sql_type {
        // Decimal128: precision 1..=38, scale 0..=38.
        SQL_DECIMAL => Extras {
            create_params: Some("precision,scale"),
            scale: Some((0, 38)),
        },
        // Integers have the fixed scale 0, reported as both minimum and maximum.
        SQL_TINYINT | SQL_SMALLINT | SQL_INTEGER | SQL_BIGINT => Extras {
            create_params: None,
            scale: Some((0, 0)),
        },
        // TIMESTAMP(p) with p in 0, 3, 6, 9 is accepted by the engine.
        SQL_TYPE_TIMESTAMP => Extras {
            create_params: Some("precision"),
            scale: Some((0, 9)),
        },
        // TIME is always nanosecond in the engine; TIME(p) is rejected.
        SQL_TYPE_TIME => Extras {
            create_params: None,
            scale: Some((0, 9)),
        },
        // VARCHAR(n) parses but the engine ignores n, so no parameter is advertised.
        _ => Extras {
            create_params: None,
            scale: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odbc::sql_types::{
        SQL_CHAR, SQL_CODE_TIMESTAMP, SQL_DATE, SQL_DATETIME, SQL_GUID, SQL_LONGVARBINARY,
        SQL_NUMERIC, SQL_TIME, SQL_TIMESTAMP,
    };
    use arrow::array::{Array, Int16Array, Int32Array, StringArray};
    use arrow::datatypes::TimeUnit;

    fn col<'a, T: 'static>(b: &'a RecordBatch, name: &str) -> &'a T {
        b.column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<T>())
            .expect("column of the expected type")
    }

    fn data_types(b: &RecordBatch) -> Vec<i16> {
        col::<Int16Array>(b, "DATA_TYPE").values().to_vec()
    }

    #[test]
    fn shape_and_names() {
        let b = type_info_batch(SQL_ALL_TYPES, 3);
        let names: Vec<&str> = b
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        assert_eq!(
            names,
            [
                "TYPE_NAME",
                "DATA_TYPE",
                "COLUMN_SIZE",
                "LITERAL_PREFIX",
                "LITERAL_SUFFIX",
                "CREATE_PARAMS",
                "NULLABLE",
                "CASE_SENSITIVE",
                "SEARCHABLE",
                "UNSIGNED_ATTRIBUTE",
                "FIXED_PREC_SCALE",
                "AUTO_UNIQUE_VALUE",
                "LOCAL_TYPE_NAME",
                "MINIMUM_SCALE",
                "MAXIMUM_SCALE",
                "SQL_DATA_TYPE",
                "SQL_DATETIME_SUB",
                "NUM_PREC_RADIX",
                "INTERVAL_PRECISION",
            ]
        );
        assert_eq!(b.num_columns(), 19);
        assert_eq!(b.num_rows(), DRIVER_TYPES.len());
        assert_eq!(b.schema_ref().field(2).data_type(), &DataType::Int32);
        assert_eq!(b.schema_ref().field(17).data_type(), &DataType::Int32);
        assert!(!b.schema_ref().field(0).is_nullable());
        assert!(b.schema_ref().field(3).is_nullable());
    }

    #[test]
    fn ordered_by_data_type() {
        let codes = data_types(&type_info_batch(SQL_ALL_TYPES, 3));
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
        assert_eq!(codes.first(), Some(&SQL_WLONGVARCHAR));
        assert_eq!(codes.last(), Some(&SQL_TYPE_TIMESTAMP));
        assert!(codes.contains(&SQL_VARCHAR));
    }

    #[test]
    fn odbc2_codes_and_order() {
        let codes = data_types(&type_info_batch(SQL_ALL_TYPES, 2));
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
        for code in [SQL_DATE, SQL_TIME, SQL_TIMESTAMP] {
            assert!(codes.contains(&code));
        }
        for code in [SQL_TYPE_DATE, SQL_TYPE_TIME, SQL_TYPE_TIMESTAMP] {
            assert!(!codes.contains(&code));
        }
        // An ODBC 2 application asks with the ODBC 2 code and gets one row back.
        let b = type_info_batch(SQL_TIMESTAMP, 2);
        assert_eq!(data_types(&b), [SQL_TIMESTAMP]);
        // SQL_DATA_TYPE stays the ODBC 3 verbose type.
        assert_eq!(
            col::<Int16Array>(&b, "SQL_DATA_TYPE").value(0),
            SQL_DATETIME
        );
    }

    #[test]
    fn single_type_requests() {
        let b = type_info_batch(SQL_WVARCHAR, 3);
        assert_eq!(b.num_rows(), 1);
        assert_eq!(col::<StringArray>(&b, "TYPE_NAME").value(0), "VARCHAR");
        let size = col::<Int32Array>(&b, "COLUMN_SIZE").value(0);
        let described = t::column_type(&DataType::Utf8, t::DEFAULT_MAX_TEXT_LEN);
        assert_eq!(size as u64, described.column_size);

        let v = type_info_batch(SQL_VARCHAR, 3);
        assert_eq!(data_types(&v), [SQL_VARCHAR]);
        assert_eq!(col::<Int32Array>(&v, "COLUMN_SIZE").value(0), size);

        let ts = type_info_batch(SQL_TYPE_TIMESTAMP, 3);
        assert_eq!(data_types(&ts), [SQL_TYPE_TIMESTAMP]);
        assert_eq!(col::<Int32Array>(&ts, "COLUMN_SIZE").value(0), 29);
        assert_eq!(
            col::<Int16Array>(&ts, "SQL_DATETIME_SUB").value(0),
            SQL_CODE_TIMESTAMP
        );
        assert_eq!(col::<Int16Array>(&ts, "MAXIMUM_SCALE").value(0), 9);
        // ODBC 3 application using the old code.
        assert_eq!(
            data_types(&type_info_batch(SQL_TIMESTAMP, 3)),
            [SQL_TYPE_TIMESTAMP]
        );

        let bin = type_info_batch(SQL_VARBINARY, 3);
        assert_eq!(col::<Int32Array>(&bin, "COLUMN_SIZE").value(0), 4000);
        assert_eq!(col::<StringArray>(&bin, "TYPE_NAME").value(0), "BYTEA");
    }

    #[test]
    fn unknown_type_gives_no_rows() {
        for code in [SQL_CHAR, SQL_GUID, SQL_LONGVARBINARY, SQL_NUMERIC, 1234] {
            let b = type_info_batch(code, 3);
            assert_eq!(b.num_rows(), 0, "type {code}");
            assert_eq!(b.num_columns(), 19);
        }
    }

    #[test]
    fn wide_text_sizes_follow_the_bound() {
        let b = type_info_batch_with(SQL_ALL_TYPES, 3, 255);
        let codes = data_types(&b);
        let sizes = col::<Int32Array>(&b, "COLUMN_SIZE");
        for (i, code) in codes.iter().enumerate() {
            match *code {
                SQL_WVARCHAR | SQL_VARCHAR => assert_eq!(sizes.value(i), 255),
                SQL_WLONGVARCHAR => assert_eq!(sizes.value(i), 65535),
                _ => {}
            }
        }
    }

    #[test]
    fn every_row_matches_column_type_of_an_arrow_type() {
        let arrow_types = [
            DataType::Utf8,
            DataType::List(Arc::new(Field::new("i", DataType::Int32, true))),
            DataType::Binary,
            DataType::Boolean,
            DataType::Int8,
            DataType::Int16,
            DataType::Int32,
            DataType::Int64,
            DataType::Float32,
            DataType::Float64,
            DataType::Decimal128(38, 0),
            DataType::Date32,
            DataType::Time64(TimeUnit::Nanosecond),
            DataType::Timestamp(TimeUnit::Nanosecond, None),
        ];
        let b = type_info_batch(SQL_ALL_TYPES, 3);
        let codes = data_types(&b);
        let names = col::<StringArray>(&b, "TYPE_NAME");
        let sizes = col::<Int32Array>(&b, "COLUMN_SIZE");
        let radix = col::<Int32Array>(&b, "NUM_PREC_RADIX");
        let unsigned = col::<Int16Array>(&b, "UNSIGNED_ATTRIBUTE");
        for dt in arrow_types {
            let ct = t::column_type(&dt, t::DEFAULT_MAX_TEXT_LEN);
            let row = codes
                .iter()
                .position(|c| *c == ct.sql_type)
                .expect("a row for every produced type");
            assert_eq!(names.value(row), ct.type_name, "{dt}");
            assert_eq!(sizes.value(row) as u64, ct.column_size, "{dt}");
            if ct.num_prec_radix == 0 {
                assert!(radix.is_null(row) && unsigned.is_null(row), "{dt}");
            } else {
                assert_eq!(radix.value(row), 10);
                assert_eq!(unsigned.value(row), 0);
            }
        }
    }
}
