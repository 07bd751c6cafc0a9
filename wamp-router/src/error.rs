//! Why a router could not start.

/// Why the router could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RouterError {
    /// A listener could not bind its address.
    #[error("cannot listen on {0}: {1}")]
    Bind(String, #[source] std::io::Error),
    /// The TLS configuration is unusable.
    #[error("TLS configuration: {0}")]
    Tls(String),
    /// The configuration is inconsistent (a duplicate realm, no realm...).
    #[error("invalid router configuration: {0}")]
    Config(String),
}
