//! What the camera and the microphone share: asking for a device with `getUserMedia`,
//! explaining in words why it failed, and releasing it.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DomException, MediaStream, MediaStreamConstraints};

/// The camera or the microphone, as the messages name it.
#[derive(Clone, Copy)]
pub(crate) enum Device {
    Camera,
    Microphone,
}

impl Device {
    fn name(self) -> &'static str {
        match self {
            Device::Camera => "camera",
            Device::Microphone => "microphone",
        }
    }
}

/// Asks for the device; the error says, in words a user can act on, why there is none.
pub(crate) async fn open(device: Device) -> Result<MediaStream, String> {
    let name = device.name();
    let window = web_sys::window().ok_or("no browser window")?;
    let devices = window.navigator().media_devices().map_err(|_| {
        format!("This browser offers no {name} here: pages reach the {name} only over https or on localhost.")
    })?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(&JsValue::from_bool(matches!(device, Device::Camera)));
    constraints.set_audio(&JsValue::from_bool(matches!(device, Device::Microphone)));
    let asked = devices.get_user_media_with_constraints(&constraints).map_err(|e| explain(e, name))?;
    Ok(JsFuture::from(asked).await.map_err(|e| explain(e, name))?.unchecked_into())
}

/// Stops every track, which releases the device (the browser's indicator goes off).
pub(crate) fn release(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<web_sys::MediaStreamTrack>().stop();
    }
}

fn explain(error: JsValue, name: &str) -> String {
    let kind = error.dyn_ref::<DomException>().map(DomException::name).unwrap_or_default();
    match kind.as_str() {
        "NotAllowedError" | "SecurityError" => {
            let mut capitalised = name.to_string();
            capitalised[..1].make_ascii_uppercase();
            format!("{capitalised} access was refused. Allow the {name} for this site in the browser and try again.")
        }
        "NotFoundError" | "OverconstrainedError" => format!("No {name} was found. Connect one and try again."),
        "NotReadableError" | "AbortError" => format!("The {name} is in use by another program, or failed to start."),
        _ => format!("The {name} could not start ({kind})."),
    }
}
