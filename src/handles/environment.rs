//! The environment handle: the ODBC version the application asked for and the pooling attributes
//! (accepted and reported; unixODBC does the pooling itself).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::diag::Diagnostics;
use super::lock;
use crate::error::{state, Error, Result};
use crate::odbc::attributes::{
    SQL_ATTR_CONNECTION_POOLING, SQL_ATTR_CP_MATCH, SQL_ATTR_DRIVER_UNICODE_TYPE,
    SQL_ATTR_ODBC_VERSION, SQL_ATTR_OUTPUT_NTS, SQL_DM_CP_UCS4, SQL_DM_CP_UTF16, SQL_OV_ODBC2,
    SQL_OV_ODBC3, SQL_OV_ODBC3_80,
};

#[derive(Debug)]
pub struct EnvState {
    pub odbc_version: u32,
    pub connection_pooling: u32,
    pub cp_match: u32,
}

#[derive(Debug)]
pub struct Environment {
    pub diag: Diagnostics,
    pub state: Mutex<EnvState>,
    pub connections: AtomicUsize,
}

impl Environment {
    pub fn new() -> Environment {
        Environment {
            diag: Diagnostics::default(),
            state: Mutex::new(EnvState {
                odbc_version: SQL_OV_ODBC3,
                connection_pooling: 0,
                cp_match: 0,
            }),
            connections: AtomicUsize::new(0),
        }
    }

    pub fn odbc_version(&self) -> u32 {
        lock(&self.state).odbc_version
    }

    pub fn set_attr(&self, attribute: i32, value: usize) -> Result<()> {
        let mut st = lock(&self.state);
        match attribute {
            SQL_ATTR_ODBC_VERSION => match value as u32 {
                SQL_OV_ODBC2 | SQL_OV_ODBC3 | SQL_OV_ODBC3_80 => {
                    st.odbc_version = value as u32;
                    Ok(())
                }
                other => Err(Error::new(
                    state::INVALID_ATTRIBUTE_VALUE,
                    format!("SQL_ATTR_ODBC_VERSION {other} is not supported; use SQL_OV_ODBC2, SQL_OV_ODBC3 or SQL_OV_ODBC3_80"),
                )),
            },
            SQL_ATTR_CONNECTION_POOLING => {
                st.connection_pooling = value as u32;
                Ok(())
            }
            SQL_ATTR_CP_MATCH => {
                st.cp_match = value as u32;
                Ok(())
            }
            SQL_ATTR_OUTPUT_NTS => {
                if value as i32 == 1 {
                    Ok(())
                } else {
                    Err(Error::new(
                        state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                        "SQL_ATTR_OUTPUT_NTS can only be SQL_TRUE: output strings are always NUL-terminated",
                    ))
                }
            }
            other => Err(Error::new(
                state::INVALID_ATTRIBUTE_IDENTIFIER,
                format!("Environment attribute {other} is not known"),
            )),
        }
    }

    pub fn get_attr(&self, attribute: i32) -> Result<u32> {
        let st = lock(&self.state);
        match attribute {
            SQL_ATTR_ODBC_VERSION => Ok(st.odbc_version),
            SQL_ATTR_CONNECTION_POOLING => Ok(st.connection_pooling),
            SQL_ATTR_CP_MATCH => Ok(st.cp_match),
            SQL_ATTR_OUTPUT_NTS => Ok(1),
            // iODBC 3.52.14 and later ask which encoding the driver's wide functions use and
            // convert between it and the application's: the answer is the width in use.
            SQL_ATTR_DRIVER_UNICODE_TYPE => Ok(match crate::wchar::width() {
                crate::wchar::Width::Utf16 => SQL_DM_CP_UTF16,
                crate::wchar::Width::Ucs4 => SQL_DM_CP_UCS4,
            }),
            other => Err(Error::new(
                state::INVALID_ATTRIBUTE_IDENTIFIER,
                format!("Environment attribute {other} is not known"),
            )),
        }
    }

    pub fn connection_opened(&self) {
        self.connections.fetch_add(1, Ordering::SeqCst);
    }

    pub fn connection_freed(&self) {
        self.connections.fetch_sub(1, Ordering::SeqCst);
    }

    pub fn has_connections(&self) -> bool {
        self.connections.load(Ordering::SeqCst) > 0
    }
}

impl Default for Environment {
    fn default() -> Self {
        Environment::new()
    }
}
