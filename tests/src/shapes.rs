//! A service whose arguments and results use every enum representation serde has (externally,
//! internally, adjacently tagged and untagged) and a struct with `Option`, `Vec`, a map and a
//! nested struct: `wamp-codegen` must generate real types for each, in Rust, TypeScript and
//! the Markdown reference, and the generated clients round-trip them through the live service.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wamp_core::{wamp_service, WampEvent};

/// Serde's default representation: `"Empty"`, `{"Circle": r}`, `{"Line": [a, b]}`,
/// `{"Rect": {"w":..,"h":..}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum External {
    /// No payload.
    Empty,
    /// A radius.
    Circle(f64),
    /// Two ends.
    Line(i32, i32),
    /// A rectangle.
    Rect {
        /// Width.
        w: u32,
        /// Height.
        h: u32,
    },
}

/// `#[serde(tag = "type")]`: the tag is a field beside the variant's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Internal {
    /// Only the tag.
    Ping,
    /// A message.
    Message {
        /// Who wrote it.
        from: String,
        /// What it says.
        text: String,
    },
    /// A newtype variant of a struct: its fields sit beside the tag.
    Joined(Member),
}

/// A member of a chat room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Member {
    /// The member's name.
    pub name: String,
    /// Moderator or not.
    pub moderator: bool,
}

/// `#[serde(tag = "t", content = "c")]`: the tag and the payload are two fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "t", content = "c")]
pub enum Adjacent {
    /// Only the tag.
    Idle,
    /// A count.
    Count(u64),
    /// A pair.
    Pair(String, bool),
    /// A named payload.
    Named {
        /// A label.
        label: String,
    },
}

/// `#[serde(untagged)]`: no tag at all, the first variant that fits wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Untagged {
    /// A number.
    Number(i64),
    /// A text.
    Text(String),
    /// A point.
    Point {
        /// x
        x: i32,
        /// y
        y: i32,
    },
    /// A list of flags.
    Flags(Vec<bool>),
}

/// Everything at once, as a struct with optional, repeated, mapped and nested fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Bundle {
    /// Externally tagged.
    pub external: External,
    /// Internally tagged, optional.
    pub internal: Option<Internal>,
    /// Adjacently tagged, repeated.
    pub adjacent: Vec<Adjacent>,
    /// Untagged, by name.
    pub untagged: BTreeMap<String, Untagged>,
    /// A nested struct.
    pub owner: Member,
}

/// Something was put on a shelf: the shelf and the slot are components of the topic (typed URI
/// captures) and fields of the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, WampEvent)]
#[wamp(topic = "com.typed.shapes.shelf.{shelf}.slot.{slot}.put")]
pub struct Put {
    /// The shelf's name.
    pub shelf: String,
    /// The slot.
    pub slot: u64,
    /// What was put there.
    pub label: String,
}

/// Echoes each shape back, so a client proves it writes and reads the same JSON as serde.
#[wamp_service(prefix = "com.typed.shapes", events(Put))]
pub trait Shapes {
    /// Echoes an externally tagged enum.
    async fn external(&self, value: External) -> External;
    /// Echoes an internally tagged enum.
    async fn internal(&self, value: Internal) -> Internal;
    /// Echoes an adjacently tagged enum.
    async fn adjacent(&self, value: Adjacent) -> Adjacent;
    /// Echoes an untagged enum.
    async fn untagged(&self, value: Untagged) -> Untagged;
    /// Echoes a bundle of all of them.
    async fn bundle(&self, value: Bundle) -> Bundle;
    /// Where a value is kept, as the callee read it from the URI called (typed URI captures:
    /// `shelf` and `slot` are components of the URI, `label` is a keyword argument).
    #[wamp(name = "shelf.{shelf}.slot.{slot}")]
    async fn shelved(
        &self,
        shelf: String,
        slot: u64,
        #[wamp(kwarg)] label: Option<String>,
    ) -> String;
}

/// The echoing implementation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Echo;

impl Shapes for Echo {
    async fn external(&self, value: External) -> External {
        value
    }
    async fn internal(&self, value: Internal) -> Internal {
        value
    }
    async fn adjacent(&self, value: Adjacent) -> Adjacent {
        value
    }
    async fn untagged(&self, value: Untagged) -> Untagged {
        value
    }
    async fn bundle(&self, value: Bundle) -> Bundle {
        value
    }
    async fn shelved(&self, shelf: String, slot: u64, label: Option<String>) -> String {
        format!("{shelf}/{slot}/{}", label.unwrap_or_default())
    }
}
