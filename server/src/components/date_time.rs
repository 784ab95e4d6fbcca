//! [`DateTime`]: a date and time ([`NaiveDateTime`]), or a date ([`NaiveDate`]).

use std::marker::PhantomData;

use chrono::{Local, NaiveDate, NaiveDateTime, TimeDelta};
use rheo_shared::{
    components::{self, date_format, is_date_time, parse_now},
    ComponentKind, ComponentSpec, Value, ValueError,
};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, private, Common, Component, Contract, Output, Shown};
use crate::engine::value::{ComponentValue, Payload};

/// The format of a date and time on the wire, as Gradio writes it.
const DATE_TIME: &str = "%Y-%m-%d %H:%M:%S";
/// The format of a date alone.
const DATE: &str = "%Y-%m-%d";

/// A date and time field: the handler gets a [`NaiveDateTime`] (the time as written, without a
/// time zone), or a [`NaiveDate`] with [`DateTime::date_only`]. It starts empty, so an input
/// needs a value (or `.value(..)`). API clients send Gradio's text, `2020-10-01 05:20:15`, or
/// `now`, `now - 2h` (`d`, `h`, `m`, `s`), read in the server's local time.
///
/// ```
/// use rheo::{chrono::NaiveDate, DateTime};
///
/// let start = DateTime::new().label("start");
/// let day = DateTime::new().date_only().value(NaiveDate::from_ymd_opt(2026, 12, 24).unwrap());
/// # let _ = (start, day);
/// ```
#[derive(Clone, Debug)]
pub struct DateTime<T = NaiveDateTime> {
    common: Common,
    options: components::DateTime,
    value: PhantomData<fn() -> T>,
}

impl DateTime {
    /// A date and time field.
    pub fn new() -> Self {
        DateTime { common: Common::default(), options: components::DateTime::default(), value: PhantomData }
    }

    /// A date field, without the time of day; the handler gets a [`NaiveDate`]. A starting
    /// value given before keeps its date.
    pub fn date_only(mut self) -> DateTime<NaiveDate> {
        if let Some(Value::Text(moment)) = &mut self.common.value {
            moment.truncate(date_format(false).len());
        }
        let options = components::DateTime { include_time: false };
        DateTime { common: self.common, options, value: PhantomData }
    }
}

impl Default for DateTime {
    fn default() -> Self {
        Self::new()
    }
}

builder_basics!(DateTime<T>);

impl<T: ComponentValue> DateTime<T> {
    /// The value the field starts with (and returns to on Clear).
    pub fn value(mut self, value: impl Into<T>) -> Self {
        if let Payload::Json(value) = value.into().into_payload() {
            self.common.value = Some(value);
        }
        self
    }
}

impl<T> private::Sealed for DateTime<T> {}

impl<T: ComponentValue> Component for DateTime<T> {
    type Value = T;

    fn into_spec(self) -> ComponentSpec {
        self.common.spec(ComponentKind::DateTime(self.options))
    }
}

impl<T: ComponentValue> Shown for DateTime<T> {}

/// The moment `text` names: a date (and time) as written, or Gradio's `now - N`.
fn read(text: &str, include_time: bool) -> Result<NaiveDateTime, ValueError> {
    let not_one = || ValueError::not_a_date_time(text, include_time);
    if let Some(seconds_ago) = parse_now(text) {
        let ago = i64::try_from(seconds_ago).ok().and_then(TimeDelta::try_seconds).ok_or_else(not_one)?;
        return Local::now().naive_local().checked_sub_signed(ago).ok_or_else(not_one);
    }
    if !is_date_time(text, include_time) {
        return Err(not_one());
    }
    match include_time {
        true => NaiveDateTime::parse_from_str(text, DATE_TIME).map_err(|_| not_one()),
        false => {
            NaiveDate::parse_from_str(text, DATE).map(|day| day.and_time(Default::default())).map_err(|_| not_one())
        }
    }
}

macro_rules! date_time_value {
    ($type:ty, $format:expr, $include_time:literal, $from:expr) => {
        impl ComponentValue for $type {
            fn from_payload(payload: Payload) -> Result<Self, ValueError> {
                match payload {
                    Payload::Json(Value::Text(text)) => read(&text, $include_time).map($from),
                    other => Err(ValueError::WrongType { expected: "a date as text", got: other.kind_name() }),
                }
            }

            fn into_payload(self) -> Payload {
                Payload::Json(Value::Text(self.format($format).to_string()))
            }
        }

        impl Output<DateTime<$type>> for $type {
            fn into_payload(self) -> Payload {
                ComponentValue::into_payload(self)
            }
        }
    };
}

date_time_value!(NaiveDateTime, DATE_TIME, true, |moment| moment);
date_time_value!(NaiveDate, DATE, false, |moment: NaiveDateTime| moment.date());

impl Contract for components::DateTime {
    fn class_name(&self) -> &'static str {
        "DateTime"
    }

    fn props(&self) -> JsonValue {
        json!({ "include_time": self.include_time, "type": "datetime", "timezone": null })
    }

    fn api_info(&self) -> JsonValue {
        json!({ "type": "string", "description": format!("Formatted as {}", date_format(self.include_time)) })
    }

    fn tool_schema(&self) -> JsonValue {
        json!({ "type": "string", "description": format!("a date as {}, or now, or now - 2h", date_format(self.include_time)) })
    }

    fn python_type(&self) -> String {
        "str".into()
    }

    fn example(&self) -> JsonValue {
        json!(if self.include_time { "2020-10-01 05:20:15" } else { "2020-10-01" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Payload {
        Payload::Json(Value::Text(s.into()))
    }

    #[test]
    fn dates_and_times_travel_as_gradios_text() {
        let moment = NaiveDateTime::from_payload(text("2024-02-29 23:59:07")).unwrap();
        assert_eq!(moment.to_string(), "2024-02-29 23:59:07");
        assert_eq!(ComponentValue::into_payload(moment), text("2024-02-29 23:59:07"));
        let day = NaiveDate::from_payload(text("2024-02-29")).unwrap();
        assert_eq!(ComponentValue::into_payload(day), text("2024-02-29"));
        assert_eq!(
            NaiveDate::from_payload(text("2024-02-30")).unwrap_err().to_string(),
            "\"2024-02-30\" is not a date: give YYYY-MM-DD, or now, or now - 2h"
        );
        let before = Local::now().naive_local();
        let two_hours_ago = NaiveDateTime::from_payload(text("now - 2h")).unwrap();
        let gap = before - two_hours_ago;
        assert!(gap >= TimeDelta::hours(2) - TimeDelta::seconds(5) && gap <= TimeDelta::hours(2), "{gap}");
        assert!(NaiveDateTime::from_payload(text("now - 9999999999999d")).is_err(), "past a thousand years");
        let spec = DateTime::new().value(NaiveDateTime::from_payload(text("2024-02-29 23:59:07")).unwrap()).date_only();
        assert_eq!(spec.into_spec().value, Value::Text("2024-02-29".into()), "a date-time's date kept");
    }
}
