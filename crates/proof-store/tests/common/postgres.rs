//! A real PostgreSQL server for tests: `initdb` and `pg_ctl` (Debian's `postgresql` package)
//! on a temporary directory, listening on 127.0.0.1 on a free port, trust authentication.
//!
//! The binaries are looked up in `$WATCHER_PROVER_PG_BIN`, then `/usr/lib/postgresql/*/bin`
//! (newest first), then `PATH`. Without them the test fails and says to install
//! `postgresql`, unless `WATCHER_PROVER_SKIP_POSTGRES=1` explicitly allows skipping
//! ([`TestPostgres::start`] then returns `None`). PostgreSQL refuses to run as root: under
//! root the server runs as the `postgres` user (or `nobody`) through `runuser`.
//!
//! Included by path from other crates' tests (`#[path = ...]`): it needs only std.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A running server; stopped (immediate mode) and deleted on drop.
pub struct TestPostgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    run_as: Option<String>,
}

fn find_bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("WATCHER_PROVER_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("pg_ctl").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .find(|dir| dir.join("pg_ctl").exists() && dir.join("initdb").exists())
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl TestPostgres {
    /// Starts a fresh server. `None` only if the binaries are missing and skipping is allowed.
    pub fn start() -> Option<Self> {
        let Some(bin) = find_bin_dir() else {
            if std::env::var("WATCHER_PROVER_SKIP_POSTGRES").as_deref() == Ok("1") {
                eprintln!("PostgreSQL not installed: skipped (WATCHER_PROVER_SKIP_POSTGRES=1)");
                return None;
            }
            panic!(
                "these tests need a real PostgreSQL server: install Debian's `postgresql` \
                 package (initdb and pg_ctl in /usr/lib/postgresql/*/bin), point \
                 WATCHER_PROVER_PG_BIN at its bin directory, or set \
                 WATCHER_PROVER_SKIP_POSTGRES=1 to skip them"
            );
        };
        let base = std::env::temp_dir();
        let dir = base.join(format!("wp-pg-{}-{:016x}", std::process::id(), nanos()));
        std::fs::create_dir_all(&dir).unwrap();
        let run_as = if is_root() {
            let user = ["postgres", "nobody"]
                .into_iter()
                .find(|user| {
                    Command::new("id").arg(user).output().is_ok_and(|o| o.status.success())
                })
                .expect("running as root: need a `postgres` or `nobody` user to run PostgreSQL");
            let status = Command::new("chown").arg(user).arg(&dir).status().unwrap();
            assert!(status.success(), "chown {user} {}", dir.display());
            Some(user.to_owned())
        } else {
            None
        };
        let server = TestPostgres { dir, bin, port: free_port(), run_as };
        let data = server.data_dir();
        server.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
        );
        server.pg_ctl_start();
        Some(server)
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&path);
                command
            }
            None => Command::new(&path),
        };
        let output = command.args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn pg_ctl_start(&self) {
        let data = self.data_dir();
        let log = self.dir.join("server.log");
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -F -c max_connections=200",
            self.port,
            self.dir.display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    /// Stops the server at once (`immediate`: like a crash, no checkpoint).
    pub fn stop(&self) {
        let data = self.data_dir();
        self.run("pg_ctl", &["-D", data.to_str().unwrap(), "-m", "immediate", "-w", "stop"]);
    }

    /// Starts it again on the same port and data.
    pub fn start_again(&self) {
        self.pg_ctl_start();
    }

    /// The server's log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let data = self.data_dir();
        let pg_ctl = self.bin.join("pg_ctl");
        let mut command = match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&pg_ctl);
                command
            }
            None => Command::new(&pg_ctl),
        };
        let _ =
            command.args(["-D", data.to_str().unwrap_or(""), "-m", "immediate", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}
