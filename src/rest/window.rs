//! The time window of a report job or a windowed list from the query's filters: range conditions
//! on the window column (`>`, `>=`, `<`, `<=`, `=`, `BETWEEN`, `IN`, and `AND`/`OR` of them)
//! become bounds in whole Unix seconds, and the bounds with the clock become the timespans the
//! jobs or requests ask for. The window is a superset of what the filters select (whole seconds,
//! `>` read as `>=`), so the engine still applies the filters themselves.

use chrono::{DateTime, SecondsFormat, Utc};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Between, BinaryExpr, Expr, Operator};

use crate::error::{ApiError, Error, Result};
use crate::profile::{Window, WindowFormat};

const DAY: i64 = 86_400;

/// What the filters imply about the window column, in Unix seconds: every selected row has
/// `from <= value < to`; `None` is unbounded on that side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bounds {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl Bounds {
    /// Whether the filters say anything the window can use.
    pub fn is_bounded(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    /// Both conditions hold: the tighter bound on each side.
    pub fn and(self, other: Bounds) -> Bounds {
        Bounds {
            from: pick(self.from, other.from, i64::max),
            to: pick(self.to, other.to, i64::min),
        }
    }

    /// Either condition holds: a side stays bounded only when both conditions bound it.
    pub fn or(self, other: Bounds) -> Bounds {
        Bounds {
            from: self.from.zip(other.from).map(|(a, b)| a.min(b)),
            to: self.to.zip(other.to).map(|(a, b)| a.max(b)),
        }
    }

    /// The span the jobs cover at `now`: it ends at the upper bound, but never after `now` (no
    /// call starts in the future), and starts at the lower bound, else `default_days` before its
    /// end, so an upper bound alone reads the `default_days` before it. `None`: nothing to read
    /// (the span is empty or lies entirely in the future).
    pub fn timespan(&self, now: i64, default_days: u32) -> Option<(i64, i64)> {
        let to = self.to.map_or(now, |t| t.min(now));
        let from = self
            .from
            .unwrap_or_else(|| to.saturating_sub(i64::from(default_days) * DAY));
        (from < to).then_some((from, to))
    }
}

fn pick(a: Option<i64>, b: Option<i64>, f: fn(i64, i64) -> i64) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(f(a, b)),
        (a, b) => a.or(b),
    }
}

/// `[from, to)` cut into consecutive spans of at most `max_days` (the API's limit per job).
pub fn chunks(from: i64, to: i64, max_days: u32) -> Vec<(i64, i64)> {
    let step = i64::from(max_days.max(1)) * DAY;
    let mut out = Vec::new();
    let mut start = from;
    while start < to {
        let end = start.saturating_add(step).min(to);
        out.push((start, end));
        start = end;
    }
    out
}

/// The query parameters of each request period of a windowed list, in order: the window the
/// bounds and the clock give, cut at the API's longest period. Empty when there is nothing to read.
pub fn periods(w: &Window, bounds: &Bounds, now: i64) -> Result<Vec<[(String, String); 2]>> {
    let Some((mut start, mut end)) = bounds.timespan(now, w.default_window_days) else {
        return Ok(Vec::new());
    };
    if w.format == WindowFormat::Date {
        // Whole days, so that consecutive periods never share a day (both ends are sent
        // inclusive) and the first and last day are read whole.
        start = start.div_euclid(DAY) * DAY;
        end = end.saturating_add(DAY - 1).div_euclid(DAY) * DAY;
    }
    chunks(start, end, w.max_window_days)
        .into_iter()
        .map(|(from, to)| {
            let (from, to) = match w.format {
                WindowFormat::Rfc3339 => (rfc3339(from)?, rfc3339(to)?),
                // The last day that holds an instant before `to`.
                WindowFormat::Date => (day(from)?, day(to - 1)?),
            };
            Ok([(w.from_param.clone(), from), (w.to_param.clone(), to)])
        })
        .collect()
}

/// Unix seconds as `2026-01-01T00:00:00Z`.
pub fn rfc3339(secs: i64) -> Result<String> {
    Ok(instant_at(secs)?.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn day(secs: i64) -> Result<String> {
    Ok(instant_at(secs)?.format("%Y-%m-%d").to_string())
}

fn instant_at(secs: i64) -> Result<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp(secs, 0).ok_or_else(|| {
        Error::new(
            ApiError::Unexpected,
            format!("The window bound {secs} (Unix seconds) is out of range"),
        )
    })
}

/// The bounds `e` implies for `column`; unbounded for anything it cannot read.
pub fn bounds_of(e: &Expr, column: &str) -> Bounds {
    match e {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) => match op {
            Operator::And => bounds_of(left, column).and(bounds_of(right, column)),
            Operator::Or => bounds_of(left, column).or(bounds_of(right, column)),
            _ => comparison(left, *op, right, column)
                .or_else(|| comparison(right, op.swap()?, left, column))
                .unwrap_or_default(),
        },
        Expr::Between(Between {
            expr,
            negated: false,
            low,
            high,
        }) => {
            let low = comparison(expr, Operator::GtEq, low, column).unwrap_or_default();
            let high = comparison(expr, Operator::LtEq, high, column).unwrap_or_default();
            low.and(high)
        }
        Expr::InList(list) if !list.negated && !list.list.is_empty() => {
            let mut each = list
                .list
                .iter()
                .map(|v| comparison(&list.expr, Operator::Eq, v, column).unwrap_or_default());
            let first = each.next().unwrap_or_default();
            each.fold(first, Bounds::or)
        }
        _ => Bounds::default(),
    }
}

/// `side op value` where `side` is the column (possibly cast) and `value` a literal.
fn comparison(side: &Expr, op: Operator, value: &Expr, column: &str) -> Option<Bounds> {
    let col_grain = column_grain(side, column)?;
    let (at, whole, lit_grain) = instant(value)?;
    // A comparison at day grain (a date, or the column cast to one) holds for the whole day.
    let g = col_grain.max(lit_grain);
    let floor = at.div_euclid(g) * g;
    let ceil = if whole && floor == at {
        at
    } else {
        floor.saturating_add(g)
    };
    Some(match op {
        Operator::Gt | Operator::GtEq => Bounds {
            from: Some(floor),
            to: None,
        },
        Operator::Lt => Bounds {
            from: None,
            to: Some(ceil),
        },
        Operator::LtEq => Bounds {
            from: None,
            to: Some(floor.saturating_add(g)),
        },
        Operator::Eq => Bounds {
            from: Some(floor),
            to: Some(floor.saturating_add(g)),
        },
        _ => return None,
    })
}

/// The grain (seconds) the column side is compared at: 1 for the column or a cast of it to a
/// timestamp, a day once it is cast to a date; `None` when it is not the column.
fn column_grain(e: &Expr, column: &str) -> Option<i64> {
    match e {
        Expr::Column(c) if c.name.eq_ignore_ascii_case(column) => Some(1),
        Expr::Cast(c) => Some(cast_grain(c.field.data_type())?.max(column_grain(&c.expr, column)?)),
        Expr::TryCast(c) => {
            Some(cast_grain(c.field.data_type())?.max(column_grain(&c.expr, column)?))
        }
        _ => None,
    }
}

/// Casts that keep the value a UTC instant: timestamps without a zone (the driver's timestamps
/// are UTC without one; a zone would shift them) and dates.
fn cast_grain(t: &DataType) -> Option<i64> {
    match t {
        DataType::Timestamp(_, None) => Some(1),
        DataType::Date32 | DataType::Date64 => Some(DAY),
        _ => None,
    }
}

/// A literal as (Unix seconds rounded down, whether it was a whole second, its grain). A cast
/// literal (what DataFusion makes of `'2026-01-01'` before it folds it) is cast here.
fn instant(e: &Expr) -> Option<(i64, bool, i64)> {
    match e {
        Expr::Literal(v, _) => scalar_instant(v),
        Expr::Cast(c) => match c.expr.as_ref() {
            Expr::Literal(v, _) => scalar_instant(&v.cast_to(c.field.data_type()).ok()?),
            _ => None,
        },
        _ => None,
    }
}

fn scalar_instant(v: &ScalarValue) -> Option<(i64, bool, i64)> {
    let sub = |v: i64, per_second: i64| (v.div_euclid(per_second), v % per_second == 0, 1);
    Some(match v {
        ScalarValue::TimestampSecond(Some(s), _) => (*s, true, 1),
        ScalarValue::TimestampMillisecond(Some(v), _) => sub(*v, 1_000),
        ScalarValue::TimestampMicrosecond(Some(v), _) => sub(*v, 1_000_000),
        ScalarValue::TimestampNanosecond(Some(v), _) => sub(*v, 1_000_000_000),
        ScalarValue::Date32(Some(d)) => (i64::from(*d) * DAY, true, DAY),
        ScalarValue::Date64(Some(ms)) => (ms.div_euclid(1_000), true, DAY),
        _ => return None,
    })
}

#[cfg(test)]
#[path = "window_tests.rs"]
mod tests;
