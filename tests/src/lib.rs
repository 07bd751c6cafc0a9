//! Helpers shared by the integration and interop tests: where the Crossbar node listens, the
//! test credentials, and the rule for missing peers.
//!
//! Under the README's test command (`WAMP_INTEROP_REQUIRED=1`), a test whose peer cannot be
//! reached fails. Under a plain `cargo test` it prints that it was skipped, with its name.
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

pub use embedded::{embedded, Embedded};
pub use peer::{Peer, PeerKind};

pub mod embedded;
pub mod legacy;
pub mod peer;
pub mod proxy;
pub mod raw;
pub mod rawframe;
pub mod shapes;
pub mod typed;

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// Where the interop Crossbar node listens (its `interop.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct Crossbar {
    /// The realm.
    pub realm: String,
    /// The realm that keeps event history (`com.history.crossbar`).
    #[serde(default)]
    pub history_realm: String,
    /// Anonymous WebSocket.
    pub ws: String,
    /// Authenticated WebSocket (ticket, wampcra, scram, cryptosign; cookies set and accepted).
    pub ws_auth: String,
    /// Anonymous RawSocket over TCP.
    pub tcp: String,
    /// Authenticated RawSocket over TCP.
    pub tcp_auth: String,
    /// Anonymous RawSocket over a Unix socket.
    pub unix: String,
    /// Anonymous WebSocket over TLS.
    pub wss: String,
    /// Anonymous RawSocket over TLS.
    pub tcps: String,
    /// The test CA that signed the TLS certificate (PEM file).
    pub ca: PathBuf,
    /// WebSocket over TLS that requires a client certificate (authmethod `tls`).
    pub wss_cert: String,
    /// The client certificate of the test CA that `wss_cert` knows (PEM file)...
    pub client_cert: PathBuf,
    /// ...its private key (PEM file)...
    pub client_key: PathBuf,
    /// ...and the authid it stands for.
    pub client_cert_authid: String,
}

/// Whether the README's test command is running (peers are then required, not optional).
pub fn interop_required() -> bool {
    std::env::var("WAMP_INTEROP_REQUIRED").is_ok_and(|v| v == "1")
}

/// The name of the running test (libtest names the test thread after it).
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<unnamed test>")
        .to_owned()
}

/// Reports that a peer is missing: fails under `WAMP_INTEROP_REQUIRED=1`, else prints a skip.
pub fn missing_peer(what: &str) {
    let name = test_name();
    if interop_required() {
        panic!("{name}: {what} (WAMP_INTEROP_REQUIRED=1, so this is a failure, not a skip)");
    }
    // Written to the stderr handle, not with eprintln!, so libtest's capture does not hide it.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {name}: {what}; run `bash scripts/test-all.sh` to start the peers"
    );
}

/// The Crossbar node started by `scripts/crossbar.sh start`, if it is running.
pub fn crossbar() -> Option<Crossbar> {
    let dir = std::env::var_os("WAMP_CROSSBAR_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/tmp/wamp-rs-crossbar".into());
    let path = dir.join("interop.json");
    let info: Crossbar = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).expect("interop.json is valid"),
        Err(_) => {
            missing_peer(&format!(
                "Crossbar is not running ({} is missing)",
                path.display()
            ));
            return None;
        }
    };
    let addr = info.ws.trim_start_matches("ws://").to_owned();
    let up = std::net::TcpStream::connect_timeout(
        &addr.parse().expect("ws address"),
        Duration::from_secs(2),
    )
    .is_ok();
    if !up {
        missing_peer(&format!("Crossbar does not answer on {}", info.ws));
        return None;
    }
    Some(info)
}

/// The test credentials (`interop/credentials.json`), shared with the Crossbar config.
pub fn credentials() -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interop/credentials.json");
    serde_json::from_slice(&std::fs::read(path).expect("credentials.json"))
        .expect("valid credentials.json")
}

/// A string field of the credentials, for example `cred("ticket", "authid")`; an empty `field`
/// reads a top-level string such as `cred("realm", "")`.
pub fn cred(section: &str, field: &str) -> String {
    let c = credentials();
    let value = if field.is_empty() {
        &c[section]
    } else {
        &c[section][field]
    };
    value
        .as_str()
        .unwrap_or_else(|| panic!("credentials.{section}.{field}"))
        .to_owned()
}

/// Awaits `f` for at most 5 s, failing the test otherwise.
pub async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(5), f)
        .await
        .expect("within 5 s")
}

/// An anonymous session on the router's WebSocket listener.
pub async fn anonymous(cb: &Crossbar) -> wamp_core::Session {
    wamp_core::Client::new(&cb.ws, &cb.realm)
        .connect()
        .await
        .expect("anonymous session joins Crossbar")
}

/// A session authenticated by ticket (authid `ticket-user`, role `user`).
pub async fn ticket_user(cb: &Crossbar) -> wamp_core::Session {
    wamp_core::Client::new(&cb.ws_auth, &cb.realm)
        .authid(cred("ticket", "authid"))
        .ticket(cred("ticket", "ticket"))
        .connect()
        .await
        .expect("ticket session joins Crossbar")
}

/// A unique URI suffix, so tests sharing one router do not collide.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}.p{}_{n}", std::process::id())
}

/// Installs a tracing subscriber once (honours `RUST_LOG`).
pub fn trace() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

/// Gets a Crossbar or returns from the test (after the skip-or-fail rule).
#[macro_export]
macro_rules! require_crossbar {
    () => {
        match $crate::crossbar() {
            Some(cb) => cb,
            None => return,
        }
    };
}

/// Which router an interop test runs through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The Crossbar node started by `scripts/crossbar.sh`.
    Crossbar,
    /// A `wamp-router` started inside the test.
    Embedded,
}

/// A router to test through: its endpoints, and the embedded router kept alive if it is one.
pub struct Routed {
    /// Where it listens.
    pub endpoints: Crossbar,
    /// The embedded router, when the target is [`Target::Embedded`].
    pub embedded: Option<Embedded>,
}

/// Starts or finds the target router; `None` (after the skip-or-fail rule) if Crossbar is missing.
pub async fn target(target: Target) -> Option<Routed> {
    match target {
        Target::Crossbar => crossbar().map(|endpoints| Routed {
            endpoints,
            embedded: None,
        }),
        Target::Embedded => {
            let e = embedded().await;
            Some(Routed {
                endpoints: e.endpoints.clone(),
                embedded: Some(e),
            })
        }
    }
}
