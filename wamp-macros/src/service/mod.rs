//! `#[wamp_service]`: the model of the trait, then the trait rewritten with its registration
//! glue, then the typed client.

mod bounds;
mod check;
mod client;
mod model;
mod server;
mod signature;

use proc_macro2::TokenStream;
use syn::ItemTrait;

use crate::ctxt::Ctxt;

/// Whether a return type is `()` or `Result<(), E>` (what event handlers may return).
pub(crate) fn returns_unit_or_result(ty: &syn::Type) -> bool {
    signature::is_unit(ty) || signature::last_segment_is(ty, "Result")
}

/// Expands `#[wamp_service(args)] trait ...`.
pub(crate) fn expand(args: TokenStream, input: TokenStream) -> syn::Result<TokenStream> {
    let item: ItemTrait = syn::parse2(input)?;
    let ctxt = Ctxt::default();
    let service = model::Service::parse(&ctxt, args, item);
    ctxt.finish()?;
    let server = server::render(&service);
    let client = client::render(&service);
    Ok(quote::quote! {
        #server
        #client
    })
}
