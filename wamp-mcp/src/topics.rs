//! The described topics as MCP resources: the bridge subscribes to each and keeps its latest
//! events, which a `resources/read` of `wamp:topic/<uri>` answers.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use futures::StreamExt;
use rmcp::model::{Resource, ResourceContents};
use serde_json::{json, Map, Value as Json};
use wamp_core::describe::{ServiceDescription, TopicDescription};
use wamp_core::{MatchPolicy, Session};

use crate::to_json;

/// The scheme and path that name a topic's resource: `wamp:topic/com.app.event`.
pub const RESOURCE_PREFIX: &str = "wamp:topic/";
/// The most events kept per topic (the oldest go first).
pub const KEPT_EVENTS: usize = 100;
/// The most bytes of events (as JSON text) kept per topic; an event larger than this alone is
/// kept without its payload.
pub const KEPT_BYTES: usize = 256 * 1024;
/// The most topics watched (a realm cannot make the bridge subscribe without bound).
const MAX_TOPICS: usize = 1_000;

/// The topics watched and their latest events. [`Bridge::refresh`](crate::Bridge::refresh)
/// reads one description at a time, so a topic is never subscribed twice.
#[derive(Debug, Default)]
pub struct Topics {
    watched: Mutex<HashMap<String, Watched>>,
}

/// One watched topic.
#[derive(Debug)]
struct Watched {
    /// What `resources/list` says of it.
    resource: Resource,
    /// The latest events, oldest first.
    events: Arc<Mutex<Kept>>,
}

/// A topic's latest events as JSON texts, within [`KEPT_EVENTS`] and [`KEPT_BYTES`].
#[derive(Debug, Default)]
struct Kept {
    events: VecDeque<String>,
    bytes: usize,
}

impl Kept {
    fn push(&mut self, entry: Json) {
        let mut text = entry.to_string();
        if text.len() > KEPT_BYTES {
            let omitted = json!({
                "topic": entry.get("topic"),
                "publication": entry.get("publication"),
                "omitted": format!("a payload of {} bytes", text.len()),
            });
            text = omitted.to_string();
        }
        while self.events.len() >= KEPT_EVENTS || self.bytes + text.len() > KEPT_BYTES {
            let Some(oldest) = self.events.pop_front() else {
                break;
            };
            self.bytes -= oldest.len();
        }
        self.bytes += text.len();
        self.events.push_back(text);
    }
}

impl Topics {
    /// Subscribes to the topics of `service` not watched yet; answers the failures (a topic
    /// the session may not subscribe to is left out).
    pub(crate) async fn watch(
        &self,
        session: &Session,
        service: &ServiceDescription,
    ) -> Vec<String> {
        let mut failures = Vec::new();
        for topic in &service.topics {
            if topic.encrypted || self.lock().contains_key(&topic.uri) {
                continue;
            }
            if self.lock().len() >= MAX_TOPICS {
                failures.push(format!("{}: more than {MAX_TOPICS} topics", topic.uri));
                continue;
            }
            // A captured component `{name}` is a wildcard's empty component.
            let (uri, policy) = match topic.uri.contains('{') {
                true => (wildcard(&topic.uri), MatchPolicy::Wildcard),
                false => (topic.uri.clone(), MatchPolicy::Exact),
            };
            let mut subscription = match session.subscribe(uri).match_policy(policy).await {
                Ok(subscription) => subscription,
                Err(e) => {
                    failures.push(format!("{}: {e}", topic.uri));
                    continue;
                }
            };
            let events = Arc::new(Mutex::new(Kept::default()));
            let kept = Arc::clone(&events);
            let uri_for_log = topic.uri.clone();
            tokio::spawn(async move {
                while let Some(event) = subscription.next().await {
                    let event = match event {
                        Ok(event) => event,
                        Err(problem) => {
                            tracing::warn!("{uri_for_log}: {problem}");
                            continue;
                        }
                    };
                    let entry = json!({
                        "topic": event.topic,
                        "publication": event.publication,
                        "args": event.arguments.args.iter().map(to_json).collect::<Vec<_>>(),
                        "kwargs": event.arguments.kwargs.iter()
                            .map(|(k, v)| (k.clone(), to_json(v)))
                            .collect::<Map<_, _>>(),
                    });
                    kept.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(entry);
                }
            });
            let resource = resource(service, topic);
            self.lock()
                .insert(topic.uri.clone(), Watched { resource, events });
        }
        failures
    }

    /// Every watched topic's resource, sorted by URI.
    pub fn resources(&self) -> Vec<Resource> {
        let mut resources: Vec<Resource> =
            self.lock().values().map(|w| w.resource.clone()).collect();
        resources.sort_by(|a, b| a.uri.cmp(&b.uri));
        resources
    }

    /// The contents of the resource `uri`: `{"topic", "events": [...]}`, oldest first.
    pub fn read(&self, uri: &str) -> Option<ResourceContents> {
        let topic = uri.strip_prefix(RESOURCE_PREFIX)?;
        let events = Arc::clone(&self.lock().get(topic)?.events);
        let events = events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .events
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(",");
        let text = format!("{{\"topic\":{},\"events\":[{events}]}}", json!(topic));
        Some(ResourceContents::text(text, uri).with_mime_type("application/json"))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Watched>> {
        self.watched.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The resource of a topic.
fn resource(service: &ServiceDescription, topic: &TopicDescription) -> Resource {
    let schema = match (&topic.args, &topic.kwargs) {
        (Some(args), None) => json!({ "args": args }),
        (None, Some(kwargs)) => json!({ "kwargs": kwargs }),
        (args, kwargs) => json!({ "args": args, "kwargs": kwargs }),
    };
    let mut text = if topic.docs.is_empty() {
        format!("The events of {}.", topic.uri)
    } else {
        topic.docs.clone()
    };
    text.push_str(&format!(
        "\n\nThe latest {KEPT_EVENTS} events, oldest first. Payload schema: {schema}"
    ));
    Resource::new(format!("{RESOURCE_PREFIX}{}", topic.uri), topic.uri.clone())
        .with_title(format!("{} {}", service.name, topic.name))
        .with_description(text)
        .with_mime_type("application/json")
}

/// `com.app.{room}.said` as the wildcard pattern `com.app..said`.
fn wildcard(uri: &str) -> String {
    uri.split('.')
        .map(|c| {
            if c.starts_with('{') && c.ends_with('}') {
                ""
            } else {
                c
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}
