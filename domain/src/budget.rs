//! Support budgets (seeds 001, 002): each community may have a number of hours per calendar
//! month or quarter (UTC). Time logged on its non-incident tickets in the period draws on it;
//! time on incidents never does. This module says which period a day falls in and how the
//! time adds up; [`super::priority`] uses the result.

use chrono::{Datelike, Months, NaiveDate};

use super::BudgetPeriod;
use super::priority::BudgetUse;

/// The period of `period` that contains `day`: its first day and the first day after it.
pub fn period_containing(day: NaiveDate, period: BudgetPeriod) -> (NaiveDate, NaiveDate) {
    let first_month = match period {
        BudgetPeriod::Month => day.month(),
        BudgetPeriod::Quarter => (day.month() - 1) / 3 * 3 + 1,
    };
    let start = NaiveDate::from_ymd_opt(day.year(), first_month, 1).expect("the first of a month exists");
    let length = match period {
        BudgetPeriod::Month => Months::new(1),
        BudgetPeriod::Quarter => Months::new(3),
    };
    (start, start + length)
}

/// How much of `hours` (per period) `used_minutes` of non-incident time is.
pub fn budget_use(hours: Option<i32>, used_minutes: i64) -> BudgetUse {
    match hours {
        None => BudgetUse::NoBudget,
        Some(hours) => BudgetUse::Used { used_minutes, budget_minutes: i64::from(hours) * 60 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn months_run_from_the_first_to_the_first_of_the_next() {
        assert_eq!(period_containing(day(2026, 11, 23), BudgetPeriod::Month), (day(2026, 11, 1), day(2026, 12, 1)));
        assert_eq!(period_containing(day(2026, 12, 31), BudgetPeriod::Month), (day(2026, 12, 1), day(2027, 1, 1)));
        assert_eq!(period_containing(day(2028, 2, 29), BudgetPeriod::Month), (day(2028, 2, 1), day(2028, 3, 1)));
    }

    #[test]
    fn quarters_start_in_january_april_july_and_october() {
        let quarter = |m, d| period_containing(day(2026, m, d), BudgetPeriod::Quarter);
        assert_eq!(quarter(1, 1), (day(2026, 1, 1), day(2026, 4, 1)));
        assert_eq!(quarter(3, 31), (day(2026, 1, 1), day(2026, 4, 1)));
        assert_eq!(quarter(4, 1), (day(2026, 4, 1), day(2026, 7, 1)));
        assert_eq!(quarter(9, 30), (day(2026, 7, 1), day(2026, 10, 1)));
        assert_eq!(quarter(11, 23), (day(2026, 10, 1), day(2027, 1, 1)));
    }

    #[test]
    fn hours_become_minutes_and_no_budget_stays_none() {
        assert_eq!(budget_use(None, 90), BudgetUse::NoBudget);
        assert_eq!(budget_use(Some(10), 90), BudgetUse::Used { used_minutes: 90, budget_minutes: 600 });
    }
}
