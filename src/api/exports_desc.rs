//! Descriptor exports over the implicit ARD/APD/IRD/IPD: SQLGetDescField, SQLSetDescField,
//! SQLGetDescRec, SQLSetDescRec, SQLCopyDesc. String field lengths are in bytes.
#![allow(non_snake_case)]

use super::memory::AppPtr;
use super::text::{read_input, Encoding, LengthUnit, Narrow, Wide};
use super::types::*;
use super::{as_desc, entry, find, output_text, Kind};
use crate::error::{state, Error};
use crate::handles::descriptor::{self, FieldValue, SQL_DESC_NAME};
use crate::handles::{lock, Handle, Status};

fn get_desc_field<E: Encoding>(
    hdesc: SQLHDESC,
    record: SQLSMALLINT,
    field: SQLSMALLINT,
    value: AppPtr,
    max: SQLINTEGER,
    out_len: AppPtr,
) -> SQLRETURN {
    entry(hdesc, Kind::Desc, |h| {
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
                value.write_ptr(p.0);
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

#[no_mangle]
pub extern "C" fn SQLGetDescField(
    DescriptorHandle: SQLHDESC,
    RecNumber: SQLSMALLINT,
    FieldIdentifier: SQLSMALLINT,
    Value: SQLPOINTER,
    BufferLength: SQLINTEGER,
    StringLength: *mut SQLINTEGER,
) -> SQLRETURN {
    get_desc_field::<Narrow>(
        DescriptorHandle,
        RecNumber,
        FieldIdentifier,
        AppPtr::from_ptr(Value),
        BufferLength,
        AppPtr::from_ptr(StringLength),
    )
}

#[no_mangle]
pub extern "C" fn SQLGetDescFieldW(
    hdesc: SQLHDESC,
    iRecord: SQLSMALLINT,
    iField: SQLSMALLINT,
    rgbValue: SQLPOINTER,
    cbValueMax: SQLINTEGER,
    pcbValue: *mut SQLINTEGER,
) -> SQLRETURN {
    get_desc_field::<Wide>(
        hdesc,
        iRecord,
        iField,
        AppPtr::from_ptr(rgbValue),
        cbValueMax,
        AppPtr::from_ptr(pcbValue),
    )
}

fn set_desc_field<E: Encoding>(
    hdesc: SQLHDESC,
    record: SQLSMALLINT,
    field: SQLSMALLINT,
    value: SQLPOINTER,
    len: SQLINTEGER,
) -> SQLRETURN {
    entry(hdesc, Kind::Desc, |h| {
        let text = if field == SQL_DESC_NAME {
            let units = if len >= 0 {
                len as isize / E::UNIT as isize
            } else {
                len as isize
            };
            read_input::<E>(AppPtr::from_ptr(value), units)?
        } else {
            None
        };
        descriptor::set_field(as_desc(h)?, record, field, value as usize, text)?;
        Ok(Status::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLSetDescField(
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
        Value,
        BufferLength,
    )
}

#[no_mangle]
pub extern "C" fn SQLSetDescFieldW(
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
        Value,
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
    entry(hdesc, Kind::Desc, |h| {
        let desc = as_desc(h)?;
        if record < 1 {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_INDEX,
                "[apiodbc] Descriptor records start at 1 (bookmarks are not supported)",
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

#[no_mangle]
pub extern "C" fn SQLGetDescRec(
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
    get_desc_rec::<Narrow>(
        DescriptorHandle,
        RecNumber,
        AppPtr::from_ptr(Name),
        BufferLength,
        AppPtr::from_ptr(StringLength),
        AppPtr::from_ptr(Type),
        AppPtr::from_ptr(SubType),
        AppPtr::from_ptr(Length),
        AppPtr::from_ptr(Precision),
        AppPtr::from_ptr(Scale),
        AppPtr::from_ptr(Nullable),
    )
}

#[no_mangle]
pub extern "C" fn SQLGetDescRecW(
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
    get_desc_rec::<Wide>(
        hdesc,
        iRecord,
        AppPtr::from_ptr(szName),
        cbNameMax,
        AppPtr::from_ptr(pcbName),
        AppPtr::from_ptr(pfType),
        AppPtr::from_ptr(pfSubType),
        AppPtr::from_ptr(pLength),
        AppPtr::from_ptr(pPrecision),
        AppPtr::from_ptr(pScale),
        AppPtr::from_ptr(pNullable),
    )
}

#[no_mangle]
pub extern "C" fn SQLSetDescRec(
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
    entry(DescriptorHandle, Kind::Desc, |h| {
        let desc = as_desc(h)?;
        use descriptor::*;
        set_field(desc, RecNumber, SQL_DESC_TYPE, Type as usize, None)?;
        if Type == 9 {
            set_field(
                desc,
                RecNumber,
                SQL_DESC_DATETIME_INTERVAL_CODE,
                SubType as usize,
                None,
            )?;
        }
        set_field(
            desc,
            RecNumber,
            SQL_DESC_OCTET_LENGTH,
            Length as usize,
            None,
        )?;
        set_field(
            desc,
            RecNumber,
            SQL_DESC_PRECISION,
            Precision as usize,
            None,
        )?;
        set_field(desc, RecNumber, SQL_DESC_SCALE, Scale as usize, None)?;
        set_field(desc, RecNumber, SQL_DESC_DATA_PTR, Data as usize, None)?;
        set_field(
            desc,
            RecNumber,
            SQL_DESC_OCTET_LENGTH_PTR,
            StringLength as usize,
            None,
        )?;
        set_field(
            desc,
            RecNumber,
            SQL_DESC_INDICATOR_PTR,
            Indicator as usize,
            None,
        )?;
        Ok(Status::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLCopyDesc(SourceDescHandle: SQLHDESC, TargetDescHandle: SQLHDESC) -> SQLRETURN {
    let Some(Handle::Desc(source)) = find(SourceDescHandle, Kind::Desc) else {
        return SQL_INVALID_HANDLE;
    };
    entry(TargetDescHandle, Kind::Desc, |h| {
        descriptor::copy(&source, as_desc(h)?)?;
        Ok(Status::Success)
    })
}
