//! Column types a profile may declare (`text`, `int64`, `decimal(p,s)`, ...) and their Arrow types,
//! and the formats of date and time text.
//! JSON columns are `LargeUtf8` so the driver can tell them from short text and report them as
//! long text.

use datafusion::arrow::datatypes::{DataType, TimeUnit};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColumnType {
    #[default]
    Text,
    Int64,
    Int32,
    Float64,
    Decimal(u8, i8),
    Boolean,
    Date,
    Timestamp,
    Json,
}

pub const TYPE_NAMES: &str =
    "text, int64, int32, float64, decimal(p,s), boolean, date, timestamp, json";

impl ColumnType {
    pub fn parse(s: &str) -> Option<ColumnType> {
        let t = s.trim().to_ascii_lowercase();
        Some(match t.as_str() {
            "text" | "string" => ColumnType::Text,
            "int64" | "bigint" => ColumnType::Int64,
            "int32" | "integer" => ColumnType::Int32,
            "float64" | "double" => ColumnType::Float64,
            "boolean" | "bool" => ColumnType::Boolean,
            "date" => ColumnType::Date,
            "timestamp" => ColumnType::Timestamp,
            "json" => ColumnType::Json,
            _ => {
                let inner = t.strip_prefix("decimal(")?.strip_suffix(')')?;
                let (p, s) = inner.split_once(',')?;
                let p: u8 = p.trim().parse().ok()?;
                let s: i8 = s.trim().parse().ok()?;
                if p == 0 || p > 38 || s < 0 || s as u8 > p {
                    return None;
                }
                ColumnType::Decimal(p, s)
            }
        })
    }

    pub fn arrow(&self) -> DataType {
        match self {
            ColumnType::Text => DataType::Utf8,
            ColumnType::Int64 => DataType::Int64,
            ColumnType::Int32 => DataType::Int32,
            ColumnType::Float64 => DataType::Float64,
            ColumnType::Decimal(p, s) => DataType::Decimal128(*p, *s),
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::Date => DataType::Date32,
            // Values are normalised to UTC; no zone keeps comparisons with literals simple.
            ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            ColumnType::Json => DataType::LargeUtf8,
        }
    }
}

/// How a `date` or `timestamp` column's text is read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TimeFormat {
    /// No format declared: `YYYY-MM-DD HH:MM:SS`, RFC 3339, then ISO 8601 without a zone.
    #[default]
    Guess,
    /// `rfc3339`.
    Rfc3339,
    /// A chrono format such as `%Y-%m-%d %H:%M:%S`, read as UTC.
    Pattern(String),
}

impl TimeFormat {
    /// The `format` key's value; `None` when it is neither `rfc3339` nor a chrono format.
    pub fn parse(text: &str) -> Option<TimeFormat> {
        if text == "rfc3339" {
            Some(TimeFormat::Rfc3339)
        } else if text.contains('%') {
            Some(TimeFormat::Pattern(text.to_string()))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ColumnType;

    #[test]
    fn parses_every_type() {
        assert_eq!(
            ColumnType::parse("decimal(10, 2)"),
            Some(ColumnType::Decimal(10, 2))
        );
        assert_eq!(ColumnType::parse("INT64"), Some(ColumnType::Int64));
        assert_eq!(ColumnType::parse("decimal(2,3)"), None);
        assert_eq!(ColumnType::parse("blob"), None);
    }
}

/// What a custom field of some API type becomes (`[table.custom_fields.types]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomFieldType {
    /// A column of this type holding the value.
    Column(ColumnType),
    /// An option id, shown as its label (text).
    Label,
    /// Several option ids, shown as a JSON array of their labels.
    Labels,
}

impl CustomFieldType {
    pub fn parse(s: &str) -> Option<CustomFieldType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "label" => Some(CustomFieldType::Label),
            "labels" => Some(CustomFieldType::Labels),
            other => ColumnType::parse(other).map(CustomFieldType::Column),
        }
    }
}
