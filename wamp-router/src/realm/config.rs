//! [`RealmConfig`]: how a realm's clients authenticate and what each role may do; the realm's
//! access ([`Access`]) as it runs: replaced by a reload, asked before a dynamic authorizer decides.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use wamp_core::message::uris;
use wamp_core::{Id, Message};

use wamp_core::uri::UriCheck;

use super::history::HistoryRule;
use super::sessions::Close;
use crate::auth::{Anonymous, Authenticator};
use crate::authorization::Role;
use crate::authorization::{Action, Authorize, DynamicAuthorizer};

/// The configuration of one realm: how clients authenticate and what each role may do.
#[derive(Clone)]
pub struct RealmConfig {
    pub(crate) name: String,
    pub(crate) authenticators: Vec<Arc<dyn Authenticator>>,
    pub(crate) roles: HashMap<String, Role>,
    pub(crate) uri_check: UriCheck,
    pub(crate) request_ids: RequestIds,
    pub(crate) history: Vec<HistoryRule>,
    pub(crate) max_sessions: Option<usize>,
    /// Roles whose permissions a procedure decides.
    pub(crate) authorizers: HashMap<String, Arc<DynamicAuthorizer>>,
    /// Clients may authenticate with the cookie of an earlier connection.
    pub(crate) cookie_auth: bool,
    /// CALL arguments and PUBLISH payloads are checked against the services' descriptions.
    pub(crate) validate: bool,
}

/// Which request IDs a realm accepts from its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestIds {
    /// The spec's rule: one sequence per session, 1, 2, 3... (wrapping to 1 after 2^53), for
    /// every request a client starts; a gap or a repeat is a protocol violation. A progressive
    /// CALL's continuations reuse their call's ID. autobahn-python, autobahn-js and `wamp-core`
    /// number their requests this way.
    #[default]
    Sequential,
    /// Any ID in `1..=2^53`, for clients that predate the rule.
    Any,
}

impl std::fmt::Debug for RealmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RealmConfig")
            .field("name", &self.name)
            .field(
                "authmethods",
                &self
                    .authenticators
                    .iter()
                    .map(|a| a.method())
                    .collect::<Vec<_>>(),
            )
            .field("roles", &self.roles.keys().collect::<Vec<_>>())
            .field("authorizers", &self.authorizers.keys().collect::<Vec<_>>())
            .field("uri_check", &self.uri_check)
            .field("request_ids", &self.request_ids)
            .field("history", &self.history)
            .finish()
    }
}

impl RealmConfig {
    /// A realm with no authentication method and no role: add them with
    /// [`authenticator`](Self::authenticator) and [`role`](Self::role).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            authenticators: Vec::new(),
            roles: HashMap::new(),
            uri_check: UriCheck::Loose,
            request_ids: RequestIds::Sequential,
            history: Vec::new(),
            max_sessions: None,
            authorizers: HashMap::new(),
            cookie_auth: false,
            validate: false,
        }
    }

    /// An open realm: anonymous clients get the role `anonymous`, which may do everything.
    pub fn anonymous(name: impl Into<String>) -> Self {
        Self::new(name)
            .authenticator(Anonymous::new("anonymous"))
            .role(Role::trusted("anonymous"))
    }

    /// Adds an authentication method (one per `authmethod`; a later one replaces an earlier).
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Self {
        let method = authenticator.method().to_owned();
        self.authenticators.retain(|a| a.method() != method);
        self.authenticators.push(Arc::new(authenticator));
        self
    }

    /// Adds (or replaces) a role.
    pub fn role(mut self, role: Role) -> Self {
        self.roles.insert(role.name.clone(), role);
        self
    }

    /// Lets a procedure decide what the sessions of `role` may do
    /// ([`DynamicAuthorizer`](crate::auth::DynamicAuthorizer)), in place of static
    /// permissions: the role exists for authenticators, and every call, registration,
    /// publication and subscription of its sessions is asked.
    pub fn authorizer(mut self, role: impl Into<String>, authorizer: DynamicAuthorizer) -> Self {
        self.authorizers.insert(role.into(), Arc::new(authorizer));
        self
    }

    /// Accepts authmethod `cookie`: a client whose WebSocket connection presents the cookie
    /// of an earlier connection on which it authenticated (by another method) joins as the
    /// same principal with no challenge ([`crate::cookies`]; the listener sets the cookies:
    /// [`Listener::cookies`](crate::Listener::cookies)).
    pub fn cookie_auth(mut self) -> Self {
        self.cookie_auth = true;
        self
    }

    /// Checks CALL arguments and PUBLISH payloads against the JSON Schemas of the services'
    /// descriptions before the callee runs or the event is delivered, answering
    /// `wamp.error.invalid_argument` with the validation message (see `realm::validation` in the
    /// guide; one registration can ask for it alone with the REGISTER option
    /// [`REGISTER_VALIDATE_OPTION`](crate::REGISTER_VALIDATE_OPTION)).
    pub fn validate_payloads(mut self) -> Self {
        self.validate = true;
        self
    }

    /// The URI rule for procedures and topics (loose by default, as the spec's MUST).
    pub fn uri_check(mut self, check: UriCheck) -> Self {
        self.uri_check = check;
        self
    }

    /// Which request IDs clients may use ([`RequestIds::Sequential`], the spec's rule, by
    /// default).
    pub fn request_ids(mut self, rule: RequestIds) -> Self {
        self.request_ids = rule;
        self
    }

    /// The most sessions the realm holds at once (unbounded by default): one more HELLO is
    /// answered with ABORT `wamp_rs.error.realm_full`.
    pub fn max_sessions(mut self, sessions: usize) -> Self {
        self.max_sessions = Some(sessions);
        self
    }

    /// Keeps event history for the topics a rule covers (Event History; read with
    /// `wamp.subscription.get_events`).
    pub fn event_history(mut self, rule: HistoryRule) -> Self {
        self.history.push(rule);
        self
    }

    /// The realm's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Who may join a realm and what each role may do: the part of a [`RealmConfig`] that
/// [`Router::reload`](crate::Router::reload) replaces while the realm runs.
#[derive(Clone)]
pub(crate) struct Access {
    pub(crate) authenticators: Vec<Arc<dyn Authenticator>>,
    pub(crate) roles: HashMap<String, Role>,
    pub(crate) authorizers: HashMap<String, Arc<DynamicAuthorizer>>,
}

impl Access {
    pub(crate) fn of(config: &RealmConfig) -> Self {
        Self {
            authenticators: config.authenticators.clone(),
            roles: config.roles.clone(),
            authorizers: config.authorizers.clone(),
        }
    }

    /// The authenticator for a method, if the realm offers it.
    pub(crate) fn authenticator_for(&self, method: &str) -> Option<Arc<dyn Authenticator>> {
        self.authenticators
            .iter()
            .find(|a| a.method() == method)
            .cloned()
    }

    /// Whether sessions may have `role` (static or decided by an authorizer).
    pub(crate) fn has_role(&self, role: &str) -> bool {
        self.roles.contains_key(role) || self.authorizers.contains_key(role)
    }

    /// Whether a session that joined as `authid` with `authrole` by `authmethod` may stay:
    /// its role is still defined, its method still offered, and the method's authenticator
    /// does not say the principal is gone or has another role.
    pub(crate) fn still_admits(&self, authmethod: &str, authid: &str, authrole: &str) -> bool {
        self.has_role(authrole)
            && self
                .authenticator_for(authmethod)
                .is_some_and(|a| a.admits(authid, authrole) != Some(false))
    }
}

impl super::Realm {
    /// What a dynamic authorizer must decide before `message` of `session` is routed: the
    /// authorizer, the session's meta details and role, the action, URI and options.
    pub(crate) fn to_authorize(&self, session: Id, message: &Message) -> Option<Authorize> {
        let (action, uri, options) = match message {
            Message::Call(m) => (Action::Call, &m.procedure, &m.options),
            Message::Register(m) => (Action::Register, &m.procedure, &m.options),
            Message::Publish(m) => (Action::Publish, &m.topic, &m.options),
            Message::Subscribe(m) => (Action::Subscribe, &m.topic, &m.options),
            _ => return None,
        };
        // No authorizer (the common case): no lock taken.
        if !self.authorizing.load(Ordering::Relaxed) {
            return None;
        }
        let state = self.lock();
        let entry = state.sessions.get(session).filter(|e| !e.service)?;
        let authorizer = state.access.authorizers.get(&entry.identity.authrole)?;
        Some(Authorize {
            authorizer: authorizer.clone(),
            details: entry.details(),
            authrole: entry.identity.authrole.clone(),
            action,
            uri: uri.clone(),
            options: options.clone(),
        })
    }

    /// Who may join and what each role may do, now.
    pub(crate) fn access(&self) -> Arc<Access> {
        self.lock().access.clone()
    }

    /// Replaces the authenticators, roles and authorizers with those of `config`; ends the
    /// sessions the new ones no longer admit (GOODBYE `wamp.close.killed`). Answers how many.
    pub(crate) fn reload(&self, config: &RealmConfig) -> usize {
        let mut state = self.lock();
        let access = Arc::new(Access::of(config));
        state.access = access.clone();
        let authorizing = !access.authorizers.is_empty();
        self.authorizing.store(authorizing, Ordering::Relaxed);
        let gone: Vec<Id> = state
            .sessions
            .iter()
            .filter(|entry| {
                !entry.service
                    && !access.still_admits(
                        &entry.authmethod,
                        &entry.identity.authid,
                        &entry.identity.authrole,
                    )
            })
            .map(|entry| entry.id)
            .collect();
        for &id in &gone {
            if let Some(entry) = state.sessions.get_mut(id) {
                entry.close(Close::Goodbye {
                    reason: uris::KILLED.to_owned(),
                    message: Some("the configuration no longer admits this session".into()),
                });
            }
        }
        let ended = gone.len();
        if ended > 0 {
            tracing::info!(realm = %self.config.name, ended, "reloaded: sessions no longer admitted were ended");
        }
        ended
    }
}
