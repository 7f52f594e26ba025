//! Bringing a fresh Debian/Ubuntu machine up to what the tests need: the unixODBC driver manager
//! and tools, the compilers and checkers, Perl DBI with DBD::ODBC, PHP with PDO_ODBC, R with RODBC,
//! iODBC (all from apt), and pyodbc, pytest and arrow-odbc in a virtualenv under target/ (so the
//! repository root stays clean and `cargo clean` removes it). Each requirement is probed by what the tests actually use, so a machine that has
//! the tools from elsewhere is not forced through apt.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::{self, RunOpts};
use crate::summary::{Outcome, StepEnd};

/// One apt package and how to tell that what we need from it is already there.
struct Need {
    package: &'static str,
    present: fn() -> bool,
}

const NEEDS: &[Need] = &[
    Need {
        package: "unixodbc",
        present: || has_command("isql") && has_command("iusql"),
    },
    Need {
        package: "odbcinst",
        present: || has_command("odbcinst"),
    },
    Need {
        // odbc-api (the integration tests' client) links -lodbc, which needs the dev symlink.
        package: "unixodbc-dev",
        present: || dpkg_installed("unixodbc-dev") || Path::new("/usr/include/sqlext.h").exists(),
    },
    Need {
        package: "gcc",
        present: || has_command("gcc"),
    },
    Need {
        package: "valgrind",
        present: || has_command("valgrind"),
    },
    Need {
        package: "python3",
        present: || has_command("python3"),
    },
    Need {
        // Debian splits venv and ensurepip out of python3; a python3 from elsewhere has them.
        package: "python3-venv",
        present: || probe(Command::new("python3").args(["-c", "import venv, ensurepip"])),
    },
    Need {
        package: "perl",
        present: || has_command("prove"),
    },
    Need {
        package: "libdbi-perl",
        present: || probe(Command::new("perl").args(["-MDBI", "-e", "1"])),
    },
    Need {
        package: "libdbd-odbc-perl",
        present: || probe(Command::new("perl").args(["-MDBD::ODBC", "-e", "1"])),
    },
    Need {
        package: "php-cli",
        present: || has_command("php"),
    },
    Need {
        package: "r-cran-rodbc",
        present: || probe(Command::new("Rscript").args(["-e", "library(RODBC)"])),
    },
    Need {
        // iODBC, macOS's driver manager: the iodbc step links libiodbc and runs iodbctest.
        package: "libiodbc2",
        present: || {
            [
                "/usr/lib/x86_64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu",
                "/usr/lib",
            ]
            .iter()
            .any(|dir| Path::new(dir).join("libiodbc.so.2").exists())
        },
    },
    Need {
        package: "iodbc",
        present: || has_command("iodbctest"),
    },
    Need {
        // PHP's odbc and PDO_ODBC extensions.
        package: "php-odbc",
        present: || {
            probe(Command::new("php").args(["-r", "exit(extension_loaded('pdo_odbc') ? 0 : 1);"]))
        },
    },
];

/// Wanted but not worth failing over: Debian's Chromium, the real browser of the desktop OAuth
/// test (Ubuntu ships it only as a snap, which apt cannot install in a container; the test then
/// skips and says why).
const OPTIONAL_NEEDS: &[Need] = &[Need {
    package: "chromium",
    present: || {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .any(|name| has_command(name))
    },
}];

/// Python packages the client scripts import.
const PIP_PACKAGES: &[&str] = &["pyodbc>=5,<6", "pytest>=7", "arrow-odbc>=10,<11"];

/// What the venv must import for the client steps (PIP_PACKAGES' modules).
const PIP_IMPORTS: &str = "import pyodbc, pytest, arrow_odbc";

fn has_command(name: &str) -> bool {
    cmd::which(name).is_some()
}

fn dpkg_installed(package: &str) -> bool {
    let mut cmd = Command::new("dpkg-query");
    cmd.args(["-W", "-f=${Status}", package]);
    let out = cmd::run(
        &mut cmd,
        RunOpts {
            quiet: true,
            ..RunOpts::default()
        },
    );
    out.success() && out.text.contains("install ok installed")
}

fn probe(cmd: &mut Command) -> bool {
    cmd::run(
        cmd,
        RunOpts {
            quiet: true,
            ..RunOpts::default()
        },
    )
    .success()
}

fn missing() -> Vec<&'static str> {
    missing_of(NEEDS)
}

fn missing_of(needs: &[Need]) -> Vec<&'static str> {
    needs
        .iter()
        .filter(|need| !(need.present)())
        .map(|need| need.package)
        .collect()
}

/// How to become root for apt: already root, or passwordless sudo. `sudo -n` never prompts, so
/// this is safe without a terminal.
pub fn privilege_prefix() -> Option<Vec<&'static str>> {
    if is_root() {
        return Some(vec![]);
    }
    if has_command("sudo") && probe(Command::new("sudo").args(["-n", "true"])) {
        return Some(vec!["sudo", "-n"]);
    }
    None
}

fn is_root() -> bool {
    // `id -u` rather than $USER or $EUID: containers often leave those unset.
    let mut cmd = Command::new("id");
    cmd.arg("-u");
    let out = cmd::run(
        &mut cmd,
        RunOpts {
            quiet: true,
            ..RunOpts::default()
        },
    );
    out.success() && out.text.trim() == "0"
}

fn apt(prefix: &[&str], args: &[&str]) -> bool {
    let mut cmd = match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest);
            // sudo drops the environment by default; pass the one variable that matters.
            c.arg("DEBIAN_FRONTEND=noninteractive").arg("apt-get");
            c
        }
        None => Command::new("apt-get"),
    };
    cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    cmd::run(&mut cmd, RunOpts::default()).success()
}

/// Installs whatever apt packages are missing, or fails naming them; then tries the optional
/// ones, whose failure is only reported.
pub fn system_packages() -> StepEnd {
    let required = required_packages();
    if required.outcome != Outcome::Pass {
        return required;
    }
    let optional = missing_of(OPTIONAL_NEEDS);
    if optional.is_empty() {
        return required;
    }
    let list = optional.join(" ");
    let installed = privilege_prefix().is_some_and(|prefix| {
        let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
        install.extend(&optional);
        // The index may be stale when the required packages were all present.
        apt(&prefix, &["update", "-q"]) && apt(&prefix, &install)
    });
    let still = missing_of(OPTIONAL_NEEDS);
    if installed && still.is_empty() {
        StepEnd::pass(format!("{}; installed optional {list}", required.detail))
    } else {
        println!(
            "warning: optional {} not installed; the tests that need it will skip",
            still.join(" ")
        );
        StepEnd::pass(format!(
            "{}; optional {} unavailable",
            required.detail,
            still.join(" ")
        ))
    }
}

fn required_packages() -> StepEnd {
    let missing = missing();
    if missing.is_empty() {
        return StepEnd::pass("all present");
    }
    let list = missing.join(" ");
    println!("missing: {list}");
    let by_hand = format!("install them by hand: sudo apt-get install -y {list}");
    if !has_command("apt-get") {
        return StepEnd::fail(format!("missing {list}; no apt-get here, {by_hand}"));
    }
    let Some(prefix) = privilege_prefix() else {
        return StepEnd::fail(format!(
            "missing {list}; not root and no passwordless sudo, {by_hand}"
        ));
    };
    if !apt(&prefix, &["update", "-q"]) {
        return StepEnd::fail(format!("apt-get update failed; {by_hand}"));
    }
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend(&missing);
    if !apt(&prefix, &install) {
        return StepEnd::fail(format!("apt-get install failed; {by_hand}"));
    }
    let still = self::missing();
    if still.is_empty() {
        StepEnd::pass(format!("installed {list}"))
    } else {
        StepEnd::fail(format!("still missing after install: {}", still.join(" ")))
    }
}

/// The virtualenv the Python client scripts and the demo run in.
pub fn venv_dir() -> PathBuf {
    cmd::target_dir().join("venv")
}

pub fn venv_python() -> PathBuf {
    venv_dir().join("bin").join("python")
}

/// Creates `target/venv` and installs pyodbc and pytest into it when they are not importable.
pub fn python_venv() -> StepEnd {
    let python = venv_python();
    if !python.exists() {
        let mut create = Command::new("python3");
        create.arg("-m").arg("venv").arg(venv_dir());
        if !cmd::run(&mut create, RunOpts::default()).success() {
            return StepEnd::fail(format!(
                "could not create {}; is python3-venv installed?",
                venv_dir().display()
            ));
        }
    }
    let importable = || probe(Command::new(&python).args(["-c", PIP_IMPORTS]));
    if importable() {
        return StepEnd::pass(format!("{} ready", venv_dir().display()));
    }
    let mut pip = Command::new(&python);
    pip.args([
        "-m",
        "pip",
        "install",
        "--no-input",
        "--disable-pip-version-check",
    ])
    .args(PIP_PACKAGES);
    // pip may build pyodbc from source when no wheel fits; that needs unixODBC's headers, which
    // the packages step provides.
    if !cmd::run(&mut pip, RunOpts::default()).success() {
        return StepEnd::fail(format!("pip install of {} failed", PIP_PACKAGES.join(" ")));
    }
    if importable() {
        StepEnd::pass(format!("installed {}", PIP_PACKAGES.join(" ")))
    } else {
        StepEnd::fail(format!(
            "still not importable after pip install: {PIP_IMPORTS}"
        ))
    }
}
