//! The records API v2 clients write (persons, organizations, deals, activities, products):
//! which body parameters each endpoint documents (from Pipedrive's v2 reference and its
//! official client's request models), which are required, which refer to other records, the
//! new record's defaults, and applying a body (custom fields here, the rest per table in
//! `record_rules`). Records come out exactly as the v2 reads render generated ones. Owns no
//! endpoint.

use serde_json::{json, Map, Value};

use super::body::{n, p, problem, Kind, Param, Problem, VISIBILITY};
use super::record_rules::{activity, deal, org, person, product, stamp};
use super::{fields, Data, Entity, ACTIVITY_TYPES};
use crate::data::fmt_iso;

/// A table API v2 clients write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Writable {
    Persons,
    Organizations,
    Deals,
    Activities,
    Products,
}

const MARKETING: &[&str] = &["no_consent", "unsubscribed", "subscribed", "archived"];
const BILLING: &[&str] = &[
    "one-time",
    "annually",
    "semi-annually",
    "quarterly",
    "monthly",
    "weekly",
];

const PERSON_PARAMS: &[Param] = &[
    p("name", Kind::Text),
    p("owner_id", Kind::Int),
    n("org_id", Kind::Int),
    p("add_time", Kind::Stamp),
    p("update_time", Kind::Stamp),
    p("emails", Kind::Array),
    p("phones", Kind::Array),
    p("visible_to", Kind::Levels(VISIBILITY)),
    p("label_ids", Kind::Ints),
    p("marketing_status", Kind::Words(MARKETING)),
    p("custom_fields", Kind::Object),
];

const ORG_PARAMS: &[Param] = &[
    p("name", Kind::Text),
    p("owner_id", Kind::Int),
    p("add_time", Kind::Stamp),
    p("update_time", Kind::Stamp),
    p("visible_to", Kind::Levels(VISIBILITY)),
    p("label_ids", Kind::Ints),
    n("address", Kind::Object),
    p("custom_fields", Kind::Object),
];

const DEAL_PARAMS: &[Param] = &[
    p("title", Kind::Text),
    p("owner_id", Kind::Int),
    n("person_id", Kind::Int),
    n("org_id", Kind::Int),
    p("pipeline_id", Kind::Int),
    p("stage_id", Kind::Int),
    p("value", Kind::Num),
    p("currency", Kind::Text),
    p("add_time", Kind::Stamp),
    p("update_time", Kind::Stamp),
    p("stage_change_time", Kind::Stamp),
    p("is_deleted", Kind::Bool),
    p("is_archived", Kind::Bool),
    n("archive_time", Kind::Stamp),
    p("status", Kind::Words(&["open", "won", "lost"])),
    n("probability", Kind::Num),
    n("lost_reason", Kind::Text),
    p("visible_to", Kind::Levels(VISIBILITY)),
    n("close_time", Kind::Stamp),
    n("won_time", Kind::Stamp),
    n("lost_time", Kind::Stamp),
    n("expected_close_date", Kind::Date),
    p("label_ids", Kind::Ints),
    n("origin_id", Kind::Text),
    n("channel", Kind::Int),
    n("channel_id", Kind::Text),
    p("custom_fields", Kind::Object),
];

const ACTIVITY_PARAMS: &[Param] = &[
    p("subject", Kind::Text),
    p("type", Kind::Words(ACTIVITY_TYPES)),
    p("owner_id", Kind::Int),
    n("deal_id", Kind::Int),
    n("lead_id", Kind::Text),
    n("person_id", Kind::Int),
    n("org_id", Kind::Int),
    n("project_id", Kind::Int),
    n("due_date", Kind::Date),
    n("due_time", Kind::Time),
    n("duration", Kind::Time),
    p("busy", Kind::Bool),
    p("done", Kind::Bool),
    n("location", Kind::Object),
    p("participants", Kind::Array),
    p("attendees", Kind::Array),
    n("public_description", Kind::Text),
    n("priority", Kind::Int),
    n("note", Kind::Text),
];

const PRODUCT_PARAMS: &[Param] = &[
    p("name", Kind::Text),
    n("code", Kind::Text),
    n("description", Kind::Text),
    n("unit", Kind::Text),
    p("tax", Kind::Num),
    n("category", Kind::Int),
    p("owner_id", Kind::Int),
    p("is_linkable", Kind::Bool),
    p("visible_to", Kind::Levels(VISIBILITY)),
    p("prices", Kind::Array),
    p("billing_frequency", Kind::Words(BILLING)),
    n("billing_frequency_cycles", Kind::Int),
    p("custom_fields", Kind::Object),
];

/// Problems found while applying a body.
pub(super) type Problems = Vec<Problem>;

impl Writable {
    pub(super) const ALL: [Writable; 5] = [
        Writable::Persons,
        Writable::Organizations,
        Writable::Deals,
        Writable::Activities,
        Writable::Products,
    ];

    /// The table's name in the manifest (and of its writes).
    pub(super) fn table(self) -> &'static str {
        match self {
            Writable::Persons => "persons",
            Writable::Organizations => "organizations",
            Writable::Deals => "deals",
            Writable::Activities => "activities",
            Writable::Products => "products",
        }
    }

    pub(super) fn path(self) -> &'static str {
        match self {
            Writable::Persons => "/persons",
            Writable::Organizations => "/organizations",
            Writable::Deals => "/deals",
            Writable::Activities => "/activities",
            Writable::Products => "/products",
        }
    }

    pub(super) fn not_found(self) -> &'static str {
        match self {
            Writable::Persons => "Person not found",
            Writable::Organizations => "Organization not found",
            Writable::Deals => "Deal not found",
            Writable::Activities => "Activity not found",
            Writable::Products => "Product not found",
        }
    }

    pub(super) fn params(self) -> &'static [Param] {
        match self {
            Writable::Persons => PERSON_PARAMS,
            Writable::Organizations => ORG_PARAMS,
            Writable::Deals => DEAL_PARAMS,
            Writable::Activities => ACTIVITY_PARAMS,
            Writable::Products => PRODUCT_PARAMS,
        }
    }

    /// Required on create. Pipedrive's v2 request models mark only a deal's title and a
    /// product's name; v1 documents a person's and an organization's name as required, and
    /// Pipedrive creates neither without one. An activity needs nothing (its type defaults to
    /// `call`, its subject to the type's name).
    pub(super) fn required(self) -> &'static [&'static str] {
        match self {
            Writable::Persons | Writable::Organizations | Writable::Products => &["name"],
            Writable::Deals => &["title"],
            Writable::Activities => &[],
        }
    }

    /// (body parameter, table it names a record of, what Pipedrive calls that record).
    pub(super) fn references(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            Writable::Persons => &[
                ("owner_id", "users", "User"),
                ("org_id", "organizations", "Organization"),
            ],
            Writable::Organizations | Writable::Products => &[("owner_id", "users", "User")],
            Writable::Deals => &[
                ("owner_id", "users", "User"),
                ("person_id", "persons", "Person"),
                ("org_id", "organizations", "Organization"),
                ("stage_id", "stages", "Stage"),
                ("pipeline_id", "pipelines", "Pipeline"),
            ],
            Writable::Activities => &[
                ("owner_id", "users", "User"),
                ("deal_id", "deals", "Deal"),
                ("lead_id", "leads", "Lead"),
                ("person_id", "persons", "Person"),
                ("org_id", "organizations", "Organization"),
                ("project_id", "projects", "Project"),
            ],
        }
    }

    fn custom(self) -> Option<Entity> {
        match self {
            Writable::Persons => Some(Entity::Person),
            Writable::Organizations => Some(Entity::Organization),
            Writable::Deals => Some(Entity::Deal),
            Writable::Products => Some(Entity::Product),
            Writable::Activities => None,
        }
    }

    /// How many records were generated: created ones get the ids after them (deals after the
    /// archived ones too).
    pub(super) fn generated(self, d: &Data) -> u64 {
        (match self {
            Writable::Deals => d.n + d.archived_deal_count(),
            Writable::Products => d.product_count(),
            _ => d.n,
        }) as u64
    }

    /// Generated record `i` as v2 renders it, without the counts `include_fields` adds.
    pub(super) fn render(self, d: &Data, i: usize) -> Value {
        match self {
            Writable::Persons => d.person_v2(i, &[]),
            Writable::Organizations => d.org_v2(i, &[]),
            Writable::Deals => d.deal_v2(i),
            Writable::Activities => d.activity_v2(i),
            Writable::Products => d.product_json(i),
        }
    }

    /// A new record before its body is applied: Pipedrive's defaults, owned by the user the
    /// credentials belong to (user 1), every custom field empty.
    pub(super) fn blank(self, d: &Data, id: u64, now: i64) -> Value {
        let t = fmt_iso(now);
        let mut r = match self {
            Writable::Persons => json!({
                "id": id, "name": null, "first_name": null, "last_name": null, "owner_id": 1,
                "org_id": null, "picture_id": null, "add_time": t, "update_time": t,
                "is_deleted": false, "visible_to": 3, "label_ids": [], "emails": [], "phones": [],
            }),
            Writable::Organizations => json!({
                "id": id, "name": null, "owner_id": 1, "picture_id": null, "add_time": t,
                "update_time": t, "is_deleted": false, "visible_to": 3, "label_ids": [],
                "address": null,
            }),
            // Deals created through the API have the origin `API` (Pipedrive's deals reference).
            Writable::Deals => json!({
                "id": id, "title": null, "creator_user_id": 1, "owner_id": 1, "value": 0,
                "person_id": null, "org_id": null, "stage_id": 1, "pipeline_id": 1,
                "currency": "EUR", "add_time": t, "update_time": t, "stage_change_time": null,
                "is_deleted": false, "is_archived": false, "archive_time": null,
                "status": "open", "probability": null, "lost_reason": null, "visible_to": 3,
                "close_time": null, "won_time": null, "lost_time": null,
                "local_won_date": null, "local_lost_date": null, "local_close_date": null,
                "expected_close_date": null, "label_ids": [], "origin": "API",
                "origin_id": null, "channel": null, "channel_id": null, "acv": null,
                "arr": null, "mrr": null,
            }),
            Writable::Activities => json!({
                "id": id, "subject": null, "type": "call", "owner_id": 1, "creator_user_id": 1,
                "is_deleted": false, "add_time": t, "update_time": t, "deal_id": null,
                "lead_id": null, "person_id": null, "org_id": null, "project_id": null,
                "due_date": null, "due_time": null, "duration": null, "busy": false,
                "done": false, "marked_as_done_time": null, "location": null,
                "participants": [], "conference_meeting_client": null,
                "conference_meeting_url": null, "conference_meeting_id": null,
                "public_description": null, "priority": null, "note": null,
            }),
            Writable::Products => json!({
                "id": id, "name": null, "code": null, "description": null, "unit": null,
                "tax": 0, "category": null, "owner_id": 1, "is_linkable": true,
                "is_deleted": false, "visible_to": 3, "add_time": t, "update_time": t,
                "billing_frequency": "one-time", "billing_frequency_cycles": null, "prices": [],
            }),
        };
        if let Some(e) = self.custom() {
            let empty: Map<String, Value> = d
                .fields_of(e)
                .iter()
                .filter(|f| f.custom)
                .map(|f| (f.key.clone(), Value::Null))
                .collect();
            r["custom_fields"] = Value::Object(empty);
        }
        r
    }

    /// Applies a body already checked against `params()` (types, unknown parameters) and
    /// whose references exist: `r` becomes the record as Pipedrive would keep it.
    pub(super) fn apply(
        self,
        d: &Data,
        r: &mut Value,
        body: &Map<String, Value>,
        now: i64,
        creating: bool,
    ) -> Result<(), Problems> {
        let mut problems = Problems::new();
        for (key, v) in body {
            match key.as_str() {
                "custom_fields" => self.apply_custom(d, r, v, &mut problems),
                "add_time" | "update_time" | "stage_change_time" | "archive_time"
                | "close_time" | "won_time" | "lost_time" => {
                    r[key] = stamp(v);
                }
                _ => {}
            }
        }
        match self {
            Writable::Persons => person(r, body, &mut problems),
            Writable::Organizations => org(r, body, &mut problems),
            Writable::Deals => deal(r, body, now, &mut problems),
            Writable::Activities => activity(r, body, now, creating),
            Writable::Products => product(r, body, &mut problems),
        }
        if !body.contains_key("update_time") {
            r["update_time"] = json!(fmt_iso(now));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// `custom_fields`: only the entity's own fields, each in the form its type takes; fields
    /// not named keep their values.
    fn apply_custom(self, d: &Data, r: &mut Value, v: &Value, problems: &mut Problems) {
        let (Some(e), Value::Object(written)) = (self.custom(), v) else {
            return;
        };
        let defs = d.fields_of(e);
        for (key, raw) in written {
            let name = format!("custom_fields.{key}");
            let Some(f) = defs.iter().find(|f| f.custom && f.key == *key) else {
                problems.push(problem(name, "is not allowed for this request"));
                continue;
            };
            let old = r["custom_fields"][key].clone();
            match fields::write_v2(f, raw, &old) {
                Ok(value) => r["custom_fields"][key] = value,
                Err(why) => problems.push(problem(name, why)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Gen;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_new_record_has_the_shape_of_a_generated_one() {
        let d = Data::new(&Gen::new(5), 20);
        for w in Writable::ALL {
            let generated = w.render(&d, 3);
            let new = w.blank(&d, 99, 1_700_000_000);
            let keys = |v: &Value| -> Vec<String> {
                let mut k: Vec<String> = v
                    .as_object()
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                k.sort();
                k
            };
            assert_eq!(keys(&new), keys(&generated), "{w:?}");
            if let Some(cf) = generated.get("custom_fields") {
                assert_eq!(keys(&new["custom_fields"]), keys(cf), "{w:?} custom fields");
            }
        }
    }

    #[test]
    fn derived_members_follow_the_body() {
        let d = Data::new(&Gen::new(5), 20);
        let mut person = Writable::Persons.blank(&d, 21, 0);
        let b =
            body(json!({"name": "Ada King Lovelace", "emails": [{"value": "ada@example.com"}]}));
        Writable::Persons
            .apply(&d, &mut person, &b, 10, true)
            .expect("valid");
        assert_eq!(person["first_name"], "Ada");
        assert_eq!(person["last_name"], "King Lovelace");
        assert_eq!(person["emails"][0]["primary"], true);

        let mut deal = Writable::Deals.blank(&d, 30, 0);
        let b = body(json!({"title": "T", "stage_id": 6, "status": "won"}));
        Writable::Deals
            .apply(&d, &mut deal, &b, 86_400, true)
            .expect("valid");
        assert_eq!(deal["pipeline_id"], 2);
        assert_eq!(deal["won_time"], "1970-01-02T00:00:00Z");
        assert_eq!(deal["local_close_date"], "1970-01-02");

        let mut activity = Writable::Activities.blank(&d, 40, 0);
        let b = body(json!({"type": "meeting", "person_id": 3, "done": true}));
        Writable::Activities
            .apply(&d, &mut activity, &b, 5, true)
            .expect("valid");
        assert_eq!(activity["subject"], "Meeting");
        assert_eq!(
            activity["participants"],
            json!([{"person_id": 3, "primary": true}])
        );
        assert!(activity["marked_as_done_time"].is_string());
    }
}
