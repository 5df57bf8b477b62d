//! Access tokens recently found current, so that a request does not read its user's
//! token state (active flag and token version) from the database each time.
//!
//! An entry answers for [`FRESH`]. A change made through this server (a password
//! change, a user's role, active flag or password set by an admin) forgets the user's
//! entry at once, so a revoked token is refused on its very next request here. A change
//! made elsewhere (another instance, the command line) is seen within [`FRESH`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a token state read from the database answers for the same token version.
pub const FRESH: Duration = Duration::from_secs(2);

/// Token versions found current, by user id.
#[derive(Debug, Default)]
pub struct TokenStates {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// user id → (current token version, when it was read)
    current: HashMap<i64, (i32, Instant)>,
    /// Bumped by every `forget`: a read that began before it is not remembered.
    generation: u64,
}

impl TokenStates {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding this lock leaves nothing half-written: the map stays usable.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether `version` was found current for `user` within [`FRESH`] before `now`.
    pub fn is_current(&self, user: i64, version: i32, now: Instant) -> bool {
        self.lock().current.get(&user).is_some_and(|(v, at)| *v == version && now.duration_since(*at) < FRESH)
    }

    /// The generation to pass to [`TokenStates::remember`] for a read starting now.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Remembers that `version` is `user`'s current one, as read at `at`, unless a
    /// change was forgotten since `generation` was taken (the read may predate it).
    pub fn remember(&self, user: i64, version: i32, at: Instant, generation: u64) {
        let mut inner = self.lock();
        if inner.generation == generation {
            inner.current.insert(user, (version, at));
        }
    }

    /// Forgets `user`'s entry: their password, role or active flag just changed.
    pub fn forget(&self, user: i64) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.current.remove(&user);
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{FRESH, TokenStates};

    #[test]
    fn a_remembered_version_answers_until_it_is_stale_or_forgotten() {
        let states = TokenStates::default();
        let t0 = Instant::now();
        assert!(!states.is_current(7, 1, t0), "nothing is current before a read");
        states.remember(7, 1, t0, states.generation());
        assert!(states.is_current(7, 1, t0 + Duration::from_millis(100)));
        assert!(!states.is_current(7, 2, t0), "another version is not current");
        assert!(!states.is_current(8, 1, t0), "another user is not current");
        assert!(!states.is_current(7, 1, t0 + FRESH), "stale after FRESH");
        states.forget(7);
        assert!(!states.is_current(7, 1, t0), "forgotten at once");
    }

    #[test]
    fn a_read_that_began_before_a_change_is_not_remembered() {
        let states = TokenStates::default();
        let t0 = Instant::now();
        let before = states.generation();
        states.forget(7);
        states.remember(7, 1, t0, before);
        assert!(!states.is_current(7, 1, t0));
        states.remember(7, 2, t0, states.generation());
        assert!(states.is_current(7, 2, t0));
    }
}
