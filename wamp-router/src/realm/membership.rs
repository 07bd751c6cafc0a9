//! What registrations and subscriptions share: a URI (exact or a pattern) with sessions as its
//! members, created by the first member, deleted with the last, revocable by the meta API, and
//! announced through meta events. The dealer and the broker each hold one [`Groups`].

use std::collections::HashMap;

use wamp_core::message::{keys, Unregistered, Unsubscribed};
use wamp_core::{Dict, Id, MatchPolicy, Message, Value};

use super::options::{dict, id, text_value};
use super::sessions::Sessions;
use super::{random_id, MetaEvents};
use crate::matching::UriTable;

/// Which kind of group: it decides the meta events and the revocation message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Registration,
    Subscription,
}

impl Kind {
    /// The meta topics `on_create`, `on_<join>`, `on_<leave>`, `on_delete`.
    fn topics(self) -> [&'static str; 4] {
        match self {
            Kind::Registration => [
                "wamp.registration.on_create",
                "wamp.registration.on_register",
                "wamp.registration.on_unregister",
                "wamp.registration.on_delete",
            ],
            Kind::Subscription => [
                "wamp.subscription.on_create",
                "wamp.subscription.on_subscribe",
                "wamp.subscription.on_unsubscribe",
                "wamp.subscription.on_delete",
            ],
        }
    }

    /// Tells a member that it was removed, if it announced that it understands revocation.
    fn revoked(self, sessions: &mut Sessions, member: Id, group: Id, reason: Option<String>) {
        let features = sessions.features(member);
        let (announced, key) = match self {
            Kind::Registration => (features.callee_revocation, keys::REGISTRATION),
            Kind::Subscription => (features.subscriber_revocation, keys::SUBSCRIPTION),
        };
        if !announced {
            return;
        }
        let mut details = dict([(key, id(group))]);
        if let Some(reason) = reason {
            details.insert(keys::REASON.into(), Value::Text(reason));
        }
        let details = Some(details);
        let message = match self {
            Kind::Registration => Message::Unregistered(Unregistered {
                request: 0,
                details,
            }),
            Kind::Subscription => Message::Unsubscribed(Unsubscribed {
                request: 0,
                details,
            }),
        };
        sessions.send(member, message);
    }
}

/// A member of a group: a session, with what the group keeps about it.
pub(crate) trait Member: Copy {
    /// The member's session.
    fn session(&self) -> Id;
}

impl Member for Id {
    fn session(&self) -> Id {
        *self
    }
}

/// One registration or subscription.
#[derive(Debug)]
pub(crate) struct Group<M, X> {
    pub(crate) id: Id,
    pub(crate) uri: String,
    pub(crate) policy: MatchPolicy,
    pub(crate) created: String,
    pub(crate) members: Vec<M>,
    /// What only one kind keeps (a registration's invocation policy).
    pub(crate) extra: X,
}

impl<M: Member, X> Group<M, X> {
    /// The details the meta API gives (`id`, `created`, `uri`, `match`).
    pub(crate) fn details(&self) -> Dict {
        dict([
            (keys::ID, id(self.id)),
            (keys::CREATED, text_value(&self.created)),
            (keys::URI, text_value(&self.uri)),
            (keys::MATCH, text_value(self.policy.name())),
        ])
    }

    /// The member sessions.
    pub(crate) fn sessions(&self) -> impl Iterator<Item = Id> + '_ {
        self.members.iter().map(Member::session)
    }

    /// Whether `session` is a member.
    pub(crate) fn has(&self, session: Id) -> bool {
        self.members.iter().any(|m| m.session() == session)
    }
}

/// The groups of one kind, indexed by ID and by URI.
#[derive(Debug)]
pub(crate) struct Groups<M, X> {
    kind: Kind,
    pub(crate) table: UriTable,
    groups: HashMap<Id, Group<M, X>>,
}

impl<M: Member, X> Groups<M, X> {
    pub(crate) fn new(kind: Kind) -> Self {
        Self {
            kind,
            table: UriTable::default(),
            groups: HashMap::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.groups.len()
    }

    pub(crate) fn get(&self, group: Id) -> Option<&Group<M, X>> {
        self.groups.get(&group)
    }

    pub(crate) fn get_mut(&mut self, group: Id) -> Option<&mut Group<M, X>> {
        self.groups.get_mut(&group)
    }

    /// The group for exactly this URI and policy, if one exists.
    pub(crate) fn find(&self, policy: MatchPolicy, uri: &str) -> Option<Id> {
        self.table.get(policy, uri)
    }

    /// Creates a group with `first` as its only member; `details` adds what the kind keeps
    /// to the `on_create` meta event.
    pub(crate) fn create(
        &mut self,
        meta: &mut MetaEvents,
        uri: &str,
        policy: MatchPolicy,
        first: M,
        extra: X,
        details: impl FnOnce(&Group<M, X>) -> Dict,
    ) -> Id {
        let group_id = random_id(|id| self.groups.contains_key(&id));
        let group = Group {
            id: group_id,
            uri: uri.to_owned(),
            policy,
            created: crate::timestamp::now(),
            members: vec![first],
            extra,
        };
        let [on_create, on_join, ..] = self.kind.topics();
        let creator = first.session();
        meta.push((
            on_create,
            vec![
                id(creator),
                wamp_core::value::dict_to_value(details(&group)),
            ],
        ));
        meta.push((on_join, vec![id(creator), id(group_id)]));
        self.table.insert(policy, uri, group_id);
        self.groups.insert(group_id, group);
        group_id
    }

    /// Adds a member to an existing group; `false` if it was one already (or no such group).
    pub(crate) fn join(&mut self, meta: &mut MetaEvents, group: Id, member: M) -> bool {
        let Some(g) = self.groups.get_mut(&group) else {
            return false;
        };
        if g.has(member.session()) {
            return false;
        }
        g.members.push(member);
        let [_, on_join, ..] = self.kind.topics();
        meta.push((on_join, vec![id(member.session()), id(group)]));
        true
    }

    /// Removes `session` from a group, deleting the group with its last member.
    pub(crate) fn detach(&mut self, meta: &mut MetaEvents, session: Id, group: Id) -> bool {
        let Some(g) = self.groups.get_mut(&group) else {
            return false;
        };
        let before = g.members.len();
        g.members.retain(|m| m.session() != session);
        if g.members.len() == before {
            return false;
        }
        let [_, _, on_leave, on_delete] = self.kind.topics();
        meta.push((on_leave, vec![id(session), id(group)]));
        if g.members.is_empty() {
            self.table.remove(g.policy, &g.uri);
            self.groups.remove(&group);
            meta.push((on_delete, vec![id(session), id(group)]));
        }
        true
    }

    /// Removes a member by the meta API (`remove_callee`, `remove_subscriber`) and tells it.
    pub(crate) fn revoke(
        &mut self,
        sessions: &mut Sessions,
        meta: &mut MetaEvents,
        group: Id,
        member: Id,
        reason: Option<String>,
    ) -> bool {
        if !self.detach(meta, member, group) {
            return false;
        }
        self.kind.revoked(sessions, member, group, reason);
        true
    }

    /// A session left: it leaves every group.
    pub(crate) fn remove_session(&mut self, meta: &mut MetaEvents, session: Id) {
        let mine: Vec<Id> = self
            .groups
            .values()
            .filter(|g| g.has(session))
            .map(|g| g.id)
            .collect();
        for group in mine {
            self.detach(meta, session, group);
        }
    }
}
