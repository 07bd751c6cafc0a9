//! The client against a scripted router that follows or breaks the protocol on purpose: what it
//! announces, request ID order, ABORT on violations, revocation, progressive call invocations,
//! and, over a RawSocket on 127.0.0.1, malformed bytes, oversized frames, PING/PONG and
//! handshake refusals. No external peer is needed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wamp_core::message::{
    self, features, Feature, InvokePolicy, MatchPolicy, Message, Payload, Role,
};
use wamp_core::session::{Invocation, SubscriptionError};
use wamp_core::transport::memory::{self, MemoryTransport};
use wamp_core::transport::rawsocket;
use wamp_core::transport::TransportError;
use wamp_core::{Arguments, Client, CloseReason, Dict, Error, Serializer, Session, Value};
use wamp_tests::rawframe::{frame, read_frame, write_frame};

mod conduct;
mod robustness;
mod wire;

fn dict(pairs: &[(&str, Value)]) -> Dict {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn router_roles(dealer: &[Feature]) -> Dict {
    let roles = features::roles(&[
        (Role::Dealer, dealer),
        (Role::Broker, &[Feature::SubscriptionRevocation]),
    ]);
    dict(&[("roles", roles)])
}

struct FakeRouter {
    end: MemoryTransport,
}

impl FakeRouter {
    async fn recv(&mut self) -> Message {
        tokio::time::timeout(Duration::from_secs(5), self.end.next())
            .await
            .expect("a message within 5 s")
            .expect("open")
            .expect("valid")
    }

    async fn send(&mut self, message: impl Into<Message>) {
        self.end.send(message.into()).await.unwrap();
    }
}

async fn joined(dealer_features: &[Feature]) -> (Session, FakeRouter, Dict) {
    let (client_end, router_end) = memory::pair(16);
    let join = tokio::spawn(Client::new("memory://", "realm1").join(Box::new(client_end)));
    let mut router = FakeRouter { end: router_end };
    let Message::Hello(hello) = router.recv().await else {
        panic!("expected HELLO")
    };
    assert_eq!(hello.realm, "realm1");
    router
        .send(message::Welcome {
            session: 42,
            details: router_roles(dealer_features),
        })
        .await;
    (join.await.unwrap().unwrap(), router, hello.details)
}

/// A RawSocket router on 127.0.0.1 that runs `script` on the raw connection after the handshake
/// and the WELCOME.
async fn raw_router<F, Fut>(script: F) -> String
where
    F: FnOnce(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("tcp://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let (serializer, _) =
            rawsocket::server_handshake(&mut stream, &[Serializer::Json], 1 << 16)
                .await
                .unwrap();
        let (_, hello) = read_frame(&mut stream).await.unwrap();
        assert!(matches!(
            serializer.decode(&hello).unwrap(),
            Message::Hello(_)
        ));
        let welcome = serializer
            .encode(&Message::Welcome(message::Welcome {
                session: 7,
                details: router_roles(&[]),
            }))
            .unwrap();
        write_frame(&mut stream, 0, &welcome).await;
        script(stream).await;
    });
    url
}
