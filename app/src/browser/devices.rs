//! What the camera and the microphone share: asking for a device with `getUserMedia` (the
//! camera with the author's constraints and the person's choice among several), explaining in
//! words why it failed, and releasing it.

use js_sys::{Object, Reflect};
use rheo_shared::WebcamConstraints;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamConstraints};

use crate::words::{tr, words, Text};

/// The camera or the microphone, as the messages name it.
#[derive(Clone, Copy)]
pub(crate) enum Device {
    Camera,
    Microphone,
}

/// What the page says of a device: why it has none, and how its stream goes.
#[derive(Clone, Copy)]
pub(crate) enum Says {
    NotHere,
    Refused,
    NotFound,
    Busy,
    Unfit,
    Failed,
    Starting,
    Restart,
}

impl Device {
    /// Its text for `what`: each device has its own sentences, which languages inflect.
    pub(crate) fn says(self, what: Says) -> Text {
        match (self, what) {
            (Device::Camera, Says::NotHere) => Text::NoCameraHere,
            (Device::Camera, Says::Refused) => Text::CameraRefused,
            (Device::Camera, Says::NotFound) => Text::NoCamera,
            (Device::Camera, Says::Busy) => Text::CameraBusy,
            (Device::Camera, Says::Unfit) => Text::CameraUnfit,
            (Device::Camera, Says::Failed) => Text::CameraFailed,
            (Device::Camera, Says::Starting) => Text::StartingCamera,
            (Device::Camera, Says::Restart) => Text::RestartCamera,
            (Device::Microphone, Says::NotHere) => Text::NoMicrophoneHere,
            (Device::Microphone, Says::Refused) => Text::MicrophoneRefused,
            (Device::Microphone, Says::NotFound) => Text::NoMicrophone,
            (Device::Microphone, Says::Busy) => Text::MicrophoneBusy,
            (Device::Microphone, Says::Unfit) => Text::MicrophoneUnfit,
            (Device::Microphone, Says::Failed) => Text::MicrophoneFailed,
            (Device::Microphone, Says::Starting) => Text::StartingMicrophone,
            (Device::Microphone, Says::Restart) => Text::RestartMicrophone,
        }
    }
}

/// What the page asks of the camera: the author's constraints, and the camera the person
/// chose, if the machine has several.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct CameraRequest {
    pub(crate) constraints: WebcamConstraints,
    pub(crate) device_id: Option<String>,
}

impl CameraRequest {
    /// As `getUserMedia`'s video constraints: the author's as preferences (`ideal`), the
    /// chosen camera as a demand (`exact`), which then stands for the facing too.
    fn to_js(&self) -> JsValue {
        let video = Object::new();
        let set = |key: &str, rule: &str, value: JsValue| {
            let inner = Object::new();
            let _ = Reflect::set(&inner, &rule.into(), &value);
            let _ = Reflect::set(&video, &key.into(), &inner);
        };
        let WebcamConstraints { width, height, frame_rate, facing } = &self.constraints;
        if let Some(width) = width {
            set("width", "ideal", (*width).into());
        }
        if let Some(height) = height {
            set("height", "ideal", (*height).into());
        }
        if let Some(rate) = frame_rate {
            set("frameRate", "ideal", (*rate).into());
        }
        match (&self.device_id, facing) {
            (Some(id), _) => set("deviceId", "exact", id.as_str().into()),
            (None, Some(facing)) => set("facingMode", "ideal", facing.mode().into()),
            (None, None) => {}
        }
        video.into()
    }
}

/// Asks for the camera, and the microphone with it if `with_microphone`; the error says, in
/// words a user can act on, why there is none.
pub(crate) async fn open_camera(request: &CameraRequest, with_microphone: bool) -> Result<MediaStream, String> {
    let audio = if with_microphone { microphone_constraints() } else { JsValue::FALSE };
    open(Device::Camera, &request.to_js(), &audio).await
}

/// Asks for the microphone; the error says why there is none.
pub(crate) async fn open_microphone() -> Result<MediaStream, String> {
    open(Device::Microphone, &JsValue::FALSE, &microphone_constraints()).await
}

/// The sound as it is, for the handler to hear: no noise suppression, which takes a steady sound
/// for noise and turns it down by 19 dB within 3 s (a tone, a hum a model should hear), and no
/// automatic gain, which changes the level under the handler. Echo cancellation stays: a reply
/// played on the speakers must not come back as the person talking over it.
fn microphone_constraints() -> JsValue {
    let audio = Object::new();
    for (key, on) in [("echoCancellation", true), ("noiseSuppression", false), ("autoGainControl", false)] {
        let _ = Reflect::set(&audio, &key.into(), &on.into());
    }
    audio.into()
}

async fn open(device: Device, video: &JsValue, audio: &JsValue) -> Result<MediaStream, String> {
    let devices = media_devices().map_err(|_| tr(device.says(Says::NotHere)))?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(video);
    constraints.set_audio(audio);
    let asked = devices.get_user_media_with_constraints(&constraints).map_err(|e| explain(e, device))?;
    Ok(JsFuture::from(asked).await.map_err(|e| explain(e, device))?.unchecked_into())
}

fn media_devices() -> Result<web_sys::MediaDevices, String> {
    let window = web_sys::window().ok_or("no browser window")?;
    window.navigator().media_devices().map_err(|_| "no media devices".to_string())
}

/// The cameras the browser tells of, as (device id, label); labels are known once the page
/// may use a camera. Empty when it cannot tell.
pub(crate) async fn cameras() -> Vec<(String, String)> {
    let Ok(listed) = media_devices().and_then(|d| d.enumerate_devices().map_err(|_| String::new())) else {
        return Vec::new();
    };
    let Ok(list) = JsFuture::from(listed).await else { return Vec::new() };
    let text = |info: &JsValue, key: &str| Reflect::get(info, &key.into()).ok().and_then(|v| v.as_string());
    js_sys::Array::from(&list)
        .iter()
        .filter(|info| text(info, "kind").as_deref() == Some("videoinput"))
        .filter_map(|info| Some((text(&info, "deviceId").filter(|id| !id.is_empty())?, text(&info, "label")?)))
        .collect()
}

/// Stops every track, which releases the device (the browser's indicator goes off).
pub(crate) fn release(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<web_sys::MediaStreamTrack>().stop();
    }
}

fn explain(error: JsValue, device: Device) -> String {
    let field = |key: &str| Reflect::get(&error, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let kind = field("name");
    let words = words();
    match kind.as_str() {
        "OverconstrainedError" if !field("constraint").is_empty() => {
            words.fill(device.says(Says::Unfit), &[("constraint", &field("constraint"))])
        }
        "NotAllowedError" | "SecurityError" => tr(device.says(Says::Refused)),
        "NotFoundError" | "OverconstrainedError" => tr(device.says(Says::NotFound)),
        "NotReadableError" | "AbortError" => tr(device.says(Says::Busy)),
        _ => words.fill(device.says(Says::Failed), &[("error", &kind)]),
    }
}
