//! `cargo xtask package`: the Debian package a user installs, and the `package` step of
//! `cargo xtask test` that installs it on this machine with dpkg, connects by driver name through
//! isql and pyodbc, removes it and checks odbcinst.ini is as it was. The package holds the
//! stripped library in the multiarch ODBC directory, the odbcinst template, the docs and
//! licenses; its maintainer scripts register the driver with odbcinst on first install only and
//! unregister it on remove only, so an upgrade leaves UsageCount alone. Built with dpkg-deb,
//! which every Debian and Ubuntu system has.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::cmd::{self, RunOpts};
use crate::install;
use crate::summary::StepEnd;
use crate::test::Ctx;

pub const USAGE: &str = "\
cargo xtask package [--out DIR]

  builds the release driver (cargo build --release --workspace) and writes
  apiodbc_<version>_<arch>.deb into DIR (default target/package); install it with
  sudo apt install ./target/package/apiodbc_<version>_<arch>.deb";

/// The package's name, the driver's name in odbcinst.ini.
const NAME: &str = "apiodbc";

/// How the package is compressed: the release one small, the test one fast.
#[derive(Clone, Copy)]
enum Compression {
    Small,
    Fast,
}

pub fn run(args: &[String]) -> ExitCode {
    let mut out = cmd::target_dir().join("package");
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match (arg.as_str(), it.next()) {
            ("--out", Some(dir)) => out = PathBuf::from(dir),
            ("--help" | "-h", _) => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => {
                eprintln!("cargo xtask package: unexpected {arg:?}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let mut build = cmd::cargo();
    build.args(["build", "--release", "--workspace"]);
    if !cmd::run(&mut build, RunOpts::default()).success() {
        eprintln!("package: cargo build --release failed");
        return ExitCode::FAILURE;
    }
    let library = cmd::target_dir().join("release").join("libapiodbc.so");
    match build_deb(&library, &out, Compression::Small) {
        Ok(deb) => {
            let size = fs::metadata(&deb).map(|m| m.len()).unwrap_or(0);
            println!(
                "\nwrote {} ({:.1} MiB)\ninstall: sudo apt install {}",
                deb.display(),
                size as f64 / (1024.0 * 1024.0),
                deb.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("package: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The version in the workspace's Cargo.toml (`version = "x.y.z"` of [package]).
fn version() -> Result<String, String> {
    let manifest = fs::read_to_string(cmd::repo_root().join("Cargo.toml"))
        .map_err(|e| format!("reading Cargo.toml: {e}"))?;
    manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .map(str::to_string)
        .ok_or_else(|| "Cargo.toml has no version".to_string())
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = cmd::run(
        Command::new(program).args(args),
        RunOpts {
            quiet: true,
            ..RunOpts::default()
        },
    );
    out.success().then(|| out.text.trim().to_string())
}

/// The Debian architecture and its multiarch triplet (the directory ODBC drivers live under).
fn architecture() -> Result<(String, String), String> {
    let arch = output_of("dpkg", &["--print-architecture"])
        .ok_or("dpkg --print-architecture failed: is this Debian or Ubuntu?")?;
    let triplet = output_of("dpkg-architecture", &["-qDEB_HOST_MULTIARCH"]).or_else(|| {
        Some(
            match arch.as_str() {
                "amd64" => "x86_64-linux-gnu",
                "arm64" => "aarch64-linux-gnu",
                "armhf" => "arm-linux-gnueabihf",
                "i386" => "i386-linux-gnu",
                "ppc64el" => "powerpc64le-linux-gnu",
                "riscv64" => "riscv64-linux-gnu",
                "s390x" => "s390x-linux-gnu",
                _ => return None,
            }
            .to_string(),
        )
    });
    let triplet = triplet.ok_or_else(|| format!("no multiarch triplet known for {arch}"))?;
    Ok((arch, triplet))
}

/// The newest glibc symbol version the library needs, for `Depends: libc6 (>= …)`.
fn glibc_needed(library: &Path) -> Option<String> {
    let symbols = output_of("objdump", &["-T", &library.to_string_lossy()])?;
    symbols
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter_map(|w| w.strip_prefix("GLIBC_"))
        .filter_map(|v| {
            let parts: Option<Vec<u32>> = v.split('.').map(|p| p.parse().ok()).collect();
            parts.map(|p| (p, v.to_string()))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, v)| v)
}

fn write(path: &Path, text: &str, mode: u32) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, text)?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

fn copy(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::copy(from, to)?;
    fs::set_permissions(to, fs::Permissions::from_mode(0o644))
}

/// The odbcinst.ini section the package registers.
fn odbcinst_template(driver: &str) -> String {
    format!(
        "[{NAME}]\n\
         Description = apiodbc: SQL over SaaS REST APIs\n\
         Driver = {driver}\n"
    )
}

/// `postinst`: register on first install, or when the registration is gone; an upgrade or a
/// reinstall of a registered driver leaves odbcinst's UsageCount as it is.
const POSTINST: &str = r#"#!/bin/sh
set -e
case "$1" in
    configure)
        if [ -z "$2" ] || ! odbcinst -q -d -n apiodbc >/dev/null 2>&1; then
            odbcinst -i -d -f /usr/share/apiodbc/odbcinst.ini >/dev/null
        fi
        ;;
esac
exit 0
"#;

/// `prerm`: unregister on remove only (not on upgrade, where the new version's files follow).
const PRERM: &str = r#"#!/bin/sh
set -e
case "$1" in
    remove)
        odbcinst -u -d -n apiodbc >/dev/null 2>&1 || true
        ;;
esac
exit 0
"#;

/// `postrm`: nothing is left to undo; the package has no configuration files of its own (the
/// registration lives in odbcinst.ini, which prerm has already updated).
const POSTRM: &str = r#"#!/bin/sh
set -e
exit 0
"#;

/// Builds the package from `library` into `out_dir`; the path of the .deb.
fn build_deb(library: &Path, out_dir: &Path, compression: Compression) -> Result<PathBuf, String> {
    if !library.is_file() {
        return Err(format!("no library at {}", library.display()));
    }
    let version = version()?;
    let (arch, triplet) = architecture()?;
    let root = cmd::repo_root();
    let stage = cmd::target_dir().join("package-stage");
    let _ = fs::remove_dir_all(&stage);
    let io = |e: io::Error| format!("staging the package in {}: {e}", stage.display());

    let driver_path = format!("/usr/lib/{triplet}/odbc/libapiodbc.so");
    let staged_library = stage.join(driver_path.trim_start_matches('/'));
    fs::create_dir_all(staged_library.parent().unwrap_or(&stage)).map_err(io)?;
    // The release profile already has no debug sections; strip the symbol table too (the
    // exported ODBC functions are dynamic symbols and stay).
    let stripped = cmd::run(
        Command::new("strip")
            .arg("--strip-unneeded")
            .arg("-o")
            .arg(&staged_library)
            .arg(library),
        RunOpts::default(),
    );
    if !stripped.success() {
        copy(library, &staged_library).map_err(io)?;
    }
    fs::set_permissions(&staged_library, fs::Permissions::from_mode(0o644)).map_err(io)?;

    write(
        &stage.join("usr/share/apiodbc/odbcinst.ini"),
        &odbcinst_template(&driver_path),
        0o644,
    )
    .map_err(io)?;
    let doc = stage.join("usr/share/doc/apiodbc");
    for file in ["README.md", "odbcinst.ini.example"] {
        copy(&root.join(file), &doc.join(file)).map_err(io)?;
    }
    // The users' guides; the architecture and the research under docs/reference are for the
    // project's developers.
    for entry in walk(&root.join("docs")).map_err(io)? {
        let relative = entry.strip_prefix(&root).unwrap_or(&entry);
        if relative.starts_with("docs/reference") || relative.ends_with("architecture.md") {
            continue;
        }
        copy(&entry, &doc.join(relative)).map_err(io)?;
    }
    let licenses = ["LICENSE-MIT", "LICENSE-APACHE"];
    let mut copyright = String::from(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
         Upstream-Name: apiodbc\n\n\
         Files: *\n\
         Copyright: the apiodbc authors\n\
         License: MIT or Apache-2.0\n",
    );
    for license in licenses {
        let text = fs::read_to_string(root.join(license)).map_err(io)?;
        copyright.push_str(&format!("\n{license}:\n\n{text}"));
    }
    write(&doc.join("copyright"), &copyright, 0o644).map_err(io)?;

    let installed_kib = du_kib(&stage).map_err(io)?;
    let libc = glibc_needed(&staged_library)
        .map(|v| format!("libc6 (>= {v})"))
        .unwrap_or_else(|| "libc6".to_string());
    let control = format!(
        "Package: {NAME}\n\
         Version: {version}\n\
         Architecture: {arch}\n\
         Maintainer: the apiodbc authors <apiodbc@example.invalid>\n\
         Installed-Size: {installed_kib}\n\
         Depends: {libc}, libgcc-s1, odbcinst\n\
         Section: libs\n\
         Priority: optional\n\
         Description: ODBC driver that queries SaaS REST APIs with SQL\n \
         apiodbc lets ODBC clients and BI tools query Pipedrive, Help Scout, Keap,\n \
         Talkdesk and LeadDesk with SQL, and runs the OAuth flows they need.\n \
         Installing registers the driver with unixODBC as [apiodbc].\n"
    );
    let debian = stage.join("DEBIAN");
    write(&debian.join("control"), &control, 0o644).map_err(io)?;
    write(&debian.join("postinst"), POSTINST, 0o755).map_err(io)?;
    write(&debian.join("prerm"), PRERM, 0o755).map_err(io)?;
    write(&debian.join("postrm"), POSTRM, 0o755).map_err(io)?;

    fs::create_dir_all(out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    let deb = out_dir.join(format!("{NAME}_{version}_{arch}.deb"));
    let compress: &[&str] = match compression {
        Compression::Small => &["-Zxz"],
        Compression::Fast => &["-Zgzip", "-z1"],
    };
    let built = cmd::run(
        Command::new("dpkg-deb")
            .arg("--root-owner-group")
            .args(compress)
            .arg("--build")
            .arg(&stage)
            .arg(&deb),
        RunOpts::default(),
    );
    if !built.success() {
        return Err(format!("dpkg-deb --build failed: {}", built.text.trim()));
    }
    Ok(deb)
}

/// Every file under `dir`, sorted.
fn walk(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn du_kib(dir: &Path) -> io::Result<u64> {
    let mut bytes = 0;
    for file in walk(dir)? {
        bytes += fs::metadata(file)?.len();
    }
    Ok(bytes.div_ceil(1024))
}

// ---------------------------------------------------------------------------------------------
// The test step
// ---------------------------------------------------------------------------------------------

/// The odbcinst.ini the driver manager reads (`odbcinst -j`'s DRIVERS line).
fn system_odbcinst_ini() -> Option<PathBuf> {
    let info = output_of("odbcinst", &["-j"])?;
    info.lines()
        .find_map(|l| l.trim().strip_prefix("DRIVERS"))
        .and_then(|rest| rest.split(':').nth(1))
        .map(|p| PathBuf::from(p.trim()))
}

fn is_installed() -> bool {
    output_of("dpkg-query", &["-W", "-f=${Status}", NAME])
        .is_some_and(|status| status.contains("install ok installed"))
}

/// A command run as root: directly when this is root, through `sudo -n` otherwise.
fn as_root(prefix: &[&'static str], program: &str) -> Command {
    match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(program);
            c
        }
        None => Command::new(program),
    }
}

/// The `package` step: build the package from the tested library, install it, use it by name,
/// remove it.
pub fn test_step(ctx: &mut Ctx) -> StepEnd {
    let library = match ctx.driver() {
        Ok(d) => d,
        Err(end) => return end,
    };
    let Some(prefix) = install::privilege_prefix() else {
        return StepEnd::skip("installing a package needs root or passwordless sudo");
    };
    if is_installed() {
        return StepEnd::skip(
            "an apiodbc package is installed on this machine; remove it (sudo dpkg -r apiodbc) to run this step",
        );
    }
    let Some(ini) = system_odbcinst_ini() else {
        return StepEnd::fail("odbcinst -j does not say where odbcinst.ini is");
    };
    let before = fs::read_to_string(&ini).unwrap_or_default();
    let deb = match build_deb(
        &library,
        &cmd::target_dir().join("package-test"),
        Compression::Fast,
    ) {
        Ok(deb) => deb,
        Err(e) => return StepEnd::fail(e),
    };
    let checked = install_use_remove(&prefix, &deb, &ini);
    // Whatever happened, leave the machine without the package.
    if is_installed() {
        let mut purge = as_root(&prefix, "dpkg");
        purge.args(["--purge", NAME]);
        cmd::run(&mut purge, RunOpts::default());
    }
    let after = fs::read_to_string(&ini).unwrap_or_default();
    match checked {
        Err(e) => StepEnd::fail(e),
        Ok(_) if after != before => StepEnd::fail(format!(
            "{} differs after removing the package:\nbefore:\n{before}\nafter:\n{after}",
            ini.display()
        )),
        Ok(detail) => StepEnd::pass(detail),
    }
}

fn install_use_remove(prefix: &[&'static str], deb: &Path, ini: &Path) -> Result<String, String> {
    let (_, triplet) = architecture()?;
    let driver_path = format!("/usr/lib/{triplet}/odbc/libapiodbc.so");
    // Installed twice: the second time is what an upgrade does, and must not count twice.
    for round in ["install", "reinstall"] {
        let mut dpkg = as_root(prefix, "dpkg");
        dpkg.arg("-i").arg(deb);
        let out = cmd::run(&mut dpkg, RunOpts::default());
        if !out.success() {
            return Err(format!("dpkg -i ({round}) failed: {}", out.text.trim()));
        }
    }
    let registered = output_of("odbcinst", &["-q", "-d", "-n", NAME])
        .ok_or("odbcinst -q -d -n apiodbc: the driver is not registered")?;
    if !registered.contains(&format!("Driver={driver_path}"))
        && !registered.contains(&format!("Driver = {driver_path}"))
    {
        return Err(format!(
            "odbcinst.ini's [apiodbc] does not name {driver_path}:\n{registered}"
        ));
    }
    let usage = registered.lines().find_map(|l| {
        l.replace(' ', "")
            .strip_prefix("UsageCount=")
            .map(str::to_string)
    });
    if usage.as_deref() != Some("1") {
        return Err(format!(
            "UsageCount after install and reinstall is {usage:?}, not 1:\n{registered}"
        ));
    }

    // By driver name, with the system's configuration (no ODBCSYSINI).
    let mut isql = Command::new("isql");
    isql.args(["-b", "-k", "DRIVER={apiodbc}"])
        .env_remove("ODBCSYSINI")
        .env_remove("ODBCINI");
    let out = cmd::run(
        &mut isql,
        RunOpts {
            stdin: Some("SELECT 40 + 2 AS answer\n"),
            timeout: Some(std::time::Duration::from_secs(60)),
            ..RunOpts::default()
        },
    );
    if !out.success() || !crate::clients::has_row(&out.text, &["42"]) {
        return Err(format!(
            "isql -k DRIVER={{apiodbc}} did not answer 42: {}",
            out.text.trim()
        ));
    }
    let mut python = Command::new(install::venv_python());
    python
        .args([
            "-c",
            "import pyodbc; c = pyodbc.connect('DRIVER={apiodbc}'); \
             print(c.getinfo(pyodbc.SQL_DRIVER_NAME), c.execute('SELECT 40 + 2').fetchval())",
        ])
        .env_remove("ODBCSYSINI")
        .env_remove("ODBCINI");
    let out = cmd::run(
        &mut python,
        RunOpts {
            timeout: Some(std::time::Duration::from_secs(60)),
            ..RunOpts::default()
        },
    );
    if !out.success() || !out.text.contains("libapiodbc.so 42") {
        return Err(format!(
            "pyodbc with DRIVER={{apiodbc}}: {}",
            out.text.trim()
        ));
    }

    let mut remove = as_root(prefix, "dpkg");
    remove.args(["-r", NAME]);
    let out = cmd::run(&mut remove, RunOpts::default());
    if !out.success() {
        return Err(format!("dpkg -r apiodbc failed: {}", out.text.trim()));
    }
    if Path::new(&driver_path).exists() {
        return Err(format!("{driver_path} is still there after dpkg -r"));
    }
    if output_of("odbcinst", &["-q", "-d", "-n", NAME]).is_some_and(|s| s.contains("Driver")) {
        return Err(format!(
            "{} still registers apiodbc after dpkg -r",
            ini.display()
        ));
    }
    let size = fs::metadata(deb).map(|m| m.len()).unwrap_or(0);
    Ok(format!(
        "installed twice (UsageCount 1), isql and pyodbc by name, removed; {} as before ({:.0} MiB test package)",
        ini.display(),
        size as f64 / (1024.0 * 1024.0)
    ))
}
