//! Statements as deep as BI tools and ORMs generate them never crash the application, whatever its
//! thread's stack: long `OR`/`AND` filter lists and `UNION ALL` chains give their rows, a long
//! `+` chain and anything past the documented limits is refused with 54001, and all of it holds
//! on a thread with a 1 MiB stack as on the test's own thread.

use std::thread;

use crate::harness::*;
use crate::sandbox::{clean, query_error};

const SMALL_STACK: usize = 1 << 20;

/// Runs `check` on a thread with a 1 MiB stack and on one with the default stack.
fn on_both_stacks(check: fn()) {
    thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(check)
        .expect("a 1 MiB thread")
        .join()
        .expect("the check on the 1 MiB thread");
    thread::spawn(check)
        .join()
        .expect("the check on a default thread");
}

fn or_chain(terms: usize) -> String {
    // Only the last term is true, so every term must be evaluated.
    let mut sql = String::from("SELECT 'found' AS f WHERE 1 = 0");
    for i in 1..terms - 1 {
        sql.push_str(&format!(" OR {i} = 0"));
    }
    sql.push_str(" OR 2 = 2");
    sql
}

fn and_chain(terms: usize) -> String {
    let mut sql = String::from("SELECT 'all' AS a WHERE 1 = 1");
    for i in 1..terms {
        sql.push_str(&format!(" AND {i} = {i}"));
    }
    sql
}

fn too_complex(sql: &str) -> String {
    let conn = connect();
    let err = query_error(&conn, sql).expect("refused");
    assert_eq!(sqlstate(&err), "54001", "{}", message(&err));
    let msg = message(&err);
    assert!(msg.contains("too complex"), "{msg}");
    msg
}

#[test]
fn a_5000_term_or_chain_returns_its_row() {
    on_both_stacks(|| {
        let conn = connect();
        assert_eq!(scalar_text(&conn, &or_chain(5_000)), Some("found".into()));
    });
}

#[test]
fn a_5000_term_and_chain_returns_its_row() {
    on_both_stacks(|| {
        let conn = connect();
        assert_eq!(scalar_text(&conn, &and_chain(5_000)), Some("all".into()));
    });
}

#[test]
fn a_2000_way_union_all_returns_every_row() {
    on_both_stacks(|| {
        let conn = connect();
        let union: Vec<String> = (1..=2_000).map(|i| format!("SELECT {i} AS n")).collect();
        let sql = format!(
            "SELECT count(*), sum(n) FROM ({})",
            union.join(" UNION ALL ")
        );
        let rows = query_text(&conn, &sql);
        assert_eq!(
            rows,
            vec![vec![
                Some("2000".into()),
                Some((2_000 * 2_001 / 2).to_string())
            ]]
        );
    });
}

#[test]
fn a_5000_term_plus_chain_is_refused_as_too_complex() {
    on_both_stacks(|| {
        let msg = too_complex(&format!("SELECT 0{}", " + 1".repeat(5_000)));
        assert!(msg.contains("1000 levels"), "{msg}");
    });
}

#[test]
fn past_the_limits_is_54001_never_a_crash() {
    on_both_stacks(|| {
        // Longer than an OR chain may be.
        let msg = too_complex(&or_chain(10_001));
        assert!(msg.contains("OR chain"), "{msg}");
        // Parentheses deeper than the parser goes.
        too_complex(&format!("SELECT {}1{}", "(".repeat(300), ")".repeat(300)));
        // Nested escape clauses.
        too_complex(&format!(
            "SELECT {}1{}",
            "{fn ABS(".repeat(300),
            ")}".repeat(300)
        ));
        // Right under the token limit: the deepest statement that is parsed at all, 199,999
        // levels, refused and dropped without overflowing.
        too_complex(&format!("SELECT 0{}", " + 1".repeat(199_999)));
        // Over it: refused before parsing.
        let msg = too_complex(&format!(
            "SELECT 1 WHERE {}",
            "a IS NULL AND ".repeat(70_000) + "1 = 1"
        ));
        assert!(msg.contains("200000"), "{msg}");
    });
}

#[test]
fn a_long_in_list_is_not_limited() {
    let conn = connect();
    let list: Vec<String> = (0..50_000).map(|i| i.to_string()).collect();
    let sql = format!("SELECT 'in' WHERE 49999 IN ({})", list.join(","));
    assert_eq!(scalar_text(&conn, &sql), Some("in".into()));
}

#[test]
fn a_long_or_filter_over_an_api_table_is_evaluated_on_every_row() {
    on_both_stacks(|| {
        let sb = clean();
        let conn = sb.connect("pipedrive");
        let names: Vec<String> = sb
            .data("pipedrive", "persons")
            .iter()
            .filter_map(|p| p["name"].as_str().map(str::to_string))
            .collect();
        assert!(names.len() > 10);
        // 4,990 names that match nobody, then three real ones.
        let mut terms: Vec<String> = (0..4_990).map(|i| format!("name = 'nobody {i}'")).collect();
        terms.extend(
            names[..3]
                .iter()
                .map(|n| format!("name = '{}'", n.replace('\'', "''"))),
        );
        let sql = format!(
            "SELECT name FROM pipedrive.persons WHERE {} ORDER BY name",
            terms.join(" OR ")
        );
        let got: Vec<String> = query_text(&conn, &sql)
            .into_iter()
            .filter_map(|mut r| r.remove(0))
            .collect();
        let mut want: Vec<String> = names
            .iter()
            .filter(|n| names[..3].contains(n))
            .cloned()
            .collect();
        want.sort();
        assert_eq!(got, want);
    });
}
