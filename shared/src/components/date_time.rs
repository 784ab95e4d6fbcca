//! DateTime: a date, or a date and time, as Gradio's text (`2020-10-01 05:20:15`, or
//! `2020-10-01` without the time); an input also takes Gradio's `now` and `now - 2h`.

use serde::{Deserialize, Serialize};

use super::{mismatch, Kind, ValueError};
use crate::Value;

/// A date-time field's options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DateTime {
    /// The time of day as well as the date (Gradio's `include_time`).
    pub include_time: bool,
}

impl Default for DateTime {
    fn default() -> Self {
        DateTime { include_time: true }
    }
}

impl Kind for DateTime {
    fn name(&self) -> &'static str {
        "datetime"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Text(text) if is_date_time(text, self.include_time) || parse_now(text).is_some() => Ok(()),
            Value::Text(text) => Err(ValueError::not_a_date_time(text, self.include_time)),
            other => Err(mismatch("a date as text", other)),
        }
    }
}

/// The format dates (and times) are written in, as people read it.
pub fn date_format(include_time: bool) -> &'static str {
    if include_time {
        "YYYY-MM-DD HH:MM:SS"
    } else {
        "YYYY-MM-DD"
    }
}

/// Whether `text` is `YYYY-MM-DD HH:MM:SS` (or `YYYY-MM-DD` when `with_time` is false) of a
/// real moment: a month of twelve, its own number of days (leap years too), a time within the
/// day.
pub fn is_date_time(text: &str, with_time: bool) -> bool {
    let (date, time) = match (with_time, text.split_once(' ')) {
        (true, Some((date, time))) => (date, Some(time)),
        (false, None) => (text, None),
        _ => return false,
    };
    let Some([year, month, day]) = numbers(date, '-', [4, 2, 2]) else { return false };
    let Some([hour, minute, second]) = time.map_or(Some([0, 0, 0]), |time| numbers(time, ':', [2, 2, 2])) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=12).contains(&month) && (1..=days).contains(&day) && hour < 24 && minute < 60 && second < 60
}

/// Three numbers of exactly the given digits, split by `separator`.
fn numbers(text: &str, separator: char, widths: [usize; 3]) -> Option<[u32; 3]> {
    let mut parts = text.split(separator);
    let mut out = [0; 3];
    for (slot, width) in out.iter_mut().zip(widths) {
        let part = parts.next().filter(|p| p.len() == width && p.bytes().all(|b| b.is_ascii_digit()))?;
        *slot = part.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// The furthest back `now - N` may go: a thousand years, so that the moment is still written
/// with four digits of year, as the wire and the browser's input take it.
const MAX_AGO_SECONDS: u64 = 1000 * 366 * 86_400;

/// Gradio's relative times: `now`, or `now - N` and a unit (`d`, `h`, `m`, `s`): how many
/// seconds before now (at most a thousand years).
pub fn parse_now(text: &str) -> Option<u64> {
    let rest = text.trim().strip_prefix("now")?.trim();
    if rest.is_empty() {
        return Some(0);
    }
    let amount = rest.strip_prefix('-')?.trim();
    let unit = amount.chars().last()?;
    let count: u64 = amount[..amount.len() - unit.len_utf8()].trim().parse().ok()?;
    let seconds = match unit {
        'd' => 86_400,
        'h' => 3_600,
        'm' => 60,
        's' => 1,
        _ => return None,
    };
    count.checked_mul(seconds).filter(|ago| *ago <= MAX_AGO_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_read_as_gradio_writes_them() {
        assert!(is_date_time("2024-02-29 23:59:07", true));
        assert!(is_date_time("2024-02-29", false));
        for bad in [
            "2023-02-29 00:00:00",
            "2024-13-01 00:00:00",
            "2024-04-31 00:00:00",
            "2024-01-01 24:00:00",
            "2024-1-01 00:00:00",
            "2024-01-01T00:00:00",
            "2024-01-01",
            "2024-01-01 00:00",
            "1900-02-29 00:00:00",
        ] {
            assert!(!is_date_time(bad, true), "{bad}");
        }
        assert!(!is_date_time("2024-01-01 00:00:00", false), "a time where only a date is taken");
        assert!(is_date_time("2000-02-29 00:00:00", true), "2000 is a leap year");
    }

    #[test]
    fn relative_times_are_gradios() {
        assert_eq!(parse_now("now"), Some(0));
        assert_eq!(parse_now(" now - 2h "), Some(7200));
        assert_eq!(parse_now("now-3d"), Some(3 * 86_400));
        assert_eq!(parse_now("now - 10 m"), Some(600));
        assert_eq!(parse_now("now - 365000d"), Some(365_000 * 86_400));
        for bad in ["now + 2h", "now - h", "now - 2w", "later", "now - 99999999999999999999d", "now - 400000d"] {
            assert_eq!(parse_now(bad), None, "{bad}");
        }
        let field = DateTime::default();
        assert_eq!(field.validate(&Value::Text("now - 1d".into())), Ok(()));
        assert_eq!(
            field.validate(&Value::Text("01/02/2024".into())).unwrap_err().to_string(),
            "\"01/02/2024\" is not a date and time: give YYYY-MM-DD HH:MM:SS, or now, or now - 2h"
        );
    }
}
