//! `#[derive(WampEvent)]`: a type bound to one topic, with its payload mapping.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::attr::{self, Keys};
use crate::ctxt::Ctxt;
use crate::fields;
use crate::uri;
use crate::vocab::MatchPolicy;

#[derive(PartialEq, Eq)]
enum Payload {
    /// The value's serde form as `kwargs` (structs with named fields, by default).
    Kwargs,
    /// Each field positional, in declaration order (tuple structs, by default).
    Args,
    /// The value's serde form as `args[0]` (enums, by default).
    Value,
}

pub(crate) fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let ctxt = Ctxt::default();
    let p = quote!(::wamp_core::__private);
    let mut topic: Option<LitStr> = None;
    let mut payload: Option<(String, LitStr)> = None;
    let mut keys = Keys::new(&ctxt, &["topic", "payload"]);
    attr::parse_wamp_attrs(&ctxt, &input.attrs, &mut keys, |key, meta| {
        match key {
            "topic" => {
                let lit = attr::string(meta)?;
                if let Some(problem) = uri::problem(&lit.value(), MatchPolicy::Exact) {
                    ctxt.error(&lit, format!("invalid topic: {problem}"));
                }
                topic = Some(lit);
            }
            _ => payload = Some(attr::choice(meta, &["kwargs", "args", "value"])?),
        }
        Ok(())
    });
    let ident = &input.ident;
    if topic.is_none() {
        ctxt.error(
            ident,
            "missing topic: add `#[wamp(topic = \"com.example.topic\")]`",
        );
    }
    let shape = match &input.data {
        Data::Struct(s) => Some(&s.fields),
        Data::Enum(_) => None,
        Data::Union(u) => {
            ctxt.error(u.union_token, "`WampEvent` cannot be derived for a union");
            None
        }
    };
    let payload = match (&payload, shape) {
        (Some((v, _)), _) if v == "value" => Payload::Value,
        (Some((v, lit)), shape) => {
            let fits = matches!(
                (v.as_str(), shape),
                ("kwargs", Some(Fields::Named(_))) | ("args", Some(_))
            );
            if !fits {
                ctxt.error(lit, format!("payload \"{v}\" does not fit this type: \"kwargs\" needs named fields, \"args\" a struct"));
            }
            if v == "kwargs" {
                Payload::Kwargs
            } else {
                Payload::Args
            }
        }
        (None, Some(Fields::Named(_))) => Payload::Kwargs,
        (None, Some(_)) => Payload::Args,
        (None, None) => Payload::Value,
    };
    ctxt.finish()?;
    let topic = topic.map(|t| t.value()).unwrap_or_default();
    let (to, from) = match (&payload, shape) {
        (Payload::Kwargs, _) => (
            quote!(#p::Arguments::from_kwargs(self)),
            quote!(arguments.decode_kwargs()),
        ),
        (Payload::Value, _) => (
            quote!(#p::Arguments::value(self)),
            quote!(arguments.decode_value()),
        ),
        (Payload::Args, Some(fields)) => {
            let pattern = fields::pattern(fields, &quote!(#ident));
            let encode = fields::encode(fields, true, &p);
            let decode = fields::decode(fields, true, &quote!(#ident), &p);
            (
                quote! {
                    let #pattern = self;
                    let (args, kwargs) = #encode?;
                    #p::Ok(#p::Arguments::new(args, kwargs))
                },
                quote! {
                    let args = &arguments.args;
                    let kwargs = &arguments.kwargs;
                    #decode
                },
            )
        }
        (Payload::Args, None) => (quote!(), quote!()),
    };
    let (kind, args, kwargs) = match (&payload, shape) {
        (Payload::Kwargs, _) => (
            quote!(Kwargs),
            quote!(#p::None),
            quote!(#p::Some(#p::schema_of::<Self>(gen))),
        ),
        (Payload::Value, _) => (
            quote!(Value),
            quote!(#p::Some({
                let items = ::std::vec![(#p::None, #p::schema_of::<Self>(gen))];
                #p::array_schema(items, gen)
            })),
            quote!(#p::None),
        ),
        (Payload::Args, Some(fields)) => {
            let schema = fields::positional_schema(fields, &p);
            (quote!(Args), quote!(#p::Some(#schema)), quote!(#p::None))
        }
        (Payload::Args, None) => (quote!(Args), quote!(#p::None), quote!(#p::None)),
    };
    let name = ident.to_string();
    let docs = attr::docs(&input.attrs);
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #p::WampEvent for #ident #ty_generics #where_clause {
            const TOPIC: &'static str = #topic;

            #[allow(unused_variables)]
            fn to_arguments(&self) -> #p::Result<#p::Arguments, #p::ValueError> {
                #to
            }

            #[allow(unused_variables)]
            fn from_arguments(arguments: &#p::Arguments) -> #p::Result<Self, #p::ValueError> {
                #from
            }

            fn describe(gen: &mut #p::SchemaGenerator) -> #p::TopicDescription {
                #p::TopicDescription {
                    name: #p::ToString::to_string(#name),
                    uri: #p::ToString::to_string(#topic),
                    docs: #p::ToString::to_string(#docs),
                    payload: #p::PayloadKind::#kind,
                    args: #args,
                    kwargs: #kwargs,
                }
            }
        }
    })
}
