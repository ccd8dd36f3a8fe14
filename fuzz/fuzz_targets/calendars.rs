//! Business calendars from outside: an admin's holiday file and calendar as sent. Reading any
//! .ics text never panics and what it yields is sorted days; checking any calendar never
//! panics; a calendar that passes the check answers every sum, and adding working time then
//! measuring it gives back what was added.
#![no_main]

use libfuzzer_sys::fuzz_target;
use steward_backend::usecases::service_levels::holidays_from_ics;
use steward_domain::calendar::{CalendarSpec, Interval};

fuzz_target!(|input: (&str, &str, Vec<(u8, u16, u16)>, i64, u32)| {
    let (ics, zone, intervals, start, seconds) = input;
    if let Ok(holidays) = holidays_from_ics(ics) {
        assert!(!holidays.is_empty());
        assert!(holidays.windows(2).all(|pair| pair[0].date <= pair[1].date), "sorted");
    }
    let mut spec = CalendarSpec { zone: zone.to_owned(), week: Default::default(), holidays: vec![] };
    for (day, start, end) in intervals.into_iter().take(20) {
        spec.week[usize::from(day % 7)].push(Interval::new(start, end));
    }
    if spec.zone.is_empty() {
        spec.zone = "Europe/Brussels".to_owned();
    }
    let Ok(calendar) = spec.check() else { return };
    // Within a few years of now, to the second.
    let from = chrono::DateTime::from_timestamp(1_767_225_600 + start.rem_euclid(100_000_000), 0).expect("in range");
    let seconds = i64::from(seconds % 2_000_000);
    if let Some(due) = calendar.add_working(from, seconds, &[]) {
        assert_eq!(calendar.working_between(from, due, &[]), seconds.max(0));
    }
    let _ = calendar.end_of_next_working_day(from);
});
