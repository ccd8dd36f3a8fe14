//! Business time: when a calendar works, and the two sums every SLA clock is made of, "add N
//! working seconds to an instant" ([`Calendar::add_working`]) and "working seconds between two
//! instants" ([`Calendar::working_between`]), with pauses as breaks that do not count.
//!
//! The rules:
//! - A calendar is an IANA time zone, working intervals per weekday (several a day, `[start,
//!   end)` in local wall time, an interval may end at 24:00) and holidays (a whole local day
//!   without work, on one date or on that day every year).
//! - Working time is real elapsed time: a local time that a daylight-saving change skips is
//!   read after the gap and a repeated one as its first occurrence ("compatible", as calendar
//!   programs do), and the seconds between the two instants are what counts. So 09:00-17:00
//!   is eight hours on every day of the year, and 01:00-04:00 is two hours on the night the
//!   clocks go forward.
//! - Zone rules come from jiff's bundled time-zone database; nothing here knows a zone's rules.
//! - Every sum works in whole seconds. A sum that would have to look further than
//!   [`SEARCH_DAYS`] ahead (a clock paused for good) has no answer (`None`).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use jiff::civil;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::intake::FieldError;

/// Minutes in a day: an interval may end here (24:00).
pub const DAY_END: u16 = 24 * 60;
/// Working intervals a day may have.
pub const INTERVALS_PER_DAY_MAX: usize = 6;
/// Holidays a calendar may list.
pub const HOLIDAYS_MAX: usize = 1000;
/// How far ahead a sum looks for working time before it gives up.
pub const SEARCH_DAYS: i64 = 3 * 366;
/// Characters a holiday's name may have.
pub const HOLIDAY_NAME_MAX_CHARS: usize = 200;

/// The weekdays, Monday first, as fields are named (`week.monday.0`).
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// Local working time on one day, in minutes after midnight: `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Interval {
    pub start: u16,
    pub end: u16,
}

impl Interval {
    /// The interval from `start` to `end` (minutes after midnight).
    pub const fn new(start: u16, end: u16) -> Interval {
        Interval { start, end }
    }
}

/// A day without work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    /// On this month and day every year, not just on `date`.
    pub every_year: bool,
    pub name: String,
}

/// A calendar as an admin writes it, before it is checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSpec {
    /// An IANA time zone name, e.g. `Europe/Brussels`.
    pub zone: String,
    /// Working intervals, Monday first.
    pub week: [Vec<Interval>; 7],
    pub holidays: Vec<Holiday>,
}

impl CalendarSpec {
    /// Every minute of every day: the built-in "24/7" calendar.
    pub fn always() -> CalendarSpec {
        CalendarSpec {
            zone: "UTC".into(),
            week: std::array::from_fn(|_| vec![Interval::new(0, DAY_END)]),
            holidays: vec![],
        }
    }

    /// Monday to Friday, 09:00-17:00 in `zone`: the shipped business hours.
    pub fn office_hours(zone: &str) -> CalendarSpec {
        let day = || vec![Interval::new(9 * 60, 17 * 60)];
        CalendarSpec { zone: zone.into(), week: [day(), day(), day(), day(), day(), vec![], vec![]], holidays: vec![] }
    }

    /// The calendar, or every problem with it at once, each naming its field
    /// (`zone`, `week`, `week.monday.1`, `holidays.3`).
    pub fn check(&self) -> Result<Calendar, Vec<FieldError>> {
        let mut errors = Vec::new();
        let zone = match TimeZone::get(self.zone.trim()) {
            Ok(zone) => Some(zone),
            Err(_) => {
                errors.push(FieldError::new(
                    "zone",
                    format!(
                        "\u{201c}{}\u{201d} is not a time zone; use an IANA name such as Europe/Brussels.",
                        self.zone
                    ),
                ));
                None
            }
        };
        let mut week: [Vec<Interval>; 7] = Default::default();
        for (day, intervals) in self.week.iter().enumerate() {
            let name = WEEKDAYS[day];
            if intervals.len() > INTERVALS_PER_DAY_MAX {
                errors.push(FieldError::new(
                    format!("week.{name}"),
                    format!("A day has at most {INTERVALS_PER_DAY_MAX} working intervals."),
                ));
            }
            for (index, interval) in intervals.iter().enumerate() {
                let field = format!("week.{name}.{index}");
                if interval.end > DAY_END || interval.start >= DAY_END {
                    errors.push(FieldError::new(field, "A day ends at 24:00."));
                } else if interval.end <= interval.start {
                    errors.push(FieldError::new(
                        field,
                        format!(
                            "It ends ({}) before it starts ({}).",
                            clock_time(interval.end),
                            clock_time(interval.start)
                        ),
                    ));
                } else if let Some(other) =
                    intervals[..index].iter().find(|o| o.start < interval.end && interval.start < o.end)
                {
                    errors.push(FieldError::new(
                        field,
                        format!("It overlaps {}\u{2013}{}.", clock_time(other.start), clock_time(other.end)),
                    ));
                }
            }
            let mut sorted = intervals.clone();
            sorted.sort();
            week[day] = sorted;
        }
        if self.week.iter().all(Vec::is_empty) {
            errors.push(FieldError::new("week", "A calendar needs working hours on at least one day."));
        }
        if self.holidays.len() > HOLIDAYS_MAX {
            errors.push(FieldError::new("holidays", format!("A calendar lists at most {HOLIDAYS_MAX} holidays.")));
        }
        for (index, holiday) in self.holidays.iter().enumerate() {
            if holiday.name.chars().count() > HOLIDAY_NAME_MAX_CHARS {
                errors.push(FieldError::new(
                    format!("holidays.{index}"),
                    format!("Keep a holiday's name under {HOLIDAY_NAME_MAX_CHARS} characters."),
                ));
            }
        }
        let Some(zone) = zone.filter(|_| errors.is_empty()) else { return Err(errors) };
        let mut once: Vec<civil::Date> =
            self.holidays.iter().filter(|h| !h.every_year).map(|h| civil_date(h.date)).collect();
        once.sort();
        once.dedup();
        let mut yearly: Vec<(i8, i8)> =
            self.holidays.iter().filter(|h| h.every_year).map(|h| (h.date.month() as i8, h.date.day() as i8)).collect();
        yearly.sort();
        yearly.dedup();
        let always = week.iter().all(|day| day == &[Interval::new(0, DAY_END)]) && once.is_empty() && yearly.is_empty();
        Ok(Calendar { zone, week, once, yearly, always })
    }
}

/// A checked calendar, ready for sums. Made by [`CalendarSpec::check`].
#[derive(Clone, Debug)]
pub struct Calendar {
    zone: TimeZone,
    week: [Vec<Interval>; 7],
    once: Vec<civil::Date>,
    yearly: Vec<(i8, i8)>,
    /// Every minute works (24/7): the sums are plain arithmetic.
    always: bool,
}

/// A stretch of time that does not count (a pause): `[start, end)`, `end` none while it lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Break {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
}

impl Calendar {
    /// The built-in 24/7 calendar.
    pub fn always() -> Calendar {
        Calendar {
            zone: TimeZone::UTC,
            week: std::array::from_fn(|_| vec![Interval::new(0, DAY_END)]),
            once: vec![],
            yearly: vec![],
            always: true,
        }
    }

    /// Whether every minute is working time (24/7).
    pub fn is_always(&self) -> bool {
        self.always
    }

    /// Whether `date` (local) is a holiday.
    fn is_holiday(&self, date: civil::Date) -> bool {
        self.once.binary_search(&date).is_ok() || self.yearly.binary_search(&(date.month(), date.day())).is_ok()
    }

    /// The working intervals of a local date (none on a holiday).
    fn intervals(&self, date: civil::Date) -> &[Interval] {
        if self.is_holiday(date) { &[] } else { &self.week[date.weekday().to_monday_zero_offset() as usize] }
    }

    /// The instant (Unix seconds) of `minute` after local midnight of `date`.
    fn instant(&self, date: civil::Date, minute: u16) -> i64 {
        let (date, minute) =
            if minute >= DAY_END { (date.tomorrow().unwrap_or(date), minute - DAY_END) } else { (date, minute) };
        let local = date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        self.zone.to_ambiguous_timestamp(local).compatible().map_or(i64::MAX, |t| t.as_second())
    }

    /// The local date of an instant (Unix seconds).
    fn local_date(&self, second: i64) -> civil::Date {
        let at = jiff::Timestamp::from_second(second).unwrap_or(jiff::Timestamp::MAX);
        self.zone.to_datetime(at).date()
    }

    /// Calls `each` with the working spans (Unix seconds, `[start, end)`) from `from` on, in
    /// order, until it returns false or [`SEARCH_DAYS`] have been searched.
    fn spans_from(&self, from: i64, mut each: impl FnMut(i64, i64) -> bool) {
        if self.always {
            each(from, i64::MAX);
            return;
        }
        let mut date = self.local_date(from);
        for _ in 0..SEARCH_DAYS {
            for interval in self.intervals(date) {
                let end = self.instant(date, interval.end);
                if end <= from {
                    continue;
                }
                let start = self.instant(date, interval.start).max(from);
                if start < end && !each(start, end) {
                    return;
                }
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => return,
            }
        }
    }

    /// Calls `each` with the spans from `from` on that count: working time outside `breaks`
    /// (sorted, not overlapping; an open break lasts for ever).
    fn counted_from(&self, from: i64, breaks: &[Break], mut each: impl FnMut(i64, i64) -> bool) {
        let breaks: Vec<(i64, i64)> = breaks
            .iter()
            .map(|b| (b.start.timestamp(), b.end.map_or(i64::MAX, |end| end.timestamp())))
            .filter(|(start, end)| end > start && *end > from)
            .collect();
        let mut next_break = 0;
        self.spans_from(from, |start, end| {
            let mut at = start;
            while at < end {
                while next_break < breaks.len() && breaks[next_break].1 <= at {
                    next_break += 1;
                }
                match breaks.get(next_break) {
                    Some(&(break_start, break_end)) if break_start <= at => at = break_end.min(end).max(at),
                    Some(&(break_start, _)) if break_start < end => {
                        if !each(at, break_start) {
                            return false;
                        }
                        at = break_start;
                    }
                    _ => {
                        if !each(at, end) {
                            return false;
                        }
                        at = end;
                    }
                }
                if at == i64::MAX {
                    return false;
                }
            }
            true
        });
    }

    /// The instant `seconds` of counted working time after `from`: the earliest instant by
    /// which that much has passed. `None` if it is not within [`SEARCH_DAYS`] (a break that
    /// has not ended).
    pub fn add_working(&self, from: DateTime<Utc>, seconds: i64, breaks: &[Break]) -> Option<DateTime<Utc>> {
        let from = from.timestamp();
        if seconds <= 0 {
            return DateTime::from_timestamp(from, 0);
        }
        let mut left = seconds;
        let mut found = None;
        self.counted_from(from, breaks, |start, end| {
            let length = end.saturating_sub(start);
            if length >= left {
                found = Some(start + left);
                false
            } else {
                left -= length;
                true
            }
        });
        found.and_then(|second| DateTime::from_timestamp(second, 0))
    }

    /// The counted working seconds in `[from, to)`.
    pub fn working_between(&self, from: DateTime<Utc>, to: DateTime<Utc>, breaks: &[Break]) -> i64 {
        let (from, to) = (from.timestamp(), to.timestamp());
        if to <= from {
            return 0;
        }
        let mut total = 0;
        self.counted_from(from, breaks, |start, end| {
            if start >= to {
                return false;
            }
            total += end.min(to) - start;
            end < to
        });
        total
    }

    /// The end of the first working day after the local day of `at` ("next business day").
    pub fn end_of_next_working_day(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut date = self.local_date(at.timestamp());
        for _ in 0..SEARCH_DAYS {
            date = date.tomorrow().ok()?;
            if let Some(last) = self.intervals(date).last() {
                return DateTime::from_timestamp(self.instant(date, last.end), 0);
            }
        }
        None
    }

    /// Whether `at` is working time.
    pub fn is_working_at(&self, at: DateTime<Utc>) -> bool {
        self.next_working_instant(at) == Some(at.with_nanosecond_zero())
    }

    /// The first working instant at or after `at`.
    pub fn next_working_instant(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut found = None;
        self.spans_from(at.timestamp(), |start, _| {
            found = Some(start);
            false
        });
        found.and_then(|second| DateTime::from_timestamp(second, 0))
    }
}

/// An instant without its fraction of a second, as the sums count.
trait WholeSeconds {
    fn with_nanosecond_zero(self) -> Self;
}

impl WholeSeconds for DateTime<Utc> {
    fn with_nanosecond_zero(self) -> Self {
        DateTime::from_timestamp(self.timestamp(), 0).unwrap_or(self)
    }
}

fn civil_date(date: NaiveDate) -> civil::Date {
    civil::Date::new(date.year() as i16, date.month() as i8, date.day() as i8).unwrap_or(civil::Date::MIN)
}

/// Whether `name` is a time zone of the IANA database (`Europe/Brussels`, `UTC`).
pub fn is_time_zone(name: &str) -> bool {
    !name.is_empty() && TimeZone::get(name).is_ok()
}

/// `540` as `09:00`; `1440` as `24:00`.
pub fn clock_time(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `09:00` (or `9:00`, `24:00`) as minutes after midnight.
pub fn parse_clock_time(text: &str) -> Option<u16> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
    let total = hours.checked_mul(60)?.checked_add(minutes)?;
    (minutes < 60 && total <= DAY_END).then_some(total)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("a valid UTC time")
    }

    /// A local wall time in `zone`, as an instant.
    fn local(zone: &str, y: i16, mo: i8, d: i8, h: i8, mi: i8) -> DateTime<Utc> {
        let tz = TimeZone::get(zone).expect("a known zone");
        let second = tz.to_ambiguous_timestamp(civil::date(y, mo, d).at(h, mi, 0, 0)).compatible().expect("in range");
        DateTime::from_timestamp(second.as_second(), 0).expect("in range")
    }

    fn office(zone: &str) -> Calendar {
        CalendarSpec::office_hours(zone).check().expect("a valid calendar")
    }

    fn holiday(y: i32, m: u32, d: u32, every_year: bool) -> Holiday {
        Holiday { date: NaiveDate::from_ymd_opt(y, m, d).expect("a date"), every_year, name: "Holiday".into() }
    }

    const HOUR: i64 = 3600;

    #[test]
    fn an_hour_of_office_time_added_late_on_friday_ends_on_monday_morning() {
        let calendar = office("Europe/Brussels");
        // Friday 2026-12-04 16:30 in Brussels (UTC+1).
        let from = local("Europe/Brussels", 2026, 12, 4, 16, 30);
        assert_eq!(calendar.add_working(from, HOUR, &[]), Some(local("Europe/Brussels", 2026, 12, 7, 9, 30)));
        assert_eq!(calendar.working_between(from, local("Europe/Brussels", 2026, 12, 7, 9, 30), &[]), HOUR);
        // Outside hours, time starts counting when work does.
        let evening = local("Europe/Brussels", 2026, 12, 4, 20, 0);
        assert_eq!(calendar.add_working(evening, 60, &[]), Some(local("Europe/Brussels", 2026, 12, 7, 9, 1)));
        assert_eq!(calendar.add_working(evening, 0, &[]), Some(evening), "nothing to add ends where it starts");
    }

    #[test]
    fn several_intervals_a_day_skip_the_lunch_break() {
        let mut spec = CalendarSpec::office_hours("UTC");
        spec.week[0] = vec![Interval::new(13 * 60, 17 * 60 + 30), Interval::new(9 * 60, 12 * 60)];
        let calendar = spec.check().expect("valid");
        // Monday 2026-11-30 11:00 plus two hours: one before lunch, one after.
        assert_eq!(calendar.add_working(utc(2026, 11, 30, 11, 0), 2 * HOUR, &[]), Some(utc(2026, 11, 30, 14, 0)));
        assert_eq!(calendar.working_between(utc(2026, 11, 30, 0, 0), utc(2026, 12, 1, 0, 0), &[]), 7 * HOUR + 1800);
    }

    #[test]
    fn an_interval_may_end_at_midnight_and_the_next_day_goes_on_from_there() {
        let mut spec = CalendarSpec::office_hours("America/New_York");
        spec.week[0] = vec![Interval::new(18 * 60, DAY_END)];
        spec.week[1] = vec![Interval::new(0, 6 * 60)];
        let calendar = spec.check().expect("valid");
        let from = local("America/New_York", 2026, 11, 30, 23, 0);
        assert_eq!(calendar.add_working(from, 2 * HOUR, &[]), Some(local("America/New_York", 2026, 12, 1, 1, 0)));
        assert_eq!(
            calendar.end_of_next_working_day(local("America/New_York", 2026, 11, 29, 12, 0)),
            Some(local("America/New_York", 2026, 12, 1, 0, 0)),
            "Monday ends at 24:00, which is Tuesday's midnight"
        );
    }

    #[test]
    fn holidays_once_and_every_year_have_no_working_time() {
        let mut spec = CalendarSpec::office_hours("Europe/Brussels");
        spec.holidays = vec![holiday(2026, 12, 25, true), holiday(2026, 12, 28, false)];
        let calendar = spec.check().expect("valid");
        // Thursday 24 December 16:00: one hour left that day; Friday 25th (yearly) and Monday
        // 28th (once) are holidays; Tuesday 29th goes on.
        let from = local("Europe/Brussels", 2026, 12, 24, 16, 0);
        assert_eq!(calendar.add_working(from, 2 * HOUR, &[]), Some(local("Europe/Brussels", 2026, 12, 29, 10, 0)));
        // The yearly one comes back in 2027 (a Saturday then: no difference) and 2031 (Thursday).
        let from = local("Europe/Brussels", 2031, 12, 24, 16, 0);
        assert_eq!(calendar.add_working(from, 2 * HOUR, &[]), Some(local("Europe/Brussels", 2031, 12, 26, 10, 0)));
    }

    #[test]
    fn next_business_day_is_the_end_of_the_next_working_day() {
        let mut spec = CalendarSpec::office_hours("Europe/Brussels");
        let calendar = spec.check().expect("valid");
        // Friday 17:45, after hours: the next working day is Monday, due at its end.
        let friday = local("Europe/Brussels", 2026, 12, 4, 17, 45);
        assert_eq!(calendar.end_of_next_working_day(friday), Some(local("Europe/Brussels", 2026, 12, 7, 17, 0)));
        // Monday morning: Tuesday's end, not Monday's.
        let monday = local("Europe/Brussels", 2026, 12, 7, 8, 0);
        assert_eq!(calendar.end_of_next_working_day(monday), Some(local("Europe/Brussels", 2026, 12, 8, 17, 0)));
        // A Monday holiday moves it to Tuesday.
        spec.holidays = vec![holiday(2026, 12, 7, false)];
        let calendar = spec.check().expect("valid");
        assert_eq!(calendar.end_of_next_working_day(friday), Some(local("Europe/Brussels", 2026, 12, 8, 17, 0)));
    }

    #[test]
    fn office_hours_are_eight_real_hours_across_daylight_saving_changes() {
        for (zone, spring, autumn) in
            [("Europe/Brussels", (2026, 3, 29), (2026, 10, 25)), ("America/New_York", (2026, 3, 8), (2026, 11, 1))]
        {
            let mut spec = CalendarSpec::office_hours(zone);
            spec.week = std::array::from_fn(|_| vec![Interval::new(9 * 60, 17 * 60)]);
            let calendar = spec.check().expect("valid");
            for (y, m, d) in [spring, autumn] {
                let change = NaiveDate::from_ymd_opt(y, m, d).expect("a date");
                let at = |days: i64, h: i8| {
                    let date = change + chrono::Duration::days(days);
                    local(zone, date.year() as i16, date.month() as i8, date.day() as i8, h, 0)
                };
                // The week around the change (which falls on a Sunday).
                assert_eq!(calendar.working_between(at(-3, 0), at(4, 0), &[]), 7 * 8 * HOUR, "{zone} {change}");
                // The day after the change still starts at 09:00 local time.
                // Sunday 12:00-17:00 is five hours; Monday from 09:00 local gives the other four.
                assert_eq!(calendar.add_working(at(0, 12), 9 * HOUR, &[]), Some(at(1, 13)), "{zone} {change}");
            }
        }
    }

    #[test]
    fn a_night_interval_loses_the_skipped_hour_and_gains_the_repeated_one() {
        let mut spec = CalendarSpec::always();
        spec.zone = "Europe/Brussels".into();
        spec.week = std::array::from_fn(|_| vec![Interval::new(60, 4 * 60)]);
        let calendar = spec.check().expect("valid");
        let day =
            |m: i8, d: i8| (local("Europe/Brussels", 2026, m, d, 0, 0), local("Europe/Brussels", 2026, m, d, 12, 0));
        let (from, to) = day(3, 29);
        assert_eq!(calendar.working_between(from, to, &[]), 2 * HOUR, "02:00-03:00 does not exist that night");
        let (from, to) = day(10, 25);
        assert_eq!(calendar.working_between(from, to, &[]), 4 * HOUR, "02:00-03:00 happens twice that night");
        let (from, to) = day(6, 1);
        assert_eq!(calendar.working_between(from, to, &[]), 3 * HOUR);
    }

    #[test]
    fn the_same_instant_is_a_different_working_day_in_another_zone() {
        // Monday 2026-11-30 06:00 UTC: already working time in Tokyo (15:00), night in New York.
        let at = utc(2026, 11, 30, 6, 0);
        assert!(office("Asia/Tokyo").is_working_at(at));
        assert!(!office("America/New_York").is_working_at(at));
        assert_eq!(office("America/New_York").next_working_instant(at), Some(utc(2026, 11, 30, 14, 0)));
    }

    #[test]
    fn a_break_shifts_the_end_by_exactly_the_working_time_it_covers() {
        let calendar = office("UTC");
        let from = utc(2026, 11, 30, 9, 0);
        // Paused from Monday 16:00 to Tuesday 10:00: two working hours do not count.
        let pause = Break { start: utc(2026, 11, 30, 16, 0), end: Some(utc(2026, 12, 1, 10, 0)) };
        assert_eq!(calendar.add_working(from, 8 * HOUR, &[]), Some(utc(2026, 11, 30, 17, 0)));
        assert_eq!(calendar.add_working(from, 8 * HOUR, &[pause]), Some(utc(2026, 12, 1, 11, 0)));
        assert_eq!(calendar.working_between(from, utc(2026, 12, 1, 11, 0), &[pause]), 8 * HOUR);
        let open = Break { start: utc(2026, 11, 30, 16, 0), end: None };
        assert_eq!(calendar.add_working(from, 8 * HOUR, &[open]), None, "a paused clock has no due time");
        assert_eq!(calendar.working_between(from, utc(2026, 12, 2, 9, 0), &[open]), 7 * HOUR);
        let always = Calendar::always();
        assert_eq!(always.add_working(from, 10 * HOUR, &[pause]), Some(utc(2026, 12, 1, 13, 0)));
    }

    #[test]
    fn bad_calendars_name_every_bad_field() {
        let mut spec = CalendarSpec::office_hours("Europe/Bruxelles");
        spec.week[0] =
            vec![Interval::new(9 * 60, 12 * 60), Interval::new(11 * 60, 13 * 60), Interval::new(15 * 60, 14 * 60)];
        spec.week[2] = vec![Interval::new(9 * 60, 25 * 60)];
        let errors = spec.check().expect_err("refused");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["zone", "week.monday.1", "week.monday.2", "week.wednesday.0"]);
        assert!(errors[1].message.contains("overlaps 09:00\u{2013}12:00"), "{}", errors[1].message);
        assert!(errors[2].message.contains("ends (14:00) before it starts (15:00)"), "{}", errors[2].message);
        let nothing = CalendarSpec { zone: "UTC".into(), week: Default::default(), holidays: vec![] };
        let errors = nothing.check().expect_err("refused");
        assert_eq!(errors[0].field, "week");
    }

    #[test]
    fn clock_times_read_and_print() {
        assert_eq!(parse_clock_time("09:00"), Some(540));
        assert_eq!(parse_clock_time("9:05"), Some(545));
        assert_eq!(parse_clock_time("24:00"), Some(DAY_END));
        assert_eq!(parse_clock_time("24:01"), None);
        assert_eq!(parse_clock_time("12:60"), None);
        assert_eq!(parse_clock_time("noon"), None);
        assert_eq!(clock_time(DAY_END), "24:00");
        assert_eq!(clock_time(545), "09:05");
    }

    /// Property tests (proptest needs an OS random source: not on wasm32).
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        fn a_calendar() -> impl Strategy<Value = Calendar> {
            let zones = prop::sample::select(vec![
                "UTC",
                "Europe/Brussels",
                "America/New_York",
                "Asia/Kolkata",
                "Australia/Sydney",
            ]);
            let day = prop::collection::vec((0u16..48, 1u16..16), 0..3).prop_map(|parts| {
                // Non-overlapping half-hour-aligned intervals from (start, length) pairs.
                let mut at = 0;
                let mut intervals = Vec::new();
                for (gap, length) in parts {
                    let start = at + gap * 15;
                    let end = (start + length * 30).min(DAY_END);
                    if start < end {
                        intervals.push(Interval::new(start, end));
                    }
                    at = end;
                    if at >= DAY_END {
                        break;
                    }
                }
                intervals
            });
            let holidays = prop::collection::vec((0i64..730, any::<bool>()), 0..12);
            (zones, prop::array::uniform7(day), holidays).prop_filter_map(
                "needs working time",
                |(zone, week, holidays)| {
                    let base = NaiveDate::from_ymd_opt(2026, 1, 1)?;
                    let holidays = holidays
                        .into_iter()
                        .map(|(days, every_year)| Holiday {
                            date: base + chrono::Duration::days(days),
                            every_year,
                            name: String::new(),
                        })
                        .collect();
                    CalendarSpec { zone: zone.into(), week, holidays }.check().ok()
                },
            )
        }

        fn an_instant() -> impl Strategy<Value = DateTime<Utc>> {
            // 2026 and 2027, to the second.
            (1_767_225_600i64..1_830_297_600).prop_map(|s| DateTime::from_timestamp(s, 0).expect("in range"))
        }

        fn breaks_after(from: DateTime<Utc>) -> impl Strategy<Value = Vec<Break>> {
            prop::collection::vec((0i64..200_000, 0i64..200_000), 0..4).prop_map(move |parts| {
                let mut at = from.timestamp();
                parts
                    .into_iter()
                    .map(|(gap, length)| {
                        let start = at + gap;
                        at = start + length;
                        Break {
                            start: DateTime::from_timestamp(start, 0).expect("in range"),
                            end: DateTime::from_timestamp(at, 0),
                        }
                    })
                    .collect()
            })
        }

        #[test]
        fn half_an_hour_a_week_has_no_answer_beyond_the_search() {
            // The case proptest once found: 282,601 s need more weeks than the search holds.
            let mut week: [Vec<Interval>; 7] = Default::default();
            week[3] = vec![Interval::new(0, 30)];
            let calendar = CalendarSpec { zone: "UTC".into(), week, holidays: Vec::new() }.check().expect("valid");
            let from = DateTime::from_timestamp(1_767_225_600, 0).expect("in range");
            assert_eq!(calendar.add_working(from, 282_601, &[]), None);
            let searched = from + chrono::Duration::days(SEARCH_DAYS - 1);
            assert!(calendar.working_between(from, searched, &[]) < 282_601);
            assert!(calendar.add_working(from, 1_800 * 100, &[]).is_some(), "a hundred weeks' worth is found");
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]

            #[test]
            fn adding_then_measuring_gives_back_what_was_added(
                calendar in a_calendar(),
                (from, breaks) in an_instant().prop_flat_map(|from| (Just(from), breaks_after(from))),
                seconds in 1i64..400_000,
            ) {
                match calendar.add_working(from, seconds, &breaks) {
                    Some(due) => {
                        prop_assert_eq!(calendar.working_between(from, due, &breaks), seconds);
                        // And not a second earlier.
                        prop_assert_eq!(
                            calendar.working_between(from, due - chrono::Duration::seconds(1), &breaks),
                            seconds - 1
                        );
                    }
                    // No answer only when the days searched hold less working time than asked
                    // for (a calendar with half an hour a week, say).
                    None => {
                        let searched = from + chrono::Duration::days(SEARCH_DAYS - 1);
                        prop_assert!(calendar.working_between(from, searched, &breaks) < seconds);
                    }
                }
            }

            #[test]
            fn measuring_then_adding_lands_at_or_before_the_end(
                calendar in a_calendar(),
                from in an_instant(),
                length in 1i64..2_000_000,
            ) {
                let to = from + chrono::Duration::seconds(length);
                let worked = calendar.working_between(from, to, &[]);
                prop_assert!(worked <= length);
                if worked > 0 {
                    let back = calendar.add_working(from, worked, &[]).expect("found");
                    prop_assert!(back <= to);
                    prop_assert_eq!(calendar.working_between(back, to, &[]), 0);
                }
            }

            #[test]
            fn a_break_moves_the_due_time_by_exactly_its_working_time(
                calendar in a_calendar(),
                from in an_instant(),
                seconds in 1i64..300_000,
                (gap, length) in (0i64..300_000, 1i64..300_000),
            ) {
                let start = from + chrono::Duration::seconds(gap);
                let pause = Break { start, end: Some(start + chrono::Duration::seconds(length)) };
                let without = calendar.add_working(from, seconds, &[]).expect("found");
                let with = calendar.add_working(from, seconds, &[pause]).expect("found");
                let covered = calendar.working_between(pause.start, pause.end.expect("ended"), &[]);
                if pause.start >= without {
                    prop_assert_eq!(with, without, "a pause after the due time changes nothing");
                } else {
                    // The paused working time is added back, exactly.
                    prop_assert_eq!(Some(with), calendar.add_working(from, seconds + covered, &[]));
                }
            }

            #[test]
            fn working_time_is_additive(calendar in a_calendar(), from in an_instant(), a in 0i64..500_000, b in 0i64..500_000) {
                let middle = from + chrono::Duration::seconds(a);
                let to = middle + chrono::Duration::seconds(b);
                prop_assert_eq!(
                    calendar.working_between(from, middle, &[]) + calendar.working_between(middle, to, &[]),
                    calendar.working_between(from, to, &[])
                );
            }
        }
    }
}
