//! The caller side: `FooClient`, one typed async method per procedure.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::TraitItem;

use super::bounds;
use super::model::{Method, Output, ParamKind, Service};
use crate::attr::is_wamp;

pub(crate) fn render(service: &Service) -> TokenStream {
    let p = quote!(::wamp_core::__private);
    let trait_ident = &service.item.ident;
    let vis = &service.item.vis;
    let client = format_ident!("{}Client", trait_ident);
    let cfgs: Vec<_> = service
        .item
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .collect();
    let docs = service.item.items.iter().filter_map(|i| match i {
        TraitItem::Fn(f) => Some(
            f.attrs
                .iter()
                .filter(|a| {
                    !is_wamp(a)
                        && ["doc", "cfg", "deprecated"]
                            .iter()
                            .any(|name| a.path().is_ident(name))
                })
                .collect::<Vec<_>>(),
        ),
        _ => None,
    });
    let methods = service
        .methods
        .iter()
        .zip(docs)
        .map(|(m, docs)| method(m, &docs, vis, &p));
    let prefix = &service.prefix;
    let uris = service.methods.iter().map(|m| &m.pattern);
    let events = &service.events;
    let description = description(service, &p);
    let doc = format!(
        "Typed caller of [`{trait_ident}`] (`{prefix}`): one method per procedure, each answering \
         the procedure's result or a [`CallError`](::wamp_core::typed::CallError)."
    );
    quote! {
        #(#cfgs)*
        #[doc = #doc]
        #[derive(::core::clone::Clone, ::core::fmt::Debug)]
        #vis struct #client {
            caller: #p::Caller,
            timeout: #p::Option<#p::Duration>,
            wait_for_callee: #p::Option<#p::Duration>,
        }

        #(#cfgs)*
        impl #client {
            /// A client calling over `session`.
            #vis fn new(session: #p::Session) -> Self {
                Self { caller: #p::Caller::new(session), timeout: #p::None, wait_for_callee: #p::None }
            }

            /// The same client with its calls going through `layer` (a `tower::Layer` over
            /// [`CallStack`](::wamp_core::typed::middleware::CallStack)) around the layers it
            /// had: a retry of idempotent methods, metrics, a timeout. Without any, calls go
            /// straight to the session. Calls of a method taking a stream parameter do not pass
            /// through layers.
            #vis fn layer<L>(self, layer: L) -> Self
            where
                L: #p::Layer<#p::CallStack>,
                L::Service: #p::Service<#p::OutgoingCall, Response = #p::Answer>
                    + #p::Clone + #p::Send + #p::Sync + 'static,
                <L::Service as #p::Service<#p::OutgoingCall>>::Error: #p::Into<#p::BoxError>,
                <L::Service as #p::Service<#p::OutgoingCall>>::Future: #p::Send + 'static,
            {
                Self { caller: self.caller.layer(layer), ..self }
            }

            /// The same client with every call timing out after `timeout` (instead of each
            /// method's `timeout_ms`).
            #vis fn with_timeout(self, timeout: #p::Duration) -> Self {
                Self { timeout: #p::Some(timeout), ..self }
            }

            /// The same client with every call answered `wamp.error.no_such_procedure` tried
            /// again (backing off from 10 ms to 250 ms) until `wait` has passed. This closes the
            /// window after a reconnect, or a restart of the callee, in which this caller is
            /// back before the callee has registered again. Only that error is retried: such a
            /// call reached no callee, so it never runs twice. (A progressive procedure's
            /// stream is answered before the router routes the call, so it reports
            /// `NoSuchProcedure` as its first item instead, and is not tried again.)
            #vis fn with_wait_for_callee(self, wait: #p::Duration) -> Self {
                Self { wait_for_callee: #p::Some(wait), ..self }
            }

            /// The service's interface description (what `<prefix>.describe` answers), the same
            /// as `ServiceClient::description` without importing the trait.
            #vis fn description() -> #p::ServiceDescription {
                <Self as #p::ServiceClient>::description()
            }

            #(#methods)*
        }

        #(#cfgs)*
        impl #p::ServiceClient for #client {
            const PREFIX: &'static str = #prefix;
            const PROCEDURES: &'static [&'static str] = &[#(#uris),*];
            const TOPICS: &'static [&'static str] = &[#(<#events as #p::WampEvent>::TOPIC),*];

            fn from_session(session: #p::Session) -> Self {
                Self::new(session)
            }

            fn session(&self) -> &#p::Session {
                self.caller.session()
            }

            // Each schema is `|g| schema::<T>(g)`, spanned at `T` (see `bounds`), which clippy
            // would read as the user's own redundant closure.
            #[allow(clippy::redundant_closure)]
            fn description() -> #p::ServiceDescription {
                #description
            }
        }
    }
}

fn method(
    method: &Method,
    docs: &[&syn::Attribute],
    vis: &syn::Visibility,
    p: &TokenStream,
) -> TokenStream {
    let ident = &method.ident;
    let uri = &method.uri;
    let params: Vec<_> = method
        .params
        .iter()
        .filter(|p| p.kind != ParamKind::Context)
        .collect();
    let inputs = params.iter().map(|param| {
        let ident = &param.ident;
        let ty = super::server::sendable(&param.ty, p);
        quote!(#ident: #ty)
    });
    let input = params.iter().find(|param| param.kind == ParamKind::Input);
    let pushes = params.iter().map(|param| {
        let ident = &param.ident;
        let name = ident.to_string().trim_start_matches("r#").to_owned();
        let wire = bounds::wire(&param.ty, p);
        match param.kind {
            ParamKind::Positional(_) => quote!(arguments.positional(&#ident, #wire);),
            ParamKind::Keyword(_) => quote!(arguments.keyword(#name, &#ident, #wire);),
            // Filled into the URI (see `fill_uri`).
            ParamKind::Capture(_) => quote!(),
            _ => quote!(arguments.spread(&#ident, #wire);),
        }
    });
    let ok = method.output.ok();
    let err = match method.output.err() {
        Some(err) => quote!(#err),
        None => quote!(#p::Infallible),
    };
    let timeout = match method.timeout_ms {
        Some(ms) => quote!(#p::Some(#p::Duration::from_millis(#ms))),
        None => quote!(#p::None),
    };
    let cancel = method.cancel.variant();
    // The call's types through their codecs (see `bounds`).
    let codec = bounds::wire(ok, p);
    let errors = bounds::errors(method.output.err(), p);
    // A call builder: awaited, it makes the call; its methods set per-call options first.
    let (output, call) = match &method.output {
        Output::Stream { .. } => (
            quote!(#p::TypedStreamCall<#ok, #err>),
            quote!(TypedStreamCall),
        ),
        _ => (quote!(#p::TypedCall<#ok, #err>), quote!(TypedCall)),
    };
    let input_output = quote!(#p::Result<#ok, #p::CallError<#err>>);
    let encrypted = method.encrypted;
    let idempotent = method.idempotent;
    let method_name = ident.to_string().trim_start_matches("r#").to_owned();
    let captures = method
        .params
        .iter()
        .any(|p| matches!(p.kind, ParamKind::Capture(_)));
    // A pattern registration answers many URIs: the caller names the one it calls, or the
    // method's captures fill it in.
    let (procedure_param, procedure, procedure_doc) =
        if method.policy == crate::vocab::MatchPolicy::Exact {
            (quote!(), quote!(#uri), quote!())
        } else if captures {
            (quote!(), quote!(&__uri), quote!())
        } else {
            let doc = format!(
                "`procedure` is the URI called, one that the pattern `{uri}` ({:?} match) covers.",
                method.policy
            );
            (
                quote!(procedure: &str,),
                quote!(procedure),
                quote!(#[doc = ""] #[doc = #doc]),
            )
        };
    let fill_uri = captures.then(|| fill_uri(method, p));
    let (asyncness, output, send) = match input {
        // The stream goes out item by item (progressive call invocations).
        Some(input) => {
            let ident = &input.ident;
            let item = super::signature::input_item(&input.ty).unwrap_or(&input.ty);
            let wire = bounds::wire(item, p);
            (
                quote!(async),
                input_output,
                quote! {
                    #p::call_input(self.caller.session(), #procedure, #ident, #wire, __options, (#codec, #errors)).await
                },
            )
        }
        None => (
            quote!(),
            output,
            quote! {
                let mut arguments = #p::ArgsBuilder::new();
                #fill_uri
                #(#pushes)*
                #p::#call::new(
                    #p::Clone::clone(&self.caller),
                    #p::ToString::to_string(#procedure),
                    arguments,
                    __options,
                    (#codec, #errors),
                )
            },
        ),
    };
    quote! {
        #(#docs)*
        #procedure_doc
        #vis #asyncness fn #ident(&self, #procedure_param #(#inputs),*) -> #output {
            let __options = #p::CallOptions {
                timeout: #p::Option::or(self.timeout, #timeout),
                wait_for_callee: self.wait_for_callee,
                cancel: #p::CancelMode::#cancel,
                encrypted: #encrypted,
                disclose_me: false,
                method: #method_name,
                idempotent: #idempotent,
            };
            #send
        }
    }
}

/// `let __uri = ...;`: the URI called, each capture filled in from its parameter (a value that
/// is no URI component fails the call before it is sent).
fn fill_uri(method: &Method, p: &TokenStream) -> TokenStream {
    let buffer = format_ident!("__uri");
    let steps = crate::uri::fill(&method.uri, &buffer, |index| {
        let param = method
            .params
            .iter()
            .find(|p| p.kind == ParamKind::Capture(index))?;
        let ident = &param.ident;
        let name = ident.to_string().trim_start_matches("r#").to_owned();
        let wire = bounds::wire(&param.ty, p);
        Some(quote!(arguments.capture(&mut #buffer, #name, &#ident, #wire);))
    });
    let capacity = method.uri.len();
    quote! {
        let mut #buffer = #p::String::with_capacity(#capacity);
        #(#steps)*
    }
}

/// The body of `ServiceClient::description`: the service built procedure by procedure.
fn description(service: &Service, p: &TokenStream) -> TokenStream {
    let name = service.item.ident.to_string();
    // T's schema (see `bounds`).
    let probe = |ty: &syn::Type| bounds::schema(ty, p);
    let prefix = &service.prefix;
    let docs = &service.docs;
    let procedures = service.methods.iter().map(|m| {
        let name = m.name();
        let uri = &m.uri;
        let docs = &m.docs;
        let policy = m.policy.variant();
        let invoke = m.invoke.variant();
        let cancel = m.cancel.variant();
        let disclose = m.disclose_caller;
        let sealed = m.encrypted.then(|| quote!(.encrypted()));
        let idempotent = m.idempotent.then(|| quote!(.idempotent()));
        let deprecated = m.deprecated.as_ref().map(|note| quote!(.deprecated(#note)));
        let timeout = match m.timeout_ms {
            Some(ms) => quote!(#p::Some(#ms)),
            None => quote!(#p::None),
        };
        let params = m.params.iter().filter_map(|param| {
            let ty = &param.ty;
            let name = param.ident.to_string().trim_start_matches("r#").to_owned();
            let schema = probe(ty);
            match param.kind {
                ParamKind::Positional(_) => Some(quote!(.positional(#name, #schema))),
                ParamKind::Keyword(_) => Some(quote!(.keyword(#name, #schema))),
                ParamKind::KwargsStruct => Some(quote!(.kwargs(#name, #schema))),
                ParamKind::Capture(_) => Some(quote!(.capture(#name, #schema))),
                ParamKind::Context => None,
                ParamKind::Input => {
                    let item = super::signature::input_item(ty).unwrap_or(ty);
                    let schema = probe(item);
                    Some(quote!(.input(#name, #schema)))
                }
            }
        });
        let answer = match &m.output {
            Output::Value { unit: true, .. } | Output::Result { unit: true, .. } => quote!(),
            Output::Value { ty, .. } => {
                let schema = probe(ty);
                quote!(.result(#schema))
            }
            Output::Result { ok, .. } => {
                let schema = probe(ok);
                quote!(.result(#schema))
            }
            Output::Stream { item, .. } => {
                let schema = probe(item);
                quote!(.progress(#schema))
            }
        };
        let error = m.output.err().map(|err| {
            let errors = bounds::errors(Some(err), p);
            quote!(.error(#errors.describe))
        });
        quote! {
            service
                .procedure(#name, #uri, #docs)
                .options(
                    #p::MatchPolicy::#policy,
                    #p::InvokePolicy::#invoke,
                    #timeout,
                    #disclose,
                    #p::CancelMode::#cancel,
                )
                #(#params)*
                #answer
                #error
                #sealed
                #idempotent
                #deprecated
                .finish();
        }
    });
    let events = &service.events;
    quote! {
        let mut service = #p::ServiceBuilder::new(#name, #prefix, #docs);
        #(#procedures)*
        #( service.topic::<#events>(); )*
        service.finish()
    }
}
