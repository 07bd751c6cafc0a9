//! The generated handler sets: a unit struct for a `#[subscribe]` function, a `HandlerSet`
//! implementation for an `#[event_handlers]` block.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ItemFn;

use super::model::{Handler, HandlerImpl};

/// The statement subscribing one handler, calling `call` (an expression over `event` and
/// `details`).
fn subscription(handler: &Handler, call: TokenStream, p: &TokenStream) -> TokenStream {
    let Some(event) = handler.event() else {
        return TokenStream::new();
    };
    let topic = match &handler.topic {
        Some(topic) => {
            let topic = topic.value();
            quote!(#topic)
        }
        None => quote!(<#event as #p::WampEvent>::TOPIC),
    };
    let policy = handler.policy.variant();
    let details = if handler.details() {
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
    if handler.details() {
        quote!(event, details)
    } else {
        quote!(event)
    }
}

/// `#[subscribe] async fn on_x(event: X) {..}`.
pub(crate) fn function(function: &ItemFn, handler: &Handler) -> TokenStream {
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
    let call_args = call_args(handler);
    let call = quote! {
        async move { #p::HandlerOutput::into_outcome(#ident::handle(#call_args).await) }
    };
    let subscribe = subscription(handler, call, &p);
    quote! {
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
    }
}

/// `#[event_handlers] impl T { #[subscribe] async fn on_x(&self, event: X) {..} }`.
pub(crate) fn handler_impl(block: &HandlerImpl) -> TokenStream {
    let (item, handlers) = (&block.item, &block.handlers);
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
    quote! {
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
    }
}
