//! [`LinePlot`], [`ScatterPlot`], [`BarPlot`]: a chart of a [`Table`]'s columns, an output.

use rheo_shared::{
    components::{self, Mark},
    Table,
};
use serde_json::{json, Value as JsonValue};

use super::{builder_basics, component_impl, Common, Contract};

/// A builder of each plot: the same options, its own mark.
macro_rules! plot_builder {
    ($(#[$doc:meta])* $name:ident, $mark:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name {
            common: Common,
            options: components::Plot,
        }

        builder_basics!($name);
        component_impl!($name => Table, Plot);

        impl $name {
            /// A chart of column `y` over column `x` of the table the handler returns.
            pub fn new(x: impl Into<String>, y: impl Into<String>) -> Self {
                let options = components::Plot { mark: $mark, x: x.into(), y: y.into(), ..components::Plot::default() };
                $name { common: Common::default(), options }
            }

            /// The column whose values split the rows into series, each in its colour, named in
            /// a legend.
            pub fn color(mut self, column: impl Into<String>) -> Self {
                self.options.color = Some(column.into());
                self
            }

            /// A title above the chart.
            pub fn title(mut self, title: impl Into<String>) -> Self {
                self.options.title = Some(title.into());
                self
            }

            /// The horizontal axis' title (default: the x column's name).
            pub fn x_title(mut self, title: impl Into<String>) -> Self {
                self.options.x_title = Some(title.into());
                self
            }

            /// The vertical axis' title (default: the y column's name).
            pub fn y_title(mut self, title: impl Into<String>) -> Self {
                self.options.y_title = Some(title.into());
                self
            }
        }
    };
}

plot_builder!(
    /// A line through each series' points in the order of x (Gradio's `LinePlot`); each point
    /// shows its values when pointed at or focused. The handler returns a [`Table`]: numbers
    /// plot by value, dates (`2024-03-01`, `2024-03-01 12:00:00`) as moments, text as names.
    ///
    /// ```
    /// use rheo::{Cell, LinePlot, Table};
    ///
    /// let plot = LinePlot::new("day", "°C").color("city").label("temperature");
    /// let table = Table::new(["day", "°C", "city"]).row([Cell::from("2024-03-01"), 6.5.into(), "Oslo".into()]);
    /// ```
    LinePlot,
    Mark::Line
);

plot_builder!(
    /// A dot per row at its x and y (Gradio's `ScatterPlot`), coloured by series; each dot
    /// shows its values when pointed at or focused. The handler returns a [`Table`].
    ///
    /// ```
    /// use rheo::ScatterPlot;
    ///
    /// let plot = ScatterPlot::new("january", "july").color("coast").label("cities");
    /// ```
    ScatterPlot,
    Mark::Point
);

plot_builder!(
    /// A bar for each x (Gradio's `BarPlot`): rows of the same x (and series) summed, a
    /// series' bars side by side. The handler returns a [`Table`].
    ///
    /// ```
    /// use rheo::BarPlot;
    ///
    /// let plot = BarPlot::new("column", "mean").label("means");
    /// ```
    BarPlot,
    Mark::Bar
);

impl Contract for components::Plot {
    fn class_name(&self) -> &'static str {
        match self.mark {
            Mark::Line => "LinePlot",
            Mark::Point => "ScatterPlot",
            Mark::Bar => "BarPlot",
        }
    }

    /// Gradio's props (its type is `nativeplot` for the three; `name` says which).
    fn props(&self) -> JsonValue {
        let mut props = json!({
            "x": self.x,
            "y": self.y,
            "x_label_angle": 0,
            "y_label_angle": 0,
            "x_axis_labels_visible": true,
            "tooltip": "axis",
            "container": true,
            "min_width": 160,
            "elem_classes": [],
            "buttons": [],
            "name": self.class_name().to_lowercase(),
            "_selectable": false,
        });
        let optional =
            [("color", &self.color), ("title", &self.title), ("x_title", &self.x_title), ("y_title", &self.y_title)];
        for (name, value) in optional {
            if let Some(value) = value {
                props[name] = json!(value);
            }
        }
        props
    }

    /// Gradio's, but for one word: Gradio writes the type as `{}` (any JSON), which the Rust
    /// client (the `gradio` crate, 0.4.2) cannot read, so that it could not even connect to an
    /// app with a plot (Gradio's own neither); a plot's value is always an object, and saying
    /// so changes nothing for Gradio's Python and JavaScript clients, which read the Python type.
    fn api_info(&self) -> JsonValue {
        json!({ "type": "object", "description": "any valid json" })
    }

    fn python_type(&self) -> String {
        "str | float | bool | list | dict".into()
    }

    fn example(&self) -> JsonValue {
        JsonValue::Null
    }
}

#[cfg(test)]
mod tests {
    use rheo_shared::{Cell, Value};

    use super::*;
    use crate::Component;

    #[test]
    fn a_plot_returns_a_table_and_gradio_reads_plot_data() {
        let spec = LinePlot::new("t", "y").color("c").into_spec();
        assert_eq!(spec.kind.name(), "nativeplot");
        let rheo_shared::ComponentKind::Plot(options) = &spec.kind else { panic!() };
        let props = options.props();
        assert_eq!((props["name"].as_str(), props["color"].as_str()), (Some("lineplot"), Some("c")));
        assert!(props.get("title").is_none(), "an option not given is left out, as Gradio leaves out None");
        let table = Table::new(["t", "y", "c"]).row([Cell::from(1.0), 2.0.into(), "a".into()]);
        let Value::Json(plot) = spec.kind.postprocess(Value::Json(table.to_json())) else { panic!() };
        assert_eq!(plot["mark"], "line");
        assert_eq!(BarPlot::new("a", "b").into_spec().kind.name(), "nativeplot");
    }
}
