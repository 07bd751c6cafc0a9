//! `#[derive(WampEvent)]`: a type bound to one topic, with its payload mapping. Parse and model
//! ([`model`]), check ([`check`]), render ([`render`]).

mod check;
mod model;
mod render;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use crate::ctxt::Ctxt;

/// Expands `#[derive(WampEvent)]`.
pub(crate) fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let ctxt = Ctxt::default();
    let event = model::EventType::parse(&ctxt, &input);
    check::check(&ctxt, &event);
    ctxt.finish()?;
    Ok(render::render(&event))
}
