//! Pipedrive projects and their tasks (Projects add-on, API v1, which pages them by cursor):
//! `GET /projects` (exact `status`, `phase_id`; deleted projects left out as by default) and
//! `/projects/{id}`; `GET /tasks` (exact `project_id`, `assignee_id`, `done` 0/1,
//! `parent_task_id`) and `/tasks/{id}`; the boards projects sit on, `GET /projects/boards`, and a
//! board's phases, `GET /projects/phases?board_id=` (required), neither paged. One project per
//! five deals, three tasks per project (the third a subtask of the first); two boards of four
//! phases (projects use the first board's).

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{cursor_page, error, int_filter, Data, USERS};
use crate::common::{id_of, ok, param, params, Params, Rejection};
use crate::data::{fmt_date, fmt_space};
use crate::{AppState, Shared};

const PROJECT: u64 = 0x1B;
const TASK: u64 = 0x1C;
const TASKS_PER_PROJECT: usize = 3;
const STATUSES: &[&str] = &["open", "open", "completed", "canceled"];
const TASK_TITLES: &[&str] = &["Kick-off call", "Set up accounts", "Send welcome pack"];
const BOARDS: &[&str] = &["Onboarding", "Implementation"];
const PHASES: &[&str] = &["Planning", "In progress", "Review", "Done"];

/// Board `b` (0-based): created a year before the data, renamed a month later.
fn board_json(b: usize) -> Value {
    let add = crate::data::DATA_START - 365 * 86_400 + b as i64 * 86_400;
    json!({
        "id": b + 1, "name": BOARDS[b], "order_nr": b + 1,
        "add_time": fmt_space(add), "update_time": fmt_space(add + 30 * 86_400),
    })
}

/// Phase `k` (0-based over all boards); phase ids 1..=4 are the first board's.
fn phase_json(k: usize) -> Value {
    let (b, o) = (k / PHASES.len(), k % PHASES.len());
    let add = crate::data::DATA_START - 365 * 86_400 + k as i64 * 3_600;
    json!({
        "id": k + 1, "name": PHASES[o], "board_id": b + 1, "order_nr": o + 1,
        "add_time": fmt_space(add), "update_time": fmt_space(add),
    })
}

fn phases(p: &Params) -> axum::response::Response {
    let board = match int_filter(p, "board_id") {
        Ok(Some(b)) => b,
        Ok(None) => {
            return error(
                StatusCode::BAD_REQUEST,
                "Validation failed: board_id: Parameter 'board_id' is required",
            )
        }
        Err(r) => return *r,
    };
    let rows: Vec<Value> = (0..BOARDS.len() * PHASES.len())
        .map(phase_json)
        .filter(|r| r["board_id"] == json!(board))
        .collect();
    ok(json!({ "success": true, "data": rows, "additional_data": null }))
}

impl Data {
    pub(super) fn project_count(&self) -> usize {
        self.n / 5
    }

    fn project_json(&self, i: usize) -> Value {
        let g = &self.g;
        let deal = 5 * i;
        let d = self.deal(deal);
        let status = g.pick(PROJECT, i, 1, STATUSES);
        let add = d.add + 86_400;
        let upd = add + g.range(PROJECT, i, 2, 0, 60 * 86_400) as i64;
        let start = add + 2 * 86_400;
        json!({
            "id": i + 1,
            "title": format!("Onboarding: {}", d.title),
            "description": g.chance(PROJECT, i, 3, 50).then_some("Deliver what was sold."),
            "status": status,
            "board_id": 1,
            "phase_id": g.range(PROJECT, i, 4, 1, 4),
            "owner_id": g.range(PROJECT, i, 5, 1, USERS as u64),
            "start_date": fmt_date(start),
            "end_date": g.chance(PROJECT, i, 6, 70).then(|| fmt_date(start + 45 * 86_400)),
            "deal_ids": [deal + 1],
            "org_id": d.org.map(|o| o + 1),
            "person_id": d.person.map(|p| p + 1),
            "labels": if g.chance(PROJECT, i, 7, 40) { json!([1, 3]) } else { json!([]) },
            "add_time": fmt_space(add),
            "update_time": fmt_space(upd),
            "status_change_time": (status != "open").then(|| fmt_space(upd)),
            "archive_time": null,
        })
    }

    pub(super) fn task_count(&self) -> usize {
        self.project_count() * TASKS_PER_PROJECT
    }

    fn task_json(&self, i: usize) -> Value {
        let g = &self.g;
        let project = i / TASKS_PER_PROJECT;
        let k = i % TASKS_PER_PROJECT;
        let done = g.chance(TASK, i, 1, 40);
        let add = g.time(TASK, i, 2);
        let upd = add + g.range(TASK, i, 3, 0, 20 * 86_400) as i64;
        let assignee = g.range(TASK, i, 4, 1, USERS as u64);
        json!({
            "id": i + 1,
            "title": TASK_TITLES[k],
            "description": null,
            "project_id": project + 1,
            "parent_task_id": (k == 2).then_some(project * TASKS_PER_PROJECT + 1),
            "assignee_id": assignee,
            "assignee_ids": [assignee],
            "done": u8::from(done),
            "due_date": g.chance(TASK, i, 5, 60).then(|| fmt_date(add + 14 * 86_400)),
            "creator_id": 1,
            "add_time": fmt_space(add),
            "update_time": fmt_space(upd),
            "marked_as_done_time": done.then(|| fmt_space(upd)),
        })
    }
}

/// `done`: 0 or 1.
fn done_filter(p: &Params) -> Result<Option<u64>, Rejection> {
    match param(p, "done") {
        None => Ok(None),
        Some("0") => Ok(Some(0)),
        Some("1") => Ok(Some(1)),
        Some(_) => Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            "Validation failed: done: Parameter 'done' must be 0 or 1",
        ))),
    }
}

fn list_projects(st: &Shared, uri: &Uri) -> axum::response::Response {
    let d = &st.pipedrive;
    let p = params(uri);
    let phase = match int_filter(&p, "phase_id") {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let status = param(&p, "status").map(str::to_owned);
    let keep = |i: usize| {
        let r = d.project_json(i);
        phase.is_none_or(|v| r["phase_id"] == json!(v))
            && status.as_deref().is_none_or(|s| r["status"] == json!(s))
    };
    let filtered = phase.is_some() || status.is_some();
    cursor_page(
        d.project_count(),
        filtered.then_some(&keep as &dyn Fn(usize) -> bool),
        &p,
        |i| d.project_json(i),
    )
}

fn list_tasks(st: &Shared, uri: &Uri) -> axum::response::Response {
    let d = &st.pipedrive;
    let p = params(uri);
    let read = || -> Result<_, Rejection> {
        Ok((
            int_filter(&p, "project_id")?,
            int_filter(&p, "assignee_id")?,
            done_filter(&p)?,
            int_filter(&p, "parent_task_id")?,
        ))
    };
    let (project, assignee, done, parent) = match read() {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let keep = |i: usize| {
        let r = d.task_json(i);
        project.is_none_or(|v| r["project_id"] == json!(v))
            && assignee.is_none_or(|v| r["assignee_id"] == json!(v))
            && done.is_none_or(|v| r["done"] == json!(v))
            && parent.is_none_or(|v| r["parent_task_id"] == json!(v))
    };
    let filtered = project.is_some() || assignee.is_some() || done.is_some() || parent.is_some();
    cursor_page(
        d.task_count(),
        filtered.then_some(&keep as &dyn Fn(usize) -> bool),
        &p,
        |i| d.task_json(i),
    )
}

/// Table name → its rows, for the manifest and `/_sandbox/data`.
pub fn table_data(d: &Data, name: &str) -> Option<Vec<Value>> {
    Some(match name {
        "projects" => (0..d.project_count()).map(|i| d.project_json(i)).collect(),
        "tasks" => (0..d.task_count()).map(|i| d.task_json(i)).collect(),
        "project_boards" => (0..BOARDS.len()).map(board_json).collect(),
        "project_phases" => (0..BOARDS.len() * PHASES.len()).map(phase_json).collect(),
        _ => return None,
    })
}

pub const TABLES: &[&str] = &["projects", "tasks", "project_boards", "project_phases"];

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/projects",
        get(|State(st): State<AppState>, uri: Uri| async move { list_projects(&st, &uri) }),
    )
    .route(
        "/projects/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                match id_of(&id, st.pipedrive.project_count()) {
                    Some(i) => ok(json!({ "success": true, "data": st.pipedrive.project_json(i) })),
                    None => error(StatusCode::NOT_FOUND, "Project not found"),
                }
            },
        ),
    )
    .route(
        "/projects/boards",
        get(|| async {
            let rows: Vec<Value> = (0..BOARDS.len()).map(board_json).collect();
            ok(json!({ "success": true, "data": rows, "additional_data": null }))
        }),
    )
    .route(
        "/projects/phases",
        get(|uri: Uri| async move { phases(&params(&uri)) }),
    )
    .route(
        "/tasks",
        get(|State(st): State<AppState>, uri: Uri| async move { list_tasks(&st, &uri) }),
    )
    .route(
        "/tasks/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                match id_of(&id, st.pipedrive.task_count()) {
                    Some(i) => ok(json!({ "success": true, "data": st.pipedrive.task_json(i) })),
                    None => error(StatusCode::NOT_FOUND, "Task not found"),
                }
            },
        ),
    )
}
