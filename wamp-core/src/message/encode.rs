//! Message -> wire elements, serialized through serde without building an intermediate tree.

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use super::{Arguments, Dialect, Message, Payload};
use crate::value::{Dict, Value, WireBytes, WireDict, WireList};

/// One element of a message list.
enum Elem<'a> {
    Int(u64),
    Str(&'a str),
    Dict(&'a Dict),
    List(&'a [Value]),
    Bytes(&'a [u8]),
    /// `[bytes]`: a passthru payload in the spec's dialect.
    BytesList(&'a [u8]),
}

/// A message ready to serialize; `json` selects the JSON binary convention.
pub(crate) struct WireMessage<'a> {
    pub(crate) message: &'a Message,
    pub(crate) json: bool,
}

/// Appends a payload: nothing when empty, `[args]` when only args, `[args, kwargs]` when kwargs
/// are present (args then possibly empty), or the passthru bytes in the shape of the dialect
/// the message's `attributes` announce: `[bytes]` for the spec's, bare bytes for Autobahn's.
fn push_payload<'a>(out: &mut Vec<Elem<'a>>, attributes: &Dict, payload: &'a Payload) {
    match payload {
        Payload::Arguments(a) => push_arguments(out, a),
        Payload::Passthru(bytes) if Dialect::of(attributes) == Some(Dialect::Ppt) => {
            out.push(Elem::BytesList(bytes))
        }
        Payload::Passthru(bytes) => out.push(Elem::Bytes(bytes)),
    }
}

fn push_arguments<'a>(out: &mut Vec<Elem<'a>>, a: &'a Arguments) {
    if !a.kwargs.is_empty() {
        out.push(Elem::List(&a.args));
        out.push(Elem::Dict(&a.kwargs));
    } else if !a.args.is_empty() {
        out.push(Elem::List(&a.args));
    }
}

fn elements(message: &Message) -> Vec<Elem<'_>> {
    use Elem::*;
    let mut out = Vec::with_capacity(7);
    out.push(Int(message.code()));
    match message {
        Message::Hello(m) => out.extend([Str(&m.realm), Dict(&m.details)]),
        Message::Welcome(m) => out.extend([Int(m.session), Dict(&m.details)]),
        Message::Abort(m) => {
            out.extend([Dict(&m.details), Str(&m.reason)]);
            push_arguments(&mut out, &m.arguments);
        }
        Message::Challenge(m) => out.extend([Str(&m.method), Dict(&m.extra)]),
        Message::Authenticate(m) => out.extend([Str(&m.signature), Dict(&m.extra)]),
        Message::Goodbye(m) => out.extend([Dict(&m.details), Str(&m.reason)]),
        Message::Error(m) => {
            out.extend([
                Int(m.request_type),
                Int(m.request),
                Dict(&m.details),
                Str(&m.error),
            ]);
            push_payload(&mut out, &m.details, &m.payload);
        }
        Message::Publish(m) => {
            out.extend([Int(m.request), Dict(&m.options), Str(&m.topic)]);
            push_payload(&mut out, &m.options, &m.payload);
        }
        Message::Published(m) => out.extend([Int(m.request), Int(m.publication)]),
        Message::Subscribe(m) => out.extend([Int(m.request), Dict(&m.options), Str(&m.topic)]),
        Message::Subscribed(m) => out.extend([Int(m.request), Int(m.subscription)]),
        Message::Unsubscribe(m) => out.extend([Int(m.request), Int(m.subscription)]),
        Message::Unsubscribed(m) => {
            out.push(Int(m.request));
            if let Some(d) = &m.details {
                out.push(Dict(d));
            }
        }
        Message::Event(m) => {
            out.extend([Int(m.subscription), Int(m.publication), Dict(&m.details)]);
            push_payload(&mut out, &m.details, &m.payload);
        }
        Message::EventReceived(m) => out.push(Int(m.publication)),
        Message::Call(m) => {
            out.extend([Int(m.request), Dict(&m.options), Str(&m.procedure)]);
            push_payload(&mut out, &m.options, &m.payload);
        }
        Message::Cancel(m) => out.extend([Int(m.request), Dict(&m.options)]),
        Message::Result(m) => {
            out.extend([Int(m.request), Dict(&m.details)]);
            push_payload(&mut out, &m.details, &m.payload);
        }
        Message::Register(m) => out.extend([Int(m.request), Dict(&m.options), Str(&m.procedure)]),
        Message::Registered(m) => out.extend([Int(m.request), Int(m.registration)]),
        Message::Unregister(m) => out.extend([Int(m.request), Int(m.registration)]),
        Message::Unregistered(m) => {
            out.push(Int(m.request));
            if let Some(d) = &m.details {
                out.push(Dict(d));
            }
        }
        Message::Invocation(m) => {
            out.extend([Int(m.request), Int(m.registration), Dict(&m.details)]);
            push_payload(&mut out, &m.details, &m.payload);
        }
        Message::Interrupt(m) => out.extend([Int(m.request), Dict(&m.options)]),
        Message::Yield(m) => {
            out.extend([Int(m.request), Dict(&m.options)]);
            push_payload(&mut out, &m.options, &m.payload);
        }
    }
    out
}

impl Serialize for WireMessage<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let json = self.json;
        let elems = elements(self.message);
        let mut seq = s.serialize_seq(Some(elems.len()))?;
        for elem in &elems {
            match elem {
                Elem::Int(i) => seq.serialize_element(i)?,
                Elem::Str(t) => seq.serialize_element(t)?,
                Elem::Dict(d) => seq.serialize_element(&WireDict { dict: d, json })?,
                Elem::List(items) => seq.serialize_element(&WireList { items, json })?,
                Elem::Bytes(bytes) => seq.serialize_element(&WireBytes { bytes, json })?,
                Elem::BytesList(bytes) => seq.serialize_element(&[WireBytes { bytes, json }])?,
            }
        }
        seq.end()
    }
}
