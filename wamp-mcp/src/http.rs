//! The bridge over Streamable HTTP: an axum server with the MCP endpoint at [`PATH`].

use std::sync::Arc;

use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::Bridge;

/// The path of the MCP endpoint.
pub const PATH: &str = "/mcp";

/// Serves `bridge` on `listener` until `stop` is cancelled. `allowed_hosts` are the `Host`
/// header values accepted (DNS rebinding protection; rmcp's default is the loopback names);
/// `allowed_origins` the `Origin` header values (browsers send one; by default every request
/// that has one is refused, as the MCP transport spec asks). There is no authentication: anyone
/// who reaches the port acts as the bridge's WAMP identity, so keep it on loopback or behind a
/// proxy that authenticates.
pub async fn serve(
    bridge: Bridge,
    listener: TcpListener,
    allowed_hosts: Vec<String>,
    allowed_origins: Vec<String>,
    stop: CancellationToken,
) -> std::io::Result<()> {
    let mut config = StreamableHttpServerConfig::default()
        .with_allowed_origins(allowed_origins)
        .enforce_origin_validation();
    config.cancellation_token = stop.child_token();
    if !allowed_hosts.is_empty() {
        config = config.with_allowed_hosts(allowed_hosts);
    }
    let service = StreamableHttpService::new(
        move || Ok(bridge.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let app = axum::Router::new().nest_service(PATH, service);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { stop.cancelled_owned().await })
        .await
}
