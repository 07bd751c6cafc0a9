//! Reading `key = value` and flag lists (`#[wamp(name = "x", kwargs)]`, `#[wamp_service(...)]`):
//! unknown keys say which are expected, repeated keys are refused, both spanned at the key.

use syn::meta::ParseNestedMeta;
use syn::{LitInt, LitStr};

use crate::ctxt::Ctxt;

/// The keys one attribute accepts and those already seen.
pub(crate) struct Keys<'c> {
    ctxt: &'c Ctxt,
    allowed: &'static [&'static str],
    seen: Vec<String>,
}

impl<'c> Keys<'c> {
    pub(crate) fn new(ctxt: &'c Ctxt, allowed: &'static [&'static str]) -> Self {
        Self {
            ctxt,
            allowed,
            seen: Vec::new(),
        }
    }

    /// The key of `meta` when it is allowed and new; otherwise records the error, skips the
    /// key's value and answers `None`.
    pub(crate) fn key(&mut self, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<String>> {
        let key = meta
            .path
            .get_ident()
            .map(|i| i.to_string().trim_start_matches("r#").to_owned())
            .unwrap_or_default();
        if !self.allowed.contains(&key.as_str()) {
            let expected = self
                .allowed
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let shown = if key.is_empty() {
                "this key".to_owned()
            } else {
                format!("`{key}`")
            };
            self.ctxt.error(
                &meta.path,
                format!("unknown key {shown}, expected one of {expected}"),
            );
            skip_value(meta)?;
            return Ok(None);
        }
        if self.seen.contains(&key) {
            self.ctxt
                .error(&meta.path, format!("`{key}` specified more than once"));
            skip_value(meta)?;
            return Ok(None);
        }
        self.seen.push(key.clone());
        Ok(Some(key))
    }
}

/// Consumes whatever follows a key: `= expr` or `( ... )`.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

/// `key = "text"`.
pub(crate) fn string(meta: &ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    meta.value()?.parse()
}

/// `key = 123`, a positive integer.
pub(crate) fn positive(meta: &ParseNestedMeta<'_>) -> syn::Result<(u64, LitInt)> {
    let lit: LitInt = meta.value()?.parse()?;
    let n: u64 = lit.base10_parse()?;
    if n == 0 {
        return Err(syn::Error::new(lit.span(), "expected a positive integer"));
    }
    Ok((n, lit))
}

/// `key = true` or `key = false`.
pub(crate) fn boolean(meta: &ParseNestedMeta<'_>) -> syn::Result<bool> {
    let lit: syn::LitBool = meta.value()?.parse()?;
    Ok(lit.value)
}

/// The text of the `#[doc = "..."]` attributes among `attrs`, one leading space dropped per
/// line and blank lines around it trimmed (as `wamp_core::describe::doc_text` does).
pub(crate) fn docs(attrs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|text| text.lines().map(str::to_owned).collect::<Vec<_>>())
        .map(|l| l.strip_prefix(' ').unwrap_or(&l).trim_end().to_owned())
        .collect();
    lines.join("\n").trim_matches('\n').to_owned()
}

/// What a `#[deprecated]` among `attrs` says: `None` when there is none, else its note (empty
/// for a bare `#[deprecated]`; `#[deprecated = ".."]` and `#[deprecated(note = "..")]` give it).
pub(crate) fn deprecation(attrs: &[syn::Attribute]) -> Option<String> {
    let attr = attrs.iter().find(|a| a.path().is_ident("deprecated"))?;
    Some(match &attr.meta {
        syn::Meta::Path(_) => String::new(),
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => s.value(),
            _ => String::new(),
        },
        syn::Meta::List(_) => {
            let mut note = String::new();
            // `since` and any other key are left to rustc; only the note is described.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("note") {
                    note = string(&meta)?.value();
                } else if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                Ok(())
            });
            note
        }
    })
}

/// A key given alone, with no value: refuses `key = ...`.
pub(crate) fn flag(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        return Err(meta.error(format!("`{key}` takes no value")));
    }
    Ok(())
}

/// `key = "one"` where the text must be one of `choices`.
pub(crate) fn choice(
    meta: &ParseNestedMeta<'_>,
    choices: &'static [&'static str],
) -> syn::Result<(String, LitStr)> {
    let lit = string(meta)?;
    let value = lit.value();
    if !choices.contains(&value.as_str()) {
        let expected = choices
            .iter()
            .map(|k| format!("\"{k}\""))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(syn::Error::new(
            lit.span(),
            format!("unknown value \"{value}\", expected one of {expected}"),
        ));
    }
    Ok((value, lit))
}

/// Whether an attribute is ours (`#[wamp(...)]`).
pub(crate) fn is_wamp(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("wamp")
}

/// Parses every `#[wamp(...)]` among `attrs` with `each`, recording errors in `ctxt`.
pub(crate) fn parse_wamp_attrs(
    ctxt: &Ctxt,
    attrs: &[syn::Attribute],
    keys: &mut Keys<'_>,
    mut each: impl FnMut(&str, &ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| is_wamp(a)) {
        let result = attr.parse_nested_meta(|meta| {
            let Some(key) = keys.key(&meta)? else {
                return Ok(());
            };
            // A bad value is reported and skipped, so the keys after it are still checked.
            if let Err(e) = each(&key, &meta) {
                ctxt.syn(e);
                while !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                    meta.input.parse::<proc_macro2::TokenTree>()?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            ctxt.syn(e);
        }
    }
}
