//! The model of an event type: its topic, its fields, and how its payload travels.

use syn::{Data, DeriveInput, Fields, Generics, Ident, LitStr};

use crate::attr::{self, Keys};
use crate::ctxt::Ctxt;
use crate::uri::{self, Placeholder};
use crate::vocab::UriCheck;

/// How the event's value travels in EVENT.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Payload {
    /// The value's serde form as `kwargs` (structs with named fields, by default).
    Kwargs,
    /// Each field positional, in declaration order (tuple structs, by default).
    Args,
    /// The value's serde form as `args[0]` (enums, by default).
    Value,
}

/// A type deriving `WampEvent`.
pub(crate) struct EventType {
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    pub(crate) docs: String,
    pub(crate) topic: Option<LitStr>,
    /// `uri_check = ".."`: the rule the topic is held to.
    pub(crate) uri_check: UriCheck,
    /// The struct's fields (`None` for an enum or a union).
    pub(crate) fields: Option<Fields>,
    /// A union, which cannot be an event (reported by the check).
    pub(crate) union: Option<syn::token::Union>,
    /// `#[wamp(payload = ..)]` as written.
    pub(crate) asked: Option<(String, LitStr)>,
    /// The payload mapping: as asked, or the default for the type's shape.
    pub(crate) payload: Payload,
    /// `#[wamp(encrypted)]`: the event travels end-to-end encrypted.
    pub(crate) encrypted: bool,
    /// `#[deprecated]`: its note (empty when it has none).
    pub(crate) deprecated: Option<String>,
    /// The topic's `{name}` components (typed URI captures), each filled by the field `name`;
    /// or why they are malformed.
    pub(crate) captures: Result<Vec<Placeholder>, String>,
}

impl EventType {
    /// Reads the type and its `#[wamp(..)]` attributes.
    pub(crate) fn parse(ctxt: &Ctxt, input: &DeriveInput) -> Self {
        let mut topic: Option<LitStr> = None;
        let mut asked: Option<(String, LitStr)> = None;
        let mut uri_check = UriCheck::Strict;
        let mut encrypted = false;
        let mut keys = Keys::new(ctxt, &["topic", "payload", "uri_check", "encrypted"]);
        attr::parse_wamp_attrs(ctxt, &input.attrs, &mut keys, |key, meta| {
            match key {
                "topic" => topic = Some(attr::string(meta)?),
                "uri_check" => uri_check = UriCheck::parse(&attr::choice(meta, UriCheck::NAMES)?.0),
                "encrypted" => {
                    attr::flag(meta)?;
                    encrypted = true;
                }
                _ => asked = Some(attr::choice(meta, &["kwargs", "args", "value"])?),
            }
            Ok(())
        });
        let (fields, union) = match &input.data {
            Data::Struct(s) => (Some(s.fields.clone()), None),
            Data::Enum(_) => (None, None),
            Data::Union(u) => (None, Some(u.union_token)),
        };
        let payload = match (asked.as_ref().map(|(v, _)| v.as_str()), &fields) {
            (Some("value"), _) => Payload::Value,
            (Some("kwargs"), _) => Payload::Kwargs,
            (Some(_), _) => Payload::Args,
            (None, Some(Fields::Named(_))) => Payload::Kwargs,
            (None, Some(_)) => Payload::Args,
            (None, None) => Payload::Value,
        };
        let captures = topic
            .as_ref()
            .map_or(Ok(Vec::new()), |t| uri::placeholders(&t.value()));
        Self {
            captures,
            ident: input.ident.clone(),
            generics: input.generics.clone(),
            docs: attr::docs(&input.attrs),
            deprecated: attr::deprecation(&input.attrs),
            topic,
            uri_check,
            fields,
            union,
            asked,
            payload,
            encrypted,
        }
    }

    /// Each capture with its field's type (those that name a field).
    pub(crate) fn capture_fields(&self) -> Vec<(&Placeholder, &syn::Field)> {
        let (Ok(captures), Some(Fields::Named(named))) = (&self.captures, &self.fields) else {
            return Vec::new();
        };
        captures
            .iter()
            .filter_map(|c| {
                let field = named
                    .named
                    .iter()
                    .find(|f| f.ident.as_ref().is_some_and(|i| *i == c.name))?;
                Some((c, field))
            })
            .collect()
    }
}
