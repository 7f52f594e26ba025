//! Keap REST v1 appointments and sent e-mails, as records of the generated account.
//! Appointments (`GET /appointments`, envelope with `sync_token`; filter `contact_id`): v1's
//! schema shows no `id`, but the single route `/appointments/{appointmentId}` needs one, so the
//! records carry it as tasks' do. Sent e-mails (`GET /emails`; filters `contact_id`,
//! `since_sent_date`/`until_sent_date` on `sent_date`, both ends included, `until` refused
//! without `since` as Keap documents); only the single e-mail adds the Base64 `html_content` and
//! `plain_content`. The shared list envelope and paging are keap.rs's.

use serde_json::{json, Value};

use super::{id_filter, message, time_filter, Data, Filter, USERS};
use crate::common::{param, Params, Rejection};
use crate::data::{self, fmt_iso_ms};
use axum::http::StatusCode;

const APPOINTMENT: u64 = 0x4C;
const EMAIL: u64 = 0x4D;

const PLACES: &[&str] = &["Zoom", "Office, 2nd floor", "Café Ekberg", "Phone"];
const SUBJECTS: &[&str] = &[
    "Welcome to the newsletter",
    "Your invoice",
    "Webinar: last chance to register",
    "Grüße aus Berlin",
    "Following up on our call",
];
const REMINDERS: &[u64] = &[5, 10, 15, 30, 60, 120, 240, 480, 1440, 2880];
const PROVIDERS: &[&str] = &[
    "INFUSIONSOFT",
    "INFUSIONSOFT",
    "GOOGLE",
    "MICROSOFT",
    "UNKNOWN",
];

impl Data {
    pub(super) fn appointment_count(&self) -> usize {
        self.n / 2
    }

    pub(super) fn email_count(&self) -> usize {
        self.n
    }

    /// (contact, when it starts)
    fn appointment(&self, i: usize) -> (Option<usize>, i64) {
        let g = &self.g;
        let contact = if g.chance(APPOINTMENT, i, 1, 15) {
            None
        } else {
            g.index(APPOINTMENT, i, 2, self.n)
        };
        (contact, g.time(APPOINTMENT, i, 3))
    }

    pub(super) fn appointment_json(&self, i: usize) -> Value {
        let g = &self.g;
        let (contact, start) = self.appointment(i);
        let who = contact.map_or("the team", |c| self.contact(c).first);
        json!({
            "id": i + 1,
            "title": format!("Meeting with {who}"),
            "description": g.chance(APPOINTMENT, i, 4, 50).then_some("Demo of the Pro plan — bring the price list"),
            "location": (!g.chance(APPOINTMENT, i, 5, 20)).then(|| g.pick(APPOINTMENT, i, 6, PLACES)),
            "start_date": fmt_iso_ms(start),
            "end_date": fmt_iso_ms(start + 30 * 60 * g.range(APPOINTMENT, i, 7, 1, 4) as i64),
            "remind_time": (!g.chance(APPOINTMENT, i, 8, 30)).then(|| g.pick(APPOINTMENT, i, 9, REMINDERS)),
            "contact_id": contact.map(|c| c + 1),
            "user": g.range(APPOINTMENT, i, 10, 1, USERS as u64),
        })
    }

    /// (contact, sent)
    fn email(&self, i: usize) -> (usize, i64) {
        (
            self.g.range(EMAIL, i, 1, 0, self.n as u64 - 1) as usize,
            self.g.time(EMAIL, i, 2),
        )
    }

    pub(super) fn email_json(&self, i: usize) -> Value {
        let g = &self.g;
        let (contact, sent) = self.email(i);
        let c = self.contact(contact);
        let to = if c.emails > 0 {
            self.contact_email(contact, 0)
        } else {
            data::email(g, EMAIL, i, 0, c.first, c.last.unwrap_or("contact"))
        };
        let opened = g.chance(EMAIL, i, 3, 60);
        let clicked = opened && g.chance(EMAIL, i, 4, 40);
        let provider = g.pick(EMAIL, i, 5, PROVIDERS);
        json!({
            "id": i + 1,
            "contact_id": contact + 1,
            "subject": g.pick(EMAIL, i, 6, SUBJECTS),
            "headers": format!("Message-ID: <{}@sandbox.infusionsoft.com>", g.hex(EMAIL, i, 7, 16)),
            "sent_to_address": to,
            "sent_to_cc_addresses": g.chance(EMAIL, i, 8, 15).then_some("office@example.com"),
            "sent_to_bcc_addresses": null,
            "sent_from_address": "sales@sandbox.example.com",
            "sent_from_reply_address": "reply@sandbox.example.com",
            "sent_date": fmt_iso_ms(sent),
            "received_date": fmt_iso_ms(sent + 2),
            "opened_date": opened.then(|| fmt_iso_ms(sent + g.range(EMAIL, i, 9, 60, 86_400) as i64)),
            "clicked_date": clicked.then(|| fmt_iso_ms(sent + 86_400 + g.range(EMAIL, i, 10, 60, 3600) as i64)),
            "original_provider": provider,
            "original_provider_id": (provider != "INFUSIONSOFT" && provider != "UNKNOWN")
                .then(|| g.hex(EMAIL, i, 11, 12)),
        })
    }

    /// `GET /emails/{id}`: the list record with its content, Base64-encoded.
    pub(super) fn email_single(&self, i: usize) -> Value {
        let mut record = self.email_json(i);
        let subject = record["subject"].as_str().unwrap_or_default().to_owned();
        record["plain_content"] = json!(base64(&subject));
        record["html_content"] = json!(base64(&format!("<p>{subject}</p>")));
        record
    }
}

pub(super) fn appointment_filters<'a>(
    d: &'a Data,
    p: &Params,
    out: &mut Vec<Filter<'a>>,
) -> Result<(), Rejection> {
    if let Some(c) = id_filter(p, "contact_id")? {
        out.push(Box::new(move |i| {
            d.appointment(i).0.map(|x| x + 1) == Some(c)
        }));
    }
    Ok(())
}

pub(super) fn email_filters<'a>(
    d: &'a Data,
    p: &Params,
    out: &mut Vec<Filter<'a>>,
) -> Result<(), Rejection> {
    if let Some(c) = id_filter(p, "contact_id")? {
        out.push(Box::new(move |i| d.email(i).0 + 1 == c));
    }
    if param(p, "until_sent_date").is_some() && param(p, "since_sent_date").is_none() {
        return Err(Box::new(message(
            StatusCode::BAD_REQUEST,
            "since_sent_date must be present if until_sent_date is provided",
        )));
    }
    if let Some(since) = time_filter(p, "since_sent_date")? {
        out.push(Box::new(move |i| d.email(i).1 >= since));
    }
    if let Some(until) = time_filter(p, "until_sent_date")? {
        out.push(Box::new(move |i| d.email(i).1 <= until));
    }
    Ok(())
}

/// Standard base64 with padding.
fn base64(s: &str) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::base64;
    use crate::common::base64_decode;

    #[test]
    fn base64_round_trips() {
        assert_eq!(base64("key:X"), "a2V5Olg=");
        for s in ["", "a", "ab", "abc", "Grüße <p>"] {
            assert_eq!(base64_decode(&base64(s)).as_deref(), Some(s.as_bytes()));
        }
    }
}
