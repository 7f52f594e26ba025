//! Where the settings file lives when OAuthSettingsLocation is not set: one file per profile, per
//! client id and per token endpoint under the user's XDG config folder, so two apps, two profiles
//! or two authorization servers (another region, a private deployment, a sandbox on another port)
//! never share (and never fight over) one file. Names that come from users are hashed or
//! sanitised before they reach the path. Files of earlier versions, kept per profile and client
//! id only, are found by [`legacy_settings_path`] and moved to the new place by the token store.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::connect::settings::SettingsLocation;
use crate::error::{Error, Result};

/// The settings file's name, as the seed documents call it.
pub const SETTINGS_FILE_NAME: &str = "OAuthSettings.txt";

/// OAuthSettingsLocation as configured, else the default file for this profile, client id and
/// token endpoint.
pub fn resolve_location(
    configured: Option<&SettingsLocation>,
    profile: &str,
    client_id: &str,
    token_url: &str,
) -> Result<SettingsLocation> {
    match configured {
        Some(location) => Ok(location.clone()),
        None => Ok(SettingsLocation::File(default_settings_path(
            profile, client_id, token_url,
        )?)),
    }
}

/// `$XDG_CONFIG_HOME` (else `~/.config`)
/// `/apiodbc/<profile>/<client-id hash>/<token-URL hash>/OAuthSettings.txt`.
pub fn default_settings_path(profile: &str, client_id: &str, token_url: &str) -> Result<PathBuf> {
    Ok(default_settings_path_under(
        &config_home()?,
        profile,
        client_id,
        token_url,
    ))
}

/// Where versions before the token-endpoint key kept the file: one level up, beside the token
/// URL folders (`<profile>/<client-id hash>/OAuthSettings.txt`).
pub fn legacy_settings_path(profile: &str, client_id: &str) -> Result<PathBuf> {
    Ok(client_folder(&config_home()?, profile, client_id).join(SETTINGS_FILE_NAME))
}

fn config_home() -> Result<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        // The XDG spec says to ignore a relative value.
        .filter(|p| p.is_absolute());
    let home = || {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .map(|h| h.join(".config"))
    };
    xdg.or_else(home).ok_or_else(|| {
        Error::general(
            "Cannot find the user's config folder for the OAuth settings file (neither XDG_CONFIG_HOME nor HOME is set); set OAuthSettingsLocation",
        )
    })
}

/// The default settings path below a given config folder.
pub fn default_settings_path_under(
    config_home: &Path,
    profile: &str,
    client_id: &str,
    token_url: &str,
) -> PathBuf {
    client_folder(config_home, profile, client_id)
        .join(short_hash(token_url))
        .join(SETTINGS_FILE_NAME)
}

fn client_folder(config_home: &Path, profile: &str, client_id: &str) -> PathBuf {
    config_home
        .join("apiodbc")
        .join(profile_folder(profile))
        .join(short_hash(client_id))
}

/// A built-in profile name is used as is; anything else (a profile file's path) becomes
/// `file-<stem>-<hash>`, so it cannot climb out of the folder and two files never share one.
fn profile_folder(profile: &str) -> String {
    let plain = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if plain(profile) {
        return profile.to_ascii_lowercase();
    }
    let stem: String = Path::new(profile)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    format!("file-{stem}-{}", short_hash(profile))
}

/// 16 hex digits of SHA-256: enough to keep folders apart; the file's AAD does the binding.
fn short_hash(value: &str) -> String {
    Sha256::digest(value.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
