//! The caller pipeline of a typed client: its calls through `tower` layers, then to the
//! session.

use std::task::{Context, Poll};

use futures::future::BoxFuture;
use tower::util::{BoxCloneSyncService, ServiceExt as _};
use tower::{BoxError, Layer, Service};

use crate::__private::calling::{call_waiting, CallOptions};
use crate::error::Error;
use crate::message::Arguments;
use crate::session::{CallResult, CallStream, Session};

/// One call of a typed client, as a caller layer sees it. Layers may change the arguments and
/// extensions; the stack's innermost service sends it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OutgoingCall {
    /// The procedure called (the concrete URI).
    pub procedure: String,
    /// The call's arguments, encoded.
    pub arguments: Arguments,
    /// The client method's Rust name.
    pub method: &'static str,
    /// The method is marked `#[wamp(idempotent)]`: making the call twice does no harm, so a
    /// layer may retry it ([`RetryIdempotent`](super::RetryIdempotent) does).
    pub idempotent: bool,
    /// The procedure answers progressively: the answer is an [`Answer::Stream`].
    pub progressive: bool,
    /// Values for layers further in (anything `Clone + Send + Sync`).
    pub extensions: http::Extensions,
    pub(crate) options: CallOptions,
}

impl OutgoingCall {
    /// The call's timeout, if it has one (the method's `timeout_ms`, the client's or the
    /// call's own).
    pub fn timeout(&self) -> Option<std::time::Duration> {
        self.options.timeout
    }
}

/// What a call answers: one result, or the stream of a progressive procedure's results.
#[derive(Debug)]
pub enum Answer {
    /// The result of a call to a procedure answering once.
    Result(CallResult),
    /// The results of a progressive procedure, as they come.
    Stream(CallStream),
}

impl Answer {
    /// The single result, or why a layer's answer is not one.
    pub(crate) fn into_result(self, procedure: &str) -> Result<CallResult, Error> {
        match self {
            Answer::Result(result) => Ok(result),
            Answer::Stream(_) => Err(Error::NotSent(format!(
                "a layer answered {procedure} with a stream"
            ))),
        }
    }

    /// The stream of results, or why a layer's answer is not one.
    pub(crate) fn into_stream(self, procedure: &str) -> Result<CallStream, Error> {
        match self {
            Answer::Stream(stream) => Ok(stream),
            Answer::Result(_) => Err(Error::NotSent(format!(
                "a layer answered {procedure} with a single result"
            ))),
        }
    }
}

/// A typed client's stack of layers, boxed.
pub type CallStack = BoxCloneSyncService<OutgoingCall, Answer, Error>;

/// What a generated client calls through: its session and, once a layer is set, the stack.
#[derive(Clone)]
pub struct Caller {
    session: Session,
    stack: Option<CallStack>,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("session", &self.session)
            .field("layered", &self.stack.is_some())
            .finish()
    }
}

impl Caller {
    /// Calls over `session`, with no layer.
    pub fn new(session: Session) -> Self {
        Self {
            session,
            stack: None,
        }
    }

    /// The session calls go over.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The stack, once a layer is set (without one, calls take the session's own path, at no
    /// cost).
    pub(crate) fn layers(&self) -> Option<&CallStack> {
        self.stack.as_ref()
    }

    /// The same caller with `layer` around what it had: the last layer added sees a call
    /// first. (To add several in the usual order, pass one `tower::ServiceBuilder`.)
    pub fn layer<L>(self, layer: L) -> Self
    where
        L: Layer<CallStack>,
        L::Service: Service<OutgoingCall, Response = Answer> + Clone + Send + Sync + 'static,
        <L::Service as Service<OutgoingCall>>::Error: Into<BoxError>,
        <L::Service as Service<OutgoingCall>>::Future: Send + 'static,
    {
        let inner = self.stack.unwrap_or_else(|| {
            CallStack::new(Direct {
                session: self.session.clone(),
            })
        });
        let stack = CallStack::new(layer.layer(inner).map_err(|e| super::call_error(e.into())));
        Self {
            session: self.session,
            stack: Some(stack),
        }
    }
}

/// Makes a call through `stack`. Boxed, so that the layered path does not make the future of
/// every call without layers larger.
pub(crate) fn through(
    stack: &CallStack,
    procedure: &str,
    arguments: Arguments,
    options: CallOptions,
    progressive: bool,
) -> BoxFuture<'static, Result<Answer, Error>> {
    let call = OutgoingCall {
        procedure: procedure.to_owned(),
        arguments,
        method: options.method,
        idempotent: options.idempotent,
        progressive,
        extensions: http::Extensions::new(),
        options,
    };
    Box::pin(stack.clone().oneshot(call))
}

async fn send(
    session: &Session,
    procedure: &str,
    arguments: Arguments,
    options: CallOptions,
    progressive: bool,
) -> Result<Answer, Error> {
    if progressive {
        call_waiting(session, procedure, arguments, options, |c| c.stream())
            .await
            .map(Answer::Stream)
    } else {
        call_waiting(session, procedure, arguments, options, |c| {
            std::future::IntoFuture::into_future(c)
        })
        .await
        .map(Answer::Result)
    }
}

/// The innermost service of a caller stack: the session.
#[derive(Clone)]
struct Direct {
    session: Session,
}

impl Service<OutgoingCall> for Direct {
    type Response = Answer;
    type Error = Error;
    type Future = BoxFuture<'static, Result<Answer, Error>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, call: OutgoingCall) -> Self::Future {
        let session = self.session.clone();
        Box::pin(async move {
            send(
                &session,
                &call.procedure,
                call.arguments,
                call.options,
                call.progressive,
            )
            .await
        })
    }
}
