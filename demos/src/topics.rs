//! A batched text classifier: which topic a text is about, for many texts at once.
//!
//! A stand-in for a model that runs faster in batches. A text becomes counts of its hashed
//! character trigrams (8,192 of them), which one dense layer of 4 M weights (16 MB, fixed at
//! start) projects to 512 numbers; the topic whose own words project nearest wins. A random
//! projection keeps the angles between vectors (Johnson-Lindenstrauss), so the nearest topic is
//! the one sharing most trigrams with the text. The layer is what makes batches pay: computed
//! one text at a time, its 16 MB are read from memory for each text; for a batch, once.

use std::sync::LazyLock;

use rheo::{Batch, CacheMode, Classification, Interface, IntoMounted, Label, Textbox};

const FEATURES: usize = 8192;
const DIMENSIONS: usize = 512;
/// How sharply the scores tell the topics apart (a softmax's inverse temperature).
const SHARPNESS: f32 = 12.0;

/// Each topic and words of its own.
const TOPICS: [(&str, &str); 5] = [
    ("sport", "match goal team score player league coach football tennis race win season stadium referee"),
    ("food", "recipe cook bake kitchen flavour dinner bread cheese taste sauce oven restaurant spicy sweet"),
    ("music", "song band guitar concert album melody singer rhythm piano drums chorus lyrics orchestra tune"),
    ("science", "experiment theory atom physics chemistry cell energy molecule research laboratory data orbit"),
    ("travel", "trip flight hotel beach journey passport island mountain train tourist luggage visit abroad"),
];

/// The model: its weights, and each topic's projection.
struct Model {
    weights: Vec<f32>,
    topics: Vec<(&'static str, Vec<f32>)>,
}

static MODEL: LazyLock<Model> = LazyLock::new(|| {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let weights = (0..FEATURES * DIMENSIONS).map(|_| uniform(&mut state)).collect();
    let mut model = Model { weights, topics: Vec::new() };
    let words: Vec<String> = TOPICS.iter().map(|(_, words)| words.to_string()).collect();
    let projected = model.project(&words);
    model.topics = TOPICS.iter().map(|(topic, _)| *topic).zip(projected).collect();
    model
});

/// A number in [-1, 1) from a splitmix64 sequence: the weights are the same on every start.
fn uniform(state: &mut u64) -> f32 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

/// A text's trigram counts, hashed into `FEATURES` slots (FNV-1a).
fn features(text: &str) -> Vec<f32> {
    let mut counts = vec![0.0; FEATURES];
    let chars: Vec<char> = format!(" {} ", text.to_lowercase()).chars().collect();
    for trigram in chars.windows(3) {
        let hash = trigram
            .iter()
            .fold(0xcbf2_9ce4_8422_2325_u64, |hash, &c| (hash ^ u64::from(c)).wrapping_mul(0x100_0000_01b3));
        counts[(hash % FEATURES as u64) as usize] += 1.0;
    }
    counts
}

impl Model {
    /// Each text's features through the dense layer, normalised. The weights are the outer
    /// loop: each row is read once for the whole batch.
    fn project(&self, texts: &[String]) -> Vec<Vec<f32>> {
        let inputs: Vec<Vec<f32>> = texts.iter().map(|text| features(text)).collect();
        let mut outputs = vec![vec![0.0f32; DIMENSIONS]; texts.len()];
        for (feature, row) in self.weights.chunks_exact(DIMENSIONS).enumerate() {
            for (input, output) in inputs.iter().zip(&mut outputs) {
                let count = input[feature];
                for (out, weight) in output.iter_mut().zip(row) {
                    *out += count * weight;
                }
            }
        }
        for output in &mut outputs {
            let norm = output.iter().map(|x| x * x).sum::<f32>().sqrt().max(f32::MIN_POSITIVE);
            output.iter_mut().for_each(|x| *x /= norm);
        }
        outputs
    }

    /// Each text's topics, most likely first.
    fn classify(&self, texts: &[String]) -> Vec<Classification> {
        let scores = |projected: &Vec<f32>| -> Vec<(&str, f64)> {
            let near: Vec<f32> = (self.topics.iter())
                .map(|(_, topic)| SHARPNESS * topic.iter().zip(projected).map(|(a, b)| a * b).sum::<f32>())
                .collect();
            let most = near.iter().copied().fold(f32::MIN, f32::max);
            let exp: Vec<f32> = near.iter().map(|x| (x - most).exp()).collect();
            let total: f32 = exp.iter().sum();
            self.topics.iter().zip(exp).map(|((name, _), e)| (*name, f64::from(e / total))).collect()
        };
        self.project(texts).iter().map(|projected| Classification::from_scores(scores(projected))).collect()
    }
}

/// The handler: a batch of texts in, each one's topics out.
pub(crate) fn topics(texts: Vec<String>) -> Vec<Classification> {
    MODEL.classify(&texts)
}

/// The demo, its calls gathered into batches of up to 16, unless `batched` is false (for the
/// bench's comparison: the same model, one text a run). It does not wait for a batch to fill
/// (Gradio's way): a call that comes while no batch runs runs at once, and the calls that come
/// while one runs make the next batch, so that a lone caller waits no longer than unbatched.
pub(crate) fn interface(batched: bool) -> impl IntoMounted {
    LazyLock::force(&MODEL);
    Interface::new(Batch::new(topics).max_size(if batched { 16 } else { 1 }))
        .inputs(Textbox::new().label("text").lines(2))
        .outputs(Label::new().label("topic"))
        .examples([
            ("The striker scored a late goal and the team won the league".to_string(),),
            ("Bake the bread in a hot oven, then taste the cheese sauce".to_string(),),
            ("The band played the new album's songs at the concert".to_string(),),
        ])
        // Computed before the server serves, and kept: an example's topic shows at once.
        .cache_examples(CacheMode::Eager)
        .title("Topics")
        .description(
            "Which topic a text is about. The model takes **batches**: calls that arrive together \
             run together, up to 16 at a time.",
        )
        .article(ARTICLE)
}

const ARTICLE: &str = "\
### How it works

A stand-in for a model that runs faster in batches. The text's character trigrams are hashed
into 8,192 counts, which one dense layer of 4 M fixed weights (16 MB) projects to 512 numbers;
the topic whose own words project nearest wins. Computed one text at a time, those 16 MB are
read for each text; in a batch, once for all of them. `Batch::new(topics).max_size(16)` does the
gathering: the handler gets a `Vec` of texts and returns one answer per text.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_go_to_the_topic_they_share_words_with() {
        let texts = [
            "a goal in the last minute of the match",
            "a recipe for sweet bread",
            "guitar and drums at the concert",
            "the physics experiment in the laboratory",
            "a flight to the island, then a train to the mountain",
        ];
        let found = topics(texts.iter().map(|text| text.to_string()).collect());
        let labels: Vec<&str> = found.iter().map(|found| found.label.as_deref().unwrap()).collect();
        assert_eq!(labels, ["sport", "food", "music", "science", "travel"]);
    }

    #[test]
    fn a_text_gets_the_same_answer_alone_and_in_a_batch() {
        let alone = topics(vec!["the referee stopped the race".into()]);
        let batch = topics(vec!["bread".into(), "the referee stopped the race".into()]);
        assert_eq!(alone[0], batch[1]);
    }
}
