//! TLS on listeners (cargo feature `tls`): the rustls server configuration from PEM files, with
//! or without client certificates, and what a client's certificate tells the session (its
//! fingerprints, for authmethod `tls`).

use std::sync::Arc;

use rustls::server::WebPkiClientVerifier;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sha1::Digest as _;
use wamp_core::{Dict, Value};

use crate::error::RouterError;

fn tls(e: String) -> RouterError {
    RouterError::Tls(e)
}

fn chain_and_key(
    cert_chain_pem: &[u8],
    private_key_pem: &[u8],
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), RouterError> {
    let certs = CertificateDer::pem_slice_iter(cert_chain_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| tls(format!("certificate chain: {e}")))?;
    if certs.is_empty() {
        return Err(tls("no certificate in the PEM data".into()));
    }
    let key = PrivateKeyDer::from_pem_slice(private_key_pem)
        .map_err(|e| tls(format!("private key: {e}")))?;
    Ok((certs, key))
}

/// A rustls server configuration from a PEM certificate chain and a PEM private key (cargo
/// feature `tls`).
pub fn tls_config_from_pem(
    cert_chain_pem: &[u8],
    private_key_pem: &[u8],
) -> Result<Arc<rustls::ServerConfig>, RouterError> {
    let (certs, key) = chain_and_key(cert_chain_pem, private_key_pem)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| tls(e.to_string()))?;
    Ok(Arc::new(config))
}

/// As [`tls_config_from_pem`], and asks each client for a certificate issued by one of the
/// CAs in `client_ca_pem` (cargo feature `tls`). A client without a certificate is still
/// served (it can authenticate otherwise); one with a certificate the CAs did not issue is
/// refused in the TLS handshake. The certificate's fingerprints reach the session's transport
/// details (`peer_cert`), where [`auth::TlsAuth`](crate::auth::TlsAuth) finds them.
pub fn tls_config_with_client_auth(
    cert_chain_pem: &[u8],
    private_key_pem: &[u8],
    client_ca_pem: &[u8],
) -> Result<Arc<rustls::ServerConfig>, RouterError> {
    let (certs, key) = chain_and_key(cert_chain_pem, private_key_pem)?;
    let mut roots = RootCertStore::empty();
    for ca in CertificateDer::pem_slice_iter(client_ca_pem) {
        let ca = ca.map_err(|e| tls(format!("client CA: {e}")))?;
        roots.add(ca).map_err(|e| tls(format!("client CA: {e}")))?;
    }
    if roots.is_empty() {
        return Err(tls("no client CA certificate in the PEM data".into()));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .allow_unauthenticated()
        .build()
        .map_err(|e| tls(e.to_string()))?;
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .map_err(|e| tls(e.to_string()))?;
    Ok(Arc::new(config))
}

/// Upper-case hex bytes joined by colons, as Crossbar.io and `openssl x509 -fingerprint`
/// write fingerprints (`AB:CD:...`).
fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The SHA-1 fingerprint of a DER certificate, as Crossbar.io's principals name it.
pub fn sha1_fingerprint(der: &[u8]) -> String {
    colon_hex(&sha1::Sha1::digest(der))
}

/// The transport detail `peer_cert` of a verified client certificate: its `sha1` and
/// `sha256` fingerprints.
pub(crate) fn peer_cert(der: &[u8]) -> Value {
    use sha2::Digest as _;
    let mut cert = Dict::new();
    cert.insert("sha1".into(), Value::Text(sha1_fingerprint(der)));
    cert.insert(
        "sha256".into(),
        Value::Text(colon_hex(&sha2::Sha256::digest(der))),
    );
    wamp_core::value::dict_to_value(cert)
}
