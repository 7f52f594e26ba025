//! ODBC semantics over the engine: the four handle kinds and their state machines, attributes,
//! diagnostics, descriptors, data conversion to C buffers, SQLGetInfo and the catalog functions.
//! Handles are reference-counted objects; which address the application holds for which handle
//! is the C ABI's business (`api::registry`).

pub mod c_data;
pub mod c_types;
pub mod catalog;
mod column_writer;
pub mod connection;
pub mod cursor;
mod declared_length;
pub mod descriptor;
pub mod diag;
pub mod environment;
pub mod info;
pub mod params;
mod read_ahead;
mod scroll;
pub mod sql_types;
pub mod statement;
pub mod type_info;

/// What a driver function reports besides its diagnostics. SQL_SUCCESS_WITH_INFO is derived from
/// warnings in the handle's diagnostics, so functions only say whether there was data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Success,
    NoData,
    /// A data-at-execution parameter awaits SQLPutData (SQL_NEED_DATA).
    NeedData,
}

/// Locks a handle's state; a panic in an earlier call must not make the handle unusable, and
/// the state it guards is plain data that stays consistent between calls.
pub fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
