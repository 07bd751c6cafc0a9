//! The router's metrics, in the OpenMetrics text format (with [`prometheus_client`]): what
//! `GET /metrics` answers on a listener with [`Listener::metrics`](crate::Listener::metrics),
//! and what [`Router::metrics`](crate::Router::metrics) returns.
//!
//! | metric | type | labels | what it counts |
//! |---|---|---|---|
//! | `wamp_sessions` | gauge | `realm` | joined sessions |
//! | `wamp_registrations`, `wamp_subscriptions` | gauge | `realm` | what the realm holds |
//! | `wamp_calls_in_flight` | gauge | `realm` | calls waiting for their callee |
//! | `wamp_outbound_queue_max_messages`, `wamp_outbound_queue_max_bytes` | gauge | `realm` | the deepest outbound queue of any session |
//! | `wamp_messages_received_total`, `wamp_messages_sent_total` | counter | `type` | messages by type (`CALL`, `EVENT`...) over every connection |
//! | `wamp_calls_total` | counter | `realm`, `procedure` | CALLs (a progressive call counts once) |
//! | `wamp_call_errors_total` | counter | `realm`, `procedure`, `error` | calls answered with an ERROR |
//! | `wamp_call_duration_seconds` | histogram | `realm`, `procedure` | from CALL to its final RESULT or ERROR |
//! | `wamp_slow_consumers_total` | counter | `realm` | sessions ended as slow consumers |
//! | `wamp_auth_failures_total` | counter | `realm`, `reason` | sessions refused while joining, by ABORT reason |
//!
//! **Bounded labels.** Procedures and error URIs come from the network. Only the first
//! [`MAX_URI_LABELS`] distinct ones become label values; calls to any other are counted under
//! [`OTHER`], so a peer that calls endless distinct URIs cannot grow the router's memory or the
//! scrape. Realms are the configured ones; an unknown realm is never a label.

use std::collections::{HashMap, HashSet};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;

use futures::{Sink, Stream};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use wamp_core::message::{code, keys, type_name};
use wamp_core::transport::{BoxTransport, TransportError};
use wamp_core::{Id, Message, Value};

use crate::realm::{Realm, RealmStats};

/// How many distinct procedures (and, apart, error URIs) become label values.
pub const MAX_URI_LABELS: usize = 1_000;

/// The label value of the procedures and errors past [`MAX_URI_LABELS`].
pub const OTHER: &str = "(other)";

/// The media type of the OpenMetrics text format.
pub(crate) const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RealmLabel {
    realm: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TypeLabel {
    r#type: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    realm: String,
    procedure: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    realm: String,
    procedure: String,
    error: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    realm: String,
    reason: String,
}

type Gauges = Family<RealmLabel, Gauge>;

/// What a realm gauge shows, read from the realm's stats.
type Read = fn(&RealmStats) -> usize;

/// The gauges read from each realm's stats when scraped: name, help, and the count they show.
const REALM_GAUGES: [(&str, &str, Read); 6] = [
    ("wamp_sessions", "Joined sessions", |s| s.sessions),
    ("wamp_registrations", "Registrations", |s| s.registrations),
    ("wamp_subscriptions", "Subscriptions", |s| s.subscriptions),
    (
        "wamp_calls_in_flight",
        "Calls waiting for their callee's answer",
        |s| s.pending_calls,
    ),
    (
        "wamp_outbound_queue_max_messages",
        "The longest outbound queue of any session, in messages",
        |s| s.max_queued,
    ),
    (
        "wamp_outbound_queue_max_bytes",
        "The most bytes waiting in any session's outbound queue",
        |s| s.max_queued_bytes,
    ),
];

fn call_histogram() -> Histogram {
    // 100 µs to about 15 s.
    Histogram::new(exponential_buckets(0.000_1, 2.5, 14))
}

/// Every metric of one router.
pub(crate) struct Metrics {
    registry: Registry,
    /// Each of [`REALM_GAUGES`], with what it reads.
    realms: Vec<(Gauges, Read)>,
    /// Indexed by message type code.
    received: Vec<Option<Counter>>,
    sent: Vec<Option<Counter>>,
    calls: Family<CallLabels, Counter>,
    call_errors: Family<ErrorLabels, Counter>,
    call_seconds: Family<CallLabels, Histogram, fn() -> Histogram>,
    slow_consumers: Family<RealmLabel, Counter>,
    auth_failures: Family<ReasonLabels, Counter>,
    /// The procedures and the error URIs admitted as label values.
    procedures: Mutex<HashSet<String>>,
    errors: Mutex<HashSet<String>>,
    realm_names: HashSet<String>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// The counters of each message type code, registered under `family`.
fn by_type(family: &Family<TypeLabel, Counter>) -> Vec<Option<Counter>> {
    // EVENT_RECEIVED (337) is the highest type code.
    (0..=code::EVENT_RECEIVED)
        .map(|c| {
            let name = type_name(c);
            (name != "UNKNOWN").then(|| family.get_or_create_owned(&TypeLabel { r#type: name }))
        })
        .collect()
}

/// Admits `uri` as a label value while fewer than [`MAX_URI_LABELS`] are; else [`OTHER`].
fn admitted(set: &Mutex<HashSet<String>>, uri: &str) -> String {
    let mut set = set.lock().unwrap_or_else(PoisonError::into_inner);
    if set.contains(uri) {
        return uri.to_owned();
    }
    if set.len() < MAX_URI_LABELS {
        set.insert(uri.to_owned());
        return uri.to_owned();
    }
    OTHER.to_owned()
}

impl Metrics {
    /// The metrics of a router with these realms (each realm's series exist from the start).
    pub(crate) fn new<'a>(realms: impl IntoIterator<Item = &'a str>) -> Self {
        let mut registry = Registry::default();
        let received = Family::<TypeLabel, Counter>::default();
        let sent = Family::<TypeLabel, Counter>::default();
        let calls = Family::<CallLabels, Counter>::default();
        let call_errors = Family::<ErrorLabels, Counter>::default();
        let call_seconds: Family<CallLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(call_histogram);
        let slow_consumers = Family::<RealmLabel, Counter>::default();
        let auth_failures = Family::<ReasonLabels, Counter>::default();
        let r = &mut registry;
        let mut gauges = Vec::new();
        for (name, help, read) in REALM_GAUGES {
            let family = Gauges::default();
            r.register(name, help, family.clone());
            gauges.push((family, read));
        }
        r.register(
            "wamp_messages_received",
            "Messages received, by type",
            received.clone(),
        );
        r.register("wamp_messages_sent", "Messages sent, by type", sent.clone());
        r.register("wamp_calls", "Calls, by procedure", calls.clone());
        r.register(
            "wamp_call_errors",
            "Calls answered with an ERROR, by procedure and error URI",
            call_errors.clone(),
        );
        r.register(
            "wamp_call_duration_seconds",
            "Time from CALL to its final RESULT or ERROR",
            call_seconds.clone(),
        );
        r.register(
            "wamp_slow_consumers",
            "Sessions ended because they did not read what was sent to them",
            slow_consumers.clone(),
        );
        r.register(
            "wamp_auth_failures",
            "Sessions refused while joining, by ABORT reason",
            auth_failures.clone(),
        );
        let realm_names: HashSet<String> = realms.into_iter().map(str::to_owned).collect();
        for realm in &realm_names {
            let label = RealmLabel {
                realm: realm.clone(),
            };
            let _ = slow_consumers.get_or_create(&label);
        }
        Self {
            registry,
            realms: gauges,
            received: by_type(&received),
            sent: by_type(&sent),
            calls,
            call_errors,
            call_seconds,
            slow_consumers,
            auth_failures,
            procedures: Mutex::default(),
            errors: Mutex::default(),
            realm_names,
        }
    }

    /// A session of `realm` was ended as a slow consumer.
    pub(crate) fn slow_consumer(&self, realm: &str) {
        self.slow_consumers
            .get_or_create(&RealmLabel {
                realm: realm.to_owned(),
            })
            .inc();
    }

    /// A client was refused joining `realm` with ABORT `reason` (not counted for an unknown
    /// realm: its name came from the client).
    pub(crate) fn auth_failure(&self, realm: &str, reason: &str) {
        if !self.realm_names.contains(realm) {
            return;
        }
        let labels = ReasonLabels {
            realm: realm.to_owned(),
            reason: admitted(&self.errors, reason),
        };
        self.auth_failures.get_or_create(&labels).inc();
    }

    /// The OpenMetrics text of every metric now, reading the realms' gauges first.
    pub(crate) fn encode(&self, realms: &HashMap<String, Arc<Realm>>) -> String {
        for (name, realm) in realms {
            let stats = realm.stats();
            let label = RealmLabel {
                realm: name.clone(),
            };
            let set = |gauges: &Gauges, n: usize| {
                gauges
                    .get_or_create(&label)
                    .set(i64::try_from(n).unwrap_or(i64::MAX));
            };
            for (gauges, read) in &self.realms {
                set(gauges, read(&stats));
            }
        }
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// The series of one procedure, kept by each connection that calls it.
#[derive(Clone)]
struct CallSeries {
    labels: CallLabels,
    calls: Counter,
    seconds: Histogram,
}

/// A transport that counts what passes: messages by type, and each call from its CALL to its
/// final RESULT or ERROR.
pub(crate) struct Metered {
    inner: BoxTransport,
    metrics: Arc<Metrics>,
    /// The realm, once HELLO named a configured one.
    realm: Option<String>,
    /// Calls of this session in flight, by CALL request ID.
    calls: HashMap<Id, (CallSeries, Instant)>,
    /// The series of the procedures this session called.
    series: HashMap<String, CallSeries>,
}

impl Metered {
    pub(crate) fn new(inner: BoxTransport, metrics: Arc<Metrics>) -> Self {
        Self {
            inner,
            metrics,
            realm: None,
            calls: HashMap::new(),
            series: HashMap::new(),
        }
    }

    fn count(counters: &[Option<Counter>], message: &Message) {
        let code = usize::try_from(message.code()).unwrap_or(usize::MAX);
        if let Some(Some(counter)) = counters.get(code) {
            counter.inc();
        }
    }

    fn received(&mut self, message: &Message) {
        Self::count(&self.metrics.received, message);
        match message {
            Message::Hello(hello) if self.metrics.realm_names.contains(&hello.realm) => {
                self.realm = Some(hello.realm.clone());
            }
            // A later chunk of a progressive call reuses the request ID: counted once.
            Message::Call(call) if !self.calls.contains_key(&call.request) => {
                let Some(realm) = &self.realm else { return };
                let series = match self.series.get(&call.procedure) {
                    Some(series) => series.clone(),
                    None => {
                        let labels = CallLabels {
                            realm: realm.clone(),
                            procedure: admitted(&self.metrics.procedures, &call.procedure),
                        };
                        let series = CallSeries {
                            calls: self.metrics.calls.get_or_create_owned(&labels),
                            seconds: self.metrics.call_seconds.get_or_create_owned(&labels),
                            labels,
                        };
                        self.series.insert(call.procedure.clone(), series.clone());
                        series
                    }
                };
                series.calls.inc();
                self.calls.insert(call.request, (series, Instant::now()));
            }
            _ => {}
        }
    }

    fn sent(&mut self, message: &Message) {
        Self::count(&self.metrics.sent, message);
        let (request, error) = match message {
            Message::Result(result)
                if !matches!(result.details.get(keys::PROGRESS), Some(Value::Bool(true))) =>
            {
                (result.request, None)
            }
            Message::Error(e) if e.request_type == code::CALL => (e.request, Some(&e.error)),
            _ => return,
        };
        let Some((series, started)) = self.calls.remove(&request) else {
            return;
        };
        series.seconds.observe(started.elapsed().as_secs_f64());
        if let Some(error) = error {
            let labels = ErrorLabels {
                realm: series.labels.realm.clone(),
                procedure: series.labels.procedure.clone(),
                error: admitted(&self.metrics.errors, error),
            };
            self.metrics.call_errors.get_or_create(&labels).inc();
        }
    }
}

impl Stream for Metered {
    type Item = Result<Message, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(Some(Ok(message))) = &polled {
            self.received(message);
        }
        polled
    }
}

impl Sink<Message> for Metered {
    type Error = TransportError;

    fn poll_ready(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Pin::new(&mut self.inner).poll_ready(cx)
    }

    fn start_send(mut self: Pin<&mut Self>, message: Message) -> Result<(), Self::Error> {
        self.sent(&message);
        Pin::new(&mut self.inner).start_send(message)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_labels_are_bounded() {
        let set = Mutex::default();
        for n in 0..MAX_URI_LABELS {
            assert_eq!(
                admitted(&set, &format!("com.app.p{n}")),
                format!("com.app.p{n}")
            );
        }
        assert_eq!(admitted(&set, "com.app.one_more"), OTHER);
        assert_eq!(
            admitted(&set, "com.app.p7"),
            "com.app.p7",
            "admitted ones stay"
        );
    }

    #[test]
    fn every_message_type_has_its_counters() {
        let metrics = Metrics::new(["realm1"]);
        let named = metrics.received.iter().filter(|c| c.is_some()).count();
        assert_eq!(named, 25, "the spec's 25 message types");
        let text = metrics.encode(&HashMap::new());
        assert!(text.contains("wamp_messages_sent_total{type=\"EVENT_RECEIVED\"} 0"));
        assert!(text.contains("wamp_slow_consumers_total{realm=\"realm1\"} 0"));
    }
}
