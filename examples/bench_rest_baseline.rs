//! Benchmark baseline of issue 3: what a hand-written client does with the Pipedrive persons the
//! driver reads, in one process: fetch every page of API v2's `/persons` from the sandbox
//! sequentially with reqwest (`limit=500` and the counts the driver asks for, following
//! `additional_data.next_cursor`), parse each body into a
//! `serde_json::Value`, and touch every record (count it, add its `id`). Prints the result line of
//! `cargo xtask bench`.
//!
//! Run: `APIODBC_BENCH_PIPEDRIVE_URL=http://127.0.0.1:PORT/pipedrive/api/v1
//! APIODBC_BENCH_PIPEDRIVE_TOKEN=… cargo run --release --example bench_rest_baseline` (the URL
//! and token are in the sandbox manifest; `cargo xtask bench` sets both).

#[path = "bench_support/mod.rs"]
#[allow(dead_code)]
mod support;

#[path = "bench_support/rest.rs"]
mod rest;

use std::process::ExitCode;
use std::time::Instant;

use rest::RestSum;
use serde_json::Value;

/// Records per request, as the driver's Pipedrive profile asks for.
const PAGE: u64 = 500;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_rest_baseline: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let base = rest::env("APIODBC_BENCH_PIPEDRIVE_URL")?;
    let token = rest::env("APIODBC_BENCH_PIPEDRIVE_TOKEN")?;
    // reqwest is built with `rustls-no-provider`: name the provider, as the driver does.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = reqwest::Client::builder().build()?;

    let started = Instant::now();
    let cpu_before = rest::cpu_seconds();
    let sum = runtime.block_on(fetch_all(&client, &base, &token))?;
    rest::report(
        "rest_baseline",
        &sum,
        started.elapsed(),
        support::peak_rss_mb(),
        rest::cpu_seconds() - cpu_before,
    );
    Ok(())
}

async fn fetch_all(
    client: &reqwest::Client,
    base: &str,
    token: &str,
) -> Result<RestSum, Box<dyn std::error::Error>> {
    // The base is API v1's; persons live in its sibling v2 (the URL parser resolves the `..`).
    let url = format!("{}/../v2/persons", base.trim_end_matches('/'));
    let mut sum = RestSum::default();
    let mut cursor: Option<String> = None;
    loop {
        let mut page_url = url::Url::parse(&url)?;
        {
            let mut query = page_url.query_pairs_mut();
            query
                .append_pair("include_fields", "open_deals_count,closed_deals_count")
                .append_pair("limit", &PAGE.to_string());
            if let Some(c) = &cursor {
                query.append_pair("cursor", c);
            }
            query.append_pair("api_token", token);
        }
        let response = client.get(page_url).send().await?.error_for_status()?;
        let body = response.bytes().await?;
        let page: Value = serde_json::from_slice(&body)?;
        let data = page["data"]
            .as_array()
            .ok_or("a persons page without a `data` array")?;
        for record in data {
            sum.rows += 1;
            let id = record["id"]
                .as_i64()
                .ok_or("a person without an integer id")?;
            sum.id = sum.id.wrapping_add(id);
        }
        match page["additional_data"]["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    Ok(sum)
}
