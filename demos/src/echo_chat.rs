//! The smallest chat: a generator streams the message back a word at a time. `tokens N every
//! MS` streams N tokens MS milliseconds apart instead, the last one stamped with the time it
//! was yielded: the bench's long reply (bench/chat.mjs, which streams the same from Gradio's
//! ChatInterface); `… then fail` fails after them, as a model that stops half-way.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::Stream;
use rheo::{ChatInterface, ChatMessage, IntoMounted};

/// The time between two words of an echo.
const WORD_TIME: Duration = Duration::from_millis(40);
/// The most tokens, and the longest pause between two, a message may ask for.
const MAX_TOKENS: usize = 10_000;
const MAX_EVERY_MS: u64 = 1_000;

/// What a message asks for: N tokens every MS milliseconds, or its own words back.
fn plan(message: &str) -> (Vec<String>, Duration) {
    let words: Vec<&str> = message.split_whitespace().collect();
    if let ["tokens", count, "every", ms, ..] = words.as_slice() {
        if let (Ok(count), Ok(ms)) = (count.parse::<usize>(), ms.parse::<u64>()) {
            let tokens = (0..count.min(MAX_TOKENS)).map(|i| format!("tok{i} ")).collect();
            return (tokens, Duration::from_millis(ms.min(MAX_EVERY_MS)));
        }
    }
    let echo = message.split_inclusive(' ').map(str::to_owned).collect();
    (echo, WORD_TIME)
}

fn echo_chat(message: String, _history: Vec<ChatMessage>) -> impl Stream<Item = Result<String, String>> {
    let (tokens, every) = plan(&message);
    let stamped = message.starts_with("tokens ");
    let fails = stamped && message.ends_with(" then fail");
    async_stream::stream! {
        let last = tokens.len().saturating_sub(1);
        for (index, token) in tokens.into_iter().enumerate() {
            tokio::time::sleep(every).await;
            if stamped && index == last && !fails {
                let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
                yield Ok(format!("end@{now}"));
            } else {
                yield Ok(token);
            }
        }
        if fails {
            yield Err("The model stopped half-way (as asked).".to_owned());
        }
    }
}

pub(crate) fn interface() -> impl IntoMounted {
    ChatInterface::new(echo_chat)
        .title("Echo chat")
        .description("Says your message back, a word at a time. `tokens 200 every 20` streams 200 tokens instead.")
        .examples(["Hello there, how are you?", "tokens 200 every 20"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_echoed_word_by_word_or_asks_for_tokens_within_bounds() {
        let (words, every) = plan("Hello there you");
        assert_eq!(words, ["Hello ", "there ", "you"]);
        assert_eq!(every, WORD_TIME);
        let (tokens, every) = plan("tokens 3 every 5 then fail");
        assert_eq!(tokens, ["tok0 ", "tok1 ", "tok2 "]);
        assert_eq!(every, Duration::from_millis(5));
        let (tokens, every) = plan("tokens 99999999 every 99999");
        assert_eq!((tokens.len(), every), (MAX_TOKENS, Duration::from_millis(MAX_EVERY_MS)));
    }
}
