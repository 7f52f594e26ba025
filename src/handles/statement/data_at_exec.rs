//! Data-at-execution parameters (PHP PDO binds every parameter this way): SQLExecute answers
//! SQL_NEED_DATA; each SQLParamData names the next such parameter by the value the application
//! bound it with; SQLPutData sends its value, text and binary in as many pieces as the
//! application likes; the SQLParamData after the last one runs the statement. SQLCancel ends the
//! sequence. Only the sequence lives here; the values are read and converted by `params`.

use std::collections::BTreeMap;

use super::*;
use crate::odbc::returns::SQL_NTS;

/// An execution waiting for its data-at-execution parameters.
pub struct NeedData {
    prepared: Prepared,
    /// The data-at-execution parameters (from 0), in the order they are asked for.
    order: Vec<usize>,
    /// How many of `order` SQLParamData has named so far.
    named: usize,
    /// The values put so far.
    supplied: BTreeMap<usize, params::Supplied>,
}

impl NeedData {
    pub fn new(prepared: Prepared, order: Vec<usize>) -> NeedData {
        NeedData {
            prepared,
            order,
            named: 0,
            supplied: BTreeMap::new(),
        }
    }

    /// The parameter SQLPutData is sending now, once SQLParamData named one.
    fn current(&self) -> Option<usize> {
        self.named.checked_sub(1).map(|i| self.order[i])
    }
}

fn sequence_error(what: &str) -> Error {
    Error::new(state::FUNCTION_SEQUENCE_ERROR, what.to_string())
}

impl Statement {
    /// SQLParamData: the next data-at-execution parameter (its bound value pointer, and
    /// NeedData), or, after the last one, the statement's execution.
    pub fn param_data(&self) -> Result<(Status, AppPtr)> {
        let mut st = lock(&self.state);
        let need = st.need_data.as_mut().ok_or_else(|| {
            sequence_error("SQLParamData is for data-at-execution parameters: execute a statement with one first")
        })?;
        if let Some(next) = need.order.get(need.named).copied() {
            need.named += 1;
            let token = lock(&self.apd.state)
                .records
                .get(next)
                .map(|r| r.data_ptr)
                .unwrap_or_default();
            return Ok((Status::NeedData, token));
        }
        let need = st.need_data.take().unwrap_or_else(|| unreachable!());
        let status = self.run(&mut st, need.prepared, &need.supplied)?;
        Ok((status, AppPtr::NULL))
    }

    /// SQLPutData: a piece of the current data-at-execution parameter's value (`len` bytes at
    /// `data`, SQL_NTS, or SQL_NULL_DATA).
    pub fn put_data(&self, data: AppPtr, len: isize) -> Result<()> {
        let mut st = lock(&self.state);
        let need = st.need_data.as_mut().ok_or_else(|| {
            sequence_error(
                "SQLPutData is for data-at-execution parameters: call SQLParamData first",
            )
        })?;
        let param = need.current().ok_or_else(|| {
            sequence_error("SQLPutData needs a parameter: call SQLParamData first")
        })?;
        let c_type = lock(&self.apd.state)
            .records
            .get(param)
            .map(|r| r.concise_type)
            .unwrap_or_default();
        let fixed = c_types::fixed_size(c_type);
        let piece = match len {
            SQL_NULL_DATA => None,
            _ if data.is_null() => {
                return Err(Error::new(
                    state::INVALID_NULL_POINTER,
                    "SQLPutData's DataPtr is null; pass the data, or SQL_NULL_DATA as its length",
                ))
            }
            _ if fixed.is_some() => Some(data.read_bytes(fixed.unwrap_or(0))),
            SQL_NTS => Some(data.read_nul_terminated(
                if c_type == crate::odbc::c_types::SQL_C_WCHAR {
                    crate::wchar::unit()
                } else {
                    1
                },
                1 << 30,
            )),
            n if n >= 0 => Some(data.read_bytes(n as usize)),
            other => {
                return Err(Error::new(
                    state::INVALID_STRING_OR_BUFFER_LENGTH,
                    format!("SQLPutData's length {other} is not valid; give a byte length, SQL_NTS or SQL_NULL_DATA"),
                ))
            }
        };
        let earlier = need.supplied.get(&param);
        let value = match (earlier, piece) {
            (None, None) => params::Supplied::Null,
            (None, Some(bytes)) => params::Supplied::Bytes(bytes),
            (Some(params::Supplied::Bytes(_)), Some(_)) if fixed.is_some() => {
                return Err(Error::new(
                    state::NON_CHARACTER_DATA_IN_PIECES,
                    format!(
                        "Parameter {} has a fixed-size C type; send it with one SQLPutData",
                        param + 1
                    ),
                ))
            }
            (Some(params::Supplied::Bytes(so_far)), Some(bytes)) => {
                let mut joined = so_far.clone();
                joined.extend_from_slice(&bytes);
                params::Supplied::Bytes(joined)
            }
            (Some(_), _) => {
                return Err(Error::new(
                    state::NULL_CONCATENATION,
                    format!(
                    "Parameter {} cannot be NULL and have more pieces; send SQL_NULL_DATA alone",
                    param + 1
                ),
                ))
            }
        };
        need.supplied.insert(param, value);
        Ok(())
    }

    /// SQLCancel: ends a data-at-execution sequence, and stops a statement running on another
    /// thread (which holds the state, so it is signalled, not locked).
    pub fn request_cancel(&self) {
        if let Ok(mut st) = self.state.try_lock() {
            st.need_data = None;
        }
        self.cancel.cancel();
    }
}
