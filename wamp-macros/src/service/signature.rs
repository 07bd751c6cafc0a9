//! The types in a method's signature: what it answers (a value, a `Result`, a stream) and the
//! item type of a stream parameter.

use syn::{GenericArgument, PathArguments, ReturnType, Type, TypeParamBound};

use super::check;
use super::model::Output;
use crate::ctxt::Ctxt;

pub(crate) fn parse_output(ctxt: &Ctxt, output: &ReturnType) -> Option<Output> {
    let ty = match output {
        ReturnType::Default => {
            return Some(Output::Value {
                ty: syn::parse_quote!(()),
                unit: true,
            })
        }
        ReturnType::Type(_, ty) => &**ty,
    };
    if let Type::ImplTrait(imp) = ty {
        let item = imp.bounds.iter().find_map(stream_item);
        return match item {
            Some(item) => {
                if let Some(problem) =
                    check::unsupported_param_type(item).filter(|_| !is_unit(item))
                {
                    ctxt.error(item, problem.replace("parameter", "stream item"));
                }
                Some(match result_args(item) {
                    Some((ok, err)) => Output::Stream {
                        item: ok.clone(),
                        err: Some(err.clone()),
                    },
                    None => Output::Stream {
                        item: item.clone(),
                        err: None,
                    },
                })
            }
            None => {
                ctxt.error(
                    ty,
                    "unsupported return type: the only `impl Trait` a service method returns is `impl Stream<Item = T>` (a progressive procedure)",
                );
                None
            }
        };
    }
    if let Some(problem) = check::unsupported_param_type(ty) {
        ctxt.error(ty, problem.replace("parameter", "return"));
        return None;
    }
    if last_segment_is(ty, "Result") {
        return match result_args(ty) {
            Some((ok, err)) => Some(Output::Result {
                unit: is_unit(ok),
                ok: ok.clone(),
                err: err.clone(),
            }),
            None => {
                ctxt.error(
                    ty,
                    "unsupported return type: write `Result<T, E>` with both types, `E` a `#[derive(WampError)]` type",
                );
                None
            }
        };
    }
    Some(Output::Value {
        unit: is_unit(ty),
        ty: ty.clone(),
    })
}

/// `T` of a parameter of type `impl Stream<Item = T>`.
pub(crate) fn input_item(ty: &Type) -> Option<&Type> {
    match ty {
        Type::ImplTrait(imp) => imp.bounds.iter().find_map(stream_item),
        Type::Paren(p) => input_item(&p.elem),
        _ => None,
    }
}

/// `Item` of an `impl Stream<Item = X>` bound.
fn stream_item(bound: &TypeParamBound) -> Option<&Type> {
    let TypeParamBound::Trait(t) = bound else {
        return None;
    };
    let last = t.path.segments.last()?;
    if last.ident != "Stream" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::AssocType(at) if at.ident == "Item" => Some(&at.ty),
        _ => None,
    })
}

/// `(T, E)` of a `Result<T, E>`.
fn result_args(ty: &Type) -> Option<(&Type, &Type)> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let ok = types.next()?;
    let err = types.next()?;
    Some((ok, err))
}

pub(crate) fn last_segment_is(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == name),
        _ => false,
    }
}

pub(crate) fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(t) if t.elems.is_empty())
}
