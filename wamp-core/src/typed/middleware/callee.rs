//! The callee pipeline: every handler of a bundle behind one `tower` service, so that a layer
//! (and its state: a concurrency limit, a rate) holds across the bundle.

use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use tower::util::{BoxCloneSyncService, ServiceExt as _};
use tower::{BoxError, Layer, Service};

use crate::__private::Procedure;
use crate::error::WampError;
use crate::message::uris;
use crate::session::{Handler, Invocation, Reply};

/// The Rust name of the method an invocation or call is for: a request extension that every
/// layer can read (`invocation.extensions.get::<Method>()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Method(pub &'static str);

/// Which handler of the bundle an invocation goes to; taken out again before the handler runs.
#[derive(Debug, Clone, Copy)]
struct Route(usize);

/// The innermost service of a callee pipeline: the bundle's handlers. Layers wrap it; only
/// [`ServiceBundle::layer`](crate::typed::ServiceBundle::layer) makes one.
#[derive(Clone)]
pub struct Handlers(Arc<[Arc<dyn Handler>]>);

impl std::fmt::Debug for Handlers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Handlers").field(&self.0.len()).finish()
    }
}

impl Service<Invocation> for Handlers {
    type Response = Reply;
    type Error = WampError;
    type Future = BoxFuture<'static, Result<Reply, WampError>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), WampError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut invocation: Invocation) -> Self::Future {
        let route = invocation.extensions.remove::<Route>();
        match route.and_then(|Route(i)| self.0.get(i)) {
            Some(handler) => handler.handle(invocation),
            // A layer dropped the extensions it was given.
            None => Box::pin(std::future::ready(Err(WampError::with_message(
                uris::RUNTIME_ERROR,
                "a middleware layer lost the invocation's route (its extensions)",
            )))),
        }
    }
}

type Stack = BoxCloneSyncService<Invocation, Reply, WampError>;

/// One procedure's handler in a layered bundle: marks the invocation with its route and method
/// and sends it down the shared stack.
struct Layered {
    stack: Stack,
    route: usize,
    method: &'static str,
}

impl Handler for Layered {
    fn handle(&self, mut invocation: Invocation) -> BoxFuture<'static, Result<Reply, WampError>> {
        invocation.extensions.insert(Route(self.route));
        invocation.extensions.insert(Method(self.method));
        Box::pin(self.stack.clone().oneshot(invocation))
    }
}

/// `procedures` with their handlers behind `layer`, one stack for all of them.
pub(crate) fn layer_procedures<L>(procedures: Vec<Procedure>, layer: L) -> Vec<Procedure>
where
    L: Layer<Handlers>,
    L::Service: Service<Invocation, Response = Reply> + Clone + Send + Sync + 'static,
    <L::Service as Service<Invocation>>::Error: Into<BoxError>,
    <L::Service as Service<Invocation>>::Future: Send + 'static,
{
    let handlers = Handlers(procedures.iter().map(|(_, _, h)| h.clone()).collect());
    let stack = Stack::new(
        layer
            .layer(handlers)
            .map_err(|e| super::wamp_error(e.into())),
    );
    procedures
        .into_iter()
        .enumerate()
        .map(|(route, (uri, options, _))| {
            let handler: Arc<dyn Handler> = Arc::new(Layered {
                stack: stack.clone(),
                route,
                method: options.method,
            });
            (uri, options, handler)
        })
        .collect()
}
