//! `#[derive(WampError)]`: each variant (or the struct) is one error URI; its fields are the
//! ERROR's arguments. Parse and model ([`model`]), check ([`check`]), render ([`render`]).

mod check;
mod model;
mod render;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use crate::ctxt::Ctxt;

/// Expands `#[derive(WampError)]`.
pub(crate) fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let ctxt = Ctxt::default();
    let error = model::ErrorType::parse(&ctxt, &input);
    check::check(&ctxt, &error);
    ctxt.finish()?;
    Ok(render::render(&error))
}
