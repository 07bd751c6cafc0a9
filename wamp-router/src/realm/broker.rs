//! The broker: subscriptions (exact, prefix, wildcard) and event dispatch with subscriber
//! black/white listing, publisher exclusion and identification, acknowledgement, retention and
//! event history.

use std::collections::HashMap;

use wamp_core::message::{code, keys, passthru, uris, Event, Payload, Published};
use wamp_core::message::{Subscribe, Subscribed};
use wamp_core::message::{Unsubscribe, Unsubscribed};
use wamp_core::{Dict, Id, MatchPolicy, Message, Value};

use super::history::{History, HistoryRule, Readers};
use super::membership::{Group, Groups, Kind};
use super::options::{flag, id, id_list, policy, text_list, text_value};
use super::sessions::{disclose_me, SessionEntry, Sessions};
use super::{error, random_id, MetaEvents, Violation};
use crate::matching;

/// A subscription: its subscribers are sessions.
pub(crate) type Subscription = Group<Id, ()>;

/// Who may receive a publication: the PUBLISH options `exclude_me`, `exclude*` and `eligible*`.
#[derive(Debug, Clone, Default)]
struct Audience {
    publisher: Option<Id>,
    exclude_me: bool,
    exclude: Vec<Id>,
    exclude_authid: Vec<String>,
    exclude_authrole: Vec<String>,
    eligible: Option<Vec<Id>>,
    eligible_authid: Option<Vec<String>>,
    eligible_authrole: Option<Vec<String>>,
}

impl Audience {
    fn from_options(publisher: Id, options: &Dict) -> Self {
        Self {
            publisher: Some(publisher),
            exclude_me: flag(options, keys::EXCLUDE_ME).unwrap_or(true),
            exclude: id_list(options, keys::EXCLUDE).unwrap_or_default(),
            exclude_authid: text_list(options, keys::EXCLUDE_AUTHID).unwrap_or_default(),
            exclude_authrole: text_list(options, keys::EXCLUDE_AUTHROLE).unwrap_or_default(),
            eligible: id_list(options, keys::ELIGIBLE),
            eligible_authid: text_list(options, keys::ELIGIBLE_AUTHID),
            eligible_authrole: text_list(options, keys::ELIGIBLE_AUTHROLE),
        }
    }

    fn admits(&self, s: &SessionEntry) -> bool {
        let (authid, authrole) = (&s.identity.authid, &s.identity.authrole);
        let excluded = (self.exclude_me && self.publisher == Some(s.id))
            || self.exclude.contains(&s.id)
            || self.exclude_authid.contains(authid)
            || self.exclude_authrole.contains(authrole);
        !excluded
            && self.eligible.as_ref().is_none_or(|l| l.contains(&s.id))
            && self
                .eligible_authid
                .as_ref()
                .is_none_or(|l| l.contains(authid))
            && self
                .eligible_authrole
                .as_ref()
                .is_none_or(|l| l.contains(authrole))
    }
}

/// The last event published with `retain: true` on a topic.
#[derive(Debug)]
struct Retained {
    publication: Id,
    details: Dict,
    audience: Audience,
    payload: Payload,
}

/// Subscriptions, retained events and event history.
#[derive(Debug)]
pub(crate) struct Broker {
    pub(crate) subscriptions: Groups<Id, ()>,
    retained: HashMap<String, Retained>,
    pub(crate) history: History,
}

impl Broker {
    /// A broker keeping history for `history`'s topics.
    pub(crate) fn new(history: &[HistoryRule]) -> Self {
        Self {
            subscriptions: Groups::new(Kind::Subscription),
            retained: HashMap::new(),
            history: History::new(history),
        }
    }

    pub(crate) fn subscribe(
        &mut self,
        sessions: &mut Sessions,
        meta: &mut MetaEvents,
        session: Id,
        msg: Subscribe,
    ) -> Result<(), Violation> {
        // An implementation-specific value this router does not implement fails the request.
        let exact = MatchPolicy::Exact;
        let Some(matching) = policy(&msg.options, keys::MATCH, exact, MatchPolicy::parse)? else {
            let why = "unknown match policy";
            let reply = error(code::SUBSCRIBE, msg.request, uris::INVALID_ARGUMENT, why);
            sessions.send(session, reply);
            return Ok(());
        };
        let sub_id = match self.subscriptions.find(matching, &msg.topic) {
            Some(existing) => {
                self.subscriptions.join(meta, existing, session);
                existing
            }
            None => self.subscriptions.create(
                meta,
                &msg.topic,
                matching,
                session,
                (),
                Subscription::details,
            ),
        };
        sessions.send(
            session,
            Message::Subscribed(Subscribed {
                request: msg.request,
                subscription: sub_id,
            }),
        );
        if flag(&msg.options, keys::GET_RETAINED).unwrap_or(false) {
            self.send_retained(sessions, session, sub_id);
        }
        Ok(())
    }

    fn send_retained(&self, sessions: &mut Sessions, session: Id, sub_id: Id) {
        let Some(sub) = self.subscriptions.get(sub_id) else {
            return;
        };
        let Some(entry) = sessions.get(session) else {
            return;
        };
        let mut events = Vec::new();
        for (topic, r) in &self.retained {
            if matching::matches(sub.policy, &sub.uri, topic) && r.audience.admits(entry) {
                let mut details = r.details.clone();
                details.insert(keys::RETAINED.into(), Value::Bool(true));
                if sub.policy != MatchPolicy::Exact {
                    details.insert(keys::TOPIC.into(), Value::Text(topic.clone()));
                }
                events.push(Message::Event(Event {
                    subscription: sub_id,
                    publication: r.publication,
                    details,
                    payload: r.payload.clone(),
                }));
            }
        }
        for event in events {
            sessions.send(session, event);
        }
    }

    pub(crate) fn unsubscribe(
        &mut self,
        sessions: &mut Sessions,
        meta: &mut MetaEvents,
        session: Id,
        msg: Unsubscribe,
    ) {
        if self.subscriptions.detach(meta, session, msg.subscription) {
            sessions.send(
                session,
                Message::Unsubscribed(Unsubscribed {
                    request: msg.request,
                    details: None,
                }),
            );
        } else {
            sessions.send(
                session,
                error(
                    code::UNSUBSCRIBE,
                    msg.request,
                    uris::NO_SUCH_SUBSCRIPTION,
                    "no such subscription of this session",
                ),
            );
        }
    }

    /// A PUBLISH from a session (already authorized).
    pub(crate) fn publish(
        &mut self,
        sessions: &mut Sessions,
        session: Id,
        request: Id,
        options: &Dict,
        topic: &str,
        payload: Payload,
    ) {
        let audience = Audience::from_options(session, options);
        let mut details = Dict::new();
        // Subscribers are not checked for the dialect: the spec leaves that to them.
        passthru::forward(options, &mut details);
        // The publisher's trace context (`_traceparent`, `_tracestate`), when well formed.
        wamp_core::trace::forward(options, &mut details);
        if disclose_me(options) {
            if let Some(publisher) = sessions.identity(session) {
                details.insert(keys::PUBLISHER.into(), id(session));
                details.insert(keys::PUBLISHER_AUTHID.into(), text_value(&publisher.authid));
                details.insert(
                    keys::PUBLISHER_AUTHROLE.into(),
                    text_value(&publisher.authrole),
                );
            }
        }
        let publication = self.dispatch(sessions, topic, &audience, &details, &payload);
        // Session lists do not outlive their sessions: such events are not kept (the spec).
        if audience.exclude.is_empty() && audience.eligible.is_none() {
            let readers = Readers {
                exclude_authid: audience.exclude_authid.clone(),
                exclude_authrole: audience.exclude_authrole.clone(),
                eligible_authid: audience.eligible_authid.clone(),
                eligible_authrole: audience.eligible_authrole.clone(),
            };
            self.history
                .record(topic, publication, &details, &payload, readers);
        }
        if flag(options, keys::RETAIN).unwrap_or(false) {
            self.retained.insert(
                topic.to_owned(),
                Retained {
                    publication,
                    details,
                    audience,
                    payload,
                },
            );
        }
        if flag(options, keys::ACKNOWLEDGE).unwrap_or(false) {
            sessions.send(
                session,
                Message::Published(Published {
                    request,
                    publication,
                }),
            );
        }
    }

    /// Publishes a meta event from the router itself.
    pub(crate) fn publish_meta(&mut self, sessions: &mut Sessions, topic: &str, args: Vec<Value>) {
        let payload = Payload::Arguments(wamp_core::Arguments::new(args, Dict::new()));
        self.dispatch(
            sessions,
            topic,
            &Audience::default(),
            &Dict::new(),
            &payload,
        );
    }

    /// Sends one EVENT per matching subscription and admitted subscriber; answers the
    /// publication ID.
    fn dispatch(
        &self,
        sessions: &mut Sessions,
        topic: &str,
        audience: &Audience,
        details: &Dict,
        payload: &Payload,
    ) -> Id {
        let publication = random_id(|_| false);
        for sub_id in self.subscriptions.table.all_matches(topic) {
            let Some(sub) = self.subscriptions.get(sub_id) else {
                continue;
            };
            let mut details = details.clone();
            if sub.policy != MatchPolicy::Exact {
                details.insert(keys::TOPIC.into(), Value::Text(topic.to_owned()));
            }
            for subscriber in sub.sessions() {
                if !sessions.get(subscriber).is_some_and(|s| audience.admits(s)) {
                    continue;
                }
                sessions.send(
                    subscriber,
                    Message::Event(Event {
                        subscription: sub_id,
                        publication,
                        details: details.clone(),
                        payload: payload.clone(),
                    }),
                );
            }
        }
        publication
    }
}
