//! Binding: SQLBindParameter into the APD and IPD, SQLBindCol into the ARD. Only the descriptors
//! change here; the buffers are read at execute and written at fetch.

use super::*;

impl Statement {
    #[allow(clippy::too_many_arguments)]
    pub fn bind_parameter(
        &self,
        number: u16,
        io_type: i16,
        c_type: i16,
        sql_type: i16,
        column_size: usize,
        decimal_digits: i16,
        data: AppPtr,
        buffer_len: isize,
        indicator: AppPtr,
    ) -> Result<()> {
        if number == 0 {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_INDEX,
                "Parameters are numbered from 1",
            ));
        }
        if io_type != 1 {
            return Err(Error::new(
                state::INVALID_PARAMETER_TYPE,
                "Only input parameters (SQL_PARAM_INPUT) are supported",
            ));
        }
        if c_types::name(c_type) == "unknown" && c_type != SQL_C_DEFAULT {
            return Err(Error::new(
                state::INVALID_APP_BUFFER_TYPE,
                format!("The C type {c_type} is not a valid ODBC C data type"),
            ));
        }
        if buffer_len < 0 {
            return Err(Error::new(
                state::INVALID_STRING_OR_BUFFER_LENGTH,
                "BufferLength of a parameter cannot be negative",
            ));
        }
        {
            let mut apd = lock(&self.apd.state);
            let rec = apd.record_mut(number as usize);
            rec.concise_type = c_type;
            rec.verbose_type = verbose_of(c_type);
            rec.datetime_sub = datetime_sub_of(c_type);
            rec.data_ptr = data;
            rec.octet_length = buffer_len;
            rec.indicator_ptr = indicator;
            rec.octet_length_ptr = indicator;
        }
        let mut ipd = lock(&self.ipd.state);
        let rec = ipd.record_mut(number as usize);
        rec.concise_type = sql_type;
        rec.verbose_type = verbose_of(sql_type);
        rec.datetime_sub = datetime_sub_of(sql_type);
        rec.length = column_size;
        rec.precision = column_size.min(i16::MAX as usize) as i16;
        rec.scale = decimal_digits;
        rec.parameter_type = io_type;
        Ok(())
    }

    pub fn bind_col(
        &self,
        column: u16,
        c_type: i16,
        data: AppPtr,
        buffer_len: isize,
        indicator: AppPtr,
    ) -> Result<()> {
        if column == 0 {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_INDEX,
                "Column 0 is the bookmark column, and bookmarks are not supported",
            ));
        }
        if buffer_len < 0 {
            return Err(Error::new(
                state::INVALID_STRING_OR_BUFFER_LENGTH,
                "BufferLength cannot be negative",
            ));
        }
        if c_types::name(c_type) == "unknown" && c_type != SQL_C_DEFAULT {
            return Err(Error::new(
                state::INVALID_APP_BUFFER_TYPE,
                format!("The C type {c_type} is not a valid ODBC C data type"),
            ));
        }
        let mut ard = lock(&self.ard.state);
        let rec = ard.record_mut(column as usize);
        rec.concise_type = c_type;
        rec.verbose_type = verbose_of(c_type);
        rec.datetime_sub = datetime_sub_of(c_type);
        rec.data_ptr = data;
        rec.octet_length = buffer_len;
        rec.indicator_ptr = indicator;
        rec.octet_length_ptr = indicator;
        if data.is_null() && indicator.is_null() {
            ard.trim_unbound();
        }
        Ok(())
    }
}
