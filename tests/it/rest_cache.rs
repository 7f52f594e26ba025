//! The result cache (CacheTTL): a repeated query, on the same connection or another of the same
//! account, sends no request within the TTL and returns the same rows; after the TTL, and for
//! another account, the API is asked again. Read from the counting sandbox's request log.

use std::time::Duration;

use crate::harness::{message, query_text, sqlstate};
use crate::sandbox::{counting, counting_guard, query_error};

const PERSONS: &str = "SELECT * FROM pipedrive.persons ORDER BY id";

#[test]
fn a_repeated_query_within_the_ttl_sends_no_request() {
    let sb = counting();
    let first = sb.connect_with("pipedrive", "CacheTTL=600;Pagesize=40");
    let second = sb.connect_with("pipedrive", "CacheTTL=600;Pagesize=40");
    let _guard = counting_guard();
    sb.reset();
    let fresh = query_text(&first, PERSONS);
    let asked = sb.stats().len();
    assert!(asked >= 2, "the first scan sent {asked} requests");
    sb.reset();
    assert_eq!(query_text(&first, PERSONS), fresh, "cached rows differ");
    assert_eq!(
        query_text(&second, PERSONS),
        fresh,
        "another connection's rows differ"
    );
    let joined = query_text(
        &second,
        "SELECT count(*) FROM pipedrive.persons a JOIN pipedrive.persons b ON a.id = b.id",
    );
    assert_eq!(joined, [[Some(fresh.len().to_string())]]);
    let stats = sb.stats();
    assert!(stats.is_empty(), "requests within the TTL: {stats:#?}");
}

#[test]
fn a_no_cache_hint_sends_the_statements_requests_and_refreshes_the_cache() {
    let sb = counting();
    let conn = sb.connect_with("pipedrive", "CacheTTL=600;Pagesize=25");
    let _guard = counting_guard();
    let cached = query_text(&conn, PERSONS);
    sb.reset();
    let hinted = query_text(
        &conn,
        "SELECT /*+ NO_CACHE */ * FROM pipedrive.persons ORDER BY id",
    );
    assert_eq!(hinted, cached);
    assert!(
        asked_every_page_of(sb, 25),
        "the hinted query was answered from the cache: {:?}",
        sb.stats()
    );
    // The hint applies to its statement only, and what it fetched is kept.
    sb.reset();
    assert_eq!(query_text(&conn, PERSONS), cached);
    assert_eq!(
        query_text(
            &conn,
            "SELECT '/*+ NO_CACHE */' AS x, * FROM pipedrive.persons ORDER BY id"
        )
        .len(),
        cached.len()
    );
    let stats = sb.stats();
    assert!(
        stats.is_empty(),
        "requests after the hinted query: {stats:#?}"
    );
}

/// Whether the sandbox was asked for every page of persons at Pagesize=20 (pages asked ahead may
/// add one past the end).
fn asked_every_page(sb: &crate::sandbox::Sandbox) -> bool {
    asked_every_page_of(sb, 20)
}

/// Whether the persons list was asked for at least once per page of `size` (whatever names the
/// pages: offsets or the API's cursors).
fn asked_every_page_of(sb: &crate::sandbox::Sandbox, size: usize) -> bool {
    let pages = sb.rows("pipedrive", "persons").div_ceil(size);
    let asked = sb
        .stats()
        .iter()
        .filter(|r| r.path.ends_with("/persons"))
        .count();
    asked >= pages
}

#[test]
fn without_a_ttl_or_after_it_the_api_is_asked_again() {
    let sb = counting();
    let uncached = sb.connect_with("pipedrive", "Pagesize=20");
    let short = sb.connect_with("pipedrive", "CacheTTL=1;Pagesize=20");
    let _guard = counting_guard();
    sb.reset();
    let rows = query_text(&short, PERSONS);
    assert_eq!(rows.len(), sb.rows("pipedrive", "persons"));
    assert!(asked_every_page(sb), "{:#?}", sb.stats());
    sb.reset();
    assert_eq!(query_text(&uncached, PERSONS), rows);
    assert!(
        asked_every_page(sb),
        "CacheTTL=0 used the cache: {:#?}",
        sb.stats()
    );
    std::thread::sleep(Duration::from_millis(1100));
    sb.reset();
    assert_eq!(query_text(&short, PERSONS), rows);
    assert!(
        asked_every_page(sb),
        "an expired response was reused: {:#?}",
        sb.stats()
    );
}

#[test]
fn another_account_never_gets_cached_rows() {
    let sb = counting();
    let token = sb.credential("pipedrive", "api_token");
    let owner = sb.connect_with("pipedrive", "CacheTTL=600;Pagesize=35");
    let _guard = counting_guard();
    query_text(&owner, PERSONS);
    // The same connection string with another token (the first APIToken= in a string wins).
    let other = sb
        .connection_string("pipedrive")
        .replace(&token, &format!("not-{token}"));
    let stranger = crate::harness::connect_str(&format!("{other};CacheTTL=600;Pagesize=35"))
        .expect("connect with another token");
    sb.reset();
    let err = query_error(&stranger, PERSONS)
        .unwrap_or_else(|| panic!("another account's query got the cached rows"));
    assert_eq!(sqlstate(&err), "28000", "{}", message(&err));
    assert!(
        !sb.stats().is_empty(),
        "the other account's query sent no request"
    );
}

/// Two connections of one account (a BI dashboard's visuals refreshing together) running the
/// same scan at the same moment share the pages one of them asks for ahead.
#[test]
fn scans_running_at_once_share_the_pages_asked_ahead() {
    let sb = crate::sandbox::slow();
    let first = sb.connect_with("pipedrive", "CacheTTL=600;Pagesize=5;CustomFields=FALSE");
    let second = sb.connect_with("pipedrive", "CacheTTL=600;Pagesize=5;CustomFields=FALSE");
    let _guard = crate::sandbox::slow_guard();
    sb.reset();
    let sql = "SELECT id, name FROM pipedrive.persons ORDER BY id";
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(move || query_text(&first, sql));
        let b = scope.spawn(move || query_text(&second, sql));
        (
            a.join().unwrap_or_else(|_| panic!("first scan panicked")),
            b.join().unwrap_or_else(|_| panic!("second scan panicked")),
        )
    });
    assert_eq!(a.len(), sb.rows("pipedrive", "persons"));
    assert_eq!(a, b);
    let mut asked: Vec<String> = sb.stats().into_iter().map(|r| r.query).collect();
    asked.sort();
    let total = asked.len();
    asked.dedup();
    // Each scan streams its first page as it reads it; every page asked ahead is shared.
    assert!(
        total <= asked.len() + 1,
        "{total} requests for {} distinct pages: {asked:?}",
        asked.len()
    );
}
