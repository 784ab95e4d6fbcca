//! [`TextJson`]: the server functions' results as JSON, read in the browser from text.
//!
//! Server functions' default `Json` codec reads a result with `serde_json::from_slice`, while
//! hydration reads the same types from text (`from_str`): each of serde_json's two readers was
//! instantiated for every spec type, and the bytes one made 84 KB of the wasm before
//! optimisation. With this codec every JSON the page reads goes through the text reader.

use leptos::server_fn::{codec::Post, Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::{de::DeserializeOwned, Serialize};

/// JSON, written as bytes and read from text.
#[allow(unreachable_pub)] // named by the public server functions' generated types
pub struct TextJsonEncoding;

/// A server function's result sent as [`TextJsonEncoding`] in the body of a `POST`'s answer.
#[allow(unreachable_pub)]
pub type TextJson = Post<TextJsonEncoding>;

impl ContentType for TextJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for TextJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_it_writes_it_reads() {
        let sent = vec!["a".to_string(), "é".to_string()];
        let bytes = <TextJsonEncoding as Encodes<Vec<String>>>::encode(&sent).unwrap();
        let read: Vec<String> = TextJsonEncoding::decode(bytes).unwrap();
        assert_eq!(read, sent);
        assert!(<TextJsonEncoding as Decodes<String>>::decode(Bytes::from_static(b"\"\xff\"")).is_err());
    }
}
