//! Keap REST v1 opportunity stage pipeline: `GET /opportunity/stage_pipeline`, a bare array of
//! `{stage_id, stage_name, stage_order, stage_count, end_stage, is_default}`, unpaged (Keap
//! documents no `limit`/`offset` here, so they are ignored). The stages are the ones the
//! opportunities carry; `stage_count`, whose meaning Keap does not document, holds the number of
//! opportunities in the stage.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{Data, STAGES};
use crate::common::ok;
use crate::AppState;

impl Data {
    /// The pipeline's stages, first to last.
    pub(super) fn stage_pipeline(&self) -> Vec<Value> {
        (0..STAGES.len())
            .map(|s| {
                let in_stage = (0..self.n).filter(|i| self.opportunity(*i).2 == s).count();
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
        get(|State(st): State<AppState>| async move { ok(Value::Array(st.keap.stage_pipeline())) }),
    )
}
