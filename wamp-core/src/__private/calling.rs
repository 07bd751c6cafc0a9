//! How a generated client method's call is made: its options, and the retry while the callee
//! is not registered yet (what the typed caller and its layers share).

use std::future::Future;
use std::time::Duration;

use crate::message::{uris, Arguments};
use crate::session::{CallBuilder, CancelMode};
use crate::{Error, Session};

/// How a generated client method makes its call.
#[derive(Debug, Clone, Copy)]
pub struct CallOptions {
    /// The method's `timeout_ms`, or the client's override.
    pub timeout: Option<Duration>,
    /// The method's `cancel` mode.
    pub cancel: CancelMode,
    /// The client's `with_wait_for_callee`: how long a call answered
    /// `wamp.error.no_such_procedure` is tried again.
    pub wait_for_callee: Option<Duration>,
    /// The method is `encrypted`: the call is sealed or not sent, and a result in the clear is
    /// refused.
    pub encrypted: bool,
    /// Asks the dealer to disclose the caller (`disclose_me`), set per call.
    pub disclose_me: bool,
    /// The client method's Rust name (what caller layers see).
    pub method: &'static str,
    /// The method is `#[wamp(idempotent)]`: a caller layer may make the call again.
    pub idempotent: bool,
}

pub(crate) fn build_call(
    session: &Session,
    procedure: &str,
    arguments: Arguments,
    options: CallOptions,
) -> CallBuilder {
    let mut call = session
        .call(procedure)
        .arguments(arguments)
        .cancel_mode(options.cancel);
    if options.encrypted {
        call = call.encrypted();
    }
    if options.disclose_me {
        call = call.disclose_me();
    }
    if let Some(timeout) = options.timeout {
        call = call.timeout(timeout);
    }
    call
}

/// Makes a call, trying it again while the procedure is not registered and the client's
/// `wait_for_callee` allows (backing off from 10 ms to 250 ms). Only
/// `wamp.error.no_such_procedure` is tried again: such a call reached no callee, so trying it
/// again cannot run it twice.
pub(crate) async fn call_waiting<R, F>(
    session: &Session,
    procedure: &str,
    arguments: Arguments,
    options: CallOptions,
    send: impl Fn(CallBuilder) -> F,
) -> Result<R, Error>
where
    F: Future<Output = Result<R, Error>>,
{
    let Some(wait) = options.wait_for_callee else {
        return send(build_call(session, procedure, arguments, options)).await;
    };
    let now = tokio::time::Instant::now();
    // `Duration::MAX` means "as long as it takes": a deadline that never comes.
    let deadline = now
        .checked_add(wait)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600));
    let mut delay = Duration::from_millis(10);
    loop {
        let call = build_call(session, procedure, arguments.clone(), options);
        match send(call).await {
            Err(Error::Wamp(e))
                if e.uri == uris::NO_SUCH_PROCEDURE
                    && tokio::time::Instant::now() + delay < deadline =>
            {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_millis(250));
            }
            other => return other,
        }
    }
}
