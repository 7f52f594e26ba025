//! What the two fetch benchmarks (`bench_engine`, `bench_fetch`) share: the query, the row count,
//! the checksum every value is folded into (so both prove they saw the same data, and neither can
//! skip work), the peak-RSS probe and the one machine-readable result line `cargo xtask bench`
//! parses. Included by each example with `#[path]`; it is not an example itself.

use std::time::Duration;

/// Rows the query produces; `APIODBC_BENCH_ROWS` overrides it (smaller runs for profiling).
pub fn rows() -> u64 {
    std::env::var("APIODBC_BENCH_ROWS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1_000_000)
}

/// The benchmark query: 4 columns (BIGINT, BIGINT, DOUBLE, VARCHAR) over `rows` rows, run
/// unchanged by both benchmarks.
pub fn query(rows: u64) -> String {
    format!(
        "SELECT value AS id, value * 2 AS twice, CAST(value AS DOUBLE) / 3 AS third, \
         concat('row-', CAST(value AS VARCHAR)) AS label FROM generate_series(1, {rows})"
    )
}

/// Every fetched value folded in, order-independently: integer sums, the bit patterns of the
/// doubles, the total text length and a sum of per-value FNV-1a hashes of the text bytes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Checksum {
    pub rows: u64,
    pub nulls: u64,
    id: i64,
    twice: i64,
    third_bits: u64,
    label_bytes: u64,
    label_hash: u64,
}

impl Checksum {
    pub fn rows(&mut self, n: usize) {
        self.rows += n as u64;
    }

    pub fn null(&mut self) {
        self.nulls += 1;
    }

    pub fn id(&mut self, v: i64) {
        self.id = self.id.wrapping_add(v);
    }

    pub fn twice(&mut self, v: i64) {
        self.twice = self.twice.wrapping_add(v);
    }

    pub fn third(&mut self, v: f64) {
        self.third_bits = self.third_bits.wrapping_add(v.to_bits());
    }

    pub fn label(&mut self, bytes: &[u8]) {
        self.label_bytes += bytes.len() as u64;
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.label_hash = self.label_hash.wrapping_add(h);
    }

    /// One token without spaces, compared verbatim by xtask.
    pub fn token(&self) -> String {
        format!(
            "{}/{}/{:x}/{:x}/{:x}/{}/{:x}",
            self.rows,
            self.nulls,
            self.id,
            self.twice,
            self.third_bits,
            self.label_bytes,
            self.label_hash
        )
    }
}

/// Peak resident set size of this process in MiB (`VmHWM` of /proc/self/status), 0 if unknown.
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Prints the result line: `bench=<name> rows=… seconds=… rows_per_sec=… peak_rss_mb=…
/// checksum=…`.
pub fn report(name: &str, sum: &Checksum, elapsed: Duration) {
    let seconds = elapsed.as_secs_f64();
    let rate = if seconds > 0.0 {
        sum.rows as f64 / seconds
    } else {
        0.0
    };
    let rss = peak_rss_mb();
    println!(
        "bench={name} rows={} seconds={seconds:.4} rows_per_sec={rate:.0} peak_rss_mb={rss:.1} checksum={}",
        sum.rows,
        sum.token()
    );
}
