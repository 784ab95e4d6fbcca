//! The codec boundary: wire inputs to handler payloads, and handler payloads to what each
//! transport sends. Codecs run here and nowhere else, off the async runtime:
//!
//! * inputs: a file value is read from the [`FileStore`] and decoded as its component's media; a
//!   stream's frame is decoded the same way; other values pass as they are;
//! * outputs for the JSON transports ([`FileOutputs`]): images are stored as PNG files (or the
//!   JPEG or WebP their component asks for), audio as
//!   WAV files, and a generator's streamed audio output as a file per chunk (`is_stream`) plus,
//!   when it ends, one file of every chunk joined;
//! * outputs for the stream socket ([`answer_frame`]): images as JPEG and audio as WAV bytes
//!   after the JSON of the outputs.

use std::{io::ErrorKind, net::IpAddr};

use rheo_shared::{
    protocol::{gradio::file_url, stream::encode_answer},
    AnnotatedData, AudioData, ComponentKind, ComponentSpec, FileData, GalleryData, ImageFormat, Media, Misfit, Value,
};

use super::{
    files::{FileError, FileStore},
    media::{self, DecodeBudget, MAX_AUDIO_SAMPLES, MAX_AUDIO_SECONDS, MAX_IMAGE_SIDE},
    value::Payload,
    CallError, FileShape, Input,
};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};

use image::DynamicImage;

use crate::{
    components::{annotated_image, file},
    Annotated, GalleryImage, MultimodalMessage, NamedFile, VideoFile,
};

/// The JPEG quality of streamed output frames.
const FRAME_JPEG_QUALITY: u8 = 85;

/// Decodes each input for the handler (media off the runtime, each decode under its share of
/// `decoding`); a file that is not the store's or does not decode is an input misfit naming
/// its component.
pub(crate) async fn decode_inputs(
    components: &[ComponentSpec],
    files: &FileStore,
    decoding: &DecodeBudget,
    inputs: Vec<Input>,
) -> Result<Vec<Payload>, CallError> {
    let mut payloads = Vec::with_capacity(inputs.len());
    for (position, (component, input)) in components.iter().zip(inputs).enumerate() {
        let misfit = |reason: String| CallError::InvalidInput {
            misfits: vec![Misfit { component: Some((position, component.label.clone())), reason }],
        };
        let (media, bytes) = match (input, component.kind.media()) {
            (Input::Value(value), Some(Media::File)) => {
                payloads.push(read_files(files, component, value, misfit).await?);
                continue;
            }
            (Input::Value(Value::File(file)), Some(Media::Video)) => {
                payloads.push(read_video(files, decoding, file, misfit).await?);
                continue;
            }
            (Input::Value(Value::Gallery(gallery)), _) => {
                payloads.push(read_gallery(files, decoding, &gallery, misfit).await?);
                continue;
            }
            (Input::Value(Value::File(file)), Some(media)) => {
                let (bytes, _) = files.read(&file.path).await?.ok_or_else(|| misfit(NOT_HELD.into()))?;
                (media, bytes::Bytes::from(bytes))
            }
            (Input::Frame(bytes), Some(media)) => (media, bytes),
            (Input::Value(value), _) => {
                payloads.push(Payload::Json(value));
                continue;
            }
            (Input::Frame(_), None) => return Err(misfit("this input does not stream".into())),
        };
        let size = media::decoded_size(media, &bytes).min(decoding.bytes());
        let share = decoding.take(size).await;
        let max_samples = usize::try_from(size / 4).unwrap_or(usize::MAX);
        // The share goes with the decode: a caller gone meanwhile does not end the blocking
        // work, so it must not give back its memory before that ends.
        let decoded = blocking(move || {
            let _share = share;
            media::decode(media, &bytes, max_samples)
        })
        .await?;
        payloads.push(decoded.map_err(|e| misfit(e.to_string()))?);
    }
    Ok(payloads)
}

/// What a file input's value says when a file is not the store's.
const NOT_HELD: &str = "the file is not one this server holds (upload it first; uploads expire after an hour)";

/// The files a value names, read from the store: each with the sender's name for it (without
/// folders; else the store's). Bounded as one upload is, whatever the value says: at most
/// `ValueBounds::files` files and `ValueBounds::bytes` in all (a value may name one stored
/// file many times, and must not make the server read it as many times over).
pub(crate) async fn read_held(files: &FileStore, held: &[FileData]) -> Result<Vec<(String, Vec<u8>)>, CallError> {
    let bounds = files.value_bounds();
    if held.len() > bounds.files {
        let too_many = rheo_shared::ValueError::TooManyFiles { count: held.len(), max: bounds.files };
        return Err(CallError::invalid_input(too_many.to_string()));
    }
    let (mut read, mut total) = (Vec::with_capacity(held.len()), 0u64);
    for file in held {
        let (bytes, _) = files.read(&file.path).await?.ok_or_else(|| CallError::invalid_input(NOT_HELD))?;
        total += bytes.len() as u64;
        if total > bounds.bytes {
            let message = format!("the files come to more than {} bytes in all", bounds.bytes);
            return Err(CallError::invalid_input(message));
        }
        let name = file.orig_name.as_deref().unwrap_or(&file.path);
        read.push((name.rsplit(['/', '\\']).next().unwrap_or_default().to_owned(), bytes));
    }
    Ok(read)
}

/// [`read_held`], its refusal an input misfit naming the component.
async fn read_input_files(
    files: &FileStore,
    held: &[FileData],
    misfit: impl Fn(String) -> CallError,
) -> Result<Vec<(String, Vec<u8>)>, CallError> {
    read_held(files, held).await.map_err(|e| match e {
        CallError::InvalidInput { misfits } => misfit(misfits.into_iter().map(|m| m.reason).collect()),
        other => other,
    })
}

/// A File input's files read from the store for the handler ([`read_held`]), each with its
/// content type found from its bytes, checked against the input's file types.
async fn read_files(
    files: &FileStore,
    component: &ComponentSpec,
    value: Value,
    misfit: impl Fn(String) -> CallError,
) -> Result<Payload, CallError> {
    let read = read_input_files(files, value.files(), &misfit).await?;
    let file_types = match &component.kind {
        ComponentKind::File(options) => options.file_types.clone(),
        ComponentKind::MultimodalTextbox(options) => options.file_types.clone(),
        _ => Vec::new(),
    };
    let named = blocking(move || {
        let mut named = Vec::with_capacity(read.len());
        for (name, bytes) in read {
            let sniffed = file::sniff(&name, &bytes);
            if !file_types.is_empty() && !file::fits(&file_types, &name, &sniffed) {
                return Err(format!(
                    "{name:?} is {}, not one of the kinds of file this input takes: {}",
                    sniffed.mime_type,
                    file_types.join(", ")
                ));
            }
            named.push(NamedFile { name, mime_type: sniffed.mime_type, bytes: bytes.into() });
        }
        Ok(named)
    })
    .await?
    .map_err(misfit)?;
    Ok(match value {
        Value::Multimodal(message) => Payload::Message(MultimodalMessage::received(message.text, named, message.files)),
        value => Payload::Files { files: named, list: matches!(value, Value::Files(_)) },
    })
}

/// A Video input's file read from the store ([`read_held`]) and its container read, under its
/// share of `decoding` (what reading the container may take): a video of its content's type,
/// at most `Limits::max_video_length` long.
async fn read_video(
    files: &FileStore,
    decoding: &DecodeBudget,
    file: FileData,
    misfit: impl Fn(String) -> CallError,
) -> Result<Payload, CallError> {
    let (name, bytes) = read_input_files(files, std::slice::from_ref(&file), &misfit).await?.remove(0);
    let max_length = files.value_bounds().video_length;
    let share = decoding.take(media::decoded_size(Media::Video, &bytes).min(decoding.bytes())).await;
    let video = blocking(move || {
        let _share = share;
        VideoFile::read(name, bytes).and_then(|video| video.within(max_length))
    })
    .await?;
    video.map(Payload::Video).map_err(|e| misfit(e.to_string()))
}

/// A Gallery input's images read from the store ([`read_held`]: as many and as large as a
/// value's files may be) and decoded with their captions, all under one share of `decoding`
/// that they all fit in: the handler holds them together.
async fn read_gallery(
    files: &FileStore,
    decoding: &DecodeBudget,
    gallery: &GalleryData,
    misfit: impl Fn(String) -> CallError,
) -> Result<Payload, CallError> {
    let (held, captions): (Vec<FileData>, Vec<Option<String>>) =
        gallery.items().map(|(file, caption)| (file.clone(), caption.map(str::to_owned))).unzip();
    let read = read_input_files(files, &held, &misfit).await?;
    let size: u64 = read.iter().map(|(_, bytes)| media::decoded_size(Media::Image, bytes)).sum();
    if size > decoding.bytes() {
        let (size, most) = (size >> 20, decoding.bytes() >> 20);
        return Err(misfit(format!("the images decode to {size} MiB in all: at most {most} MiB")));
    }
    let share = decoding.take(size).await;
    let decoded = blocking(move || {
        let _share = share;
        read.into_iter()
            .zip(captions)
            .map(|((name, bytes), caption)| {
                let image = media::decode_image(&bytes).map_err(|e| format!("{name}: {e}"))?;
                Ok(GalleryImage { image, caption })
            })
            .collect::<Result<Vec<_>, String>>()
    })
    .await?;
    decoded.map(Payload::Gallery).map_err(misfit)
}

/// Encodes a call's outputs for the JSON transports: media as files in the store, whose URL is
/// on interface `name`'s file route.
pub(crate) struct FileOutputs<'a> {
    name: &'a str,
    files: &'a FileStore,
    /// The client whose call it is: its output files count as its own in the store.
    client: Option<IpAddr>,
    /// For each output of a generator whose audio streams, every chunk so far.
    joined: Vec<Option<AudioData>>,
    /// The outputs: how their values are written (an Image's format, a kind's postprocess).
    outputs: &'a [ComponentSpec],
    last: Option<Vec<Value>>,
    /// Its files are kept for as long as the server runs (a cached example's outputs).
    pinned: bool,
}

impl<'a> FileOutputs<'a> {
    pub(crate) fn new(
        name: &'a str,
        files: &'a FileStore,
        client: Option<IpAddr>,
        generator: bool,
        outputs: &'a [ComponentSpec],
    ) -> Self {
        let joins = |c: &ComponentSpec| generator && c.kind.media() == Some(Media::Audio { streamed: true });
        let joined = outputs.iter().map(|c| joins(c).then(AudioData::default)).collect();
        FileOutputs { name, files, client, joined, outputs, last: None, pinned: false }
    }

    /// The same, its files pinned: kept outside the store's bounds, never evicted.
    pub(crate) fn pinned(self) -> Self {
        FileOutputs { pinned: true, ..self }
    }

    /// One answer's outputs as wire values.
    pub(crate) async fn encode(&mut self, outputs: Vec<Payload>) -> Result<Vec<Value>, CallError> {
        let max_files = self.files.value_bounds().files;
        outputs.iter().try_for_each(|output| check_output_media(output, max_files))?;
        let mut values = Vec::with_capacity(outputs.len());
        let mut joins = std::mem::take(&mut self.joined);
        for ((payload, joined), spec) in outputs.into_iter().zip(&mut joins).zip(self.outputs) {
            let kind = &spec.kind;
            let (payload, look) = payload.split_update();
            let value = match (payload, joined) {
                (None, _) => None,
                (Some(Payload::Json(value)), _) => Some(kind.postprocess(value)),
                (Some(Payload::Image(image)), _) => {
                    let format = match kind {
                        ComponentKind::Image(image) => image.format,
                        _ => ImageFormat::Png,
                    };
                    let encoded = blocking(move || media::encode_image(&image, format)).await?;
                    let name = format!("image.{}", format.extension());
                    Some(Value::File(self.store(&encoded, &name, format.mime_type()).await?))
                }
                (Some(Payload::Audio(chunk)), Some(joined)) => {
                    join_chunk(joined, &chunk)?;
                    Some(self.store_audio(chunk, true).await?)
                }
                (Some(Payload::Audio(audio)), None) => Some(self.store_audio(audio, false).await?),
                (Some(Payload::Files { files, list }), _) => {
                    Some(self.store_files(files, if list { FileShape::List } else { FileShape::One }).await?)
                }
                (Some(Payload::Message(message)), _) => {
                    Some(self.store_files(message.files, FileShape::WithText(message.text)).await?)
                }
                (Some(Payload::Video(video)), _) => {
                    Some(Value::File(self.store_bounded(&video.bytes, &video.name, video.mime_type()).await?))
                }
                (Some(Payload::Annotated(annotated)), _) => Some(self.store_annotated(*annotated, kind).await?),
                (Some(Payload::Gallery(images)), _) => {
                    let format = match kind {
                        ComponentKind::Gallery(gallery) => gallery.format,
                        _ => ImageFormat::Webp,
                    };
                    Some(self.store_gallery(images, format).await?)
                }
                (Some(Payload::State(_) | Payload::Update { .. }), _) => Some(Value::Null),
            };
            values.push(with_look(value, look));
        }
        self.joined = joins;
        self.last = Some(values.clone());
        Ok(values)
    }

    /// After a generator's last answer: that answer again with each streamed audio output's
    /// chunks joined into one file, if there were any.
    pub(crate) async fn finish(mut self) -> Result<Option<Vec<Value>>, CallError> {
        let joined = std::mem::take(&mut self.joined);
        let Some(mut values) = self.last.take().filter(|_| joined.iter().flatten().any(|a| a.frames() > 0)) else {
            return Ok(None);
        };
        for (value, audio) in values.iter_mut().zip(joined) {
            if let Some(audio) = audio {
                *value = self.store_audio(audio, false).await?;
            }
        }
        Ok(Some(values))
    }

    /// Stores audio as a WAV file; a chunk of a stream is marked `is_stream`.
    async fn store_audio(&self, audio: AudioData, chunk: bool) -> Result<Value, CallError> {
        let wav = blocking(move || audio.to_wav()).await?;
        let mut file = self.store(&wav, if chunk { "chunk.wav" } else { "audio.wav" }, "audio/wav").await?;
        file.is_stream = chunk;
        Ok(Value::File(file))
    }

    /// Stores a File output's files, within what an input's value may hold.
    async fn store_files(&self, files: Vec<NamedFile>, shape: FileShape) -> Result<Value, CallError> {
        let bounds = self.files.value_bounds();
        if files.len() > bounds.files {
            return Err(CallError::InvalidOutput(format!(
                "the handler returned {} files: at most {}",
                files.len(),
                bounds.files
            )));
        }
        let mut stored = Vec::with_capacity(files.len());
        for file in files {
            stored.push(self.store_bounded(&file.bytes, &file.name, &file.mime_type).await?);
        }
        Ok(shape.value(stored))
    }

    /// Stores an output file no larger than an input's file may be.
    async fn store_bounded(&self, bytes: &[u8], name: &str, mime_type: &str) -> Result<FileData, CallError> {
        let most = self.files.value_bounds().bytes;
        if bytes.len() as u64 > most {
            let size = bytes.len();
            return Err(CallError::InvalidOutput(format!(
                "the handler returned a file of {size} bytes, {name:?}: at most {most}"
            )));
        }
        self.store(bytes, name, mime_type).await
    }

    /// Stores a Gallery's images in `format` (their count checked by `check_output_media`).
    async fn store_gallery(&self, images: Vec<GalleryImage>, format: ImageFormat) -> Result<Value, CallError> {
        let (images, captions): (Vec<_>, Vec<_>) = images.into_iter().map(|i| (i.image, i.caption)).unzip();
        let encoded =
            blocking(move || images.iter().map(|image| media::encode_image(image, format)).collect::<Vec<_>>()).await?;
        let mut stored = Vec::with_capacity(encoded.len());
        for (n, (bytes, caption)) in encoded.into_iter().zip(captions).enumerate() {
            let name = format!("image-{}.{}", n + 1, format.extension());
            stored.push((self.store_bounded(&bytes, &name, format.mime_type()).await?, caption));
        }
        Ok(Value::Gallery(GalleryData::new(stored)))
    }

    /// Stores an annotated image in its format and each region as a PNG mask in its label's
    /// colour, as Gradio sends them (their count checked by `check_output_media`).
    async fn store_annotated(&self, annotated: Annotated, kind: &ComponentKind) -> Result<Value, CallError> {
        let ComponentKind::AnnotatedImage(options) = kind else {
            return Err(CallError::InvalidOutput("an annotated image for another kind of output".into()));
        };
        let options = options.clone();
        let drawn = blocking(move || {
            let regions = annotated_image::encoded_regions(&options, &annotated)?;
            Ok::<_, String>((media::encode_image(&annotated.image, options.format), options.format, regions))
        })
        .await?;
        let (image, format, regions) = drawn.map_err(invalid_output)?;
        let image = self.store_bounded(&image, &format!("image.{}", format.extension()), format.mime_type()).await?;
        let mut stored = Vec::with_capacity(regions.len());
        for (n, (mask, label)) in regions.into_iter().enumerate() {
            stored.push((self.store_bounded(&mask, &format!("region-{}.png", n + 1), "image/png").await?, label));
        }
        Ok(Value::Annotated(AnnotatedData::new(image, stored)))
    }

    async fn store(&self, bytes: &[u8], name: &str, mime_type: &str) -> Result<FileData, CallError> {
        let stored = match self.pinned {
            true => self.files.pin(bytes, name, mime_type).map_err(FileError::Io),
            false => self.files.store(bytes, name, mime_type, self.client).await,
        };
        let mut file = stored.map_err(|e| match e {
            FileError::Store(e) => CallError::Store(e),
            FileError::Io(e) if matches!(e.kind(), ErrorKind::QuotaExceeded | ErrorKind::StorageFull) => {
                CallError::InvalidOutput(format!("the output file was refused: {e}"))
            }
            FileError::Io(e) => {
                tracing::error!(error = %e, "cannot store an output file");
                CallError::InvalidOutput("the server could not store an output file".into())
            }
        })?;
        file.url = Some(file_url(self.name, &file.path));
        Ok(file)
    }
}

/// A handler's output that cannot be sent, in words.
fn invalid_output(reason: String) -> CallError {
    CallError::InvalidOutput(format!("the handler returned an invalid value: {reason}"))
}

/// An output's wire value: an update when the handler returned one, else the value.
fn with_look(value: Option<Value>, look: Option<rheo_shared::Update>) -> Value {
    match look {
        Some(mut look) => {
            look.value = value;
            Value::Update(Box::new(look))
        }
        None => value.unwrap_or_default(),
    }
}

/// A handler's media output within what an input may be: the file it becomes, and the memory
/// encoding it takes, are bounded as an upload's are; a gallery holds, and an annotated image
/// comes to, at most `max_files` files (an input's value's bound).
fn check_output_media(payload: &Payload, max_files: usize) -> Result<(), CallError> {
    let too_large = |what: String| Err(CallError::InvalidOutput(format!("the handler returned {what}")));
    let too_wide = |what: &str, image: &DynamicImage| {
        let (width, height) = (image.width(), image.height());
        too_large(format!("{what} of {width}×{height} pixels: at most {MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE}"))
    };
    let wide = |image: &DynamicImage| image.width().max(image.height()) > MAX_IMAGE_SIDE;
    match payload {
        Payload::Update { value: Some(value), .. } => check_output_media(value, max_files),
        Payload::Image(image) if wide(image) => too_wide("an image", image),
        Payload::Gallery(images) if images.len() > max_files => {
            too_large(format!("{} images: at most {max_files}", images.len()))
        }
        Payload::Gallery(images) => {
            images.iter().find(|i| wide(&i.image)).map_or(Ok(()), |i| too_wide("a gallery image", &i.image))
        }
        // Its image is a file too.
        Payload::Annotated(annotated) if annotated.annotations.len() >= max_files => {
            too_large(format!("{} regions: at most {}", annotated.annotations.len(), max_files.saturating_sub(1)))
        }
        Payload::Annotated(annotated) if wide(&annotated.image) => too_wide("an annotated image", &annotated.image),
        Payload::Audio(audio) if audio.samples.len() > MAX_AUDIO_SAMPLES => too_large(format!(
            "audio of {} samples: at most {MAX_AUDIO_SAMPLES} (ten minutes of 48 kHz stereo)",
            audio.samples.len()
        )),
        _ => Ok(()),
    }
}

/// Adds a generator's audio chunk to the recording of all its chunks (bounded: past
/// [`MAX_AUDIO_SECONDS`] or [`MAX_AUDIO_SAMPLES`] the call fails rather than grow without end).
fn join_chunk(joined: &mut AudioData, chunk: &AudioData) -> Result<(), CallError> {
    joined
        .append(chunk)
        .map_err(|e| CallError::InvalidOutput(format!("the handler returned an invalid value: {e}")))?;
    if joined.duration() > MAX_AUDIO_SECONDS || joined.samples.len() > MAX_AUDIO_SAMPLES {
        return Err(CallError::InvalidOutput(format!(
            "the streamed audio is longer than the limit of {MAX_AUDIO_SECONDS} s \
             ({MAX_AUDIO_SAMPLES} samples: ten minutes of 48 kHz stereo)"
        )));
    }
    Ok(())
}

/// The stream's answer to frame `seq` (see `rheo_shared::protocol::stream`): images as JPEG and
/// audio as WAV bytes after the JSON of the outputs, each JSON value through its kind's
/// postprocess. Runs the encoders: call it off the runtime.
pub(crate) fn answer_frame(
    seq: u32,
    outputs: Vec<Payload>,
    specs: &[ComponentSpec],
    max_files: usize,
) -> Result<Vec<u8>, CallError> {
    outputs.iter().try_for_each(|output| check_output_media(output, max_files))?;
    let mut media = Vec::new();
    let mut attach = |bytes: Vec<u8>, mime_type: &str, name: String| {
        let file = FileData {
            size: Some(bytes.len() as u64),
            mime_type: Some(mime_type.into()),
            orig_name: Some(name),
            ..FileData::default()
        };
        media.push(bytes);
        file
    };
    let mut data = Vec::with_capacity(outputs.len());
    for (output, spec) in outputs.into_iter().zip(specs) {
        let (payload, look) = output.split_update();
        let value =
            match payload {
                None => None,
                Some(Payload::Json(value)) => Some(spec.kind.postprocess(value)),
                Some(Payload::Image(image)) => Some(Value::File(attach(
                    media::encode_jpeg(&image, FRAME_JPEG_QUALITY),
                    "image/jpeg",
                    format!("frame-{seq}.jpg"),
                ))),
                Some(Payload::Audio(audio)) => {
                    let mut chunk = attach(audio.to_wav(), "audio/wav", format!("chunk-{seq}.wav"));
                    // A streaming output plays each chunk after the last instead of replacing it.
                    chunk.is_stream = spec.kind.media() == Some(Media::Audio { streamed: true });
                    Some(Value::File(chunk))
                }
                Some(Payload::Files { files, list }) => {
                    let attached = files.into_iter().map(|f| attach(f.bytes.into(), &f.mime_type, f.name)).collect();
                    Some((if list { FileShape::List } else { FileShape::One }).value(attached))
                }
                Some(Payload::Message(message)) => {
                    let attached =
                        message.files.into_iter().map(|f| attach(f.bytes.into(), &f.mime_type, f.name)).collect();
                    Some(FileShape::WithText(message.text).value(attached))
                }
                Some(Payload::Video(video)) => {
                    let mime_type = video.mime_type();
                    Some(Value::File(attach(video.bytes.into(), mime_type, video.name)))
                }
                // Inside the JSON, as `data:` URLs: a stream's answer carries the bytes of media
                // outputs' files, and a gallery is not media (`Kind::media`).
                Some(Payload::Gallery(images)) => Some(Value::Gallery(GalleryData::new(images.into_iter().map(|i| {
                    (data_url_file(media::encode_jpeg(&i.image, FRAME_JPEG_QUALITY), "image/jpeg"), i.caption)
                })))),
                // Nor is an annotated image: its image and regions as PNG `data:` URLs.
                Some(Payload::Annotated(annotated)) => {
                    let ComponentKind::AnnotatedImage(options) = &spec.kind else {
                        return Err(invalid_output("an annotated image for another kind of output".into()));
                    };
                    let regions = annotated_image::encoded_regions(options, &annotated).map_err(invalid_output)?;
                    let regions = regions.into_iter().map(|(png, label)| (data_url_file(png, "image/png"), label));
                    let image = data_url_file(media::encode_png(&annotated.image), "image/png");
                    Some(Value::Annotated(AnnotatedData::new(image, regions.collect::<Vec<_>>())))
                }
                Some(Payload::State(_) | Payload::Update { .. }) => Some(Value::Null),
            };
        data.push(with_look(value, look));
    }
    let media: Vec<&[u8]> = media.iter().map(Vec::as_slice).collect();
    Ok(encode_answer(seq, &data, &media))
}

/// A file carried in the JSON itself, as a `data:` URL of `bytes`.
fn data_url_file(bytes: Vec<u8>, mime_type: &str) -> FileData {
    FileData {
        url: Some(format!("data:{mime_type};base64,{}", BASE64.encode(&bytes))),
        size: Some(bytes.len() as u64),
        mime_type: Some(mime_type.into()),
        ..FileData::default()
    }
}

/// Runs codec work on the blocking pool; a panic there fails the call.
pub(crate) async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, CallError> {
    tokio::task::spawn_blocking(work).await.map_err(|_| CallError::Panicked)
}

#[cfg(test)]
mod tests {
    use image::DynamicImage;
    use rheo_shared::components::{Gallery, Image};

    use super::*;

    /// A value may name one stored file many times: what it makes the server read is bounded
    /// in count and in bytes all together, as one upload is.
    #[tokio::test]
    async fn the_files_a_value_names_are_read_within_one_uploads_bounds() {
        let bounds = crate::engine::files::ValueBounds { files: 4, bytes: 10, video_length: std::time::Duration::MAX };
        let files = FileStore::new(16, 1 << 30).unwrap().bounding_values(bounds);
        let six = files.store(b"sixsix", "six.txt", "text/plain", None).await.unwrap();
        let read = read_held(&files, std::slice::from_ref(&six)).await.unwrap();
        assert_eq!(read, [("six.txt".to_owned(), b"sixsix".to_vec())]);
        let twice = read_held(&files, &[six.clone(), six.clone()]).await.unwrap_err();
        assert!(twice.to_string().contains("the files come to more than 10 bytes in all"), "{twice}");
        let many = read_held(&files, &vec![six; 5]).await.unwrap_err();
        assert!(many.to_string().contains("5 files were sent: at most 4 are taken"), "{many}");
        let stranger = FileData { path: "/etc/passwd".into(), ..FileData::default() };
        let refused = read_held(&files, &[stranger]).await.unwrap_err();
        assert!(refused.to_string().contains("not one this server holds"), "{refused}");
    }

    /// A handler's JSON values reach clients as their kind's postprocess makes them, in an
    /// answer and in a stream's frame alike (Gradio's postprocess).
    #[tokio::test]
    async fn json_outputs_go_through_their_kinds_postprocess() {
        use rheo_shared::components::{Code, HighlightedText};
        let outputs = [
            ComponentSpec::new(ComponentKind::Code(Code::default())),
            ComponentSpec::new(ComponentKind::HighlightedText(HighlightedText {
                combine_adjacent: true,
                adjacent_separator: " ".into(),
                ..HighlightedText::default()
            })),
        ];
        let spans = serde_json::json!([
            {"token": "New", "class_or_confidence": "place"},
            {"token": "York", "class_or_confidence": "place"},
        ]);
        let payloads =
            || vec![Payload::Json(Value::Text("\n  x = 1\n".into())), Payload::Json(Value::Json(spans.clone()))];
        let combined = serde_json::json!([{"token": "New York", "class_or_confidence": "place"}]);
        let files = FileStore::new(16, 1 << 30).unwrap();
        let answer = FileOutputs::new("app", &files, None, false, &outputs).encode(payloads()).await.unwrap();
        assert_eq!(answer, [Value::Text("x = 1".into()), Value::Json(combined.clone())]);
        let frame = answer_frame(7, payloads(), &outputs, 32).unwrap();
        let read = rheo_shared::protocol::stream::decode_answer(&frame).unwrap();
        assert_eq!(read.data, [serde_json::json!("x = 1"), combined]);
    }

    /// The bug this prevents: a stream's answer carried each file's bytes, but the page read
    /// one file per media output, and called an answer with a list of files unreadable.
    #[test]
    fn a_streams_answer_gives_every_file_its_bytes_as_the_page_reads_them() {
        use rheo_shared::components::{File, FileCount};
        let list =
            ComponentSpec::new(ComponentKind::File(File { file_count: FileCount::Multiple, file_types: vec![] }));
        let one = ComponentSpec::new(ComponentKind::File(File { file_count: FileCount::Single, file_types: vec![] }));
        let file = |name: &str, text: &str| crate::NamedFile::new(name, text.as_bytes().to_vec());
        let files = Payload::Files { files: vec![file("a.txt", "first"), file("b.txt", "second")], list: true };
        let hidden: rheo_shared::Update = serde_json::from_str(r#"{"__type__": "update", "visible": false}"#).unwrap();
        let behind_a_look = Payload::Update {
            value: Some(Box::new(Payload::Files { files: vec![file("c.txt", "third")], list: false })),
            look: hidden,
        };
        let outputs = [list, one];
        let frame = answer_frame(4, vec![files, behind_a_look], &outputs, 8).unwrap();
        let answer = rheo_shared::protocol::stream::decode_answer(&frame).unwrap();
        let read = answer.outputs(|index, json| (outputs[index].read_value(json), true)).unwrap();
        let read: Vec<_> = read
            .into_iter()
            .flat_map(|(mut value, bytes)| value.files_mut().to_vec().into_iter().zip(bytes))
            .map(|(file, bytes)| (file.orig_name.clone().unwrap(), bytes.to_vec()))
            .collect();
        let expected = [("a.txt", "first"), ("b.txt", "second"), ("c.txt", "third")];
        assert_eq!(read, expected.map(|(name, text)| (name.to_owned(), text.as_bytes().to_vec())));
    }

    /// A Gallery input's images are decoded with their captions; a file among them that is not
    /// an image is refused naming it, and a video input that is not a video in words.
    #[tokio::test]
    async fn a_gallery_inputs_images_and_a_video_input_are_read_for_the_handler() {
        use rheo_shared::components::{Gallery, Video};
        let files = FileStore::new(16, 1 << 30).unwrap();
        let budget = DecodeBudget::new(1 << 30);
        let png = media::encode_png(&DynamicImage::new_rgb8(3, 2));
        let picture = files.store(&png, "dot.png", "image/png", None).await.unwrap();
        let text = files.store(b"not a picture", "notes.png", "image/png", None).await.unwrap();
        let inputs = [ComponentSpec::new(ComponentKind::Gallery(Gallery::default()))];
        let gallery =
            |items: Vec<(FileData, Option<String>)>| vec![Input::Value(Value::Gallery(GalleryData::new(items)))];
        let read = decode_inputs(
            &inputs,
            &files,
            &budget,
            gallery(vec![(picture.clone(), Some("dot".into())), (picture.clone(), None)]),
        );
        let [Payload::Gallery(images)] = &read.await.unwrap()[..] else { panic!("a gallery") };
        let read: Vec<_> = images.iter().map(|i| (i.image.width(), i.caption.as_deref())).collect();
        assert_eq!(read, [(3, Some("dot")), (3, None)]);
        let refused = decode_inputs(&inputs, &files, &budget, gallery(vec![(picture, None), (text.clone(), None)]));
        let refused = refused.await.unwrap_err().to_string();
        assert!(refused.contains("notes.png: this is not an image"), "{refused}");

        let inputs = [ComponentSpec::new(ComponentKind::Video(Video::default()))];
        let mp4 = include_bytes!("../../tests/fixtures/webcam-h264.mp4");
        let recording = files.store(mp4, "clip.mp4", "video/mp4", None).await.unwrap();
        let read = decode_inputs(&inputs, &files, &budget, vec![Input::Value(Value::File(recording))]).await.unwrap();
        let [Payload::Video(video)] = &read[..] else { panic!("a video") };
        assert_eq!((video.name.as_str(), video.width, video.bytes.len()), ("clip.mp4", 320, mp4.len()));
        let refused = decode_inputs(&inputs, &files, &budget, vec![Input::Value(Value::File(text))]).await.unwrap_err();
        assert!(refused.to_string().contains("not a video in a format the server reads"), "{refused}");
    }

    #[tokio::test]
    async fn an_output_image_larger_than_an_input_may_be_is_refused_in_words() {
        let files = FileStore::new(16, 1 << 30).unwrap();
        let outputs = [ComponentSpec::new(ComponentKind::Image(Image::default()))];
        let mut encoder = FileOutputs::new("app", &files, None, false, &outputs);
        let wide = DynamicImage::new_rgb8(MAX_IMAGE_SIDE + 1, 1);
        let refused = encoder.encode(vec![Payload::Image(wide)]).await.unwrap_err();
        assert!(refused.to_string().contains("an image of 8193×1 pixels: at most 8192×8192"), "{refused}");
        let fits = DynamicImage::new_rgb8(MAX_IMAGE_SIDE, 1);
        let kept = encoder.encode(vec![Payload::Image(fits)]).await.unwrap();
        assert!(matches!(kept[..], [Value::File(_)]), "{kept:?}");
    }

    /// A gallery's images are stored in its format with their captions; as many as an input's
    /// value may hold files, each no larger than an input image.
    #[tokio::test]
    async fn a_gallery_is_stored_image_by_image_within_an_inputs_bounds() {
        let bounds =
            crate::engine::files::ValueBounds { files: 2, bytes: 1 << 20, video_length: std::time::Duration::MAX };
        let files = FileStore::new(16, 1 << 30).unwrap().bounding_values(bounds);
        let outputs = [ComponentSpec::new(ComponentKind::Gallery(Gallery::default()))];
        let mut encoder = FileOutputs::new("app", &files, None, false, &outputs);
        let image = |caption: Option<&str>| GalleryImage {
            image: DynamicImage::new_rgb8(3, 2),
            caption: caption.map(str::to_owned),
        };
        let kept = encoder.encode(vec![Payload::Gallery(vec![image(Some("first")), image(None)])]).await.unwrap();
        let [Value::Gallery(gallery)] = &kept[..] else { panic!("not a gallery: {kept:?}") };
        let items: Vec<_> =
            gallery.items().map(|(file, caption)| (file.mime_type.as_deref(), file.url.is_some(), caption)).collect();
        assert_eq!(items, [(Some("image/webp"), true, Some("first")), (Some("image/webp"), true, None)]);
        let (bytes, _) = files.read(&kept[0].files()[0].path).await.unwrap().unwrap();
        assert_eq!(&bytes[8..12], b"WEBP");
        let three =
            encoder.encode(vec![Payload::Gallery(vec![image(None), image(None), image(None)])]).await.unwrap_err();
        assert!(three.to_string().contains("the handler returned 3 images: at most 2"), "{three}");
        let wide = GalleryImage { image: DynamicImage::new_rgb8(MAX_IMAGE_SIDE + 1, 1), caption: None };
        let refused = encoder.encode(vec![Payload::Gallery(vec![wide])]).await.unwrap_err();
        assert!(refused.to_string().contains("a gallery image of 8193×1 pixels"), "{refused}");
    }

    /// An annotated image is stored as its image and a PNG per region, as many as an input's
    /// value may hold files in all; a mask of another size is refused in words; in a stream's
    /// answer, the same as `data:` URLs, under the same checks.
    #[tokio::test]
    async fn an_annotated_image_is_stored_as_its_image_and_a_png_per_region() {
        use crate::{Annotated, Annotation};
        let bounds =
            crate::engine::files::ValueBounds { files: 3, bytes: 1 << 20, video_length: std::time::Duration::MAX };
        let files = FileStore::new(16, 1 << 30).unwrap().bounding_values(bounds);
        let outputs = [ComponentSpec::new(ComponentKind::AnnotatedImage(Default::default()))];
        let mut encoder = FileOutputs::new("app", &files, None, false, &outputs);
        let boxes = |count: u32| {
            Annotated::new(DynamicImage::new_rgb8(6, 4))
                .with((0..count).map(|i| Annotation::boxed(format!("box {i}"), i, 0, 2, 2)))
        };
        let kept = encoder.encode(vec![Payload::Annotated(Box::new(boxes(2)))]).await.unwrap();
        let [Value::Annotated(annotated)] = &kept[..] else { panic!("not an annotated image: {kept:?}") };
        assert_eq!(annotated.image().mime_type.as_deref(), Some("image/webp"));
        let regions: Vec<_> = annotated.annotations().map(|(mask, label)| (mask.mime_type.as_deref(), label)).collect();
        assert_eq!(regions, [(Some("image/png"), "box 0"), (Some("image/png"), "box 1")]);
        let many = encoder.encode(vec![Payload::Annotated(Box::new(boxes(3)))]).await.unwrap_err();
        assert!(many.to_string().contains("the handler returned 3 regions: at most 2"), "{many}");
        let wrong =
            Annotated::new(DynamicImage::new_rgb8(6, 4)).with([Annotation::mask("x", image::GrayImage::new(2, 2))]);
        let refused = encoder.encode(vec![Payload::Annotated(Box::new(wrong.clone()))]).await.unwrap_err();
        assert!(refused.to_string().contains("the mask of \"x\" is 2×2 pixels, its image 6×4"), "{refused}");

        let frame = answer_frame(1, vec![Payload::Annotated(Box::new(boxes(2)))], &outputs, 3).unwrap();
        let answer = rheo_shared::protocol::stream::decode_answer(&frame).unwrap();
        let read = outputs[0].read_value(answer.data[0].clone());
        assert!(matches!(read, Value::Annotated(_)), "{read:?}");
        let data_urls =
            read.files().iter().filter(|f| f.url.as_deref().is_some_and(|u| u.starts_with("data:image/png;base64,")));
        assert_eq!(data_urls.count(), 3, "the image and its two regions");
        let refused = answer_frame(1, vec![Payload::Annotated(Box::new(wrong))], &outputs, 3).unwrap_err();
        assert!(refused.to_string().contains("the mask of \"x\""), "{refused}");
        assert!(answer_frame(1, vec![Payload::Annotated(Box::new(boxes(3)))], &outputs, 3).is_err());
    }
}
