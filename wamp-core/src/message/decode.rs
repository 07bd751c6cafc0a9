//! Wire elements -> Message, checking every element as the spec types it.

use super::keys;
use super::rules::{self, Rule};
use super::*;
use crate::uri::{self, MatchPolicy, UriCheck};
use crate::value::{as_u64, kind, map_to_dict, Dict, Value};

/// A message broke the protocol: wrong shape, wrong type of an element or of a known option,
/// an ID out of range, an invalid URI, an unknown message type.
///
/// A session that receives one aborts with `wamp.error.protocol_violation`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("protocol violation: {0}")]
pub struct ProtocolViolation(pub String);

impl ProtocolViolation {
    /// A violation with the given description.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

type Res<T> = std::result::Result<T, ProtocolViolation>;

/// Reads the elements of one message in order.
struct Reader {
    name: &'static str,
    items: std::vec::IntoIter<Value>,
}

impl Reader {
    fn violation(&self, what: impl std::fmt::Display) -> ProtocolViolation {
        ProtocolViolation(format!("{}: {what}", self.name))
    }

    fn next(&mut self, field: &str) -> Res<Value> {
        let name = self.name;
        self.items
            .next()
            .ok_or_else(|| ProtocolViolation(format!("{name}: missing element {field}")))
    }

    fn int(&mut self, field: &str) -> Res<u64> {
        let v = self.next(field)?;
        as_u64(&v).ok_or_else(|| {
            self.violation(format!(
                "{field} must be a non-negative integer, found {}",
                kind(&v)
            ))
        })
    }

    fn id(&mut self, field: &str) -> Res<Id> {
        let id = self.int(field)?;
        if is_valid_id(id) {
            Ok(id)
        } else {
            Err(self.violation(format!("{field} must be an ID in 1..=2^53, found {id}")))
        }
    }

    fn string(&mut self, field: &str) -> Res<String> {
        match self.next(field)? {
            Value::Text(t) => Ok(t),
            other => {
                Err(self.violation(format!("{field} must be a string, found {}", kind(&other))))
            }
        }
    }

    fn uri(&mut self, field: &str, policy: MatchPolicy) -> Res<String> {
        let text = self.string(field)?;
        if uri::is_valid_pattern(&text, UriCheck::Loose, policy) {
            Ok(text)
        } else {
            Err(self.violation(format!("{field} is not a valid URI: {text:?}")))
        }
    }

    fn dict(&mut self, field: &str, rules: &[(&str, Rule)], passthru: bool) -> Res<Dict> {
        let dict = match self.next(field)? {
            Value::Map(entries) => {
                map_to_dict(entries).map_err(|e| self.violation(format!("{field}: {e}")))?
            }
            other => {
                return Err(
                    self.violation(format!("{field} must be a dict, found {}", kind(&other)))
                )
            }
        };
        rules::check(&dict, (self.name, field), rules, passthru).map_err(ProtocolViolation)?;
        Ok(dict)
    }

    /// Reads the optional trailing `Arguments|list, ArgumentsKw|dict`.
    ///
    /// Tolerated: `null` in place of either, read as empty. The spec types them as a list and a
    /// dict, but Crossbar.io forwards a caller's `null` Arguments unchanged when ArgumentsKw
    /// follow (`[68, 1, 2, {}, null, {"a": 1}]`), and the meaning is unambiguous. Any other
    /// type is a protocol violation.
    fn arguments(&mut self) -> Res<Arguments> {
        let args = match self.items.next() {
            None => return Ok(Arguments::default()),
            Some(Value::Array(args)) => args,
            Some(Value::Null) => Vec::new(),
            Some(other) => {
                return Err(
                    self.violation(format!("Arguments must be a list, found {}", kind(&other)))
                )
            }
        };
        let kwargs = match self.items.next() {
            None | Some(Value::Null) => Dict::new(),
            Some(Value::Map(entries)) => {
                map_to_dict(entries).map_err(|e| self.violation(format!("ArgumentsKw: {e}")))?
            }
            Some(other) => {
                return Err(self.violation(format!(
                    "ArgumentsKw must be a dict, found {}",
                    kind(&other)
                )))
            }
        };
        Ok(Arguments { args, kwargs })
    }

    /// Reads the payload: arguments, or a passthru payload in the dialect the attributes
    /// announce: the spec's `[bytes]` (with no `ArgumentsKw`), or Autobahn's bare bytes in place
    /// of the argument list (accepted under either dialect's attributes, never without one).
    fn payload(&mut self, attributes: &Dict) -> Res<Payload> {
        let dialect = Dialect::of(attributes);
        if matches!(self.items.as_slice().first(), Some(Value::Bytes(_))) {
            if dialect.is_none() {
                return Err(self.violation("a binary payload needs enc_algo or ppt_scheme"));
            }
            if let Some(Value::Bytes(bytes)) = self.items.next() {
                return Ok(Payload::Passthru(bytes));
            }
        }
        if dialect == Some(Dialect::Ppt) {
            let rest = self.items.as_slice();
            let kwargs_empty = match rest.get(1) {
                None | Some(Value::Null) => true,
                Some(Value::Map(m)) => m.is_empty(),
                Some(_) => false,
            };
            let one_binary = matches!(rest.first(), Some(Value::Array(items)) if matches!(items.as_slice(), [Value::Bytes(_)]));
            if one_binary && kwargs_empty {
                if let Some(Value::Array(items)) = self.items.next() {
                    self.items.next();
                    if let Some(Value::Bytes(bytes)) = items.into_iter().next() {
                        return Ok(Payload::Passthru(bytes));
                    }
                }
            }
            return Err(self.violation(
                "a payload in passthru mode (ppt_scheme) must be one binary item in Arguments",
            ));
        }
        self.arguments().map(Payload::Arguments)
    }

    fn end(self) -> Res<()> {
        let extra = self.items.len();
        if extra == 0 {
            Ok(())
        } else {
            Err(ProtocolViolation(format!(
                "{}: {extra} unexpected trailing element(s)",
                self.name
            )))
        }
    }
}

/// The policy under which a SUBSCRIBE or REGISTER URI is checked. An implementation-specific
/// `match` value is checked as a wildcard (the loosest), so that the receiver, not the decoder,
/// refuses it.
fn match_policy(options: &Dict) -> MatchPolicy {
    match options.get(keys::MATCH).and_then(Value::as_text) {
        None => MatchPolicy::Exact,
        Some(name) => MatchPolicy::parse(name).unwrap_or(MatchPolicy::Wildcard),
    }
}

/// The request types an ERROR may answer.
const ERROR_REQUEST_TYPES: &[u64] = &[
    code::SUBSCRIBE,
    code::UNSUBSCRIBE,
    code::PUBLISH,
    code::REGISTER,
    code::UNREGISTER,
    code::CALL,
    code::INVOCATION,
];

impl Message {
    /// Decodes a message from its wire form (the list the serializer produced).
    pub fn from_wire(value: Value) -> Res<Message> {
        let Value::Array(items) = value else {
            return Err(ProtocolViolation(format!(
                "a message must be a list, found {}",
                kind(&value)
            )));
        };
        let mut items = items.into_iter();
        let code = match items.next() {
            None => return Err(ProtocolViolation::new("empty message list")),
            Some(first) => as_u64(&first).ok_or_else(|| {
                ProtocolViolation(format!(
                    "message type must be an integer, found {}",
                    kind(&first)
                ))
            })?,
        };
        let name = type_name(code);
        if name == "UNKNOWN" {
            return Err(ProtocolViolation(format!("unknown message type {code}")));
        }
        let mut r = Reader { name, items };
        let message = match code {
            code::HELLO => {
                let realm = r.uri("Realm", MatchPolicy::Exact)?;
                let details = r.dict("Details", rules::HELLO_DETAILS, false)?;
                if !matches!(details.get(keys::ROLES), Some(Value::Map(roles)) if !roles.is_empty())
                {
                    return Err(r.violation("Details.roles must announce at least one role"));
                }
                Message::Hello(Hello { realm, details })
            }
            code::WELCOME => {
                let session = r.id("Session")?;
                let details = r.dict("Details", rules::WELCOME_DETAILS, false)?;
                if !matches!(details.get(keys::ROLES), Some(Value::Map(_))) {
                    return Err(r.violation("Details.roles is required"));
                }
                Message::Welcome(Welcome { session, details })
            }
            code::ABORT => {
                let details = r.dict("Details", rules::CLOSE_DETAILS, false)?;
                let reason = r.uri("Reason", MatchPolicy::Exact)?;
                let arguments = r.arguments()?;
                Message::Abort(Abort {
                    details,
                    reason,
                    arguments,
                })
            }
            code::CHALLENGE => {
                let method = r.string("AuthMethod")?;
                let extra = r.dict("Extra", rules::NO_RULES, false)?;
                Message::Challenge(Challenge { method, extra })
            }
            code::AUTHENTICATE => {
                let signature = r.string("Signature")?;
                let extra = r.dict("Extra", rules::NO_RULES, false)?;
                Message::Authenticate(Authenticate { signature, extra })
            }
            code::GOODBYE => {
                let details = r.dict("Details", rules::CLOSE_DETAILS, false)?;
                let reason = r.uri("Reason", MatchPolicy::Exact)?;
                Message::Goodbye(Goodbye { details, reason })
            }
            code::ERROR => {
                let request_type = r.int("REQUEST.Type")?;
                if !ERROR_REQUEST_TYPES.contains(&request_type) {
                    return Err(r.violation(format!("invalid REQUEST.Type {request_type}")));
                }
                let request = r.id("REQUEST.Request")?;
                let details = r.dict("Details", rules::NO_RULES, true)?;
                let error = r.uri("Error", MatchPolicy::Exact)?;
                let payload = r.payload(&details)?;
                Message::Error(Error {
                    request_type,
                    request,
                    details,
                    error,
                    payload,
                })
            }
            code::PUBLISH => {
                let request = r.id("Request")?;
                let options = r.dict("Options", rules::PUBLISH_OPTIONS, true)?;
                let topic = r.uri("Topic", MatchPolicy::Exact)?;
                let payload = r.payload(&options)?;
                Message::Publish(Publish {
                    request,
                    options,
                    topic,
                    payload,
                })
            }
            code::PUBLISHED => Message::Published(Published {
                request: r.id("PUBLISH.Request")?,
                publication: r.id("Publication")?,
            }),
            code::SUBSCRIBE => {
                let request = r.id("Request")?;
                let options = r.dict("Options", rules::SUBSCRIBE_OPTIONS, false)?;
                let topic = r.uri("Topic", match_policy(&options))?;
                Message::Subscribe(Subscribe {
                    request,
                    options,
                    topic,
                })
            }
            code::SUBSCRIBED => Message::Subscribed(Subscribed {
                request: r.id("SUBSCRIBE.Request")?,
                subscription: r.id("Subscription")?,
            }),
            code::UNSUBSCRIBE => Message::Unsubscribe(Unsubscribe {
                request: r.id("Request")?,
                subscription: r.id("SUBSCRIBED.Subscription")?,
            }),
            code::UNSUBSCRIBED => {
                let (request, details) =
                    read_revocable(&mut r, rules::UNSUBSCRIBED_DETAILS, keys::SUBSCRIPTION)?;
                Message::Unsubscribed(Unsubscribed { request, details })
            }
            code::EVENT => {
                let subscription = r.id("SUBSCRIBED.Subscription")?;
                let publication = r.id("PUBLISHED.Publication")?;
                let details = r.dict("Details", rules::EVENT_DETAILS, true)?;
                let payload = r.payload(&details)?;
                Message::Event(Event {
                    subscription,
                    publication,
                    details,
                    payload,
                })
            }
            code::EVENT_RECEIVED => Message::EventReceived(EventReceived {
                publication: r.id("EVENT.Publication")?,
            }),
            code::CALL => {
                let request = r.id("Request")?;
                let options = r.dict("Options", rules::CALL_OPTIONS, true)?;
                let procedure = r.uri("Procedure", MatchPolicy::Exact)?;
                let payload = r.payload(&options)?;
                Message::Call(Call {
                    request,
                    options,
                    procedure,
                    payload,
                })
            }
            code::CANCEL => Message::Cancel(Cancel {
                request: r.id("CALL.Request")?,
                options: r.dict("Options", rules::CANCEL_OPTIONS, false)?,
            }),
            code::RESULT => {
                let request = r.id("CALL.Request")?;
                let details = r.dict("Details", rules::RESULT_DETAILS, true)?;
                let payload = r.payload(&details)?;
                Message::Result(Result {
                    request,
                    details,
                    payload,
                })
            }
            code::REGISTER => {
                let request = r.id("Request")?;
                let options = r.dict("Options", rules::REGISTER_OPTIONS, false)?;
                let procedure = r.uri("Procedure", match_policy(&options))?;
                Message::Register(Register {
                    request,
                    options,
                    procedure,
                })
            }
            code::REGISTERED => Message::Registered(Registered {
                request: r.id("REGISTER.Request")?,
                registration: r.id("Registration")?,
            }),
            code::UNREGISTER => Message::Unregister(Unregister {
                request: r.id("Request")?,
                registration: r.id("REGISTERED.Registration")?,
            }),
            code::UNREGISTERED => {
                let (request, details) =
                    read_revocable(&mut r, rules::UNREGISTERED_DETAILS, keys::REGISTRATION)?;
                Message::Unregistered(Unregistered { request, details })
            }
            code::INVOCATION => {
                let request = r.id("Request")?;
                let registration = r.id("REGISTERED.Registration")?;
                let details = r.dict("Details", rules::INVOCATION_DETAILS, true)?;
                let payload = r.payload(&details)?;
                Message::Invocation(Invocation {
                    request,
                    registration,
                    details,
                    payload,
                })
            }
            code::INTERRUPT => Message::Interrupt(Interrupt {
                request: r.id("INVOCATION.Request")?,
                options: r.dict("Options", rules::INTERRUPT_OPTIONS, false)?,
            }),
            code::YIELD => {
                let request = r.id("INVOCATION.Request")?;
                let options = r.dict("Options", rules::YIELD_OPTIONS, true)?;
                let payload = r.payload(&options)?;
                Message::Yield(Yield {
                    request,
                    options,
                    payload,
                })
            }
            _ => return Err(ProtocolViolation(format!("unknown message type {code}"))),
        };
        r.end()?;
        Ok(message)
    }
}

/// UNSUBSCRIBED and UNREGISTERED: `[T, Request|id]`, or `[T, 0, Details|dict]` on revocation,
/// where the details name the revoked `subscription`/`registration`.
fn read_revocable(r: &mut Reader, rules: &[(&str, Rule)], key: &str) -> Res<(u64, Option<Dict>)> {
    let request = r.int("Request")?;
    let details = if r.items.len() > 0 {
        Some(r.dict("Details", rules, false)?)
    } else {
        None
    };
    match (request, &details) {
        (0, Some(d)) if d.contains_key(key) => Ok((0, details)),
        (0, _) => Err(r.violation(format!("a revocation (request 0) must carry Details.{key}"))),
        (id, _) if is_valid_id(id) => Ok((id, details)),
        (id, _) => Err(r.violation(format!("Request must be an ID in 1..=2^53, found {id}"))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn wire(items: Vec<Value>) -> Value {
        Value::Array(items)
    }

    #[test]
    fn refuses_bad_shapes() {
        assert!(Message::from_wire(Value::from(1)).is_err());
        assert!(Message::from_wire(wire(vec![])).is_err());
        assert!(Message::from_wire(wire(vec![Value::from(999)])).is_err());
        assert!(Message::from_wire(wire(vec![Value::from("48")])).is_err());
        // CALL with request 0 and with 2^53 + 1.
        for bad in [0u64, (1 << 53) + 1] {
            let m = wire(vec![
                48.into(),
                bad.into(),
                Value::Map(vec![]),
                "a.b".into(),
            ]);
            let err = Message::from_wire(m).unwrap_err();
            assert!(err.0.contains("Request"), "{err}");
        }
        // Trailing garbage after a full CALL.
        let m = wire(vec![
            48.into(),
            1.into(),
            Value::Map(vec![]),
            "a.b".into(),
            Value::Array(vec![]),
            Value::Map(vec![]),
            1.into(),
        ]);
        assert!(Message::from_wire(m).is_err());
    }

    /// Tolerance: `null` for Arguments or ArgumentsKw is read as empty (Crossbar forwards a
    /// caller's `null` Arguments); another type is still a violation.
    #[test]
    fn null_arguments_are_read_as_empty() {
        let kwargs = Value::Map(vec![("a".into(), 1.into())]);
        let m = Message::from_wire(wire(vec![
            68.into(),
            1.into(),
            2.into(),
            Value::Map(vec![]),
            Value::Null,
            kwargs,
        ]))
        .unwrap();
        assert!(
            matches!(&m, Message::Invocation(inv) if inv.payload.arguments().is_some_and(|a|
                a.args.is_empty() && a.kwargs.get("a") == Some(&Value::from(1)))),
            "{m:?}"
        );
        let m = Message::from_wire(wire(vec![
            36.into(),
            1.into(),
            2.into(),
            Value::Map(vec![]),
            Value::Null,
            Value::Null,
        ]))
        .unwrap();
        assert!(
            matches!(m, Message::Event(e) if e.payload.arguments().is_some_and(|a| a.is_empty()))
        );
        for bad in [Value::from(5), Value::from("x")] {
            let m = Message::from_wire(wire(vec![50.into(), 1.into(), Value::Map(vec![]), bad]));
            assert!(m.is_err());
        }
    }

    #[test]
    fn revocation_forms() {
        let details = Value::Map(vec![
            (keys::SUBSCRIPTION.into(), 5.into()),
            (keys::REASON.into(), "x".into()),
        ]);
        let m = Message::from_wire(wire(vec![35.into(), 0.into(), details])).unwrap();
        assert!(matches!(
            m,
            Message::Unsubscribed(Unsubscribed {
                request: 0,
                details: Some(_)
            })
        ));
        assert!(Message::from_wire(wire(vec![35.into(), 0.into()])).is_err());
        assert!(Message::from_wire(wire(vec![35.into(), 7.into()])).is_ok());
    }

    #[test]
    fn error_request_type_is_checked() {
        let m = wire(vec![
            8.into(),
            1.into(),
            1.into(),
            Value::Map(vec![]),
            "e.x".into(),
        ]);
        assert!(Message::from_wire(m).is_err());
    }

    #[test]
    fn wildcard_topics_allow_empty_components_only_with_match() {
        let opts = Value::Map(vec![(keys::MATCH.into(), "wildcard".into())]);
        let ok = wire(vec![32.into(), 1.into(), opts, "com..x".into()]);
        assert!(Message::from_wire(ok).is_ok());
        let exact = wire(vec![
            32.into(),
            1.into(),
            Value::Map(vec![]),
            "com..x".into(),
        ]);
        assert!(Message::from_wire(exact).is_err());
    }
}
