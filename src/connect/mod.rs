//! Connecting, up to the point where a profile takes over: the connection-string grammar
//! (`grammar`), DSN lookup in odbc.ini (`dsn`) and typed, validated settings (`settings`). It
//! performs no network I/O and knows no profile; it must not decide which auth schemes a profile
//! accepts.

pub mod dsn;
pub mod grammar;
pub mod settings;

pub use dsn::read_dsn;
pub use grammar::{is_secret_name, parse, parse_nested, Attributes};
pub use settings::{
    check_http_url, find_property, unknown_properties_warning, AuthScheme, InitiateOAuth,
    ProfileSettings, PropertyInfo, SettingValue, Settings, SettingsLocation, Warning,
    KNOWN_PROPERTIES,
};
