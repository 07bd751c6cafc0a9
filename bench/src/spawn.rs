//! Worker processes: started under a thread placement, read line by line (`READY`, `RESULT`),
//! stopped by closing their stdin. Every party of a figure is its own process, as in production.

use std::fs::File;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _};

use crate::measure::Sample;

/// Where the parties of a figure run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Every process pinned to CPU 0 (`taskset -c 0`): no cross-core wake-ups.
    OneCore,
    /// Wherever the scheduler puts them, on both CPUs.
    Unpinned,
}

impl Placement {
    /// Both, in the order they are measured.
    pub const ALL: [Placement; 2] = [Placement::OneCore, Placement::Unpinned];

    /// Its name on the command line (`--placements`) and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Placement::OneCore => "one-core",
            Placement::Unpinned => "unpinned",
        }
    }

    /// The label in tables.
    pub fn label(self) -> &'static str {
        match self {
            Placement::OneCore => "one core",
            Placement::Unpinned => "unpinned",
        }
    }

    /// The CPU list `taskset` is given.
    pub fn cpus(self) -> String {
        match self {
            Placement::OneCore => "0".into(),
            Placement::Unpinned => {
                let n = std::thread::available_parallelism().map_or(1, |n| n.get());
                format!("0-{}", n.saturating_sub(1))
            }
        }
    }

    /// Sets the CPUs of every thread of a running process (Crossbar's, started elsewhere).
    pub fn apply_to(self, pid: u32) -> anyhow::Result<()> {
        let status = Command::new("taskset")
            .args(["-a", "-p", "-c", &self.cpus(), &pid.to_string()])
            .stdout(Stdio::null())
            .status()
            .context("running taskset")?;
        if !status.success() {
            bail!("taskset -a -p -c {} {pid} failed", self.cpus());
        }
        Ok(())
    }
}

impl serde::Serialize for Placement {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// How to start a worker: the program and its arguments, environment and log name.
#[derive(Debug, Clone)]
pub struct Spec {
    /// A short name for logs and errors.
    pub name: String,
    /// The program.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Extra environment.
    pub env: Vec<(String, String)>,
}

impl Spec {
    /// A worker role of this very binary.
    pub fn own(name: &str, args: &[&str]) -> anyhow::Result<Spec> {
        let program = std::env::current_exe()?;
        let mut all = vec!["worker".to_string()];
        all.extend(args.iter().map(|a| a.to_string()));
        Ok(Spec {
            name: name.into(),
            program,
            args: all,
            env: Vec::new(),
        })
    }

    /// Another program.
    pub fn program(name: &str, program: impl AsRef<Path>, args: &[&str]) -> Spec {
        Spec {
            name: name.into(),
            program: program.as_ref().to_path_buf(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
        }
    }

    /// Appends arguments.
    pub fn args(mut self, more: impl IntoIterator<Item = String>) -> Spec {
        self.args.extend(more);
        self
    }

    /// Adds an environment variable.
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Spec {
        self.env.push((key.into(), value.into()));
        self
    }
}

/// A running worker process.
pub struct Worker {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    log: PathBuf,
}

impl Worker {
    /// Starts `spec` under `placement`; its stderr goes to `logs/NAME.log`.
    pub fn start(spec: &Spec, placement: Placement, logs: &Path) -> anyhow::Result<Worker> {
        std::fs::create_dir_all(logs)?;
        let log = logs.join(format!("{}.log", spec.name.replace([' ', '/'], "_")));
        let mut cmd = Command::new("taskset");
        cmd.args(["-c", &placement.cpus()]).arg(&spec.program);
        cmd.args(&spec.args)
            .envs(spec.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(File::create(&log)?));
        let mut child = cmd
            .spawn()
            .with_context(|| format!("starting {} ({})", spec.name, spec.program.display()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow!("no stdout for {}", spec.name))?;
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Worker {
            name: spec.name.clone(),
            stdin: child.stdin.take(),
            child,
            lines,
            log,
        })
    }

    /// The process ID.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for a line starting with `prefix` and returns the rest of it.
    pub fn expect(&mut self, prefix: &str, timeout: Duration) -> anyhow::Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix(prefix) {
                        return Ok(rest.trim().to_string());
                    }
                    if line.starts_with("ERROR") {
                        bail!("{}: {line}{}", self.name, self.log_tail());
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    bail!(
                        "{}: no {prefix} line within {timeout:?}{}",
                        self.name,
                        self.log_tail()
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.child.wait().ok();
                    bail!(
                        "{} exited ({status:?}) before printing {prefix}{}",
                        self.name,
                        self.log_tail()
                    )
                }
            }
        }
    }

    /// Waits for the worker's `RESULT` line, then for it to exit.
    pub fn result(mut self, timeout: Duration) -> anyhow::Result<Sample> {
        let json = self.expect("RESULT", timeout)?;
        let sample = serde_json::from_str(&json)
            .with_context(|| format!("{}: bad RESULT {json}", self.name))?;
        self.stop();
        Ok(sample)
    }

    /// Ends a program that does not read its stdin (`wamp-router`) at once.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Closes its stdin (workers end on that) and waits up to a second before killing it.
    pub fn stop(&mut self) {
        self.stdin = None;
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines.get(lines.len().saturating_sub(20)..).unwrap_or(&[]);
        if tail.is_empty() {
            String::new()
        } else {
            format!("\n--- {} ---\n{}", self.log.display(), tail.join("\n"))
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.stop();
        }
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> anyhow::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}
