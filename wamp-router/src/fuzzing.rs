//! The body of the router's state-machine fuzz target (`fuzz/fuzz_targets/router_session.rs`),
//! here so that the test suite replays the same code (`tests/tests/fuzz_sessions.rs`). Not part
//! of the API.

use futures::{FutureExt as _, SinkExt as _, StreamExt as _};
use wamp_core::message::{features, keys, Feature, Hello, Message, Role};
use wamp_core::session::Invocation;
use wamp_core::{Arguments, Dict};

use crate::Router;

/// A realm's state machine from a hostile client: with a well-behaved callee and subscriber
/// joined, a session that announced every feature sends `data`'s messages (one JSON message per
/// line), whatever they are. Sessions may end; nothing may panic.
pub fn router_session(data: &[u8]) {
    let script = wamp_core::__private::fuzzing::messages(data);
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    else {
        return;
    };
    runtime.block_on(async move {
        let Ok(router) = Router::builder().realm("realm1").start().await else {
            return;
        };
        let Ok(peer) = router.connect("realm1").await else {
            return;
        };
        let _registration = peer
            .register("com.f.proc", |_: Invocation| async {
                tokio::task::yield_now().await;
                Ok(Arguments::default())
            })
            .await;
        let _subscription = peer.subscribe("com.f.topic").await;
        let mut client = router.local_transport();
        let roles = [
            Role::Caller,
            Role::Callee,
            Role::Publisher,
            Role::Subscriber,
        ]
        .map(|role| (role, Feature::defined_for(role)));
        let roles: Vec<(Role, &[Feature])> =
            roles.iter().map(|(r, f)| (*r, f.as_slice())).collect();
        let mut details = Dict::new();
        details.insert(keys::ROLES.into(), features::roles(&roles));
        let hello = Message::Hello(Hello {
            realm: "realm1".into(),
            details,
        });
        if client.send(hello).await.is_err() {
            return;
        }
        if !matches!(client.next().await, Some(Ok(Message::Welcome(_)))) {
            return;
        }
        wamp_core::__private::fuzzing::play(&mut client, script).await;
        // Read what came back.
        while let Some(Some(Ok(_))) = client.next().now_or_never() {}
        router.shutdown();
    });
}
