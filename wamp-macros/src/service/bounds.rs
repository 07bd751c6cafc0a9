//! The user's types as the generated code reaches them: `__private::wire::<T>()` (the serde
//! codec of a parameter, result or progress item), `__private::errors::<E>()` (an error
//! type's table) and `__private::schema::<T>` (a type in the description), each spanned at the
//! type as written. The trait bounds sit on those three functions only, so a type that cannot
//! travel, is not a WAMP error or has no JSON Schema is one error, at the type, whose message
//! says what to add (identical errors at one span are reported once).

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::quote;
use syn::spanned::Spanned as _;
use syn::Type;

/// `wire::<T>()`: `T`'s codec.
pub(crate) fn wire(ty: &Type, p: &TokenStream) -> TokenStream {
    respan(quote!(#p::wire::<#ty>()), ty.span())
}

/// `|g| schema::<T>(g)`: `T`'s JSON Schema, as a function of the generator.
pub(crate) fn schema(ty: &Type, p: &TokenStream) -> TokenStream {
    respan(quote!(|g| #p::schema::<#ty>(g)), ty.span())
}

/// `errors::<E>()`: `E`'s table (`Infallible`'s when the method declares no error type).
pub(crate) fn errors(ty: Option<&Type>, p: &TokenStream) -> TokenStream {
    match ty {
        Some(ty) => respan(quote!(#p::errors::<#ty>()), ty.span()),
        None => quote!(#p::errors::<#p::Infallible>()),
    }
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                tree = TokenTree::Group(inner);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}
