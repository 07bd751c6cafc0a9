//! Progressive results, typed: the caller's [`ProgressStream`] and the callee's
//! [`serve_stream`].

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::{Stream, StreamExt as _};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{CallError, ServiceError};
use crate::error::WampError;
use crate::message::Arguments;
use crate::session::{CallStream, HandlerResult, Invocation};
use crate::value::{self, Value};

/// The items of a progressive procedure, decoded: each progressive RESULT is one item. A final
/// RESULT that carries a value is the last item; an empty one ends the stream.
///
/// A final RESULT that comes with no progressive one before it, and whose value is a list of
/// items rather than one item, gives each item in turn: that is how our callees answer a call
/// that reached them without `receive_progress` (a dealer or a router-to-router link that does
/// not pass progressive results on, as Crossbar.io's rlinks do not).
///
/// Dropping the stream before it ends cancels the call (with the method's cancel mode).
pub struct ProgressStream<T, E> {
    inner: CallStream,
    done: bool,
    /// A progressive RESULT has arrived.
    progressed: bool,
    /// The items of a final list still to give (the newest last).
    listed: Vec<T>,
    /// Every result must arrive sealed (an `encrypted` method).
    sealed: bool,
    _types: PhantomData<fn() -> (T, E)>,
}

// Nothing in it is pinned structurally: the items it holds are plain values.
impl<T, E> Unpin for ProgressStream<T, E> {}

impl<T, E> std::fmt::Debug for ProgressStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgressStream")
            .field("done", &self.done)
            .finish()
    }
}

impl<T, E> ProgressStream<T, E> {
    /// Wraps a call made with `receive_progress`.
    pub fn new(inner: CallStream) -> Self {
        Self {
            inner,
            done: false,
            progressed: false,
            listed: Vec::new(),
            sealed: false,
            _types: PhantomData,
        }
    }

    /// Refuses results that arrive in the clear (an end-to-end encrypted method): the stream
    /// ends with `wamp_rs.error.encryption_required`.
    pub fn sealed(mut self) -> Self {
        self.sealed = true;
        self
    }

    /// Cancels the call now with the given mode; the stream then ends with the dealer's answer.
    pub fn cancel(&mut self, mode: crate::session::CancelMode) {
        self.inner.cancel(mode);
    }
}

impl<T: DeserializeOwned, E: ServiceError> Stream for ProgressStream<T, E> {
    type Item = Result<T, CallError<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(self.listed.pop().map(Ok));
        }
        let item = match self.inner.poll_next_unpin(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(item) => item,
        };
        match item {
            None => {
                self.done = true;
                Poll::Ready(None)
            }
            Some(Err(e)) => {
                self.done = true;
                Poll::Ready(Some(Err(CallError::from_error(e))))
            }
            Some(Ok(result)) if self.sealed && !result.encrypted => {
                self.done = true;
                let error = crate::error::WampError::with_message(
                    crate::error::uris::ENCRYPTION_REQUIRED,
                    "a result of an end-to-end encrypted procedure arrived in the clear",
                );
                Poll::Ready(Some(Err(CallError::from_error(error.into()))))
            }
            Some(Ok(result)) => {
                if result.progress {
                    self.progressed = true;
                } else {
                    self.done = true;
                    if result.arguments.is_empty() {
                        return Poll::Ready(None);
                    }
                }
                let item = decode_result(&result.arguments);
                if item.is_err() && !result.progress && !self.progressed {
                    if let Ok(mut items) = decode_result::<Vec<T>>(&result.arguments) {
                        items.reverse();
                        self.listed = items;
                        return Poll::Ready(self.listed.pop().map(Ok));
                    }
                }
                Poll::Ready(Some(item.map_err(CallError::Decode)))
            }
        }
    }
}

/// Decodes a procedure's single result: `args[0]`; else the keyword results as one object (for
/// callees that answer with kwargs only); else nothing, which decodes as `()` or `None`.
pub fn decode_result<T: DeserializeOwned>(arguments: &Arguments) -> Result<T, value::ValueError> {
    match arguments.args.first() {
        Some(first) => value::from_value(first),
        None if !arguments.kwargs.is_empty() => arguments.decode_kwargs(),
        None => value::from_value(&Value::Null),
    }
}

/// Answers an invocation of a progressive procedure from a stream of items.
///
/// When the caller asked for progressive results each item goes out as a progressive YIELD and
/// the final YIELD is empty; otherwise the items are collected into one list, sent as `args[0]`.
/// An `Err` item ends the call with that error.
pub async fn serve_stream<S, T, E>(invocation: &Invocation, stream: S) -> HandlerResult
where
    S: Stream<Item = Result<T, E>> + Send,
    T: Serialize,
    E: ServiceError,
{
    serve_items(
        invocation,
        stream,
        |item| value::to_value(item),
        E::to_wamp_error,
    )
    .await
}

/// [`serve_stream`] with the item's encoder and the error's conversion given (what the
/// generated code uses, so that it adds no trait bound of its own).
pub(crate) async fn serve_items<S, T, E>(
    invocation: &Invocation,
    stream: S,
    encode: impl Fn(&T) -> Result<Value, value::ValueError>,
    to_wamp: fn(&E) -> WampError,
) -> HandlerResult
where
    S: Stream<Item = Result<T, E>> + Send,
{
    let mut stream = std::pin::pin!(stream);
    let progressive = invocation.receive_progress();
    let mut collected = Vec::new();
    while let Some(item) = stream.next().await {
        let item = item.map_err(|e| to_wamp(&e))?;
        if progressive {
            invocation
                .progress(Arguments::new(vec![encode(&item)?], Default::default()))
                .await
                .map_err(|e| {
                    WampError::with_message(crate::error::uris::CANCELED, e.to_string())
                })?;
        } else {
            collected.push(encode(&item)?);
        }
    }
    if progressive {
        Ok(Arguments::default())
    } else {
        Ok(Arguments::new(
            vec![Value::Array(collected)],
            Default::default(),
        ))
    }
}
