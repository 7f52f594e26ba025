//! Profiles: an API described as data (TOML). Owns the model, loading a built-in by name or a file
//! by path, and validation. It knows nothing of HTTP or SQL execution; `rest` reads a `Profile`.

mod builtin;
pub mod model;
pub mod template;
pub mod types;
mod validate;
mod validate_writes;

pub use model::*;
pub use types::{ColumnType, CustomFieldType, TimeFormat};

use crate::connect::settings::Settings;
use crate::error::{ConnectError, Error, Result};

/// A profile file larger than this is no profile (the largest built-in is about 20 KB).
pub const MAX_PROFILE_BYTES: u64 = 4 << 20;

/// A built-in profile by name (`keap` alias `infusionsoft`), else the profile file at that path.
pub fn load(name_or_path: &str) -> Result<Profile> {
    let key = name_or_path.trim();
    if let Some(builtin) = builtin::find(key) {
        return parse(builtin.toml, &format!("built-in '{}'", builtin.name));
    }
    let path = std::path::Path::new(key);
    let looks_like_path =
        key.contains('/') || key.contains('\\') || key.contains('.') || path.exists();
    if !looks_like_path {
        return Err(Error::new(
            ConnectError::Profile,
            format!(
                "Profile '{key}' is not a built-in profile; use one of {} or the path of a profile file",
                builtin::listing()
            ),
        ));
    }
    let unreadable = |why: String| {
        Error::new(
            ConnectError::Profile,
            format!(
                "Profile file '{key}' could not be read ({why}); check the path, or use a built-in: {}",
                builtin::listing()
            ),
        )
    };
    let bytes = crate::files::read_regular(path, MAX_PROFILE_BYTES, crate::files::Follow::Yes)
        .map_err(|e| unreadable(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".into()))?;
    parse(&text, &format!("'{key}'"))
}

/// Parses and validates profile TOML; `source` names it in messages.
pub fn parse(text: &str, source: &str) -> Result<Profile> {
    let mut profile: Profile = toml::from_str(text).map_err(|e| {
        Error::new(
            ConnectError::Profile,
            format!(
                "Profile {source} is not valid: {}; fix the profile file",
                e.to_string().trim()
            ),
        )
    })?;
    profile.source = source.to_string();
    validate::validate(&mut profile)?;
    Ok(profile)
}

impl Profile {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }

    /// The table's pagination, or the profile-wide one.
    pub fn pagination_of<'a>(&'a self, t: &'a Table) -> Option<&'a Pagination> {
        t.pagination.as_ref().or(self.pagination.as_ref())
    }

    pub fn setting(&self, name: &str) -> Option<&SettingDecl> {
        self.settings
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// The value a template's `{name}` takes on a connection: the connection property of that
    /// name, else ProfileSettings or a top-level key, else the profile's declared default.
    /// Secrets are returned as they are: send them, never show them.
    pub fn setting_value(&self, settings: &Settings, name: &str) -> Option<String> {
        settings
            .property_value(name)
            .filter(|v| !v.is_empty())
            .or_else(|| settings.profile_value(name).map(str::to_string))
            .or_else(|| self.setting(name).and_then(|d| d.default.clone()))
    }
}

#[cfg(test)]
mod tests;
