//! The spec's URI rules, checked at compile time. Strict (the default): components of
//! lower-case ASCII letters, digits and `_`. Loose (`uri_check = "loose"`): any components
//! without `.`, `#` or whitespace. Under both, components are separated by `.` and may be empty
//! only in wildcard patterns. The same rules as `wamp_core::uri::validate`.

use crate::vocab::{MatchPolicy as Policy, UriCheck};

/// Why `uri` is not a URI under `policy` and `check`, if it is not.
pub(crate) fn problem(uri: &str, policy: Policy, check: UriCheck) -> Option<String> {
    if uri.is_empty() {
        return Some("the URI is empty".into());
    }
    for component in uri.split('.') {
        if component.is_empty() {
            if policy != Policy::Wildcard {
                return Some(format!(
                    "`{uri}` has an empty component, which only a wildcard pattern may have (`match = \"wildcard\"`)"
                ));
            }
            continue;
        }
        if let Some(bad) = component.chars().find(|c| *c == '#' || c.is_whitespace()) {
            return Some(format!(
                "`{uri}` is not a WAMP URI: {bad:?} is not allowed in any URI"
            ));
        }
        if check == UriCheck::Strict {
            if let Some(bad) = component
                .chars()
                .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
            {
                return Some(format!(
                    "`{uri}` is not a strict WAMP URI: {bad:?} is not allowed (components take lower-case letters, digits and `_`; for a service that already exists under such URIs, add `uri_check = \"loose\"`)"
                ));
            }
        }
    }
    if policy == Policy::Wildcard && uri.split('.').all(str::is_empty) {
        return Some(format!(
            "`{uri}` matches nothing: a wildcard pattern needs one non-empty component"
        ));
    }
    None
}

/// A `{name}` component of a procedure URI: a typed URI capture, bound to the parameter `name`.
pub(crate) struct Placeholder {
    /// Its position among the URI's components, from 0.
    pub(crate) component: usize,
    pub(crate) name: String,
}

/// The captures of `uri` in order, or why one is malformed: each is a whole component naming a
/// parameter, and no name appears twice.
pub(crate) fn placeholders(uri: &str) -> Result<Vec<Placeholder>, String> {
    let mut found: Vec<Placeholder> = Vec::new();
    for (component, text) in uri.split('.').enumerate() {
        if !text.contains(['{', '}']) {
            continue;
        }
        let name = text
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .filter(|name| !name.contains(['{', '}']))
            .ok_or_else(|| {
                format!("`{text}` in `{uri}`: a capture is a whole component, `{{name}}`")
            })?;
        if syn::parse_str::<syn::Ident>(name).is_err() {
            return Err(format!(
                "`{text}` in `{uri}`: a capture names the method's parameter it fills"
            ));
        }
        if found.iter().any(|p| p.name == name) {
            return Err(format!("`{text}` appears twice in `{uri}`"));
        }
        found.push(Placeholder {
            component,
            name: name.to_owned(),
        });
    }
    Ok(found)
}

/// The statements that build `uri` in the `String` named `buffer`: runs of literal components
/// pushed as they are, and component `i` by the statement `capture(i)` gives (`None` for a
/// literal component).
pub(crate) fn fill(
    uri: &str,
    buffer: &proc_macro2::Ident,
    mut capture: impl FnMut(usize) -> Option<proc_macro2::TokenStream>,
) -> Vec<proc_macro2::TokenStream> {
    let mut text = String::new();
    let mut steps = Vec::new();
    for (index, component) in uri.split('.').enumerate() {
        if index > 0 {
            text.push('.');
        }
        match capture(index) {
            Some(step) => {
                if !text.is_empty() {
                    steps.push(quote::quote!(#buffer.push_str(#text);));
                    text.clear();
                }
                steps.push(step);
            }
            None => text.push_str(component),
        }
    }
    if !text.is_empty() {
        steps.push(quote::quote!(#buffer.push_str(#text);));
    }
    steps
}

/// What a URI with captures registers: each capture an empty component (a wildcard pattern).
pub(crate) fn pattern(uri: &str) -> String {
    uri.split('.')
        .map(|c| if c.starts_with('{') { "" } else { c })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_and_loose_rules() {
        let strict = |uri, policy| problem(uri, policy, UriCheck::Strict);
        assert_eq!(strict("com.app.add", Policy::Exact), None);
        assert_eq!(strict("com.app..add", Policy::Wildcard), None);
        assert!(strict("com.app..add", Policy::Exact).is_some());
        assert!(strict("com.App.add", Policy::Exact).is_some());
        assert!(strict("com.app-x", Policy::Exact).is_some());
        assert!(strict("", Policy::Exact).is_some());
        assert!(strict("..", Policy::Wildcard).is_some());
        let loose = |uri, policy| problem(uri, policy, UriCheck::Loose);
        assert_eq!(loose("com.legacy.getUser", Policy::Exact), None);
        assert_eq!(loose("com.app-x", Policy::Exact), None);
        assert!(loose("com.a b", Policy::Exact).is_some());
        assert!(loose("com.a#b", Policy::Exact).is_some());
        assert!(loose("com..a", Policy::Exact).is_some());
    }

    #[test]
    fn captures_are_whole_components() {
        let names = |uri| {
            placeholders(uri).map(|found| {
                found
                    .iter()
                    .map(|p| (p.component, p.name.clone()))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            names("com.app.user.{id}.get"),
            Ok(vec![(3, "id".to_owned())])
        );
        assert_eq!(names("com.app.add"), Ok(vec![]));
        assert!(names("com.app.user_{id}").is_err());
        assert!(names("com.app.{id}.{id}").is_err());
        assert!(names("com.app.{1d}").is_err());
        assert!(names("com.app.{}").is_err());
        assert_eq!(pattern("com.app.user.{id}.get"), "com.app.user..get");
    }
}
