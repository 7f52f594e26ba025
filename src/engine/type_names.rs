//! The SQL name of each Arrow type the engine produces, declared once: what `CAST(x AS name)`
//! accepts, and what SQLGetTypeInfo, SQLColumns, SQLDescribeCol, SQLColAttribute and the `sys`
//! tables all show. Types the engine has no SQL type for are named as what clients receive
//! (text for durations and intervals, JSON text for nested values).

use datafusion::arrow::datatypes::DataType;

/// The type's SQL name without parameters (`DECIMAL`, not `DECIMAL(10,2)`).
pub fn sql_type_name(data_type: &DataType) -> &'static str {
    match data_type {
        DataType::Boolean => "BOOLEAN",
        DataType::Int8 => "TINYINT",
        // Unsigned integers are widened to the next signed type, which holds every value.
        DataType::Int16 | DataType::UInt8 => "SMALLINT",
        DataType::Int32 | DataType::UInt16 => "INTEGER",
        DataType::Int64 | DataType::UInt32 => "BIGINT",
        DataType::Float16 | DataType::Float32 => "REAL",
        DataType::Float64 => "DOUBLE",
        DataType::UInt64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => "DECIMAL",
        DataType::Date32 | DataType::Date64 => "DATE",
        DataType::Time32(_) | DataType::Time64(_) => "TIME",
        DataType::Timestamp(..) => "TIMESTAMP",
        DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => "BYTEA",
        // Long text: JSON documents from the REST scan and nested values, delivered as JSON.
        DataType::LargeUtf8
        | DataType::List(_)
        | DataType::LargeList(_)
        | DataType::FixedSizeList(..)
        | DataType::ListView(_)
        | DataType::LargeListView(_)
        | DataType::Struct(_)
        | DataType::Map(..)
        | DataType::Union(..) => "TEXT",
        DataType::Dictionary(_, values) => sql_type_name(values),
        DataType::RunEndEncoded(_, values) => sql_type_name(values.data_type()),
        DataType::Utf8
        | DataType::Utf8View
        | DataType::Null
        | DataType::Duration(_)
        | DataType::Interval(_) => "VARCHAR",
    }
}

/// The type as SQL spells it with its parameters: `DECIMAL(10,2)`; other types as their name.
pub fn sql_type_spelling(data_type: &DataType) -> String {
    let (precision, scale) = match data_type {
        DataType::UInt64 => (20, 0),
        DataType::Decimal32(p, s)
        | DataType::Decimal64(p, s)
        | DataType::Decimal128(p, s)
        | DataType::Decimal256(p, s) => (i16::from(*p), i16::from(*s)),
        DataType::Dictionary(_, values) => return sql_type_spelling(values),
        other => return sql_type_name(other).to_string(),
    };
    // A negative scale (value = unscaled × 10^-scale) is spelled as the digits it needs.
    let (precision, scale) = if scale < 0 {
        (precision - scale, 0)
    } else {
        (precision, scale)
    };
    format!("DECIMAL({precision},{scale})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{Field, TimeUnit};
    use std::sync::Arc;

    #[test]
    fn names_and_spellings() {
        assert_eq!(sql_type_name(&DataType::Utf8), "VARCHAR");
        assert_eq!(sql_type_name(&DataType::LargeUtf8), "TEXT");
        let list = DataType::List(Arc::new(Field::new("item", DataType::Int64, true)));
        assert_eq!(sql_type_name(&list), "TEXT");
        assert_eq!(sql_type_name(&DataType::Binary), "BYTEA");
        assert_eq!(
            sql_type_spelling(&DataType::Decimal128(10, 2)),
            "DECIMAL(10,2)"
        );
        assert_eq!(
            sql_type_spelling(&DataType::Decimal128(5, -2)),
            "DECIMAL(7,0)"
        );
        assert_eq!(sql_type_spelling(&DataType::UInt64), "DECIMAL(20,0)");
        assert_eq!(
            sql_type_spelling(&DataType::Timestamp(TimeUnit::Microsecond, None)),
            "TIMESTAMP"
        );
    }
}
