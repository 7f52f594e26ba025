//! apiodbc's integration tests: the built `libapiodbc.so` loaded by unixODBC, driven through
//! `odbc-api` exactly as a Rust application would use it. One binary (`cargo test --test it`),
//! one module per topic; `harness` registers the driver in a private ODBCSYSINI.

mod harness;

mod bulk;
mod cancellation;
mod catalog;
mod connect;
mod diagnostics;
mod limits;
mod parameters;
mod queries;
mod threads;
