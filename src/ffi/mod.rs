//! Calls into the C world that the rest of the driver needs as plain safe functions. This leaf
//! module is one of the two places `unsafe` may appear (the other is `api`, the exported C ABI);
//! each block states why it is sound. It depends on nothing else of the crate.

#![allow(unsafe_code)]

pub mod app_memory;
pub mod driver_manager;
pub mod odbcinst;
pub mod os;

pub use app_memory::AppPtr;
