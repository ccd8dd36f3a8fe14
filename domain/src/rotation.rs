//! The support rotation (seed 002): who is on support duty on any day.
//!
//! The rule (PRODUCT.md): sort the people in the rotation alphabetically; from the rotation's
//! start date, with `k = floor(days since start / 14)` and `N` people, on duty are
//! `person[k mod N]` (the one who joined most recently) and `person[(k - 1) mod N]`, so each
//! serves four weeks and every two weeks the senior one rotates off. Overrides, for a range
//! of days, take someone off duty (an absence), put someone on (cover), or both (a swap);
//! they win over the computed schedule, later overrides over earlier ones. Before the start
//! date nobody is on duty by rotation.

use chrono::NaiveDate;

/// Days between two changes of the team.
pub const PERIOD_DAYS: i64 = 14;

/// Someone in the rotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub person_id: i64,
    /// The name the alphabetical order sorts by.
    pub name: String,
}

/// An exception to the computed schedule, for `[starts_on, ends_on)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Off duty those days.
    pub off: Option<i64>,
    /// On duty those days.
    pub on: Option<i64>,
}

impl Override {
    fn covers(&self, date: NaiveDate) -> bool {
        self.starts_on <= date && date < self.ends_on
    }
}

/// The rotation as admins keep it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    pub members: Vec<Member>,
    pub starts_on: NaiveDate,
    /// How many are on duty at once (seed 002: two).
    pub on_duty: usize,
}

impl Rotation {
    /// The people on duty on `date` by the rule alone, the most senior first.
    pub fn computed(&self, date: NaiveDate) -> Vec<i64> {
        if date < self.starts_on || self.members.is_empty() {
            return vec![];
        }
        let mut members: Vec<&Member> = self.members.iter().collect();
        members.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.person_id.cmp(&b.person_id)));
        let n = members.len() as i64;
        let k = (date - self.starts_on).num_days().div_euclid(PERIOD_DAYS);
        let mut on: Vec<i64> = Vec::new();
        for back in (0..self.on_duty.min(members.len()) as i64).rev() {
            let person = members[(k - back).rem_euclid(n) as usize].person_id;
            if !on.contains(&person) {
                on.push(person);
            }
        }
        on
    }

    /// The people on duty on `date`, overrides applied.
    pub fn on_duty(&self, overrides: &[Override], date: NaiveDate) -> Vec<i64> {
        let mut on = self.computed(date);
        for o in overrides.iter().filter(|o| o.covers(date)) {
            if let Some(off) = o.off {
                on.retain(|person| *person != off);
            }
            if let Some(person) = o.on.filter(|person| !on.contains(person)) {
                on.push(person);
            }
        }
        on
    }

    /// The schedule from `from` for `days` days, as runs of days with the same people on duty:
    /// `(first day, day after the last, people)`.
    pub fn schedule(
        &self,
        overrides: &[Override],
        from: NaiveDate,
        days: i64,
    ) -> Vec<(NaiveDate, NaiveDate, Vec<i64>)> {
        let mut runs: Vec<(NaiveDate, NaiveDate, Vec<i64>)> = Vec::new();
        for offset in 0..days.max(0) {
            let date = from + chrono::Duration::days(offset);
            let mut on = self.on_duty(overrides, date);
            on.sort_unstable();
            match runs.last_mut() {
                Some(run) if run.2 == on => run.1 = date + chrono::Duration::days(1),
                _ => runs.push((date, date + chrono::Duration::days(1), on)),
            }
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    fn rotation(names: &[&str]) -> Rotation {
        Rotation {
            // Ids in another order than the names, so sorting by name matters.
            members: names
                .iter()
                .enumerate()
                .map(|(i, name)| Member { person_id: 100 - i as i64, name: (*name).into() })
                .collect(),
            starts_on: day(2026, 1, 5),
            on_duty: 2,
        }
    }

    fn id(rotation: &Rotation, name: &str) -> i64 {
        rotation.members.iter().find(|m| m.name == name).expect("a member").person_id
    }

    #[test]
    fn five_people_over_twelve_weeks_follow_the_rule() {
        let team = rotation(&["Eve", "carol", "Alice", "Dan", "Bob"]);
        let [alice, bob, carol, dan, eve] = ["Alice", "Bob", "carol", "Dan", "Eve"].map(|n| id(&team, n));
        // Every two weeks the senior one leaves and the next in alphabetical order joins.
        let expected = [
            vec![eve, alice], // k = 0: person[0] and person[-1 mod 5]
            vec![alice, bob], // k = 1
            vec![bob, carol], // k = 2
            vec![carol, dan], // k = 3
            vec![dan, eve],   // k = 4
            vec![eve, alice], // k = 5: around again
        ];
        for (period, on) in expected.iter().enumerate() {
            for offset in [0, 6, 13] {
                let date = team.starts_on + chrono::Duration::days(period as i64 * PERIOD_DAYS + offset);
                assert_eq!(&team.computed(date), on, "period {period}, day {offset}");
            }
        }
        // Each person serves four weeks in a row.
        let days_on_duty =
            (0..12 * 7).filter(|d| team.computed(team.starts_on + chrono::Duration::days(*d)).contains(&bob)).count();
        assert_eq!(days_on_duty, 28);
    }

    #[test]
    fn before_the_start_nobody_and_with_fewer_people_everyone() {
        let team = rotation(&["Alice", "Bob", "Carol"]);
        assert!(team.computed(day(2026, 1, 4)).is_empty());
        let alone = rotation(&["Alice"]);
        assert_eq!(alone.computed(day(2026, 3, 1)), vec![id(&alone, "Alice")]);
        assert!(rotation(&[]).computed(day(2026, 3, 1)).is_empty());
    }

    #[test]
    fn overrides_win_over_the_computed_schedule() {
        let team = rotation(&["Alice", "Bob", "Carol", "Dan"]);
        let [alice, bob, carol, dan] = ["Alice", "Bob", "Carol", "Dan"].map(|n| id(&team, n));
        let first_day = team.starts_on;
        assert_eq!(team.computed(first_day), vec![dan, alice]);
        let overrides = vec![
            // Dan is away the first week; Carol covers (a swap).
            Override {
                starts_on: first_day,
                ends_on: first_day + chrono::Duration::days(7),
                off: Some(dan),
                on: Some(carol),
            },
            // Alice is away on the third day with nobody covering (an absence).
            Override {
                starts_on: first_day + chrono::Duration::days(2),
                ends_on: first_day + chrono::Duration::days(3),
                off: Some(alice),
                on: None,
            },
            // Bob covers on the tenth day.
            Override {
                starts_on: first_day + chrono::Duration::days(9),
                ends_on: first_day + chrono::Duration::days(10),
                off: None,
                on: Some(bob),
            },
        ];
        assert_eq!(team.on_duty(&overrides, first_day), vec![alice, carol]);
        assert_eq!(team.on_duty(&overrides, first_day + chrono::Duration::days(2)), vec![carol]);
        assert_eq!(team.on_duty(&overrides, first_day + chrono::Duration::days(7)), vec![dan, alice]);
        assert_eq!(team.on_duty(&overrides, first_day + chrono::Duration::days(9)), vec![dan, alice, bob]);
        let runs = team.schedule(&overrides, first_day, 14);
        let lengths: Vec<i64> = runs.iter().map(|(from, to, _)| (*to - *from).num_days()).collect();
        assert_eq!(lengths, [2, 1, 4, 2, 1, 4]);
    }
}
