//! Instants as people read them: in the viewer's own time zone (the one in their profile, else
//! the browser's), formatted by the browser's own Intl support, so no zone rules are shipped.

use wasm_bindgen::JsValue;

/// Seconds since the epoch now, by the browser's clock.
pub fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The browser's own time zone (an IANA name), if it says.
pub fn browser_zone() -> Option<String> {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).resolved_options();
    js_sys::Reflect::get(&options, &JsValue::from_str("timeZone")).ok().and_then(|z| z.as_string())
}

/// `Intl.DateTimeFormat` options: `fields` and, when given, the time zone.
fn format_options(fields: &[(&str, &str)], zone: Option<&str>) -> js_sys::Object {
    let options = js_sys::Object::new();
    let zone = zone.map(|zone| ("timeZone", zone));
    for (key, value) in fields.iter().copied().chain(zone) {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    options
}

/// "Tue 5 Jan, 14:00": a moment in `zone` (none: the browser's), to the minute.
pub fn when(seconds: i64, zone: Option<&str>) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(seconds as f64 * 1000.0));
    let fields =
        [("weekday", "short"), ("day", "numeric"), ("month", "short"), ("hour", "2-digit"), ("minute", "2-digit")];
    String::from(date.to_locale_string("default", &format_options(&fields, zone)))
}

/// "just now", "5 min ago", "3 h ago", "2 d ago": how long before `now` (both in seconds since
/// the epoch) `then` was, for lists read at a glance; beside it, [`when`] gives the exact time.
/// A moment in the future (clocks disagree) reads as now.
pub fn ago(then: i64, now: i64) -> String {
    let minutes = (now - then).max(0) / 60;
    match minutes {
        0 => "just now".to_owned(),
        1..60 => format!("{minutes} min ago"),
        60..2880 => format!("{} h ago", minutes / 60),
        _ => format!("{} d ago", minutes / 1440),
    }
}

/// "5 Jan 2027": the day of a wire timestamp in `zone` (none: the browser's).
pub fn day(at: &prost_types::Timestamp, zone: Option<&str>) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.seconds as f64 * 1000.0));
    let fields = [("day", "numeric"), ("month", "short"), ("year", "numeric")];
    String::from(date.to_locale_date_string("default", &format_options(&fields, zone)))
}

/// "Tue 5 Jan, 14:00" for a wire timestamp; empty when unset.
pub fn when_at(at: &Option<prost_types::Timestamp>, zone: Option<&str>) -> String {
    at.as_ref().map(|at| when(at.seconds, zone)).unwrap_or_default()
}

/// The time zones the browser knows (for a picker), or a short list when it cannot say.
pub fn zones() -> Vec<String> {
    use wasm_bindgen::JsCast;
    let supported = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok().and_then(|intl| {
        let function = js_sys::Reflect::get(&intl, &JsValue::from_str("supportedValuesOf")).ok()?;
        let function = function.dyn_into::<js_sys::Function>().ok()?;
        function.call1(&intl, &JsValue::from_str("timeZone")).ok()
    });
    match supported.map(|list| js_sys::Array::from(&list)) {
        Some(list) if list.length() > 0 => list.iter().filter_map(|z| z.as_string()).collect(),
        _ => ["UTC", "Europe/Brussels", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Kolkata"]
            .map(str::to_owned)
            .to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::ago;

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        let now = 1_800_000_000;
        assert_eq!(ago(now - 30, now), "just now");
        assert_eq!(ago(now + 300, now), "just now", "a clock ahead of ours");
        assert_eq!(ago(now - 60, now), "1 min ago");
        assert_eq!(ago(now - 59 * 60, now), "59 min ago");
        assert_eq!(ago(now - 60 * 60, now), "1 h ago");
        assert_eq!(ago(now - 47 * 3600, now), "47 h ago");
        assert_eq!(ago(now - 48 * 3600, now), "2 d ago");
    }
}
