//! apiodbc: an ODBC 3.8 driver that queries REST APIs with SQL. The layers, top to bottom (see
//! DESIGN.md): `api` (the C ABI, the only `unsafe`) → `handles` (ODBC semantics) → `engine` (SQL
//! over DataFusion) → `connect` (connection strings and settings). Arrows point down only; the
//! one exception is `api::memory`, the accessor `handles` uses to reach application buffers.

pub mod api;
pub mod auth;
pub mod connect;
pub mod engine;
pub mod error;
pub mod ffi;
pub mod files;
pub mod handles;
pub mod logging;
pub mod profile;
pub mod rest;
pub mod runtime;
pub mod secret;
