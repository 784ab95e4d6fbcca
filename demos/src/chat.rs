//! A chat with a small language model trained when the server starts: a word chain (each
//! pair of words followed by the words that followed that pair) over the first ten chapters
//! of Moby-Dick, which ships in `demos/data`. It shows a thinking step (which word of the
//! message it found), then streams its reply a word at a time, at about the pace a hosted model
//! streams tokens. A like or dislike of an answer is counted, the count shown, and the
//! conversation flagged (kept in the flagging directory) with it. The browser keeps the
//! conversation across reloads. Messages may carry pictures: a stand-in for a vision model
//! looks at each (its size and its main colour) and answers from the colour's word.

use std::{
    collections::HashMap,
    hash::{DefaultHasher, Hash, Hasher},
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use futures::Stream;
use rheo::{
    components::{Step, StepStatus},
    image::{imageops::FilterType, ImageReader, Limits},
    ChatInterface, ChatMessage, IntoMounted, Like, MultimodalMessage, NamedFile, Slider,
};

/// The text the model learns from.
const TEXT: &str = include_str!("../data/moby-dick-1-10.txt");
/// The time between two words of a reply: about 30 tokens a second.
const WORD_TIME: Duration = Duration::from_millis(35);
/// How long it "thinks" before it answers.
const THINKING_TIME: Duration = Duration::from_millis(300);
/// A reply ends at the first sentence's end after this many words...
const MIN_WORDS: usize = 25;
/// ...or here, wherever it is.
const MAX_WORDS: usize = 80;

/// A word chain: which words followed each pair of words in the text.
pub(crate) struct WordChain {
    words: Vec<String>,
    /// Each pair of words (as indexes into `words`), with the words that followed it.
    next: HashMap<(u32, u32), Vec<u32>>,
    /// The pairs that start a sentence.
    starts: Vec<(u32, u32)>,
    /// The pairs by their first word, lowercased and without punctuation, to answer a word
    /// of the message with.
    by_word: HashMap<String, Vec<(u32, u32)>>,
}

impl WordChain {
    /// Learns the chain of `text`.
    pub(crate) fn train(text: &str) -> Self {
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut words = Vec::new();
        let tokens: Vec<u32> = text
            .split_whitespace()
            .filter(|word| !word.starts_with("CHAPTER"))
            .map(|word| {
                *ids.entry(word).or_insert_with(|| {
                    words.push(word.to_owned());
                    (words.len() - 1) as u32
                })
            })
            .collect();
        let mut chain = WordChain { words, next: HashMap::new(), starts: Vec::new(), by_word: HashMap::new() };
        for window in tokens.windows(3) {
            let pair = (window[0], window[1]);
            chain.next.entry(pair).or_default().push(window[2]);
        }
        for window in tokens.windows(3) {
            let pair = (window[1], window[2]);
            if ends_sentence(&chain.words[window[0] as usize]) {
                chain.starts.push(pair);
            }
            chain.by_word.entry(plain(&chain.words[window[1] as usize])).or_default().push(pair);
        }
        chain
    }

    /// A reply to `message` of at most `longest` words: from a word of it the text knows
    /// (which it says), else from a sentence's start.
    pub(crate) fn reply(&self, message: &str, seed: u64, longest: usize) -> (Option<String>, Vec<String>) {
        let (longest, shortest) = (longest.clamp(2, MAX_WORDS), MIN_WORDS.min(longest));
        let mut random = Xorshift(seed | 1);
        let known: Vec<(String, &Vec<(u32, u32)>)> = message
            .split_whitespace()
            .filter_map(|word| self.by_word.get(&plain(word)).map(|pairs| (plain(word), pairs)))
            .collect();
        let (anchor, candidates) = match known.as_slice() {
            [] => (None, &self.starts),
            some => {
                let (word, pairs) = &some[random.below(some.len())];
                (Some(word.clone()), *pairs)
            }
        };
        let (mut a, mut b) = candidates[random.below(candidates.len())];
        let mut reply = vec![self.words[a as usize].clone(), self.words[b as usize].clone()];
        while reply.len() < longest && !(reply.len() >= shortest && ends_sentence(&reply[reply.len() - 1])) {
            let Some(followers) = self.next.get(&(a, b)) else { break };
            let next = followers[random.below(followers.len())];
            reply.push(self.words[next as usize].clone());
            (a, b) = (b, next);
        }
        (anchor, reply)
    }
}

fn ends_sentence(word: &str) -> bool {
    word.ends_with(['.', '!', '?'])
}

/// A word lowercased, without what is not a letter.
fn plain(word: &str) -> String {
    word.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect()
}

/// xorshift64: a demo needs no better randomness, nor a dependency for it.
struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// The colours a picture's main colour is named by, with their RGB.
const COLOURS: [(&str, [u8; 3]); 9] = [
    ("black", [0, 0, 0]),
    ("white", [255, 255, 255]),
    ("grey", [128, 128, 128]),
    ("red", [200, 30, 30]),
    ("green", [40, 160, 60]),
    ("blue", [30, 60, 200]),
    ("yellow", [230, 210, 40]),
    ("brown", [120, 80, 40]),
    ("orange", [240, 140, 20]),
];

/// A stand-in for a vision model: a picture's size and its main colour's name (its pixels'
/// mean, named by the nearest of [`COLOURS`]), or why it cannot be read.
pub(crate) fn look_at(picture: &NamedFile) -> Result<(u32, u32, &'static str), String> {
    let mut reader =
        ImageReader::new(std::io::Cursor::new(&picture.bytes)).with_guessed_format().map_err(|e| e.to_string())?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(64 << 20);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| format!("{} cannot be read: {e}", picture.name))?;
    let small = image.resize(32, 32, FilterType::Triangle).into_rgb8();
    let mut sum = [0u64; 3];
    for pixel in small.pixels() {
        for (total, channel) in sum.iter_mut().zip(pixel.0) {
            *total += u64::from(channel);
        }
    }
    let count = u64::from(small.width() * small.height()).max(1);
    let mean = sum.map(|total| (total / count) as i32);
    let distance = |rgb: &[u8; 3]| (0..3).map(|i| (mean[i] - i32::from(rgb[i])).pow(2)).sum::<i32>();
    let (name, _) = COLOURS.iter().min_by_key(|(_, rgb)| distance(rgb)).expect("colours");
    Ok((image.width(), image.height(), name))
}

/// The reply to `message`: a step saying what it saw and where it looks, then the answer a
/// word at a time.
fn respond(
    chain: &Arc<WordChain>,
    message: MultimodalMessage,
    history: Vec<ChatMessage>,
    longest: f64,
) -> impl Stream<Item = Vec<ChatMessage>> {
    let mut seen = Vec::new();
    let mut asked = message.text.clone();
    for picture in &message.files {
        match look_at(picture) {
            Ok((width, height, colour)) => {
                seen.push(format!("{} is a {width}×{height} picture, mostly {colour}.", picture.name));
                asked = format!("{colour} {asked}");
            }
            Err(problem) => seen.push(problem),
        }
    }
    // A new seed for each reply, so Retry answers anew.
    static REPLIES: AtomicU64 = AtomicU64::new(0);
    let mut hasher = DefaultHasher::new();
    (asked.as_str(), history.len(), REPLIES.fetch_add(1, Ordering::Relaxed)).hash(&mut hasher);
    let (anchor, words) = chain.reply(&asked, hasher.finish(), longest as usize);
    let found = match &anchor {
        Some(word) => format!("Found “{word}” in the chapters; answering from there."),
        None => "None of these words is in the chapters; answering from a sentence of them.".to_owned(),
    };
    let looked = [seen.join(" "), found].join(if seen.is_empty() { "" } else { " " });
    let thinking = |status, log: &str| Step {
        title: "Thinking".into(),
        status: Some(status),
        log: Some(log.into()),
        ..Step::default()
    };
    async_stream::stream! {
        yield vec![ChatMessage::step(thinking(StepStatus::Pending, "reading the chapters"), "")];
        tokio::time::sleep(THINKING_TIME).await;
        let thought = ChatMessage::step(thinking(StepStatus::Done, ""), looked);
        let mut answer = String::new();
        for word in words {
            tokio::time::sleep(WORD_TIME).await;
            if !answer.is_empty() {
                answer.push(' ');
            }
            answer.push_str(&word);
            yield vec![thought.clone(), ChatMessage::assistant(answer.clone())];
        }
    }
}

/// The likes and dislikes of Ishmael's answers since the server started, everyone's.
#[derive(Default)]
struct Votes {
    likes: AtomicUsize,
    dislikes: AtomicUsize,
}

impl Votes {
    /// Counts `like`, and thanks for it with the counts.
    fn note(&self, like: Like) {
        let counted = if like.liked { &self.likes } else { &self.dislikes };
        counted.fetch_add(1, Ordering::Relaxed);
        let verdict = if like.liked { "liked" } else { "disliked" };
        let (likes, dislikes) = (self.likes.load(Ordering::Relaxed), self.dislikes.load(Ordering::Relaxed));
        rheo::info(format!(
            "Noted: you {verdict} answer {}. Ishmael's answers have {likes} likes and {dislikes} dislikes.",
            like.index + 1
        ));
    }
}

pub(crate) fn interface() -> impl IntoMounted {
    let chain = Arc::new(WordChain::train(TEXT));
    let votes = Arc::new(Votes::default());
    let longest = Slider::new(MIN_WORDS as f64, MAX_WORDS as f64)
        .value(60.0)
        .label("longest reply")
        .info("In words: a reply ends at the first sentence's end after 25, or here.");
    ChatInterface::with_steps(move |message: MultimodalMessage, history: Vec<ChatMessage>, longest: f64| {
        respond(&chain, message, history, longest)
    })
    .multimodal(["image"])
    .additional_inputs(longest)
    .title("Chat with Ishmael")
    .description(
        "A word chain trained, when the server starts, on the first ten chapters of *Moby-Dick*. \
             It looks for a word of your message in them, then answers from there a word at a time.",
    )
    .placeholder("Ask Ishmael about the sea, whales or the Spouter-Inn, or show him a picture.")
    .examples([
        MultimodalMessage::from("Tell me about the whale"),
        "What is the sea like?".into(),
        "Who is Queequeg?".into(),
        MultimodalMessage::new("What do you see?").with_file(NamedFile::new("sea.png", sea_picture())),
    ])
    .on_like(move |like: Like| votes.note(like))
    .flag_likes()
    .save_history()
}

/// A picture of a blue sea under a grey sky, drawn at start (the multimodal example's).
fn sea_picture() -> Vec<u8> {
    let picture = rheo::image::RgbImage::from_fn(96, 64, |_, y| {
        rheo::image::Rgb(if y < 16 { [150, 150, 160] } else { [30, 60, 190] })
    });
    let mut png = Vec::new();
    picture.write_to(&mut std::io::Cursor::new(&mut png), rheo::image::ImageFormat::Png).expect("a PNG in memory");
    png
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_answers_from_a_word_of_the_message_and_ends_a_sentence() {
        let chain = WordChain::train(TEXT);
        let (anchor, reply) = chain.reply("Queequeg", 7, MAX_WORDS);
        assert_eq!(anchor.as_deref(), Some("queequeg"));
        assert!(reply.len() >= 2 && reply.len() <= MAX_WORDS, "{reply:?}");
        assert_eq!(plain(&reply[0]), "queequeg", "{reply:?}");
        if reply.len() < MAX_WORDS {
            assert!(ends_sentence(reply.last().unwrap()), "{reply:?}");
        }
        let (anchor, anything) = chain.reply("zzzz", 3, MAX_WORDS);
        assert!(anchor.is_none() && !anything.is_empty());
        assert_ne!(chain.reply("the sea", 1, 60), chain.reply("the sea", 2, 60), "seeds vary the replies");
        assert!(chain.reply("the sea", 1, 30).1.len() <= 30, "at most the longest asked for");
    }

    #[test]
    fn a_picture_is_seen_by_its_size_and_main_colour() {
        assert_eq!(look_at(&NamedFile::new("sea.png", sea_picture())), Ok((96, 64, "blue")));
        let not_a_picture = NamedFile::new("x.png", b"\x89PNG\r\n\x1a\n broken".to_vec());
        assert!(look_at(&not_a_picture).unwrap_err().starts_with("x.png cannot be read"));
    }
}
