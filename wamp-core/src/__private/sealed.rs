//! What `encrypted` services and methods add to the generated glue: a callee that refuses calls
//! in the clear, and the error a caller reports for a result in the clear.

use std::sync::Arc;

use futures::future::BoxFuture;

use crate::error::{uris, Error, WampError};
use crate::session::{Handler, Invocation, Reply};

/// Wraps a handler so that it runs only for sealed (end-to-end encrypted) calls.
pub(super) fn only_sealed(handler: Arc<dyn Handler>) -> Arc<dyn Handler> {
    Arc::new(OnlySealed(handler))
}

struct OnlySealed(Arc<dyn Handler>);

impl Handler for OnlySealed {
    fn handle(&self, invocation: Invocation) -> BoxFuture<'static, Result<Reply, WampError>> {
        if invocation.encrypted {
            return self.0.handle(invocation);
        }
        let procedure = &invocation.procedure;
        let error = match &invocation.passthru {
            // Sealed, but this session has no key ring that opens it.
            Some(p) if crate::cryptobox::is_cryptobox(p) => WampError::with_message(
                uris::DECRYPT_ERROR,
                format!("no key of this callee opens calls to {procedure}"),
            ),
            _ => WampError::with_message(
                uris::ENCRYPTION_REQUIRED,
                format!("{procedure} is end-to-end encrypted; this call arrived in the clear"),
            ),
        };
        Box::pin(async move { Err(error) })
    }
}

/// The error of a call to an `encrypted` method whose result arrived in the clear.
pub(super) fn result_in_the_clear(procedure: &str) -> Error {
    Error::Wamp(WampError::with_message(
        uris::ENCRYPTION_REQUIRED,
        format!("{procedure} is end-to-end encrypted; its result arrived in the clear"),
    ))
}
