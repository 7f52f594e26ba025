//! The profile model: what a profile file says, as Rust types deserialised from TOML. Every struct
//! rejects unknown keys so a typo in a profile is an error, not a silently ignored line. Meaning
//! and cross-references are checked in `validate`, which also reads the typed fields (marked
//! `#[serde(skip)]`: column types, time formats, filter operators, auth schemes) from the text
//! beside them once, at load; the rest of the driver reads only the typed fields.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::types::{ColumnType, TimeFormat};
use crate::connect::settings::AuthScheme;

/// One API described as tables. See docs/profiles.md for every key.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    /// What the API is, for the person reading the profile.
    #[serde(default)]
    #[allow(dead_code)]
    pub description: String,
    /// API base URL with `{Setting}` placeholders; `BaseURL` replaces it.
    pub base_url: String,
    #[serde(default)]
    pub auth: Auth,
    /// Settings the profile reads (ProfileSettings keys or top-level properties).
    #[serde(default, rename = "setting")]
    pub settings: Vec<SettingDecl>,
    #[serde(default)]
    pub rate_limit: RateLimit,
    #[serde(default)]
    pub errors: Errors,
    /// Pagination every table uses unless it declares its own.
    #[serde(default)]
    pub pagination: Option<Pagination>,
    /// Query parameters sent with every request of every table (templates allowed).
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    #[serde(default, rename = "table")]
    pub tables: Vec<Table>,
    /// How the API's custom-field types become columns, for every table with custom fields;
    /// a table's own `[table.custom_fields.types]` and parts add to and override these.
    #[serde(default)]
    pub custom_field_types: CustomFieldTypes,
    /// Hosts other than the API's own that responses may send the driver to (next-page links,
    /// redirects). Any other host is refused.
    #[serde(default, rename = "host")]
    pub hosts: Vec<HostRule>,
    /// Where the profile came from (`built-in pipedrive` or a file path), for error messages.
    #[serde(skip)]
    pub source: String,
}

/// A host besides the API's origin that the driver may follow a link or redirect to.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostRule {
    /// `files.example.com`, or `*.example.com` for its subdomains.
    pub pattern: String,
    /// Whether the connection's credentials are sent there too (default: nothing is sent).
    #[serde(default)]
    pub credentials: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingDecl {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub required: bool,
    /// Masked in logs and messages. Names containing key/token/secret/password are secret anyway.
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub default: Option<String>,
    /// Allowed values (compared ignoring case); empty means any.
    #[serde(default)]
    pub allowed: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// Accepted AuthScheme values, as written; the driver reads [`Auth::accepted`].
    #[serde(default)]
    pub schemes: Vec<String>,
    /// The AuthScheme used when the connection string gives none, as written.
    #[serde(default)]
    pub default: Option<String>,
    /// How each scheme sends its credential, keyed by AuthScheme name as written.
    #[serde(default)]
    pub scheme: BTreeMap<String, SchemeDecl>,
    #[serde(default)]
    pub oauth: Option<OAuthDecl>,
    /// The table whose first record is asked for at connect, to learn whether the API accepts
    /// the credentials (VerifyConnection); default: the first table read on its own.
    #[serde(default)]
    pub check_table: Option<String>,
    /// `schemes`, read when the profile is loaded; `[NONE]` when it lists none.
    #[serde(skip)]
    pub accepted: Vec<AuthScheme>,
    /// `default`, read when the profile is loaded; else the first accepted scheme.
    #[serde(skip)]
    pub default_scheme: Option<AuthScheme>,
    /// `scheme`, keyed by the scheme itself.
    #[serde(skip)]
    pub declared: Vec<(AuthScheme, SchemeDecl)>,
}

impl Auth {
    /// The scheme used when the connection string names none.
    pub fn default_or_first(&self) -> AuthScheme {
        self.default_scheme
            .or_else(|| self.accepted.first().copied())
            .unwrap_or(AuthScheme::None)
    }

    /// How `scheme` sends its credential; nothing declared is an empty declaration.
    pub fn declaration(&self, scheme: AuthScheme) -> SchemeDecl {
        self.declared
            .iter()
            .find(|(s, _)| *s == scheme)
            .map(|(_, d)| d.clone())
            .unwrap_or_default()
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeDecl {
    /// Settings that must be set for this scheme (property or ProfileSettings names).
    #[serde(default)]
    pub requires: Vec<String>,
    /// Where the credential goes; the first entry whose `when` holds is used for each `in`.
    #[serde(default)]
    pub send: Vec<Placement>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacementKind {
    Query,
    Header,
    Basic,
}

/// One credential placement: a query parameter, a header, or HTTP Basic.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    #[serde(rename = "in")]
    pub kind: PlacementKind,
    /// Query parameter or header name (query, header).
    #[serde(default)]
    pub name: Option<String>,
    /// Value template (query, header), e.g. `Bearer {OAuthAccessToken}`.
    #[serde(default)]
    pub value: Option<String>,
    /// Basic user and password templates.
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// `Setting=value`: this placement applies only when the setting has that value.
    #[serde(default)]
    pub when: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// `Authorization: Basic base64(id:secret)`.
    Basic,
    /// `client_id` and `client_secret` in the request body.
    Body,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyFormat {
    Form,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rotation {
    /// Every refresh returns a new refresh token and invalidates the old one.
    Always,
    Never,
    /// Unknown: keep whichever refresh token the server returns, else the old one.
    Maybe,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthDecl {
    #[serde(default)]
    pub authorization_url: Option<String>,
    /// The issuer identifier the server names in `iss` on its authorization responses (RFC 9207);
    /// default: the authorization URL's origin.
    #[serde(default)]
    pub issuer: Option<String>,
    pub token_url: String,
    #[serde(default)]
    pub refresh_url: Option<String>,
    /// authorization_code, refresh_token, client_credentials, password, exchange_api_token.
    #[serde(default)]
    pub grants: Vec<String>,
    /// Client authentication at the token endpoint, default for every grant.
    #[serde(default = "default_client_auth")]
    pub client_auth: ClientAuth,
    /// Overrides of `client_auth` per grant (Keap: code in the body, refresh with Basic).
    #[serde(default)]
    pub client_auth_per_grant: BTreeMap<String, ClientAuth>,
    #[serde(default = "default_body_format")]
    pub body_format: BodyFormat,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default = "default_scope_separator")]
    pub scope_separator: String,
    /// Extra authorization-request parameters (Keap `response_type=code`).
    #[serde(default)]
    pub authorize_params: BTreeMap<String, String>,
    /// Documents that the server requires PKCE; the driver always sends it (RFC 9700).
    #[serde(default)]
    #[allow(dead_code)]
    pub pkce: bool,
    #[serde(default = "default_token_header")]
    pub token_header: String,
    /// How the access token is written into `token_header`; `{token}` is the access token.
    #[serde(default = "default_token_format")]
    pub token_format: String,
    #[serde(default = "default_rotation")]
    /// Documents the server: the driver stores whichever refresh token comes back and keeps
    /// the old one otherwise, which is right for all three.
    #[allow(dead_code)]
    pub rotating_refresh_tokens: Rotation,
    /// Token-response field whose URL replaces the API base (Pipedrive `api_domain`).
    #[serde(default)]
    pub api_base_from_token: Option<String>,
    /// Path appended to `api_base_from_token`'s URL (Pipedrive `/api/v1`).
    #[serde(default)]
    pub api_base_suffix: Option<String>,
}

fn default_client_auth() -> ClientAuth {
    ClientAuth::Basic
}
fn default_body_format() -> BodyFormat {
    BodyFormat::Form
}
fn default_scope_separator() -> String {
    " ".into()
}
fn default_token_header() -> String {
    "Authorization".into()
}
fn default_token_format() -> String {
    "Bearer {token}".into()
}
fn default_rotation() -> Rotation {
    Rotation::Maybe
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetUnit {
    /// Seconds until the window resets.
    #[default]
    Seconds,
    /// Unix time in seconds.
    EpochSeconds,
    /// Unix time in milliseconds.
    EpochMillis,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Headers holding seconds to wait after a 429, first present wins.
    #[serde(default = "default_retry_after")]
    pub retry_after: Vec<String>,
    /// Header with the requests left in the window; at 0 the scan waits for `reset`.
    #[serde(default)]
    pub remaining: Option<String>,
    #[serde(default)]
    pub reset: Option<String>,
    #[serde(default)]
    pub reset_unit: ResetUnit,
    /// Header with the requests allowed per window; with a known window, requests wait for
    /// budget before drawing a 429.
    #[serde(default)]
    pub limit: Option<String>,
    /// The window's length as the API documents it; without it, the longest `reset` (or 429
    /// wait) the API announced.
    #[serde(default)]
    pub window_seconds: Option<u32>,
}

impl Default for RateLimit {
    fn default() -> RateLimit {
        RateLimit {
            retry_after: default_retry_after(),
            remaining: None,
            reset: None,
            reset_unit: ResetUnit::Seconds,
            limit: None,
            window_seconds: None,
        }
    }
}

fn default_retry_after() -> Vec<String> {
    vec!["Retry-After".into()]
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Errors {
    /// JSON paths tried in order for the API's own error message.
    #[serde(default)]
    pub message_paths: Vec<String>,
    /// Error messages (or their beginnings) that mean "credentials refused", for APIs that say
    /// so with another status than 401/403 (LeadDesk answers `ERR_AUTHENTICATION` with HTTP 400).
    #[serde(default)]
    pub auth_messages: Vec<String>,
    /// Body path of a boolean that is false when the request failed, even with HTTP 200
    /// (Pipedrive's `success`).
    #[serde(default)]
    pub success_path: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    None,
    Offset,
    Page,
    Cursor,
    NextUrl,
    HalNext,
    LinkHeader,
}

/// How a table's list endpoint pages. Which keys apply depends on `kind` (see docs/profiles.md).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    pub kind: PageKind,
    /// Query parameter for the page size; absent when the API has a fixed size.
    #[serde(default)]
    pub size_param: Option<String>,
    #[serde(default)]
    pub max_size: Option<u32>,
    #[serde(default)]
    pub default_size: Option<u32>,
    /// offset: the offset parameter.
    #[serde(default)]
    pub offset_param: Option<String>,
    /// offset: body path of a boolean "more pages" flag.
    #[serde(default)]
    pub has_more: Option<String>,
    /// offset: body path of the next offset (absent/null ends).
    #[serde(default)]
    pub next_offset: Option<String>,
    /// page: the page-number parameter and the first page's number (default 1).
    #[serde(default)]
    pub page_param: Option<String>,
    #[serde(default)]
    pub first_page: Option<u64>,
    /// page: body path of the total page count.
    #[serde(default)]
    pub total_pages: Option<String>,
    /// page: body path of a next link; the scan goes on while it is present.
    #[serde(default)]
    pub next_link: Option<String>,
    /// cursor: the cursor parameter and the body path of the next cursor.
    #[serde(default)]
    pub cursor_param: Option<String>,
    #[serde(default)]
    pub next_cursor: Option<String>,
    /// next_url: body path of the next page's URL.
    #[serde(default)]
    pub next_url: Option<String>,
    /// Body path of the total record count; the scan stops once it has that many.
    #[serde(default)]
    pub total: Option<String>,
    /// A page without the records array is an empty page (HAL leaves `_embedded` out when it
    /// has nothing to embed). Otherwise a missing array is an error, never zero rows.
    #[serde(default)]
    pub empty_when_absent: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Endpoint path after the base URL; may hold `{column}` placeholders of a parent.
    #[serde(default)]
    pub path: String,
    /// Body path of the records array; "" for a top-level array.
    #[serde(default)]
    pub records: String,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
    #[serde(default, rename = "column")]
    pub columns: Vec<Column>,
    #[serde(default, rename = "filter")]
    pub filters: Vec<Filter>,
    #[serde(default)]
    pub single: Option<Single>,
    #[serde(default)]
    pub parent: Option<Parent>,
    #[serde(default)]
    pub child: Option<Child>,
    #[serde(default)]
    pub report: Option<Report>,
    /// The endpoint answers with one record (an object at `records`) rather than a list: a
    /// detail read, usually one per parent record (a Docs article's body). 404 is no row.
    #[serde(default)]
    pub one_record: bool,
    /// The period every request of the list carries.
    #[serde(default)]
    pub window: Option<Window>,
    /// Columns the account defines itself, listed by another table of the profile.
    #[serde(default)]
    pub custom_fields: Option<CustomFields>,
    /// How the list endpoint sorts, so that ORDER BY one of its columns is the API's.
    #[serde(default)]
    pub sort: Option<Sort>,
    /// How a row is created (`[[table.insert]]`); none: INSERT is refused.
    #[serde(default)]
    pub insert: Vec<WriteRoute>,
    /// How a record is changed (`[[table.update]]`); none: UPDATE is refused.
    #[serde(default)]
    pub update: Vec<WriteRoute>,
    /// How a record is removed (`[[table.delete]]`); none: DELETE is refused.
    #[serde(default)]
    pub delete: Vec<WriteRoute>,
}

/// How a write's values travel in its request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteBody {
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`, nested fields as `a[b]`.
    Form,
    /// One RFC 6902 operation per request and column: `{"op": "replace", "path": "/field",
    /// "value": v}`, or `{"op": "remove", "path": "/field"}` for NULL.
    JsonPatch,
    /// No body (a DELETE, or a link made by its path alone).
    None,
}

/// One request shape of an insert, update or delete (`docs/profiles.md`, "Writes").
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteRoute {
    /// Path after the base URL with `{column}` placeholders; default: the table's path.
    #[serde(default)]
    pub path: Option<String>,
    /// POST, PUT, PATCH or DELETE; the default depends on the operation.
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub body: WriteBody,
    /// The columns this route may set.
    #[serde(default)]
    pub columns: Vec<String>,
    /// Columns an INSERT must give a value (not NULL).
    #[serde(default)]
    pub required: Vec<String>,
    /// Body field of a column where it is not the column's read path.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Constant body fields sent with every request.
    #[serde(default)]
    pub fixed: BTreeMap<String, serde_json::Value>,
    /// JSON path of the created record's key in the answer.
    #[serde(default)]
    pub key: Option<String>,
    /// Header of the answer holding the created record's key.
    #[serde(default)]
    pub key_header: Option<String>,
    /// Body field of a custom-field column, `{key}` being the field's key; none: custom fields
    /// are not written by this route.
    #[serde(default)]
    pub custom_fields: Option<String>,
    /// Values the row must have for this route to serve it.
    #[serde(default)]
    pub when: BTreeMap<String, serde_json::Value>,
    /// A 2xx answer applied the row only when this holds.
    #[serde(default)]
    pub success: Option<WriteSuccess>,
}

/// `success = { path, values }`: the answer's value at `path` (`{column}` from the row) that
/// says the row was applied.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteSuccess {
    pub path: String,
    pub values: Vec<String>,
}

impl WriteRoute {
    /// The body field `column` is written to.
    pub fn field_of(&self, column: &Column) -> String {
        if let Some(f) = self
            .fields
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(&column.name))
        {
            return f.1.clone();
        }
        match (&self.custom_fields, &column.custom_key) {
            (Some(template), Some(key)) => template.replace("{key}", key),
            _ => column.json_path().to_string(),
        }
    }
}

/// `[table.sort]`: the list endpoint returns its records ordered by a column the query names, so
/// `ORDER BY` that column (and a LIMIT after it) needs no sorting by the driver. Only columns the
/// API never leaves empty and orders as SQL does (numbers, dates, times) belong in `columns`:
/// where an API puts empty values is not declared, and text collation differs.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sort {
    /// The parameter naming what to sort by (`sort_by`).
    pub param: String,
    /// SQL column → the value of `param` that sorts by it.
    pub columns: BTreeMap<String, String>,
    /// The parameter giving the direction (`sort_direction`); absent: the API sorts ascending.
    #[serde(default)]
    pub direction_param: Option<String>,
    /// The column the list is ordered by, ascending, when no parameter says otherwise: ORDER BY
    /// it sends nothing, so the request (and a cached answer) is the plain list's.
    #[serde(default)]
    pub natural: Option<String>,
    /// Columns whose values change as records are edited (`update_time`). Sorted by such a
    /// column, a list read over several pages can skip or repeat a record edited meanwhile, so
    /// the API sorts by it only when one page holds the rows wanted (`ORDER BY ... LIMIT n`);
    /// otherwise the list is read in its own order and the driver sorts.
    #[serde(default)]
    pub changing: Vec<String>,
    /// The direction parameter's values; without a direction parameter, a value holding
    /// `{value}` is the sort parameter's value itself (`{value} DESC`: Pipedrive v1).
    #[serde(default = "default_ascending")]
    pub ascending: String,
    #[serde(default = "default_descending")]
    pub descending: String,
}

fn default_ascending() -> String {
    "asc".into()
}

fn default_descending() -> String {
    "desc".into()
}

/// Custom fields: columns an account adds to a table, whose definitions another table of the
/// profile lists (Pipedrive's `personFields`). They are read once per connection, when the table
/// is first used or its columns listed, and become ordinary columns named after each field's
/// name (docs/profiles.md, "Custom fields").
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomFields {
    /// The table whose rows define the fields.
    pub definitions: String,
    /// Its column holding a field's key: where the value sits in a record.
    pub key: String,
    /// Its column holding the field's name, which names the SQL column.
    pub name: String,
    /// Its column holding the field's API type (a key of `types`).
    #[serde(rename = "type")]
    pub type_column: String,
    /// Its JSON column holding the options of a choice field, `[{id, label}]`.
    #[serde(default)]
    pub options: Option<String>,
    /// Its boolean column that is true for the account's own fields; rows where it is false
    /// (the API's built-in fields, already columns) are skipped.
    #[serde(default)]
    pub custom: Option<String>,
    /// Path of a field's value in a record, `{key}` standing for the field's key
    /// (`custom_fields.[id={key}].content` for an array of `{id, content}`).
    #[serde(default = "default_value_path")]
    pub value: String,
    /// API field type → path of its value where fields of that type hold an object rather than
    /// the value itself (Pipedrive API v2: a monetary field is `{value, currency}`, so
    /// `monetary = "custom_fields.{key}.value"`). Types not listed use `value`.
    #[serde(default)]
    pub value_by_type: BTreeMap<String, String>,
    /// Query parameters the table's list and single requests carry once it shows custom fields
    /// (Keap: `optional_properties = "custom_fields"`), and only then.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// API field type → column type (`text`, `int64`, `float64`, `date`, …), or `label` (an
    /// option id shown as its label) or `labels` (several option ids, a JSON array of labels).
    /// A type not listed is a `json` column holding the value as the API sends it.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// Further values a field of some type carries beside its value (a monetary field's
    /// currency), each its own column.
    #[serde(default, rename = "part")]
    pub parts: Vec<CustomFieldPart>,
}

/// The profile-wide `[custom_field_types]`: the same keys as a table's.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldTypes {
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    #[serde(default, rename = "part")]
    pub parts: Vec<CustomFieldPart>,
}

fn default_value_path() -> String {
    "{key}".into()
}

/// A second value of a custom field of one type, as its own column named `<field>_<suffix>`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldPart {
    /// The API field type that carries it.
    pub field_type: String,
    /// Appended to the field's column name, after `_`.
    pub suffix: String,
    /// Path of the value in a record, `{key}` standing for the field's key.
    pub path: String,
    #[serde(rename = "type")]
    pub type_name: String,
    #[serde(default)]
    pub format: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub name: String,
    /// JSON path in the record (dots for nesting); default: the column name. `$` is the record
    /// itself (a child table over an array of scalars).
    #[serde(default)]
    pub path: Option<String>,
    /// The type as written in the file, for messages; the driver reads [`Column::ty`].
    #[serde(rename = "type")]
    pub type_name: String,
    /// The declared type, read from `type` when the profile is loaded.
    #[serde(skip)]
    pub ty: ColumnType,
    /// Input format for `timestamp` and `date` as written: `rfc3339` or a chrono format such as
    /// `%Y-%m-%d %H:%M:%S` (read as UTC). The driver reads [`Column::time_format`].
    #[serde(default)]
    pub format: Option<String>,
    /// `format`, read when the profile is loaded.
    #[serde(skip)]
    pub time_format: TimeFormat,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub key: bool,
    /// The most characters a `text` or `json` value holds, where the API documents it (an email
    /// address 254, a currency code 3). Clients size their buffers from it; a longer value is cut
    /// to it with a warning. Without it the connection's DefaultColumnSize is declared.
    #[serde(default)]
    pub max_length: Option<u64>,
    /// Values shown as labels (an option id → its label): a `text` column shows the label of
    /// its value, a `json` column the labels of a list of values (a JSON array, or ids joined
    /// by commas) as a JSON array. A value without a label is shown as it is.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The field key of a custom field's value column (not of its parts): such a column is
    /// writable where a write route names `custom_fields`.
    #[serde(skip)]
    pub custom_key: Option<String>,
}

impl Column {
    pub fn json_path(&self) -> &str {
        self.path.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueFormat {
    /// The value as SQL text shows it.
    #[default]
    Text,
    /// Booleans as `1`/`0`.
    Bool01,
    /// Booleans as `true`/`false`.
    BoolWord,
    /// Instants (range filters) as RFC 3339 in UTC to the second: `2026-01-31T09:30:00Z`.
    Rfc3339,
    /// Instants (range filters) as the day: `2026-01-31`.
    Date,
    /// Instants (range filters) as Unix seconds.
    EpochSeconds,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    pub column: String,
    /// The query parameter the API filters on.
    pub param: String,
    /// Operators the API honours, as written: `=`, `in` (list joined by `separator`), exactly;
    /// `>=` (the parameter is a lower bound of the column, as `since` or `modifiedSince`) and
    /// `<=` (an upper bound, as `until`), which the driver sends a little wider than asked and
    /// re-checks. The driver reads [`Filter::accepts`].
    #[serde(default = "default_ops")]
    pub ops: Vec<String>,
    /// `ops`, read when the profile is loaded.
    #[serde(skip)]
    pub operators: Vec<FilterOp>,
    #[serde(default)]
    pub format: ValueFormat,
    #[serde(default = "default_separator")]
    pub separator: String,
    /// The most values an `in` list may carry in one request (Pipedrive's `ids`: 100); a longer
    /// list is sent in several requests of at most this many.
    #[serde(default)]
    pub max_values: Option<usize>,
    /// A clause the value goes into (`opportunity_id=={value}`) when the API takes all its
    /// conditions in one parameter (Keap v2's `filter`); the clauses of several such filters are
    /// joined by `clause_separator` in that one parameter. Only `=`.
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default = "default_clause_separator")]
    pub clause_separator: String,
}

fn default_clause_separator() -> String {
    ";".into()
}

/// An operator a filter parameter honours exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterOp {
    /// `column = value`
    Eq,
    /// `column IN (values)`, the values joined by the filter's separator.
    In,
    /// The parameter bounds a time column from below (`>=`, `>`, `BETWEEN`, `=`).
    AtLeast,
    /// The parameter bounds a time column from above (`<=`, `<`, `BETWEEN`, `=`).
    AtMost,
}

impl FilterOp {
    pub fn parse(text: &str) -> Option<FilterOp> {
        match text {
            "=" => Some(FilterOp::Eq),
            "in" => Some(FilterOp::In),
            ">=" => Some(FilterOp::AtLeast),
            "<=" => Some(FilterOp::AtMost),
            _ => None,
        }
    }

    /// Whether the operator is a bound of a range rather than an exact match.
    pub fn is_bound(self) -> bool {
        matches!(self, FilterOp::AtLeast | FilterOp::AtMost)
    }
}

impl Filter {
    /// Whether the API honours `op` on this filter's parameter.
    pub fn accepts(&self, op: FilterOp) -> bool {
        self.operators.contains(&op)
    }
}

fn default_ops() -> Vec<String> {
    vec!["=".into()]
}
fn default_separator() -> String {
    ",".into()
}

/// The single-record endpoint for `WHERE key = v` and `key IN (...)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Single {
    /// Path with a `{key column}` placeholder, e.g. `/persons/{id}`.
    pub path: String,
    /// Body path of the record object; "" when the body is the record.
    #[serde(default)]
    pub records: String,
    /// Query parameters of the request (templates allowed).
    #[serde(default)]
    pub query: BTreeMap<String, String>,
}

/// Endpoint nested under another table's records (Docs articles under collections), or read
/// once for each of a fixed list of values (Pipedrive's mail folders).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parent {
    /// The table whose records give the values; validation requires it or `values`, not both.
    #[serde(default)]
    pub table: Option<String>,
    /// The parent's column whose value fills the placeholder.
    #[serde(default)]
    pub key: Option<String>,
    /// The values themselves, when the API documents a fixed set rather than a list endpoint.
    #[serde(default)]
    pub values: Vec<String>,
    /// This table's column holding that value; `{column}` is the placeholder in `path`.
    pub column: String,
    /// Up to this many parent keys in one request, joined by `batch_separator` in the
    /// placeholder (Pipedrive's `deal_ids=1,2,3`): the column is then read from each record,
    /// which must carry its parent's key.
    #[serde(default)]
    pub batch: Option<usize>,
    #[serde(default = "default_batch_separator")]
    pub batch_separator: String,
}

fn default_batch_separator() -> String {
    ",".into()
}

/// Where a parent's values come from.
#[derive(Clone, Copy, Debug)]
pub enum ParentSource<'a> {
    /// Each record's `key` column of `table`.
    Table { table: &'a str, key: &'a str },
    /// A fixed list.
    Values(&'a [String]),
}

impl Parent {
    pub fn source(&self) -> ParentSource<'_> {
        match (&self.table, &self.key) {
            (Some(table), Some(key)) if self.values.is_empty() => {
                ParentSource::Table { table, key }
            }
            _ => ParentSource::Values(&self.values),
        }
    }
}

/// The period a list endpoint requires or accepts (Help Scout's reports: `start`, `end`), set
/// from the query's range conditions on one column.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// The timestamp or date column the period filters.
    pub column: String,
    /// Query parameter of the period's start (inclusive).
    pub from_param: String,
    /// Query parameter of the period's end.
    pub to_param: String,
    #[serde(default)]
    pub format: WindowFormat,
    /// Longest period per request, in days; a longer window is read as consecutive periods.
    #[serde(default = "default_max_days")]
    pub max_window_days: u32,
    /// Period when the query gives none: the last N days.
    #[serde(default = "default_window_days")]
    pub default_window_days: u32,
}

/// How the period's bounds are written.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WindowFormat {
    /// `2026-01-01T00:00:00Z`, the end exclusive.
    #[default]
    Rfc3339,
    /// `2026-01-01`, the end being the last day included.
    Date,
}

/// A table made of a nested array of another table's records (a person's emails).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Child {
    /// The table whose records hold the array.
    pub of: String,
    /// JSON path of the array in the parent record.
    pub array: String,
    /// This table's column carrying the parent's key.
    pub parent_column: String,
}

/// An asynchronous report job (Talkdesk): create, poll, download.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// POST path creating the job.
    pub create_path: String,
    /// Body path of the new job's id.
    pub job_id: String,
    /// Poll path with `{job_id}`.
    pub poll_path: String,
    pub status: String,
    pub done: String,
    #[serde(default)]
    pub failed: Vec<String>,
    /// Download path with `{job_id}`; a 303 redirect to the file is followed.
    pub file_path: String,
    /// Hosts the download may be redirected to (a storage service whose URL carries its own
    /// signature): `files.example.com`, `*.example.com`, or `*` for any https host. No credential
    /// is ever sent there.
    #[serde(default)]
    pub file_hosts: Vec<String>,
    /// Longest timespan per job, in days; a longer window is split.
    #[serde(default = "default_max_days")]
    pub max_window_days: u32,
    /// Window when the query gives none: the last N days.
    #[serde(default = "default_window_days")]
    pub default_window_days: u32,
    /// The timestamp or date column the timespan filters on: range conditions on it in the
    /// query set the window (see docs/profiles.md).
    #[serde(default)]
    pub window_column: Option<String>,
    /// Seconds between polls.
    #[serde(default = "default_poll")]
    pub poll_seconds: f64,
}

fn default_max_days() -> u32 {
    31
}
fn default_window_days() -> u32 {
    30
}
fn default_poll() -> f64 {
    1.0
}
