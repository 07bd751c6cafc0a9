//! TLS client settings for `wss://` and `tcps://`.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
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
    /// The client's own certificate, for routers that ask for one (authmethod `tls`).
    pub client_certificate: Option<ClientCertificate>,
}

/// A client certificate chain and its private key.
pub struct ClientCertificate {
    /// The chain, the client's certificate first.
    pub chain: Vec<CertificateDer<'static>>,
    /// Its private key.
    pub key: PrivateKeyDer<'static>,
}

impl Clone for ClientCertificate {
    fn clone(&self) -> Self {
        Self {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("chain", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("extra_roots", &self.extra_roots.len())
            .field("only_extra_roots", &self.only_extra_roots)
            .field("client_config", &self.client_config.is_some())
            .field("client_certificate", &self.client_certificate.is_some())
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

    /// Presents this certificate (PEM chain, the client's first) and private key (PEM) to
    /// routers that ask for one: with [`Client::tls_auth`](crate::Client::tls_auth), the router
    /// knows the client by it (authmethod `tls`).
    pub fn client_certificate_pem(
        mut self,
        chain_pem: &[u8],
        key_pem: &[u8],
    ) -> Result<Self, TransportError> {
        let bad = |what: &str, e: &dyn std::fmt::Display| {
            TransportError::Tls(format!("invalid PEM {what}: {e}"))
        };
        let chain = CertificateDer::pem_slice_iter(chain_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad("certificate", &e))?;
        if chain.is_empty() {
            return Err(TransportError::Tls(
                "no client certificate in the PEM".into(),
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| bad("private key", &e))?;
        self.client_certificate = Some(ClientCertificate { chain, key });
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
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TransportError::Tls(e.to_string()))?
            .with_root_certificates(roots);
        let config = match &self.client_certificate {
            None => builder.with_no_client_auth(),
            Some(cert) => builder
                .with_client_auth_cert(cert.chain.clone(), cert.key.clone_key())
                .map_err(|e| TransportError::Tls(format!("client certificate: {e}")))?,
        };
        Ok(Arc::new(config))
    }
}
