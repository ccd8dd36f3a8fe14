//! The time now, as one signal every countdown reads: it ticks every fifteen seconds, so every
//! badge on a page moves together without a timer of its own.

use leptos::prelude::*;

use crate::api::time::now_seconds;

/// Seconds since the epoch, updated every [`TICK_MS`].
#[derive(Clone, Copy)]
pub struct Now(pub RwSignal<i64>);

const TICK_MS: u32 = 15_000;

/// Provides [`Now`] to everything below, ticking until the app goes away.
pub fn provide() {
    let now = RwSignal::new(now_seconds());
    provide_context(Now(now));
    let ticker = gloo_timers::callback::Interval::new(TICK_MS, move || {
        now.try_set(now_seconds());
    });
    ticker.forget();
}

/// The time now (seconds), tracked.
pub fn seconds() -> i64 {
    use_context::<Now>().map_or_else(now_seconds, |now| now.0.get())
}
