//! Media codecs at the transport boundary: decoding what clients send (uploads, webcam
//! frames, microphone chunks) with size limits, through the `image` crate and `symphonia`;
//! encoding what handlers return. Streamed frames are encoded with `jpeg-encoder`, about four
//! times faster than `image`'s JPEG encoder on a 640x480 frame (2.3 ms against 8.7 ms here), a
//! large part of a frame's budget. Audio goes out as WAV (`AudioData::to_wav`, with `hound`).
//!
//! Every decode on the server, whatever the interface and its concurrency limit, first takes
//! its share of one [`DecodeBudget`] (`Limits::max_decoding_bytes`): the memory its result
//! takes, as far as the header tells ([`decoded_size`]), and the most any may for audio whose
//! header does not tell. Audio that decodes to more samples than its share allows is refused.

use std::{io::Cursor, sync::Arc};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use jpeg_encoder::{ColorType, Encoder};
use rheo_shared::{AudioData, Media};
use symphonia::core::{
    audio::SampleBuffer, codecs::DecoderOptions, errors::Error as AudioError, formats::FormatOptions,
    io::MediaSourceStream, meta::MetadataOptions, probe::Hint,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::value::Payload;

/// The widest or tallest image accepted, in pixels.
pub(crate) const MAX_IMAGE_SIDE: u32 = 8192;
/// The most memory decoding one image may take, in bytes.
const MAX_DECODE_BYTES: u64 = 256 << 20;
/// The longest audio decoded or joined, in seconds (at 48 kHz stereo, about 220 MiB of samples).
pub(crate) const MAX_AUDIO_SECONDS: f64 = 600.0;
/// The most samples (frames × channels) audio may decode or join to: ten minutes of 48 kHz
/// stereo, 220 MiB as `f32`. The duration alone does not bound them: a small compressed file
/// may declare many channels at a high rate.
pub(crate) const MAX_AUDIO_SAMPLES: usize = 600 * 48_000 * 2;
/// The highest sample rate accepted, in Hz: above it, a declared rate would stretch the
/// duration limit (a 52 MB WAV declared at 1 MHz decoded to 1.6 GB) and slow every handler
/// whose work grows with it.
pub(crate) const MAX_SAMPLE_RATE: u32 = 192_000;

/// Why media could not be decoded, in words for the person who sent it.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MediaError {
    #[error("this is not an image in a format the server reads (PNG, JPEG or WebP)")]
    UnknownFormat,
    #[error("the image is corrupt or truncated: {0}")]
    Corrupt(String),
    #[error("the image is too large: at most {MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE} pixels")]
    TooLarge,
    #[error("this is not audio in a format the server reads (WAV, FLAC, MP3 or Ogg Vorbis)")]
    UnknownAudioFormat,
    #[error("the audio is corrupt: {0}")]
    CorruptAudio(String),
    #[error("the recording is empty: it holds no sound")]
    EmptyAudio,
    #[error("the audio is too long: at most {MAX_AUDIO_SECONDS} seconds")]
    AudioTooLong,
    #[error(
        "the audio is too large: it decodes to more than {0} samples (its header's, or ten minutes of 48 kHz stereo)"
    )]
    AudioTooLarge(usize),
    #[error("the audio's sample rate, {0} Hz, is not one the server takes (1 Hz to {MAX_SAMPLE_RATE} Hz)")]
    BadSampleRate(u32),
    #[error("{0}")]
    Video(crate::VideoError),
}

/// Decodes a PNG, JPEG or WebP, whatever its name claims, within the size limits.
pub(crate) fn decode_image(bytes: &[u8]) -> Result<DynamicImage, MediaError> {
    let mut reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().expect("reading from memory cannot fail");
    if reader.format().is_none() {
        return Err(MediaError::UnknownFormat);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => MediaError::TooLarge,
        image::ImageError::Unsupported(_) => MediaError::UnknownFormat,
        other => MediaError::Corrupt(other.to_string()),
    })
}

/// The memory all decodes in flight may take at once (see the module's documentation).
#[derive(Clone)]
pub(crate) struct DecodeBudget {
    kib: Arc<Semaphore>,
    total_kib: u32,
}

impl DecodeBudget {
    pub(crate) fn new(bytes: u64) -> Self {
        let total_kib = u32::try_from(bytes / 1024).unwrap_or(u32::MAX).max(1);
        DecodeBudget { kib: Arc::new(Semaphore::new(total_kib as usize)), total_kib }
    }

    /// The whole budget, in bytes.
    pub(crate) fn bytes(&self) -> u64 {
        u64::from(self.total_kib) * 1024
    }

    /// Waits for `bytes` of the budget (all of it, if they are more), held until the share is
    /// dropped.
    pub(crate) async fn take(&self, bytes: u64) -> OwnedSemaphorePermit {
        let kib = u32::try_from(bytes.div_ceil(1024)).unwrap_or(u32::MAX).clamp(1, self.total_kib);
        self.kib.clone().acquire_many_owned(kib).await.expect("the budget is never closed")
    }
}

/// How many bytes decoding `bytes` as `media` makes, at most: an image's pixels and a WAV's
/// samples (as `f32`) by their header; the most audio may for other audio; what reading a
/// video's container may hold. A header that
/// cannot be read costs nothing (its decode fails at once).
pub(crate) fn decoded_size(media: Media, bytes: &[u8]) -> u64 {
    let most_audio = MAX_AUDIO_SAMPLES as u64 * 4;
    match media {
        Media::Image => {
            let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format();
            let decoder = reader.ok().and_then(|reader| reader.into_decoder().ok());
            decoder.map_or(0, |decoder| decoder.total_bytes().min(MAX_DECODE_BYTES))
        }
        Media::Audio { .. } => wav_header(bytes).map_or(most_audio, |wav| (wav.samples() * 4).min(most_audio)),
        // Not decoded: the bytes are the value.
        Media::File => 0,
        // Read, not decoded: an MP4 fragment's samples as `mp4-atom` holds them, 40 bytes for
        // each one of at least 4 in the file.
        Media::Video => bytes.len() as u64 * 10,
    }
}

/// Decodes the bytes a client sent for a component of this `media`, audio of at most
/// `max_samples` samples.
pub(crate) fn decode(media: Media, bytes: &[u8], max_samples: usize) -> Result<Payload, MediaError> {
    match media {
        Media::Image => decode_image(bytes).map(Payload::Image),
        Media::Audio { .. } => decode_audio(bytes, max_samples).map(Payload::Audio),
        Media::File => Ok(Payload::Files { files: vec![crate::NamedFile::new("file", bytes.to_vec())], list: false }),
        Media::Video => crate::VideoFile::read("video", bytes.to_vec()).map(Payload::Video).map_err(MediaError::Video),
    }
}

/// Decodes WAV, FLAC, MP3 or Ogg Vorbis, whatever its name claims, to interleaved samples.
/// Damaged packets are skipped, as players do; audio with none that decode is refused.
/// Audio of more than `max_samples` samples is refused as soon as it passes them.
fn decode_audio(bytes: &[u8], max_samples: usize) -> Result<AudioData, MediaError> {
    // symphonia panics on a WAV that declares 0 Hz (a zero time base): refuse it first.
    if let Some(wav) = wav_header(bytes) {
        check_sample_rate(wav.sample_rate)?;
    }
    // Any other panic in a decoder is still the sender's bad bytes, not a server fault.
    std::panic::catch_unwind(|| decode_audio_unchecked(bytes, max_samples))
        .unwrap_or_else(|_| Err(MediaError::CorruptAudio("the decoder could not read it".into())))
}

fn decode_audio_unchecked(bytes: &[u8], max_samples: usize) -> Result<AudioData, MediaError> {
    let source = MediaSourceStream::new(Box::new(Cursor::new(bytes.to_vec())), Default::default());
    let probed = symphonia::default::get_probe()
        .format(&Hint::new(), source, &FormatOptions::default(), &MetadataOptions::default())
        .map_err(|_| MediaError::UnknownAudioFormat)?;
    let mut format = probed.format;
    let track = format.default_track().ok_or(MediaError::EmptyAudio)?;
    check_sample_rate(track.codec_params.sample_rate.unwrap_or(0))?;
    let track_id = track.id;
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|_| MediaError::UnknownAudioFormat)?;
    let mut audio = AudioData::default();
    loop {
        let packet = match format.next_packet() {
            Ok(packet) => packet,
            Err(AudioError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(MediaError::CorruptAudio(e.to_string())),
        };
        if packet.track_id() != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(decoded) => decoded,
            Err(AudioError::DecodeError(_)) => continue,
            Err(e) => return Err(MediaError::CorruptAudio(e.to_string())),
        };
        let spec = *decoded.spec();
        check_sample_rate(spec.rate)?;
        audio.sample_rate = spec.rate;
        audio.channels = spec.channels.count() as u16;
        if audio.samples.len() + decoded.frames() * spec.channels.count() > max_samples {
            return Err(MediaError::AudioTooLarge(max_samples));
        }
        let mut samples = SampleBuffer::<f32>::new(decoded.capacity() as u64, spec);
        samples.copy_interleaved_ref(decoded);
        audio.samples.extend_from_slice(samples.samples());
        if audio.duration() > MAX_AUDIO_SECONDS {
            return Err(MediaError::AudioTooLong);
        }
    }
    if audio.frames() == 0 {
        return Err(MediaError::EmptyAudio);
    }
    Ok(audio)
}

/// What a RIFF/WAVE header declares: its `fmt ` chunk's sample rate and bits per sample, and
/// its `data` chunk's size.
struct WavHeader {
    sample_rate: u32,
    bits_per_sample: u16,
    data_bytes: u64,
}

impl WavHeader {
    /// The samples its data holds (all channels').
    fn samples(&self) -> u64 {
        self.data_bytes / u64::from(self.bits_per_sample.div_ceil(8).max(1))
    }
}

/// The header of a WAV file, if `bytes` is one with a `fmt ` chunk and then a `data` chunk.
fn wav_header(bytes: &[u8]) -> Option<WavHeader> {
    if bytes.get(0..4)? != b"RIFF" || bytes.get(8..12)? != b"WAVE" {
        return None;
    }
    let u16_at = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let (mut chunk, mut format) = (12, None);
    while let Some(id) = bytes.get(chunk..chunk + 4) {
        let size = u32_at(chunk + 4)? as usize;
        match (id, format) {
            // format (2 bytes), channels (2), the sample rate (4), bytes a second (4), block
            // align (2), then bits per sample.
            (b"fmt ", _) => format = Some((u32_at(chunk + 12)?, u16_at(chunk + 22)?)),
            (b"data", Some((sample_rate, bits_per_sample))) => {
                return Some(WavHeader { sample_rate, bits_per_sample, data_bytes: size as u64 });
            }
            _ => {}
        }
        chunk = chunk.checked_add(8 + size + size % 2)?;
    }
    None
}

fn check_sample_rate(rate: u32) -> Result<(), MediaError> {
    if (1..=MAX_SAMPLE_RATE).contains(&rate) {
        Ok(())
    } else {
        Err(MediaError::BadSampleRate(rate))
    }
}

/// A JPEG of `image` (quality 1 to 100), for streamed frames: small and fast to encode.
pub(crate) fn encode_jpeg(image: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Images are at most MAX_IMAGE_SIDE (8192) wide and tall, within JPEG's u16 sides.
    let (width, height) = (image.width() as u16, image.height() as u16);
    let encoder = Encoder::new(&mut bytes, quality);
    let encoded = match image {
        DynamicImage::ImageLuma8(gray) => encoder.encode(gray.as_raw(), width, height, ColorType::Luma),
        DynamicImage::ImageRgb8(rgb) => encoder.encode(rgb.as_raw(), width, height, ColorType::Rgb),
        // JPEG has no alpha: other formats go as RGB.
        other => encoder.encode(other.to_rgb8().as_raw(), width, height, ColorType::Rgb),
    };
    encoded.expect("encoding a bounded image into memory cannot fail");
    bytes
}

/// A PNG of `image`: lossless, as a user downloading it expects.
pub(crate) fn encode_png(image: &DynamicImage) -> Vec<u8> {
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, ImageFormat::Png).expect("encoding into memory cannot fail");
    bytes.into_inner()
}

/// `image` in the format its output component keeps files in: PNG, JPEG (quality 90), or
/// lossless WebP (which has no grey formats: those go as RGB).
pub(crate) fn encode_image(image: &DynamicImage, format: rheo_shared::ImageFormat) -> Vec<u8> {
    match format {
        rheo_shared::ImageFormat::Png => encode_png(image),
        rheo_shared::ImageFormat::Jpeg => encode_jpeg(image, 90),
        rheo_shared::ImageFormat::Webp => {
            let image = match image {
                DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image.clone(),
                other if other.color().has_alpha() => other.to_rgba8().into(),
                other => other.to_rgb8().into(),
            };
            let mut bytes = Cursor::new(Vec::new());
            image.write_to(&mut bytes, ImageFormat::WebP).expect("encoding into memory cannot fail");
            bytes.into_inner()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use image::{Rgb, RgbImage};

    fn two_tone() -> DynamicImage {
        // White top half, black bottom half.
        RgbImage::from_fn(64, 48, |_, y| if y < 24 { Rgb([255, 255, 255]) } else { Rgb([0, 0, 0]) }).into()
    }

    #[test]
    fn outputs_are_stored_in_their_components_format() {
        let image = two_tone();
        let formats = [
            (rheo_shared::ImageFormat::Png, ImageFormat::Png),
            (rheo_shared::ImageFormat::Jpeg, ImageFormat::Jpeg),
            (rheo_shared::ImageFormat::Webp, ImageFormat::WebP),
        ];
        for (asked, written) in formats {
            let bytes = encode_image(&image, asked);
            assert_eq!(image::guess_format(&bytes).unwrap(), written);
        }
        let webp = encode_image(&image, rheo_shared::ImageFormat::Webp);
        let back = image::load_from_memory_with_format(&webp, ImageFormat::WebP).unwrap();
        assert_eq!(back.to_rgb8(), image.to_rgb8(), "lossless");
        let gray = DynamicImage::ImageLuma8(image.to_luma8());
        assert!(image::guess_format(&encode_image(&gray, rheo_shared::ImageFormat::Webp)).is_ok());
    }

    #[test]
    fn png_round_trips_exactly_and_jpeg_closely() {
        let image = two_tone();
        assert_eq!(decode_image(&encode_png(&image)).unwrap(), image);
        let jpeg = decode_image(&encode_jpeg(&image, 90)).unwrap().into_rgb8();
        assert_eq!(jpeg.dimensions(), (64, 48));
        assert!(jpeg.get_pixel(10, 5).0[0] > 240 && jpeg.get_pixel(10, 40).0[0] < 15);
        let gray = decode_image(&encode_jpeg(&DynamicImage::ImageLuma8(image.to_luma8()), 90)).unwrap();
        assert!(matches!(gray, DynamicImage::ImageLuma8(_)), "gray stays one channel");
        let rgba = decode_image(&encode_jpeg(&DynamicImage::ImageRgba8(image.to_rgba8()), 90)).unwrap();
        assert!(rgba.into_rgb8().get_pixel(10, 40).0[0] < 15);
    }

    #[test]
    fn bad_bytes_get_a_clear_error() {
        let not_an_image = decode_image(b"hello, this is text").unwrap_err();
        assert_eq!(not_an_image.to_string(), "this is not an image in a format the server reads (PNG, JPEG or WebP)");
        let png = encode_png(&two_tone());
        let truncated = decode_image(&png[..png.len() / 2]).unwrap_err();
        assert!(matches!(truncated, MediaError::Corrupt(_)), "{truncated}");
        let jpeg = encode_jpeg(&two_tone(), 80);
        assert!(decode_image(&jpeg[..40]).is_err());
    }

    /// The frequency of a loud tone: its upward swings through ±0.1 (a hysteresis that codec
    /// noise near zero does not cross) per second, between the first and the last (codecs pad
    /// the start and the end with silence).
    fn frequency(audio: &AudioData) -> f64 {
        let mut low = false;
        let mut swings = Vec::new();
        for (index, sample) in audio.to_mono().into_iter().enumerate() {
            if sample < -0.1 {
                low = true;
            } else if sample > 0.1 && low {
                low = false;
                swings.push(index);
            }
        }
        let span = (swings[swings.len() - 1] - swings[0]) as f64 / f64::from(audio.sample_rate);
        (swings.len() - 1) as f64 / span
    }

    // tests/fixtures/tone-440.*: half a second of 440 Hz at 16 kHz, mono, made with
    // `ffmpeg -f lavfi -i sine=frequency=440:sample_rate=16000:duration=0.5` (FLAC, MP3 at
    // 32 kb/s, Vorbis at q0).
    #[test]
    fn each_upload_format_decodes_to_its_tone() {
        let wav = AudioData::mono(
            16_000,
            (0..8000).map(|i| (i as f32 * 440.0 * std::f32::consts::TAU / 16_000.0).sin() * 0.5).collect(),
        )
        .to_wav();
        let formats: [(&str, &[u8]); 4] = [
            ("wav", &wav),
            ("flac", include_bytes!("../../tests/fixtures/tone-440.flac")),
            ("mp3", include_bytes!("../../tests/fixtures/tone-440.mp3")),
            ("ogg", include_bytes!("../../tests/fixtures/tone-440.ogg")),
        ];
        for (format, bytes) in formats {
            let audio = decode_audio(bytes, MAX_AUDIO_SAMPLES).unwrap_or_else(|e| panic!("{format}: {e}"));
            assert_eq!((audio.sample_rate, audio.channels), (16_000, 1), "{format}");
            // Lossy codecs pad the start and end a little.
            assert!((audio.duration() - 0.5).abs() < 0.1, "{format}: {} s", audio.duration());
            assert!((frequency(&audio) - 440.0).abs() < 10.0, "{format}: {} Hz", frequency(&audio));
        }
    }

    #[test]
    fn a_decode_costs_what_its_header_says_it_makes() {
        let image = DynamicImage::new_rgb8(64, 32);
        assert_eq!(decoded_size(Media::Image, &encode_png(&image)), 64 * 32 * 3);
        let wav = AudioData { sample_rate: 8000, channels: 2, samples: vec![0.0; 1000] }.to_wav();
        let audio = Media::Audio { streamed: false };
        assert_eq!(decoded_size(audio, &wav), 1000 * 4, "each sample as an f32");
        let flac = include_bytes!("../../tests/fixtures/tone-440.flac");
        assert_eq!(decoded_size(audio, flac), MAX_AUDIO_SAMPLES as u64 * 4, "compressed: the most audio may be");
        assert_eq!(decoded_size(Media::Image, b"not an image"), 0);
        // Its header's share is enough to decode it whole.
        let max_samples = (decoded_size(audio, &wav) / 4) as usize;
        assert_eq!(decode_audio(&wav, max_samples).unwrap().samples.len(), 1000);
    }

    #[tokio::test]
    async fn decodes_past_the_budget_wait_for_others_to_end() {
        let budget = DecodeBudget::new(1 << 20);
        let first = budget.take(600 << 10).await;
        let second = budget.take(600 << 10);
        tokio::pin!(second);
        assert!(tokio::time::timeout(Duration::from_millis(50), &mut second).await.is_err(), "waits");
        drop(first);
        let _second = tokio::time::timeout(Duration::from_secs(5), second).await.expect("then goes");
        // More than the whole budget takes all of it rather than waiting for ever.
        drop(_second);
        let _all = tokio::time::timeout(Duration::from_secs(5), budget.take(1 << 40)).await.expect("all of it");
    }

    #[test]
    fn audio_past_its_samples_is_refused_before_it_is_decoded_whole() {
        let flac = include_bytes!("../../tests/fixtures/tone-440.flac");
        assert!(decode_audio(flac, 8_000).is_ok(), "its 8,000 samples fit");
        let refused = decode_audio(flac, 4_000).unwrap_err();
        assert!(matches!(refused, MediaError::AudioTooLarge(4_000)), "{refused}");
        assert!(refused.to_string().contains("more than 4000 samples"), "{refused}");
    }

    #[test]
    fn bad_audio_gets_a_clear_error() {
        assert_eq!(
            decode_audio(b"plain text, not audio", MAX_AUDIO_SAMPLES).unwrap_err().to_string(),
            "this is not audio in a format the server reads (WAV, FLAC, MP3 or Ogg Vorbis)"
        );
        let empty = AudioData::mono(16_000, Vec::new()).to_wav();
        assert_eq!(
            decode_audio(&empty, MAX_AUDIO_SAMPLES).unwrap_err().to_string(),
            "the recording is empty: it holds no sound"
        );
        assert!(decode_audio(&[], MAX_AUDIO_SAMPLES).is_err());
        // A WAV cut in the middle decodes to what is there.
        let wav = AudioData::mono(8000, vec![0.25; 8000]).to_wav();
        assert!(decode_audio(&wav[..wav.len() / 2], MAX_AUDIO_SAMPLES).unwrap().frames() < 8000);
        let png = encode_png(&two_tone());
        assert!(matches!(decode_audio(&png, MAX_AUDIO_SAMPLES), Err(MediaError::UnknownAudioFormat)));
    }

    #[test]
    fn a_declared_sample_rate_out_of_range_is_refused_in_words() {
        let wav = AudioData::mono(16_000, vec![0.25; 1600]).to_wav();
        for rate in [0_u32, 1_000_000] {
            // A canonical WAV header: the sample rate at byte 24, the byte rate at byte 28.
            let mut declared = wav.clone();
            declared[24..28].copy_from_slice(&rate.to_le_bytes());
            declared[28..32].copy_from_slice(&(rate * 2).to_le_bytes());
            let refused = decode_audio(&declared, MAX_AUDIO_SAMPLES);
            assert!(matches!(refused, Err(MediaError::BadSampleRate(r)) if r == rate), "{rate} Hz: {refused:?}");
        }
        assert_eq!(
            MediaError::BadSampleRate(0).to_string(),
            "the audio's sample rate, 0 Hz, is not one the server takes (1 Hz to 192000 Hz)"
        );
    }

    #[test]
    fn huge_images_are_refused_before_decoding() {
        let wide = DynamicImage::new_luma8(MAX_IMAGE_SIDE + 1, 1);
        assert!(matches!(decode_image(&encode_png(&wide)), Err(MediaError::TooLarge)));
    }
}

/// Property tests of the media decoders with the bytes a client may send: anything, and valid
/// files with bytes changed. A result or a clear error, never a panic (see `scripts/fuzz.sh`).
#[cfg(test)]
mod properties {
    use image::{Rgb, RgbImage};
    use proptest::{collection::vec, prelude::*};
    use rheo_shared::AudioData;

    use super::*;

    fn image_files() -> [Vec<u8>; 2] {
        let image: DynamicImage = RgbImage::from_fn(24, 16, |x, y| Rgb([x as u8 * 10, y as u8 * 15, 128])).into();
        [encode_png(&image), encode_jpeg(&image, 80)]
    }

    fn wav_file() -> Vec<u8> {
        let samples = (0..800).map(|i| (i as f32 / 10.0).sin() * 0.5).collect();
        AudioData { sample_rate: 8000, channels: 1, samples }.to_wav()
    }

    /// `file` with `changes` (position, byte) applied: a damaged or crafted file.
    fn damaged(mut file: Vec<u8>, changes: &[(usize, u8)]) -> Vec<u8> {
        for (position, byte) in changes {
            let at = position % file.len();
            file[at] = *byte;
        }
        file
    }

    fn clear(error: &MediaError) -> bool {
        !error.to_string().is_empty()
    }

    proptest! {
        #[test]
        fn any_bytes_are_an_image_or_a_clear_error(bytes in vec(any::<u8>(), 0..512)) {
            if let Err(e) = decode_image(&bytes) {
                prop_assert!(clear(&e));
            }
        }

        #[test]
        fn a_damaged_image_is_an_image_or_a_clear_error(
            which in 0..2_usize,
            changes in vec((any::<usize>(), any::<u8>()), 1..12),
            cut in any::<usize>(),
        ) {
            let mut file = damaged(image_files()[which].clone(), &changes);
            file.truncate(cut % (file.len() + 1));
            if let Err(e) = decode_image(&file) {
                prop_assert!(clear(&e));
            }
        }

        #[test]
        fn any_bytes_are_audio_or_a_clear_error(bytes in vec(any::<u8>(), 0..512)) {
            if let Err(e) = decode_audio(&bytes, MAX_AUDIO_SAMPLES) {
                prop_assert!(clear(&e));
            }
        }

        #[test]
        fn a_damaged_wav_is_audio_or_a_clear_error(
            changes in vec((0..64_usize, any::<u8>()), 1..8),
            cut in any::<usize>(),
        ) {
            // Changes fall in the header (its sizes, rate, channels, bits), where they do harm.
            let mut file = damaged(wav_file(), &changes);
            file.truncate(cut % (file.len() + 1));
            match decode_audio(&file, MAX_AUDIO_SAMPLES) {
                Ok(audio) => prop_assert!(audio.samples.len() <= file.len()),
                Err(e) => prop_assert!(clear(&e)),
            }
        }

        /// Chromium's recordings, damaged: their boxes' and elements' sizes, counts and times.
        #[test]
        fn a_damaged_video_is_read_or_refused_in_words(
            which in 0..2_usize,
            changes in vec((any::<usize>(), any::<u8>()), 1..12),
            cut in any::<usize>(),
        ) {
            let recordings: [&[u8]; 2] = [
                include_bytes!("../../tests/fixtures/webcam-h264.mp4"),
                include_bytes!("../../tests/fixtures/webcam-vp8.webm"),
            ];
            let mut file = damaged(recordings[which].to_vec(), &changes);
            file.truncate(cut % (file.len() + 1));
            // Without the guard against panics: a crate that panics here fails the test.
            if let Err(e) = crate::engine::video::read_unguarded(&file) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }
}
