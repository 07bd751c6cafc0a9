//! Trace propagation into OpenTelemetry (wamp-core's `opentelemetry` feature), with the SDK's
//! in-memory exporter: a call made inside a caller's span gives a callee invocation span in the
//! same trace, its parent the caller's span, and an event published inside a span gives the
//! `#[subscribe]`-style handler's span in the same trace. Through `wamp-router` the context
//! travels in the CALL and PUBLISH options. Crossbar.io 26.10.1 strips those options (checked
//! here, so that a Crossbar that starts forwarding them fails this test and the docs get
//! updated); with `Client::trace_in_payload` the context travels in the kwargs instead, and
//! the trace is whole again.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::OnceLock;
use std::time::Duration;

use opentelemetry::trace::{SpanId, TraceId, TracerProvider as _};
use opentelemetry::Value as OtelValue;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tokio::sync::mpsc;
use tracing::Instrument as _;
use tracing_subscriber::layer::SubscriberExt as _;
use wamp_core::message::keys::trace::TRACEPARENT;
use wamp_core::session::Invocation;
use wamp_core::typed::{EventDetails, Subscriptions};
use wamp_core::{Arguments, Client, MatchPolicy, Session};
use wamp_tests::typed::Logged;
use wamp_tests::{unique, within, Crossbar, Target};

/// Every test of this binary exports into one in-memory exporter, installed once as the global
/// subscriber (the sessions' driver tasks run on other threads).
fn exporter() -> InMemorySpanExporter {
    static INSTALLED: OnceLock<(InMemorySpanExporter, SdkTracerProvider)> = OnceLock::new();
    let (exporter, _) = INSTALLED.get_or_init(|| {
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let tracer = provider.tracer("wamp-tests");
        let subscriber =
            tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(tracer));
        tracing::subscriber::set_global_default(subscriber).unwrap();
        (exporter, provider)
    });
    exporter.clone()
}

/// The finished span whose `key` attribute is `value`, waiting for it to be exported.
async fn span_with(exporter: &InMemorySpanExporter, key: &str, value: &str) -> SpanData {
    within(async {
        loop {
            let found = exporter
                .get_finished_spans()
                .unwrap()
                .into_iter()
                .find(|s| {
                    s.attributes.iter().any(|kv| {
                        kv.key.as_str() == key && kv.value == OtelValue::from(value.to_owned())
                    })
                });
            if let Some(span) = found {
                return span;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
}

/// The finished span with attribute `tag`.
async fn tagged(exporter: &InMemorySpanExporter, tag: &str) -> SpanData {
    span_with(exporter, "tag", tag).await
}

/// Where a trace went: the caller's trace and span, the callee's trace and parent.
fn link(caller: &SpanData, callee: &SpanData) -> (TraceId, SpanId, TraceId, SpanId) {
    (
        caller.span_context.trace_id(),
        caller.span_context.span_id(),
        callee.span_context.trace_id(),
        callee.parent_span_id,
    )
}

/// The callee's span is in the caller's trace, under the caller's span: its parent is the
/// caller's span or a span below it (the client's own `wamp_call` span, at debug level).
fn assert_one_trace(exporter: &InMemorySpanExporter, caller: &SpanData, callee: &SpanData) {
    let (trace, span, callee_trace, mut parent) = link(caller, callee);
    assert_eq!(
        callee_trace, trace,
        "the callee's span is in the caller's trace"
    );
    assert!(callee.parent_span_is_remote);
    let spans = exporter.get_finished_spans().unwrap();
    let mut path = Vec::new();
    while parent != span {
        let Some(above) = spans.iter().find(|s| s.span_context.span_id() == parent) else {
            panic!("the callee's parent is not below the caller's span (path {path:?})");
        };
        path.push(above.name.to_string());
        parent = above.parent_span_id;
    }
}

/// A raw callee at a unique URI that reports whether the context arrived in the details and
/// which keyword arguments the handler saw.
async fn serve(callee: &Session, tx: mpsc::UnboundedSender<(bool, Vec<String>)>) -> String {
    let uri = unique("com.trace.echo");
    let registration = callee
        .register(&uri, move |invocation: Invocation| {
            let tx = tx.clone();
            async move {
                let in_details = invocation.details.contains_key(TRACEPARENT);
                let kwargs = invocation.arguments.kwargs.keys().cloned().collect();
                tx.send((in_details, kwargs)).ok();
                Ok(Arguments::default())
            }
        })
        .await
        .unwrap();
    std::mem::forget(registration);
    uri
}

/// A call and an event, each inside a span, through `cb`; `stripped` says whether the router
/// drops the options (then the context must come through the kwargs, if `in_payload`).
async fn propagation(cb: &Crossbar, stripped: bool, in_payload: bool) {
    let exporter = exporter();
    let callee = Client::new(&cb.ws, &cb.realm).connect().await.unwrap();
    let mut caller = Client::new(&cb.ws, &cb.realm);
    if in_payload {
        caller = caller.trace_in_payload();
    }
    let caller = caller.connect().await.unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let uri = serve(&callee, tx).await;

    let tag = unique("call");
    async {
        caller
            .call(&uri)
            .kwargs(&serde_json::json!({"x": 1}))
            .await
            .unwrap();
    }
    .instrument(tracing::info_span!("caller", tag = %tag))
    .await;
    let (in_details, kwargs) = within(rx.recv()).await.unwrap();
    assert_eq!(
        in_details,
        !stripped || in_payload,
        "the context in the details"
    );
    assert_eq!(kwargs, ["x"], "the handler never sees the context's kwargs");
    let caller_span = tagged(&exporter, &tag).await;
    let callee_span = span_with(&exporter, "procedure", &uri).await;
    if stripped && !in_payload {
        let (trace, _, callee_trace, _) = link(&caller_span, &callee_span);
        assert_ne!(
            callee_trace, trace,
            "a router that strips the options cuts the trace"
        );
    } else {
        assert_one_trace(&exporter, &caller_span, &callee_span);
    }

    // An event: the handler runs in a span of the publisher's trace.
    let topic = unique("com.trace.log");
    let (etx, mut erx) = mpsc::unbounded_channel();
    let mut handlers = Subscriptions::default();
    handlers
        .add(
            &callee,
            &topic,
            MatchPolicy::Exact,
            move |event: Logged, _: EventDetails| {
                let etx = etx.clone();
                async move {
                    etx.send(event.0).ok();
                    Ok(())
                }
            },
        )
        .await
        .unwrap();
    let tag = unique("publish");
    async {
        caller
            .publish(&topic)
            .args(&("traced", 1))
            .acknowledge()
            .await
            .unwrap();
    }
    .instrument(tracing::info_span!("publisher", tag = %tag))
    .await;
    assert_eq!(within(erx.recv()).await.unwrap(), "traced");
    let publisher_span = tagged(&exporter, &tag).await;
    let handler_span = span_with(&exporter, "topic", &topic).await;
    if stripped && !in_payload {
        let (trace, _, handler_trace, _) = link(&publisher_span, &handler_span);
        assert_ne!(handler_trace, trace);
    } else {
        assert_one_trace(&exporter, &publisher_span, &handler_span);
    }
    drop(handlers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_the_embedded_router_in_the_options() {
    let routed = wamp_tests::target(Target::Embedded).await.unwrap();
    propagation(&routed.endpoints, false, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_the_embedded_router_in_the_payload_too() {
    let routed = wamp_tests::target(Target::Embedded).await.unwrap();
    propagation(&routed.endpoints, false, true).await;
}

/// Crossbar strips the options (the trace is cut), and carries the kwargs (one trace).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_crossbar() {
    let Some(routed) = wamp_tests::target(Target::Crossbar).await else {
        return;
    };
    propagation(&routed.endpoints, true, false).await;
    propagation(&routed.endpoints, true, true).await;
}
