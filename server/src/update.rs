//! [`Update`]: what a handler returns to change an output beyond its value.

use std::marker::PhantomData;

use crate::{
    components::{Choosing, Output, Shown},
    engine::value::{ComponentValue, Payload},
};

/// A change to output `C` besides, or instead of, its value (Gradio's `gr.update`): shown or
/// hidden, open to the user or not, another label. A handler returns it where it would return
/// the output's value; what it leaves out stays as it is.
///
/// ```
/// use rheo::{Blocks, Checkbox, Textbox, Update};
///
/// // The details box shows only while "More" is ticked, and its label says why.
/// fn more(ticked: bool) -> Update<Textbox> {
///     Update::new().visible(ticked).label(if ticked { "Tell us more" } else { "details" })
/// }
///
/// let mut app = Blocks::new();
/// let (ticked, details) = (app.add(Checkbox::new().label("More")), app.add(Textbox::new()));
/// app.on(ticked.change(), more, ticked, details);
/// ```
///
/// Its value is the output's value type, as a plain return would be:
///
/// ```compile_fail,E0277
/// # use rheo::{Number, Update};
/// let _: Update<Number> = Update::new().value("three");
/// ```
#[must_use]
pub struct Update<C: Shown> {
    value: Option<C::Value>,
    /// The rest, as it travels (its `value` is set when the payload is made).
    look: rheo_shared::Update,
    component: PhantomData<fn() -> C>,
}

impl<C: Shown> Update<C> {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Update { value: None, look: rheo_shared::Update::default(), component: PhantomData }
    }

    /// Shows `value`, as returning it would.
    pub fn value(mut self, value: impl Into<C::Value>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Shows the component, or hides it (its place in the layout closes up).
    pub fn visible(mut self, visible: bool) -> Self {
        self.look.visible = Some(visible);
        self
    }

    /// Lets the user change an input, or not (its controls are disabled); outputs stay as
    /// they are.
    pub fn interactive(mut self, interactive: bool) -> Self {
        self.look.interactive = Some(interactive);
        self
    }

    /// Gives the component another label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.look.label = Some(label.into());
        self
    }

    /// Gives a [`Radio`](crate::Radio) or a [`Dropdown`](crate::Dropdown) other choices (1 to
    /// 1000): from then on the session's calls take any of them, and only them.
    ///
    /// ```
    /// use rheo::{Dropdown, Update};
    ///
    /// fn models(family: String) -> Update<Dropdown> {
    ///     Update::new().choices([format!("{family}-small"), format!("{family}-large")])
    /// }
    /// ```
    ///
    /// Only a component with choices takes them:
    ///
    /// ```compile_fail,E0277
    /// # use rheo::{Textbox, Update};
    /// let _: Update<Textbox> = Update::new().choices(["a"]);
    /// ```
    pub fn choices<S: Into<String>>(mut self, choices: impl IntoIterator<Item = S>) -> Self
    where
        C: Choosing,
    {
        self.look.choices = Some(choices.into_iter().map(Into::into).collect());
        self
    }
}

impl<C: Shown> PartialEq for Update<C>
where
    C::Value: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value && self.look == other.look
    }
}

impl<C: Shown> std::fmt::Debug for Update<C>
where
    C::Value: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Update").field("value", &self.value).field("look", &self.look).finish()
    }
}

impl<C: Shown> Default for Update<C> {
    fn default() -> Self {
        Update::new()
    }
}

impl<C: Shown> Output<C> for Update<C> {
    fn into_payload(self) -> Payload {
        let value = self.value.map(|value| Box::new(value.into_payload()));
        Payload::Update { value, look: self.look }
    }
}
