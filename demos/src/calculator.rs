//! Gradio's live calculator: recomputes on every change, no Submit button.

use rheo::{Interface, IntoMounted, Language, Number, Radio};

pub(crate) fn calculator(num1: f64, operation: String, num2: f64) -> Result<f64, String> {
    match operation.as_str() {
        "add" => Ok(num1 + num2),
        "subtract" => Ok(num1 - num2),
        "multiply" => Ok(num1 * num2),
        "divide" if num2 == 0.0 => Err("Cannot divide by zero.".into()),
        "divide" => Ok(num1 / num2),
        other => Err(format!("Unknown operation {other:?}.")),
    }
}

#[allow(clippy::approx_constant)] // 3.14 is an example a person types, as in Gradio's guide
pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(calculator)
        .inputs((
            Number::new().label("num1").info("The number on the left."),
            Radio::new(["add", "subtract", "multiply", "divide"]).label("operation"),
            Number::new().label("num2").info("The number on the right."),
        ))
        .outputs(Number::new().label("output"))
        .live(true)
        .title("Calculator")
        .description("A live calculator: change any input and the result follows, no button needed.")
        .examples([
            (45.0, "add".to_string(), 3.0),
            (3.14, "divide".to_string(), 2.0),
            (144.0, "multiply".to_string(), 2.5),
            (0.0, "subtract".to_string(), 1.2),
        ])
}

/// The calculator's own words in French; Rheo's (its buttons, its messages) are shipped.
pub(crate) fn in_french() -> Language {
    Language::new("fr")
        .phrase("Calculator", "Calculatrice")
        .phrase(
            "A live calculator: change any input and the result follows, no button needed.",
            "Une calculatrice en direct : changez une entrée et le résultat suit, sans bouton.",
        )
        .phrase("The number on the left.", "Le nombre de gauche.")
        .phrase("The number on the right.", "Le nombre de droite.")
        .phrase("operation", "opération")
        .phrase("output", "résultat")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_each_operation() {
        assert_eq!(calculator(3.0, "multiply".into(), 4.0), Ok(12.0));
        assert_eq!(calculator(3.0, "add".into(), 4.0), Ok(7.0));
        assert_eq!(calculator(3.0, "subtract".into(), 4.0), Ok(-1.0));
        assert_eq!(calculator(3.0, "divide".into(), 4.0), Ok(0.75));
    }

    #[test]
    fn dividing_by_zero_is_an_error_not_infinity() {
        assert_eq!(calculator(1.0, "divide".into(), 0.0), Err("Cannot divide by zero.".into()));
    }
}
