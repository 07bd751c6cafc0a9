//! Authentication and authorization on the embedded `wamp-router`: autobahn-python and
//! autobahn-js peers and our client join with every method the router offers (ticket, wampcra
//! plain and salted, cryptosign; WAMP-SCRAM with Argon2id and PBKDF2 in both flavors for our
//! client, Crossbar's flavor for autobahn-python, which autobahn-js lacks), wrong credentials
//! are refused with ABORT, and a role without permission gets `wamp.error.not_authorized`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod cookie;
mod dynamic;
mod tls;

use serde_json::{json, Value as Json};
use wamp_core::auth::ScramFlavor;
use wamp_core::{Client, Error};
use wamp_router::auth::TicketAuth;
use wamp_router::{Listener, Protocol, RealmConfig, Router};
use wamp_tests::{cred, embedded, trace, Peer, PeerKind};

fn auth(method: &str, section: &str) -> Json {
    let secret_field = match method {
        "ticket" => "ticket",
        "cryptosign" => "seed_hex",
        "scram" => "password",
        _ => "secret",
    };
    let mut a = json!({"method": method, "authid": cred(section, "authid")});
    let key = if method == "cryptosign" {
        "seed_hex"
    } else {
        "secret"
    };
    a[key] = Json::String(cred(section, secret_field));
    a
}

/// A peer joins with `auth`, then calls `procedure`; answers (JOINED details, CALLED outcome).
async fn peer_joins(kind: PeerKind, auth: Json, procedure: &str) -> Option<(Json, Json)> {
    let router = embedded().await;
    let cb = &router.endpoints;
    let mut peer = Peer::spawn_auth(kind, &cb.ws, "json", &cb.realm, procedure, &auth)?;
    let joined = peer.expect("JOINED").await;
    let called = peer.expect("CALLED").await;
    assert!(peer.exit_status().await);
    Some((joined, called))
}

async fn peer_authenticates(kind: PeerKind, method: &str, section: &str) {
    trace();
    let Some((joined, called)) =
        peer_joins(kind, auth(method, section), "wamp.session.count").await
    else {
        return;
    };
    assert_eq!(
        joined,
        json!({"authid": cred(section, "authid"), "authrole": "user", "authmethod": method})
    );
    assert_eq!(called, json!({"result": 1}));
}

async fn peer_with_wrong_secret_is_aborted(kind: PeerKind) {
    let mut wrong = auth("ticket", "ticket");
    wrong["secret"] = json!("not-the-ticket");
    peer_is_aborted(kind, &wrong, "wamp.error.authentication_failed").await;
}

/// A peer joining with `auth` is aborted with `reason` and exits with a failure.
async fn peer_is_aborted(kind: PeerKind, auth: &Json, reason: &str) {
    trace();
    let router = embedded().await;
    let cb = &router.endpoints;
    let Some(mut peer) = Peer::spawn_auth(kind, &cb.ws, "json", &cb.realm, "x.y", auth) else {
        return;
    };
    assert_eq!(peer.expect("ABORTED").await, json!({ "reason": reason }));
    assert!(!peer.exit_status().await);
}

async fn peer_without_permission_is_not_authorized(kind: PeerKind) {
    trace();
    let Some((joined, called)) =
        peer_joins(kind, auth("ticket", "restricted"), "com.denied.procedure").await
    else {
        return;
    };
    assert_eq!(joined["authrole"], json!("restricted"));
    assert_eq!(called, json!({"error": "wamp.error.not_authorized"}));
}

macro_rules! peers {
    ($($peer:ident: $kind:expr),*) => {
        $(mod $peer {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn ticket() { peer_authenticates($kind, "ticket", "ticket").await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn wampcra() { peer_authenticates($kind, "wampcra", "wampcra").await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn wampcra_salted() { peer_authenticates($kind, "wampcra", "wampcra_salted").await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn cryptosign() { peer_authenticates($kind, "cryptosign", "cryptosign").await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn wrong_ticket_is_aborted() { peer_with_wrong_secret_is_aborted($kind).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn restricted_role_is_not_authorized() { peer_without_permission_is_not_authorized($kind).await }
        })*
    };
}

peers!(python: PeerKind::Python, js: PeerKind::Js);

/// autobahn-python's WAMP-SCRAM (`AuthScram`, Crossbar's flavor) against the router.
mod python_scram {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn argon2id() {
        peer_authenticates(PeerKind::Python, "scram", "scram_argon2").await
    }

    /// autobahn-python 26.x cannot answer a PBKDF2 challenge from any router: `AuthScram` hands
    /// the salt to its `pbkdf2` as the base64 text of the CHALLENGE, and `pbkdf2` takes only
    /// bytes ("Invalid argument types"), so the peer gives up itself with
    /// `wamp.error.cannot_authenticate`. When Autobahn fixes that, this test fails: then make
    /// it `peer_authenticates(PeerKind::Python, "scram", "scram_pbkdf2")`. (Our client joins
    /// with PBKDF2, in `rust_client`.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pbkdf2_fails_inside_autobahn() {
        let auth = auth("scram", "scram_pbkdf2");
        peer_is_aborted(PeerKind::Python, &auth, "wamp.error.cannot_authenticate").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn wrong_password_is_aborted() {
        let mut wrong = auth("scram", "scram_argon2");
        wrong["secret"] = json!("not-the-password");
        peer_is_aborted(PeerKind::Python, &wrong, "wamp.error.authentication_failed").await;
    }
}

mod rust_client {
    use super::*;

    async fn joins(client: Client, method: &str, authid: &str) {
        let session = client.connect().await.unwrap();
        let info = session.info();
        assert_eq!(info.authmethod.as_deref(), Some(method));
        assert_eq!(info.authid.as_deref(), Some(authid));
        assert_eq!(info.authrole.as_deref(), Some("user"));
        session.leave().await;
    }

    #[tokio::test]
    async fn every_method_over_every_transport() {
        trace();
        let router = embedded().await;
        let cb = &router.endpoints;
        let ca = std::fs::read(&cb.ca).unwrap();
        for url in [&cb.ws, &cb.tcp, &cb.unix, &cb.wss, &cb.tcps] {
            let client = || {
                Client::new(url, &cb.realm).tls(
                    wamp_core::transport::TlsConfig::default()
                        .with_ca_pem(&ca)
                        .unwrap(),
                )
            };
            joins(
                client()
                    .authid(cred("ticket", "authid"))
                    .ticket(cred("ticket", "ticket")),
                "ticket",
                &cred("ticket", "authid"),
            )
            .await;
            joins(
                client()
                    .authid(cred("wampcra", "authid"))
                    .wampcra(cred("wampcra", "secret")),
                "wampcra",
                &cred("wampcra", "authid"),
            )
            .await;
            joins(
                client()
                    .authid(cred("wampcra_salted", "authid"))
                    .wampcra(cred("wampcra_salted", "secret")),
                "wampcra",
                &cred("wampcra_salted", "authid"),
            )
            .await;
            let seed: [u8; 32] = hex::decode(cred("cryptosign", "seed_hex"))
                .unwrap()
                .try_into()
                .unwrap();
            joins(
                client()
                    .authid(cred("cryptosign", "authid"))
                    .cryptosign(seed),
                "cryptosign",
                &cred("cryptosign", "authid"),
            )
            .await;
            for section in ["scram_argon2", "scram_pbkdf2"] {
                let authid = cred(section, "authid");
                let password = cred(section, "password");
                joins(client().authid(&authid).scram(&password), "scram", &authid).await;
                joins(
                    client()
                        .authid(&authid)
                        .scram_flavor(&password, ScramFlavor::Spec),
                    "wamp-scram",
                    &authid,
                )
                .await;
            }
        }
    }

    fn abort_reason(e: Error) -> String {
        match e {
            Error::Refused { reason, .. } => reason,
            other => panic!("expected an ABORT, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn wrong_credentials_unknown_realm_and_method_are_aborted() {
        trace();
        let router = embedded().await;
        let cb = &router.endpoints;
        let wrong = Client::new(&cb.ws, &cb.realm)
            .authid(cred("wampcra", "authid"))
            .wampcra("wrong secret")
            .connect()
            .await
            .unwrap_err();
        assert_eq!(abort_reason(wrong), "wamp.error.authentication_failed");
        let unknown = Client::new(&cb.ws, &cb.realm)
            .authid("nobody")
            .ticket("x")
            .connect()
            .await
            .unwrap_err();
        assert_eq!(abort_reason(unknown), "wamp.error.authentication_failed");
        let realm = Client::new(&cb.ws, "no.such.realm")
            .connect()
            .await
            .unwrap_err();
        assert_eq!(abort_reason(realm), "wamp.error.no_such_realm");
        for flavor in [ScramFlavor::Crossbar, ScramFlavor::Spec] {
            // A wrong password, and an authid the router does not know (challenged all the
            // same, so that probing cannot tell), are refused alike.
            for (authid, password) in [
                (cred("scram_argon2", "authid"), "wrong".to_owned()),
                ("nobody".to_owned(), cred("scram_argon2", "password")),
            ] {
                let refused = Client::new(&cb.ws, &cb.realm)
                    .authid(&authid)
                    .scram_flavor(&password, flavor)
                    .connect()
                    .await
                    .unwrap_err();
                assert_eq!(
                    abort_reason(refused),
                    "wamp.error.authentication_failed",
                    "{flavor:?} {authid}"
                );
            }
        }
        // A realm that offers tickets only.
        let tickets = Router::builder()
            .realm_config(RealmConfig::new("tickets").authenticator(TicketAuth::new()))
            .listener(Listener::websocket("127.0.0.1:0"))
            .start()
            .await
            .unwrap();
        let no_method = Client::new(tickets.url(Protocol::WebSocket).unwrap(), "tickets")
            .authid("x")
            .scram("password")
            .connect()
            .await
            .unwrap_err();
        assert_eq!(
            abort_reason(no_method),
            "wamp.error.no_matching_auth_method"
        );
    }

    #[tokio::test]
    async fn a_role_is_limited_to_its_permissions_for_every_action() {
        trace();
        let router = embedded().await;
        let cb = &router.endpoints;
        let session = Client::new(&cb.ws, &cb.realm)
            .authid(cred("restricted", "authid"))
            .ticket(cred("restricted", "ticket"))
            .connect()
            .await
            .unwrap();
        let denied = |e: Error| assert_eq!(e.uri(), Some("wamp.error.not_authorized"), "{e:?}");
        denied(session.call("com.denied.x").await.unwrap_err());
        denied(
            session
                .register(
                    "com.denied.x",
                    |_inv: wamp_core::session::Invocation| async {
                        Ok(wamp_core::Arguments::default())
                    },
                )
                .await
                .unwrap_err(),
        );
        denied(session.subscribe("com.denied.x").await.unwrap_err());
        denied(
            session
                .publish("com.denied.x")
                .acknowledge()
                .await
                .unwrap_err(),
        );
        // Inside the allowed prefix everything works.
        let allowed = format!("{}ok", cred("restricted", "allowed_prefix"));
        let _reg = session
            .register(&allowed, |_inv: wamp_core::session::Invocation| async {
                wamp_core::Arguments::value(&"fine").map_err(Into::into)
            })
            .await
            .unwrap();
        let answer: String = session.call(&allowed).await.unwrap().value().unwrap();
        assert_eq!(answer, "fine");
        session.leave().await;
    }
}
