//! Reading a whole connection string into typed `Settings`: every key is matched to its property
//! (`properties`, the one declaration of each) or kept for the profile to claim; the first
//! occurrence of a key wins; properties given inside ProfileSettings apply when the top level does
//! not set them; bad values fail with messages that name the property and what it accepts; and
//! what is odd but not fatal comes back as warnings for the caller to post. Secrets are `Secret`s
//! from the moment they are read. It does not decide which auth scheme a profile accepts, nor open
//! files other than checking that SSLServerCert is readable.

use super::grammar::Attributes;
use crate::error::{prefixed, state, Result, SqlState};

pub use super::properties::{find_property, Property, PropertyInfo, Settings, PROPERTIES};
pub use super::values::{AuthScheme, InitiateOAuth, SettingsLocation};

/// A non-fatal finding while reading settings, returned to the caller to post as a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub state: SqlState,
    pub message: String,
    /// The key concerned, as the user spelled it, so a caller can drop the unknown-property warning
    /// for a key its profile claims.
    pub property: Option<String>,
}

/// Unknown keys listed in the one warning (01S00) about them; the rest are counted.
const UNKNOWN_KEYS_SHOWN: usize = 5;

/// The one warning about keys that are neither connection properties nor settings of the profile:
/// a connection string of thousands of stray keys gets one diagnostic, not thousands.
pub fn unknown_properties_warning(keys: &[&str]) -> Option<Warning> {
    let message = match keys {
        [] => return None,
        [only] => format!(
            "Unknown connection property '{only}' was ignored; see docs/connection-properties.md for the list"
        ),
        _ => {
            let shown: Vec<String> = keys
                .iter()
                .take(UNKNOWN_KEYS_SHOWN)
                .map(|k| format!("'{}'", k.chars().take(40).collect::<String>()))
                .collect();
            let more = if keys.len() > UNKNOWN_KEYS_SHOWN {
                format!(" and {} more", keys.len() - UNKNOWN_KEYS_SHOWN)
            } else {
                String::new()
            };
            format!(
                "{} unknown connection properties were ignored: {}{more}; see docs/connection-properties.md for the list",
                keys.len(),
                shown.join(", ")
            )
        }
    };
    Some(Warning {
        state: state::INVALID_CONNECTION_STRING_ATTRIBUTE,
        message: prefixed(message),
        property: keys.first().map(|k| k.to_string()),
    })
}

impl Settings {
    /// Reads and validates every known property. DSN keys are expected to be merged into `attrs`
    /// already (with `insert_if_absent`, so explicit keys win). Known properties given inside
    /// ProfileSettings apply when the top level does not set them. Warnings: quoted values holding
    /// `;` (01S00), repeated keys and conflicting aliases (01000), Verbosity without Logfile
    /// (01000). Unknown keys are kept in `extra` and warned about by the caller.
    pub fn from_attributes(attrs: &Attributes) -> Result<(Settings, Vec<Warning>)> {
        let mut settings = Settings::default();
        let mut reading = Reading::default();

        for key in attrs.duplicates() {
            reading.warn(
                state::GENERAL_WARNING,
                format!(
                    "Connection property '{key}' was given more than once; the first value was used and later ones were ignored"
                ),
                key,
            );
        }
        for key in attrs.quoted_semicolons() {
            if find_property(key).is_some_and(|p| p.property == Property::ProfileSettings) {
                // The seed manuals' own form; docs/connection-properties.md shows braces for it.
                continue;
            }
            reading.warn(
                state::INVALID_CONNECTION_STRING_ATTRIBUTE,
                format!(
                    "The value of '{key}' is in quotes and holds ';'. Driver managers such as unixODBC do not honour quotes: they split the value at ';' and read the rest as other keys (a DRIVER= there would load another library). Enclose such values in braces instead: {key}={{…}}"
                ),
                key,
            );
        }

        for (key, value) in attrs.iter() {
            match find_property(key) {
                Some(info) => reading.apply(&mut settings, info, key, value)?,
                // Kept for the profile to claim; the caller warns about the rest
                // (`unknown_properties_warning`) once it knows the profile.
                None => {
                    settings.extra.insert_if_absent(key, value);
                }
            }
        }

        for key in settings.profile_settings.duplicates.clone() {
            reading.warn(
                state::GENERAL_WARNING,
                format!(
                    "ProfileSettings gives '{key}' more than once; the first value was used and later ones were ignored"
                ),
                &key,
            );
        }
        let nested: Vec<(String, String)> = settings
            .profile_settings
            .iter()
            .map(|(k, v)| (k.to_string(), v.expose().to_string()))
            .collect();
        for (key, value) in &nested {
            if let Some(info) = find_property(key) {
                if info.liftable && !reading.has(info.property) {
                    reading.apply(&mut settings, info, key, value)?;
                }
            }
        }

        if settings.logfile.is_none() && reading.has(Property::Verbosity) {
            reading.warn(
                state::GENERAL_WARNING,
                "Verbosity is set but Logfile is not, so nothing is logged; set Logfile to a file path".to_string(),
                "Verbosity",
            );
        }
        Ok((settings, reading.warnings))
    }

    /// The keys that are not connection properties, as spelled, in the order given.
    pub fn unknown_keys(&self) -> impl Iterator<Item = &str> {
        self.extra.iter().map(|(k, _)| k)
    }

    /// A connection property's value as text, by name or alias (any case); secrets exposed.
    /// Used where a profile's template names a property (`{CompanyDomain}`, `{APIToken}`).
    pub fn property_value(&self, name: &str) -> Option<String> {
        self.exposed(find_property(name)?.property)
    }

    /// A profile setting's raw value: a top-level key first, then ProfileSettings. Secrets are
    /// returned as they are; send them, never show them.
    pub fn profile_value(&self, key: &str) -> Option<&str> {
        self.extra
            .get(key)
            .filter(|v| !v.trim().is_empty())
            .or_else(|| self.profile_settings.get(key).map(|v| v.expose()))
    }

    /// One `(property, value)` row per property, in `PROPERTIES` order, for
    /// `sys_connection_props`: secrets shown as `********`, unset values as empty text.
    pub fn masked_properties(&self) -> Vec<(String, String)> {
        PROPERTIES
            .iter()
            .map(|p| (p.name.to_string(), self.shown(p.property)))
            .collect()
    }
}

/// The properties set so far while reading one connection string, and the warnings.
#[derive(Default)]
struct Reading {
    /// Each property set, with the key that set it as spelled.
    set: Vec<(Property, String)>,
    warnings: Vec<Warning>,
}

impl Reading {
    fn has(&self, property: Property) -> bool {
        self.set.iter().any(|(p, _)| *p == property)
    }

    fn warn(&mut self, state: SqlState, message: String, key: &str) {
        self.warnings.push(Warning {
            state,
            message: prefixed(message),
            property: Some(key.to_string()),
        });
    }

    /// Sets `info`'s property from `value` unless an earlier key (the same, or an alias) set it.
    fn apply(
        &mut self,
        settings: &mut Settings,
        info: &'static PropertyInfo,
        key: &str,
        value: &str,
    ) -> Result<()> {
        let v = value.trim();
        if v.is_empty() {
            return Ok(());
        }
        if let Some((_, first)) = self.set.iter().find(|(p, _)| *p == info.property) {
            let message = format!(
                "'{key}' was ignored because '{first}' sets the same property ({}) earlier; give only one of them",
                info.name
            );
            self.warn(state::GENERAL_WARNING, message, key);
            return Ok(());
        }
        self.set.push((info.property, key.to_string()));
        settings.set(info, v)
    }
}
