//! `/turn`: a video recorded with the webcam (with its sound) or uploaded, given back a quarter
//! turn clockwise, with what it is in words.
//!
//! An MP4 turns by its video track's header: the matrix a player applies to each picture,
//! rewritten in place. No picture is decoded or encoded (there is no video codec in this
//! project), the sound stays as it is, and since no box changes size every offset in the file
//! stays true. WebM has no such field in the players' reach, so a WebM is described but refused.

use std::ops::Range;

use rheo::{Interface, IntoMounted, Textbox, Video, VideoFile, VideoFormat};

/// A quarter turn clockwise more than the picture had, and the video in words.
fn turn(video: VideoFile) -> Result<(VideoFile, String), String> {
    let described = describe(&video);
    if video.format != VideoFormat::Mp4 {
        return Err(format!(
            "{described}. Only an MP4 turns without re-encoding it: record it here, which gives MP4 in Chromium, \
             or upload an MP4."
        ));
    }
    let mut bytes = video.bytes.to_vec();
    let quarters = turn_picture(&mut bytes).ok_or("the MP4 has no video track header to turn")?;
    let name = format!("turned-{}", video.name.trim_end_matches(".mp4").trim_end_matches(".MP4")) + ".mp4";
    let turned = VideoFile::read(name, bytes).map_err(|e| e.to_string())?;
    let degrees = quarters * 90;
    Ok((turned, format!("{described}; it now plays turned {degrees}° from how it was recorded")))
}

/// `1.5 s of 320×240 MP4, with sound`.
fn describe(video: &VideoFile) -> String {
    let sound = if video.has_audio { "with sound" } else { "silent" };
    let seconds = video.duration.as_secs_f64();
    format!("{seconds:.1} s of {}×{} {}, {sound}", video.width, video.height, video.format)
}

/// Turns the first video track's picture a quarter turn clockwise more, in `mp4` itself (one
/// movie header, as `VideoFile::read` found); gives how many quarter turns it has now (1 to 4),
/// or `None` if the MP4 has no video track whose header holds a matrix.
fn turn_picture(mp4: &mut [u8]) -> Option<u32> {
    let moov = boxes(mp4, 0..mp4.len()).find(|(kind, _)| kind == b"moov")?.1;
    let track = boxes(mp4, moov).filter(|(kind, _)| kind == b"trak").find(|(_, trak)| is_video(mp4, trak.clone()))?;
    let tkhd = boxes(mp4, track.1).find(|(kind, _)| kind == b"tkhd")?.1;
    // tkhd: version and flags, then times, track id and duration (32-bit in version 0, 64-bit
    // in 1), then 8 reserved bytes, layer, group, volume, 2 reserved bytes: then the matrix
    // (a, b, u, c, d, v, x, y, w), whose a, b, c, d turn the picture.
    let times = if *mp4.get(tkhd.start)? == 1 { 32 } else { 20 };
    let matrix = tkhd.start + 4 + times + 16;
    if tkhd.end < matrix + 36 {
        return None;
    }
    let read = |at: usize| i32::from_be_bytes(mp4[at..at + 4].try_into().unwrap());
    let (a, b) = (read(matrix), read(matrix + 4));
    let quarters = match (a.signum(), b.signum()) {
        (0, 1) => 1,
        (-1, 0) => 2,
        (0, -1) => 3,
        _ => 0,
    } + 1;
    let (cos, sin): (i32, i32) = [(1, 0), (0, 1), (-1, 0), (0, -1)][quarters % 4];
    let one = 1 << 16;
    let turned = [cos * one, sin * one, 0, -sin * one, cos * one, 0, 0, 0, 1 << 30];
    for (n, value) in turned.into_iter().enumerate() {
        mp4[matrix + 4 * n..matrix + 4 * n + 4].copy_from_slice(&value.to_be_bytes());
    }
    Some(if quarters % 4 == 0 { 4 } else { quarters as u32 })
}

/// Whether the `trak` box whose body is `trak` holds a video track (its handler is `vide`).
fn is_video(mp4: &[u8], trak: Range<usize>) -> bool {
    let Some((_, mdia)) = boxes(mp4, trak).find(|(kind, _)| kind == b"mdia") else { return false };
    // hdlr: version and flags, a predefined 0, then the handler type.
    boxes(mp4, mdia)
        .find(|(kind, _)| kind == b"hdlr")
        .is_some_and(|(_, hdlr)| mp4.get(hdlr.start + 8..hdlr.start + 12) == Some(b"vide"))
}

/// The boxes inside `within` of `mp4`, each as its type and its body's range; the walk stops
/// at the first box that does not fit.
fn boxes(mp4: &[u8], within: Range<usize>) -> impl Iterator<Item = ([u8; 4], Range<usize>)> + '_ {
    let mut at = within.start;
    std::iter::from_fn(move || {
        let header = mp4.get(at..(at + 8).min(within.end))?;
        let size = u32::from_be_bytes(header.get(..4)?.try_into().ok()?) as usize;
        let kind: [u8; 4] = header.get(4..8)?.try_into().ok()?;
        let (body, end) = match size {
            0 => (at + 8, within.end),
            1 => {
                let large = mp4.get(at + 8..at + 16)?;
                (at + 16, at.checked_add(usize::try_from(u64::from_be_bytes(large.try_into().ok()?)).ok()?)?)
            }
            size => (at + 8, at.checked_add(size)?),
        };
        if end > within.end || body > end {
            return None;
        }
        at = end;
        Some((kind, body..end))
    })
}

pub(crate) fn interface() -> impl IntoMounted {
    let example = VideoFile::read("webcam.mp4", include_bytes!("../examples/webcam.mp4").as_slice())
        .expect("the example is an MP4 recording");
    Interface::new(turn)
        .inputs(Video::new().label("video").info("Record with the webcam, or upload an MP4."))
        .outputs((Video::new().label("turned"), Textbox::new().label("what it is")))
        .title("Turn a video")
        .description("Record a video with the webcam (with its sound), or upload one: it comes back a quarter turn clockwise, turned by its track header, with no picture re-encoded.")
        .examples([(example,)])
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORDING: &[u8] = include_bytes!("../examples/webcam.mp4");

    #[test]
    fn an_mp4_turns_a_quarter_at_a_time_and_full_circle_is_where_it_began() {
        let video = VideoFile::read("webcam.mp4", RECORDING).unwrap();
        let (turned, said) = turn(video.clone()).unwrap();
        assert_eq!(said, "1.5 s of 320×240 MP4, with sound; it now plays turned 90° from how it was recorded");
        assert_eq!(turned.name, "turned-webcam.mp4");
        assert_eq!((turned.duration, turned.bytes.len()), (video.duration, RECORDING.len()), "nothing else changes");
        let mut bytes = RECORDING.to_vec();
        let quarters: Vec<u32> = (0..4).map(|_| turn_picture(&mut bytes).unwrap()).collect();
        assert_eq!(quarters, [1, 2, 3, 4]);
        assert_eq!(bytes, RECORDING, "four quarters turn it back");
    }

    /// A track header too short to hold a matrix is left alone, not read or written past.
    #[test]
    fn a_short_track_header_is_not_turned() {
        let boxed = |kind: &[u8; 4], body: &[u8]| [&(8 + body.len() as u32).to_be_bytes()[..], kind, body].concat();
        let hdlr = boxed(b"hdlr", &[&[0; 8][..], b"vide"].concat());
        let trak = boxed(b"trak", &[boxed(b"tkhd", &[0; 12]), boxed(b"mdia", &hdlr)].concat());
        let mut mp4 = boxed(b"moov", &trak);
        let before = mp4.clone();
        assert_eq!(turn_picture(&mut mp4), None);
        assert_eq!(mp4, before);
    }

    #[test]
    fn a_webm_is_described_and_refused() {
        let webm =
            VideoFile::read("clip.webm", include_bytes!("../../server/tests/fixtures/webcam-vp8.webm").as_slice());
        let error = turn(webm.unwrap()).unwrap_err();
        assert!(error.starts_with("1.4 s of 320×240 WebM, with sound. Only an MP4 turns"), "{error}");
        assert_eq!(turn_picture(&mut b"\0\0\0\x08free".to_vec()), None);
    }
}
