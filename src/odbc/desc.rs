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
