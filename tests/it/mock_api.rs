//! A tiny HTTP/1.1 server of the tests' own (std::net, one thread per connection) for APIs the
//! sandbox does not imitate: a profile file's own API, an endpoint that always fails, bodies cut
//! short. Each response closes its connection. Also writes profile files to a private temp dir.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

use crate::sandbox::query_params;

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Req {
    pub path: String,
    /// Decoded query parameters (the last value of a repeated name).
    pub params: BTreeMap<String, String>,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
}

impl Req {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// What to answer.
pub enum Reply {
    /// A JSON body with a correct Content-Length.
    Json(u16, Value),
    /// These bytes as the whole response (status line and headers included), then close.
    Raw(Vec<u8>),
}

type Handler = dyn Fn(&Req) -> Reply + Send + Sync;

pub struct MockApi {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Req>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MockApi {
    pub fn start(handler: impl Fn(&Req) -> Reply + Send + Sync + 'static) -> MockApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding the mock API");
        let addr = listener.local_addr().expect("mock API address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let thread = {
            let (requests, stop) = (requests.clone(), stop.clone());
            std::thread::Builder::new()
                .name("mock-api".into())
                .spawn(move || {
                    for stream in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let (requests, handler) = (requests.clone(), handler.clone());
                        std::thread::spawn(move || serve(stream, &requests, &*handler));
                    }
                })
                .expect("spawning the mock API")
        };
        MockApi {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests so far.
    pub fn requests(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }

    /// The requests so far to one path.
    pub fn requests_to(&self, path: &str) -> Vec<Req> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    pub fn clear(&self) {
        self.requests.lock().unwrap().clear();
    }
}

impl Drop for MockApi {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut stream: TcpStream, requests: &Mutex<Vec<Req>>, handler: &Handler) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    while !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&raw).into_owned();
    let mut lines = head.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let req = Req {
        path: path.to_owned(),
        params: query_params(query)
            .into_iter()
            .filter_map(|(k, mut v)| Some((k, v.pop()?)))
            .collect(),
        headers,
    };
    requests.lock().unwrap().push(req.clone());
    let bytes = match handler(&req) {
        Reply::Raw(bytes) => bytes,
        Reply::Json(status, body) => {
            let body = body.to_string();
            format!(
                "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                reason(status),
                body.len()
            )
            .into_bytes()
        }
    };
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

/// Writes `text` to `<temp>/apiodbc-it-<pid>/<name>` and returns the path. The folders of
/// earlier runs whose process is gone are removed first.
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let temp = std::env::temp_dir();
        for entry in std::fs::read_dir(&temp).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("apiodbc-it-")) else {
                continue;
            };
            if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = temp.join(format!("apiodbc-it-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("creating the temp dir");
        dir
    });
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    path
}
