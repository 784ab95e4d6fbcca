//! How Rheo's page reads a component's kind (feature `page`, which only the page's build sets):
//! the kind's name, then its options, by the reader the page gives ([`set_reader`]).
//!
//! Most kinds' widgets are in wasm chunks that only the pages showing them download, and the
//! page loads those before it reads its spec. Their options are read by their chunk's code, so
//! that serde's readers of two dozen option types (about 50 KB of the main module before
//! compression) are not in every page; everything else in the page sees the typed options, as
//! the server does.

use std::{fmt, sync::OnceLock};

use serde::{de, de::DeserializeOwned, Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::{ComponentKind, KindName};

/// Reads the options (their JSON) of the kind named.
pub type Reader = fn(KindName, &str) -> Result<ComponentKind, String>;

static READER: OnceLock<Reader> = OnceLock::new();

/// Sets the page's reader of options, once: later calls change nothing.
pub fn set_reader(reader: Reader) {
    let _ = READER.set(reader);
}

/// The kind `json` holds the options of, as `variant` makes it: how the page's reader reads one
/// kind's options (in the main module or in a chunk).
pub fn read<T: DeserializeOwned>(json: &str, variant: fn(T) -> ComponentKind) -> Result<ComponentKind, String> {
    serde_json::from_str(json).map(variant).map_err(|e| e.to_string())
}

impl<'de> Deserialize<'de> for ComponentKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(Tagged)
    }
}

/// `{"plot": {…options}}`, as the derived `Serialize` writes it.
struct Tagged;

impl<'de> de::Visitor<'de> for Tagged {
    type Value = ComponentKind;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a component's kind, as {\"name\": {…options}}")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<ComponentKind, A::Error> {
        let Some((name, options)) = map.next_entry::<KindName, Box<RawValue>>()? else {
            return Err(de::Error::invalid_length(0, &self));
        };
        if map.next_key::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(2, &self));
        }
        let read = READER.get().ok_or_else(|| de::Error::custom("the page has no reader of component options"))?;
        read(name, options.get()).map_err(de::Error::custom)
    }
}
