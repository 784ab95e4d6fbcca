//! Property tests of the decoders of outside bytes in the shared protocol: the stream's frames,
//! answers and control messages, and the values clients send for inputs (Gradio's join and call
//! bodies, Rheo's run body, a stream's start). Whatever arrives gets a result or a clear error,
//! never a panic. Bounded in the test command (`PROPTEST_CASES`, 256 by default);
//! `scripts/fuzz.sh` runs them with many more cases.

use proptest::{collection::vec, prelude::*};
use rheo_shared::{
    check_values,
    protocol::stream::{decode_answer, decode_frame, encode_frame, ClientMessage},
    ComponentSpec, Value,
};
use serde_json::{json, Value as Json};

/// JSON of every shape, leaning towards the shapes the server reads (files, classifications)
/// and the numbers that break things (huge, tiny, negative zero).
fn any_json() -> impl Strategy<Value = Json> {
    let number = prop_oneof![
        any::<f64>().prop_filter("JSON has no NaN or infinity", |x| x.is_finite()),
        Just(1.79e308),
        Just(-0.0),
        Just(5e-324),
        any::<i64>().prop_map(|x| x as f64),
    ];
    let key = prop_oneof![
        Just("path".to_owned()),
        Just("url".to_owned()),
        Just("size".to_owned()),
        Just("meta".to_owned()),
        Just("label".to_owned()),
        Just("confidences".to_owned()),
        Just("confidence".to_owned()),
        Just("orig_name".to_owned()),
        ".{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number.prop_map(|x| json!(x)),
        ".{0,40}".prop_map(Json::String),
        Just(json!("../../../../etc/passwd")),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Json::Array),
            vec((key.clone(), inner), 0..6).prop_map(|pairs| Json::Object(pairs.into_iter().collect())),
        ]
    })
}

/// One component of every kind, with options that bound their values.
fn components() -> Vec<ComponentSpec> {
    let specs = json!([
        {"label": "number", "kind": {"number": {"minimum": -5.0, "maximum": 5.0, "step": null}}},
        {"label": "slider", "kind": {"slider": {"minimum": 0.0, "maximum": 10.0, "step": 0.5}}},
        {"label": "radio", "kind": {"radio": {"choices": ["a", "b"]}}},
        {"label": "dropdown", "kind": {"dropdown": {"choices": ["x"]}}},
        {"label": "textbox", "kind": {"textbox": {"lines": 1, "placeholder": null, "max_length": 8}}},
        {"label": "checkbox", "kind": {"checkbox": {}}},
        {"label": "label", "kind": {"label": {}}},
        {"label": "image", "kind": {"image": {"sources": ["upload"], "streaming": false, "jpeg_quality": 0.8}}},
        {"label": "audio", "kind": {"audio": {"sources": ["upload"], "streaming": false, "autoplay": false}}},
        {"label": "markdown", "kind": {"markdown": {}}},
        {"label": "json", "kind": {"json": {}}},
        {"label": "state", "kind": {"state": {}}},
    ]);
    serde_json::from_value(specs).expect("the specs above are well formed")
}

proptest! {
    #[test]
    fn any_bytes_are_a_frame_or_an_error(bytes in vec(any::<u8>(), 0..64)) {
        match decode_frame(&bytes) {
            Ok((seq, media)) => {
                prop_assert_eq!(encode_frame(seq, media), bytes);
            }
            Err(e) => prop_assert!(bytes.len() < 4 && !e.to_string().is_empty()),
        }
    }

    #[test]
    fn any_bytes_are_an_answer_or_an_error(bytes in vec(any::<u8>(), 0..256), media in any::<u8>()) {
        if let Ok(answer) = decode_answer(&bytes) {
            let _ = answer.outputs(|index, json| {
                (serde_json::from_value(json).unwrap_or_default(), media >> (index % 8) & 1 == 1)
            });
        }
    }

    #[test]
    fn an_answer_whose_sizes_lie_is_an_error(
        size in any::<u32>(),
        actual in vec(any::<u8>(), 0..64),
        seq in any::<u32>(),
    ) {
        // A file value declaring `size` bytes, followed by `actual` bytes.
        let json = serde_json::to_vec(&json!([{"path": "p", "size": size}])).unwrap();
        let mut message = seq.to_le_bytes().to_vec();
        message.extend_from_slice(&(json.len() as u32).to_le_bytes());
        message.extend_from_slice(&json);
        message.extend_from_slice(&actual);
        let answer = decode_answer(&message).unwrap();
        match answer.outputs(|_, json| (serde_json::from_value(json).unwrap(), true)) {
            Ok(outputs) => prop_assert_eq!(&outputs[0].1, &vec![&actual[..]]),
            Err(_) => prop_assert!(size as usize != actual.len()),
        }
    }

    #[test]
    fn any_text_is_a_control_message_or_an_error(text in ".{0,200}") {
        let _ = serde_json::from_str::<ClientMessage>(&text);
    }

    #[test]
    fn any_json_is_a_control_message_or_an_error(data in any_json(), kind in prop_oneof![Just("start"), Just("inputs")]) {
        let _ = serde_json::from_value::<ClientMessage>(json!({"type": kind, "data": data, "session": data}));
    }

    #[test]
    fn any_values_are_checked_against_every_component(values in vec(any_json(), 0..14)) {
        let components = components();
        // As the transports read a body's `data`: values, then checked.
        let values: Vec<Value> = values.into_iter().map(|v| serde_json::from_value(v).unwrap_or_default()).collect();
        let checked = check_values(&components, &values);
        if let Err(misfits) = checked {
            prop_assert!(misfits.iter().all(|m| !m.reason.is_empty()));
        }
        for (component, value) in components.iter().zip(&values) {
            if let Err(e) = component.validate(value) {
                prop_assert!(!e.to_string().is_empty());
            }
            let _ = component.read_value(serde_json::to_value(value).unwrap());
        }
    }
}
