//! `#[derive(WampError)]`: each variant (or the struct) is one error URI; its fields are the
//! ERROR's arguments.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::attr::{self, Keys};
use crate::ctxt::Ctxt;
use crate::fields;
use crate::uri;
use crate::vocab::MatchPolicy;

struct Variant {
    name: String,
    docs: String,
    path: TokenStream,
    fields: Fields,
    uri: String,
}

pub(crate) fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let ctxt = Ctxt::default();
    let p = quote!(::wamp_core::__private);
    let mut prefix: Option<LitStr> = None;
    let mut uri: Option<LitStr> = None;
    let mut keys = Keys::new(&ctxt, &["prefix", "uri"]);
    attr::parse_wamp_attrs(&ctxt, &input.attrs, &mut keys, |key, meta| {
        let value = attr::string(meta)?;
        check_uri(&ctxt, &value);
        match key {
            "prefix" => prefix = Some(value),
            _ => uri = Some(value),
        }
        Ok(())
    });
    let ident = &input.ident;
    let mut variants = Vec::new();
    match &input.data {
        Data::Struct(s) => {
            if let Some(prefix) = &prefix {
                ctxt.error(prefix, "a struct error has one URI: use `uri = \"...\"`");
            }
            match &uri {
                Some(uri) => variants.push(Variant {
                    name: ident.to_string(),
                    docs: attr::docs(&input.attrs),
                    path: quote!(#ident),
                    fields: s.fields.clone(),
                    uri: uri.value(),
                }),
                None => ctxt.error(
                    ident,
                    "missing error URI: add `#[wamp(uri = \"com.example.error.name\")]`",
                ),
            }
        }
        Data::Enum(e) => {
            if let Some(uri) = &uri {
                ctxt.error(uri, "an enum's variants each have a URI: use `prefix = \"...\"` here or `uri` on each variant");
            }
            if e.variants.is_empty() {
                ctxt.error(ident, "an error enum needs at least one variant");
            }
            for variant in &e.variants {
                let mut own: Option<LitStr> = None;
                let mut keys = Keys::new(&ctxt, &["uri"]);
                attr::parse_wamp_attrs(&ctxt, &variant.attrs, &mut keys, |_, meta| {
                    let value = attr::string(meta)?;
                    check_uri(&ctxt, &value);
                    own = Some(value);
                    Ok(())
                });
                let uri = match (&own, &prefix) {
                    (Some(own), _) => own.value(),
                    (None, Some(prefix)) => {
                        let uri = format!(
                            "{}.{}",
                            prefix.value(),
                            snake_case(&variant.ident.to_string())
                        );
                        check_uri(&ctxt, &LitStr::new(&uri, variant.ident.span()));
                        uri
                    }
                    (None, None) => {
                        ctxt.error(&variant.ident, "missing error URI: add `#[wamp(uri = \"...\")]` to the variant or `#[wamp(prefix = \"...\")]` to the enum");
                        continue;
                    }
                };
                if variants.iter().any(|v: &Variant| v.uri == uri) {
                    ctxt.error(&variant.ident, format!("duplicate error URI `{uri}`"));
                }
                let v = &variant.ident;
                variants.push(Variant {
                    name: v.to_string(),
                    docs: attr::docs(&variant.attrs),
                    path: quote!(#ident::#v),
                    fields: variant.fields.clone(),
                    uri,
                });
            }
        }
        Data::Union(u) => ctxt.error(u.union_token, "`WampError` cannot be derived for a union"),
    }
    ctxt.finish()?;
    let uris = variants.iter().map(|v| &v.uri);
    let to = variants.iter().map(|v| {
        let pattern = fields::pattern(&v.fields, &v.path);
        let encode = fields::encode(&v.fields, false, &p);
        let uri = &v.uri;
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
        let uri = &v.uri;
        quote!(#uri => #p::Some(#decode),)
    });
    let described = variants.iter().map(|v| {
        let schemas = fields::schemas(&v.fields, &p);
        let (name, uri, docs) = (&v.name, &v.uri, &v.docs);
        quote! {{
            let fields = #schemas;
            #p::error_variant(gen, #name, #uri, #docs, fields)
        }}
    });
    let type_name = ident.to_string();
    let type_docs = match &input.data {
        Data::Enum(_) => attr::docs(&input.attrs),
        _ => String::new(),
    };
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
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
    })
}

fn check_uri(ctxt: &Ctxt, lit: &LitStr) {
    if let Some(problem) = uri::problem(&lit.value(), MatchPolicy::Exact) {
        ctxt.error(lit, format!("invalid error URI: {problem}"));
    }
}

/// `NotFound` → `not_found`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
