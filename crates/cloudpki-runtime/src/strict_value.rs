//! Reading any JSON into a [`serde_json::Value`] as strictly as the typed models read it: a
//! repeated key is an error (`Value` alone keeps the last one), and every error names its JSON
//! path. Used where a shape must be seen whole before it can be typed ([`crate::SingleEntity`],
//! [`crate::SingleValue`]).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::path;

/// Reads one JSON value strictly, naming in error paths the keys of the first `.0` levels of
/// objects, and one level more below a top-level `value` key (the wrapped entity of a single-
/// entity body). Below that, an error is reported at the deepest named place, as the typed
/// models report an error inside an unknown property at that property.
#[derive(Clone, Copy)]
pub(crate) struct StrictValue(pub(crate) u8);

/// The top level of a single-entity or single-value body.
pub(crate) const BODY: StrictValue = StrictValue(u8::MAX);

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        Number::from_f64(value).map(Value::Number).ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    /// Array elements are not named in paths (as inside the typed models' unknown properties, so
    /// the bare and the wrapped entity report the same place).
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue(0))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        let named = self.0 > 0;
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                return Err(if named { path::duplicate_key(&key) } else { path::unnamed_duplicate_key(&key) });
            }
            let inner = match self.0 {
                u8::MAX if key == "value" => StrictValue(1),
                u8::MAX => StrictValue(0),
                depth => StrictValue(depth.saturating_sub(1)),
            };
            let value = map.next_value_seed(inner);
            let value = if named { value.map_err(|error| path::with_key(error, &key))? } else { value? };
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// Reads a body strictly ([`BODY`]), then types it with `.0`, within the same visit: an error
/// of the typing (which sees a `Value`, not the text) leaves through the deserializer's frame,
/// where serde_json gives it a position, the end of the body.
pub(crate) struct TypedBody<F>(pub(crate) F);

impl<'de, T, F: FnOnce(Value) -> Result<T, serde_json::Error>> DeserializeSeed<'de> for TypedBody<F> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<T, F: FnOnce(Value) -> Result<T, serde_json::Error>> TypedBody<F> {
    /// Types the value read, or passes the reading's error on.
    fn then<E: de::Error>(self, read: Result<Value, E>) -> Result<T, E> {
        (self.0)(read?).map_err(E::custom)
    }
}

impl<'de, T, F: FnOnce(Value) -> Result<T, serde_json::Error>> Visitor<'de> for TypedBody<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        BODY.expecting(f)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<T, E> {
        self.then(BODY.visit_bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        self.then(BODY.visit_i64(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        self.then(BODY.visit_u64(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        self.then(BODY.visit_f64(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        self.then(BODY.visit_str(value))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
        self.then(BODY.visit_string(value))
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.then(BODY.visit_none())
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        self.then(BODY.visit_unit())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        self.then(BODY.visit_some(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        self.then(BODY.visit_seq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        self.then(BODY.visit_map(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Value, serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        crate::path::scoped(|| BODY.deserialize(&mut deserializer))
    }

    #[test]
    fn reads_what_value_reads_and_refuses_repeated_keys_with_their_path() {
        let text = r#"{"a":[1,-2,2.5,1e300,"s",null,true,{"b":{}}],"c":18446744073709551615}"#;
        assert_eq!(read(text).ok(), serde_json::from_str::<Value>(text).ok());
        let error = read(r#"{"value":{"x":{"y":1,"y":2}}}"#).map(|_| ()).expect_err("rejected").to_string();
        assert!(error.starts_with("$.value.x: duplicate property `y`"), "{error}");
        let error = read(r#"{"value":{"x":1,"x":2}}"#).map(|_| ()).expect_err("rejected").to_string();
        assert!(error.starts_with("$.value.x: duplicate property `x`"), "{error}");
        let error = read(r#"{"value":[0,{"big":1e400}]}"#).map(|_| ()).expect_err("rejected").to_string();
        assert!(error.starts_with("$.value: "), "{error}");
        let error = read(r#"{"x":{"a":{"b":1e400}}}"#).map(|_| ()).expect_err("rejected").to_string();
        assert!(error.starts_with("$.x: "), "a bare entity's unknown property: {error}");
    }
}
