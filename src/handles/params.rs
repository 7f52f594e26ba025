//! Bound parameters at SQLExecute: reading each value out of the application's buffers (APD),
//! typed by the IPD, and turning it into the engine's scalar values.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;

use super::c_data::{read_param, ParamValue};
use super::c_types;
use super::descriptor::DescState;
use crate::error::{state, Error, Result};
use crate::odbc::attributes::SQL_NULL_DATA;
use crate::odbc::c_types::{
    SQL_C_BINARY, SQL_C_BIT, SQL_C_CHAR, SQL_C_DEFAULT, SQL_C_DOUBLE, SQL_C_FLOAT, SQL_C_SBIGINT,
    SQL_C_SLONG, SQL_C_SSHORT, SQL_C_STINYINT, SQL_C_TYPE_DATE, SQL_C_TYPE_TIME,
    SQL_C_TYPE_TIMESTAMP, SQL_C_WCHAR, SQL_DATA_AT_EXEC, SQL_LEN_DATA_AT_EXEC_OFFSET,
};
use crate::odbc::returns::SQL_NTS;
use crate::odbc::sql_types::{
    SQL_BIGINT, SQL_BINARY, SQL_BIT, SQL_DATE, SQL_DECIMAL, SQL_DOUBLE, SQL_FLOAT, SQL_INTEGER,
    SQL_LONGVARBINARY, SQL_NUMERIC, SQL_REAL, SQL_SMALLINT, SQL_TIME, SQL_TIMESTAMP, SQL_TINYINT,
    SQL_TYPE_DATE, SQL_TYPE_TIME, SQL_TYPE_TIMESTAMP, SQL_VARBINARY, SQL_VARCHAR, SQL_WCHAR,
    SQL_WLONGVARCHAR, SQL_WVARCHAR,
};

/// The C type a SQL_C_DEFAULT parameter has, from its SQL type.
fn default_c_type(sql_type: i16) -> i16 {
    match sql_type {
        SQL_WCHAR | SQL_WVARCHAR | SQL_WLONGVARCHAR => SQL_C_WCHAR,
        SQL_BIT => SQL_C_BIT,
        SQL_TINYINT => SQL_C_STINYINT,
        SQL_SMALLINT => SQL_C_SSHORT,
        SQL_INTEGER => SQL_C_SLONG,
        SQL_BIGINT => SQL_C_SBIGINT,
        SQL_REAL => SQL_C_FLOAT,
        SQL_FLOAT | SQL_DOUBLE => SQL_C_DOUBLE,
        SQL_TYPE_DATE | SQL_DATE => SQL_C_TYPE_DATE,
        SQL_TYPE_TIME | SQL_TIME => SQL_C_TYPE_TIME,
        SQL_TYPE_TIMESTAMP | SQL_TIMESTAMP => SQL_C_TYPE_TIMESTAMP,
        SQL_BINARY | SQL_VARBINARY | SQL_LONGVARBINARY => SQL_C_BINARY,
        _ => SQL_C_CHAR,
    }
}

/// A typed NULL, so that `? + 1` with a NULL still plans.
fn typed_null(sql_type: i16) -> ScalarValue {
    match sql_type {
        SQL_BIT => ScalarValue::Boolean(None),
        SQL_TINYINT | SQL_SMALLINT | SQL_INTEGER | SQL_BIGINT => ScalarValue::Int64(None),
        SQL_REAL | SQL_FLOAT | SQL_DOUBLE => ScalarValue::Float64(None),
        SQL_TYPE_DATE | SQL_DATE => ScalarValue::Date32(None),
        _ => ScalarValue::Utf8(None),
    }
}

fn to_scalar(value: ParamValue, sql_type: i16) -> ScalarValue {
    match value {
        ParamValue::Null => typed_null(sql_type),
        ParamValue::Bool(b) => ScalarValue::Boolean(Some(b)),
        ParamValue::I64(v) => ScalarValue::Int64(Some(v)),
        ParamValue::U64(v) => ScalarValue::UInt64(Some(v)),
        ParamValue::F64(v) => ScalarValue::Float64(Some(v)),
        ParamValue::Text(s) => ScalarValue::Utf8(Some(s)),
        ParamValue::Binary(b) => ScalarValue::Binary(Some(b)),
        ParamValue::Decimal {
            value,
            precision,
            scale,
        } => ScalarValue::Decimal128(Some(value), precision, scale),
        ParamValue::Date(d) => {
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
            ScalarValue::Date32(Some(d.signed_duration_since(epoch).num_days() as i32))
        }
        ParamValue::Time(t) => {
            let nanos = chrono::Timelike::num_seconds_from_midnight(&t) as i64 * 1_000_000_000
                + chrono::Timelike::nanosecond(&t) as i64;
            ScalarValue::Time64Nanosecond(Some(nanos))
        }
        ParamValue::Timestamp(ts) => {
            ScalarValue::TimestampMicrosecond(Some(ts.and_utc().timestamp_micros()), None)
        }
    }
}

/// A data-at-execution parameter's value, as SQLPutData gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Supplied {
    Null,
    /// The pieces put so far, joined, in the parameter's C type.
    Bytes(Vec<u8>),
}

fn is_data_at_exec(indicator: Option<isize>) -> bool {
    indicator == Some(SQL_DATA_AT_EXEC)
        || indicator.is_some_and(|v| v <= SQL_LEN_DATA_AT_EXEC_OFFSET)
}

/// The parameters (from 0) bound as data-at-execution, in the order SQLParamData asks for them.
pub fn data_at_exec(apd: &DescState, count: usize) -> Vec<usize> {
    (0..count)
        .filter(|&i| {
            apd.records.get(i).is_some_and(|app| {
                app.is_bound()
                    && is_data_at_exec(
                        apd.element(app.indicator_ptr, 0, std::mem::size_of::<isize>())
                            .read_isize(),
                    )
            })
        })
        .collect()
}

/// Reads parameters 1..=count from the APD/IPD (data-at-execution ones from `supplied`); the
/// engine matches them to the statement's types.
pub fn read_all(
    apd: &DescState,
    ipd: &DescState,
    count: usize,
    set: usize,
    supplied: &std::collections::BTreeMap<usize, Supplied>,
) -> Result<Vec<ScalarValue>> {
    let mut values = Vec::with_capacity(count);
    for i in 0..count {
        let number = (i + 1) as u16;
        let unbound = || {
            Error::new(
                state::WRONG_NUMBER_OF_PARAMETERS,
                format!("The statement has {count} parameter markers but parameter {number} is not bound; bind it with SQLBindParameter"),
            )
        };
        let app = apd
            .records
            .get(i)
            .filter(|r| r.is_bound())
            .ok_or_else(unbound)?;
        let sql_type = ipd
            .records
            .get(i)
            .map(|r| r.concise_type)
            .unwrap_or(SQL_VARCHAR);
        let c_type = if app.concise_type == SQL_C_DEFAULT {
            default_c_type(sql_type)
        } else {
            app.concise_type
        };
        let indicator_at = apd.element(app.indicator_ptr, set, std::mem::size_of::<isize>());
        let indicator = indicator_at.read_isize();
        let data_at = apd.element(app.data_ptr, set, element_size(app, c_type));
        let value = if is_data_at_exec(indicator) {
            match supplied.get(&i) {
                Some(Supplied::Bytes(bytes)) => {
                    read_param(c_type, bytes, Some(bytes.len() as isize), number)?
                }
                Some(Supplied::Null) => ParamValue::Null,
                None => {
                    return Err(Error::new(
                        state::FUNCTION_SEQUENCE_ERROR,
                        format!("Parameter {number} is data-at-execution and has no data; send it with SQLParamData and SQLPutData"),
                    ))
                }
            }
        } else if indicator == Some(SQL_NULL_DATA) || data_at.is_null() {
            ParamValue::Null
        } else {
            let bytes = match c_types::fixed_size(c_type) {
                Some(size) => data_at.read_bytes(size),
                None => match indicator {
                    Some(len) if len >= 0 => data_at.read_bytes(len as usize),
                    Some(SQL_NTS) | None if c_type == SQL_C_WCHAR => data_at.read_nul_terminated(
                        crate::wchar::unit(),
                        bound_or_unbounded(app.octet_length),
                    ),
                    Some(SQL_NTS) | None if c_type == SQL_C_CHAR => {
                        data_at.read_nul_terminated(1, bound_or_unbounded(app.octet_length))
                    }
                    None => data_at.read_bytes(app.octet_length.max(0) as usize),
                    Some(other) => {
                        return Err(Error::new(
                            state::INVALID_STRING_OR_BUFFER_LENGTH,
                            format!("Parameter {number} has the invalid length/indicator {other}"),
                        ))
                    }
                },
            };
            read_param(c_type, &bytes, indicator, number)?
        };
        let mut scalar = to_scalar(value, sql_type);
        // Text bound for a typed SQL parameter (pyodbc sends Decimal as SQL_C_CHAR/SQL_NUMERIC)
        // takes the declared SQL type, as a database would convert it.
        if let (ScalarValue::Utf8(Some(_)), Some(declared)) =
            (&scalar, ipd.records.get(i).and_then(declared_type))
        {
            scalar = scalar.cast_to(&declared).map_err(|_| {
                Error::new(
                    state::INVALID_CHARACTER_VALUE,
                    format!("Parameter {number} is not a valid {declared} value"),
                )
            })?;
        }
        values.push(scalar);
    }
    Ok(values)
}

/// Bytes of one element of a bound parameter array: the C type's size, or the buffer length.
fn element_size(app: &super::descriptor::DescRecord, c_type: i16) -> usize {
    c_types::fixed_size(c_type).unwrap_or(app.octet_length.max(0) as usize)
}

/// The engine type of a parameter's declared SQL type, for the types text converts into.
fn declared_type(rec: &super::descriptor::DescRecord) -> Option<DataType> {
    match rec.concise_type {
        SQL_NUMERIC | SQL_DECIMAL => {
            let precision = (rec.length as u8).clamp(1, 38);
            let scale = (rec.scale.max(0) as i8).min(precision as i8);
            Some(DataType::Decimal128(precision, scale))
        }
        SQL_TINYINT | SQL_SMALLINT | SQL_INTEGER | SQL_BIGINT => Some(DataType::Int64),
        SQL_REAL | SQL_FLOAT | SQL_DOUBLE => Some(DataType::Float64),
        SQL_BIT => Some(DataType::Boolean),
        SQL_TYPE_DATE | SQL_DATE => Some(DataType::Date32),
        SQL_TYPE_TIMESTAMP | SQL_TIMESTAMP => Some(DataType::Timestamp(
            datafusion::arrow::datatypes::TimeUnit::Microsecond,
            None,
        )),
        _ => None,
    }
}

/// A NUL-terminated parameter is read up to its terminator, within the buffer when its length is known.
fn bound_or_unbounded(buffer_len: isize) -> usize {
    if buffer_len > 0 {
        buffer_len as usize
    } else {
        1 << 30
    }
}
