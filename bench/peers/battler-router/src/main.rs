//! `battler-router`: a WAMP router from the crates.io crate `battler-wamp`, run as a benchmark peer.
//!
//! Usage: `battler-router PORT`
//!
//! * Listens for WebSocket connections on `127.0.0.1:PORT`. The router ignores the request path,
//!   so any path works; `/ws` is the one advertised.
//! * One realm, `realm1`, with no authentication methods configured: a HELLO without a
//!   supported `authmethods` entry (e.g. anonymous) is welcomed.
//! * Serializers: `wamp.2.json` and `wamp.2.msgpack` (negotiated via the WebSocket subprotocol).
//! * The crate's default DoS limits (10 msg/s per connection with a burst of 30, 64 KiB messages,
//!   16 KiB frames, 60 s idle timeout) would break any benchmark, so they are lifted here.
//! * Prints `READY ws://127.0.0.1:PORT/ws` on stdout once listening, and shuts down when stdin
//!   reaches end-of-file.
//! * Router log lines go to stderr; level from `BATTLER_LOG` (error|warn|info|debug|trace,
//!   default warn).

use std::io::Write;

use battler_wamp::router::{
    EmptyConnectionPolicies, EmptyPubSubPolicies, EmptyRpcPolicies, RealmAuthenticationConfig,
    RealmConfig, RouterConfig, new_web_socket_router,
};
use battler_wamp_uri::Uri;
use tokio::io::AsyncReadExt;

/// Minimal stderr logger, so that router warnings (aborts, protocol errors) are visible.
struct StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::max_level()
    }
    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            eprintln!("[{} {}] {}", record.level(), record.target(), record.args());
        }
    }
    fn flush(&self) {}
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args()
        .nth(1)
        .ok_or("usage: battler-router PORT")?
        .parse()?;
    let level = std::env::var("BATTLER_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(log::LevelFilter::Warn);
    log::set_logger(&StderrLog).map_err(|e| e.to_string())?;
    log::set_max_level(level);

    let mut config = RouterConfig::default();
    config.port = port;
    config.realms.push(RealmConfig {
        name: "realm1".to_owned(),
        uri: Uri::try_from("realm1")?,
        authentication: RealmAuthenticationConfig::default(),
    });
    let limits = &mut config.limits;
    limits.max_connections = None;
    limits.max_connections_per_ip = None;
    limits.rate_limit_burst = 0; // 0 disables the token bucket
    limits.rate_limit_refill_per_sec = 0;
    limits.max_message_size_bytes = 16 << 20;
    limits.max_frame_size_bytes = 16 << 20;
    limits.idle_timeout = None;

    let router = new_web_socket_router(
        config,
        Box::new(EmptyConnectionPolicies::default()),
        Box::new(EmptyPubSubPolicies::default()),
        Box::new(EmptyRpcPolicies::default()),
    )?;
    let (handle, join) = router.start().await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "READY ws://{}/ws", handle.local_addr())?;
    out.flush()?;
    drop(out);

    // Run until stdin is closed (or fails).
    let mut stdin = tokio::io::stdin();
    let mut buf = [0u8; 256];
    while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}

    handle.cancel()?;
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), join).await;
    Ok(())
}
