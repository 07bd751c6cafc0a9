//! Typed errors: [`ServiceError`] (what `#[derive(WampError)]` implements) and [`CallError`],
//! what a generated client answers when a call fails.

use std::convert::Infallible;
use std::fmt;

use crate::error::{uris, CloseReason, Error, WampError};
use crate::value::ValueError;

/// A Rust error type that travels as WAMP ERROR messages: each variant has its own error URI and
/// carries its fields as the error's arguments.
///
/// Derive it with `#[derive(WampError)]`; see the crate's guide for the mapping. It is also
/// implemented for [`WampError`] itself (any application error URI, untyped) and for
/// [`Infallible`] (a procedure that cannot fail).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a WAMP error type",
    label = "a service method's error type must implement `ServiceError`",
    note = "derive it with `#[derive(wamp_core::WampError)]`, or use `wamp_core::WampError` for untyped errors"
)]
pub trait ServiceError: Sized + Send + 'static {
    /// Every error URI this type maps to.
    const URIS: &'static [&'static str];

    /// The ERROR this value is sent as.
    fn to_wamp_error(&self) -> WampError;

    /// Rebuilds the value from a received ERROR: `None` when the URI is not one of
    /// [`Self::URIS`], `Some(Err(..))` when it is but the payload does not decode.
    fn from_wamp_error(error: &WampError) -> Option<Result<Self, ValueError>>;

    /// The type's description for interface documents: each URI with its payload schema.
    /// `None` (the default) for untyped errors, which declare no URI.
    fn describe(
        gen: &mut schemars::SchemaGenerator,
    ) -> Option<crate::describe::ErrorTypeDescription> {
        let _ = gen;
        None
    }
}

impl ServiceError for Infallible {
    const URIS: &'static [&'static str] = &[];

    fn to_wamp_error(&self) -> WampError {
        match *self {}
    }

    fn from_wamp_error(_: &WampError) -> Option<Result<Self, ValueError>> {
        None
    }
}

/// Untyped application errors: every URI outside the spec's `wamp.` namespace is accepted as is.
impl ServiceError for WampError {
    const URIS: &'static [&'static str] = &[];

    fn to_wamp_error(&self) -> WampError {
        self.clone()
    }

    fn from_wamp_error(error: &WampError) -> Option<Result<Self, ValueError>> {
        (!error.uri.starts_with("wamp.")).then(|| Ok(error.clone()))
    }
}

/// Why a typed call failed. The service's own errors (`E`) are kept apart from everything the
/// router, the connection or this client can answer, so a `match` tells them apart.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallError<E> {
    /// The procedure answered with one of its declared errors.
    Service(E),
    /// The call timed out (this client's timeout, or `wamp.error.timeout` from the dealer).
    Timeout,
    /// The call was canceled (`wamp.error.canceled`).
    Canceled,
    /// The session ended before the call was answered.
    Disconnected(CloseReason),
    /// The router refused the call (`wamp.error.not_authorized`).
    NotAuthorized(WampError),
    /// No callee is registered for the procedure (`wamp.error.no_such_procedure`).
    NoSuchProcedure(WampError),
    /// The callee refused the arguments (`wamp.error.invalid_argument`).
    InvalidArgument(WampError),
    /// The callee or router answered with an error URI that `E` does not declare.
    UnknownError(WampError),
    /// The result, or the payload of a declared error, did not decode into its Rust type; or
    /// an argument did not encode (then nothing was sent): a value that is no URI component
    /// for a capture, a map with non-string keys for kwargs.
    Decode(ValueError),
    /// Any other failure of the session (an invalid URI, an unsupported feature...).
    Other(Error),
}

impl<E: ServiceError> CallError<E> {
    /// Sorts a session error into the typed kinds.
    pub fn from_error(error: Error) -> Self {
        Self::from_error_with(error, E::from_wamp_error)
    }

    /// Sorts an ERROR answer into the typed kinds: a declared URI first, then the spec's URIs.
    pub fn from_wamp_error(error: WampError) -> Self {
        Self::from_wamp_error_with(error, E::from_wamp_error)
    }
}

impl<E> CallError<E> {
    /// [`CallError::from_error`], with the error type's decoder given.
    pub fn from_error_with(
        error: Error,
        declared: fn(&WampError) -> Option<Result<E, ValueError>>,
    ) -> Self {
        match error {
            Error::Wamp(e) => Self::from_wamp_error_with(e, declared),
            Error::Timeout(_) => CallError::Timeout,
            Error::SessionClosed(reason) | Error::Disconnected(reason) => {
                CallError::Disconnected(reason)
            }
            Error::Transport(e) => {
                CallError::Disconnected(CloseReason::TransportError(e.to_string()))
            }
            Error::Value(e) => CallError::Decode(e),
            other => CallError::Other(other),
        }
    }

    /// [`CallError::from_wamp_error`], with the error type's decoder given.
    pub fn from_wamp_error_with(
        error: WampError,
        declared: fn(&WampError) -> Option<Result<E, ValueError>>,
    ) -> Self {
        match declared(&error) {
            Some(Ok(e)) => return CallError::Service(e),
            Some(Err(e)) => return CallError::Decode(e),
            None => {}
        }
        match error.uri.as_str() {
            uris::TIMEOUT => CallError::Timeout,
            uris::CANCELED => CallError::Canceled,
            uris::NOT_AUTHORIZED => CallError::NotAuthorized(error),
            uris::NO_SUCH_PROCEDURE => CallError::NoSuchProcedure(error),
            uris::INVALID_ARGUMENT => CallError::InvalidArgument(error),
            _ => CallError::UnknownError(error),
        }
    }
}

impl<E> CallError<E> {
    /// The service's own error, if that is what this is.
    pub fn service(&self) -> Option<&E> {
        match self {
            CallError::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The error URI received, for the kinds that carry one.
    pub fn uri(&self) -> Option<&str> {
        match self {
            CallError::NotAuthorized(e)
            | CallError::NoSuchProcedure(e)
            | CallError::InvalidArgument(e)
            | CallError::UnknownError(e) => Some(&e.uri),
            CallError::Timeout => Some(uris::TIMEOUT),
            CallError::Canceled => Some(uris::CANCELED),
            _ => None,
        }
    }
}

/// A service error shows as its URI and value (`com.example.error.not_found: NotFound { id: 7 }`),
/// so `E` needs only `Debug`: `?` turns a `CallError` into `anyhow::Error` or `Box<dyn Error>`.
impl<E: ServiceError + fmt::Debug> fmt::Display for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Service(e) => write!(f, "{}: {e:?}", e.to_wamp_error().uri),
            CallError::Timeout => f.write_str("the call timed out"),
            CallError::Canceled => f.write_str("the call was canceled"),
            CallError::Disconnected(reason) => write!(f, "disconnected: {reason}"),
            CallError::NotAuthorized(e) => write!(f, "not authorized: {e}"),
            CallError::NoSuchProcedure(e) => write!(f, "no such procedure: {e}"),
            CallError::InvalidArgument(e) => write!(f, "invalid argument: {e}"),
            CallError::UnknownError(e) => write!(f, "undeclared error {e}"),
            CallError::Decode(e) => write!(f, "could not decode the answer: {e}"),
            CallError::Other(e) => write!(f, "{e}"),
        }
    }
}

impl<E: ServiceError + fmt::Debug> std::error::Error for CallError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallError::NotAuthorized(e)
            | CallError::NoSuchProcedure(e)
            | CallError::InvalidArgument(e)
            | CallError::UnknownError(e) => Some(e),
            CallError::Decode(e) => Some(e),
            CallError::Other(e) => Some(e),
            _ => None,
        }
    }
}

impl<E: ServiceError> From<Error> for CallError<E> {
    fn from(error: Error) -> Self {
        CallError::from_error(error)
    }
}
