//! A client that speaks WAMP messages and nothing more, for tests that play the spec's
//! examiner: it sends exactly what a test says, over any transport, and reads what comes back.

use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use wamp_core::message::{self, features, keys, Feature, Message, Role};
use wamp_core::transport::{self, BoxTransport, TransportConfig};
use wamp_core::{Arguments, Dict, Id, Serializer, Value};
use wamp_router::{Protocol, Router};

/// How a raw client reaches the router.
#[derive(Debug, Clone, Copy)]
pub enum Via {
    /// In process.
    Memory,
    /// WebSocket with a serializer.
    WebSocket(Serializer),
    /// RawSocket over TCP with a serializer.
    RawSocket(Serializer),
}

/// In process, WebSocket (JSON and CBOR) and RawSocket (MessagePack).
pub const EVERY_TRANSPORT: [Via; 4] = [
    Via::Memory,
    Via::WebSocket(Serializer::Json),
    Via::WebSocket(Serializer::Cbor),
    Via::RawSocket(Serializer::MsgPack),
];

/// A client that speaks messages, nothing more.
pub struct Raw {
    /// The transport.
    pub t: BoxTransport,
    /// The next request ID [`Raw::request`] hands out.
    pub next_request: Id,
}

impl Raw {
    /// Connects, sends HELLO announcing `roles`, and waits for WELCOME.
    pub async fn join(router: &Router, via: Via, roles: &[(Role, &[Feature])]) -> Raw {
        let t: BoxTransport = match via {
            Via::Memory => Box::new(router.local_transport()),
            Via::WebSocket(s) | Via::RawSocket(s) => {
                let protocol = match via {
                    Via::WebSocket(_) => Protocol::WebSocket,
                    _ => Protocol::RawSocket,
                };
                let mut config = TransportConfig::default();
                config.serializers = vec![s];
                let url = router.url(protocol).expect("the router has this listener");
                transport::connect(url, &config)
                    .await
                    .expect("connect")
                    .transport
            }
        };
        let mut raw = Raw { t, next_request: 1 };
        let mut details = Dict::new();
        details.insert(keys::ROLES.into(), features::roles(roles));
        raw.send(Message::Hello(message::Hello {
            realm: "realm1".into(),
            details,
        }))
        .await;
        match raw.recv().await {
            Some(Message::Welcome(_)) => raw,
            other => panic!("expected WELCOME, got {other:?}"),
        }
    }

    /// The next request ID of the session's sequence.
    pub fn request(&mut self) -> Id {
        let r = self.next_request;
        self.next_request += 1;
        r
    }

    /// Sends one message.
    pub async fn send(&mut self, m: Message) {
        self.t.send(m).await.expect("send");
    }

    /// The next message, or `None` if none comes within a second or the connection ends.
    pub async fn recv(&mut self) -> Option<Message> {
        match tokio::time::timeout(Duration::from_secs(1), self.t.next()).await {
            Ok(Some(Ok(m))) => Some(m),
            _ => None,
        }
    }

    /// Nothing arrives within 300 ms.
    pub async fn silent(&mut self) {
        match tokio::time::timeout(Duration::from_millis(300), self.t.next()).await {
            Err(_) => {}
            Ok(other) => panic!("expected nothing, got {other:?}"),
        }
    }

    /// The next message is ABORT with `reason`; answers its `message` detail.
    pub async fn expect_abort(&mut self, reason: &str) -> String {
        match self.recv().await {
            Some(Message::Abort(a)) => {
                assert_eq!(a.reason, reason, "{a:?}");
                match a.details.get(keys::MESSAGE) {
                    Some(Value::Text(t)) => t.clone(),
                    _ => String::new(),
                }
            }
            other => panic!("expected ABORT {reason}, got {other:?}"),
        }
    }

    /// Sends REGISTER and answers the reply.
    pub async fn register(&mut self, procedure: &str, options: Dict) -> Message {
        let request = self.request();
        self.send(Message::Register(message::Register {
            request,
            options,
            procedure: procedure.into(),
        }))
        .await;
        self.recv().await.expect("an answer to REGISTER")
    }

    /// Registers `procedure`, which must succeed.
    pub async fn registered(&mut self, procedure: &str) {
        let answer = self.register(procedure, Dict::new()).await;
        assert!(matches!(answer, Message::Registered(_)), "{answer:?}");
    }

    /// Sends CALL with no arguments; answers its request ID.
    pub async fn call(&mut self, procedure: &str, options: Dict) -> Id {
        let request = self.request();
        self.send(Message::Call(message::Call {
            request,
            options,
            procedure: procedure.into(),
            payload: Arguments::default().into(),
        }))
        .await;
        request
    }

    /// The next message, which must be an INVOCATION.
    pub async fn invocation(&mut self) -> message::Invocation {
        match self.recv().await {
            Some(Message::Invocation(inv)) => inv,
            other => panic!("expected INVOCATION, got {other:?}"),
        }
    }

    /// Sends YIELD with no arguments.
    pub async fn yield_(&mut self, request: Id, options: Dict) {
        self.send(Message::Yield(message::Yield {
            request,
            options,
            payload: Arguments::default().into(),
        }))
        .await;
    }
}

/// An options dict from pairs.
pub fn opts(pairs: &[(&str, Value)]) -> Dict {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}
