//! Reads one row of an Arrow array into a [`Cell`], the small set of value kinds the C-type
//! conversions work from. Dictionary and run-end encoded arrays are unpacked here; nested values
//! (lists, structs, maps) become JSON text, intervals and durations their display text.

use std::borrow::Cow;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{
    DataType, Date32Type, Date64Type, Decimal128Type, Decimal256Type, Decimal32Type, Decimal64Type,
    Float16Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    Time32MillisecondType, Time32SecondType, Time64MicrosecondType, Time64NanosecondType, TimeUnit,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};

use crate::error::{state, Error, Result};

use super::json;
use super::text_form::decimal_digits_to_text;
use super::value::Cell;

fn downcast_failed(dt: &DataType) -> Error {
    Error::general(format!(
        "Internal error: an Arrow array of type {dt} could not be read; please report it"
    ))
}

macro_rules! prim {
    ($array:expr, $t:ty) => {
        $array
            .as_primitive_opt::<$t>()
            .ok_or_else(|| downcast_failed($array.data_type()))?
    };
}

pub(super) fn date_from_days(days: i64) -> Result<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(
        i32::try_from(days.saturating_add(719_163)).unwrap_or(i32::MAX),
    )
    .ok_or_else(|| overflow("date"))
}

fn overflow(what: &str) -> Error {
    Error::new(
        state::DATETIME_OVERFLOW,
        format!("The {what} value is outside the range the driver can represent"),
    )
}

pub(super) fn timestamp(value: i64, unit: &TimeUnit) -> Result<NaiveDateTime> {
    let dt = match unit {
        TimeUnit::Second => DateTime::from_timestamp(value, 0),
        TimeUnit::Millisecond => DateTime::from_timestamp_millis(value),
        TimeUnit::Microsecond => DateTime::from_timestamp_micros(value),
        TimeUnit::Nanosecond => Some(DateTime::from_timestamp_nanos(value)),
    };
    dt.map(|d| d.naive_utc())
        .ok_or_else(|| overflow("timestamp"))
}

fn time_of_day(value: i64, unit: &TimeUnit) -> Result<NaiveTime> {
    let per_second: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let secs = value.div_euclid(per_second);
    let sub = value.rem_euclid(per_second);
    let nanos = sub.saturating_mul(1_000_000_000 / per_second);
    u32::try_from(secs)
        .ok()
        .zip(u32::try_from(nanos).ok())
        .and_then(|(s, n)| NaiveTime::from_num_seconds_from_midnight_opt(s, n))
        .ok_or_else(|| overflow("time"))
}

fn formatted(array: &dyn Array, row: usize) -> Result<String> {
    let options = FormatOptions::default();
    let formatter = ArrayFormatter::try_new(array, &options).map_err(|e| {
        Error::new(
            state::RESTRICTED_DATA_TYPE,
            format!(
                "Values of Arrow type {} cannot be converted to text: {e}",
                array.data_type()
            ),
        )
    })?;
    Ok(formatter.value(row).to_string())
}

/// The index into a dictionary's or run array's values for logical row `row`.
fn index_of(keys: &dyn Array, row: usize) -> Result<Option<usize>> {
    Ok(match cell_at(keys, row)? {
        None => None,
        Some(Cell::Int(k)) => usize::try_from(k).ok(),
        Some(Cell::UInt(k)) => usize::try_from(k).ok(),
        Some(_) => return Err(downcast_failed(keys.data_type())),
    })
}

/// The value at `row`, or `None` when it is NULL.
pub(crate) fn cell_at(array: &dyn Array, row: usize) -> Result<Option<Cell<'_>>> {
    if row >= array.len() {
        return Err(Error::general(format!(
            "Internal error: row {row} is past the end of a batch of {} rows",
            array.len()
        )));
    }
    let dt = array.data_type();
    match dt {
        DataType::Null => return Ok(None),
        DataType::Dictionary(_, _) => {
            let dict = array
                .as_any_dictionary_opt()
                .ok_or_else(|| downcast_failed(dt))?;
            return match index_of(dict.keys(), row)? {
                None => Ok(None),
                Some(i) if i < dict.values().len() => cell_at(dict.values().as_ref(), i),
                Some(_) => Err(downcast_failed(dt)),
            };
        }
        DataType::RunEndEncoded(ends, _) => {
            let (values, physical) = match ends.data_type() {
                DataType::Int16 => {
                    let r = array
                        .as_run_opt::<Int16Type>()
                        .ok_or_else(|| downcast_failed(dt))?;
                    (r.values(), r.get_physical_index(row))
                }
                DataType::Int32 => {
                    let r = array
                        .as_run_opt::<Int32Type>()
                        .ok_or_else(|| downcast_failed(dt))?;
                    (r.values(), r.get_physical_index(row))
                }
                DataType::Int64 => {
                    let r = array
                        .as_run_opt::<Int64Type>()
                        .ok_or_else(|| downcast_failed(dt))?;
                    (r.values(), r.get_physical_index(row))
                }
                _ => return Err(downcast_failed(dt)),
            };
            return cell_at(values.as_ref(), physical);
        }
        _ => {}
    }
    if array.is_null(row) {
        return Ok(None);
    }
    let cell = match dt {
        DataType::Boolean => Cell::Bool(
            array
                .as_boolean_opt()
                .ok_or_else(|| downcast_failed(dt))?
                .value(row),
        ),
        DataType::Int8 => Cell::Int(prim!(array, Int8Type).value(row).into()),
        DataType::Int16 => Cell::Int(prim!(array, Int16Type).value(row).into()),
        DataType::Int32 => Cell::Int(prim!(array, Int32Type).value(row).into()),
        DataType::Int64 => Cell::Int(prim!(array, Int64Type).value(row)),
        DataType::UInt8 => Cell::UInt(prim!(array, UInt8Type).value(row).into()),
        DataType::UInt16 => Cell::UInt(prim!(array, UInt16Type).value(row).into()),
        DataType::UInt32 => Cell::UInt(prim!(array, UInt32Type).value(row).into()),
        DataType::UInt64 => Cell::UInt(prim!(array, UInt64Type).value(row)),
        DataType::Float16 => Cell::F32(prim!(array, Float16Type).value(row).to_f32()),
        DataType::Float32 => Cell::F32(prim!(array, Float32Type).value(row)),
        DataType::Float64 => Cell::F64(prim!(array, Float64Type).value(row)),
        DataType::Decimal32(p, s) => Cell::Decimal {
            value: prim!(array, Decimal32Type).value(row).into(),
            precision: *p,
            scale: *s,
        },
        DataType::Decimal64(p, s) => Cell::Decimal {
            value: prim!(array, Decimal64Type).value(row).into(),
            precision: *p,
            scale: *s,
        },
        DataType::Decimal128(p, s) => Cell::Decimal {
            value: prim!(array, Decimal128Type).value(row),
            precision: *p,
            scale: *s,
        },
        DataType::Decimal256(p, s) => {
            let v = prim!(array, Decimal256Type).value(row);
            match v.to_i128() {
                Some(value) => Cell::Decimal {
                    value,
                    precision: (*p).min(38),
                    scale: *s,
                },
                None => Cell::BigDecimal(decimal_digits_to_text(&v.to_string(), *s)),
            }
        }
        DataType::Utf8 => Cell::Text(Cow::Borrowed(
            array
                .as_string_opt::<i32>()
                .ok_or_else(|| downcast_failed(dt))?
                .value(row),
        )),
        DataType::LargeUtf8 => Cell::Text(Cow::Borrowed(
            array
                .as_string_opt::<i64>()
                .ok_or_else(|| downcast_failed(dt))?
                .value(row),
        )),
        DataType::Utf8View => Cell::Text(Cow::Borrowed(
            array
                .as_string_view_opt()
                .ok_or_else(|| downcast_failed(dt))?
                .value(row),
        )),
        DataType::Binary => Cell::Binary(Cow::Borrowed(
            array
                .as_binary_opt::<i32>()
                .ok_or_else(|| downcast_failed(dt))?
                .value(row),
        )),
        DataType::LargeBinary => Cell::Binary(Cow::Borrowed(
            array
                .as_binary_opt::<i64>()
                .ok_or_else(|| downcast_failed(dt))?
                .value(row),
        )),
        DataType::BinaryView => Cell::Binary(Cow::Borrowed(
            array
                .as_binary_view_opt()
                .ok_or_else(|| downcast_failed(dt))?
                .value(row),
        )),
        DataType::FixedSizeBinary(_) => Cell::Binary(Cow::Borrowed(
            array
                .as_fixed_size_binary_opt()
                .ok_or_else(|| downcast_failed(dt))?
                .value(row),
        )),
        DataType::Date32 => Cell::Date(date_from_days(prim!(array, Date32Type).value(row).into())?),
        DataType::Date64 => {
            let ms = prim!(array, Date64Type).value(row);
            Cell::Date(date_from_days(ms.div_euclid(86_400_000))?)
        }
        DataType::Time32(unit) => {
            let v = match unit {
                TimeUnit::Second => prim!(array, Time32SecondType).value(row),
                _ => prim!(array, Time32MillisecondType).value(row),
            };
            Cell::Time(time_of_day(v.into(), unit)?)
        }
        DataType::Time64(unit) => {
            let v = match unit {
                TimeUnit::Microsecond => prim!(array, Time64MicrosecondType).value(row),
                _ => prim!(array, Time64NanosecondType).value(row),
            };
            Cell::Time(time_of_day(v, unit)?)
        }
        DataType::Timestamp(unit, _) => {
            let v = match unit {
                TimeUnit::Second => prim!(array, TimestampSecondType).value(row),
                TimeUnit::Millisecond => prim!(array, TimestampMillisecondType).value(row),
                TimeUnit::Microsecond => prim!(array, TimestampMicrosecondType).value(row),
                TimeUnit::Nanosecond => prim!(array, TimestampNanosecondType).value(row),
            };
            Cell::Timestamp(timestamp(v, unit)?)
        }
        DataType::List(_)
        | DataType::LargeList(_)
        | DataType::FixedSizeList(_, _)
        | DataType::ListView(_)
        | DataType::LargeListView(_)
        | DataType::Struct(_)
        | DataType::Map(_, _) => Cell::Formatted(json::to_json(array, row, cell_at)?),
        _ => Cell::Formatted(formatted(array, row)?),
    };
    Ok(Some(cell))
}
