//! Benchmark: the query of `bench_engine` fetched through unixODBC from the release driver with
//! a block cursor (odbc-api, column-wise buffers of 10 000 rows), reading every value the same
//! way, and printing one result line for `cargo xtask bench`.
//!
//! Run: `APIODBC_DRIVER_PATH=$PWD/target/release/libapiodbc.so cargo run --release --example
//! bench_fetch` (`APIODBC_BENCH_ROWS` changes the row count, `APIODBC_BENCH_BATCH` the rows per
//! fetch). This binary links libodbc through odbc-api and must never use the `apiodbc` crate:
//! the crate's exported `SQL*` symbols would shadow the driver manager's.

#[path = "bench_support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use odbc_api::buffers::{BufferDesc, ColumnarDynBuffer};
use odbc_api::{ConnectionOptions, Cursor, Environment};

use support::Checksum;

/// The longest label is `row-` plus 20 digits.
const LABEL_MAX: usize = 32;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_fetch: {e}");
            ExitCode::FAILURE
        }
    }
}

fn driver_path() -> Result<PathBuf, String> {
    let path = std::env::var_os("APIODBC_DRIVER_PATH")
        .map(PathBuf::from)
        .ok_or("set APIODBC_DRIVER_PATH to the release libapiodbc.so (cargo xtask bench does)")?;
    let path = std::fs::canonicalize(&path)
        .map_err(|e| format!("APIODBC_DRIVER_PATH={}: {e}", path.display()))?;
    Ok(path)
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let driver = driver_path()?;
    let batch: usize = std::env::var("APIODBC_BENCH_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let env = Environment::new()?;
    let conn = env.connect_with_connection_string(
        &format!("DRIVER={{{}}};", driver.display()),
        ConnectionOptions::default(),
    )?;
    let sql = support::query(support::rows());

    let started = Instant::now();
    let cursor = conn
        .execute(&sql, (), None)?
        .ok_or("the query returned no result set")?;
    let buffer = ColumnarDynBuffer::from_descs(
        batch,
        [
            BufferDesc::I64 { nullable: true },
            BufferDesc::I64 { nullable: true },
            BufferDesc::F64 { nullable: true },
            BufferDesc::Text {
                max_str_len: LABEL_MAX,
            },
        ],
    );
    let mut block = cursor.bind_buffer(buffer)?;
    let mut sum = Checksum::default();
    while let Some(rows) = block.fetch()? {
        sum.rows(rows.num_rows());
        let id = rows
            .column(0)
            .as_nullable_slice::<i64>()
            .ok_or("id buffer")?;
        for v in id {
            match v {
                Some(v) => sum.id(*v),
                None => sum.null(),
            }
        }
        let twice = rows.column(1).as_nullable_slice::<i64>().ok_or("twice")?;
        for v in twice {
            match v {
                Some(v) => sum.twice(*v),
                None => sum.null(),
            }
        }
        let third = rows.column(2).as_nullable_slice::<f64>().ok_or("third")?;
        for v in third {
            match v {
                Some(v) => sum.third(*v),
                None => sum.null(),
            }
        }
        let label = rows.column(3).as_text().ok_or("label buffer")?;
        for v in label.iter() {
            match v {
                Some(v) => sum.label(v),
                None => sum.null(),
            }
        }
    }
    support::report("fetch", &sum, started.elapsed());
    Ok(())
}
