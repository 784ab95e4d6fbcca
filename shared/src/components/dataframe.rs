//! Dataframe: a table of typed columns, edited (rows and columns added and removed) or shown
//! sortable. On the wire, Gradio's `{"headers": […], "data": [[…], …], "metadata": null}`;
//! read and written by hand ([`Table::from_json`], [`Table::to_json`]) rather than by serde's
//! derive, whose readers would be compiled into every page's wasm for the check of a value.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::{mismatch, Kind, Problem, ValueError};
use crate::Value;

/// Rows a table may have unless the server's limits say otherwise.
pub const MAX_TABLE_ROWS: usize = 10_000;
/// Columns a table may have unless the server's limits say otherwise.
pub const MAX_TABLE_COLUMNS: usize = 100;
/// Characters a cell's text may have unless the server's limits say otherwise.
pub const MAX_CELL_CHARS: usize = 10_000;

/// A table's options (Gradio's names where Gradio has them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dataframe {
    /// The columns' names; empty: "1", "2", … for `columns.count` columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    /// Each column's type, by position (Gradio's `datatype`); a column past the list is text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datatypes: Vec<ColumnType>,
    /// How many rows it has, and whether the user may add and remove rows.
    pub rows: Count,
    /// How many columns it has, and whether the user may add and remove columns.
    pub columns: Count,
    /// The most rows a value may have (the server sets it from its limits).
    #[serde(default = "most_rows")]
    pub max_rows: usize,
    /// The most columns a value may have (the server sets it from its limits).
    #[serde(default = "most_columns")]
    pub max_columns: usize,
    /// The most characters in a cell (the server sets it from its limits).
    #[serde(default = "most_cell_chars")]
    pub max_cell_chars: usize,
}

fn most_rows() -> usize {
    MAX_TABLE_ROWS
}

fn most_columns() -> usize {
    MAX_TABLE_COLUMNS
}

fn most_cell_chars() -> usize {
    MAX_CELL_CHARS
}

impl Default for Dataframe {
    fn default() -> Self {
        Dataframe {
            headers: Vec::new(),
            datatypes: Vec::new(),
            rows: Count { count: 3, fixed: false },
            columns: Count { count: 3, fixed: false },
            max_rows: MAX_TABLE_ROWS,
            max_columns: MAX_TABLE_COLUMNS,
            max_cell_chars: MAX_CELL_CHARS,
        }
    }
}

/// A number of rows or columns, and whether it is fixed (Gradio's `[n, "fixed"]`) or the user
/// may change it (`[n, "dynamic"]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// How many.
    pub count: usize,
    /// Whether the user may not add or remove any.
    pub fixed: bool,
}

/// What a column holds (Gradio's `datatype`), which decides how the page edits and sorts it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// Text.
    #[default]
    Str,
    /// Numbers: edited as numbers, sorted by value.
    Number,
    /// True or false: a checkbox.
    Bool,
    /// Dates as text (`2024-03-04`), sorted as text, which sorts them by date.
    Date,
}

impl Kind for Dataframe {
    fn name(&self) -> &'static str {
        "dataframe"
    }

    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        match value {
            Value::Json(json) => Table::from_json(json, self).map(drop),
            other => Err(mismatch("a table (headers and rows)", other)),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        let columns = self.columns.count;
        if !self.headers.is_empty() && self.headers.len() != columns {
            return Err(Problem::HeadersNotColumns { headers: self.headers.len(), columns });
        }
        if columns == 0 || columns > self.max_columns {
            return Err(Problem::BadColumnCount { columns, max: self.max_columns });
        }
        Ok(())
    }

    /// `rows.count` blank rows under the headers (unticked in a bool column), to fill in: Gradio
    /// starts with none, which left a table of fixed rows nothing to edit.
    fn default_value(&self) -> Value {
        let names = self.column_names();
        let rows = (0..self.rows.count).map(|_| self.blank_row(names.len())).collect();
        Value::Json(Table { headers: names, rows }.to_json())
    }

    /// As Gradio's `postprocess`: headers cut or filled ("4", "5", …) to the width of the rows
    /// (the widest, where Gradio takes the first: a wider row after it would not fit its
    /// headers), the component's own for a table without any, and `metadata` null.
    fn postprocess(&self, value: Value) -> Value {
        let Value::Json(json) = &value else { return value };
        let Ok(mut table) = Table::from_json(json, self) else { return value };
        if table.headers.is_empty() && table.rows.is_empty() {
            table.headers = self.column_names();
        }
        if let Some(width) = table.rows.iter().map(Vec::len).max() {
            table.headers.truncate(width);
            let named = table.headers.len();
            table.headers.extend((named + 1..=width).map(|n| n.to_string()));
        }
        Value::Json(table.to_json())
    }
}

impl Dataframe {
    /// The columns' names: the headers, else "1", "2", ….
    pub fn column_names(&self) -> Vec<String> {
        match self.headers.is_empty() {
            true => (1..=self.columns.count).map(|n| n.to_string()).collect(),
            false => self.headers.clone(),
        }
    }

    /// Column `index`'s type (text past the list).
    pub fn column_type(&self, index: usize) -> ColumnType {
        self.datatypes.get(index).copied().unwrap_or_default()
    }

    /// A new cell of column `column`: unticked in a bool column (what its checkbox shows), else
    /// empty.
    pub fn blank_cell(&self, column: usize) -> Cell {
        match self.column_type(column) {
            ColumnType::Bool => Cell::Bool(false),
            ColumnType::Str | ColumnType::Number | ColumnType::Date => Cell::Empty,
        }
    }

    /// A new row of `columns` blank cells.
    pub fn blank_row(&self, columns: usize) -> Vec<Cell> {
        (0..columns).map(|column| self.blank_cell(column)).collect()
    }
}

/// A table's value: named columns, and rows of cells.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// The columns' names.
    pub headers: Vec<String>,
    /// The rows, each with a cell per column.
    pub rows: Vec<Vec<Cell>>,
}

/// One cell of a [`Table`].
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Cell {
    /// Nothing (`null`; pandas' NaN arrives so).
    #[default]
    Empty,
    /// True or false.
    Bool(bool),
    /// A number (finite: JSON has no other).
    Number(f64),
    /// Text.
    Text(String),
}

impl Cell {
    /// Its number: a number's, or text that reads as one (an edited cell of another server's
    /// table comes as text).
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Cell::Number(n) => Some(*n),
            Cell::Text(text) => text.trim().parse().ok().filter(|n: &f64| n.is_finite()),
            Cell::Empty | Cell::Bool(_) => None,
        }
    }

    /// As text, the way a person reads it (`12`, not `12.0`; empty for nothing).
    pub fn to_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Bool(b) => b.to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Text(text) => text.clone(),
        }
    }

    pub(crate) fn to_json(&self) -> Json {
        match self {
            Cell::Empty => Json::Null,
            Cell::Bool(b) => Json::Bool(*b),
            // Whole numbers as integers, as Gradio sends a frame's integer columns (`1`, not `1.0`).
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => Json::from(*n as i64),
            Cell::Number(n) => serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number),
            Cell::Text(text) => Json::String(text.clone()),
        }
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Self {
        if n.is_finite() {
            Cell::Number(n)
        } else {
            Cell::Empty
        }
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Bool(b)
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_owned())
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(cell: Option<T>) -> Self {
        cell.map_or(Cell::Empty, Into::into)
    }
}

impl Table {
    /// A table of these columns, without rows yet.
    pub fn new<H: Into<String>>(headers: impl IntoIterator<Item = H>) -> Self {
        Table { headers: headers.into_iter().map(Into::into).collect(), rows: Vec::new() }
    }

    /// This table with a row added: `table.row([Cell::from("Oslo"), 6.1.into()])`.
    pub fn row<C: Into<Cell>>(mut self, cells: impl IntoIterator<Item = C>) -> Self {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// The index of the column named `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|header| header == name)
    }

    /// The cells of column `index`, top to bottom.
    pub fn column(&self, index: usize) -> impl Iterator<Item = &Cell> + '_ {
        self.rows.iter().filter_map(move |row| row.get(index))
    }

    /// Gradio's `{"headers", "data", "metadata": null}`.
    pub fn to_json(&self) -> Json {
        let data = self.rows.iter().map(|row| Json::Array(row.iter().map(Cell::to_json).collect())).collect();
        let headers = self.headers.iter().cloned().map(Json::String).collect();
        Json::Object(
            [("headers", Json::Array(headers)), ("data", Json::Array(data)), ("metadata", Json::Null)]
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect(),
        )
    }

    /// The table Gradio's JSON holds, whatever its size: a value already checked against its
    /// component ([`Table::from_json`]).
    pub fn read(json: &Json) -> Result<Table, ValueError> {
        let unbounded = Dataframe {
            max_rows: usize::MAX,
            max_columns: usize::MAX,
            max_cell_chars: usize::MAX,
            ..Dataframe::default()
        };
        Table::from_json(json, &unbounded)
    }

    /// The table Gradio's JSON holds, within `bounds`' limits: headers of text or numbers (a
    /// pandas frame's columns may be numbers), rows of no more cells than the widest of the
    /// headers and the first row (Gradio fills the headers to that width), cells of text,
    /// numbers, booleans or nothing. `[[]]` is no rows, as in Gradio.
    pub fn from_json(json: &Json, bounds: &Dataframe) -> Result<Table, ValueError> {
        let expected = || ValueError::WrongType { expected: "a table (headers and rows)", got: "other JSON" };
        let headers = json.get("headers").and_then(Json::as_array).ok_or_else(expected)?;
        let data = json.get("data").and_then(Json::as_array).ok_or_else(expected)?;
        let data = match data.as_slice() {
            [only] if only.as_array().is_some_and(Vec::is_empty) => &[][..],
            rows => rows,
        };
        let headers: Vec<String> = headers
            .iter()
            .map(|header| match header {
                Json::String(text) if text.chars().count() <= bounds.max_cell_chars => Some(text.clone()),
                Json::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect::<Option<_>>()
            .ok_or(ValueError::BadHeader { max_chars: bounds.max_cell_chars })?;
        if data.len() > bounds.max_rows {
            return Err(ValueError::TooManyRows { count: data.len(), max: bounds.max_rows });
        }
        let first = data.first().and_then(Json::as_array).map_or(0, Vec::len);
        let width = headers.len().max(first);
        if width > bounds.max_columns {
            return Err(ValueError::TooManyColumns { count: width, max: bounds.max_columns });
        }
        let rows = data
            .iter()
            .enumerate()
            .map(|(r, row)| {
                let cells = row.as_array().ok_or(ValueError::BadRow { row: r + 1 })?;
                if cells.len() > width {
                    return Err(ValueError::RowTooWide { row: r + 1, cells: cells.len(), columns: width });
                }
                cells.iter().enumerate().map(|(c, cell)| read_cell(cell, r + 1, c + 1, bounds.max_cell_chars)).collect()
            })
            .collect::<Result<_, _>>()?;
        Ok(Table { headers, rows })
    }
}

/// Cell (`row`, `column`) of a table (both counted from 1, for the message).
fn read_cell(json: &Json, row: usize, column: usize, max_chars: usize) -> Result<Cell, ValueError> {
    Ok(match json {
        Json::Null => Cell::Empty,
        Json::Bool(b) => Cell::Bool(*b),
        Json::Number(n) => n.as_f64().map_or(Cell::Empty, Cell::Number),
        Json::String(text) => {
            let length = text.chars().count();
            if length > max_chars {
                return Err(ValueError::CellTooLong { row, column, length, max: max_chars });
            }
            Cell::Text(text.clone())
        }
        Json::Array(_) | Json::Object(_) => return Err(ValueError::BadCell { row, column }),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn table(json: Json) -> Result<Table, ValueError> {
        Table::from_json(&json, &Dataframe::default())
    }

    #[test]
    fn gradios_tables_are_read_cell_by_cell() {
        let read = table(json!({"headers": ["city", 2024], "data": [["Oslo", 6.5], [null, true]], "metadata": null}));
        assert_eq!(
            read,
            Ok(Table::new(["city", "2024"]).row([Cell::from("Oslo"), 6.5.into()]).row([Cell::Empty, true.into()]))
        );
        assert_eq!(table(json!({"headers": ["a"], "data": [[]]})), Ok(Table::new(["a"])), "[[]] is no rows");
        let back = read.unwrap().to_json();
        assert_eq!(back, json!({"headers": ["city", "2024"], "data": [["Oslo", 6.5], [null, true]], "metadata": null}));
    }

    #[test]
    fn what_is_not_a_table_is_refused_in_words() {
        let said = |json: Json| table(json).unwrap_err().to_string();
        assert_eq!(said(json!({"data": []})), "expected a table (headers and rows), got other JSON");
        assert_eq!(
            said(json!({"headers": [[1]], "data": []})),
            "a column's header must be text (at most 10000 characters) or a number"
        );
        assert_eq!(said(json!({"headers": ["a"], "data": [1]})), "row 1 is not a list of cells");
        assert_eq!(
            said(json!({"headers": ["a"], "data": [["x"], ["y", "z"]]})),
            "row 2 has 2 cells; the table has 1 column"
        );
        assert_eq!(
            said(json!({"headers": ["a"], "data": [[{"x": 1}]]})),
            "row 1, column 1: a cell holds text, a number, true or false, or nothing"
        );
        let bounds = Dataframe { max_rows: 1, max_columns: 2, max_cell_chars: 3, ..Dataframe::default() };
        let bounded = |json: Json| Table::from_json(&json, &bounds).unwrap_err().to_string();
        assert_eq!(bounded(json!({"headers": [], "data": [[1], [2]]})), "the table has 2 rows; the limit is 1");
        assert_eq!(bounded(json!({"headers": ["a", "b", "c"], "data": []})), "the table has 3 columns; the limit is 2");
        assert_eq!(
            bounded(json!({"headers": [], "data": [["long"]]})),
            "row 1, column 1: the text is 4 characters long; the limit is 3"
        );
    }

    #[test]
    fn headers_are_fitted_to_the_rows_as_gradio_does() {
        let frame = Dataframe {
            headers: vec!["x".into(), "y".into()],
            columns: Count { count: 2, fixed: false },
            ..Dataframe::default()
        };
        let fitted = |json: Json| frame.postprocess(Value::Json(json));
        assert_eq!(
            fitted(json!({"headers": ["x", "y"], "data": [[1, 2, 3]]})),
            Value::Json(json!({"headers": ["x", "y", "3"], "data": [[1, 2, 3]], "metadata": null}))
        );
        assert_eq!(
            fitted(json!({"headers": ["a", "b", "c"], "data": [[1]]})),
            Value::Json(json!({"headers": ["a"], "data": [[1]], "metadata": null}))
        );
        // A row wider than the first keeps its headers: what is shown can be read back.
        let ragged = fitted(json!({"headers": ["a", "b", "c"], "data": [[1], [1, 2, 3]]}));
        let Value::Json(ragged) = ragged else { panic!() };
        assert_eq!(ragged["headers"], json!(["a", "b", "c"]));
        assert!(Table::read(&ragged).is_ok());
        assert_eq!(
            fitted(json!({"headers": [], "data": []})),
            Value::Json(json!({"headers": ["x", "y"], "data": [], "metadata": null}))
        );
        let blank = Dataframe {
            rows: Count { count: 2, fixed: true },
            datatypes: vec![ColumnType::Number, ColumnType::Bool],
            ..frame
        };
        assert_eq!(
            blank.default_value(),
            Value::Json(json!({"headers": ["x", "y"], "data": [[null, false], [null, false]], "metadata": null}))
        );
    }

    #[test]
    fn declarations_are_checked() {
        let two_headers = Dataframe { headers: vec!["a".into(), "b".into()], ..Dataframe::default() };
        assert_eq!(two_headers.check(), Err(Problem::HeadersNotColumns { headers: 2, columns: 3 }));
        let none = Dataframe { columns: Count { count: 0, fixed: true }, ..Dataframe::default() };
        assert_eq!(none.check().unwrap_err().to_string(), "a table has 1 to 100 columns, not 0");
        assert_eq!(Dataframe::default().column_names(), ["1", "2", "3"]);
        assert_eq!(Cell::Text(" 2.5 ".into()).as_number(), Some(2.5));
        assert_eq!(Cell::Number(12.0).to_text(), "12");
    }
}
