//! Descriptors: the ARD (bound result columns), APD (bound parameter buffers), IRD (the result's
//! columns) and IPD (the parameters' SQL types) of a statement. SQLBindCol, SQLBindParameter and
//! the block-cursor statement attributes are views onto these records, and SQLGetDescField /
//! SQLSetDescField read and write them directly.

use crate::odbc::c_types::SQL_C_DEFAULT;
use crate::odbc::sql_types::{
    SQL_CODE_DATE, SQL_CODE_TIME, SQL_CODE_TIMESTAMP, SQL_DATE, SQL_DATETIME, SQL_TIME,
    SQL_TIMESTAMP, SQL_TYPE_DATE, SQL_TYPE_TIME, SQL_TYPE_TIMESTAMP,
};
use std::sync::Mutex;

use crate::error::{state, Error, Result};
use crate::ffi::AppPtr;

use super::diag::Diagnostics;
use crate::odbc::desc::{
    SQL_DESC_ALLOC_AUTO, SQL_DESC_ALLOC_TYPE, SQL_DESC_ARRAY_SIZE, SQL_DESC_ARRAY_STATUS_PTR,
    SQL_DESC_BIND_OFFSET_PTR, SQL_DESC_BIND_TYPE, SQL_DESC_CONCISE_TYPE, SQL_DESC_COUNT,
    SQL_DESC_DATA_PTR, SQL_DESC_DATETIME_INTERVAL_CODE, SQL_DESC_DATETIME_INTERVAL_PRECISION,
    SQL_DESC_INDICATOR_PTR, SQL_DESC_LENGTH, SQL_DESC_NAME, SQL_DESC_NULLABLE,
    SQL_DESC_NUM_PREC_RADIX, SQL_DESC_OCTET_LENGTH, SQL_DESC_OCTET_LENGTH_PTR,
    SQL_DESC_PARAMETER_TYPE, SQL_DESC_PRECISION, SQL_DESC_ROWS_PROCESSED_PTR, SQL_DESC_SCALE,
    SQL_DESC_TYPE, SQL_DESC_UNNAMED,
};
use crate::odbc::sql_types::SQL_PARAM_INPUT;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescKind {
    Ard,
    Apd,
    Ird,
    Ipd,
}

impl DescKind {}

// Descriptor field identifiers (sql.h / sqlext.h).

#[derive(Clone, Debug)]
pub struct DescRecord {
    pub concise_type: i16,
    pub verbose_type: i16,
    pub datetime_sub: i16,
    /// Buffer length in bytes (application descriptors) or the value's octet length (IRD).
    pub octet_length: isize,
    pub length: usize,
    pub precision: i16,
    pub scale: i16,
    pub nullable: i16,
    pub name: String,
    pub unnamed: i16,
    pub parameter_type: i16,
    pub num_prec_radix: i16,
    /// IRD: whether an UPDATE may set the column the result column shows (SQL_DESC_UPDATABLE).
    pub updatable: bool,
    pub data_ptr: AppPtr,
    pub indicator_ptr: AppPtr,
    pub octet_length_ptr: AppPtr,
}

impl Default for DescRecord {
    fn default() -> Self {
        DescRecord {
            // Application descriptors default to the column's own C type.
            concise_type: SQL_C_DEFAULT,
            verbose_type: SQL_C_DEFAULT,
            datetime_sub: 0,
            octet_length: 0,
            length: 0,
            precision: 0,
            scale: 0,
            nullable: 1,
            name: String::new(),
            unnamed: 1,
            parameter_type: SQL_PARAM_INPUT,
            num_prec_radix: 0,
            updatable: false,
            data_ptr: AppPtr::default(),
            indicator_ptr: AppPtr::default(),
            octet_length_ptr: AppPtr::default(),
        }
    }
}

impl DescRecord {
    pub fn is_bound(&self) -> bool {
        !self.data_ptr.is_null()
            || !self.indicator_ptr.is_null()
            || !self.octet_length_ptr.is_null()
    }
}

#[derive(Clone, Debug)]
pub struct DescHeader {
    pub array_size: usize,
    pub array_status_ptr: AppPtr,
    pub bind_offset_ptr: AppPtr,
    /// 0 (SQL_BIND_BY_COLUMN) or the size of the application's row structure.
    pub bind_type: usize,
    pub rows_processed_ptr: AppPtr,
}

impl Default for DescHeader {
    fn default() -> Self {
        DescHeader {
            array_size: 1,
            array_status_ptr: AppPtr::default(),
            bind_offset_ptr: AppPtr::default(),
            bind_type: 0,
            rows_processed_ptr: AppPtr::default(),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct DescState {
    pub header: DescHeader,
    /// Record 1 is at index 0; the bookmark record is not supported.
    pub records: Vec<DescRecord>,
}

impl DescState {
    /// The record with 1-based `number`, growing the list as SQLBindCol/SQLSetDescField do.
    pub fn record_mut(&mut self, number: usize) -> &mut DescRecord {
        if self.records.len() < number {
            self.records.resize_with(number, DescRecord::default);
        }
        &mut self.records[number - 1]
    }

    /// SQL_DESC_COUNT: the highest-numbered record that is still bound.
    pub fn trim_unbound(&mut self) {
        while self.records.last().is_some_and(|r| !r.is_bound()) {
            self.records.pop();
        }
    }

    /// Where element `row` of a bound buffer lives, following the bind type and offset.
    pub fn element(&self, base: AppPtr, row: usize, element_size: usize) -> AppPtr {
        if base.is_null() {
            return base;
        }
        let offset = self.header.bind_offset_ptr.read_isize().unwrap_or(0);
        let stride = if self.header.bind_type == 0 {
            element_size
        } else {
            self.header.bind_type
        };
        base.offset(offset + (row * stride) as isize)
    }
}

#[derive(Debug)]
pub struct Descriptor {
    pub kind: DescKind,
    pub diag: Diagnostics,
    pub state: Mutex<DescState>,
}

impl Descriptor {
    pub fn new(kind: DescKind) -> Descriptor {
        Descriptor {
            kind,
            diag: Diagnostics::default(),
            state: Mutex::new(DescState::default()),
        }
    }
}

/// A descriptor field's value as SQLGetDescField returns it.
pub enum FieldValue {
    Small(i16),
    Int(i32),
    Len(isize),
    ULen(usize),
    Ptr(AppPtr),
    Text(String),
}

pub fn get_field(desc: &Descriptor, record: i16, field: i16) -> Result<Option<FieldValue>> {
    let st = super::lock(&desc.state);
    let header = match field {
        SQL_DESC_COUNT => Some(FieldValue::Small(st.records.len() as i16)),
        SQL_DESC_ALLOC_TYPE => Some(FieldValue::Small(SQL_DESC_ALLOC_AUTO)),
        SQL_DESC_ARRAY_SIZE => Some(FieldValue::ULen(st.header.array_size)),
        SQL_DESC_ARRAY_STATUS_PTR => Some(FieldValue::Ptr(st.header.array_status_ptr)),
        SQL_DESC_BIND_OFFSET_PTR => Some(FieldValue::Ptr(st.header.bind_offset_ptr)),
        SQL_DESC_BIND_TYPE => Some(FieldValue::Int(st.header.bind_type as i32)),
        SQL_DESC_ROWS_PROCESSED_PTR => Some(FieldValue::Ptr(st.header.rows_processed_ptr)),
        _ => None,
    };
    if header.is_some() {
        return Ok(header);
    }
    if record < 1 {
        return Err(Error::new(
            state::INVALID_DESCRIPTOR_INDEX,
            format!("Descriptor record {record} does not exist; records start at 1 (bookmarks are not supported)"),
        ));
    }
    let Some(rec) = st.records.get(record as usize - 1) else {
        return Ok(None);
    };
    let value = match field {
        SQL_DESC_TYPE => FieldValue::Small(rec.verbose_type),
        SQL_DESC_CONCISE_TYPE => FieldValue::Small(rec.concise_type),
        SQL_DESC_DATETIME_INTERVAL_CODE => FieldValue::Small(rec.datetime_sub),
        SQL_DESC_LENGTH => FieldValue::ULen(rec.length),
        SQL_DESC_OCTET_LENGTH => FieldValue::Len(rec.octet_length),
        SQL_DESC_PRECISION => FieldValue::Small(rec.precision),
        SQL_DESC_SCALE => FieldValue::Small(rec.scale),
        SQL_DESC_NULLABLE => FieldValue::Small(rec.nullable),
        SQL_DESC_NAME => FieldValue::Text(rec.name.clone()),
        SQL_DESC_UNNAMED => FieldValue::Small(rec.unnamed),
        SQL_DESC_PARAMETER_TYPE => FieldValue::Small(rec.parameter_type),
        SQL_DESC_NUM_PREC_RADIX => FieldValue::Int(rec.num_prec_radix as i32),
        SQL_DESC_DATETIME_INTERVAL_PRECISION => FieldValue::Int(0),
        SQL_DESC_DATA_PTR => FieldValue::Ptr(rec.data_ptr),
        SQL_DESC_INDICATOR_PTR => FieldValue::Ptr(rec.indicator_ptr),
        SQL_DESC_OCTET_LENGTH_PTR => FieldValue::Ptr(rec.octet_length_ptr),
        other => {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_FIELD,
                format!("Descriptor field {other} is not known"),
            ))
        }
    };
    Ok(Some(value))
}

/// SQLSetDescField: integer fields take `value`, pointer fields `pointer` (the same SQLPOINTER
/// the application passed, vouched for as application memory), SQL_DESC_NAME `text`.
pub fn set_field(
    desc: &Descriptor,
    record: i16,
    field: i16,
    value: usize,
    pointer: AppPtr,
    text: Option<String>,
) -> Result<()> {
    if desc.kind == DescKind::Ird {
        return Err(Error::new(
            state::CANNOT_MODIFY_IRD,
            "The implementation row descriptor cannot be modified",
        ));
    }
    let mut st = super::lock(&desc.state);
    match field {
        SQL_DESC_ARRAY_SIZE => {
            if value == 0 {
                return Err(Error::new(
                    state::INVALID_ATTRIBUTE_VALUE,
                    "SQL_DESC_ARRAY_SIZE must be at least 1",
                ));
            }
            st.header.array_size = value;
            return Ok(());
        }
        SQL_DESC_ARRAY_STATUS_PTR => {
            st.header.array_status_ptr = pointer;
            return Ok(());
        }
        SQL_DESC_BIND_OFFSET_PTR => {
            st.header.bind_offset_ptr = pointer;
            return Ok(());
        }
        SQL_DESC_BIND_TYPE => {
            st.header.bind_type = value;
            return Ok(());
        }
        SQL_DESC_ROWS_PROCESSED_PTR => {
            st.header.rows_processed_ptr = pointer;
            return Ok(());
        }
        SQL_DESC_COUNT => {
            let count = value as i16;
            if count < 0 {
                return Err(Error::new(
                    state::INVALID_DESCRIPTOR_INDEX,
                    "SQL_DESC_COUNT cannot be negative",
                ));
            }
            st.records.resize_with(count as usize, DescRecord::default);
            return Ok(());
        }
        SQL_DESC_ALLOC_TYPE => {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_FIELD,
                "SQL_DESC_ALLOC_TYPE is read-only",
            ));
        }
        _ => {}
    }
    if record < 1 {
        return Err(Error::new(
            state::INVALID_DESCRIPTOR_INDEX,
            format!("Descriptor record {record} does not exist; records start at 1"),
        ));
    }
    let rec = st.record_mut(record as usize);
    match field {
        SQL_DESC_TYPE | SQL_DESC_CONCISE_TYPE => {
            rec.concise_type = value as i16;
            rec.verbose_type = verbose_of(value as i16);
            rec.datetime_sub = datetime_sub_of(value as i16);
        }
        SQL_DESC_DATETIME_INTERVAL_CODE => rec.datetime_sub = value as i16,
        SQL_DESC_LENGTH => rec.length = value,
        SQL_DESC_OCTET_LENGTH => rec.octet_length = value as isize,
        SQL_DESC_PRECISION => rec.precision = value as i16,
        SQL_DESC_SCALE => rec.scale = value as i16,
        SQL_DESC_NULLABLE => {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_FIELD,
                "SQL_DESC_NULLABLE is read-only",
            ));
        }
        SQL_DESC_NAME => rec.name = text.unwrap_or_default(),
        SQL_DESC_UNNAMED => rec.unnamed = value as i16,
        SQL_DESC_PARAMETER_TYPE => rec.parameter_type = value as i16,
        SQL_DESC_NUM_PREC_RADIX => rec.num_prec_radix = value as i16,
        SQL_DESC_DATA_PTR => rec.data_ptr = pointer,
        SQL_DESC_INDICATOR_PTR => rec.indicator_ptr = pointer,
        SQL_DESC_OCTET_LENGTH_PTR => rec.octet_length_ptr = pointer,
        other => {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_FIELD,
                format!("Descriptor field {other} is not known or cannot be set"),
            ))
        }
    }
    Ok(())
}

/// SQL_DESC_TYPE of a concise type: datetime types (ODBC 3 and ODBC 2 codes, SQL and C types
/// alike) share the verbose SQL_DATETIME.
pub fn verbose_of(concise: i16) -> i16 {
    match concise {
        SQL_TYPE_DATE | SQL_TYPE_TIME | SQL_TYPE_TIMESTAMP | SQL_DATE | SQL_TIME
        | SQL_TIMESTAMP => SQL_DATETIME,
        other => other,
    }
}

/// SQL_DESC_DATETIME_INTERVAL_CODE of a concise datetime type.
pub fn datetime_sub_of(concise: i16) -> i16 {
    match concise {
        SQL_TYPE_DATE | SQL_DATE => SQL_CODE_DATE,
        SQL_TYPE_TIME | SQL_TIME => SQL_CODE_TIME,
        SQL_TYPE_TIMESTAMP | SQL_TIMESTAMP => SQL_CODE_TIMESTAMP,
        _ => 0,
    }
}

pub fn copy(source: &Descriptor, target: &Descriptor) -> Result<()> {
    if target.kind == DescKind::Ird {
        return Err(Error::new(
            state::CANNOT_MODIFY_IRD,
            "The implementation row descriptor cannot be a copy target",
        ));
    }
    let copied = super::lock(&source.state).clone();
    *super::lock(&target.state) = copied;
    Ok(())
}
