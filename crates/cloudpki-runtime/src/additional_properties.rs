//! [`AdditionalProperties`]: the properties and annotations a type does not model, kept as sent.
//!
//! It is a map from property name to [`serde_json::Value`], iterated in key order, like the
//! `BTreeMap<String, Value>` it replaces, with the same methods for everyday use (`get`,
//! `insert`, `remove`, `iter`, ...) and conversions from and to that `BTreeMap`.
//!
//! What differs is the cost of the few entries a payload has. The service sends `@odata.type`
//! on almost every object, and little else unknown (an annotation such as
//! `activeVersion@odata.context` here and there). A `BTreeMap` allocates a whole node (more than
//! 600 bytes) for its first entry, and is 24 bytes in every object. Here the field is one
//! pointer (8 bytes) to entries shared copy-on-write: the objects whose only entry is a usual
//! `@odata.type` (`#microsoft.graph.cloudCertificationAuthority`, ...) share one set of entries
//! (per thread, so that their reference counts are not contended), and nothing is allocated for
//! them. Other entries are a `Vec` sorted by key, sized to what it holds (a map only past
//! [`MAX_SMALL`] entries, so that a hostile payload with many unknown properties stays
//! `O(n log n)`). See BENCHMARKS.md.

use std::cell::RefCell;
use std::collections::{BTreeMap, btree_map};
use std::fmt;
use std::ops::Index;
use std::sync::{Arc, Mutex};

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// The annotation with a slot of its own.
const ODATA_TYPE: &str = "@odata.type";

/// Entries (besides `@odata.type`) kept in a sorted `Vec` at most; past this, a `BTreeMap`.
pub const MAX_SMALL: usize = 32;

/// `@odata.type` texts shared at most (per process): the namespace has a few dozen types; the
/// texts are kept for the life of the process.
const MAX_SHARED: usize = 256;

/// The properties and annotations of a JSON object that its type does not model, kept so that
/// they are written back: a map from name to value, iterated in key order (see the module).
#[derive(Clone, Default)]
pub struct AdditionalProperties {
    /// The entries, when there is one (a pointer: every object of a payload has this field).
    /// Shared between clones and between the objects whose only entry is the same usual
    /// `@odata.type`; copied when changed.
    inner: Option<Arc<Inner>>,
}

/// The entries of an [`AdditionalProperties`] that has some.
#[derive(Clone, Default)]
struct Inner {
    /// `@odata.type`, when present.
    odata_type: Option<OdataType>,
    /// Every other entry.
    others: Entries,
}

/// The value of `@odata.type`: a shared string (the usual case), or any value as sent.
#[derive(Clone)]
enum OdataType {
    Shared(&'static Value),
    Owned(Box<Value>),
}

impl OdataType {
    fn get(&self) -> &Value {
        match self {
            OdataType::Shared(value) => value,
            OdataType::Owned(value) => value,
        }
    }

    fn get_mut(&mut self) -> &mut Value {
        if let OdataType::Shared(value) = *self {
            *self = OdataType::Owned(Box::new(value.clone()));
        }
        match self {
            OdataType::Owned(value) => value,
            OdataType::Shared(_) => unreachable!("made owned above"),
        }
    }

    fn into_value(self) -> Value {
        match self {
            OdataType::Shared(value) => value.clone(),
            OdataType::Owned(value) => *value,
        }
    }
}

/// The entries of the objects whose only entry is `@odata.type` with the text `text`, shared
/// when `text` is (or can become) one of the shared texts.
fn shared_odata_type(text: &str) -> Option<Arc<Inner>> {
    thread_local! {
        /// This thread's shared entries, one per shared text it has seen.
        static SEEN: RefCell<Vec<Arc<Inner>>> = const { RefCell::new(Vec::new()) };
    }
    static SHARED: Mutex<Vec<&'static Value>> = Mutex::new(Vec::new());
    let is_text = |value: &Value| value.as_str() == Some(text);
    let seen = SEEN
        .try_with(|seen| {
            seen.borrow()
                .iter()
                .find(|inner| inner.odata_type.as_ref().is_some_and(|odata_type| is_text(odata_type.get())))
                .cloned()
        })
        .ok()
        .flatten();
    if seen.is_some() {
        return seen;
    }
    let shared = SHARED.lock().ok().and_then(|mut shared| {
        if let Some(value) = shared.iter().copied().find(|value| is_text(value)) {
            return Some(value);
        }
        // Only texts that look like a type name are worth keeping (`#microsoft.graph.x`).
        if shared.len() >= MAX_SHARED || text.len() > 128 || !text.starts_with('#') {
            return None;
        }
        let value: &'static Value = Box::leak(Box::new(Value::String(text.to_owned())));
        shared.push(value);
        Some(value)
    })?;
    let inner = Arc::new(Inner { odata_type: Some(OdataType::Shared(shared)), others: Entries::default() });
    // Without this thread's list (being torn down), the entries are simply not shared further.
    let _ = SEEN.try_with(|seen| seen.borrow_mut().push(Arc::clone(&inner)));
    Some(inner)
}

/// One entry other than `@odata.type`.
type Entry = (Box<str>, Value);

/// The entries other than `@odata.type`, sorted by key, unique.
#[derive(Clone)]
enum Entries {
    Small(Vec<Entry>),
    // Boxed: the rare large case should not make every set of entries bigger.
    #[allow(clippy::box_collection)]
    Large(Box<BTreeMap<String, Value>>),
}

impl Default for Entries {
    fn default() -> Self {
        Entries::Small(Vec::new())
    }
}

impl Entries {
    fn len(&self) -> usize {
        match self {
            Entries::Small(entries) => entries.len(),
            Entries::Large(map) => map.len(),
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Entries::Small(entries) => {
                entries.binary_search_by(|(k, _)| (**k).cmp(key)).ok().map(|index| &entries[index].1)
            }
            Entries::Large(map) => map.get(key),
        }
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self {
            Entries::Small(entries) => {
                let index = entries.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
                Some(&mut entries[index].1)
            }
            Entries::Large(map) => map.get_mut(key),
        }
    }

    /// Inserts `key` unless it is there: `Err(value)` gives the value back when it is.
    fn insert_new(&mut self, key: String, value: Value) -> Result<(), (String, Value)> {
        match self {
            Entries::Small(entries) => match entries.binary_search_by(|(k, _)| (**k).cmp(&key)) {
                Ok(_) => Err((key, value)),
                Err(index) => {
                    if entries.len() >= MAX_SMALL {
                        let mut map: BTreeMap<String, Value> =
                            std::mem::take(entries).into_iter().map(|(k, v)| (k.into_string(), v)).collect();
                        map.insert(key, value);
                        *self = Entries::Large(Box::new(map));
                    } else {
                        if entries.len() < 4 {
                            // Most objects have one or two: no room for more than they hold.
                            entries.reserve_exact(1);
                        }
                        entries.insert(index, (key.into_boxed_str(), value));
                    }
                    Ok(())
                }
            },
            Entries::Large(map) => match map.entry(key) {
                btree_map::Entry::Occupied(entry) => Err((entry.key().clone(), value)),
                btree_map::Entry::Vacant(entry) => {
                    entry.insert(value);
                    Ok(())
                }
            },
        }
    }

    fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.insert_new(key, value) {
            Ok(()) => None,
            Err((key, value)) => self.get_mut(&key).map(|slot| std::mem::replace(slot, value)),
        }
    }

    fn remove(&mut self, key: &str) -> Option<Value> {
        match self {
            Entries::Small(entries) => {
                let index = entries.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
                Some(entries.remove(index).1)
            }
            Entries::Large(map) => map.remove(key),
        }
    }

    fn iter(&self) -> EntriesIter<'_> {
        match self {
            Entries::Small(entries) => EntriesIter::Small(entries.iter()),
            Entries::Large(map) => EntriesIter::Large(map.iter()),
        }
    }

    fn into_map(self) -> BTreeMap<String, Value> {
        match self {
            Entries::Small(entries) => entries.into_iter().map(|(key, value)| (key.into_string(), value)).collect(),
            Entries::Large(map) => *map,
        }
    }
}

/// An iterator over [`Entries`].
#[derive(Clone, Debug)]
enum EntriesIter<'a> {
    Small(std::slice::Iter<'a, Entry>),
    Large(btree_map::Iter<'a, String, Value>),
}

impl<'a> Iterator for EntriesIter<'a> {
    type Item = (&'a str, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            EntriesIter::Small(iter) => iter.next().map(|(key, value)| (&**key, value)),
            EntriesIter::Large(iter) => iter.next().map(|(key, value)| (key.as_str(), value)),
        }
    }
}

impl AdditionalProperties {
    /// An empty map.
    #[must_use]
    pub const fn new() -> Self {
        Self { inner: None }
    }

    /// The entries, to change them (copied first if shared).
    fn make_mut(&mut self) -> &mut Inner {
        Arc::make_mut(self.inner.get_or_insert_default())
    }

    /// `@odata.type`, when present.
    fn odata_type(&self) -> Option<&OdataType> {
        self.inner.as_ref().and_then(|inner| inner.odata_type.as_ref())
    }

    /// The entries other than `@odata.type`, when there is one.
    fn others(&self) -> Option<&Entries> {
        self.inner.as_ref().map(|inner| &inner.others).filter(|others| others.len() > 0)
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.inner.as_ref().map_or(0, |inner| inner.others.len() + usize::from(inner.odata_type.is_some()))
    }

    /// Whether there are no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        let inner = self.inner.as_ref()?;
        if key == ODATA_TYPE { inner.odata_type.as_ref().map(OdataType::get) } else { inner.others.get(key) }
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        if !self.contains_key(key) {
            return None;
        }
        let inner = self.make_mut();
        if key == ODATA_TYPE { inner.odata_type.as_mut().map(OdataType::get_mut) } else { inner.others.get_mut(key) }
    }

    /// Whether `key` has a value.
    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`, giving back the value it had.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        let inner = self.make_mut();
        if key == ODATA_TYPE {
            inner.odata_type.replace(OdataType::Owned(Box::new(value))).map(OdataType::into_value)
        } else {
            inner.others.insert(key, value)
        }
    }

    /// Removes `key`, giving back its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        if !self.contains_key(key) {
            return None;
        }
        let inner = self.make_mut();
        let removed = if key == ODATA_TYPE {
            inner.odata_type.take().map(OdataType::into_value)
        } else {
            inner.others.remove(key)
        };
        if self.is_empty() {
            self.inner = None;
        }
        removed
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        *self = Self::new();
    }

    /// The entries in key order (`@odata.type` among them, where it sorts).
    #[must_use]
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            others: self.others().map_or(EntriesIter::Small([].iter()), Entries::iter).peekable(),
            odata_type: self.odata_type().map(OdataType::get),
            len: self.len(),
        }
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(key, _)| key)
    }

    /// The values, in key order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.iter().map(|(_, value)| value)
    }

    /// The entries as a `BTreeMap`.
    #[must_use]
    pub fn into_map(self) -> BTreeMap<String, Value> {
        let Some(inner) = self.inner else {
            return BTreeMap::new();
        };
        let Inner { odata_type, others } = Arc::unwrap_or_clone(inner);
        let mut map = others.into_map();
        if let Some(value) = odata_type {
            map.insert(ODATA_TYPE.to_owned(), value.into_value());
        }
        map
    }

    /// The key of a property being read (for the object reader).
    #[must_use]
    pub(crate) fn key(name: &str) -> PropertyKey {
        if name == ODATA_TYPE { PropertyKey(None) } else { PropertyKey(Some(name.to_owned())) }
    }

    /// Reads the value of the property `key` from `map`; a second occurrence is an error.
    pub(crate) fn read<'de, A: MapAccess<'de>>(&mut self, key: PropertyKey, map: &mut A) -> Result<(), A::Error> {
        match key.0 {
            None => {
                if self.odata_type().is_some() {
                    return Err(crate::path::duplicate_key(ODATA_TYPE));
                }
                let value =
                    map.next_value_seed(OdataTypeSeed).map_err(|error| crate::path::with_key(error, ODATA_TYPE))?;
                match value {
                    // The usual case: `@odata.type` first, alone.
                    ReadOdataType::Shared(shared) if self.inner.is_none() => self.inner = Some(shared),
                    ReadOdataType::Shared(shared) => self.make_mut().odata_type = shared.odata_type.clone(),
                    ReadOdataType::Owned(value) => self.make_mut().odata_type = Some(OdataType::Owned(value)),
                }
            }
            Some(name) => {
                if self.inner.as_ref().is_some_and(|inner| inner.others.get(&name).is_some()) {
                    return Err(crate::path::duplicate_key(&name));
                }
                let value = map.next_value::<Value>().map_err(|error| crate::path::with_key(error, &name))?;
                // Not there (checked above): this inserts.
                let _ = self.make_mut().others.insert_new(name, value);
            }
        }
        Ok(())
    }

    /// The number of entries written with an object whose modelled properties are `is_known`.
    #[must_use]
    #[inline]
    pub(crate) fn written_len(&self, is_known: impl Fn(&str) -> bool) -> usize {
        let Some(inner) = &self.inner else {
            return 0;
        };
        let odata_type = usize::from(inner.odata_type.is_some() && !is_known(ODATA_TYPE));
        if inner.others.len() == 0 {
            odata_type
        } else {
            odata_type + inner.others.iter().filter(|(key, _)| !is_known(key)).count()
        }
    }

    /// Writes the annotations (`@...`) that are not modelled, in key order.
    #[inline]
    pub(crate) fn serialize_annotations<M: SerializeMap>(
        &self,
        map: &mut M,
        is_known: impl Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        if inner.others.len() > 0 {
            return self.serialize_group(map, true, is_known);
        }
        // The usual case: `@odata.type` alone.
        match &inner.odata_type {
            Some(odata_type) if !is_known(ODATA_TYPE) => map.serialize_entry(ODATA_TYPE, odata_type.get()),
            _ => Ok(()),
        }
    }

    /// Writes the other entries that are not modelled, in key order.
    #[inline]
    pub(crate) fn serialize_other_properties<M: SerializeMap>(
        &self,
        map: &mut M,
        is_known: impl Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        // `@odata.type` is an annotation: nothing to do without other entries.
        match self.others() {
            Some(_) => self.serialize_group(map, false, is_known),
            None => Ok(()),
        }
    }

    /// Writes the annotations (`annotations`) or the other entries, in key order, leaving out
    /// the modelled ones.
    fn serialize_group<M: SerializeMap>(
        &self,
        map: &mut M,
        annotations: bool,
        is_known: impl Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        // `@odata.type` goes where it sorts among the other annotations.
        let mut odata_type =
            inner.odata_type.as_ref().filter(|_| annotations && !is_known(ODATA_TYPE)).map(OdataType::get);
        for (key, value) in inner.others.iter() {
            if key.starts_with('@') != annotations || is_known(key) {
                continue;
            }
            if let Some(type_value) = odata_type.filter(|_| key > ODATA_TYPE) {
                map.serialize_entry(ODATA_TYPE, type_value)?;
                odata_type = None;
            }
            map.serialize_entry(key, value)?;
        }
        match odata_type {
            Some(type_value) => map.serialize_entry(ODATA_TYPE, type_value),
            None => Ok(()),
        }
    }
}

/// `@odata.type` as read: a usual text, as the shared entries of the objects that have it alone,
/// or any value as sent.
enum ReadOdataType {
    Shared(Arc<Inner>),
    Owned(Box<Value>),
}

/// Reads the value of `@odata.type`: a string is shared when it can be; anything else is kept
/// as sent.
struct OdataTypeSeed;

impl<'de> DeserializeSeed<'de> for OdataTypeSeed {
    type Value = ReadOdataType;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ReadOdataType, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for OdataTypeSeed {
    type Value = ReadOdataType;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<ReadOdataType, E> {
        Ok(match shared_odata_type(text) {
            Some(shared) => ReadOdataType::Shared(shared),
            None => ReadOdataType::Owned(Box::new(Value::String(text.to_owned()))),
        })
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<ReadOdataType, E> {
        Ok(ReadOdataType::Owned(Box::new(Value::Bool(value))))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<ReadOdataType, E> {
        Ok(ReadOdataType::Owned(Box::new(Value::from(value))))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<ReadOdataType, E> {
        Ok(ReadOdataType::Owned(Box::new(Value::from(value))))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<ReadOdataType, E> {
        Ok(ReadOdataType::Owned(Box::new(Value::from(value))))
    }

    fn visit_unit<E: de::Error>(self) -> Result<ReadOdataType, E> {
        Ok(ReadOdataType::Owned(Box::new(Value::Null)))
    }

    fn visit_none<E: de::Error>(self) -> Result<ReadOdataType, E> {
        Ok(ReadOdataType::Owned(Box::new(Value::Null)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<ReadOdataType, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq))
            .map(|value| ReadOdataType::Owned(Box::new(value)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ReadOdataType, A::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(map))
            .map(|value| ReadOdataType::Owned(Box::new(value)))
    }
}

/// The key of a property that a type does not model, while it is read.
#[derive(Debug)]
pub struct PropertyKey(Option<String>);

/// An iterator over the entries of an [`AdditionalProperties`], in key order.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    others: std::iter::Peekable<EntriesIter<'a>>,
    odata_type: Option<&'a Value>,
    len: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        let odata_type_first = self.odata_type.is_some() && self.others.peek().is_none_or(|(key, _)| *key > ODATA_TYPE);
        let next =
            if odata_type_first { self.odata_type.take().map(|value| (ODATA_TYPE, value)) } else { self.others.next() };
        if next.is_some() {
            self.len -= 1;
        }
        next
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a AdditionalProperties {
    type Item = (&'a str, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for AdditionalProperties {
    type Item = (String, Value);
    type IntoIter = btree_map::IntoIter<String, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for AdditionalProperties {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(entries: I) -> Self {
        let mut properties = Self::new();
        properties.extend(entries);
        properties
    }
}

impl<K: Into<String>> Extend<(K, Value)> for AdditionalProperties {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, entries: I) {
        for (key, value) in entries {
            self.insert(key, value);
        }
    }
}

impl From<BTreeMap<String, Value>> for AdditionalProperties {
    fn from(map: BTreeMap<String, Value>) -> Self {
        map.into_iter().collect()
    }
}

impl From<AdditionalProperties> for BTreeMap<String, Value> {
    fn from(properties: AdditionalProperties) -> Self {
        properties.into_map()
    }
}

impl PartialEq for AdditionalProperties {
    /// The same entries (however they are stored).
    fn eq(&self, other: &Self) -> bool {
        match (&self.inner, &other.inner) {
            (Some(one), Some(two)) if Arc::ptr_eq(one, two) => return true,
            _ => {}
        }
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for AdditionalProperties {}

impl Index<&str> for AdditionalProperties {
    type Output = Value;

    /// The value of `key`.
    ///
    /// # Panics
    ///
    /// When `key` has no value.
    fn index(&self, key: &str) -> &Value {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no property named {key:?}"),
        }
    }
}

impl fmt::Debug for AdditionalProperties {
    /// Like the `BTreeMap`'s: `{"key": value, ...}` in key order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for AdditionalProperties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for AdditionalProperties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::<String, Value>::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Panicking is how tests fail.
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> AdditionalProperties {
        [
            ("zeta", json!(1)),
            ("@odata.type", json!("#x")),
            ("@odata.etag", json!("e")),
            ("$ref", json!(null)),
            ("@odata.typf", json!(2)),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn behaves_like_a_btree_map() {
        let properties = sample();
        let map: BTreeMap<String, Value> = properties.clone().into();
        assert_eq!(properties.len(), map.len());
        assert!(properties.iter().map(|(k, v)| (k.to_owned(), v.clone())).eq(map.clone()));
        assert!(properties.iter().eq(map.iter().map(|(k, v)| (k.as_str(), v))));
        assert_eq!(properties.iter().len(), 5);
        assert_eq!(format!("{properties:?}"), format!("{map:?}"));
        assert_eq!(format!("{properties:#?}"), format!("{map:#?}"));
        assert_eq!(serde_json::to_string(&properties).unwrap(), serde_json::to_string(&map).unwrap());
        assert_eq!(AdditionalProperties::from(map.clone()), properties);
        assert!(properties.clone().into_iter().eq(map));
        let back: AdditionalProperties = serde_json::from_str(&serde_json::to_string(&properties).unwrap()).unwrap();
        assert_eq!(back, properties);
        assert!(properties.keys().eq(["$ref", "@odata.etag", "@odata.type", "@odata.typf", "zeta"]));
        assert_eq!(properties.values().count(), 5);
    }

    #[test]
    fn odata_type_has_its_own_slot() {
        // One pointer: every object of a payload has one.
        assert_eq!(std::mem::size_of::<AdditionalProperties>(), 8);
        let mut properties = AdditionalProperties::new();
        assert!(properties.is_empty());
        assert_eq!(properties.insert("@odata.type".to_owned(), json!("#a")), None);
        assert_eq!(properties.insert("@odata.type", json!("#b")), Some(json!("#a")));
        assert_eq!(properties.len(), 1);
        assert!(!properties.is_empty());
        assert!(properties.others().is_none());
        assert!(properties.contains_key("@odata.type"));
        assert_eq!(properties["@odata.type"], json!("#b"));
        *properties.get_mut("@odata.type").unwrap() = json!("#c");
        assert_eq!(properties.get("@odata.type"), Some(&json!("#c")));
        assert_eq!(format!("{properties:?}"), r##"{"@odata.type": String("#c")}"##);
        properties.insert("x", json!(1));
        *properties.get_mut("x").unwrap() = json!(2);
        assert_eq!(properties.remove("x"), Some(json!(2)));
        assert_eq!(properties.remove("x"), None);
        assert_eq!(properties.remove("@odata.type"), Some(json!("#c")));
        assert!(properties.is_empty());
        let mut properties = sample();
        properties.clear();
        assert_eq!(properties, AdditionalProperties::default());
    }

    #[test]
    #[should_panic(expected = "no property named \"missing\"")]
    fn index_panics_when_missing() {
        let _ = &sample()["missing"];
    }

    #[test]
    fn reading_from_a_map() {
        struct Reader;
        impl<'de> serde::de::Visitor<'de> for Reader {
            type Value = AdditionalProperties;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AdditionalProperties, A::Error> {
                let mut properties = AdditionalProperties::new();
                while let Some(name) = map.next_key::<String>()? {
                    properties.read(AdditionalProperties::key(&name), &mut map)?;
                }
                Ok(properties)
            }
        }
        let read =
            |text: &str| crate::path::scoped(|| serde_json::Deserializer::from_str(text).deserialize_map(Reader));
        let properties = read(r##"{"@odata.type":"#x","a":[1]}"##).unwrap();
        assert_eq!(properties.get("@odata.type"), Some(&json!("#x")));
        assert_eq!(properties.get("a"), Some(&json!([1])));
        let err = read(r##"{"@odata.type":"#x","@odata.type":"#y"}"##).unwrap_err().to_string();
        assert!(err.starts_with("$['@odata.type']: duplicate property `@odata.type`"), "{err}");
        let err = read(r#"{"a":1,"a":2}"#).unwrap_err().to_string();
        assert!(err.starts_with("$.a: duplicate property `a`"), "{err}");
        // Usual `@odata.type` texts are shared; equal however stored.
        let one = read(r##"{"@odata.type":"#microsoft.graph.x"}"##).unwrap();
        let two = read(r##"{"@odata.type":"#microsoft.graph.x"}"##).unwrap();
        assert!(matches!((&one.inner, &two.inner), (Some(a), Some(b)) if Arc::ptr_eq(a, b)));
        let mut owned = AdditionalProperties::new();
        owned.insert("@odata.type", json!("#microsoft.graph.x"));
        assert_eq!(owned, one);
        let mut changed = one.clone();
        *changed.get_mut("@odata.type").unwrap() = json!("#y");
        assert_eq!(changed["@odata.type"], json!("#y"));
        assert_eq!(one["@odata.type"], json!("#microsoft.graph.x"));
        let odd = read(r##"{"@odata.type":{"a":[1,2.5,null,true]}}"##).unwrap();
        assert_eq!(odd["@odata.type"], json!({"a": [1, 2.5, null, true]}));
    }

    #[test]
    fn many_entries_move_to_a_map_and_keep_their_order() {
        let mut properties = AdditionalProperties::new();
        let keys: Vec<String> = (0..100).map(|i| format!("k{:03}", (i * 37) % 100)).collect();
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(properties.insert(key.clone(), json!(i)), None);
        }
        properties.insert("@odata.type", json!("#t"));
        assert!(matches!(properties.others(), Some(Entries::Large(_))));
        assert_eq!(properties.len(), 101);
        let map: BTreeMap<String, Value> = properties.clone().into();
        assert!(properties.iter().eq(map.iter().map(|(k, v)| (k.as_str(), v))));
        assert_eq!(properties.insert("k050", json!("x")), Some(json!(keys.iter().position(|k| k == "k050").unwrap())));
        assert_eq!(properties.remove("k050"), Some(json!("x")));
        assert_eq!(properties.len(), 100);
    }
}
