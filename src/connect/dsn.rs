//! DSN lookup: the keys of a data source's odbc.ini section, read through the driver manager's
//! installer library so user/system DSNs and ODBCINI/ODBCSYSINI behave as the driver manager's
//! do. The driver manager passes `DSN=x` through untouched; merging (explicit keys win) is the
//! caller's job via `Attributes::insert_if_absent`.

use crate::connect::grammar::{self, Attributes};
use crate::error::{ConnectError, Error, Result};
use crate::ffi::odbcinst;

const ODBC_INI: &str = "odbc.ini";

/// Keys the driver manager uses itself and that mean nothing to the driver.
const SKIPPED_KEYS: &[&str] = &["Driver", "Description"];

/// Reads every key of the DSN `name` from odbc.ini, in file order.
pub fn read_dsn(name: &str) -> Result<Attributes> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::new(
            ConnectError::DataSource,
            "DSN is empty; give the name of a data source from odbc.ini, or leave DSN out and give Profile and the other properties directly",
        ));
    }
    let keys =
        odbcinst::private_profile_keys(name, ODBC_INI).ok_or_else(|| installer_missing(name))?;
    if keys.is_empty() {
        return Err(Error::new(
            ConnectError::DataSource,
            format!(
                "Data source '{name}' was not found in odbc.ini (ODBCINI={}, ODBCSYSINI={}); run 'odbcinst -q -s' to list data sources",
                env_or_unset("ODBCINI"),
                env_or_unset("ODBCSYSINI")
            ),
        ));
    }
    let mut attrs = Attributes::new();
    for key in keys {
        if SKIPPED_KEYS.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
            continue;
        }
        let raw = odbcinst::private_profile_string(name, &key, ODBC_INI)
            .ok_or_else(|| installer_missing(name))?;
        let value = unwrap_quoted(raw.trim());
        attrs.insert_if_absent(key, value);
    }
    Ok(attrs)
}

fn installer_missing(name: &str) -> Error {
    Error::new(
        ConnectError::DataSource,
        format!(
            "Data source '{name}' cannot be read because the ODBC installer library (libodbcinst.so.2) could not be loaded; install unixODBC's libodbcinst2, or connect with Driver=... and the properties instead of DSN"
        ),
    )
}

fn env_or_unset(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| "(unset)".to_string())
}

/// odbc.ini keeps values literally, but users copy the manual's `ProfileSettings='APIKey=k'`, so a
/// value wholly wrapped in quotes or braces is read the way the connection string would read it.
fn unwrap_quoted(value: &str) -> String {
    let wrapped = matches!(
        (value.chars().next(), value.chars().last()),
        (Some('{'), Some('}')) | (Some('\''), Some('\'')) | (Some('"'), Some('"'))
    );
    if wrapped && value.len() >= 2 {
        if let Ok(parsed) = grammar::parse(&format!("v={value}")) {
            if parsed.len() == 1 && parsed.duplicates().is_empty() {
                if let Some(inner) = parsed.get("v") {
                    return inner.to_string();
                }
            }
        }
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{state, ErrorKind};

    #[test]
    fn quoted_ini_values_are_unwrapped() {
        assert_eq!(
            unwrap_quoted("'APIKey=k;CompanyDomain=acme'"),
            "APIKey=k;CompanyDomain=acme"
        );
        assert_eq!(unwrap_quoted("{a;b}}c}"), "a;b}c");
        assert_eq!(unwrap_quoted("\"x\"\"y\""), "x\"y");
        assert_eq!(unwrap_quoted("plain"), "plain");
        assert_eq!(unwrap_quoted("'a';'b'"), "'a';'b'");
        assert_eq!(unwrap_quoted("'"), "'");
    }

    // One test owns the process's ODBCINI/ODBCSYSINI: the installer caches answers for a while,
    // so the data source names are unique per run.
    #[test]
    fn reads_a_dsn_through_the_real_installer_library() {
        if !odbcinst::installer_available() {
            eprintln!(
                "note: libodbcinst could not be loaded; skipping the DSN test (install unixODBC)"
            );
            return;
        }
        let dir = std::env::temp_dir().join(format!("apiodbc-dsn-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dsn = format!("apiodbc_test_{}", std::process::id());
        std::fs::write(
            dir.join("odbcinst.ini"),
            "[apiodbc]\nDescription = apiodbc test\nDriver = /nonexistent/libapiodbc.so\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("odbc.ini"),
            format!(
                "[{dsn}]\nDriver = apiodbc\nDescription = Pipedrive via apiodbc\nProfile = pipedrive\n\
                 ProfileSettings = 'APIKey=k;CompanyDomain=acme'\nTimeout = 5\nPWD = {{a;b}}\nBaseURL = http://127.0.0.1:8080/v1\n\n\
                 [other]\nDriver = apiodbc\nProfile = keap\n"
            ),
        )
        .unwrap();
        std::env::set_var("ODBCSYSINI", &dir);
        std::env::set_var("ODBCINI", dir.join("odbc.ini"));

        let attrs = read_dsn(&dsn).unwrap();
        let keys: Vec<&str> = attrs.iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            ["Profile", "ProfileSettings", "Timeout", "PWD", "BaseURL"]
        );
        assert_eq!(attrs.get("profile"), Some("pipedrive"));
        assert_eq!(
            attrs.get("profilesettings"),
            Some("APIKey=k;CompanyDomain=acme")
        );
        assert_eq!(attrs.get("timeout"), Some("5"));
        assert_eq!(attrs.get("pwd"), Some("a;b"));
        assert_eq!(attrs.get("baseurl"), Some("http://127.0.0.1:8080/v1"));
        assert!(!attrs.contains("Driver") && !attrs.contains("Description"));

        // Explicit keys win when the DSN's keys are merged under them.
        let mut explicit = grammar::parse(&format!("DSN={dsn};Timeout=9")).unwrap();
        for (k, v) in attrs.iter() {
            explicit.insert_if_absent(k, v);
        }
        assert_eq!(explicit.get("timeout"), Some("9"));
        assert_eq!(explicit.get("profile"), Some("pipedrive"));

        let missing = format!("apiodbc_missing_{}", std::process::id());
        let err = read_dsn(&missing).unwrap_err();
        assert_eq!(err.state, state::UNABLE_TO_CONNECT);
        assert_eq!(err.kind, ErrorKind::Connect(ConnectError::DataSource));
        assert!(
            err.message.starts_with(&format!(
                "[apiodbc] Data source '{missing}' was not found in odbc.ini (ODBCINI={}",
                dir.join("odbc.ini").display()
            )),
            "{}",
            err.message
        );
        assert!(
            err.message
                .contains(&format!("ODBCSYSINI={}", dir.display())),
            "{}",
            err.message
        );
        assert!(
            err.message
                .ends_with("run 'odbcinst -q -s' to list data sources"),
            "{}",
            err.message
        );
        let err = read_dsn("  ").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Connect(ConnectError::DataSource));
        assert!(err.message.contains("DSN is empty"), "{}", err.message);

        std::fs::remove_dir_all(&dir).unwrap();
    }
}
