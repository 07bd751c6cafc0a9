//! The embedded router as an interop target: a `wamp-router` started inside the test with the
//! same realm, principals and roles as the Crossbar node, on loopback ports picked by the OS.

use std::sync::Arc;

use tempfile::TempDir;
use wamp_core::auth::scram::ScramKdf;
use wamp_core::auth::ScramFlavor;
use wamp_router::auth::{CryptosignAuth, ScramAuth, TicketAuth, TlsAuth, WampCraAuth};
use wamp_router::authorization::{Permission, Role};
use wamp_router::{
    sha1_fingerprint, tls_config_from_pem, tls_config_with_client_auth, Listener, Protocol,
    RealmConfig, Router,
};

use crate::{cred, credentials, Crossbar};

/// A running embedded router and where it listens (in the same shape as the Crossbar node's).
pub struct Embedded {
    /// The router.
    pub router: Router,
    /// Its endpoints; the `*_auth` ones are the same listeners (one realm offers every method).
    pub endpoints: Crossbar,
    _dir: TempDir,
}

/// The realm of the interop tests: anonymous (role `anonymous`, everything allowed), ticket,
/// wampcra plain and salted, cryptosign, WAMP-SCRAM in both flavors (role `user`), and the
/// `restricted` role.
pub fn interop_realm() -> RealmConfig {
    let c = credentials();
    let salted = &c["wampcra_salted"];
    let seed: [u8; 32] = hex::decode(cred("cryptosign", "seed_hex"))
        .expect("seed hex")
        .try_into()
        .expect("32-octet seed");
    let pubkey = wamp_core::auth::Cryptosign::new(seed).public_key_hex();
    RealmConfig::anonymous(cred("realm", ""))
        .authenticator(
            TicketAuth::new()
                .principal(cred("ticket", "authid"), cred("ticket", "ticket"), "user")
                .principal(
                    cred("restricted", "authid"),
                    cred("restricted", "ticket"),
                    "restricted",
                ),
        )
        .authenticator(
            WampCraAuth::new()
                .principal(cred("wampcra", "authid"), cred("wampcra", "secret"), "user")
                .salted_principal(
                    cred("wampcra_salted", "authid"),
                    &cred("wampcra_salted", "secret"),
                    cred("wampcra_salted", "salt"),
                    u32::try_from(salted["iterations"].as_u64().expect("iterations"))
                        .expect("iterations"),
                    usize::try_from(salted["keylen"].as_u64().expect("keylen")).expect("keylen"),
                    "user",
                ),
        )
        .authenticator(CryptosignAuth::new().principal(
            cred("cryptosign", "authid"),
            &pubkey,
            "user",
        ))
        .authenticator(scram(ScramFlavor::Crossbar))
        .authenticator(scram(ScramFlavor::Spec))
        .role(Role::trusted("user"))
        .role(
            Role::new("restricted")
                .permission(Permission::all(cred("restricted", "allowed_prefix"))),
        )
}

/// The two WAMP-SCRAM principals of the credentials (Argon2id and PBKDF2, with their salts, as
/// the Crossbar config has them) in one flavor.
fn scram(flavor: ScramFlavor) -> ScramAuth {
    let c = credentials();
    let number = |section: &str, key: &str| {
        u32::try_from(c[section][key].as_u64().expect("a number")).expect("a u32")
    };
    let salt = |section: &str| hex::decode(cred(section, "salt_hex")).expect("salt hex");
    let argon2 = ScramKdf::Argon2id {
        memory: number("scram_argon2", "memory"),
        iterations: number("scram_argon2", "iterations"),
    };
    let pbkdf2 = ScramKdf::Pbkdf2 {
        iterations: number("scram_pbkdf2", "iterations"),
    };
    ScramAuth::new(flavor)
        .salted_principal(
            cred("scram_argon2", "authid"),
            &cred("scram_argon2", "password"),
            salt("scram_argon2"),
            argon2,
            "user",
        )
        .and_then(|auth| {
            auth.salted_principal(
                cred("scram_pbkdf2", "authid"),
                &cred("scram_pbkdf2", "password"),
                salt("scram_pbkdf2"),
                pbkdf2,
                "user",
            )
        })
        .expect("SCRAM keys")
}

/// The authid the embedded router's client certificate stands for (as the Crossbar node's).
pub const CLIENT_CERT_AUTHID: &str = "device-7";

/// The TLS of the embedded router: a certificate for `localhost`/`127.0.0.1` of a test CA, and
/// a client certificate of that CA (authmethod `tls`).
pub struct TestTls {
    /// The server configuration (no client certificates asked).
    pub server: Arc<rustls::ServerConfig>,
    /// The server configuration that asks for client certificates of the CA.
    pub server_with_clients: Arc<rustls::ServerConfig>,
    /// The CA's PEM.
    pub ca_pem: String,
    /// The client certificate's PEM, its key's PEM, and its SHA-1 fingerprint.
    pub client: (String, String, String),
}

/// A TLS server configuration for `localhost`/`127.0.0.1` and the PEM of the CA that signed it.
pub fn test_tls() -> (Arc<rustls::ServerConfig>, String) {
    let tls = test_tls_with_clients();
    (tls.server, tls.ca_pem)
}

/// [`test_tls`], with client certificates.
pub fn test_tls_with_clients() -> TestTls {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
        .expect("CA certificate");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("leaf params")
        .signed_by(&leaf_key, &ca)
        .expect("leaf certificate");
    let client_key = KeyPair::generate().expect("client key");
    let client = CertificateParams::new(vec![CLIENT_CERT_AUTHID.to_owned()])
        .expect("client params")
        .signed_by(&client_key, &ca)
        .expect("client certificate");
    let (cert, key) = (leaf.pem(), leaf_key.serialize_pem());
    TestTls {
        server: tls_config_from_pem(cert.as_bytes(), key.as_bytes()).expect("TLS configuration"),
        server_with_clients: tls_config_with_client_auth(
            cert.as_bytes(),
            key.as_bytes(),
            ca.pem().as_bytes(),
        )
        .expect("TLS configuration with clients"),
        ca_pem: ca.pem(),
        client: (
            client.pem(),
            client_key.serialize_pem(),
            sha1_fingerprint(client.der()),
        ),
    }
}

/// Starts an embedded router with WebSocket, RawSocket TCP, RawSocket Unix and both TLS
/// listeners, serving [`interop_realm`].
pub async fn embedded() -> Embedded {
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("router.sock");
    let tls = test_tls_with_clients();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &tls.ca_pem).expect("write CA");
    let (client_pem, client_key_pem, client_sha1) = &tls.client;
    let client_cert = dir.path().join("client.crt");
    let client_key = dir.path().join("client.key");
    std::fs::write(&client_cert, client_pem).expect("write the client certificate");
    std::fs::write(&client_key, client_key_pem).expect("write the client key");
    let realm = interop_realm().authenticator(TlsAuth::new().principal(
        CLIENT_CERT_AUTHID,
        client_sha1,
        "user",
    ));
    let (server, with_clients) = (tls.server, tls.server_with_clients);
    let router = Router::builder()
        .realm_config(realm)
        .listener(Listener::websocket("127.0.0.1:0"))
        .listener(Listener::rawsocket("127.0.0.1:0"))
        .listener(Listener::unix(&socket))
        .listener(Listener::websocket("127.0.0.1:0").tls(server.clone()))
        .listener(Listener::rawsocket("127.0.0.1:0").tls(server))
        .listener(Listener::websocket("127.0.0.1:0").tls(with_clients))
        .start()
        .await
        .expect("the embedded router starts");
    let url = |i: usize| router.endpoints()[i].url.clone();
    // TLS clients check the name, so they connect by `localhost`.
    let by_name = |u: String| u.replace("127.0.0.1", "localhost");
    let ws = url(0);
    let tcp = url(1);
    let endpoints = Crossbar {
        realm: cred("realm", ""),
        // The embedded interop realm keeps no event history (the history tests configure theirs).
        history_realm: cred("realm", ""),
        ws_auth: ws.clone(),
        ws,
        tcp_auth: tcp.clone(),
        tcp,
        unix: url(2),
        wss: by_name(url(3)),
        tcps: by_name(url(4)),
        ca,
        wss_cert: by_name(url(5)),
        client_cert,
        client_key,
        client_cert_authid: CLIENT_CERT_AUTHID.to_owned(),
    };
    assert_eq!(router.url(Protocol::WebSocket), Some(endpoints.ws.as_str()));
    Embedded {
        router,
        endpoints,
        _dir: dir,
    }
}
