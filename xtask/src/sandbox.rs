//! Running the `apiodbc-sandbox` binary (local imitations of the five services, docs/architecture.md decision 11) for
//! the demo: start it, read the `listening on http://127.0.0.1:PORT` line it prints, read its
//! manifest (the working connection strings), and stop it when done. The Rust integration tests
//! start the sandbox in-process; the demo, the benchmarks and the pyodbc tests run the binary.
//! std only: a plain HTTP/1.0 GET to the loopback address and a small JSON reader.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The sandbox's binary name under target/<profile>/.
pub const BINARY: &str = "apiodbc-sandbox";

pub struct Sandbox {
    child: Child,
    pub base_url: String,
}

impl Sandbox {
    /// Starts `binary` and waits for its listening line. The port is the sandbox's choice and is
    /// read back from that line, so nothing here assumes a fixed one.
    pub fn start(binary: &Path, args: &[&str]) -> Result<Self, String> {
        let mut child = Command::new(binary)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("sandbox stdout not captured")?;
        let (tx, rx) = mpsc::channel();
        // The reader keeps draining stdout after the listening line, so the sandbox never blocks
        // on a full pipe while it logs requests.
        thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent {
                    if let Some(url) = listening_url(&line) {
                        let _ = tx.send(url);
                        sent = true;
                        continue;
                    }
                }
                println!("[sandbox] {line}");
            }
        });
        match rx.recv_timeout(READY_TIMEOUT) {
            Ok(base_url) => Ok(Self { child, base_url }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!(
                    "{} did not print `listening on http://...` within {}s",
                    binary.display(),
                    READY_TIMEOUT.as_secs()
                ))
            }
        }
    }
}

impl Sandbox {
    /// `GET /_sandbox/manifest`, parsed.
    pub fn manifest(&self) -> Result<Json, String> {
        let body = http_get(&format!("{}/_sandbox/manifest", self.base_url))?;
        Json::parse(&body).map_err(|e| format!("the sandbox manifest is not JSON: {e}"))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A GET over plain HTTP/1.0 (the sandbox listens on loopback; no TLS, no chunking).
fn http_get(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("not an http:// URL: {url}"))?;
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut stream = TcpStream::connect(host).map_err(|e| format!("{url}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| format!("{url}: {e}"))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| format!("{url}: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("{url}: {e}"))?;
    let text = String::from_utf8(raw).map_err(|_| format!("{url}: the answer is not UTF-8"))?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("{url}: no HTTP header in the answer"))?;
    let status = head.split_whitespace().nth(1).unwrap_or("");
    if status != "200" {
        return Err(format!("{url}: HTTP {status}"));
    }
    Ok(body.to_string())
}

/// A JSON value: enough of JSON to read the sandbox's manifest.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Json>),
    Object(BTreeMap<String, Json>),
}

impl Json {
    pub fn parse(text: &str) -> Result<Json, String> {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        let v = p.value()?;
        p.ws();
        if p.i != p.s.len() {
            return Err(format!("trailing characters at byte {}", p.i));
        }
        Ok(v)
    }

    /// The value at a path of object keys.
    pub fn at(&self, path: &[&str]) -> Option<&Json> {
        path.iter().try_fold(self, |v, key| match v {
            Json::Object(m) => m.get(*key),
            _ => None,
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> impl Iterator<Item = (&String, &Json)> {
        match self {
            Json::Object(m) => Some(m.iter()),
            _ => None,
        }
        .into_iter()
        .flatten()
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|b| b.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Result<(), String> {
        self.ws();
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected '{}' at byte {}", b as char, self.i))
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.ws();
        match self.s.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut m = BTreeMap::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Json::Object(m));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.eat(b':')?;
                    m.insert(k, self.value()?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Object(m));
                        }
                        _ => return Err(format!("expected ',' or '}}' at byte {}", self.i)),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut v = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Json::Array(v));
                }
                loop {
                    v.push(self.value()?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Array(v));
                        }
                        _ => return Err(format!("expected ',' or ']' at byte {}", self.i)),
                    }
                }
            }
            Some(b'"') => self.string().map(Json::Str),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(_) => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|b| b"+-.eE0123456789".contains(b))
                {
                    self.i += 1;
                }
                std::str::from_utf8(&self.s[start..self.i])
                    .ok()
                    .and_then(|t| t.parse().ok())
                    .map(Json::Number)
                    .ok_or_else(|| format!("bad value at byte {start}"))
            }
            None => Err("unexpected end of input".to_string()),
        }
    }

    fn word(&mut self, w: &str, v: Json) -> Result<Json, String> {
        if self.s[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(format!("bad literal at byte {}", self.i))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        if self.s.get(self.i) != Some(&b'"') {
            return Err(format!("expected a string at byte {}", self.i));
        }
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while self
                .s
                .get(self.i)
                .is_some_and(|b| *b != b'"' && *b != b'\\')
            {
                self.i += 1;
            }
            out.push_str(std::str::from_utf8(&self.s[start..self.i]).map_err(|e| e.to_string())?);
            match self.s.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc = *self.s.get(self.i + 1).ok_or("unterminated escape")?;
                    self.i += 2;
                    match esc {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'u' => {
                            let hex = |p: &mut Self| -> Result<u32, String> {
                                let h = p.s.get(p.i..p.i + 4).ok_or("short \\u escape")?;
                                p.i += 4;
                                u32::from_str_radix(
                                    std::str::from_utf8(h).map_err(|e| e.to_string())?,
                                    16,
                                )
                                .map_err(|e| e.to_string())
                            };
                            let mut c = hex(self)?;
                            if (0xD800..0xDC00).contains(&c) && self.s[self.i..].starts_with(b"\\u")
                            {
                                self.i += 2;
                                let low = hex(self)?;
                                c = 0x10000
                                    + ((c - 0xD800) << 10)
                                    + (low.wrapping_sub(0xDC00) & 0x3FF);
                            }
                            out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                        }
                        other => out.push(other as char),
                    }
                }
                _ => return Err("unterminated string".to_string()),
            }
        }
    }
}

fn listening_url(line: &str) -> Option<String> {
    let (_, rest) = line.split_once("listening on ")?;
    let url = rest.split_whitespace().next()?;
    url.starts_with("http://").then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::{listening_url, Json};

    #[test]
    fn reads_json() {
        let v = Json::parse(
            r#"{"a": {"b": ["x\"y", 1.5, true, null]}, "s": "\u00e9\ud83d\ude42", "e": {}}"#,
        )
        .unwrap();
        assert_eq!(
            v.at(&["a", "b"]),
            Some(&Json::Array(vec![
                Json::Str("x\"y".into()),
                Json::Number(1.5),
                Json::Bool(true),
                Json::Null
            ]))
        );
        assert_eq!(v.at(&["s"]).and_then(Json::as_str), Some("é🙂"));
        assert_eq!(v.at(&["e"]).map(|e| e.entries().count()), Some(0));
        assert!(Json::parse("{\"a\": }").is_err());
        assert!(Json::parse("[1] x").is_err());
    }

    #[test]
    fn reads_the_listening_line() {
        assert_eq!(
            listening_url("apiodbc-sandbox listening on http://127.0.0.1:40123").as_deref(),
            Some("http://127.0.0.1:40123")
        );
        assert_eq!(listening_url("starting"), None);
    }
}
