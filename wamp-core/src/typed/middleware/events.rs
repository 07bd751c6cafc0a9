//! The event-handler pipeline: every `#[subscribe]` handler of one
//! [`Subscriptions`](crate::typed::Subscriptions) behind one `tower` service.

use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use tower::util::{BoxCloneSyncService, ServiceExt as _};
use tower::{BoxError, Layer, Service};

use crate::session::Event;

/// One event on its way to a handler, as an event layer sees it: still undecoded, so that a
/// layer can look at the topic, the publisher (when disclosed) and the details, and drop it
/// (answer an error) before the handler runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivery {
    /// The event as received.
    pub event: Event,
    /// Values for layers further in and for the handler
    /// ([`EventDetails::extensions`](crate::typed::EventDetails::extensions)).
    pub extensions: http::Extensions,
}

/// A handler, type-erased: decodes the event and runs the user's function.
pub(crate) type ErasedHandler =
    Arc<dyn Fn(Delivery) -> BoxFuture<'static, Result<(), BoxError>> + Send + Sync>;

/// Which handler a delivery goes to; taken out again before it runs.
#[derive(Debug, Clone, Copy)]
struct Route(usize);

/// The innermost service of an event pipeline: the handlers added so far. Layers wrap it; only
/// [`Session::subscribe_handlers_layered`](crate::Session::subscribe_handlers_layered) makes
/// one.
#[derive(Clone, Default)]
pub struct EventHandlers(Arc<RwLock<Vec<ErasedHandler>>>);

impl std::fmt::Debug for EventHandlers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventHandlers").finish_non_exhaustive()
    }
}

impl Service<Delivery> for EventHandlers {
    type Response = ();
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<(), BoxError>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut delivery: Delivery) -> Self::Future {
        let route = delivery.extensions.remove::<Route>();
        let handler = route.and_then(|Route(i)| {
            let handlers = self.0.read().unwrap_or_else(|e| e.into_inner());
            handlers.get(i).cloned()
        });
        match handler {
            Some(handler) => handler(delivery),
            None => Box::pin(std::future::ready(Err(
                "a middleware layer lost the event's route (its extensions)".into(),
            ))),
        }
    }
}

/// The boxed stack of an event pipeline.
pub type EventStack = BoxCloneSyncService<Delivery, (), BoxError>;

/// The layered pipeline of a [`Subscriptions`](crate::typed::Subscriptions): its stack and the
/// handlers at its bottom.
#[derive(Clone)]
pub(crate) struct EventPipeline {
    stack: EventStack,
    handlers: EventHandlers,
}

impl EventPipeline {
    pub(crate) fn new<L>(layer: L) -> Self
    where
        L: Layer<EventHandlers>,
        L::Service: Service<Delivery, Response = ()> + Clone + Send + Sync + 'static,
        <L::Service as Service<Delivery>>::Error: Into<BoxError>,
        <L::Service as Service<Delivery>>::Future: Send + 'static,
    {
        let handlers = EventHandlers::default();
        let stack = EventStack::new(layer.layer(handlers.clone()).map_err(Into::into));
        Self { stack, handlers }
    }

    /// Adds a handler: the function that sends a delivery down the stack to it.
    pub(crate) fn add(&self, handler: ErasedHandler) -> ErasedHandler {
        let route = {
            let mut handlers = self.handlers.0.write().unwrap_or_else(|e| e.into_inner());
            handlers.push(handler);
            handlers.len() - 1
        };
        let stack = self.stack.clone();
        Arc::new(move |mut delivery: Delivery| {
            delivery.extensions.insert(Route(route));
            Box::pin(stack.clone().oneshot(delivery))
        })
    }
}
