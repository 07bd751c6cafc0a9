pub trait Calculator: ::wamp_core::__private::Send + ::wamp_core::__private::Sync + 'static {
    /// Adds two numbers.
    fn add(
        &self,
        a: i64,
        b: i64,
    ) -> impl ::wamp_core::__private::Future<
        Output = Result<i64, CalcError>,
    > + ::wamp_core::__private::Send;
    /// Divides, the client sending keyword arguments.
    fn divide(
        &self,
        dividend: i64,
        divisor: i64,
    ) -> impl ::wamp_core::__private::Future<
        Output = Result<i64, CalcError>,
    > + ::wamp_core::__private::Send;
    /// Counts, as progressive results.
    fn count(
        &self,
        to: u32,
    ) -> impl ::wamp_core::__private::Future<
        Output = impl Stream<Item = u32> + ::wamp_core::__private::Send,
    > + ::wamp_core::__private::Send;
    /// Any sensor, disclosing the caller.
    fn read(
        &self,
        ctx: Context,
        query: Query,
    ) -> impl ::wamp_core::__private::Future<Output = ()> + ::wamp_core::__private::Send;
    /// A user's inbox: `id` is a component of the URI.
    fn inbox(
        &self,
        id: u64,
        limit: Option<u32>,
    ) -> impl ::wamp_core::__private::Future<
        Output = Vec<String>,
    > + ::wamp_core::__private::Send;
    ///Every procedure of [`Calculator`], served by `self`, ready to register: `serve` it, keep some methods with `only`, or add other services with `and`.
    #[allow(deprecated)]
    fn service(self) -> ::wamp_core::__private::ServiceBundle
    where
        Self: ::wamp_core::__private::Sized,
    {
        let this = ::wamp_core::__private::Arc::new(self);
        let mut procedures = ::wamp_core::__private::Vec::with_capacity(5usize);
        {
            let this = ::wamp_core::__private::Clone::clone(&this);
            procedures
                .push((
                    ::wamp_core::__private::ToString::to_string("com.example.calc.add"),
                    ::wamp_core::__private::RegisterOptions {
                        policy: ::wamp_core::__private::MatchPolicy::Exact,
                        invoke: ::wamp_core::__private::InvokePolicy::Single,
                        disclose_caller: false,
                        summary: "Adds two numbers.",
                        method: "add",
                        encrypted: false,
                    },
                    ::wamp_core::__private::handler(move |
                        invocation: ::wamp_core::__private::Invocation|
                    {
                        let this = ::wamp_core::__private::Clone::clone(&this);
                        async move {
                            ::wamp_core::__private::check_arity(
                                &invocation.arguments,
                                2usize,
                                "com.example.calc.add",
                            )?;
                            let __arg0: i64 = ::wamp_core::__private::arg(
                                &invocation.arguments,
                                ::wamp_core::__private::Some(0usize),
                                "a",
                                ::wamp_core::__private::wire::<i64>(),
                            )?;
                            let __arg1: i64 = ::wamp_core::__private::arg(
                                &invocation.arguments,
                                ::wamp_core::__private::Some(1usize),
                                "b",
                                ::wamp_core::__private::wire::<i64>(),
                            )?;
                            ::wamp_core::__private::reply_result(
                                this.add(__arg0, __arg1).await,
                                ::wamp_core::__private::wire::<i64>(),
                                ::wamp_core::__private::errors::<CalcError>(),
                            )
                        }
                    }),
                ));
        }
        {
            let this = ::wamp_core::__private::Clone::clone(&this);
            procedures
                .push((
                    ::wamp_core::__private::ToString::to_string(
                        "com.example.calc.divide",
                    ),
                    ::wamp_core::__private::RegisterOptions {
                        policy: ::wamp_core::__private::MatchPolicy::Exact,
                        invoke: ::wamp_core::__private::InvokePolicy::Single,
                        disclose_caller: false,
                        summary: "Divides, the client sending keyword arguments.",
                        method: "divide",
                        encrypted: false,
                    },
                    ::wamp_core::__private::handler(move |
                        invocation: ::wamp_core::__private::Invocation|
                    {
                        let this = ::wamp_core::__private::Clone::clone(&this);
                        async move {
                            ::wamp_core::__private::check_arity(
                                &invocation.arguments,
                                2usize,
                                "com.example.calc.divide",
                            )?;
                            let __arg0: i64 = ::wamp_core::__private::arg(
                                &invocation.arguments,
                                ::wamp_core::__private::Some(0usize),
                                "dividend",
                                ::wamp_core::__private::wire::<i64>(),
                            )?;
                            let __arg1: i64 = ::wamp_core::__private::arg(
                                &invocation.arguments,
                                ::wamp_core::__private::Some(1usize),
                                "divisor",
                                ::wamp_core::__private::wire::<i64>(),
                            )?;
                            ::wamp_core::__private::reply_result(
                                this.divide(__arg0, __arg1).await,
                                ::wamp_core::__private::wire::<i64>(),
                                ::wamp_core::__private::errors::<CalcError>(),
                            )
                        }
                    }),
                ));
        }
        {
            let this = ::wamp_core::__private::Clone::clone(&this);
            procedures
                .push((
                    ::wamp_core::__private::ToString::to_string(
                        "com.example.calc.count",
                    ),
                    ::wamp_core::__private::RegisterOptions {
                        policy: ::wamp_core::__private::MatchPolicy::Exact,
                        invoke: ::wamp_core::__private::InvokePolicy::Single,
                        disclose_caller: false,
                        summary: "Counts, as progressive results.",
                        method: "count",
                        encrypted: false,
                    },
                    ::wamp_core::__private::handler(move |
                        invocation: ::wamp_core::__private::Invocation|
                    {
                        let this = ::wamp_core::__private::Clone::clone(&this);
                        async move {
                            ::wamp_core::__private::check_arity(
                                &invocation.arguments,
                                1usize,
                                "com.example.calc.count",
                            )?;
                            let __arg0: u32 = ::wamp_core::__private::arg(
                                &invocation.arguments,
                                ::wamp_core::__private::Some(0usize),
                                "to",
                                ::wamp_core::__private::wire::<u32>(),
                            )?;
                            ::wamp_core::__private::serve_stream_with(
                                    &invocation,
                                    ::wamp_core::__private::infallible_stream(
                                        this.count(__arg0).await,
                                    ),
                                    ::wamp_core::__private::wire::<u32>(),
                                    ::wamp_core::__private::errors::<
                                        ::wamp_core::__private::Infallible,
                                    >(),
                                )
                                .await
                        }
                    }),
                ));
        }
        {
            let this = ::wamp_core::__private::Clone::clone(&this);
            procedures
                .push((
                    ::wamp_core::__private::ToString::to_string("com.example.sensor"),
                    ::wamp_core::__private::RegisterOptions {
                        policy: ::wamp_core::__private::MatchPolicy::Prefix,
                        invoke: ::wamp_core::__private::InvokePolicy::RoundRobin,
                        disclose_caller: true,
                        summary: "Any sensor, disclosing the caller.",
                        method: "read",
                        encrypted: false,
                    },
                    ::wamp_core::__private::handler(move |
                        invocation: ::wamp_core::__private::Invocation|
                    {
                        let this = ::wamp_core::__private::Clone::clone(&this);
                        async move {
                            ::wamp_core::__private::check_arity(
                                &invocation.arguments,
                                0usize,
                                "com.example.sensor",
                            )?;
                            let __arg0: Context = ::wamp_core::__private::Context::requested(
                                &invocation,
                                true,
                            );
                            let __arg1: Query = ::wamp_core::__private::kwargs_arg(
                                &invocation.arguments,
                                "query",
                                ::wamp_core::__private::wire::<Query>(),
                            )?;
                            ::wamp_core::__private::reply_unit(
                                this.read(__arg0, __arg1).await,
                            )
                        }
                    }),
                ));
        }
        {
            let this = ::wamp_core::__private::Clone::clone(&this);
            procedures
                .push((
                    ::wamp_core::__private::ToString::to_string(
                        "com.example.calc.user..inbox",
                    ),
                    ::wamp_core::__private::RegisterOptions {
                        policy: ::wamp_core::__private::MatchPolicy::Wildcard,
                        invoke: ::wamp_core::__private::InvokePolicy::Single,
                        disclose_caller: false,
                        summary: "A user's inbox: `id` is a component of the URI.",
                        method: "inbox",
                        encrypted: false,
                    },
                    ::wamp_core::__private::handler(move |
                        invocation: ::wamp_core::__private::Invocation|
                    {
                        let this = ::wamp_core::__private::Clone::clone(&this);
                        async move {
                            ::wamp_core::__private::check_arity(
                                &invocation.arguments,
                                1usize,
                                "com.example.calc.user..inbox",
                            )?;
                            let __arg0: u64 = ::wamp_core::__private::capture(
                                &invocation.procedure,
                                4usize,
                                "id",
                                ::wamp_core::__private::wire::<u64>(),
                            )?;
                            let __arg1: Option<u32> = ::wamp_core::__private::arg(
                                &invocation.arguments,
                                ::wamp_core::__private::Some(0usize),
                                "limit",
                                ::wamp_core::__private::wire::<Option<u32>>(),
                            )?;
                            ::wamp_core::__private::reply_value(
                                &this.inbox(__arg0, __arg1).await,
                                ::wamp_core::__private::wire::<Vec<String>>(),
                            )
                        }
                    }),
                ));
        }
        ::wamp_core::__private::ServiceBundle::new(
            procedures,
            ::wamp_core::__private::Some(
                <CalculatorClient as ::wamp_core::__private::ServiceClient>::description(),
            ),
        )
    }
    ///Registers every procedure of [`Calculator`] on `session`, served by `self`. It also registers `com.example.calc.describe`, answering the service's interface description. Dropping the returned handle unregisters them. If the router refuses any, those it accepted are unregistered again and the error names every procedure refused.
    fn serve(
        self,
        session: &::wamp_core::__private::Session,
    ) -> impl ::wamp_core::__private::Future<
        Output = ::wamp_core::__private::Result<
            ::wamp_core::__private::ServiceHandle,
            ::wamp_core::__private::ServeError,
        >,
    > + ::wamp_core::__private::Send
    where
        Self: ::wamp_core::__private::Sized,
    {
        let session = ::wamp_core::__private::Clone::clone(session);
        let service = Self::service(self);
        async move { service.serve(&session).await }
    }
}
///Typed caller of [`Calculator`] (`com.example.calc`): one method per procedure, each answering the procedure's result or a [`CallError`](::wamp_core::typed::CallError).
#[derive(::core::clone::Clone, ::core::fmt::Debug)]
pub struct CalculatorClient {
    caller: ::wamp_core::__private::Caller,
    timeout: ::wamp_core::__private::Option<::wamp_core::__private::Duration>,
    wait_for_callee: ::wamp_core::__private::Option<::wamp_core::__private::Duration>,
}
impl CalculatorClient {
    /// A client calling over `session`.
    pub fn new(session: ::wamp_core::__private::Session) -> Self {
        Self {
            caller: ::wamp_core::__private::Caller::new(session),
            timeout: ::wamp_core::__private::None,
            wait_for_callee: ::wamp_core::__private::None,
        }
    }
    /// The same client with its calls going through `layer` (a `tower::Layer` over
    /// [`CallStack`](::wamp_core::typed::middleware::CallStack)) around the layers it
    /// had: a retry of idempotent methods, metrics, a timeout. Without any, calls go
    /// straight to the session. Calls of a method taking a stream parameter do not pass
    /// through layers.
    pub fn layer<L>(self, layer: L) -> Self
    where
        L: ::wamp_core::__private::Layer<::wamp_core::__private::CallStack>,
        L::Service: ::wamp_core::__private::Service<
                ::wamp_core::__private::OutgoingCall,
                Response = ::wamp_core::__private::Answer,
            > + ::wamp_core::__private::Clone + ::wamp_core::__private::Send
            + ::wamp_core::__private::Sync + 'static,
        <L::Service as ::wamp_core::__private::Service<
            ::wamp_core::__private::OutgoingCall,
        >>::Error: ::wamp_core::__private::Into<::wamp_core::__private::BoxError>,
        <L::Service as ::wamp_core::__private::Service<
            ::wamp_core::__private::OutgoingCall,
        >>::Future: ::wamp_core::__private::Send + 'static,
    {
        Self {
            caller: self.caller.layer(layer),
            ..self
        }
    }
    /// The same client with every call timing out after `timeout` (instead of each
    /// method's `timeout_ms`).
    pub fn with_timeout(self, timeout: ::wamp_core::__private::Duration) -> Self {
        Self {
            timeout: ::wamp_core::__private::Some(timeout),
            ..self
        }
    }
    /// The same client with every call answered `wamp.error.no_such_procedure` tried
    /// again (backing off from 10 ms to 250 ms) until `wait` has passed. This closes the
    /// window after a reconnect, or a restart of the callee, in which this caller is
    /// back before the callee has registered again. Only that error is retried: such a
    /// call reached no callee, so it never runs twice. (A progressive procedure's
    /// stream is answered before the router routes the call, so it reports
    /// `NoSuchProcedure` as its first item instead, and is not tried again.)
    pub fn with_wait_for_callee(self, wait: ::wamp_core::__private::Duration) -> Self {
        Self {
            wait_for_callee: ::wamp_core::__private::Some(wait),
            ..self
        }
    }
    /// The service's interface description (what `<prefix>.describe` answers), the same
    /// as `ServiceClient::description` without importing the trait.
    pub fn description() -> ::wamp_core::__private::ServiceDescription {
        <Self as ::wamp_core::__private::ServiceClient>::description()
    }
    /// Adds two numbers.
    pub fn add(
        &self,
        a: i64,
        b: i64,
    ) -> ::wamp_core::__private::TypedCall<i64, CalcError> {
        let __options = ::wamp_core::__private::CallOptions {
            timeout: ::wamp_core::__private::Option::or(
                self.timeout,
                ::wamp_core::__private::None,
            ),
            wait_for_callee: self.wait_for_callee,
            cancel: ::wamp_core::__private::CancelMode::Kill,
            encrypted: false,
            disclose_me: false,
            method: "add",
            idempotent: true,
        };
        let mut arguments = ::wamp_core::__private::ArgsBuilder::new();
        arguments.positional(&a, ::wamp_core::__private::wire::<i64>());
        arguments.positional(&b, ::wamp_core::__private::wire::<i64>());
        ::wamp_core::__private::TypedCall::new(
            ::wamp_core::__private::Clone::clone(&self.caller),
            ::wamp_core::__private::ToString::to_string("com.example.calc.add"),
            arguments,
            __options,
            (
                ::wamp_core::__private::wire::<i64>(),
                ::wamp_core::__private::errors::<CalcError>(),
            ),
        )
    }
    /// Divides, the client sending keyword arguments.
    pub fn divide(
        &self,
        dividend: i64,
        divisor: i64,
    ) -> ::wamp_core::__private::TypedCall<i64, CalcError> {
        let __options = ::wamp_core::__private::CallOptions {
            timeout: ::wamp_core::__private::Option::or(
                self.timeout,
                ::wamp_core::__private::Some(
                    ::wamp_core::__private::Duration::from_millis(500u64),
                ),
            ),
            wait_for_callee: self.wait_for_callee,
            cancel: ::wamp_core::__private::CancelMode::KillNoWait,
            encrypted: false,
            disclose_me: false,
            method: "divide",
            idempotent: false,
        };
        let mut arguments = ::wamp_core::__private::ArgsBuilder::new();
        arguments.keyword("dividend", &dividend, ::wamp_core::__private::wire::<i64>());
        arguments.keyword("divisor", &divisor, ::wamp_core::__private::wire::<i64>());
        ::wamp_core::__private::TypedCall::new(
            ::wamp_core::__private::Clone::clone(&self.caller),
            ::wamp_core::__private::ToString::to_string("com.example.calc.divide"),
            arguments,
            __options,
            (
                ::wamp_core::__private::wire::<i64>(),
                ::wamp_core::__private::errors::<CalcError>(),
            ),
        )
    }
    /// Counts, as progressive results.
    pub fn count(
        &self,
        to: u32,
    ) -> ::wamp_core::__private::TypedStreamCall<
        u32,
        ::wamp_core::__private::Infallible,
    > {
        let __options = ::wamp_core::__private::CallOptions {
            timeout: ::wamp_core::__private::Option::or(
                self.timeout,
                ::wamp_core::__private::None,
            ),
            wait_for_callee: self.wait_for_callee,
            cancel: ::wamp_core::__private::CancelMode::Kill,
            encrypted: false,
            disclose_me: false,
            method: "count",
            idempotent: false,
        };
        let mut arguments = ::wamp_core::__private::ArgsBuilder::new();
        arguments.positional(&to, ::wamp_core::__private::wire::<u32>());
        ::wamp_core::__private::TypedStreamCall::new(
            ::wamp_core::__private::Clone::clone(&self.caller),
            ::wamp_core::__private::ToString::to_string("com.example.calc.count"),
            arguments,
            __options,
            (
                ::wamp_core::__private::wire::<u32>(),
                ::wamp_core::__private::errors::<::wamp_core::__private::Infallible>(),
            ),
        )
    }
    /// Any sensor, disclosing the caller.
    ///
    ///`procedure` is the URI called, one that the pattern `com.example.sensor` (Prefix match) covers.
    pub fn read(
        &self,
        procedure: &str,
        query: Query,
    ) -> ::wamp_core::__private::TypedCall<(), ::wamp_core::__private::Infallible> {
        let __options = ::wamp_core::__private::CallOptions {
            timeout: ::wamp_core::__private::Option::or(
                self.timeout,
                ::wamp_core::__private::None,
            ),
            wait_for_callee: self.wait_for_callee,
            cancel: ::wamp_core::__private::CancelMode::Kill,
            encrypted: false,
            disclose_me: false,
            method: "read",
            idempotent: false,
        };
        let mut arguments = ::wamp_core::__private::ArgsBuilder::new();
        arguments.spread(&query, ::wamp_core::__private::wire::<Query>());
        ::wamp_core::__private::TypedCall::new(
            ::wamp_core::__private::Clone::clone(&self.caller),
            ::wamp_core::__private::ToString::to_string(procedure),
            arguments,
            __options,
            (
                ::wamp_core::__private::wire::<()>(),
                ::wamp_core::__private::errors::<::wamp_core::__private::Infallible>(),
            ),
        )
    }
    /// A user's inbox: `id` is a component of the URI.
    pub fn inbox(
        &self,
        id: u64,
        limit: Option<u32>,
    ) -> ::wamp_core::__private::TypedCall<
        Vec<String>,
        ::wamp_core::__private::Infallible,
    > {
        let __options = ::wamp_core::__private::CallOptions {
            timeout: ::wamp_core::__private::Option::or(
                self.timeout,
                ::wamp_core::__private::None,
            ),
            wait_for_callee: self.wait_for_callee,
            cancel: ::wamp_core::__private::CancelMode::Kill,
            encrypted: false,
            disclose_me: false,
            method: "inbox",
            idempotent: false,
        };
        let mut arguments = ::wamp_core::__private::ArgsBuilder::new();
        let mut __uri = ::wamp_core::__private::String::with_capacity(32usize);
        __uri.push_str("com.example.calc.user.");
        arguments.capture(&mut __uri, "id", &id, ::wamp_core::__private::wire::<u64>());
        __uri.push_str(".inbox");
        arguments
            .keyword("limit", &limit, ::wamp_core::__private::wire::<Option<u32>>());
        ::wamp_core::__private::TypedCall::new(
            ::wamp_core::__private::Clone::clone(&self.caller),
            ::wamp_core::__private::ToString::to_string(&__uri),
            arguments,
            __options,
            (
                ::wamp_core::__private::wire::<Vec<String>>(),
                ::wamp_core::__private::errors::<::wamp_core::__private::Infallible>(),
            ),
        )
    }
}
impl ::wamp_core::__private::ServiceClient for CalculatorClient {
    const PREFIX: &'static str = "com.example.calc";
    const PROCEDURES: &'static [&'static str] = &[
        "com.example.calc.add",
        "com.example.calc.divide",
        "com.example.calc.count",
        "com.example.sensor",
        "com.example.calc.user..inbox",
    ];
    const TOPICS: &'static [&'static str] = &[
        <Computed as ::wamp_core::__private::WampEvent>::TOPIC,
    ];
    fn from_session(session: ::wamp_core::__private::Session) -> Self {
        Self::new(session)
    }
    fn session(&self) -> &::wamp_core::__private::Session {
        self.caller.session()
    }
    #[allow(clippy::redundant_closure)]
    fn description() -> ::wamp_core::__private::ServiceDescription {
        let mut service = ::wamp_core::__private::ServiceBuilder::new(
            "Calculator",
            "com.example.calc",
            "",
        );
        service
            .procedure("add", "com.example.calc.add", "Adds two numbers.")
            .options(
                ::wamp_core::__private::MatchPolicy::Exact,
                ::wamp_core::__private::InvokePolicy::Single,
                ::wamp_core::__private::None,
                false,
                ::wamp_core::__private::CancelMode::Kill,
            )
            .positional("a", |g| ::wamp_core::__private::schema::<i64>(g))
            .positional("b", |g| ::wamp_core::__private::schema::<i64>(g))
            .result(|g| ::wamp_core::__private::schema::<i64>(g))
            .error(::wamp_core::__private::errors::<CalcError>().describe)
            .idempotent()
            .finish();
        service
            .procedure(
                "divide",
                "com.example.calc.divide",
                "Divides, the client sending keyword arguments.",
            )
            .options(
                ::wamp_core::__private::MatchPolicy::Exact,
                ::wamp_core::__private::InvokePolicy::Single,
                ::wamp_core::__private::Some(500u64),
                false,
                ::wamp_core::__private::CancelMode::KillNoWait,
            )
            .keyword("dividend", |g| ::wamp_core::__private::schema::<i64>(g))
            .keyword("divisor", |g| ::wamp_core::__private::schema::<i64>(g))
            .result(|g| ::wamp_core::__private::schema::<i64>(g))
            .error(::wamp_core::__private::errors::<CalcError>().describe)
            .finish();
        service
            .procedure(
                "count",
                "com.example.calc.count",
                "Counts, as progressive results.",
            )
            .options(
                ::wamp_core::__private::MatchPolicy::Exact,
                ::wamp_core::__private::InvokePolicy::Single,
                ::wamp_core::__private::None,
                false,
                ::wamp_core::__private::CancelMode::Kill,
            )
            .positional("to", |g| ::wamp_core::__private::schema::<u32>(g))
            .progress(|g| ::wamp_core::__private::schema::<u32>(g))
            .finish();
        service
            .procedure(
                "read",
                "com.example.sensor",
                "Any sensor, disclosing the caller.",
            )
            .options(
                ::wamp_core::__private::MatchPolicy::Prefix,
                ::wamp_core::__private::InvokePolicy::RoundRobin,
                ::wamp_core::__private::None,
                true,
                ::wamp_core::__private::CancelMode::Kill,
            )
            .kwargs("query", |g| ::wamp_core::__private::schema::<Query>(g))
            .finish();
        service
            .procedure(
                "inbox",
                "com.example.calc.user.{id}.inbox",
                "A user's inbox: `id` is a component of the URI.",
            )
            .options(
                ::wamp_core::__private::MatchPolicy::Wildcard,
                ::wamp_core::__private::InvokePolicy::Single,
                ::wamp_core::__private::None,
                false,
                ::wamp_core::__private::CancelMode::Kill,
            )
            .capture("id", |g| ::wamp_core::__private::schema::<u64>(g))
            .keyword("limit", |g| ::wamp_core::__private::schema::<Option<u32>>(g))
            .result(|g| ::wamp_core::__private::schema::<Vec<String>>(g))
            .finish();
        service.topic::<Computed>();
        service.finish()
    }
}
