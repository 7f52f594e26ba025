//! apiodbc's integration tests: the built `libapiodbc.so` loaded by unixODBC, driven through
//! `odbc-api` exactly as a Rust application would use it. One binary (`cargo test --test it`),
//! one module per topic; `harness` registers the driver in a private ODBCSYSINI.

mod harness;

mod bi_tools;
mod bulk;
mod cancellation;
mod catalog;
mod connect;
mod connect_check;
mod cursors;
mod custom_fields;
mod deep_sql;
mod diagnostics;
mod limits;
mod parameters;
mod queries;
mod threads;

// The REST scan: the built-in profiles against apiodbc-sandbox, and profile files against a JSON
// server of the tests' own.
mod mock_api;
mod sandbox;

mod oauth;
mod rest_cache;
mod rest_concurrency;
mod rest_faults;
mod rest_joins;
mod rest_origins;
mod rest_periods;
mod rest_profile_file;
mod rest_pushdown;
mod rest_rate_budget;
mod rest_report_window;
mod rest_requests_table;
mod rest_sort;
mod rest_tables;
mod rest_writes;
mod secrets_in_text;
