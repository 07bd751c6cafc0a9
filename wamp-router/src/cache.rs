//! A bounded cache of answers with an age limit: what the dynamic authenticator and authorizer
//! keep, so that a burst of joins or calls does not become a burst of procedure calls.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// At most `capacity` entries, each for at most `ttl`. When full, the expired entries go,
/// then the oldest one. Never grows past its capacity.
#[derive(Debug)]
pub struct Cache<K, V> {
    entries: Mutex<HashMap<K, (V, Instant)>>,
    capacity: usize,
    ttl: Duration,
}

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    /// A cache of at most `capacity` entries (at least one), each kept for at most `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
            ttl,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (V, Instant)>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The answer kept for `key`, if it is young enough.
    pub fn get(&self, key: &K) -> Option<V> {
        let mut entries = self.lock();
        match entries.get(key) {
            Some((value, at)) if at.elapsed() < self.ttl => Some(value.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    /// Keeps `value` for `key`.
    pub fn insert(&self, key: K, value: V) {
        let mut entries = self.lock();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            let ttl = self.ttl;
            entries.retain(|_, (_, at)| at.elapsed() < ttl);
            if entries.len() >= self.capacity {
                let oldest = entries
                    .iter()
                    .min_by_key(|(_, (_, at))| *at)
                    .map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    entries.remove(&oldest);
                }
            }
        }
        entries.insert(key, (value, Instant::now()));
    }

    /// Forgets every answer (after the configuration changed).
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no answer is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_aged() {
        let cache = Cache::new(3, Duration::from_secs(60));
        for n in 0..10 {
            cache.insert(n, n * 2);
        }
        assert_eq!(cache.len(), 3, "never past its capacity");
        assert_eq!(cache.get(&9), Some(18), "the newest stay");
        assert_eq!(cache.get(&0), None, "the oldest went");
        let aged = Cache::new(3, Duration::ZERO);
        aged.insert(1, 1);
        assert_eq!(aged.get(&1), None, "too old");
        assert!(aged.is_empty());
    }
}
