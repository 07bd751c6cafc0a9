//! TLS client settings for `wss://` and `tcps://`.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use super::TransportError;

/// TLS settings: which certificate authorities to trust, or a complete rustls configuration.
#[derive(Clone, Default)]
pub struct TlsConfig {
    /// Extra trusted CA certificates (for example a private CA or a self-signed router).
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// Do not trust the built-in Mozilla roots, only `extra_roots`.
    pub only_extra_roots: bool,
    /// A complete rustls configuration; when set, the fields above are ignored.
    pub client_config: Option<Arc<ClientConfig>>,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("extra_roots", &self.extra_roots.len())
            .field("only_extra_roots", &self.only_extra_roots)
            .field("client_config", &self.client_config.is_some())
            .finish()
    }
}

impl TlsConfig {
    /// Trusts the CA certificates of a PEM file's contents in addition to the built-in roots.
    pub fn with_ca_pem(mut self, pem: &[u8]) -> Result<Self, TransportError> {
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert =
                cert.map_err(|e| TransportError::Tls(format!("invalid PEM certificate: {e}")))?;
            self.extra_roots.push(cert);
        }
        Ok(self)
    }

    /// The rustls client configuration these settings describe.
    pub(crate) fn client_config(&self) -> Result<Arc<ClientConfig>, TransportError> {
        if let Some(config) = &self.client_config {
            return Ok(config.clone());
        }
        let mut roots = RootCertStore::empty();
        if !self.only_extra_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        for cert in &self.extra_roots {
            roots
                .add(cert.clone())
                .map_err(|e| TransportError::Tls(format!("invalid CA certificate: {e}")))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TransportError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }
}
