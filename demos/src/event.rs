//! `/event`: plan an event. Its title, start (a DateTime) and colour (a ColorPicker) in; a
//! summary, a reminder a day before (a DateTime) and the text colour that reads best on the
//! event's colour (a ColorPicker, by WCAG's contrast) out.

use rheo::{
    chrono::{NaiveDate, NaiveDateTime, TimeDelta},
    Color, ColorPicker, DateTime, Interface, IntoMounted, Markdown, Textbox,
};

/// Black or white, whichever contrasts more with `background`.
fn readable_on(background: Color) -> Color {
    let (black, white) = (Color::rgb(0, 0, 0), Color::rgb(255, 255, 255));
    if background.contrast(black) >= background.contrast(white) {
        black
    } else {
        white
    }
}

fn plan(title: String, start: NaiveDateTime, colour: Color) -> (String, NaiveDateTime, Color) {
    let title = match title.trim() {
        "" => "Untitled event",
        title => title,
    };
    let reminder = start - TimeDelta::days(1);
    let text = readable_on(colour);
    let summary = format!(
        "**{}** starts on {} at {}; a reminder comes on {} at the same time. On its colour {colour}, \
         {text} text reads at a contrast of {:.1}:1.",
        title.replace('*', "\\*"),
        start.format("%A %-d %B %Y"),
        start.format("%H:%M"),
        reminder.format("%A %-d %B"),
        colour.contrast(text),
    );
    (summary, reminder, text)
}

fn at(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, month, day).and_then(|d| d.and_hms_opt(hour, minute, 0)).expect("a valid date")
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(plan)
        .inputs((
            Textbox::new().label("title").max_length(200),
            DateTime::new().label("start").value(at(2026, 12, 24, 19, 30)),
            ColorPicker::new().label("colour").value(Color::rgb(0xff, 0x80, 0x00)),
        ))
        .outputs((
            Markdown::new().label("summary"),
            DateTime::new().label("reminder"),
            ColorPicker::new().label("text colour"),
        ))
        .title("Plan an event")
        .description("Give an event a start and a colour: it gets a reminder a day before, and the text colour that reads best on its colour.")
        .examples([
            ("Launch party".to_string(), at(2026, 12, 24, 19, 30), Color::rgb(0xff, 0x80, 0x00)),
            ("Board meeting".to_string(), at(2027, 3, 1, 9, 0), Color::rgb(0x1c, 0x4a, 0x7a)),
        ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_gets_a_reminder_and_a_readable_text_colour() {
        let (summary, reminder, text) = plan("Launch".into(), at(2026, 3, 1, 9, 0), Color::rgb(0x1c, 0x4a, 0x7a));
        assert_eq!(reminder, at(2026, 2, 28, 9, 0));
        assert_eq!(text, Color::rgb(255, 255, 255), "white on dark blue");
        assert!(summary.starts_with("**Launch** starts on Sunday 1 March 2026 at 09:00"), "{summary}");
        assert!(summary.contains("Saturday 28 February"), "{summary}");
        assert_eq!(readable_on(Color::rgb(0xff, 0xd8, 0xa8)), Color::rgb(0, 0, 0));
        assert!(plan(" ".into(), at(2026, 1, 1, 0, 0), Color::default()).0.starts_with("**Untitled event**"));
    }
}
