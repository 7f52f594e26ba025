//! Keap REST v1 opportunity stage pipeline: `GET /opportunity/stage_pipeline`, a bare array of
//! `{stage_id, stage_name, stage_order, stage_count, end_stage, is_default}`, unpaged (Keap
//! documents no `limit`/`offset` here, so they are ignored). The stages are the ones the
//! opportunities carry; `stage_count`, whose meaning Keap does not document, holds the number of
//! opportunities in the stage (as they read after writes, keap/overlay.rs).

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{overlay, Data, Table, STAGES};
use crate::common::ok;
use crate::{AppState, Shared};

/// The pipeline's stages, first to last, counting the opportunities as they read now.
pub(super) fn pipeline(st: &Shared) -> Vec<Value> {
    let Some(w) = overlay::active(st, Table::Opportunities) else {
        return st.keap.stage_pipeline(|s| {
            (0..st.keap.n)
                .filter(|i| st.keap.opportunity(*i).2 == s)
                .count()
        });
    };
    let stages: Vec<u64> = overlay::records(st, Table::Opportunities, &w)
        .iter()
        .filter_map(|o| o["stage"]["id"].as_u64())
        .collect();
    st.keap
        .stage_pipeline(|s| stages.iter().filter(|id| **id == s as u64 + 1).count())
}

impl Data {
    /// The pipeline's stages, first to last, with `in_stage(s)` opportunities in stage `s`.
    fn stage_pipeline(&self, in_stage: impl Fn(usize) -> usize) -> Vec<Value> {
        (0..STAGES.len())
            .map(|s| {
                let in_stage = in_stage(s);
                json!({
                    "stage_id": s + 1,
                    "stage_name": STAGES[s],
                    "stage_order": s + 1,
                    "stage_count": in_stage,
                    "end_stage": s == STAGES.len() - 1,
                    "is_default": s == 0,
                })
            })
            .collect()
    }
}

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/opportunity/stage_pipeline",
        get(|State(st): State<AppState>| async move { ok(Value::Array(pipeline(&st))) }),
    )
}
