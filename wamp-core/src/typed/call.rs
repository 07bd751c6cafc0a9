//! What a generated client method answers: a call with per-call options, made when awaited.
//!
//! `client.add(2, 3).await` makes the call with the method's options (its `timeout_ms`,
//! `cancel` mode...); `client.add(2, 3).timeout(d).disclose_me().await` changes them for this
//! call only.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use crate::__private::{call, call_stream, ArgsBuilder, CallOptions, Codec, Errors};
use crate::message::CancelMode;
use crate::typed::middleware::Caller;
use crate::typed::{CallError, ProgressStream};

/// The options a typed call can change for itself, kept at `$($options).+`.
macro_rules! per_call_options {
    ($($options:ident).+) => {
        /// Times this call out after `timeout` (instead of the method's `timeout_ms` or the
        /// client's `with_timeout`): sent to the dealer as `timeout`, and enforced here.
        pub fn timeout(mut self, timeout: Duration) -> Self {
            self.$($options).+.timeout = Some(timeout);
            self
        }

        /// Asks the dealer to disclose this caller to the callee (`disclose_me`).
        pub fn disclose_me(mut self) -> Self {
            self.$($options).+.disclose_me = true;
            self
        }

        /// How this call is canceled when it times out or is dropped unfinished (instead of
        /// the method's `cancel` mode).
        pub fn cancel_mode(mut self, mode: CancelMode) -> Self {
            self.$($options).+.cancel = mode;
            self
        }

        /// Tries this call again while it is answered `wamp.error.no_such_procedure`, until
        /// `wait` has passed (see the client's `with_wait_for_callee`).
        pub fn wait_for_callee(mut self, wait: Duration) -> Self {
            self.$($options).+.wait_for_callee = Some(wait);
            self
        }
    };
}

/// A typed call to a procedure answering one result `T` (or its error `E`). Await it.
#[must_use = "a call does nothing until awaited"]
pub struct TypedCall<T, E> {
    caller: Caller,
    procedure: String,
    arguments: ArgsBuilder,
    options: CallOptions,
    codecs: (Codec<T>, Errors<E>),
}

impl<T, E> std::fmt::Debug for TypedCall<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedCall")
            .field("procedure", &self.procedure)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T, E> TypedCall<T, E> {
    /// A call of `procedure` (the generated client makes these).
    pub fn new(
        caller: Caller,
        procedure: String,
        arguments: ArgsBuilder,
        options: CallOptions,
        codecs: (Codec<T>, Errors<E>),
    ) -> Self {
        Self {
            caller,
            procedure,
            arguments,
            options,
            codecs,
        }
    }

    per_call_options!(options);
}

impl<T: Send + 'static, E: Send + 'static> IntoFuture for TypedCall<T, E> {
    type Output = Result<T, CallError<E>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            call(
                &self.caller,
                &self.procedure,
                self.arguments,
                self.options,
                self.codecs,
            )
            .await
        })
    }
}

/// A typed call to a progressive procedure: awaited, it answers the [`ProgressStream`] of its
/// items.
#[must_use = "a call does nothing until awaited"]
pub struct TypedStreamCall<T, E> {
    inner: TypedCall<T, E>,
}

impl<T, E> std::fmt::Debug for TypedStreamCall<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedStreamCall")
            .field("call", &self.inner)
            .finish()
    }
}

impl<T, E> TypedStreamCall<T, E> {
    /// A call of the progressive `procedure` (the generated client makes these).
    pub fn new(
        caller: Caller,
        procedure: String,
        arguments: ArgsBuilder,
        options: CallOptions,
        codecs: (Codec<T>, Errors<E>),
    ) -> Self {
        Self {
            inner: TypedCall::new(caller, procedure, arguments, options, codecs),
        }
    }

    per_call_options!(inner.options);
}

impl<T: Send + 'static, E: Send + 'static> IntoFuture for TypedStreamCall<T, E> {
    type Output = Result<ProgressStream<T, E>, CallError<E>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        let c = self.inner;
        Box::pin(async move {
            call_stream(&c.caller, &c.procedure, c.arguments, c.options, c.codecs).await
        })
    }
}
