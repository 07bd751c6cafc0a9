//! What a handler must be: `async`, not generic, taking the event by value (and optionally
//! `EventDetails`), returning `()` or `Result<(), E>`, with a valid topic for its match policy.

use syn::{FnArg, ReturnType, Type};

use super::model::{Handler, HandlerImpl};
use crate::ctxt::Ctxt;
use crate::uri;
use crate::vocab::MatchPolicy;

/// Records every problem of one handler in `ctxt`.
pub(crate) fn handler(ctxt: &Ctxt, h: &Handler) {
    let sig = &h.sig;
    if let Some(lit) = &h.topic {
        if let Some(problem) = uri::problem(&lit.value(), h.policy, h.uri_check) {
            ctxt.error(lit, format!("invalid topic: {problem}"));
        }
    } else if h.policy != MatchPolicy::Exact {
        ctxt.error(sig.fn_token, "a `match` policy needs a `topic` pattern");
    }
    if sig.asyncness.is_none() {
        ctxt.error(sig.fn_token, "an event handler must be `async fn`");
    }
    if !sig.generics.params.is_empty() {
        ctxt.error(&sig.generics, "an event handler cannot be generic");
    }
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) if !h.method => ctxt.error(
                r,
                "`#[subscribe]` on a method needs `#[event_handlers]` on its `impl` block",
            ),
            FnArg::Receiver(r) => {
                if r.reference.is_none() || r.mutability.is_some() {
                    ctxt.error(r, "an event handler method takes `&self`");
                }
            }
            FnArg::Typed(_) => {}
        }
    }
    if h.method && sig.receiver().is_none() {
        ctxt.error(&sig.ident, "an event handler method takes `&self` first");
    }
    match h.params.as_slice() {
        [] => {
            ctxt.error(&sig.ident, "an event handler takes the event: `async fn name(event: MyEvent)` (and optionally `details: EventDetails`)");
            return;
        }
        [_, _, extra, ..] => {
            ctxt.error(
                extra,
                "an event handler takes the event and optionally `EventDetails`, nothing more",
            );
            return;
        }
        _ => {}
    }
    if let Some(Type::Reference(r)) = h.event() {
        ctxt.error(r, "an event handler takes the event by value");
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        if !crate::service::returns_unit_or_result(ty) {
            ctxt.error(ty, "an event handler returns `()` or `Result<(), E>`");
        }
    }
}

/// Records every problem of an `#[event_handlers]` block and its handlers in `ctxt`.
pub(crate) fn handler_impl(ctxt: &Ctxt, block: &HandlerImpl) {
    if !block.args.is_empty() {
        ctxt.error(&block.args, "`#[event_handlers]` takes no arguments");
    }
    if let Some((_, path, _)) = &block.item.trait_ {
        ctxt.error(
            path,
            "`#[event_handlers]` goes on an inherent `impl` block, not a trait impl",
        );
    }
    for (_, h) in &block.handlers {
        handler(ctxt, h);
    }
    if block.handlers.is_empty() {
        ctxt.error(
            &block.item.self_ty,
            "no `#[subscribe]` method in this `impl` block",
        );
    }
}
