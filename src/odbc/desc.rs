//! Descriptor fields and their values (sql.h, sqlext.h).

pub const SQL_DESC_COUNT: i16 = 1001;
pub const SQL_DESC_TYPE: i16 = 1002;
pub const SQL_DESC_LENGTH: i16 = 1003;
pub const SQL_DESC_OCTET_LENGTH_PTR: i16 = 1004;
pub const SQL_DESC_PRECISION: i16 = 1005;
pub const SQL_DESC_SCALE: i16 = 1006;
pub const SQL_DESC_DATETIME_INTERVAL_CODE: i16 = 1007;
pub const SQL_DESC_NULLABLE: i16 = 1008;
pub const SQL_DESC_INDICATOR_PTR: i16 = 1009;
pub const SQL_DESC_DATA_PTR: i16 = 1010;
pub const SQL_DESC_NAME: i16 = 1011;
pub const SQL_DESC_UNNAMED: i16 = 1012;
pub const SQL_DESC_OCTET_LENGTH: i16 = 1013;
pub const SQL_DESC_ALLOC_TYPE: i16 = 1099;
pub const SQL_DESC_CONCISE_TYPE: i16 = 2;
pub const SQL_DESC_ARRAY_SIZE: i16 = 20;
pub const SQL_DESC_ARRAY_STATUS_PTR: i16 = 21;
pub const SQL_DESC_BIND_OFFSET_PTR: i16 = 24;
pub const SQL_DESC_BIND_TYPE: i16 = 25;
pub const SQL_DESC_ROWS_PROCESSED_PTR: i16 = 34;
pub const SQL_DESC_PARAMETER_TYPE: i16 = 33;
pub const SQL_DESC_DATETIME_INTERVAL_PRECISION: i16 = 26;
pub const SQL_DESC_NUM_PREC_RADIX: i16 = 32;
pub const SQL_DESC_ALLOC_AUTO: i16 = 1;

// SQLColAttribute field identifiers that are not descriptor fields SQLSetDescField sets
// (sqlext.h), and the ODBC 2 SQL_COLUMN_* identifiers SQLColAttribute still answers.
pub const SQL_DESC_DISPLAY_SIZE: i16 = 6;
pub const SQL_DESC_UNSIGNED: i16 = 8;
pub const SQL_DESC_FIXED_PREC_SCALE: i16 = 9;
pub const SQL_DESC_UPDATABLE: i16 = 10;
pub const SQL_DESC_AUTO_UNIQUE_VALUE: i16 = 11;
pub const SQL_DESC_CASE_SENSITIVE: i16 = 12;
pub const SQL_DESC_SEARCHABLE: i16 = 13;
pub const SQL_DESC_TYPE_NAME: i16 = 14;
pub const SQL_DESC_TABLE_NAME: i16 = 15;
pub const SQL_DESC_SCHEMA_NAME: i16 = 16;
pub const SQL_DESC_CATALOG_NAME: i16 = 17;
pub const SQL_DESC_LABEL: i16 = 18;
pub const SQL_DESC_BASE_COLUMN_NAME: i16 = 22;
pub const SQL_DESC_BASE_TABLE_NAME: i16 = 23;
pub const SQL_DESC_LITERAL_PREFIX: i16 = 27;
pub const SQL_DESC_LITERAL_SUFFIX: i16 = 28;
pub const SQL_DESC_LOCAL_TYPE_NAME: i16 = 29;
pub const SQL_COLUMN_COUNT: i16 = 0;
pub const SQL_COLUMN_NAME: i16 = 1;
pub const SQL_COLUMN_LENGTH: i16 = 3;
pub const SQL_COLUMN_PRECISION: i16 = 4;
pub const SQL_COLUMN_SCALE: i16 = 5;
pub const SQL_COLUMN_NULLABLE: i16 = 7;
