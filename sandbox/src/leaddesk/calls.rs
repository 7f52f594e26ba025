//! `call/get`: one call by `call_ref_id` (the id LeadDesk pushes after a call) or by `phone`,
//! with the field set of the example payload community webhook code copies (every scalar a JSON
//! string, `order_ids` an array of integers). No command lists calls, so no table reads them.

use axum::response::Response;
use serde_json::{json, Value};

use super::{bad, int_arg, Data, AGENTS, AGENT_BASE, CALL, CAMPAIGNS, RESULTS};
use crate::common::{ok, param, Params};
use crate::data::{self, fmt_space};

pub(super) const CALL_BASE: usize = 500_001;

const GROUPS: [&str; 3] = ["Sales team", "Service desk", "Night shift"];

impl Data {
    /// The contact (0-based) call `i` went to, if it went to a known contact.
    fn call_contact(&self, i: usize) -> Option<usize> {
        self.g
            .index(CALL, i, 5, self.n)
            .filter(|_| self.g.chance(CALL, i, 6, 80))
    }

    fn call_number(&self, i: usize) -> String {
        self.call_contact(i).map_or_else(
            || data::phone(&self.g, CALL, i, 0),
            |c| self.contact_phone(c),
        )
    }

    fn call_json(&self, i: usize) -> Value {
        let g = &self.g;
        let start = g.time(CALL, i, 1);
        let talk = g.range(CALL, i, 2, 5, 1200) as i64;
        let wrap = g.range(CALL, i, 7, 0, 180) as i64;
        let orders: Vec<u64> = (0..g.range(CALL, i, 3, 0, 2))
            .map(|k| 900_000 + g.range(CALL, i, 10 + k, 0, 99_999))
            .collect();
        let a = g.range(CALL, i, 4, 0, AGENTS as u64 - 1) as usize;
        let agent = self.agent_json(a);
        let group = g.range(CALL, i, 8, 0, GROUPS.len() as u64 - 1) as usize;
        let campaign = g.range(CALL, i, 9, 0, CAMPAIGNS.len() as u64 - 1) as usize;
        let reason = g.range(CALL, i, 20, 0, RESULTS.len() as u64 - 1) as usize;
        let inbound = g.chance(CALL, i, 21, 25);
        let contact = self
            .call_contact(i)
            .map_or_else(String::new, |c| (c + 1).to_string());
        json!({
            "id": (CALL_BASE + i).to_string(),
            "agent_id": (AGENT_BASE + a).to_string(),
            "agent_username": agent["username"],
            "agent_group_id": (group + 1).to_string(),
            "agent_group_name": GROUPS[group],
            "campaign": (campaign + 1).to_string(),
            "campaign_name": CAMPAIGNS[campaign],
            "number": self.call_number(i),
            "talk_start": fmt_space(start),
            "talk_end": fmt_space(start + talk),
            "handling_stop": fmt_space(start + talk + wrap),
            "created_at": fmt_space(start - g.range(CALL, i, 22, 5, 40) as i64),
            "talk_time": talk.to_string(),
            "record_file": format!("{}_{}.mp3", CALL_BASE + i, start),
            "customer_id": contact,
            "contact_id": contact,
            "comment": if g.chance(CALL, i, 23, 40) { "Asked to call back next week" } else { "" },
            "call_ending_reason": (reason + 1).to_string(),
            "call_ending_reason_name": RESULTS[reason],
            "direction": if inbound { "in" } else { "out" },
            "call_type": if inbound { "2" } else { "1" },
            "call_type_name": if inbound { "inbound" } else { "semi" },
            "order_ids": orders,
        })
    }
}

/// `call/get&call_ref_id=` or `call/get&phone=` (then the latest call with that number).
pub(super) fn get(d: &Data, p: &Params) -> Response {
    if param(p, "call_ref_id").is_none() {
        if let Some(phone) = param(p, "phone") {
            let latest = (0..d.n)
                .filter(|i| d.call_number(*i) == phone)
                .max_by_key(|i| (d.g.time(CALL, *i, 1), *i));
            return match latest {
                Some(i) => ok(d.call_json(i)),
                None => bad("ERR_NOT_FOUND:call"),
            };
        }
    }
    match int_arg(p, "call_ref_id") {
        Err(r) => *r,
        Ok(id) => match (id as usize).checked_sub(CALL_BASE).filter(|i| *i < d.n) {
            Some(i) => ok(d.call_json(i)),
            None => bad("ERR_NOT_FOUND:call"),
        },
    }
}
