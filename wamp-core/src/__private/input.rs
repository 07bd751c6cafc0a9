//! A service method's stream parameter (`items: impl Stream<Item = T>`): progressive call
//! invocations on both sides. Every positional argument of every CALL of the call is one item,
//! in order: the client sends one item per CALL with `progress = true` and an empty last CALL;
//! a caller that cannot (a dealer without `progressive_call_invocations`, such as Crossbar.io, or
//! a client of another stack) sends every item as the positional arguments of one plain CALL.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures::{Stream, StreamExt as _};

use super::codec::{Codec, Errors};
use crate::error::{uris, Error, WampError};
use crate::message::{Arguments, Feature, Role};
use crate::session::{Inputs, Invocation, Session};
use crate::typed::CallError;
use crate::value::Value;

/// Where an item that did not decode is reported: the stream ends there, and the call answers
/// `wamp.error.invalid_argument` once the method returns.
#[derive(Debug, Clone, Default)]
pub struct InputFailure(Arc<Mutex<Option<WampError>>>);

impl InputFailure {
    /// The failure, if an item did not decode.
    pub fn check(&self) -> Result<(), WampError> {
        match self.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn fail(&self, error: WampError) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert(error);
    }
}

/// The items of a call, decoded as they come.
pub struct InputStream<T> {
    pending: VecDeque<Value>,
    inputs: Option<Inputs>,
    codec: Codec<T>,
    failure: InputFailure,
    name: &'static str,
}

impl<T> std::fmt::Debug for InputStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InputStream")
            .field("pending", &self.pending.len())
            .field("open", &self.inputs.is_some())
            .finish()
    }
}

/// The stream parameter `name` of an invocation: its first CALL's items, then those of the
/// further CALLs.
pub fn input_stream<T>(
    invocation: &mut Invocation,
    name: &'static str,
    codec: Codec<T>,
    failure: &InputFailure,
) -> InputStream<T> {
    let inputs = invocation.inputs();
    let positional = invocation.passthru.is_none() && invocation.arguments.kwargs.is_empty();
    let mut stream = InputStream {
        pending: std::mem::take(&mut invocation.arguments.args).into(),
        inputs,
        codec,
        failure: failure.clone(),
        name,
    };
    if !positional {
        stream.refuse_non_positional();
    }
    stream
}

impl<T> InputStream<T> {
    /// Fails the call with `wamp.error.invalid_argument` and ends the stream.
    fn refuse(&mut self, message: String) {
        self.failure
            .fail(WampError::with_message(uris::INVALID_ARGUMENT, message));
        self.pending.clear();
        self.inputs = None;
    }

    /// A CALL carried keyword arguments or a passthru payload, which are no items.
    fn refuse_non_positional(&mut self) {
        let message = format!(
            "`{}` takes positional items only, not keyword arguments or a passthru payload",
            self.name
        );
        self.refuse(message);
    }
}

impl<T> Unpin for InputStream<T> {}

impl<T> Stream for InputStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        loop {
            if let Some(value) = self.pending.pop_front() {
                return match (self.codec.from_value)(&value) {
                    Ok(item) => Poll::Ready(Some(item)),
                    Err(e) => {
                        let message = format!("an item of `{}`: {e}", self.name);
                        self.refuse(message);
                        Poll::Ready(None)
                    }
                };
            }
            let Some(inputs) = self.inputs.as_mut() else {
                return Poll::Ready(None);
            };
            match inputs.poll_next_unpin(cx) {
                Poll::Ready(Some(chunk))
                    if chunk.passthru.is_some() || !chunk.arguments.kwargs.is_empty() =>
                {
                    self.refuse_non_positional();
                }
                Poll::Ready(Some(chunk)) => self.pending.extend(chunk.arguments.args),
                Poll::Ready(None) => self.inputs = None,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// Calls a method whose parameter is a stream: one item per progressive CALL, or, when the
/// dealer does not announce `progressive_call_invocations`, every item in one CALL.
pub async fn call_input<I, S, T, E>(
    session: &Session,
    procedure: &str,
    items: S,
    item: Codec<I>,
    options: super::CallOptions,
    (codec, errors): (Codec<T>, Errors<E>),
) -> Result<T, CallError<E>>
where
    S: Stream<Item = I> + Send,
{
    let failed = |e: Error| CallError::from_error_with(e, errors.from_wamp);
    let encode = |v: &I| (item.to_value)(v).map_err(CallError::Decode);
    let mut items = std::pin::pin!(items);
    let progressive = session
        .info()
        .router_has(Role::Dealer, Feature::ProgressiveCallInvocations);
    let result = if progressive {
        let first = match items.next().await {
            Some(first) => vec![encode(&first)?],
            None => Vec::new(),
        };
        let start = super::calling::build_call(session, procedure, one(first), options);
        let mut call = start.progressive().await.map_err(failed)?;
        let mut unsent = None;
        while let Some(next) = items.next().await {
            // An item that cannot go out ends the call: with its outcome when the callee
            // already answered, else with the error (never with part of the input).
            if let Err(e) = call.send(one(vec![encode(&next)?])).await {
                unsent = Some(e);
                break;
            }
        }
        match unsent {
            Some(e) => call.end_with(e).map_err(failed)?,
            None => call.finish(Arguments::default()).await.map_err(failed)?,
        }
    } else {
        let mut all = Vec::new();
        while let Some(next) = items.next().await {
            all.push(encode(&next)?);
        }
        super::calling::build_call(session, procedure, one(all), options)
            .await
            .map_err(failed)?
    };
    if options.encrypted && !result.encrypted {
        return Err(failed(super::sealed::result_in_the_clear(procedure)));
    }
    (codec.from_result)(&result.arguments).map_err(CallError::Decode)
}

fn one(args: Vec<Value>) -> Arguments {
    Arguments::new(args, Default::default())
}
