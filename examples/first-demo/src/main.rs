//! The README's calculator, webcam flip and Blocks doubler, as a new user writes them from the
//! docs: `cargo run`, then open the printed URL.

use std::time::Duration;

use rheo::{
    image::{imageops, RgbImage},
    Blocks, Button, Image, ImageSource, Interface, Number, Radio, Registry, Textbox,
};

fn calculator(num1: f64, operation: String, num2: f64) -> Result<f64, String> {
    match operation.as_str() {
        "add" => Ok(num1 + num2),
        "subtract" => Ok(num1 - num2),
        "multiply" => Ok(num1 * num2),
        "divide" if num2 == 0.0 => Err("Cannot divide by zero.".into()),
        "divide" => Ok(num1 / num2),
        other => Err(format!("Unknown operation {other:?}.")),
    }
}

fn flip(frame: RgbImage) -> RgbImage {
    imageops::flip_vertical(&frame)
}

fn double(x: f64) -> f64 {
    2.0 * x
}

fn describe(x: f64) -> String {
    format!("the double is {x}")
}

fn doubler() -> Blocks {
    let mut app = Blocks::new().title("Doubler");
    app.markdown("Type a number, then **Double** it.");
    let (x, doubled) = app.row(|app| (app.add(Number::new().label("x")), app.add(Number::new().label("doubled"))));
    let words = app.tab("In words", |app| app.add(Textbox::new()));
    let go = app.add(Button::new("Double").primary());
    // A click runs `double`; when it succeeds, `describe` runs on its result.
    app.on(go.click(), double, x, doubled).api_name("double").success(describe, doubled, words);
    app.on(x.change(), double, x, doubled).private();
    app
}

#[tokio::main]
async fn main() -> Result<(), rheo::ServeError> {
    let calculator = Interface::new(calculator)
        .inputs((
            Number::new().label("num1"),
            Radio::new(["add", "subtract", "multiply", "divide"]).label("operation"),
            Number::new().label("num2"),
        ))
        .outputs(Number::new().label("output"))
        .live(true);
    let flip = Interface::new(flip)
        .inputs(Image::new().sources([ImageSource::Webcam]).streaming(true))
        .outputs(Image::new())
        .live(true)
        .stream_every(Duration::from_millis(100));
    Registry::new().mount("calculator", calculator).mount("flip", flip).mount("doubler", doubler()).serve().await
}
