//! Authentication and authorization against Crossbar.io: every method joins with good
//! credentials and is refused with bad ones; a role without permission gets
//! `wamp.error.not_authorized`; TLS transports join with the test CA.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use wamp_core::auth::ScramFlavor;
use wamp_core::transport::TlsConfig;
use wamp_core::{Client, Error, Serializer};
use wamp_tests::{cred, credentials, require_crossbar, trace, unique};

fn seed(hex_seed: &str) -> [u8; 32] {
    hex::decode(hex_seed).unwrap().try_into().unwrap()
}

/// Joins with `client`, checks the authenticated identity, or expects a refusal.
async fn expect_joined(client: Client, authid: &str, method: &str) {
    let session = client
        .connect()
        .await
        .unwrap_or_else(|e| panic!("{method} with good credentials: {e}"));
    let info = session.info();
    assert_eq!(info.authid.as_deref(), Some(authid));
    assert_eq!(info.authrole.as_deref(), Some("user"));
    assert_eq!(info.authmethod.as_deref(), Some(method));
    session.leave().await;
}

async fn expect_refused(client: Client, method: &str) {
    match client.connect().await {
        Err(Error::Refused {
            reason, message, ..
        }) => {
            println!("{method} with bad credentials refused: {reason} {message:?}");
            assert!(reason.starts_with("wamp.error."), "{reason}");
        }
        Ok(_) => panic!("{method} with bad credentials was accepted"),
        Err(other) => {
            panic!("{method} with bad credentials: expected a refusal (ABORT), got {other}")
        }
    }
}

#[tokio::test]
async fn ticket_joins_and_bad_ticket_is_refused() {
    trace();
    let cb = require_crossbar!();
    let authid = cred("ticket", "authid");
    for url in [&cb.ws_auth, &cb.tcp_auth] {
        expect_joined(
            Client::new(url, &cb.realm)
                .authid(&authid)
                .ticket(cred("ticket", "ticket")),
            &authid,
            "ticket",
        )
        .await;
        expect_refused(
            Client::new(url, &cb.realm).authid(&authid).ticket("wrong"),
            "ticket",
        )
        .await;
    }
}

#[tokio::test]
async fn wampcra_plain_joins_and_bad_secret_is_refused() {
    trace();
    let cb = require_crossbar!();
    let authid = cred("wampcra", "authid");
    expect_joined(
        Client::new(&cb.ws_auth, &cb.realm)
            .authid(&authid)
            .wampcra(cred("wampcra", "secret")),
        &authid,
        "wampcra",
    )
    .await;
    expect_refused(
        Client::new(&cb.ws_auth, &cb.realm)
            .authid(&authid)
            .wampcra("wrong"),
        "wampcra",
    )
    .await;
}

#[tokio::test]
async fn wampcra_salted_joins_and_bad_secret_is_refused() {
    trace();
    let cb = require_crossbar!();
    let authid = cred("wampcra_salted", "authid");
    let secret = cred("wampcra_salted", "secret");
    expect_joined(
        Client::new(&cb.tcp_auth, &cb.realm)
            .authid(&authid)
            .wampcra(secret),
        &authid,
        "wampcra",
    )
    .await;
    expect_refused(
        Client::new(&cb.tcp_auth, &cb.realm)
            .authid(&authid)
            .wampcra("wrong"),
        "wampcra salted",
    )
    .await;
}

#[tokio::test]
async fn scram_argon2id_joins_and_bad_password_is_refused() {
    trace();
    let cb = require_crossbar!();
    let authid = cred("scram_argon2", "authid");
    let password = cred("scram_argon2", "password");
    expect_joined(
        Client::new(&cb.ws_auth, &cb.realm)
            .authid(&authid)
            .scram(&password),
        &authid,
        "scram",
    )
    .await;
    expect_refused(
        Client::new(&cb.ws_auth, &cb.realm)
            .authid(&authid)
            .scram("wrong"),
        "scram argon2id",
    )
    .await;
}

#[tokio::test]
async fn scram_pbkdf2_joins_and_bad_password_is_refused() {
    trace();
    let cb = require_crossbar!();
    let authid = cred("scram_pbkdf2", "authid");
    let password = cred("scram_pbkdf2", "password");
    expect_joined(
        Client::new(&cb.ws_auth, &cb.realm)
            .authid(&authid)
            .scram(&password),
        &authid,
        "scram",
    )
    .await;
    expect_refused(
        Client::new(&cb.ws_auth, &cb.realm)
            .authid(&authid)
            .scram("wrong"),
        "scram pbkdf2",
    )
    .await;
}

/// Crossbar speaks its own reading of WAMP-SCRAM (see `wamp_core::auth::scram`): the spec's
/// method name `wamp-scram` is not one it knows, so the spec flavor is refused.
#[tokio::test]
async fn scram_spec_flavor_is_not_what_crossbar_speaks() {
    trace();
    let cb = require_crossbar!();
    let authid = cred("scram_argon2", "authid");
    let password = cred("scram_argon2", "password");
    let client = Client::new(&cb.ws_auth, &cb.realm)
        .authid(&authid)
        .scram_flavor(password, ScramFlavor::Spec);
    assert!(
        client.connect().await.is_err(),
        "Crossbar accepted the spec flavor of WAMP-SCRAM"
    );
}

#[tokio::test]
async fn cryptosign_joins_and_unknown_key_is_refused() {
    trace();
    let cb = require_crossbar!();
    let authid = cred("cryptosign", "authid");
    let good = seed(&cred("cryptosign", "seed_hex"));
    expect_joined(
        Client::new(&cb.ws_auth, &cb.realm)
            .authid(&authid)
            .cryptosign(good),
        &authid,
        "cryptosign",
    )
    .await;
    expect_refused(
        Client::new(&cb.ws_auth, &cb.realm)
            .authid(&authid)
            .cryptosign([9; 32]),
        "cryptosign",
    )
    .await;
}

#[tokio::test]
async fn anonymous_is_refused_where_authentication_is_required() {
    trace();
    let cb = require_crossbar!();
    expect_refused(Client::new(&cb.ws_auth, &cb.realm), "anonymous").await;
}

#[tokio::test]
async fn unknown_realm_is_refused_with_a_typed_error() {
    trace();
    let cb = require_crossbar!();
    match Client::new(&cb.ws, "no.such.realm").connect().await {
        Err(Error::Refused { reason, .. }) => assert_eq!(reason, "wamp.error.no_such_realm"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_role_without_permission_gets_not_authorized() {
    trace();
    let cb = require_crossbar!();
    let creds = credentials();
    let allowed = creds["restricted"]["allowed_prefix"].as_str().unwrap();
    let session = Client::new(&cb.ws_auth, &cb.realm)
        .authid(cred("restricted", "authid"))
        .ticket(cred("restricted", "ticket"))
        .connect()
        .await
        .unwrap();
    assert_eq!(session.info().authrole.as_deref(), Some("restricted"));

    let denied = session
        .call(unique("com.forbidden.proc"))
        .await
        .unwrap_err();
    assert_eq!(denied.uri(), Some("wamp.error.not_authorized"), "{denied}");
    let denied = session
        .register(unique("com.forbidden.proc"), |_inv| async {
            Ok(Default::default())
        })
        .await
        .unwrap_err();
    assert_eq!(denied.uri(), Some("wamp.error.not_authorized"), "{denied}");
    let denied = session
        .publish(unique("com.forbidden.topic"))
        .acknowledge()
        .await
        .unwrap_err();
    assert_eq!(denied.uri(), Some("wamp.error.not_authorized"), "{denied}");
    let denied = session
        .subscribe(unique("com.forbidden.topic"))
        .await
        .unwrap_err();
    assert_eq!(denied.uri(), Some("wamp.error.not_authorized"), "{denied}");

    // Under the allowed prefix everything works, and the session survived the refusals.
    let procedure = format!("{allowed}{}", unique("ok").replace('.', "_"));
    let _registration = session
        .register(procedure.clone(), |_inv| async {
            Ok(wamp_core::Arguments::value(&"allowed")?)
        })
        .await
        .unwrap();
    let answer: String = session.call(procedure).await.unwrap().value().unwrap();
    assert_eq!(answer, "allowed");
    session.leave().await;
}

#[tokio::test]
async fn tls_websocket_and_rawsocket_join_with_the_test_ca() {
    trace();
    let cb = require_crossbar!();
    let pem = std::fs::read(&cb.ca).unwrap();
    let tls = TlsConfig {
        only_extra_roots: true,
        ..Default::default()
    }
    .with_ca_pem(&pem)
    .unwrap();
    for (url, serializer) in [
        (&cb.wss, Serializer::Json),
        (&cb.wss, Serializer::Cbor),
        (&cb.tcps, Serializer::MsgPack),
    ] {
        let session = Client::new(url, &cb.realm)
            .serializer(serializer)
            .tls(tls.clone())
            .connect()
            .await
            .unwrap();
        let procedure = unique("com.tls.echo");
        let _r = session
            .register(
                procedure.clone(),
                |inv: wamp_core::session::Invocation| async move { Ok(inv.arguments) },
            )
            .await
            .unwrap();
        let back: String = session
            .call(procedure)
            .args(&("over tls",))
            .await
            .unwrap()
            .value()
            .unwrap();
        assert_eq!(back, "over tls");
        session.leave().await;
    }
    // Without the CA the certificate is refused.
    let untrusted = Client::new(&cb.wss, &cb.realm).connect().await;
    assert!(
        matches!(untrusted, Err(Error::Transport(_))),
        "{untrusted:?}"
    );
}

/// Crossbar.io's cookie authentication with our client's cookie jar: a ticket on the first
/// connection binds the cookie Crossbar set, the cookie alone joins as the same principal
/// (Crossbar says the original authmethod and `authprovider: "cookie"`, as `wamp-router` does).
#[tokio::test]
async fn crossbar_cookie_authentication_with_our_cookie_jar() {
    trace();
    let cb = require_crossbar!();
    let jar = wamp_core::transport::CookieJar::new();
    let host = cb.ws_auth.trim_start_matches("ws://").to_owned();
    let authid = cred("ticket", "authid");
    let first = Client::new(&cb.ws_auth, &cb.realm)
        .cookie_jar(jar.clone())
        .authid(&authid)
        .ticket(cred("ticket", "ticket"))
        .cookie_auth()
        .connect()
        .await
        .unwrap();
    assert_eq!(first.info().authmethod.as_deref(), Some("ticket"));
    assert!(jar.get(&host, "cbtid").is_some(), "Crossbar set cbtid");
    first.leave().await;
    let again = Client::new(&cb.ws_auth, &cb.realm)
        .cookie_jar(jar.clone())
        .cookie_auth()
        .connect()
        .await
        .unwrap();
    let info = again.info();
    assert_eq!(info.authid.as_deref(), Some(authid.as_str()));
    assert_eq!(info.authmethod.as_deref(), Some("ticket"));
    assert_eq!(info.authprovider.as_deref(), Some("cookie"));
    again.leave().await;
    // Without the jar there is nobody to be.
    let stranger = Client::new(&cb.ws_auth, &cb.realm)
        .cookie_auth()
        .connect()
        .await;
    assert!(stranger.is_err(), "{stranger:?}");
}

/// Crossbar.io's TLS client-certificate authentication with our client's certificate.
#[tokio::test]
async fn crossbar_tls_certificate_authentication_with_our_client() {
    trace();
    let cb = require_crossbar!();
    let tls = TlsConfig {
        only_extra_roots: true,
        ..Default::default()
    }
    .with_ca_pem(&std::fs::read(&cb.ca).unwrap())
    .unwrap()
    .client_certificate_pem(
        &std::fs::read(&cb.client_cert).unwrap(),
        &std::fs::read(&cb.client_key).unwrap(),
    )
    .unwrap();
    let session = Client::new(&cb.wss_cert, &cb.realm)
        .tls(tls)
        .tls_auth()
        .connect()
        .await
        .unwrap();
    let info = session.info();
    assert_eq!(info.authid.as_deref(), Some(cb.client_cert_authid.as_str()));
    assert_eq!(info.authmethod.as_deref(), Some("tls"));
    assert_eq!(info.authrole.as_deref(), Some("user"));
    session.leave().await;
}
