//! The built-in profiles, compiled in from `profiles/*.toml`: one table of names, aliases and
//! files, from which lookups and every listing of them come.

/// A built-in profile.
pub struct Builtin {
    /// The name users give as `Profile=` and the SQL schema of its tables.
    pub name: &'static str,
    /// Other names accepted for it.
    pub aliases: &'static [&'static str],
    pub toml: &'static str,
}

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "pipedrive",
        aliases: &[],
        toml: include_str!("../../profiles/pipedrive.toml"),
    },
    Builtin {
        name: "helpscout",
        aliases: &[],
        toml: include_str!("../../profiles/helpscout.toml"),
    },
    Builtin {
        name: "helpscout_docs",
        aliases: &["helpscout-docs", "helpscoutdocs"],
        toml: include_str!("../../profiles/helpscout_docs.toml"),
    },
    Builtin {
        name: "keap",
        aliases: &["infusionsoft"],
        toml: include_str!("../../profiles/keap.toml"),
    },
    Builtin {
        name: "talkdesk",
        aliases: &[],
        toml: include_str!("../../profiles/talkdesk.toml"),
    },
    Builtin {
        name: "leaddesk",
        aliases: &[],
        toml: include_str!("../../profiles/leaddesk.toml"),
    },
];

/// The built-in profile a name or alias names, ignoring case.
pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| {
        b.name.eq_ignore_ascii_case(name) || b.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

/// The built-ins for a message: `pipedrive, …, keap (alias infusionsoft), …`.
pub fn listing() -> String {
    BUILTINS
        .iter()
        .map(|b| match b.aliases.first() {
            Some(alias) => format!("{} (alias {alias})", b.name),
            None => b.name.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
