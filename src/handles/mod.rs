//! ODBC semantics over the engine: the four handle kinds and their state machines, attributes,
//! diagnostics, descriptors, data conversion to C buffers, SQLGetInfo and the catalog functions.
//! Handles are reference-counted objects kept in a registry keyed by the address given to C, so
//! a freed or forged handle is recognised (SQL_INVALID_HANDLE) instead of dereferenced.

pub mod c_types;
pub mod catalog;
pub mod connection;
pub mod convert;
pub mod cursor;
pub mod descriptor;
pub mod diag;
pub mod environment;
pub mod info;
pub mod params;
pub mod sql_types;
pub mod statement;
pub mod type_info;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use self::connection::Connection;
use self::descriptor::Descriptor;
use self::diag::Diagnostics;
use self::environment::Environment;
use self::statement::Statement;

/// What a driver function reports besides its diagnostics. SQL_SUCCESS_WITH_INFO is derived from
/// warnings in the handle's diagnostics, so functions only say whether there was data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Success,
    NoData,
}

#[derive(Clone)]
pub enum Handle {
    Env(Arc<Environment>),
    Conn(Arc<Connection>),
    Stmt(Arc<Statement>),
    Desc(Arc<Descriptor>),
}

impl Handle {
    pub fn diag(&self) -> &Diagnostics {
        match self {
            Handle::Env(h) => &h.diag,
            Handle::Conn(h) => &h.diag,
            Handle::Stmt(h) => &h.diag,
            Handle::Desc(h) => &h.diag,
        }
    }

    /// The address the application holds for this handle.
    pub fn address(&self) -> usize {
        match self {
            Handle::Env(h) => Arc::as_ptr(h) as usize,
            Handle::Conn(h) => Arc::as_ptr(h) as usize,
            Handle::Stmt(h) => Arc::as_ptr(h) as usize,
            Handle::Desc(h) => Arc::as_ptr(h) as usize,
        }
    }
}

fn registry() -> &'static RwLock<HashMap<usize, Handle>> {
    static REGISTRY: OnceLock<RwLock<HashMap<usize, Handle>>> = OnceLock::new();
    REGISTRY.get_or_init(|| RwLock::new(HashMap::new()))
}

/// Makes a handle known to the application; returns its address.
pub fn register(handle: Handle) -> usize {
    let address = handle.address();
    registry()
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .insert(address, handle);
    address
}

pub fn lookup(address: usize) -> Option<Handle> {
    if address == 0 {
        return None;
    }
    registry()
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .get(&address)
        .cloned()
}

pub fn unregister(address: usize) {
    registry()
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&address);
}

/// Locks a handle's state; a panic in an earlier call must not make the handle unusable, and
/// the state it guards is plain data that stays consistent between calls.
pub fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
