//! Opens the system browser at a URL for the desktop OAuth flow (RFC 8252 §8.12: the system
//! browser, never an embedded one).
//!
//! - `$BROWSER`, when set and not empty, wins: a `:`-separated list of commands tried in order
//!   (the usual convention). An entry is split on whitespace (no shell, no quoting); a `%s` in it
//!   is replaced by the URL (`%%` is a literal `%`), otherwise the URL is appended as the last
//!   argument.
//! - Otherwise the platform opener: `xdg-open` on Linux and the BSDs, but only with a display
//!   (`DISPLAY` or `WAYLAND_DISPLAY`); `open` on macOS.
//! - Where nothing can be opened (no `$BROWSER` and no display, or every spawn fails) the caller
//!   gets a [`NoBrowser`] at once, so it can explain the headless steps instead of waiting.
//!
//! The child is detached: its standard streams are null, it runs in its own process group, and a
//! thread reaps it so no zombie is left. The URL is passed as one argument, never through a shell.

use std::process::{Command, Stdio};

/// What the decision depends on, read from the environment (or given, in tests).
#[derive(Clone, Debug, Default)]
pub struct BrowserEnv {
    /// `$BROWSER`.
    pub browser: Option<String>,
    /// Whether `DISPLAY` or `WAYLAND_DISPLAY` is set (Linux and the BSDs).
    pub display: bool,
}

impl BrowserEnv {
    /// The current process's environment.
    pub fn current() -> BrowserEnv {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        BrowserEnv {
            browser: std::env::var("BROWSER")
                .ok()
                .filter(|b| !b.trim().is_empty()),
            display: set("DISPLAY") || set("WAYLAND_DISPLAY"),
        }
    }
}

/// One command to run: program and arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Launch {
    pub program: String,
    pub args: Vec<String>,
}

/// Why no browser could be opened (the caller turns it into a 28000 with the headless steps).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoBrowser(pub String);

/// One `$BROWSER` entry for `url`: `%s` replaced (and `%%` unescaped), else the URL appended.
pub fn parse_entry(entry: &str, url: &str) -> Option<Launch> {
    let mut substituted = false;
    let mut words: Vec<String> = entry
        .split_whitespace()
        .map(|word| {
            let mut out = String::with_capacity(word.len());
            let mut chars = word.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '%' {
                    match chars.peek() {
                        Some('s') => {
                            chars.next();
                            out.push_str(url);
                            substituted = true;
                        }
                        Some('%') => {
                            chars.next();
                            out.push('%');
                        }
                        _ => out.push('%'),
                    }
                } else {
                    out.push(c);
                }
            }
            out
        })
        .collect();
    if words.is_empty() {
        return None;
    }
    if !substituted {
        words.push(url.to_string());
    }
    let program = words.remove(0);
    Some(Launch {
        program,
        args: words,
    })
}

/// The commands to try, in order, for `url` in `env`; [`NoBrowser`] when there is none.
pub fn plan(url: &str, env: &BrowserEnv) -> Result<Vec<Launch>, NoBrowser> {
    if let Some(list) = env.browser.as_deref() {
        let launches: Vec<Launch> = list
            .split(':')
            .filter_map(|e| parse_entry(e, url))
            .collect();
        if !launches.is_empty() {
            return Ok(launches);
        }
    }
    platform_opener(url, env)
}

#[cfg(target_os = "macos")]
fn platform_opener(url: &str, _env: &BrowserEnv) -> Result<Vec<Launch>, NoBrowser> {
    Ok(vec![Launch {
        program: "open".into(),
        args: vec![url.to_string()],
    }])
}

#[cfg(windows)]
fn platform_opener(url: &str, _env: &BrowserEnv) -> Result<Vec<Launch>, NoBrowser> {
    Ok(vec![Launch {
        program: "rundll32".into(),
        args: vec!["url.dll,FileProtocolHandler".into(), url.to_string()],
    }])
}

#[cfg(not(any(target_os = "macos", windows)))]
fn platform_opener(url: &str, env: &BrowserEnv) -> Result<Vec<Launch>, NoBrowser> {
    if !env.display {
        return Err(NoBrowser(
            "no browser can be opened here: $BROWSER is not set and there is no display (DISPLAY and WAYLAND_DISPLAY are not set)".into(),
        ));
    }
    Ok(vec![Launch {
        program: "xdg-open".into(),
        args: vec![url.to_string()],
    }])
}

fn spawn(launch: &Launch) -> std::io::Result<()> {
    let mut cmd = Command::new(&launch.program);
    cmd.args(&launch.args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn()?;
    // Reap the child whenever it ends, so no zombie stays behind.
    let _ = std::thread::Builder::new()
        .name("apiodbc-browser".into())
        .spawn(move || {
            let _ = child.wait();
        });
    Ok(())
}

/// Opens `url` in the browser `env` names; the first command that starts wins.
pub fn open_with(url: &str, env: &BrowserEnv) -> Result<(), NoBrowser> {
    let launches = plan(url, env)?;
    let mut failures = Vec::new();
    for launch in &launches {
        match spawn(launch) {
            Ok(()) => {
                tracing::debug!(program = %launch.program, "opened the browser for OAuth");
                return Ok(());
            }
            Err(e) => failures.push(format!("{}: {e}", launch.program)),
        }
    }
    Err(NoBrowser(format!(
        "no browser could be started ({})",
        failures.join("; ")
    )))
}

/// Opens `url` in the system browser of the current environment.
pub fn open(url: &str) -> Result<(), NoBrowser> {
    open_with(url, &BrowserEnv::current())
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://example.test/authorize?a=1&state=x%20y";

    fn env(browser: Option<&str>, display: bool) -> BrowserEnv {
        BrowserEnv {
            browser: browser.map(str::to_string),
            display,
        }
    }

    #[test]
    fn entry_appends_the_url_or_replaces_percent_s() {
        assert_eq!(
            parse_entry("firefox", URL),
            Some(Launch {
                program: "firefox".into(),
                args: vec![URL.into()]
            })
        );
        assert_eq!(
            parse_entry("  chromium --new-window %s --x  ", URL),
            Some(Launch {
                program: "chromium".into(),
                args: vec!["--new-window".into(), URL.into(), "--x".into()]
            })
        );
        assert_eq!(
            parse_entry("b --arg=100%% u=%s", URL),
            Some(Launch {
                program: "b".into(),
                args: vec!["--arg=100%".into(), format!("u={URL}")]
            })
        );
        assert_eq!(parse_entry("   ", URL), None);
    }

    #[test]
    fn browser_list_is_split_on_colons_and_wins_over_the_platform() {
        let plan = plan(URL, &env(Some("w3m:/opt/b/run %s::lynx -dump"), false))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let programs: Vec<&str> = plan.iter().map(|l| l.program.as_str()).collect();
        assert_eq!(programs, ["w3m", "/opt/b/run", "lynx"]);
        assert_eq!(plan[2].args, ["-dump", URL]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_needs_browser_or_a_display() {
        assert!(plan(URL, &env(None, false)).is_err());
        assert!(plan(URL, &env(Some(" "), false)).is_err());
        let p = plan(URL, &env(None, true)).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p[0].program, "xdg-open");
        assert_eq!(p[0].args, [URL]);
    }

    #[test]
    fn a_browser_that_cannot_start_is_reported() {
        let e = open_with(URL, &env(Some("/nonexistent/apiodbc-browser"), true));
        assert!(e.is_err_and(|e| e.0.contains("/nonexistent/apiodbc-browser")));
    }
}
