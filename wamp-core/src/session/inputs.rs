//! Progressive call invocations on the callee side (wamp-proto
//! `rfc/text/advanced/rpc_progressive_call_invocations.md`): a caller sends its arguments in
//! several CALLs with `progress = true` and a last one without; the dealer sends them to one
//! callee as INVOCATIONs with one request ID. The first runs the handler; the rest reach it
//! through [`Invocation::inputs`](super::Invocation::inputs) as a stream.
//!
//! The stream is bounded ([`SessionConfig::event_buffer`](super::SessionConfig)): a handler that
//! falls that far behind its inputs fails the call with `wamp_rs.error.slow_consumer` rather than
//! let the queue grow. Chunks that arrive after the handler answered are discarded, as the spec
//! says (the driver remembers the last [`ENDED_REMEMBERED`] such invocations).
//!
//! Crossbar.io 26.10.1 and autobahn-python 26.11.1 do not implement progressive call
//! invocations (Crossbar makes each chunk a separate call); only this crate's router does here.

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::message::{Arguments, Id, Passthru};

/// How many invocations whose input was still open when they ended the driver remembers, to
/// discard their late chunks.
pub(crate) const ENDED_REMEMBERED: usize = 1024;

/// One further chunk of a progressive call invocation's arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct InvocationInput {
    /// The chunk's positional and keyword arguments.
    pub arguments: Arguments,
    /// A passthru payload, when the caller used Payload Passthru Mode.
    pub passthru: Option<Passthru>,
}

/// The further argument chunks of a progressive call invocation, in order; the stream ends after
/// the caller's final chunk.
#[derive(Debug)]
pub struct Inputs {
    pub(crate) rx: mpsc::Receiver<InvocationInput>,
}

impl Inputs {
    /// The next chunk, or `None` after the final one.
    pub async fn next(&mut self) -> Option<InvocationInput> {
        self.rx.recv().await
    }
}

impl Stream for Inputs {
    type Item = InvocationInput;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

/// A handler running for an INVOCATION.
#[derive(Debug)]
pub(crate) struct Running {
    pub(crate) task: AbortHandle,
    /// Where further chunks go while the caller's input is open.
    pub(crate) input: Option<mpsc::Sender<InvocationInput>>,
    /// The procedure called, when its payload was sealed: its answers are sealed for it.
    pub(crate) sealed_for: Option<String>,
}

/// The invocations that ended while their caller was still sending chunks, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Ended {
    order: VecDeque<Id>,
    set: HashSet<Id>,
}

impl Ended {
    /// Remembers that `request` ended with its input open.
    pub(crate) fn insert(&mut self, request: Id) {
        if self.set.insert(request) {
            self.order.push_back(request);
            if self.order.len() > ENDED_REMEMBERED {
                if let Some(old) = self.order.pop_front() {
                    self.set.remove(&old);
                }
            }
        }
    }

    /// Whether an INVOCATION with `request` is a late chunk of an ended invocation; its final
    /// chunk (`last`) ends the memory of it.
    pub(crate) fn is_late(&mut self, request: Id, last: bool) -> bool {
        let late = self.set.contains(&request);
        if late && last {
            self.set.remove(&request);
            self.order.retain(|r| *r != request);
        }
        late
    }

    pub(crate) fn clear(&mut self) {
        self.order.clear();
        self.set.clear();
    }
}
