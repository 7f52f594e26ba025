//! Keap REST v1 files, metadata only: `GET /files` (filter `contact_id`; `permission` and
//! `viewable` default to BOTH, so the list is every file) and `GET /files/{fileId}`, which wraps
//! the record as `{"file_descriptor": {...}}` and adds `file_data` (Base64) only when
//! `optional_properties=file_data` asks for it. No file content is served.

use serde_json::{json, Value};

use super::{id_filter, Data, Filter, USERS};
use crate::common::{Params, Rejection};
use crate::data::fmt_iso_ms;

const FILE: u64 = 0x4E;

/// (category, file_box_type, name stem, extension)
const KINDS: &[(&str, &str, &str, &str)] = &[
    ("Attachments", "Attachment", "proposal", "pdf"),
    ("Documents", "Application", "contract", "docx"),
    ("Documents", "Contact", "Rechnung", "pdf"),
    ("Logo", "Image", "logo", "png"),
    ("WebForm", "WebForm", "signup-form", "csv"),
];

impl Data {
    pub(super) fn file_count(&self) -> usize {
        self.n / 2
    }

    fn file_contact(&self, i: usize) -> Option<usize> {
        if self.g.chance(FILE, i, 1, 25) {
            None
        } else {
            self.g.index(FILE, i, 2, self.n)
        }
    }

    pub(super) fn file_json(&self, i: usize) -> Value {
        let g = &self.g;
        let (category, box_type, stem, ext) = g.pick(FILE, i, 3, KINDS);
        let created = g.time(FILE, i, 4);
        json!({
            "id": i + 1,
            "file_name": format!("{stem}-{}.{ext}", i + 1),
            "file_size": g.range(FILE, i, 5, 512, 4_000_000),
            "category": category,
            "file_box_type": box_type,
            "contact_id": self.file_contact(i).map(|c| c + 1),
            "created_by": g.range(FILE, i, 6, 1, USERS as u64),
            "date_created": fmt_iso_ms(created),
            "last_updated": fmt_iso_ms(created + g.range(FILE, i, 7, 0, 30 * 86_400) as i64),
            "public": g.chance(FILE, i, 8, 30),
            "remote_file_key": g.hex(FILE, i, 9, 32),
            "download_url": format!("https://sandbox.infusionsoft.com/Download?Id={}", i + 1),
        })
    }

    /// `GET /files/{fileId}`: the record in `file_descriptor`, with `file_data` when asked for.
    pub(super) fn file_single(&self, i: usize, optional: Option<&str>) -> Value {
        let mut body = json!({ "file_descriptor": self.file_json(i) });
        if optional.is_some_and(|o| o.split(',').any(|p| p.trim() == "file_data")) {
            // Placeholder bytes: the sandbox keeps no file content ("sandbox file").
            body["file_data"] = json!("c2FuZGJveCBmaWxl");
        }
        body
    }
}

pub(super) fn file_filters<'a>(
    d: &'a Data,
    p: &Params,
    out: &mut Vec<Filter<'a>>,
) -> Result<(), Rejection> {
    if let Some(c) = id_filter(p, "contact_id")? {
        out.push(Box::new(move |i| {
            d.file_contact(i).map(|x| x + 1) == Some(c)
        }));
    }
    Ok(())
}
