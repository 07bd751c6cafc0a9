//! The generated `ServiceError` implementation: each variant to and from its ERROR, and the
//! description of the error type.

use proc_macro2::TokenStream;
use quote::quote;

use super::model::ErrorType;
use crate::fields;

/// The `ServiceError` implementation of a checked error type.
pub(crate) fn render(error: &ErrorType) -> TokenStream {
    let p = quote!(::wamp_core::__private);
    let ident = &error.ident;
    let variants = &error.variants;
    let uris = variants.iter().filter_map(|v| v.uri.as_ref());
    let to = variants.iter().map(|v| {
        let pattern = fields::pattern(&v.fields, &v.path);
        let encode = fields::encode(&v.fields, false, &p);
        let uri = v.uri.as_deref().unwrap_or_default();
        quote! {
            #pattern => {
                let mut error = #p::WampError::new(#uri);
                match #encode {
                    #p::Ok((args, kwargs)) => {
                        error.args = args;
                        error.kwargs = kwargs;
                    }
                    #p::Err(e) => {
                        error.args = ::std::vec![#p::Value::Text(::std::format!(
                            "the error's payload did not serialize: {}", e
                        ))];
                    }
                }
                error
            }
        }
    });
    let from = variants.iter().map(|v| {
        let decode = fields::decode(&v.fields, false, &v.path, &p);
        let uri = v.uri.as_deref().unwrap_or_default();
        quote!(#uri => #p::Some(#decode),)
    });
    let described = variants.iter().map(|v| {
        let schemas = fields::schemas(&v.fields, &p);
        let name = v.ident.to_string();
        let (uri, docs) = (v.uri.as_deref().unwrap_or_default(), &v.docs);
        quote! {{
            let fields = #schemas;
            #p::error_variant(gen, #name, #uri, #docs, fields)
        }}
    });
    let type_name = ident.to_string();
    let type_docs = &error.docs;
    let (impl_generics, ty_generics, where_clause) = error.generics.split_for_impl();
    quote! {
        impl #impl_generics #p::ServiceError for #ident #ty_generics #where_clause {
            const URIS: &'static [&'static str] = &[#(#uris),*];

            #[allow(unused_variables)]
            fn to_wamp_error(&self) -> #p::WampError {
                match self {
                    #(#to)*
                }
            }

            #[allow(unused_variables)]
            fn from_wamp_error(error: &#p::WampError) -> #p::Option<#p::Result<Self, #p::ValueError>> {
                let args = &error.args;
                let kwargs = &error.kwargs;
                match error.uri.as_str() {
                    #(#from)*
                    _ => #p::None,
                }
            }

            fn describe(gen: &mut #p::SchemaGenerator) -> #p::Option<#p::ErrorTypeDescription> {
                let variants = ::std::vec![#(#described),*];
                #p::Some(#p::ErrorTypeDescription {
                    name: #p::ToString::to_string(#type_name),
                    docs: #p::ToString::to_string(#type_docs),
                    variants,
                })
            }
        }
    }
}
