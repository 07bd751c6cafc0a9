//! What a new user of the typed layer meets first, at run time: services that already exist
//! under loose URIs (bound both ways, through the embedded router and through Crossbar).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use serde_json::json;
use wamp_core::session::Invocation;
use wamp_core::Arguments;
use wamp_tests::legacy::{Legacy as _, ModernClient, Users};
use wamp_tests::{anonymous, trace, within, Target};

#[tokio::test]
async fn loose_uris_bind_both_ways_through_both_routers() {
    trace();
    for target in [Target::Embedded, Target::Crossbar] {
        let Some(routed) = wamp_tests::target(target).await else {
            return;
        };
        within(async {
            let cb = &routed.endpoints;
            // A Rust service under loose URIs, called by a raw (Autobahn-style) caller.
            let callee = anonymous(cb).await;
            let _service = Users.serve(&callee).await.unwrap();
            let caller = anonymous(cb).await;
            let result = caller
                .call("com.legacy.getUser")
                .args(&[7])
                .await
                .unwrap()
                .arguments
                .decode_value::<String>()
                .unwrap();
            assert_eq!(result, "user-7", "{target:?}");

            // A legacy raw callee under a loose URI, called through the typed client.
            let legacy = anonymous(cb).await;
            let _reg = legacy
                .register("com.Legacy.listUsers", |_: Invocation| async {
                    Ok(Arguments::value(&json!(["ann", "bob"]))?)
                })
                .await
                .unwrap();
            let client = ModernClient::new(caller.clone());
            assert_eq!(
                client.list_users().await.unwrap(),
                ["ann", "bob"],
                "{target:?}"
            );
        })
        .await;
    }
}

/// An authenticated in-process session is one call: `router.connect_with(client)`, the client
/// saying realm and credentials, no URL and no transport; wrong credentials are refused; with
/// a reconnect policy the session does not keep the router alive.
#[tokio::test]
async fn an_authenticated_in_process_session_is_one_call() {
    use wamp_core::session::{ReconnectPolicy, SessionEvent};
    use wamp_core::Client;
    use wamp_router::auth::TicketAuth;
    use wamp_router::authorization::{Permission, Role};
    use wamp_router::{RealmConfig, Router};
    trace();
    let router = Router::builder()
        .realm_config(
            RealmConfig::new("chat")
                .authenticator(
                    TicketAuth::new()
                        .principal("alice", "s3cret", "admin")
                        .principal("bob", "hunter2", "member"),
                )
                .role(Role::trusted("admin"))
                .role(Role::new("member").permission(Permission::all("com.chat."))),
        )
        .start()
        .await
        .unwrap();
    within(async {
        let alice = router
            .connect_with(Client::for_realm("chat").authid("alice").ticket("s3cret"))
            .await
            .unwrap();
        let info = alice.info();
        assert_eq!(info.authid.as_deref(), Some("alice"));
        assert_eq!(info.authrole.as_deref(), Some("admin"));
        assert_eq!(info.authmethod.as_deref(), Some("ticket"));

        let refused = router
            .connect_with(Client::for_realm("chat").authid("bob").ticket("wrong"))
            .await
            .unwrap_err();
        assert!(
            refused.to_string().contains("authentication_failed"),
            "{refused}"
        );

        // The sessions do not keep the router alive: dropping it ends them (GOODBYE
        // `wamp.close.system_shutdown`), and a session with a reconnect policy then finds no
        // router to dial.
        let bob = router
            .connect_with(
                Client::for_realm("chat")
                    .authid("bob")
                    .ticket("hunter2")
                    .reconnect(ReconnectPolicy::default()),
            )
            .await
            .unwrap();
        assert_eq!(bob.info().authrole.as_deref(), Some("member"));
        let mut events = bob.events();
        drop(router);
        loop {
            if let SessionEvent::AttemptFailed { error, .. } = events.recv().await.unwrap() {
                assert!(error.contains("the embedded router is gone"), "{error}");
                break;
            }
        }
        assert!(alice.is_closed());
    })
    .await;
}

/// A method with a `Context` learns who called only if it asks (`disclose_caller`); the context
/// says so, rather than answering a silent `None`.
mod disclosure {
    use wamp_core::typed::{Context, Disclosure};
    use wamp_core::wamp_service;

    #[wamp_service(prefix = "com.who")]
    pub(crate) trait Who {
        async fn plain(&self, ctx: Context) -> (String, Option<String>);
        #[wamp(disclose_caller)]
        async fn asked(&self, ctx: Context) -> (String, Option<String>);
    }

    pub(crate) struct Answer;

    fn answer(ctx: &Context) -> (String, Option<String>) {
        let disclosure = match ctx.disclosure() {
            Disclosure::NotRequested => "not_requested",
            Disclosure::Withheld => "withheld",
            Disclosure::Disclosed => "disclosed",
        };
        (
            disclosure.to_owned(),
            ctx.caller_authid().map(str::to_owned),
        )
    }

    impl Who for Answer {
        async fn plain(&self, ctx: Context) -> (String, Option<String>) {
            answer(&ctx)
        }
        async fn asked(&self, ctx: Context) -> (String, Option<String>) {
            answer(&ctx)
        }
    }
}

#[tokio::test]
async fn a_context_says_whether_the_caller_was_disclosed() {
    use disclosure::{Answer, Who as _, WhoClient};
    use wamp_core::Client;
    use wamp_router::auth::TicketAuth;
    use wamp_router::authorization::Role;
    use wamp_router::{RealmConfig, Router};
    trace();
    let router = Router::builder()
        .realm_config(
            RealmConfig::anonymous("r")
                .authenticator(TicketAuth::new().principal("alice", "pw", "user"))
                .role(Role::trusted("user")),
        )
        .start()
        .await
        .unwrap();
    within(async {
        let callee = router.connect("r").await.unwrap();
        let _service = Answer.serve(&callee).await.unwrap();
        let alice = router
            .connect_with(Client::for_realm("r").authid("alice").ticket("pw"))
            .await
            .unwrap();
        let who = WhoClient::new(alice);
        assert_eq!(who.plain().await.unwrap(), ("not_requested".into(), None));
        assert_eq!(
            who.asked().await.unwrap(),
            ("disclosed".into(), Some("alice".into()))
        );
    })
    .await;
}

/// The window after a reconnect (or a callee's restart) in which the callee has not registered
/// again: a plain typed call gets `no_such_procedure`; one from a client made
/// `with_wait_for_callee` waits for the callee and succeeds.
#[tokio::test]
async fn a_caller_can_wait_for_the_callee_to_register_again() {
    use std::time::Duration;
    use wamp_core::typed::CallError;
    use wamp_router::Router;
    use wamp_tests::legacy::{Legacy as _, LegacyClient, Users};
    trace();
    let router = Router::builder().realm("r").start().await.unwrap();
    within(async {
        let caller = router.connect("r").await.unwrap();
        let plain = LegacyClient::new(caller.clone());
        assert!(matches!(
            plain.get_user(1).await,
            Err(CallError::NoSuchProcedure(_))
        ));

        let callee = router.connect("r").await.unwrap();
        let late = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            Users.serve(&callee).await.unwrap()
        });
        let waiting =
            LegacyClient::new(caller.clone()).with_wait_for_callee(Duration::from_secs(3));
        assert_eq!(waiting.get_user(2).await.unwrap(), "user-2");
        let _service = late.await.unwrap();

        // The wait is bounded: with no callee at all, the error comes after the wait.
        let started = std::time::Instant::now();
        let gone = LegacyClient::new(caller).with_wait_for_callee(Duration::from_millis(200));
        drop(_service);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(matches!(
            gone.get_user(3).await,
            Err(CallError::NoSuchProcedure(_))
        ));
        assert!(started.elapsed() >= Duration::from_millis(150));
    })
    .await;
}

/// Dropping a `Registration` unregisters, as dropping a `Subscription` unsubscribes and dropping
/// a `ServiceHandle` unregisters its service; `keep()` leaves it registered.
#[tokio::test]
async fn dropping_a_registration_unregisters_and_keep_keeps_it() {
    use std::time::Duration;
    use wamp_core::Error;
    use wamp_router::Router;
    trace();
    let router = Router::builder().realm("r").start().await.unwrap();
    within(async {
        let callee = router.connect("r").await.unwrap();
        let caller = router.connect("r").await.unwrap();
        let echo = |_: Invocation| async { Ok(Arguments::default()) };
        let dropped = callee.register("com.drop.me", echo).await.unwrap();
        caller.call("com.drop.me").await.unwrap();
        drop(dropped);
        let mut gone = false;
        for _ in 0..50 {
            match caller.call("com.drop.me").await {
                Err(Error::Wamp(e)) if e.uri == "wamp.error.no_such_procedure" => {
                    gone = true;
                    break;
                }
                _ => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
        assert!(gone, "dropping the Registration unregisters");

        callee.register("com.keep.me", echo).await.unwrap().keep();
        tokio::time::sleep(Duration::from_millis(50)).await;
        caller.call("com.keep.me").await.unwrap();
    })
    .await;
}
