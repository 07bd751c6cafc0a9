//! The broker: subscriptions (exact, prefix, wildcard) and event dispatch with subscriber
//! black/white listing, publisher exclusion and identification, acknowledgement and retention.

use std::collections::HashMap;

use wamp_core::message::{
    code, Event, Payload, Published, Subscribe, Subscribed, Unsubscribe, Unsubscribed,
};
use wamp_core::{Dict, Id, MatchPolicy, Message, Value};

use super::dealer::parse_match;
use super::options::{dict, flag, id, id_list, text_list, text_value};
use super::sessions::{disclose_me, SessionEntry, Sessions};
use super::{error, random_id, MetaEvents};
use crate::matching::{self, UriTable};

#[derive(Debug)]
pub(crate) struct Subscription {
    pub(crate) id: Id,
    pub(crate) uri: String,
    pub(crate) policy: MatchPolicy,
    pub(crate) created: String,
    pub(crate) subscribers: Vec<Id>,
}

impl Subscription {
    /// The details the subscription meta API gives.
    pub(crate) fn details(&self) -> Value {
        wamp_core::value::dict_to_value(dict([
            ("id", id(self.id)),
            ("created", text_value(&self.created)),
            ("uri", text_value(&self.uri)),
            ("match", text_value(self.policy.name())),
        ]))
    }
}

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
            exclude_me: flag(options, "exclude_me").unwrap_or(true),
            exclude: id_list(options, "exclude").unwrap_or_default(),
            exclude_authid: text_list(options, "exclude_authid").unwrap_or_default(),
            exclude_authrole: text_list(options, "exclude_authrole").unwrap_or_default(),
            eligible: id_list(options, "eligible"),
            eligible_authid: text_list(options, "eligible_authid"),
            eligible_authrole: text_list(options, "eligible_authrole"),
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

/// Subscriptions and retained events.
#[derive(Debug, Default)]
pub(crate) struct Broker {
    pub(crate) table: UriTable,
    pub(crate) subscriptions: HashMap<Id, Subscription>,
    retained: HashMap<String, Retained>,
}

impl Broker {
    pub(crate) fn subscribe(
        &mut self,
        sessions: &mut Sessions,
        meta: &mut MetaEvents,
        session: Id,
        msg: Subscribe,
    ) {
        let Some(policy) = parse_match(&msg.options) else {
            return sessions.send(
                session,
                error(
                    code::SUBSCRIBE,
                    msg.request,
                    wamp_core::error::uris::INVALID_ARGUMENT,
                    "unknown match policy",
                ),
            );
        };
        let sub_id = match self.table.get(policy, &msg.topic) {
            Some(existing) => existing,
            None => {
                let sub_id = random_id(|id| self.subscriptions.contains_key(&id));
                let sub = Subscription {
                    id: sub_id,
                    uri: msg.topic.clone(),
                    policy,
                    created: crate::timestamp::now(),
                    subscribers: Vec::new(),
                };
                meta.push((
                    "wamp.subscription.on_create",
                    vec![id(session), sub.details()],
                ));
                self.table.insert(policy, &msg.topic, sub_id);
                self.subscriptions.insert(sub_id, sub);
                sub_id
            }
        };
        let Some(sub) = self.subscriptions.get_mut(&sub_id) else {
            return;
        };
        let added = !sub.subscribers.contains(&session);
        if added {
            sub.subscribers.push(session);
        }
        sessions.send(
            session,
            Message::Subscribed(Subscribed {
                request: msg.request,
                subscription: sub_id,
            }),
        );
        if added {
            meta.push((
                "wamp.subscription.on_subscribe",
                vec![id(session), id(sub_id)],
            ));
        }
        if flag(&msg.options, "get_retained").unwrap_or(false) {
            self.send_retained(sessions, session, sub_id);
        }
    }

    fn send_retained(&self, sessions: &mut Sessions, session: Id, sub_id: Id) {
        let Some(sub) = self.subscriptions.get(&sub_id) else {
            return;
        };
        let Some(entry) = sessions.get(session) else {
            return;
        };
        let mut events = Vec::new();
        for (topic, r) in &self.retained {
            if matching::matches(sub.policy, &sub.uri, topic) && r.audience.admits(entry) {
                let mut details = r.details.clone();
                details.insert("retained".into(), Value::Bool(true));
                if sub.policy != MatchPolicy::Exact {
                    details.insert("topic".into(), Value::Text(topic.clone()));
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
        if self.detach(meta, session, msg.subscription) {
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
                    "wamp.error.no_such_subscription",
                    "no such subscription of this session",
                ),
            );
        }
    }

    fn detach(&mut self, meta: &mut MetaEvents, session: Id, subscription: Id) -> bool {
        let Some(sub) = self.subscriptions.get_mut(&subscription) else {
            return false;
        };
        let before = sub.subscribers.len();
        sub.subscribers.retain(|s| *s != session);
        if sub.subscribers.len() == before {
            return false;
        }
        meta.push((
            "wamp.subscription.on_unsubscribe",
            vec![id(session), id(subscription)],
        ));
        if sub.subscribers.is_empty() {
            self.table.remove(sub.policy, &sub.uri);
            self.subscriptions.remove(&subscription);
            meta.push((
                "wamp.subscription.on_delete",
                vec![id(session), id(subscription)],
            ));
        }
        true
    }

    /// Revokes a subscriber's subscription (`wamp.subscription.remove_subscriber`).
    pub(crate) fn revoke(
        &mut self,
        sessions: &mut Sessions,
        meta: &mut MetaEvents,
        subscription: Id,
        subscriber: Id,
        reason: Option<String>,
    ) -> bool {
        if !self.detach(meta, subscriber, subscription) {
            return false;
        }
        if sessions.features(subscriber).subscriber_revocation {
            let mut details = dict([("subscription", id(subscription))]);
            if let Some(reason) = reason {
                details.insert("reason".into(), Value::Text(reason));
            }
            sessions.send(
                subscriber,
                Message::Unsubscribed(Unsubscribed {
                    request: 0,
                    details: Some(details),
                }),
            );
        }
        true
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
        if disclose_me(options) {
            if let Some(publisher) = sessions.identity(session) {
                details.insert("publisher".into(), id(session));
                details.insert("publisher_authid".into(), text_value(&publisher.authid));
                details.insert("publisher_authrole".into(), text_value(&publisher.authrole));
            }
        }
        let publication = self.dispatch(sessions, topic, &audience, &details, &payload);
        if flag(options, "retain").unwrap_or(false) {
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
        if flag(options, "acknowledge").unwrap_or(false) {
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
        for sub_id in self.table.all_matches(topic) {
            let Some(sub) = self.subscriptions.get(&sub_id) else {
                continue;
            };
            let mut details = details.clone();
            if sub.policy != MatchPolicy::Exact {
                details.insert("topic".into(), Value::Text(topic.to_owned()));
            }
            for &subscriber in &sub.subscribers {
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

    /// A session left: it is removed from every subscription.
    pub(crate) fn remove_session(&mut self, meta: &mut MetaEvents, session: Id) {
        let mine: Vec<Id> = self
            .subscriptions
            .values()
            .filter(|s| s.subscribers.contains(&session))
            .map(|s| s.id)
            .collect();
        for sub in mine {
            self.detach(meta, session, sub);
        }
    }
}
