//! The URI table shared by the dealer and the broker: exact, prefix and wildcard entries, with the
//! spec's precedence for the one best match (registrations) and every match (subscriptions).

use std::collections::HashMap;

use wamp_core::{Id, MatchPolicy};

/// Maps `(match policy, URI or pattern)` to the ID of a registration or subscription.
#[derive(Debug, Default)]
pub(crate) struct UriTable {
    exact: HashMap<String, Id>,
    prefix: HashMap<String, Id>,
    wildcard: Vec<Wildcard>,
}

#[derive(Debug)]
struct Wildcard {
    pattern: String,
    /// `None` for an empty (wildcard) component.
    components: Vec<Option<String>>,
    /// Lengths of the runs of concrete components between wildcards: the spec's precedence key.
    portions: Vec<usize>,
    id: Id,
}

impl Wildcard {
    fn new(pattern: &str, id: Id) -> Self {
        let components: Vec<Option<String>> = pattern
            .split('.')
            .map(|c| (!c.is_empty()).then(|| c.to_owned()))
            .collect();
        let mut portions = vec![0];
        for c in &components {
            match (c, portions.last_mut()) {
                (Some(_), Some(run)) => *run += 1,
                _ => portions.push(0),
            }
        }
        Self {
            pattern: pattern.to_owned(),
            components,
            portions,
            id,
        }
    }

    fn matches(&self, uri: &str) -> bool {
        let mut parts = uri.split('.');
        self.components.iter().all(|c| match (parts.next(), c) {
            (None, _) => false,
            (Some(part), Some(c)) => part == c,
            (Some(part), None) => !part.is_empty(),
        }) && parts.next().is_none()
    }
}

impl UriTable {
    /// The ID stored for exactly this pattern under this policy.
    pub(crate) fn get(&self, policy: MatchPolicy, uri: &str) -> Option<Id> {
        match policy {
            MatchPolicy::Exact => self.exact.get(uri).copied(),
            MatchPolicy::Prefix => self.prefix.get(uri).copied(),
            MatchPolicy::Wildcard => self
                .wildcard
                .iter()
                .find(|w| w.pattern == uri)
                .map(|w| w.id),
        }
    }

    /// Stores `id` for the pattern (replacing any previous one).
    pub(crate) fn insert(&mut self, policy: MatchPolicy, uri: &str, id: Id) {
        match policy {
            MatchPolicy::Exact => {
                self.exact.insert(uri.to_owned(), id);
            }
            MatchPolicy::Prefix => {
                self.prefix.insert(uri.to_owned(), id);
            }
            MatchPolicy::Wildcard => {
                self.wildcard.retain(|w| w.pattern != uri);
                self.wildcard.push(Wildcard::new(uri, id));
            }
        }
    }

    /// Removes the pattern.
    pub(crate) fn remove(&mut self, policy: MatchPolicy, uri: &str) {
        match policy {
            MatchPolicy::Exact => {
                self.exact.remove(uri);
            }
            MatchPolicy::Prefix => {
                self.prefix.remove(uri);
            }
            MatchPolicy::Wildcard => self.wildcard.retain(|w| w.pattern != uri),
        }
    }

    /// Every string prefix of `uri` (longest first) that is a prefix entry.
    fn prefix_matches<'a>(&'a self, uri: &'a str) -> impl Iterator<Item = Id> + 'a {
        (0..=uri.len())
            .rev()
            .filter(|&end| uri.is_char_boundary(end))
            .filter_map(move |end| uri.get(..end).and_then(|p| self.prefix.get(p)).copied())
    }

    /// The one entry a call to `uri` is routed to: exact, else the longest prefix, else the
    /// wildcard with the longest concrete portions (compared left to right).
    pub(crate) fn best_match(&self, uri: &str) -> Option<Id> {
        if let Some(id) = self.exact.get(uri) {
            return Some(*id);
        }
        if let Some(id) = self.prefix_matches(uri).next() {
            return Some(id);
        }
        self.wildcard
            .iter()
            .filter(|w| w.matches(uri))
            .max_by(|a, b| a.portions.cmp(&b.portions))
            .map(|w| w.id)
    }

    /// Every entry that matches `uri`: the exact one, every prefix and every wildcard.
    pub(crate) fn all_matches(&self, uri: &str) -> Vec<Id> {
        let mut ids: Vec<Id> = self.exact.get(uri).copied().into_iter().collect();
        ids.extend(self.prefix_matches(uri));
        ids.extend(
            self.wildcard
                .iter()
                .filter(|w| w.matches(uri))
                .map(|w| w.id),
        );
        ids
    }

    /// The IDs per policy: `(exact, prefix, wildcard)`.
    pub(crate) fn list(&self) -> (Vec<Id>, Vec<Id>, Vec<Id>) {
        (
            self.exact.values().copied().collect(),
            self.prefix.values().copied().collect(),
            self.wildcard.iter().map(|w| w.id).collect(),
        )
    }
}

/// Whether `uri` matches `pattern` under `policy` (used for retained events and permissions).
pub(crate) fn matches(policy: MatchPolicy, pattern: &str, uri: &str) -> bool {
    match policy {
        MatchPolicy::Exact => pattern == uri,
        MatchPolicy::Prefix => uri.starts_with(pattern),
        MatchPolicy::Wildcard => Wildcard::new(pattern, 0).matches(uri),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of the spec (`rpc_pattern_based_registration.md`).
    #[test]
    fn spec_precedence_example() {
        let mut t = UriTable::default();
        t.insert(MatchPolicy::Exact, "a1.b2.c3.d4.e55", 1);
        t.insert(MatchPolicy::Prefix, "a1.b2.c3", 2);
        t.insert(MatchPolicy::Prefix, "a1.b2.c3.d4", 3);
        t.insert(MatchPolicy::Wildcard, "a1.b2..d4.e5", 4);
        t.insert(MatchPolicy::Wildcard, "a1.b2.c33..e5", 5);
        t.insert(MatchPolicy::Wildcard, "a1.b2..d4.e5..g7", 6);
        t.insert(MatchPolicy::Wildcard, "a1.b2..d4..f6.g7", 7);
        assert_eq!(t.best_match("a1.b2.c3.d4.e55"), Some(1));
        assert_eq!(t.best_match("a1.b2.c3.d98.e74"), Some(2));
        assert_eq!(t.best_match("a1.b2.c3.d4.e325"), Some(3));
        assert_eq!(t.best_match("a1.b2.c55.d4.e5"), Some(4));
        // The spec contradicts itself here: its prefix section defines a prefix match on the
        // string (`com.myapp.myobject1` matches `com.myapp.myobject1-mysubobject1`), under which
        // the prefix registration `a1.b2.c3` matches `a1.b2.c33.d4.e5`; its precedence example
        // says "no prefix match" and picks wildcard 5. We follow the string definition, as
        // Crossbar does; without the prefix registration, wildcard 5 wins as the example says.
        assert_eq!(t.best_match("a1.b2.c33.d4.e5"), Some(2));
        t.remove(MatchPolicy::Prefix, "a1.b2.c3");
        assert_eq!(t.best_match("a1.b2.c33.d4.e5"), Some(5));
        t.insert(MatchPolicy::Prefix, "a1.b2.c3", 2);
        assert_eq!(t.best_match("a1.b2.c88.d4.e5.f6.g7"), Some(6));
        assert_eq!(t.best_match("a2.b2.c2.d2.e2"), None);
    }

    #[test]
    fn prefix_is_a_string_prefix_and_wildcards_match_whole_components() {
        let mut t = UriTable::default();
        t.insert(MatchPolicy::Prefix, "com.myapp.myobject1", 1);
        for uri in [
            "com.myapp.myobject1.myprocedure1",
            "com.myapp.myobject1-mysubobject1",
            "com.myapp.myobject1",
        ] {
            assert_eq!(t.best_match(uri), Some(1), "{uri}");
        }
        assert_eq!(t.best_match("com.myapp.myobject2"), None);
        t.insert(MatchPolicy::Wildcard, "com.myapp..myprocedure1", 2);
        assert_eq!(t.best_match("com.myapp.myobject2.myprocedure1"), Some(2));
        for uri in [
            "com.myapp.myobject2.myprocedure1.sub",
            "com.myapp.myobject2.myprocedure2",
            "com.myapp2.myobject1.myprocedure1",
        ] {
            assert_eq!(t.best_match(uri), None, "{uri}");
        }
        let mut all = t.all_matches("com.myapp.myobject1.myprocedure1");
        all.sort_unstable();
        assert_eq!(all, vec![1, 2]);
        t.remove(MatchPolicy::Prefix, "com.myapp.myobject1");
        assert_eq!(t.all_matches("com.myapp.myobject1.myprocedure1"), vec![2]);
    }
}
