//! The fuzz targets' bodies, shared by `fuzz/` (cargo fuzz) and the test that replays the kept
//! corpus, so both run the same code.

use bytes::BytesMut;
use tokio_util::codec::Decoder as _;

use crate::transport::rawsocket::{FrameCodec, FrameKind};
use crate::Serializer;

/// Sends `script` one message at a time, letting the other side react after each, then a
/// little longer; stops when the transport does.
pub async fn play<T>(transport: &mut T, script: std::vec::Vec<crate::Message>)
where
    T: futures::Sink<crate::Message> + Unpin,
{
    use futures::SinkExt as _;
    for message in script {
        if transport.send(message).await.is_err() {
            break;
        }
        tokio::task::yield_now().await;
    }
    for _ in 0..16 {
        tokio::task::yield_now().await;
    }
}

/// Messages from fuzz input: one per line, each a JSON message (lines that do not decode
/// are skipped), at most 64.
pub fn messages(data: &[u8]) -> Vec<crate::Message> {
    data.split(|b| *b == b'\n')
        .filter_map(|line| Serializer::Json.decode(line).ok())
        .take(64)
        .collect()
}

/// The client's session state machine from a hostile router: after WELCOME (announcing
/// every feature), the session starts a call, a subscription, a registration and a
/// progressive call, and the router answers with `data`'s messages, whatever they are. The
/// session must end or go on; nothing may panic.
pub fn client_session(data: &[u8]) {
    use futures::{SinkExt as _, StreamExt as _};

    use crate::message::{features, Feature, Role, Welcome};
    use crate::session::Invocation;
    use crate::transport::memory;
    use crate::{Arguments, Client, Dict, Message};

    let script = messages(data);
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    else {
        return;
    };
    runtime.block_on(async move {
        let (client_end, mut router) = memory::pair(128);
        let join =
            tokio::spawn(Client::new("memory://", "realm1").join(std::boxed::Box::new(client_end)));
        if !matches!(router.next().await, Some(Ok(Message::Hello(_)))) {
            return;
        }
        let (dealer, broker) = (
            Feature::defined_for(Role::Dealer),
            Feature::defined_for(Role::Broker),
        );
        let mut details = Dict::new();
        details.insert(
            crate::message::keys::ROLES.into(),
            features::roles(&[(Role::Dealer, &dealer), (Role::Broker, &broker)]),
        );
        let _ = router
            .send(Message::Welcome(Welcome {
                session: 1,
                details,
            }))
            .await;
        let Ok(Ok(session)) = join.await else {
            return;
        };
        let calls = tokio::spawn({
            let session = session.clone();
            async move {
                let call = session
                    .call("com.f.call")
                    .args(&(1,))
                    .timeout(std::time::Duration::from_millis(20));
                let sub = session.subscribe("com.f.topic");
                let reg = session.register("com.f.proc", |_inv: Invocation| async {
                    Ok(Arguments::default())
                });
                let stream = async {
                    let mut stream = session.call("com.f.stream").stream().await?;
                    while let Some(item) = stream.next().await {
                        item?;
                    }
                    Ok::<(), crate::Error>(())
                };
                let progressive = async {
                    let mut call = session.call("com.f.up").progressive().await?;
                    call.send(Arguments::default()).await?;
                    call.finish(Arguments::default()).await
                };
                let _ = tokio::join!(call, sub, reg, stream, progressive);
            }
        });
        play(&mut router, script).await;
        calls.abort();
        let _ = calls.await;
        // The router's end goes away: the session sees its connection lost.
        drop(router);
        let _ = session.closed().await;
    });
}

/// Decodes `data` as one message; a decoded message must encode again.
pub fn decode(serializer: Serializer, data: &[u8]) {
    if let Ok(message) = serializer.decode(data) {
        let _ = serializer.encode(&message);
    }
}

/// Feeds `data[1..]` through the RawSocket frame decoder in two reads split where `data[0]`
/// says, with the maximum length and serializer it picks, decoding every message frame.
pub fn rawsocket_frames(data: &[u8]) {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let serializer = match control % 3 {
        0 => Serializer::Json,
        1 => Serializer::MsgPack,
        _ => Serializer::Cbor,
    };
    let max = 1usize << (9 + usize::from(control >> 4));
    let split = usize::from(control).min(rest.len());
    let (first, second) = rest.split_at(split);
    let mut codec = FrameCodec::new(max, max);
    let mut buf = BytesMut::from(first);
    let mut pending = Some(second);
    loop {
        match codec.decode(&mut buf) {
            Ok(Some(frame)) => {
                if frame.kind == FrameKind::Message {
                    decode(serializer, &frame.payload);
                }
            }
            Ok(None) => match pending.take() {
                Some(more) => buf.extend_from_slice(more),
                None => break,
            },
            Err(_) => break,
        }
    }
}
