//! Retrying idempotent calls: [`RetryIdempotent`], a `tower::retry` policy.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tower::retry::{Policy, RetryLayer};

use super::{Answer, OutgoingCall};
use crate::error::Error;
use crate::message::uris;

/// Tries a call again, up to `attempts` more times with a doubling delay, when its method is
/// marked `#[wamp(idempotent)]` and it failed in a way another try may not: a timeout, a lost
/// connection, or the dealer answering `wamp.error.unavailable`, `wamp.error.no_available_callee`
/// or `wamp.error.timeout`. A method not marked idempotent is never tried twice (its first try
/// may have run), nor is any error the callee answered on purpose.
///
/// ```
/// use std::time::Duration;
/// use wamp_core::typed::middleware::RetryIdempotent;
/// let retry = RetryIdempotent::new(3).backoff(Duration::from_millis(20)).layer();
/// // client.layer(retry)
/// ```
#[derive(Debug, Clone)]
pub struct RetryIdempotent {
    attempts: u32,
    delay: Duration,
    max_delay: Duration,
}

impl RetryIdempotent {
    /// Up to `attempts` tries after the first, waiting 50 ms before the first of them and
    /// doubling the wait each time (to at most two seconds).
    pub fn new(attempts: u32) -> Self {
        Self {
            attempts,
            delay: Duration::from_millis(50),
            max_delay: Duration::from_secs(2),
        }
    }

    /// The wait before the first retry (doubled for each further one).
    pub fn backoff(self, delay: Duration) -> Self {
        Self { delay, ..self }
    }

    /// The policy as a layer for a typed client's `layer`.
    pub fn layer(self) -> RetryLayer<Self> {
        RetryLayer::new(self)
    }

    /// Whether `error` is one that another try may not meet.
    pub fn is_transient(error: &Error) -> bool {
        match error {
            Error::Timeout(_) | Error::Disconnected(_) | Error::Transport(_) => true,
            Error::Wamp(e) => [uris::UNAVAILABLE, uris::NO_AVAILABLE_CALLEE, uris::TIMEOUT]
                .contains(&e.uri.as_str()),
            _ => false,
        }
    }
}

impl Policy<OutgoingCall, Answer, Error> for RetryIdempotent {
    type Future = Pin<Box<dyn Future<Output = ()> + Send>>;

    fn retry(
        &mut self,
        call: &mut OutgoingCall,
        result: &mut Result<Answer, Error>,
    ) -> Option<Self::Future> {
        let failed = result.as_ref().err()?;
        if !call.idempotent || self.attempts == 0 || !Self::is_transient(failed) {
            return None;
        }
        self.attempts -= 1;
        let delay = self.delay;
        self.delay = (self.delay * 2).min(self.max_delay);
        tracing::debug!(procedure = %call.procedure, error = %failed, ?delay, "retrying an idempotent call");
        Some(Box::pin(tokio::time::sleep(delay)))
    }

    fn clone_request(&mut self, call: &OutgoingCall) -> Option<OutgoingCall> {
        call.idempotent.then(|| call.clone())
    }
}
