//! apiodbc: an ODBC 3.8 driver that queries REST APIs with SQL. docs/architecture.md is the map;
//! the layers, top to bottom: `api` (the C ABI; with `ffi`, the only `unsafe`) → `handles` (ODBC
//! semantics) → `session` (wires a connection) → `engine` (SQL over DataFusion), `rest` (tables
//! over HTTP), `auth` (OAuth and the token store), `profile` (APIs as data) → `http`, `connect`
//! (connection strings and properties) and the leaves `table_meta`, `request_log`, `wchar`, `odbc`,
//! `runtime`, `logging`, `secret`, `files`, `error`, `ffi`. Arrows point down only (`cargo xtask modules`).

#![deny(unsafe_code, unsafe_op_in_unsafe_fn)]

pub(crate) mod api;
pub(crate) mod auth;
pub(crate) mod connect;
pub(crate) mod engine;
pub(crate) mod error;
pub(crate) mod ffi;
pub(crate) mod files;
pub(crate) mod handles;
pub(crate) mod http;
pub(crate) mod logging;
pub(crate) mod odbc;
pub(crate) mod profile;
pub(crate) mod rate_budget;
pub(crate) mod request_log;
pub(crate) mod rest;
pub(crate) mod runtime;
pub(crate) mod secret;
pub(crate) mod session;
pub(crate) mod table_meta;
pub(crate) mod wchar;
pub(crate) mod write_log;

/// The SQL engine with no ODBC in between, for the benchmark baseline
/// (`examples/bench_engine.rs`). Not an API: nothing else outside the crate may use it.
#[doc(hidden)]
pub mod bench_api {
    use datafusion::physical_plan::SendableRecordBatchStream;

    /// Prepares and starts `sql` on an engine without a profile (only the `sys` schema).
    pub async fn query(sql: &str) -> Result<SendableRecordBatchStream, String> {
        let engine = crate::engine::Engine::new(crate::engine::EngineOptions {
            default_schema: "sys".into(),
            database: "apiodbc".into(),
            user: String::new(),
            connection_props: vec![],
            procedures: Default::default(),
            batch_size: 8192,
            tables: Vec::new(),
            requests: Default::default(),
            read_only: Some("a connection without a profile has nothing to write to".into()),
        })
        .map_err(|e| e.message)?;
        let prepared = engine.prepare(sql, true).await.map_err(|e| e.message)?;
        engine
            .execute(&prepared, vec![])
            .await
            .map_err(|e| e.message)
    }
}
