//! DateTime's widget: the browser's date-and-time (or date) input. Gradio's text on the wire,
//! `2020-10-01 05:20:15`, is `2020-10-01T05:20:15` in the input.

use leptos::prelude::*;
use rheo_shared::{
    components::{is_date_time, DateTime},
    Value,
};

use super::{Field, Widget};

impl Widget for DateTime {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let include_time = self.include_time;
        let commit = f.commit();
        let value = f.value;
        let shown = move || value.with(|v| input_text(v, include_time));
        let on_input = move |ev: leptos::ev::Event| {
            let typed = event_target_value(&ev);
            commit(wire_value(&typed, include_time));
        };
        let control = view! {
            <input type=if include_time { "datetime-local" } else { "date" } step=include_time.then_some("1")
                id=f.id.clone() readonly=f.readonly()
                value=shown() prop:value=shown on:input=on_input/>
        };
        f.labelled("datetime", control)
    }
}

/// The input's text for a value: a date (and time) it can show, else empty (`now - 2h`, which
/// only API clients send, has no place in it).
fn input_text(value: &Value, include_time: bool) -> String {
    match value {
        Value::Text(text) if is_date_time(text, include_time) => text.replacen(' ', "T", 1),
        _ => String::new(),
    }
}

/// The wire's value for what the input holds: Chromium leaves out seconds that are zero
/// (`2020-10-01T05:20`), which Gradio's format writes.
fn wire_value(typed: &str, include_time: bool) -> Value {
    let text = match typed.split_once('T') {
        Some((date, time)) if include_time => {
            let time: String = time.chars().take(8).collect();
            format!("{date} {time}{}", if time.len() == 5 { ":00" } else { "" })
        }
        _ => typed.to_owned(),
    };
    if is_date_time(&text, include_time) {
        Value::Text(text)
    } else {
        Value::Null
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_and_the_wire_write_times_each_their_way() {
        let wire = Value::Text("2020-10-01 05:20:15".into());
        assert_eq!(input_text(&wire, true), "2020-10-01T05:20:15");
        assert_eq!(wire_value("2020-10-01T05:20:15", true), wire);
        assert_eq!(wire_value("2020-10-01T05:20", true), Value::Text("2020-10-01 05:20:00".into()));
        assert_eq!(wire_value("2020-10-01T05:20:15.250", true), wire);
        assert_eq!(wire_value("2020-10-01", false), Value::Text("2020-10-01".into()));
        assert_eq!(wire_value("", true), Value::Null, "a cleared field");
        assert_eq!(input_text(&Value::Text("now - 2h".into()), true), "");
    }
}
