//! An in-process transport: two connected ends that pass [`Message`]s without serializing them.
//!
//! Used by tests and by the embedded router's in-process connections. The channels are bounded,
//! so a peer that stops reading slows the other down instead of growing memory.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::channel::mpsc;
use futures::{Sink, Stream};

use super::TransportError;
use crate::message::Message;

/// One end of an in-memory connection.
#[derive(Debug)]
pub struct MemoryTransport {
    tx: mpsc::Sender<Message>,
    rx: mpsc::Receiver<Message>,
}

/// Two connected ends; each one's sink feeds the other's stream. `capacity` bounds each direction.
pub fn pair(capacity: usize) -> (MemoryTransport, MemoryTransport) {
    let (a_tx, b_rx) = mpsc::channel(capacity);
    let (b_tx, a_rx) = mpsc::channel(capacity);
    (
        MemoryTransport { tx: a_tx, rx: a_rx },
        MemoryTransport { tx: b_tx, rx: b_rx },
    )
}

impl Stream for MemoryTransport {
    type Item = Result<Message, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.rx).poll_next(cx).map(|m| m.map(Ok))
    }
}

impl Sink<Message> for MemoryTransport {
    type Error = TransportError;

    fn poll_ready(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), TransportError>> {
        Pin::new(&mut self.tx)
            .poll_ready(cx)
            .map_err(|_| TransportError::Closed)
    }

    fn start_send(mut self: Pin<&mut Self>, item: Message) -> Result<(), TransportError> {
        Pin::new(&mut self.tx)
            .start_send(item)
            .map_err(|_| TransportError::Closed)
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), TransportError>> {
        Pin::new(&mut self.tx)
            .poll_flush(cx)
            .map_err(|_| TransportError::Closed)
    }

    fn poll_close(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), TransportError>> {
        Pin::new(&mut self.tx)
            .poll_close(cx)
            .map_err(|_| TransportError::Closed)
    }
}
