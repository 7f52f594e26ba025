//! Tests of the REST scan against a tiny local HTTP server that imitates Pipedrive's paging.

use std::sync::{Arc, Mutex};

use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::prelude::SessionContext;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::error::{ApiError, ErrorKind};
use crate::secret::Secret;

/// Serves `/persons?start=S&limit=L` over N persons; records every request line.
async fn pipedrive_server(n: u64, log: Arc<Mutex<Vec<String>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let Ok(len) = sock.read(&mut buf).await else {
                    return;
                };
                let req = String::from_utf8_lossy(&buf[..len]).to_string();
                let target = req.split_whitespace().nth(1).unwrap_or("/").to_string();
                log.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(target.clone());
                let (path, query) = target.split_once('?').unwrap_or((&target, ""));
                let param = |k: &str| {
                    query
                        .split('&')
                        .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                        .and_then(|v| v.parse::<u64>().ok())
                };
                // Pipedrive API v2's person, as the built-in profile reads persons.
                let person = |i: u64| serde_json::json!({"id": i, "name": format!("P{i}"), "owner_id": i % 3, "emails": [{"value": format!("p{i}@x"), "primary": true, "label": "work"}], "add_time": "2024-01-02T03:04:05Z", "is_deleted": false});
                let (status, body) = if !query.contains("api_token=tok") {
                    (
                        401,
                        serde_json::json!({"success": false, "error": "unauthorized access"}),
                    )
                } else if let Some(id) = path.strip_prefix("/api/v2/persons/") {
                    match id.parse::<u64>() {
                        Ok(i) if i >= 1 && i <= n => {
                            (200, serde_json::json!({"success": true, "data": person(i)}))
                        }
                        _ => (
                            404,
                            serde_json::json!({"success": false, "error": "not found"}),
                        ),
                    }
                } else {
                    // Cursor pages (the cursor is the offset as text) of the persons `ids`
                    // names, or of all.
                    let ids: Option<Vec<u64>> = query
                        .split('&')
                        .find_map(|kv| kv.strip_prefix("ids="))
                        .map(|v| v.split("%2C").filter_map(|i| i.parse().ok()).collect());
                    let all: Vec<u64> = (1..=n)
                        .filter(|i| ids.as_ref().is_none_or(|ids| ids.contains(i)))
                        .collect();
                    let start = param("cursor").unwrap_or(0) as usize;
                    let limit = param("limit").unwrap_or(100) as usize;
                    let end = (start + limit).min(all.len());
                    let data: Vec<_> = all[start.min(end)..end]
                        .iter()
                        .map(|i| person(*i))
                        .collect();
                    let next = (end < all.len()).then(|| end.to_string());
                    (
                        200,
                        serde_json::json!({"success": true, "data": data, "additional_data": {"next_cursor": next}}),
                    )
                };
                let text = body.to_string();
                let resp = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}", text.len());
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}/api/v1")
}

async fn context(base: &str, token: &str) -> crate::error::Result<SessionContext> {
    let profile = crate::profile::load("pipedrive")?;
    let access = super::ApiAccess {
        base_url: base.to_string(),
        credentials: super::Credentials {
            query: vec![("api_token".into(), Secret::new(token))],
            ..Default::default()
        },
    };
    let options = super::ScanOptions {
        pagesize: Some(7),
        ..options()
    };
    let tables = super::open(&profile, access, &options, Default::default())?;
    let ctx = SessionContext::new();
    for table in tables {
        ctx.register_table(table.name().to_string().as_str(), table)
            .map_err(|e| crate::error::Error::general(e.to_string()))?;
    }
    Ok(ctx)
}

async fn query(ctx: &SessionContext, sql: &str) -> Result<String, String> {
    let df = ctx.sql(sql).await.map_err(|e| e.to_string())?;
    let batches = df.collect().await.map_err(|e| e.to_string())?;
    Ok(pretty_format_batches(&batches)
        .map_err(|e| e.to_string())?
        .to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipedrive_pages_keys_limit_children() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let base = pipedrive_server(23, log.clone()).await;
    let ctx = context(&base, "tok")
        .await
        .unwrap_or_else(|e| panic!("{}", e.message));
    let count = query(
        &ctx,
        "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM persons",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(count.contains("| 23 | 23 |"), "{count}");
    // 23 rows at 7 per page: 4 requests.
    assert_eq!(log.lock().map(|l| l.len()).unwrap_or(0), 4);

    log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    let one = query(&ctx, "SELECT name FROM persons WHERE id = 5")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(one.contains("P5"), "{one}");
    let none = query(&ctx, "SELECT name FROM persons WHERE id IN (6, 999)")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(none.contains("P6") && !none.contains("999"), "{none}");
    {
        let l = log.lock().unwrap_or_else(|e| e.into_inner());
        // One key: its record; two: one list request naming both (`ids`).
        assert_eq!(l.len(), 2, "{l:?}");
        assert!(l[0].starts_with("/api/v2/persons/5?"), "{l:?}");
        assert!(l[1].contains("ids=6%2C999"), "{l:?}");
    }

    log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    let lim = query(&ctx, "SELECT id FROM persons LIMIT 3")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lim.matches("\n|").count(), 4, "{lim}");
    {
        let l = log.lock().unwrap_or_else(|e| e.into_inner());
        assert_eq!(l.len(), 1, "{l:?}");
        assert!(l[0].contains("limit=3"), "{l:?}");
    }

    let emails = query(
        &ctx,
        "SELECT COUNT(*) AS n FROM person_emails WHERE person_id = 4",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(emails.contains("| 1 |"), "{emails}");
    let ts = query(&ctx, "SELECT add_time, owner_id FROM persons WHERE id = 3")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(ts.contains("2024-01-02T03:04:05"), "{ts}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_token_is_28000_with_api_message() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let base = pipedrive_server(3, log.clone()).await;
    let ctx = context(&base, "wrong")
        .await
        .unwrap_or_else(|e| panic!("{}", e.message));
    let err = query(&ctx, "SELECT * FROM persons")
        .await
        .err()
        .unwrap_or_default();
    assert!(
        err.contains("unauthorized access") && err.contains("HTTP 401"),
        "{err}"
    );
    assert!(!err.contains("wrong"), "secret leaked: {err}");
}

#[test]
fn plain_http_off_loopback_is_refused() {
    let profile = crate::profile::load("pipedrive").unwrap_or_else(|e| panic!("{}", e.message));
    let access = super::ApiAccess {
        base_url: "http://example.com/api/v1".into(),
        credentials: super::Credentials::default(),
    };
    let e = super::open(&profile, access, &options(), Default::default())
        .err()
        .unwrap_or_else(|| panic!("plain http to example.com was accepted"));
    assert_eq!(e.kind, ErrorKind::Api(ApiError::Refused));
    assert!(e.message.contains("Plain http"), "{}", e.message);
}

/// The driver's defaults: a 60 s timeout, 256 MiB bodies, the tables' own page sizes.
pub(super) fn options() -> super::ScanOptions {
    super::ScanOptions {
        timeout_secs: 60,
        max_response_bytes: 256 << 20,
        extra_ca: None,
        pagesize: None,
        max_rows: 0,
        max_concurrent_requests: 1,
        cache_ttl_secs: 0,
        cache_max_bytes: 0,
        cache_location: None,
        rate_limit_sharing: crate::rate_budget::Sharing::Process,
        writes: Default::default(),
    }
}
