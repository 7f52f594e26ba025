//! ProfileSettings: the nested connection string of settings a profile declares (`Region`,
//! `APITokenIn`, …), kept in order with case-insensitive lookups. A value is a secret when its
//! name says so (`grammar::is_secret_name`), from the moment it is read.

use std::fmt;

use super::grammar::{self, is_secret_name, Attributes};
use crate::error::Result;
use crate::secret::Secret;

/// A profile setting's value: secret when its name says so (key, token, secret, password).
#[derive(Clone, PartialEq, Eq)]
pub enum SettingValue {
    Plain(String),
    Secret(Secret),
}

impl SettingValue {
    fn new(key: &str, value: &str) -> SettingValue {
        if is_secret_name(key) {
            SettingValue::Secret(Secret::new(value))
        } else {
            SettingValue::Plain(value.to_string())
        }
    }

    /// The value itself, for the profile code that sends it.
    pub fn expose(&self) -> &str {
        match self {
            SettingValue::Plain(s) => s,
            SettingValue::Secret(s) => s.expose(),
        }
    }

    #[cfg(test)]
    pub fn is_secret(&self) -> bool {
        matches!(self, SettingValue::Secret(_))
    }

    /// What may be shown: the value, or the mask for a secret.
    pub fn masked(&self) -> &str {
        match self {
            SettingValue::Plain(s) => s,
            SettingValue::Secret(_) => Secret::MASK,
        }
    }
}

impl fmt::Debug for SettingValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.masked(), f)
    }
}

/// `ProfileSettings` parsed into an ordered map whose lookups ignore case.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProfileSettings {
    pub(super) entries: Vec<(String, SettingValue)>,
    /// Keys given more than once (the first value is kept).
    pub(super) duplicates: Vec<String>,
}

impl ProfileSettings {
    /// The nested connection string of the ProfileSettings property.
    pub fn parse(text: &str) -> Result<ProfileSettings> {
        let nested = grammar::parse_nested(text)?;
        Ok(ProfileSettings {
            entries: nested
                .iter()
                .map(|(key, value)| (key.to_string(), SettingValue::new(key, value)))
                .collect(),
            duplicates: nested.duplicates().to_vec(),
        })
    }

    /// The settings in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SettingValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn get(&self, key: &str) -> Option<&SettingValue> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The settings as a connection string with secret values masked, for display.
    pub fn masked_string(&self) -> String {
        let mut masked = Attributes::new();
        for (k, v) in &self.entries {
            masked.insert_if_absent(k.clone(), v.masked());
        }
        masked.to_connection_string()
    }
}

impl fmt::Debug for ProfileSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}
