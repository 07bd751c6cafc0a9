//! What an event type must satisfy: a topic (strict unless `uri_check = "loose"`), and a payload mapping its shape allows.

use syn::Fields;

use super::model::EventType;
use crate::ctxt::Ctxt;
use crate::uri;
use crate::vocab::MatchPolicy;

/// Records every problem of `event` in `ctxt`.
pub(crate) fn check(ctxt: &Ctxt, event: &EventType) {
    match &event.topic {
        Some(lit) => {
            if let Some(problem) = uri::problem(&lit.value(), MatchPolicy::Exact, event.uri_check) {
                ctxt.error(lit, format!("invalid topic: {problem}"));
            }
        }
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
