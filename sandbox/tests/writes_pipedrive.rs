//! Pipedrive's write endpoints as a client sees them: create → read back (the record, the
//! list, its filters, `/_sandbox/data`, the manifest) → update → read back → delete → gone, for
//! every writable table; the errors for a missing required field, an unknown parameter and a
//! reference to a record that does not exist (nothing written); the write fault (applied, then
//! a 500); and that lists over written data filter and sort generated records as before.

mod support;

use apiodbc_sandbox::SandboxConfig;
use serde_json::{json, Value};
use support::{request, Resp, Sandbox};

const RECORDS: usize = 40;

struct Pd {
    sb: Sandbox,
    token: String,
}

impl Pd {
    fn start() -> Pd {
        let sb = Sandbox::start(SandboxConfig {
            records: RECORDS,
            seed: 7,
            ..SandboxConfig::default()
        });
        let token = sb.cred("pipedrive", "api_token");
        Pd { sb, token }
    }

    /// `path` under `/pipedrive/api/`, e.g. `v2/persons`.
    fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("/pipedrive/api/{path}{sep}api_token={}", self.token)
    }

    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let text = body.map(|b| b.to_string());
        let headers: &[(&str, &str)] = if text.is_some() {
            &[("Content-Type", "application/json")]
        } else {
            &[]
        };
        request(
            &self.sb.base,
            method,
            &self.url(path),
            headers,
            text.as_deref().map(str::as_bytes),
        )
    }

    fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let r = self.send(method, path, body);
        assert!(r.status < 300, "{method} {path}: {} {}", r.status, r.text());
        r.json()
    }

    fn get(&self, path: &str) -> Value {
        self.ok("GET", path, None)
    }

    /// Every record of a v2 list (cursor pages of `limit`).
    fn scan(&self, path: &str, limit: usize) -> Vec<Value> {
        let mut rows = Vec::new();
        let mut cursor = String::new();
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let page = self.get(&format!("{path}{sep}limit={limit}{cursor}"));
            rows.extend(page["data"].as_array().cloned().unwrap_or_default());
            match page["additional_data"]["next_cursor"].as_str() {
                Some(c) => cursor = format!("&cursor={c}"),
                None => return rows,
            }
        }
    }

    /// Every record of a v1 list (offset pages).
    fn scan_v1(&self, path: &str) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (mut start, mut rows) = (0, Vec::new());
        loop {
            let page = self.get(&format!("{path}{sep}start={start}&limit=7"));
            rows.extend(page["data"].as_array().cloned().unwrap_or_default());
            let p = &page["additional_data"]["pagination"];
            if p["more_items_in_collection"] != json!(true) {
                return rows;
            }
            start = p["next_start"].as_u64().expect("next_start") as usize;
        }
    }

    fn manifest_rows(&self, table: &str) -> u64 {
        let m = support::get(&self.sb.base, "/_sandbox/manifest", &[]).json();
        m["services"]["pipedrive"]["tables"][table]["rows"]
            .as_u64()
            .expect("rows")
    }

    fn data(&self, table: &str) -> Vec<Value> {
        self.sb.data("pipedrive", table)
    }

    /// A custom field of `fields` (e.g. `personFields`) by name: (key, first option id).
    fn field(&self, fields: &str, name: &str) -> (String, Option<u64>) {
        let defs = self.get(&format!("v1/{fields}?limit=500"));
        let f = defs["data"]
            .as_array()
            .and_then(|a| a.iter().find(|f| f["name"] == name))
            .unwrap_or_else(|| panic!("no field {name}"))
            .clone();
        (
            f["key"].as_str().expect("key").to_owned(),
            f["options"][0]["id"].as_u64(),
        )
    }
}

fn ids(rows: &[Value]) -> Vec<u64> {
    rows.iter().filter_map(|r| r["id"].as_u64()).collect()
}

#[test]
fn a_person_is_created_read_changed_and_deleted() {
    let pd = Pd::start();
    let (tier, gold) = pd.field("personFields", "Tier");
    let (nickname, _) = pd.field("personFields", "Nickname");
    let (contract, _) = pd.field("personFields", "Contract value");
    let created = pd.ok(
        "POST",
        "v2/persons",
        Some(json!({
            "name": "Ada Lovelace", "owner_id": 2, "org_id": 1,
            "emails": [{"value": "ada@example.com", "label": "work"}],
            "custom_fields": {tier.clone(): gold, nickname.clone(): "Countess", contract.clone(): 120.5},
        })),
    );
    assert_eq!(created["success"], true);
    let person = &created["data"];
    let id = person["id"].as_u64().expect("id");
    assert_eq!(
        id,
        RECORDS as u64 + 1,
        "ids continue after the generated ones"
    );
    assert_eq!(person["first_name"], "Ada");
    assert_eq!(person["last_name"], "Lovelace");
    assert_eq!(person["emails"][0]["primary"], true);
    assert_eq!(person["custom_fields"][&tier], json!(gold));
    assert_eq!(person["custom_fields"][&nickname], "Countess");
    assert_eq!(
        person["custom_fields"][&contract],
        json!({"value": 120.5, "currency": "EUR"})
    );

    // Read back: the record, the list and its filters, the data endpoint, the manifest.
    let one = pd.get(&format!("v2/persons/{id}"));
    assert_eq!(&one["data"], person);
    let all = pd.scan("v2/persons", 7);
    assert_eq!(all.len(), RECORDS + 1);
    assert_eq!(all.last(), Some(person));
    assert!(ids(&pd.scan("v2/persons?owner_id=2", 50)).contains(&id));
    assert!(!ids(&pd.scan("v2/persons?owner_id=3", 50)).contains(&id));
    assert!(ids(&pd.scan("v2/persons?org_id=1", 50)).contains(&id));
    assert_eq!(pd.data("persons").len(), RECORDS + 1);
    assert_eq!(pd.manifest_rows("persons"), RECORDS as u64 + 1);
    let emails = pd.data("person_emails");
    assert!(emails
        .iter()
        .any(|e| e["person_id"] == id && e["value"] == "ada@example.com"));
    assert_eq!(pd.manifest_rows("person_emails"), emails.len() as u64);
    let counted = pd.get(&format!(
        "v2/persons/{id}?include_fields=open_deals_count,closed_deals_count"
    ));
    assert_eq!(counted["data"]["open_deals_count"], 0);

    // Update: only what is sent changes; a bare monetary amount keeps its currency.
    let changed = pd.ok(
        "PATCH",
        &format!("v2/persons/{id}"),
        Some(json!({"name": "Ada King", "org_id": 2, "custom_fields": {contract.clone(): 99}})),
    );
    assert_eq!(changed["data"]["last_name"], "King");
    assert_eq!(changed["data"]["org_id"], 2);
    assert_eq!(changed["data"]["owner_id"], 2);
    assert_eq!(changed["data"]["custom_fields"][&nickname], "Countess");
    assert_eq!(
        changed["data"]["custom_fields"][&contract],
        json!({"value": 99, "currency": "EUR"})
    );
    assert_eq!(pd.get(&format!("v2/persons/{id}"))["data"], changed["data"]);
    assert!(!ids(&pd.scan("v2/persons?org_id=1", 50)).contains(&id));
    assert!(ids(&pd.scan("v2/persons?org_id=2", 50)).contains(&id));

    // Delete: answered with the id; gone everywhere; the id is not handed out again.
    let deleted = pd.ok("DELETE", &format!("v2/persons/{id}"), None);
    assert_eq!(deleted, json!({"success": true, "data": {"id": id}}));
    let gone = pd.send("GET", &format!("v2/persons/{id}"), None);
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["error"], "Person not found");
    assert_eq!(
        pd.send("DELETE", &format!("v2/persons/{id}"), None).status,
        404
    );
    assert_eq!(pd.scan("v2/persons", 100).len(), RECORDS);
    assert_eq!(pd.manifest_rows("persons"), RECORDS as u64);
    let next = pd.ok(
        "POST",
        "v2/persons",
        Some(json!({"name": "Charles Babbage"})),
    );
    assert_eq!(next["data"]["id"], id + 1);
    assert_eq!(next["data"]["owner_id"], 1, "the token's user owns it");
}

#[test]
fn generated_records_change_and_go_with_their_children() {
    let pd = Pd::start();
    let changed = pd.ok(
        "PATCH",
        "v2/deals/3",
        Some(json!({"stage_id": 6, "status": "won"})),
    );
    let deal = &changed["data"];
    assert_eq!(deal["pipeline_id"], 2, "a stage names its pipeline");
    assert_eq!(deal["status"], "won");
    assert!(deal["won_time"].is_string() && deal["close_time"] == deal["won_time"]);
    assert!(ids(&pd.scan("v2/deals?stage_id=6", 50)).contains(&3));
    assert!(ids(&pd.scan("v2/deals?status=won", 50)).contains(&3));
    assert!(!ids(&pd.scan("v2/deals?status=open,lost", 50)).contains(&3));
    // The most recently changed deal comes first.
    let recent = pd.get("v2/deals?sort_by=update_time&sort_direction=desc&limit=1");
    assert_eq!(recent["data"][0]["id"], 3);

    let products_of_5 = pd
        .data("deal_products")
        .iter()
        .filter(|p| p["deal_id"] == 5)
        .count();
    pd.ok("DELETE", "v2/deals/5", None);
    assert!(!ids(&pd.scan("v2/deals", 100)).contains(&5));
    assert_eq!(pd.send("GET", "v2/deals/5/products", None).status, 404);
    assert_eq!(pd.send("GET", "v1/deals/5/participants", None).status, 404);
    let rows = pd.data("deal_products");
    assert!(rows.iter().all(|p| p["deal_id"] != 5));
    assert_eq!(pd.manifest_rows("deal_products"), rows.len() as u64);
    assert!(products_of_5 == 0 || pd.manifest_rows("deals") == RECORDS as u64 - 1);

    // A deal a client created has no products yet, rather than no such deal.
    let created = pd.ok(
        "POST",
        "v2/deals",
        Some(json!({"title": "New", "person_id": 1})),
    );
    let id = created["data"]["id"].as_u64().expect("id");
    assert!(
        id > RECORDS as u64,
        "after the generated and archived deals"
    );
    assert_eq!(created["data"]["origin"], "API");
    assert_eq!(
        pd.get(&format!("v2/deals/{id}/products"))["data"],
        json!([])
    );
    assert!(ids(&pd.scan("v2/deals?person_id=1", 50)).contains(&id));
    assert_eq!(
        ids(&pd.scan(
            "v2/persons?deal_id={id}"
                .replace("{id}", &id.to_string())
                .as_str(),
            50
        )),
        vec![1],
        "the persons of a deal are its contact person"
    );
    // Archiving moves it to the archived deals.
    pd.ok(
        "PATCH",
        &format!("v2/deals/{id}"),
        Some(json!({"is_archived": true})),
    );
    assert!(!ids(&pd.scan("v2/deals", 100)).contains(&id));
    assert!(ids(&pd.scan("v2/deals/archived", 100)).contains(&id));
}

#[test]
fn refused_writes_say_why_and_write_nothing() {
    let pd = Pd::start();
    let (tier, _) = pd.field("personFields", "Tier");
    let cases = [
        (
            "v2/persons",
            json!({"owner_id": 1}),
            "Validation failed: name: Parameter 'name' is required",
        ),
        (
            "v2/deals",
            json!({"title": "x", "colour": "red"}),
            "Validation failed: colour: Parameter 'colour' is not allowed for this request",
        ),
        (
            "v2/persons",
            json!({"name": "x", tier.clone(): 1}),
            "is not allowed for this request",
        ),
        (
            "v2/persons",
            json!({"name": "x", "custom_fields": {tier.clone(): 1}}),
            "has no option with id 1",
        ),
        (
            "v2/products",
            json!({"name": "x", "billing_frequency": "fortnightly"}),
            "billing_frequency: Parameter 'billing_frequency' must be one of",
        ),
        (
            "v2/activities",
            json!({"type": "nap"}),
            "type: Parameter 'type' must be one of",
        ),
    ];
    for (path, body, message) in cases {
        let r = pd.send("POST", path, Some(body.clone()));
        assert_eq!(r.status, 400, "{path} {body}: {}", r.text());
        let b = r.json();
        assert_eq!(b["success"], false);
        assert_eq!(b["code"], "ERR_SCHEMA_VALIDATION_FAILED");
        assert!(b["error"].as_str().unwrap_or("").contains(message), "{b}");
    }
    let missing = [
        (
            "v2/persons",
            json!({"name": "x", "org_id": 999_999}),
            "Organization with id 999999 not found",
        ),
        (
            "v2/deals",
            json!({"title": "x", "person_id": 999_999}),
            "Person with id 999999 not found",
        ),
        (
            "v2/activities",
            json!({"deal_id": 999_999}),
            "Deal with id 999999 not found",
        ),
        (
            "v2/organizations",
            json!({"name": "x", "owner_id": 99}),
            "User with id 99 not found",
        ),
    ];
    for (path, body, message) in missing {
        let r = pd.send("POST", path, Some(body));
        assert_eq!(r.status, 400, "{path}: {}", r.text());
        assert_eq!(r.json()["error"], message);
    }
    assert_eq!(
        pd.send("PATCH", "v2/persons/999", Some(json!({"name": "x"})))
            .status,
        404
    );
    let bad = pd.send("PATCH", "v2/persons/1", Some(json!({"name": null})));
    assert_eq!(bad.status, 400);
    assert_eq!(
        pd.manifest_rows("persons"),
        RECORDS as u64,
        "nothing was written"
    );
    assert_eq!(pd.manifest_rows("deals"), RECORDS as u64);
}

#[test]
fn a_faulted_write_is_applied_then_answered_500() {
    let pd = Pd::start();
    let armed = support::post(
        &pd.sb.base,
        "/_sandbox/faults",
        &[("Content-Type", "application/json")],
        br#"{"fail_after_apply": 1}"#,
    );
    assert_eq!(armed.status, 200);
    let r = pd.send(
        "POST",
        "v2/organizations",
        Some(json!({"name": "Half done"})),
    );
    assert_eq!(r.status, 500);
    assert_eq!(r.json()["success"], false);
    let orgs = pd.scan("v2/organizations", 100);
    assert_eq!(orgs.len(), RECORDS + 1, "the write was applied");
    assert_eq!(
        orgs.last().map(|o| o["name"].clone()),
        Some(json!("Half done"))
    );
    // Only once.
    pd.ok("POST", "v2/organizations", Some(json!({"name": "Whole"})));
    let reset = support::post(&pd.sb.base, "/_sandbox/writes/reset", &[], b"");
    assert_eq!(reset.status, 200);
    assert_eq!(pd.scan("v2/organizations", 100).len(), RECORDS);
}

#[test]
fn notes_are_written_through_v1() {
    let pd = Pd::start();
    let created = pd.ok(
        "POST",
        "v1/notes",
        Some(json!({"content": "<p>Met Ada.</p>", "person_id": 2, "pinned_to_person_flag": 1})),
    );
    let note = &created["data"];
    let id = note["id"].as_u64().expect("id");
    assert_eq!(id, RECORDS as u64 + 1);
    assert_eq!(note["pinned_to_person_flag"], true);
    assert_eq!(
        note["person"]["name"],
        pd.get("v2/persons/2")["data"]["name"]
    );
    assert_eq!(&pd.get(&format!("v1/notes/{id}"))["data"], note);
    let listed = pd.scan_v1("v1/notes?person_id=2");
    assert!(ids(&listed).contains(&id));
    assert_eq!(pd.scan_v1("v1/notes").len(), RECORDS + 1);
    assert_eq!(pd.manifest_rows("notes"), RECORDS as u64 + 1);

    // Form bodies work too, as v1 takes them.
    let form = request(
        &pd.sb.base,
        "PUT",
        &pd.url(&format!("v1/notes/{id}")),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(b"content=%3Cp%3EMet%20Ada%20again.%3C%2Fp%3E&deal_id=4"),
    );
    assert_eq!(form.status, 200, "{}", form.text());
    assert_eq!(form.json()["data"]["content"], "<p>Met Ada again.</p>");
    assert_eq!(form.json()["data"]["deal_id"], 4);
    assert!(ids(&pd.scan_v1("v1/notes?deal_id=4")).contains(&id));

    let no_content = pd.send("POST", "v1/notes", Some(json!({"person_id": 1})));
    assert_eq!(no_content.status, 400);
    assert_eq!(no_content.json()["error"], "Content must be given.");
    let unattached = pd.send("POST", "v1/notes", Some(json!({"content": "x"})));
    assert_eq!(unattached.status, 400);
    let nowhere = pd.send(
        "POST",
        "v1/notes",
        Some(json!({"content": "x", "deal_id": 999_999})),
    );
    assert_eq!(nowhere.status, 400);
    assert_eq!(nowhere.json()["error"], "Deal with id 999999 not found");

    let deleted = pd.ok("DELETE", &format!("v1/notes/{id}"), None);
    assert_eq!(deleted, json!({"success": true, "data": true}));
    assert_eq!(pd.send("GET", &format!("v1/notes/{id}"), None).status, 404);
    pd.ok("DELETE", "v1/notes/1", None);
    assert_eq!(pd.scan_v1("v1/notes").len(), RECORDS - 1);
}

#[test]
fn leads_are_written_through_v1() {
    let pd = Pd::start();
    let (source, inbound) = pd.field("dealFields", "Deal source");
    let created = pd.send(
        "POST",
        "v1/leads",
        Some(json!({
            "title": "Engine lead", "person_id": 1,
            "value": {"amount": 1000, "currency": "EUR"}, source.clone(): inbound,
        })),
    );
    assert_eq!(created.status, 201, "{}", created.text());
    let lead = created.json()["data"].clone();
    let id = lead["id"].as_str().expect("uuid").to_owned();
    assert_eq!(id.len(), 36);
    assert_eq!(lead["source_name"], "API");
    assert_eq!(lead["origin"], "API");
    assert_eq!(lead[&source], json!(inbound.map(|o| o.to_string())));
    assert_eq!(pd.get(&format!("v1/leads/{id}"))["data"], lead);
    let all = pd.scan_v1("v1/leads");
    assert_eq!(
        all.last(),
        Some(&lead),
        "oldest first: the new lead is last"
    );
    assert_eq!(pd.manifest_rows("leads"), all.len() as u64);

    let changed = pd.ok(
        "PATCH",
        &format!("v1/leads/{id}"),
        Some(json!({"title": "Big engine lead", source.clone(): null})),
    );
    assert_eq!(changed["data"]["title"], "Big engine lead");
    assert!(
        changed["data"].get(&source).is_none(),
        "unset custom values are absent"
    );
    assert_eq!(
        changed["data"]["value"],
        json!({"amount": 1000, "currency": "EUR"})
    );

    let archived = pd.ok(
        "PATCH",
        &format!("v1/leads/{id}"),
        Some(json!({"is_archived": true})),
    );
    assert_eq!(archived["data"]["is_archived"], true);
    assert!(pd
        .scan_v1("v1/leads")
        .iter()
        .all(|l| l["id"] != id.as_str()));
    assert!(pd
        .scan_v1("v1/leads/archived")
        .iter()
        .any(|l| l["id"] == id.as_str()));

    let untitled = pd.send("POST", "v1/leads", Some(json!({"person_id": 1})));
    assert_eq!(untitled.status, 400);
    assert_eq!(
        untitled.json(),
        json!({"success": false, "data": null, "additional_data": null,
               "error": "provided dataset is not valid", "error_info": "\"title\" is required"})
    );
    let alone = pd.send("POST", "v1/leads", Some(json!({"title": "x"})));
    assert_eq!(alone.status, 400);
    let unknown = pd.send(
        "POST",
        "v1/leads",
        Some(json!({"title": "x", "person_id": 999_999})),
    );
    assert_eq!(unknown.status, 400);

    let deleted = pd.ok("DELETE", &format!("v1/leads/{id}"), None);
    assert_eq!(deleted["data"]["id"], id.as_str());
    assert_eq!(pd.send("GET", &format!("v1/leads/{id}"), None).status, 404);
}

#[test]
fn products_and_activities_are_written_through_v2() {
    let pd = Pd::start();
    let (warranty, _) = pd.field("productFields", "Warranty months");
    let created = pd.ok(
        "POST",
        "v2/products",
        Some(json!({
            "name": "Analytical engine", "code": "AE-1", "tax": 20, "category": 261,
            "prices": [{"currency": "EUR", "price": 1000}],
            "custom_fields": {warranty.clone(): 24},
        })),
    );
    let product = &created["data"];
    let id = product["id"].as_u64().expect("id");
    assert_eq!(product["category"], "261");
    assert_eq!(product["prices"][0]["product_id"], id);
    assert_eq!(product["custom_fields"][&warranty], 24);
    assert_eq!(&pd.get(&format!("v2/products/{id}"))["data"], product);
    assert!(pd
        .data("product_prices")
        .iter()
        .any(|p| p["product_id"] == id && p["price"] == 1000));
    let by_name = pd.scan("v2/products?sort_by=name", 100);
    assert!(by_name.iter().any(|p| p["id"] == id));
    assert_eq!(
        pd.get(&format!("v2/products/{id}/variations"))["data"],
        json!([])
    );
    pd.ok(
        "PATCH",
        &format!("v2/products/{id}"),
        Some(json!({"tax": 24})),
    );
    assert_eq!(pd.get(&format!("v2/products/{id}"))["data"]["tax"], 24);
    pd.ok("DELETE", &format!("v2/products/{id}"), None);
    assert_eq!(
        pd.send("GET", &format!("v2/products/{id}"), None).status,
        404
    );

    let activity = pd.ok(
        "POST",
        "v2/activities",
        Some(
            json!({"type": "meeting", "person_id": 2, "due_date": "2026-12-01",
                    "due_time": "10:30:00", "duration": "00:45"}),
        ),
    );
    let a = &activity["data"];
    let aid = a["id"].as_u64().expect("id");
    assert_eq!(
        a["subject"], "Meeting",
        "the subject defaults to the type's name"
    );
    assert_eq!(a["due_time"], "10:30");
    assert_eq!(
        a["participants"],
        json!([{"person_id": 2, "primary": true}])
    );
    assert!(!ids(&pd.scan("v2/activities?done=true", 100)).contains(&aid));
    let done = pd.ok(
        "PATCH",
        &format!("v2/activities/{aid}"),
        Some(json!({"done": true})),
    );
    assert!(done["data"]["marked_as_done_time"].is_string());
    assert!(ids(&pd.scan("v2/activities?done=true", 100)).contains(&aid));
    assert!(ids(&pd.scan("v2/activities?person_id=2", 100)).contains(&aid));
}

#[test]
fn written_lists_filter_and_sort_generated_records_as_before() {
    let pd = Pd::start();
    let queries = [
        "v2/persons?owner_id=3",
        "v2/persons?org_id=4",
        "v2/persons?sort_by=add_time&sort_direction=desc",
        "v2/deals?status=lost&sort_by=add_time",
        "v2/deals?pipeline_id=2",
        "v2/activities?done=false&owner_id=2",
        "v2/activities?sort_by=due_date",
        "v2/products?owner_id=2&sort_by=name&sort_direction=desc",
    ];
    let before: Vec<Vec<u64>> = queries.iter().map(|q| ids(&pd.scan(q, 6))).collect();
    // Writes to every table: created records (left out of the comparison), and a generated
    // record rewritten as it was, which the lists must now filter from its written form.
    let mut created = Vec::new();
    for (path, body) in [
        ("v2/persons", json!({"name": "Zed", "owner_id": 10})),
        (
            "v2/deals",
            json!({"title": "Zed", "stage_id": 1, "owner_id": 10}),
        ),
        (
            "v2/activities",
            json!({"owner_id": 10, "done": true, "due_date": "2000-01-01"}),
        ),
        ("v2/products", json!({"name": "Zed", "owner_id": 10})),
    ] {
        created.push((path, pd.ok("POST", path, Some(body))["data"]["id"].clone()));
    }
    let p4 = pd.get("v2/persons/4")["data"].clone();
    let same = json!({"owner_id": p4["owner_id"], "org_id": p4["org_id"]});
    pd.ok("PATCH", "v2/persons/4", Some(same));
    for (q, want) in queries.iter().zip(&before) {
        let rows = pd.scan(q, 6);
        let got: Vec<u64> = rows
            .iter()
            .filter(|r| {
                !created
                    .iter()
                    .any(|(path, id)| q.starts_with(path) && r["id"] == *id)
            })
            .filter_map(|r| r["id"].as_u64())
            .collect();
        assert_eq!(&got, want, "{q}");
    }
}

#[test]
fn the_manifest_describes_every_writable_table() {
    let pd = Pd::start();
    let m = support::get(&pd.sb.base, "/_sandbox/manifest", &[]).json();
    let tables = &m["services"]["pipedrive"]["tables"];
    for t in [
        "persons",
        "organizations",
        "deals",
        "activities",
        "notes",
        "products",
        "leads",
    ] {
        let w = &tables[t]["write"];
        assert_eq!(w["key"], json!(["id"]), "{t}");
        assert_eq!(w["creates_key"], true, "{t}");
        for part in ["insert", "update", "refused_insert"] {
            assert!(w[part].is_object(), "{t}.{part}");
        }
    }
    assert!(tables["users"].get("write").is_none());
}

/// Where a table's custom fields are defined, and whether values sit in `custom_fields` (v2)
/// or at the record's top level (v1 leads).
fn custom_defs(table: &str) -> (&'static str, bool) {
    match table {
        "persons" => ("personFields", true),
        "organizations" => ("organizationFields", true),
        "deals" => ("dealFields", true),
        "products" => ("productFields", true),
        "leads" => ("dealFields", false),
        _ => ("", true),
    }
}

/// A row of the manifest's `write` entry as the profile's write routes would send it (the
/// proposed routes: `primary_email` → `emails.0.value`, `address` → `address.value`, a lead's
/// `value_amount`/`value_currency` → `value`, custom columns by the field's name, labels as
/// option ids), and the check that a read gives the row back.
struct RowMap {
    /// (column, field key, field type, options)
    custom: Vec<(String, String, String, Value)>,
    nested: bool,
}

impl RowMap {
    fn new(pd: &Pd, table: &str) -> RowMap {
        let (defs, nested) = custom_defs(table);
        let custom = if defs.is_empty() {
            Vec::new()
        } else {
            let all = pd.get(&format!("v1/{defs}?limit=500"))["data"].clone();
            all.as_array()
                .into_iter()
                .flatten()
                .filter(|f| f["edit_flag"] == true)
                .map(|f| {
                    let mut column = f["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_lowercase()
                        .replace(' ', "_");
                    // Named like a declared column: the profile adds `_custom`.
                    if ["name", "unit"].contains(&column.as_str()) {
                        column.push_str("_custom");
                    }
                    (
                        column,
                        f["key"].as_str().unwrap_or_default().to_owned(),
                        f["field_type"].as_str().unwrap_or_default().to_owned(),
                        f["options"].clone(),
                    )
                })
                .collect()
        };
        RowMap { custom, nested }
    }

    fn option(options: &Value, label: &Value) -> u64 {
        options
            .as_array()
            .and_then(|o| o.iter().find(|o| o["label"] == *label))
            .and_then(|o| o["id"].as_u64())
            .unwrap_or_else(|| panic!("no option {label}"))
    }

    fn body(&self, row: &Value) -> Value {
        let mut body = json!({});
        for (col, v) in row.as_object().into_iter().flatten() {
            if let Some((_, key, kind, options)) = self.custom.iter().find(|c| c.0 == *col) {
                let v = if kind == "enum" {
                    json!(Self::option(options, v))
                } else {
                    v.clone()
                };
                if self.nested {
                    body["custom_fields"][key] = v;
                } else {
                    body[key] = v;
                }
                continue;
            }
            match col.as_str() {
                "primary_email" => body["emails"] = json!([{ "value": v }]),
                "address" => body["address"] = json!({ "value": v }),
                "value_amount" => body["value"]["amount"] = v.clone(),
                "value_currency" => body["value"]["currency"] = v.clone(),
                _ => body[col] = v.clone(),
            }
        }
        body
    }

    fn check(&self, table: &str, record: &Value, row: &Value) {
        for (col, want) in row.as_object().into_iter().flatten() {
            let got =
                if let Some((_, key, kind, options)) = self.custom.iter().find(|c| c.0 == *col) {
                    let raw = if self.nested {
                        &record["custom_fields"][key]
                    } else {
                        &record[key]
                    };
                    match kind.as_str() {
                        "enum" => {
                            let id = Self::option(options, want);
                            assert!(
                                raw == &json!(id) || raw == &json!(id.to_string()),
                                "{table}.{col}: {raw}"
                            );
                            continue;
                        }
                        _ => raw.clone(),
                    }
                } else {
                    match col.as_str() {
                        "primary_email" => record["emails"]
                            .as_array()
                            .and_then(|e| e.iter().find(|e| e["primary"] == true))
                            .map_or(Value::Null, |e| e["value"].clone()),
                        "address" => record["address"]["formatted_address"].clone(),
                        "value_amount" => record["value"]["amount"].clone(),
                        "value_currency" => record["value"]["currency"].clone(),
                        _ => record[col].clone(),
                    }
                };
            let same = match (got.as_f64(), want.as_f64()) {
                (Some(a), Some(b)) => a == b,
                _ => got == *want,
            };
            assert!(same, "{table}.{col}: read {got}, wrote {want}");
        }
    }
}

#[test]
fn the_manifest_rows_are_written_and_read_back() {
    let pd = Pd::start();
    let m = support::get(&pd.sb.base, "/_sandbox/manifest", &[]).json();
    let tables = m["services"]["pipedrive"]["tables"].clone();
    for (table, path, update) in [
        ("persons", "v2/persons", "PATCH"),
        ("organizations", "v2/organizations", "PATCH"),
        ("deals", "v2/deals", "PATCH"),
        ("activities", "v2/activities", "PATCH"),
        ("products", "v2/products", "PATCH"),
        ("notes", "v1/notes", "PUT"),
        ("leads", "v1/leads", "PATCH"),
    ] {
        let w = &tables[table]["write"];
        let map = RowMap::new(&pd, table);
        let created = pd.ok("POST", path, Some(map.body(&w["insert"])));
        let id = match &created["data"]["id"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        map.check(
            table,
            &pd.get(&format!("{path}/{id}"))["data"],
            &w["insert"],
        );
        pd.ok(
            update,
            &format!("{path}/{id}"),
            Some(map.body(&w["update"])),
        );
        let read = pd.get(&format!("{path}/{id}"))["data"].clone();
        map.check(table, &read, &w["update"]);
        let refused = pd.send("POST", path, Some(map.body(&w["refused_insert"])));
        assert!(
            (400..500).contains(&refused.status),
            "{table}: {}",
            refused.text()
        );
    }
}
