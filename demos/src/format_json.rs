//! `/format_json`: JSON in a Code editor, formatted (indented as chosen, keys in order) into a
//! Code output; a mistake is named by its line and column.

use rheo::{
    serde_json::{self, ser::PrettyFormatter},
    Code, CodeLanguage, Interface, IntoMounted, Radio,
};
use serde::Serialize;

const INDENTS: [&str; 4] = ["2 spaces", "4 spaces", "tab", "minified"];

fn format_json(code: String, indent: String) -> Result<String, String> {
    let value: serde_json::Value = serde_json::from_str(&code)
        .map_err(|e| format!("This is not JSON: line {}, column {}: {e}", e.line(), e.column()))?;
    let indent: &[u8] = match indent.as_str() {
        "4 spaces" => b"    ",
        "tab" => b"\t",
        "minified" => return Ok(value.to_string()),
        _ => b"  ",
    };
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PrettyFormatter::with_indent(indent));
    value.serialize(&mut serializer).map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

pub(crate) fn interface() -> impl IntoMounted {
    Interface::new(format_json)
        .inputs((
            Code::new().language(CodeLanguage::Json).lines(8).label("JSON"),
            Radio::new(INDENTS).label("indent").value("2 spaces"),
        ))
        .outputs(Code::new().language(CodeLanguage::Json).lines(8).label("formatted"))
        .title("Format JSON")
        .description("Paste JSON: it comes back indented, its keys in order, or minified; a mistake is named by its line and column.")
        .examples([
            (r#"{"name": "Ada", "born": 1815, "notes": ["first program", null, true]}"#.to_string(), "2 spaces".to_string()),
            ("[1, 2.5, {\"b\": 1, \"a\": \"é\"}]".to_string(), "minified".to_string()),
        ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_indented_sorted_or_minified_and_mistakes_are_placed() {
        assert_eq!(
            format_json(r#"{"b": [1], "a": "é"}"#.into(), "2 spaces".into()).unwrap(),
            "{\n  \"a\": \"é\",\n  \"b\": [\n    1\n  ]\n}"
        );
        assert_eq!(format_json("{\"a\": 1}".into(), "tab".into()).unwrap(), "{\n\t\"a\": 1\n}");
        assert_eq!(format_json("[1, 2]".into(), "minified".into()).unwrap(), "[1,2]");
        let mistake = format_json("{\n  \"a\": 1,\n}".into(), "2 spaces".into()).unwrap_err();
        assert!(mistake.starts_with("This is not JSON: line 3, column 1:"), "{mistake}");
    }
}
