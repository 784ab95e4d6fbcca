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
    let format = match infer::get(bytes).map(|kind| kind.mime_type()) {
        Some("video/mp4" | "video/quicktime" | "video/x-m4v") => VideoFormat::Mp4,
        Some("video/webm") => VideoFormat::WebM,
        Some("video/x-matroska") => VideoFormat::Matroska,
        _ => return Err(VideoError::NotAVideo),
    };
    let read = match format {
        VideoFormat::Mp4 => std::panic::catch_unwind(|| read_mp4(bytes)),
        VideoFormat::WebM | VideoFormat::Matroska => std::panic::catch_unwind(|| read_matroska(bytes, format)),
    };
    read.unwrap_or_else(|_| Err(VideoError::Corrupt("its container could not be read".into())))
}

/// One track of an MP4, as far as the length goes.
#[derive(Default)]
struct Mp4Track {
    timescale: u32,
    /// The end of its last sample so far, in its timescale's ticks.
    end: u64,
    /// Each sample's duration when a fragment does not say (its `trex`).
    default_duration: u32,
}

fn read_mp4(bytes: &[u8]) -> Result<Container, VideoError> {
    let corrupt = |e: mp4_atom::Error| VideoError::Corrupt(e.to_string());
    let (mut moov, mut fragments) = (None, Vec::new());
    let mut rest = bytes;
    while rest.len() >= 8 {
        let header = Header::decode(&mut rest).map_err(corrupt)?;
        let size = header.size.unwrap_or(rest.len());
        if size > rest.len() {
            return Err(VideoError::Corrupt(format!("its {} box is cut short", header.kind)));
        }
        let (mut body, after) = rest.split_at(size);
        if header.kind == Moov::KIND {
            moov = Some(Moov::decode_atom(&header, &mut body).map_err(corrupt)?);
        } else if header.kind == Moof::KIND {
            fragments.push(Moof::decode_atom(&header, &mut body).map_err(corrupt)?);
        }
        rest = after;
    }
    let moov = moov.ok_or_else(|| VideoError::Corrupt("it has no movie header (moov)".into()))?;
    let mut tracks: BTreeMap<u32, Mp4Track> = BTreeMap::new();
    let (mut picture, mut has_audio) = (None, false);
    for trak in &moov.trak {
        let timescale = trak.mdia.mdhd.timescale;
        let end = trak.mdia.minf.stbl.stts.entries.iter().fold(0u64, |end, run| {
            end.saturating_add(u64::from(run.sample_count).saturating_mul(u64::from(run.sample_delta)))
        });
        tracks.insert(trak.tkhd.track_id, Mp4Track { timescale, end, default_duration: 0 });
        match trak.mdia.hdlr.handler.as_ref() {
            b"vide" if picture.is_none() => {
                picture = Some((u32::from(trak.tkhd.width.integer()), u32::from(trak.tkhd.height.integer())))
            }
            b"soun" => has_audio = true,
            _ => {}
        }
    }
    for trex in moov.mvex.iter().flat_map(|mvex| &mvex.trex) {
        if let Some(track) = tracks.get_mut(&trex.track_id) {
            track.default_duration = trex.default_sample_duration;
        }
    }
    for traf in fragments.iter().flat_map(|moof| &moof.traf) {
        let Some(track) = tracks.get_mut(&traf.tfhd.track_id) else { continue };
        let default = u64::from(traf.tfhd.default_sample_duration.unwrap_or(track.default_duration));
        let start = traf.tfdt.as_ref().map_or(track.end, |tfdt| tfdt.base_media_decode_time);
        let length = traf.trun.iter().fold(0u64, |length, run| {
            length.saturating_add(match &run.samples {
                TrunSamples::Inherited { count, .. } => u64::from(*count).saturating_mul(default),
                TrunSamples::Explicit(samples) => {
                    samples.iter().map(|sample| sample.duration.map_or(default, u64::from)).fold(0, u64::saturating_add)
                }
            })
        });
        track.end = track.end.max(start.saturating_add(length));
    }
    let (width, height) = picture.ok_or(VideoError::NoPicture)?;
    let seconds = tracks
        .values()
        .filter(|track| track.timescale > 0)
        .map(|track| track.end as f64 / f64::from(track.timescale))
        .fold(0.0, f64::max);
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
    let (mut frame, mut end) = (matroska_demuxer::Frame::default(), 0u64);
    while file.next_frame(&mut frame).map_err(corrupt)? {
        end = end.max(frame.timestamp.saturating_add(frame.duration.unwrap_or(0)));
    }
    let seconds = end as f64 * nanoseconds_per_tick as f64 / 1e9;
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
}
