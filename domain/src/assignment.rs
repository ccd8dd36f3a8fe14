//! Who to assign a ticket to (seed 001): Steward suggests a steward and says why. In order:
//!
//! 1. who is on support duty now (the roster admins set);
//! 2. who worked on the community's tickets recently (within [`RECENT_DAYS`]), since they know
//!    the community's set-up;
//! 3. who has the fewest open tickets assigned (capacity);
//! 4. who worked on the community most recently, then by name, so the order is total.
//!
//! Workshop requests are scheduled rather than assigned, so they get no suggestion.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

/// A touch of the community's tickets within this many days counts as recent.
pub const RECENT_DAYS: i64 = 14;

/// What the suggestion knows about one steward.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub person_id: i64,
    pub name: String,
    pub on_duty: bool,
    /// Open tickets (not resolved or closed) assigned to them.
    pub open_tickets: i64,
    /// When they last changed or answered one of the community's tickets.
    pub last_touched_community: Option<DateTime<Utc>>,
}

impl Candidate {
    fn touched_recently(&self, now: DateTime<Utc>) -> bool {
        self.last_touched_community.is_some_and(|at| now - at <= chrono::Duration::days(RECENT_DAYS))
    }
}

/// Compares two candidates: `Less` when `a` is the better suggestion.
pub fn compare(a: &Candidate, b: &Candidate, now: DateTime<Utc>) -> Ordering {
    b.on_duty
        .cmp(&a.on_duty)
        .then(b.touched_recently(now).cmp(&a.touched_recently(now)))
        .then(a.open_tickets.cmp(&b.open_tickets))
        .then(b.last_touched_community.cmp(&a.last_touched_community))
        .then(a.name.cmp(&b.name))
        .then(a.person_id.cmp(&b.person_id))
}

/// Why `candidate` is suggested, in words, e.g. ["on support duty now", "worked on Aurora Hub's
/// tickets 2 days ago", "1 open ticket"].
pub fn reasons(candidate: &Candidate, community: &str, now: DateTime<Utc>) -> Vec<String> {
    let mut reasons = Vec::new();
    if candidate.on_duty {
        reasons.push("on support duty now".to_owned());
    }
    if let Some(at) = candidate.last_touched_community {
        let days = (now - at).num_days();
        let when = match days {
            0 => "today".to_owned(),
            1 => "yesterday".to_owned(),
            n => format!("{n} days ago"),
        };
        reasons.push(format!("worked on {community}'s tickets {when}"));
    }
    reasons.push(match candidate.open_tickets {
        0 => "no open tickets".to_owned(),
        1 => "1 open ticket".to_owned(),
        n => format!("{n} open tickets"),
    });
    reasons
}

/// The candidates, best suggestion first.
pub fn rank(mut candidates: Vec<Candidate>, now: DateTime<Utc>) -> Vec<Candidate> {
    candidates.sort_by(|a, b| compare(a, b, now));
    candidates
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    fn candidate(id: i64, name: &str) -> Candidate {
        Candidate { person_id: id, name: name.into(), on_duty: false, open_tickets: 0, last_touched_community: None }
    }

    fn names(candidates: Vec<Candidate>) -> Vec<String> {
        rank(candidates, now()).into_iter().map(|c| c.name).collect()
    }

    #[test]
    fn on_duty_comes_first_even_when_busier_and_new_to_the_community() {
        let on_duty = Candidate { on_duty: true, open_tickets: 9, ..candidate(1, "Zed") };
        let familiar = Candidate { last_touched_community: Some(now()), ..candidate(2, "Amy") };
        assert_eq!(names(vec![familiar, on_duty]), ["Zed", "Amy"]);
    }

    #[test]
    fn a_recent_touch_of_the_community_beats_a_lighter_load() {
        let recent = Candidate {
            open_tickets: 4,
            last_touched_community: Some(now() - chrono::Duration::days(3)),
            ..candidate(1, "Recent")
        };
        let idle = candidate(2, "Idle");
        let long_ago = Candidate {
            last_touched_community: Some(now() - chrono::Duration::days(RECENT_DAYS + 1)),
            open_tickets: 1,
            ..candidate(3, "Long ago")
        };
        assert_eq!(names(vec![idle.clone(), long_ago, recent]), ["Recent", "Idle", "Long ago"]);
    }

    #[test]
    fn then_the_lighter_load_then_the_latest_touch_then_the_name() {
        let busy = Candidate { open_tickets: 3, ..candidate(1, "Busy") };
        let light = Candidate { open_tickets: 1, ..candidate(2, "Light") };
        assert_eq!(names(vec![busy, light]), ["Light", "Busy"]);
        let earlier =
            Candidate { last_touched_community: Some(now() - chrono::Duration::days(20)), ..candidate(1, "B") };
        let later = Candidate { last_touched_community: Some(now() - chrono::Duration::days(19)), ..candidate(2, "C") };
        assert_eq!(names(vec![earlier, later]), ["C", "B"]);
        assert_eq!(names(vec![candidate(2, "Bo"), candidate(1, "Al")]), ["Al", "Bo"]);
        assert_eq!(compare(&candidate(1, "Al"), &candidate(1, "Al"), now()), Ordering::Equal);
    }

    #[test]
    fn the_reasons_say_why_in_words() {
        let sam = Candidate {
            on_duty: true,
            open_tickets: 1,
            last_touched_community: Some(now() - chrono::Duration::days(2)),
            ..candidate(1, "Sam")
        };
        assert_eq!(
            reasons(&sam, "Aurora Hub", now()),
            ["on support duty now", "worked on Aurora Hub's tickets 2 days ago", "1 open ticket"]
        );
        let new = candidate(2, "New");
        assert_eq!(reasons(&new, "Aurora Hub", now()), ["no open tickets"]);
        let today = Candidate { open_tickets: 5, last_touched_community: Some(now()), ..candidate(3, "T") };
        assert_eq!(reasons(&today, "Borealis", now()), ["worked on Borealis's tickets today", "5 open tickets"]);
    }
}
