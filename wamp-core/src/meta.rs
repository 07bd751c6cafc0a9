//! Typed bindings of the WAMP meta API (session, registration and subscription meta procedures
//! and events), defined with our own `#[wamp_service]` and `#[derive(WampEvent)]`.
//!
//! ```no_run
//! use wamp_core::meta::{SessionMetaClient, SessionJoined};
//! # async fn demo(session: wamp_core::Session) -> Result<(), Box<dyn std::error::Error>> {
//! let sessions = SessionMetaClient::new(session.clone());
//! println!("{} sessions", sessions.count(None).await?);
//! let mut joins = session.subscribe_event::<SessionJoined>().await?;
//! # Ok(()) }
//! ```
//!
//! The router must allow the caller to use `wamp.*` (Crossbar.io: a role permission on `wamp.`;
//! `wamp-router`: every session may).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::message::Id;
use serde_json::Value as Json;

/// A JSON object: keyword arguments and options in the typed meta bindings.
pub type JsonMap = serde_json::Map<String, Json>;

use crate::value::Dict;
use crate::{wamp_service, WampError, WampEvent};

/// The errors the meta procedures declare.
#[derive(Debug, Clone, PartialEq, WampError)]
pub enum MetaError {
    /// `wamp.error.no_such_session`, with the router's message.
    #[wamp(uri = "wamp.error.no_such_session")]
    NoSuchSession(Option<String>),
    /// `wamp.error.no_such_registration`, with the router's message.
    #[wamp(uri = "wamp.error.no_such_registration")]
    NoSuchRegistration(Option<String>),
    /// `wamp.error.no_such_subscription`, with the router's message.
    #[wamp(uri = "wamp.error.no_such_subscription")]
    NoSuchSubscription(Option<String>),
    /// `wamp.error.history_unavailable`: no event history is kept for the subscription.
    #[wamp(uri = "wamp.error.history_unavailable")]
    HistoryUnavailable(Option<String>),
}

impl std::fmt::Display for MetaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, message) = match self {
            MetaError::NoSuchSession(m) => ("no such session", m),
            MetaError::NoSuchRegistration(m) => ("no such registration", m),
            MetaError::NoSuchSubscription(m) => ("no such subscription", m),
            MetaError::HistoryUnavailable(m) => ("no event history", m),
        };
        match message {
            Some(m) => write!(f, "{what}: {m}"),
            None => f.write_str(what),
        }
    }
}

impl std::error::Error for MetaError {}

/// A session as `wamp.session.get` and `wamp.session.on_join` describe it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SessionDetails {
    /// The session ID.
    pub session: Id,
    /// The authenticated identity.
    #[serde(default)]
    pub authid: Option<String>,
    /// The role.
    #[serde(default)]
    pub authrole: Option<String>,
    /// The authentication method.
    #[serde(default)]
    pub authmethod: Option<String>,
    /// Who authenticated the session.
    #[serde(default)]
    pub authprovider: Option<String>,
    /// Router-specific details of the transport.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub transport: Option<Dict>,
}

/// A registration or subscription as `wamp.registration.get` / `wamp.subscription.get`
/// describe it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EntryDetails {
    /// The registration or subscription ID.
    pub id: Id,
    /// When it was created (ISO 8601).
    #[serde(default)]
    pub created: Option<String>,
    /// The procedure or topic (or pattern).
    pub uri: String,
    /// The match policy: `exact`, `prefix` or `wildcard`.
    #[serde(rename = "match", default)]
    pub match_policy: Option<String>,
    /// For registrations, the invocation policy.
    #[serde(default)]
    pub invoke: Option<String>,
}

/// The IDs of every registration or subscription, by match policy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct EntryLists {
    /// Exact-match entries.
    #[serde(default)]
    pub exact: Vec<Id>,
    /// Prefix-match entries.
    #[serde(default)]
    pub prefix: Vec<Id>,
    /// Wildcard-match entries.
    #[serde(default)]
    pub wildcard: Vec<Id>,
}

/// Options of a lookup: the match policy of the URI looked up.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct LookupOptions {
    /// `exact` (default), `prefix` or `wildcard`.
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_policy: Option<String>,
}

/// The session meta procedures (`wamp.session.*`).
#[wamp_service(prefix = "wamp.session")]
pub trait SessionMeta {
    /// How many sessions are joined, optionally only those of the given roles.
    async fn count(&self, filter_authroles: Option<Vec<String>>) -> Result<u64, WampError>;
    /// The IDs of the joined sessions, optionally only those of the given roles.
    async fn list(&self, filter_authroles: Option<Vec<String>>) -> Result<Vec<Id>, WampError>;
    /// One session's details.
    async fn get(&self, session: Id) -> Result<SessionDetails, MetaError>;
    /// Ends a session, with an optional reason URI and message.
    async fn kill(
        &self,
        session: Id,
        #[wamp(kwarg)] reason: Option<String>,
        #[wamp(kwarg)] message: Option<String>,
    ) -> Result<(), MetaError>;
    /// Ends every session of an authid; answers their IDs.
    async fn kill_by_authid(
        &self,
        authid: String,
        #[wamp(kwarg)] reason: Option<String>,
        #[wamp(kwarg)] message: Option<String>,
    ) -> Result<Vec<Id>, WampError>;
    /// Adds a testament: an event the router publishes when this session is detached or
    /// destroyed (Testament Meta API; the dealer announces `testament_meta_api`). The spec
    /// answers no value; Crossbar.io answers an ID.
    async fn add_testament(
        &self,
        topic: String,
        args: Vec<Json>,
        kwargs: JsonMap,
        #[wamp(kwarg)] publish_options: Option<JsonMap>,
        #[wamp(kwarg)] scope: Option<TestamentScope>,
    ) -> Result<Option<u64>, WampError>;
    /// Removes this session's testaments of one scope (`destroyed` by default). The spec
    /// answers no value; Crossbar.io answers how many it removed.
    async fn flush_testaments(
        &self,
        #[wamp(kwarg)] scope: Option<TestamentScope>,
    ) -> Result<Option<u64>, WampError>;
}

/// When a testament is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TestamentScope {
    /// When the session is detached from its transport (with session resumption; a router
    /// without it detaches and destroys at once, publishing `detached` testaments first).
    Detached,
    /// When the session is destroyed (the spec's default).
    #[default]
    Destroyed,
}

/// A testament to set on a [`Client`](crate::Client), which adds it after joining and again
/// after each reconnect ([`Client::testament`](crate::Client::testament)).
#[derive(Debug, Clone, PartialEq)]
pub struct Testament {
    /// The topic to publish on.
    pub topic: String,
    /// The event's positional arguments.
    pub args: Vec<Json>,
    /// The event's keyword arguments.
    pub kwargs: JsonMap,
    /// Publish options (`retain`, `exclude_authrole`...); the router may ignore some.
    pub publish_options: JsonMap,
    /// When to publish it.
    pub scope: TestamentScope,
}

impl Testament {
    /// A testament on `topic` with no payload, published when the session is destroyed.
    pub fn new(topic: impl Into<String>) -> Self {
        Self {
            topic: topic.into(),
            args: Vec::new(),
            kwargs: JsonMap::new(),
            publish_options: JsonMap::new(),
            scope: TestamentScope::Destroyed,
        }
    }

    /// The event's positional arguments, from a serializable tuple, array or `Vec`.
    pub fn args<T: Serialize + ?Sized>(mut self, args: &T) -> Result<Self, serde_json::Error> {
        self.args = match serde_json::to_value(args)? {
            Json::Array(items) => items,
            Json::Null => Vec::new(),
            one => vec![one],
        };
        Ok(self)
    }

    /// The event's keyword arguments, from a serializable struct or map.
    pub fn kwargs<T: Serialize + ?Sized>(mut self, kwargs: &T) -> Result<Self, serde_json::Error> {
        self.kwargs = match serde_json::to_value(kwargs)? {
            Json::Object(map) => map,
            _ => return Err(serde::ser::Error::custom("kwargs must serialize as a map")),
        };
        Ok(self)
    }

    /// When to publish it.
    pub fn scope(mut self, scope: TestamentScope) -> Self {
        self.scope = scope;
        self
    }

    /// Asks the router to retain the event (`publish_options.retain`).
    pub fn retain(mut self) -> Self {
        self.publish_options
            .insert(crate::message::keys::RETAIN.into(), Json::Bool(true));
        self
    }

    /// Adds the testament to `session`'s router; needs `testament_meta_api` from the dealer.
    pub async fn add_to(&self, session: &crate::Session) -> Result<(), crate::Error> {
        use crate::message::{Feature, Role};
        session.require(Role::Dealer, Feature::TestamentMetaApi)?;
        let options = (!self.publish_options.is_empty()).then(|| self.publish_options.clone());
        SessionMetaClient::new(session.clone())
            .add_testament(
                self.topic.clone(),
                self.args.clone(),
                self.kwargs.clone(),
                options,
                Some(self.scope),
            )
            .await
            .map(|_| ())
            .map_err(|e| {
                use crate::typed::CallError::*;
                match e {
                    Service(w) | NotAuthorized(w) | NoSuchProcedure(w) | InvalidArgument(w)
                    | UnknownError(w) => crate::Error::Wamp(w),
                    Other(e) => e,
                    Disconnected(reason) => crate::Error::SessionClosed(reason),
                    other => crate::Error::NotSent(other.to_string()),
                }
            })
    }
}

/// The registration meta procedures (`wamp.registration.*`).
#[wamp_service(prefix = "wamp.registration")]
pub trait RegistrationMeta {
    /// Every registration, by match policy.
    async fn list(&self) -> Result<EntryLists, WampError>;
    /// The registration of a procedure URI (or pattern) under a match policy, if any.
    async fn lookup(
        &self,
        procedure: String,
        options: Option<LookupOptions>,
    ) -> Result<Option<Id>, WampError>;
    /// The registration a call of `procedure` would reach, if any.
    #[wamp(name = "match")]
    async fn best_match(&self, procedure: String) -> Result<Option<Id>, WampError>;
    /// One registration's details.
    async fn get(&self, registration: Id) -> Result<EntryDetails, MetaError>;
    /// The sessions registered under a registration.
    async fn list_callees(&self, registration: Id) -> Result<Vec<Id>, MetaError>;
    /// How many sessions are registered under a registration.
    async fn count_callees(&self, registration: Id) -> Result<u64, MetaError>;
}

/// The subscription meta procedures (`wamp.subscription.*`).
#[wamp_service(prefix = "wamp.subscription")]
pub trait SubscriptionMeta {
    /// Every subscription, by match policy.
    async fn list(&self) -> Result<EntryLists, WampError>;
    /// The subscription of a topic (or pattern) under a match policy, if any.
    async fn lookup(
        &self,
        topic: String,
        options: Option<LookupOptions>,
    ) -> Result<Option<Id>, WampError>;
    /// Every subscription an event on `topic` would reach (`None` when there is none).
    #[wamp(name = "match")]
    async fn matching(&self, topic: String) -> Result<Option<Vec<Id>>, WampError>;
    /// One subscription's details.
    async fn get(&self, subscription: Id) -> Result<EntryDetails, MetaError>;
    /// The sessions subscribed under a subscription.
    async fn list_subscribers(&self, subscription: Id) -> Result<Vec<Id>, MetaError>;
    /// How many sessions are subscribed under a subscription.
    async fn count_subscribers(&self, subscription: Id) -> Result<u64, MetaError>;
    /// Event History: the events the router kept for a subscription, filtered by `query`
    /// (the broker announces `event_history`). Crossbar.io takes only `limit` and answers newest
    /// first in its own fields (see [`HistoryEvent`]).
    async fn get_events(
        &self,
        subscription: Id,
        #[wamp(kwargs)] query: HistoryQuery,
    ) -> Result<Vec<HistoryEvent>, MetaError>;
}

/// The conditions of `wamp.subscription.get_events`, all optional and combined (AND).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct HistoryQuery {
    /// Newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse: Option<bool>,
    /// At most this many events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// At or after this RFC 3339 time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_time: Option<String>,
    /// After this RFC 3339 time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_time: Option<String>,
    /// Before this RFC 3339 time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_time: Option<String>,
    /// At or before this RFC 3339 time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_time: Option<String>,
    /// Only events of this topic (for pattern subscriptions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// From this publication on, including it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_publication: Option<Id>,
    /// After this publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_publication: Option<Id>,
    /// Before this publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_publication: Option<Id>,
    /// Up to this publication, including it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_publication: Option<Id>,
}

impl HistoryQuery {
    /// The last `n` events, newest first.
    pub fn last(n: u64) -> Self {
        Self {
            reverse: Some(true),
            limit: Some(n),
            ..Self::default()
        }
    }
}

/// One event of a subscription's history: the spec's fields, and Crossbar.io's (`time_ns`,
/// `topic`) where it answers those instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HistoryEvent {
    /// When the router received it (RFC 3339; the spec's field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// When the router received it, in nanoseconds since the Unix epoch (Crossbar.io's field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_ns: Option<u64>,
    /// The subscription it was kept for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<Id>,
    /// The publication ID.
    pub publication: Id,
    /// The topic (Crossbar.io's field; the spec's router puts it in `details` for patterns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// The EVENT details.
    #[serde(default)]
    pub details: JsonMap,
    /// The positional arguments (binary kept as binary: a passthru or sealed event is its bytes).
    #[serde(default)]
    #[schemars(with = "Option<Vec<Json>>")]
    pub args: Option<Vec<crate::Value>>,
    /// The keyword arguments.
    #[serde(default)]
    #[schemars(with = "Option<JsonMap>")]
    pub kwargs: Option<Dict>,
}

/// `wamp.session.on_join`: a session joined (`args = [details]`).
#[derive(Debug, Clone, PartialEq, WampEvent)]
#[wamp(topic = "wamp.session.on_join")]
pub struct SessionJoined(pub SessionDetails);

/// `wamp.session.on_leave`: a session left (`args = [session, authid, authrole]`).
#[derive(Debug, Clone, PartialEq, WampEvent)]
#[wamp(topic = "wamp.session.on_leave")]
pub struct SessionLeft(pub Id, pub Option<String>, pub Option<String>);

/// `wamp.registration.on_create`: a registration was created (`args = [session, details]`).
#[derive(Debug, Clone, PartialEq, WampEvent)]
#[wamp(topic = "wamp.registration.on_create")]
pub struct RegistrationCreated(pub Id, pub EntryDetails);

/// `wamp.registration.on_register`: a callee was added (`args = [session, registration]`).
#[derive(Debug, Clone, PartialEq, WampEvent)]
#[wamp(topic = "wamp.registration.on_register")]
pub struct CalleeRegistered(pub Id, pub Id);

/// `wamp.registration.on_unregister`: a callee was removed (`args = [session, registration]`).
#[derive(Debug, Clone, PartialEq, WampEvent)]
#[wamp(topic = "wamp.registration.on_unregister")]
pub struct CalleeUnregistered(pub Id, pub Id);

/// `wamp.registration.on_delete`: a registration was deleted (`args = [session, registration]`).
#[derive(Debug, Clone, PartialEq, WampEvent)]
#[wamp(topic = "wamp.registration.on_delete")]
pub struct RegistrationDeleted(pub Id, pub Id);

/// `wamp.subscription.on_create`: a subscription was created (`args = [session, details]`).
#[derive(Debug, Clone, PartialEq, WampEvent)]
#[wamp(topic = "wamp.subscription.on_create")]
pub struct SubscriptionCreated(pub Id, pub EntryDetails);

/// `wamp.subscription.on_subscribe`: a subscriber was added (`args = [session, subscription]`).
#[derive(Debug, Clone, PartialEq, WampEvent)]
#[wamp(topic = "wamp.subscription.on_subscribe")]
pub struct Subscribed(pub Id, pub Id);

/// `wamp.subscription.on_unsubscribe`: a subscriber was removed (`args = [session,
/// subscription]`).
#[derive(Debug, Clone, PartialEq, WampEvent)]
#[wamp(topic = "wamp.subscription.on_unsubscribe")]
pub struct Unsubscribed(pub Id, pub Id);

/// `wamp.subscription.on_delete`: a subscription was deleted (`args = [session, subscription]`).
#[derive(Debug, Clone, PartialEq, WampEvent)]
#[wamp(topic = "wamp.subscription.on_delete")]
pub struct SubscriptionDeleted(pub Id, pub Id);
