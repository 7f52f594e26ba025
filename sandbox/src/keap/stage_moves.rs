//! Keap REST v2 opportunity stage moves: `GET /opportunities/stageMoves` (page tokens and
//! `filter=opportunity_id==…;user_id==…`, see keap/v2.rs) and `GET /opportunities/stageMoves/{id}`, records `{id, opportunity_id, move_time,
//! move_from_stage_id, move_to_stage_id, prev_stage_move_time, user_id, created_by,
//! create_time}`, every id a string. Times are written as Keap's examples write them,
//! `2024-03-15T10:30:00.000+0000` (an offset without a colon). Each opportunity moved through the
//! pipeline's stages (keap/stages.rs) one by one up to its current stage: its first move comes
//! from stage "0" (none) and has no previous move time.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::v2::{filtered_page, not_found};
use super::Data;
use crate::common::{id_of, ok, params};
use crate::data::fmt_iso_ms;
use crate::AppState;

const STAGE_MOVE: u64 = 0x39;

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

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/opportunities/stageMoves",
        get(|State(st): State<AppState>, uri: Uri| async move {
            let d = &st.keap;
            let keep = |m: usize, clauses: &[(String, String)]| {
                let record = d.stage_move_json(m);
                clauses
                    .iter()
                    .all(|(field, value)| record[field.as_str()].as_str() == Some(value.as_str()))
            };
            filtered_page(
                &params(&uri),
                "stage_moves",
                &["opportunity_id", "user_id"],
                d.stage_move_count(),
                keep,
                |m| d.stage_move_json(m),
            )
        }),
    )
    .route(
        "/opportunities/stageMoves/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                match id_of(&id, st.keap.stage_move_count()) {
                    Some(m) => ok(st.keap.stage_move_json(m)),
                    None => not_found(),
                }
            },
        ),
    )
}
