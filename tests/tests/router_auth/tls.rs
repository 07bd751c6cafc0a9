//! Authmethod `tls`: the router asks for client certificates, a principal names one by its
//! SHA-1 fingerprint, and our client presents its certificate over `wss://` and `tcps://`.

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use wamp_core::transport::TlsConfig;
use wamp_core::{Client, Error};
use wamp_router::auth::TlsAuth;
use wamp_router::authorization::Role;
use wamp_router::{
    sha1_fingerprint, tls_config_with_client_auth, Listener, Protocol, RealmConfig, Router,
};
use wamp_tests::trace;

type Issuer = CertifiedIssuer<'static, KeyPair>;

fn ca() -> Issuer {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// A certificate for `names` signed by `ca`: (its PEM, its key's PEM, its DER).
fn leaf(ca: &Issuer, names: &[&str]) -> (String, String, Vec<u8>) {
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let cert = CertificateParams::new(names)
        .unwrap()
        .signed_by(&key, ca)
        .unwrap();
    (cert.pem(), key.serialize_pem(), cert.der().to_vec())
}

#[tokio::test]
async fn a_client_certificate_is_the_identity_over_wss_and_tcps() {
    trace();
    let server_ca = ca();
    let client_ca = ca();
    let (server_pem, server_key, _) = leaf(&server_ca, &["localhost", "127.0.0.1"]);
    let (device_pem, device_key, device_der) = leaf(&client_ca, &["device-7"]);
    let (stranger_pem, stranger_key, _) = leaf(&client_ca, &["device-8"]);
    let (forged_pem, forged_key, _) = leaf(&ca(), &["device-7"]);
    let tls = tls_config_with_client_auth(
        server_pem.as_bytes(),
        server_key.as_bytes(),
        client_ca.pem().as_bytes(),
    )
    .unwrap();
    let fingerprint = sha1_fingerprint(&device_der);
    let realm = RealmConfig::new("devices")
        .authenticator(TlsAuth::new().principal("device-7", &fingerprint.to_lowercase(), "device"))
        .role(Role::trusted("device"));
    let router = Router::builder()
        .realm_config(realm)
        .listener(Listener::websocket("127.0.0.1:0").tls(tls.clone()))
        .listener(Listener::rawsocket("127.0.0.1:0").tls(tls))
        .start()
        .await
        .unwrap();
    let trust = || {
        TlsConfig {
            only_extra_roots: true,
            ..Default::default()
        }
        .with_ca_pem(server_ca.pem().as_bytes())
        .unwrap()
    };
    let urls: Vec<String> = router.endpoints().iter().map(|b| b.url.clone()).collect();
    assert_eq!(urls.len(), 2);
    for url in &urls {
        let tls = trust()
            .client_certificate_pem(device_pem.as_bytes(), device_key.as_bytes())
            .unwrap();
        let session = Client::new(url, "devices")
            .tls(tls)
            .tls_auth()
            .connect()
            .await
            .unwrap();
        let info = session.info();
        assert_eq!(info.authid.as_deref(), Some("device-7"), "{url}");
        assert_eq!(info.authrole.as_deref(), Some("device"));
        assert_eq!(info.authmethod.as_deref(), Some("tls"));
        session.leave().await;

        // No certificate: the TLS handshake goes through, the join is refused.
        let refused = Client::new(url, "devices")
            .tls(trust())
            .tls_auth()
            .connect()
            .await;
        match refused {
            Err(Error::Refused {
                reason, message, ..
            }) => {
                assert_eq!(reason, "wamp.error.authentication_failed");
                let message = message.unwrap_or_default();
                assert!(message.contains("no TLS client certificate"), "{message}");
            }
            other => panic!("{url}: expected an ABORT, got {other:?}"),
        }
        // A certificate of the CA that no principal names.
        let tls = trust()
            .client_certificate_pem(stranger_pem.as_bytes(), stranger_key.as_bytes())
            .unwrap();
        let refused = Client::new(url, "devices")
            .tls(tls)
            .tls_auth()
            .connect()
            .await;
        assert!(
            matches!(&refused, Err(Error::Refused { reason, .. }) if reason == "wamp.error.authentication_failed"),
            "{refused:?}"
        );
        // A certificate of another CA with the same name: refused in the TLS handshake.
        let tls = trust()
            .client_certificate_pem(forged_pem.as_bytes(), forged_key.as_bytes())
            .unwrap();
        let refused = Client::new(url, "devices")
            .tls(tls)
            .tls_auth()
            .connect()
            .await;
        assert!(
            matches!(&refused, Err(Error::Transport(_))),
            "a certificate of an unknown CA: {refused:?}"
        );
    }
    assert!(router
        .url(Protocol::WebSocket)
        .unwrap()
        .starts_with("wss://"));
}
