//! Keap REST v2 opportunity stage moves: `GET /opportunities/stageMoves` (page tokens and
//! `filter=opportunity_id==…;user_id==…`, see keap/v2.rs) and `GET /opportunities/stageMoves/{id}`, records `{id, opportunity_id, move_time,
//! move_from_stage_id, move_to_stage_id, prev_stage_move_time, user_id, created_by,
//! create_time}`, every id a string. Times are written as Keap's examples write them,
//! `2024-03-15T10:30:00.000+0000` (an offset without a colon). Each opportunity moved through the
//! pipeline's stages (keap/stages.rs) one by one up to its current stage: its first move comes
//! from stage "0" (none) and has no previous move time.
//!
//! Writes through v1 add moves, as moving an opportunity in Keap records one: a created
//! opportunity's move from "0" into its stage, and a PATCH that changes the stage (kept in
//! `st.writes` as `opportunity_stage_moves`, after the generated moves, ids following theirs).

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::v2::{filtered_page, not_found};
use super::{write_store, Data};
use crate::common::{id_of, ok, params, Service};
use crate::data::fmt_iso_ms;
use crate::writes::key_text;
use crate::{AppState, Shared};

const STAGE_MOVE: u64 = 0x39;
const TABLE: &str = "opportunity_stage_moves";

/// Keap's stage-move time format: RFC 3339 with milliseconds but `+0000` for the zone.
fn fmt_move_time(ts: i64) -> String {
    let mut s = fmt_iso_ms(ts);
    s.pop(); // the `Z`
    s + "+0000"
}

impl Data {
    /// Where each opportunity's moves start among all of them, then their number: an
    /// opportunity in stage s (0-based) made s + 1 moves.
    pub(super) fn count_stage_moves(&self) -> Vec<usize> {
        let mut starts = Vec::with_capacity(self.n + 1);
        let mut total = 0;
        for i in 0..self.n {
            starts.push(total);
            total += self.opportunity(i).2 + 1;
        }
        starts.push(total);
        starts
    }

    pub(super) fn stage_move_count(&self) -> usize {
        self.stage_move_starts.last().copied().unwrap_or(0)
    }

    fn move_time(&self, i: usize, t: usize) -> i64 {
        let created = self.g.time(super::OPPORTUNITY, i, 5);
        created + t as i64 * 5 * 86_400 + self.g.range(STAGE_MOVE, i, t as u64, 0, 86_399) as i64
    }

    /// Stage move `m` (0-based over all of them).
    pub(super) fn stage_move_json(&self, m: usize) -> Value {
        // The opportunity whose moves hold m: the last one starting at or before it.
        let i = self.stage_move_starts.partition_point(|s| *s <= m) - 1;
        let t = m - self.stage_move_starts[i];
        let (_, user, _) = self.opportunity(i);
        let at = self.move_time(i, t);
        json!({
            "id": (m + 1).to_string(),
            "opportunity_id": (i + 1).to_string(),
            "move_time": fmt_move_time(at),
            "move_from_stage_id": t.to_string(),
            "move_to_stage_id": (t + 1).to_string(),
            "prev_stage_move_time": (t > 0).then(|| fmt_move_time(self.move_time(i, t - 1))),
            "user_id": (user + 1).to_string(),
            "created_by": (user + 1).to_string(),
            "create_time": fmt_move_time(at + 2),
        })
    }
}

/// Records opportunity `opportunity`'s move from stage `from` (0: none) to `to`, by `user`, now.
pub(super) fn record_move(st: &Shared, opportunity: u64, from: u64, to: u64, user: u64) {
    let d = &st.keap;
    // The previous move of a generated opportunity is its last generated one, into its stage.
    let generated_prev = (1..=d.n as u64).contains(&opportunity).then(|| {
        let i = opportunity as usize - 1;
        fmt_move_time(d.move_time(i, d.opportunity(i).2))
    });
    let at = fmt_move_time(write_store::now());
    let generated = d.stage_move_count() as u64;
    st.writes.with(Service::Keap, TABLE, |w| {
        let prev = w
            .created
            .iter()
            .rev()
            .find(|m| m["opportunity_id"].as_str() == Some(opportunity.to_string().as_str()))
            .map(|m| m["move_time"].clone())
            .or(generated_prev.map(Value::from))
            .unwrap_or(Value::Null);
        let id = w.next_id(generated);
        w.created.push(json!({
            "id": id.to_string(),
            "opportunity_id": opportunity.to_string(),
            "move_time": at,
            "move_from_stage_id": from.to_string(),
            "move_to_stage_id": to.to_string(),
            "prev_stage_move_time": prev,
            "user_id": user.to_string(),
            "created_by": user.to_string(),
            "create_time": at,
        }));
    });
}

/// Every stage move now: the generated ones, then those writes recorded.
pub(super) fn all_moves(st: &Shared) -> Vec<Value> {
    let d = &st.keap;
    let recorded = st.writes.snapshot(Service::Keap, TABLE).created;
    (0..d.stage_move_count())
        .map(|m| d.stage_move_json(m))
        .chain(recorded)
        .collect()
}

pub(super) fn count(st: &Shared) -> usize {
    st.keap.stage_move_count() + st.writes.snapshot(Service::Keap, TABLE).created.len()
}

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/opportunities/stageMoves",
        get(|State(st): State<AppState>, uri: Uri| async move {
            let d = &st.keap;
            let generated = d.stage_move_count();
            let recorded = st.writes.snapshot(Service::Keap, TABLE).created;
            let move_at = |m: usize| match m.checked_sub(generated) {
                Some(k) => recorded[k].clone(),
                None => d.stage_move_json(m),
            };
            let keep = |m: usize, clauses: &[(String, String)]| {
                let record = move_at(m);
                clauses
                    .iter()
                    .all(|(field, value)| record[field.as_str()].as_str() == Some(value.as_str()))
            };
            filtered_page(
                &params(&uri),
                "stage_moves",
                &["opportunity_id", "user_id"],
                generated + recorded.len(),
                keep,
                move_at,
            )
        }),
    )
    .route(
        "/opportunities/stageMoves/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                if let Some(m) = id_of(&id, st.keap.stage_move_count()) {
                    return ok(st.keap.stage_move_json(m));
                }
                let recorded = st.writes.snapshot(Service::Keap, TABLE).created;
                match recorded
                    .into_iter()
                    .find(|m| key_text(&m["id"]).as_deref() == Some(id.as_str()))
                {
                    Some(m) => ok(m),
                    None => not_found(),
                }
            },
        ),
    )
}
