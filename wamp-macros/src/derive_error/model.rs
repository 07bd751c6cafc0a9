//! The model of an error type: its URIs as written, and the variants with their fields.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, Generics, Ident, LitStr};

use crate::attr::{self, Keys};
use crate::ctxt::Ctxt;
use crate::vocab::UriCheck;

/// What the type is.
pub(crate) enum Shape {
    /// A struct: one URI, `#[wamp(uri = ..)]`.
    Struct,
    /// An enum: a URI per variant, its own or the type's `prefix` and the variant's name.
    Enum,
    /// A union, which cannot be an error (reported by the check).
    Union(syn::token::Union),
}

/// One error URI: a variant, or the whole struct.
pub(crate) struct Variant {
    /// The variant's (or struct's) identifier, where errors about it point.
    pub(crate) ident: Ident,
    /// Its docs, for the description.
    pub(crate) docs: String,
    /// The path that constructs and matches it (`Type` or `Type::Variant`).
    pub(crate) path: TokenStream,
    pub(crate) fields: Fields,
    /// Its own `#[wamp(uri = ..)]` (for a struct, the type's).
    pub(crate) own: Option<LitStr>,
    /// Its URI: its own, or the type's prefix and its name in snake case.
    pub(crate) uri: Option<String>,
    /// The rule its URI is held to: its own `uri_check`, else the type's.
    pub(crate) uri_check: UriCheck,
}

/// A type deriving `WampError`.
pub(crate) struct ErrorType {
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    /// The enum's docs (a struct's docs describe its one variant).
    pub(crate) docs: String,
    pub(crate) shape: Shape,
    pub(crate) prefix: Option<LitStr>,
    pub(crate) uri: Option<LitStr>,
    /// The rule the type's own URIs (`prefix`, `uri`) are held to.
    pub(crate) uri_check: UriCheck,
    pub(crate) variants: Vec<Variant>,
}

impl ErrorType {
    /// Reads the type and its `#[wamp(..)]` attributes (unknown or repeated keys are reported
    /// here; everything else by the check).
    pub(crate) fn parse(ctxt: &Ctxt, input: &DeriveInput) -> Self {
        let mut prefix: Option<LitStr> = None;
        let mut uri: Option<LitStr> = None;
        let mut uri_check = UriCheck::Strict;
        let mut keys = Keys::new(ctxt, &["prefix", "uri", "uri_check"]);
        attr::parse_wamp_attrs(ctxt, &input.attrs, &mut keys, |key, meta| {
            match key {
                "prefix" => prefix = Some(attr::string(meta)?),
                "uri_check" => uri_check = UriCheck::parse(&attr::choice(meta, UriCheck::NAMES)?.0),
                _ => uri = Some(attr::string(meta)?),
            }
            Ok(())
        });
        let ident = &input.ident;
        let mut variants = Vec::new();
        let shape = match &input.data {
            Data::Struct(s) => {
                variants.push(Variant {
                    ident: ident.clone(),
                    docs: attr::docs(&input.attrs),
                    path: quote!(#ident),
                    fields: s.fields.clone(),
                    own: uri.clone(),
                    uri: uri.as_ref().map(LitStr::value),
                    uri_check,
                });
                Shape::Struct
            }
            Data::Enum(e) => {
                for variant in &e.variants {
                    let mut own: Option<LitStr> = None;
                    let mut own_check = uri_check;
                    let mut keys = Keys::new(ctxt, &["uri", "uri_check"]);
                    attr::parse_wamp_attrs(ctxt, &variant.attrs, &mut keys, |key, meta| {
                        match key {
                            "uri_check" => {
                                own_check = UriCheck::parse(&attr::choice(meta, UriCheck::NAMES)?.0)
                            }
                            _ => own = Some(attr::string(meta)?),
                        }
                        Ok(())
                    });
                    let name = snake_case(&variant.ident.to_string());
                    let uri = match (&own, &prefix) {
                        (Some(own), _) => Some(own.value()),
                        (None, Some(prefix)) => Some(format!("{}.{name}", prefix.value())),
                        (None, None) => None,
                    };
                    let v = &variant.ident;
                    variants.push(Variant {
                        ident: v.clone(),
                        docs: attr::docs(&variant.attrs),
                        path: quote!(#ident::#v),
                        fields: variant.fields.clone(),
                        own,
                        uri,
                        uri_check: own_check,
                    });
                }
                Shape::Enum
            }
            Data::Union(u) => Shape::Union(u.union_token),
        };
        let docs = match shape {
            Shape::Enum => attr::docs(&input.attrs),
            _ => String::new(),
        };
        Self {
            ident: ident.clone(),
            generics: input.generics.clone(),
            docs,
            shape,
            prefix,
            uri,
            uri_check,
            variants,
        }
    }
}

/// `NotFound` → `not_found`.
fn snake_case(name: &str) -> String {
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
