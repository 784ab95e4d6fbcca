//! A non-live demo: nothing runs until Submit is pressed.

use rheo::{Checkbox, Interface, IntoMounted, Slider, Textbox};

pub(crate) fn greet(name: String, intensity: f64, shout: bool) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Please enter a name.".into());
    }
    let greeting = format!("Hello, {name}{}", "!".repeat(intensity as usize));
    Ok(if shout { greeting.to_uppercase() } else { greeting })
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(greet)
        .inputs((
            Textbox::new().label("name").placeholder("Your name").max_length(100),
            Slider::new(1.0, 10.0).label("intensity").value(1.0),
            Checkbox::new().label("shout"),
        ))
        .outputs(Textbox::new().label("greeting"))
        .title("Greeting")
        .description("Type a name, choose how excited to be, and press Submit.")
        .examples([("Ada".to_string(), 3.0, false), ("Grace".to_string(), 1.0, true)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_with_intensity_and_shouting() {
        assert_eq!(greet("Ada".into(), 3.0, false), Ok("Hello, Ada!!!".into()));
        assert_eq!(greet(" Ada ".into(), 1.0, true), Ok("HELLO, ADA!".into()));
        assert!(greet("  ".into(), 1.0, false).is_err());
    }
}
