//! The generated `WampEvent` implementation: the topic, the payload both ways, and the
//! description.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::LitStr;

use super::model::{EventType, Payload};
use crate::fields;

/// The `WampEvent` implementation of a checked event type.
pub(crate) fn render(event: &EventType) -> TokenStream {
    let p = quote!(::wamp_core::__private);
    let ident = &event.ident;
    let topic = event.topic.as_ref().map(LitStr::value).unwrap_or_default();
    let shape = event.fields.as_ref();
    let payload = event.payload;
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
    let self_schema = quote_spanned!(ident.span()=> #p::schema::<Self>(gen));
    let (kind, args, kwargs) = match (&payload, shape) {
        (Payload::Kwargs, _) => (
            quote!(Kwargs),
            quote!(#p::None),
            quote_spanned!(ident.span()=> #p::Some(#p::schema::<Self>(gen))),
        ),
        (Payload::Value, _) => (
            quote!(Value),
            quote!(#p::Some({
                let items = ::std::vec![(#p::None, #self_schema)];
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
    let docs = &event.docs;
    let encrypted = event.encrypted;
    let deprecated = match &event.deprecated {
        Some(note) => quote!(#p::Some(#p::ToString::to_string(#note))),
        None => quote!(#p::None),
    };
    let encrypted_const = encrypted.then(|| {
        quote!(
            const ENCRYPTED: bool = true;
        )
    });
    let captured = captures(event, &topic, &p);
    let (impl_generics, ty_generics, where_clause) = event.generics.split_for_impl();
    quote! {
        // Deriving for a deprecated event type is no use of it.
        #[allow(deprecated)]
        impl #impl_generics #p::WampEvent for #ident #ty_generics #where_clause {
            const TOPIC: &'static str = #topic;
            #encrypted_const

            #[allow(unused_variables)]
            fn to_arguments(&self) -> #p::Result<#p::Arguments, #p::ValueError> {
                #to
            }

            #[allow(unused_variables)]
            fn from_arguments(arguments: &#p::Arguments) -> #p::Result<Self, #p::ValueError> {
                #from
            }

            #captured

            fn describe(gen: &mut #p::SchemaGenerator) -> #p::TopicDescription {
                #p::TopicDescription {
                    name: #p::ToString::to_string(#name),
                    uri: #p::ToString::to_string(#topic),
                    docs: #p::ToString::to_string(#docs),
                    payload: #p::PayloadKind::#kind,
                    args: #args,
                    kwargs: #kwargs,
                    encrypted: #encrypted,
                    deprecated: #deprecated,
                }
            }
        }
    }
}

/// `topic` and `from_event` for a topic with captures: the topic built from the fields, the
/// fields read back from the topic.
fn captures(event: &EventType, topic: &str, p: &TokenStream) -> TokenStream {
    let fields = event.capture_fields();
    if fields.is_empty() {
        return TokenStream::new();
    }
    let buffer = quote::format_ident!("__topic");
    let steps = crate::uri::fill(topic, &buffer, |index| {
        let (capture, field) = fields.iter().find(|(c, _)| c.component == index)?;
        let (name, ident, ty) = (&capture.name, &field.ident, &field.ty);
        Some(quote! {
            #buffer.push_str(&#p::capture_component(#name, &self.#ident, #p::wire::<#ty>())?);
        })
    });
    let reads = fields.iter().map(|(capture, field)| {
        let (index, name, ty) = (capture.component, &capture.name, &field.ty);
        quote!(__captured.capture(topic, #index, #name, #p::wire::<#ty>())?;)
    });
    let capacity = topic.len();
    quote! {
        fn topic(&self) -> #p::Result<#p::Cow<'static, str>, #p::ValueError> {
            let mut #buffer = #p::String::with_capacity(#capacity);
            #(#steps)*
            #p::Ok(#p::Cow::Owned(#buffer))
        }

        fn from_event(arguments: &#p::Arguments, topic: &str) -> #p::Result<Self, #p::ValueError> {
            let mut __captured = #p::Captured::new(arguments);
            #(#reads)*
            __captured.arguments().decode_kwargs()
        }
    }
}
