//! Cookie authentication over WebSocket: the router sets `cbtid` on the upgrade, a client that
//! authenticated with a ticket on that cookie comes back with the cookie alone, a HELLO that
//! does not offer `cookie` unbinds it, and a reload that removes the principal ends its use.

use wamp_core::transport::CookieJar;
use wamp_core::{Client, Error, Session};
use wamp_router::auth::TicketAuth;
use wamp_router::authorization::Role;
use wamp_router::{CookieConfig, Listener, Protocol, RealmConfig, Router};
use wamp_tests::trace;

fn realm(principals: &[(&str, &str)]) -> RealmConfig {
    let tickets = principals
        .iter()
        .fold(TicketAuth::new(), |auth, (authid, ticket)| {
            auth.principal(*authid, *ticket, "user")
        });
    RealmConfig::new("realm1")
        .authenticator(tickets)
        .role(Role::trusted("user"))
        .cookie_auth()
}

fn refused(result: Result<Session, Error>) -> String {
    match result {
        Err(Error::Refused { reason, .. }) => reason,
        other => panic!("expected an ABORT, got {other:?}"),
    }
}

#[tokio::test]
async fn a_cookie_stands_for_the_principal_that_authenticated_on_it() {
    trace();
    let config = CookieConfig {
        http_only: true,
        ..CookieConfig::default()
    };
    let router = Router::builder()
        .realm_config(realm(&[("alice", "a")]))
        .listener(Listener::websocket("127.0.0.1:0").cookies(config))
        .start()
        .await
        .unwrap();
    let url = router.url(Protocol::WebSocket).unwrap().to_owned();
    let host = url
        .trim_start_matches("ws://")
        .trim_end_matches('/')
        .to_owned();
    let jar = CookieJar::new();
    let with_jar = || Client::new(&url, "realm1").cookie_jar(jar.clone());

    // First connection: a ticket; the router sets the cookie and binds it to alice.
    let first = with_jar().authid("alice").ticket("a").cookie_auth();
    let session = first.connect().await.unwrap();
    assert_eq!(session.info().authmethod.as_deref(), Some("ticket"));
    assert_eq!(session.info().authprovider.as_deref(), Some("static"));
    let cookie = jar.get(&host, "cbtid").expect("the router set cbtid");
    session.leave().await;

    // With the cookie alone: alice again, as Crossbar.io says it (the original method,
    // provider "cookie"); the cookie is not set again.
    let again = with_jar().cookie_auth().connect().await.unwrap();
    let info = again.info();
    assert_eq!(info.authid.as_deref(), Some("alice"));
    assert_eq!(info.authrole.as_deref(), Some("user"));
    assert_eq!(info.authmethod.as_deref(), Some("ticket"));
    assert_eq!(info.authprovider.as_deref(), Some("cookie"));
    assert_eq!(jar.get(&host, "cbtid"), Some(cookie.clone()));
    again.leave().await;

    // Another jar (no cookie, or one the router never set) is nobody.
    let stranger = Client::new(&url, "realm1").cookie_auth();
    assert_eq!(
        refused(stranger.connect().await),
        "wamp.error.authentication_failed"
    );
    let forged = CookieJar::new();
    forged.store(&host, "cbtid=forged");
    let forged = Client::new(&url, "realm1").cookie_jar(forged).cookie_auth();
    assert_eq!(
        refused(forged.connect().await),
        "wamp.error.authentication_failed"
    );

    // A HELLO on the cookie that does not offer `cookie` unbinds it (logging out).
    let out = with_jar().authid("alice").ticket("wrong");
    assert_eq!(
        refused(out.connect().await),
        "wamp.error.authentication_failed"
    );
    let after = with_jar().cookie_auth().connect().await;
    assert_eq!(refused(after), "wamp.error.authentication_failed");

    // Bound again; then a reload without alice: the cookie no longer stands for her.
    with_jar()
        .authid("alice")
        .ticket("a")
        .cookie_auth()
        .connect()
        .await
        .unwrap()
        .leave()
        .await;
    with_jar()
        .cookie_auth()
        .connect()
        .await
        .unwrap()
        .leave()
        .await;
    router.reload([realm(&[("bob", "b")])]);
    let gone = with_jar().cookie_auth().connect().await;
    assert_eq!(refused(gone), "wamp.error.authentication_failed");
}

#[tokio::test]
async fn the_set_cookie_header_carries_the_configured_attributes() {
    trace();
    let config = CookieConfig {
        name: "session".into(),
        max_age: std::time::Duration::from_secs(3600),
        http_only: true,
        same_site: Some("Strict".into()),
        ..CookieConfig::default()
    };
    let router = Router::builder()
        .realm_config(realm(&[("alice", "a")]))
        .listener(Listener::websocket("127.0.0.1:0").cookies(config))
        .start()
        .await
        .unwrap();
    let url = router.url(Protocol::WebSocket).unwrap().to_owned();
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
            url.as_str(),
        )
        .unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "wamp.2.json".parse().unwrap());
    let (_ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    let set = response
        .headers()
        .get("Set-Cookie")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(set.starts_with("session="), "{set}");
    assert!(
        set.ends_with("; Max-Age=3600; HttpOnly; SameSite=Strict"),
        "{set}"
    );
    // RawSocket has no cookies: the router refuses to start such a listener.
    let raw = Router::builder()
        .realm_config(realm(&[]))
        .listener(Listener::rawsocket("127.0.0.1:0").cookies(CookieConfig::default()))
        .start()
        .await;
    assert!(raw.is_err());
}
