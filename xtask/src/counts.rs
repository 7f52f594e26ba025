//! Test counts read back from the runners' own closing lines (cargo test, pytest, prove), so the
//! summary can say how many tests a PASS stands for. A runner whose output we cannot read still
//! passes or fails by its exit code; the counts are only informative.

use std::fmt;

#[derive(Default, Debug, PartialEq, Eq, Clone, Copy)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl Counts {
    pub fn total(&self) -> u64 {
        self.passed + self.failed + self.skipped
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        Ok(())
    }
}

/// Sums every `test result: ok. 3 passed; 0 failed; 1 ignored; ...` line: cargo prints one per
/// test binary (unit tests, `tests/it`, doctests).
pub fn cargo_test(output: &str) -> Option<Counts> {
    let mut counts = Counts::default();
    let mut seen = false;
    for line in output.lines() {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            continue;
        };
        seen = true;
        for part in rest.split(';') {
            let words: Vec<&str> = part.split_whitespace().collect();
            let (number, word) = match words.as_slice() {
                [.., n, w] => (n, w),
                _ => continue,
            };
            let Ok(n) = number.parse::<u64>() else {
                continue;
            };
            match *word {
                "passed" => counts.passed += n,
                "failed" => counts.failed += n,
                "ignored" => counts.skipped += n,
                _ => {}
            }
        }
    }
    seen.then_some(counts)
}

/// Reads pytest's last summary line, e.g. `==== 30 passed, 2 failed, 1 skipped in 1.23s ====`.
pub fn pytest(output: &str) -> Option<Counts> {
    let line = output.lines().rev().find(|l| {
        let l = l.trim();
        l.starts_with('=') && l.contains(" in ") && has_any(l, &["passed", "failed", "error"])
            || l.starts_with("no tests ran")
    })?;
    let body = line.trim().trim_matches('=').trim();
    let body = body.rsplit_once(" in ").map_or(body, |(counts, _)| counts);
    let mut counts = Counts::default();
    for part in body.split(',') {
        let mut words = part.split_whitespace();
        let (Some(n), Some(word)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else { continue };
        match word {
            "passed" | "xpassed" => counts.passed += n,
            "failed" | "error" | "errors" => counts.failed += n,
            "skipped" | "xfailed" | "deselected" => counts.skipped += n,
            _ => {}
        }
    }
    Some(counts)
}

/// Reads prove's `Files=1, Tests=7, ...` and `Failed 2/7 subtests` lines.
pub fn prove(output: &str) -> Option<Counts> {
    let tests: u64 = output.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("Files=")?;
        let tests = rest
            .split(',')
            .find_map(|p| p.trim().strip_prefix("Tests="))?;
        tests.trim().parse().ok()
    })?;
    let failed: u64 = output
        .lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("Failed ")?;
            let (n, rest) = rest.split_once('/')?;
            rest.contains("subtests").then(|| n.parse::<u64>().ok())?
        })
        .sum();
    Some(Counts {
        passed: tests.saturating_sub(failed),
        failed,
        skipped: 0,
    })
}

/// A TAP stream's `ok` and `not ok` lines (a plan `1..N` must close it).
pub fn tap(output: &str) -> Option<Counts> {
    let lines: Vec<&str> = output.lines().map(str::trim).collect();
    lines.iter().find(|l| l.starts_with("1.."))?;
    Some(Counts {
        passed: lines.iter().filter(|l| l.starts_with("ok ")).count() as u64,
        failed: lines.iter().filter(|l| l.starts_with("not ok ")).count() as u64,
        skipped: 0,
    })
}

fn has_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_lines_are_summed() {
        let out = "running 3 tests\n\
            test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
            test result: FAILED. 10 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(
            cargo_test(out),
            Some(Counts {
                passed: 13,
                failed: 2,
                skipped: 1
            })
        );
        assert_eq!(cargo_test("error: could not compile"), None);
    }

    #[test]
    fn pytest_summary_line() {
        let out =
            "tests/a.py ....F\n=========== 30 passed, 2 failed, 1 skipped in 1.23s ===========\n";
        assert_eq!(
            pytest(out),
            Some(Counts {
                passed: 30,
                failed: 2,
                skipped: 1
            })
        );
        let errors = "==== 1 failed, 4 passed, 2 errors in 0.50s ====";
        assert_eq!(pytest(errors).map(|c| c.failed), Some(3));
    }

    #[test]
    fn prove_summary() {
        let ok = "t/dbi.t .. ok\nAll tests successful.\nFiles=1, Tests=7,  0 wallclock secs\nResult: PASS\n";
        assert_eq!(prove(ok).map(|c| (c.passed, c.failed)), Some((7, 0)));
        let bad = "Failed 2/7 subtests\nFiles=1, Tests=7,  0 wallclock secs\nResult: FAIL\n";
        assert_eq!(prove(bad).map(|c| (c.passed, c.failed)), Some((5, 2)));
    }
}
