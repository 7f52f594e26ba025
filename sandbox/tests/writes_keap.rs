//! Keap REST v1 writes as a client sees them: each writable table's create → read back (list and
//! one) → update → read back → delete → 404, the documented required fields and their 400s,
//! applied tags in both of v1's views, the v2 tables that follow v1 writes (stage moves, contact
//! links), the manifest's counts and `write` examples, and `fail_after_apply`.

mod support;

use serde_json::{json, Value};
use support::{request, Resp, Sandbox};

const RECORDS: usize = 20;
const V1: &str = "/keap/crm/rest/v1";

struct Keap {
    sb: Sandbox,
    key: String,
}

impl Keap {
    fn start() -> Keap {
        let sb = Sandbox::with_records(RECORDS);
        let key = sb.cred("keap", "api_key");
        Keap { sb, key }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let text = body.map(|b| b.to_string());
        request(
            &self.sb.base,
            method,
            &format!("{V1}{path}"),
            &[
                ("X-Keap-API-Key", &self.key),
                ("Content-Type", "application/json"),
            ],
            text.as_deref().map(str::as_bytes),
        )
    }

    fn get(&self, path: &str) -> Resp {
        self.call("GET", path, None)
    }

    fn post(&self, path: &str, body: Value) -> Resp {
        self.call("POST", path, Some(body))
    }

    fn patch(&self, path: &str, body: Value) -> Resp {
        self.call("PATCH", path, Some(body))
    }

    fn delete(&self, path: &str) -> Resp {
        self.call("DELETE", path, None)
    }

    /// Every record of a v1 list (one page of up to 1000).
    fn list(&self, table: &str, query: &str) -> Vec<Value> {
        let r = self.get(&format!("/{table}?limit=1000{query}"));
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()[table].as_array().cloned().unwrap_or_default()
    }

    fn rows(&self, table: &str) -> usize {
        let m = support::get(&self.sb.base, "/_sandbox/manifest", &[]).json();
        m["services"]["keap"]["tables"][table]["rows"]
            .as_u64()
            .unwrap_or_else(|| panic!("no table {table}")) as usize
    }
}

fn message(r: &Resp) -> String {
    r.json()["message"].as_str().unwrap_or_default().to_owned()
}

fn ids(records: &[Value]) -> Vec<u64> {
    records.iter().filter_map(|r| r["id"].as_u64()).collect()
}

#[test]
fn contacts_are_created_read_changed_and_deleted() {
    let k = Keap::start();
    let created = k.post(
        "/contacts",
        json!({
            "given_name": "Ada", "family_name": "Lovelace", "owner_id": 2,
            "company": {"id": 3},
            "email_addresses": [{"email": "ada@example.com", "field": "EMAIL1"}],
            "custom_fields": [{"id": 110, "content": 12}],
            "date_created": "ignored, as read-only fields are",
        }),
    );
    assert_eq!(created.status, 201, "{}", created.text());
    let c = created.json();
    let id = c["id"].as_u64().unwrap();
    assert_eq!(id, RECORDS as u64 + 1);
    assert_eq!(c["company"]["id"], 3);
    assert!(c["company"]["company_name"].is_string());
    assert_eq!(c["email_status"], "UnengagedMarketable");

    let one = k.get(&format!("/contacts/{id}")).json();
    assert_eq!(one["family_name"], "Lovelace");
    assert!(one.get("custom_fields").is_none(), "only when asked for");
    let one = k
        .get(&format!("/contacts/{id}?optional_properties=custom_fields"))
        .json();
    assert_eq!(one["custom_fields"], json!([{"id": 110, "content": 12}]));
    let all = k.list("contacts", "&optional_properties=custom_fields");
    assert_eq!(all.len(), RECORDS + 1);
    assert_eq!(all.last().unwrap()["given_name"], "Ada");
    assert_eq!(k.rows("contacts"), RECORDS + 1);
    assert_eq!(
        ids(&k.list("contacts", "&given_name=Ada&family_name=Lovelace")),
        vec![id]
    );

    let changed = k.patch(
        &format!("/contacts/{id}"),
        json!({"family_name": "King", "custom_fields": [{"id": 110, "content": 40}]}),
    );
    assert_eq!(changed.status, 200, "{}", changed.text());
    let one = k
        .get(&format!("/contacts/{id}?optional_properties=custom_fields"))
        .json();
    assert_eq!(one["family_name"], "King");
    assert_eq!(
        one["given_name"], "Ada",
        "a PATCH changes only what it names"
    );
    assert_eq!(one["custom_fields"], json!([{"id": 110, "content": 40}]));

    // A generated contact changed is found by the filters in its changed form.
    let r = k.patch("/contacts/2", json!({"given_name": "Zebedee"}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(ids(&k.list("contacts", "&given_name=Zebedee")), vec![2]);
    let since = k.get("/contacts/2").json()["last_updated"].clone();
    let recent = k.list("contacts", &format!("&since={}", since.as_str().unwrap()));
    assert!(ids(&recent).contains(&2));
    let data = k.sb.data("keap", "contacts");
    assert_eq!(data[1]["given_name"], "Zebedee");

    assert_eq!(k.delete(&format!("/contacts/{id}")).status, 204);
    assert_eq!(k.get(&format!("/contacts/{id}")).status, 404);
    assert_eq!(k.delete(&format!("/contacts/{id}")).status, 404);
    assert_eq!(k.delete("/contacts/5").status, 204);
    assert_eq!(k.get("/contacts/5").status, 404);
    assert_eq!(
        k.patch("/contacts/5", json!({"given_name": "x"})).status,
        404
    );
    let all = k.list("contacts", "");
    assert_eq!(all.len(), RECORDS - 1);
    assert!(!ids(&all).contains(&5));
    assert_eq!(k.rows("contacts"), RECORDS - 1);

    // Ids are never handed out twice.
    let again = k.post(
        "/contacts",
        json!({"phone_numbers": [{"number": "+358401234567", "field": "PHONE1"}]}),
    );
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.json()["id"], RECORDS as u64 + 2);
    assert_eq!(
        again.json()["phone_numbers"][0]["number_e164"],
        "+358401234567"
    );

    // Forgetting the writes restores the generated data.
    support::post(&k.sb.base, "/_sandbox/writes/reset", &[], b"");
    assert_eq!(k.list("contacts", "").len(), RECORDS);
    assert_eq!(k.get("/contacts/5").status, 200);
}

#[test]
fn contacts_refuse_what_keap_documents_as_required() {
    let k = Keap::start();
    let cases = [
        (
            json!({"given_name": "Nobody"}),
            "email_addresses or phone_numbers",
        ),
        (
            json!({"email_addresses": [{"email": "not-an-email", "field": "EMAIL1"}]}),
            "Invalid email address",
        ),
        (
            json!({"email_addresses": [{"email": "a@example.com"}]}),
            "EMAIL1",
        ),
        (
            json!({
                "email_addresses": [{"email": "a@example.com", "field": "EMAIL1"}],
                "addresses": [{"field": "BILLING", "region": "Arizona"}],
            }),
            "country_code is required",
        ),
        (
            json!({
                "email_addresses": [{"email": "a@example.com", "field": "EMAIL1"}],
                "custom_fields": [{"id": 999, "content": "x"}],
            }),
            "custom field",
        ),
        (
            json!({
                "email_addresses": [{"email": "a@example.com", "field": "EMAIL1"}],
                "company": {"id": 999_999},
            }),
            "Company",
        ),
    ];
    for (body, expected) in cases {
        let r = k.post("/contacts", body.clone());
        assert_eq!(r.status, 400, "{body}: {}", r.text());
        assert!(message(&r).contains(expected), "{body}: {}", r.text());
    }
    let r = request(
        &k.sb.base,
        "POST",
        &format!("{V1}/contacts"),
        &[("X-Keap-API-Key", &k.key)],
        Some(b"{not json"),
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        message(&r),
        "Input could not be converted to a valid request"
    );
    assert_eq!(k.rows("contacts"), RECORDS, "nothing refused was created");
    // Without the key, the gateway's 401 and nothing else.
    let r = support::post(&k.sb.base, &format!("{V1}/contacts"), &[], b"{}");
    assert_eq!(r.status, 401);
}

#[test]
fn companies_are_created_renamed_and_not_deleted() {
    let k = Keap::start();
    let r = k.post("/companies", json!({"email_address": "x@example.com"}));
    assert_eq!(r.status, 400);
    assert!(message(&r).contains("company_name"));
    let r = k.post(
        "/companies",
        json!({"company_name": "Bad Mail Ltd", "email_address": "not-an-email"}),
    );
    assert_eq!(r.status, 400);
    let r = k.post(
        "/companies",
        json!({
            "company_name": "Analytical Engines Ltd",
            "phone_number": {"number": "+442071234567"},
            "custom_fields": [{"id": 300, "content": "opt_software"}, {"id": 302, "content": 12}],
        }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_u64().unwrap();
    let one = k
        .get(&format!(
            "/companies/{id}?optional_properties=custom_fields"
        ))
        .json();
    assert_eq!(one["phone_number"]["number"], "+442071234567");
    assert_eq!(one["custom_fields"].as_array().unwrap().len(), 2);
    assert_eq!(
        ids(&k.list("companies", "&company_name=Analytical%20Engines%20Ltd")),
        vec![id]
    );

    // A contact of a renamed company shows the new name.
    let contact = k
        .list("contacts", "")
        .into_iter()
        .find(|c| c["company"]["id"].is_u64());
    let contact = contact.expect("a generated contact with a company");
    let company = contact["company"]["id"].as_u64().unwrap();
    let r = k.patch(
        &format!("/companies/{company}"),
        json!({"company_name": "Renamed Oy"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let again = k.get(&format!("/contacts/{}", contact["id"])).json();
    assert_eq!(again["company"]["company_name"], "Renamed Oy");
    let r = k.patch(
        &format!("/companies/{company}"),
        json!({"company_name": ""}),
    );
    assert_eq!(r.status, 400);

    // v1 documents no DELETE for companies.
    let r = k.delete(&format!("/companies/{id}"));
    assert_eq!(r.status, 405);
    assert!(message(&r).contains("DELETE"));
    assert_eq!(k.get(&format!("/companies/{id}")).status, 200);
}

#[test]
fn opportunities_record_their_stage_moves_in_v2() {
    let k = Keap::start();
    for (body, expected) in [
        (
            json!({"contact": {"id": 1}, "stage": {"id": 1}}),
            "opportunity_title",
        ),
        (
            json!({"opportunity_title": "x", "stage": {"id": 1}}),
            "contact",
        ),
        (
            json!({"opportunity_title": "x", "contact": {"id": 1}}),
            "stage",
        ),
        (
            json!({"opportunity_title": "x", "contact": {"id": 999_999}, "stage": {"id": 1}}),
            "Contact not found",
        ),
        (
            json!({"opportunity_title": "x", "contact": {"id": 1}, "stage": {"id": 99}}),
            "stage",
        ),
    ] {
        let r = k.post("/opportunities", body.clone());
        assert_eq!(r.status, 400, "{body}: {}", r.text());
        assert!(message(&r).contains(expected), "{body}: {}", r.text());
    }
    let moves_before = k.rows("opportunity_stage_moves");
    let r = k.post(
        "/opportunities",
        json!({
            "opportunity_title": "Difference engine", "contact": {"id": 1}, "stage": {"id": 2},
            "user": {"id": 3}, "projected_revenue_low": 1000,
            "estimated_close_date": "2025-09-30",
        }),
    );
    assert_eq!(
        r.status,
        200,
        "Keap answers a created opportunity with 200: {}",
        r.text()
    );
    let o = r.json();
    let id = o["id"].as_u64().unwrap();
    assert_eq!(o["stage"]["name"], "Qualification");
    assert_eq!(o["user"]["id"], 3);
    assert_eq!(o["contact"]["id"], 1);
    assert_eq!(o["estimated_close_date"], "2025-09-30T00:00:00.000Z");
    assert!(ids(&k.list("opportunities", "&stage_id=2")).contains(&id));

    let r = k.patch(&format!("/opportunities/{id}"), json!({"stage": {"id": 4}}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(ids(&k.list("opportunities", "&stage_id=4")).contains(&id));
    assert!(!ids(&k.list("opportunities", "&stage_id=2")).contains(&id));
    assert_eq!(k.rows("opportunity_stage_moves"), moves_before + 2);
    let moves = request(
        &k.sb.base,
        "GET",
        &format!("/keap/crm/rest/v2/opportunities/stageMoves?filter=opportunity_id=={id}"),
        &[("X-Keap-API-Key", &k.key)],
        None,
    )
    .json();
    let moves = moves["stage_moves"].as_array().unwrap().clone();
    assert_eq!(moves.len(), 2);
    assert_eq!(moves[0]["move_from_stage_id"], "0");
    assert_eq!(moves[1]["move_from_stage_id"], "2");
    assert_eq!(moves[1]["move_to_stage_id"], "4");
    assert_eq!(moves[1]["prev_stage_move_time"], moves[0]["move_time"]);

    assert_eq!(k.delete(&format!("/opportunities/{id}")).status, 405);
    assert_eq!(
        k.patch("/opportunities/999999", json!({"opportunity_title": "x"}))
            .status,
        404
    );
}

#[test]
fn tasks_and_notes_need_their_fields_and_a_contact_that_exists() {
    let k = Keap::start();
    let r = k.post("/tasks", json!({"title": "Call"}));
    assert_eq!(r.status, 400);
    assert!(message(&r).contains("due_date"));
    let r = k.post(
        "/tasks",
        json!({"title": "Call", "due_date": "2025-07-01T09:00:00Z", "contact": {"id": 999_999}}),
    );
    assert_eq!(r.status, 400);
    let r = k.post(
        "/tasks",
        json!({"title": "Call", "due_date": "2025-07-01T09:00:00Z", "remind_time": 7}),
    );
    assert_eq!(r.status, 400);
    let r = k.post(
        "/tasks",
        json!({
            "title": "Call Ada", "due_date": "2025-07-01T09:00:00Z", "contact": {"id": 4},
            "user_id": 2, "priority": 2,
        }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.json();
    let id = t["id"].as_u64().unwrap();
    assert_eq!(t["due_date"], "2025-07-01T09:00:00.000Z");
    assert_eq!(t["completed"], false);
    assert!(ids(&k.list("tasks", "&contact_id=4")).contains(&id));
    assert!(ids(&k.list("tasks", "&user_id=2")).contains(&id));
    let r = k.patch(&format!("/tasks/{id}"), json!({"completed": true}));
    assert_eq!(r.status, 200);
    assert!(r.json()["completion_date"].is_string());
    assert!(ids(&k.list("tasks", "&completed=true")).contains(&id));
    assert_eq!(k.delete(&format!("/tasks/{id}")).status, 204);
    assert_eq!(k.get(&format!("/tasks/{id}")).status, 404);

    let r = k.post("/notes", json!({"title": "x"}));
    assert_eq!(r.status, 400);
    assert!(message(&r).contains("contact_id"));
    let r = k.post("/notes", json!({"contact_id": 3}));
    assert_eq!(r.status, 400);
    assert!(message(&r).contains("title or body"));
    let r = k.post("/notes", json!({"contact_id": 999_999, "title": "Orphan"}));
    assert_eq!(r.status, 400);
    let r = k.post(
        "/notes",
        json!({"contact_id": 3, "title": "x", "type": "Telegram"}),
    );
    assert_eq!(r.status, 400);
    let r = k.post(
        "/notes",
        json!({"contact_id": 3, "title": "First call", "type": "Call", "user_id": 2}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_u64().unwrap();
    let r = k.patch(&format!("/notes/{id}"), json!({"contact_id": 4}));
    assert_eq!(r.status, 200);
    assert!(ids(&k.list("notes", "&contact_id=4")).contains(&id));
    assert!(!ids(&k.list("notes", "&contact_id=3")).contains(&id));
    assert_eq!(k.delete(&format!("/notes/{id}")).status, 204);
    assert_eq!(k.get(&format!("/notes/{id}")).status, 404);
    assert_eq!(k.rows("notes"), RECORDS);
}

#[test]
fn applied_tags_show_in_both_views() {
    let k = Keap::start();
    let tags_of = |c: u64| -> Vec<u64> {
        k.get(&format!("/contacts/{c}/tags")).json()["tags"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["tag"]["id"].as_u64())
            .collect()
    };
    let contacts_of = |t: u64| -> Vec<u64> {
        k.get(&format!("/tags/{t}/contacts")).json()["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["contact"]["id"].as_u64())
            .collect()
    };
    let before = tags_of(1);
    let free = (1..=15).find(|t| !before.contains(t)).unwrap();
    let pairs = k.rows("contact_tags");
    let r = k.post("/contacts/1/tags", json!({"tagIds": [free, 999]}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({free.to_string(): "SUCCESS", "999": "TAG_ID_NOT_FOUND"})
    );
    let r = k.post("/contacts/1/tags", json!({"tagIds": [free]}));
    assert_eq!(r.json()[free.to_string()], "DUPLICATE");
    assert!(tags_of(1).contains(&free));
    assert!(contacts_of(free).contains(&1));
    assert_eq!(k.rows("contact_tags"), pairs + 1);
    assert_eq!(k.rows("tagged_contacts"), pairs + 1);
    let r = k.post("/contacts/999999/tags", json!({"tagIds": [free]}));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()[free.to_string()], "CONTACT_NOT_FOUND");

    assert_eq!(k.delete(&format!("/contacts/1/tags/{free}")).status, 204);
    assert!(!tags_of(1).contains(&free));
    assert_eq!(k.delete("/contacts/999999/tags/1").status, 404);
    // The other way round: by tag.
    let r = k.post(&format!("/tags/{free}/contacts"), json!({"ids": [1]}));
    assert_eq!(r.json()["1"], "SUCCESS");
    assert!(tags_of(1).contains(&free));
    assert_eq!(k.delete(&format!("/tags/{free}/contacts/1")).status, 204);
    assert!(!contacts_of(free).contains(&1));
    // A generated pair removed, then the contact's tags removed in bulk.
    if let Some(first) = before.first() {
        assert_eq!(k.delete(&format!("/contacts/1/tags/{first}")).status, 204);
        assert!(!contacts_of(*first).contains(&1));
    }

    // A tagged contact renamed shows its new name; one deleted leaves every tag.
    let (tag, contact) = (1..=15)
        .find_map(|t| contacts_of(t).first().map(|c| (t, *c)))
        .unwrap();
    k.patch(
        &format!("/contacts/{contact}"),
        json!({"given_name": "Renamed"}),
    );
    let tagged = k.get(&format!("/tags/{tag}/contacts")).json();
    let entry = tagged["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["contact"]["id"] == contact)
        .unwrap()
        .clone();
    assert_eq!(entry["contact"]["first_name"], "Renamed");
    assert_eq!(k.delete(&format!("/contacts/{contact}")).status, 204);
    assert!(!contacts_of(tag).contains(&contact));
    assert_eq!(k.get(&format!("/contacts/{contact}/tags")).status, 404);
    let data = k.sb.data("keap", "tagged_contacts");
    assert_eq!(data.len(), k.rows("tagged_contacts"));
    assert!(data.iter().all(|r| r["contact"]["id"] != contact));
}

#[test]
fn v2_contact_links_follow_v1_contact_writes() {
    let k = Keap::start();
    let links = |c: u64| {
        request(
            &k.sb.base,
            "GET",
            &format!("/keap/crm/rest/v2/contacts/{c}/links"),
            &[("X-Keap-API-Key", &k.key)],
            None,
        )
    };
    let linked = k.sb.data("keap", "contact_links");
    let first = linked.first().expect("a generated link");
    let (a, b) = (
        first["contact1_id"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap(),
        first["contact2_id"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap(),
    );
    let count = k.rows("contact_links");
    assert_eq!(k.delete(&format!("/contacts/{a}")).status, 204);
    assert_eq!(links(a).status, 404);
    assert_eq!(links(b).json()["links"], json!([]));
    assert_eq!(k.rows("contact_links"), count - 2);
    let created = k.post(
        "/contacts",
        json!({"email_addresses": [{"email": "new@example.com", "field": "EMAIL1"}]}),
    );
    let id = created.json()["id"].as_u64().unwrap();
    assert_eq!(links(id).status, 200);
    assert_eq!(links(id).json()["links"], json!([]));
}

#[test]
fn a_write_failed_after_apply_is_kept() {
    let k = Keap::start();
    let r = support::post(
        &k.sb.base,
        "/_sandbox/faults",
        &[],
        br#"{"fail_after_apply": 1}"#,
    );
    assert_eq!(r.status, 200);
    let r = k.post("/notes", json!({"contact_id": 1, "title": "Sent once"}));
    assert_eq!(r.status, 500);
    assert_eq!(message(&r), "Internal Server Error");
    let notes = k.list("notes", "&contact_id=1");
    assert_eq!(
        notes.iter().filter(|n| n["title"] == "Sent once").count(),
        1,
        "the note was created although the answer was a 500"
    );
    let r = k.post("/notes", json!({"contact_id": 1, "title": "Second"}));
    assert_eq!(r.status, 201, "the fault fired once");
}

#[test]
fn the_manifest_carries_write_examples() {
    let k = Keap::start();
    let m = support::get(&k.sb.base, "/_sandbox/manifest", &[]).json();
    let tables = &m["services"]["keap"]["tables"];
    for t in [
        "contacts",
        "companies",
        "opportunities",
        "tasks",
        "notes",
        "contact_tags",
        "tagged_contacts",
    ] {
        let w = &tables[t]["write"];
        assert!(w["key"].is_array(), "{t}: {w}");
        assert!(w["insert"].is_object(), "{t}: {w}");
    }
    assert!(tables["orders"].get("write").is_none());
    // The contact_tags example is a pair not applied yet, so the insert really applies it.
    let ins = &tables["contact_tags"]["write"]["insert"];
    let r = k.post(
        &format!("/contacts/{}/tags", ins["contact_id"]),
        json!({"tagIds": [ins["tag_id"]]}),
    );
    assert_eq!(r.json()[ins["tag_id"].to_string()], "SUCCESS");
}

/// How the profile declarations proposed for the driver (target/tmp/writes-keap.toml) turn a
/// row into a body: each column's body path ("a.b" nests, a number makes an array), JSON
/// columns as the JSON they hold, custom-field columns as `custom_fields: [{id, content}]`.
fn driver_body(row: &Value, columns: &[(&str, &str)], custom: &[(&str, u64)]) -> Value {
    let mut body = json!({});
    for (column, value) in row.as_object().unwrap() {
        if let Some((_, id)) = custom.iter().find(|(c, _)| c == column) {
            let mut list = body["custom_fields"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            list.push(json!({"id": id, "content": value}));
            body["custom_fields"] = Value::Array(list);
            continue;
        }
        let (_, path) = columns
            .iter()
            .find(|(c, _)| c == column)
            .unwrap_or_else(|| panic!("column {column} is not writable"));
        let value = match value.as_str() {
            Some(s) if s.starts_with('[') => serde_json::from_str(s).unwrap(),
            _ => value.clone(),
        };
        let mut at = &mut body;
        let parts: Vec<&str> = path.split('.').collect();
        for (k, part) in parts.iter().enumerate() {
            let last = k + 1 == parts.len();
            let next = if last {
                value.clone()
            } else if parts[k + 1].parse::<usize>().is_ok() {
                json!([])
            } else {
                json!({})
            };
            at = match part.parse::<usize>() {
                Ok(i) => {
                    let a = at.as_array_mut().unwrap();
                    while a.len() <= i {
                        a.push(next.clone());
                    }
                    &mut a[i]
                }
                Err(_) => {
                    if at.get(*part).is_none() || last {
                        at[*part] = next;
                    }
                    &mut at[*part]
                }
            };
        }
    }
    body
}

/// A column's value as the driver reads it back: JSON columns parsed, times to the second.
fn read_back(record: &Value, path: &str, custom: Option<u64>) -> Value {
    let v = match custom {
        Some(id) => record["custom_fields"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["id"] == id))
            .map_or(Value::Null, |c| c["content"].clone()),
        None => path.split('.').fold(record.clone(), |v, p| v[p].clone()),
    };
    match v.as_str() {
        Some(s) if s.ends_with(".000Z") => json!(s.replace(".000Z", "Z")),
        _ => v,
    }
}

fn expected(v: &Value) -> Value {
    match v.as_str() {
        Some(s) if s.starts_with('[') => serde_json::from_str(s).unwrap(),
        _ => v.clone(),
    }
}

/// A table's writable columns with their body paths, and its custom-field columns with their ids.
type Columns = &'static [(&'static str, &'static str)];
type Custom = &'static [(&'static str, u64)];

#[test]
fn the_manifest_examples_read_back_through_the_proposed_declarations() {
    let k = Keap::start();
    let m = support::get(&k.sb.base, "/_sandbox/manifest", &[]).json();
    let tables = &m["services"]["keap"]["tables"];
    // (table, columns with their body paths, which are also their read paths, custom fields)
    let specs: [(&str, Columns, Custom); 5] = [
        (
            "contacts",
            &[
                ("given_name", "given_name"),
                ("middle_name", "middle_name"),
                ("family_name", "family_name"),
                ("job_title", "job_title"),
                ("owner_id", "owner_id"),
                ("company_id", "company.id"),
                ("email_addresses", "email_addresses"),
                ("phone_numbers", "phone_numbers"),
                ("addresses", "addresses"),
            ],
            &[("seats", 110)],
        ),
        (
            "companies",
            &[
                ("company_name", "company_name"),
                ("email_address", "email_address"),
                ("phone_number", "phone_number.number"),
                ("website", "website"),
                ("notes", "notes"),
            ],
            &[("employees", 302)],
        ),
        (
            "opportunities",
            &[
                ("opportunity_title", "opportunity_title"),
                ("contact_id", "contact.id"),
                ("stage_id", "stage.id"),
                ("user_id", "user.id"),
                ("projected_revenue_low", "projected_revenue_low"),
                ("projected_revenue_high", "projected_revenue_high"),
                ("estimated_close_date", "estimated_close_date"),
            ],
            &[],
        ),
        (
            "tasks",
            &[
                ("title", "title"),
                ("description", "description"),
                ("completed", "completed"),
                ("type", "type"),
                ("priority", "priority"),
                ("contact_id", "contact.id"),
                ("user_id", "user_id"),
                ("due_date", "due_date"),
                ("completion_date", "completion_date"),
            ],
            &[],
        ),
        (
            "notes",
            &[
                ("title", "title"),
                ("body", "body"),
                ("type", "type"),
                ("contact_id", "contact_id"),
                ("user_id", "user_id"),
            ],
            &[],
        ),
    ];
    for (table, columns, custom) in specs {
        let w = &tables[table]["write"];
        let check = |record: &Value, row: &Value| {
            for (column, value) in row.as_object().unwrap() {
                let field = custom.iter().find(|(c, _)| c == column).map(|(_, id)| *id);
                let path = columns
                    .iter()
                    .find(|(c, _)| c == column)
                    .map_or("", |c| c.1);
                assert_eq!(
                    read_back(record, path, field),
                    expected(value),
                    "{table}.{column}"
                );
            }
        };
        let r = k.post(
            &format!("/{table}"),
            driver_body(&w["insert"], columns, custom),
        );
        assert!(matches!(r.status, 200 | 201), "{table}: {}", r.text());
        let id = r.json()["id"].as_u64().unwrap();
        let path = format!("/{table}/{id}?optional_properties=custom_fields");
        check(&k.get(&path).json(), &w["insert"]);
        let r = k.patch(
            &format!("/{table}/{id}"),
            driver_body(&w["update"], columns, custom),
        );
        assert_eq!(r.status, 200, "{table}: {}", r.text());
        check(&k.get(&path).json(), &w["update"]);
        let r = k.post(
            &format!("/{table}"),
            driver_body(&w["refused_insert"], columns, custom),
        );
        assert_eq!(r.status, 400, "{table}: {}", r.text());
    }
}
