//! The one clock. Every use case reads the time once, from the application state's clock, and
//! passes that instant to the domain and to SQL; nothing else asks the system or the database
//! what time it is for something it stores or decides. Tests run on a [`ManualClock`] they
//! can set and advance ("48 working hours pass").

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

/// Where the time comes from.
pub trait Clock: Send + Sync + 'static {
    /// The time now.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock, for serving.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system's clock, as a shared handle for the application state.
pub fn system() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

/// A clock tests control. It starts out following the system clock; [`ManualClock::advance`]
/// moves it forward (it keeps running from there), and [`ManualClock::set`] stops it at an
/// instant until it is set or advanced again.
#[derive(Debug, Default)]
pub struct ManualClock {
    state: Mutex<Manual>,
}

#[derive(Clone, Copy, Debug)]
enum Manual {
    /// The system's time plus this much.
    Following(Duration),
    /// Stopped at this instant.
    Stopped(DateTime<Utc>),
}

impl Default for Manual {
    fn default() -> Self {
        Manual::Following(Duration::zero())
    }
}

impl ManualClock {
    /// A clock that follows the system clock until it is moved.
    pub fn new() -> Arc<ManualClock> {
        Arc::new(ManualClock::default())
    }

    /// Moves the clock forward by `by` (backward for a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        *state = match *state {
            Manual::Following(offset) => Manual::Following(offset + by),
            Manual::Stopped(at) => Manual::Stopped(at + by),
        };
    }

    /// Stops the clock at `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = Manual::Stopped(at);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        match *self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            Manual::Following(offset) => Utc::now() + offset,
            Manual::Stopped(at) => at,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_manual_clock_stops_where_it_is_set_and_moves_only_when_advanced() {
        let clock = ManualClock::new();
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        clock.set(at);
        assert_eq!(clock.now(), at);
        assert_eq!(clock.now(), at, "a stopped clock does not run");
        clock.advance(Duration::hours(48));
        assert_eq!(clock.now(), at + Duration::hours(48));
    }

    #[test]
    fn a_following_clock_keeps_its_offset_from_the_system_clock() {
        let clock = ManualClock::new();
        clock.advance(Duration::days(3));
        let ahead = clock.now() - Utc::now();
        assert!(ahead > Duration::days(3) - Duration::seconds(5) && ahead <= Duration::days(3), "{ahead}");
    }
}
