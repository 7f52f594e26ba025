//! One output column's Arrow builder, filled a cell at a time from a JSON value by the rules of
//! [`super::cell_values`] (which owns what each type accepts). Both ways of converting records,
//! from parsed records and straight from their bytes, fill columns through it, so they cannot
//! disagree on a value. It does not find values in records.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int32Builder,
    Int64Builder, LargeStringBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use serde_json::Value;

use super::cell_values::{
    boolean, date, decimal, float, int, label_of, labels_of, text, timestamp, OutColumn,
};
use crate::error::{Error, Result};
use crate::profile::{ColumnType, TimeFormat};

pub enum ColumnSink {
    Text(StringBuilder),
    TextLabels(StringBuilder, Arc<BTreeMap<String, String>>),
    Json(LargeStringBuilder),
    JsonLabels(LargeStringBuilder, Arc<BTreeMap<String, String>>),
    Int64(Int64Builder),
    Int32(Int32Builder),
    Float64(Float64Builder),
    Boolean(BooleanBuilder),
    Date(Date32Builder, TimeFormat),
    Timestamp(TimestampMicrosecondBuilder, TimeFormat),
    Decimal(Decimal128Builder, u8, i8),
}

/// The most bytes a text column's builder reserves for a batch up front.
pub const TEXT_RESERVE_MAX: usize = 4 << 20;

/// What a value that does not fit was expected to be, for the message.
pub type Misfit = &'static str;

impl ColumnSink {
    /// A sink for `rows` values of `col`; a text column reserves `text_per_row` bytes a row
    /// (what its last batch took; 0: a guess), with an eighth more for the batch's spread, but
    /// never more than [`TEXT_RESERVE_MAX`]: one huge value in a batch of one row must not make
    /// the next batch ask for a thousand times its size. A column past it grows as it needs.
    pub fn new(col: &OutColumn, rows: usize, text_per_row: usize) -> Result<ColumnSink> {
        let n = rows;
        let text = |guess: usize| {
            let wanted = match text_per_row {
                0 => n.saturating_mul(guess),
                learned => n.saturating_mul(learned.saturating_add(learned / 8)),
            };
            wanted.min(TEXT_RESERVE_MAX)
        };
        Ok(match (col.ty, &col.labels) {
            (ColumnType::Text, Some(l)) => {
                ColumnSink::TextLabels(StringBuilder::with_capacity(n, text(16)), l.clone())
            }
            (ColumnType::Json, Some(l)) => {
                ColumnSink::JsonLabels(LargeStringBuilder::with_capacity(n, text(32)), l.clone())
            }
            (ColumnType::Text, None) => ColumnSink::Text(StringBuilder::with_capacity(n, text(16))),
            (ColumnType::Json, None) => {
                ColumnSink::Json(LargeStringBuilder::with_capacity(n, text(32)))
            }
            (ColumnType::Int64, _) => ColumnSink::Int64(Int64Builder::with_capacity(n)),
            (ColumnType::Int32, _) => ColumnSink::Int32(Int32Builder::with_capacity(n)),
            (ColumnType::Float64, _) => ColumnSink::Float64(Float64Builder::with_capacity(n)),
            (ColumnType::Boolean, _) => ColumnSink::Boolean(BooleanBuilder::with_capacity(n)),
            (ColumnType::Date, _) => {
                ColumnSink::Date(Date32Builder::with_capacity(n), col.format.clone())
            }
            (ColumnType::Timestamp, _) => ColumnSink::Timestamp(
                TimestampMicrosecondBuilder::with_capacity(n),
                col.format.clone(),
            ),
            (ColumnType::Decimal(p, s), _) => ColumnSink::Decimal(
                Decimal128Builder::with_capacity(n)
                    .with_precision_and_scale(p, s)
                    .map_err(|e| Error::general(format!("Bad decimal({p},{s}): {e}")))?,
                p,
                s,
            ),
        })
    }

    /// Appends the cell for `v` (absent or JSON null: NULL).
    pub fn push(&mut self, v: Option<&Value>) -> std::result::Result<(), Misfit> {
        let Some(v) = v.filter(|v| !v.is_null()) else {
            self.push_null();
            return Ok(());
        };
        macro_rules! put {
            ($b:expr, $cell:expr, $what:expr) => {
                match $cell {
                    Some(Some(x)) => $b.append_value(x),
                    Some(None) => $b.append_null(),
                    None => return Err($what),
                }
            };
        }
        match self {
            ColumnSink::Text(b) => b.append_value(text(v)),
            ColumnSink::Json(b) => b.append_value(text(v)),
            ColumnSink::TextLabels(b, l) => b.append_value(label_of(l, v)),
            ColumnSink::JsonLabels(b, l) => match labels_of(l, v) {
                Some(x) => b.append_value(x),
                None => return Err("a list of options"),
            },
            ColumnSink::Int64(b) => put!(b, int(v), "an integer"),
            ColumnSink::Int32(b) => put!(
                b,
                int(v)
                    .map(|o| o.and_then(|i| i32::try_from(i).ok()))
                    .filter(|o| o.is_some()),
                "a 32-bit integer"
            ),
            ColumnSink::Float64(b) => put!(b, float(v), "a number"),
            ColumnSink::Boolean(b) => put!(b, boolean(v), "a boolean"),
            ColumnSink::Date(b, f) => put!(b, date(v, f), "a date"),
            ColumnSink::Timestamp(b, f) => put!(b, timestamp(v, f), "a timestamp"),
            ColumnSink::Decimal(b, p, s) => put!(b, decimal(v, *p, *s), "a decimal"),
        }
        Ok(())
    }

    fn push_null(&mut self) {
        match self {
            ColumnSink::Text(b) | ColumnSink::TextLabels(b, _) => b.append_null(),
            ColumnSink::Json(b) | ColumnSink::JsonLabels(b, _) => b.append_null(),
            ColumnSink::Int64(b) => b.append_null(),
            ColumnSink::Int32(b) => b.append_null(),
            ColumnSink::Float64(b) => b.append_null(),
            ColumnSink::Boolean(b) => b.append_null(),
            ColumnSink::Date(b, _) => b.append_null(),
            ColumnSink::Timestamp(b, _) => b.append_null(),
            ColumnSink::Decimal(b, _, _) => b.append_null(),
        }
    }

    /// The bytes a text column's values took so far; `None` for other columns.
    pub fn text_bytes(&self) -> Option<usize> {
        match self {
            ColumnSink::Text(b) | ColumnSink::TextLabels(b, _) => Some(b.values_slice().len()),
            ColumnSink::Json(b) | ColumnSink::JsonLabels(b, _) => Some(b.values_slice().len()),
            _ => None,
        }
    }

    pub fn finish(self) -> ArrayRef {
        match self {
            ColumnSink::Text(mut b) | ColumnSink::TextLabels(mut b, _) => Arc::new(b.finish()),
            ColumnSink::Json(mut b) | ColumnSink::JsonLabels(mut b, _) => Arc::new(b.finish()),
            ColumnSink::Int64(mut b) => Arc::new(b.finish()),
            ColumnSink::Int32(mut b) => Arc::new(b.finish()),
            ColumnSink::Float64(mut b) => Arc::new(b.finish()),
            ColumnSink::Boolean(mut b) => Arc::new(b.finish()),
            ColumnSink::Date(mut b, _) => Arc::new(b.finish()),
            ColumnSink::Timestamp(mut b, _) => Arc::new(b.finish()),
            ColumnSink::Decimal(mut b, _, _) => Arc::new(b.finish()),
        }
    }
}
