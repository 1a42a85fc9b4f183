//! What every generated object type shares: reading a property into its slot, writing the
//! present ones, and looking up keys. A generated type only lists its properties
//! ([`Object`]); serde's `Serialize` and `Deserialize` are [`serialize_object`] and
//! [`deserialize_object`].
//!
//! The rules, in one place:
//! - every property may be absent; a non-nullable one is an `Option` (`null` is an error), a
//!   nullable one a [`Nullable`] (`null` kept apart from absent);
//! - a repeated property is an error (``$.id: duplicate property `id` ``);
//! - any error names its JSON path (`$.value[3].certificateStatus: ...`);
//! - properties the type does not model are kept in its [`AdditionalProperties`] and written
//!   back: annotations (`@...`) before the modelled properties, the rest after them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::additional_properties::PropertyKey;
use crate::path::{self, ElementsSeed, NullableSeed};
use crate::{AdditionalProperties, Nullable};

/// Where an object keeps the properties and annotations it does not model (generated types:
/// their `additional_properties` field, implemented by [`serde_object!`](crate::serde_object)).
pub trait HasAdditionalProperties {
    /// The properties and annotations the type does not model.
    fn additional_properties(&self) -> &AdditionalProperties;

    /// The same, to fill in while reading.
    fn additional_properties_mut(&mut self) -> &mut AdditionalProperties;
}

/// A JSON object type with a fixed list of modelled properties. Implemented by generated code.
pub trait Object: Default + HasAdditionalProperties {
    /// The Graph name, for `expected a ... object`.
    const GRAPH_NAME: &'static str;
    /// The wire names of the modelled properties, in wire order: property `i` is
    /// `PROPERTY_NAMES[i]`.
    const PROPERTY_NAMES: &'static [&'static str];

    /// The index of the modelled property `name`.
    fn property_index(name: &str) -> Option<usize>;

    /// Reads the value of property `index` with `reader` into its field.
    ///
    /// # Errors
    ///
    /// The value's error, with its path.
    fn read_property<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        reader: PropertyReader<'_, A>,
    ) -> Result<(), A::Error>;

    /// Hands every modelled property, in wire order, to `writer`.
    ///
    /// # Errors
    ///
    /// The writer's.
    fn write_properties<W: PropertyWriter>(&self, writer: &mut W) -> Result<(), W::Error>;

    /// After the whole object has been read: the name of a required property that is missing.
    /// (Generated types have none: any property may be absent.)
    fn missing_property(&self) -> Option<&'static str> {
        None
    }
}

/// A field that holds one property: `Option<T>` (non-nullable) or [`Nullable<T>`].
pub trait Slot {
    /// The type of a present, non-null value.
    type Value;

    /// Whether the property is written (not absent).
    fn is_present(&self) -> bool;

    /// Reads the property's value with `seed`; a second occurrence is an error.
    ///
    /// # Errors
    ///
    /// A duplicate, `null` for a non-nullable property, or the seed's error, with the path.
    fn read<'de, A: MapAccess<'de>, S: DeserializeSeed<'de, Value = Self::Value>>(
        &mut self,
        map: &mut A,
        name: &str,
        seed: S,
    ) -> Result<(), A::Error>;

    /// Writes `name` and the value, when present.
    ///
    /// # Errors
    ///
    /// The serializer's.
    fn write<M: SerializeMap>(&self, name: &'static str, map: &mut M) -> Result<(), M::Error>
    where
        Self::Value: Serialize;
}

impl<T> Slot for Option<T> {
    type Value = T;

    #[inline]
    fn is_present(&self) -> bool {
        self.is_some()
    }

    #[inline]
    fn read<'de, A: MapAccess<'de>, S: DeserializeSeed<'de, Value = T>>(
        &mut self,
        map: &mut A,
        name: &str,
        seed: S,
    ) -> Result<(), A::Error> {
        if self.is_some() {
            return Err(path::duplicate_key(name));
        }
        *self = Some(map.next_value_seed(seed).map_err(|error| path::with_key(error, name))?);
        Ok(())
    }

    #[inline]
    fn write<M: SerializeMap>(&self, name: &'static str, map: &mut M) -> Result<(), M::Error>
    where
        T: Serialize,
    {
        match self {
            Some(value) => map.serialize_entry(name, value),
            None => Ok(()),
        }
    }
}

impl<T> Slot for Nullable<T> {
    type Value = T;

    #[inline]
    fn is_present(&self) -> bool {
        !self.is_absent()
    }

    #[inline]
    fn read<'de, A: MapAccess<'de>, S: DeserializeSeed<'de, Value = T>>(
        &mut self,
        map: &mut A,
        name: &str,
        seed: S,
    ) -> Result<(), A::Error> {
        if !self.is_absent() {
            return Err(path::duplicate_key(name));
        }
        *self = map.next_value_seed(NullableSeed(seed)).map_err(|error| path::with_key(error, name))?;
        Ok(())
    }

    #[inline]
    fn write<M: SerializeMap>(&self, name: &'static str, map: &mut M) -> Result<(), M::Error>
    where
        T: Serialize,
    {
        if self.is_absent() { Ok(()) } else { map.serialize_entry(name, self) }
    }
}

/// Reads the value of one modelled property (given to [`Object::read_property`]).
pub struct PropertyReader<'a, A> {
    map: &'a mut A,
    name: &'static str,
}

impl<'de, A: MapAccess<'de>> PropertyReader<'_, A> {
    /// Reads a single value into `slot`.
    ///
    /// # Errors
    ///
    /// See [`Slot::read`].
    #[inline]
    pub fn value<S: Slot>(self, slot: &mut S) -> Result<(), A::Error>
    where
        S::Value: Deserialize<'de>,
    {
        slot.read(self.map, self.name, PhantomData::<S::Value>)
    }

    /// Reads an array into `slot`, naming the index of a bad element (`$.key[2]: ...`).
    ///
    /// # Errors
    ///
    /// See [`Slot::read`].
    #[inline]
    pub fn list<T: Deserialize<'de>, S: Slot<Value = Vec<T>>>(self, slot: &mut S) -> Result<(), A::Error> {
        slot.read(self.map, self.name, ElementsSeed::<T>::new())
    }
}

/// What [`Object::write_properties`] hands each property to.
pub trait PropertyWriter {
    /// The error of writing.
    type Error;

    /// Takes the property held in `slot`, property `index` of the object's
    /// [`PROPERTY_NAMES`](Object::PROPERTY_NAMES).
    ///
    /// # Errors
    ///
    /// The writer's.
    fn property<S: Slot>(&mut self, index: usize, slot: &S) -> Result<(), Self::Error>
    where
        S::Value: Serialize;
}

/// Counts the present properties.
struct Counter(usize);

impl PropertyWriter for Counter {
    type Error = std::convert::Infallible;

    #[inline]
    fn property<S: Slot>(&mut self, _index: usize, slot: &S) -> Result<(), Self::Error>
    where
        S::Value: Serialize,
    {
        self.0 += usize::from(slot.is_present());
        Ok(())
    }
}

/// Writes the present properties of a `T` into a serde map.
struct MapWriter<'a, M, T>(&'a mut M, PhantomData<fn() -> T>);

impl<M: SerializeMap, T: Object> PropertyWriter for MapWriter<'_, M, T> {
    type Error = M::Error;

    #[inline]
    fn property<S: Slot>(&mut self, index: usize, slot: &S) -> Result<(), M::Error>
    where
        S::Value: Serialize,
    {
        slot.write(T::PROPERTY_NAMES.get(index).copied().unwrap_or_default(), self.0)
    }
}

/// `Serialize` of a generated object: annotations the type does not model, then the present
/// modelled properties in wire order, then the other properties it does not model. A key of
/// `additional_properties` that names a modelled property is not written (the field is).
///
/// # Errors
///
/// The serializer's.
#[inline]
pub fn serialize_object<T: Object, S: Serializer>(object: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let is_known = |name: &str| T::property_index(name).is_some();
    let mut counter = Counter(0);
    let Ok(()) = object.write_properties(&mut counter);
    let others = object.additional_properties();
    let len = counter.0 + others.written_len(is_known);
    let mut map = serializer.serialize_map(Some(len))?;
    others.serialize_annotations(&mut map, is_known)?;
    object.write_properties(&mut MapWriter::<_, T>(&mut map, PhantomData))?;
    others.serialize_other_properties(&mut map, is_known)?;
    map.end()
}

/// `Deserialize` of a generated object: every error names its JSON path.
///
/// # Errors
///
/// Anything that is not an object of `T`'s shape.
#[inline]
pub fn deserialize_object<'de, T: Object, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    path::scoped(|| deserializer.deserialize_map(ObjectVisitor::<T>(PhantomData)))
}

/// A property name of `T`: the index of a modelled one, or any other (kept).
enum Key {
    Known(usize),
    Other(PropertyKey),
}

/// Looks a property name up in `T` without allocating (unless it is kept).
struct KeySeed<T>(PhantomData<fn() -> T>);

impl<'de, T: Object> DeserializeSeed<'de> for KeySeed<T> {
    type Value = Key;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<T: Object> Visitor<'_> for KeySeed<T> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(match T::property_index(name) {
            Some(index) => Key::Known(index),
            None => Key::Other(AdditionalProperties::key(name)),
        })
    }
}

struct ObjectVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::GRAPH_NAME)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut object = T::default();
        while let Some(key) = map.next_key_seed(KeySeed::<T>(PhantomData))? {
            match key {
                Key::Known(index) => {
                    let name = T::PROPERTY_NAMES.get(index).copied().unwrap_or_default();
                    object.read_property(index, PropertyReader { map: &mut map, name })?;
                }
                Key::Other(key) => object.additional_properties_mut().read(key, &mut map)?,
            }
        }
        match object.missing_property() {
            Some(name) => Err(path::missing_key(name)),
            None => Ok(object),
        }
    }
}

/// Everything a generated object type has besides its struct, `new` and setters, from its table
/// of properties, one entry per property (for generated code only):
///
/// ```text
/// object! {
///     Type = "graphName" {
///         field: "wireName" => value,   // or `list`: an array, whose bad element is named by index
///     }
/// }
/// ```
///
/// gives `Type::PROPERTY_NAMES` (the wire names, in table order), the [`Object`] impl (each
/// property's index is its place in the table, given by a hidden enum with one variant per
/// field, so nothing is kept in step by hand) and [`serde_object!`](crate::serde_object).
#[doc(hidden)]
#[macro_export]
macro_rules! object {
    ($type:ident = $graph_name:literal { $($field:ident: $wire:literal => $read:ident,)* }) => {
        impl $type {
            /// The wire names of the properties this type models, in wire order.
            pub const PROPERTY_NAMES: &'static [&'static str] = &[$($wire),*];
        }

        const _: () = {
            /// The modelled properties; a variant's discriminant is the property's index.
            #[allow(non_camel_case_types, dead_code)]
            enum Field {
                $($field,)*
            }

            impl $crate::__private::Object for $type {
                const GRAPH_NAME: &'static str = $graph_name;
                const PROPERTY_NAMES: &'static [&'static str] = <$type>::PROPERTY_NAMES;

                #[inline]
                fn property_index(name: &str) -> ::core::option::Option<usize> {
                    match name {
                        $($wire => ::core::option::Option::Some(Field::$field as usize),)*
                        _ => ::core::option::Option::None,
                    }
                }

                #[inline]
                fn read_property<'de, A: ::serde::de::MapAccess<'de>>(
                    &mut self,
                    index: usize,
                    reader: $crate::__private::PropertyReader<'_, A>,
                ) -> ::core::result::Result<(), A::Error> {
                    $(if index == Field::$field as usize {
                        return reader.$read(&mut self.$field);
                    })*
                    let _ = reader;
                    ::core::result::Result::Ok(())
                }

                #[inline]
                fn write_properties<W: $crate::__private::PropertyWriter>(
                    &self,
                    writer: &mut W,
                ) -> ::core::result::Result<(), W::Error> {
                    $(writer.property(Field::$field as usize, &self.$field)?;)*
                    let _ = writer;
                    ::core::result::Result::Ok(())
                }
            }
        };

        $crate::serde_object!($type);
    };
}

/// `Serialize` and `Deserialize` for a generated [`Object`] type, through [`serialize_object`]
/// and [`deserialize_object`], and its [`HasAdditionalProperties`] (its `additional_properties`
/// field) (for generated code only).
#[doc(hidden)]
#[macro_export]
macro_rules! serde_object {
    ($type:ty) => {
        impl $crate::__private::HasAdditionalProperties for $type {
            fn additional_properties(&self) -> &$crate::AdditionalProperties {
                &self.additional_properties
            }

            fn additional_properties_mut(&mut self) -> &mut $crate::AdditionalProperties {
                &mut self.additional_properties
            }
        }

        impl ::serde::Serialize for $type {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::__private::serialize_object(self, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $type {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::deserialize_object(deserializer)
            }
        }
    };
}
