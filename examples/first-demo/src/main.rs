//! The README's calculator and a webcam flip, as a new user writes them: `cargo run`, then
//! open the printed URL.

use std::time::Duration;

use rheo::{
    image::{imageops, RgbImage},
    Image, ImageSource, Interface, Number, Radio, Registry,
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
    Registry::new().mount("calculator", calculator).mount("flip", flip).serve().await
}
