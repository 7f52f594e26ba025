//! The connection handle: connecting (connection string, DSN keys, settings, then `session::open`
//! under SQL_ATTR_LOGIN_TIMEOUT), connection attributes, and the statements that belong to it.

use std::sync::{Arc, Mutex};

use std::time::Duration;

use super::diag::Diagnostics;
use super::environment::Environment;
use super::lock;
use crate::connect::{dsn, grammar, settings::Settings, Attributes};
use crate::error::{state, Error, Result, SqlError};
use crate::odbc::attributes::{
    SQL_ATTR_ACCESS_MODE, SQL_ATTR_ANSI_APP, SQL_ATTR_ASYNC_DBC_FUNCTIONS_ENABLE,
    SQL_ATTR_AUTOCOMMIT, SQL_ATTR_AUTO_IPD, SQL_ATTR_CONNECTION_DEAD, SQL_ATTR_CONNECTION_TIMEOUT,
    SQL_ATTR_CURRENT_CATALOG, SQL_ATTR_DISCONNECT_BEHAVIOR, SQL_ATTR_ENLIST_IN_DTC,
    SQL_ATTR_LOGIN_TIMEOUT, SQL_ATTR_METADATA_ID, SQL_ATTR_ODBC_CURSORS, SQL_ATTR_PACKET_SIZE,
    SQL_ATTR_QUIET_MODE, SQL_ATTR_RESET_CONNECTION, SQL_ATTR_TRACE, SQL_ATTR_TRACEFILE,
    SQL_ATTR_TRANSLATE_LIB, SQL_ATTR_TRANSLATE_OPTION, SQL_ATTR_TXN_ISOLATION, SQL_AUTOCOMMIT_ON,
    SQL_CD_FALSE, SQL_MODE_READ_ONLY, SQL_MODE_READ_WRITE,
};
use crate::runtime::wait_limited;
use crate::session::{self, OpenSession};

/// An attribute value as the application passed it.
#[derive(Clone, Debug)]
pub enum AttrValue {
    Int(usize),
    Text(String),
}

pub struct ConnState {
    pub session: Option<Arc<OpenSession>>,
    pub login_timeout: usize,
    pub connection_timeout: usize,
    pub autocommit: usize,
    /// SQL_ATTR_ACCESS_MODE set to SQL_MODE_READ_ONLY: writes are refused.
    pub access_read_only: bool,
    pub txn_isolation: usize,
    pub metadata_id: usize,
    pub packet_size: usize,
    pub quiet_mode: usize,
    pub current_catalog: String,
    /// Statement handles (their addresses) that belong to this connection.
    pub statements: Vec<usize>,
    /// Keeps the Logfile open from connect (a failed one too, so its error is logged) until
    /// disconnect or the handle is freed.
    pub log: Option<crate::logging::LogGuard>,
}

pub struct Connection {
    pub env: Arc<Environment>,
    pub diag: Diagnostics,
    pub state: Mutex<ConnState>,
    /// The cursor names set with SQLSetCursorName, by statement serial: unique per connection.
    pub cursor_names: Mutex<std::collections::BTreeMap<u64, String>>,
}

impl Connection {
    pub fn new(env: Arc<Environment>) -> Connection {
        Connection {
            env,
            diag: Diagnostics::default(),
            cursor_names: Mutex::default(),
            state: Mutex::new(ConnState {
                session: None,
                login_timeout: 0,
                connection_timeout: 0,
                autocommit: SQL_AUTOCOMMIT_ON,
                access_read_only: false,
                txn_isolation: 0,
                metadata_id: 0,
                packet_size: 0,
                quiet_mode: 0,
                current_catalog: String::new(),
                statements: Vec::new(),
                log: None,
            }),
        }
    }

    pub fn session(&self) -> Result<Arc<OpenSession>> {
        lock(&self.state).session.clone().ok_or_else(|| {
            Error::new(
                state::CONNECTION_NOT_OPEN,
                "The connection is not open; connect first",
            )
        })
    }

    /// Whether the connection may change data: open, not read-only by ReadOnly or
    /// SQL_ATTR_ACCESS_MODE, and with autocommit on (the APIs have no transactions to hold a
    /// change for a commit, so autocommit off would only pretend).
    pub fn may_write(&self) -> Result<()> {
        let st = lock(&self.state);
        if st.access_read_only {
            return Err(Error::new(
                SqlError::ReadOnly,
                "The connection is read-only (SQL_ATTR_ACCESS_MODE is SQL_MODE_READ_ONLY); set it to SQL_MODE_READ_WRITE to change data",
            ));
        }
        if st.autocommit != SQL_AUTOCOMMIT_ON {
            return Err(Error::new(
                SqlError::NoTransactions,
                "Nothing was sent: with autocommit off a change would wait for a commit, and the API has no transactions to hold it. Turn autocommit on (SQL_ATTR_AUTOCOMMIT; pyodbc: connect(..., autocommit=True)) and every statement is applied as it runs",
            ));
        }
        Ok(())
    }

    /// Whether INSERT, UPDATE and DELETE can run: some table takes them, ReadOnly is off and
    /// SQL_ATTR_ACCESS_MODE is not read-only.
    pub fn writable(&self) -> bool {
        let st = lock(&self.state);
        !st.access_read_only && st.session.as_ref().is_some_and(|s| s.writable)
    }

    pub fn is_connected(&self) -> bool {
        lock(&self.state).session.is_some()
    }

    /// SQLConnect: the data source, and the user and password when given (they win over the
    /// DSN's UID and PWD).
    pub fn connect_to_dsn(
        &self,
        dsn: &str,
        user: Option<&str>,
        password: Option<&str>,
    ) -> Result<()> {
        let mut attrs = Attributes::new();
        attrs.insert_if_absent("DSN", dsn);
        if let Some(user) = user.filter(|u| !u.is_empty()) {
            attrs.insert_if_absent("UID", user);
        }
        if let Some(password) = password.filter(|p| !p.is_empty()) {
            attrs.insert_if_absent("PWD", password);
        }
        self.connect(&attrs.to_connection_string()).map(drop)
    }

    /// SQLDriverConnect / SQLConnect: parse, merge the DSN's keys, validate, open the engine.
    /// Returns the completed connection string.
    pub fn connect(&self, connection_string: &str) -> Result<String> {
        if self.is_connected() {
            return Err(Error::new(
                state::CONNECTION_IN_USE,
                "The connection is already open; disconnect first",
            ));
        }
        let mut attrs = grammar::parse(connection_string)?;
        let dsn_name = attrs
            .get("DSN")
            .map(str::to_string)
            .filter(|d| !d.is_empty());
        if let Some(name) = &dsn_name {
            // Keys in the string win over the DSN's keys.
            for (key, value) in dsn::read_dsn(name)?.iter() {
                attrs.insert_if_absent(key, value);
            }
        }
        let (settings, warnings) = Settings::from_attributes(&attrs)?;
        // Errors are masked here, while the connection's secrets are still alive to be found
        // (this copy holds them): the caller records them after `settings` is gone.
        let secrets_alive = settings.clone();
        let opened = self.open(settings, warnings, &attrs, dsn_name);
        let opened = opened.map_err(|mut e| {
            if let std::borrow::Cow::Owned(masked) = crate::secret::mask_secrets(&e.message) {
                e.message = masked;
            }
            e
        });
        drop(secrets_alive);
        opened
    }

    fn open(
        &self,
        settings: Settings,
        warnings: Vec<crate::connect::Warning>,
        attrs: &Attributes,
        dsn_name: Option<String>,
    ) -> Result<String> {
        for warning in &warnings {
            self.diag
                .push_warning(warning.state, warning.message.clone());
        }
        let log = match &settings.logfile {
            Some(logfile) => Some(crate::logging::configure(logfile, settings.verbosity)?),
            None => None,
        };
        let login_timeout = {
            let mut st = lock(&self.state);
            st.log = log;
            st.login_timeout
        };
        let limit = (login_timeout > 0).then(|| Duration::from_secs(login_timeout as u64));
        let (session, unknown_keys) = wait_limited(
            session::open(settings, dsn_name.clone().unwrap_or_default()),
            limit,
            |seconds| {
                format!(
                    "The login timeout of {seconds} s expired before the connection was open (an OAuth flow waiting for the browser counts too); raise or unset SQL_ATTR_LOGIN_TIMEOUT"
                )
            },
        )?;
        if let Some(warning) = unknown_keys {
            self.diag.push_warning(warning.state, warning.message);
        }
        tracing::info!(dsn = dsn_name.as_deref().unwrap_or(""), attributes = ?attrs, "connected");
        lock(&self.state).session = Some(Arc::new(session));
        Ok(attrs.completed_without_secrets())
    }

    /// Closes the session; returns the addresses of the connection's statements, which the spec
    /// says disconnecting frees (the caller forgets them).
    pub fn disconnect(&self) -> Result<Vec<usize>> {
        let mut st = lock(&self.state);
        if st.session.is_none() {
            return Err(Error::new(
                state::CONNECTION_NOT_OPEN,
                "The connection is not open",
            ));
        }
        let statements = std::mem::take(&mut st.statements);
        st.session = None;
        tracing::info!("disconnected");
        st.log = None;
        Ok(statements)
    }

    pub fn set_attr(&self, attribute: i32, value: AttrValue) -> Result<()> {
        let int = match &value {
            AttrValue::Int(v) => *v,
            AttrValue::Text(_) => 0,
        };
        let mut st = lock(&self.state);
        match attribute {
            SQL_ATTR_ACCESS_MODE => match int {
                SQL_MODE_READ_ONLY | SQL_MODE_READ_WRITE => {
                    st.access_read_only = int == SQL_MODE_READ_ONLY;
                    Ok(())
                }
                other => Err(Error::new(
                    state::INVALID_ATTRIBUTE_VALUE,
                    format!(
                        "SQL_ATTR_ACCESS_MODE {other} is not SQL_MODE_READ_ONLY (1) or SQL_MODE_READ_WRITE (0)"
                    ),
                )),
            },
            SQL_ATTR_ANSI_APP
            | SQL_ATTR_TRACE
            | SQL_ATTR_TRACEFILE
            | SQL_ATTR_TRANSLATE_LIB
            | SQL_ATTR_TRANSLATE_OPTION
            | SQL_ATTR_ODBC_CURSORS
            | SQL_ATTR_DISCONNECT_BEHAVIOR
            | SQL_ATTR_RESET_CONNECTION
            | SQL_ATTR_ENLIST_IN_DTC => Ok(()),
            SQL_ATTR_AUTOCOMMIT => {
                st.autocommit = int;
                Ok(())
            }
            SQL_ATTR_LOGIN_TIMEOUT => {
                st.login_timeout = int;
                Ok(())
            }
            SQL_ATTR_CONNECTION_TIMEOUT => {
                st.connection_timeout = int;
                Ok(())
            }
            SQL_ATTR_TXN_ISOLATION => {
                st.txn_isolation = int;
                Ok(())
            }
            SQL_ATTR_METADATA_ID => {
                st.metadata_id = int;
                Ok(())
            }
            SQL_ATTR_PACKET_SIZE => {
                st.packet_size = int;
                Ok(())
            }
            SQL_ATTR_QUIET_MODE => {
                st.quiet_mode = int;
                Ok(())
            }
            SQL_ATTR_CURRENT_CATALOG => match value {
                AttrValue::Text(t) if t.is_empty() => Ok(()),
                _ => Err(Error::new(
                    state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                    "apiodbc has no catalogs; SQL_ATTR_CURRENT_CATALOG cannot be set",
                )),
            },
            SQL_ATTR_ASYNC_DBC_FUNCTIONS_ENABLE => {
                if int == 0 {
                    Ok(())
                } else {
                    Err(Error::new(
                        state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                        "Asynchronous connection functions are not supported",
                    ))
                }
            }
            // Statement attributes set on the connection (ODBC 2 SQLSetConnectOption) are accepted.
            0..=27 => Ok(()),
            other => Err(Error::new(
                state::INVALID_ATTRIBUTE_IDENTIFIER,
                format!("Connection attribute {other} is not known"),
            )),
        }
    }

    pub fn get_attr(&self, attribute: i32) -> Result<AttrValue> {
        let st = lock(&self.state);
        let value = match attribute {
            SQL_ATTR_ACCESS_MODE => {
                let writable = st.session.as_ref().is_some_and(|s| s.writable);
                AttrValue::Int(if writable && !st.access_read_only {
                    SQL_MODE_READ_WRITE
                } else {
                    SQL_MODE_READ_ONLY
                })
            }
            SQL_ATTR_AUTOCOMMIT => AttrValue::Int(st.autocommit),
            SQL_ATTR_LOGIN_TIMEOUT => AttrValue::Int(st.login_timeout),
            SQL_ATTR_CONNECTION_TIMEOUT => AttrValue::Int(st.connection_timeout),
            SQL_ATTR_TXN_ISOLATION => AttrValue::Int(st.txn_isolation),
            SQL_ATTR_METADATA_ID => AttrValue::Int(st.metadata_id),
            SQL_ATTR_PACKET_SIZE => AttrValue::Int(st.packet_size),
            SQL_ATTR_QUIET_MODE => AttrValue::Int(st.quiet_mode),
            SQL_ATTR_CONNECTION_DEAD => AttrValue::Int(SQL_CD_FALSE),
            SQL_ATTR_AUTO_IPD => AttrValue::Int(0),
            SQL_ATTR_ASYNC_DBC_FUNCTIONS_ENABLE => AttrValue::Int(0),
            SQL_ATTR_CURRENT_CATALOG => AttrValue::Text(st.current_catalog.clone()),
            SQL_ATTR_TRACE | SQL_ATTR_ODBC_CURSORS | SQL_ATTR_TRANSLATE_OPTION => AttrValue::Int(0),
            SQL_ATTR_TRACEFILE | SQL_ATTR_TRANSLATE_LIB => AttrValue::Text(String::new()),
            other => {
                return Err(Error::new(
                    state::INVALID_ATTRIBUTE_IDENTIFIER,
                    format!("Connection attribute {other} is not known"),
                ))
            }
        };
        Ok(value)
    }

    pub fn add_statement(&self, address: usize) {
        lock(&self.state).statements.push(address);
    }

    pub fn remove_statement(&self, address: usize) {
        lock(&self.state).statements.retain(|a| *a != address);
    }
}
