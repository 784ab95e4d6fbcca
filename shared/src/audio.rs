//! [`AudioData`]: audio as the handler sees it (sample rate, channels, samples), and its one
//! wire form, WAV. The browser encodes microphone chunks with [`AudioData::to_wav`]; the server
//! encodes audio outputs with it too (decoding uploads in other formats is the server's job).

use std::io::Cursor;

use thiserror::Error;

/// Audio: interleaved samples in -1.0..=1.0, `channels` per frame, `sample_rate` frames a
/// second. What an `Audio` component gives a handler and takes back.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AudioData {
    pub sample_rate: u32,
    pub channels: u16,
    pub samples: Vec<f32>,
}

/// Why audio chunks could not be joined into one recording.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum JoinError {
    #[error("the audio chunks differ in format: {0} Hz × {1} channels, then {2} Hz × {3} channels")]
    FormatChanged(u32, u16, u32, u16),
}

impl AudioData {
    /// Mono audio at `sample_rate`.
    pub fn mono(sample_rate: u32, samples: Vec<f32>) -> Self {
        AudioData { sample_rate, channels: 1, samples }
    }

    /// Frames (one sample per channel each).
    pub fn frames(&self) -> usize {
        self.samples.len() / usize::from(self.channels.max(1))
    }

    /// Length in seconds.
    pub fn duration(&self) -> f64 {
        if self.sample_rate == 0 {
            0.0
        } else {
            self.frames() as f64 / f64::from(self.sample_rate)
        }
    }

    /// The channels mixed down to one.
    pub fn to_mono(&self) -> Vec<f32> {
        let channels = usize::from(self.channels.max(1));
        self.samples.chunks(channels).map(|frame| frame.iter().sum::<f32>() / channels as f32).collect()
    }

    /// A 16-bit PCM WAV file of this audio (samples are clamped to -1.0..=1.0).
    pub fn to_wav(&self) -> Vec<u8> {
        let spec = hound::WavSpec {
            channels: self.channels.max(1),
            sample_rate: self.sample_rate.max(1),
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut bytes = Cursor::new(Vec::with_capacity(44 + 2 * self.samples.len()));
        let mut writer = hound::WavWriter::new(&mut bytes, spec).expect("writing to memory cannot fail");
        let mut samples = writer.get_i16_writer(self.samples.len() as u32);
        for sample in &self.samples {
            samples.write_sample((sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16);
        }
        samples.flush().expect("writing to memory cannot fail");
        writer.finalize().expect("writing to memory cannot fail");
        bytes.into_inner()
    }

    /// Appends `next`, which must have the same sample rate and channels.
    pub fn append(&mut self, next: &AudioData) -> Result<(), JoinError> {
        if self.samples.is_empty() && self.sample_rate == 0 {
            *self = next.clone();
            return Ok(());
        }
        if (self.sample_rate, self.channels) != (next.sample_rate, next.channels) {
            return Err(JoinError::FormatChanged(self.sample_rate, self.channels, next.sample_rate, next.channels));
        }
        self.samples.extend_from_slice(&next.samples);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wav_has_the_format_and_every_sample() {
        let audio = AudioData { sample_rate: 8000, channels: 2, samples: vec![0.0, 1.0, -1.0, 0.5, 2.0, -2.0] };
        let wav = audio.to_wav();
        assert_eq!(wav.len(), 44 + 12);
        let reader = hound::WavReader::new(Cursor::new(wav)).unwrap();
        assert_eq!((reader.spec().sample_rate, reader.spec().channels), (8000, 2));
        let samples: Vec<i16> = reader.into_samples().map(Result::unwrap).collect();
        assert_eq!(samples, [0, 32767, -32767, 16383, 32767, -32767], "clamped, not wrapped");
        assert_eq!(audio.frames(), 3);
        assert!((audio.duration() - 3.0 / 8000.0).abs() < 1e-12);
    }

    #[test]
    fn chunks_join_only_when_their_format_matches() {
        let mut joined = AudioData::default();
        joined.append(&AudioData::mono(100, vec![0.1; 30])).unwrap();
        joined.append(&AudioData::mono(100, vec![0.2; 20])).unwrap();
        assert_eq!(joined.frames(), 50);
        assert_eq!(joined.duration(), 0.5);
        let stereo = AudioData { sample_rate: 100, channels: 2, samples: vec![0.0; 4] };
        assert_eq!(
            joined.append(&stereo).unwrap_err().to_string(),
            "the audio chunks differ in format: 100 Hz × 1 channels, then 100 Hz × 2 channels"
        );
    }

    #[test]
    fn stereo_mixes_down_to_mono() {
        let audio = AudioData { sample_rate: 10, channels: 2, samples: vec![1.0, 0.0, -0.5, -0.5] };
        assert_eq!(audio.to_mono(), [0.5, -0.5]);
    }
}
