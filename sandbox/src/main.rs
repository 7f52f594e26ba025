//! The `apiodbc-sandbox` command: parses flags, starts the server, prints
//! `listening on http://ADDR` as the first stdout line (scripts wait for it), serves until
//! Ctrl-C or SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use apiodbc_sandbox::{start, SandboxConfig};

const USAGE: &str = "usage: apiodbc-sandbox [--listen ADDR:PORT] [--records N] [--seed S] \
[--latency-ms N] [--fail-rate F] [--rate-limit N] [--token-lifetime SECS] [--auto-approve] \
[--pipedrive-rotate]";

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<SandboxConfig, String> {
    let mut c = SandboxConfig::default();
    while let Some(flag) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (flag, None),
        };
        if flag == "--auto-approve" {
            c.auto_approve = true;
            continue;
        }
        if flag == "--pipedrive-rotate" {
            c.pipedrive_rotate = true;
            continue;
        }
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_owned());
        }
        let value = inline
            .or_else(|| args.next())
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}\n{USAGE}");
        match flag.as_str() {
            "--listen" => c.listen = value.parse().map_err(|e| bad(&e))?,
            "--records" => c.records = value.parse().map_err(|e| bad(&e))?,
            "--seed" => c.seed = value.parse().map_err(|e| bad(&e))?,
            "--latency-ms" => c.latency_ms = value.parse().map_err(|e| bad(&e))?,
            "--fail-rate" => {
                let f: f64 = value.parse().map_err(|e| bad(&e))?;
                if !(0.0..=1.0).contains(&f) {
                    return Err(bad(&"must be between 0 and 1"));
                }
                c.fail_rate = f;
            }
            "--rate-limit" => {
                let n: u32 = value.parse().map_err(|e| bad(&e))?;
                c.rate_limit = (n > 0).then_some(n);
            }
            "--token-lifetime" => c.token_lifetime = value.parse().map_err(|e| bad(&e))?,
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    Ok(c)
}

async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("apiodbc-sandbox: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {}", sandbox.base_url());
    let _ = out.flush();
    terminated().await;
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        let args = [
            "--listen=127.0.0.1:0",
            "--records",
            "50",
            "--seed",
            "7",
            "--fail-rate",
            "0.2",
            "--rate-limit",
            "20",
            "--auto-approve",
            "--token-lifetime=2",
            "--pipedrive-rotate",
        ];
        let c = parse_args(args.iter().map(|s| s.to_string())).expect("parses");
        assert_eq!((c.records, c.seed, c.rate_limit), (50, 7, Some(20)));
        assert!(c.auto_approve && c.pipedrive_rotate);
        assert_eq!(c.token_lifetime, 2);
        assert!(parse_args(["--fail-rate", "2"].iter().map(|s| s.to_string())).is_err());
        assert!(parse_args(["--bogus"].iter().map(|s| s.to_string())).is_err());
    }
}
