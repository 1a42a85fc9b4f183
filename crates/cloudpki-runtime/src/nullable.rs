//! [`Nullable`]: the tri-state of an OData property (absent, `null`, or a value).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// The value of an OData property that may be absent, `null`, or set.
///
/// An [`Option`] cannot tell these apart, but on the wire they differ:
///
/// * **Absent**: with OData `$select` (and for properties the service leaves out), *any*
///   property may be missing from a payload, even one the schema calls non-nullable. A missing
///   property says nothing about its value.
/// * **`null`**: the property is present and its value is `null`.
/// * **Value**: the property is present with a value.
///
/// The difference matters when writing too: in a `PATCH` body, `"prop": null` clears the
/// property, while leaving `prop` out leaves it alone.
///
/// Containing structs produce [`Nullable::Absent`] when the key is missing and skip
/// [`Nullable::Absent`] fields when serializing, so a payload deserialized and serialized again
/// keeps exactly the keys it had. On its own, a [`Nullable`] serializes [`Nullable::Absent`]
/// like [`Nullable::Null`] (as `null`): it cannot remove its own key.
///
/// `From<T>` is deliberately not implemented (it would conflict with `From<Option<T>>`, which
/// maps `None` to [`Nullable::Null`]); use [`Nullable::from_value`] or [`Nullable::Value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// The property is missing from the payload (the default).
    #[default]
    Absent,
    /// The property is present with the value `null`.
    Null,
    /// The property is present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// A present, non-null value (same as [`Nullable::Value`]).
    #[must_use]
    pub const fn from_value(value: T) -> Self {
        Self::Value(value)
    }

    /// Whether the property is missing.
    #[must_use]
    pub const fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the property is present with the value `null`.
    #[must_use]
    pub const fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Whether the property is present with a value.
    #[must_use]
    pub const fn is_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }

    /// The value, if present and not `null`.
    #[must_use]
    pub const fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, if present and not `null`.
    #[must_use]
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// Borrows the value: `Nullable<&T>`.
    #[must_use]
    pub const fn as_ref(&self) -> Nullable<&T> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(value),
        }
    }

    /// Maps the value, keeping [`Nullable::Absent`] and [`Nullable::Null`].
    pub fn map<U, F: FnOnce(T) -> U>(self, f: F) -> Nullable<U> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(f(value)),
        }
    }

    /// As nested options: `None` when absent, `Some(None)` when `null`, `Some(Some(value))`
    /// when set.
    #[must_use]
    pub const fn as_option(&self) -> Option<Option<&T>> {
        match self {
            Self::Absent => None,
            Self::Null => Some(None),
            Self::Value(value) => Some(Some(value)),
        }
    }

    /// As nested options, by value: `None` when absent, `Some(None)` when `null`,
    /// `Some(Some(value))` when set.
    #[must_use]
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Self::Absent => None,
            Self::Null => Some(None),
            Self::Value(value) => Some(Some(value)),
        }
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes [`Nullable::Null`] (not [`Nullable::Absent`]), `Some(v)` becomes
    /// [`Nullable::Value`].
    fn from(value: Option<T>) -> Self {
        match value {
            None => Self::Null,
            Some(value) => Self::Value(value),
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    /// [`Nullable::Value`] serializes the value itself; [`Nullable::Null`] and
    /// [`Nullable::Absent`] serialize as none (`null`). Containing structs skip
    /// [`Nullable::Absent`] fields, so the `null` written for `Absent` only appears when a
    /// [`Nullable`] is serialized on its own.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => value.serialize(serializer),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// `null` becomes [`Nullable::Null`], anything else [`Nullable::Value`]. Never produces
    /// [`Nullable::Absent`]: containing structs do, when the key is missing.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_option(NullableVisitor(PhantomData))
    }
}

/// Serde visitor for [`Nullable`].
struct NullableVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for NullableVisitor<T> {
    type Value = Nullable<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a value")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Nullable<T>, E> {
        Ok(Nullable::Null)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Nullable<T>, E> {
        Ok(Nullable::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Nullable<T>, D::Error> {
        T::deserialize(deserializer).map(Nullable::Value)
    }
}

/// Same schema as [`Option<T>`]: the schema of `T`, also allowing `null`.
#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Nullable<T> {
    fn inline_schema() -> bool {
        <Option<T> as schemars::JsonSchema>::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        <Option<T> as schemars::JsonSchema>::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        <Option<T> as schemars::JsonSchema>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Option<T> as schemars::JsonSchema>::json_schema(generator)
    }

    // Also forward schemars' hidden hooks (as its own `forward_impl!` does), so that schemars
    // treats a `Nullable<T>` exactly like an `Option<T>`.
    fn _schemars_private_non_optional_json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        #[allow(clippy::used_underscore_items)]
        <Option<T> as schemars::JsonSchema>::_schemars_private_non_optional_json_schema(generator)
    }

    fn _schemars_private_is_option() -> bool {
        #[allow(clippy::used_underscore_items)]
        <Option<T> as schemars::JsonSchema>::_schemars_private_is_option()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Panicking is how tests fail.
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        name: Nullable<String>,
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        count: Nullable<u32>,
    }

    #[test]
    fn accessors() {
        let absent: Nullable<u32> = Nullable::Absent;
        let null: Nullable<u32> = Nullable::Null;
        let value = Nullable::from_value(5_u32);
        assert_eq!(Nullable::<u32>::default(), absent);
        assert!(absent.is_absent() && !absent.is_null() && !absent.is_value());
        assert!(!null.is_absent() && null.is_null() && !null.is_value());
        assert!(!value.is_absent() && !value.is_null() && value.is_value());
        assert_eq!(absent.value(), None);
        assert_eq!(null.value(), None);
        assert_eq!(value.value(), Some(&5));
        assert_eq!(value.into_value(), Some(5));
        assert_eq!(null.into_value(), None);
        assert_eq!(value.as_ref(), Nullable::Value(&5));
        assert_eq!(null.as_ref(), Nullable::Null);
        assert_eq!(absent.as_ref(), Nullable::Absent);
        assert_eq!(value.map(|v| v * 2), Nullable::Value(10));
        assert_eq!(null.map(|v| v * 2), Nullable::Null);
        assert_eq!(absent.map(|v| v * 2), Nullable::Absent);
        assert_eq!(absent.as_option(), None);
        assert_eq!(null.as_option(), Some(None));
        assert_eq!(value.as_option(), Some(Some(&5)));
        assert_eq!(value.into_option(), Some(Some(5)));
        assert_eq!(Nullable::from(None::<u32>), null);
        assert_eq!(Nullable::from(Some(5_u32)), value);
        // Derived order: Absent < Null < Value.
        assert!(absent < null && null < value);
    }

    #[test]
    fn serde_in_a_struct_keeps_the_keys() {
        for json in
            [r#"{}"#, r#"{"name":null}"#, r#"{"name":"x","count":null}"#, r#"{"name":"x","count":3}"#, r#"{"count":0}"#]
        {
            let patch: Patch = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
        }
        let patch: Patch = serde_json::from_str(r#"{"name":null}"#).unwrap();
        assert_eq!(patch, Patch { name: Nullable::Null, count: Nullable::Absent });
    }

    #[test]
    fn serde_on_its_own() {
        assert_eq!(serde_json::from_str::<Nullable<u32>>("null").unwrap(), Nullable::Null);
        assert_eq!(serde_json::from_str::<Nullable<u32>>("7").unwrap(), Nullable::Value(7));
        assert_eq!(serde_json::from_value::<Nullable<u32>>(serde_json::Value::Null).unwrap(), Nullable::Null);
        assert_eq!(serde_json::to_string(&Nullable::Value("a")).unwrap(), r#""a""#);
        assert_eq!(serde_json::to_string(&Nullable::<u32>::Null).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Nullable::<u32>::Absent).unwrap(), "null");
        // Nested: a null inside a value.
        let nested: Nullable<Vec<Nullable<u32>>> = serde_json::from_str("[1,null]").unwrap();
        assert_eq!(nested, Nullable::Value(vec![Nullable::Value(1), Nullable::Null]));
        let err = serde_json::from_str::<Nullable<u32>>(r#""x""#).unwrap_err().to_string();
        assert_eq!(err, "invalid type: string \"x\", expected u32 at line 1 column 3");
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn json_schema_is_that_of_option() {
        use schemars::JsonSchema;
        assert_eq!(Nullable::<u32>::inline_schema(), Option::<u32>::inline_schema());
        assert_eq!(Nullable::<u32>::schema_name(), Option::<u32>::schema_name());
        assert_eq!(Nullable::<u32>::schema_id(), Option::<u32>::schema_id());
        assert_eq!(schemars::schema_for!(Nullable<String>), schemars::schema_for!(Option<String>));
        assert_eq!(
            schemars::schema_for!(Nullable<super::super::DateTimeOffset>),
            schemars::schema_for!(Option<super::super::DateTimeOffset>)
        );
    }
}
