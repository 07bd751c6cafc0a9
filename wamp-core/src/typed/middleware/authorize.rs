//! Authorization by authrole: [`RequireRoleLayer`].

use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, Either};
use tower::{BoxError, Layer, Service};

use super::events::Delivery;
use super::Method;
use crate::error::WampError;
use crate::message::uris;
use crate::session::register_details as details;
use crate::session::{Invocation, Reply};

/// Lets through only invocations (or events) whose caller (or publisher) has one of the
/// given authroles; others are refused with `wamp.error.not_authorized` before the method
/// runs (an event is dropped and counted as failed).
///
/// The router tells the authrole only when asked: serve the bundle with
/// [`ServiceBundle::disclose_caller`](crate::typed::ServiceBundle::disclose_caller) (or mark
/// the methods `#[wamp(disclose_caller)]`); for events, publishers use `disclose_me`. A caller
/// the router did not disclose is refused, never let through.
///
/// ```
/// use wamp_core::typed::middleware::RequireRoleLayer;
/// // Only `admin` may call `reset` and `delete`; every other method is open.
/// let admins = RequireRoleLayer::new(["admin"]).methods(["reset", "delete"]);
/// ```
#[derive(Debug, Clone)]
pub struct RequireRoleLayer {
    roles: Arc<[String]>,
    methods: Option<Arc<[String]>>,
}

impl RequireRoleLayer {
    /// Requires one of `roles`, for every method.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(roles: I) -> Self {
        Self {
            roles: roles.into_iter().map(Into::into).collect(),
            methods: None,
        }
    }

    /// Requires the roles only for these methods (by their Rust names); the others are let
    /// through.
    pub fn methods<I: IntoIterator<Item = S>, S: Into<String>>(self, methods: I) -> Self {
        Self {
            methods: Some(methods.into_iter().map(Into::into).collect()),
            ..self
        }
    }

    fn guards(&self, method: Option<&Method>) -> bool {
        match (&self.methods, method) {
            (None, _) => true,
            (Some(methods), Some(Method(name))) => methods.iter().any(|m| m == name),
            // A layer on an event pipeline, which has no methods.
            (Some(_), None) => true,
        }
    }

    /// `Err` with the refusal when `role` is not allowed.
    fn check(&self, what: &str, role: Option<&str>) -> Result<(), WampError> {
        match role {
            Some(role) if self.roles.iter().any(|r| r == role) => Ok(()),
            Some(role) => Err(WampError::with_message(
                uris::NOT_AUTHORIZED,
                format!("{what}: authrole {role:?} is not one of {:?}", self.roles),
            )),
            None => Err(WampError::with_message(
                uris::NOT_AUTHORIZED,
                format!("{what}: the router did not disclose the authrole"),
            )),
        }
    }
}

impl<S> Layer<S> for RequireRoleLayer {
    type Service = RequireRole<S>;

    fn layer(&self, inner: S) -> RequireRole<S> {
        RequireRole {
            inner,
            policy: self.clone(),
        }
    }
}

/// The service of [`RequireRoleLayer`].
#[derive(Debug, Clone)]
pub struct RequireRole<S> {
    inner: S,
    policy: RequireRoleLayer,
}

impl<S> Service<Invocation> for RequireRole<S>
where
    S: Service<Invocation, Response = Reply>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Response = Reply;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<Reply, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, invocation: Invocation) -> Self::Future {
        let guarded = self.policy.guards(invocation.extensions.get::<Method>());
        let role = details::caller_authrole(&invocation.details);
        match guarded.then(|| self.policy.check(&invocation.procedure, role)) {
            Some(Err(refusal)) => Box::pin(std::future::ready(Err(refusal.into()))),
            _ => {
                let call = self.inner.call(invocation);
                Box::pin(async move { call.await.map_err(Into::into) })
            }
        }
    }
}

impl<S> Service<Delivery> for RequireRole<S>
where
    S: Service<Delivery, Response = ()>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Response = ();
    type Error = BoxError;
    type Future =
        Either<std::future::Ready<Result<(), BoxError>>, BoxFuture<'static, Result<(), BoxError>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, delivery: Delivery) -> Self::Future {
        let role = delivery.event.publisher_authrole();
        if let Err(refusal) = self.policy.check(&delivery.event.topic, role) {
            return Either::Left(std::future::ready(Err(refusal.into())));
        }
        let call = self.inner.call(delivery);
        Either::Right(Box::pin(async move { call.await.map_err(Into::into) }))
    }
}
