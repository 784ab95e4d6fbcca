//! Dataframe's widget: a `<table>`. As an output, its columns sort by a press on their header
//! (the header's button; `aria-sort` says how), the value itself never reordered, as in
//! Gradio. As an input, each cell is a control of its column's type (text, a number, a
//! checkbox), committed when the user leaves it, with buttons to add and remove rows and
//! columns unless their counts are fixed.
//!
//! The table's rows and columns are drawn anew only when its shape changes; a cell reads its
//! own value. Drawing every cell anew on each edit replaced the control the user had just
//! moved to, and the keyboard's focus went with it.

use std::cmp::Ordering;

use leptos::{either::Either, prelude::*};
use rheo_shared::{
    components::{Cell, ColumnType, Dataframe, Table},
    Value,
};

use super::{Field, Widget};
use crate::words::{tr, words, Text};

impl Widget for Dataframe {
    fn view(&self, f: Field) -> impl IntoView + use<> {
        let value = f.value;
        let table = Memo::new(move |_| {
            value.with(|v| match v {
                Value::Json(json) => Table::read(json).unwrap_or_default(),
                _ => Table::default(),
            })
        });
        let body = if f.readonly() {
            Either::Left(shown_table(table, self.clone(), f.heading_id()))
        } else {
            Either::Right(edited_table(table, self.clone(), &f))
        };
        view! {
            <section class="component dataframe" aria-labelledby=f.heading_id()>
                <h3 id=f.heading_id()>{f.label}</h3>
                {f.info_line()}
                {body}
                <p class="table-empty" hidden=move || table.with(|t| !t.rows.is_empty())>{tr(Text::NoRowsYet)}</p>
            </section>
        }
    }
}

/// How many columns `table` shows: its headers', or its widest row's.
fn width(table: &Table) -> usize {
    table.rows.iter().map(Vec::len).fold(table.headers.len(), usize::max)
}

/// The text of cell (`row`, `column`), empty where the row is short.
fn cell_text(table: &Table, row: usize, column: usize) -> String {
    table.rows.get(row).and_then(|cells| cells.get(column)).map(Cell::to_text).unwrap_or_default()
}

/// The name of column `column`: its header, else its number.
fn header(table: &Table, column: usize) -> String {
    table.headers.get(column).cloned().unwrap_or_else(|| (column + 1).to_string())
}

/// The output: a table whose columns sort by their header's button, ascending, then
/// descending, then as the value has them.
fn shown_table(table: Memo<Table>, options: Dataframe, heading_id: String) -> impl IntoView {
    let sorting = RwSignal::new(None::<(usize, bool)>);
    let order = Memo::new(move |_| table.with(|t| sorted_rows(t, sorting.get(), &options)));
    let headers = move || {
        (0..table.with(width))
            .map(|column| {
                let aria_sort = move || match sorting.get() {
                    Some((sorted, true)) if sorted == column => "ascending",
                    Some((sorted, false)) if sorted == column => "descending",
                    _ => "none",
                };
                let press = move |_| {
                    sorting.update(|sorting| {
                        *sorting = match *sorting {
                            Some((sorted, true)) if sorted == column => Some((column, false)),
                            Some((sorted, false)) if sorted == column => None,
                            _ => Some((column, true)),
                        }
                    })
                };
                view! {
                    <th scope="col" aria-sort=aria_sort>
                        <button type="button" class="sort" on:click=press>{move || table.with(|t| header(t, column))}</button>
                    </th>
                }
            })
            .collect_view()
    };
    let rows = move || {
        let columns = table.with(width);
        order
            .get()
            .into_iter()
            .map(|row| {
                let cells =
                    (0..columns).map(|column| view! { <td>{move || table.with(|t| cell_text(t, row, column))}</td> });
                view! { <tr>{cells.collect_view()}</tr> }
            })
            .collect_view()
    };
    view! {
        // Focusable, so that a keyboard can scroll a table wider or taller than its box; named
        // by the heading, as what the focus lands on.
        <div class="table-box" tabindex="0" role="group" aria-labelledby=heading_id>
            <table>
                <thead><tr>{headers}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// How a cell sorts: numbers by value (a number, or text that reads as one in a number
/// column), before text, which sorts with ASCII letters alike in either case (Unicode's case
/// tables would cost the chunk more than the sort itself). A total order, as Rust's sorts need
/// (comparing a number with text as text, and two numbers by value, was not: 2 < 10 < "1a" < 2).
#[derive(PartialEq, PartialOrd)]
enum SortKey {
    Number(f64),
    Text(Vec<u8>),
}

/// The rows' indices in the order `sorting` (a column, ascending or not) puts them, empty cells
/// last either way; rows that sort alike keep their order.
fn sorted_rows(table: &Table, sorting: Option<(usize, bool)>, options: &Dataframe) -> Vec<usize> {
    let order: Vec<usize> = (0..table.rows.len()).collect();
    let Some((column, ascending)) = sorting else { return order };
    let numeric = options.column_type(column) == ColumnType::Number;
    let key = |row: usize| match table.rows[row].get(column).unwrap_or(&Cell::Empty) {
        Cell::Empty => None,
        Cell::Number(n) => Some(SortKey::Number(*n)),
        cell => match cell.as_number().filter(|_| numeric) {
            Some(n) => Some(SortKey::Number(n)),
            None => Some(SortKey::Text(cell.to_text().bytes().map(|b| b.to_ascii_lowercase()).collect())),
        },
    };
    let mut keyed: Vec<(Option<SortKey>, usize)> = order.into_iter().map(|row| (key(row), row)).collect();
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => {
            // Finite numbers (JSON has no others) and bytes: never unordered.
            let by_value = a.partial_cmp(b).unwrap_or(Ordering::Equal);
            if ascending {
                by_value
            } else {
                by_value.reverse()
            }
        }
    });
    keyed.into_iter().map(|(_, row)| row).collect()
}

/// The input: each cell a control of its column's type, each header a text field; rows and
/// columns added and removed by buttons unless their counts are fixed, and rows up to the
/// server's limit.
fn edited_table(table: Memo<Table>, options: Dataframe, f: &Field) -> impl IntoView {
    let commit = f.commit();
    let change = move |edit: &dyn Fn(&mut Table)| {
        let mut changed = table.get_untracked();
        let columns = width(&changed);
        changed.headers.extend((changed.headers.len()..columns).map(|c| (c + 1).to_string()));
        for row in &mut changed.rows {
            row.resize(columns, Cell::Empty);
        }
        edit(&mut changed);
        commit(Value::Json(changed.to_json()));
    };
    let shape = Memo::new(move |_| table.with(|t| (t.rows.len(), width(t))));
    let (rows_fixed, columns_fixed) = (options.rows.fixed, options.columns.fixed);
    let (max_rows, max_columns) = (options.max_rows, options.max_columns);
    let typed_columns = options.datatypes.len();
    let blanks = options.clone();
    let rows_full = move || shape.get().0 >= max_rows;
    let columns_full = move || shape.get().1 >= max_columns;
    let words = words();
    let headers = move || {
        let (_, columns) = shape.get();
        (0..columns)
            .map(|column| {
                let number = (column + 1).to_string();
                let name_label = words.fill(Text::ColumnName, &[("column", &number)]);
                let remove_label = words.fill(Text::RemoveColumn, &[("column", &number)]);
                // Each edit checks its indices: the table it was drawn for may have changed shape
                // (an update from the server) before it is drawn anew.
                let rename = move |ev| {
                    let name = event_target_value(&ev);
                    change(&|t: &mut Table| {
                        if let Some(header) = t.headers.get_mut(column) {
                            *header = name.clone();
                        }
                    });
                };
                // A typed column stays: the types go by position, and would slide onto others.
                let removable = !columns_fixed && columns > 1 && column >= typed_columns;
                let remove = removable.then(|| {
                    let remove = move |_| {
                        change(&|t: &mut Table| {
                            if column < t.headers.len() {
                                t.headers.remove(column);
                                t.rows.iter_mut().for_each(|row| drop(row.remove(column)));
                            }
                        })
                    };
                    view! { <button type="button" class="table-remove" aria-label=remove_label on:click=remove>"×"</button> }
                });
                view! {
                    <th scope="col">
                        <div class="table-head">
                            <input type="text" class="table-header" aria-label=name_label
                                value=table.with_untracked(|t| header(t, column))
                                prop:value=move || table.with(|t| header(t, column)) on:change=rename/>
                            {remove}
                        </div>
                    </th>
                }
            })
            .collect_view()
    };
    // Above the rows' remove buttons.
    let corner = (!rows_fixed).then(|| view! { <td></td> });
    let rows = move || {
        let (rows, columns) = shape.get();
        (0..rows)
            .map(|row| {
                let cells = (0..columns).map(|column| view! { <td>{cell_control(table, &options, row, column, change)}</td> });
                let remove_label = words.fill(Text::RemoveRow, &[("row", &(row + 1).to_string())]);
                let remove = (!rows_fixed && rows > 1).then(|| {
                    let remove = move |_| {
                        change(&|t: &mut Table| {
                            if row < t.rows.len() {
                                t.rows.remove(row);
                            }
                        })
                    };
                    view! { <td><button type="button" class="table-remove" aria-label=remove_label on:click=remove>"×"</button></td> }
                });
                view! { <tr>{cells.collect_view()}{remove}</tr> }
            })
            .collect_view()
    };
    let buttons = (!rows_fixed || !columns_fixed).then(|| {
        let columns_blanks = blanks.clone();
        view! {
            <div class="table-actions">
                <button type="button" class="secondary" hidden=rows_fixed disabled=rows_full
                    on:click=move |_| change(&|t: &mut Table| t.rows.push(blanks.blank_row(t.headers.len())))>
                    {tr(Text::AddRow)}
                </button>
                <button type="button" class="secondary" hidden=columns_fixed disabled=columns_full
                    on:click=move |_| change(&|t: &mut Table| {
                        let cell = columns_blanks.blank_cell(t.headers.len());
                        t.headers.push((t.headers.len() + 1).to_string());
                        t.rows.iter_mut().for_each(|row| row.push(cell.clone()));
                    })>
                    {tr(Text::AddColumn)}
                </button>
            </div>
        }
    });
    view! {
        <div class="table-box">
            <table>
                <thead><tr>{headers}{corner}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {buttons}
    }
}

/// Cell (`row`, `column`)'s control: a checkbox in a bool column, else a text field (numbers
/// typed in a number column become numbers; what does not read as one stays text, for the
/// handler to refuse in words).
fn cell_control(
    table: Memo<Table>,
    options: &Dataframe,
    row: usize,
    column: usize,
    change: impl Fn(&dyn Fn(&mut Table)) + Copy + 'static,
) -> impl IntoView {
    let checked = move || table.with(|t| t.rows.get(row).and_then(|r| r.get(column)) == Some(&Cell::Bool(true)));
    let text = move || table.with(|t| cell_text(t, row, column));
    let label = move || {
        let name = table.with(|t| header(t, column));
        words().fill(Text::CellLabel, &[("column", &name), ("row", &(row + 1).to_string())])
    };
    let set = move |cell: Cell| {
        change(&|t: &mut Table| {
            if let Some(slot) = t.rows.get_mut(row).and_then(|cells| cells.get_mut(column)) {
                *slot = cell.clone();
            }
        })
    };
    match options.column_type(column) {
        ColumnType::Bool => Either::Left(view! {
            <input type="checkbox" aria-label=label checked=untrack(checked) prop:checked=checked
                on:change=move |ev| set(Cell::Bool(event_target_checked(&ev)))/>
        }),
        kind => {
            let numeric = kind == ColumnType::Number;
            let read = move |text: String| match text.trim() {
                "" => Cell::Empty,
                _ if numeric => Cell::Text(text.clone()).as_number().map_or(Cell::Text(text), Cell::Number),
                _ => Cell::Text(text),
            };
            Either::Right(view! {
                <input type="text" class="table-cell" inputmode=numeric.then_some("decimal") aria-label=label
                    value=untrack(text) prop:value=text
                    on:change=move |ev| set(read(event_target_value(&ev)))/>
            })
        }
    }
}
