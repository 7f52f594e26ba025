//! What a table's Arrow schema says about it beyond names and types: the table's description, each
//! column's description, which columns form its key, the most characters a text column holds,
//! and which statements may change the table and set each column. A table provider (a REST table, a system
//! table) writes these into its schema's metadata; the engine's catalog reads them back, so a
//! table's columns are declared once, in the schema the provider scans with. Knows Arrow only.

use std::collections::HashMap;

use arrow::datatypes::{DataType, Field, Schema};

const DESCRIPTION: &str = "apiodbc.description";
const KEY: &str = "apiodbc.key";
const MAX_LENGTH: &str = "apiodbc.max_length";
const WRITES: &str = "apiodbc.writes";

/// The largest declarable text length: 4 bytes a character still fits the SQLINTEGER columns
/// that carry octet lengths (CHAR_OCTET_LENGTH, BUFFER_LENGTH).
pub const MAX_LENGTH_LIMIT: u64 = (i32::MAX as u64) / 4;

/// The longest name (of a schema, table, column or procedure) the driver accepts: SQLGetInfo's
/// SQL_MAX_IDENTIFIER_LEN, and the length catalog results declare for names.
pub const MAX_NAME_LENGTH: u64 = 128;

/// The length declared for a text column that declares none (DefaultColumnSize's default): the
/// figure SQL Server's NVARCHAR and mongo's BI driver use, which BI tools handle well.
pub const DEFAULT_MAX_LENGTH: u64 = 4000;

/// A nullable column with its description, part of the table's key or not.
pub fn column(name: &str, data_type: DataType, description: &str, key: bool) -> Field {
    let mut metadata = HashMap::new();
    if !description.is_empty() {
        metadata.insert(DESCRIPTION.to_string(), description.to_string());
    }
    if key {
        metadata.insert(KEY.to_string(), "true".to_string());
    }
    Field::new(name, data_type, true).with_metadata(metadata)
}

/// `field` declared to hold at most `characters` characters: clients size their buffers from
/// this, and the scan keeps every value within it.
pub fn with_max_length(field: Field, characters: u64) -> Field {
    let mut metadata = field.metadata().clone();
    metadata.insert(MAX_LENGTH.to_string(), characters.to_string());
    field.with_metadata(metadata)
}

/// The most characters the column was declared to hold; `None` when it was not.
pub fn max_length(field: &Field) -> Option<u64> {
    field
        .metadata()
        .get(MAX_LENGTH)
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
}

/// `field` declared settable by these statements (`INSERT`, `UPDATE`): the API takes it.
pub fn with_writes(field: Field, statements: &[&str]) -> Field {
    if statements.is_empty() {
        return field;
    }
    let mut metadata = field.metadata().clone();
    metadata.insert(WRITES.to_string(), statements.join(","));
    field.with_metadata(metadata)
}

/// The statements that may set the column (or, of a schema, change the table's rows).
pub fn writes(metadata: &HashMap<String, String>) -> Vec<String> {
    metadata
        .get(WRITES)
        .map(|w| w.split(',').map(str::to_string).collect())
        .unwrap_or_default()
}

/// `schema` declared changeable by these statements (`INSERT`, `UPDATE`, `DELETE`).
pub fn table_with_writes(schema: Schema, statements: &[&str]) -> Schema {
    if statements.is_empty() {
        return schema;
    }
    let mut metadata = schema.metadata().clone();
    metadata.insert(WRITES.to_string(), statements.join(","));
    schema.with_metadata(metadata)
}

/// A table's schema with its description.
pub fn table(fields: Vec<Field>, description: &str) -> Schema {
    let mut metadata = HashMap::new();
    if !description.is_empty() {
        metadata.insert(DESCRIPTION.to_string(), description.to_string());
    }
    Schema::new_with_metadata(fields, metadata)
}

/// The description a column was declared with; empty when none was.
pub fn column_description(field: &Field) -> &str {
    field
        .metadata()
        .get(DESCRIPTION)
        .map(String::as_str)
        .unwrap_or("")
}

/// Whether the column is part of its table's key.
pub fn is_key(field: &Field) -> bool {
    field.metadata().get(KEY).is_some_and(|v| v == "true")
}

/// The description a table was declared with; empty when none was.
pub fn table_description(schema: &Schema) -> &str {
    schema
        .metadata()
        .get(DESCRIPTION)
        .map(String::as_str)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let schema = table(
            vec![
                column("id", DataType::Int64, "The key", true),
                column("name", DataType::Utf8, "", false),
            ],
            "People",
        );
        assert_eq!(table_description(&schema), "People");
        assert_eq!(column_description(schema.field(0)), "The key");
        assert!(is_key(schema.field(0)));
        assert_eq!(column_description(schema.field(1)), "");
        assert!(!is_key(schema.field(1)));
        assert_eq!(table_description(&Schema::empty()), "");
        assert_eq!(max_length(schema.field(1)), None);
        let bounded = with_max_length(schema.field(0).clone(), 254);
        assert_eq!(max_length(&bounded), Some(254));
        assert_eq!(
            column_description(&bounded),
            "The key",
            "other metadata is kept"
        );
    }
}
