//! `wamp-mcp`: serves the described procedures of a WAMP realm as MCP tools (and its topics as
//! resources), over stdio (the default) or Streamable HTTP (`--http ADDR`, endpoint `/mcp`).
//!
//! ```text
//! wamp-mcp --url ws://127.0.0.1:8080/ws --realm realm1
//! wamp-mcp --url ws://127.0.0.1:8080/ws --realm realm1 --http 127.0.0.1:8931
//! ```

use clap::Parser;
use rmcp::ServiceExt;
use tokio_util::sync::CancellationToken;
use wamp_codegen::fetch::{RouterArgs, Target};
use wamp_mcp::Bridge;

/// Serves the described procedures of a WAMP realm as Model Context Protocol tools and its
/// described topics as resources.
#[derive(Debug, Parser)]
#[command(name = "wamp-mcp", version)]
struct Cli {
    #[command(flatten)]
    router: RouterArgs,
    /// Serve only this service (its URI prefix, e.g. `com.app`); repeat for more. Every
    /// described service of the realm when absent.
    #[arg(long)]
    service: Vec<String>,
    /// Serve Streamable HTTP on this address (endpoint `/mcp`) instead of stdio; port 0 picks
    /// one, which the first line on stderr names.
    #[arg(long)]
    http: Option<String>,
    /// A `Host` header value the HTTP endpoint accepts; repeat for more (the default accepts
    /// only localhost, 127.0.0.1 and ::1, against DNS rebinding).
    #[arg(long, requires = "http")]
    allow_host: Vec<String>,
    /// An `Origin` (e.g. `http://localhost:6274`) whose browser pages may use the HTTP
    /// endpoint; repeat for more (by default a request with any `Origin` is refused).
    #[arg(long, requires = "http")]
    allow_origin: Vec<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // stdout is the MCP stream over stdio: logs go to stderr.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "wamp_mcp=info".into()),
        )
        .init();
    let session = Target::from(cli.router).connect().await?;
    let bridge = Bridge::new(session.clone(), cli.service);
    for warning in bridge.refresh().await? {
        tracing::warn!("left out: {warning}");
    }
    tracing::info!(
        tools = bridge.tools().len(),
        "serving the realm's described procedures"
    );
    let stop = CancellationToken::new();
    let signal = stop.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        signal.cancel();
    });
    match cli.http {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(&addr).await?;
            eprintln!(
                "wamp-mcp: serving http://{}{}",
                listener.local_addr()?,
                wamp_mcp::http::PATH
            );
            wamp_mcp::http::serve(bridge, listener, cli.allow_host, cli.allow_origin, stop).await?;
        }
        None => {
            let running = bridge.serve(rmcp::transport::stdio()).await?;
            tokio::select! {
                quit = running.waiting() => { quit?; }
                () = stop.cancelled() => {}
            }
        }
    }
    session.leave().await;
    Ok(())
}
