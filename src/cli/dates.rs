//! `--since` values as people type them: a date, a moment, or how long ago.

use chrono::{DateTime, Duration, Local, NaiveDate, NaiveTime, TimeZone, Utc};

/// `2026-11-03` (local midnight), `2026-11-03T14:00:00Z` (RFC 3339), `today`, `yesterday`,
/// or an age: `90m`, `36h`, `7d`, `2w`.
pub fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    parse_since_at(text, Local::now())
}

fn parse_since_at(text: &str, now: DateTime<Local>) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let bad = || {
        format!(
            "{text:?} is not a date: write e.g. 2026-11-03, 2026-11-03T14:00:00Z, today, \
             yesterday, 36h or 7d"
        )
    };
    let midnight = |date: NaiveDate| {
        Local
            .from_local_datetime(&date.and_time(NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(bad)
    };
    match text.to_ascii_lowercase().as_str() {
        "today" => return midnight(now.date_naive()),
        "yesterday" => return midnight(now.date_naive() - Duration::days(1)),
        _ => {}
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return midnight(date);
    }
    if let Ok(moment) = DateTime::parse_from_rfc3339(text) {
        return Ok(moment.with_timezone(&Utc));
    }
    let age = age(text).ok_or_else(bad)?;
    Ok((now - age).with_timezone(&Utc))
}

/// An age as people type it: `90m`, `36h`, `7d`, `2w`.
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    age(text).ok_or_else(|| format!("{text:?} is not an age: write e.g. 90m, 36h, 7d or 2w"))
}

fn age(text: &str) -> Option<Duration> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let amount: i64 = digits.parse().ok()?;
    match unit {
        "m" => Duration::try_minutes(amount),
        "h" => Duration::try_hours(amount),
        "d" => Duration::try_days(amount),
        "w" => Duration::try_weeks(amount),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Local> {
        Local.with_ymd_and_hms(2026, 11, 3, 15, 30, 0).unwrap()
    }

    fn local_midnight(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Local
            .with_ymd_and_hms(y, m, d, 0, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn dates_moments_and_ages() {
        let at = |text| parse_since_at(text, now()).unwrap();
        assert_eq!(at("2026-10-01"), local_midnight(2026, 10, 1));
        assert_eq!(at("today"), local_midnight(2026, 11, 3));
        assert_eq!(at("Yesterday"), local_midnight(2026, 11, 2));
        assert_eq!(
            at("2026-11-03T14:00:00Z"),
            Utc.with_ymd_and_hms(2026, 11, 3, 14, 0, 0).unwrap()
        );
        assert_eq!(at("36h"), (now() - Duration::hours(36)).with_timezone(&Utc));
        assert_eq!(at("7d"), (now() - Duration::days(7)).with_timezone(&Utc));
        assert_eq!(at("2w"), (now() - Duration::weeks(2)).with_timezone(&Utc));
        assert_eq!(
            at("90m"),
            (now() - Duration::minutes(90)).with_timezone(&Utc)
        );
    }

    #[test]
    fn anything_else_says_what_is_understood() {
        for bad in [
            "",
            "soon",
            "7",
            "7y",
            "2026-13-01",
            "d",
            "99999999999999999w",
        ] {
            let err = parse_since_at(bad, now()).unwrap_err();
            assert!(
                err.contains("2026-11-03") && err.contains("7d"),
                "{bad}: {err}"
            );
        }
    }
}
