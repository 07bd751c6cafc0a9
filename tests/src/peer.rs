//! Runs the autobahn-python and autobahn-js peers (`interop/peers/`) as child processes and reads
//! their line protocol: `READY {json}`, `RESULT {json}`, `EVENT {json}`, `DONE`, `ERROR reason`.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

use crate::missing_peer;

/// Which Autobahn implementation to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerKind {
    /// autobahn-python (asyncio), from the Crossbar venv.
    Python,
    /// autobahn-js on Node.
    Js,
}

/// A running peer.
pub struct Peer {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    label: String,
}

fn cache() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/root".into());
    home.join(".cache/wamp-rs-peers")
}

fn python() -> PathBuf {
    std::env::var_os("WAMP_PEERS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache().join("venv-crossbar-26.10.1/bin/python"))
}

/// The `node_modules` folder holding autobahn, ws and typescript (`WAMP_PEERS_NODE_PATH`).
pub fn node_path() -> PathBuf {
    std::env::var_os("WAMP_PEERS_NODE_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache().join("node-autobahn-26.3.1/node_modules"))
}

/// The Python of the venv holding the official MCP SDK (PyPI `mcp`), `WAMP_PEERS_MCP_PYTHON`.
pub fn mcp_python() -> PathBuf {
    std::env::var_os("WAMP_PEERS_MCP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache().join("venv-mcp-2.3.0/bin/python"))
}

/// Debian's chromium: `WAMP_PEERS_CHROMIUM`, else `chromium` on the `PATH`.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("WAMP_PEERS_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(path.into());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("chromium"))
            .find(|p| p.exists())
    })
}

/// The `RESULT <json>` line a peer program printed, parsed; a failure shows all it said.
pub fn result_line(who: &str, output: &std::process::Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let Some(line) = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")) else {
        panic!(
            "{who} said:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    };
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{who}'s RESULT: {e}: {line}"))
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../interop/peers")
        .join(name)
}

impl Peer {
    /// Starts a peer: `role` (callee, caller, subscriber, publisher) at `url` with `serializer`
    /// (json, msgpack, cbor) on `realm`, for procedures or topic `name`. `None` when the peer is
    /// not installed (after the skip-or-fail rule).
    pub fn spawn(
        kind: PeerKind,
        role: &str,
        url: &str,
        serializer: &str,
        realm: &str,
        name: &str,
        count: usize,
    ) -> Option<Peer> {
        Self::spawn_with(kind, role, url, serializer, realm, name, count, &[])
    }

    /// Starts a peer as [`Peer::spawn`] does, with these environment variables (for example
    /// `WAMP_PEER_KEYS` for the e2ee roles).
    #[allow(clippy::too_many_arguments)]
    pub fn spawn_env(
        kind: PeerKind,
        role: &str,
        url: &str,
        serializer: &str,
        realm: &str,
        name: &str,
        count: usize,
        env: &[(&str, String)],
    ) -> Option<Peer> {
        Self::spawn_with(kind, role, url, serializer, realm, name, count, env)
    }

    /// Starts a peer in role `auth`: it authenticates with `auth` (`{"method", "authid",
    /// "secret" | "seed_hex"}`), prints `JOINED {authid, authrole, authmethod}` (or `ABORTED
    /// {reason}`), calls `procedure` and prints `CALLED {"result": ...}` or `CALLED {"error": uri}`.
    pub fn spawn_auth(
        kind: PeerKind,
        url: &str,
        serializer: &str,
        realm: &str,
        procedure: &str,
        auth: &serde_json::Value,
    ) -> Option<Peer> {
        let env = [("WAMP_PEER_AUTH", auth.to_string())];
        Self::spawn_with(kind, "auth", url, serializer, realm, procedure, 1, &env)
    }

    #[allow(clippy::too_many_arguments)]
    fn spawn_with(
        kind: PeerKind,
        role: &str,
        url: &str,
        serializer: &str,
        realm: &str,
        name: &str,
        count: usize,
        env: &[(&str, String)],
    ) -> Option<Peer> {
        let mut command = match kind {
            PeerKind::Python => {
                let python = python();
                if !python.exists() {
                    missing_peer(&format!(
                        "autobahn-python is not installed ({} is missing)",
                        python.display()
                    ));
                    return None;
                }
                let mut c = Command::new(python);
                c.arg(script("autobahn_peer.py"));
                c
            }
            PeerKind::Js => {
                let modules = node_path();
                if !modules.join("autobahn").exists() {
                    missing_peer(&format!(
                        "autobahn-js is not installed ({} is missing)",
                        modules.display()
                    ));
                    return None;
                }
                let mut c = Command::new("node");
                c.arg(script("autobahn_peer.js")).env("NODE_PATH", modules);
                c
            }
        };
        for (key, value) in env {
            command.env(key, value);
        }
        command
            .args([role, url, serializer, realm, name, &count.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the {kind:?} peer: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        Some(Peer {
            child,
            lines: BufReader::new(stdout).lines(),
            label: format!("{kind:?} {role} at {url} ({serializer})"),
        })
    }

    /// Reads lines until one starting with `tag`; answers its JSON (or `null`). Panics on
    /// `ERROR`, on the peer exiting first, or after 30 s.
    pub async fn expect(&mut self, tag: &str) -> serde_json::Value {
        let read = async {
            loop {
                let line = match self.lines.next_line().await {
                    Ok(Some(line)) => line,
                    Ok(None) => panic!("{}: exited before printing {tag}", self.label),
                    Err(e) => panic!("{}: reading its output failed: {e}", self.label),
                };
                let (head, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
                if head != tag && matches!(head, "ERROR" | "CLOSED" | "ABORTED") {
                    panic!("{}: {line}", self.label);
                }
                if head == tag {
                    return if rest.is_empty() {
                        serde_json::Value::Null
                    } else {
                        serde_json::from_str(rest).expect("peer JSON")
                    };
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(30), read)
            .await
            .unwrap_or_else(|_| panic!("{}: no {tag} within 30 s", self.label))
    }

    /// Waits for the peer to exit on its own and answers whether it succeeded.
    pub async fn exit_status(mut self) -> bool {
        drop(self.child.stdin.take());
        match tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await {
            Ok(Ok(status)) => status.success(),
            Ok(Err(e)) => panic!("{}: {e}", self.label),
            Err(_) => panic!("{}: did not exit within 10 s", self.label),
        }
    }

    /// Closes the peer's stdin (which ends callees and subscribers) and waits for it to exit.
    pub async fn finish(mut self) {
        drop(self.child.stdin.take());
        match tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await {
            Ok(Ok(status)) => assert!(status.success(), "{} exited with {status}", self.label),
            Ok(Err(e)) => panic!("{}: {e}", self.label),
            Err(_) => panic!("{}: did not exit within 10 s", self.label),
        }
    }
}
