//! What an error type must satisfy: URIs (strict unless `uri_check = "loose"`), one URI per variant, no URI twice.

use syn::LitStr;

use super::model::{ErrorType, Shape};
use crate::ctxt::Ctxt;
use crate::uri;
use crate::vocab::{MatchPolicy, UriCheck};

/// Records every problem of `error` in `ctxt`.
pub(crate) fn check(ctxt: &Ctxt, error: &ErrorType) {
    for lit in error.prefix.iter().chain(&error.uri) {
        check_uri(ctxt, lit, error.uri_check);
    }
    match error.shape {
        Shape::Struct => {
            if let Some(prefix) = &error.prefix {
                ctxt.error(prefix, "a struct error has one URI: use `uri = \"...\"`");
            }
            if error.uri.is_none() {
                ctxt.error(
                    &error.ident,
                    "missing error URI: add `#[wamp(uri = \"com.example.error.name\")]`",
                );
            }
        }
        Shape::Enum => {
            if let Some(uri) = &error.uri {
                ctxt.error(uri, "an enum's variants each have a URI: use `prefix = \"...\"` here or `uri` on each variant");
            }
            if error.variants.is_empty() {
                ctxt.error(&error.ident, "an error enum needs at least one variant");
            }
            let mut seen: Vec<&str> = Vec::new();
            for v in &error.variants {
                match (&v.own, &v.uri) {
                    (Some(own), _) => check_uri(ctxt, own, v.uri_check),
                    (None, Some(derived)) => {
                        check_uri(ctxt, &LitStr::new(derived, v.ident.span()), v.uri_check);
                    }
                    (None, None) => {
                        ctxt.error(&v.ident, "missing error URI: add `#[wamp(uri = \"...\")]` to the variant or `#[wamp(prefix = \"...\")]` to the enum");
                        continue;
                    }
                }
                if let Some(uri) = v.uri.as_deref() {
                    if seen.contains(&uri) {
                        ctxt.error(&v.ident, format!("duplicate error URI `{uri}`"));
                    }
                    seen.push(uri);
                }
            }
        }
        Shape::Union(token) => ctxt.error(token, "`WampError` cannot be derived for a union"),
    }
}

fn check_uri(ctxt: &Ctxt, lit: &LitStr, check: UriCheck) {
    if let Some(problem) = uri::problem(&lit.value(), MatchPolicy::Exact, check) {
        ctxt.error(lit, format!("invalid error URI: {problem}"));
    }
}
