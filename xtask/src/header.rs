//! `cargo xtask header`: regenerates the committed C header `include/apiodbc.h` from the one the
//! build script writes into its OUT_DIR (cbindgen over `src/api/`). The build never touches the
//! source tree; a test fails while the committed header is stale, and this command fixes it.

use std::fs;
use std::process::{ExitCode, Stdio};

use crate::cmd;

/// The OUT_DIR of the driver's build script, from cargo's JSON messages.
fn out_dir(messages: &str) -> Option<String> {
    messages
        .lines()
        .filter(|l| l.contains("\"reason\":\"build-script-executed\""))
        .filter(|l| l.contains("apiodbc#") || l.contains("/apiodbc)") || l.contains("apiodbc@"))
        .filter(|l| !l.contains("apiodbc-sandbox"))
        .find_map(|l| {
            let start = l.find("\"out_dir\":\"")? + "\"out_dir\":\"".len();
            let end = l[start..].find('"')? + start;
            Some(l[start..end].replace("\\\\", "\\"))
        })
}

pub fn run(args: &[String]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask header   (regenerates include/apiodbc.h)");
        return ExitCode::from(2);
    }
    let output = cmd::cargo()
        .args([
            "build",
            "--package",
            "apiodbc",
            "--lib",
            "--message-format=json",
        ])
        .stderr(Stdio::inherit())
        .output();
    let output = match output {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            eprintln!("cargo xtask header: the build failed ({})", o.status);
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cargo xtask header: could not run cargo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let messages = String::from_utf8_lossy(&output.stdout);
    let Some(dir) = out_dir(&messages) else {
        eprintln!("cargo xtask header: the build printed no OUT_DIR for apiodbc's build script");
        return ExitCode::FAILURE;
    };
    let generated = std::path::Path::new(&dir).join("apiodbc.h");
    let committed = cmd::repo_root().join("include").join("apiodbc.h");
    let fresh = match fs::read(&generated) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cargo xtask header: {}: {e}", generated.display());
            return ExitCode::FAILURE;
        }
    };
    if fs::read(&committed).ok().as_deref() == Some(fresh.as_slice()) {
        println!("include/apiodbc.h is current");
        return ExitCode::SUCCESS;
    }
    if let Err(e) = fs::create_dir_all(cmd::repo_root().join("include"))
        .and_then(|()| fs::write(&committed, &fresh))
    {
        eprintln!("cargo xtask header: {}: {e}", committed.display());
        return ExitCode::FAILURE;
    }
    println!("include/apiodbc.h regenerated; commit it");
    ExitCode::SUCCESS
}
