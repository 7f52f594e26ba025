//! End-to-end checks of the sandbox over HTTP: full scans page through every table exactly once
//! and agree with the manifest and `/_sandbox/data`, auth failures give each service's own body,
//! filters are exact, faults and rate limits behave, and the Talkdesk report flow works.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use apiodbc_sandbox::SandboxConfig;
use serde_json::{json, Value};
use support::{base64, Sandbox};

fn ids(rows: &[Value], key: &str) -> Vec<String> {
    rows.iter().map(|r| r[key].to_string()).collect()
}

/// Every id exactly once, and the same set as `/_sandbox/data`.
fn assert_scan(sb: &Sandbox, service: &str, table: &str, rows: &[Value], key: &str) {
    let got = ids(rows, key);
    let unique: HashSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "{service}/{table}: duplicates");
    assert_eq!(
        got.len(),
        sb.rows(service, table),
        "{service}/{table}: manifest count"
    );
    let expected = ids(&sb.data(service, table), key);
    assert_eq!(
        got, expected,
        "{service}/{table}: same rows as /_sandbox/data"
    );
}

// ---------------------------------------------------------------- Pipedrive

fn pipedrive_scan(sb: &Sandbox, path: &str, extra: &str, limit: usize) -> Vec<Value> {
    let token = sb.cred("pipedrive", "api_token");
    let (mut start, mut rows) = (0, Vec::new());
    loop {
        let r = sb.get(
            &format!(
                "/pipedrive/api/v1/{path}?api_token={token}&start={start}&limit={limit}{extra}"
            ),
            &[],
        );
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(r.header("x-ratelimit-remaining").is_some());
        let body = r.json();
        let page = &body["additional_data"]["pagination"];
        match &body["data"] {
            Value::Array(items) => rows.extend(items.iter().cloned()),
            Value::Null => {}
            other => panic!("data is {other}"),
        }
        if page["more_items_in_collection"] == json!(false) {
            assert!(page.get("next_start").is_none(), "next_start on last page");
            return rows;
        }
        start = page["next_start"].as_u64().expect("next_start") as usize;
    }
}

#[test]
fn pipedrive_pages_through_every_table_once() {
    let sb = Sandbox::with_records(120);
    for table in [
        "persons",
        "organizations",
        "deals",
        "activities",
        "pipelines",
        "stages",
        "users",
    ] {
        let rows = pipedrive_scan(&sb, table, "", 7);
        assert_scan(&sb, "pipedrive", table, &rows, "id");
    }
    // v1 serves a person without addresses one blank entry; the child tables count what v2
    // lists, which has none.
    let persons = pipedrive_scan(&sb, "persons", "", 500);
    for (child, key) in [("person_emails", "email"), ("person_phones", "phone")] {
        let n: usize = persons
            .iter()
            .map(|p| {
                p[key]
                    .as_array()
                    .map_or(0, |a| a.iter().filter(|e| e["value"] != "").count())
            })
            .sum();
        assert_eq!(n, sb.rows("pipedrive", child));
        assert_eq!(sb.data("pipedrive", child).len(), n);
    }
    // Relations point at existing rows.
    let deals = sb.data("pipedrive", "deals");
    for d in &deals {
        if let Some(p) = d["person_id"].as_u64() {
            assert!((1..=120).contains(&p));
        }
        assert!((1..=12).contains(&d["stage_id"].as_u64().unwrap_or(0)));
    }
}

#[test]
fn pipedrive_filters_limits_auth_and_errors() {
    let sb = Sandbox::with_records(150);
    let token = sb.cred("pipedrive", "api_token");
    let deals = sb.data("pipedrive", "deals");
    for status in ["open", "won", "lost"] {
        let got = pipedrive_scan(&sb, "deals", &format!("&status={status}"), 50);
        let want: Vec<&Value> = deals.iter().filter(|d| d["status"] == status).collect();
        assert!(!want.is_empty());
        assert_eq!(
            ids(&got, "id"),
            want.iter().map(|d| d["id"].to_string()).collect::<Vec<_>>()
        );
    }
    let got = pipedrive_scan(&sb, "deals", "&stage_id=5&user_id=3", 50);
    assert!(got
        .iter()
        .all(|d| d["stage_id"] == 5 && d["user_id"]["id"] == 3));
    assert_eq!(
        got.len(),
        deals
            .iter()
            .filter(|d| d["stage_id"] == 5 && d["owner_id"] == 3)
            .count()
    );
    let persons = sb.data("pipedrive", "persons");
    let c = persons[0]["name"]
        .as_str()
        .unwrap()
        .chars()
        .next()
        .unwrap()
        .to_lowercase()
        .to_string();
    let got = pipedrive_scan(&sb, "persons", &format!("&first_char={c}"), 500);
    assert_eq!(
        got.len(),
        persons
            .iter()
            .filter(|p| p["name"].as_str().unwrap().to_lowercase().starts_with(&c))
            .count()
    );
    let acts = pipedrive_scan(&sb, "activities", "&done=1&type=call,meeting", 500);
    assert!(acts
        .iter()
        .all(|a| a["done"] == true && (a["type"] == "call" || a["type"] == "meeting")));
    assert_eq!(
        pipedrive_scan(&sb, "stages", "&pipeline_id=2", 100).len(),
        4
    );

    // limit is clamped to 500; an empty page has data: null.
    let big = Sandbox::with_records(600);
    let r = big
        .get(
            &format!(
                "/pipedrive/api/v1/persons?api_token={}&limit=1000",
                big.cred("pipedrive", "api_token")
            ),
            &[],
        )
        .json();
    assert_eq!(r["data"].as_array().map(Vec::len), Some(500));
    assert_eq!(r["additional_data"]["pagination"]["next_start"], 500);
    let r = sb
        .get(
            &format!("/pipedrive/api/v1/persons?api_token={token}&start=10000"),
            &[],
        )
        .json();
    assert_eq!(r["data"], Value::Null);

    // The three credential forms, and the 401 body.
    let hdr = sb.get("/pipedrive/api/v1/persons/1", &[("x-api-token", &token)]);
    assert_eq!(hdr.json()["data"]["id"], 1);
    let oauth = sb.cred("pipedrive", "oauth_access_token");
    let bearer = format!("Bearer {oauth}");
    assert_eq!(
        sb.get("/pipedrive/api/v1/users/me", &[("Authorization", &bearer)])
            .status,
        200
    );
    let r = sb.get("/pipedrive/api/v1/persons?api_token=wrong", &[]);
    assert_eq!(r.status, 401);
    let b = r.json();
    assert_eq!(
        (
            b["success"].clone(),
            b["error"].clone(),
            b["errorCode"].clone()
        ),
        (json!(false), json!("unauthorized access"), json!(401))
    );
    assert_eq!(b["error_info"], "Please check developers.pipedrive.com");
    let r = sb.get(
        &format!("/pipedrive/api/v1/persons/99999?api_token={token}"),
        &[],
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["success"], false);
}

// ---------------------------------------------------------------- Help Scout

fn helpscout_scan(sb: &Sandbox, path: &str, extra: &str, name: &str) -> Vec<Value> {
    let auth = format!("Bearer {}", sb.cred("helpscout", "access_token"));
    let (mut page, mut rows) = (1, Vec::new());
    loop {
        let r = sb.get(
            &format!("/helpscout/v2/{path}?page={page}{extra}"),
            &[("Authorization", &auth)],
        );
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(r.header("x-ratelimit-remaining-minute").is_some());
        let body = r.json();
        rows.extend(
            body["_embedded"][name]
                .as_array()
                .expect("embedded")
                .iter()
                .cloned(),
        );
        let (number, pages) = (
            body["page"]["number"].as_u64().unwrap(),
            body["page"]["totalPages"].as_u64().unwrap(),
        );
        if number >= pages {
            assert!(
                body["_links"].get("next").is_none(),
                "next link on last page"
            );
            return rows;
        }
        assert!(body["_links"]["next"]["href"]
            .as_str()
            .unwrap()
            .ends_with(&format!("page={}", page + 1)));
        page += 1;
    }
}

#[test]
fn helpscout_pages_through_every_table_once() {
    let sb = Sandbox::with_records(120);
    let convs = helpscout_scan(&sb, "conversations", "&status=all", "conversations");
    assert_scan(&sb, "helpscout", "conversations", &convs, "id");
    for t in ["customers", "mailboxes", "users", "tags", "teams"] {
        let rows = helpscout_scan(&sb, t, "", t);
        assert_scan(&sb, "helpscout", t, &rows, "id");
    }
    let mut threads = Vec::new();
    for c in &convs {
        let got = helpscout_scan(
            &sb,
            &format!("conversations/{}/threads", c["id"]),
            "",
            "threads",
        );
        assert_eq!(got.len() as u64, c["threads"].as_u64().unwrap());
        threads.extend(got);
    }
    assert_scan(&sb, "helpscout", "threads", &threads, "id");
    assert_eq!(
        sb.manifest["services"]["helpscout"]["tables"]["threads"]["parent"],
        "conversations"
    );
}

#[test]
fn helpscout_defaults_filters_and_errors() {
    let sb = Sandbox::with_records(200);
    let all = sb.data("helpscout", "conversations");
    // Without status only active conversations come back.
    let active = helpscout_scan(&sb, "conversations", "", "conversations");
    assert!(active.iter().all(|c| c["status"] == "active"));
    assert_eq!(
        active.len(),
        all.iter().filter(|c| c["status"] == "active").count()
    );
    assert!(active.len() < all.len());
    let mb = all[0]["mailboxId"].clone();
    let got = helpscout_scan(
        &sb,
        "conversations",
        &format!("&status=all&mailbox={mb}"),
        "conversations",
    );
    assert_eq!(
        got.len(),
        all.iter().filter(|c| c["mailboxId"] == mb).count()
    );
    let got = helpscout_scan(
        &sb,
        "conversations",
        "&status=closed&tag=vip",
        "conversations",
    );
    let want = all
        .iter()
        .filter(|c| {
            c["status"] == "closed"
                && c["tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t["tag"] == "vip")
        })
        .count();
    assert_eq!(got.len(), want);
    let got = helpscout_scan(
        &sb,
        "conversations",
        "&status=all&number=17",
        "conversations",
    );
    assert_eq!(ids(&got, "number"), vec!["17"]);
    let customers = sb.data("helpscout", "customers");
    let first = customers[3]["firstName"].as_str().unwrap();
    let got = helpscout_scan(
        &sb,
        "customers",
        &format!("&firstName={}", support_encode(first)),
        "customers",
    );
    assert_eq!(
        got.len(),
        customers.iter().filter(|c| c["firstName"] == first).count()
    );

    let auth = format!("Bearer {}", sb.cred("helpscout", "access_token"));
    let one = sb
        .get(
            &format!("/helpscout/v2/conversations/{}", all[5]["id"]),
            &[("Authorization", &auth)],
        )
        .json();
    assert_eq!(one["id"], all[5]["id"]);
    let r = sb.get(
        "/helpscout/v2/conversations",
        &[("Authorization", "Bearer nope")],
    );
    assert_eq!(r.status, 401);
    let b = r.json();
    assert_eq!(b["message"], "Invalid access token");
    assert_eq!(b["logRef"].as_str().map(str::len), Some(36));
    assert_eq!(
        sb.get("/helpscout/v2/conversations/1", &[("Authorization", &auth)])
            .status,
        404
    );
    assert_eq!(
        sb.get(
            "/helpscout/v2/conversations?status=weird",
            &[("Authorization", &auth)]
        )
        .status,
        400
    );
}

fn support_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

// ---------------------------------------------------------------- Help Scout Docs

fn docs_scan(sb: &Sandbox, path: &str, extra: &str, name: &str) -> Vec<Value> {
    let auth = format!(
        "Basic {}",
        base64(format!("{}:X", sb.cred("helpscout_docs", "api_key")).as_bytes())
    );
    let (mut page, mut rows) = (1, Vec::new());
    loop {
        let r = sb.get(
            &format!("/helpscout-docs/v1/{path}?page={page}{extra}"),
            &[("Authorization", &auth)],
        );
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(r.header("correlation-id").is_some() && r.header("x-ratelimit-reset").is_some());
        let body = r.json();
        let env = &body[name];
        rows.extend(env["items"].as_array().expect("items").iter().cloned());
        if env["page"].as_u64() >= env["pages"].as_u64() {
            return rows;
        }
        page += 1;
    }
}

#[test]
fn helpscout_docs_pages_through_every_table_once() {
    let sb = Sandbox::with_records(130);
    let sites = docs_scan(&sb, "sites", "", "sites");
    assert_scan(&sb, "helpscout_docs", "sites", &sites, "id");
    let collections = docs_scan(&sb, "collections", "", "collections");
    assert_scan(&sb, "helpscout_docs", "collections", &collections, "id");
    let (mut cats, mut arts) = (Vec::new(), Vec::new());
    for c in &collections {
        let id = c["id"].as_str().unwrap();
        assert_eq!(id.len(), 24);
        cats.extend(docs_scan(
            &sb,
            &format!("collections/{id}/categories"),
            "",
            "categories",
        ));
        let a = docs_scan(
            &sb,
            &format!("collections/{id}/articles"),
            "&pageSize=7",
            "articles",
        );
        assert_eq!(a.len() as u64, c["articleCount"].as_u64().unwrap());
        arts.extend(a);
    }
    assert_scan(&sb, "helpscout_docs", "categories", &cats, "id");
    assert_scan(&sb, "helpscout_docs", "articles", &arts, "id");
    // siteId narrows collections; category articles and status filters are exact.
    let site = sites[1]["id"].as_str().unwrap();
    let c2 = docs_scan(
        &sb,
        "collections",
        &format!("&siteId={site}"),
        "collections",
    );
    assert!(!c2.is_empty() && c2.iter().all(|c| c["siteId"] == site));
    let cat = &cats[0];
    let in_cat = docs_scan(
        &sb,
        &format!("categories/{}/articles", cat["id"].as_str().unwrap()),
        "",
        "articles",
    );
    assert_eq!(in_cat.len() as u64, cat["articleCount"].as_u64().unwrap());
    let cid = collections[0]["id"].as_str().unwrap();
    let published = docs_scan(
        &sb,
        &format!("collections/{cid}/articles"),
        "&status=published",
        "articles",
    );
    assert_eq!(
        published.len() as u64,
        collections[0]["publishedArticleCount"].as_u64().unwrap()
    );
    assert!(published.iter().all(|a| a["status"] == "published"));

    let auth = format!(
        "Basic {}",
        base64(format!("{}:X", sb.cred("helpscout_docs", "api_key")).as_bytes())
    );
    let one = sb
        .get(
            &format!(
                "/helpscout-docs/v1/articles/{}",
                arts[0]["id"].as_str().unwrap()
            ),
            &[("Authorization", &auth)],
        )
        .json();
    assert_eq!(one["article"]["id"], arts[0]["id"]);
    assert!(one["article"]["text"].is_string());
    let coll = sb
        .get(
            &format!("/helpscout-docs/v1/collections/{cid}"),
            &[("Authorization", &auth)],
        )
        .json();
    assert_eq!(coll["collection"]["id"], cid);
    // pageSize is capped at 100.
    let big = sb
        .get(
            &format!("/helpscout-docs/v1/collections/{cid}/articles?pageSize=500"),
            &[("Authorization", &auth)],
        )
        .json();
    assert!(big["articles"]["items"].as_array().unwrap().len() <= 100);
    let bad = format!("Basic {}", base64(b"wrong:X"));
    let r = sb.get("/helpscout-docs/v1/sites", &[("Authorization", &bad)]);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["status"], 401);
}

// ---------------------------------------------------------------- Keap

fn keap_scan(sb: &Sandbox, path: &str, extra: &str, limit: usize) -> Vec<Value> {
    let key = sb.cred("keap", "api_key");
    let (mut offset, mut rows) = (0, Vec::new());
    loop {
        let r = sb.get(
            &format!("/keap/crm/rest/v1/{path}?limit={limit}&offset={offset}{extra}"),
            &[("X-Keap-API-Key", &key)],
        );
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(r.header("x-keap-product-throttle-available").is_some());
        let body = r.json();
        let page = body[path].as_array().expect("records").clone();
        let next = body["next"]
            .as_str()
            .expect("next always present")
            .to_owned();
        assert!(
            next.contains(&format!("offset={}", offset + limit)),
            "{next}"
        );
        let n = page.len();
        rows.extend(page);
        if n < limit || rows.len() as u64 >= body["count"].as_u64().unwrap() {
            return rows;
        }
        offset += limit;
    }
}

#[test]
fn keap_pages_through_every_table_once() {
    let sb = Sandbox::with_records(110);
    for t in [
        "contacts",
        "companies",
        "opportunities",
        "orders",
        "tags",
        "tasks",
        "products",
        "users",
    ] {
        let rows = keap_scan(&sb, t, "", 9);
        assert_scan(&sb, "keap", t, &rows, "id");
    }
    let contacts = keap_scan(&sb, "contacts", "", 1000);
    let emails: usize = contacts
        .iter()
        .map(|c| c["email_addresses"].as_array().unwrap().len())
        .sum();
    assert_eq!(emails, sb.rows("keap", "contact_emails"));
    // Following `next` (with its trailing-slash path) works too.
    let key = sb.cred("keap", "api_key");
    let first = sb
        .get(
            "/keap/crm/rest/v1/contacts?limit=100",
            &[("X-Keap-API-Key", &key)],
        )
        .json();
    let second = sb
        .get(first["next"].as_str().unwrap(), &[("X-Keap-API-Key", &key)])
        .json();
    assert_eq!(second["contacts"].as_array().unwrap().len(), 10);
    assert_eq!(second["contacts"][0]["id"], 101);
}

#[test]
fn keap_filters_and_errors() {
    let sb = Sandbox::with_records(120);
    let contacts = sb.data("keap", "contacts");
    let c = contacts
        .iter()
        .find(|c| !c["email_addresses"].as_array().unwrap().is_empty())
        .unwrap();
    let email = c["email_addresses"][0]["email"].as_str().unwrap();
    let got = keap_scan(
        &sb,
        "contacts",
        &format!("&email={}", support_encode(email)),
        1000,
    );
    assert_eq!(ids(&got, "id"), vec![c["id"].to_string()]);
    let gn = contacts[0]["given_name"].as_str().unwrap();
    let got = keap_scan(
        &sb,
        "contacts",
        &format!("&given_name={}", support_encode(gn)),
        1000,
    );
    assert_eq!(
        got.len(),
        contacts.iter().filter(|c| c["given_name"] == gn).count()
    );
    let tasks = sb.data("keap", "tasks");
    let got = keap_scan(&sb, "tasks", "&completed=true", 1000);
    assert_eq!(
        got.len(),
        tasks.iter().filter(|t| t["completed"] == true).count()
    );
    let orders = sb.data("keap", "orders");
    let cid = orders[0]["contact"]["id"].clone();
    let got = keap_scan(
        &sb,
        "orders",
        &format!("&contact_id={cid}&paid=false"),
        1000,
    );
    assert_eq!(
        got.len(),
        orders
            .iter()
            .filter(|o| o["contact"]["id"] == cid && o["status"] == "UNPAID")
            .count()
    );
    let opps = sb.data("keap", "opportunities");
    let got = keap_scan(&sb, "opportunities", "&stage_id=2&user_id=3", 1000);
    assert_eq!(
        got.len(),
        opps.iter()
            .filter(|o| o["stage"]["id"] == 2 && o["user"]["id"] == 3)
            .count()
    );

    let token = format!("Bearer {}", sb.cred("keap", "access_token"));
    assert_eq!(
        sb.get("/keap/crm/rest/v1/contacts/7", &[("Authorization", &token)])
            .json()["id"],
        7
    );
    let r = sb.get("/keap/crm/rest/v1/contacts", &[("X-Keap-API-Key", "nope")]);
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json()["fault"]["detail"]["errorcode"],
        "keymanagement.service.invalid_access_token"
    );
}

// ---------------------------------------------------------------- Talkdesk

fn talkdesk_scan(sb: &Sandbox, name: &str, per_page: usize) -> Vec<Value> {
    let auth = format!("Bearer {}", sb.cred("talkdesk", "access_token"));
    let mut target = format!("/talkdesk/{name}?per_page={per_page}");
    let mut rows = Vec::new();
    loop {
        let r = sb.get(&target, &[("Authorization", &auth)]);
        assert_eq!(r.status, 200, "{}", r.text());
        let body = r.json();
        rows.extend(
            body["_embedded"][name]
                .as_array()
                .expect("embedded")
                .iter()
                .cloned(),
        );
        match body["_links"]["next"]["href"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&sb.base), "next is a full URL: {next}");
                target = next.to_owned();
            }
            None => return rows,
        }
    }
}

fn talkdesk_calls(sb: &Sandbox, from: &str, to: &str) -> (u16, Value) {
    let auth = format!("Bearer {}", sb.cred("talkdesk", "access_token"));
    let h = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let body = json!({"format": "json", "timespan": {"from": from, "to": to, "timezone": "UTC"}})
        .to_string();
    let r = support::request(
        &sb.base,
        "POST",
        "/talkdesk/data/reports/calls/jobs",
        &h,
        Some(body.as_bytes()),
    );
    if r.status != 202 {
        return (r.status, r.json());
    }
    let job = r.json();
    assert_eq!(job["job"]["status"], "created");
    let id = job["job"]["id"].as_str().unwrap().to_owned();
    let mut statuses = Vec::new();
    loop {
        let j = sb
            .get(&format!("/talkdesk/data/reports/calls/jobs/{id}"), &h)
            .json();
        let s = j["job"]["status"].as_str().unwrap().to_owned();
        statuses.push(s.clone());
        if s == "done" {
            break;
        }
        assert!(statuses.len() < 5, "job never finished");
    }
    assert_eq!(statuses, ["processing", "done"]);
    let r = sb.get(&format!("/talkdesk/data/reports/calls/files/{id}"), &h);
    assert_eq!(r.status, 303);
    let location = r.header("location").expect("Location").to_owned();
    let file = sb.get(&location, &[]);
    (file.status, file.json())
}

#[test]
fn talkdesk_lists_and_report_flow() {
    let sb = Sandbox::with_records(130);
    for t in ["users", "contacts"] {
        let rows = talkdesk_scan(&sb, t, 20);
        assert_scan(&sb, "talkdesk", t, &rows, "id");
    }
    let window = &sb.manifest["services"]["talkdesk"]["calls_window"];
    let (from, to) = (
        window["from"].as_str().unwrap(),
        window["to"].as_str().unwrap(),
    );
    let (status, file) = talkdesk_calls(&sb, from, to);
    assert_eq!(status, 200);
    assert_eq!(file["type"], "calls");
    let entries = file["entries"].as_array().unwrap();
    assert_eq!(file["total"].as_u64(), Some(entries.len() as u64));
    assert!(entries.len() > 10);
    assert_scan(&sb, "talkdesk", "calls", entries, "call_id");
    assert!(entries.iter().all(|e| {
        let s = e["start_at"].as_str().unwrap();
        s >= from && s < to
    }));
    // A narrower span returns fewer calls; more than a month is refused.
    let mut starts: Vec<&str> = entries
        .iter()
        .map(|e| e["start_at"].as_str().unwrap())
        .collect();
    starts.sort();
    let (_, half) = talkdesk_calls(&sb, starts[starts.len() / 2], to);
    assert!(half["total"].as_u64().unwrap() < entries.len() as u64);
    let (status, err) = talkdesk_calls(&sb, &two_months_before(from), to);
    assert_eq!(status, 400);
    assert!(err["code"].is_string() && err["fields"].is_array());

    let auth = format!("Bearer {}", sb.cred("talkdesk", "access_token"));
    let c = &sb.data("talkdesk", "contacts")[3];
    let one = sb
        .get(
            &format!("/talkdesk/contacts/{}", c["id"].as_str().unwrap()),
            &[("Authorization", &auth)],
        )
        .json();
    assert_eq!(one["contact"]["id"], c["id"]);
    let r = sb.get("/talkdesk/users", &[("Authorization", "Bearer nope")]);
    assert_eq!(r.status, 401);
    assert!(r.json()["message"].is_string());
}

#[test]
fn talkdesk_calls_span_ninety_days_and_jobs_filter_and_log_their_timespan() {
    let sb = Sandbox::with_records(130);
    let td = &sb.manifest["services"]["talkdesk"];
    let bound = |k: &str, side: &str| td[k][side].as_str().unwrap().to_owned();
    let (span_from, span_to) = (bound("calls_span", "from"), bound("calls_span", "to"));
    let (window_from, window_to) = (bound("calls_window", "from"), bound("calls_window", "to"));
    assert_eq!(span_to, window_to);
    let all = match sb.get("/_sandbox/data/talkdesk/calls?all=true", &[]).json() {
        Value::Array(rows) => rows,
        other => panic!("{other}"),
    };
    let start = |c: &Value| c["start_at"].as_str().unwrap().to_owned();
    assert!(all
        .iter()
        .all(|c| start(c) >= span_from && start(c) < span_to));
    // The default data are the window's calls; the older ones are there for filtered queries.
    let in_window: Vec<&Value> = all.iter().filter(|c| start(c) >= window_from).collect();
    assert_eq!(
        ids(&sb.data("talkdesk", "calls"), "call_id"),
        ids(
            &in_window.into_iter().cloned().collect::<Vec<_>>(),
            "call_id"
        )
    );
    let mut older: Vec<String> = all.iter().map(start).filter(|s| *s < window_from).collect();
    older.sort();
    assert!(older.len() > 40, "{} calls before the window", older.len());

    assert_eq!(sb.post("/_sandbox/reset", &[], "").status, 200);
    let (from, to) = (older[2].clone(), older[12].clone());
    let (status, file) = talkdesk_calls(&sb, &from, &to);
    assert_eq!(status, 200);
    let want: Vec<Value> = all
        .iter()
        .filter(|c| start(c) >= from && start(c) < to)
        .cloned()
        .collect();
    assert!(want.len() >= 10);
    let mut got = ids(file["entries"].as_array().unwrap(), "call_id");
    let mut want = ids(&want, "call_id");
    got.sort();
    want.sort();
    assert_eq!(got, want);
    let (status, _) = talkdesk_calls(&sb, &two_months_before(&from), &to);
    assert_eq!(status, 400);
    // Only the accepted job is logged, with the timespan it asked for.
    let jobs = sb.get("/_sandbox/stats", &[]).json()["report_jobs"].clone();
    let jobs = jobs.as_array().unwrap();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0]["report"], "calls");
    assert_eq!(jobs[0]["from"].as_str(), Some(from.as_str()));
    assert_eq!(jobs[0]["to"].as_str(), Some(to.as_str()));
    assert_eq!(sb.post("/_sandbox/reset", &[], "").status, 200);
    assert_eq!(
        sb.get("/_sandbox/stats", &[]).json()["report_jobs"],
        json!([])
    );
}

#[test]
fn talkdesk_contacts_stop_at_ten_thousand() {
    let sb = Sandbox::with_records(10_030);
    assert_eq!(sb.rows("talkdesk", "contacts"), 10_000);
    assert_eq!(talkdesk_scan(&sb, "contacts", 250).len(), 10_000);
}

// ---------------------------------------------------------------- LeadDesk

#[test]
fn leaddesk_original_api() {
    let sb = Sandbox::with_records(40);
    let key = sb.cred("leaddesk", "api_key");
    assert_eq!(key.len(), 32);
    for (table, module) in [
        ("agents", "agent"),
        ("calling_lists", "calling_list"),
        ("campaigns", "campaign"),
    ] {
        let r = sb.get(&format!("/leaddesk/?auth={key}&mod={module}&cmd=list"), &[]);
        assert_eq!(r.status, 200);
        let rows = r.json().as_array().unwrap().clone();
        assert_scan(&sb, "leaddesk", table, &rows, "id");
    }
    let r = sb.get(
        &format!("/leaddesk/?auth={key}&mod=call&cmd=get&call_ref_id=500003"),
        &[],
    );
    assert!(r.json()["talk_time"].is_string());
    let number = r.json()["number"].as_str().unwrap().to_owned();
    let found = sb
        .get(
            &format!(
                "/leaddesk?auth={key}&mod=contact&cmd=find&phone={}",
                support_encode(&number)
            ),
            &[],
        )
        .json();
    assert_eq!(found["success"], true);
    assert!(found["contact_ids"].is_array());
    for (q, status, text) in [
        (
            "auth=wrong&mod=agent&cmd=list".to_owned(),
            400,
            "ERR_AUTHENTICATION",
        ),
        ("mod=agent&cmd=list".to_owned(), 400, "ERR_AUTHENTICATION"),
        (format!("auth={key}&mod=agent"), 400, "ERR_ARGUMENT_MISSING"),
        (
            format!("auth={key}&mod=nope&cmd=list"),
            400,
            "ERR_INVALID_MODULE",
        ),
        (
            format!("auth={key}&mod=agent&cmd=find&username=nobody"),
            400,
            "ERR_NOT_FOUND:agent",
        ),
        (
            format!("auth={key}&mod=call&cmd=get&call_ref_id=x"),
            400,
            "ERR_ARGUMENT_INVALID",
        ),
    ] {
        let r = sb.get(&format!("/leaddesk/?{q}"), &[]);
        assert_eq!((r.status, r.text()), (status, text.to_owned()), "{q}");
    }
}

// ---------------------------------------------------------------- faults, control

#[test]
fn fail_rate_gives_service_error_bodies_and_spares_control() {
    let sb = Sandbox::start(SandboxConfig {
        records: 20,
        seed: 9,
        fail_rate: 0.3,
        ..SandboxConfig::default()
    });
    let token = sb.cred("pipedrive", "api_token");
    let mut fails = 0;
    for _ in 0..300 {
        let r = sb.get(&format!("/pipedrive/api/v1/users?api_token={token}"), &[]);
        match r.status {
            200 => assert_eq!(r.json()["success"], true),
            500 => {
                fails += 1;
                assert_eq!(r.json()["success"], false);
            }
            s => panic!("status {s}"),
        }
    }
    assert!((50..=130).contains(&fails), "{fails} of 300 failed");
    let auth = format!("Bearer {}", sb.cred("helpscout", "access_token"));
    let statuses: Vec<u16> = (0..60)
        .map(|_| {
            sb.get("/helpscout/v2/mailboxes", &[("Authorization", &auth)])
                .status
        })
        .collect();
    assert!(statuses.contains(&500) && statuses.contains(&200));
    for _ in 0..50 {
        assert_eq!(sb.get("/_sandbox/manifest", &[]).status, 200);
    }
}

#[test]
fn rate_limit_answers_429_with_the_services_headers_until_the_window_resets() {
    let sb = Sandbox::start(SandboxConfig {
        records: 20,
        rate_limit: Some(5),
        ..SandboxConfig::default()
    });
    let token = sb.cred("pipedrive", "api_token");
    let url = format!("/pipedrive/api/v1/stages?api_token={token}");
    let statuses: Vec<u16> = (0..8).map(|_| sb.get(&url, &[]).status).collect();
    assert_eq!(&statuses[..5], &[200; 5]);
    let r = sb.get(&url, &[]);
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["error"], "Request over limit");
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    let reset: u64 = r.header("x-ratelimit-reset").unwrap().parse().unwrap();
    assert!((1..=2).contains(&reset));
    // Other services have windows of their own.
    let auth = format!("Bearer {}", sb.cred("helpscout", "access_token"));
    for _ in 0..5 {
        assert_eq!(
            sb.get("/helpscout/v2/tags", &[("Authorization", &auth)])
                .status,
            200
        );
    }
    let r = sb.get("/helpscout/v2/tags", &[("Authorization", &auth)]);
    assert_eq!(r.status, 429);
    assert!(r.header("x-ratelimit-retry-after").is_some());
    let key = sb.cred("keap", "api_key");
    for _ in 0..5 {
        sb.get("/keap/crm/rest/v1/tags", &[("X-Keap-API-Key", &key)]);
    }
    let r = sb.get("/keap/crm/rest/v1/tags", &[("X-Keap-API-Key", &key)]);
    assert_eq!(r.status, 429);
    assert_eq!(
        r.json()["fault"]["detail"]["errorcode"],
        "policies.ratelimit.QuotaViolation"
    );
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(sb.get(&url, &[]).status, 200);
}

#[test]
fn stats_log_requests_with_secrets_masked_and_reset_clears_them() {
    let sb = Sandbox::with_records(10);
    let token = sb.cred("pipedrive", "api_token");
    sb.get(
        &format!("/pipedrive/api/v1/persons?api_token={token}&limit=5"),
        &[],
    );
    sb.get("/leaddesk/?auth=x&mod=agent&cmd=list", &[]);
    let stats = sb.get("/_sandbox/stats", &[]).json();
    let reqs = stats["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 2, "{stats}");
    assert_eq!(reqs[0]["path"], "/pipedrive/api/v1/persons");
    assert_eq!(reqs[0]["query"], "api_token=********&limit=5");
    assert_eq!(reqs[0]["status"], 200);
    assert_eq!(reqs[1]["query"], "auth=********&mod=agent&cmd=list");
    assert_eq!(reqs[1]["status"], 400);
    assert!(!stats.to_string().contains(&token));
    assert_eq!(
        support::request(&sb.base, "POST", "/_sandbox/reset", &[], None).status,
        200
    );
    assert_eq!(sb.get("/_sandbox/stats", &[]).json()["requests"], json!([]));
}

#[test]
fn data_is_deterministic_per_seed() {
    let a = Sandbox::with_records(30);
    let b = Sandbox::with_records(30);
    let c = Sandbox::start(SandboxConfig {
        records: 30,
        seed: 43,
        ..SandboxConfig::default()
    });
    assert_eq!(
        a.data("pipedrive", "persons"),
        b.data("pipedrive", "persons")
    );
    assert_eq!(a.cred("keap", "api_key"), b.cred("keap", "api_key"));
    assert_ne!(
        a.data("pipedrive", "persons"),
        c.data("pipedrive", "persons")
    );
    let conn = a.manifest["services"]["pipedrive"]["connection_strings"]["BASIC"]
        .as_str()
        .unwrap();
    assert!(conn.contains(&format!("BaseURL={}/pipedrive/api/v1", a.base)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_in_process_on_a_runtime_and_shuts_down() {
    let sb = apiodbc_sandbox::start(SandboxConfig::default())
        .await
        .expect("start");
    let base = sb.base_url();
    let manifest =
        tokio::task::spawn_blocking(move || support::get(&base, "/_sandbox/manifest", &[]).json())
            .await
            .expect("join");
    assert_eq!(manifest["records"], 100);
    let addr = sb.addr();
    sb.shutdown().await;
    assert!(std::net::TcpStream::connect(addr).is_err());
}

/// The first day of the month two months before an ISO timestamp's month: a span of more than a
/// month whatever the window's dates are.
fn two_months_before(iso: &str) -> String {
    let year: i32 = iso[0..4].parse().unwrap();
    let month: i32 = iso[5..7].parse().unwrap();
    let (year, month) = if month > 2 {
        (year, month - 2)
    } else {
        (year - 1, month + 10)
    };
    format!("{year:04}-{month:02}-01T00:00:00Z")
}
