//! What a service must satisfy beyond parsing: the trait's shape, each method's signature,
//! the types that can travel, and URIs that do not clash.

use syn::{ItemTrait, TraitItemFn, Type};

use super::model::{Method, RESERVED};
use crate::ctxt::Ctxt;

/// The trait: not generic, not `unsafe`.
pub(crate) fn trait_shape(ctxt: &Ctxt, item: &ItemTrait) {
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        ctxt.error(&item.generics, "a service trait cannot be generic");
    }
    if let Some(unsafety) = &item.unsafety {
        ctxt.error(unsafety, "a service trait cannot be `unsafe`");
    }
}

/// No event type declared twice.
pub(crate) fn events(ctxt: &Ctxt, events: &[Type]) {
    let mut seen = Vec::new();
    for ty in events {
        let text = quote::quote!(#ty).to_string();
        if seen.contains(&text) {
            ctxt.error(ty, format!("event `{text}` declared more than once"));
        }
        seen.push(text);
    }
}

/// No procedure at the service's own describe URI.
pub(crate) fn describe_clash(ctxt: &Ctxt, prefix: &str, methods: &[Method]) {
    let describe_uri = format!("{prefix}.describe");
    for method in methods {
        if method.uri == describe_uri {
            ctxt.error(
                &method.ident,
                format!("`{describe_uri}` answers the service's interface description; rename the procedure, or opt out with `#[wamp_service(describe = false)]`"),
            );
        }
    }
}

/// A method: `async`, not a name the generated code takes, not generic, no default body, not
/// variadic, no ABI, `&self` first.
pub(crate) fn method_signature(ctxt: &Ctxt, f: &TraitItemFn, name: &str) {
    let sig = &f.sig;
    if sig.asyncness.is_none() {
        ctxt.error(
            sig.fn_token,
            "a service method must be `async fn` (a stream-returning method too: `async fn name(&self) -> impl Stream<Item = T>`)",
        );
    }
    if RESERVED.contains(&name) {
        ctxt.error(
            &sig.ident,
            format!("`{name}` is a name the generated code uses; rename the method and keep the URI with `#[wamp(name = \"{name}\")]`"),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        ctxt.error(&sig.generics, "a service method cannot be generic");
    }
    if let Some(default) = &f.default {
        ctxt.error(default, "a service method cannot have a default body");
    }
    if let Some(variadic) = &sig.variadic {
        ctxt.error(variadic, "a service method cannot be variadic");
    }
    if let Some(abi) = &sig.abi {
        ctxt.error(abi, "a service method cannot have an ABI");
    }
    receiver(ctxt, sig);
}

fn receiver(ctxt: &Ctxt, sig: &syn::Signature) {
    match sig.receiver() {
        None => ctxt.error(
            &sig.ident,
            "a service method takes `&self` first: `async fn name(&self, ...)`",
        ),
        Some(r) => {
            let shared_ref =
                r.reference.is_some() && r.mutability.is_none() && r.colon_token.is_none();
            if !shared_ref {
                ctxt.error(
                    r,
                    "a service method takes `&self` (not `self`, `&mut self` or a typed receiver): invocations run concurrently",
                );
            }
        }
    }
}

/// Why a parameter type cannot travel, if it cannot.
pub(crate) fn unsupported_param_type(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Reference(_) => Some("unsupported parameter type: arguments are decoded into owned values; take `String` for `&str`, `Vec<T>` for `&[T]`"),
        Type::ImplTrait(_) => Some("unsupported parameter type: `impl Trait` cannot be decoded; take a concrete type"),
        Type::TraitObject(_) => Some("unsupported parameter type: a trait object cannot be decoded; take a concrete type"),
        Type::BareFn(_) => Some("unsupported parameter type: a function cannot travel over WAMP"),
        Type::Ptr(_) => Some("unsupported parameter type: a raw pointer cannot travel over WAMP"),
        Type::Infer(_) | Type::Never(_) => Some("unsupported parameter type: give a concrete type"),
        Type::Path(p) if p.qself.is_none() && p.path.is_ident("Self") => {
            Some("unsupported parameter type: `Self` is the implementation, not data")
        }
        Type::Paren(p) => unsupported_param_type(&p.elem),
        Type::Group(g) => unsupported_param_type(&g.elem),
        _ => None,
    }
}
