//! The fast paths of [`super::fast`] for Arrow timestamps and dates bound as SQL_C_TYPE_TIMESTAMP
//! or SQL_C_TYPE_DATE (and their ODBC 2 names): a whole rowset segment is written as structs in
//! one loop, with no allocation per value. A value whose year does not fit the struct is left to
//! the general conversion, which reports it.

use arrow::array::{Array, AsArray, Date32Array};
use arrow::datatypes::{
    TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};

use super::cell::{date_from_days, timestamp};
use super::segment::Elements;
use super::to_datetime::{date_fields, timestamp_fields};

/// A segment of a timestamp array of any unit into `e`. `false` (nothing written) when the
/// elements or the buffer are too small, or the rows run past the array.
pub fn timestamp_column(array: &dyn Array, unit: TimeUnit, e: &mut Elements) -> bool {
    let values = match unit {
        TimeUnit::Second => array
            .as_primitive_opt::<TimestampSecondType>()
            .map(|a| a.values()),
        TimeUnit::Millisecond => array
            .as_primitive_opt::<TimestampMillisecondType>()
            .map(|a| a.values()),
        TimeUnit::Microsecond => array
            .as_primitive_opt::<TimestampMicrosecondType>()
            .map(|a| a.values()),
        TimeUnit::Nanosecond => array
            .as_primitive_opt::<TimestampNanosecondType>()
            .map(|a| a.values()),
    };
    let Some(values) = values else {
        return false;
    };
    structs(array, values, e, |v| {
        timestamp(v, &unit)
            .ok()
            .and_then(|ts| timestamp_fields(&ts))
    })
}

/// Like [`timestamp_column`] for a Date32 array.
pub fn date_column(array: &Date32Array, e: &mut Elements) -> bool {
    structs(array, array.values(), e, |days| {
        date_from_days(days.into())
            .ok()
            .and_then(|d| date_fields(&d))
    })
}

/// Each non-null value of `values` as the `N` bytes `bytes` makes of it.
fn structs<T: Copy, const N: usize>(
    array: &dyn Array,
    values: &[T],
    e: &mut Elements,
    bytes: impl Fn(T) -> Option<[u8; N]>,
) -> bool {
    if e.element_size < N || values.len() < array.len() {
        return false;
    }
    e.each(array, |row, slot| {
        slot[..N].copy_from_slice(&bytes(values[row])?);
        Some(N as isize)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handles::c_data::to_datetime;
    use crate::handles::c_data::Place;
    use crate::odbc::attributes::SQL_NULL_DATA;
    use crate::odbc::c_types::{SQL_C_TYPE_DATE, SQL_C_TYPE_TIMESTAMP};
    use arrow::array::{TimestampMicrosecondArray, TimestampNanosecondArray};

    #[test]
    fn timestamps_are_the_structs_the_general_conversion_writes() {
        // 2024-03-05 10:11:12.345678, before 1970, the epoch, a null, and a year past i16.
        let micros = [1_709_633_472_345_678, -86_400_000_001, 0];
        let far = 40_000i64 * 365 * 86_400 * 1_000_000;
        let array = TimestampMicrosecondArray::from(vec![
            Some(micros[0]),
            Some(micros[1]),
            Some(micros[2]),
            None,
            Some(far),
        ])
        .with_timezone("+00:00");
        let mut data = [0xAAu8; 5 * 20];
        let mut lengths = [0isize; 5];
        let mut redo = Vec::new();
        let unit = TimeUnit::Microsecond;
        assert!(timestamp_column(
            &array,
            unit,
            &mut Elements {
                start: 0,
                data: &mut data,
                element_size: 20,
                lengths: &mut lengths,
                redo: &mut redo,
            }
        ));
        assert_eq!(redo, vec![4]);
        assert_eq!(lengths[..4], [16, 16, 16, SQL_NULL_DATA]);
        for (i, v) in micros.iter().enumerate() {
            let ts = timestamp(*v, &unit).unwrap();
            let general =
                to_datetime::timestamp_struct(&ts, SQL_C_TYPE_TIMESTAMP, Place::Column(1)).unwrap();
            assert_eq!(&data[i * 20..i * 20 + 16], &general[..], "row {i}");
        }
        // Elements smaller than the struct go the general way.
        assert!(!timestamp_column(
            &array,
            unit,
            &mut Elements {
                start: 0,
                data: &mut data,
                element_size: 8,
                lengths: &mut lengths,
                redo: &mut redo,
            }
        ));
        // Every unit, from a row past the start.
        let nanos = TimestampNanosecondArray::from(vec![0, 1_500]);
        let mut one = [0u8; 16];
        let mut len = [0isize; 1];
        let unit = TimeUnit::Nanosecond;
        assert!(timestamp_column(
            &nanos,
            unit,
            &mut Elements {
                start: 1,
                data: &mut one,
                element_size: 16,
                lengths: &mut len,
                redo: &mut redo,
            }
        ));
        assert_eq!(u32::from_ne_bytes(one[12..16].try_into().unwrap()), 1_500);
    }

    #[test]
    fn dates_are_the_structs_the_general_conversion_writes() {
        let days = [19_787, -1, 0];
        let array = Date32Array::from(vec![Some(days[0]), None, Some(days[1]), Some(days[2])]);
        let mut data = [0xAAu8; 3 * 6];
        let mut lengths = [0isize; 3];
        let mut redo = Vec::new();
        assert!(date_column(
            &array,
            &mut Elements {
                start: 1,
                data: &mut data,
                element_size: 6,
                lengths: &mut lengths,
                redo: &mut redo,
            }
        ));
        assert!(redo.is_empty());
        assert_eq!(lengths, [SQL_NULL_DATA, 6, 6]);
        for (i, d) in days[1..].iter().enumerate() {
            let date = date_from_days((*d).into()).unwrap();
            let general =
                to_datetime::date_struct(&date, SQL_C_TYPE_DATE, Place::Column(1)).unwrap();
            assert_eq!(&data[(i + 1) * 6..(i + 2) * 6], &general[..]);
        }
    }
}
