//! `/summary`: a table in (a CSV's rows pasted or typed into an editable Dataframe), a summary
//! of each column out: how many values it has, and for a column of numbers their mean, least
//! and greatest; the means in a bar chart.

use rheo::{BarPlot, Cell, ColumnType, Dataframe, Interface, IntoMounted, Table};

/// One row per column of `table`: its name, its count of non-empty cells, and, when every one
/// of them is a number, their mean, minimum and maximum (empty otherwise).
fn summary(table: Table) -> Result<Table, String> {
    if table.rows.is_empty() {
        return Err("The table has no rows: add some to summarise them.".into());
    }
    let mut out = Table::new(["column", "count", "mean", "min", "max"]);
    for (index, name) in table.headers.iter().enumerate() {
        let filled: Vec<&Cell> = table.column(index).filter(|cell| **cell != Cell::Empty).collect();
        let numbers: Vec<f64> = filled.iter().filter_map(|cell| cell.as_number()).collect();
        let count = Cell::from(filled.len() as f64);
        out = if numbers.is_empty() || numbers.len() < filled.len() {
            out.row([Cell::from(name.as_str()), count, Cell::Empty, Cell::Empty, Cell::Empty])
        } else {
            let mean = numbers.iter().sum::<f64>() / numbers.len() as f64;
            let (min, max) =
                numbers.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), n| (lo.min(*n), hi.max(*n)));
            out.row([Cell::from(name.as_str()), count, rounded(mean).into(), min.into(), max.into()])
        };
    }
    Ok(out)
}

/// `n` to two decimals, as a summary shows it.
fn rounded(n: f64) -> f64 {
    (n * 100.0).round() / 100.0
}

/// A table of cities' mean temperatures (°C) in January and July, and whether each is on the
/// coast.
fn temperatures(cities: &[(&str, f64, f64, bool)]) -> Table {
    cities.iter().fold(Table::new(["city", "january", "july", "coast"]), |table, &(name, january, july, coast)| {
        table.row([Cell::from(name), january.into(), july.into(), coast.into()])
    })
}

fn cities() -> Table {
    temperatures(&[
        ("Oslo", -2.9, 17.7, true),
        ("Madrid", 6.3, 25.6, false),
        ("Cairo", 14.0, 28.0, false),
        ("Lima", 22.9, 16.3, true),
    ])
}

/// The examples: northern cities, and southern ones, where July is the colder month.
fn examples() -> [(Table,); 2] {
    let north = [("Reykjavik", 0.1, 11.2, true), ("Helsinki", -3.9, 17.8, true), ("Moscow", -6.2, 19.2, false)];
    let south = [
        ("Sydney", 23.0, 13.1, true),
        ("Nairobi", 19.8, 16.9, false),
        ("Santiago", 21.1, 8.6, false),
        ("Cape Town", 21.5, 12.5, true),
        ("Buenos Aires", 24.9, 11.0, true),
    ];
    [(temperatures(&north),), (temperatures(&south),)]
}

pub(crate) fn interface() -> impl IntoMounted {
    let types = [ColumnType::Str, ColumnType::Number, ColumnType::Number, ColumnType::Bool];
    Interface::new(|table: Table| summary(table).map(|summary| (summary.clone(), summary)))
        .inputs(Dataframe::new().label("table").headers(["city", "january", "july", "coast"]).datatypes(types).value(cities()))
        .outputs((
            Dataframe::new().label("summary").headers(["column", "count", "mean", "min", "max"]),
            BarPlot::new("column", "mean").label("means").y_title("mean (°C)"),
        ))
        .examples(examples())
        .api_name("summary")
        .title("Summarise a table")
        .description("Edit the cities' temperatures (°C), add rows or columns, then Submit: each column's count, and the mean, least and greatest of a column of numbers, the means drawn as bars.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_column_is_counted_and_numbers_summarised() {
        let out = summary(cities()).unwrap();
        assert_eq!(out.headers, ["column", "count", "mean", "min", "max"]);
        let row = |name: &str| out.rows.iter().find(|row| row[0] == Cell::from(name)).unwrap().clone();
        assert_eq!(row("january"), [Cell::from("january"), 4.0.into(), 10.07.into(), (-2.9).into(), 22.9.into()]);
        assert_eq!(row("city")[1..], [Cell::from(4.0), Cell::Empty, Cell::Empty, Cell::Empty]);
        assert_eq!(row("coast")[2], Cell::Empty, "true and false are not numbers");
        let typed = Table::new(["n"]).row([Cell::from("2.5")]).row([Cell::Empty]).row([Cell::from(3.5)]);
        assert_eq!(summary(typed).unwrap().rows[0], [Cell::from("n"), 2.0.into(), 3.0.into(), 2.5.into(), 3.5.into()]);
        assert!(summary(Table::new(["a"])).unwrap_err().contains("no rows"));
    }
}
