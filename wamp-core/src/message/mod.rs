//! Every WAMP message of the Basic and Advanced Profile as typed Rust.
//!
//! A [`Message`] is what travels between peers. Decoding from the wire ([`Message::from_wire`])
//! checks every element's type, IDs (`1..=2^53`), URIs and the known `Options`/`Details` keys,
//! and answers a [`ProtocolViolation`] naming the offending field. Encoding omits empty
//! `Arguments`/`ArgumentsKw` exactly as the spec recommends.
//!
//! The protocol's words live here once: option and detail [`keys`], the enumerated option
//! values ([`MatchPolicy`], [`InvokePolicy`], [`CancelMode`]), roles and [`features`], and the
//! error and close [`uris`]. Every crate of the workspace spells them from here.

mod decode;
mod encode;
pub mod features;
pub mod keys;
pub mod passthru;
mod payload;
mod policy;
mod rules;
pub mod uris;

pub use decode::ProtocolViolation;
pub(crate) use encode::WireMessage;
pub use features::{announces, role_features, Feature, Role};
pub use passthru::{Dialect, Passthru};
pub use payload::{Arguments, Payload};
pub use policy::{is_extension, CancelMode, InvokePolicy, MatchPolicy};

use crate::value::Dict;

/// A WAMP ID: an integer in `1..=2^53`.
pub type Id = u64;

/// The largest valid WAMP ID, `2^53`.
pub const MAX_ID: Id = 1 << 53;

/// Whether `id` lies in the valid range `1..=2^53`.
pub fn is_valid_id(id: u64) -> bool {
    (1..=MAX_ID).contains(&id)
}

/// The message type codes of the spec (the first element of every message).
#[allow(missing_docs)]
pub mod code {
    pub const HELLO: u64 = 1;
    pub const WELCOME: u64 = 2;
    pub const ABORT: u64 = 3;
    pub const CHALLENGE: u64 = 4;
    pub const AUTHENTICATE: u64 = 5;
    pub const GOODBYE: u64 = 6;
    pub const ERROR: u64 = 8;
    pub const PUBLISH: u64 = 16;
    pub const PUBLISHED: u64 = 17;
    pub const SUBSCRIBE: u64 = 32;
    pub const SUBSCRIBED: u64 = 33;
    pub const UNSUBSCRIBE: u64 = 34;
    pub const UNSUBSCRIBED: u64 = 35;
    pub const EVENT: u64 = 36;
    pub const CALL: u64 = 48;
    pub const CANCEL: u64 = 49;
    pub const RESULT: u64 = 50;
    pub const REGISTER: u64 = 64;
    pub const REGISTERED: u64 = 65;
    pub const UNREGISTER: u64 = 66;
    pub const UNREGISTERED: u64 = 67;
    pub const INVOCATION: u64 = 68;
    pub const INTERRUPT: u64 = 69;
    pub const YIELD: u64 = 70;
    /// Acknowledged event delivery (provisional extension code, to become 37 on ratification).
    pub const EVENT_RECEIVED: u64 = 337;
}

/// `[HELLO, Realm|uri, Details|dict]`: a client asks to join a realm.
#[derive(Debug, Clone, PartialEq)]
pub struct Hello {
    /// The realm to join.
    pub realm: String,
    /// Roles, authentication methods, authid, authextra...
    pub details: Dict,
}

/// `[WELCOME, Session|id, Details|dict]`: the router accepts the session.
#[derive(Debug, Clone, PartialEq)]
pub struct Welcome {
    /// The session ID the router assigned.
    pub session: Id,
    /// The router's roles, the authentication outcome...
    pub details: Dict,
}

/// `[ABORT, Details|dict, Reason|uri, Arguments|list, ArgumentsKw|dict]`: a session is refused
/// or ended without reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Abort {
    /// Details, often a human-readable `message`.
    pub details: Dict,
    /// The reason URI.
    pub reason: String,
    /// Optional arguments.
    pub arguments: Arguments,
}

/// `[CHALLENGE, AuthMethod|string, Extra|dict]`: the router asks the client to authenticate.
#[derive(Debug, Clone, PartialEq)]
pub struct Challenge {
    /// The authentication method the challenge is for.
    pub method: String,
    /// Method-specific challenge data.
    pub extra: Dict,
}

/// `[AUTHENTICATE, Signature|string, Extra|dict]`: the client answers a challenge.
#[derive(Debug, Clone, PartialEq)]
pub struct Authenticate {
    /// The signature (or ticket, or proof).
    pub signature: String,
    /// Method-specific data.
    pub extra: Dict,
}

/// `[GOODBYE, Details|dict, Reason|uri]`: closes a session; the peer answers with GOODBYE.
#[derive(Debug, Clone, PartialEq)]
pub struct Goodbye {
    /// Details, often a human-readable `message`.
    pub details: Dict,
    /// The reason URI.
    pub reason: String,
}

/// `[ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list,
/// ArgumentsKw|dict]`: a request failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// The type code of the request that failed.
    pub request_type: u64,
    /// The ID of the request that failed.
    pub request: Id,
    /// Details.
    pub details: Dict,
    /// The error URI.
    pub error: String,
    /// The error payload.
    pub payload: Payload,
}

/// `[PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Publish {
    /// The request ID.
    pub request: Id,
    /// Publication options.
    pub options: Dict,
    /// The topic.
    pub topic: String,
    /// The event payload.
    pub payload: Payload,
}

/// `[PUBLISHED, PUBLISH.Request|id, Publication|id]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// The PUBLISH request ID.
    pub request: Id,
    /// The publication ID.
    pub publication: Id,
}

/// `[SUBSCRIBE, Request|id, Options|dict, Topic|uri]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscribe {
    /// The request ID.
    pub request: Id,
    /// Subscription options (`match`, `get_retained`...).
    pub options: Dict,
    /// The topic or topic pattern.
    pub topic: String,
}

/// `[SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscribed {
    /// The SUBSCRIBE request ID.
    pub request: Id,
    /// The subscription ID.
    pub subscription: Id,
}

/// `[UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsubscribe {
    /// The request ID.
    pub request: Id,
    /// The subscription to end.
    pub subscription: Id,
}

/// `[UNSUBSCRIBED, UNSUBSCRIBE.Request|id]`, or `[UNSUBSCRIBED, 0, Details|dict]` when the router
/// revokes a subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsubscribed {
    /// The UNSUBSCRIBE request ID, or 0 for a revocation.
    pub request: u64,
    /// Present on revocation: `subscription` and `reason`.
    pub details: Option<Dict>,
}

/// `[EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict,
/// PUBLISH.Arguments|list, PUBLISH.ArgumentsKw|dict]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The subscription the event is delivered for.
    pub subscription: Id,
    /// The publication ID.
    pub publication: Id,
    /// Details (publisher, topic for pattern subscriptions, retained...).
    pub details: Dict,
    /// The event payload.
    pub payload: Payload,
}

/// `[EVENT_RECEIVED, EVENT.Publication|id]`: a subscriber acknowledges an event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventReceived {
    /// The publication acknowledged.
    pub publication: Id,
}

/// `[CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The request ID.
    pub request: Id,
    /// Call options (`timeout`, `receive_progress`, `disclose_me`, `progress`...).
    pub options: Dict,
    /// The procedure.
    pub procedure: String,
    /// The call payload.
    pub payload: Payload,
}

/// `[CANCEL, CALL.Request|id, Options|dict]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cancel {
    /// The CALL request ID.
    pub request: Id,
    /// Options (`mode`).
    pub options: Dict,
}

/// `[RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list, YIELD.ArgumentsKw|dict]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Result {
    /// The CALL request ID.
    pub request: Id,
    /// Details (`progress`).
    pub details: Dict,
    /// The result payload.
    pub payload: Payload,
}

/// `[REGISTER, Request|id, Options|dict, Procedure|uri]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    /// The request ID.
    pub request: Id,
    /// Registration options (`match`, `invoke`, `disclose_caller`...).
    pub options: Dict,
    /// The procedure or procedure pattern.
    pub procedure: String,
}

/// `[REGISTERED, REGISTER.Request|id, Registration|id]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Registered {
    /// The REGISTER request ID.
    pub request: Id,
    /// The registration ID.
    pub registration: Id,
}

/// `[UNREGISTER, Request|id, REGISTERED.Registration|id]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Unregister {
    /// The request ID.
    pub request: Id,
    /// The registration to end.
    pub registration: Id,
}

/// `[UNREGISTERED, UNREGISTER.Request|id]`, or `[UNREGISTERED, 0, Details|dict]` when the router
/// revokes a registration.
#[derive(Debug, Clone, PartialEq)]
pub struct Unregistered {
    /// The UNREGISTER request ID, or 0 for a revocation.
    pub request: u64,
    /// Present on revocation: `registration` and `reason`.
    pub details: Option<Dict>,
}

/// `[INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, CALL.Arguments|list,
/// CALL.ArgumentsKw|dict]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// The invocation request ID (the dealer's, not the caller's).
    pub request: Id,
    /// The registration invoked.
    pub registration: Id,
    /// Details (caller identity, `procedure` for pattern registrations, `receive_progress`...).
    pub details: Dict,
    /// The call payload.
    pub payload: Payload,
}

/// `[INTERRUPT, INVOCATION.Request|id, Options|dict]`: the dealer cancels an invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Interrupt {
    /// The INVOCATION request ID.
    pub request: Id,
    /// Options (`mode`, `reason`).
    pub options: Dict,
}

/// `[YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Yield {
    /// The INVOCATION request ID.
    pub request: Id,
    /// Options (`progress`).
    pub options: Dict,
    /// The result payload.
    pub payload: Payload,
}

/// Any WAMP message.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum Message {
    Hello(Hello),
    Welcome(Welcome),
    Abort(Abort),
    Challenge(Challenge),
    Authenticate(Authenticate),
    Goodbye(Goodbye),
    Error(Error),
    Publish(Publish),
    Published(Published),
    Subscribe(Subscribe),
    Subscribed(Subscribed),
    Unsubscribe(Unsubscribe),
    Unsubscribed(Unsubscribed),
    Event(Event),
    EventReceived(EventReceived),
    Call(Call),
    Cancel(Cancel),
    Result(Result),
    Register(Register),
    Registered(Registered),
    Unregister(Unregister),
    Unregistered(Unregistered),
    Invocation(Invocation),
    Interrupt(Interrupt),
    Yield(Yield),
}

impl Message {
    /// The message's type code.
    pub fn code(&self) -> u64 {
        match self {
            Message::Hello(_) => code::HELLO,
            Message::Welcome(_) => code::WELCOME,
            Message::Abort(_) => code::ABORT,
            Message::Challenge(_) => code::CHALLENGE,
            Message::Authenticate(_) => code::AUTHENTICATE,
            Message::Goodbye(_) => code::GOODBYE,
            Message::Error(_) => code::ERROR,
            Message::Publish(_) => code::PUBLISH,
            Message::Published(_) => code::PUBLISHED,
            Message::Subscribe(_) => code::SUBSCRIBE,
            Message::Subscribed(_) => code::SUBSCRIBED,
            Message::Unsubscribe(_) => code::UNSUBSCRIBE,
            Message::Unsubscribed(_) => code::UNSUBSCRIBED,
            Message::Event(_) => code::EVENT,
            Message::EventReceived(_) => code::EVENT_RECEIVED,
            Message::Call(_) => code::CALL,
            Message::Cancel(_) => code::CANCEL,
            Message::Result(_) => code::RESULT,
            Message::Register(_) => code::REGISTER,
            Message::Registered(_) => code::REGISTERED,
            Message::Unregister(_) => code::UNREGISTER,
            Message::Unregistered(_) => code::UNREGISTERED,
            Message::Invocation(_) => code::INVOCATION,
            Message::Interrupt(_) => code::INTERRUPT,
            Message::Yield(_) => code::YIELD,
        }
    }

    /// About how many bytes the message holds in memory (see [`value::weight`]): what a queue
    /// of messages is bounded by.
    ///
    /// [`value::weight`]: crate::value::weight
    pub fn weight(&self) -> usize {
        use crate::value::dict_weight as dict;
        let payload = |p: &Payload| match p {
            Payload::Arguments(a) => a.args.iter().fold(dict(&a.kwargs), |sum, v| {
                sum.saturating_add(crate::value::weight(v))
            }),
            Payload::Passthru(bytes) => bytes.len(),
        };
        let body = match self {
            Message::Hello(m) => m.realm.len() + dict(&m.details),
            Message::Welcome(m) => dict(&m.details),
            Message::Abort(m) => m.reason.len() + dict(&m.details),
            Message::Challenge(m) => m.method.len() + dict(&m.extra),
            Message::Authenticate(m) => m.signature.len() + dict(&m.extra),
            Message::Goodbye(m) => m.reason.len() + dict(&m.details),
            Message::Error(m) => m.error.len() + dict(&m.details) + payload(&m.payload),
            Message::Publish(m) => m.topic.len() + dict(&m.options) + payload(&m.payload),
            Message::Subscribe(m) => m.topic.len() + dict(&m.options),
            Message::Event(m) => dict(&m.details) + payload(&m.payload),
            Message::Call(m) => m.procedure.len() + dict(&m.options) + payload(&m.payload),
            Message::Cancel(m) => dict(&m.options),
            Message::Result(m) => dict(&m.details) + payload(&m.payload),
            Message::Register(m) => m.procedure.len() + dict(&m.options),
            Message::Invocation(m) => dict(&m.details) + payload(&m.payload),
            Message::Interrupt(m) => dict(&m.options),
            Message::Yield(m) => dict(&m.options) + payload(&m.payload),
            Message::Unsubscribed(m) => m.details.as_ref().map_or(0, dict),
            Message::Unregistered(m) => m.details.as_ref().map_or(0, dict),
            Message::Published(_)
            | Message::Subscribed(_)
            | Message::Unsubscribe(_)
            | Message::EventReceived(_)
            | Message::Registered(_)
            | Message::Unregister(_) => 0,
        };
        std::mem::size_of::<Message>().saturating_add(body)
    }

    /// The message's type name as the spec writes it (`"CALL"`, `"EVENT_RECEIVED"`...).
    pub fn name(&self) -> &'static str {
        type_name(self.code())
    }
}

/// The spec's name for a message type code, or `"UNKNOWN"`.
pub fn type_name(code: u64) -> &'static str {
    match code {
        code::HELLO => "HELLO",
        code::WELCOME => "WELCOME",
        code::ABORT => "ABORT",
        code::CHALLENGE => "CHALLENGE",
        code::AUTHENTICATE => "AUTHENTICATE",
        code::GOODBYE => "GOODBYE",
        code::ERROR => "ERROR",
        code::PUBLISH => "PUBLISH",
        code::PUBLISHED => "PUBLISHED",
        code::SUBSCRIBE => "SUBSCRIBE",
        code::SUBSCRIBED => "SUBSCRIBED",
        code::UNSUBSCRIBE => "UNSUBSCRIBE",
        code::UNSUBSCRIBED => "UNSUBSCRIBED",
        code::EVENT => "EVENT",
        code::EVENT_RECEIVED => "EVENT_RECEIVED",
        code::CALL => "CALL",
        code::CANCEL => "CANCEL",
        code::RESULT => "RESULT",
        code::REGISTER => "REGISTER",
        code::REGISTERED => "REGISTERED",
        code::UNREGISTER => "UNREGISTER",
        code::UNREGISTERED => "UNREGISTERED",
        code::INVOCATION => "INVOCATION",
        code::INTERRUPT => "INTERRUPT",
        code::YIELD => "YIELD",
        _ => "UNKNOWN",
    }
}

macro_rules! impl_from_struct {
    ($($variant:ident),* $(,)?) => {
        $(impl From<$variant> for Message {
            fn from(m: $variant) -> Self {
                Message::$variant(m)
            }
        })*
    };
}

impl_from_struct!(
    Hello,
    Welcome,
    Abort,
    Challenge,
    Authenticate,
    Goodbye,
    Error,
    Publish,
    Published,
    Subscribe,
    Subscribed,
    Unsubscribe,
    Unsubscribed,
    Event,
    EventReceived,
    Call,
    Cancel,
    Result,
    Register,
    Registered,
    Unregister,
    Unregistered,
    Invocation,
    Interrupt,
    Yield,
);
