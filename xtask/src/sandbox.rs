//! Running the `apiodbc-sandbox` binary (local imitations of the five services, DESIGN.md §11) for
//! the demo: start it, read the `listening on http://127.0.0.1:PORT` line it prints, and stop it
//! when done. Tests start the sandbox in-process instead; only the demo and the benchmarks use
//! the binary.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

const READY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Sandbox {
    child: Child,
    pub base_url: String,
}

impl Sandbox {
    /// Starts `binary` and waits for its listening line. The port is the sandbox's choice and is
    /// read back from that line, so nothing here assumes a fixed one.
    pub fn start(binary: &Path) -> Result<Self, String> {
        let mut child = Command::new(binary)
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

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn listening_url(line: &str) -> Option<String> {
    let (_, rest) = line.split_once("listening on ")?;
    let url = rest.split_whitespace().next()?;
    url.starts_with("http://").then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::listening_url;

    #[test]
    fn reads_the_listening_line() {
        assert_eq!(
            listening_url("apiodbc-sandbox listening on http://127.0.0.1:40123").as_deref(),
            Some("http://127.0.0.1:40123")
        );
        assert_eq!(listening_url("starting"), None);
    }
}
