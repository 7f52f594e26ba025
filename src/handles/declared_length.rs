//! Keeps text values within the length their column declares (a profile's `max_length`): clients
//! size buffers from COLUMN_SIZE, and arrow-odbc and others fail on a longer value, so a value the
//! API sends longer than declared is cut to the declared number of characters and the fetch
//! warns (01004). Columns without a declared length are left alone. Knows Arrow only.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, LargeStringBuilder, StringBuilder};
use arrow::datatypes::{DataType, Schema};
use arrow::record_batch::RecordBatch;

use crate::table_meta;

/// The declared lengths of a result's text columns: (column index, characters).
pub fn declared_lengths(schema: &Schema) -> Vec<(usize, usize)> {
    schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.data_type(), DataType::Utf8 | DataType::LargeUtf8))
        .filter_map(|(i, f)| {
            let n = table_meta::max_length(f)?;
            Some((i, usize::try_from(n).unwrap_or(usize::MAX)))
        })
        .collect()
}

/// `batch` with every value of the `declared` columns cut to its length, and the indexes of the
/// columns where a value was cut.
pub fn cut_to_declared(
    batch: RecordBatch,
    declared: &[(usize, usize)],
) -> (RecordBatch, Vec<usize>) {
    let mut cut = Vec::new();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    for &(index, limit) in declared {
        let Some(column) = columns.get(index) else {
            continue;
        };
        if let Some(shorter) = cut_column(column, limit) {
            columns[index] = shorter;
            cut.push(index);
        }
    }
    if cut.is_empty() {
        return (batch, cut);
    }
    let batch = RecordBatch::try_new(batch.schema(), columns)
        .expect("cutting values keeps each column's type and length");
    (batch, cut)
}

/// The column with values longer than `limit` characters cut; `None` when none is.
fn cut_column(column: &ArrayRef, limit: usize) -> Option<ArrayRef> {
    match column.data_type() {
        DataType::Utf8 => {
            let values = column.as_string::<i32>();
            // A value of at most `limit` bytes has at most `limit` characters: most columns are
            // checked by their offsets alone.
            if !values.iter().flatten().any(|v| too_long(v, limit)) {
                return None;
            }
            let mut out = StringBuilder::with_capacity(values.len(), values.value_data().len());
            for v in values.iter() {
                out.append_option(v.map(|v| prefix(v, limit)));
            }
            Some(Arc::new(out.finish()))
        }
        DataType::LargeUtf8 => {
            let values = column.as_string::<i64>();
            if !values.iter().flatten().any(|v| too_long(v, limit)) {
                return None;
            }
            let mut out =
                LargeStringBuilder::with_capacity(values.len(), values.value_data().len());
            for v in values.iter() {
                out.append_option(v.map(|v| prefix(v, limit)));
            }
            Some(Arc::new(out.finish()))
        }
        _ => None,
    }
}

fn too_long(value: &str, limit: usize) -> bool {
    value.len() > limit && value.chars().nth(limit).is_some()
}

/// The first `limit` characters of `value`.
fn prefix(value: &str, limit: usize) -> &str {
    match value.char_indices().nth(limit) {
        Some((end, _)) => &value[..end],
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, LargeStringArray, StringArray};
    use arrow::datatypes::Field;

    fn schema() -> Arc<Schema> {
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, true),
            table_meta::with_max_length(Field::new("code", DataType::Utf8, true), 3),
            Field::new("free", DataType::Utf8, true),
            table_meta::with_max_length(Field::new("doc", DataType::LargeUtf8, true), 4),
        ]))
    }

    fn batch(codes: Vec<Option<&str>>, docs: Vec<Option<&str>>) -> RecordBatch {
        let n = codes.len();
        RecordBatch::try_new(
            schema(),
            vec![
                Arc::new(Int64Array::from_iter_values(0..n as i64)),
                Arc::new(StringArray::from(codes)),
                Arc::new(StringArray::from(vec![Some("x".repeat(10_000)); n])),
                Arc::new(LargeStringArray::from(docs)),
            ],
        )
        .unwrap()
    }

    #[test]
    fn only_columns_with_a_declared_length_are_bounded() {
        assert_eq!(declared_lengths(&schema()), [(1, 3), (3, 4)]);
    }

    #[test]
    fn values_within_the_declared_length_are_untouched() {
        let b = batch(vec![Some("EUR"), None, Some("€€€")], vec![Some("[1]"); 3]);
        let (out, cut) = cut_to_declared(b.clone(), &declared_lengths(&schema()));
        assert!(cut.is_empty());
        assert_eq!(out, b);
    }

    #[test]
    fn longer_values_are_cut_by_characters_and_reported() {
        let b = batch(
            vec![Some("EURO"), None, Some("€€€€€")],
            vec![Some("[1,2,3]"), Some("[]"), None],
        );
        let (out, cut) = cut_to_declared(b, &declared_lengths(&schema()));
        assert_eq!(cut, [1, 3]);
        let codes = out.column(1).as_string::<i32>();
        assert_eq!(codes.value(0), "EUR");
        assert!(codes.is_null(1), "NULL stays NULL");
        assert_eq!(codes.value(2), "€€€", "cut at a character, not a byte");
        let docs = out.column(3).as_string::<i64>();
        assert_eq!(docs.value(0), "[1,2");
        assert_eq!(docs.value(1), "[]");
        assert_eq!(
            out.column(2).as_string::<i32>().value(0).len(),
            10_000,
            "a column without a declared length keeps its values whole"
        );
    }
}
