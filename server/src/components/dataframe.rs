//! [`Dataframe`]: a table of typed columns ([`Table`]), edited or shown sortable.

use rheo_shared::{
    components::{self, Count},
    ColumnType, Table, Value, ValueError,
};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, Common, Contract};
use crate::engine::value::{ComponentValue, Payload};

/// A table ([`Table`]: headers, and rows of [`Cell`](crate::Cell)s). As an input, the user
/// edits its cells (numbers as numbers, true or false with a checkbox) and adds and removes
/// rows and columns unless their counts are fixed; as an output, a table whose columns sort
/// by a click on their header. The server's [`Limits`](crate::Limits) bound its rows, columns
/// and cells.
///
/// ```
/// use rheo::{Cell, ColumnType, Dataframe, Table};
///
/// let cities = Table::new(["city", "°C"]).row([Cell::from("Oslo"), 6.1.into()]).row([Cell::from("Rome"), 15.8.into()]);
/// let input = Dataframe::new().headers(["city", "°C"]).datatypes([ColumnType::Str, ColumnType::Number]).value(cities);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Dataframe {
    common: Common,
    options: components::Dataframe,
}

builder_basics!(Dataframe => Table);
component_impl!(Dataframe => Table, Dataframe);

impl Dataframe {
    /// A table of three text columns named "1", "2" and "3", whose rows and columns the user
    /// may add and remove.
    pub fn new() -> Self {
        Self::default()
    }

    /// The columns' names; as many columns as names.
    pub fn headers<H: Into<String>>(mut self, headers: impl IntoIterator<Item = H>) -> Self {
        self.options.headers = headers.into_iter().map(Into::into).collect();
        self.options.columns.count = self.options.headers.len();
        self
    }

    /// Each column's type, by position (a column past the list is text).
    pub fn datatypes(mut self, types: impl IntoIterator<Item = ColumnType>) -> Self {
        self.options.datatypes = types.into_iter().collect();
        self
    }

    /// How many rows it shows when empty (Gradio's `row_count`, default 3).
    pub fn row_count(mut self, rows: usize) -> Self {
        self.options.rows.count = rows;
        self
    }

    /// How many columns it has without headers (Gradio's `column_count`, default 3).
    pub fn column_count(mut self, columns: usize) -> Self {
        self.options.columns.count = columns;
        self
    }

    /// The user may not add or remove rows.
    pub fn fixed_rows(mut self) -> Self {
        self.options.rows.fixed = true;
        self
    }

    /// The user may not add or remove columns.
    pub fn fixed_columns(mut self) -> Self {
        self.options.columns.fixed = true;
        self
    }
}

impl ComponentValue for Table {
    fn from_payload(payload: Payload) -> Result<Self, ValueError> {
        match payload {
            // Checked against the component's limits before the handler is called.
            Payload::Json(Value::Json(json)) => Table::read(&json),
            other => Err(ValueError::WrongType { expected: "a table", got: other.kind_name() }),
        }
    }

    fn into_payload(self) -> Payload {
        Payload::Json(Value::Json(self.to_json()))
    }
}

/// Gradio's `[n, "dynamic" | "fixed"]`.
fn count(count: Count) -> JsonValue {
    json!([count.count, if count.fixed { "fixed" } else { "dynamic" }])
}

impl Contract for components::Dataframe {
    fn class_name(&self) -> &'static str {
        "Dataframe"
    }

    /// Gradio's props for `type="array"` (a list of rows, what a [`Table`] is); `col_count`
    /// is Gradio's copy of `column_count`, and `datatype` one name for all columns when they
    /// are all text.
    fn props(&self) -> JsonValue {
        let columns = self.column_names().len();
        let datatype = match self.datatypes.is_empty() {
            true => json!("str"),
            false => json!((0..columns).map(|c| self.column_type(c)).collect::<Vec<_>>()),
        };
        json!({
            "headers": self.column_names(),
            "row_count": count(self.rows),
            "col_count": count(self.columns),
            "column_count": count(self.columns),
            "datatype": datatype,
            "type": "array",
            "latex_delimiters": [{ "left": "$$", "right": "$$", "display": true }],
            "max_height": 500,
            "wrap": false,
            "line_breaks": true,
            "column_widths": [],
            "show_row_numbers": false,
            "show_search": "none",
            "static_columns": [],
        })
    }

    /// Gradio's `DataframeData`.
    fn api_info(&self) -> JsonValue {
        json!({
            "properties": {
                "headers": { "items": {}, "title": "Headers", "type": "array" },
                "data": { "items": { "items": {}, "type": "array" }, "title": "Data", "type": "array" },
                "metadata": {
                    "anyOf": [
                        {
                            "additionalProperties": { "anyOf": [{ "items": {}, "type": "array" }, { "type": "null" }] },
                            "type": "object",
                        },
                        { "type": "null" },
                    ],
                    "default": null,
                    "title": "Metadata",
                },
            },
            "required": ["headers", "data"],
            "title": "DataframeData",
            "type": "object",
        })
    }

    /// The table with its bounds and its cells' types, for an agent to fill.
    fn tool_schema(&self) -> JsonValue {
        let cell = json!({ "type": ["string", "number", "boolean", "null"] });
        json!({
            "type": "object",
            "description": format!("a table: the columns' names ({}), and rows of cells", self.column_names().join(", ")),
            "properties": {
                "headers": { "type": "array", "items": { "type": "string" }, "maxItems": self.max_columns },
                "data": {
                    "type": "array",
                    "items": { "type": "array", "items": cell, "maxItems": self.max_columns },
                    "maxItems": self.max_rows,
                },
            },
            "required": ["headers", "data"],
        })
    }

    fn python_type(&self) -> String {
        "dict(headers: list[Any], data: list[list[Any]], metadata: dict(str, list[Any] | None) | None)".into()
    }

    fn example(&self) -> JsonValue {
        json!({ "headers": ["a", "b"], "data": [["foo", "bar"]] })
    }
}

#[cfg(test)]
mod tests {
    use rheo_shared::Cell;

    use super::*;

    #[test]
    fn tables_travel_as_gradios_dataframe_data() {
        let table = Table::new(["city", "°C"]).row([Cell::from("Oslo"), 6.5.into()]);
        let payload = ComponentValue::into_payload(table.clone());
        let Payload::Json(Value::Json(json)) = &payload else { panic!("{payload:?}") };
        assert_eq!(json, &json!({ "headers": ["city", "°C"], "data": [["Oslo", 6.5]], "metadata": null }));
        assert_eq!(Table::from_payload(payload), Ok(table));
    }

    #[test]
    fn props_say_the_counts_as_gradio_does() {
        let frame = Dataframe::new().headers(["a", "b"]).datatypes([ColumnType::Number]).fixed_rows();
        let props = frame.options.props();
        assert_eq!(props["row_count"], json!([3, "fixed"]));
        assert_eq!(props["column_count"], json!([2, "dynamic"]));
        assert_eq!(props["col_count"], props["column_count"]);
        assert_eq!(props["datatype"], json!(["number", "str"]));
        assert_eq!(Dataframe::new().options.props()["headers"], json!(["1", "2", "3"]));
    }
}
