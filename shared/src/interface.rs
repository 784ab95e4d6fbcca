use serde::{Deserialize, Serialize};

use crate::{ComponentSpec, Value};

/// Everything the UI needs to render one interface and the API needs to describe it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InterfaceSpec {
    /// The path segment it is mounted at: `/<name>`.
    pub name: String,
    pub title: String,
    pub description: String,
    pub inputs: Vec<ComponentSpec>,
    pub outputs: Vec<ComponentSpec>,
    /// Recompute on every input change, with no Submit button.
    pub live: bool,
    /// The endpoint name programmatic clients call (Gradio's `api_name`).
    pub api_name: String,
    /// Seconds between captured chunks or frames of a streaming input.
    pub stream_every: f64,
    /// Seconds one stream may run; `None` for no limit.
    pub time_limit: Option<f64>,
    /// Rows of input values that fill the inputs when clicked.
    pub examples: Vec<Vec<Value>>,
    /// Calls of this interface that may run at once; `None` for no limit.
    pub concurrency_limit: Option<usize>,
}

/// What the index page lists of each interface.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InterfaceSummary {
    pub name: String,
    pub title: String,
    pub description: String,
}

impl InterfaceSpec {
    /// Checks the whole declaration: the name, every component, the examples, the timings.
    /// Returns every problem found, in words, so an author can fix them all at once.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        if !is_path_segment(&self.name) {
            problems.push(format!(
                "interface name {:?}: use 1-64 lowercase letters, digits, '-' or '_'",
                self.name
            ));
        }
        let components = self.inputs.iter().chain(&self.outputs);
        problems.extend(components.filter_map(|c| c.check().err()).map(|e| e.to_string()));
        for (row, example) in self.examples.iter().enumerate() {
            if example.len() != self.inputs.len() {
                problems.push(format!(
                    "example {}: has {} values for {} inputs",
                    row + 1,
                    example.len(),
                    self.inputs.len()
                ));
                continue;
            }
            for (input, value) in self.inputs.iter().zip(example) {
                if let Err(e) = input.validate(value) {
                    problems.push(format!("example {}: {}: {e}", row + 1, input.label));
                }
            }
        }
        if !(self.stream_every.is_finite() && self.stream_every > 0.0) {
            problems.push("stream_every must be a positive number of seconds".into());
        }
        if self.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
            problems.push("time_limit must be a positive number of seconds".into());
        }
        if self.concurrency_limit == Some(0) {
            problems.push("concurrency_limit must be at least 1".into());
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    pub fn summary(&self) -> InterfaceSummary {
        InterfaceSummary {
            name: self.name.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
        }
    }
}

fn is_path_segment(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ComponentKind;

    fn spec() -> InterfaceSpec {
        InterfaceSpec {
            name: "calculator".into(),
            title: "Calculator".into(),
            description: String::new(),
            inputs: vec![ComponentSpec::new(ComponentKind::Number { minimum: None, maximum: None, step: None })],
            outputs: vec![ComponentSpec::new(ComponentKind::Number { minimum: None, maximum: None, step: None })],
            live: true,
            api_name: "predict".into(),
            stream_every: 0.5,
            time_limit: Some(30.0),
            examples: vec![vec![Value::Number(1.0)]],
            concurrency_limit: None,
        }
    }

    #[test]
    fn a_good_spec_passes() {
        assert_eq!(spec().check(), Ok(()));
    }

    #[test]
    fn every_problem_is_reported() {
        let mut bad = spec();
        bad.name = "Bad/Name".into();
        bad.examples = vec![vec![], vec![Value::Text("x".into())]];
        bad.stream_every = 0.0;
        bad.concurrency_limit = Some(0);
        let problems = bad.check().unwrap_err();
        assert_eq!(
            problems,
            vec![
                "interface name \"Bad/Name\": use 1-64 lowercase letters, digits, '-' or '_'",
                "example 1: has 0 values for 1 inputs",
                "example 2: number: expected a number, got text",
                "stream_every must be a positive number of seconds",
                "concurrency_limit must be at least 1",
            ]
        );
    }
}
