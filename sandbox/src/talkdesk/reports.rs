//! The Explore report types besides `calls` that the sandbox serves through the same job flow
//! (`/data/reports/{type}/jobs`, poll, file): `contacts` (one row per contact, a segment of an
//! interaction), `user_status` (agent status changes), `ring_attempts` and
//! `studio_flow_execution` (one row per Studio flow step), with the fields
//! docs/reference/coverage/talkdesk.md lists for them. A job's file holds the rows whose
//! end/finish time (the field Airbyte's connector reads as the report's cursor) lies in its
//! timespan: `finished_at`, `status_end_at`, `ring_finished_at_time`, and the flow's finish time.
//! Times are `YYYY-MM-DD HH:MM:SS` in UTC; durations integer seconds, except `time_in_step`
//! (a fraction of a day, as Explore-style reports give it).

use serde_json::{json, Value};

use super::ring_groups::RING_GROUPS;
use super::{Data, TEAMS, USER};
use crate::data::{self, fmt_space};

/// Contacts report rows (`contacts`), user status changes, ring attempts, Studio flow executions.
const SEGMENT: u64 = 0x54;
const STATUS: u64 = 0x55;
const RING: u64 = 0x56;
const FLOW: u64 = 0x57;

/// (SQL table, report type) of every report here.
pub const TABLES: &[(&str, &str)] = &[
    ("contacts_report", "contacts"),
    ("user_status", "user_status"),
    ("ring_attempts", "ring_attempts"),
    ("studio_flow_execution", "studio_flow_execution"),
];

const NUMBERS: &[(&str, &str)] = &[
    ("+18005550100", "Support line"),
    ("+351300500600", "Linha Portugal"),
];
const STATUSES: &[&str] = &[
    "Available",
    "Away",
    "On A Call",
    "After Call Work",
    "Offline",
    "Lunch",
];
const FLOWS: &[&str] = &["Main IVR", "After hours", "Callback request"];
/// (component title, step name, exits)
const STEPS: &[(&str, &str, &[&str])] = &[
    ("Start", "Incoming call", &["ok"]),
    ("Menu", "Main menu", &["option_1", "option_2", "timeout"]),
    ("Business hours", "Check hours", &["open", "closed"]),
    (
        "Assign and dial",
        "Dial support",
        &["answered", "no_answer"],
    ),
    ("Voicemail", "Leave a message", &["ok"]),
];

fn yes_no(b: bool) -> &'static str {
    if b {
        "Yes"
    } else {
        "No"
    }
}

impl Data {
    /// The rows of report `kind` whose window time lies in `from..to`; None for a type the
    /// sandbox does not serve.
    pub(super) fn report_entries(&self, kind: &str, from: i64, to: i64) -> Option<Vec<Value>> {
        let rows = |table: u64| {
            (0..self.n).filter(move |i| (from..to).contains(&self.window_time(table, *i)))
        };
        Some(match kind {
            "contacts" => rows(SEGMENT).map(|i| self.segment_json(i)).collect(),
            "user_status" => rows(STATUS).map(|i| self.status_json(i)).collect(),
            "ring_attempts" => rows(RING).map(|i| self.ring_json(i)).collect(),
            "studio_flow_execution" => rows(FLOW).flat_map(|i| self.flow_steps(i)).collect(),
            _ => return None,
        })
    }

    /// How many rows report `kind` has in `from..to` (without building them).
    pub(super) fn report_rows(&self, kind: &str, from: i64, to: i64) -> usize {
        let table = match kind {
            "contacts" => SEGMENT,
            "user_status" => STATUS,
            "ring_attempts" => RING,
            _ => FLOW,
        };
        (0..self.n)
            .filter(|i| (from..to).contains(&self.window_time(table, *i)))
            .map(|i| if table == FLOW { self.step_count(i) } else { 1 })
            .sum()
    }

    fn agent(&self, table: u64, i: usize, field: u64) -> Option<usize> {
        self.g.index(table, i, field, self.n)
    }

    fn agent_name(&self, u: usize) -> String {
        let (f, l) = self.user_name(u);
        format!("{f} {l}")
    }

    fn team(&self, table: u64, i: usize, field: u64) -> (String, &'static str) {
        let k = self.g.range(table, i, field, 0, TEAMS.len() as u64 - 1) as usize;
        (format!("team-{:04x}", 0x7e00 + k), TEAMS[k])
    }

    fn segment_json(&self, i: usize) -> Value {
        let g = &self.g;
        let t = SEGMENT;
        let finished = self.window_time(t, i);
        let inbound = !g.chance(t, i, 2, 35);
        let kind = if inbound {
            match g.range(t, i, 3, 0, 99) {
                0..=59 => "Answered",
                60..=74 => "Missed",
                75..=84 => "Abandoned",
                85..=89 => "Short Abandoned",
                _ => "Voicemail",
            }
        } else if g.chance(t, i, 3, 70) {
            "Connected"
        } else {
            "Not Connected"
        };
        let talked = matches!(kind, "Answered" | "Connected");
        let wait = match (inbound, kind) {
            (false, _) => 0,
            (true, "Short Abandoned") => g.range(t, i, 4, 1, 9),
            (true, _) => g.range(t, i, 4, 10, 120),
        };
        let ring = g.range(t, i, 6, 2, 30);
        let talk = if talked {
            g.range(t, i, 7, 10, 1800)
        } else {
            0
        };
        let (hard, soft) = if talked && g.chance(t, i, 8, 25) {
            (g.range(t, i, 9, 5, 90), g.range(t, i, 10, 0, 30))
        } else {
            (0, 0)
        };
        let acw = if talked { g.range(t, i, 11, 0, 120) } else { 0 };
        let duration = wait + ring + talk + hard + soft;
        let started = finished - duration as i64;
        let user = if talked { self.agent(t, i, 12) } else { None };
        let (team_id, team_name) = self.team(t, i, 13);
        let (number, display) = g.pick(t, i, 14, NUMBERS);
        let groups: Vec<&str> = RING_GROUPS
            .iter()
            .enumerate()
            .filter(|(k, _)| g.chance(t, i, 20 + *k as u64, 40))
            .map(|(_, r)| r.0)
            .collect();
        let handling = groups.first().copied().filter(|_| talked);
        let transfer_out = talked && g.chance(t, i, 15, 10);
        let assigned = user.filter(|_| g.chance(t, i, 16, 10));
        let hour = (started % 86_400) / 3600;
        let when = |cond: bool, v: u64| cond.then_some(v);
        let mut row = json!({
            "contact_id": g.hex(t, i, 30, 32),
            "interaction_id": g.hex(t, i, 31, 32),
            "company_number": number,
            "phone_display_name": display,
            "contact_person_number": data::phone(g, t, i, 0),
            "external_phone_number": transfer_out.then(|| data::phone(g, t, i, 1)),
            "direction": if inbound { "IN" } else { "OUT" },
            "contact_type": kind,
            "started_at": fmt_space(started),
            "answered_at": (inbound && talked).then(|| fmt_space(started + (wait + ring) as i64)),
            "connected_at": (!inbound && talked).then(|| fmt_space(started + ring as i64)),
            "finished_at": fmt_space(finished),
        });
        // Two objects: one json! of all 41 fields passes the macro's recursion limit.
        let times = json!({
            "wait_time": when(inbound, wait),
            "time_to_missed": when(kind == "Missed", wait),
            "abandon_time": when(kind == "Abandoned", wait),
            "short_abandon_time": when(kind == "Short Abandoned", wait),
            "time_to_voicemail": when(kind == "Voicemail", wait),
            "ring_time": ring,
            "connect_time": when(!inbound && talked, ring),
            "talk_time": when(talked, talk),
            "hard_hold_time": when(talked, hard),
            "soft_hold_time": when(talked, soft),
            "hold_time": when(talked, hard + soft),
            "after_call_work_time": when(talked, acw),
            "duration": duration,
            "handle_time": when(talked, talk + hard + soft + acw),
            "inside_business_hours": yes_no((8..18).contains(&hour)),
            "inside_service_level": yes_no(wait <= 20),
            "within_service_level_threshold": yes_no(wait <= 30),
            "transfer_out": yes_no(transfer_out),
            "transfer_in": yes_no(g.chance(t, i, 17, 5)),
            "transfer_out_type": if transfer_out { "External" } else { "None" },
            "transfer_in_type": "None",
            "callback": if g.chance(t, i, 18, 5) { "Callback" } else { "None" },
            "ring_groups": groups.join(", "),
            "handling_ring_groups": handling,
            "user_name": user.map(|u| self.agent_name(u)),
            "user_id": user.map(|u| self.id(USER, u)),
            "direct_assignment_user": assigned.map(|u| self.agent_name(u)),
            "direct_assignment_ids": assigned.map(|u| self.id(USER, u)),
            "team_name": user.map(|_| team_name),
            "team_id": user.map(|_| team_id),
        });
        if let (Value::Object(row), Value::Object(more)) = (&mut row, times) {
            row.extend(more);
        }
        row
    }

    fn status_json(&self, i: usize) -> Value {
        let g = &self.g;
        let t = STATUS;
        let end = self.window_time(t, i);
        let time = g.range(t, i, 2, 5, 7200);
        let u = self.agent(t, i, 3);
        let (team_id, team_name) = self.team(t, i, 4);
        let teamless = g.chance(t, i, 5, 15);
        let groups: Vec<String> = RING_GROUPS
            .iter()
            .enumerate()
            .filter(|(k, _)| g.chance(t, i, 10 + *k as u64, 35))
            .map(|(_, r)| format!("\"{}\"", r.0))
            .collect();
        json!({
            "user_id": u.map(|u| self.id(USER, u)),
            "user_name": u.map(|u| self.agent_name(u)),
            "user_email": u.map(|u| self.user_email(u)),
            "status_label": g.pick(t, i, 6, STATUSES),
            "status_start_at": fmt_space(end - time as i64),
            "status_end_at": fmt_space(end),
            "status_time": time,
            "is_user_active": !g.chance(t, i, 7, 10),
            "team_id": (!teamless).then_some(team_id),
            "team_name": (!teamless).then_some(team_name),
            "ring_groups": format!("[{}]", groups.join(", ")),
        })
    }

    fn ring_json(&self, i: usize) -> Value {
        let g = &self.g;
        let t = RING;
        let finished = self.window_time(t, i);
        let duration = g.range(t, i, 2, 1, 30);
        let u = self.agent(t, i, 3);
        json!({
            "ring_attempt_id": g.hex(t, i, 4, 32),
            "interaction_id": g.hex(t, i, 5, 32),
            "contact_id": g.hex(t, i, 6, 32),
            "batch_ring_id": g.hex(t, i, 7, 32),
            "attempt_type": g.pick(t, i, 8, &["Answered", "Ignored", "Rejected", "Missed"]),
            "ring_started_at_time": fmt_space(finished - duration as i64),
            "ring_finished_at_time": fmt_space(finished),
            "ring_attempt_duration": duration,
            "user_name": u.map(|u| self.agent_name(u)),
            "user_email": u.map(|u| self.user_email(u)),
            "team_name": u.map(|_| self.team(t, i, 9).1),
        })
    }

    fn step_count(&self, i: usize) -> usize {
        self.g.range(FLOW, i, 2, 2, STEPS.len() as u64) as usize
    }

    /// The steps of flow execution `i`, which finishes at its window time.
    fn flow_steps(&self, i: usize) -> Vec<Value> {
        let g = &self.g;
        let t = FLOW;
        let finished = self.window_time(t, i);
        let steps = self.step_count(i);
        let times: Vec<u64> = (0..steps)
            .map(|k| g.range(t, i, 10 + k as u64, 1, 60))
            .collect();
        let flow = g.range(t, i, 3, 0, FLOWS.len() as u64 - 1) as usize;
        let flow_id = g.hex(t, flow, 0xF1, 32);
        let call_sid = format!("CA{}", g.hex(t, i, 4, 32));
        let interaction = g.hex(t, i, 5, 32);
        let origin = data::phone(g, t, i, 0);
        let destination = g.pick(t, i, 6, NUMBERS).0;
        let mut at = finished - times.iter().sum::<u64>() as i64;
        times
            .iter()
            .enumerate()
            .map(|(k, secs)| {
                let (title, name, exits) = STEPS[k];
                let row = json!({
                    "call_sid": call_sid,
                    "interaction_id": interaction,
                    "destination_number": destination,
                    "origin_number": origin,
                    "flow_name": FLOWS[flow],
                    "flow_id": flow_id,
                    "component_title": title,
                    "step_name": name,
                    "exit": g.pick(t, i, 20 + k as u64, exits),
                    "time_in_step": *secs as f64 / 86_400.0,
                    "timestamp": fmt_space(at),
                    "studio_flow_executions_aggregated.flow_execution_finished_time": fmt_space(finished),
                    "step_execution_order": k + 1,
                });
                at += *secs as i64;
                row
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Gen;

    #[test]
    fn rows_lie_in_the_span_and_counts_agree() {
        let d = Data::new(&Gen::new(7), 60);
        let (from, to) = (d.calls_from(), d.calls_to);
        for (_, kind) in TABLES {
            let rows = d.report_entries(kind, from, to).unwrap();
            assert_eq!(rows.len(), d.report_rows(kind, from, to), "{kind}");
            assert!(!rows.is_empty(), "{kind}");
            let all = d.report_entries(kind, i64::MIN, to).unwrap();
            assert!(all.len() > rows.len(), "{kind}: nothing before the window");
        }
        let window = |r: &Value, k: &str| r[k].as_str().unwrap().to_owned();
        let (lo, hi) = (fmt_space(from), fmt_space(to));
        for (kind, field) in [
            ("contacts", "finished_at"),
            ("user_status", "status_end_at"),
            ("ring_attempts", "ring_finished_at_time"),
            (
                "studio_flow_execution",
                "studio_flow_executions_aggregated.flow_execution_finished_time",
            ),
        ] {
            for r in d.report_entries(kind, from, to).unwrap() {
                let w = window(&r, field);
                assert!(w >= lo && w < hi, "{kind}: {w}");
            }
        }
        assert!(d.report_entries("audit_logs", from, to).is_none());
    }
}
