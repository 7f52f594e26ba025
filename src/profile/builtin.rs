//! The built-in profiles, compiled in from `profiles/*.toml`.

pub const BUILTIN_NAMES: &[&str] = &[
    "pipedrive",
    "helpscout",
    "helpscout-docs",
    "keap",
    "infusionsoft",
    "talkdesk",
    "leaddesk",
];

const PIPEDRIVE: &str = include_str!("../../profiles/pipedrive.toml");
const HELPSCOUT: &str = include_str!("../../profiles/helpscout.toml");
const HELPSCOUT_DOCS: &str = include_str!("../../profiles/helpscout-docs.toml");
const KEAP: &str = include_str!("../../profiles/keap.toml");
const TALKDESK: &str = include_str!("../../profiles/talkdesk.toml");
const LEADDESK: &str = include_str!("../../profiles/leaddesk.toml");

/// The TOML of a built-in profile, by name ignoring case.
pub fn find(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "pipedrive" => PIPEDRIVE,
        "helpscout" => HELPSCOUT,
        "helpscout-docs" | "helpscoutdocs" => HELPSCOUT_DOCS,
        "keap" | "infusionsoft" => KEAP,
        "talkdesk" => TALKDESK,
        "leaddesk" => LEADDESK,
        _ => return None,
    })
}
