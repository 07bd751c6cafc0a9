//! The publisher: `session.publish(topic)` builds a PUBLISH.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use tokio::sync::oneshot;

use super::call::Outgoing;
use super::{list, Command, Session};
use crate::error::Error;
use crate::message::{keys, Arguments, Id, MatchPolicy, Passthru, Role};
use crate::value::{Dict, Value, ValueError};

/// A PUBLISH being built. `.await` it: without `acknowledge` it completes once the event is
/// handed to the session and answers `None`; with it, once the broker confirms with PUBLISHED,
/// answering the publication ID.
#[must_use = "a publication does nothing until awaited"]
pub struct PublishBuilder {
    session: Session,
    topic: String,
    arguments: Result<Arguments, ValueError>,
    passthru: Option<Passthru>,
    encrypted: bool,
    options: Dict,
}

impl std::fmt::Debug for PublishBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublishBuilder")
            .field("topic", &self.topic)
            .field("options", &self.options)
            .finish()
    }
}

impl PublishBuilder {
    pub(crate) fn new(session: Session, topic: String) -> Self {
        Self {
            session,
            topic,
            arguments: Ok(Arguments::default()),
            passthru: None,
            encrypted: false,
            options: Dict::new(),
        }
    }

    payload_methods!("publication");

    /// Arguments made elsewhere, whose serialization error (if any) the publication reports.
    pub(crate) fn arguments_result(mut self, arguments: Result<Arguments, ValueError>) -> Self {
        self.arguments = arguments;
        self
    }

    /// Asks the broker to confirm with PUBLISHED (or answer ERROR).
    pub fn acknowledge(self) -> Self {
        self.option(keys::ACKNOWLEDGE, true)
    }

    /// Whether the publisher itself receives the event if subscribed (default: excluded).
    pub fn exclude_me(self, exclude: bool) -> Self {
        self.option(keys::EXCLUDE_ME, exclude)
    }

    /// Excludes these sessions from receiving the event.
    pub fn exclude(self, sessions: impl IntoIterator<Item = Id>) -> Self {
        self.option(keys::EXCLUDE, list(sessions))
    }

    /// Excludes sessions with these authids.
    pub fn exclude_authid<S: Into<String>>(self, authids: impl IntoIterator<Item = S>) -> Self {
        self.option(
            keys::EXCLUDE_AUTHID,
            list(authids.into_iter().map(Into::into)),
        )
    }

    /// Excludes sessions with these authroles.
    pub fn exclude_authrole<S: Into<String>>(self, roles: impl IntoIterator<Item = S>) -> Self {
        self.option(
            keys::EXCLUDE_AUTHROLE,
            list(roles.into_iter().map(Into::into)),
        )
    }

    /// Delivers only to these sessions.
    pub fn eligible(self, sessions: impl IntoIterator<Item = Id>) -> Self {
        self.option(keys::ELIGIBLE, list(sessions))
    }

    /// Delivers only to sessions with these authids.
    pub fn eligible_authid<S: Into<String>>(self, authids: impl IntoIterator<Item = S>) -> Self {
        self.option(
            keys::ELIGIBLE_AUTHID,
            list(authids.into_iter().map(Into::into)),
        )
    }

    /// Delivers only to sessions with these authroles.
    pub fn eligible_authrole<S: Into<String>>(self, roles: impl IntoIterator<Item = S>) -> Self {
        self.option(
            keys::ELIGIBLE_AUTHROLE,
            list(roles.into_iter().map(Into::into)),
        )
    }

    /// Asks the broker to disclose this publisher's identity to subscribers.
    pub fn disclose_me(self) -> Self {
        self.option(keys::DISCLOSE_ME, true)
    }

    /// Asks the broker to retain the event for future subscribers (`get_retained`).
    pub fn retain(self) -> Self {
        self.option(keys::RETAIN, true)
    }

    /// Sends this trace context (instead of the current span's, see [`crate::trace`]).
    pub fn trace_context(mut self, context: &crate::trace::TraceContext) -> Self {
        context.write(&mut self.options);
        self
    }
}

impl IntoFuture for PublishBuilder {
    type Output = Result<Option<Id>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let mut options = self.options;
            self.session.check_uri(&self.topic, MatchPolicy::Exact)?;
            self.session
                .require_options(Role::Broker, &options, super::needs::PUBLISH)?;
            let payload = self.session.outgoing_payload(Outgoing {
                role: Role::Broker,
                uri: &self.topic,
                options: &mut options,
                arguments: self.arguments,
                passthru: self.passthru.as_ref(),
                encrypted: self.encrypted,
            })?;
            let (tx, rx) = oneshot::channel();
            self.session
                .send(Command::Publish {
                    topic: self.topic,
                    options,
                    payload,
                    reply: tx,
                })
                .await?;
            self.session.answer(rx).await
        })
    }
}
