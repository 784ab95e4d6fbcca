//! [`ChatInterface`]: a chat around one handler (Gradio's `gr.ChatInterface`), a preset over
//! [`Blocks`].

use std::{future::ready, marker::PhantomData, sync::Arc};

use futures::{future::BoxFuture, FutureExt, StreamExt, TryStreamExt};
use rheo_shared::{components::MAX_CHAT_MESSAGES, FileData, MultimodalData, Value};

use crate::{
    blocks::{ErasedEvent, Handles},
    components::{
        ChatMessage, Chatbot, Component, ComponentList, Edit, Like, MultimodalMessage, MultimodalTextbox, NamedFile,
        Returns, Role, Submitting, Textbox,
    },
    engine::{
        codec::read_held,
        files::FileStore,
        value::{ComponentValue, Payload},
        Answers, CallError, DeclaredApp, ErasedHandler, Slot,
    },
    handler::Handler,
    interface::{erase, erase_with_event_data, private::Sealed, IntoMounted},
    Blocks, Button, State,
};

/// A chat with a handler, as Gradio's `gr.ChatInterface` makes one: the conversation, a message
/// box with Send and Stop, Retry, Undo and Clear, and an API endpoint named `chat` (Gradio's
/// `/chat`) that API clients and MCP agents call with a message.
///
/// The handler takes the new message and the conversation before it, and returns the reply:
/// as one `String`, or as a [`Stream`](futures::Stream) of pieces (a generator), each added to
/// the reply as it comes, so a model's tokens go to the page as it makes them (and over the
/// wire as what they add only). Stop ends a generator; what it had said stays. A handler that
/// shows its steps (a thought, a tool's use) before its answer is made with
/// [`ChatInterface::with_steps`] instead.
///
/// ```
/// use futures::{stream, Stream, StreamExt};
/// use rheo::{ChatInterface, ChatMessage, Registry};
///
/// fn echo(message: String, history: Vec<ChatMessage>) -> impl Stream<Item = String> {
///     let words: Vec<String> = message.split_inclusive(' ').map(str::to_owned).collect();
///     stream::iter(words).chain(stream::once(async move { format!(" ({} before)", history.len()) }))
/// }
///
/// let chat = ChatInterface::new(echo).title("Echo").examples(["Hello there"]);
/// # let _ = Registry::new().mount("echo", chat);
/// ```
///
/// A page keeps its conversation itself (a new tab starts afresh); an API client's
/// conversation is kept in its session on the server, as Gradio keeps it, so that
/// `Client(url).predict("Hi", api_name="/chat")` called twice is two turns of one chat.
pub struct ChatInterface<F, M, R = Textbox, E = (), B = Textbox> {
    respond: F,
    additional_inputs: E,
    settings: Settings,
    marker: Marker<M, R, B>,
}

/// The types a [`ChatInterface`] is made of besides its fields': its handler's marker, its
/// reply's component and its message box.
type Marker<M, R, B> = PhantomData<fn() -> (M, R, B)>;

/// A chat's settings besides its handler and its inputs' types.
struct Settings {
    title: Option<String>,
    description: String,
    placeholder: Option<String>,
    /// Each example message, as its box's value.
    examples: Vec<Payload>,
    /// The kinds of file a multimodal chat takes (none: any).
    file_types: Vec<String>,
    /// The longest message, if the author set it (else the server's limit).
    max_message_chars: Option<usize>,
    /// The author's handler of likes, erased, and whether it is a generator.
    on_like: Option<(ErasedHandler, bool)>,
    flag_likes: bool,
    save_history: bool,
}

impl<F: Handler<M>, M> ChatInterface<F, M, Textbox> {
    /// A chat answered by `respond`, whose answers are text: the reply, or pieces of it.
    pub fn new(respond: F) -> Self {
        Self::answered_by(respond)
    }
}

impl<F: Handler<M>, M> ChatInterface<F, M, Chatbot> {
    /// A chat answered by `respond`, whose answers are the reply's messages so far: steps (a
    /// [`ChatMessage::step`], shown folded under its title) then the answer. Each answer of a
    /// generator replaces the one before; only what changed goes over the wire.
    ///
    /// ```
    /// use futures::{stream, Stream};
    /// use rheo::{components::{Step, StepStatus}, ChatInterface, ChatMessage};
    ///
    /// fn think(message: String, _: Vec<ChatMessage>) -> impl Stream<Item = Vec<ChatMessage>> {
    ///     let step = |status| Step { title: "Thinking".into(), status: Some(status), ..Step::default() };
    ///     stream::iter([
    ///         vec![ChatMessage::step(step(StepStatus::Pending), "Reading the message…")],
    ///         vec![
    ///             ChatMessage::step(step(StepStatus::Done), "Read it."),
    ///             ChatMessage::assistant(format!("You wrote {} words.", message.split_whitespace().count())),
    ///         ],
    ///     ])
    /// }
    ///
    /// let chat = ChatInterface::with_steps(think);
    /// # let _ = rheo::Registry::new().mount("think", chat);
    /// ```
    pub fn with_steps(respond: F) -> Self {
        Self::answered_by(respond)
    }
}

impl<F, M, R> ChatInterface<F, M, R> {
    fn answered_by(respond: F) -> Self {
        let settings = Settings {
            title: None,
            description: String::new(),
            placeholder: None,
            examples: Vec::new(),
            file_types: Vec::new(),
            max_message_chars: None,
            on_like: None,
            flag_likes: false,
            save_history: false,
        };
        ChatInterface { respond, additional_inputs: (), settings, marker: PhantomData }
    }
}

impl<F, M, R, B> ChatInterface<F, M, R, (), B> {
    /// Inputs the handler takes after the message and the conversation (Gradio's
    /// `additional_inputs`: a system prompt, a temperature): one component or a tuple of up
    /// to six, shown folded under the message box, and parameters of `/chat` after the
    /// message.
    ///
    /// ```
    /// use rheo::{ChatInterface, ChatMessage, Slider, Textbox};
    ///
    /// fn respond(message: String, _: Vec<ChatMessage>, tone: String, words: f64) -> String {
    ///     let reply: Vec<&str> = message.split_whitespace().take(words as usize).collect();
    ///     format!("({tone}) {}", reply.join(" "))
    /// }
    ///
    /// let chat = ChatInterface::new(respond)
    ///     .additional_inputs((Textbox::new().label("tone").value("calm"), Slider::new(1.0, 10.0).label("words")));
    /// # let _ = rheo::Registry::new().mount("tone", chat);
    /// ```
    pub fn additional_inputs<E: ChatInputs>(self, inputs: E) -> ChatInterface<F, M, R, E, B> {
        let ChatInterface { respond, settings, .. } = self;
        ChatInterface { respond, additional_inputs: inputs, settings, marker: PhantomData }
    }
}

impl<F, M, R, E> ChatInterface<F, M, R, E> {
    /// A chat whose messages may carry files (Gradio's `multimodal=True`): the message box
    /// takes files (of `file_types`, checked by content as a [`File`](crate::File)'s; none for
    /// any), the conversation shows them, and the handler gets the message as a
    /// [`MultimodalMessage`]: its text and its files' contents.
    ///
    /// ```
    /// use rheo::{ChatInterface, ChatMessage, MultimodalMessage};
    ///
    /// fn sizes(message: MultimodalMessage, _: Vec<ChatMessage>) -> String {
    ///     let sizes: Vec<String> = message.files.iter().map(|f| format!("{} is {} bytes", f.name, f.bytes.len())).collect();
    ///     format!("{}: {}", message.text, sizes.join(", "))
    /// }
    ///
    /// let chat = ChatInterface::new(sizes).multimodal(["image", ".pdf"]).examples([MultimodalMessage::new("Hello")]);
    /// # let _ = rheo::Registry::new().mount("sizes", chat);
    /// ```
    pub fn multimodal<S: Into<String>>(
        mut self,
        file_types: impl IntoIterator<Item = S>,
    ) -> ChatInterface<F, M, R, E, MultimodalTextbox> {
        self.settings.file_types = file_types.into_iter().map(Into::into).collect();
        // Text examples given before become messages without files.
        for example in &mut self.settings.examples {
            if let Ok(text) = String::from_payload(example.clone()) {
                *example = MultimodalMessage::new(text).into_payload();
            }
        }
        let ChatInterface { respond, additional_inputs, settings, .. } = self;
        ChatInterface { respond, additional_inputs, settings, marker: PhantomData }
    }
}

impl<F, M, R, E, B: MessageBox> ChatInterface<F, M, R, E, B> {
    /// Messages to start with, shown under the message box: a click fills it in (text, or
    /// [`MultimodalMessage`]s with their files in a [`multimodal`](Self::multimodal) chat).
    pub fn examples<S: Into<B::Value>>(mut self, messages: impl IntoIterator<Item = S>) -> Self {
        self.settings.examples = messages.into_iter().map(|message| message.into().into_payload()).collect();
        self
    }
}

impl<F, M, R, E, B> ChatInterface<F, M, R, E, B> {
    /// The page's heading; defaults to the mount name.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.settings.title = Some(title.into());
        self
    }

    /// Markdown shown under the title, and the index's line for the chat.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.settings.description = description.into();
        self
    }

    /// Shown in the empty conversation.
    pub fn placeholder(mut self, text: impl Into<String>) -> Self {
        self.settings.placeholder = Some(text.into());
        self
    }

    /// The longest message a person may send, in characters (unless set, the server's
    /// [`Limits::max_message_chars`](crate::Limits::max_message_chars)); a longer one is
    /// refused in words.
    pub fn max_message_chars(mut self, chars: usize) -> Self {
        self.settings.max_message_chars = Some(chars);
        self
    }

    /// Hears the person's likes and dislikes of the assistant's answers (thumbs under each):
    /// `handler` gets each [`Like`], as [`Blocks::on_like`]'s does.
    ///
    /// ```
    /// use rheo::{ChatInterface, ChatMessage, Like};
    ///
    /// fn reply(message: String, _: Vec<ChatMessage>) -> String {
    ///     message.to_uppercase()
    /// }
    ///
    /// fn noted(like: Like) {
    ///     println!("{} {:?}", if like.liked { "liked" } else { "disliked" }, like.message.text());
    /// }
    ///
    /// let chat = ChatInterface::new(reply).on_like(noted);
    /// # let _ = rheo::Registry::new().mount("shout", chat);
    /// ```
    pub fn on_like<L, LM>(mut self, handler: L) -> Self
    where
        L: Handler<LM, Args = (Like,)>,
        L::Output: Returns<()>,
    {
        self.settings.on_like = Some((erase_with_event_data::<Like, L, LM, (), ()>(Arc::new(handler)), L::GENERATOR));
        self
    }

    /// Keeps the conversation in the person's browser, so that a reload or a later visit
    /// finds it (Gradio's `save_history`; see [`Chatbot::save_in_browser`]). Clear empties it.
    pub fn save_history(mut self) -> Self {
        self.settings.save_history = true;
        self
    }

    /// Keeps each like and dislike of an answer in the flagging directory (Gradio's
    /// `flagging_mode="manual"` on a chat), as a flag whose reason is `Like` or `Dislike` and
    /// whose value is the conversation up to the answer liked.
    pub fn flag_likes(mut self) -> Self {
        self.settings.flag_likes = true;
        self
    }
}

/// What a chat handler answers with: pieces of text (a [`Textbox`]'s `String`s), or the
/// reply's messages so far (a [`Chatbot`]'s `Vec<ChatMessage>`). Sealed, as components are.
pub trait Reply: Component {
    /// Puts an answer into the conversation shown, whose reply starts at `reply_at`.
    #[doc(hidden)]
    #[allow(private_interfaces)]
    fn add(shown: &mut Vec<ChatMessage>, reply_at: usize, answer: Payload) -> Result<(), CallError>;
}

impl Reply for Textbox {
    #[allow(private_interfaces)]
    fn add(shown: &mut Vec<ChatMessage>, reply_at: usize, answer: Payload) -> Result<(), CallError> {
        let piece =
            String::from_payload(answer).map_err(|_| CallError::InvalidOutput("a chat reply is text".into()))?;
        match shown.get_mut(reply_at) {
            Some(reply) => reply.push_str(&piece),
            None => shown.push(ChatMessage::assistant(piece)),
        }
        Ok(())
    }
}

impl Reply for Chatbot {
    #[allow(private_interfaces)]
    fn add(shown: &mut Vec<ChatMessage>, reply_at: usize, answer: Payload) -> Result<(), CallError> {
        let reply = Vec::<ChatMessage>::from_payload(answer)
            .map_err(|_| CallError::InvalidOutput("a chat reply is a list of messages".into()))?;
        shown.truncate(reply_at);
        shown.extend(reply);
        Ok(())
    }
}

/// A chat's message box: a [`Textbox`] (the handler gets a `String`) or, in a
/// [`multimodal`](ChatInterface::multimodal) chat, a [`MultimodalTextbox`] (a
/// [`MultimodalMessage`]). Sealed, as components are.
pub trait MessageBox: Submitting + Clone {
    /// The box as the chat shows it (taking files of `file_types`, if it takes files).
    #[doc(hidden)]
    fn made(file_types: &[String]) -> Self;
    /// This box taking at most `chars` characters.
    #[doc(hidden)]
    fn limited(self, chars: usize) -> Self;
    /// This box as `/chat`'s parameter: named `message`, without a default.
    #[doc(hidden)]
    fn api_parameter(self) -> Self;
    /// Its value once emptied (after a message is sent).
    #[doc(hidden)]
    #[allow(private_interfaces)]
    fn emptied() -> Payload;
    /// A message's text.
    #[doc(hidden)]
    fn text(message: &Self::Value) -> &str;
    /// A message as the conversation shows it.
    #[doc(hidden)]
    fn shown(message: &Self::Value) -> ChatMessage;
    /// A message the person sent, to answer again (a retry, an edit): its files read back
    /// from the server's store.
    #[doc(hidden)]
    #[allow(private_interfaces)]
    fn again(
        text: String,
        sent: &ChatMessage,
        files: Arc<FileStore>,
    ) -> BoxFuture<'static, Result<Self::Value, CallError>>;
    /// A message put back in the box (an undo).
    #[doc(hidden)]
    #[allow(private_interfaces)]
    fn put_back(sent: &ChatMessage) -> Payload;
}

impl MessageBox for Textbox {
    fn made(_: &[String]) -> Self {
        Textbox::new().label("Message").placeholder("Type a message…")
    }

    fn limited(self, chars: usize) -> Self {
        self.max_length(chars)
    }

    fn api_parameter(self) -> Self {
        self.label("message").required()
    }

    #[allow(private_interfaces)]
    fn emptied() -> Payload {
        String::new().into_payload()
    }

    fn text(message: &String) -> &str {
        message
    }

    fn shown(message: &String) -> ChatMessage {
        ChatMessage::user(message.clone())
    }

    #[allow(private_interfaces)]
    fn again(text: String, _: &ChatMessage, _: Arc<FileStore>) -> BoxFuture<'static, Result<String, CallError>> {
        ready(Ok(text)).boxed()
    }

    #[allow(private_interfaces)]
    fn put_back(sent: &ChatMessage) -> Payload {
        sent.text().into_payload()
    }
}

impl MessageBox for MultimodalTextbox {
    fn made(file_types: &[String]) -> Self {
        MultimodalTextbox::new()
            .label("Message")
            .placeholder("Type a message, or attach files…")
            .file_types(file_types.to_vec())
            .multiple()
    }

    fn limited(self, chars: usize) -> Self {
        self.max_length(chars)
    }

    fn api_parameter(self) -> Self {
        self.label("message").required()
    }

    #[allow(private_interfaces)]
    fn emptied() -> Payload {
        Payload::Json(Value::Multimodal(MultimodalData::default()))
    }

    fn text(message: &MultimodalMessage) -> &str {
        &message.text
    }

    fn shown(message: &MultimodalMessage) -> ChatMessage {
        ChatMessage::user_with_files(message.text.clone(), message.stored().iter().cloned())
    }

    #[allow(private_interfaces)]
    fn again(
        text: String,
        sent: &ChatMessage,
        files: Arc<FileStore>,
    ) -> BoxFuture<'static, Result<MultimodalMessage, CallError>> {
        let stored: Vec<FileData> = sent.files().cloned().collect();
        async move {
            // Bounded as the message was when sent, whatever the conversation now says.
            let read = read_held(&files, &stored).await?;
            let named = read.into_iter().map(|(name, bytes)| NamedFile::new(name, bytes)).collect();
            Ok(MultimodalMessage::received(text, named, stored))
        }
        .boxed()
    }

    #[allow(private_interfaces)]
    fn put_back(sent: &ChatMessage) -> Payload {
        Payload::Json(Value::Multimodal(MultimodalData { text: sent.text(), files: sent.files().cloned().collect() }))
    }
}

/// The inputs a chat handler takes after the message and the conversation
/// ([`ChatInterface::additional_inputs`]): none, one component, or a tuple of up to six.
pub trait ChatInputs {
    /// The handler's inputs: the message (in box `B`), the conversation, then these.
    #[doc(hidden)]
    type All<B: MessageBox>: ComponentList;
    /// Whether there are none (then no place is made for them).
    #[doc(hidden)]
    const NONE: bool = false;
    /// Places them in the app, and gives their handles' ids.
    #[doc(hidden)]
    fn place(self, app: &mut Blocks) -> Vec<(u64, usize)>;
}

impl ChatInputs for () {
    type All<B: MessageBox> = (B, Chatbot);
    const NONE: bool = true;

    fn place(self, _: &mut Blocks) -> Vec<(u64, usize)> {
        Vec::new()
    }
}

impl<C: Component> ChatInputs for C {
    type All<B: MessageBox> = (B, Chatbot, C);

    fn place(self, app: &mut Blocks) -> Vec<(u64, usize)> {
        app.add(self).ids()
    }
}

macro_rules! chat_inputs {
    ($($c:ident $v:ident),+) => {
        impl<$($c: Component),+> ChatInputs for ($($c,)+) {
            type All<Message: MessageBox> = (Message, Chatbot, $($c,)+);

            fn place(self, app: &mut Blocks) -> Vec<(u64, usize)> {
                let ($($v,)+) = self;
                [$(app.add($v).ids()),+].concat()
            }
        }
    };
}

chat_inputs!(A a);
chat_inputs!(A a, B b);
chat_inputs!(A a, B b, C c);
chat_inputs!(A a, B b, C c, D d);
chat_inputs!(A a, B b, C c, D d, E e);
chat_inputs!(A a, B b, C c, D d, E e, G g);

impl<F, M, R, E, B> Sealed for ChatInterface<F, M, R, E, B> {}

impl<F, M, R, E, B> IntoMounted for ChatInterface<F, M, R, E, B>
where
    F: Handler<M, Args = <E::All<B> as ComponentList>::Args>,
    F::Output: Returns<R>,
    M: 'static,
    R: Reply + 'static,
    E: ChatInputs,
    B: MessageBox,
{
    #[allow(private_interfaces)]
    fn into_mounted(self, name: &str) -> Result<DeclaredApp, Vec<String>> {
        let generator = F::GENERATOR;
        let ChatInterface { respond, additional_inputs, settings, .. } = self;
        let respond: Arc<ErasedHandler> = Arc::new(erase::<F, M, E::All<B>, R>(Arc::new(respond)));
        let respond = Responder { respond, add: R::add, max_chars: settings.max_message_chars };
        let mut app =
            Blocks::new().title(settings.title.unwrap_or_else(|| name.to_owned())).description(settings.description);
        let chatbot = Chatbot::new().label("Chatbot");
        let chatbot = match settings.placeholder {
            Some(text) => chatbot.placeholder(text),
            None => chatbot,
        };
        let chatbot = app.add(if settings.save_history { chatbot.save_in_browser() } else { chatbot });
        let message_box = B::made(&settings.file_types);
        let message_box = match settings.max_message_chars {
            Some(chars) => message_box.limited(chars),
            None => message_box,
        };
        let (message, send, stop) = app.row(|app| {
            let message = app.column(5, |app| app.add(message_box.clone()));
            let (send, stop) =
                app.column(1, |app| (app.add(Button::new("Send").primary()), app.add(Button::new("Stop").stop())));
            (message, send, stop)
        });
        let (retry, undo, clear) =
            app.row(|app| (app.add(Button::new("Retry")), app.add(Button::new("Undo")), app.add(Button::new("Clear"))));
        let extras = match E::NONE {
            true => Vec::new(),
            false => app.accordion("Additional inputs", false, |app| additional_inputs.place(app)),
        };
        if !settings.examples.is_empty() {
            app.push_examples(message.ids(), settings.examples.into_iter().map(|example| vec![example]).collect());
        }
        let with_extras = |ids: Vec<(u64, usize)>| [ids, extras.clone()].concat();

        let page_turn = ErasedEvent::new(page_turn::<B>(respond.clone()), true, "respond");
        let replied = app
            .push_event(
                vec![message.submit(), send.click()],
                page_turn,
                with_extras((message, chatbot).ids()),
                (message, chatbot).ids(),
            )
            .private()
            .id();
        let again = ErasedEvent::new(retry_turn::<B>(respond.clone()), true, "retry");
        let retried =
            app.push_event(vec![retry.click()], again, with_extras(chatbot.ids()), chatbot.ids()).private().id();
        let edit = ErasedEvent::new(edit_turn::<B>(respond.clone()), true, "edit");
        let edited =
            app.push_event(vec![chatbot.edit()], edit, with_extras(chatbot.ids()), chatbot.ids()).private().id();
        let undo_event = ErasedEvent::new(undo_turn::<B>(), false, "undo");
        app.push_event(vec![undo.click()], undo_event, chatbot.ids(), (chatbot, message).ids()).private();
        app.cancel(stop.click(), [replied, retried, edited]);
        app.cancel(clear.click(), [replied, retried, edited]);
        // One turn at a time: a new one stops the others (each writes the whole conversation).
        for trigger in [message.submit(), send.click()] {
            app.cancel(trigger, [retried, edited]);
        }
        app.cancel(retry.click(), [replied, edited]);
        app.cancel(chatbot.edit(), [replied, retried]);
        app.reset(clear.click(), (chatbot, message));
        if settings.on_like.is_some() || settings.flag_likes {
            let (handler, generator) = settings.on_like.unwrap_or_else(|| (Box::new(|_, _| nothing()), false));
            // The conversation is an input for its flags only: the author's handler gets the like.
            let handler: ErasedHandler = Box::new(move |mut values, slot| {
                values.truncate(1);
                handler(values, slot)
            });
            let liked = ErasedEvent::new(handler, generator, "like");
            let event = app.push_event(vec![chatbot.like()], liked, chatbot.ids(), Vec::new()).private();
            if settings.flag_likes {
                event.flagged(&["Like", "Dislike"]);
            }
        }

        // Gradio's `/chat`: the conversation kept in the client's session, the reply out.
        let history = app.add(State(Vec::<ChatMessage>::new()));
        let reply = app.add_unplaced(Textbox::new().label("Response"));
        let asked = app.add_unplaced(message_box.api_parameter());
        let api_turn = ErasedEvent::new(api_turn::<B>(respond), generator, "chat");
        app.push_event(Vec::new(), api_turn, with_extras((asked, history).ids()), (reply, history).ids())
            .api_name("chat");
        app.into_mounted(name)
    }
}

/// The author's handler, erased, and how its answers go into the conversation.
#[derive(Clone)]
struct Responder {
    respond: Arc<ErasedHandler>,
    add: fn(&mut Vec<ChatMessage>, usize, Payload) -> Result<(), CallError>,
    /// The longest message, in characters, if the author set it (else the server's limit); an
    /// edit's too, which no message box checks.
    max_chars: Option<usize>,
}

/// A turn of the conversation: `message` asked after `history`, the conversation with it, and
/// the conversations to show after each answer of the author's handler.
fn turn<B: MessageBox>(
    responder: &Responder,
    message: B::Value,
    history: Vec<ChatMessage>,
    extras: Vec<Payload>,
    slot: Slot,
) -> Result<(Vec<ChatMessage>, Answers<Vec<ChatMessage>>), CallError> {
    let shown = B::shown(&message);
    if B::text(&message).trim().is_empty() && shown.files().next().is_none() {
        return Err(CallError::invalid_input("Type a message first."));
    }
    let (chars, limits) = (B::text(&message).chars().count(), slot.limits());
    let max_chars = responder.max_chars.unwrap_or(limits.max_message_chars);
    if chars > max_chars {
        return Err(CallError::invalid_input(format!(
            "the message has {chars} characters, the most a message may have is {max_chars}"
        )));
    }
    // An API client's conversation grows in its session: bounded as a page's is.
    let max_messages = limits.max_chat_messages.min(MAX_CHAT_MESSAGES);
    if history.len() + 2 > max_messages {
        return Err(CallError::invalid_input(format!(
            "the conversation has {} messages, the most a chat keeps is {max_messages}: start a new one",
            history.len()
        )));
    }
    let mut asked = history.clone();
    asked.push(shown);
    let reply_at = asked.len();
    let inputs = [vec![message.into_payload(), history.into_payload()], extras].concat();
    let answers = (responder.respond)(inputs, slot);
    let add = responder.add;
    let replies = answers.scan(asked.clone(), move |shown, answer| {
        let added = answer
            .and_then(|mut payloads| payloads.pop().ok_or(CallError::NoValue))
            .and_then(|answer| add(shown, reply_at, answer))
            .map(|()| shown.clone());
        ready(Some(added))
    });
    Ok((asked, replies.boxed()))
}

/// A turn shown as it goes: the message at once, then the reply as it grows.
fn shown_turn(turn: Result<(Vec<ChatMessage>, Answers<Vec<ChatMessage>>), CallError>) -> Answers<Vec<ChatMessage>> {
    match turn {
        Ok((asked, replies)) => futures::stream::once(ready(Ok(asked))).chain(replies).boxed(),
        Err(e) => futures::stream::once(ready(Err(e))).boxed(),
    }
}

/// The first `count` of a call's values, and the additional inputs' after them.
fn split(mut values: Vec<Payload>, count: usize) -> (Vec<Payload>, Vec<Payload>) {
    let extras = values.split_off(count.min(values.len()));
    (values, extras)
}

/// The page's turn: the message box emptied, and the conversation as it grows.
fn page_turn<B: MessageBox>(respond: Responder) -> ErasedHandler {
    Box::new(move |values, slot| {
        let (asked, extras) = split(values, 2);
        match <(B, Chatbot)>::decode(asked) {
            Ok((message, history)) => shown_turn(turn::<B>(&respond, message, history, extras, slot))
                .map_ok(|shown| vec![B::emptied(), shown.into_payload()])
                .boxed(),
            Err(e) => refused(CallError::invalid_input(e.to_string())),
        }
    })
}

/// The conversation up to message `at`, then `text` (with the files of the message sent
/// there) asked and answered: a retry's, an edit's.
fn ask_again<B: MessageBox>(
    respond: &Responder,
    mut history: Vec<ChatMessage>,
    at: usize,
    text: String,
    extras: Vec<Payload>,
    slot: Slot,
) -> Answers<Vec<Payload>> {
    let again = B::again(text, &history[at], slot.files().clone());
    history.truncate(at);
    let respond = respond.clone();
    futures::stream::once(async move {
        match again.await {
            Ok(message) => shown_turn(turn::<B>(&respond, message, history, extras, slot))
                .map_ok(|shown| vec![shown.into_payload()])
                .boxed(),
            Err(e) => refused(e),
        }
    })
    .flatten()
    .boxed()
}

/// Retry: the last message asked again, its reply made anew.
fn retry_turn<B: MessageBox>(respond: Responder) -> ErasedHandler {
    Box::new(move |values, slot| {
        let (asked, extras) = split(values, 1);
        match <Chatbot as ComponentList>::decode(asked) {
            Ok((history,)) => match history.iter().rposition(|m| m.role() == Role::User) {
                Some(last) => {
                    let text = history[last].text();
                    ask_again::<B>(&respond, history, last, text, extras, slot)
                }
                None => refused(CallError::invalid_input("There is no message to retry.")),
            },
            Err(e) => refused(CallError::invalid_input(e.to_string())),
        }
    })
}

/// An edit: the conversation up to the message edited, then the edited message answered
/// (with the files it had).
fn edit_turn<B: MessageBox>(respond: Responder) -> ErasedHandler {
    Box::new(move |values, slot| {
        let (asked, extras) = split(values, 2);
        let mut asked = asked.into_iter();
        let edit = asked
            .next()
            .ok_or(CallError::NoValue)
            .and_then(|edit| Edit::from_payload(edit).map_err(|e| CallError::invalid_input(e.to_string())));
        let history = <Chatbot as ComponentList>::decode(asked.collect());
        let edited = match (edit, history) {
            (Ok(edit), Ok((history,))) if history.get(edit.index).map(ChatMessage::role) == Some(Role::User) => {
                Ok((edit, history))
            }
            (Ok(_), Ok(_)) => Err(CallError::invalid_input("Only a message you sent can be edited.")),
            (Err(e), _) => Err(e),
            (_, Err(e)) => Err(CallError::invalid_input(e.to_string())),
        };
        match edited {
            Ok((edit, history)) => ask_again::<B>(&respond, history, edit.index, edit.text, extras, slot),
            Err(e) => refused(e),
        }
    })
}

/// An API client's turn: its reply as it grows, the conversation kept in its session.
fn api_turn<B: MessageBox>(respond: Responder) -> ErasedHandler {
    Box::new(move |values, slot| {
        let (asked, extras) = split(values, 2);
        let replies = <(B, State<Vec<ChatMessage>>)>::decode(asked)
            .map_err(|e| CallError::invalid_input(e.to_string()))
            .and_then(|(message, State(history))| turn::<B>(&respond, message, history, extras, slot));
        match replies {
            Ok((_, replies)) => replies
                .map_ok(|shown| {
                    // The answer after any steps.
                    let answer = shown.last().filter(|m| m.role() == Role::Assistant && m.metadata().is_none());
                    let reply = answer.map(ChatMessage::text);
                    vec![reply.unwrap_or_default().into_payload(), State(shown).into_payload()]
                })
                .boxed(),
            Err(e) => refused(e),
        }
    })
}

/// Undo: the last message and its reply taken back, the message (and its files) put back in
/// the box.
fn undo_turn<B: MessageBox>() -> ErasedHandler {
    Box::new(|values, _| match <Chatbot as ComponentList>::decode(values) {
        Ok((mut history,)) => {
            let put_back = match history.iter().rposition(|m| m.role() == Role::User) {
                Some(last) => {
                    let put_back = B::put_back(&history[last]);
                    history.truncate(last);
                    put_back
                }
                None => B::emptied(),
            };
            futures::stream::once(ready(Ok(vec![history.into_payload(), put_back]))).boxed()
        }
        Err(e) => refused(CallError::invalid_input(e.to_string())),
    })
}

fn nothing() -> Answers<Vec<Payload>> {
    futures::stream::once(ready(Ok(Vec::new()))).boxed()
}

fn refused(error: CallError) -> Answers<Vec<Payload>> {
    futures::stream::once(ready(Err(error))).boxed()
}

#[cfg(test)]
mod tests {
    use futures::Stream;
    use serde_json::json;

    use rheo_shared::protocol::EventDataKind;

    use super::*;
    use crate::engine::files::FileStore;

    /// Says "Hi", then how many messages came before.
    fn count(_message: String, history: Vec<ChatMessage>) -> impl Stream<Item = String> {
        futures::stream::iter(["Hi".to_owned(), format!(" after {}", history.len())])
    }

    fn conversation(payload: &Payload) -> Vec<(Role, String)> {
        let Payload::Json(Value::Json(json)) = payload else { panic!("not a conversation: {payload:?}") };
        let messages: Vec<ChatMessage> = serde_json::from_value(json.clone()).unwrap();
        messages.iter().map(|m| (m.role(), m.text())).collect()
    }

    /// The page's turn shows the message at once, then the reply as it grows; Retry asks the
    /// last message again; the API's `/chat` keeps each client's conversation in its session.
    #[tokio::test]
    async fn turns_on_the_page_and_through_the_api() {
        let files = std::sync::Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let declared = ChatInterface::new(count).into_mounted("chat").unwrap();
        let public: Vec<&str> =
            declared.spec.events.iter().filter(|e| !e.private).map(|e| e.api_name.as_str()).collect();
        assert_eq!(public, ["chat"], "one public endpoint, Gradio's /chat");
        let app = declared.build_in_memory(&files);
        let call = |endpoint: &Arc<crate::engine::Mounted>, inputs: Vec<Value>, session: &str| {
            let checked = endpoint.check(inputs);
            let session = Some(session.to_owned());
            let files = &files;
            let endpoint = endpoint.clone();
            async move {
                endpoint
                    .call(files, None, session, checked?, None)
                    .collect::<Vec<_>>()
                    .await
                    .into_iter()
                    .collect::<Result<Vec<_>, _>>()
            }
        };

        let page = app.endpoint(0).unwrap();
        let answers = call(page, vec![Value::Text("hello".into()), Value::Json(json!([]))], "a").await.unwrap();
        let shown: Vec<_> = answers.iter().map(|answer| conversation(&answer[1])).collect();
        assert_eq!(shown[0], [(Role::User, "hello".to_owned())], "the message at once");
        assert_eq!(shown[1][1], (Role::Assistant, "Hi".to_owned()));
        assert_eq!(shown[2][1], (Role::Assistant, "Hi after 0".to_owned()), "pieces added to one reply");
        assert!(answers.iter().all(|answer| answer[0] == Payload::Json(Value::Text(String::new()))), "box emptied");

        let retry = app.endpoint(1).unwrap();
        let asked = json!([{"role": "user", "content": "a"}, {"role": "assistant", "content": "old"}]);
        let answers = call(retry, vec![Value::Json(asked)], "a").await.unwrap();
        let last = conversation(&answers.last().unwrap()[0]);
        assert_eq!(last, [(Role::User, "a".to_owned()), (Role::Assistant, "Hi after 0".to_owned())]);

        let (_, api) = app.named("chat").unwrap();
        let reply = |answers: Vec<Vec<Payload>>| answers.last().unwrap()[0].clone();
        let text = |text: &str| Payload::Json(Value::Text(text.into()));
        let first = call(api, vec![Value::Text("one".into()), Value::Null], "s").await.unwrap();
        assert_eq!(reply(first), text("Hi after 0"));
        let second = call(api, vec![Value::Text("two".into()), Value::Null], "s").await.unwrap();
        assert_eq!(reply(second), text("Hi after 2"), "the session kept the first turn");
        let other = call(api, vec![Value::Text("one".into()), Value::Null], "t").await.unwrap();
        assert_eq!(reply(other), text("Hi after 0"), "another session, another conversation");

        for (inputs, refusal) in [
            (vec![Value::Text("  ".into()), Value::Null], "Type a message first."),
            (vec![Value::Text("x".repeat(10_001)), Value::Null], "the most a message may have is 10000"),
        ] {
            let error = call(api, inputs, "s").await.unwrap_err().to_string();
            assert!(error.contains(refusal), "{error}");
        }
        let full = Value::Json(json!(vec![json!({"role": "user", "content": "x"}); MAX_CHAT_MESSAGES - 1]));
        let error = call(page, vec![Value::Text("hi".into()), full], "a").await.unwrap_err().to_string();
        assert!(error.contains("the most a chat keeps is 1000: start a new one"), "{error}");
        let malformed = vec![Value::Text("hi".into()), Value::Json(json!([{"role": "robot", "content": "x"}]))];
        let error = call(page, malformed, "a").await.unwrap_err().to_string();
        assert!(error.contains("message 0: its role is not user, assistant or system"), "{error}");
    }

    /// A reply that fails half-way: the page saw the words before the error, which ends the
    /// turn; a caller gone mid-reply stops the author's generator.
    #[tokio::test]
    async fn a_failure_half_way_ends_the_turn_after_its_words_and_a_caller_gone_stops_the_reply() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static WORDS: AtomicUsize = AtomicUsize::new(0);
        fn fails(_: String, _: Vec<ChatMessage>) -> impl Stream<Item = Result<String, String>> {
            futures::stream::iter([Ok("so far".to_owned()), Err("the model stopped".to_owned())])
        }
        fn endless(_: String, _: Vec<ChatMessage>) -> impl Stream<Item = String> {
            futures::stream::unfold((), |()| async {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                WORDS.fetch_add(1, Ordering::SeqCst);
                Some((" word".to_owned(), ()))
            })
        }
        let files = std::sync::Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let inputs = || vec![Value::Text("hi".into()), Value::Json(json!([]))];

        let app = ChatInterface::new(fails).into_mounted("fails").unwrap().build_in_memory(&files);
        let page = app.endpoint(0).unwrap();
        let answers: Vec<_> = page.call(&files, None, None, page.check(inputs()).unwrap(), None).collect().await;
        assert_eq!(answers.len(), 3, "the message, the words, the error");
        assert_eq!(conversation(&answers[1].as_ref().unwrap()[1])[1], (Role::Assistant, "so far".to_owned()));
        assert_eq!(answers[2].as_ref().unwrap_err().to_string(), "the model stopped");

        let app = ChatInterface::new(endless).into_mounted("endless").unwrap().build_in_memory(&files);
        let page = app.endpoint(0).unwrap();
        let mut answers = Box::pin(page.call(&files, None, None, page.check(inputs()).unwrap(), None));
        for _ in 0..3 {
            answers.next().await.unwrap().unwrap();
        }
        drop(answers);
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        let stopped = WORDS.load(Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
        assert_eq!(WORDS.load(Ordering::SeqCst), stopped, "the generator stopped with its caller");
    }

    /// A like reaches the author's handler with the message liked; a like event's call without
    /// what was liked, or with something else, is refused in words before the handler runs.
    #[tokio::test]
    async fn a_like_reaches_the_authors_handler_and_a_malformed_one_is_refused() {
        use std::sync::Mutex;
        static HEARD: Mutex<Vec<(usize, String, bool)>> = Mutex::new(Vec::new());
        fn noted(like: Like) {
            HEARD.lock().unwrap().push((like.index, like.message.text(), like.liked));
        }
        let files = std::sync::Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let declared = ChatInterface::new(count).on_like(noted).into_mounted("liked").unwrap();
        let (index, event) =
            declared.spec.events.iter().enumerate().find(|(_, e)| e.event_data() == Some(EventDataKind::Like)).unwrap();
        assert!(event.private, "only the page likes");
        let app = declared.build_in_memory(&files);
        let liked = app.endpoint(index).unwrap();
        let conversation = || vec![Value::Json(json!([{"role": "user", "content": "hi"}]))];
        let like = |data| liked.check(conversation()).and_then(|checked| liked.check_event_data(checked, data));

        let data = json!({"index": 1, "value": {"role": "assistant", "content": "Hi after 0"}, "liked": false});
        let answers: Vec<_> = liked.call(&files, None, None, like(Some(data)).unwrap(), None).collect().await;
        assert!(answers.iter().all(Result::is_ok), "{answers:?}");
        assert_eq!(*HEARD.lock().unwrap(), [(1, "Hi after 0".to_owned(), false)]);

        for data in [None, Some(json!({"index": -1, "value": null, "liked": true})), Some(json!("liked"))] {
            let error = like(data).unwrap_err().to_string();
            assert!(error.contains(r#"a like's event data is {"index", "value", "liked"}"#), "{error}");
        }
        let not_a_message = json!({"index": 0, "value": {"role": "robot"}, "liked": true});
        let answers: Vec<_> = liked.call(&files, None, None, like(Some(not_a_message)).unwrap(), None).collect().await;
        assert!(answers[0].as_ref().unwrap_err().to_string().contains("a liked message"), "{answers:?}");
        assert_eq!(HEARD.lock().unwrap().len(), 1, "the handler ran only for the well-formed like");
    }

    /// An edited message is answered anew after the conversation before it; only a message
    /// the person sent is edited, and an edit is held to the length of a message.
    #[tokio::test]
    async fn an_edit_answers_the_edited_message_after_what_came_before_it() {
        let files = std::sync::Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let declared = ChatInterface::new(count).max_message_chars(20).into_mounted("edits").unwrap();
        let index = declared.spec.events.iter().position(|e| e.event_data() == Some(EventDataKind::Edit)).unwrap();
        assert!(declared.spec.events[index].private);
        let app = declared.build_in_memory(&files);
        let edits = app.endpoint(index).unwrap();
        let history = json!([
            {"role": "user", "content": "a"}, {"role": "assistant", "content": "A"},
            {"role": "user", "content": "b"}, {"role": "assistant", "content": "B"},
        ]);
        let edit = |index: usize, text: &str| {
            let data = json!({"index": index, "value": text, "previous_value": "b"});
            let checked = edits.check(vec![Value::Json(history.clone())]);
            let checked = checked.and_then(|checked| edits.check_event_data(checked, Some(data))).unwrap();
            edits.call(&files, None, None, checked, None).collect::<Vec<_>>()
        };
        let answers = edit(2, "c").await;
        let last = conversation(&answers.last().unwrap().as_ref().unwrap()[0]);
        let expected = [(Role::User, "a"), (Role::Assistant, "A"), (Role::User, "c"), (Role::Assistant, "Hi after 2")];
        assert_eq!(last, expected.map(|(role, text)| (role, text.to_owned())));

        let error = |answers: Vec<Result<Vec<Payload>, CallError>>| answers[0].as_ref().unwrap_err().to_string();
        assert_eq!(error(edit(1, "c").await), "Only a message you sent can be edited.");
        assert!(error(edit(2, &"x".repeat(21)).await).contains("the most a message may have is 20"));
        let data = json!({"index": 2, "value": "c"});
        let missing = edits.check_event_data(edits.check(vec![Value::Json(history.clone())]).unwrap(), Some(data));
        assert!(missing.unwrap_err().to_string().contains("an edit's event data is"));
    }

    /// The server's limits bound a chat: its messages' length (unless the chat sets its own),
    /// and its conversations' (a longer one refused as it comes, a full one asked to start anew).
    #[tokio::test]
    async fn the_servers_limits_bound_a_chats_messages_and_conversations() {
        let files = Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let limits = crate::Limits::default().max_chat_messages(3).max_message_chars(5);
        let budget = crate::engine::media::DecodeBudget::new(1 << 20);
        let declared = ChatInterface::new(count).into_mounted("chat").unwrap();
        let app = declared.build(&limits, &files, &budget, &crate::store::Backend::Memory).unwrap();
        let page = app.endpoint(0).unwrap();
        let turn = |text: &str, history: serde_json::Value| {
            let checked = page.check(vec![Value::Text(text.into()), Value::Json(history)]);
            let files = &files;
            async move {
                let answers: Vec<_> = page.call(files, None, None, checked?, None).collect().await;
                answers.into_iter().collect::<Result<Vec<_>, _>>()
            }
        };
        let error = |result: Result<Vec<Vec<Payload>>, CallError>| result.unwrap_err().to_string();
        assert!(error(turn("sixsix", json!([])).await).contains("the most a message may have is 5"));
        let message = |role: &str| json!({"role": role, "content": "x"});
        let two = json!([message("user"), message("assistant")]);
        assert!(error(turn("hi", two).await).contains("the most a chat keeps is 3: start a new one"));
        let four = json!([message("user"), message("assistant"), message("user"), message("assistant")]);
        assert!(error(turn("hi", four).await).contains("the conversation has 4 messages; the limit is 3"));
        assert!(turn("hi", json!([])).await.is_ok());
        let own = ChatInterface::new(count).max_message_chars(8).into_mounted("own").unwrap();
        let own = own.build(&limits, &files, &budget, &crate::store::Backend::Memory).unwrap();
        let checked = own.endpoint(0).unwrap().check(vec![Value::Text("sixsix".into()), Value::Json(json!([]))]);
        assert!(checked.is_ok(), "the chat's own limit, not the server's");
    }

    /// A multimodal chat: the handler gets the message's files, the conversation shows them,
    /// Retry reads them back from the store, Undo puts the message and its files back in the
    /// box, and `/chat` takes text with files too.
    #[tokio::test]
    async fn a_multimodal_turn_carries_its_files_through_retry_and_undo() {
        fn sizes(message: MultimodalMessage, _: Vec<ChatMessage>) -> String {
            let sizes: Vec<String> = message.files.iter().map(|f| format!("{}={}", f.name, f.bytes.len())).collect();
            format!("{} [{}]", message.text, sizes.join(" "))
        }
        let files = Arc::new(FileStore::new(4096, 1 << 30).unwrap());
        let declared = ChatInterface::new(sizes).multimodal(["text"]).into_mounted("chat").unwrap();
        let app = declared.build_in_memory(&files);
        let call = |index: usize, inputs: Vec<serde_json::Value>| {
            let endpoint = app.endpoint(index).unwrap().clone();
            let inputs = endpoint.spec().inputs.iter().zip(inputs).map(|(c, json)| c.read_value(json)).collect();
            let files = &files;
            async move {
                let checked = endpoint.check(inputs)?;
                let answers: Vec<_> = endpoint.call(files, None, Some("s".into()), checked, None).collect().await;
                answers.into_iter().collect::<Result<Vec<_>, _>>()
            }
        };
        let stored = files.store(b"four", "a.txt", "text/plain", None).await.unwrap();
        let message = json!({"text": "see", "files": [stored]});

        let answers = call(0, vec![message.clone(), json!([])]).await.unwrap();
        let Payload::Json(Value::Json(shown)) = &answers.last().unwrap()[1] else { panic!("{answers:?}") };
        let shown: Vec<ChatMessage> = serde_json::from_value(shown.clone()).unwrap();
        assert_eq!(shown[0].files().map(|f| f.path.as_str()).collect::<Vec<_>>(), [stored.path.as_str()]);
        assert_eq!(shown[1].text(), "see [a.txt=4]");
        assert_eq!(answers[0][0], Payload::Json(Value::Multimodal(MultimodalData::default())), "the box emptied");

        let sent = serde_json::to_value(&shown).unwrap();
        let retried = call(1, vec![sent.clone()]).await.unwrap();
        assert_eq!(conversation(&retried.last().unwrap()[0])[1].1, "see [a.txt=4]", "the file read back");

        let undone = call(3, vec![sent]).await.unwrap();
        assert_eq!(conversation(&undone[0][0]), []);
        let put_back = MultimodalData { text: "see".into(), files: vec![stored.clone()] };
        assert_eq!(undone[0][1], Payload::Json(Value::Multimodal(put_back)), "the message and its file back");

        let (api, _) = app.named("chat").unwrap();
        let reply = call(api, vec![message, serde_json::Value::Null]).await.unwrap();
        assert_eq!(reply.last().unwrap()[0], Payload::Json(Value::Text("see [a.txt=4]".into())));
        let png = files.store(b"\x89PNG\r\n\x1a\n", "a.txt", "text/plain", None).await.unwrap();
        let refused = call(api, vec![json!({"text": "x", "files": [png]}), serde_json::Value::Null]).await.unwrap_err();
        assert!(refused.to_string().contains("\"a.txt\" is image/png, not one of the kinds of file"), "{refused}");
    }
}
