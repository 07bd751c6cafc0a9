//! The callee side: the trait as the user implements it (`async fn` becomes
//! `fn -> impl Future + Send`, so invocations can run on any thread) and its provided `serve`
//! method that registers every procedure.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{FnArg, TraitItem};

use super::bounds;
use super::model::{Method, Output, ParamKind, Service};
use crate::attr::is_wamp;

pub(crate) fn render(service: &Service) -> TokenStream {
    let p = quote!(::wamp_core::__private);
    let mut item = service.item.clone();
    item.attrs.retain(|a| !is_wamp(a));
    item.supertraits.push(syn::parse_quote!(#p::Send));
    item.supertraits.push(syn::parse_quote!(#p::Sync));
    item.supertraits.push(syn::parse_quote!('static));
    if item.colon_token.is_none() {
        item.colon_token = Some(Default::default());
    }
    for (trait_item, method) in item.items.iter_mut().zip(&service.methods) {
        let TraitItem::Fn(f) = trait_item else {
            continue;
        };
        f.attrs.retain(|a| !is_wamp(a));
        for input in &mut f.sig.inputs {
            if let FnArg::Typed(t) = input {
                t.attrs.retain(|a| !is_wamp(a));
                // A stream parameter, made `Send` as the method's future must be.
                if super::signature::input_item(&t.ty).is_some() {
                    let ty = sendable(&t.ty, &p);
                    *t.ty = syn::parse_quote!(#ty);
                }
            }
        }
        f.sig.asyncness = None;
        let output = match &method.output {
            Output::Value { ty, .. } => quote!(#ty),
            Output::Result { ok, err, .. } => match &f.sig.output {
                syn::ReturnType::Type(_, ty) => quote!(#ty),
                syn::ReturnType::Default => quote!(#p::Result<#ok, #err>),
            },
            // The stream type as written (its `Stream` import stays used), made `Send`.
            Output::Stream { .. } => match &f.sig.output {
                syn::ReturnType::Type(_, ty) => sendable(ty, &p),
                syn::ReturnType::Default => quote!(()),
            },
        };
        f.sig.output = syn::parse_quote!(-> impl #p::Future<Output = #output> + #p::Send);
    }
    let handlers = service.methods.iter().map(|m| handler(m, &p));
    let count = service.methods.len();
    let trait_name = &item.ident;
    let client = quote::format_ident!("{}Client", trait_name);
    let (description, describe_doc) = if service.describe {
        (
            quote!(#p::Some(<#client as #p::ServiceClient>::description())),
            format!(
                " It also registers `{}.describe`, answering the service's interface description.",
                service.prefix
            ),
        )
    } else {
        (quote!(#p::None), String::new())
    };
    let serve_doc = format!(
        "Registers every procedure of [`{trait_name}`] on `session`, served by `self`.{describe_doc} \
         Dropping the returned handle unregisters them. If the router refuses any, those it \
         accepted are unregistered again and the error names every procedure refused."
    );
    let service_doc = format!(
        "Every procedure of [`{trait_name}`], served by `self`, ready to register: `serve` it, \
         keep some methods with `only`, or add other services with `and`."
    );
    item.items.push(syn::parse_quote! {
        #[doc = #service_doc]
        // Serving a deprecated method is no use of it.
        #[allow(deprecated)]
        fn service(self) -> #p::ServiceBundle
        where
            Self: #p::Sized,
        {
            let this = #p::Arc::new(self);
            let mut procedures = #p::Vec::with_capacity(#count);
            #(#handlers)*
            #p::ServiceBundle::new(procedures, #description)
        }
    });
    item.items.push(syn::parse_quote! {
        #[doc = #serve_doc]
        fn serve(
            self,
            session: &#p::Session,
        ) -> impl #p::Future<Output = #p::Result<#p::ServiceHandle, #p::ServeError>> + #p::Send
        where
            Self: #p::Sized,
        {
            let session = #p::Clone::clone(session);
            let service = Self::service(self);
            async move { service.serve(&session).await }
        }
    });
    quote! { #item }
}

/// One entry of `procedures`: the URI, the options and a handler decoding the arguments,
/// calling the method and encoding its answer.
fn handler(method: &Method, p: &TokenStream) -> TokenStream {
    let uri = &method.pattern;
    let ident = &method.ident;
    let positional = method
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::Positional(_) | ParamKind::Keyword(_)))
        .count();
    let has_input = method.params.iter().any(|p| p.kind == ParamKind::Input);
    let disclose = method.disclose_caller;
    let encrypted = method.encrypted;
    let decode = method.params.iter().enumerate().map(|(i, param)| {
        let var = format_ident!("__arg{}", i);
        let ty = &param.ty;
        let wire = bounds::wire(ty, p);
        let name = param.ident.to_string().trim_start_matches("r#").to_owned();
        match param.kind {
            ParamKind::Positional(index) | ParamKind::Keyword(index) => quote! {
                let #var: #ty = #p::arg(&invocation.arguments, #p::Some(#index), #name, #wire)?;
            },
            ParamKind::KwargsStruct => quote! {
                let #var: #ty = #p::kwargs_arg(&invocation.arguments, #name, #wire)?;
            },
            ParamKind::Capture(component) => quote! {
                let #var: #ty = #p::capture(&invocation.procedure, #component, #name, #wire)?;
            },
            ParamKind::Context => quote! {
                let #var: #ty = #p::Context::requested(&invocation, #disclose);
            },
            ParamKind::Input => {
                let item = super::signature::input_item(ty).unwrap_or(ty);
                let wire = bounds::wire(item, p);
                quote! {
                    let #var = #p::input_stream(&mut invocation, #name, #wire, &__failure);
                }
            }
        }
    });
    let vars = (0..method.params.len()).map(|i| format_ident!("__arg{}", i));
    let call = quote!(this.#ident(#(#vars),*).await);
    // Each type through its codec (see `bounds`).
    let ok = bounds::wire(method.output.ok(), p);
    let errors = bounds::errors(method.output.err(), p);
    let reply = match &method.output {
        Output::Value { unit: true, .. } => quote!(#p::reply_unit(#call)),
        Output::Value { unit: false, .. } => quote!(#p::reply_value(&#call, #ok)),
        Output::Result { unit: true, .. } => quote!(#p::reply_unit_result(#call, #errors)),
        Output::Result { unit: false, .. } => quote!(#p::reply_result(#call, #ok, #errors)),
        Output::Stream { err: Some(_), .. } => {
            quote!(#p::serve_stream_with(&invocation, #call, #ok, #errors).await)
        }
        Output::Stream { err: None, .. } => quote! {
            #p::serve_stream_with(&invocation, #p::infallible_stream(#call), #ok, #errors).await
        },
    };
    let body = if has_input {
        // Every argument is an item; one that does not decode ends the stream and fails the
        // call once the method returns.
        quote! {
            let mut invocation = invocation;
            let __failure = #p::InputFailure::default();
            #(#decode)*
            let __reply = #reply;
            __failure.check()?;
            __reply
        }
    } else {
        quote! {
            #p::check_arity(&invocation.arguments, #positional, #uri)?;
            #(#decode)*
            #reply
        }
    };
    let policy = method.policy.variant();
    let invoke = method.invoke.variant();
    let summary = method.docs.lines().next().unwrap_or_default();
    let method_name = method.name();
    quote! {
        {
            let this = #p::Clone::clone(&this);
            procedures.push((
                #p::ToString::to_string(#uri),
                #p::RegisterOptions {
                    policy: #p::MatchPolicy::#policy,
                    invoke: #p::InvokePolicy::#invoke,
                    disclose_caller: #disclose,
                    summary: #summary,
                    method: #method_name,
                    encrypted: #encrypted,
                },
                #p::handler(move |invocation: #p::Invocation| {
                    let this = #p::Clone::clone(&this);
                    async move {
                        #body
                    }
                }),
            ));
        }
    }
}

/// An `impl Trait` type with `+ Send` added when it does not say it; any other type as it is.
pub(crate) fn sendable(ty: &syn::Type, p: &TokenStream) -> TokenStream {
    match ty {
        syn::Type::ImplTrait(imp) if has_send(imp) => quote!(#imp),
        syn::Type::ImplTrait(imp) => {
            let bounds = &imp.bounds;
            quote!(impl #bounds + #p::Send)
        }
        other => quote!(#other),
    }
}

/// Whether an `impl Trait` already says `+ Send`.
fn has_send(imp: &syn::TypeImplTrait) -> bool {
    imp.bounds.iter().any(|b| match b {
        syn::TypeParamBound::Trait(t) => t.path.segments.last().is_some_and(|s| s.ident == "Send"),
        _ => false,
    })
}
