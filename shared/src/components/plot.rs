//! Plot: a chart of a table's columns (LinePlot, ScatterPlot, BarPlot: one kind, three marks),
//! an output. The handler returns a [`Table`]; on the wire it is Gradio's `PlotData`,
//! `{"columns", "data", "datatypes", "mark"}`, each column typed as Gradio types a pandas
//! frame's: numbers (and booleans) quantitative, dates temporal (as milliseconds since 1970,
//! UTC), the rest nominal. The page draws it as SVG built from the data.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::{dataframe::Table, mismatch, Dataframe, Kind, Problem, ValueError};
use crate::Value;

/// How the rows are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    /// A line through the points of each series, in the order of x (LinePlot).
    #[default]
    Line,
    /// A dot per row (ScatterPlot).
    Point,
    /// A bar per x, summed, a series' bars side by side (BarPlot).
    Bar,
}

impl Mark {
    /// Gradio's name of the mark (`"line"`, `"point"`, `"bar"`).
    pub fn name(self) -> &'static str {
        match self {
            Mark::Line => "line",
            Mark::Point => "point",
            Mark::Bar => "bar",
        }
    }
}

/// A plot's options (Gradio's names).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Plot {
    /// How the rows are drawn.
    pub mark: Mark,
    /// The column along the horizontal axis.
    pub x: String,
    /// The column along the vertical axis.
    pub y: String,
    /// The column whose values split the rows into series, each its colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// A title above the chart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The horizontal axis' title (default: the column's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_title: Option<String>,
    /// The vertical axis' title (default: the column's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_title: Option<String>,
}

/// What a column of a plot's data holds (Gradio's, from Vega-Lite).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Datatype {
    /// Numbers.
    Quantitative,
    /// Moments, as milliseconds since 1970 (UTC).
    Temporal,
    /// Names: categories.
    Nominal,
}

impl Datatype {
    fn name(self) -> &'static str {
        match self {
            Datatype::Quantitative => "quantitative",
            Datatype::Temporal => "temporal",
            Datatype::Nominal => "nominal",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [Datatype::Quantitative, Datatype::Temporal, Datatype::Nominal].into_iter().find(|t| t.name() == name)
    }
}

/// A plot's value read: its columns, their types, and its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct PlotData {
    /// The columns' names.
    pub columns: Vec<String>,
    /// Each column's type, by position.
    pub datatypes: Vec<Datatype>,
    /// The rows: a number for each quantitative or temporal cell, text for a nominal one,
    /// nothing for an empty cell.
    pub rows: Vec<Vec<Option<PlotCell>>>,
}

/// One cell of a plot's data.
#[derive(Clone, Debug, PartialEq)]
pub enum PlotCell {
    /// A number, or a moment in milliseconds.
    Number(f64),
    /// A name.
    Text(String),
}

impl Kind for Plot {
    fn name(&self) -> &'static str {
        "nativeplot"
    }

    /// A table as the handler returns it, or Gradio's `PlotData` as the wire carries it: with
    /// the columns the options name.
    /// Either within a table's default bounds ([`MAX_TABLE_ROWS`](super::MAX_TABLE_ROWS) rows,
    /// …): more than a page can draw.
    fn validate(&self, value: &Value) -> Result<(), ValueError> {
        let Value::Json(json) = value else { return Err(mismatch("a table to plot", value)) };
        let bounds = Dataframe::default();
        let columns = match PlotData::from_json(json) {
            Some(plot) if plot.rows.len() > bounds.max_rows => {
                return Err(ValueError::TooManyRows { count: plot.rows.len(), max: bounds.max_rows })
            }
            Some(plot) if plot.columns.len() > bounds.max_columns => {
                return Err(ValueError::TooManyColumns { count: plot.columns.len(), max: bounds.max_columns })
            }
            Some(plot) => plot.columns,
            None => Table::from_json(json, &bounds)?.headers,
        };
        let wanted = [Some(&self.x), Some(&self.y), self.color.as_ref()];
        match wanted.into_iter().flatten().find(|name| !columns.contains(name)) {
            Some(missing) => Err(ValueError::NoSuchColumn { column: missing.clone(), columns }),
            None => Ok(()),
        }
    }

    fn check(&self) -> Result<(), Problem> {
        match self.x.is_empty() || self.y.is_empty() {
            true => Err(Problem::NoPlotColumns),
            false => Ok(()),
        }
    }

    fn output_only(&self) -> bool {
        true
    }

    /// The handler's table as Gradio's `PlotData`.
    fn postprocess(&self, value: Value) -> Value {
        let Value::Json(json) = &value else { return value };
        match Table::read(json) {
            Ok(table) if PlotData::from_json(json).is_none() => Value::Json(plot_json(&table, self.mark)),
            _ => value,
        }
    }
}

/// Gradio's `PlotData` of `table`: each column typed by its cells (see the module's doc), dates
/// turned into milliseconds.
fn plot_json(table: &Table, mark: Mark) -> Json {
    use super::dataframe::Cell;
    let width = table.headers.len();
    let column_type = |index: usize| {
        let mut cells = table.column(index).filter(|cell| **cell != Cell::Empty).peekable();
        if cells.peek().is_none() {
            return Datatype::Nominal;
        }
        let cells: Vec<&Cell> = cells.collect();
        if cells.iter().all(|cell| matches!(cell, Cell::Number(_) | Cell::Bool(_))) {
            Datatype::Quantitative
        } else if cells.iter().all(|cell| matches!(cell, Cell::Text(text) if epoch_millis(text).is_some())) {
            Datatype::Temporal
        } else {
            Datatype::Nominal
        }
    };
    let types: Vec<Datatype> = (0..width).map(column_type).collect();
    let cell_json = |cell: &Cell, datatype: Datatype| match (cell, datatype) {
        (Cell::Bool(b), Datatype::Quantitative) => Json::Bool(*b),
        (Cell::Text(text), Datatype::Temporal) => epoch_millis(text).map_or(Json::Null, Json::from),
        (cell, _) => cell.to_json(),
    };
    let data = table
        .rows
        .iter()
        .map(|row| Json::Array(row.iter().zip(&types).map(|(cell, datatype)| cell_json(cell, *datatype)).collect()))
        .collect();
    let datatypes: Map<String, Json> =
        table.headers.iter().zip(&types).map(|(name, datatype)| (name.clone(), Json::from(datatype.name()))).collect();
    let mut plot = Map::new();
    plot.insert("columns".into(), Json::Array(table.headers.iter().cloned().map(Json::String).collect()));
    plot.insert("data".into(), Json::Array(data));
    plot.insert("datatypes".into(), Json::Object(datatypes));
    plot.insert("mark".into(), Json::from(mark.name()));
    Json::Object(plot)
}

/// `YYYY-MM-DD`, or with a time (`YYYY-MM-DD HH:MM:SS`, or a `T` between them), as
/// milliseconds since 1970 (UTC); `None` for any other text.
pub fn epoch_millis(text: &str) -> Option<i64> {
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let with_time = time.is_some();
    let normal = time.map_or_else(|| date.to_owned(), |time| format!("{date} {time}"));
    if !super::is_date_time(&normal, with_time) {
        return None;
    }
    let field = |from: usize, to: usize| normal.get(from..to)?.parse::<i64>().ok();
    let (year, month, day) = (field(0, 4)?, field(5, 7)?, field(8, 10)?);
    let seconds = if with_time { field(11, 13)? * 3600 + field(14, 16)? * 60 + field(17, 19)? } else { 0 };
    Some((days_from_civil(year, month, day) * 86_400 + seconds) * 1000)
}

/// A moment (milliseconds since 1970, UTC) as `YYYY-MM-DD`, with ` HH:MM` if `with_time`.
pub fn date_text(millis: f64, with_time: bool) -> String {
    let seconds = (millis / 1000.0).floor() as i64;
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    match with_time {
        true => format!("{year:04}-{month:02}-{day:02} {:02}:{:02}", second_of_day / 3600, second_of_day % 3600 / 60),
        false => format!("{year:04}-{month:02}-{day:02}"),
    }
}

/// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

impl PlotData {
    /// Gradio's `PlotData`; `None` if `json` is not one (no `columns`, a type that is not
    /// Gradio's, a row that is not a list). A column without a type is nominal.
    pub fn from_json(json: &Json) -> Option<PlotData> {
        let columns: Vec<String> =
            json.get("columns")?.as_array()?.iter().map(|c| c.as_str().map(str::to_owned)).collect::<Option<_>>()?;
        let types = json.get("datatypes")?.as_object()?;
        let datatypes = columns
            .iter()
            .map(|column| types.get(column).map_or(Some(Datatype::Nominal), |t| Datatype::from_name(t.as_str()?)))
            .collect::<Option<Vec<_>>>()?;
        let cell = |json: &Json| match json {
            Json::Number(n) => n.as_f64().map(PlotCell::Number),
            Json::Bool(b) => Some(PlotCell::Number(f64::from(u8::from(*b)))),
            Json::String(text) => Some(PlotCell::Text(text.clone())),
            _ => None,
        };
        let rows = json.get("data")?.as_array()?.iter().map(|row| Some(row.as_array()?.iter().map(cell).collect()));
        Some(PlotData { columns, datatypes, rows: rows.collect::<Option<_>>()? })
    }

    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|column| column == name)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::components::Cell;

    fn plot(mark: Mark) -> Plot {
        Plot { mark, x: "t".into(), y: "y".into(), color: Some("c".into()), ..Plot::default() }
    }

    #[test]
    fn a_table_becomes_gradios_plot_data_typed_as_gradio_types_a_frame() {
        let table = Table::new(["t", "y", "c", "on"])
            .row([Cell::from("2024-01-01 01:00:00"), 4.5.into(), "a".into(), true.into()])
            .row([Cell::from("2024-01-02"), Cell::Empty, "b".into(), false.into()]);
        let Value::Json(out) = plot(Mark::Bar).postprocess(Value::Json(table.to_json())) else { panic!() };
        assert_eq!(
            out,
            json!({
                "columns": ["t", "y", "c", "on"],
                "data": [[1_704_070_800_000_i64, 4.5, "a", true], [1_704_153_600_000_i64, null, "b", false]],
                "datatypes": {"t": "temporal", "y": "quantitative", "c": "nominal", "on": "quantitative"},
                "mark": "bar",
            })
        );
        let read = PlotData::from_json(&out).unwrap();
        assert_eq!(
            read.datatypes,
            [Datatype::Temporal, Datatype::Quantitative, Datatype::Nominal, Datatype::Quantitative]
        );
        assert_eq!(
            read.rows[1],
            [
                Some(PlotCell::Number(1_704_153_600_000.0)),
                None,
                Some(PlotCell::Text("b".into())),
                Some(PlotCell::Number(0.0))
            ]
        );
        assert_eq!(plot(Mark::Bar).postprocess(Value::Json(out.clone())), Value::Json(out), "plot data stays as it is");
    }

    #[test]
    fn dates_are_read_as_moments_in_utc() {
        assert_eq!(epoch_millis("1970-01-01"), Some(0));
        assert_eq!(epoch_millis("2024-03-01T00:00:00"), Some(1_709_251_200_000));
        assert_eq!(epoch_millis("1969-12-31 23:59:59"), Some(-1000));
        assert_eq!(epoch_millis("2023-02-29"), None, "not a leap year");
        assert_eq!(epoch_millis("Oslo"), None);
        for text in ["1970-01-01 00:00", "2024-02-29 23:59", "1969-12-31 23:59", "2000-03-01 12:30"] {
            let millis = epoch_millis(&format!("{text}:00")).unwrap();
            assert_eq!(date_text(millis as f64, true), text);
        }
        assert_eq!(date_text(1_709_251_200_000.0, false), "2024-03-01");
    }

    #[test]
    fn the_columns_named_must_be_there() {
        let table = Value::Json(Table::new(["t", "y"]).row([1.0, 2.0]).to_json());
        assert_eq!(
            plot(Mark::Line).validate(&table).unwrap_err().to_string(),
            "the plot needs a column \"c\"; the table has t, y"
        );
        let plain = Plot { color: None, ..plot(Mark::Line) };
        assert_eq!(plain.validate(&table), Ok(()));
        assert_eq!(plain.validate(&plain.postprocess(table)), Ok(()));
        assert_eq!(Plot::default().check(), Err(Problem::NoPlotColumns));
    }
}
