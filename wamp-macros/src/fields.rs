//! Fields of a derived type as WAMP arguments: positional (`args`, in declaration order) or by
//! name (`kwargs`). Shared by `#[derive(WampError)]` and `#[derive(WampEvent)]`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Fields;

/// Code that builds `(args, kwargs)` from fields bound to `__f0, __f1...` (evaluates to
/// `Result<(Vec<Value>, Dict), ValueError>`). Named fields go by name unless `positional`.
pub(crate) fn encode(fields: &Fields, positional: bool, p: &TokenStream) -> TokenStream {
    let bindings = bindings(fields);
    match fields {
        Fields::Named(named) if !positional => {
            let names = names(named);
            quote! {
                (|| {
                    let mut kwargs = #p::Dict::new();
                    #(
                        kwargs.insert(#p::ToString::to_string(#names), #p::to_value(#bindings)?);
                    )*
                    #p::Ok::<_, #p::ValueError>((#p::Vec::new(), kwargs))
                })()
            }
        }
        Fields::Named(_) | Fields::Unnamed(_) => quote! {
            (|| {
                let args = ::std::vec![#(#p::to_value(#bindings)?),*];
                #p::Ok::<_, #p::ValueError>((args, #p::Dict::new()))
            })()
        },
        Fields::Unit => quote!(#p::Ok::<_, #p::ValueError>((#p::Vec::new(), #p::Dict::new()))),
    }
}

/// Code that builds the fields (as `Path { .. }` / `Path(..)`) from `args` and `kwargs` in
/// scope, evaluating to `Result<Self, ValueError>`. Named fields go by name unless `positional`.
pub(crate) fn decode(
    fields: &Fields,
    positional: bool,
    path: &TokenStream,
    p: &TokenStream,
) -> TokenStream {
    match fields {
        Fields::Named(named) if positional => {
            let idents = named.named.iter().map(|f| &f.ident);
            let indices = 0..named.named.len();
            quote! {
                (|| #p::Ok::<_, #p::ValueError>(#path {
                    #( #idents: #p::decode_positional(args, #indices)?, )*
                }))()
            }
        }
        Fields::Named(named) => {
            let idents = named.named.iter().map(|f| &f.ident);
            let names = names(named);
            quote! {
                (|| #p::Ok::<_, #p::ValueError>(#path {
                    #( #idents: #p::decode_keyword(kwargs, #names)?, )*
                }))()
            }
        }
        Fields::Unnamed(unnamed) => {
            let indices = 0..unnamed.unnamed.len();
            quote! {
                (|| #p::Ok::<_, #p::ValueError>(#path(
                    #( #p::decode_positional(args, #indices)?, )*
                )))()
            }
        }
        Fields::Unit => quote!(#p::Ok::<_, #p::ValueError>(#path)),
    }
}

/// `T`'s JSON Schema (needs `gen` in scope), spanned at the type so that a type without
/// `JsonSchema` is reported there with a message that says what to add.
pub(crate) fn schema(ty: &syn::Type, p: &TokenStream) -> TokenStream {
    quote::quote_spanned! {syn::spanned::Spanned::span(ty)=> #p::schema::<#ty>(gen)}
}

/// Code evaluating to the fields' `FieldSchemas` (needs `gen: &mut SchemaGenerator` in scope);
/// each field's type must implement `JsonSchema`.
pub(crate) fn schemas(fields: &Fields, p: &TokenStream) -> TokenStream {
    match fields {
        Fields::Named(named) => {
            let names = names(named);
            let schemas = named.named.iter().map(|f| schema(&f.ty, p));
            quote!(#p::FieldSchemas::Named(::std::vec![#((#names, #schemas)),*]))
        }
        Fields::Unnamed(unnamed) => {
            let schemas = unnamed.unnamed.iter().map(|f| schema(&f.ty, p));
            quote!(#p::FieldSchemas::Tuple(::std::vec![#(#schemas),*]))
        }
        Fields::Unit => quote!(#p::FieldSchemas::Unit),
    }
}

/// Code evaluating to the positional array schema of the fields, each titled with its name
/// when it has one (needs `gen: &mut SchemaGenerator` in scope).
pub(crate) fn positional_schema(fields: &Fields, p: &TokenStream) -> TokenStream {
    let items = fields.iter().map(|f| {
        let ty = &f.ty;
        let title = match &f.ident {
            Some(ident) => {
                let name = ident.to_string();
                quote!(#p::Some(#name))
            }
            None => quote!(#p::None),
        };
        let schema = schema(ty, p);
        quote!((#title, #schema))
    });
    quote! {{
        let items = ::std::vec![#(#items),*];
        #p::array_schema(items, gen)
    }}
}

/// The pattern binding every field to `__f0, __f1...`.
pub(crate) fn pattern(fields: &Fields, path: &TokenStream) -> TokenStream {
    let bindings = bindings(fields);
    match fields {
        Fields::Named(named) => {
            let idents = named.named.iter().map(|f| &f.ident);
            quote!(#path { #(#idents: #bindings),* })
        }
        Fields::Unnamed(_) => quote!(#path(#(#bindings),*)),
        Fields::Unit => quote!(#path),
    }
}

/// The keys named fields travel under: their names.
fn names(named: &syn::FieldsNamed) -> Vec<String> {
    named
        .named
        .iter()
        .map(|f| {
            f.ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .collect()
}

fn bindings(fields: &Fields) -> Vec<syn::Ident> {
    (0..fields.len())
        .map(|i| format_ident!("__f{}", i))
        .collect()
}
