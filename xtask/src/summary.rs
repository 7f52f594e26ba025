//! The step report of `cargo xtask test`: a banner as each step starts, one line per step at the
//! end, and a closing `total: N passed, N failed` line. That last line is the plain form CI reads,
//! so nothing may be printed after it.

use std::fmt;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::cmd;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
    Pass,
    Fail,
    Skip,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "SKIP",
        })
    }
}

/// What one step ended with; `detail` is a few words for the summary line (test counts, the
/// reason for a failure or a skip).
pub struct StepEnd {
    pub outcome: Outcome,
    pub detail: String,
}

impl StepEnd {
    pub fn pass(detail: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Pass,
            detail: detail.into(),
        }
    }
    pub fn fail(detail: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Fail,
            detail: detail.into(),
        }
    }
    pub fn skip(detail: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Skip,
            detail: detail.into(),
        }
    }
}

struct Line {
    name: &'static str,
    end: StepEnd,
    took: Duration,
}

#[derive(Default)]
pub struct Report {
    lines: Vec<Line>,
}

impl Report {
    /// Runs one step between a banner and its result, so every step is timed and reported the
    /// same way.
    pub fn step(&mut self, name: &'static str, body: impl FnOnce() -> StepEnd) -> Outcome {
        println!("\n==> {name}");
        cmd::flush();
        let started = Instant::now();
        let end = body();
        let took = started.elapsed();
        println!("<== {name}: {} {}", end.outcome, end.detail);
        cmd::flush();
        let outcome = end.outcome;
        self.lines.push(Line { name, end, took });
        outcome
    }

    /// Records a step that was not run at all (deselected, or its prerequisite failed).
    pub fn skipped(&mut self, name: &'static str, why: impl Into<String>) {
        self.lines.push(Line {
            name,
            end: StepEnd::skip(why),
            took: Duration::ZERO,
        });
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        self.lines
            .iter()
            .filter(|l| l.end.outcome == outcome)
            .count()
    }

    /// Prints the summary and turns it into the process's exit code.
    pub fn finish(self) -> ExitCode {
        let width = self.lines.iter().map(|l| l.name.len()).max().unwrap_or(0);
        println!("\n==> summary");
        for line in &self.lines {
            let took = if line.took.is_zero() {
                String::new()
            } else {
                format!(" ({:.1}s)", line.took.as_secs_f64())
            };
            println!(
                "{}  {:width$}  {}{took}",
                line.end.outcome, line.name, line.end.detail
            );
        }
        let passed = self.count(Outcome::Pass);
        let failed = self.count(Outcome::Fail);
        let skipped = self.count(Outcome::Skip);
        if skipped > 0 {
            println!("({skipped} step(s) skipped)");
        }
        println!("total: {passed} passed, {failed} failed");
        cmd::flush();
        if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}
