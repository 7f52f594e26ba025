//! Tests of the filter → report window translation: on hand-built expressions, and on the
//! filters DataFusion itself pushes into the Talkdesk `calls` table after its casts and rewrites.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{cast, col, lit, Expr, LogicalPlan, TableProviderFilterPushDown};
use datafusion::prelude::SessionContext;

use super::{bounds_of, chunks, Bounds};
use crate::secret::Secret;

const DAY: i64 = 86_400;
/// 2026-01-01T00:00:00Z.
const JAN1: i64 = 1_767_225_600;

fn ts(secs: i64) -> Expr {
    lit(ScalarValue::TimestampMicrosecond(
        Some(secs * 1_000_000),
        None,
    ))
}

fn b(from: Option<i64>, to: Option<i64>) -> Bounds {
    Bounds { from, to }
}

fn start() -> Expr {
    col("start_at")
}

#[test]
fn comparisons_become_whole_second_bounds() {
    let w = |e: Expr| bounds_of(&e, "start_at");
    assert_eq!(w(start().gt_eq(ts(JAN1))), b(Some(JAN1), None));
    // `>` keeps the second itself: the window is a superset; the engine drops the equal rows.
    assert_eq!(w(start().gt(ts(JAN1))), b(Some(JAN1), None));
    // The API's `to` is exclusive: `<` ends at the bound, `<=` one second after it.
    assert_eq!(w(start().lt(ts(JAN1))), b(None, Some(JAN1)));
    assert_eq!(w(start().lt_eq(ts(JAN1))), b(None, Some(JAN1 + 1)));
    assert_eq!(w(start().eq(ts(JAN1))), b(Some(JAN1), Some(JAN1 + 1)));
    // The literal on the left reads the same.
    assert_eq!(w(ts(JAN1).gt(start())), b(None, Some(JAN1)));
    // A fraction of a second widens the window to the whole seconds around it.
    let half = lit(ScalarValue::TimestampMillisecond(
        Some(JAN1 * 1000 + 500),
        None,
    ));
    assert_eq!(w(start().lt(half.clone())), b(None, Some(JAN1 + 1)));
    assert_eq!(w(start().gt_eq(half)), b(Some(JAN1), None));
    // Another column, a non-literal, NULL, `<>` and NOT say nothing about the window.
    assert!(!w(col("end_at").gt(ts(JAN1))).is_bounded());
    assert!(!w(start().gt(col("end_at"))).is_bounded());
    assert!(!w(start().gt(lit(ScalarValue::TimestampMicrosecond(None, None)))).is_bounded());
    assert!(!w(start().not_eq(ts(JAN1))).is_bounded());
    assert!(!w(Expr::Not(Box::new(start().gt(ts(JAN1))))).is_bounded());
}

#[test]
fn and_or_between_and_in_combine_bounds() {
    let w = |e: Expr| bounds_of(&e, "start_at");
    let both = start().gt_eq(ts(JAN1)).and(start().lt(ts(JAN1 + 5 * DAY)));
    assert_eq!(w(both), b(Some(JAN1), Some(JAN1 + 5 * DAY)));
    // A part the window cannot read leaves the other part's bound.
    let mixed = start().gt_eq(ts(JAN1)).and(col("type").eq(lit("inbound")));
    assert_eq!(w(mixed), b(Some(JAN1), None));
    // OR keeps only what both sides bound.
    let either = start().lt(ts(JAN1)).or(start()
        .gt(ts(JAN1 + DAY))
        .and(start().lt(ts(JAN1 + 2 * DAY))));
    assert_eq!(w(either), b(None, Some(JAN1 + 2 * DAY)));
    let loose = start().lt(ts(JAN1)).or(col("type").eq(lit("missed")));
    assert!(!w(loose).is_bounded());
    assert_eq!(
        w(start().between(ts(JAN1), ts(JAN1 + DAY))),
        b(Some(JAN1), Some(JAN1 + DAY + 1))
    );
    assert!(!w(start().not_between(ts(JAN1), ts(JAN1 + DAY))).is_bounded());
    assert_eq!(
        w(start().in_list(vec![ts(JAN1 + DAY), ts(JAN1)], false)),
        b(Some(JAN1), Some(JAN1 + DAY + 1))
    );
}

#[test]
fn dates_and_casts_to_dates_cover_whole_days() {
    let w = |e: Expr| bounds_of(&e, "start_at");
    let day = lit(ScalarValue::Date32(Some((JAN1 / DAY) as i32)));
    let as_date = cast(start(), DataType::Date32);
    assert_eq!(
        w(as_date.clone().eq(day.clone())),
        b(Some(JAN1), Some(JAN1 + DAY))
    );
    assert_eq!(w(as_date.clone().lt(day.clone())), b(None, Some(JAN1)));
    // `CAST(start_at AS DATE) <= '2026-01-01 12:00'` holds all of that day.
    assert_eq!(
        w(as_date.lt_eq(ts(JAN1 + 12 * 3600))),
        b(None, Some(JAN1 + DAY))
    );
    // A cast to text is not a time any more.
    let as_text = cast(start(), DataType::Utf8);
    assert!(!w(as_text.gt(lit("2026"))).is_bounded());
}

#[test]
fn timespan_ends_now_at_the_latest_and_defaults_its_start() {
    let now = JAN1 + 100 * DAY;
    // No condition: the last 30 days.
    assert_eq!(b(None, None).timespan(now, 30), Some((now - 30 * DAY, now)));
    // A lower bound alone runs to now.
    assert_eq!(b(Some(JAN1), None).timespan(now, 30), Some((JAN1, now)));
    // An upper bound alone reads the 30 days before it, or before now when it lies ahead.
    assert_eq!(
        b(None, Some(JAN1)).timespan(now, 30),
        Some((JAN1 - 30 * DAY, JAN1))
    );
    assert_eq!(
        b(None, Some(now + 400 * DAY)).timespan(now, 30),
        Some((now - 30 * DAY, now))
    );
    // Entirely in the future, or empty: nothing to ask for.
    assert_eq!(b(Some(now + DAY), None).timespan(now, 30), None);
    assert_eq!(b(Some(JAN1), Some(JAN1)).timespan(now, 30), None);
    assert_eq!(b(Some(JAN1 + DAY), Some(JAN1)).timespan(now, 30), None);
}

#[test]
fn long_windows_split_into_jobs_of_at_most_max_days() {
    assert_eq!(
        chunks(JAN1, JAN1 + 70 * DAY, 31),
        vec![
            (JAN1, JAN1 + 31 * DAY),
            (JAN1 + 31 * DAY, JAN1 + 62 * DAY),
            (JAN1 + 62 * DAY, JAN1 + 70 * DAY)
        ]
    );
    assert_eq!(
        chunks(JAN1, JAN1 + 2 * DAY, 31),
        vec![(JAN1, JAN1 + 2 * DAY)]
    );
    assert!(chunks(JAN1, JAN1, 31).is_empty());
}

/// The Talkdesk tables as DataFusion tables (nothing is requested: plans only).
async fn talkdesk() -> SessionContext {
    let profile = crate::profile::load("talkdesk").unwrap_or_else(|e| panic!("{}", e.message));
    let access = crate::rest::ApiAccess {
        base_url: "http://127.0.0.1:9/talkdesk".into(),
        credentials: crate::rest::Credentials {
            headers: vec![("Authorization".into(), Secret::new("Bearer t"))],
            ..Default::default()
        },
    };
    let ctx = SessionContext::new();
    for table in crate::rest::open(
        &profile,
        access,
        &crate::rest::tests::options(),
        Default::default(),
    )
    .unwrap_or_else(|e| panic!("{}", e.message))
    {
        ctx.register_table(table.name().to_string().as_str(), table)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    ctx
}

/// The optimised plan's scan filters (what the provider is given), and whether a Filter stays
/// above the scan (the engine re-checks) or a LIMIT reached the scan.
async fn pushed(ctx: &SessionContext, sql: &str) -> (Vec<Expr>, bool, bool) {
    let plan = ctx
        .sql(sql)
        .await
        .and_then(|df| df.into_optimized_plan())
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let (mut filters, mut engine, mut fetch) = (Vec::new(), false, false);
    let mut stack = vec![plan];
    while let Some(p) = stack.pop() {
        match &p {
            LogicalPlan::TableScan(s) => {
                filters.extend(s.filters.iter().cloned());
                fetch |= s.fetch.is_some();
            }
            LogicalPlan::Filter(_) => engine = true,
            _ => {}
        }
        stack.extend(p.inputs().into_iter().cloned());
    }
    (filters, engine, fetch)
}

fn window_of(filters: &[Expr]) -> Bounds {
    filters
        .iter()
        .map(|f| bounds_of(f, "start_at"))
        .fold(Bounds::default(), Bounds::and)
}

#[tokio::test]
async fn datafusion_pushes_window_filters_inexactly_after_its_casts() {
    let ctx = talkdesk().await;
    for (sql, want) in [
        (
            "SELECT call_id FROM calls WHERE start_at >= TIMESTAMP '2026-01-01 00:00:00'",
            b(Some(JAN1), None),
        ),
        // A string literal, cast by DataFusion to the column's type.
        (
            "SELECT call_id FROM calls WHERE start_at < '2026-01-03'",
            b(None, Some(JAN1 + 2 * DAY)),
        ),
        (
            "SELECT * FROM calls WHERE start_at BETWEEN '2026-01-01' AND '2026-01-02 00:00:00' \
             AND type = 'inbound'",
            b(Some(JAN1), Some(JAN1 + DAY + 1)),
        ),
        (
            "SELECT * FROM calls WHERE start_at >= DATE '2026-01-01' AND start_at < DATE '2026-01-02'",
            b(Some(JAN1), Some(JAN1 + DAY)),
        ),
        // A zone in the literal: the instant it names.
        (
            "SELECT * FROM calls WHERE start_at >= TIMESTAMPTZ '2026-01-01 00:00:00+02:00'",
            b(Some(JAN1 - 2 * 3600), None),
        ),
        (
            "SELECT * FROM calls WHERE CAST(start_at AS DATE) = DATE '2026-01-01'",
            b(Some(JAN1), Some(JAN1 + DAY)),
        ),
        (
            "SELECT * FROM calls WHERE start_at = TIMESTAMP '2026-01-01 00:00:00' LIMIT 5",
            b(Some(JAN1), Some(JAN1 + 1)),
        ),
    ] {
        let (filters, engine, fetch) = pushed(&ctx, sql).await;
        assert_eq!(window_of(&filters), want, "{sql}: {filters:?}");
        assert!(engine, "{sql}: the engine must still apply the filter");
        // The scan would stop after n rows of the window, before the filter dropped any.
        assert!(!fetch, "{sql}: a LIMIT reached the scan");
    }
    // Without a window filter, the LIMIT still reaches the scan.
    // now() is folded into a literal before the filter reaches the provider.
    let sql = "SELECT * FROM calls WHERE start_at >= CURRENT_TIMESTAMP - INTERVAL '2 days'";
    let (filters, _, _) = pushed(&ctx, sql).await;
    let w = window_of(&filters);
    assert!(w.from.is_some() && w.to.is_none(), "{sql}: {filters:?}");
    let (_, _, fetch) = pushed(&ctx, "SELECT * FROM calls LIMIT 5").await;
    assert!(fetch);
    // The provider answers Inexact for the window filter, Unsupported for the rest.
    let provider = ctx
        .table_provider("calls")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let f = [start().gt(ts(JAN1)), col("type").eq(lit("inbound"))];
    let answers = provider
        .supports_filters_pushdown(&f.iter().collect::<Vec<_>>())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        answers,
        [
            TableProviderFilterPushDown::Inexact,
            TableProviderFilterPushDown::Unsupported
        ]
    );
}

#[test]
fn periods_are_written_in_the_window_format_and_cut_at_the_longest() {
    use crate::profile::{Window, WindowFormat};
    let w = |format| Window {
        column: "day".into(),
        from_param: "start".into(),
        to_param: "end".into(),
        format,
        max_window_days: 2,
        default_window_days: 1,
    };
    let pairs = |p: Vec<[(String, String); 2]>| -> Vec<(String, String)> {
        p.into_iter().map(|[a, z]| (a.1, z.1)).collect()
    };
    // Three days and a second: the last period's date holds that second.
    let bounds = b(Some(JAN1), Some(JAN1 + 3 * DAY + 1));
    let dates = super::periods(&w(WindowFormat::Date), &bounds, JAN1 + 10 * DAY).unwrap();
    assert_eq!(
        pairs(dates),
        [
            ("2026-01-01".to_string(), "2026-01-02".to_string()),
            ("2026-01-03".to_string(), "2026-01-04".to_string()),
        ]
    );
    let instants = super::periods(&w(WindowFormat::Rfc3339), &bounds, JAN1 + 10 * DAY).unwrap();
    assert_eq!(
        pairs(instants),
        [
            (
                "2026-01-01T00:00:00Z".to_string(),
                "2026-01-03T00:00:00Z".to_string()
            ),
            (
                "2026-01-03T00:00:00Z".to_string(),
                "2026-01-04T00:00:01Z".to_string()
            ),
        ]
    );
    // No bound: the last default_window_days before now; a future window: nothing.
    let last = super::periods(&w(WindowFormat::Rfc3339), &Bounds::default(), JAN1).unwrap();
    assert_eq!(
        pairs(last),
        [(
            "2025-12-31T00:00:00Z".to_string(),
            "2026-01-01T00:00:00Z".to_string()
        )]
    );
    let future = b(Some(JAN1 + DAY), None);
    assert!(super::periods(&w(WindowFormat::Date), &future, JAN1)
        .unwrap()
        .is_empty());
}

#[test]
fn date_periods_are_whole_days_that_never_overlap() {
    use crate::profile::{Window, WindowFormat};
    let w = Window {
        column: "day".into(),
        from_param: "start".into(),
        to_param: "end".into(),
        format: WindowFormat::Date,
        max_window_days: 2,
        default_window_days: 1,
    };
    // From noon on Jan 1 to noon on Jan 4: Jan 1..4 whole, in periods of two days.
    let bounds = b(Some(JAN1 + DAY / 2), Some(JAN1 + 3 * DAY + DAY / 2));
    let days: Vec<(String, String)> = super::periods(&w, &bounds, JAN1 + 10 * DAY)
        .unwrap()
        .into_iter()
        .map(|[a, z]| (a.1, z.1))
        .collect();
    assert_eq!(
        days,
        [
            ("2026-01-01".to_string(), "2026-01-02".to_string()),
            ("2026-01-03".to_string(), "2026-01-04".to_string()),
        ]
    );
}
