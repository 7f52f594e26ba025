//! ODBC C data type identifiers (the `TargetType` of SQLGetData/SQLBindCol and the `ValueType` of
//! SQLBindParameter), the special length/indicator values, the byte size of each fixed-size C type
//! and its name for messages. Values are those of unixODBC's `sql.h`, `sqlext.h` and `sqlucode.h`.
//! This module only names things; conversions live in `handles::convert`.

use crate::odbc::c_types::{
    SQL_APD_TYPE, SQL_ARD_TYPE, SQL_C_BINARY, SQL_C_BIT, SQL_C_CHAR, SQL_C_DATE, SQL_C_DEFAULT,
    SQL_C_DOUBLE, SQL_C_FLOAT, SQL_C_GUID, SQL_C_INTERVAL_DAY, SQL_C_INTERVAL_DAY_TO_HOUR,
    SQL_C_INTERVAL_DAY_TO_MINUTE, SQL_C_INTERVAL_DAY_TO_SECOND, SQL_C_INTERVAL_HOUR,
    SQL_C_INTERVAL_HOUR_TO_MINUTE, SQL_C_INTERVAL_HOUR_TO_SECOND, SQL_C_INTERVAL_MINUTE,
    SQL_C_INTERVAL_MINUTE_TO_SECOND, SQL_C_INTERVAL_MONTH, SQL_C_INTERVAL_SECOND,
    SQL_C_INTERVAL_YEAR, SQL_C_INTERVAL_YEAR_TO_MONTH, SQL_C_LONG, SQL_C_NUMERIC, SQL_C_SBIGINT,
    SQL_C_SHORT, SQL_C_SLONG, SQL_C_SSHORT, SQL_C_STINYINT, SQL_C_TIME, SQL_C_TIMESTAMP,
    SQL_C_TINYINT, SQL_C_TYPE_DATE, SQL_C_TYPE_TIME, SQL_C_TYPE_TIMESTAMP, SQL_C_UBIGINT,
    SQL_C_ULONG, SQL_C_USHORT, SQL_C_UTINYINT, SQL_C_WCHAR,
};

/// Size of `SQL_NUMERIC_STRUCT` (precision, scale, sign, 16 bytes of magnitude).
pub const NUMERIC_STRUCT_SIZE: usize = 19;

/// Byte size of a fixed-size C type (`SQLSMALLINT`, `DATE_STRUCT`, ...). `None` for the
/// variable-length types (CHAR, WCHAR, BINARY) and for codes that are not C types.
pub fn fixed_size(c_type: i16) -> Option<usize> {
    match c_type {
        SQL_C_STINYINT | SQL_C_UTINYINT | SQL_C_TINYINT | SQL_C_BIT => Some(1),
        SQL_C_SSHORT | SQL_C_USHORT | SQL_C_SHORT => Some(2),
        SQL_C_SLONG | SQL_C_ULONG | SQL_C_LONG | SQL_C_FLOAT => Some(4),
        SQL_C_SBIGINT | SQL_C_UBIGINT | SQL_C_DOUBLE => Some(8),
        SQL_C_NUMERIC => Some(NUMERIC_STRUCT_SIZE),
        SQL_C_TYPE_DATE | SQL_C_DATE | SQL_C_TYPE_TIME | SQL_C_TIME => Some(6),
        SQL_C_TYPE_TIMESTAMP | SQL_C_TIMESTAMP | SQL_C_GUID => Some(16),
        // SQL_INTERVAL_STRUCT: interval_type (4), interval_sign (2), padding (2), then the
        // largest union member (day/hour/minute/second/fraction: 5 x 4).
        SQL_C_INTERVAL_YEAR..=SQL_C_INTERVAL_MINUTE_TO_SECOND => Some(28),
        _ => None,
    }
}

/// True for the C types whose buffers hold variable-length data (length in BufferLength).
pub fn is_variable_length(c_type: i16) -> bool {
    matches!(c_type, SQL_C_CHAR | SQL_C_WCHAR | SQL_C_BINARY)
}

/// The ODBC name of a C type code, for messages. Codes that are not C types give `"unknown"`.
pub fn name(c_type: i16) -> &'static str {
    match c_type {
        SQL_C_CHAR => "SQL_C_CHAR",
        SQL_C_WCHAR => "SQL_C_WCHAR",
        SQL_C_SHORT => "SQL_C_SHORT",
        SQL_C_SSHORT => "SQL_C_SSHORT",
        SQL_C_USHORT => "SQL_C_USHORT",
        SQL_C_LONG => "SQL_C_LONG",
        SQL_C_SLONG => "SQL_C_SLONG",
        SQL_C_ULONG => "SQL_C_ULONG",
        SQL_C_SBIGINT => "SQL_C_SBIGINT",
        SQL_C_UBIGINT => "SQL_C_UBIGINT",
        SQL_C_TINYINT => "SQL_C_TINYINT",
        SQL_C_STINYINT => "SQL_C_STINYINT",
        SQL_C_UTINYINT => "SQL_C_UTINYINT",
        SQL_C_FLOAT => "SQL_C_FLOAT",
        SQL_C_DOUBLE => "SQL_C_DOUBLE",
        SQL_C_BIT => "SQL_C_BIT",
        SQL_C_NUMERIC => "SQL_C_NUMERIC",
        SQL_C_TYPE_DATE => "SQL_C_TYPE_DATE",
        SQL_C_TYPE_TIME => "SQL_C_TYPE_TIME",
        SQL_C_TYPE_TIMESTAMP => "SQL_C_TYPE_TIMESTAMP",
        SQL_C_DATE => "SQL_C_DATE",
        SQL_C_TIME => "SQL_C_TIME",
        SQL_C_TIMESTAMP => "SQL_C_TIMESTAMP",
        SQL_C_BINARY => "SQL_C_BINARY",
        SQL_C_GUID => "SQL_C_GUID",
        SQL_C_DEFAULT => "SQL_C_DEFAULT",
        SQL_ARD_TYPE => "SQL_ARD_TYPE",
        SQL_APD_TYPE => "SQL_APD_TYPE",
        SQL_C_INTERVAL_YEAR => "SQL_C_INTERVAL_YEAR",
        SQL_C_INTERVAL_MONTH => "SQL_C_INTERVAL_MONTH",
        SQL_C_INTERVAL_DAY => "SQL_C_INTERVAL_DAY",
        SQL_C_INTERVAL_HOUR => "SQL_C_INTERVAL_HOUR",
        SQL_C_INTERVAL_MINUTE => "SQL_C_INTERVAL_MINUTE",
        SQL_C_INTERVAL_SECOND => "SQL_C_INTERVAL_SECOND",
        SQL_C_INTERVAL_YEAR_TO_MONTH => "SQL_C_INTERVAL_YEAR_TO_MONTH",
        SQL_C_INTERVAL_DAY_TO_HOUR => "SQL_C_INTERVAL_DAY_TO_HOUR",
        SQL_C_INTERVAL_DAY_TO_MINUTE => "SQL_C_INTERVAL_DAY_TO_MINUTE",
        SQL_C_INTERVAL_DAY_TO_SECOND => "SQL_C_INTERVAL_DAY_TO_SECOND",
        SQL_C_INTERVAL_HOUR_TO_MINUTE => "SQL_C_INTERVAL_HOUR_TO_MINUTE",
        SQL_C_INTERVAL_HOUR_TO_SECOND => "SQL_C_INTERVAL_HOUR_TO_SECOND",
        SQL_C_INTERVAL_MINUTE_TO_SECOND => "SQL_C_INTERVAL_MINUTE_TO_SECOND",
        _ => "unknown",
    }
}

/// True when `c_type` is a C type code the ODBC specification defines (supported or not).
pub fn is_known(c_type: i16) -> bool {
    name(c_type) != "unknown"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_sqlext_h() {
        assert_eq!(SQL_C_SBIGINT, -5 - 20);
        assert_eq!(SQL_C_UBIGINT, -5 - 22);
        assert_eq!(SQL_C_SLONG, SQL_C_LONG - 20);
        assert_eq!(SQL_C_USHORT, SQL_C_SHORT - 22);
        assert_eq!(SQL_C_STINYINT, SQL_C_TINYINT - 20);
        assert_eq!(SQL_C_UTINYINT, SQL_C_TINYINT - 22);
    }

    #[test]
    fn sizes_and_names() {
        assert_eq!(fixed_size(SQL_C_TYPE_DATE), Some(6));
        assert_eq!(fixed_size(SQL_C_TIME), Some(6));
        assert_eq!(fixed_size(SQL_C_TYPE_TIMESTAMP), Some(16));
        assert_eq!(fixed_size(SQL_C_NUMERIC), Some(19));
        assert_eq!(fixed_size(SQL_C_SBIGINT), Some(8));
        assert_eq!(fixed_size(SQL_C_CHAR), None);
        assert_eq!(name(SQL_C_WCHAR), "SQL_C_WCHAR");
        assert!(is_known(SQL_C_GUID));
        assert!(!is_known(1234));
        assert_eq!(name(1234), "unknown");
    }
}
