//! The handles the application holds, by the address it was given: a freed or forged handle is
//! recognised (SQL_INVALID_HANDLE) instead of dereferenced. Allocating a statement registers its
//! four implicit descriptors with it; freeing (or disconnecting) unregisters them together.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use crate::handles::connection::Connection;
use crate::handles::descriptor::Descriptor;
use crate::handles::diag::Diagnostics;
use crate::handles::environment::Environment;
use crate::handles::statement::Statement;

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

/// Registers a new statement and its descriptors, and tells its connection; returns its address.
pub fn register_statement(stmt: Arc<Statement>) -> usize {
    for desc in [&stmt.ard, &stmt.apd, &stmt.ird, &stmt.ipd] {
        register(Handle::Desc(desc.clone()));
    }
    let conn = stmt.conn.clone();
    let address = register(Handle::Stmt(stmt));
    conn.add_statement(address);
    address
}

/// Forgets a statement and its descriptors (SQLFreeHandle or SQLDisconnect).
pub fn release_statement(address: usize) {
    if let Some(Handle::Stmt(stmt)) = lookup(address) {
        for desc in [&stmt.ard, &stmt.apd, &stmt.ird, &stmt.ipd] {
            unregister(Arc::as_ptr(desc) as usize);
        }
    }
    unregister(address);
}
