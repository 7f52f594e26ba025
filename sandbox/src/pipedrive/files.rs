//! Pipedrive files (API v1): `GET /files` (offset pages of at most 100; `sort` by id or
//! update_time) and `GET /files/{id}`. Metadata only: the download URL names
//! `/files/{id}/download`, which the sandbox does not serve. One file per two persons, attached to the person and
//! sometimes to their deal or organization.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{error, v1_page, v1_sort, Data, USERS};
use crate::common::{id_of, num, ok, params, SortKey};
use crate::data::fmt_space;
use crate::{AppState, Shared};

const FILE: u64 = 0x19;
const KINDS: &[(&str, &str)] = &[
    ("proposal", "pdf"),
    ("contract", "pdf"),
    ("price-list", "xlsx"),
    ("meeting-notes", "docx"),
    ("logo", "png"),
];

impl Data {
    pub(super) fn file_count(&self) -> usize {
        self.n / 2
    }

    fn file_json(&self, i: usize) -> Value {
        let g = &self.g;
        let person = 2 * i;
        let deal = g.chance(FILE, i, 1, 50).then_some(person);
        let org = self.person(person).org.filter(|_| g.chance(FILE, i, 2, 50));
        let (stem, ext) = g.pick(FILE, i, 3, KINDS);
        let file_name = format!("{stem}-{}.{ext}", i + 1);
        let add = g.time(FILE, i, 4);
        let upd = add + g.range(FILE, i, 5, 0, 30 * 86_400) as i64;
        json!({
            "id": i + 1,
            "user_id": g.range(FILE, i, 6, 1, USERS as u64),
            "deal_id": deal.map(|d| d + 1),
            "person_id": person + 1,
            "org_id": org.map(|o| o + 1),
            "product_id": null,
            "activity_id": null,
            "lead_id": null,
            "add_time": fmt_space(add),
            "update_time": fmt_space(upd),
            "file_name": file_name,
            "file_type": ext,
            "file_size": g.range(FILE, i, 7, 2_000, 4_000_000),
            "active_flag": true,
            "inline_flag": false,
            "remote_location": "s3",
            "remote_id": null,
            "cid": null,
            "s3_bucket": null,
            "mail_message_id": null,
            "mail_template_id": null,
            "deal_name": deal.map(|d| self.deal(d).title),
            "person_name": self.person(person).name(),
            "org_name": org.map(|o| self.org(o).name),
            "product_name": null,
            "lead_name": null,
            // The company's own host, as Pipedrive writes it: not the sandbox's, which differs
            // from run to run.
            "url": format!("https://sandbox.pipedrive.com/api/v1/files/{}/download", i + 1),
            "name": file_name,
            "description": g.chance(FILE, i, 8, 30).then_some("Signed copy"),
        })
    }
}

fn list(st: &Shared, uri: &Uri) -> axum::response::Response {
    let d = &st.pipedrive;
    let p = params(uri);
    // Pipedrive caps `limit` at 100 here.
    if num(&p, "limit").is_some_and(|l| l > 100) {
        return error(
            StatusCode::BAD_REQUEST,
            "Validation failed: limit: Number must be less than or equal to 100",
        );
    }
    let sort = match v1_sort::request(&p, &["id", "update_time"]) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let order = v1_sort::order((0..d.file_count()).collect(), &sort, |i, f| {
        match &d.file_json(i)[f] {
            Value::Number(n) => SortKey::Number(n.as_i64().unwrap_or_default()),
            Value::String(s) => SortKey::Text(s.clone()),
            _ => SortKey::Empty,
        }
    });
    v1_page(order.len(), None, &p, |k| d.file_json(order[k]))
}

pub fn table_data(d: &Data) -> Vec<Value> {
    (0..d.file_count()).map(|i| d.file_json(i)).collect()
}

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/files",
        get(|State(st): State<AppState>, uri: Uri| async move { list(&st, &uri) }),
    )
    .route(
        "/files/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                match id_of(&id, st.pipedrive.file_count()) {
                    Some(i) => ok(json!({
                        "success": true, "data": st.pipedrive.file_json(i),
                    })),
                    None => error(StatusCode::NOT_FOUND, "File not found"),
                }
            },
        ),
    )
}
