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

/// Prints the line `cargo xtask bench` parses, with `peak_rss_mb` read by the caller and the
/// CPU seconds spent since the timing began.
pub fn report(name: &str, sum: &RestSum, elapsed: Duration, peak_rss_mb: f64, cpu_seconds: f64) {
    let seconds = elapsed.as_secs_f64();
    let rate = if seconds > 0.0 {
        sum.rows as f64 / seconds
    } else {
        0.0
    };
    println!(
        "bench={name} rows={} seconds={seconds:.4} rows_per_sec={rate:.0} peak_rss_mb={peak_rss_mb:.1} cpu_seconds={cpu_seconds:.3} checksum={}",
        sum.rows,
        sum.token()
    );
}

/// CPU time (user + system) of the whole process so far, every thread included, from
/// `/proc/self/stat` (ticks of 1/100 s, Linux's fixed USER_HZ).
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}
