//! `#[subscribe]` on an async function (which becomes a unit struct naming a handler set of one)
//! and `#[event_handlers]` on an `impl` block (whose `#[subscribe]` methods form one set).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{FnArg, ImplItem, ItemFn, ItemImpl, LitStr, ReturnType, Signature, Type};

use crate::attr::{self, Keys};
use crate::ctxt::Ctxt;
use crate::uri;
use crate::vocab::MatchPolicy;

/// What one handler subscribes to and how it is called.
struct Handler {
    event: Type,
    topic: Option<String>,
    policy: MatchPolicy,
    details: bool,
}

/// Reads `#[subscribe(topic = "...", match = "...")]` arguments and the handler's signature.
fn parse(ctxt: &Ctxt, args: TokenStream, sig: &Signature, method: bool) -> Option<Handler> {
    let mut topic: Option<LitStr> = None;
    let mut policy = MatchPolicy::Exact;
    let mut keys = Keys::new(ctxt, &["topic", "match"]);
    let parser = syn::meta::parser(|meta| {
        match keys.key(&meta)?.as_deref() {
            Some("topic") => topic = Some(attr::string(&meta)?),
            Some("match") => {
                policy = MatchPolicy::parse(&attr::choice(&meta, MatchPolicy::NAMES)?.0)
            }
            _ => {}
        }
        Ok(())
    });
    if let Err(e) = syn::parse::Parser::parse2(parser, args) {
        ctxt.syn(e);
    }
    if let Some(lit) = &topic {
        if let Some(problem) = uri::problem(&lit.value(), policy) {
            ctxt.error(lit, format!("invalid topic: {problem}"));
        }
    } else if policy != MatchPolicy::Exact {
        ctxt.error(sig.fn_token, "a `match` policy needs a `topic` pattern");
    }
    if sig.asyncness.is_none() {
        ctxt.error(sig.fn_token, "an event handler must be `async fn`");
    }
    if !sig.generics.params.is_empty() {
        ctxt.error(&sig.generics, "an event handler cannot be generic");
    }
    let mut typed = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) if !method => ctxt.error(
                r,
                "`#[subscribe]` on a method needs `#[event_handlers]` on its `impl` block",
            ),
            FnArg::Receiver(r) => {
                if r.reference.is_none() || r.mutability.is_some() {
                    ctxt.error(r, "an event handler method takes `&self`");
                }
            }
            FnArg::Typed(t) => typed.push(&*t.ty),
        }
    }
    if method && sig.receiver().is_none() {
        ctxt.error(&sig.ident, "an event handler method takes `&self` first");
    }
    let event = match typed.as_slice() {
        [event] | [event, _] => (*event).clone(),
        [] => {
            ctxt.error(&sig.ident, "an event handler takes the event: `async fn name(event: MyEvent)` (and optionally `details: EventDetails`)");
            return None;
        }
        [_, _, extra, ..] => {
            ctxt.error(
                extra,
                "an event handler takes the event and optionally `EventDetails`, nothing more",
            );
            return None;
        }
    };
    if let Type::Reference(r) = &event {
        ctxt.error(r, "an event handler takes the event by value");
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        let ok = crate::service::returns_unit_or_result(ty);
        if !ok {
            ctxt.error(ty, "an event handler returns `()` or `Result<(), E>`");
        }
    }
    Some(Handler {
        event,
        topic: topic.map(|t| t.value()),
        policy,
        details: typed.len() == 2,
    })
}

/// The statement subscribing one handler, calling `call` (an expression over `event` and
/// `details`).
fn subscription(handler: &Handler, call: TokenStream, p: &TokenStream) -> TokenStream {
    let event = &handler.event;
    let topic = match &handler.topic {
        Some(topic) => quote!(#topic),
        None => quote!(<#event as #p::WampEvent>::TOPIC),
    };
    let policy = handler.policy.variant();
    let details = if handler.details {
        quote!(details)
    } else {
        quote!(_)
    };
    quote! {
        into.add::<#event, _, _>(session, #topic, #p::MatchPolicy::#policy, move |event: #event, #details: #p::EventDetails| {
            #call
        }).await?;
    }
}

fn call_args(handler: &Handler) -> TokenStream {
    if handler.details {
        quote!(event, details)
    } else {
        quote!(event)
    }
}

/// `#[subscribe] async fn on_x(event: X) {..}`.
pub(crate) fn expand_fn(args: TokenStream, function: ItemFn) -> syn::Result<TokenStream> {
    let ctxt = Ctxt::default();
    let handler = parse(&ctxt, args, &function.sig, false);
    ctxt.finish()?;
    let Some(handler) = handler else {
        return Ok(TokenStream::new());
    };
    let p = quote!(::wamp_core::__private);
    let ident = &function.sig.ident;
    let vis = &function.vis;
    let docs: Vec<_> = function
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc") || a.path().is_ident("cfg"))
        .collect();
    let mut inner = function.clone();
    inner.sig.ident = format_ident!("handle");
    inner.vis = syn::parse_quote!(pub);
    inner.attrs.retain(|a| !a.path().is_ident("doc"));
    let call_args = call_args(&handler);
    let call = quote! {
        async move { #p::HandlerOutput::into_outcome(#ident::handle(#call_args).await) }
    };
    let subscribe = subscription(&handler, call, &p);
    Ok(quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
        #vis struct #ident;

        impl #ident {
            /// The handler's body, callable directly.
            #inner
        }

        impl #p::HandlerSet for #ident {
            fn subscribe_into<'a>(
                self,
                session: &'a #p::Session,
                into: &'a mut #p::Subscriptions,
            ) -> #p::BoxFuture<'a, #p::Result<(), #p::Error>> {
                #p::Box::pin(async move {
                    #subscribe
                    #p::Ok(())
                })
            }
        }
    })
}

/// `#[event_handlers] impl T { #[subscribe] async fn on_x(&self, event: X) {..} }`.
pub(crate) fn expand_impl(args: TokenStream, mut item: ItemImpl) -> syn::Result<TokenStream> {
    let ctxt = Ctxt::default();
    if !args.is_empty() {
        ctxt.error(&args, "`#[event_handlers]` takes no arguments");
    }
    if let Some((_, path, _)) = &item.trait_ {
        ctxt.error(
            path,
            "`#[event_handlers]` goes on an inherent `impl` block, not a trait impl",
        );
    }
    let mut handlers = Vec::new();
    for impl_item in &mut item.items {
        let ImplItem::Fn(f) = impl_item else { continue };
        let Some(position) = f.attrs.iter().position(is_subscribe) else {
            continue;
        };
        let marker = f.attrs.remove(position);
        let args = match &marker.meta {
            syn::Meta::Path(_) => TokenStream::new(),
            syn::Meta::List(list) => list.tokens.clone(),
            syn::Meta::NameValue(nv) => {
                ctxt.error(
                    nv,
                    "write `#[subscribe]` or `#[subscribe(topic = \"...\")]`",
                );
                continue;
            }
        };
        if let Some(handler) = parse(&ctxt, args, &f.sig, true) {
            handlers.push((f.sig.ident.clone(), handler));
        }
    }
    if handlers.is_empty() {
        ctxt.error(
            &item.self_ty,
            "no `#[subscribe]` method in this `impl` block",
        );
    }
    ctxt.finish()?;
    let p = quote!(::wamp_core::__private);
    let subscriptions = handlers.iter().map(|(method, handler)| {
        let call_args = call_args(handler);
        let call = quote! {
            let this = #p::Clone::clone(&this);
            async move { #p::HandlerOutput::into_outcome(this.#method(#call_args).await) }
        };
        let subscribe = subscription(handler, call, &p);
        quote! {
            {
                let this = #p::Clone::clone(&this);
                #subscribe
            }
        }
    });
    let self_ty = &item.self_ty;
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    Ok(quote! {
        #item

        impl #impl_generics #p::HandlerSet for #self_ty #where_clause {
            fn subscribe_into<'a>(
                self,
                session: &'a #p::Session,
                into: &'a mut #p::Subscriptions,
            ) -> #p::BoxFuture<'a, #p::Result<(), #p::Error>> {
                let this = #p::Arc::new(self);
                #p::Box::pin(async move {
                    #(#subscriptions)*
                    #p::Ok(())
                })
            }
        }
    })
}

fn is_subscribe(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "subscribe")
}
