//! The keys of `Options`, `Details` and `Extra` dictionaries that the spec defines, one constant
//! each, so that the client, the router, descriptions and generated code spell them once.

/// `HELLO`/`WELCOME.Details.roles`: the announced roles and their features.
pub const ROLES: &str = "roles";
/// The `features` dict inside a role's announcement.
pub const FEATURES: &str = "features";
/// `HELLO.Details.authmethods`.
pub const AUTHMETHODS: &str = "authmethods";
/// `HELLO`/`WELCOME.Details.authid`.
pub const AUTHID: &str = "authid";
/// `HELLO`/`WELCOME.Details.authrole`.
pub const AUTHROLE: &str = "authrole";
/// `WELCOME.Details.authmethod`.
pub const AUTHMETHOD: &str = "authmethod";
/// `WELCOME.Details.authprovider`.
pub const AUTHPROVIDER: &str = "authprovider";
/// `HELLO`/`WELCOME.Details.authextra`.
pub const AUTHEXTRA: &str = "authextra";
/// `HELLO`/`WELCOME.Details.agent`.
pub const AGENT: &str = "agent";
/// `WELCOME.Details.realm` (Crossbar and this router add it).
pub const REALM: &str = "realm";
/// `ABORT`/`GOODBYE.Details.message`: a human-readable reason.
pub const MESSAGE: &str = "message";
/// `UNREGISTERED`/`UNSUBSCRIBED`/`INTERRUPT` details: why the router revoked or interrupted.
pub const REASON: &str = "reason";

/// `SUBSCRIBE`/`REGISTER.Options.match`: a [`MatchPolicy`](super::MatchPolicy).
pub const MATCH: &str = "match";
/// `REGISTER.Options.invoke`: an [`InvokePolicy`](super::InvokePolicy).
pub const INVOKE: &str = "invoke";
/// `CANCEL`/`INTERRUPT.Options.mode`: a [`CancelMode`](super::CancelMode).
pub const MODE: &str = "mode";
/// `REGISTER.Options.disclose_caller`.
pub const DISCLOSE_CALLER: &str = "disclose_caller";
/// `REGISTER.Options.concurrency`.
pub const CONCURRENCY: &str = "concurrency";
/// `REGISTER.Options.force_reregister`.
pub const FORCE_REREGISTER: &str = "force_reregister";
/// `REGISTER.Options.forward_timeout` (Crossbar): the callee enforces the call timeout itself.
pub const FORWARD_TIMEOUT: &str = "forward_timeout";
/// `CALL`/`PUBLISH.Options.disclose_me`.
pub const DISCLOSE_ME: &str = "disclose_me";
/// `CALL.Options.timeout` and `INVOCATION.Details.timeout`, in milliseconds.
pub const TIMEOUT: &str = "timeout";
/// `CALL.Options.receive_progress` and `INVOCATION.Details.receive_progress`.
pub const RECEIVE_PROGRESS: &str = "receive_progress";
/// `CALL.Options.progress`, `INVOCATION`/`RESULT.Details.progress`, `YIELD.Options.progress`.
pub const PROGRESS: &str = "progress";
/// `INVOCATION.Details.caller`.
pub const CALLER: &str = "caller";
/// `INVOCATION.Details.caller_authid`.
pub const CALLER_AUTHID: &str = "caller_authid";
/// `INVOCATION.Details.caller_authrole`.
pub const CALLER_AUTHROLE: &str = "caller_authrole";
/// `INVOCATION.Details.procedure` (pattern registrations) and meta API details.
pub const PROCEDURE: &str = "procedure";
/// `forward_for` in options and details of router-to-router links.
pub const FORWARD_FOR: &str = "forward_for";

/// `PUBLISH.Options.acknowledge`.
pub const ACKNOWLEDGE: &str = "acknowledge";
/// `PUBLISH.Options.exclude_me`.
pub const EXCLUDE_ME: &str = "exclude_me";
/// `PUBLISH.Options.exclude`.
pub const EXCLUDE: &str = "exclude";
/// `PUBLISH.Options.exclude_authid`.
pub const EXCLUDE_AUTHID: &str = "exclude_authid";
/// `PUBLISH.Options.exclude_authrole`.
pub const EXCLUDE_AUTHROLE: &str = "exclude_authrole";
/// `PUBLISH.Options.eligible`.
pub const ELIGIBLE: &str = "eligible";
/// `PUBLISH.Options.eligible_authid`.
pub const ELIGIBLE_AUTHID: &str = "eligible_authid";
/// `PUBLISH.Options.eligible_authrole`.
pub const ELIGIBLE_AUTHROLE: &str = "eligible_authrole";
/// `PUBLISH.Options.retain`.
pub const RETAIN: &str = "retain";
/// `SUBSCRIBE.Options.get_retained`.
pub const GET_RETAINED: &str = "get_retained";
/// `EVENT.Details.retained`.
pub const RETAINED: &str = "retained";
/// `PUBLISH.Options.transaction_hash` and `EVENT.Details.transaction_hash`.
pub const TRANSACTION_HASH: &str = "transaction_hash";
/// `EVENT.Details.publisher`.
pub const PUBLISHER: &str = "publisher";
/// `EVENT.Details.publisher_authid`.
pub const PUBLISHER_AUTHID: &str = "publisher_authid";
/// `EVENT.Details.publisher_authrole`.
pub const PUBLISHER_AUTHROLE: &str = "publisher_authrole";
/// `EVENT.Details.topic` (pattern subscriptions).
pub const TOPIC: &str = "topic";
/// `EVENT.Details.x_acknowledged_delivery`: the publisher asked for EVENT_RECEIVED.
pub const X_ACKNOWLEDGED_DELIVERY: &str = "x_acknowledged_delivery";
/// `UNSUBSCRIBED.Details.subscription` on revocation.
pub const SUBSCRIPTION: &str = "subscription";
/// `UNREGISTERED.Details.registration` on revocation.
pub const REGISTRATION: &str = "registration";

/// Payload Passthru Mode: `ppt_scheme` (its presence marks a passthru payload).
pub const PPT_SCHEME: &str = "ppt_scheme";
/// Payload Passthru Mode: `ppt_serializer`.
pub const PPT_SERIALIZER: &str = "ppt_serializer";
/// Payload Passthru Mode: `ppt_cipher`.
pub const PPT_CIPHER: &str = "ppt_cipher";
/// Payload Passthru Mode: `ppt_keyid`.
pub const PPT_KEYID: &str = "ppt_keyid";
/// The legacy transparent payload's `enc_algo` (its presence marks a transparent payload).
pub const ENC_ALGO: &str = "enc_algo";
/// The legacy transparent payload's `enc_serializer`.
pub const ENC_SERIALIZER: &str = "enc_serializer";
/// The legacy transparent payload's `enc_key`.
pub const ENC_KEY: &str = "enc_key";

/// Meta API details (`wamp.session.get`, `wamp.registration.get`, `wamp.subscription.get`):
/// the session's ID.
pub const SESSION: &str = "session";
/// Meta API details: the session's transport.
pub const TRANSPORT: &str = "transport";
/// Meta API details: a registration's or subscription's ID.
pub const ID: &str = "id";
/// Meta API details: when a registration or subscription was created (ISO 8601).
pub const CREATED: &str = "created";
/// Meta API details: a registration's or subscription's URI.
pub const URI: &str = "uri";

/// Event History, `wamp.subscription.get_events`: the keyword arguments of the query and the
/// fields of each event answered (wamp-proto `rfc/text/advanced/pubsub_event_history.md`).
pub mod history {
    /// The procedure.
    pub const GET_EVENTS: &str = "wamp.subscription.get_events";
    /// Newest first.
    pub const REVERSE: &str = "reverse";
    /// At most this many events.
    pub const LIMIT: &str = "limit";
    /// At or after this RFC 3339 time.
    pub const FROM_TIME: &str = "from_time";
    /// After this time.
    pub const AFTER_TIME: &str = "after_time";
    /// Before this time.
    pub const BEFORE_TIME: &str = "before_time";
    /// At or before this time.
    pub const UNTIL_TIME: &str = "until_time";
    /// Only events of this topic (for pattern subscriptions); also Crossbar.io's event field.
    pub const TOPIC: &str = "topic";
    /// From this publication on, including it.
    pub const FROM_PUBLICATION: &str = "from_publication";
    /// After this publication.
    pub const AFTER_PUBLICATION: &str = "after_publication";
    /// Before this publication.
    pub const BEFORE_PUBLICATION: &str = "before_publication";
    /// Up to this publication, including it.
    pub const UNTIL_PUBLICATION: &str = "until_publication";
    /// An event's RFC 3339 time.
    pub const TIMESTAMP: &str = "timestamp";
    /// An event's subscription.
    pub const SUBSCRIPTION: &str = "subscription";
    /// An event's publication ID.
    pub const PUBLICATION: &str = "publication";
    /// An event's details.
    pub const DETAILS: &str = "details";
    /// An event's positional arguments.
    pub const ARGS: &str = "args";
    /// An event's keyword arguments.
    pub const KWARGS: &str = "kwargs";
}

/// Trace propagation: the W3C Trace Context headers as CALL and PUBLISH options, forwarded by
/// the router as INVOCATION and EVENT details (see [`crate::trace`]). Not in the spec, and no
/// WAMP implementation had a convention (autobahn-python, autobahn-js, Crossbar.io, nexus,
/// Bondy and connectanum carry none), so the names follow the spec's rule for
/// implementation-specific keys (`_[a-z0-9_]{3,}`, `rfc/text/basic/messages.md`) and the W3C
/// header names.
pub mod trace {
    /// The W3C `traceparent`: `00-<trace id>-<parent span id>-<flags>`.
    pub const TRACEPARENT: &str = "_traceparent";
    /// The W3C `tracestate`: vendor entries, passed on unchanged.
    pub const TRACESTATE: &str = "_tracestate";
}

/// Reflection, `wamp.reflection.*` (wamp-proto `rfc/text/advanced/interface_reflection.md`, a
/// sketch: the names are the spec's, the answers `wamp-router`'s).
pub mod reflection {
    /// The common prefix of the procedures.
    pub const PREFIX: &str = "wamp.reflection.";
    /// The described procedures' URIs.
    pub const PROCEDURE_LIST: &str = "wamp.reflection.procedure.list";
    /// One procedure's description.
    pub const PROCEDURE_DESCRIBE: &str = "wamp.reflection.procedure.describe";
    /// The described topics' URIs.
    pub const TOPIC_LIST: &str = "wamp.reflection.topic.list";
    /// One topic's description.
    pub const TOPIC_DESCRIBE: &str = "wamp.reflection.topic.describe";
    /// The described error URIs.
    pub const ERROR_LIST: &str = "wamp.reflection.error.list";
    /// One error's description.
    pub const ERROR_DESCRIBE: &str = "wamp.reflection.error.describe";
    /// A describe answer: the service's name.
    pub const SERVICE: &str = "service";
    /// A describe answer: the service's describe procedure.
    pub const INTERFACE: &str = "interface";
    /// A describe answer: a procedure's description.
    pub const PROCEDURE: &str = "procedure";
    /// A describe answer: a topic's description.
    pub const TOPIC: &str = "topic";
    /// A describe answer: an error's description.
    pub const ERROR: &str = "error";
    /// A describe answer: the named types the schemas refer to.
    pub const DEFS: &str = "$defs";
}
