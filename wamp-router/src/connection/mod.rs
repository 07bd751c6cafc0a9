//! One client connection, from HELLO to the end: the opening handshake with authentication, then a
//! loop that routes the client's messages into its realm and writes the session's outbound queue
//! to the transport.
//!
//! Every way a connection ends is explicit: a protocol violation or undecodable message is
//! answered with ABORT `wamp.error.protocol_violation`; a message over the size limit with ABORT
//! `wamp.error.payload_size_exceeded`; GOODBYE with GOODBYE; a slow consumer with ABORT
//! [`SLOW_CONSUMER`](crate::SLOW_CONSUMER). Other sessions are not affected.

mod handshake;

pub(crate) use handshake::HTTP_CBTID;

use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use tokio::sync::oneshot;
use tracing::Instrument as _;
use wamp_core::message::{code, keys, uris, Abort, Goodbye};
use wamp_core::transport::{BoxTransport, TransportError};
use wamp_core::{Dict, Id, Message, Value};

use crate::auth::RouterCalls;
use crate::limits::{Pace, RateLimit};
use crate::metrics::{Metered, Metrics};
use crate::realm::{Close, Flow, Outbound, Realm};
use crate::shared::Shared;
use crate::SLOW_CONSUMER;

/// The writing half of a session's transport.
type Sink = futures::stream::SplitSink<BoxTransport, Message>;

/// How many queued messages are written before one flush.
const WRITE_BATCH: usize = 64;
/// How long the router waits for the client's GOODBYE after sending its own.
const GOODBYE_WAIT: Duration = Duration::from_secs(2);

fn details_message(message: &str) -> Dict {
    let mut details = Dict::new();
    details.insert(keys::MESSAGE.into(), Value::Text(message.to_owned()));
    details
}

/// How long the router tries to deliver a final ABORT or GOODBYE to a peer that may not read.
const FAREWELL_WAIT: Duration = Duration::from_secs(2);

async fn abort(transport: &mut BoxTransport, reason: &str, message: &str) {
    let abort = Message::Abort(Abort {
        details: details_message(message),
        reason: reason.to_owned(),
        arguments: Default::default(),
    });
    // A slow consumer may never read again: the farewell is bounded in time.
    let _ = tokio::time::timeout(FAREWELL_WAIT, async {
        let _ = transport.send(abort).await;
        let _ = transport.close().await;
    })
    .await;
}

/// How a transport error ends the session: the ABORT reason to send, if any.
fn abort_reason(e: &TransportError) -> Option<&'static str> {
    match e {
        TransportError::Decode(_) => Some(uris::PROTOCOL_VIOLATION),
        TransportError::MessageTooLarge { .. } => Some(uris::PAYLOAD_SIZE_EXCEEDED),
        _ => None,
    }
}

/// Serves one connection until it ends. `transport_info` goes into the session's meta details.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    transport: BoxTransport,
    transport_info: Dict,
    rate: Option<RateLimit>,
) {
    serve_as(shared, transport, transport_info, rate, false).await;
}

/// Serves the router's own in-process session ([`crate::calls::RouterCalls`]): joined
/// without authentication, as `wamp-router`, allowed everything.
pub(crate) async fn serve_service(shared: Arc<Shared>, transport: BoxTransport, info: Dict) {
    serve_as(shared, transport, info, None, true).await;
}

async fn serve_as(
    shared: Arc<Shared>,
    mut transport: BoxTransport,
    transport_info: Dict,
    rate: Option<RateLimit>,
    service: bool,
) {
    if let Some(metrics) = &shared.metrics {
        transport = Box::new(Metered::new(transport, metrics.clone()));
    }
    let handshake = tokio::time::timeout(
        shared.handshake_timeout,
        handshake::handshake(&shared, &mut transport, &transport_info, service),
    )
    .await;
    let joined = match handshake {
        Ok(Some(joined)) => joined,
        Ok(None) => return,
        Err(_) => {
            abort(
                &mut transport,
                uris::PROTOCOL_VIOLATION,
                "the opening handshake took too long",
            )
            .await;
            return;
        }
    };
    let span = tracing::info_span!("wamp_router_session", session = joined.id, realm = %joined.realm.config.name);
    let extras = Extras {
        pace: rate.map(Pace::new),
        metrics: shared.metrics.as_deref(),
        calls: RouterCalls::new(&shared),
    };
    run(transport, joined, extras).instrument(span).await;
}

struct Joined {
    id: Id,
    realm: Arc<Realm>,
    outbound: Outbound,
    close: oneshot::Receiver<Close>,
    /// `authid`, `authrole` and the transport, for the session's last log line.
    who: handshake::Who,
}

/// What a session's loop uses besides its realm: its pace, the metrics, and the router's own
/// calls (for dynamic authorizers).
struct Extras<'a> {
    pace: Option<Pace>,
    metrics: Option<&'a Metrics>,
    calls: RouterCalls,
}

/// The established session, then one log line saying how it ended.
async fn run(transport: BoxTransport, joined: Joined, extras: Extras<'_>) {
    let Joined {
        id,
        realm,
        outbound,
        close,
        who,
    } = joined;
    let ended = route(transport, id, realm, outbound, close, extras).await;
    tracing::info!(
        session = id,
        authid = %who.authid,
        authrole = %who.authrole,
        transport = %who.transport,
        reason = %ended,
        "session ended"
    );
}

/// Routes incoming messages, writes outbound ones, obeys close requests; answers how the
/// session ended (a close reason URI, or what happened to the connection).
///
/// Reading never waits for a write: the writer runs beside the reads in this task. A router
/// that stops reading while its write to a peer is blocked deadlocks with a peer that does the
/// same (a callee writing large YIELDs while the router writes it large INVOCATIONs: both
/// socket buffers full, neither side reading); `wamp-bench`'s payload curve found it at 12
/// calls of 1 MiB in flight.
async fn route(
    transport: BoxTransport,
    id: Id,
    realm: Arc<Realm>,
    mut outbound: Outbound,
    mut close: oneshot::Receiver<Close>,
    extras: Extras<'_>,
) -> String {
    let Extras {
        mut pace,
        metrics,
        calls,
    } = extras;
    let mut ending: Option<Close> = None;
    let mut goodbye: Option<String> = None;
    // How the session ended, when no close request says it.
    let mut ended = "the connection closed".to_owned();
    let (mut sink, mut stream) = transport.split();
    {
        // A peer that stops reading blocks the writer; reads and close requests (slow
        // consumer, kill, shutdown) still get through.
        let writer = write_all(&mut sink, &mut outbound, &realm, id);
        tokio::pin!(writer);
        loop {
            // Past its rate, the session's next message is read when a token is back.
            let paused = pace.as_mut().and_then(Pace::wait);
            tokio::select! {
                requested = &mut close => {
                    ending = requested.ok();
                    break;
                }
                // select! builds every branch's future on each turn, disabled or not: the
                // timer is made inside the future, only when the session is paused.
                () = async { if let Some(at) = paused { tokio::time::sleep_until(at).await } }, if paused.is_some() => {}
                _failed = &mut writer => {
                    ended = "the connection broke (a write failed)".to_owned();
                    break;
                }
                incoming = stream.next(), if paused.is_none() => match incoming {
                    None => break,
                    Some(Ok(message)) => {
                        if let Some(pace) = pace.as_mut() {
                            pace.spend();
                        }
                        let said = match &message {
                            Message::Goodbye(goodbye) => {
                                format!("GOODBYE {} from the client", goodbye.reason)
                            }
                            Message::Abort(abort) => format!("ABORT {} from the client", abort.reason),
                            _ => String::new(),
                        };
                        // A role whose permissions a procedure decides: the session's next
                        // messages wait while it answers, so that they keep their order.
                        let verdict = match realm.to_authorize(id, &message) {
                            Some(ask) => Some(ask.decide(&calls, &realm.config.name).await),
                            None => None,
                        };
                        // Payloads a description constrains are checked first (the first check
                        // of a service waits for its description).
                        let invalid = match realm.to_validate(id, &message) {
                            Some(check) => check.run(&message).await,
                            None => None,
                        };
                        match realm.handle_decided(id, logged(id, message), verdict, invalid) {
                            Ok(Flow::Continue) => {}
                            Ok(Flow::Goodbye) => {
                                goodbye = Some(said);
                                break;
                            }
                            Ok(Flow::Aborted) => {
                                ended = said;
                                break;
                            }
                            Err(violation) => {
                                ending = Some(Close::Abort {
                                    reason: uris::PROTOCOL_VIOLATION.into(),
                                    message: violation.0,
                                });
                                break;
                            }
                        }
                    }
                    Some(Err(e)) => {
                        tracing::debug!(error = %e, "transport error");
                        if let Some(reason) = abort_reason(&e) {
                            ending = Some(Close::Abort { reason: reason.into(), message: e.to_string() });
                            break;
                        }
                        if e.is_fatal() {
                            ended = format!("transport error: {e}");
                            break;
                        }
                    }
                }
            }
        }
    }
    realm.leave(id);
    // Both halves are this function's own: they always reunite.
    let Ok(mut transport) = sink.reunite(stream) else {
        return ended;
    };
    if let Some(said) = goodbye {
        let goodbye = Message::Goodbye(Goodbye {
            details: Dict::new(),
            reason: uris::GOODBYE_AND_OUT.into(),
        });
        let _ = tokio::time::timeout(FAREWELL_WAIT, async {
            let _ = transport.send(goodbye).await;
            let _ = transport.close().await;
        })
        .await;
        return said;
    }
    match ending {
        Some(Close::Abort { reason, message }) => {
            tracing::info!(%reason, %message, "session aborted");
            if let Some(metrics) = metrics.filter(|_| reason == SLOW_CONSUMER) {
                metrics.slow_consumer(&realm.config.name);
            }
            abort(&mut transport, &reason, &message).await;
            ended = format!("ABORT {reason} from the router");
        }
        Some(Close::Goodbye { reason, message }) => {
            ended = format!("GOODBYE {reason} from the router");
            let details = message.as_deref().map(details_message).unwrap_or_default();
            let goodbye = Message::Goodbye(Goodbye { details, reason });
            let sent = tokio::time::timeout(FAREWELL_WAIT, transport.send(goodbye)).await;
            if matches!(sent, Ok(Ok(()))) {
                let _ = tokio::time::timeout(GOODBYE_WAIT, async {
                    while let Some(Ok(m)) = transport.next().await {
                        if matches!(m, Message::Goodbye(_)) {
                            break;
                        }
                    }
                })
                .await;
            }
            let _ = tokio::time::timeout(FAREWELL_WAIT, transport.close()).await;
        }
        None => {
            let _ = tokio::time::timeout(FAREWELL_WAIT, transport.close()).await;
        }
    }
    ended
}

/// Writes the session's outbound queue as it fills, in batches; answers only when a write
/// fails (a closed queue leaves it waiting: the session's end comes from elsewhere).
async fn write_all(
    sink: &mut Sink,
    outbound: &mut Outbound,
    realm: &Realm,
    id: Id,
) -> TransportError {
    loop {
        let Some(first) = outbound.recv().await else {
            return std::future::pending().await;
        };
        if let Err(e) = write_batch(sink, outbound, first, realm, id).await {
            return e;
        }
    }
}

/// The type and request ID of an outbound message that someone waits for.
fn undeliverable(message: &Message) -> Option<(u64, Id)> {
    match message {
        Message::Result(m) => Some((code::RESULT, m.request)),
        Message::Invocation(m) => Some((code::INVOCATION, m.request)),
        _ => None,
    }
}

/// An ERROR for a request whose answer or invocation is too large for the peer.
fn payload_size_exceeded(request_type: u64, request: Id, e: &TransportError) -> Message {
    Message::Error(wamp_core::message::Error {
        request_type,
        request,
        details: Dict::new(),
        error: uris::PAYLOAD_SIZE_EXCEEDED.into(),
        payload: wamp_core::message::Payload::Arguments(wamp_core::Arguments::new(
            vec![Value::Text(e.to_string())],
            Dict::new(),
        )),
    })
}

async fn write_batch(
    transport: &mut Sink,
    outbound: &mut Outbound,
    first: Message,
    realm: &Realm,
    id: Id,
) -> Result<(), TransportError> {
    let mut next = Some(first);
    let mut written = 0;
    while let Some(message) = next.take() {
        // Kept to answer for it if it cannot be sent (cheap: only the IDs are read).
        let undeliverable = undeliverable(&message);
        match feed(transport, message).await {
            Ok(()) => {}
            // One message that cannot be encoded or is over the peer's limit is not sent; whoever
            // waits for it is told with `wamp.error.payload_size_exceeded`.
            Err(e) if !e.is_fatal() => {
                tracing::warn!(error = %e, "an outbound message could not be sent");
                match undeliverable {
                    // The caller waits for this RESULT: it gets an ERROR instead.
                    Some((code::RESULT, request)) => {
                        let error = payload_size_exceeded(code::CALL, request, &e);
                        feed(transport, error).await?;
                    }
                    // The caller waits for the callee's answer: the callee refuses, as it were.
                    Some((code::INVOCATION, request)) => {
                        let error = payload_size_exceeded(code::INVOCATION, request, &e);
                        let _ = realm.handle(id, error);
                    }
                    // An EVENT has nobody to answer; it is lost for this subscriber, logged above.
                    _ => {}
                }
            }
            Err(e) => return Err(e),
        }
        written += 1;
        if written < WRITE_BATCH {
            next = outbound.try_recv();
        }
    }
    transport.flush().await
}

/// Feeds one message into the transport itself, so that an error is this message's:
/// `SplitSink` holds an item until its next `poll_ready`, which would report a message's
/// error (over the peer's size limit, say) for the next one, or as a failed flush.
async fn feed(sink: &mut Sink, message: Message) -> Result<(), TransportError> {
    sink.feed(message).await?;
    std::future::poll_fn(|cx| sink.poll_ready_unpin(cx)).await
}

/// Logs a message received from a joined session (at `trace`, the level for whole messages).
fn logged(session: Id, message: Message) -> Message {
    tracing::trace!(session, ?message, "received");
    message
}
