//! A private unixODBC configuration: a directory holding `odbcinst.ini` (the driver) and
//! `odbc.ini` (one DSN), selected through `ODBCSYSINI`/`ODBCINI` for the children we start.
//! Nothing is registered in /etc or in the user's home, so tests and the demo never disturb (nor
//! depend on) the machine's own ODBC set-up.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The driver's name in the private odbcinst.ini, and so the `DRIVER={...}` value clients use.
pub const DRIVER_NAME: &str = "apiodbc";

pub struct OdbcEnv {
    dir: PathBuf,
}

pub struct Options<'a> {
    pub driver: &'a Path,
    pub dsn: &'a str,
    pub description: &'a str,
    /// Extra DSN keys (the demo adds Profile/BaseURL here once the sandbox exists).
    pub dsn_keys: &'a [(String, String)],
    /// Turns on the driver manager's trace into `<dir>/trace.log`: every call, argument and
    /// return code, which is what one wants when a client fails in a way the driver did not log.
    pub trace: bool,
}

impl OdbcEnv {
    pub fn write(dir: &Path, opts: &Options<'_>) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        let dir = fs::canonicalize(dir)?;
        // unixODBC hands the Driver value to dlopen, which resolves a relative path against the
        // client's working directory; an absolute path works from anywhere.
        let driver = if opts.driver.is_absolute() {
            opts.driver.to_path_buf()
        } else {
            std::env::current_dir()?.join(opts.driver)
        };

        let mut odbcinst = String::from("[ODBC]\n");
        if opts.trace {
            odbcinst.push_str(&format!(
                "Trace = Yes\nTraceFile = {}\n",
                dir.join("trace.log").display()
            ));
        } else {
            odbcinst.push_str("Trace = No\n");
        }
        odbcinst.push_str(&format!(
            "\n[{DRIVER_NAME}]\nDescription = apiodbc, written by cargo xtask\nDriver = {}\nUsageCount = 1\n",
            driver.display()
        ));
        fs::write(dir.join("odbcinst.ini"), odbcinst)?;

        let mut odbc = format!(
            "[{}]\nDescription = {}\nDriver = {DRIVER_NAME}\n",
            opts.dsn, opts.description
        );
        for (key, value) in opts.dsn_keys {
            odbc.push_str(&format!("{key} = {value}\n"));
        }
        fs::write(dir.join("odbc.ini"), odbc)?;

        Ok(Self { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Points `cmd` at this configuration. `ODBCINI` is set as well so the user's own
    /// `~/.odbc.ini` cannot shadow our DSN, and `ODBCINSTINI` is cleared because it would rename
    /// the odbcinst.ini looked for inside `ODBCSYSINI`.
    pub fn apply<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        cmd.env("ODBCSYSINI", &self.dir)
            .env("ODBCINI", self.dir.join("odbc.ini"))
            .env_remove("ODBCINSTINI")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_driver_and_dsn() {
        let dir = std::env::temp_dir().join(format!("xtask-odbc-env-{}", std::process::id()));
        let keys = [("Verbosity".to_string(), "2".to_string())];
        let env = OdbcEnv::write(
            &dir,
            &Options {
                driver: Path::new("/opt/lib/libapiodbc.so"),
                dsn: "apiodbc_x",
                description: "test",
                dsn_keys: &keys,
                trace: false,
            },
        )
        .unwrap();
        let inst = fs::read_to_string(env.dir().join("odbcinst.ini")).unwrap();
        assert!(inst.contains("[apiodbc]\n"));
        assert!(inst.contains("Driver = /opt/lib/libapiodbc.so\n"));
        let odbc = fs::read_to_string(env.dir().join("odbc.ini")).unwrap();
        assert!(odbc.starts_with("[apiodbc_x]\n"));
        assert!(odbc.contains("Driver = apiodbc\nVerbosity = 2\n"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
