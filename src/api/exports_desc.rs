//! Descriptor exports over the implicit ARD/APD/IRD/IPD: SQLGetDescField, SQLSetDescField,
//! SQLGetDescRec, SQLSetDescRec, SQLCopyDesc. String field lengths are in bytes.
#![allow(non_snake_case)]

use super::registry::Handle;
use super::text::{read_input, Encoding, LengthUnit, Narrow, Wide};
use super::types::*;
use super::{as_desc, entry, find, output_text, HandleKind};
use crate::error::{state, Error};
use crate::ffi::AppPtr;
use crate::handles::descriptor::{self, FieldValue};
use crate::handles::{lock, Status};
use crate::odbc::desc::{
    SQL_DESC_DATA_PTR, SQL_DESC_DATETIME_INTERVAL_CODE, SQL_DESC_INDICATOR_PTR, SQL_DESC_NAME,
    SQL_DESC_OCTET_LENGTH, SQL_DESC_OCTET_LENGTH_PTR, SQL_DESC_PRECISION, SQL_DESC_SCALE,
    SQL_DESC_TYPE,
};
use crate::odbc::returns::SQL_INVALID_HANDLE;

fn get_desc_field<E: Encoding>(
    hdesc: SQLHDESC,
    record: SQLSMALLINT,
    field: SQLSMALLINT,
    value: AppPtr,
    max: SQLINTEGER,
    out_len: AppPtr,
) -> SQLRETURN {
    entry(hdesc, HandleKind::Desc, |h| {
        let desc = as_desc(h)?;
        match descriptor::get_field(desc, record, field)? {
            None => return Ok(Status::NoData),
            Some(FieldValue::Small(v)) => {
                value.write_i16(v);
                out_len.write_i32(2);
            }
            Some(FieldValue::Int(v)) => {
                value.write_i32(v);
                out_len.write_i32(4);
            }
            Some(FieldValue::Len(v)) => {
                value.write_isize(v);
                out_len.write_i32(8);
            }
            Some(FieldValue::ULen(v)) => {
                value.write_usize(v);
                out_len.write_i32(8);
            }
            Some(FieldValue::Ptr(p)) => {
                value.write_ptr(p.address());
                out_len.write_i32(8);
            }
            Some(FieldValue::Text(t)) => {
                let written = output_text::<E>(h, value, max as isize, LengthUnit::Bytes, &t);
                out_len.write_i32(written.full_len as i32);
            }
        }
        Ok(Status::Success)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetDescField(
    DescriptorHandle: SQLHDESC,
    RecNumber: SQLSMALLINT,
    FieldIdentifier: SQLSMALLINT,
    Value: SQLPOINTER,
    BufferLength: SQLINTEGER,
    StringLength: *mut SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_desc_field::<Narrow>(
            DescriptorHandle,
            RecNumber,
            FieldIdentifier,
            AppPtr::new(Value),
            BufferLength,
            AppPtr::new(StringLength),
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetDescFieldW(
    hdesc: SQLHDESC,
    iRecord: SQLSMALLINT,
    iField: SQLSMALLINT,
    rgbValue: SQLPOINTER,
    cbValueMax: SQLINTEGER,
    pcbValue: *mut SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_desc_field::<Wide>(
            hdesc,
            iRecord,
            iField,
            AppPtr::new(rgbValue),
            cbValueMax,
            AppPtr::new(pcbValue),
        )
    }
}

fn set_desc_field<E: Encoding>(
    hdesc: SQLHDESC,
    record: SQLSMALLINT,
    field: SQLSMALLINT,
    value: AppPtr,
    len: SQLINTEGER,
) -> SQLRETURN {
    entry(hdesc, HandleKind::Desc, |h| {
        let text = if field == SQL_DESC_NAME {
            let units = if len >= 0 {
                len as isize / E::unit() as isize
            } else {
                len as isize
            };
            read_input::<E>(value, units)?
        } else {
            None
        };
        descriptor::set_field(as_desc(h)?, record, field, value.address(), value, text)?;
        Ok(Status::Success)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLSetDescField(
    DescriptorHandle: SQLHDESC,
    RecNumber: SQLSMALLINT,
    FieldIdentifier: SQLSMALLINT,
    Value: SQLPOINTER,
    BufferLength: SQLINTEGER,
) -> SQLRETURN {
    set_desc_field::<Narrow>(
        DescriptorHandle,
        RecNumber,
        FieldIdentifier,
        // SAFETY: the caller's promise (# Safety) covers this pointer argument.
        unsafe { AppPtr::new(Value) },
        BufferLength,
    )
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLSetDescFieldW(
    DescriptorHandle: SQLHDESC,
    RecNumber: SQLSMALLINT,
    FieldIdentifier: SQLSMALLINT,
    Value: SQLPOINTER,
    BufferLength: SQLINTEGER,
) -> SQLRETURN {
    set_desc_field::<Wide>(
        DescriptorHandle,
        RecNumber,
        FieldIdentifier,
        // SAFETY: the caller's promise (# Safety) covers this pointer argument.
        unsafe { AppPtr::new(Value) },
        BufferLength,
    )
}

#[allow(clippy::too_many_arguments)]
fn get_desc_rec<E: Encoding>(
    hdesc: SQLHDESC,
    record: SQLSMALLINT,
    name: AppPtr,
    max: SQLSMALLINT,
    name_len: AppPtr,
    type_out: AppPtr,
    sub_type: AppPtr,
    length: AppPtr,
    precision: AppPtr,
    scale: AppPtr,
    nullable: AppPtr,
) -> SQLRETURN {
    entry(hdesc, HandleKind::Desc, |h| {
        let desc = as_desc(h)?;
        if record < 1 {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_INDEX,
                "Descriptor records start at 1 (bookmarks are not supported)",
            ));
        }
        let rec = {
            let st = lock(&desc.state);
            match st.records.get(record as usize - 1) {
                Some(r) => r.clone(),
                None => return Ok(Status::NoData),
            }
        };
        let written = output_text::<E>(h, name, max as isize, LengthUnit::Characters, &rec.name);
        name_len.write_i16(written.full_len.min(i16::MAX as usize) as i16);
        type_out.write_i16(rec.verbose_type);
        sub_type.write_i16(rec.datetime_sub);
        length.write_isize(rec.octet_length);
        precision.write_i16(rec.precision);
        scale.write_i16(rec.scale);
        nullable.write_i16(rec.nullable);
        Ok(Status::Success)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetDescRec(
    DescriptorHandle: SQLHDESC,
    RecNumber: SQLSMALLINT,
    Name: *mut SQLCHAR,
    BufferLength: SQLSMALLINT,
    StringLength: *mut SQLSMALLINT,
    Type: *mut SQLSMALLINT,
    SubType: *mut SQLSMALLINT,
    Length: *mut SQLLEN,
    Precision: *mut SQLSMALLINT,
    Scale: *mut SQLSMALLINT,
    Nullable: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_desc_rec::<Narrow>(
            DescriptorHandle,
            RecNumber,
            AppPtr::new(Name),
            BufferLength,
            AppPtr::new(StringLength),
            AppPtr::new(Type),
            AppPtr::new(SubType),
            AppPtr::new(Length),
            AppPtr::new(Precision),
            AppPtr::new(Scale),
            AppPtr::new(Nullable),
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetDescRecW(
    hdesc: SQLHDESC,
    iRecord: SQLSMALLINT,
    szName: *mut SQLWCHAR,
    cbNameMax: SQLSMALLINT,
    pcbName: *mut SQLSMALLINT,
    pfType: *mut SQLSMALLINT,
    pfSubType: *mut SQLSMALLINT,
    pLength: *mut SQLLEN,
    pPrecision: *mut SQLSMALLINT,
    pScale: *mut SQLSMALLINT,
    pNullable: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_desc_rec::<Wide>(
            hdesc,
            iRecord,
            AppPtr::new(szName),
            cbNameMax,
            AppPtr::new(pcbName),
            AppPtr::new(pfType),
            AppPtr::new(pfSubType),
            AppPtr::new(pLength),
            AppPtr::new(pPrecision),
            AppPtr::new(pScale),
            AppPtr::new(pNullable),
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLSetDescRec(
    DescriptorHandle: SQLHDESC,
    RecNumber: SQLSMALLINT,
    Type: SQLSMALLINT,
    SubType: SQLSMALLINT,
    Length: SQLLEN,
    Precision: SQLSMALLINT,
    Scale: SQLSMALLINT,
    Data: SQLPOINTER,
    StringLength: *mut SQLLEN,
    Indicator: *mut SQLLEN,
) -> SQLRETURN {
    entry(DescriptorHandle, HandleKind::Desc, |h| {
        let desc = as_desc(h)?;
        use descriptor::*;
        let int =
            |field, value: usize| set_field(desc, RecNumber, field, value, AppPtr::NULL, None);
        int(SQL_DESC_TYPE, Type as usize)?;
        if Type == 9 {
            int(SQL_DESC_DATETIME_INTERVAL_CODE, SubType as usize)?;
        }
        int(SQL_DESC_OCTET_LENGTH, Length as usize)?;
        int(SQL_DESC_PRECISION, Precision as usize)?;
        int(SQL_DESC_SCALE, Scale as usize)?;
        // SAFETY: the caller's promise (# Safety) covers these deferred buffers.
        let (data, length, indicator) = unsafe {
            (
                AppPtr::new(Data),
                AppPtr::new(StringLength),
                AppPtr::new(Indicator),
            )
        };
        set_field(desc, RecNumber, SQL_DESC_DATA_PTR, 0, data, None)?;
        set_field(desc, RecNumber, SQL_DESC_OCTET_LENGTH_PTR, 0, length, None)?;
        set_field(desc, RecNumber, SQL_DESC_INDICATOR_PTR, 0, indicator, None)?;
        Ok(Status::Success)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLCopyDesc(
    SourceDescHandle: SQLHDESC,
    TargetDescHandle: SQLHDESC,
) -> SQLRETURN {
    let Some(Handle::Desc(source)) = find(SourceDescHandle, HandleKind::Desc) else {
        return SQL_INVALID_HANDLE;
    };
    entry(TargetDescHandle, HandleKind::Desc, |h| {
        descriptor::copy(&source, as_desc(h)?)?;
        Ok(Status::Success)
    })
}
