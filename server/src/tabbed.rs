//! [`TabbedInterface`]: several interfaces (or Blocks apps) at one address, a tab each
//! (Gradio's `gr.TabbedInterface`), as one Blocks app.

use rheo_shared::{BlocksSpec, ComponentKind, ComponentSpec, Node, Tab, Value};

use crate::{
    blocks::unique_name,
    engine::{DeclaredApp, ExampleFile},
    interface::{private::Sealed, IntoMounted},
};

/// Interfaces (or Blocks apps) in tabs at one address: each keeps its layout, its events and
/// its State in its tab; API clients and MCP see every named endpoint of every tab (a name two
/// tabs share gets `_1`, `_2`, …, as Gradio gives it).
///
/// ```
/// use rheo::{Interface, Registry, TabbedInterface, Textbox};
///
/// fn shout(text: String) -> String {
///     text.to_uppercase()
/// }
///
/// fn whisper(text: String) -> String {
///     text.to_lowercase()
/// }
///
/// let louder = Interface::new(shout).inputs(Textbox::new()).outputs(Textbox::new());
/// let quieter = Interface::new(whisper).inputs(Textbox::new()).outputs(Textbox::new());
/// let app = TabbedInterface::new().title("Voices").tab("Shout", louder).tab("Whisper", quieter);
/// # let _ = Registry::new().mount("voices", app);
/// ```
#[must_use]
pub struct TabbedInterface {
    title: Option<String>,
    /// Each tab's label, and its app as it mounts at the tabbed app's name.
    tabs: Vec<(String, Mount)>,
}

type Mount = Box<dyn FnOnce(&str) -> Result<DeclaredApp, Vec<String>>>;

impl Default for TabbedInterface {
    fn default() -> Self {
        Self::new()
    }
}

impl TabbedInterface {
    /// No tabs yet.
    pub fn new() -> Self {
        TabbedInterface { title: None, tabs: Vec::new() }
    }

    /// The page's heading; defaults to the mount name.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// A tab labelled `label` holding `app`: an [`Interface`](crate::Interface) or a
    /// [`Blocks`](crate::Blocks). At most one tab may have flagging on.
    pub fn tab(mut self, label: impl Into<String>, app: impl IntoMounted + 'static) -> Self {
        self.tabs.push((label.into(), Box::new(move |name: &str| app.into_mounted(name))));
        self
    }
}

impl Sealed for TabbedInterface {}

impl IntoMounted for TabbedInterface {
    #[allow(private_interfaces)]
    fn into_mounted(self, name: &str) -> Result<DeclaredApp, Vec<String>> {
        let mut spec = BlocksSpec {
            name: name.to_owned(),
            title: self.title.unwrap_or_else(|| name.to_owned()),
            description: String::new(),
            article: String::new(),
            html_in_text: false,
            interface: false,
            components: Vec::new(),
            layout: Vec::new(),
            events: Vec::new(),
            cancels: Vec::new(),
            examples: Vec::new(),
            resets: Vec::new(),
        };
        let (mut tabs, mut endpoints, mut state_starts, mut example_files, mut problems) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        if self.tabs.is_empty() {
            problems.push("a tabbed interface needs at least one tab".to_owned());
        }
        for (label, mount) in self.tabs {
            let app = match mount(name) {
                Ok(app) => app,
                Err(tab_problems) => {
                    problems.extend(tab_problems.into_iter().map(|problem| format!("tab {label:?}: {problem}")));
                    continue;
                }
            };
            let (slots, sets) = (state_starts.len(), spec.examples.len());
            let mut children = Vec::new();
            if !app.spec.description.is_empty() {
                // The tab's description under its title, as Gradio shows it in the tab.
                let text = Value::Text(app.spec.description.clone());
                let about = ComponentSpec::new(ComponentKind::Markdown(Default::default()));
                spec.components.push(about.with_label(app.spec.title.clone()).with_value(text));
                children.push(Node::Component { id: spec.components.len() - 1 });
            }
            let events = spec.events.len();
            children.extend(spec.embed(app.spec));
            tabs.push(Tab { label, children });
            let names: Vec<String> = spec.events[events..].iter().map(|e| e.api_name.clone()).collect();
            for ((index, endpoint), wanted) in app.endpoints.into_iter().enumerate().zip(names) {
                let before = &spec.events[..events + index];
                let api_name = unique_name(&wanted, |name| before.iter().any(|event| event.api_name == name));
                spec.events[events + index].api_name = api_name.clone();
                endpoints.push(endpoint.embedded(slots, api_name));
            }
            state_starts.extend(app.state_starts);
            example_files
                .extend(app.example_files.into_iter().map(|file| ExampleFile { set: file.set + sets, ..file }));
        }
        spec.layout = vec![Node::Tabs { tabs }];
        if spec.events.iter().filter(|event| event.flagging.is_some()).count() > 1 {
            problems.push("flagging: at most one tab of a tabbed interface may have it".to_owned());
        }
        problems.extend(spec.check().err().into_iter().flatten());
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(DeclaredApp { spec, endpoints, state_starts, example_files })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Interface, Number, State};

    /// Counts the calls of its session.
    fn count(State(calls): State<u32>) -> (f64, State<u32>) {
        (f64::from(calls + 1), State(calls + 1))
    }

    fn counter() -> impl IntoMounted {
        Interface::new(count).inputs(State(0_u32)).outputs((Number::new(), State(0_u32)))
    }

    /// Two tabs of one function: the second's name gets `_1`, its ids and State slot come after
    /// the first's, and each counts its own calls in a session.
    #[tokio::test]
    async fn each_tab_keeps_its_components_its_name_and_its_state() {
        let tabbed = TabbedInterface::new().tab("One", counter()).tab("Two", counter());
        let declared = tabbed.into_mounted("counters").unwrap();
        let names: Vec<&str> = declared.spec.events.iter().map(|e| e.api_name.as_str()).collect();
        assert_eq!(names, ["count", "count_1"]);
        let Node::Tabs { tabs } = &declared.spec.layout[0] else { panic!("tabs") };
        assert_eq!(tabs.iter().map(|tab| tab.label.as_str()).collect::<Vec<_>>(), ["One", "Two"]);
        // A counter is five components: its State in, a number and its State out, Clear and Submit.
        assert_eq!(declared.spec.events[1].inputs, [declared.spec.events[0].inputs[0] + 5]);
        let files = std::sync::Arc::new(crate::engine::files::FileStore::new(4096, 1 << 30).unwrap());
        let app = declared.build_in_memory(&files);
        let call = |index: usize| {
            let endpoint = app.endpoint(index).unwrap();
            let inputs = endpoint.check(vec![Value::Null]).unwrap();
            crate::engine::last(endpoint.call(&files, None, Some("s".into()), inputs, None))
        };
        let number = |n: f64| crate::engine::value::Payload::Json(Value::Number(n));
        call(0).await.unwrap();
        assert_eq!(call(0).await.unwrap()[0], number(2.0));
        assert_eq!(call(1).await.unwrap()[0], number(1.0), "the second tab's own State");
        assert_eq!(app.endpoint(1).unwrap().spec().api_name, "count_1");
    }

    #[test]
    fn a_tabs_problems_are_named_after_it() {
        let bad = Interface::new(count)
            .inputs(State(0_u32))
            .outputs((Number::new(), State(0_u32)))
            .concurrency_limit(Some(0));
        let problems = TabbedInterface::new().tab("Bad", bad).into_mounted("t").err().unwrap();
        assert_eq!(problems, ["tab \"Bad\": concurrency_limit must be at least 1"]);
        let none = TabbedInterface::new().into_mounted("t").err().unwrap();
        assert!(none.contains(&"a tabbed interface needs at least one tab".to_owned()), "{none:?}");
    }
}
