//! What is mounted at one name: an [`InterfaceSpec`] or a [`BlocksSpec`].

use serde::{Deserialize, Serialize};

use crate::{BlocksSpec, InterfaceSpec, InterfaceSummary, Value};

/// One mounted app, as the page renders it and the API describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", content = "spec", rename_all = "snake_case")]
pub enum AppSpec {
    /// One function: its inputs beside its outputs.
    Interface(InterfaceSpec),
    /// Components in a layout, and events.
    Blocks(BlocksSpec),
}

impl AppSpec {
    /// The path segment it is mounted at.
    pub fn name(&self) -> &str {
        match self {
            AppSpec::Interface(spec) => &spec.name,
            AppSpec::Blocks(spec) => &spec.name,
        }
    }

    /// What the index lists of it.
    pub fn summary(&self) -> InterfaceSummary {
        match self {
            AppSpec::Interface(spec) => spec.summary(),
            AppSpec::Blocks(spec) => {
                InterfaceSummary { name: spec.name.clone(), title: spec.title.clone(), description: String::new() }
            }
        }
    }

    /// The value in column `column` of row `row` of example set `set` (an interface's one set
    /// is 0), to replace.
    pub fn example_mut(&mut self, set: usize, row: usize, column: usize) -> Option<&mut Value> {
        let rows = match self {
            AppSpec::Interface(spec) if set == 0 => &mut spec.examples,
            AppSpec::Interface(_) => return None,
            AppSpec::Blocks(spec) => &mut spec.examples.get_mut(set)?.rows,
        };
        rows.get_mut(row)?.get_mut(column)
    }

    /// Each endpoint as the engine runs it, by index (Gradio's `fn_index`): an interface's one
    /// function, or a Blocks app's events.
    pub fn endpoints(&self) -> Vec<InterfaceSpec> {
        match self {
            AppSpec::Interface(spec) => vec![spec.clone()],
            AppSpec::Blocks(spec) => (0..spec.events.len()).map(|index| spec.endpoint(index)).collect(),
        }
    }
}
