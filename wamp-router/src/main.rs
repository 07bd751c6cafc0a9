//! `wamp-router`: a development WAMP router on loopback.
//!
//! ```text
//! wamp-router                         # ws://127.0.0.1:8080/ and tcp://127.0.0.1:8081, realm1, anonymous
//! wamp-router --ws 127.0.0.1:9000 --realm myrealm
//! wamp-router --explorer              # and the service explorer at http://127.0.0.1:8080/explorer/
//! wamp-router --config router.toml    # see wamp_router::config for the file format
//! ```

use std::path::PathBuf;

use clap::Parser;
use wamp_router::config::FileConfig;
use wamp_router::{Listener, Router};

/// A WAMP router for development: listens on loopback, one realm, anonymous by default.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// A TOML configuration file (overrides the other options).
    #[arg(long)]
    config: Option<PathBuf>,
    /// WebSocket listen address.
    #[arg(long, default_value = "127.0.0.1:8080")]
    ws: String,
    /// RawSocket TCP listen address ("none" to disable).
    #[arg(long, default_value = "127.0.0.1:8081")]
    tcp: String,
    /// The realm anonymous clients may use freely.
    #[arg(long, default_value = "realm1")]
    realm: String,
    /// On SIGTERM or SIGINT, how long calls in flight may take to finish before every session
    /// is sent GOODBYE (the config file's `shutdown_drain_ms` wins).
    #[arg(long, default_value_t = 5000)]
    drain_ms: u64,
    /// Log lines as `text` or `json` (one JSON object per line; the config file's `log_format`
    /// wins). `RUST_LOG` filters them (default `info`).
    #[arg(long, default_value = "text")]
    log_format: String,
    /// Serve the service explorer at /explorer/ on the WebSocket port (with --config, the
    /// listener's `explorer` key says).
    #[arg(long)]
    explorer: bool,
}

/// Logs to stderr as `format` says (`text` or `json`).
fn init_logs(format: &str) -> Result<(), String> {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        "text" => logs.init(),
        "json" => logs.json().init(),
        other => return Err(format!("log format {other:?} is not \"text\" or \"json\"")),
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let mut drain = std::time::Duration::from_millis(args.drain_ms);
    let mut log_format = args.log_format.clone();
    let file = args.config.as_deref().map(FileConfig::load).transpose();
    if let Ok(Some(config)) = &file {
        if let Some(format) = &config.log_format {
            log_format = format.clone();
        }
    }
    if let Err(e) = init_logs(&log_format) {
        eprintln!("wamp-router: {e}");
        return std::process::ExitCode::FAILURE;
    }
    let builder = match file {
        Err(e) => Err(e),
        Ok(Some(c)) => {
            if let Some(ms) = c.shutdown_drain_ms {
                drain = std::time::Duration::from_millis(ms);
            }
            c.builder()
        }
        Ok(None) => {
            let mut ws = Listener::websocket(args.ws.clone());
            if args.explorer {
                ws = ws.explorer();
            }
            let mut b = Router::builder().realm(args.realm.clone()).listener(ws);
            if args.tcp != "none" {
                b = b.listener(Listener::rawsocket(args.tcp.clone()));
            }
            Ok(b)
        }
    };
    let router = match builder {
        Ok(b) => b.start().await,
        Err(e) => Err(e),
    };
    let router = match router {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wamp-router: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut signals = Signals::new();
    for endpoint in router.endpoints() {
        println!("listening on {}", endpoint.url);
    }
    let signal = loop {
        match signals.next().await {
            Signal::Stop(signal) => break signal,
            Signal::Reload => reload(&router, args.config.as_deref()),
        }
    };
    tracing::info!(
        signal,
        ?drain,
        "shutting down: draining the calls in flight"
    );
    let report = router.shutdown_gracefully(drain).await;
    tracing::info!(
        abandoned_calls = report.abandoned_calls,
        lingering_sessions = report.lingering_sessions,
        "shut down"
    );
    std::process::ExitCode::SUCCESS
}

/// What a signal asks.
enum Signal {
    /// SIGTERM or SIGINT (Ctrl-C): shut down.
    Stop(&'static str),
    /// SIGHUP: read the configuration file's principals and roles again.
    Reload,
}

/// Reloads the realms' principals, roles and authorizers from the configuration file; a file
/// that does not read leaves everything as it was.
fn reload(router: &Router, path: Option<&std::path::Path>) {
    let Some(path) = path else {
        tracing::warn!("SIGHUP: no configuration file to reload");
        return;
    };
    match FileConfig::load(path).and_then(|c| c.realms()) {
        Err(e) => tracing::error!(error = %e, "SIGHUP: the configuration was not reloaded"),
        Ok(realms) => {
            let done = router.reload(realms);
            tracing::info!(
                realms = done.realms,
                sessions_ended = done.sessions_ended,
                unknown_realms = ?done.unknown_realms,
                "SIGHUP: principals and roles reloaded (new realms need a restart)"
            );
        }
    }
}

/// The signals the binary answers, listened to from the start.
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    hup: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Self {
                term: signal(SignalKind::terminate()).ok(),
                hup: signal(SignalKind::hangup()).ok(),
            }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// Waits for SIGTERM, SIGINT (Ctrl-C) or SIGHUP.
    async fn next(&mut self) -> Signal {
        #[cfg(unix)]
        {
            let term = async {
                match &mut self.term {
                    Some(term) => term.recv().await,
                    None => std::future::pending().await,
                }
            };
            let hup = async {
                match &mut self.hup {
                    Some(hup) => hup.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = term => Signal::Stop("SIGTERM"),
                _ = tokio::signal::ctrl_c() => Signal::Stop("SIGINT"),
                _ = hup => Signal::Reload,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Signal::Stop("SIGINT")
        }
    }
}
