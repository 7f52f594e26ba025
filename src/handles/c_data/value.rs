//! The value kinds the C-type conversions work from: what `cell` reads out of an Arrow array and
//! `text_form` writes as text. Only the type; reading and formatting live beside it.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// One non-NULL value, in the kind the conversions dispatch on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    Bool(bool),
    Int(i64),
    UInt(u64),
    F32(f32),
    F64(f64),
    /// An exact number `value * 10^-scale`.
    Decimal {
        value: i128,
        precision: u8,
        scale: i8,
    },
    /// An exact number too wide for i128 (Decimal256), in its canonical text form.
    BigDecimal(String),
    Text(Cow<'a, str>),
    Binary(Cow<'a, [u8]>),
    Date(NaiveDate),
    Time(NaiveTime),
    Timestamp(NaiveDateTime),
    /// Text that only converts to text or binary targets: JSON of nested values, intervals,
    /// durations, anything else Arrow can display.
    Formatted(String),
}

impl Cell<'_> {
    /// A short description of the value's type, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Cell::Bool(_) => "boolean",
            Cell::Int(_) | Cell::UInt(_) => "integer",
            Cell::F32(_) | Cell::F64(_) => "floating-point",
            Cell::Decimal { .. } | Cell::BigDecimal(_) => "decimal",
            Cell::Text(_) => "text",
            Cell::Binary(_) => "binary",
            Cell::Date(_) => "date",
            Cell::Time(_) => "time",
            Cell::Timestamp(_) => "timestamp",
            Cell::Formatted(_) => "structured or interval",
        }
    }
}
