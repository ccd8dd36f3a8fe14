//! Signed-in sessions as the API's layer last read them from the database, so that a call
//! does not read its session there each time.
//!
//! The rule: an entry goes when its person's access changes (the access-change log, which every
//! process's tailer reads: a membership, a staff role, a sign-out, wherever it happened), when
//! its session expires, and in any case [`MAX_AGE`] after it was read. A read that was under
//! way while some access changed is used for its call but not kept, so a change can never be
//! undone by a read that started before it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::db::models::sessions::SignedIn;

/// The longest an entry is used without reading the session again: the bound on how late a
/// change is seen if the access-change log could not be read.
pub const MAX_AGE: Duration = Duration::from_secs(60);
/// Entries kept at most; past that the cache starts afresh.
const CAPACITY: usize = 100_000;

struct Entry {
    signed_in: SignedIn,
    read_at: Instant,
}

/// The sessions of one process.
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<Vec<u8>, Entry>>,
    /// Counts access changes: a read that started at another count is not kept.
    changes: AtomicU64,
}

impl SessionCache {
    /// The session with `token_hash` as last read, if it is still good at `now`.
    pub fn get(&self, token_hash: &[u8], now: DateTime<Utc>) -> Option<SignedIn> {
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = entries.get(token_hash)?;
        (entry.signed_in.expires_at > now && entry.read_at.elapsed() < MAX_AGE).then(|| entry.signed_in.clone())
    }

    /// Where the access changes stand: take it before reading a session, to [`keep`](Self::keep) it.
    pub fn changes_seen(&self) -> u64 {
        self.changes.load(Ordering::Acquire)
    }

    /// Keeps `signed_in`, read after [`changes_seen`](Self::changes_seen) said `seen`, unless
    /// some access changed meanwhile.
    pub fn keep(&self, token_hash: Vec<u8>, signed_in: SignedIn, seen: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Checked under the lock: `forget_person` bumps the count before it takes the lock.
        if self.changes.load(Ordering::Acquire) != seen {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(token_hash, Entry { signed_in, read_at: Instant::now() });
    }

    /// The access of `person_id` changed (or a session of theirs ended): forgets their sessions.
    pub fn forget_person(&self, person_id: i64) {
        self.changes.fetch_add(1, Ordering::AcqRel);
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.retain(|_, entry| entry.signed_in.principal.person_id != person_id);
    }

    /// Forgets every session (the access-change log could not be followed).
    pub fn forget_all(&self) {
        self.changes.fetch_add(1, Ordering::AcqRel);
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}

#[cfg(test)]
mod tests {
    use steward_domain::facts::Principal;

    use super::*;

    fn signed_in(person_id: i64, expires_at: DateTime<Utc>) -> SignedIn {
        let principal = Principal {
            person_id,
            display_name: format!("Person {person_id}"),
            email: format!("p{person_id}@example.org"),
            staff_role: None,
            representative_of: vec![1],
            member_of: Vec::new(),
        };
        SignedIn { principal, expires_at }
    }

    #[test]
    fn a_kept_session_is_used_until_it_expires() {
        let cache = SessionCache::default();
        let now = Utc::now();
        let seen = cache.changes_seen();
        cache.keep(b"rita".to_vec(), signed_in(7, now + chrono::Duration::hours(1)), seen);
        assert_eq!(cache.get(b"rita", now).map(|s| s.principal.person_id), Some(7));
        assert!(cache.get(b"rita", now + chrono::Duration::hours(2)).is_none(), "expired");
        assert!(cache.get(b"someone else", now).is_none());
    }

    #[test]
    fn an_access_change_forgets_that_persons_sessions_only() {
        let cache = SessionCache::default();
        let later = Utc::now() + chrono::Duration::hours(1);
        let seen = cache.changes_seen();
        cache.keep(b"rita-laptop".to_vec(), signed_in(7, later), seen);
        cache.keep(b"rita-phone".to_vec(), signed_in(7, later), seen);
        cache.keep(b"sam".to_vec(), signed_in(8, later), seen);
        cache.forget_person(7);
        assert!(cache.get(b"rita-laptop", Utc::now()).is_none() && cache.get(b"rita-phone", Utc::now()).is_none());
        assert!(cache.get(b"sam", Utc::now()).is_some());
        cache.forget_all();
        assert!(cache.get(b"sam", Utc::now()).is_none());
    }

    #[test]
    fn a_read_that_raced_an_access_change_is_not_kept() {
        let cache = SessionCache::default();
        let later = Utc::now() + chrono::Duration::hours(1);
        // The read starts; Rita is removed from a community; the read (with her old roles) ends.
        let seen = cache.changes_seen();
        cache.forget_person(7);
        cache.keep(b"rita".to_vec(), signed_in(7, later), seen);
        assert!(cache.get(b"rita", Utc::now()).is_none(), "the next call reads her new roles");
        // A read that starts after the change is kept.
        let seen = cache.changes_seen();
        cache.keep(b"rita".to_vec(), signed_in(7, later), seen);
        assert!(cache.get(b"rita", Utc::now()).is_some());
    }
}
