//! What an event type must satisfy: a topic (strict unless `uri_check = "loose"`), and a payload mapping its shape allows.

use syn::{Fields, LitStr};

use super::model::{EventType, Payload};
use crate::ctxt::Ctxt;
use crate::uri::{self, Placeholder};
use crate::vocab::MatchPolicy;

/// Records every problem of `event` in `ctxt`.
pub(crate) fn check(ctxt: &Ctxt, event: &EventType) {
    match &event.topic {
        Some(lit) => match &event.captures {
            Err(problem) => ctxt.error(lit, problem),
            Ok(captures) => {
                let (topic, policy) = if captures.is_empty() {
                    (lit.value(), MatchPolicy::Exact)
                } else {
                    (uri::pattern(&lit.value()), MatchPolicy::Wildcard)
                };
                if let Some(problem) = uri::problem(&topic, policy, event.uri_check) {
                    ctxt.error(lit, format!("invalid topic: {problem}"));
                }
                captures_fit(ctxt, event, lit, captures);
            }
        },
        None => ctxt.error(
            &event.ident,
            "missing topic: add `#[wamp(topic = \"com.example.topic\")]`",
        ),
    }
    if let Some(token) = event.union {
        ctxt.error(token, "`WampEvent` cannot be derived for a union");
    }
    if let Some((v, lit)) = &event.asked {
        let fits = match v.as_str() {
            "value" => true,
            "kwargs" => matches!(event.fields, Some(Fields::Named(_))),
            _ => event.fields.is_some(),
        };
        if !fits {
            ctxt.error(lit, format!("payload \"{v}\" does not fit this type: \"kwargs\" needs named fields, \"args\" a struct"));
        }
    }
}

/// Captures need a struct with named fields travelling as kwargs, one field per capture, each
/// under its own name.
fn captures_fit(ctxt: &Ctxt, event: &EventType, lit: &LitStr, captures: &[Placeholder]) {
    if captures.is_empty() {
        return;
    }
    if !matches!(event.fields, Some(Fields::Named(_))) || event.payload != Payload::Kwargs {
        ctxt.error(
            lit,
            "a topic with captures needs a struct with named fields sent as kwargs: each `{name}` is a field",
        );
        return;
    }
    let bound = event.capture_fields();
    for capture in captures {
        match bound.iter().find(|(c, _)| c.name == capture.name) {
            None => ctxt.error(
                lit,
                format!(
                    "the capture `{{{}}}` names no field: add `{}: T` to the struct",
                    capture.name, capture.name
                ),
            ),
            Some((_, field)) => {
                if let Some(serde) = field.attrs.iter().find(|a| a.path().is_ident("serde")) {
                    ctxt.error(
                        serde,
                        "a capture's field travels under its own name: it takes no `#[serde(..)]` attribute",
                    );
                }
            }
        }
    }
}
