//! A tiny blocking HTTP/1.1 client for the sandbox's tests (one connection per request), so the
//! tests need no HTTP client crate, plus helpers to start a sandbox and read its manifest.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;

use apiodbc_sandbox::{spawn, RunningSandbox, SandboxConfig};
use serde_json::Value;

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("status {}: not JSON ({e}): {}", self.status, self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `target` is a path with query, or a full `http://` URL (its host part is ignored).
pub fn request(
    base: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Resp {
    let addr = base.trim_start_matches("http://");
    let path = match target.strip_prefix("http://") {
        Some(rest) => &rest[rest.find('/').unwrap_or(rest.len())..],
        None => target,
    };
    let mut stream = TcpStream::connect(addr).expect("connect to sandbox");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() || method == "POST" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).expect("write request");
    stream.write_all(body).expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    parse(&raw)
}

fn parse(raw: &[u8]) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Resp {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}

pub fn get(base: &str, target: &str, headers: &[(&str, &str)]) -> Resp {
    request(base, "GET", target, headers, None)
}

pub fn post(base: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    request(base, "POST", target, headers, Some(body))
}

pub fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(T[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub struct Sandbox {
    pub running: RunningSandbox,
    pub base: String,
    pub manifest: Value,
}

impl Sandbox {
    pub fn start(config: SandboxConfig) -> Sandbox {
        let running = spawn(config).expect("start sandbox");
        let base = running.base_url();
        let manifest = get(&base, "/_sandbox/manifest", &[]).json();
        Sandbox {
            running,
            base,
            manifest,
        }
    }

    pub fn with_records(records: usize) -> Sandbox {
        Sandbox::start(SandboxConfig {
            records,
            seed: 42,
            ..SandboxConfig::default()
        })
    }

    pub fn cred(&self, service: &str, key: &str) -> String {
        self.manifest["services"][service]["credentials"][key]
            .as_str()
            .unwrap_or_else(|| panic!("no credential {service}/{key}"))
            .to_owned()
    }

    pub fn rows(&self, service: &str, table: &str) -> usize {
        self.manifest["services"][service]["tables"][table]["rows"]
            .as_u64()
            .unwrap_or_else(|| panic!("no table {service}/{table}")) as usize
    }

    pub fn data(&self, service: &str, table: &str) -> Vec<Value> {
        match get(
            &self.base,
            &format!("/_sandbox/data/{service}/{table}"),
            &[],
        )
        .json()
        {
            Value::Array(rows) => rows,
            other => panic!("data endpoint gave {other}"),
        }
    }

    pub fn get(&self, target: &str, headers: &[(&str, &str)]) -> Resp {
        get(&self.base, target, headers)
    }

    pub fn post(&self, target: &str, headers: &[(&str, &str)], body: &str) -> Resp {
        post(&self.base, target, headers, body.as_bytes())
    }
}
