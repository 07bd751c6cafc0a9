//! The spec's strict URI rules, checked at compile time: components of lower-case ASCII letters,
//! digits and `_`, separated by `.`; empty components only in wildcard patterns.

use crate::vocab::MatchPolicy as Policy;

/// Why `uri` is not a strict URI under `policy`, if it is not.
pub(crate) fn problem(uri: &str, policy: Policy) -> Option<String> {
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
        if let Some(bad) = component
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
        {
            return Some(format!(
                "`{uri}` is not a strict WAMP URI: {bad:?} is not allowed (components take lower-case letters, digits and `_`)"
            ));
        }
    }
    if policy == Policy::Wildcard && uri.split('.').all(str::is_empty) {
        return Some(format!(
            "`{uri}` matches nothing: a wildcard pattern needs one non-empty component"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_rules() {
        assert_eq!(problem("com.app.add", Policy::Exact), None);
        assert_eq!(problem("com.app..add", Policy::Wildcard), None);
        assert!(problem("com.app..add", Policy::Exact).is_some());
        assert!(problem("com.App.add", Policy::Exact).is_some());
        assert!(problem("com.app-x", Policy::Exact).is_some());
        assert!(problem("", Policy::Exact).is_some());
        assert!(problem("..", Policy::Wildcard).is_some());
    }
}
