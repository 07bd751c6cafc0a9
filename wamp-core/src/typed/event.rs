//! Typed events: [`WampEvent`] (what `#[derive(WampEvent)]` implements), typed publishing and
//! subscription streams, and [`HandlerSet`], what `#[subscribe]` handlers implement.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::{Stream, StreamExt as _};

use crate::error::Error;
use crate::message::MatchPolicy;
use crate::message::{Arguments, Id};
use crate::session::{Event, PublishBuilder, SubscribeBuilder, Subscription, SubscriptionError};
use crate::typed::middleware::events::{Delivery, ErasedHandler, EventHandlers, EventPipeline};
use crate::typed::middleware::{BoxError, Layer, Service};
use crate::value::{Dict, ValueError};
use crate::Session;

/// A Rust type that is the payload of one topic. Derive it with `#[derive(WampEvent)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a WAMP event type",
    label = "events must implement `WampEvent`",
    note = "derive it with `#[derive(wamp_core::WampEvent)]` and `#[wamp(topic = \"...\")]`"
)]
pub trait WampEvent: Sized + Send + 'static {
    /// The topic the event is published to.
    const TOPIC: &'static str;

    /// Whether the event travels end-to-end encrypted (`#[wamp(encrypted)]`): it is published
    /// sealed or not at all ([`Error::NoKey`](crate::Error::NoKey)), and typed subscriptions
    /// refuse events in the clear ([`EventError::NotEncrypted`]).
    const ENCRYPTED: bool = false;

    /// The event's arguments.
    fn to_arguments(&self) -> Result<Arguments, ValueError>;

    /// Rebuilds the event from a received EVENT's arguments.
    fn from_arguments(arguments: &Arguments) -> Result<Self, ValueError>;

    /// The topic this event is published to: [`TOPIC`](Self::TOPIC), with each `{name}`
    /// component (a typed URI capture) filled in from the field `name`. A value that is no URI
    /// component is an error.
    fn topic(&self) -> Result<Cow<'static, str>, ValueError> {
        Ok(Cow::Borrowed(Self::TOPIC))
    }

    /// Rebuilds the event from a received EVENT published to `topic`: each capture's field is
    /// read from the topic when the payload lacks it (a publisher that is not this derive sends
    /// only the rest), and must agree with the topic when the payload has it.
    fn from_event(arguments: &Arguments, topic: &str) -> Result<Self, ValueError> {
        let _ = topic;
        Self::from_arguments(arguments)
    }

    /// The topic's description for interface documents. The default (for hand-written
    /// implementations) names the topic and leaves its payload unconstrained; the derive
    /// describes the payload from the type's schema.
    fn describe(gen: &mut schemars::SchemaGenerator) -> crate::describe::TopicDescription {
        let _ = gen;
        let name = std::any::type_name::<Self>();
        crate::describe::TopicDescription {
            name: name.rsplit("::").next().unwrap_or(name).to_owned(),
            uri: Self::TOPIC.to_owned(),
            docs: String::new(),
            payload: crate::describe::PayloadKind::Value,
            args: None,
            kwargs: None,
            encrypted: Self::ENCRYPTED,
            deprecated: None,
        }
    }
}

/// Everything about a received event besides its payload.
#[derive(Debug, Clone)]
pub struct EventDetails {
    /// The concrete topic (for pattern subscriptions, the one the event was published to).
    pub topic: String,
    /// The publication ID.
    pub publication: Id,
    /// The subscription the event was delivered for.
    pub subscription: Id,
    /// The EVENT details as the router sent them.
    pub details: Dict,
    publisher: Option<Id>,
    publisher_authid: Option<String>,
    publisher_authrole: Option<String>,
    retained: bool,
    from_history: bool,
    extensions: http::Extensions,
}

impl EventDetails {
    /// The details of a received event.
    pub fn new(event: &Event) -> Self {
        Self {
            topic: event.topic.clone(),
            publication: event.publication,
            subscription: event.subscription,
            publisher: event.publisher(),
            publisher_authid: event.publisher_authid().map(str::to_owned),
            publisher_authrole: event.publisher_authrole().map(str::to_owned),
            retained: event.retained(),
            from_history: event.from_history,
            details: event.details.clone(),
            extensions: http::Extensions::new(),
        }
    }

    /// The same details carrying `extensions` (what event layers set).
    pub fn with_extensions(self, extensions: http::Extensions) -> Self {
        Self { extensions, ..self }
    }

    /// What the event layers put into the delivery's extensions (empty without layers).
    pub fn extensions(&self) -> &http::Extensions {
        &self.extensions
    }

    /// The publisher's session ID, when disclosed.
    pub fn publisher(&self) -> Option<Id> {
        self.publisher
    }

    /// The publisher's authid, when disclosed.
    pub fn publisher_authid(&self) -> Option<&str> {
        self.publisher_authid.as_deref()
    }

    /// The publisher's authrole, when disclosed.
    pub fn publisher_authrole(&self) -> Option<&str> {
        self.publisher_authrole.as_deref()
    }

    /// Whether the broker delivered a retained event on subscribing.
    pub fn retained(&self) -> bool {
        self.retained
    }

    /// Whether the event was replayed from the router's event history before the live ones.
    pub fn from_history(&self) -> bool {
        self.from_history
    }
}

/// Something a typed subscription reports instead of an event: an event that did not decode,
/// or what any subscription reports ([`SubscriptionError`]: lag, revocation, close).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// An event arrived whose payload is not the expected type. The subscription goes on.
    #[error("an event on {topic} did not decode: {error}")]
    Decode {
        /// The event's topic.
        topic: String,
        /// Why it did not decode.
        error: ValueError,
    },
    /// An event of an encrypted type (`#[wamp(encrypted)]`) arrived in the clear: anyone on the
    /// route could have written it. The subscription goes on.
    #[error("an event on {topic} arrived in the clear, but its type is end-to-end encrypted")]
    NotEncrypted {
        /// The event's topic.
        topic: String,
        /// Its publication ID.
        publication: Id,
    },
    /// What the untyped subscription underneath reported.
    #[error(transparent)]
    Subscription(#[from] SubscriptionError),
}

/// A subscription whose events decode into `E`. Dropping it unsubscribes.
pub struct EventStream<E> {
    inner: Subscription,
    _event: PhantomData<fn() -> E>,
}

impl<E> std::fmt::Debug for EventStream<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("subscription", &self.inner)
            .finish()
    }
}

impl<E: WampEvent> EventStream<E> {
    /// Wraps an untyped subscription.
    pub fn new(inner: Subscription) -> Self {
        Self {
            inner,
            _event: PhantomData,
        }
    }

    /// The next event with its details (the concrete topic, the publisher...); `None` once the
    /// subscription ended.
    pub async fn next_with_details(&mut self) -> Option<Result<(E, EventDetails), EventError>> {
        let item = self.inner.next().await?;
        Some(decode_event(item))
    }

    /// The untyped subscription underneath.
    pub fn subscription(&self) -> &Subscription {
        &self.inner
    }

    /// Unsubscribes and waits for the router's confirmation.
    pub async fn unsubscribe(self) -> Result<(), Error> {
        self.inner.unsubscribe().await
    }
}

/// What subscribing to `topic` means: a topic with captures (`{name}` components) is the
/// wildcard pattern with each capture an empty component.
fn subscription(topic: &str, policy: MatchPolicy) -> (String, MatchPolicy) {
    let pattern = crate::uri::capture_pattern(topic);
    if pattern == topic {
        (pattern, policy)
    } else {
        (pattern, MatchPolicy::Wildcard)
    }
}

fn decode_event<E: WampEvent>(
    item: Result<Event, SubscriptionError>,
) -> Result<(E, EventDetails), EventError> {
    let event = item?;
    if E::ENCRYPTED && !event.encrypted {
        if event
            .passthru
            .as_ref()
            .is_some_and(crate::cryptobox::is_cryptobox)
        {
            // Sealed, but this session has no key that opens it.
            let error = crate::error::WampError::with_message(
                crate::error::uris::DECRYPT_ERROR,
                format!("no key of this session opens events on {}", event.topic),
            );
            return Err(EventError::Subscription(SubscriptionError::Undecryptable {
                publication: event.publication,
                error: Box::new(error),
            }));
        }
        return Err(EventError::NotEncrypted {
            topic: event.topic,
            publication: event.publication,
        });
    }
    let payload =
        E::from_event(&event.arguments, &event.topic).map_err(|error| EventError::Decode {
            topic: event.topic.clone(),
            error,
        })?;
    Ok((payload, EventDetails::new(&event)))
}

impl<E: WampEvent> Stream for EventStream<E> {
    type Item = Result<E, EventError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner
            .poll_next_unpin(cx)
            .map(|item| item.map(|item| decode_event(item).map(|(event, _)| event)))
    }
}

impl Session {
    /// Publishes a typed event to its topic. Await the builder as for [`Session::publish`]; its
    /// options (acknowledge, exclude_me...) apply.
    pub fn publish_event<E: WampEvent>(&self, event: &E) -> PublishBuilder {
        let (topic, arguments) = match event.topic() {
            Ok(topic) => (topic, event.to_arguments()),
            Err(e) => (Cow::Borrowed(E::TOPIC), Err(e)),
        };
        let publish = self.publish(topic).arguments_result(arguments);
        if E::ENCRYPTED {
            publish.encrypted()
        } else {
            publish
        }
    }

    /// Subscribes to the topic of `E`; the stream yields decoded events.
    pub async fn subscribe_event<E: WampEvent>(&self) -> Result<EventStream<E>, Error> {
        let (topic, policy) = subscription(E::TOPIC, MatchPolicy::Exact);
        self.subscribe(topic).match_policy(policy).typed().await
    }

    /// Subscribes to the topic of `E`, replaying the last `last` events the router kept before
    /// the live ones, with no gap and no duplicate (see [`SubscribeBuilder::history`]).
    pub async fn subscribe_event_with_history<E: WampEvent>(
        &self,
        last: u64,
    ) -> Result<EventStream<E>, Error> {
        let (topic, policy) = subscription(E::TOPIC, MatchPolicy::Exact);
        self.subscribe(topic)
            .match_policy(policy)
            .history(last)
            .typed()
            .await
    }

    /// Subscribes every handler of a set (see `#[subscribe]`); the handlers run until the
    /// returned [`Subscriptions`] is dropped.
    pub async fn subscribe_handlers(
        &self,
        handlers: impl HandlerSet,
    ) -> Result<Subscriptions, Error> {
        let mut subscriptions = Subscriptions::default();
        handlers.subscribe_into(self, &mut subscriptions).await?;
        Ok(subscriptions)
    }

    /// Subscribes every handler of a set, as [`Session::subscribe_handlers`] does, with each
    /// event going through `layer` (a `tower::Layer`, see [`crate::typed::middleware`]) before
    /// its handler. The layer's state (a concurrency limit, a rate) holds across the set.
    pub async fn subscribe_handlers_layered<L>(
        &self,
        handlers: impl HandlerSet,
        layer: L,
    ) -> Result<Subscriptions, Error>
    where
        L: Layer<EventHandlers>,
        L::Service: Service<Delivery, Response = ()> + Clone + Send + Sync + 'static,
        <L::Service as Service<Delivery>>::Error: Into<BoxError>,
        <L::Service as Service<Delivery>>::Future: Send + 'static,
    {
        let mut subscriptions = Subscriptions::default();
        subscriptions.pipeline = Some(EventPipeline::new(layer));
        handlers.subscribe_into(self, &mut subscriptions).await?;
        Ok(subscriptions)
    }
}

impl SubscribeBuilder {
    /// Makes the subscription typed: events decode into `E` (use with a pattern topic to receive
    /// every event of that type across topics).
    pub async fn typed<E: WampEvent>(self) -> Result<EventStream<E>, Error> {
        Ok(EventStream::new(self.await?))
    }
}

/// A set of event handlers that subscribe together: what `#[subscribe]` on a function and
/// `#[event_handlers]` on an `impl` block generate. Tuples of sets are sets.
pub trait HandlerSet: Send + Sync + 'static {
    /// Subscribes every handler of the set, adding each running handler to `into`.
    fn subscribe_into<'a>(
        self,
        session: &'a Session,
        into: &'a mut Subscriptions,
    ) -> BoxFuture<'a, Result<(), Error>>
    where
        Self: Sized;
}

macro_rules! tuple_handler_sets {
    ($($name:ident)+) => {
        impl<$($name: HandlerSet),+> HandlerSet for ($($name,)+) {
            #[allow(non_snake_case)]
            fn subscribe_into<'a>(
                self,
                session: &'a Session,
                into: &'a mut Subscriptions,
            ) -> BoxFuture<'a, Result<(), Error>> {
                let ($($name,)+) = self;
                Box::pin(async move {
                    $( $name.subscribe_into(session, into).await?; )+
                    Ok(())
                })
            }
        }
    };
}

tuple_handler_sets!(A);
tuple_handler_sets!(A B);
tuple_handler_sets!(A B C);
tuple_handler_sets!(A B C D);
tuple_handler_sets!(A B C D E);
tuple_handler_sets!(A B C D E F);
tuple_handler_sets!(A B C D E F G);
tuple_handler_sets!(A B C D E F G H);

/// Running event handlers. Dropping it stops them and unsubscribes.
#[derive(Default)]
#[must_use = "dropping the handle unsubscribes every handler"]
pub struct Subscriptions {
    tasks: Vec<(String, tokio::task::JoinHandle<()>)>,
    stats: Arc<HandlerStats>,
    /// The layers every event goes through, when set.
    pipeline: Option<EventPipeline>,
}

impl std::fmt::Debug for Subscriptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscriptions")
            .field(
                "topics",
                &self.tasks.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            )
            .field("stats", &self.stats)
            .field("layered", &self.pipeline.is_some())
            .finish()
    }
}

/// Counters of what handlers could not handle: nothing is dropped silently.
#[derive(Debug, Default)]
struct HandlerStats {
    undecodable: AtomicU64,
    lagged: AtomicU64,
    failed: AtomicU64,
    /// Set when the handle is dropped: a task still in the middle of a poll (abort takes effect
    /// only after it) then runs no further handler.
    stopped: std::sync::atomic::AtomicBool,
}

impl HandlerStats {
    /// Counts an event that did not decode (or arrived in the clear for an encrypted type) as
    /// undecodable, and any other error (the handler's, or a layer's refusal) as failed.
    fn record(&self, topic: &str, error: &BoxError) {
        if let Some(e) = error.downcast_ref::<EventError>() {
            self.undecodable.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(%topic, error = %e, "an event did not reach its handler");
        } else {
            self.failed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(%topic, %error, "an event handler failed");
        }
    }
}

impl Subscriptions {
    /// Subscribes one handler: each event of `topic` (matched with `policy`) that decodes into
    /// `E` is handed to `handler`, in order. What cannot be handled is logged and counted.
    pub async fn add<E, F, Fut>(
        &mut self,
        session: &Session,
        topic: &str,
        policy: MatchPolicy,
        handler: F,
    ) -> Result<(), Error>
    where
        E: WampEvent,
        F: Fn(E, EventDetails) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
    {
        let (topic, policy) = subscription(topic, policy);
        let mut events = session
            .subscribe(topic.clone())
            .match_policy(policy)
            .await?;
        let handler = Arc::new(handler);
        let erased: ErasedHandler = Arc::new(move |delivery: Delivery| {
            let handler = handler.clone();
            Box::pin(async move {
                let (event, details) = decode_event::<E>(Ok(delivery.event))?;
                let details = details.with_extensions(delivery.extensions);
                handler(event, details).await.map_err(BoxError::from)
            })
        });
        let dispatch = match &self.pipeline {
            Some(pipeline) => pipeline.add(erased),
            None => erased,
        };
        let stats = self.stats.clone();
        let task = tokio::spawn(async move {
            while let Some(item) = events.next().await {
                if stats.stopped.load(Ordering::Acquire) {
                    break;
                }
                match item {
                    Ok(event) => {
                        let topic = event.topic.clone();
                        // The handler's span continues the publisher's trace.
                        let span = crate::trace::event_span(&event);
                        let delivery = Delivery {
                            event,
                            extensions: http::Extensions::new(),
                        };
                        let handled = tracing::Instrument::instrument(dispatch(delivery), span);
                        if let Err(error) = handled.await {
                            stats.record(&topic, &error);
                        }
                    }
                    Err(SubscriptionError::Lagged(n)) => {
                        stats.lagged.fetch_add(n, Ordering::Relaxed);
                        tracing::warn!(dropped = n, "an event handler did not keep up");
                    }
                    Err(e @ SubscriptionError::Undecryptable { .. }) => {
                        stats.undecodable.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(error = %e, "an event did not reach its handler");
                    }
                    Err(e) => tracing::info!(error = %e, "an event handler's subscription ended"),
                }
            }
        });
        self.tasks.push((topic, task));
        Ok(())
    }

    /// The subscribed topics (or patterns), one per handler.
    pub fn topics(&self) -> impl Iterator<Item = &str> {
        self.tasks.iter().map(|(topic, _)| topic.as_str())
    }

    /// How many handlers run.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no handler runs.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Events that arrived but did not decode into their handler's type.
    pub fn undecodable(&self) -> u64 {
        self.stats.undecodable.load(Ordering::Relaxed)
    }

    /// Events dropped because a handler did not keep up.
    pub fn lagged(&self) -> u64 {
        self.stats.lagged.load(Ordering::Relaxed)
    }

    /// Handler calls that returned an error.
    pub fn failed(&self) -> u64 {
        self.stats.failed.load(Ordering::Relaxed)
    }

    /// Waits until every handler's subscription has ended (session closed or revoked).
    pub async fn ended(mut self) {
        for (_, task) in &mut self.tasks {
            let _ = task.await;
        }
    }
}

impl Drop for Subscriptions {
    fn drop(&mut self) {
        self.stats.stopped.store(true, Ordering::Release);
        for (_, task) in &self.tasks {
            task.abort();
        }
    }
}
