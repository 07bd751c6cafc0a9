//! The callee side of a typed service: the [`Context`] a method can take and the
//! [`ServiceHandle`] that keeps its procedures registered.

use std::time::Duration;

use crate::error::{Error, WampError};
use crate::message::Id;
use crate::session::register_details as details;
use crate::session::{Invocation, Registration, Session};
use crate::value::Dict;

/// What a service method can learn about the call it serves. Declare a parameter of this type
/// (any name, any position) and the generated glue fills it in; callers never see it.
///
/// Who called is known only when the method asks the dealer for it with
/// `#[wamp(disclose_caller)]` (and the dealer agrees): [`Context::disclosure`] says which, so
/// that a `None` from [`Context::caller`] and its siblings is never a silent surprise.
#[derive(Debug, Clone)]
pub struct Context {
    procedure: String,
    registration: Id,
    details: Dict,
    disclosure: Disclosure,
    extensions: http::Extensions,
}

/// Whether the caller's identity is in a [`Context`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// The method did not ask (no `#[wamp(disclose_caller)]`): the caller is not known.
    NotRequested,
    /// The method asked but the dealer did not disclose the caller (its policy for the
    /// caller's role, or a router that does not support it).
    Withheld,
    /// The caller's session ID (and, where the dealer gives them, authid and authrole) are
    /// known.
    Disclosed,
}

impl Context {
    /// The context of one invocation, for a method that did not ask for the caller.
    pub fn new(invocation: &Invocation) -> Self {
        Self::requested(invocation, false)
    }

    /// The context of one invocation; `disclose_caller` says whether the method asked for the
    /// caller's identity.
    pub fn requested(invocation: &Invocation, disclose_caller: bool) -> Self {
        let disclosed = details::caller(&invocation.details).is_some();
        let disclosure = match (disclosed, disclose_caller) {
            (true, _) => Disclosure::Disclosed,
            (false, true) => Disclosure::Withheld,
            (false, false) => Disclosure::NotRequested,
        };
        Self {
            procedure: invocation.procedure.clone(),
            registration: invocation.registration,
            details: invocation.details.clone(),
            disclosure,
            extensions: invocation.extensions.clone(),
        }
    }

    /// What middleware layers put into the invocation's extensions (see
    /// [`crate::typed::middleware`]): `ctx.extensions().get::<T>()`. Empty without layers.
    pub fn extensions(&self) -> &http::Extensions {
        &self.extensions
    }

    /// The Rust name of the method invoked, when the service is layered (the
    /// [`Method`](crate::typed::middleware::Method) extension).
    pub fn method(&self) -> Option<&'static str> {
        self.extensions
            .get::<crate::typed::middleware::Method>()
            .map(|m| m.0)
    }

    /// Whether the caller is known, and if not, why.
    pub fn disclosure(&self) -> Disclosure {
        self.disclosure
    }

    /// The procedure actually called: the concrete URI for pattern registrations.
    pub fn procedure(&self) -> &str {
        &self.procedure
    }

    /// The router's registration ID.
    pub fn registration(&self) -> Id {
        self.registration
    }

    /// The caller's session ID, when disclosed: `None` unless [`Context::disclosure`] is
    /// [`Disclosure::Disclosed`] (ask with the `disclose_caller` method attribute).
    pub fn caller(&self) -> Option<Id> {
        details::caller(&self.details)
    }

    /// The caller's authid, when disclosed (see [`Context::caller`]).
    pub fn caller_authid(&self) -> Option<&str> {
        details::caller_authid(&self.details)
    }

    /// The caller's authrole, when disclosed (see [`Context::caller`]).
    pub fn caller_authrole(&self) -> Option<&str> {
        details::caller_authrole(&self.details)
    }

    /// The timeout the dealer forwarded, if any.
    pub fn timeout(&self) -> Option<Duration> {
        details::timeout(&self.details)
    }

    /// Every INVOCATION detail, as the router sent them.
    pub fn details(&self) -> &Dict {
        &self.details
    }
}

/// The procedures of one service registered on a session. Dropping the handle unregisters them
/// all; [`ServiceHandle::unregister`] does so and waits for the router.
#[derive(Debug)]
#[must_use = "dropping the handle unregisters the service"]
pub struct ServiceHandle {
    registrations: Vec<Registration>,
}

impl ServiceHandle {
    /// A handle over registrations already made.
    pub fn new(registrations: Vec<Registration>) -> Self {
        Self { registrations }
    }

    /// The registrations, one per procedure, in declaration order.
    pub fn registrations(&self) -> &[Registration] {
        &self.registrations
    }

    /// The registered procedures (or patterns), in declaration order.
    pub fn procedures(&self) -> impl Iterator<Item = &str> {
        self.registrations.iter().map(Registration::procedure)
    }

    /// Unregisters every procedure and waits for the router; the first failure is answered after
    /// all were tried.
    pub async fn unregister(mut self) -> Result<(), Error> {
        let mut first = Ok(());
        for registration in std::mem::take(&mut self.registrations) {
            if let (Err(e), Ok(())) = (registration.unregister().await, &first) {
                first = Err(e);
            }
        }
        first
    }
}

/// Why `serve` did not register a service. Nothing of the service stays registered.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// `only` named methods that no service of the bundle has.
    #[error("no such method: {}", .0.join(", "))]
    NoSuchMethod(Vec<String>),
    /// The router refused these procedures (each with its ERROR), for example
    /// `wamp.error.procedure_already_exists` or `wamp.error.not_authorized`.
    #[error("the router refused {}", list(.0))]
    Refused(Vec<Refused>),
    /// Registering failed for another reason: the session closed, or this client refused a
    /// request before sending it (an invalid URI, a feature the router does not announce).
    #[error("registering the service failed")]
    Session(#[source] Error),
}

/// One procedure the router refused to register.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// The procedure (or pattern).
    pub procedure: String,
    /// The router's ERROR.
    pub error: WampError,
}

impl ServeError {
    /// The procedures refused (none for a session failure).
    pub fn refused(&self) -> &[Refused] {
        match self {
            ServeError::Refused(refused) => refused,
            ServeError::Session(_) | ServeError::NoSuchMethod(_) => &[],
        }
    }
}

fn list(refused: &[Refused]) -> String {
    refused
        .iter()
        .map(|r| format!("{} ({})", r.procedure, r.error.uri))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What every generated client implements: built from a session, it names its service.
pub trait ServiceClient: Sized {
    /// The service's URI prefix, as given to `#[wamp_service(prefix = ..)]`.
    const PREFIX: &'static str;
    /// Every procedure URI (or pattern) of the service, in declaration order.
    const PROCEDURES: &'static [&'static str];
    /// The topics of the events declared with the service.
    const TOPICS: &'static [&'static str];

    /// A client calling over `session`.
    fn from_session(session: Session) -> Self;

    /// The session the client calls over.
    fn session(&self) -> &Session;

    /// The service's interface description: every procedure and topic with its schemas.
    fn description() -> crate::describe::ServiceDescription;
}
