//! `#[subscribe]` on an async function (which becomes a unit struct naming a handler set of one)
//! and `#[event_handlers]` on an `impl` block (whose `#[subscribe]` methods form one set).
//! Parse and model ([`model`]), check ([`check`]), render ([`render`]).

mod check;
mod model;
mod render;

use proc_macro2::TokenStream;
use syn::{ItemFn, ItemImpl};

use crate::ctxt::Ctxt;

/// `#[subscribe] async fn on_x(event: X) {..}`.
pub(crate) fn expand_fn(args: TokenStream, function: ItemFn) -> syn::Result<TokenStream> {
    let ctxt = Ctxt::default();
    let handler = model::Handler::parse(&ctxt, args, &function.sig, false);
    check::handler(&ctxt, &handler);
    ctxt.finish()?;
    Ok(render::function(&function, &handler))
}

/// `#[event_handlers] impl T { #[subscribe] async fn on_x(&self, event: X) {..} }`.
pub(crate) fn expand_impl(args: TokenStream, item: ItemImpl) -> syn::Result<TokenStream> {
    let ctxt = Ctxt::default();
    let handlers = model::HandlerImpl::parse(&ctxt, args, item);
    check::handler_impl(&ctxt, &handlers);
    ctxt.finish()?;
    Ok(render::handler_impl(&handlers))
}
