//! [`SingleEntity<T>`]: a response of one entity (or complex value), and [`SingleValue<T>`]: a
//! response of one primitive value.

use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, Error as _};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::AdditionalProperties;
use crate::path;
use crate::strict_value;

/// A single-entity response: the documentation shows it wrapped as `{"value": {...}}`, the
/// Microsoft SDKs read the bare entity; both are accepted and the shape is remembered, so nothing
/// the body said is lost.
///
/// ```
/// use cloudpki_runtime::SingleEntity;
/// use serde_json::{Value, json};
///
/// for text in [r#"{"@odata.context":"c","value":{"id":"a"}}"#, r#"{"id":"a"}"#] {
///     let single: SingleEntity<Value> = serde_json::from_str(text).unwrap();
///     assert_eq!(single.entity["id"], json!("a"));
///     assert_eq!(serde_json::to_value(&single).unwrap(), serde_json::from_str::<Value>(text).unwrap());
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct SingleEntity<E> {
    /// The entity.
    pub entity: E,
    /// Whether the body was the `{"value": ...}` wrapper.
    pub wrapped: bool,
    /// The wrapper's other members (e.g. `@odata.context`), when wrapped.
    pub wrapper_properties: AdditionalProperties,
}

impl<E> SingleEntity<E> {
    /// The bare entity (written back bare).
    #[must_use]
    pub fn new(entity: E) -> Self {
        SingleEntity { entity, wrapped: false, wrapper_properties: AdditionalProperties::new() }
    }

    /// The entity in the documented `{"value": ...}` wrapper.
    #[must_use]
    pub fn wrapped(entity: E) -> Self {
        SingleEntity { entity, wrapped: true, wrapper_properties: AdditionalProperties::new() }
    }

    /// The entity.
    #[must_use]
    pub fn into_entity(self) -> E {
        self.entity
    }
}

impl<E: DeserializeOwned> SingleEntity<E> {
    /// Reads either shape from JSON bytes ([`crate::decode`]).
    ///
    /// # Errors
    ///
    /// Not JSON, or not an `E`: the path (`$.value.id` when wrapped), category and position as
    /// data.
    pub fn from_slice(body: &[u8]) -> Result<Self, crate::DecodeError> {
        crate::decode::from_slice(body)
    }

    /// Reads either shape from a JSON value. The body is the wrapper when it has a `value` member
    /// and nothing else but annotations (`@...`, kept in `wrapper_properties`): an entity has
    /// no `value` property, and annotations are all the wrapper is documented with. Anything else
    /// is the bare entity (whose unknown properties are kept, `value` included).
    ///
    /// # Errors
    ///
    /// Not an `E`.
    pub fn from_value(value: Value) -> Result<Self, serde_json::Error> {
        path::scoped(|| match value {
            Value::Object(mut members) if is_wrapper(&members) => {
                let inner = members.remove("value").unwrap_or_default();
                let entity = E::deserialize(inner).map_err(|error| path::with_key(error, "value"))?;
                Ok(SingleEntity { entity, wrapped: true, wrapper_properties: members.into_iter().collect() })
            }
            other => E::deserialize(other).map(SingleEntity::new),
        })
    }
}

/// Whether the members of a body are the wrapper's: `value`, and annotations only.
fn is_wrapper(members: &serde_json::Map<String, Value>) -> bool {
    members.contains_key("value") && members.keys().all(|key| key == "value" || key.starts_with('@'))
}

impl<'de, E: DeserializeOwned> Deserialize<'de> for SingleEntity<E> {
    /// Reads the body whole (strictly: a repeated key is an error, at any depth), then as the
    /// wrapper or the bare entity. Errors name their JSON path; those of the typed entity have
    /// the position of the end of the body (it is typed from the whole body, not from the text).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        path::scoped(|| strict_value::TypedBody(SingleEntity::from_value).deserialize(deserializer))
    }
}

impl<E: Serialize> Serialize for SingleEntity<E> {
    /// Writes the shape that was read.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !self.wrapped {
            return self.entity.serialize(serializer);
        }
        let others = self.wrapper_properties.iter().filter(|(key, _)| *key != "value");
        let mut map = serializer.serialize_map(Some(others.clone().count() + 1))?;
        for (key, value) in others {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("value", &self.entity)?;
        map.end()
    }
}

/// A response of one primitive value, `{"@odata.context": ..., "value": 42}`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct SingleValue<T> {
    /// The value.
    pub value: T,
    /// The other members of the body (annotations), kept as sent.
    pub additional_properties: AdditionalProperties,
}

impl<T> SingleValue<T> {
    /// `{"value": value}`.
    #[must_use]
    pub fn new(value: T) -> Self {
        SingleValue { value, additional_properties: AdditionalProperties::new() }
    }
}

impl<T: DeserializeOwned> SingleValue<T> {
    /// Reads the body, read whole: an object with a `value` member.
    fn from_body(body: Value) -> Result<Self, serde_json::Error> {
        let Value::Object(mut members) = body else {
            return Err(serde_json::Error::custom("expected an object with a `value` member"));
        };
        let Some(inner) = members.remove("value") else {
            return Err(path::missing_key("value"));
        };
        let value = T::deserialize(inner).map_err(|error| path::with_key(error, "value"))?;
        Ok(SingleValue { value, additional_properties: members.into_iter().collect() })
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for SingleValue<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        path::scoped(|| strict_value::TypedBody(SingleValue::from_body).deserialize(deserializer))
    }
}

impl<T: Serialize> Serialize for SingleValue<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let others = self.additional_properties.iter().filter(|(key, _)| *key != "value");
        let mut map = serializer.serialize_map(Some(others.clone().count() + 1))?;
        for (key, value) in others {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("value", &self.value)?;
        map.end()
    }
}
