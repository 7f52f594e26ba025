//! The REST tests' shared set-up: in-process `apiodbc-sandbox` servers, a tiny blocking HTTP/1.1
//! client for their `/_sandbox` control endpoints, the built-in profiles read from
//! `profiles/*.toml`, and the conversion of the sandbox's raw JSON records into the text the
//! driver should return. Expectations come from the sandbox and the profile files, never from
//! the driver, so the driver cannot agree with itself by accident.
//!
//! Three sandboxes, each started once per process (same seed and size, so the same data):
//! - [`clean`] for tests that only read rows (they run in parallel);
//! - [`counting`] for tests that count API requests in `/_sandbox/stats`: the log is global to a
//!   sandbox, so every such test holds [`counting_guard`] around reset + query + stats, and no
//!   other test touches that sandbox;
//! - [`faulty`] with `fail_rate: 0.2, rate_limit: 20`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use apiodbc_sandbox::{spawn, RunningSandbox, SandboxConfig};
use chrono::{DateTime, NaiveDateTime};
use odbc_api::{Connection, Cursor, ResultSetMetadata};
use serde_json::Value;

use crate::harness::{connect_str, rows_as_text};

/// Rows per main table; small enough for a quick suite, large enough for several pages.
pub const RECORDS: usize = 50;
/// Seed of every sandbox of this suite.
pub const SEED: u64 = 7;

// ---------------------------------------------------------------------------------------------
// HTTP to the control endpoints

/// A response of the tiny HTTP client.
pub struct Resp {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// One request on a fresh connection (`Connection: close`); `base` is `http://host:port`.
pub fn http(base: &str, method: &str, path: &str) -> Resp {
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream =
        TcpStream::connect(addr).unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    let length = if method == "POST" {
        "Content-Length: 0\r\n"
    } else {
        ""
    };
    let request =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{length}\r\n");
    stream.write_all(request.as_bytes()).expect("write request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    parse_response(&raw)
}

/// One request carrying a JSON body, on a fresh connection.
pub fn http_json(base: &str, method: &str, path: &str, body: &Value) -> Resp {
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream =
        TcpStream::connect(addr).unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    let text = body.to_string();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
        text.len()
    );
    stream.write_all(request.as_bytes()).expect("write request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of the response headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let chunked = lines.any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("transfer-encoding")
                && v.trim().eq_ignore_ascii_case("chunked")
        })
    });
    let body = &raw[split + 4..];
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    Resp { status, body }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16)
            .expect("chunk size");
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
    out
}

/// `%XX` and `+` decoded.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The parameters of a query string, decoded; a repeated name keeps every value.
pub fn query_params(query: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.entry(percent_decode(k))
            .or_default()
            .push(percent_decode(v));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The sandboxes

/// One in-process sandbox and its manifest.
pub struct Sandbox {
    _running: RunningSandbox,
    pub base: String,
    pub manifest: Value,
}

/// One API request as `/_sandbox/stats` lists it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
}

impl Request {
    pub fn params(&self) -> BTreeMap<String, Vec<String>> {
        query_params(&self.query)
    }

    /// The single value of a query parameter.
    pub fn param(&self, name: &str) -> Option<String> {
        self.params().remove(name).map(|mut v| v.remove(0))
    }
}

impl Sandbox {
    pub fn start(config: SandboxConfig) -> Sandbox {
        let running = spawn(config).expect("starting the sandbox");
        let base = running.base_url();
        let manifest = http(&base, "GET", "/_sandbox/manifest").json();
        Sandbox {
            _running: running,
            base,
            manifest,
        }
    }

    /// The services of the manifest, sorted.
    pub fn services(&self) -> Vec<String> {
        self.manifest["services"]
            .as_object()
            .expect("manifest services")
            .keys()
            .cloned()
            .collect()
    }

    /// The tables of a service in the manifest, sorted, with their manifest entries.
    pub fn tables(&self, service: &str) -> Vec<(String, Value)> {
        self.manifest["services"][service]["tables"]
            .as_object()
            .unwrap_or_else(|| panic!("no service {service} in the manifest"))
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// A table's rows; for the name of a fixed list of values a table is read once per value
    /// (`parent = { values }`, in the manifest `"parent": <column>, "parent_values": [...]`),
    /// the number of values.
    pub fn rows(&self, service: &str, table: &str) -> usize {
        let tables = &self.manifest["services"][service]["tables"];
        let values = || {
            let listed = tables
                .as_object()?
                .values()
                .find(|t| t["parent"] == table)?;
            Some(listed["parent_values"].as_array()?.len() as u64)
        };
        tables[table]["rows"]
            .as_u64()
            .or_else(values)
            .unwrap_or_else(|| panic!("no table {service}.{table} in the manifest"))
            as usize
    }

    pub fn parent(&self, service: &str, table: &str) -> Option<String> {
        self.manifest["services"][service]["tables"][table]["parent"]
            .as_str()
            .map(str::to_owned)
    }

    pub fn credentials(&self, service: &str) -> Vec<String> {
        self.manifest["services"][service]["credentials"]
            .as_object()
            .map(|m| {
                m.values()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn credential(&self, service: &str, key: &str) -> String {
        self.manifest["services"][service]["credentials"][key]
            .as_str()
            .unwrap_or_else(|| panic!("no credential {service}/{key}"))
            .to_owned()
    }

    /// The manifest's connection string for the service's non-OAuth scheme (`BASIC`, `APIKEY`,
    /// or `TOKEN`, a static OAuth access token), with `DRIVER={apiodbc}`. The OAuth flows'
    /// strings (`InitiateOAuth=GETANDREFRESH`) belong to the OAuth tests.
    pub fn connection_string(&self, service: &str) -> String {
        let strings = self.manifest["services"][service]["connection_strings"]
            .as_object()
            .unwrap_or_else(|| panic!("no connection strings for {service}"));
        let chosen = ["BASIC", "APIKEY", "TOKEN"]
            .iter()
            .find_map(|k| strings.get(*k))
            .or_else(|| {
                strings.values().find(|v| {
                    v.as_str()
                        .is_some_and(|s| !s.contains("InitiateOAuth=GETANDREFRESH"))
                })
            })
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no non-OAuth-flow connection string for {service}"));
        format!("DRIVER={{apiodbc}};{chosen}")
    }

    /// The `BaseURL=` of the service's connection string.
    pub fn api_base(&self, service: &str) -> String {
        let cs = self.connection_string(service);
        cs.split(';')
            .find_map(|kv| kv.strip_prefix("BaseURL="))
            .expect("BaseURL in the connection string")
            .to_owned()
    }

    /// The path part of the service's base URL (`/pipedrive/api/v1`).
    pub fn api_base_path(&self, service: &str) -> String {
        let base = self.api_base(service);
        let rest = base.trim_start_matches("http://");
        rest[rest.find('/').unwrap_or(rest.len())..]
            .trim_end_matches('/')
            .to_owned()
    }

    pub fn connect(&self, service: &str) -> Connection<'static> {
        self.connect_with(service, "")
    }

    /// Connects without custom fields (`CustomFields=FALSE`): the requests a test counts are its
    /// scans' alone, and `SELECT *` has the profile's columns. Reading the definitions is counted
    /// and the custom columns checked in `custom_fields.rs`.
    pub fn connect_built_in(&self, service: &str) -> Connection<'static> {
        self.connect_with(service, "CustomFields=FALSE")
    }

    /// Connects with the service's connection string plus `extra` (`"Pagesize=3;"`), then
    /// `APIODBC_TEST_CONNECT_EXTRA` (how `cargo xtask test` runs the data-driven suites again
    /// with the result cache on and one request at a time; the first of a repeated key wins, so
    /// a test's own settings stay).
    pub fn connect_with(&self, service: &str, extra: &str) -> Connection<'static> {
        let also = std::env::var("APIODBC_TEST_CONNECT_EXTRA").unwrap_or_default();
        let cs = format!("{};{extra};{also}", self.connection_string(service));
        connect_str(&cs).unwrap_or_else(|e| panic!("connecting with {cs}: {e}"))
    }

    /// Every record a full scan returns, from `/_sandbox/data/<service>/<table>`.
    pub fn data(&self, service: &str, table: &str) -> Vec<Value> {
        let r = http(
            &self.base,
            "GET",
            &format!("/_sandbox/data/{service}/{table}"),
        );
        assert_eq!(r.status, 200, "data of {service}.{table}");
        match r.json() {
            Value::Array(rows) => rows,
            other => panic!("/_sandbox/data/{service}/{table} gave {other}"),
        }
    }

    pub fn reset(&self) {
        let r = http(&self.base, "POST", "/_sandbox/reset");
        assert!(r.status < 300, "reset answered {}", r.status);
    }

    /// The API requests since start or the last reset.
    pub fn stats(&self) -> Vec<Request> {
        let body = http(&self.base, "GET", "/_sandbox/stats").json();
        body["requests"]
            .as_array()
            .expect("stats requests")
            .iter()
            .map(|r| Request {
                method: r["method"].as_str().unwrap_or_default().to_owned(),
                path: r["path"].as_str().unwrap_or_default().to_owned(),
                query: r["query"].as_str().unwrap_or_default().to_owned(),
                status: r["status"].as_u64().unwrap_or_default() as u16,
            })
            .collect()
    }

    /// The most API requests the sandbox was answering at once since start or the last reset.
    pub fn max_in_flight(&self) -> u64 {
        let body = http(&self.base, "GET", "/_sandbox/stats").json();
        body["max_in_flight"].as_u64().expect("stats max_in_flight")
    }

    /// The requests that went to a table's own list endpoint (its profile path template).
    pub fn table_requests(&self, stats: &[Request], service: &str, table: &str) -> Vec<Request> {
        stats
            .iter()
            .filter(|r| self.is_table_path(service, table, &r.path))
            .cloned()
            .collect()
    }

    /// Whether a request's path is the list (or, under a parent, a list) of `table`.
    pub fn is_table_path(&self, service: &str, table: &str, path: &str) -> bool {
        // A profile path may carry a query (`/reports/user/ratings?user={user_id}`); the
        // request log's path has none.
        let table_path = profile(service).table(table).path();
        let table_path = table_path.split('?').next().unwrap_or_default();
        let template = format!("{}{table_path}", self.api_base_path(service));
        path_matches(&without_dot_segments(&template), path)
    }
}

/// A path with its `..` segments resolved, as a URL parser does (`/api/v1/../v2/x` is
/// `/api/v2/x`): profiles reach a sibling API version that way.
fn without_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            ".." => {
                out.pop();
            }
            "." => {}
            s => out.push(s),
        }
    }
    out.join("/")
}

/// Whether `path` fits `template`, where a `{name}` segment matches any one segment.
pub fn path_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}') && !p.is_empty()))
}

fn config() -> SandboxConfig {
    SandboxConfig {
        records: RECORDS,
        seed: SEED,
        ..SandboxConfig::default()
    }
}

/// The sandbox for tests that only read rows.
pub fn clean() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| Sandbox::start(config()))
}

/// The sandbox for tests that count requests; hold [`counting_guard`] while using it.
pub fn counting() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| Sandbox::start(config()))
}

/// Serialises the tests that reset and read the counting sandbox's request log.
pub fn counting_guard() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    // A failed test must not fail every later one.
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The sandbox answering every API request after 30 ms, so requests that may overlap do; tests
/// that reset and read its log hold [`slow_guard`].
pub fn slow() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| {
        Sandbox::start(SandboxConfig {
            latency_ms: 30,
            ..config()
        })
    })
}

/// Serialises the tests that reset and read the slow sandbox's request log.
pub fn slow_guard() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The sandbox for tests that write: its data changes, so no reading test shares it; tests that
/// reset and read its log, or arm its write fault, hold [`writable_guard`].
pub fn writable() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| Sandbox::start(config()))
}

/// Serialises the tests that count the writable sandbox's requests or arm its faults.
pub fn writable_guard() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The sandbox with `fail_rate: 0.2, rate_limit: 20`.
pub fn faulty() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| {
        Sandbox::start(SandboxConfig {
            fail_rate: 0.2,
            rate_limit: Some(20),
            ..config()
        })
    })
}

// ---------------------------------------------------------------------------------------------
// The built-in profiles

/// A built-in profile as `profiles/<name>.toml` declares it.
pub struct Profile {
    pub name: String,
    pub doc: toml::Table,
}

/// One `[[table]]` of a profile.
pub struct TableDef<'a> {
    pub profile: &'a Profile,
    pub doc: &'a toml::Table,
}

/// One `[[table.column]]`.
#[derive(Clone, Debug)]
pub struct ColumnDef {
    pub name: String,
    pub path: String,
    pub kind: String,
    pub format: Option<String>,
    pub key: bool,
    /// Option id → label (`labels`, and custom choice fields): the driver shows labels.
    pub labels: BTreeMap<String, String>,
}

/// One `[[table.filter]]` and one of its operators.
#[derive(Clone, Debug)]
pub struct FilterDef {
    pub column: String,
    pub param: String,
    pub ops: Vec<String>,
    pub separator: String,
    pub format: String,
    /// The clause the value goes into (`opportunity_id=={value}`), if the filter has one.
    pub template: Option<String>,
    /// The most values one `in` request may carry, if the API limits them.
    pub max_values: Option<usize>,
}

pub fn profiles_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles")
}

/// The names of the profiles in `profiles/`.
pub fn profile_names() -> Vec<String> {
    all_profiles().iter().map(|p| p.name.clone()).collect()
}

/// The built-in profile of a service (the manifest's service names are the profile names).
pub fn profile(service: &str) -> &'static Profile {
    all_profiles()
        .iter()
        .find(|p| p.name == service)
        .unwrap_or_else(|| panic!("no profile named {service} in profiles/"))
}

fn all_profiles() -> &'static [Profile] {
    static ALL: OnceLock<Vec<Profile>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut out = Vec::new();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(profiles_dir())
            .expect("profiles/")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("reading a profile");
            let doc: toml::Table = text
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = doc["name"].as_str().expect("profile name").to_owned();
            out.push(Profile { name, doc });
        }
        out
    })
}

impl Profile {
    pub fn table(&self, name: &str) -> TableDef<'_> {
        let doc = self.doc["table"]
            .as_array()
            .expect("[[table]]")
            .iter()
            .filter_map(toml::Value::as_table)
            .find(|t| t["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("no table {name} in profile {}", self.name));
        TableDef { profile: self, doc }
    }

    /// Where the API puts its error message.
    pub fn message_paths(&self) -> Vec<String> {
        self.doc
            .get("errors")
            .and_then(|e| e.get("message_paths"))
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn str_of(t: &toml::Table, key: &str) -> Option<String> {
    t.get(key).and_then(toml::Value::as_str).map(str::to_owned)
}

impl TableDef<'_> {
    pub fn path(&self) -> String {
        str_of(self.doc, "path").unwrap_or_default()
    }

    pub fn columns(&self) -> Vec<ColumnDef> {
        self.doc["column"]
            .as_array()
            .expect("[[table.column]]")
            .iter()
            .filter_map(toml::Value::as_table)
            .map(|c| {
                let name = str_of(c, "name").expect("column name");
                ColumnDef {
                    path: str_of(c, "path").unwrap_or_else(|| name.clone()),
                    kind: str_of(c, "type").unwrap_or_else(|| "text".into()),
                    format: str_of(c, "format"),
                    key: c.get("key").and_then(toml::Value::as_bool) == Some(true),
                    labels: c
                        .get("labels")
                        .and_then(toml::Value::as_table)
                        .map(|t| {
                            t.iter()
                                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                                .collect()
                        })
                        .unwrap_or_default(),
                    name,
                }
            })
            .collect()
    }

    pub fn column(&self, name: &str) -> ColumnDef {
        self.columns()
            .into_iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    pub fn key(&self) -> Option<ColumnDef> {
        self.columns().into_iter().find(|c| c.key)
    }

    /// The filter that takes a list of `key`s in one request (`ids=1,2,3`), if there is one.
    pub fn key_list_filter(&self, key: &ColumnDef) -> Option<FilterDef> {
        self.filters()
            .into_iter()
            .find(|f| f.column == key.name && f.ops.iter().any(|o| o == "in"))
    }

    pub fn filters(&self) -> Vec<FilterDef> {
        self.doc
            .get("filter")
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(toml::Value::as_table)
                    .map(|f| FilterDef {
                        column: str_of(f, "column").expect("filter column"),
                        param: str_of(f, "param").expect("filter param"),
                        ops: f
                            .get("ops")
                            .and_then(toml::Value::as_array)
                            .map(|o| {
                                o.iter()
                                    .filter_map(|v| v.as_str().map(str::to_owned))
                                    .collect()
                            })
                            .unwrap_or_else(|| vec!["=".into()]),
                        separator: str_of(f, "separator").unwrap_or_else(|| ",".into()),
                        format: str_of(f, "format").unwrap_or_else(|| "text".into()),
                        template: str_of(f, "template"),
                        max_values: f
                            .get("max_values")
                            .and_then(toml::Value::as_integer)
                            .and_then(|n| usize::try_from(n).ok()),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The table's `[table.pagination]`, or the profile's `[pagination]`.
    /// How the table's list is paged: a child table's is its parent's, whose pages it reads.
    pub fn pagination(&self) -> toml::Table {
        let of = self
            .doc
            .get("child")
            .and_then(toml::Value::as_table)
            .and_then(|c| str_of(c, "of"));
        if let Some(of) = of {
            return self.profile.table(&of).pagination();
        }
        self.doc
            .get("pagination")
            .or_else(|| self.profile.doc.get("pagination"))
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default()
    }

    /// Whether the table declares a single-record endpoint (key lookups use it).
    pub fn has_single(&self) -> bool {
        self.doc.contains_key("single")
    }

    pub fn is_report(&self) -> bool {
        self.doc.contains_key("report")
    }

    /// The custom-field columns the table should add after its own (`[table.custom_fields]`),
    /// worked out from the definitions the sandbox serves: for each of the account's own fields
    /// its value and each part its type carries, as (how the column's REMARKS end, the column;
    /// its name is the driver's, found by the REMARKS). Empty without custom fields.
    pub fn custom_columns(&self, sb: &Sandbox, service: &str) -> Vec<(String, ColumnDef)> {
        let Some(decl) = self
            .doc
            .get("custom_fields")
            .and_then(toml::Value::as_table)
        else {
            return Vec::new();
        };
        let shared = self
            .profile
            .doc
            .get("custom_field_types")
            .and_then(toml::Value::as_table);
        let mut types: BTreeMap<String, String> = BTreeMap::new();
        let mut parts: Vec<toml::Table> = Vec::new();
        for source in [shared, Some(decl)].into_iter().flatten() {
            if let Some(t) = source.get("types").and_then(toml::Value::as_table) {
                for (k, v) in t {
                    types.insert(k.clone(), v.as_str().unwrap_or_default().to_owned());
                }
            }
            if let Some(p) = source.get("part").and_then(toml::Value::as_array) {
                let mine: Vec<toml::Table> =
                    p.iter().filter_map(|x| x.as_table().cloned()).collect();
                let own: Vec<String> = mine
                    .iter()
                    .filter_map(|x| str_of(x, "field_type"))
                    .collect();
                parts.retain(|x| !str_of(x, "field_type").is_some_and(|f| own.contains(&f)));
                parts.extend(mine);
            }
        }
        let field = |k: &str| str_of(decl, k).unwrap_or_else(|| panic!("custom_fields.{k}"));
        let definitions = self.profile.table(&field("definitions"));
        let path_of = |column: &str| definitions.column(column).path;
        let value = str_of(decl, "value").unwrap_or_else(|| "{key}".into());
        let mut out = Vec::new();
        for def in sb.data(
            service,
            definitions.doc["name"].as_str().unwrap_or_default(),
        ) {
            if let Some(flag) = str_of(decl, "custom") {
                if json_path(&def, &path_of(&flag)) != Some(&Value::Bool(true)) {
                    continue;
                }
            }
            let text = |column: String| {
                json_path(&def, &path_of(&column))
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            };
            let (Some(key), Some(_name)) = (text(field("key")), text(field("name"))) else {
                continue;
            };
            let api_type = text(field("type")).unwrap_or_default();
            let options: BTreeMap<String, String> = str_of(decl, "options")
                .and_then(|o| json_path(&def, &path_of(&o)).cloned())
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|o| {
                    let id = o.get("id")?;
                    let id = id.as_str().map_or_else(|| id.to_string(), str::to_owned);
                    Some((id, o.get("label")?.as_str()?.to_owned()))
                })
                .collect();
            let (kind, labels) = match types.get(&api_type).map(String::as_str) {
                Some("label") => ("text".to_owned(), options),
                Some("labels") => ("labels".to_owned(), options),
                Some(other) => (other.to_owned(), BTreeMap::new()),
                None => ("json".to_owned(), BTreeMap::new()),
            };
            let main = format!("key {key})");
            let value = decl
                .get("value_by_type")
                .and_then(|t| str_of(t.as_table()?, &api_type))
                .unwrap_or_else(|| value.clone());
            out.push((
                main.clone(),
                ColumnDef {
                    name: String::new(),
                    path: value.replace("{key}", &key),
                    kind,
                    format: None,
                    key: false,
                    labels,
                },
            ));
            for part in parts
                .iter()
                .filter(|p| str_of(p, "field_type").as_deref() == Some(&api_type))
            {
                let suffix = str_of(part, "suffix").unwrap_or_default();
                out.push((
                    format!("{main}: its {}", suffix.replace('_', " ")),
                    ColumnDef {
                        name: String::new(),
                        path: str_of(part, "path")
                            .unwrap_or_default()
                            .replace("{key}", &key),
                        kind: str_of(part, "type").unwrap_or_else(|| "text".into()),
                        format: str_of(part, "format"),
                        key: false,
                        labels: BTreeMap::new(),
                    },
                ));
            }
        }
        out
    }

    /// The column a parent iteration or a child table fills from the parent's key.
    pub fn parent_column(&self) -> Option<String> {
        ["parent", "child"].iter().find_map(|k| {
            let t = self.doc.get(*k)?.as_table()?;
            str_of(t, "column").or_else(|| str_of(t, "parent_column"))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Raw JSON → the text the driver shows

/// A dotted JSON path (`owner_id.id`, `emails.0.value`, `$` for the record itself).
pub fn json_path<'v>(record: &'v Value, path: &str) -> Option<&'v Value> {
    if path == "$" {
        return Some(record);
    }
    let mut cur = record;
    for part in path.split('.') {
        // `[field=value]`: the element of an array whose field is the value.
        let selector = part
            .strip_prefix('[')
            .and_then(|p| p.strip_suffix(']'))
            .and_then(|p| p.split_once('='));
        cur = match (cur, selector) {
            (Value::Array(a), Some((field, wanted))) => a.iter().find(|item| {
                item.get(field).is_some_and(|v| {
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned) == wanted
                })
            })?,
            (Value::Object(m), _) => m.get(part)?,
            (Value::Array(a), None) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
        if cur.is_null() {
            return None;
        }
    }
    Some(cur)
}

fn parse_timestamp(text: &str, format: Option<&str>) -> Option<NaiveDateTime> {
    match format {
        Some(f) if f != "rfc3339" => NaiveDateTime::parse_from_str(text, f).ok(),
        _ => DateTime::parse_from_rfc3339(text)
            .map(|d| d.naive_utc())
            .ok()
            .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok())
            .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").ok()),
    }
}

fn canon_float(f: f64) -> String {
    format!("{f:.4}")
}

/// A comparable form of the value the driver should return for `column` of a raw record.
pub fn expected(column: &ColumnDef, record: &Value) -> Option<String> {
    let raw = json_path(record, &column.path)?;
    let text = raw.as_str();
    let label = |v: &Value| {
        let id = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        column.labels.get(&id).cloned().unwrap_or(id)
    };
    if column.kind == "labels" {
        let ids: Vec<Value> = match raw {
            Value::Array(items) => items.clone(),
            Value::String(s) => s
                .split(',')
                .filter(|x| !x.trim().is_empty())
                .map(|x| Value::String(x.trim().into()))
                .collect(),
            other => vec![other.clone()],
        };
        return Some(
            Value::Array(ids.iter().map(|v| Value::String(label(v))).collect()).to_string(),
        );
    }
    if column.kind == "text" && !column.labels.is_empty() {
        return Some(label(raw));
    }
    if column.kind == "text" {
        return Some(text.map_or_else(|| raw.to_string(), str::to_owned));
    }
    if text == Some("") {
        return None;
    }
    let kind = column.kind.as_str();
    Some(match kind {
        "int64" | "int32" => match raw {
            Value::Number(n) => n.as_i64().map_or_else(|| n.to_string(), |i| i.to_string()),
            Value::String(s) => s
                .parse::<i64>()
                .map_or_else(|_| s.clone(), |i| i.to_string()),
            other => other.to_string(),
        },
        "float64" => raw
            .as_f64()
            .or_else(|| text.and_then(|s| s.parse().ok()))
            .map_or_else(|| raw.to_string(), canon_float),
        "boolean" => match raw {
            Value::Bool(b) => b.to_string(),
            // APIs that send flags as 0/1 (Pipedrive v1's `done`).
            Value::Number(n) if n.as_i64() == Some(0) => "false".to_owned(),
            Value::Number(n) if n.as_i64() == Some(1) => "true".to_owned(),
            other => other.to_string(),
        },
        "date" => text.map_or_else(|| raw.to_string(), |s| s.chars().take(10).collect()),
        "timestamp" => text
            .and_then(|s| parse_timestamp(s, column.format.as_deref()))
            .map_or_else(|| raw.to_string(), canon_timestamp),
        "json" => raw.to_string(),
        k if k.starts_with("decimal") => raw
            .as_f64()
            .or_else(|| text.and_then(|s| s.parse().ok()))
            .map_or_else(|| raw.to_string(), canon_float),
        other => panic!("unknown column type {other}"),
    })
}

fn canon_timestamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

/// The comparable form of what the driver returned as text (see [`expected`]).
pub fn actual(column: &ColumnDef, got: Option<&str>) -> Option<String> {
    let got = got?;
    let kind = column.kind.as_str();
    Some(match kind {
        "int64" | "int32" => got
            .trim()
            .parse::<i64>()
            .map_or_else(|_| got.to_owned(), |i| i.to_string()),
        "float64" => got
            .trim()
            .parse::<f64>()
            .map_or_else(|_| got.to_owned(), canon_float),
        k if k.starts_with("decimal") => got
            .trim()
            .parse::<f64>()
            .map_or_else(|_| got.to_owned(), canon_float),
        "boolean" => match got.trim() {
            "1" | "true" | "TRUE" | "t" => "true".to_owned(),
            "0" | "false" | "FALSE" | "f" => "false".to_owned(),
            other => other.to_owned(),
        },
        "date" => got.chars().take(10).collect(),
        "timestamp" => {
            parse_timestamp(got.trim(), None).map_or_else(|| got.to_owned(), canon_timestamp)
        }
        "json" | "labels" => {
            serde_json::from_str::<Value>(got).map_or_else(|_| got.to_owned(), |v| v.to_string())
        }
        _ => got.to_owned(),
    })
}

/// A SQL literal for a comparable value of a column.
pub fn literal(column: &ColumnDef, value: &str) -> String {
    match column.kind.as_str() {
        "int64" | "int32" | "float64" | "boolean" => value.to_owned(),
        _ => format!("'{}'", value.replace('\'', "''")),
    }
}

/// `"service"."table"`.
pub fn qualified(service: &str, table: &str) -> String {
    format!("\"{service}\".\"{table}\"")
}

/// A query's column names and rows as text.
pub fn query_named(conn: &Connection<'_>, sql: &str) -> (Vec<String>, Vec<Vec<Option<String>>>) {
    let mut cursor = conn
        .execute(sql, (), None)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("{sql}: no result set"));
    let names = cursor
        .column_names()
        .expect("column names")
        .collect::<Result<Vec<_>, _>>()
        .expect("column name");
    let rows = rows_as_text(&mut cursor);
    (names, rows)
}

/// The first error of running a query to its end (execute and fetch every row).
pub fn query_error(conn: &Connection<'_>, sql: &str) -> Option<odbc_api::Error> {
    let mut cursor = match conn.execute(sql, (), None) {
        Err(e) => return Some(e),
        Ok(None) => return None,
        Ok(Some(c)) => c,
    };
    loop {
        match cursor.next_row() {
            Ok(Some(_)) => {}
            Ok(None) => return None,
            Err(e) => return Some(e),
        }
    }
}

/// Rows in the comparable form of [`actual`], one map per row (column name → value).
pub fn comparable_rows(
    columns: &[ColumnDef],
    names: &[String],
    rows: &[Vec<Option<String>>],
) -> Vec<BTreeMap<String, Option<String>>> {
    rows.iter()
        .map(|row| {
            names
                .iter()
                .zip(row)
                .map(|(name, value)| {
                    let column = columns
                        .iter()
                        .find(|c| &c.name == name)
                        .unwrap_or_else(|| panic!("column {name} is not in the profile"));
                    (name.clone(), actual(column, value.as_deref()))
                })
                .collect()
        })
        .collect()
}
