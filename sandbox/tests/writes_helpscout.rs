//! Help Scout's write endpoints over HTTP, as a client sees them: create → read back (the single
//! GET, the filtered lists, `/_sandbox/data`, the manifest's counts) → change → read back →
//! delete → 404; the vnd.error body of a refused request; `fail_after_apply`.

mod support;

use serde_json::{json, Value};
use support::{request, Resp, Sandbox};

struct Hs {
    sb: Sandbox,
    auth: String,
}

impl Hs {
    fn start() -> Hs {
        let sb = Sandbox::with_records(60);
        let auth = format!("Bearer {}", sb.cred("helpscout", "access_token"));
        Hs { sb, auth }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let body = body.map(|b| b.to_string());
        let mut headers = vec![("Authorization", self.auth.as_str())];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        request(
            &self.sb.base,
            method,
            &format!("/helpscout/v2{path}"),
            &headers,
            body.as_deref().map(str::as_bytes),
        )
    }

    fn get(&self, path: &str) -> Value {
        let r = self.call("GET", path, None);
        assert_eq!(r.status, 200, "GET {path}: {}", r.text());
        r.json()
    }

    fn status(&self, path: &str) -> u16 {
        self.call("GET", path, None).status
    }

    /// Every record of a list (all pages).
    fn all(&self, path: &str, name: &str) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut out = Vec::new();
        for page in 1.. {
            let body = self.get(&format!("{path}{sep}page={page}"));
            if let Some(items) = body["_embedded"][name].as_array() {
                out.extend(items.iter().cloned());
            }
            if page >= body["page"]["totalPages"].as_u64().unwrap_or(0) as usize {
                return out;
            }
        }
        unreachable!()
    }

    fn ids(&self, path: &str, name: &str) -> Vec<u64> {
        self.all(path, name)
            .iter()
            .filter_map(|r| r["id"].as_u64())
            .collect()
    }

    fn manifest_rows(&self, table: &str) -> u64 {
        let m = self.sb.get("/_sandbox/manifest", &[]).json();
        m["services"]["helpscout"]["tables"][table]["rows"]
            .as_u64()
            .expect("rows")
    }

    fn data_ids(&self, table: &str) -> Vec<u64> {
        self.sb
            .data("helpscout", table)
            .iter()
            .filter_map(|r| r["id"].as_u64())
            .collect()
    }

    fn created_id(&self, r: &Resp) -> u64 {
        assert_eq!(r.status, 201, "{}", r.text());
        assert!(r.body.is_empty(), "201 has no body: {}", r.text());
        r.header("Resource-ID")
            .and_then(|v| v.parse().ok())
            .expect("Resource-ID")
    }
}

/// The errors of a 400 vnd.error body: (path, message).
fn errors(r: &Resp) -> Vec<(String, String)> {
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/vnd.error+json"));
    let body = r.json();
    assert_eq!(body["message"], "Bad request");
    assert!(body["logRef"].is_string());
    body["_embedded"]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap_or_default().to_owned(),
                e["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn customers_are_created_read_overwritten_and_deleted() {
    let hs = Hs::start();
    let before = hs.manifest_rows("customers");
    let r = hs.call(
        "POST",
        "/customers",
        Some(json!({
            "firstName": "Ada", "lastName": "Lovelace", "jobTitle": "Analyst",
            "location": "London", "organization": "Analytical Engines",
            "emails": [{"type": "work", "value": "ada@example.com"}],
            "phones": [{"type": "work", "value": "+44 20 7946 0000"}],
            "address": {"city": "London", "country": "GB", "lines": ["12 St James's Square"]},
        })),
    );
    let id = hs.created_id(&r);
    assert!(r
        .header("Location")
        .is_some_and(|l| l.ends_with(&format!("/helpscout/v2/customers/{id}"))));

    let c = hs.get(&format!("/customers/{id}"));
    assert_eq!(c["firstName"], "Ada");
    assert_eq!(c["jobTitle"], "Analyst");
    assert_eq!(c["_embedded"]["emails"][0]["value"], "ada@example.com");
    assert_eq!(c["_embedded"]["address"]["city"], "London");
    assert_eq!(c["_embedded"]["address"]["country"], "GB");
    assert!(hs.ids("/customers", "customers").contains(&id));
    assert_eq!(
        hs.ids("/customers?firstName=Ada&lastName=Lovelace", "customers"),
        [id]
    );
    assert_eq!(hs.manifest_rows("customers"), before + 1);
    assert_eq!(hs.data_ids("customers").last(), Some(&id));
    // The child tables see the new customer's entries.
    let emails = hs.sb.data("helpscout", "customer_emails");
    assert!(emails
        .iter()
        .any(|e| e["customer_id"] == json!(id) && e["value"] == "ada@example.com"));

    // PUT replaces the entity: a field left out is cleared; entries stay.
    let r = hs.call(
        "PUT",
        &format!("/customers/{id}"),
        Some(json!({"firstName": "Augusta", "lastName": "Lovelace", "jobTitle": "Countess"})),
    );
    assert_eq!(r.status, 204, "{}", r.text());
    let c = hs.get(&format!("/customers/{id}"));
    assert_eq!(c["firstName"], "Augusta");
    assert_eq!(c["jobTitle"], "Countess");
    assert!(c["location"].is_null() && c["organization"].is_null());
    assert_eq!(c["_embedded"]["emails"][0]["value"], "ada@example.com");
    assert!(hs.ids("/customers?firstName=Ada", "customers").is_empty());
    assert_eq!(hs.ids("/customers?firstName=Augusta", "customers"), [id]);

    let r = hs.call("DELETE", &format!("/customers/{id}"), None);
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(hs.status(&format!("/customers/{id}")), 404);
    assert!(!hs.ids("/customers", "customers").contains(&id));
    assert_eq!(hs.manifest_rows("customers"), before);
    assert_eq!(
        hs.call("DELETE", &format!("/customers/{id}"), None).status,
        404
    );
    assert_eq!(
        hs.call(
            "PUT",
            &format!("/customers/{id}"),
            Some(json!({"firstName": "X"}))
        )
        .status,
        404
    );
    // A new customer never gets a deleted one's id.
    let again = hs.created_id(&hs.call("POST", "/customers", Some(json!({"firstName": "Bo"}))));
    assert!(again > id);
}

#[test]
fn generated_customers_change_and_their_deletion_takes_their_conversations() {
    let hs = Hs::start();
    let customers = hs.sb.data("helpscout", "customers");
    let conversations = hs.sb.data("helpscout", "conversations");
    let owner = conversations
        .iter()
        .find_map(|c| c["primaryCustomer"]["id"].as_u64())
        .expect("a conversation with a customer");
    let theirs: Vec<u64> = conversations
        .iter()
        .filter(|c| c["primaryCustomer"]["id"].as_u64() == Some(owner))
        .filter_map(|c| c["id"].as_u64())
        .collect();
    let other = customers
        .iter()
        .filter_map(|c| c["id"].as_u64())
        .find(|id| *id != owner)
        .unwrap();
    let r = hs.call(
        "PUT",
        &format!("/customers/{other}"),
        Some(json!({"firstName": "Aaron"})),
    );
    assert_eq!(r.status, 204);
    assert_eq!(hs.ids("/customers?firstName=Aaron", "customers"), [other]);
    assert!(hs.get(&format!("/customers/{other}"))["lastName"].is_null());
    // Sorting mixes changed and generated records by the same keys.
    let sorted = hs.all("/customers?sortField=firstName&sortOrder=asc", "customers");
    assert_eq!(sorted[0]["id"], json!(other));

    assert_eq!(
        hs.call("DELETE", &format!("/customers/{owner}"), None)
            .status,
        204
    );
    for c in &theirs {
        assert_eq!(hs.status(&format!("/conversations/{c}")), 404);
        assert_eq!(hs.status(&format!("/conversations/{c}/threads")), 404);
    }
    let left = hs.ids("/conversations?status=all", "conversations");
    assert!(theirs.iter().all(|c| !left.contains(c)));
    assert_eq!(
        hs.manifest_rows("conversations") as usize,
        conversations.len() - theirs.len()
    );
    let threads = hs.sb.data("helpscout", "threads");
    assert_eq!(hs.manifest_rows("threads") as usize, threads.len());
    assert!(threads
        .iter()
        .all(|t| !theirs.contains(&t["conversationId"].as_u64().unwrap())));
}

#[test]
fn refused_customers_get_help_scouts_validation_errors() {
    let hs = Hs::start();
    let before = hs.manifest_rows("customers");
    let r = hs.call(
        "POST",
        "/customers",
        Some(json!({
            "firstName": "A".repeat(41), "gender": "robot",
            "emails": [{"type": "work", "value": "not-an-email"}],
        })),
    );
    let errs = errors(&r);
    assert!(errs.contains(&("firstName".into(), "size must be between 1 and 40".into())));
    assert!(errs.contains(&(
        "emails[0].value".into(),
        "not a well-formed email address".into()
    )));
    assert!(errs
        .iter()
        .any(|(p, m)| p == "gender" && m.starts_with("Expected one of these")));
    assert_eq!(hs.manifest_rows("customers"), before, "nothing created");
    let r = hs.call("POST", "/customers", None);
    assert_eq!(r.status, 400);
}

#[test]
fn conversations_are_created_changed_and_deleted() {
    let hs = Hs::start();
    let customer = hs.sb.data("helpscout", "customers")[0]["id"]
        .as_u64()
        .unwrap();
    let before = hs.manifest_rows("conversations");
    let threads_before = hs.manifest_rows("threads");
    let r = hs.call(
        "POST",
        "/conversations",
        Some(json!({
            "subject": "Printer on fire", "type": "email", "status": "active",
            "mailboxId": 301, "customer": {"id": customer}, "assignTo": 502,
            "threads": [{"type": "customer", "text": "It is on fire."}],
            "tags": ["vip", "fire"],
            "fields": [{"id": 5001, "value": "50013"}, {"id": 5002, "value": "42"}],
        })),
    );
    let id = hs.created_id(&r);
    assert!(r
        .header("Location")
        .is_some_and(|l| l.ends_with(&format!("/conversations/{id}"))));
    let c = hs.get(&format!("/conversations/{id}"));
    assert_eq!(c["subject"], "Printer on fire");
    assert_eq!(c["status"], "active");
    assert_eq!(c["mailboxId"], 301);
    assert_eq!(c["primaryCustomer"]["id"], json!(customer));
    assert_eq!(c["assignee"]["id"], 502);
    assert_eq!(c["threads"], 1);
    let tags: Vec<&str> = c["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["tag"].as_str())
        .collect();
    assert_eq!(tags, ["vip", "fire"]);
    assert_eq!(c["customFields"][0]["text"], "Urgent");
    assert_eq!(c["customFields"][1]["value"], "42");
    // The new tag is a tag now.
    assert!(hs.all("/tags", "tags").iter().any(|t| t["name"] == "fire"));

    // Lists with their filters find it; the default (active) list too.
    for q in [
        "",
        "?status=all",
        "?mailbox=301",
        "?tag=fire",
        "?assigned_to=502",
        &format!("?number={}", c["number"]),
    ] {
        assert!(
            hs.ids(&format!("/conversations{q}"), "conversations")
                .contains(&id),
            "{q}"
        );
    }
    for q in [
        "?status=closed",
        "?mailbox=302",
        "?tag=bug",
        "?assigned_to=501",
    ] {
        assert!(
            !hs.ids(&format!("/conversations{q}"), "conversations")
                .contains(&id),
            "{q}"
        );
    }
    assert_eq!(hs.manifest_rows("conversations"), before + 1);
    assert_eq!(hs.manifest_rows("threads"), threads_before + 1);
    let threads = hs.get(&format!("/conversations/{id}/threads"));
    assert_eq!(threads["_embedded"]["threads"][0]["body"], "It is on fire.");
    assert_eq!(threads["_embedded"]["threads"][0]["type"], "customer");
    let embedded = hs.get(&format!("/conversations/{id}?embed=threads"));
    assert_eq!(
        embedded["_embedded"]["threads"].as_array().unwrap().len(),
        1
    );

    // One JSON Patch operation per request.
    let patch = |op: Value| hs.call("PATCH", &format!("/conversations/{id}"), Some(op));
    let r = patch(json!({"op": "replace", "path": "/status", "value": "closed"}));
    assert_eq!(r.status, 204, "{}", r.text());
    let r = patch(json!({"op": "replace", "path": "/subject", "value": "Fire is out"}));
    assert_eq!(r.status, 204, "{}", r.text());
    let r = patch(json!({"op": "move", "path": "/mailboxId", "value": 302}));
    assert_eq!(r.status, 204, "{}", r.text());
    let r = patch(json!({"op": "remove", "path": "/assignTo"}));
    assert_eq!(r.status, 204, "{}", r.text());
    let c = hs.get(&format!("/conversations/{id}"));
    assert_eq!(c["status"], "closed");
    assert_eq!(c["subject"], "Fire is out");
    assert_eq!(c["mailboxId"], 302);
    assert!(c.get("assignee").is_none());
    assert!(c["closedAt"].is_string());
    // The custom fields of the old mailbox do not follow it.
    assert_eq!(c["customFields"], json!([]));
    assert!(hs
        .ids("/conversations?status=closed&mailbox=302", "conversations")
        .contains(&id));
    assert!(!hs.ids("/conversations", "conversations").contains(&id));

    let r = hs.call(
        "PUT",
        &format!("/conversations/{id}/tags"),
        Some(json!({"tags": ["bug"]})),
    );
    assert_eq!(r.status, 204, "{}", r.text());
    assert!(hs
        .ids("/conversations?status=all&tag=bug", "conversations")
        .contains(&id));
    assert!(!hs
        .ids("/conversations?status=all&tag=fire", "conversations")
        .contains(&id));

    let r = hs.call("DELETE", &format!("/conversations/{id}"), None);
    assert_eq!(r.status, 204);
    assert_eq!(hs.status(&format!("/conversations/{id}")), 404);
    assert_eq!(hs.status(&format!("/conversations/{id}/threads")), 404);
    assert!(!hs
        .ids("/conversations?status=all", "conversations")
        .contains(&id));
    assert_eq!(hs.manifest_rows("conversations"), before);
    assert_eq!(hs.manifest_rows("threads"), threads_before);
    assert_eq!(
        hs.call("DELETE", &format!("/conversations/{id}"), None)
            .status,
        404
    );
}

#[test]
fn patches_are_one_documented_operation() {
    let hs = Hs::start();
    let id = hs.sb.data("helpscout", "conversations")[0]["id"]
        .as_u64()
        .unwrap();
    let patch = |op: Value| hs.call("PATCH", &format!("/conversations/{id}"), Some(op));
    // An RFC 6902 array is not what Help Scout documents.
    let r = patch(json!([{"op": "replace", "path": "/status", "value": "closed"}]));
    assert_eq!(errors(&r)[0].0, "");
    // The mailbox is moved, not replaced.
    let r = patch(json!({"op": "replace", "path": "/mailboxId", "value": 302}));
    assert_eq!(
        errors(&r),
        [("op".into(), "Expected one of these: 'move'".into())]
    );
    let r = patch(json!({"op": "replace", "path": "/status", "value": "Wrong"}));
    assert_eq!(errors(&r)[0].0, "value");
    let r = patch(json!({"op": "replace", "path": "/subject", "value": ""}));
    assert_eq!(errors(&r), [("value".into(), "may not be empty".into())]);
    let r = patch(json!({"op": "replace", "path": "/assignTo", "value": 999}));
    assert_eq!(errors(&r)[0].0, "value");
    let r = patch(json!({"op": "replace", "path": "/nope", "value": 1}));
    assert_eq!(errors(&r)[0].0, "path");
    let r = hs.call(
        "PATCH",
        "/conversations/99999999",
        Some(json!({"op": "replace", "path": "/status", "value": "closed"})),
    );
    assert_eq!(r.status, 404);
    // A generated conversation, changed, is found by the filters of its new state.
    let r = patch(json!({"op": "replace", "path": "/status", "value": "spam"}));
    assert_eq!(r.status, 204);
    assert!(hs
        .ids("/conversations?status=spam", "conversations")
        .contains(&id));
    let r = patch(json!({"op": "replace", "path": "/assignTo", "value": 507}));
    assert_eq!(r.status, 204);
    assert!(hs
        .ids("/conversations?status=all&assigned_to=507", "conversations")
        .contains(&id));
    let data = hs.sb.data("helpscout", "conversations");
    assert_eq!(data[0]["status"], "spam");
}

#[test]
fn a_missing_required_field_is_named() {
    let hs = Hs::start();
    let before = hs.manifest_rows("conversations");
    let r = hs.call("POST", "/conversations", Some(json!({})));
    let paths: Vec<String> = errors(&r).into_iter().map(|e| e.0).collect();
    for p in [
        "subject",
        "type",
        "status",
        "mailboxId",
        "customer",
        "threads",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} in {paths:?}");
    }
    let r = hs.call(
        "POST",
        "/conversations",
        Some(json!({
            "subject": "x", "type": "email", "status": "active", "mailboxId": 999,
            "customer": {"id": 20000001}, "threads": [{"type": "customer", "text": "hi"}],
        })),
    );
    assert_eq!(
        errors(&r),
        [("mailboxId".into(), "Mailbox not found".into())]
    );
    let r = hs.call(
        "POST",
        "/conversations",
        Some(json!({
            "subject": "x", "type": "email", "status": "active", "mailboxId": 301,
            "customer": {"id": 20000001}, "threads": [{"type": "letter", "text": ""}],
        })),
    );
    let paths: Vec<String> = errors(&r).into_iter().map(|e| e.0).collect();
    assert_eq!(paths, ["threads[0].type", "threads[0].text"]);
    assert_eq!(hs.manifest_rows("conversations"), before, "nothing created");
}

#[test]
fn a_conversation_with_a_new_customer_makes_the_customer() {
    let hs = Hs::start();
    let r = hs.call(
        "POST",
        "/conversations",
        Some(json!({
            "subject": "Hello", "type": "email", "status": "pending", "mailboxId": 303,
            "customer": {"email": "new.person@example.org", "firstName": "New", "lastName": "Person"},
            "threads": [{"type": "note", "text": "Met at the fair."}],
        })),
    );
    let id = hs.created_id(&r);
    let c = hs.get(&format!("/conversations/{id}"));
    let customer = c["primaryCustomer"]["id"].as_u64().expect("customer id");
    assert_eq!(c["primaryCustomer"]["email"], "new.person@example.org");
    let cu = hs.get(&format!("/customers/{customer}"));
    assert_eq!(cu["firstName"], "New");
    // Customers' mailbox filter follows the new conversation.
    assert!(hs
        .ids("/customers?mailbox=303", "customers")
        .contains(&customer));
    assert!(!hs
        .ids("/customers?mailbox=301", "customers")
        .contains(&customer));
    // The same address again finds that customer.
    let r = hs.call(
        "POST",
        "/conversations",
        Some(json!({
            "subject": "Again", "type": "email", "status": "active", "mailboxId": 301,
            "customer": {"email": "NEW.person@example.org"},
            "threads": [{"type": "customer", "text": "Me again."}],
        })),
    );
    let again = hs.created_id(&r);
    assert_eq!(
        hs.get(&format!("/conversations/{again}"))["primaryCustomer"]["id"],
        json!(customer)
    );
}

#[test]
fn notes_and_replies_are_threads_of_their_conversation() {
    let hs = Hs::start();
    let conversations = hs.sb.data("helpscout", "conversations");
    let conv = conversations
        .iter()
        .find(|c| c["status"] == "closed" && c["primaryCustomer"].is_object())
        .expect("a closed conversation");
    let id = conv["id"].as_u64().unwrap();
    let customer = conv["primaryCustomer"]["id"].as_u64().unwrap();
    let count = conv["threads"].as_u64().unwrap();
    let rows_before = hs.manifest_rows("threads");

    let r = hs.call(
        "POST",
        &format!("/conversations/{id}/notes"),
        Some(json!({"text": "Called back."})),
    );
    let note = hs.created_id(&r);
    assert!(r.header("Location").is_none());
    let c = hs.get(&format!("/conversations/{id}"));
    assert_eq!(c["threads"], count + 1);
    assert_eq!(c["status"], "closed", "a note leaves the status");
    let threads = hs.get(&format!("/conversations/{id}/threads"))["_embedded"]["threads"].clone();
    let last = threads.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["id"], json!(note));
    assert_eq!(last["type"], "note");
    assert_eq!(last["body"], "Called back.");
    assert!(last.get("conversationId").is_none());

    let r = hs.call(
        "POST",
        &format!("/conversations/{id}/reply"),
        Some(json!({"customer": {"id": customer}, "text": "We are on it."})),
    );
    let reply = hs.created_id(&r);
    assert!(reply > note);
    let c = hs.get(&format!("/conversations/{id}"));
    assert_eq!(c["status"], "active", "a reply reactivates");
    assert_eq!(c["threads"], count + 2);
    assert_eq!(hs.manifest_rows("threads"), rows_before + 2);
    let data = hs.sb.data("helpscout", "threads");
    let row = data.iter().find(|t| t["id"] == json!(reply)).expect("row");
    assert_eq!(row["conversationId"], json!(id));
    assert_eq!(row["type"], "message");

    // Update Thread: one replace of /text.
    let r = hs.call(
        "PATCH",
        &format!("/conversations/{id}/threads/{note}"),
        Some(json!({"op": "replace", "path": "/text", "value": "Called back twice."})),
    );
    assert_eq!(r.status, 204, "{}", r.text());
    let generated = threads[0]["id"].as_u64().unwrap();
    let r = hs.call(
        "PATCH",
        &format!("/conversations/{id}/threads/{generated}"),
        Some(json!({"op": "replace", "path": "/text", "value": "Edited."})),
    );
    assert_eq!(r.status, 204, "{}", r.text());
    let threads = hs.get(&format!("/conversations/{id}/threads"))["_embedded"]["threads"].clone();
    assert_eq!(threads[0]["body"], "Edited.");
    assert!(threads
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["body"] == "Called back twice."));

    // Refusals: no text, no customer on a reply, an unknown conversation.
    let r = hs.call(
        "POST",
        &format!("/conversations/{id}/notes"),
        Some(json!({})),
    );
    assert_eq!(errors(&r), [("text".into(), "may not be empty".into())]);
    let r = hs.call(
        "POST",
        &format!("/conversations/{id}/reply"),
        Some(json!({"text": "hi"})),
    );
    assert_eq!(errors(&r), [("customer".into(), "may not be null".into())]);
    let r = hs.call(
        "POST",
        "/conversations/99999999/notes",
        Some(json!({"text": "hi"})),
    );
    assert_eq!(r.status, 404);
}

#[test]
fn a_write_failed_after_apply_is_applied() {
    let hs = Hs::start();
    let armed = hs
        .sb
        .post("/_sandbox/faults", &[], r#"{"fail_after_apply": 1}"#);
    assert_eq!(armed.status, 200);
    let r = hs.call(
        "POST",
        "/customers",
        Some(json!({"firstName": "Persistent"})),
    );
    assert_eq!(r.status, 500);
    assert!(r.json()["logRef"].is_string());
    assert_eq!(
        hs.ids("/customers?firstName=Persistent", "customers").len(),
        1
    );
    // Only once.
    let r = hs.call(
        "POST",
        "/customers",
        Some(json!({"firstName": "Persistent"})),
    );
    hs.created_id(&r);
    assert_eq!(
        hs.ids("/customers?firstName=Persistent", "customers").len(),
        2
    );
    // And the writes can be forgotten.
    let r = hs.sb.post("/_sandbox/writes/reset", &[], "");
    assert_eq!(r.status, 200);
    assert!(hs
        .ids("/customers?firstName=Persistent", "customers")
        .is_empty());
}

#[test]
fn the_manifest_describes_the_writable_tables() {
    let hs = Hs::start();
    let m = hs.sb.get("/_sandbox/manifest", &[]).json();
    let tables = &m["services"]["helpscout"]["tables"];
    for t in ["customers", "conversations", "threads"] {
        let w = &tables[t]["write"];
        assert_eq!(w["key"], json!(["id"]), "{t}");
        assert_eq!(w["creates_key"], true, "{t}");
        assert!(w["insert"].is_object() && w["update"].is_object(), "{t}");
        assert!(w["refused_insert"].is_object(), "{t}");
    }
    // The conversation insert, sent as the profile would send it, is accepted and reads back.
    let w = &tables["conversations"]["write"]["insert"];
    let r = hs.call(
        "POST",
        "/conversations",
        Some(json!({
            "subject": w["subject"], "type": w["type"], "status": w["status"],
            "mailboxId": w["mailbox_id"], "customer": {"id": w["customer_id"]},
            "assignTo": w["assignee_id"],
            "threads": [{"type": "customer", "text": "Created through apiodbc."}],
        })),
    );
    let id = hs.created_id(&r);
    let c = hs.get(&format!("/conversations/{id}"));
    assert_eq!(c["subject"], w["subject"]);
    assert_eq!(c["assignee"]["id"], w["assignee_id"]);
}
