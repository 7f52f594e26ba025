//! Benchmark baseline: the fetch benchmark's query run in-process on apiodbc's engine, with no
//! ODBC in between. Every value of every batch is read (integers summed, doubles' bits summed,
//! text lengths and hashes taken) as a client would, and one result line is printed for
//! `cargo xtask bench`. Run: `cargo run --release --example bench_engine`
//! (`APIODBC_BENCH_ROWS` changes the row count).
//!
//! It runs on a multi-thread tokio runtime with two workers, as the driver's own runtime does.

#[path = "bench_support/mod.rs"]
mod support;

use std::process::ExitCode;
use std::time::Instant;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use arrow::record_batch::RecordBatch;
use futures::StreamExt;

use support::Checksum;

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bench_engine: could not start tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_engine: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let sql = support::query(support::rows());

    let started = Instant::now();
    let mut stream = apiodbc::bench_api::query(&sql).await?;
    let mut sum = Checksum::default();
    while let Some(batch) = stream.next().await {
        touch(&batch?, &mut sum)?;
    }
    support::report("engine", &sum, started.elapsed());
    Ok(())
}

/// Reads every value of `batch` into `sum`, column by column.
fn touch(batch: &RecordBatch, sum: &mut Checksum) -> Result<(), String> {
    if batch.num_columns() != 4 {
        return Err(format!("expected 4 columns, got {}", batch.num_columns()));
    }
    let id = batch.column(0).as_primitive_opt::<Int64Type>();
    let twice = batch.column(1).as_primitive_opt::<Int64Type>();
    let third = batch.column(2).as_primitive_opt::<Float64Type>();
    let (Some(id), Some(twice), Some(third)) = (id, twice, third) else {
        return Err(format!("unexpected column types: {:?}", batch.schema()));
    };
    sum.rows(batch.num_rows());
    for v in id {
        match v {
            Some(v) => sum.id(v),
            None => sum.null(),
        }
    }
    for v in twice {
        match v {
            Some(v) => sum.twice(v),
            None => sum.null(),
        }
    }
    for v in third {
        match v {
            Some(v) => sum.third(v),
            None => sum.null(),
        }
    }
    let label = batch.column(3);
    match label.data_type() {
        DataType::Utf8 => texts(label.as_string::<i32>(), sum),
        DataType::LargeUtf8 => texts(label.as_string::<i64>(), sum),
        DataType::Utf8View => texts(label.as_string_view(), sum),
        other => return Err(format!("label column has type {other}, expected text")),
    }
    Ok(())
}

/// Folds every value of a text column (any of Arrow's string layouts) into `sum`.
fn texts<'a>(values: impl IntoIterator<Item = Option<&'a str>>, sum: &mut Checksum) {
    for v in values {
        match v {
            Some(v) => sum.label(v.as_bytes()),
            None => sum.null(),
        }
    }
}
