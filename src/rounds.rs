//! Below the stages: what a long-running preview keeps from one rebuild to
//! the next, by key (`load::Texts`, `parse::Docs`). Each rebuild is a
//! `Round`: it reads what the last round kept and keeps what it used or
//! made, which replaces the lot when the round ends, so an entry nobody
//! used (a removed file's) goes.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};

/// Entries kept between rounds.
pub struct Rounds<K, V> {
    kept: Mutex<HashMap<K, V>>,
}

impl<K, V> Default for Rounds<K, V> {
    fn default() -> Self {
        Rounds { kept: Mutex::new(HashMap::new()) }
    }
}

impl<K: Eq + Hash, V> Rounds<K, V> {
    fn lock(&self) -> MutexGuard<'_, HashMap<K, V>> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a round with what the last one kept.
    pub fn begin(&self) -> Round<'_, K, V> {
        let last = std::mem::take(&mut *self.lock());
        // About as many entries as the last round's: no table grown step by step.
        let now = Mutex::new(HashMap::with_capacity(last.len()));
        Round { owner: self, last, now }
    }

    /// Forgets one entry.
    pub fn forget(&self, key: &K) {
        self.lock().remove(key);
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether an entry is kept under `key`.
    pub fn contains(&self, key: &K) -> bool {
        self.lock().contains_key(key)
    }
}

/// One round: the last round's entries to read, this one's to keep (from
/// any thread). Hands its entries to `Rounds` when dropped.
pub struct Round<'a, K: Eq + Hash, V> {
    owner: &'a Rounds<K, V>,
    last: HashMap<K, V>,
    now: Mutex<HashMap<K, V>>,
}

impl<K: Eq + Hash, V> Round<'_, K, V> {
    /// What the last round kept under `key`.
    pub fn last<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.last.get(key)
    }

    /// Keeps `value` for the next round.
    pub fn keep(&self, key: K, value: V) {
        self.now.lock().unwrap_or_else(|e| e.into_inner()).insert(key, value);
    }
}

impl<K: Eq + Hash, V> Drop for Round<'_, K, V> {
    fn drop(&mut self) {
        let now = std::mem::take(&mut *self.now.lock().unwrap_or_else(|e| e.into_inner()));
        *self.owner.lock() = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_sees_the_last_rounds_entries_and_keeps_only_its_own() {
        let rounds: Rounds<&str, u32> = Rounds::default();
        {
            let r = rounds.begin();
            assert_eq!(r.last(&"a"), None);
            r.keep("a", 1);
            r.keep("b", 2);
        }
        assert_eq!(rounds.len(), 2);
        {
            let r = rounds.begin();
            assert_eq!((r.last(&"a"), r.last(&"b")), (Some(&1), Some(&2)));
            // While a round runs, nothing else is kept.
            assert!(rounds.is_empty());
            r.keep("a", 3);
        }
        assert!(rounds.contains(&"a") && !rounds.contains(&"b"));
        rounds.forget(&"a");
        assert!(rounds.is_empty());
    }
}
