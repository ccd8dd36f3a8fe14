//! The priority order of the triage queue (seeds 001, 002): the one place that decides which
//! request is worked first, and says which rule placed it there.
//!
//! Incidents always come first. Every other request is placed by the first rule of the seed's
//! list that applies to it:
//!
//! 1. it comes with dedicated funding;
//! 2. it affects many communities;
//! 3. it is aligned with our goals;
//! 4. it is aligned with an upstream project's goals;
//! 5. its community has used little of its support budget this period (less than half);
//! 6. it has a high impact on one community;
//! 7. other work (none of the above, and the community has budget left or none is set);
//! 8. its community has no support budget left this period.
//!
//! Rules 1-4 and 6 are flags a steward sets on the ticket; 5, 7 and 8 follow from the
//! community's budget. Within one rule, the higher priority (Production down, Urgent, Normal)
//! comes first, then the older request, then the lower number: the order is total and the same
//! for everyone.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

use super::{Priority, PriorityFlag, RequestType};

/// A community has used "little" of its budget while it has used less than this share of it.
pub const LITTLE_USED_SHARE: f64 = 0.5;

/// How much of its support budget a community has used this period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetUse {
    /// The community has no budget set: the budget rules do not apply.
    NoBudget,
    /// Minutes used out of minutes available this period.
    Used { used_minutes: i64, budget_minutes: i64 },
}

impl BudgetUse {
    fn has_used_little(self) -> bool {
        match self {
            BudgetUse::NoBudget => false,
            BudgetUse::Used { used_minutes, budget_minutes } => {
                budget_minutes > 0 && (used_minutes as f64) < LITTLE_USED_SHARE * budget_minutes as f64
            }
        }
    }

    fn is_exhausted(self) -> bool {
        match self {
            BudgetUse::NoBudget => false,
            BudgetUse::Used { used_minutes, budget_minutes } => used_minutes >= budget_minutes,
        }
    }
}

/// The rule that places a request, in queue order: earlier variants come first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlacingRule {
    Incident,
    DedicatedFunding,
    ManyCommunities,
    AlignedGoals,
    AlignedUpstream,
    LittleBudgetUsed,
    HighImpact,
    OtherWork,
    NoBudgetLeft,
}

impl PlacingRule {
    /// Every rule, in queue order.
    pub const ALL: &'static [PlacingRule] = &[
        PlacingRule::Incident,
        PlacingRule::DedicatedFunding,
        PlacingRule::ManyCommunities,
        PlacingRule::AlignedGoals,
        PlacingRule::AlignedUpstream,
        PlacingRule::LittleBudgetUsed,
        PlacingRule::HighImpact,
        PlacingRule::OtherWork,
        PlacingRule::NoBudgetLeft,
    ];

    /// Why a request is where it is, in the words shown on the queue.
    pub fn explanation(self) -> &'static str {
        match self {
            PlacingRule::Incident => "Incident: always first",
            PlacingRule::DedicatedFunding => "1. Comes with dedicated funding",
            PlacingRule::ManyCommunities => "2. Affects many communities",
            PlacingRule::AlignedGoals => "3. Aligned with our goals",
            PlacingRule::AlignedUpstream => "4. Aligned with upstream's goals",
            PlacingRule::LittleBudgetUsed => "5. Community has used little of its support budget",
            PlacingRule::HighImpact => "6. High impact on one community",
            PlacingRule::OtherWork => "7. Other work",
            PlacingRule::NoBudgetLeft => "8. Community has no support budget left",
        }
    }

    fn of_flag(flag: PriorityFlag) -> PlacingRule {
        match flag {
            PriorityFlag::DedicatedFunding => PlacingRule::DedicatedFunding,
            PriorityFlag::ManyCommunities => PlacingRule::ManyCommunities,
            PriorityFlag::AlignedGoals => PlacingRule::AlignedGoals,
            PriorityFlag::AlignedUpstream => PlacingRule::AlignedUpstream,
            PriorityFlag::HighImpact => PlacingRule::HighImpact,
        }
    }
}

/// What the order needs to know about one request.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueEntry {
    pub number: i64,
    pub request_type: RequestType,
    pub priority: Priority,
    pub flags: Vec<PriorityFlag>,
    pub budget: BudgetUse,
    pub created_at: DateTime<Utc>,
}

/// The first rule of the seed's list that applies to `entry`.
pub fn placing_rule(entry: &QueueEntry) -> PlacingRule {
    if entry.request_type == RequestType::Incident {
        return PlacingRule::Incident;
    }
    let by_flag = |flag| entry.flags.contains(&flag).then(|| PlacingRule::of_flag(flag));
    let before_budget = [
        PriorityFlag::DedicatedFunding,
        PriorityFlag::ManyCommunities,
        PriorityFlag::AlignedGoals,
        PriorityFlag::AlignedUpstream,
    ];
    if let Some(rule) = before_budget.into_iter().find_map(by_flag) {
        return rule;
    }
    if entry.budget.has_used_little() {
        return PlacingRule::LittleBudgetUsed;
    }
    if let Some(rule) = by_flag(PriorityFlag::HighImpact) {
        return rule;
    }
    if entry.budget.is_exhausted() { PlacingRule::NoBudgetLeft } else { PlacingRule::OtherWork }
}

/// Compares two requests: `Less` when `a` is worked before `b`.
pub fn compare(a: &QueueEntry, b: &QueueEntry) -> Ordering {
    placing_rule(a)
        .cmp(&placing_rule(b))
        .then(a.priority.cmp(&b.priority))
        .then(a.created_at.cmp(&b.created_at))
        .then(a.number.cmp(&b.number))
}

/// `entries` in queue order, each with the rule that placed it.
pub fn order(mut entries: Vec<QueueEntry>) -> Vec<(QueueEntry, PlacingRule)> {
    entries.sort_by(compare);
    entries
        .into_iter()
        .map(|entry| {
            let rule = placing_rule(&entry);
            (entry, rule)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn entry(number: i64) -> QueueEntry {
        QueueEntry {
            number,
            request_type: RequestType::ChangeRequest,
            priority: Priority::Normal,
            flags: vec![],
            budget: BudgetUse::Used { used_minutes: 30 * 60, budget_minutes: 40 * 60 },
            created_at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
        }
    }

    /// A request that is placed by exactly `rule`, and by no earlier one.
    fn placed_by(rule: PlacingRule, number: i64) -> QueueEntry {
        let mut e = entry(number);
        let with_flag = |mut e: QueueEntry, flag| {
            e.flags.push(flag);
            e
        };
        e = match rule {
            PlacingRule::Incident => QueueEntry { request_type: RequestType::Incident, ..e },
            PlacingRule::DedicatedFunding => with_flag(e, PriorityFlag::DedicatedFunding),
            PlacingRule::ManyCommunities => with_flag(e, PriorityFlag::ManyCommunities),
            PlacingRule::AlignedGoals => with_flag(e, PriorityFlag::AlignedGoals),
            PlacingRule::AlignedUpstream => with_flag(e, PriorityFlag::AlignedUpstream),
            PlacingRule::LittleBudgetUsed => {
                QueueEntry { budget: BudgetUse::Used { used_minutes: 60, budget_minutes: 40 * 60 }, ..e }
            }
            PlacingRule::HighImpact => with_flag(e, PriorityFlag::HighImpact),
            PlacingRule::OtherWork => e,
            PlacingRule::NoBudgetLeft => {
                QueueEntry { budget: BudgetUse::Used { used_minutes: 41 * 60, budget_minutes: 40 * 60 }, ..e }
            }
        };
        assert_eq!(placing_rule(&e), rule, "the helper builds a request placed by {rule:?}");
        e
    }

    #[test]
    fn every_pair_of_rules_is_ordered_as_the_seed_lists_them() {
        for (i, first) in PlacingRule::ALL.iter().enumerate() {
            for second in &PlacingRule::ALL[i + 1..] {
                // The later rule's request is older and more urgent: the rule still wins.
                let earlier = placed_by(*first, 2);
                let mut later = placed_by(*second, 1);
                later.priority = Priority::ProductionDown;
                later.created_at = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
                assert_eq!(compare(&earlier, &later), Ordering::Less, "{first:?} before {second:?}");
                assert_eq!(compare(&later, &earlier), Ordering::Greater, "{second:?} after {first:?}");
            }
        }
    }

    #[test]
    fn incidents_come_first_whatever_else_is_true() {
        let mut incident = placed_by(PlacingRule::Incident, 9);
        incident.budget = BudgetUse::Used { used_minutes: 100 * 60, budget_minutes: 0 };
        let mut funded = placed_by(PlacingRule::DedicatedFunding, 1);
        funded.flags = PriorityFlag::ALL.to_vec();
        funded.priority = Priority::ProductionDown;
        assert_eq!(placing_rule(&incident), PlacingRule::Incident);
        assert_eq!(compare(&incident, &funded), Ordering::Less);
    }

    #[test]
    fn the_first_rule_that_applies_places_a_request() {
        let mut e = entry(1);
        e.flags = vec![PriorityFlag::HighImpact, PriorityFlag::AlignedUpstream];
        assert_eq!(placing_rule(&e), PlacingRule::AlignedUpstream);
        // Funding beats an exhausted budget; so does high impact (rule 6 comes before rule 8).
        e.budget = BudgetUse::Used { used_minutes: 50 * 60, budget_minutes: 40 * 60 };
        e.flags = vec![PriorityFlag::DedicatedFunding];
        assert_eq!(placing_rule(&e), PlacingRule::DedicatedFunding);
        e.flags = vec![PriorityFlag::HighImpact];
        assert_eq!(placing_rule(&e), PlacingRule::HighImpact);
        e.flags = vec![];
        assert_eq!(placing_rule(&e), PlacingRule::NoBudgetLeft);
    }

    #[test]
    fn the_budget_rules_follow_the_share_used() {
        let with = |used_minutes, budget_minutes| {
            placing_rule(&QueueEntry { budget: BudgetUse::Used { used_minutes, budget_minutes }, ..entry(1) })
        };
        assert_eq!(with(0, 600), PlacingRule::LittleBudgetUsed);
        assert_eq!(with(299, 600), PlacingRule::LittleBudgetUsed);
        assert_eq!(with(300, 600), PlacingRule::OtherWork, "half used is no longer little");
        assert_eq!(with(599, 600), PlacingRule::OtherWork);
        assert_eq!(with(600, 600), PlacingRule::NoBudgetLeft, "all used is none left");
        assert_eq!(with(0, 0), PlacingRule::NoBudgetLeft, "a budget of zero hours is no budget left");
        let no_budget = QueueEntry { budget: BudgetUse::NoBudget, ..entry(1) };
        assert_eq!(placing_rule(&no_budget), PlacingRule::OtherWork, "without a budget the budget rules do not apply");
    }

    #[test]
    fn ties_go_to_the_higher_priority_then_the_older_request_then_the_lower_number() {
        let mut urgent = entry(5);
        urgent.priority = Priority::Urgent;
        let older = QueueEntry { created_at: Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap(), ..entry(4) };
        let (a, b) = (entry(2), entry(3));
        let ordered: Vec<i64> = order(vec![b.clone(), older.clone(), a.clone(), urgent.clone()])
            .into_iter()
            .map(|(e, _)| e.number)
            .collect();
        assert_eq!(ordered, vec![5, 4, 2, 3]);
        assert_eq!(compare(&a, &a), Ordering::Equal);
    }

    #[test]
    fn the_order_says_which_rule_placed_each_request() {
        let entries: Vec<QueueEntry> =
            PlacingRule::ALL.iter().rev().enumerate().map(|(i, rule)| placed_by(*rule, i as i64)).collect();
        let rules: Vec<PlacingRule> = order(entries).into_iter().map(|(_, rule)| rule).collect();
        assert_eq!(rules, PlacingRule::ALL);
        for rule in PlacingRule::ALL {
            assert!(!rule.explanation().is_empty());
        }
    }
}
