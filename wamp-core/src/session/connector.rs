//! Where a session's connections come from, and opening one: connect, then join. The client
//! builds a [`Connector`] and hands it to the driver, which keeps it for every reconnect.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use super::join::{join, JoinRequest};
use super::SessionInfo;
use crate::error::Error;
use crate::transport::{self, BoxTransport, TransportConfig, TransportError};

/// Opens a new connection, for the first join and every reconnect.
pub(crate) type Dial =
    Arc<dyn Fn() -> BoxFuture<'static, Result<BoxTransport, TransportError>> + Send + Sync>;

/// Where a session's connections come from.
pub(crate) enum Target {
    /// A URL, connected with the transport settings.
    Url(String, TransportConfig),
    /// A caller-supplied function (for example in-memory connections to an embedded router).
    Dial(Dial),
    /// One transport given already connected: it cannot be opened again.
    Once(Option<BoxTransport>),
}

/// Everything needed to connect and join again: the driver keeps it for reconnects.
pub(crate) struct Connector {
    target: Target,
    request: JoinRequest,
    join_timeout: Duration,
}

impl Connector {
    pub(crate) fn new(target: Target, request: JoinRequest, join_timeout: Duration) -> Self {
        Self {
            target,
            request,
            join_timeout,
        }
    }

    /// Whether a lost connection can be opened again.
    pub(crate) fn can_reconnect(&self) -> bool {
        !matches!(self.target, Target::Once(_))
    }

    /// Connects and joins: the transport and what WELCOME said.
    pub(crate) async fn open(&mut self) -> Result<(BoxTransport, SessionInfo), Error> {
        let (mut transport, serializer) = match &mut self.target {
            Target::Url(url, config) => {
                let connected = transport::connect(url, config).await?;
                (connected.transport, connected.serializer)
            }
            Target::Dial(dial) => (dial().await?, None),
            Target::Once(transport) => (transport.take().ok_or(TransportError::Closed)?, None),
        };
        let timeout = self.join_timeout;
        let (id, details) = tokio::time::timeout(timeout, join(&mut transport, &mut self.request))
            .await
            .map_err(|_| Error::Transport(TransportError::ConnectTimeout(timeout)))??;
        let info = SessionInfo::from_welcome(id, self.request.realm.clone(), details, serializer);
        Ok((transport, info))
    }
}
