//! Trace propagation: a call or publication carries its caller's trace context, and the
//! callee's invocation span and the subscriber's event span continue that trace.
//!
//! On the wire the context is the [W3C Trace Context](https://www.w3.org/TR/trace-context/)
//! pair under the implementation-specific keys [`keys::trace`](crate::message::keys::trace):
//! CALL and PUBLISH options `_traceparent` and `_tracestate`, which `wamp-router` forwards as
//! INVOCATION and EVENT details (only those two keys, and only when well formed).
//!
//! - **Sending.** With the `opentelemetry` cargo feature, every CALL and PUBLISH carries the
//!   context of the current `tracing` span (through `tracing-opentelemetry`); without it, a
//!   call carries a context only when given one ([`CallBuilder::trace_context`](crate::session::CallBuilder::trace_context)).
//! - **Receiving.** Each invocation handler runs in a `wamp.invocation` span, and each
//!   `#[subscribe]` handler in a `wamp.event` span ([`event_span`] makes one for a raw
//!   subscription), with the incoming trace id as a field; with the feature, the span's
//!   OpenTelemetry parent is the caller's span.
//! - **Routers that strip the keys.** Crossbar.io 26.10.1 drops options it does not know (its
//!   CALL and PUBLISH parsers keep a fixed set), so the context does not reach the callee, and
//!   its span starts a new trace. [`SessionConfig::trace_in_payload`](crate::session::SessionConfig::trace_in_payload)
//!   also puts the two keys into the payload's `kwargs`, which every router forwards; a
//!   wamp-rs receiver takes them out again before the handler sees the arguments. Only for
//!   peers that are all wamp-rs: another callee would see two extra keyword arguments.

use crate::message::keys::trace::{TRACEPARENT, TRACESTATE};
use crate::session::{Event, Invocation};
use crate::value::{Dict, Value};

/// The longest `tracestate` passed on (the W3C limit: 32 entries of at most 256 characters is
/// more, but 512 is what it asks every vendor to accept).
const MAX_TRACESTATE: usize = 512;

/// A W3C trace context as it travels with a call or an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    traceparent: String,
    tracestate: Option<String>,
}

impl TraceContext {
    /// A context from its two headers: `None` unless `traceparent` is a well-formed version-00
    /// value (`00-` 32 hex digits `-` 16 hex digits `-` 2 hex digits, lowercase, ids not all
    /// zero). A `tracestate` longer than 512 characters is left out.
    pub fn parse(traceparent: &str, tracestate: Option<&str>) -> Option<Self> {
        if !well_formed(traceparent) {
            return None;
        }
        Some(Self {
            traceparent: traceparent.to_owned(),
            tracestate: tracestate
                .filter(|s| s.len() <= MAX_TRACESTATE && !s.is_empty())
                .map(str::to_owned),
        })
    }

    /// The `traceparent` header.
    pub fn traceparent(&self) -> &str {
        &self.traceparent
    }

    /// The `tracestate` header, if any.
    pub fn tracestate(&self) -> Option<&str> {
        self.tracestate.as_deref()
    }

    /// The trace id (32 hex digits).
    pub fn trace_id(&self) -> &str {
        self.traceparent.get(3..35).unwrap_or_default()
    }

    /// The id of the sender's span (16 hex digits).
    pub fn parent_id(&self) -> &str {
        self.traceparent.get(36..52).unwrap_or_default()
    }

    /// Whether the sender sampled the trace.
    pub fn sampled(&self) -> bool {
        self.traceparent
            .get(53..55)
            .and_then(|f| u8::from_str_radix(f, 16).ok())
            .is_some_and(|f| f & 1 == 1)
    }

    /// The context in a details (or options, or kwargs) dictionary, if a well-formed one is
    /// there.
    pub fn from_dict(dict: &Dict) -> Option<Self> {
        let text = |key| match dict.get(key) {
            Some(Value::Text(s)) => Some(s.as_str()),
            _ => None,
        };
        Self::parse(text(TRACEPARENT)?, text(TRACESTATE))
    }

    /// Writes the context into an options (or kwargs) dictionary.
    pub fn write(&self, dict: &mut Dict) {
        dict.insert(TRACEPARENT.into(), Value::Text(self.traceparent.clone()));
        if let Some(state) = &self.tracestate {
            dict.insert(TRACESTATE.into(), Value::Text(state.clone()));
        }
    }

    /// The context of the current `tracing` span, when the `opentelemetry` feature links spans
    /// to OpenTelemetry and the span belongs to a valid trace; `None` otherwise.
    pub fn current() -> Option<Self> {
        #[cfg(feature = "opentelemetry")]
        {
            otel::current()
        }
        #[cfg(not(feature = "opentelemetry"))]
        {
            None
        }
    }
}

fn well_formed(traceparent: &str) -> bool {
    let b = traceparent.as_bytes();
    let hex = |r: std::ops::Range<usize>| {
        b.get(r).is_some_and(|s| {
            s.iter()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
        })
    };
    let zero = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(|c| *c == b'0'));
    b.len() == 55
        && b.starts_with(b"00-")
        && b.get(35) == Some(&b'-')
        && b.get(52) == Some(&b'-')
        && hex(3..35)
        && hex(36..52)
        && hex(53..55)
        && !zero(3..35)
        && !zero(36..52)
}

/// Copies a well-formed trace context from `from` (CALL or PUBLISH options) into `to`
/// (INVOCATION or EVENT details): what a router does. Anything else under the keys is dropped.
pub fn forward(from: &Dict, to: &mut Dict) {
    if let Some(context) = TraceContext::from_dict(from) {
        context.write(to);
    }
}

/// Moves a trace context that travelled in `kwargs` (see
/// [`SessionConfig::trace_in_payload`](crate::session::SessionConfig::trace_in_payload)) into
/// `details`, unless the details have one already; the kwargs lose the two keys either way
/// when they hold a well-formed context.
pub(crate) fn take_from_kwargs(kwargs: &mut Dict, details: &mut Dict) {
    if !kwargs.contains_key(TRACEPARENT) {
        return;
    }
    if let Some(context) = TraceContext::from_dict(kwargs) {
        kwargs.remove(TRACEPARENT);
        kwargs.remove(TRACESTATE);
        if !details.contains_key(TRACEPARENT) {
            context.write(details);
        }
    }
}

/// The span an invocation's handler runs in: `wamp.invocation`, with the procedure and the
/// caller's trace id; with the `opentelemetry` feature its parent is the caller's span.
pub fn invocation_span(invocation: &Invocation) -> tracing::Span {
    let context = TraceContext::from_dict(&invocation.details);
    let span = tracing::info_span!(
        "wamp.invocation",
        procedure = %invocation.procedure,
        trace_id = tracing::field::Empty,
        otel.kind = "server",
    );
    continue_trace(&span, context);
    span
}

/// The span to handle an event in: `wamp.event`, with the topic and the publisher's trace id;
/// with the `opentelemetry` feature its parent is the publisher's span.
pub fn event_span(event: &Event) -> tracing::Span {
    let context = TraceContext::from_dict(&event.details);
    let span = tracing::info_span!(
        "wamp.event",
        topic = %event.topic,
        trace_id = tracing::field::Empty,
        otel.kind = "consumer",
    );
    continue_trace(&span, context);
    span
}

fn continue_trace(span: &tracing::Span, context: Option<TraceContext>) {
    let Some(context) = context else { return };
    span.record("trace_id", context.trace_id());
    #[cfg(feature = "opentelemetry")]
    otel::set_parent(span, &context);
}

#[cfg(feature = "opentelemetry")]
mod otel {
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    };
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;

    use super::TraceContext;

    /// The current span's OpenTelemetry context as W3C headers. Written from the span context
    /// (the W3C format is four fixed fields), so that this library needs only the
    /// OpenTelemetry API, not an SDK.
    pub(super) fn current() -> Option<TraceContext> {
        let context = tracing::Span::current().context();
        let span = context.span();
        let sc = span.span_context();
        if !sc.is_valid() {
            return None;
        }
        let traceparent = format!(
            "00-{}-{}-{:02x}",
            sc.trace_id(),
            sc.span_id(),
            sc.trace_flags().to_u8()
        );
        let state = sc.trace_state().header();
        TraceContext::parse(&traceparent, Some(state.as_str()))
    }

    /// Makes the caller's span the parent of `span`.
    pub(super) fn set_parent(span: &tracing::Span, context: &TraceContext) {
        let (Ok(trace), Ok(parent)) = (
            TraceId::from_hex(context.trace_id()),
            SpanId::from_hex(context.parent_id()),
        ) else {
            return;
        };
        let flags = if context.sampled() {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        };
        let state = context
            .tracestate()
            .and_then(|s| s.parse::<TraceState>().ok())
            .unwrap_or_default();
        let remote = SpanContext::new(trace, parent, flags, true, state);
        let parent = opentelemetry::Context::new().with_remote_span_context(remote);
        if let Err(e) = span.set_parent(parent) {
            tracing::debug!(error = %e, "the span's trace parent could not be set");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn parses_and_refuses() {
        let c = TraceContext::parse(GOOD, Some("congo=t61rcWkgMzE")).unwrap();
        assert_eq!(c.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(c.parent_id(), "00f067aa0ba902b7");
        assert!(c.sampled());
        assert_eq!(c.tracestate(), Some("congo=t61rcWkgMzE"));
        for bad in [
            "",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
            "00-4bf92f3577b34da6a3ce929d0e0e4736x00f067aa0ba902b7-01",
        ] {
            assert!(TraceContext::parse(bad, None).is_none(), "{bad:?}");
        }
        let long = "a".repeat(MAX_TRACESTATE + 1);
        assert_eq!(
            TraceContext::parse(GOOD, Some(&long)).unwrap().tracestate(),
            None
        );
    }

    #[test]
    fn forwards_only_well_formed_contexts() {
        let mut options = Dict::new();
        TraceContext::parse(GOOD, Some("a=b"))
            .unwrap()
            .write(&mut options);
        let mut details = Dict::new();
        forward(&options, &mut details);
        assert_eq!(details, options);
        let mut bad = Dict::new();
        bad.insert(TRACEPARENT.into(), Value::Text("nonsense".into()));
        bad.insert(TRACESTATE.into(), Value::Text("a=b".into()));
        let mut details = Dict::new();
        forward(&bad, &mut details);
        assert!(details.is_empty());
    }

    #[test]
    fn takes_a_context_out_of_kwargs() {
        let mut kwargs = Dict::new();
        kwargs.insert("x".into(), Value::Integer(1.into()));
        TraceContext::parse(GOOD, None).unwrap().write(&mut kwargs);
        let mut details = Dict::new();
        take_from_kwargs(&mut kwargs, &mut details);
        assert_eq!(kwargs.len(), 1);
        assert_eq!(
            TraceContext::from_dict(&details).unwrap().traceparent(),
            GOOD
        );
    }
}
