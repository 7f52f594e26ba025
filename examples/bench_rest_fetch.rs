//! Benchmark of issue 3: `SELECT * FROM persons` of the sandbox's Pipedrive through unixODBC from
//! the release driver, fetched with an odbc-api block cursor (column-wise buffers typed from the
//! result set's description, text capped at 256 bytes, 5 000 rows per fetch). Every row is counted
//! and its `id` added, which gives the checksum the baseline (`bench_rest_baseline`) and the
//! pyodbc script print too. Prints the result line of `cargo xtask bench`.
//!
//! Run: `APIODBC_DRIVER_PATH=$PWD/target/release/libapiodbc.so APIODBC_BENCH_CONNSTR='<the
//! sandbox manifest's services.pipedrive.connection_strings.BASIC>' cargo run --release --example
//! bench_rest_fetch` (`APIODBC_BENCH_BATCH` changes the rows per fetch, `APIODBC_BENCH_TEXT_MAX`
//! the text cap). Like `bench_fetch`, this binary links libodbc through odbc-api and must never
//! use the `apiodbc` crate: its exported `SQL*` symbols would shadow the driver manager's.

#[path = "bench_support/mod.rs"]
#[allow(dead_code)]
mod support;

#[path = "bench_support/rest.rs"]
mod rest;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use odbc_api::buffers::{BufferDesc, ColumnarDynBuffer};
use odbc_api::{ConnectionOptions, Cursor, Environment, ResultSetMetadata};

use rest::RestSum;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_rest_fetch: {e}");
            ExitCode::FAILURE
        }
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or(default)
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let driver = PathBuf::from(rest::env("APIODBC_DRIVER_PATH")?);
    let driver = std::fs::canonicalize(&driver)
        .map_err(|e| format!("APIODBC_DRIVER_PATH={}: {e}", driver.display()))?;
    let connstr = rest::env("APIODBC_BENCH_CONNSTR")?;
    let sql =
        std::env::var("APIODBC_BENCH_SQL").unwrap_or_else(|_| "SELECT * FROM persons".to_string());
    let batch = env_usize("APIODBC_BENCH_BATCH", 5_000);
    let text_max = env_usize("APIODBC_BENCH_TEXT_MAX", 256);

    let env = Environment::new()?;
    let conn = env.connect_with_connection_string(
        &format!("DRIVER={{{}}};{connstr}", driver.display()),
        ConnectionOptions::default(),
    )?;

    let started = Instant::now();
    let cpu_before = rest::cpu_seconds();
    let mut cursor = conn
        .execute(&sql, (), None)?
        .ok_or("the query returned no result set")?;
    let columns = cursor.num_result_cols()?;
    let mut descs = Vec::new();
    let mut id_column = None;
    for i in 1..=columns as u16 {
        if cursor.col_name(i)?.eq_ignore_ascii_case("id") {
            id_column = Some(descs.len());
        }
        let desc = match BufferDesc::from_data_type(cursor.col_data_type(i)?, true) {
            Some(BufferDesc::Text { max_str_len }) => BufferDesc::Text {
                max_str_len: max_str_len.min(text_max),
            },
            Some(BufferDesc::Binary { max_bytes }) => BufferDesc::Binary {
                max_bytes: max_bytes.min(text_max),
            },
            Some(other) => other,
            None => BufferDesc::Text {
                max_str_len: text_max,
            },
        };
        descs.push(desc);
    }
    let id_column = id_column.ok_or("the result set has no `id` column")?;
    let mut block = cursor.bind_buffer(ColumnarDynBuffer::from_descs(batch, descs))?;
    let mut sum = RestSum::default();
    while let Some(rows) = block.fetch()? {
        sum.rows += rows.num_rows() as u64;
        let mut add = |v: i64| sum.id = sum.id.wrapping_add(v);
        let ids = rows.column(id_column);
        if let Some(ids) = ids.as_nullable_slice::<i64>() {
            ids.flatten().for_each(|v| add(*v));
        } else if let Some(ids) = ids.as_nullable_slice::<i32>() {
            ids.flatten().for_each(|v| add(i64::from(*v)));
        } else if let Some(ids) = ids.as_text() {
            for v in ids.iter().flatten() {
                add(std::str::from_utf8(v)?.trim().parse()?);
            }
        } else {
            return Err("the `id` column is neither an integer nor text".into());
        }
    }
    rest::report(
        "rest_fetch",
        &sum,
        started.elapsed(),
        support::peak_rss_mb(),
        rest::cpu_seconds() - cpu_before,
    );
    Ok(())
}
