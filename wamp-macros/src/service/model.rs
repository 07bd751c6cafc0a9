//! The model of a `#[wamp_service]` trait: what each method means on the wire, built from the
//! trait with every problem recorded.

use proc_macro2::{Span, TokenStream};
use syn::parse::Parse as _;
use syn::{FnArg, Ident, ItemTrait, LitStr, Pat, TraitItem, TraitItemFn, Type};

use super::check;
use super::signature::{input_item, last_segment_is, parse_output};
use crate::attr::{self, Keys};
use crate::ctxt::Ctxt;
use crate::uri;
use crate::vocab::{CancelMode, InvokePolicy, MatchPolicy, UriCheck};

/// Method names the generated code uses itself.
pub(crate) const RESERVED: &[&str] = &["serve", "service", "new", "with_timeout"];

/// A whole service.
pub(crate) struct Service {
    /// The trait as written, with our attributes still on it.
    pub(crate) item: ItemTrait,
    pub(crate) prefix: String,
    /// The trait's docs.
    pub(crate) docs: String,
    /// Whether `serve` also answers `<prefix>.describe` (`describe = false` opts out).
    pub(crate) describe: bool,
    /// Event types declared with `events(...)`.
    pub(crate) events: Vec<Type>,
    pub(crate) methods: Vec<Method>,
}

/// One procedure.
pub(crate) struct Method {
    pub(crate) ident: Ident,
    /// The URI as written: `{name}` components are captures.
    pub(crate) uri: String,
    /// The URI registered: `uri` with each capture an empty component.
    pub(crate) pattern: String,
    pub(crate) docs: String,
    pub(crate) params: Vec<Param>,
    pub(crate) output: Output,
    pub(crate) policy: MatchPolicy,
    pub(crate) invoke: InvokePolicy,
    pub(crate) timeout_ms: Option<u64>,
    pub(crate) disclose_caller: bool,
    pub(crate) cancel: CancelMode,
    /// End-to-end encrypted: the method's `encrypted`, or the service's.
    pub(crate) encrypted: bool,
    /// `#[deprecated]`: its note (empty when it has none).
    pub(crate) deprecated: Option<String>,
    /// `idempotent`: calling twice does no harm, so a caller layer may retry.
    pub(crate) idempotent: bool,
}

/// How a parameter travels.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ParamKind {
    /// `args[index]` (the index counts only positional parameters).
    Positional(usize),
    /// `kwargs[name]`; the callee also takes `args[index]`.
    Keyword(usize),
    /// The whole `kwargs` dictionary.
    KwargsStruct,
    /// The invocation's [`Context`], filled in by the callee glue.
    Context,
    /// `impl Stream<Item = T>`: every positional argument of every CALL of the call
    /// (progressive call invocations).
    Input,
    /// The URI component at this index (a `{name}` capture).
    Capture(usize),
}

pub(crate) struct Param {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    pub(crate) kind: ParamKind,
}

/// What a method answers.
pub(crate) enum Output {
    /// `T` (`()` when `unit`).
    Value { ty: Type, unit: bool },
    /// `Result<T, E>`.
    Result { ok: Type, err: Type, unit: bool },
    /// `impl Stream<Item = T>` or `impl Stream<Item = Result<T, E>>`.
    Stream { item: Type, err: Option<Type> },
}

impl Output {
    /// The success type callers decode.
    pub(crate) fn ok(&self) -> &Type {
        match self {
            Output::Value { ty, .. } => ty,
            Output::Result { ok, .. } => ok,
            Output::Stream { item, .. } => item,
        }
    }

    /// The declared error type, if any.
    pub(crate) fn err(&self) -> Option<&Type> {
        match self {
            Output::Value { .. } => None,
            Output::Result { err, .. } => Some(err),
            Output::Stream { err, .. } => err.as_ref(),
        }
    }
}

impl Method {
    /// The method's name without a raw-identifier prefix.
    pub(crate) fn name(&self) -> String {
        self.ident.to_string().trim_start_matches("r#").to_owned()
    }
}

impl Service {
    /// Reads the trait and the macro's own arguments, recording every problem in `ctxt`.
    pub(crate) fn parse(ctxt: &Ctxt, args: TokenStream, item: ItemTrait) -> Self {
        let mut prefix: Option<LitStr> = None;
        let mut events = Vec::new();
        let mut describe = true;
        let mut uri_check = UriCheck::Strict;
        let mut encrypted = false;
        let mut keys = Keys::new(
            ctxt,
            &["prefix", "events", "describe", "uri_check", "encrypted"],
        );
        let parser = syn::meta::parser(|meta| {
            match keys.key(&meta)?.as_deref() {
                Some("prefix") => prefix = Some(attr::string(&meta)?),
                Some("uri_check") => {
                    uri_check = UriCheck::parse(&attr::choice(&meta, UriCheck::NAMES)?.0)
                }
                Some("describe") => describe = attr::boolean(&meta)?,
                Some("encrypted") => {
                    attr::flag(&meta)?;
                    encrypted = true;
                }
                Some("events") => {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    let types = content.parse_terminated(Type::parse, syn::Token![,])?;
                    events.extend(types);
                }
                _ => {}
            }
            Ok(())
        });
        if let Err(e) = syn::parse::Parser::parse2(parser, args) {
            ctxt.syn(e);
        }
        let prefix = match prefix {
            Some(lit) => {
                if let Some(problem) = uri::problem(&lit.value(), MatchPolicy::Exact, uri_check) {
                    ctxt.error(&lit, format!("invalid prefix: {problem}"));
                }
                lit.value()
            }
            None => {
                ctxt.syn(syn::Error::new(
                    Span::call_site(),
                    "missing `prefix`: write `#[wamp_service(prefix = \"com.example.service\")]`",
                ));
                String::new()
            }
        };
        check::events(ctxt, &events);
        check::trait_shape(ctxt, &item);
        let mut methods: Vec<Method> = Vec::new();
        for trait_item in &item.items {
            match trait_item {
                TraitItem::Fn(f) => {
                    if let Some(mut method) = Method::parse(ctxt, &prefix, uri_check, f) {
                        method.encrypted |= encrypted;
                        if let Some(first) = methods.iter().find(|m| m.pattern == method.pattern) {
                            ctxt.error(
                                &f.sig.ident,
                                format!(
                                    "duplicate procedure URI `{}`: the method `{}` has it too",
                                    method.pattern, first.ident
                                ),
                            );
                        }
                        methods.push(method);
                    }
                }
                other => ctxt.error(
                    other,
                    "a service trait holds only `async fn` methods; move other items elsewhere",
                ),
            }
        }
        if describe {
            check::describe_clash(ctxt, &prefix, &methods);
        }
        Service {
            docs: attr::docs(&item.attrs),
            item,
            prefix,
            describe,
            events,
            methods,
        }
    }
}

impl Method {
    /// Reads one method; its URI is held to `uri_check` unless it says otherwise.
    fn parse(ctxt: &Ctxt, prefix: &str, uri_check: UriCheck, f: &TraitItemFn) -> Option<Self> {
        let sig = &f.sig;
        let name = sig.ident.to_string().trim_start_matches("r#").to_owned();
        check::method_signature(ctxt, f, &name);

        let mut relative: Option<LitStr> = None;
        let mut absolute: Option<LitStr> = None;
        let mut policy = MatchPolicy::Exact;
        let mut invoke = InvokePolicy::Single;
        let mut timeout_ms = None;
        let mut disclose_caller = false;
        let mut encrypted = false;
        let mut idempotent = false;
        let mut kwargs = false;
        let mut cancel = CancelMode::Kill;
        let mut uri_check = uri_check;
        let mut keys = Keys::new(
            ctxt,
            &[
                "name",
                "uri",
                "kwargs",
                "match",
                "invoke",
                "timeout_ms",
                "disclose_caller",
                "encrypted",
                "idempotent",
                "cancel",
                "uri_check",
            ],
        );
        attr::parse_wamp_attrs(ctxt, &f.attrs, &mut keys, |key, meta| {
            match key {
                "name" => relative = Some(attr::string(meta)?),
                "uri" => absolute = Some(attr::string(meta)?),
                "kwargs" => {
                    attr::flag(meta)?;
                    kwargs = true;
                }
                "match" => policy = MatchPolicy::parse(&attr::choice(meta, MatchPolicy::NAMES)?.0),
                "invoke" => {
                    invoke = InvokePolicy::parse(&attr::choice(meta, InvokePolicy::NAMES)?.0)
                }
                "timeout_ms" => timeout_ms = Some(attr::positive(meta)?.0),
                "disclose_caller" => {
                    attr::flag(meta)?;
                    disclose_caller = true;
                }
                "encrypted" => {
                    attr::flag(meta)?;
                    encrypted = true;
                }
                "idempotent" => {
                    attr::flag(meta)?;
                    idempotent = true;
                }
                "cancel" => cancel = CancelMode::parse(&attr::choice(meta, CancelMode::NAMES)?.0),
                "uri_check" => uri_check = UriCheck::parse(&attr::choice(meta, UriCheck::NAMES)?.0),
                _ => {}
            }
            Ok(())
        });
        let (uri, uri_token): (String, Option<&LitStr>) = match (&relative, &absolute) {
            (Some(rel), Some(abs)) => {
                ctxt.error(
                    abs,
                    "give either `name` (under the prefix) or `uri` (absolute), not both",
                );
                (format!("{prefix}.{}", rel.value()), Some(rel))
            }
            (Some(rel), None) => (format!("{prefix}.{}", rel.value()), Some(rel)),
            (None, Some(abs)) => (abs.value(), Some(abs)),
            (None, None) => (format!("{prefix}.{name}"), None),
        };
        // One error per URI: a malformed capture is not also reported as a malformed URI.
        let (placeholders, capture_problem) = match uri::placeholders(&uri) {
            Ok(found) => (found, None),
            Err(problem) => (Vec::new(), Some(problem)),
        };
        let pattern = uri::pattern(&uri);
        let capture_problem = capture_problem.or_else(|| {
            // A capture is a component the dealer matches as a wildcard.
            match policy {
                _ if placeholders.is_empty() => None,
                MatchPolicy::Exact => {
                    policy = MatchPolicy::Wildcard;
                    None
                }
                MatchPolicy::Prefix => Some(
                    "captures make a wildcard registration, so `match = \"prefix\"` cannot have them".to_owned(),
                ),
                MatchPolicy::Wildcard => uri.split('.').any(str::is_empty).then(|| {
                    "a URI with captures has no other empty component: the client fills in every component".to_owned()
                }),
            }
        });
        if let Some(problem) = &capture_problem {
            uri_error(ctxt, uri_token, sig, problem);
        } else if !prefix.is_empty() || absolute.is_some() {
            if let Some(problem) = uri::problem(&pattern, policy, uri_check) {
                uri_error(
                    ctxt,
                    uri_token,
                    sig,
                    &format!("invalid procedure URI: {problem}"),
                );
            }
        }

        let params = parse_params(ctxt, sig, kwargs, &placeholders);
        for unbound in placeholders.iter().filter(|p| {
            !params
                .iter()
                .any(|param| param.kind == ParamKind::Capture(p.component))
        }) {
            uri_error(
                ctxt,
                uri_token,
                sig,
                &format!(
                    "the capture `{{{}}}` fills no parameter: add `{}: T` to the method",
                    unbound.name, unbound.name
                ),
            );
        }
        let output = parse_output(ctxt, &sig.output);
        if let (Some(input), Some(Output::Stream { .. })) =
            (params.iter().find(|p| p.kind == ParamKind::Input), &output)
        {
            ctxt.error(
                &input.ident,
                "a method takes a stream or answers one, not both",
            );
        }
        Some(Method {
            ident: sig.ident.clone(),
            uri,
            pattern,
            docs: attr::docs(&f.attrs),
            deprecated: attr::deprecation(&f.attrs),
            params,
            output: output?,
            policy,
            invoke,
            timeout_ms,
            disclose_caller,
            cancel,
            encrypted,
            idempotent,
        })
    }
}

/// An error about a method's URI, at the string that gave it, else at the method's name.
fn uri_error(ctxt: &Ctxt, token: Option<&LitStr>, sig: &syn::Signature, problem: &str) {
    match token {
        Some(token) => ctxt.error(token, problem),
        None => ctxt.error(
            &sig.ident,
            format!("{problem}; rename the method or set `#[wamp(name = \"...\")]`"),
        ),
    }
}

fn parse_params(
    ctxt: &Ctxt,
    sig: &syn::Signature,
    kwargs_mode: bool,
    placeholders: &[uri::Placeholder],
) -> Vec<Param> {
    let mut params = Vec::new();
    let mut index = 0;
    let mut struct_param: Option<Ident> = None;
    let mut context_param: Option<Ident> = None;
    for input in &sig.inputs {
        let FnArg::Typed(typed) = input else { continue };
        let ident = match &*typed.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => p.ident.clone(),
            other => {
                ctxt.error(
                    other,
                    "a service method's parameter must be a plain name: its name is its keyword",
                );
                continue;
            }
        };
        let mut param_kwarg = false;
        let mut param_struct = false;
        let mut keys = Keys::new(ctxt, &["kwarg", "kwargs"]);
        attr::parse_wamp_attrs(ctxt, &typed.attrs, &mut keys, |key, meta| {
            attr::flag(meta)?;
            match key {
                "kwarg" => param_kwarg = true,
                _ => param_struct = true,
            }
            Ok(())
        });
        let is_context = last_segment_is(&typed.ty, "Context");
        let is_input = input_item(&typed.ty).is_some();
        let name = ident.to_string();
        let capture = placeholders
            .iter()
            .find(|p| p.name == name.trim_start_matches("r#"));
        if let Some(problem) = check::unsupported_param_type(&typed.ty).filter(|_| !is_input) {
            ctxt.error(&typed.ty, problem);
        }
        let kind = if let Some(capture) = capture {
            if param_kwarg || param_struct || is_context || is_input {
                ctxt.error(
                    &typed.ty,
                    format!(
                        "`{ident}` fills the URI's capture `{{{ident}}}`: it cannot be a keyword, a `Context` or a stream"
                    ),
                );
            }
            ParamKind::Capture(capture.component)
        } else if is_input {
            if param_kwarg || param_struct || kwargs_mode {
                ctxt.error(
                    &typed.ty,
                    "a stream parameter takes the call's positional arguments: it cannot be a keyword",
                );
            }
            ParamKind::Input
        } else if is_context {
            if let Some(first) = &context_param {
                ctxt.error(
                    &typed.ty,
                    format!("only one `Context` parameter, `{first}` is one already"),
                );
            }
            context_param = Some(ident.clone());
            ParamKind::Context
        } else if param_struct {
            if let Some(first) = &struct_param {
                ctxt.error(
                    &typed.ty,
                    format!("only one parameter can be the whole kwargs; `{first}` is it already"),
                );
            }
            struct_param = Some(ident.clone());
            ParamKind::KwargsStruct
        } else {
            index += 1;
            if kwargs_mode || param_kwarg {
                ParamKind::Keyword(index - 1)
            } else {
                ParamKind::Positional(index - 1)
            }
        };
        params.push(Param {
            ident,
            ty: (*typed.ty).clone(),
            kind,
        });
    }
    if let Some(input) = params.iter().find(|p| p.kind == ParamKind::Input) {
        let others = params
            .iter()
            .filter(|p| !matches!(p.kind, ParamKind::Context))
            .count();
        if others > 1 {
            ctxt.error(
                &input.ident,
                format!("`{}` is a stream of every argument of the call: it must be the method's only parameter (besides a `Context`)", input.ident),
            );
        }
    }
    if let Some(whole) = &struct_param {
        if let Some(keyword) = params
            .iter()
            .find(|p| matches!(p.kind, ParamKind::Keyword(_)))
        {
            ctxt.error(
                &keyword.ident,
                format!("`{whole}` is the whole kwargs already; make `{}` positional or a field of `{whole}`'s type", keyword.ident),
            );
        }
    }
    params
}
