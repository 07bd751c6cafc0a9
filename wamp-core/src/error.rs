//! Errors of the session layer. Each keeps what the peer said: the WAMP error URI and payload.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::auth::AuthError;
use crate::message::{Arguments, Passthru, ProtocolViolation};
use crate::transport::TransportError;
use crate::value::{self, Dict, Value, ValueError};

/// A WAMP error: an error URI with optional arguments, as carried by an ERROR message.
///
/// Callers receive it when a call fails; callees return it from their handlers.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{uri}{}", describe_args(.args))]
pub struct WampError {
    /// The error URI, for example `wamp.error.not_authorized` or `com.myapp.error.overflow`.
    pub uri: String,
    /// Positional error arguments.
    pub args: Vec<Value>,
    /// Keyword error arguments.
    pub kwargs: Dict,
    /// The ERROR message's details.
    pub details: Dict,
    /// A passthru payload in place of the arguments (Payload Passthru Mode), when the error
    /// carries one; its attributes are written into (or were read from) the details.
    pub passthru: Option<Box<Passthru>>,
}

fn describe_args(args: &[Value]) -> String {
    match args.first() {
        Some(Value::Text(text)) => format!(": {text}"),
        _ => String::new(),
    }
}

impl WampError {
    /// An error with a URI and no payload.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            args: Vec::new(),
            kwargs: Dict::new(),
            details: Dict::new(),
            passthru: None,
        }
    }

    /// An error whose payload is a passthru payload (Payload Passthru Mode).
    pub fn with_passthru(uri: impl Into<String>, payload: Passthru) -> Self {
        Self {
            passthru: Some(Box::new(payload)),
            ..Self::new(uri)
        }
    }

    /// An error with a URI and a human-readable message as its first argument.
    pub fn with_message(uri: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            args: vec![Value::Text(message.into())],
            ..Self::new(uri)
        }
    }

    /// Sets positional arguments from any serializable tuple, array or `Vec`.
    pub fn args<T: Serialize + ?Sized>(mut self, args: &T) -> Result<Self, ValueError> {
        self.args = value::to_args(args)?;
        Ok(self)
    }

    /// Sets keyword arguments from any serializable struct or map.
    pub fn kwargs<T: Serialize + ?Sized>(mut self, kwargs: &T) -> Result<Self, ValueError> {
        self.kwargs = value::to_kwargs(kwargs)?;
        Ok(self)
    }

    /// Whether this is the error `uri`.
    pub fn is(&self, uri: &str) -> bool {
        self.uri == uri
    }

    /// Decodes the keyword arguments into a typed error payload.
    pub fn decode_kwargs<T: DeserializeOwned>(&self) -> Result<T, ValueError> {
        value::from_value(&value::dict_to_value(self.kwargs.clone()))
    }

    /// The payload as [`Arguments`].
    pub fn arguments(&self) -> Arguments {
        Arguments::new(self.args.clone(), self.kwargs.clone())
    }
}

/// A handler's argument could not be decoded: the caller sent the wrong shape.
impl From<ValueError> for WampError {
    fn from(e: ValueError) -> Self {
        WampError::with_message(uris::INVALID_ARGUMENT, e.to_string())
    }
}

/// The error and close URIs (defined once, in the message layer).
pub use crate::message::uris;

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// The session was closed with GOODBYE (by either side).
    Goodbye {
        /// The reason URI.
        reason: String,
        /// The human-readable message, if any.
        message: Option<String>,
        /// Whether the router started the closing handshake.
        by_router: bool,
    },
    /// The router sent ABORT.
    Aborted {
        /// The reason URI.
        reason: String,
        /// The human-readable message, if any.
        message: Option<String>,
    },
    /// The router broke the protocol; this client sent ABORT and closed the connection.
    ProtocolViolation(String),
    /// The transport failed.
    TransportError(String),
    /// The connection closed without a closing handshake.
    ConnectionLost,
    /// Every [`crate::Session`] handle was dropped.
    Dropped,
}

impl std::fmt::Display for CloseReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CloseReason::Goodbye {
                reason,
                message,
                by_router,
            } => {
                let who = if *by_router { "router" } else { "client" };
                write!(f, "closed by the {who} with {reason}")?;
                message.iter().try_for_each(|m| write!(f, " ({m})"))
            }
            CloseReason::Aborted { reason, message } => {
                write!(f, "aborted by the router with {reason}")?;
                message.iter().try_for_each(|m| write!(f, " ({m})"))
            }
            CloseReason::ProtocolViolation(m) => write!(f, "the router violated the protocol: {m}"),
            CloseReason::TransportError(m) => write!(f, "transport error: {m}"),
            CloseReason::ConnectionLost => f.write_str("the connection was lost"),
            CloseReason::Dropped => f.write_str("every session handle was dropped"),
        }
    }
}

/// Why an operation of a session failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The transport could not connect or failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The router refused the session (ABORT while joining).
    #[error("the router refused the session: {reason}{}", .message.as_ref().map(|m| format!(" ({m})")).unwrap_or_default())]
    Refused {
        /// The reason URI, for example `wamp.error.not_authorized` or `wamp.error.no_such_realm`.
        reason: String,
        /// The router's human-readable message.
        message: Option<String>,
        /// The ABORT details.
        details: Dict,
    },
    /// Authentication could not be performed on this side.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The router broke the protocol; the session was aborted.
    #[error(transparent)]
    ProtocolViolation(#[from] ProtocolViolation),
    /// The router answered a request with ERROR.
    #[error("{0}")]
    Wamp(#[from] WampError),
    /// The session is closed.
    #[error("the session is closed: {0}")]
    SessionClosed(CloseReason),
    /// The call did not complete in time; a CANCEL was sent.
    #[error("the call timed out after {0:?}")]
    Timeout(std::time::Duration),
    /// A value could not be serialized or deserialized.
    #[error("value error: {0}")]
    Value(#[from] ValueError),
    /// A URI given to this client is not valid: which one, and the rule it breaks.
    #[error("invalid URI {uri:?}: {problem}")]
    InvalidUri {
        /// The URI.
        uri: String,
        /// The rule it breaks.
        problem: crate::uri::UriProblem,
    },
    /// The router does not announce a feature the operation needs.
    #[error("the router's {role} role does not announce the feature {feature}")]
    Unsupported {
        /// The router role (`dealer` or `broker`).
        role: crate::message::Role,
        /// The feature.
        feature: crate::message::Feature,
    },
    /// The request was refused by this client before sending (for example a message too large).
    #[error("request not sent: {0}")]
    NotSent(String),
    /// The connection was lost while the request was in flight, or the session did not join
    /// again within the reconnect policy's wait. Whether a call in flight ran is unknown.
    #[error("disconnected: {0}")]
    Disconnected(CloseReason),
    /// A call stream's consumer fell behind: this many progressive results were dropped since the
    /// last report. The call goes on.
    #[error("{0} progressive result(s) dropped because the consumer did not keep up")]
    Lagged(u64),
    /// End-to-end encryption was required (a typed `encrypted` procedure or topic, or
    /// `.encrypted()` on the request), but the session's key ring has no key for the URI.
    #[error("no end-to-end encryption key covers {uri}")]
    NoKey {
        /// The procedure or topic.
        uri: String,
    },
    /// The session already has the configured maximum of calls in flight.
    #[error("too many calls in flight (the limit is {limit})")]
    TooManyPendingCalls {
        /// The configured limit.
        limit: usize,
    },
}

impl Error {
    /// The WAMP error, if the router answered with ERROR.
    pub fn wamp(&self) -> Option<&WampError> {
        match self {
            Error::Wamp(e) => Some(e),
            _ => None,
        }
    }

    /// The error URI, if the router answered with ERROR or refused the session.
    pub fn uri(&self) -> Option<&str> {
        match self {
            Error::Wamp(e) => Some(&e.uri),
            Error::Refused { reason, .. } => Some(reason),
            _ => None,
        }
    }
}
