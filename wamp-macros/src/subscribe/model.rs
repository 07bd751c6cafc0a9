//! The model of an event handler: what it subscribes to, and the parts of its signature the
//! generated code calls it with.

use proc_macro2::{Ident, TokenStream};
use syn::{FnArg, ImplItem, ItemImpl, LitStr, Signature, Type};

use crate::attr::{self, Keys};
use crate::ctxt::Ctxt;
use crate::vocab::{MatchPolicy, UriCheck};

/// One `#[subscribe]` handler.
pub(crate) struct Handler {
    /// Its signature, as written.
    pub(crate) sig: Signature,
    /// Whether it is a method of an `#[event_handlers]` block.
    pub(crate) method: bool,
    /// `topic = ".."`, if given (else the event type's topic).
    pub(crate) topic: Option<LitStr>,
    /// `match = ".."`.
    pub(crate) policy: MatchPolicy,
    /// `uri_check = ".."`: the rule the topic is held to.
    pub(crate) uri_check: UriCheck,
    /// Its typed parameters: the event, then optionally `EventDetails`.
    pub(crate) params: Vec<Type>,
}

impl Handler {
    /// Reads `#[subscribe(topic = "...", match = "...")]` arguments and the handler's signature.
    pub(crate) fn parse(ctxt: &Ctxt, args: TokenStream, sig: &Signature, method: bool) -> Self {
        let mut topic: Option<LitStr> = None;
        let mut policy = MatchPolicy::Exact;
        let mut uri_check = UriCheck::Strict;
        let mut keys = Keys::new(ctxt, &["topic", "match", "uri_check"]);
        let parser = syn::meta::parser(|meta| {
            match keys.key(&meta)?.as_deref() {
                Some("topic") => topic = Some(attr::string(&meta)?),
                Some("match") => {
                    policy = MatchPolicy::parse(&attr::choice(&meta, MatchPolicy::NAMES)?.0)
                }
                Some("uri_check") => {
                    uri_check = UriCheck::parse(&attr::choice(&meta, UriCheck::NAMES)?.0)
                }
                _ => {}
            }
            Ok(())
        });
        if let Err(e) = syn::parse::Parser::parse2(parser, args) {
            ctxt.syn(e);
        }
        let params = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                FnArg::Typed(t) => Some((*t.ty).clone()),
                FnArg::Receiver(_) => None,
            })
            .collect();
        Self {
            sig: sig.clone(),
            method,
            topic,
            policy,
            uri_check,
            params,
        }
    }

    /// The event type: the first typed parameter of a handler that takes one or two.
    pub(crate) fn event(&self) -> Option<&Type> {
        match self.params.as_slice() {
            [event] | [event, _] => Some(event),
            _ => None,
        }
    }

    /// Whether the handler takes `EventDetails` after the event.
    pub(crate) fn details(&self) -> bool {
        self.params.len() == 2
    }
}

/// An `#[event_handlers]` block: the block (its `#[subscribe]` markers removed) and its handlers.
pub(crate) struct HandlerImpl {
    /// The arguments of `#[event_handlers(..)]` (it takes none).
    pub(crate) args: TokenStream,
    pub(crate) item: ItemImpl,
    pub(crate) handlers: Vec<(Ident, Handler)>,
}

impl HandlerImpl {
    /// Reads the block's `#[subscribe]` methods, taking their markers off.
    pub(crate) fn parse(ctxt: &Ctxt, args: TokenStream, mut item: ItemImpl) -> Self {
        let mut handlers = Vec::new();
        for impl_item in &mut item.items {
            let ImplItem::Fn(f) = impl_item else { continue };
            let Some(position) = f.attrs.iter().position(is_subscribe) else {
                continue;
            };
            let marker = f.attrs.remove(position);
            let args = match &marker.meta {
                syn::Meta::Path(_) => TokenStream::new(),
                syn::Meta::List(list) => list.tokens.clone(),
                syn::Meta::NameValue(nv) => {
                    ctxt.error(
                        nv,
                        "write `#[subscribe]` or `#[subscribe(topic = \"...\")]`",
                    );
                    continue;
                }
            };
            let handler = Handler::parse(ctxt, args, &f.sig, true);
            handlers.push((f.sig.ident.clone(), handler));
        }
        Self {
            args,
            item,
            handlers,
        }
    }
}

fn is_subscribe(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "subscribe")
}
