//! The words Rheo's own UI shows (buttons, prompts, errors, the login and API pages), one
//! table per language, and the choice of a table for a browser's `Accept-Language`.
//!
//! [`Text`] names every string; its English is written here, beside its key, so English is
//! always complete. Other languages are tables from key to text (the server ships several and
//! an author adds or overrides some, see `rheo::Language`); a key a table lacks falls back to
//! English. `{name}` in a text is a placeholder [`Strings::fill`] replaces, so a language may
//! put it where its grammar wants.
//!
//! An author's own texts (labels, titles, descriptions) may be translated too: a table's
//! `phrases` map the author's English to the language's ([`Strings::phrase`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{BlocksSpec, ComponentKind, Node, Value};

macro_rules! texts {
    ($($key:ident: $variant:ident = $english:literal,)*) => {
        /// A string of Rheo's own UI. Its key (in language tables) is its snake_case name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Text {
            $($variant,)*
        }

        impl Text {
            /// Every text, in table order.
            pub const ALL: &[Text] = &[$(Text::$variant,)*];

            /// Its key in a language table.
            pub fn key(self) -> &'static str {
                match self {
                    $(Text::$variant => stringify!($key),)*
                }
            }

            /// Its English, which a table missing it falls back to.
            pub fn english(self) -> &'static str {
                match self {
                    $(Text::$variant => $english,)*
                }
            }
        }
    };
}

texts! {
    // Every page.
    dark_theme: DarkTheme = "Dark theme",
    demos_title: DemosTitle = "Rheo demos",
    all_demos: AllDemos = "All demos",
    use_via_api: UseViaApi = "Use via API",
    loading: Loading = "Loading…",
    load_error: LoadError = "Could not load this page: {error}",
    code_not_loaded: CodeNotLoaded = "Part of this page's code did not arrive: reload the page to try again.",
    not_found: NotFound = "Not found",
    no_demo_here: NoDemoHere = "There is no demo here.",
    see_all_demos: SeeAllDemos = "See all demos.",
    // An interface's buttons, and a chat's.
    submit: Submit = "Submit",
    clear: Clear = "Clear",
    stop: Stop = "Stop",
    retry: Retry = "Retry",
    undo: Undo = "Undo",
    inputs: Inputs = "Inputs",
    outputs: Outputs = "Outputs",
    // Examples, flags, alerts and the line.
    examples: Examples = "Examples",
    example_row: ExampleRow = "Example {n}:",
    play_example: PlayExample = "Play example {n}",
    more_rows: MoreRows = "… {count} more rows",
    flag: Flag = "Flag",
    flag_as: FlagAs = "Flag as {reason}",
    flagged: Flagged = "Flagged: saved for the author to review.",
    not_flagged: NotFlagged = "Not flagged: {error}",
    info: Info = "Info",
    warning: Warning = "Warning",
    close: Close = "Close",
    next_in_line: NextInLine = "Next in line",
    in_line: InLine = "In line: {ahead} ahead",
    about_seconds: AboutSeconds = " · about {seconds} s",
    seconds_left: SecondsLeft = "{seconds} s left",
    // Inputs and outputs.
    choose: Choose = "Choose…",
    download: Download = "Download {label}",
    remove: Remove = "Remove {label}",
    chosen: Chosen = "{label} (chosen)",
    uploading: Uploading = "Uploading…",
    file_too_large: FileTooLarge = "The file is too large to upload.",
    upload_failed: UploadFailed = "The upload failed ({status}): {detail}",
    no_image_yet: NoImageYet = "No image yet",
    no_audio_yet: NoAudioYet = "No audio yet",
    no_file_yet: NoFileYet = "No file yet",
    no_video_yet: NoVideoYet = "No video yet",
    no_images_yet: NoImagesYet = "No images yet",
    image_n_of: ImageNOf = "Image {n} of {count}",
    previous_image: PreviousImage = "Previous image",
    next_image: NextImage = "Next image",
    no_text_yet: NoTextYet = "No text yet",
    no_rows_yet: NoRowsYet = "No rows yet",
    no_plot_yet: NoPlotYet = "No chart yet",
    plot_keys: PlotKeys = "The arrow keys move between the marks.",
    add_row: AddRow = "Add row",
    add_column: AddColumn = "Add column",
    remove_row: RemoveRow = "Remove row {row}",
    remove_column: RemoveColumn = "Remove column {column}",
    column_name: ColumnName = "Name of column {column}",
    cell_label: CellLabel = "{column}, row {row}",
    drop_image: DropImage = "Drop an image here, or choose a file",
    paste_image: PasteImage = "…or paste an image here (Ctrl+V).",
    drop_file: DropFile = "Drop a file here, or choose one",
    drop_files: DropFiles = "Drop files here, or choose them",
    drop_images: DropImages = "Drop images here, or choose them",
    drop_video: DropVideo = "Drop a video here, or choose one (MP4, WebM)",
    choose_audio: ChooseAudio = "Choose an audio file (WAV, FLAC, MP3, Ogg)",
    attach_file: AttachFile = "Attach a file",
    attach_files: AttachFiles = "Attach files",
    remove_attachments: RemoveAttachments = "Remove attachments",
    playing_chunks: PlayingChunks = "Playing as it arrives: {chunks} chunks, {seconds} s",
    // The camera.
    camera: Camera = "Camera",
    use_webcam: UseWebcam = "Use webcam",
    take_photo: TakePhoto = "Take photo",
    start_camera: StartCamera = "Start camera",
    camera_preview: CameraPreview = "{label} camera preview",
    webcam_preview: WebcamPreview = "webcam preview",
    mirror_preview: MirrorPreview = "Mirror preview",
    camera_size: CameraSize = "The camera gives {width}×{height} (asked {asked_width}×{asked_height}).",
    any_size: AnySize = "any",
    starting_camera: StartingCamera = "Starting the camera…",
    restart_camera: RestartCamera = "Start the camera to stream again.",
    no_camera_here: NoCameraHere = "This browser offers no camera here: pages reach the camera only over https or on localhost.",
    camera_refused: CameraRefused = "Camera access was refused. Allow the camera for this site in the browser and try again.",
    no_camera: NoCamera = "No camera was found. Connect one and try again.",
    camera_busy: CameraBusy = "The camera is in use by another program, or failed to start.",
    camera_unfit: CameraUnfit = "The camera cannot give what this page asks of it ({constraint}). Choose another camera.",
    camera_failed: CameraFailed = "The camera could not start ({error}).",
    // The microphone.
    record: Record = "Record",
    stop_recording: StopRecording = "Stop recording",
    microphone_level: MicrophoneLevel = "Microphone level",
    empty_recording: EmptyRecording = "The recording is empty: no sound was captured. Record for a moment longer.",
    empty_video: EmptyVideo = "The recording is empty: the camera gave nothing. Record for a moment longer.",
    recording_failed: RecordingFailed = "The browser could not record",
    starting_microphone: StartingMicrophone = "Starting the microphone…",
    restart_microphone: RestartMicrophone = "Record to stream again.",
    no_microphone_here: NoMicrophoneHere = "This browser offers no microphone here: pages reach the microphone only over https or on localhost.",
    microphone_refused: MicrophoneRefused = "Microphone access was refused. Allow the microphone for this site in the browser and try again.",
    no_microphone: NoMicrophone = "No microphone was found. Connect one and try again.",
    microphone_busy: MicrophoneBusy = "The microphone is in use by another program, or failed to start.",
    microphone_unfit: MicrophoneUnfit = "The microphone cannot give what this page asks of it ({constraint}). Choose another microphone.",
    microphone_failed: MicrophoneFailed = "The microphone could not start ({error}).",
    streaming: Streaming = "Streaming",
    connection_lost: ConnectionLost = "The connection to the server was lost.",
    cannot_reach_server: CannotReachServer = "Could not reach the server: {error}",
    server_answered: ServerAnswered = "The server answered {status}.",
    no_web_audio: NoWebAudio = "This browser cannot play audio (no Web Audio).",
    camera_not_ready: CameraNotReady = "The camera has not delivered a picture yet.",
    unreadable_file: UnreadableFile = "The browser cannot read this file.",
    // A chat.
    conversation: Conversation = "Conversation",
    no_messages_yet: NoMessagesYet = "No messages yet",
    copy: Copy = "Copy",
    copy_message: CopyMessage = "Copy message",
    like: Like = "Like",
    dislike: Dislike = "Dislike",
    edit: Edit = "Edit",
    edit_message: EditMessage = "Edit message",
    send: Send = "Send",
    cancel: Cancel = "Cancel",
    // The login page.
    log_in: LogIn = "Log in",
    user_name: UserName = "User name",
    password: Password = "Password",
    login_incorrect: LoginIncorrect = "Incorrect user name or password.",
    too_many_logins: TooManyLogins = "Too many failed logins: try again in {seconds} s.",
    // The "Use via API" page.
    api_title: ApiTitle = "Use {title} via API",
    api_endpoint: ApiEndpoint = "Endpoint {name} of {base}, with Gradio's API: any Gradio client calls it.",
    api_none: ApiNone = "This app has no endpoint for API clients: its events are the page's own.",
    api_parameter: ApiParameter = "Parameter",
    api_component: ApiComponent = "Component",
    api_accepts: ApiAccepts = "Accepts",
    api_default: ApiDefault = "Default",
    api_description: ApiDescription = "Description",
}

/// One language's texts of Rheo's UI, complete (English where its table lacks one), and the
/// author's phrases in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Strings {
    /// Its language tag (`en`, `fr`, `zh-CN`), for `<html lang>`.
    pub lang: String,
    /// Each [`Text`]'s, in [`Text::ALL`]'s order.
    texts: Vec<String>,
    /// The author's English texts and their translations: the server's (it translates the app
    /// before a page gets it), never sent.
    #[serde(skip)]
    phrases: BTreeMap<String, String>,
}

/// What is wrong with a language table: keys it does not know (a mistake) or lacks (English
/// is used for them).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TableGaps {
    pub unknown: Vec<String>,
    pub missing: Vec<&'static str>,
}

impl Strings {
    /// English, complete.
    pub fn english() -> Self {
        let texts = Text::ALL.iter().map(|text| text.english().to_owned()).collect();
        Strings { lang: "en".to_owned(), texts, phrases: BTreeMap::new() }
    }

    /// Language `lang` from `table` (key to text; English for a key it lacks) and the author's
    /// `phrases`, with what the table got wrong.
    pub fn from_table(
        lang: &str,
        table: &BTreeMap<String, String>,
        phrases: BTreeMap<String, String>,
    ) -> (Self, TableGaps) {
        let texts =
            Text::ALL.iter().map(|text| table.get(text.key()).cloned().unwrap_or_else(|| text.english().to_owned()));
        let gaps = TableGaps {
            unknown: table.keys().filter(|key| !Text::ALL.iter().any(|t| t.key() == key.as_str())).cloned().collect(),
            missing: Text::ALL.iter().map(|t| t.key()).filter(|key| !table.contains_key(*key)).collect(),
        };
        (Strings { lang: lang.to_owned(), texts: texts.collect(), phrases }, gaps)
    }

    /// Whether it is Rheo's English as written (which a page has built in, so it need not be
    /// sent).
    pub fn is_built_in_english(&self) -> bool {
        self.lang == "en" && self.texts.iter().zip(Text::ALL).all(|(text, key)| text == key.english())
    }

    /// `text` in this language.
    pub fn get(&self, text: Text) -> &str {
        self.texts.get(text as usize).map_or(text.english(), String::as_str)
    }

    /// `text` with each `{name}` replaced by its value.
    pub fn fill(&self, text: Text, values: &[(&str, &dyn std::fmt::Display)]) -> String {
        values.iter().fold(self.get(text).to_owned(), |filled, (name, value)| {
            filled.replace(&format!("{{{name}}}"), &value.to_string())
        })
    }

    /// The author's `english` text in this language, if they translated it.
    pub fn phrase<'a>(&'a self, english: &'a str) -> &'a str {
        self.phrases.get(english).map_or(english, String::as_str)
    }

    /// Whether the author translated any of their texts into it.
    pub fn has_phrases(&self) -> bool {
        !self.phrases.is_empty()
    }
}

/// The languages a server speaks, English first; chooses one for a request. Built once per
/// server: its tables live as long as the process (`&'static`, so a page holds its table
/// without counting references).
#[derive(Clone, Debug)]
pub struct Languages {
    tables: Vec<&'static Strings>,
}

impl Languages {
    /// These languages (each kept for the rest of the process); English first unless it is
    /// among them. Build it once, when the server starts.
    pub fn new(tables: Vec<Strings>) -> Self {
        let mut all: Vec<&'static Strings> = vec![english()];
        for table in tables {
            let table = &*Box::leak(Box::new(table));
            match all.iter_mut().find(|t| t.lang.eq_ignore_ascii_case(&table.lang)) {
                Some(known) => *known = table,
                None => all.push(table),
            }
        }
        Languages { tables: all }
    }

    /// The tags of the languages it speaks.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.tables.iter().map(|t| t.lang.as_str())
    }

    /// The best language for an `Accept-Language` header (`fr-CH, fr;q=0.9, en;q=0.8`):
    /// the first wanted (by weight, then order) that it speaks, exactly or by its primary tag
    /// (`fr-CA` gets `fr`, `zh` gets `zh-CN`); English when none is.
    pub fn choose(&self, accept_language: Option<&str>) -> &'static Strings {
        let mut wanted: Vec<(f32, usize, &str)> = (accept_language.unwrap_or_default().split(','))
            .take(32)
            .enumerate()
            .filter_map(|(order, item)| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                let weight = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (!tag.is_empty() && weight > 0.0).then_some((weight, order, tag))
            })
            .collect();
        wanted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let primary = |tag: &str| tag.split('-').next().unwrap_or_default().to_ascii_lowercase();
        // A language asked for, or one it narrows (`de-AT` is `de`), in the browser's order
        // (RFC 4647's lookup); only when none is, a sibling by its primary tag alone (`zh-TW`
        // gets `zh-CN`): so `zh-TW, en;q=0.9` is English.
        let covers = |table: &Strings, tag: &str| {
            let (lang, tag) = (table.lang.to_ascii_lowercase(), tag.to_ascii_lowercase());
            tag == lang || tag.starts_with(&format!("{lang}-"))
        };
        let lookup = wanted.iter().find_map(|(_, _, tag)| self.tables.iter().find(|t| covers(t, tag)));
        let sibling =
            || wanted.iter().find_map(|(_, _, tag)| self.tables.iter().find(|t| primary(&t.lang) == primary(tag)));
        lookup.or_else(sibling).unwrap_or(&self.tables[0])
    }
}

/// The texts of an app that Rheo itself makes: an interface's buttons and groups, a chat's
/// buttons. A page shows them in its language.
const MADE_BY_RHEO: [Text; 8] =
    [Text::Submit, Text::Clear, Text::Stop, Text::Send, Text::Retry, Text::Undo, Text::Inputs, Text::Outputs];

impl BlocksSpec {
    /// The app as a page in `strings`' language shows it: the author's texts (title,
    /// description, article, labels, infos, button words, layout labels) by their phrases, and
    /// the texts Rheo made (an interface's buttons and groups) in its words. A button an event
    /// reads keeps its words: they are the value its handler gets. Only for the page: API
    /// clients see the app as declared.
    pub fn translate(&mut self, strings: &Strings) {
        let word = |text: &mut String| {
            let phrase = strings.phrase(text);
            let made = MADE_BY_RHEO.iter().find(|made| made.english() == text.as_str());
            let translated = match made {
                Some(made) if phrase == text.as_str() => strings.get(*made),
                _ => phrase,
            };
            if translated != text.as_str() {
                *text = translated.to_owned();
            }
        };
        for text in [&mut self.title, &mut self.description, &mut self.article] {
            word(text);
        }
        let read: Vec<bool> =
            (0..self.components.len()).map(|id| self.events.iter().any(|event| event.inputs.contains(&id))).collect();
        for (component, read) in self.components.iter_mut().zip(read) {
            word(&mut component.label);
            word(&mut component.info);
            if let (ComponentKind::Button(_), Value::Text(text), false) = (&component.kind, &mut component.value, read)
            {
                word(text);
            }
        }
        fn nodes(layout: &mut [Node], word: &dyn Fn(&mut String)) {
            for node in layout {
                match node {
                    Node::Row { children } | Node::Column { children, .. } => nodes(children, word),
                    Node::Group { label, children } => {
                        label.iter_mut().for_each(word);
                        nodes(children, word);
                    }
                    Node::Accordion { label, children, .. } => {
                        word(label);
                        nodes(children, word);
                    }
                    Node::Tabs { tabs } => tabs.iter_mut().for_each(|tab| {
                        word(&mut tab.label);
                        nodes(&mut tab.children, word);
                    }),
                    Node::Component { .. } | Node::Examples { .. } | Node::Flag { .. } => {}
                }
            }
        }
        nodes(&mut self.layout, &word);
    }
}

/// Rheo's English, made once.
pub fn english() -> &'static Strings {
    static ENGLISH: std::sync::OnceLock<Strings> = std::sync::OnceLock::new();
    ENGLISH.get_or_init(Strings::english)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn keys_are_unique_and_every_placeholder_is_named() {
        let mut keys: Vec<_> = Text::ALL.iter().map(|t| t.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Text::ALL.len());
        assert_eq!(Text::ALL[Text::InLine as usize], Text::InLine, "indexes follow the table");
    }

    #[test]
    fn a_table_fills_in_english_and_names_its_gaps() {
        let (fr, gaps) = Strings::from_table("fr", &table(&[("submit", "Envoyer"), ("sumbit", "x")]), BTreeMap::new());
        assert_eq!(fr.get(Text::Submit), "Envoyer");
        assert_eq!(fr.get(Text::Clear), "Clear", "English where the table says nothing");
        assert_eq!(gaps.unknown, ["sumbit"]);
        assert!(gaps.missing.contains(&"clear") && !gaps.missing.contains(&"submit"));
        assert_eq!(Strings::english().fill(Text::InLine, &[("ahead", &2)]), "In line: 2 ahead");
        assert!(Strings::english().is_built_in_english() && !fr.is_built_in_english());
        let (changed, _) = Strings::from_table("en", &table(&[("submit", "Compute")]), BTreeMap::new());
        assert!(!changed.is_built_in_english(), "an author's English is sent");
    }

    #[test]
    fn a_page_shows_rheos_words_in_its_language_and_the_authors_by_their_phrases() {
        let interface = crate::InterfaceSpec {
            name: "greet".into(),
            title: "Greeting".into(),
            description: "Says hello.".into(),
            article: String::new(),
            html_in_text: false,
            inputs: vec![crate::ComponentSpec::new(ComponentKind::Number(Default::default())).with_label("name")],
            outputs: vec![crate::ComponentSpec::new(ComponentKind::Number(Default::default())).with_label("greeting")],
            live: false,
            live_debounce: None,
            trigger_mode: None,
            api_name: "greet".into(),
            stream_every: 0.5,
            time_limit: None,
            examples: Vec::new(),
            concurrency_limit: None,
            generator: false,
            duplex: false,
            flagging: None,
            batch: None,
            cache_examples: None,
        };
        let mut spec = interface.to_blocks();
        let phrases = [("Greeting", "Salutation"), ("name", "nom")].map(|(a, b)| (a.to_owned(), b.to_owned()));
        let (fr, _) =
            Strings::from_table("fr", &table(&[("submit", "Envoyer"), ("inputs", "Entrées")]), phrases.into());
        spec.translate(&fr);
        let labels: Vec<&str> = spec.components.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["nom", "greeting", "Clear", "Envoyer"]);
        assert_eq!(spec.components[3].value, Value::Text("Envoyer".into()), "the button's words");
        assert_eq!((spec.title.as_str(), spec.description.as_str()), ("Salutation", "Says hello."));
        let mut read = interface.to_blocks();
        read.events[0].inputs.push(3);
        read.translate(&fr);
        assert_eq!(read.components[3].value, Value::Text("Submit".into()), "a button an event reads keeps its value");
        assert_eq!(read.components[3].label, "Envoyer");
        let groups = format!("{:?}", spec.layout);
        assert!(groups.contains("\"Entrées\"") && groups.contains("\"Outputs\""), "{groups}");
    }

    #[test]
    fn a_browsers_languages_choose_by_weight_then_order_then_primary_tag() {
        let table = |lang: &str| Strings::from_table(lang, &BTreeMap::new(), BTreeMap::new()).0;
        let languages = Languages::new(vec![table("fr"), table("zh-CN"), table("de")]);
        let chosen = |header: &str| languages.choose(Some(header)).lang.clone();
        assert_eq!(chosen("fr-CH, fr;q=0.9, en;q=0.8"), "fr");
        assert_eq!(chosen("es, de;q=0.5, fr;q=0.7"), "fr", "Spanish is not spoken; French weighs more");
        assert_eq!(chosen("zh-TW"), "zh-CN", "the primary tag matches");
        assert_eq!(chosen("zh-TW, de;q=0.9"), "de", "a language asked for comes before a sibling");
        assert_eq!(chosen("de-AT, en;q=0.5"), "de", "a narrower tag is its language");
        assert_eq!(chosen("ja, *;q=0.1"), "en");
        assert_eq!(chosen("de;q=0, fr;q=x"), "en", "refused or unreadable weights choose nothing");
        assert_eq!(languages.choose(None).lang, "en");
        assert_eq!(languages.tags().collect::<Vec<_>>(), ["en", "fr", "zh-CN", "de"]);
    }
}
