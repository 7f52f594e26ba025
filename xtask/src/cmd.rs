//! Running child processes: output is streamed to the terminal as it arrives and captured at the
//! same time, so a step can be watched live and still be checked (row contents, test counts)
//! afterwards. Everything here is std only; xtask must build without fetching a crate.

use std::env;
use std::ffi::OsStr;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The repository root. xtask lives in `<root>/xtask`, so this holds however it was started.
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR` because the nested cargo calls do too.
pub fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                repo_root().join(dir)
            }
        }
        _ => repo_root().join("target"),
    }
}

/// `cargo` as the running toolchain knows it (the `CARGO` variable set by `cargo run`), so a
/// rustup override or a toolchain file applies to the nested builds as well.
pub fn cargo() -> Command {
    let program = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(program);
    cmd.current_dir(repo_root());
    cmd
}

/// The first executable called `name` on PATH, like `command -v`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// What a finished child left behind. `text` holds stdout and stderr in arrival order (the two
/// pipes are read by separate threads, so lines of one stream never split the other's lines).
pub struct Captured {
    pub status: Option<ExitStatus>,
    pub text: String,
    pub timed_out: bool,
}

impl Captured {
    pub fn success(&self) -> bool {
        !self.timed_out && self.status.is_some_and(|s| s.success())
    }

    /// A short description of how the child ended, for a summary line.
    pub fn describe_exit(&self) -> String {
        if self.timed_out {
            return "timed out".to_string();
        }
        match self.status {
            Some(s) => match s.code() {
                Some(code) => format!("exit code {code}"),
                None => {
                    use std::os::unix::process::ExitStatusExt;
                    format!("killed by signal {}", s.signal().unwrap_or(0))
                }
            },
            None => "did not start".to_string(),
        }
    }
}

/// How to run one child.
#[derive(Default)]
pub struct RunOpts<'a> {
    /// Fed to the child's stdin, which is then closed. Without it stdin is /dev/null, so nothing
    /// the driver or a client does can wait for a terminal (CI runs with no stdin).
    pub stdin: Option<&'a str>,
    /// Kill the child after this long; a deadlocked driver must not eat CI's whole time budget.
    pub timeout: Option<Duration>,
    /// Capture without echoing (probes whose output would only be noise).
    pub quiet: bool,
}

/// Prints the command line, then runs it with `opts`. An error to spawn is reported in `text`
/// rather than returned, because for every caller "could not start" is just another failure.
pub fn run(cmd: &mut Command, opts: RunOpts<'_>) -> Captured {
    if !opts.quiet {
        println!("$ {}", display(cmd));
        flush();
    }
    cmd.stdin(if opts.stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(err) => {
            let text = format!("could not start {}: {err}\n", display(cmd));
            if !opts.quiet {
                eprint!("{text}");
            }
            return Captured {
                status: None,
                text,
                timed_out: false,
            };
        }
    };

    let sink = Arc::new(Mutex::new(Vec::<u8>::new()));
    let readers = [
        child
            .stdout
            .take()
            .map(|r| tee(r, sink.clone(), opts.quiet, false)),
        child
            .stderr
            .take()
            .map(|r| tee(r, sink.clone(), opts.quiet, true)),
    ];
    if let (Some(input), Some(mut pipe)) = (opts.stdin, child.stdin.take()) {
        let input = input.to_string();
        // A child that exits without reading all of its input closes the pipe; that is its
        // business, not an error of ours.
        thread::spawn(move || {
            let _ = pipe.write_all(input.as_bytes());
        });
    }

    let (status, timed_out) = wait(&mut child, opts.timeout);
    if timed_out {
        // A grandchild may still hold the pipes open; waiting for EOF could hang for ever, so
        // keep whatever arrived and let the reader threads die with the process.
        thread::sleep(Duration::from_millis(200));
    } else {
        for reader in readers.into_iter().flatten() {
            let _ = reader.join();
        }
    }
    let bytes = sink.lock().map(|b| b.clone()).unwrap_or_default();
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if timed_out {
        let note = format!(
            "xtask: killed after {}s without finishing\n",
            opts.timeout.map_or(0, |t| t.as_secs())
        );
        eprint!("{note}");
        text.push_str(&note);
    }
    Captured {
        status,
        text,
        timed_out,
    }
}

fn wait(child: &mut Child, timeout: Option<Duration>) -> (Option<ExitStatus>, bool) {
    let Some(limit) = timeout else {
        return (child.wait().ok(), false);
    };
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return (Some(status), false),
            Ok(None) if started.elapsed() >= limit => {
                let _ = child.kill();
                return (child.wait().ok(), true);
            }
            Ok(None) => thread::sleep(Duration::from_millis(50)),
            Err(_) => return (None, false),
        }
    }
}

fn tee(
    mut from: impl Read + Send + 'static,
    sink: Arc<Mutex<Vec<u8>>>,
    quiet: bool,
    to_stderr: bool,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if !quiet {
                // Echo failures (a closed terminal) must not stop the capture the checks rely on.
                let _ = if to_stderr {
                    io::stderr().write_all(&buf[..n])
                } else {
                    io::stdout().write_all(&buf[..n])
                };
            }
            if let Ok(mut all) = sink.lock() {
                all.extend_from_slice(&buf[..n]);
            }
        }
    })
}

/// The command as a shell-like line, environment overrides first, for logs a human can re-run.
pub fn display(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| v.map(|v| format!("{}={}", k.to_string_lossy(), quote(v))))
        .collect();
    parts.push(quote(cmd.get_program()));
    parts.extend(cmd.get_args().map(quote));
    parts.join(" ")
}

fn quote(s: &OsStr) -> String {
    let s = s.to_string_lossy();
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

pub fn flush() {
    let _ = io::stdout().flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_both_streams_and_stdin() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "cat; echo err >&2"]);
        let out = run(
            &mut cmd,
            RunOpts {
                stdin: Some("in\n"),
                quiet: true,
                ..RunOpts::default()
            },
        );
        assert!(out.success());
        assert!(out.text.contains("in\n"));
        assert!(out.text.contains("err\n"));
    }

    #[test]
    fn a_hung_child_is_killed() {
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let out = run(
            &mut cmd,
            RunOpts {
                timeout: Some(Duration::from_millis(200)),
                quiet: true,
                ..RunOpts::default()
            },
        );
        assert!(out.timed_out);
        assert!(!out.success());
    }

    #[test]
    fn quoting_is_shell_safe() {
        let mut cmd = Command::new("echo");
        cmd.arg("it's").arg("plain").env("A", "b c");
        assert_eq!(display(&cmd), r"A='b c' echo 'it'\''s' plain");
    }
}
