//! Reading a [`Value`] into any serde type, with the number rules of WAMP's JSON peers: an
//! integer is accepted where a float is expected (JavaScript sends `3.0` as `3`), which
//! ciborium's own value deserializer refuses.

use serde::de::{self, IntoDeserializer as _, Visitor};

use super::{Value, ValueError};

/// A serde deserializer over a borrowed [`Value`].
pub(super) struct ValueDeserializer<'a>(pub(super) &'a Value);

impl de::Error for ValueError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        ValueError(msg.to_string())
    }
}

fn integer<'de, V: Visitor<'de>>(
    i: ciborium::value::Integer,
    visitor: V,
) -> Result<V::Value, ValueError> {
    let wide = i128::from(i);
    if let Ok(v) = u64::try_from(wide) {
        visitor.visit_u64(v)
    } else if let Ok(v) = i64::try_from(wide) {
        visitor.visit_i64(v)
    } else {
        visitor.visit_i128(wide)
    }
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'_> {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Integer(i) => integer(*i, visitor),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Null => visitor.visit_unit(),
            Value::Text(s) => visitor.visit_str(s),
            Value::Bytes(b) => visitor.visit_bytes(b),
            Value::Array(items) => visitor.visit_seq(de::value::SeqDeserializer::new(
                items.iter().map(ValueDeserializer),
            )),
            Value::Map(entries) => visitor.visit_map(de::value::MapDeserializer::new(
                entries
                    .iter()
                    .map(|(k, v)| (ValueDeserializer(k), ValueDeserializer(v))),
            )),
            Value::Tag(_, inner) => ValueDeserializer(inner).deserialize_any(visitor),
            other => Err(de::Error::custom(format!("unsupported value {other:?}"))),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Text(variant) => visitor.visit_enum(variant.as_str().into_deserializer()),
            Value::Map(entries) if entries.len() == 1 => match entries.first() {
                Some((key, value)) => visitor.visit_enum(EnumAccess { key, value }),
                None => Err(de::Error::custom("an empty map is not an enum")),
            },
            Value::Tag(_, inner) => {
                ValueDeserializer(inner).deserialize_enum(_name, _variants, visitor)
            }
            other => Err(de::Error::custom(format!(
                "expected an enum (a variant name or a one-entry map), found {other:?}"
            ))),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

impl<'de> de::IntoDeserializer<'de, ValueError> for ValueDeserializer<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

struct EnumAccess<'a> {
    key: &'a Value,
    value: &'a Value,
}

impl<'de, 'a> de::EnumAccess<'de> for EnumAccess<'a> {
    type Error = ValueError;
    type Variant = ValueDeserializer<'a>;

    fn variant_seed<S: de::DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), ValueError> {
        let variant = seed.deserialize(ValueDeserializer(self.key))?;
        Ok((variant, ValueDeserializer(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for ValueDeserializer<'_> {
    type Error = ValueError;

    fn unit_variant(self) -> Result<(), ValueError> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<S: de::DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<S::Value, ValueError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        de::Deserializer::deserialize_any(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};

    use super::super::{from_value, to_value};
    use super::*;

    #[test]
    fn integers_are_accepted_as_floats() {
        let three: f64 = from_value(&Value::Integer(3.into())).unwrap();
        assert_eq!(three, 3.0);
        let negative: f32 = from_value(&Value::Integer((-2).into())).unwrap();
        assert_eq!(negative, -2.0);
        assert!(from_value::<i64>(&Value::Float(3.5)).is_err());
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    enum Shape {
        Dot,
        Circle(f64),
        Rect { w: f64, h: f64 },
        Pair(u8, u8),
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Everything {
        small: u8,
        big: u64,
        negative: i64,
        float: f64,
        text: String,
        #[serde(with = "serde_bytes_like")]
        bytes: Vec<u8>,
        flag: bool,
        missing: Option<u8>,
        present: Option<String>,
        list: Vec<Shape>,
        map: BTreeMap<String, i32>,
        unit: (),
        tuple: (u8, String),
    }

    /// Bytes as a byte string, as WAMP's binary values travel.
    mod serde_bytes_like {
        pub(super) fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
        pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
            d: D,
        ) -> Result<Vec<u8>, D::Error> {
            struct V;
            impl serde::de::Visitor<'_> for V {
                type Value = Vec<u8>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                    Ok(v.to_vec())
                }
            }
            d.deserialize_bytes(V)
        }
    }

    #[test]
    fn every_serde_shape_round_trips() {
        let value = Everything {
            small: 7,
            big: u64::MAX,
            negative: i64::MIN,
            float: 1.5,
            text: "héllo".into(),
            bytes: vec![0, 1, 255],
            flag: true,
            missing: None,
            present: Some("x".into()),
            list: vec![
                Shape::Dot,
                Shape::Circle(2.0),
                Shape::Rect { w: 1.0, h: 3.0 },
                Shape::Pair(1, 2),
            ],
            map: BTreeMap::from([("a".into(), -1)]),
            unit: (),
            tuple: (9, "nine".into()),
        };
        let back: Everything = from_value(&to_value(&value).unwrap()).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn wrong_types_are_errors_not_panics() {
        assert!(from_value::<u8>(&Value::Integer(300.into())).is_err());
        assert!(from_value::<String>(&Value::Integer(1.into())).is_err());
        assert!(from_value::<Shape>(&Value::Integer(1.into())).is_err());
        assert!(from_value::<Shape>(&Value::Text("Nope".into())).is_err());
        assert!(from_value::<Vec<u8>>(&Value::Map(vec![])).is_err());
    }
}
