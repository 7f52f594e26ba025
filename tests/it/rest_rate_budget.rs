//! One rate budget per account: connections of one process that scan the same account together
//! wait for the budget the API's headers announce instead of drawing 429s, and a wait longer than
//! Timeout ends the query with HYT00 naming the limit. Data-driven over the built-in profiles
//! whose rate-limit section names a limit header and a reset header sent with every answer (the
//! ones whose budget is known before the API refuses anything). Sharing between processes is shown by the pyodbc suite
//! (`test_rate_budget.py`), which runs several processes.

use std::sync::{Mutex, MutexGuard, OnceLock};

use apiodbc_sandbox::SandboxConfig;

use crate::harness::{message, query_text, run_to_end, sqlstate};
use crate::sandbox::{profile, qualified, Sandbox, RECORDS, SEED};

/// Requests the sandbox allows per service per 2-second window.
const LIMIT: usize = 20;

/// A sandbox of this file's own, enforcing the limit, so no other test's requests count.
fn limited() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| {
        Sandbox::start(SandboxConfig {
            records: RECORDS,
            seed: SEED,
            rate_limit: Some(LIMIT as u32),
            ..SandboxConfig::default()
        })
    })
}

fn guard() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// Services whose profile names the limit and reset headers, each with its largest table (one
/// read through a report job excepted).
fn budgeted_tables(sb: &Sandbox) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for service in sb.services() {
        let doc = &profile(&service).doc;
        let rate = doc.get("rate_limit").and_then(|r| r.as_table());
        let header = |k: &str| rate.and_then(|r| r.get(k)).and_then(|v| v.as_str());
        // A header named Retry-After comes only with a 429: no budget is known before one.
        let announced_reset =
            header("reset").is_some_and(|h| !h.to_ascii_lowercase().contains("retry-after"));
        if header("limit").is_none() || !announced_reset {
            continue;
        }
        let table = sb
            .tables(&service)
            .into_iter()
            .filter(|(t, _)| !profile(&service).table(t).is_report())
            .max_by_key(|(t, _)| sb.rows(&service, t))
            .map(|(t, _)| t);
        if let Some(table) = table {
            found.push((service, table));
        }
    }
    found
}

#[test]
fn connections_scanning_one_account_together_wait_for_its_budget_and_draw_no_429() {
    let sb = limited();
    let _guard = guard();
    let tables = budgeted_tables(sb);
    assert!(
        tables.iter().any(|(s, _)| s == "pipedrive"),
        "no budgeted table found: {tables:?}"
    );
    for (service, table) in tables {
        let sql = format!("SELECT * FROM {}", qualified(&service, &table));
        let want = sb.rows(&service, &table);
        sb.reset();
        let counts: Vec<usize> = std::thread::scope(|scope| {
            let runs: Vec<_> = (0..3)
                .map(|_| {
                    scope.spawn(|| {
                        let conn = sb.connect_with(&service, "RateLimitSharing=PROCESS;Pagesize=2");
                        query_text(&conn, &sql).len()
                    })
                })
                .collect();
            runs.into_iter()
                .map(|r| {
                    r.join()
                        .unwrap_or_else(|_| panic!("{sql}: a scan panicked"))
                })
                .collect()
        });
        assert_eq!(counts, vec![want; 3], "{sql}: rows");
        let stats = sb.stats();
        assert!(
            stats.len() > 2 * LIMIT,
            "{sql}: only {} requests, too few to test a limit of {LIMIT}",
            stats.len()
        );
        let refused = stats.iter().filter(|r| r.status == 429).count();
        assert_eq!(
            refused,
            0,
            "{sql}: {refused} of {} requests drew 429",
            stats.len()
        );
    }
}

#[test]
fn a_budget_that_cannot_cover_the_query_within_timeout_is_hyt00_naming_the_limit() {
    let sb = limited();
    let _guard = guard();
    let conn = sb.connect_with("pipedrive", "RateLimitSharing=PROCESS;Pagesize=1;Timeout=1");
    let mut stmt = conn
        .preallocate()
        .unwrap_or_else(|e| panic!("preallocate: {e}"));
    let sql = format!("SELECT * FROM {}", qualified("pipedrive", "persons"));
    let Err(err) = run_to_end(&mut stmt, &sql) else {
        panic!("50 one-row pages within 1 s of a 20-per-2-s budget succeeded");
    };
    assert_eq!(sqlstate(&err), "HYT00", "{}", message(&err));
    let text = message(&err);
    assert!(
        text.contains("20 requests per 2 s") && text.contains("Timeout"),
        "{text}"
    );
}
