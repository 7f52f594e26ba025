//! What the REST benchmarks of issue 3 (`bench_rest_baseline`, `bench_rest_fetch`, and
//! tests/clients/bench/bench_pyodbc.py) share: the sandbox coordinates `cargo xtask bench` hands
//! over as environment variables, and the result line. The checksum is `<rows>/<sum of id>`, the
//! same token the Python script prints, so xtask can check that every path saw the same records.
//! Included with `#[path]` next to `bench_support/mod.rs`; it is not an example itself.

use std::time::Duration;

/// A required environment variable, with a hint when it is missing.
pub fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| {
        format!("set {name} (cargo xtask bench does; see xtask/src/bench.rs, REST suite)")
    })
}

/// Rows seen and the wrapping sum of their `id`.
#[derive(Debug, Default, Clone, Copy)]
pub struct RestSum {
    pub rows: u64,
    pub id: i64,
}

impl RestSum {
    pub fn token(&self) -> String {
        format!("{}/{}", self.rows, self.id)
    }
}

/// Prints the line `cargo xtask bench` parses, with `peak_rss_mb` read by the caller.
pub fn report(name: &str, sum: &RestSum, elapsed: Duration, peak_rss_mb: f64) {
    let seconds = elapsed.as_secs_f64();
    let rate = if seconds > 0.0 {
        sum.rows as f64 / seconds
    } else {
        0.0
    };
    println!(
        "bench={name} rows={} seconds={seconds:.4} rows_per_sec={rate:.0} peak_rss_mb={peak_rss_mb:.1} checksum={}",
        sum.rows,
        sum.token()
    );
}
