//! Video containers read, never decoded: which format, how long, the picture's size and whether
//! there is sound. MP4 (ISO BMFF, plain or fragmented) with `mp4-atom`, WebM and Matroska with
//! `matroska-demuxer`: a video passes through the server as the file it is, and the browser
//! plays it.
//!
//! The length comes from the samples' own timing, not from a header's claim: a browser's
//! recording carries none (Chromium's fragmented MP4 has a movie duration of 0 and its WebM no
//! Duration), and a header may lie. Counting costs nothing per sample the file does not hold:
//! a run of samples that inherit their duration counts as a product, not one by one.

use std::{collections::BTreeMap, io::Cursor, time::Duration};

use mp4_atom::{Atom, Decode, DecodeAtom, Header, Moof, Moov, TrunSamples};

use crate::components::{VideoError, VideoFormat};

/// What a video's container says of it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Container {
    pub(crate) format: VideoFormat,
    /// From its first sample to the end of its last, in its longest track.
    pub(crate) duration: Duration,
    /// Its picture's size, as stored (before any rotation a player applies).
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) has_audio: bool,
}

/// Reads the container of `bytes`, whatever its name claims: MP4 or Matroska (WebM) with a
/// video track. A decoder's panic on bad bytes is the sender's error, not the server's.
pub(crate) fn read_container(bytes: &[u8]) -> Result<Container, VideoError> {
    std::panic::catch_unwind(|| read_unguarded(bytes))
        .unwrap_or_else(|_| Err(VideoError::Corrupt("its container could not be read".into())))
}

/// [`read_container`], a panic left to its caller (the property tests look for them).
pub(crate) fn read_unguarded(bytes: &[u8]) -> Result<Container, VideoError> {
    let format = match infer::get(bytes).map(|kind| kind.mime_type()) {
        Some("video/mp4" | "video/quicktime" | "video/x-m4v") => VideoFormat::Mp4,
        Some("video/webm") => VideoFormat::WebM,
        Some("video/x-matroska") => VideoFormat::Matroska,
        _ => return Err(VideoError::NotAVideo),
    };
    match format {
        VideoFormat::Mp4 => read_mp4(bytes),
        VideoFormat::WebM | VideoFormat::Matroska => read_matroska(bytes, format),
    }
}

/// The most frames a Matroska file's reading goes through: a frame may be a few bytes (a
/// laced block gives 255 empty ones in 7), and ten minutes of 60 fps video with its sound are
/// about 66,000.
const MAX_MATROSKA_FRAMES: u64 = 1_000_000;

/// What an MP4's movie header and fragments say, gathered box by box: each fragment is folded
/// in as it is read, so only one is held at a time.
#[derive(Default)]
struct Mp4Movie {
    tracks: BTreeMap<u32, Mp4Track>,
    picture: Option<(u32, u32)>,
    has_audio: bool,
}

/// One track of an MP4, as far as the length goes, in its timescale's ticks.
#[derive(Default)]
struct Mp4Track {
    timescale: u32,
    /// When its first sample starts, once one is known.
    start: Option<u64>,
    /// Where its last sample so far ends.
    end: u64,
    /// Each sample's duration when a fragment does not say (its `trex`).
    default_duration: u32,
}

impl Mp4Track {
    /// Samples from `start` for `length` ticks.
    fn add(&mut self, start: u64, length: u64) {
        self.start = Some(self.start.map_or(start, |first| first.min(start)));
        self.end = self.end.max(start.saturating_add(length));
    }

    fn seconds(&self) -> f64 {
        self.end.saturating_sub(self.start.unwrap_or(0)) as f64 / f64::from(self.timescale.max(1))
    }
}

impl Mp4Movie {
    fn new(moov: &Moov) -> Self {
        let mut movie = Mp4Movie::default();
        for trak in &moov.trak {
            let mut track = Mp4Track { timescale: trak.mdia.mdhd.timescale, ..Mp4Track::default() };
            let length = trak.mdia.minf.stbl.stts.entries.iter().fold(0u64, |length, run| {
                length.saturating_add(u64::from(run.sample_count).saturating_mul(u64::from(run.sample_delta)))
            });
            if length > 0 {
                track.add(0, length);
            }
            movie.tracks.insert(trak.tkhd.track_id, track);
            match trak.mdia.hdlr.handler.as_ref() {
                b"vide" if movie.picture.is_none() => {
                    let (width, height) = (trak.tkhd.width.integer(), trak.tkhd.height.integer());
                    movie.picture = Some((u32::from(width), u32::from(height)));
                }
                b"soun" => movie.has_audio = true,
                _ => {}
            }
        }
        for trex in moov.mvex.iter().flat_map(|mvex| &mvex.trex) {
            if let Some(track) = movie.tracks.get_mut(&trex.track_id) {
                track.default_duration = trex.default_sample_duration;
            }
        }
        movie
    }

    /// A fragment's samples: each run from its `tfdt` (else where the track's last ended), for
    /// the sum of its samples' durations; a run whose samples inherit theirs counts as one
    /// product.
    fn add(&mut self, moof: &Moof) {
        for traf in &moof.traf {
            let Some(track) = self.tracks.get_mut(&traf.tfhd.track_id) else { continue };
            let default = u64::from(traf.tfhd.default_sample_duration.unwrap_or(track.default_duration));
            let start = traf.tfdt.as_ref().map_or(track.end, |tfdt| tfdt.base_media_decode_time);
            let length = traf.trun.iter().fold(0u64, |length, run| {
                length.saturating_add(match &run.samples {
                    TrunSamples::Inherited { count, .. } => u64::from(*count).saturating_mul(default),
                    TrunSamples::Explicit(samples) => samples
                        .iter()
                        .map(|sample| sample.duration.map_or(default, u64::from))
                        .fold(0, u64::saturating_add),
                })
            });
            track.add(start, length);
        }
    }
}

fn read_mp4(bytes: &[u8]) -> Result<Container, VideoError> {
    let corrupt = |e: mp4_atom::Error| VideoError::Corrupt(e.to_string());
    let mut movie = None;
    let mut rest = bytes;
    while rest.len() >= 8 {
        let header = Header::decode(&mut rest).map_err(corrupt)?;
        let size = header.size.unwrap_or(rest.len());
        if size > rest.len() {
            return Err(VideoError::Corrupt(format!("its {} box is cut short", header.kind)));
        }
        let (mut body, after) = rest.split_at(size);
        if header.kind == Moov::KIND {
            if movie.is_some() {
                return Err(VideoError::Corrupt("it has two movie headers (moov)".into()));
            }
            movie = Some(Mp4Movie::new(&Moov::decode_atom(&header, &mut body).map_err(corrupt)?));
        } else if header.kind == Moof::KIND {
            let Some(movie) = movie.as_mut() else {
                return Err(VideoError::Corrupt("a fragment (moof) comes before the movie header".into()));
            };
            movie.add(&Moof::decode_atom(&header, &mut body).map_err(corrupt)?);
        }
        rest = after;
    }
    let movie = movie.ok_or_else(|| VideoError::Corrupt("it has no movie header (moov)".into()))?;
    let (width, height) = movie.picture.ok_or(VideoError::NoPicture)?;
    let seconds = movie.tracks.values().map(Mp4Track::seconds).fold(0.0, f64::max);
    let has_audio = movie.has_audio;
    Ok(Container { format: VideoFormat::Mp4, duration: seconds_to_duration(seconds), width, height, has_audio })
}

fn read_matroska(bytes: &[u8], format: VideoFormat) -> Result<Container, VideoError> {
    let corrupt = |e: matroska_demuxer::DemuxError| VideoError::Corrupt(e.to_string());
    let mut file = matroska_demuxer::MatroskaFile::open(Cursor::new(bytes)).map_err(corrupt)?;
    let picture = file.tracks().iter().find_map(|track| track.video());
    let (width, height) =
        picture.map(|video| (video.pixel_width().get(), video.pixel_height().get())).ok_or(VideoError::NoPicture)?;
    let has_audio = file.tracks().iter().any(|track| track.audio().is_some());
    let nanoseconds_per_tick = file.info().timestamp_scale().get();
    let (mut frame, mut frames, mut first, mut end) = (matroska_demuxer::Frame::default(), 0u64, u64::MAX, 0u64);
    while file.next_frame(&mut frame).map_err(corrupt)? {
        frames += 1;
        if frames > MAX_MATROSKA_FRAMES {
            return Err(VideoError::TooManyFrames(MAX_MATROSKA_FRAMES));
        }
        first = first.min(frame.timestamp);
        end = end.max(frame.timestamp.saturating_add(frame.duration.unwrap_or(0)));
    }
    let seconds = end.saturating_sub(first) as f64 * nanoseconds_per_tick as f64 / 1e9;
    let side = |pixels: u64| u32::try_from(pixels).unwrap_or(u32::MAX);
    Ok(Container {
        format,
        duration: seconds_to_duration(seconds),
        width: side(width),
        height: side(height),
        has_audio,
    })
}

/// Seconds as a duration, the longest one for a length too long to hold.
fn seconds_to_duration(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MP4: &[u8] = include_bytes!("../../tests/fixtures/webcam-h264.mp4");
    const WEBM: &[u8] = include_bytes!("../../tests/fixtures/webcam-vp8.webm");

    #[test]
    fn a_browsers_recordings_are_read_with_their_length() {
        // Chromium's MediaRecorder: 1.5 s of its fake camera at 320×240, with its microphone.
        let mp4 = read_container(MP4).unwrap();
        assert_eq!((mp4.format, mp4.width, mp4.height, mp4.has_audio), (VideoFormat::Mp4, 320, 240, true));
        assert!((1.4..1.6).contains(&mp4.duration.as_secs_f64()), "{:?}", mp4.duration);
        let webm = read_container(WEBM).unwrap();
        assert_eq!((webm.format, webm.width, webm.height, webm.has_audio), (VideoFormat::WebM, 320, 240, true));
        assert!((1.4..1.6).contains(&webm.duration.as_secs_f64()), "{:?}", webm.duration);
    }

    #[test]
    fn what_is_not_a_readable_video_is_refused_in_words() {
        assert_eq!(read_container(b"plain text").unwrap_err().to_string(), VideoError::NotAVideo.to_string());
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert!(matches!(read_container(png), Err(VideoError::NotAVideo)));
        for cut in [40, MP4.len() / 2] {
            assert!(matches!(read_container(&MP4[..cut]), Err(VideoError::Corrupt(_))), "cut at {cut}");
        }
        assert!(matches!(read_container(&WEBM[..WEBM.len() / 2]), Err(VideoError::Corrupt(_))));
    }

    /// An MP4 whose fragment claims 4 billion samples that inherit their duration: counted as
    /// a product, not a sample at a time (which took minutes), nor an allocation each.
    #[test]
    fn a_claimed_sample_count_costs_nothing_and_counts_in_full() {
        use mp4_atom::{Encode, Trun};
        let (mut forged, mut rest) = (Vec::new(), MP4);
        while rest.len() >= 8 {
            let start = MP4.len() - rest.len();
            let header = Header::decode(&mut rest).unwrap();
            let (mut body, after) = rest.split_at(header.size.unwrap_or(rest.len()));
            let end = MP4.len() - after.len();
            if header.kind == Moof::KIND {
                let mut moof = Moof::decode_atom(&header, &mut body).unwrap();
                for traf in &mut moof.traf {
                    traf.tfhd.default_sample_duration = Some(1000);
                    let samples = TrunSamples::Inherited { count: u32::MAX, first_flags: None };
                    traf.trun = vec![Trun { data_offset: None, samples }];
                }
                moof.encode(&mut forged).unwrap();
            } else if header.kind != mp4_atom::Mdat::KIND {
                forged.extend_from_slice(&MP4[start..end]);
            }
            rest = after;
        }
        let container = read_container(&forged).unwrap();
        assert!(container.duration > Duration::from_secs(86_400), "{:?}", container.duration);
    }

    /// A clip cut from a longer stream starts late: it is as long as its samples, not as the
    /// time since the stream began. A second movie header is refused.
    #[test]
    fn a_late_start_is_not_length_and_two_movie_headers_are_refused() {
        let mut late = MP4.to_vec();
        let mut at = 0;
        while let Some(found) = find_box(&late[at..], b"tfdt") {
            let tfdt = at + found;
            // After version and flags, the base decode time: 64 bits in version 1, else 32.
            let (version, time) = (late[tfdt + 8], tfdt + 12);
            let width = if version == 1 { 8 } else { 4 };
            late[time..time + width].fill(0);
            late[time] = 0x10;
            at = tfdt + 8;
        }
        assert_ne!(late, MP4, "the fixture has fragments");
        let container = read_container(&late).unwrap();
        assert!((1.4..1.6).contains(&container.duration.as_secs_f64()), "{:?}", container.duration);
        let moov = find_box(MP4, b"moov").unwrap();
        let size = u32::from_be_bytes(MP4[moov..moov + 4].try_into().unwrap()) as usize;
        let twice = [&MP4[..moov + size], &MP4[moov..]].concat();
        let refused = read_container(&twice).unwrap_err().to_string();
        assert_eq!(refused, "the video is corrupt: it has two movie headers (moov)");
    }

    /// Where the box of type `kind` starts in `bytes` (its size, 4 bytes before its type).
    fn find_box(bytes: &[u8], kind: &[u8; 4]) -> Option<usize> {
        bytes.windows(4).position(|window| window == kind).map(|at| at - 4)
    }
}
