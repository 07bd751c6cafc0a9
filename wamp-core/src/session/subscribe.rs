//! The subscriber: `session.subscribe(topic)` gives a [`Subscription`], a stream of [`Event`]s.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures::Stream;
use serde::de::DeserializeOwned;
use tokio::sync::{mpsc, oneshot};

use super::history::{self, Replay};
use super::{send_in_background, set, Command, Session};
use crate::error::{CloseReason, Error};
use crate::message::{self, keys, Arguments, Id, MatchPolicy, Role};
use crate::value::{as_u64, Dict, Value, ValueError};

/// An event received on a subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The subscription it was delivered for.
    pub subscription: Id,
    /// The publication ID.
    pub publication: Id,
    /// The topic: from the details for pattern subscriptions, else the subscribed topic.
    pub topic: String,
    /// The event's positional and keyword arguments.
    pub arguments: Arguments,
    /// A passthru payload, when the publisher used Payload Passthru Mode (then `arguments` is
    /// empty).
    pub passthru: Option<crate::message::Passthru>,
    /// The EVENT details.
    pub details: Dict,
    /// Whether the event arrived end-to-end encrypted (and was opened with the session's key
    /// ring).
    pub encrypted: bool,
    /// Whether the event was replayed from the router's event history (see
    /// [`SubscribeBuilder::history`]) rather than delivered live.
    pub from_history: bool,
}

impl Event {
    pub(crate) fn new(m: message::Event, subscribed_topic: &str) -> Self {
        let topic = m
            .details
            .get(keys::TOPIC)
            .and_then(Value::as_text)
            .unwrap_or(subscribed_topic)
            .to_owned();
        let (arguments, passthru) = crate::message::Passthru::split(&m.details, m.payload);
        Self {
            subscription: m.subscription,
            publication: m.publication,
            topic,
            arguments,
            passthru,
            details: m.details,
            encrypted: false,
            from_history: false,
        }
    }

    /// The publisher's session ID, when disclosed.
    pub fn publisher(&self) -> Option<Id> {
        self.details.get(keys::PUBLISHER).and_then(as_u64)
    }

    /// The publisher's authid, when disclosed.
    pub fn publisher_authid(&self) -> Option<&str> {
        self.details
            .get(keys::PUBLISHER_AUTHID)
            .and_then(Value::as_text)
    }

    /// The publisher's authrole, when disclosed.
    pub fn publisher_authrole(&self) -> Option<&str> {
        self.details
            .get(keys::PUBLISHER_AUTHROLE)
            .and_then(Value::as_text)
    }

    /// Whether the event is a retained one, delivered on subscribing.
    pub fn retained(&self) -> bool {
        self.details.get(keys::RETAINED) == Some(&Value::Bool(true))
    }

    /// Decodes the first positional argument.
    pub fn value<T: DeserializeOwned>(&self) -> Result<T, ValueError> {
        self.arguments.decode_value()
    }

    /// Decodes all positional arguments as a tuple, `Vec` or struct.
    pub fn args<T: DeserializeOwned>(&self) -> Result<T, ValueError> {
        self.arguments.decode_args()
    }

    /// Decodes the keyword arguments as a struct or map.
    pub fn kwargs<T: DeserializeOwned>(&self) -> Result<T, ValueError> {
        self.arguments.decode_kwargs()
    }
}

/// Something a subscription reports besides events.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SubscriptionError {
    /// The subscriber did not keep up: this many events were dropped since the last report.
    /// The subscription goes on.
    #[error("{0} event(s) dropped because the subscriber did not keep up")]
    Lagged(u64),
    /// An end-to-end encrypted event arrived that the session's key ring cannot open (no key,
    /// the wrong key, or sealed for another topic). The subscription goes on.
    #[error("event {publication} could not be decrypted: {error}")]
    Undecryptable {
        /// The event's publication ID.
        publication: Id,
        /// Why (`wamp.error.encryption.decrypt_error` or `...trusted_uri_mismatch`).
        error: Box<crate::error::WampError>,
    },
    /// The router revoked the subscription. The stream ends after this.
    #[error("the router revoked the subscription: {reason}")]
    Revoked {
        /// The router's reason, if given.
        reason: String,
    },
    /// The session closed. The stream ends after this.
    #[error("the session closed: {0}")]
    SessionClosed(CloseReason),
    /// After a reconnect the router refused to subscribe again. The stream ends after this.
    #[error("the subscription could not be restored after a reconnect: {reason}")]
    NotRestored {
        /// What the router answered.
        reason: String,
    },
}

/// What the driver and a [`Subscription`] share.
#[derive(Debug, Default)]
pub(crate) struct SubscriberState {
    /// Events dropped since the stream last reported it.
    pub(crate) lagged: AtomicU64,
    /// Events dropped in all.
    pub(crate) dropped: AtomicU64,
    /// The router's current subscription ID.
    pub(crate) id: AtomicU64,
    pub(crate) end: Mutex<Option<SubscriptionError>>,
}

impl SubscriberState {
    /// Records why the subscription ended (the first reason wins).
    pub(crate) fn finish(&self, reason: SubscriptionError) {
        let mut end = self.end.lock().unwrap_or_else(|e| e.into_inner());
        end.get_or_insert(reason);
    }
}

/// The driver's side of one local subscriber.
pub(crate) struct LocalSubscriber {
    pub(crate) local: u64,
    pub(crate) tx: mpsc::Sender<Result<Event, SubscriptionError>>,
    pub(crate) state: Arc<SubscriberState>,
}

impl LocalSubscriber {
    /// Hands an event over without waiting; a full buffer counts a lag.
    pub(crate) fn deliver(&self, event: Event) {
        self.hand_over(Ok(event));
    }

    /// Reports an event that arrived but cannot be delivered (a sealed one that did not open).
    pub(crate) fn report(&self, error: SubscriptionError) {
        self.hand_over(Err(error));
    }

    fn hand_over(&self, item: Result<Event, SubscriptionError>) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(item) {
            self.state.lagged.fetch_add(1, Ordering::Relaxed);
            self.state.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// A SUBSCRIBE being built; `.await` it for the [`Subscription`].
#[must_use = "a subscription does nothing until awaited"]
pub struct SubscribeBuilder {
    session: Session,
    topic: String,
    options: Dict,
    policy: MatchPolicy,
    history: Option<u64>,
}

impl std::fmt::Debug for SubscribeBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubscribeBuilder")
            .field("topic", &self.topic)
            .field("options", &self.options)
            .finish()
    }
}

impl SubscribeBuilder {
    pub(crate) fn new(session: Session, topic: String) -> Self {
        Self {
            session,
            topic,
            options: Dict::new(),
            policy: MatchPolicy::Exact,
            history: None,
        }
    }

    /// How the topic is matched: exact (default), prefix or wildcard.
    pub fn match_policy(mut self, policy: MatchPolicy) -> Self {
        self.policy = policy;
        super::set_match(&mut self.options, policy);
        self
    }

    /// Asks the broker to deliver the topic's retained event, if any, on subscribing.
    pub fn get_retained(mut self) -> Self {
        set(&mut self.options, keys::GET_RETAINED, true);
        self
    }

    /// Replays the last `last` events the router kept for the subscription (Event History,
    /// `wamp.subscription.get_events`) before the live ones, with no gap and no duplicate
    /// between them; replayed events have [`Event::from_history`] set. Subscribing fails when
    /// the router keeps no history for the topic (`wamp.error.history_unavailable`).
    pub fn history(mut self, last: u64) -> Self {
        self.history = Some(last);
        self
    }

    /// Sets any subscribe option by name.
    pub fn option(mut self, key: &str, value: impl Into<Value>) -> Self {
        set(&mut self.options, key, value);
        self
    }
}

impl IntoFuture for SubscribeBuilder {
    type Output = Result<Subscription, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            self.session.check_uri(&self.topic, self.policy)?;
            self.session
                .require_options(Role::Broker, &self.options, super::needs::SUBSCRIBE)?;
            let (tx, rx) = mpsc::channel(self.session.config().event_buffer.max(1));
            let state = Arc::new(SubscriberState::default());
            let local = self.session.next_key();
            let (reply_tx, reply_rx) = oneshot::channel();
            self.session
                .send(Command::Subscribe {
                    topic: self.topic.clone(),
                    options: self.options,
                    local: LocalSubscriber {
                        local,
                        tx,
                        state: state.clone(),
                    },
                    reply: reply_tx,
                })
                .await?;
            let subscription = self.session.answer(reply_rx).await?;
            let mut made = Subscription {
                session: self.session,
                local,
                topic: self.topic,
                rx,
                state,
                replay: Replay::default(),
                ended: false,
                active: true,
            };
            if let Some(last) = self.history.filter(|n| *n > 0) {
                // A failure drops (and so unsubscribes) the subscription.
                let kept = history::fetch(&made.session, subscription, &made.topic, last).await?;
                // What was delivered live before the answer (see `Replay::merge`).
                let mut delivered = Vec::new();
                while let Ok(item) = made.rx.try_recv() {
                    delivered.push(item);
                }
                made.replay = Replay::merge(kept, delivered);
            }
            Ok(made)
        })
    }
}

/// A live subscription: a stream of events. Dropping it unsubscribes.
///
/// Besides events the stream yields [`SubscriptionError::Lagged`] when events were dropped
/// because it was not polled fast enough, and a final [`SubscriptionError::Revoked`],
/// [`SubscriptionError::NotRestored`] or [`SubscriptionError::SessionClosed`] before it ends.
///
/// The slow-subscriber policy: the driver never waits for a subscriber. Each subscription buffers
/// up to [`crate::session::SessionConfig::event_buffer`] events; when the buffer is full the new
/// event is dropped for this subscriber only and counted ([`Subscription::dropped`]), so memory
/// stays bounded under a flood and other subscriptions and calls are not held up.
///
/// When the session reconnects, the subscription is made again and the stream goes on; events
/// published while the connection was down are not delivered.
pub struct Subscription {
    session: Session,
    local: u64,
    topic: String,
    rx: mpsc::Receiver<Result<Event, SubscriptionError>>,
    state: Arc<SubscriberState>,
    /// History to replay first, and the live duplicates of it to drop.
    replay: Replay,
    ended: bool,
    active: bool,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id())
            .field("topic", &self.topic)
            .finish()
    }
}

impl Subscription {
    /// The router's subscription ID (a new one after each reconnect).
    pub fn id(&self) -> Id {
        self.state.id.load(Ordering::Relaxed)
    }

    /// How many events this subscription dropped in all because it was not polled fast enough
    /// (the stream also reports them as [`SubscriptionError::Lagged`]).
    pub fn dropped(&self) -> u64 {
        self.state.dropped.load(Ordering::Relaxed)
    }

    /// The topic (or pattern) subscribed to.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Unsubscribes and waits for the router's confirmation.
    pub async fn unsubscribe(mut self) -> Result<(), Error> {
        self.active = false;
        let (tx, rx) = oneshot::channel();
        self.session
            .send(Command::Unsubscribe {
                local: self.local,
                reply: Some(tx),
            })
            .await?;
        self.session.answer(rx).await
    }
}

impl Stream for Subscription {
    type Item = Result<Event, SubscriptionError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.ended {
            return Poll::Ready(None);
        }
        let lagged = self.state.lagged.swap(0, Ordering::Relaxed);
        if lagged > 0 {
            return Poll::Ready(Some(Err(SubscriptionError::Lagged(lagged))));
        }
        if let Some(replayed) = self.replay.next() {
            return Poll::Ready(Some(replayed));
        }
        let item = loop {
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(item)) if self.replay.repeats(&item) => continue,
                other => break other,
            }
        };
        match item {
            Poll::Ready(Some(item)) => Poll::Ready(Some(item)),
            Poll::Ready(None) => {
                self.ended = true;
                self.active = false;
                let end = self
                    .state
                    .end
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take();
                Poll::Ready(end.map(Err))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if self.active {
            send_in_background(
                self.session.commands(),
                Command::Unsubscribe {
                    local: self.local,
                    reply: None,
                },
            );
        }
    }
}
