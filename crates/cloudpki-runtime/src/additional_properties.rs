//! [`AdditionalProperties`]: the properties and annotations a type does not model, kept as sent.
//!
//! It is a map from property name to [`serde_json::Value`], iterated in key order, like the
//! `BTreeMap<String, Value>` it replaces, with the same methods for everyday use (`get`,
//! `insert`, `remove`, `iter`, ...) and conversions from and to that `BTreeMap`.
//!
//! The one difference is the cost of `@odata.type`. The service sends that annotation on every
//! item of a page, and almost never anything else unknown. A `BTreeMap` allocates a whole node
//! (more than 600 bytes) for its first entry, plus the key; here `@odata.type` has a slot of its
//! own, so a certificate that carries only `@odata.type` costs the value's string and nothing
//! else: about a third less heap for a parsed page, and faster parsing (see BENCHMARKS.md).

use std::collections::{BTreeMap, btree_map};
use std::fmt;
use std::ops::{Bound, Index};

use serde::de::{Deserialize, Deserializer, MapAccess};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// The annotation with a slot of its own.
const ODATA_TYPE: &str = "@odata.type";

/// The keys below `@odata.type` in key order.
type Below<'a> = (Bound<&'a str>, Bound<&'a str>);

/// Properties and annotations a type does not model, kept as sent: a map from name to
/// [`Value`], iterated in key order.
///
/// Behaves like a `BTreeMap<String, Value>` (and converts from and to one), but keeps
/// `@odata.type`, which the service sends on every item, without allocating a map node for it.
///
/// ```
/// use cloudpki_runtime::AdditionalProperties;
/// use serde_json::json;
///
/// let mut properties = AdditionalProperties::new();
/// properties.insert("zeta", json!(1));
/// properties.insert("@odata.type", json!("#microsoft.graph.cloudCertificationAuthorityLeafCertificate"));
/// properties.insert("@odata.etag", json!("W/\"1\""));
/// assert_eq!(properties.len(), 3);
/// assert_eq!(properties["zeta"], json!(1));
/// let keys: Vec<&str> = properties.keys().collect();
/// assert_eq!(keys, ["@odata.etag", "@odata.type", "zeta"]);
/// assert_eq!(properties.remove("@odata.type"), Some(json!("#microsoft.graph.cloudCertificationAuthorityLeafCertificate")));
/// assert!(properties.get("@odata.type").is_none());
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AdditionalProperties {
    /// The value of `@odata.type`, if present.
    odata_type: Option<Value>,
    /// Every other entry (never `@odata.type`).
    others: BTreeMap<String, Value>,
}

impl AdditionalProperties {
    /// An empty map (allocates nothing).
    #[must_use]
    pub const fn new() -> Self {
        Self { odata_type: None, others: BTreeMap::new() }
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.others.len() + usize::from(self.odata_type.is_some())
    }

    /// Whether there are no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.odata_type.is_none() && self.others.is_empty()
    }

    /// The value of `key`, if present.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        if key == ODATA_TYPE { self.odata_type.as_ref() } else { self.others.get(key) }
    }

    /// The value of `key`, if present, for changing it in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        if key == ODATA_TYPE { self.odata_type.as_mut() } else { self.others.get_mut(key) }
    }

    /// Whether `key` is present.
    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`, returning the value it had.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        if key == ODATA_TYPE { self.odata_type.replace(value) } else { self.others.insert(key, value) }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        if key == ODATA_TYPE { self.odata_type.take() } else { self.others.remove(key) }
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.odata_type = None;
        self.others.clear();
    }

    /// The entries, in key order.
    #[must_use]
    pub fn iter(&self) -> Iter<'_> {
        let below: Below<'_> = (Bound::Unbounded, Bound::Excluded(ODATA_TYPE));
        let above: Below<'_> = (Bound::Excluded(ODATA_TYPE), Bound::Unbounded);
        Iter {
            below: self.others.range::<str, _>(below),
            odata_type: self.odata_type.as_ref(),
            above: self.others.range::<str, _>(above),
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
        let mut map = self.others;
        if let Some(value) = self.odata_type {
            map.insert(ODATA_TYPE.to_owned(), value);
        }
        map
    }

    /// The key of a property the containing type does not model.
    #[must_use]
    pub(crate) fn key(name: &str) -> PropertyKey {
        if name == ODATA_TYPE { PropertyKey(None) } else { PropertyKey(Some(name.to_owned())) }
    }

    /// Reads the value of `key` from `map` and keeps it. A key that is
    /// already present is an error (``$.key: duplicate property `key` ``), and so is a value
    /// that is not JSON (prefixed with the key's path).
    pub(crate) fn read<'de, A: MapAccess<'de>>(&mut self, key: PropertyKey, map: &mut A) -> Result<(), A::Error> {
        match key.0 {
            None => {
                if self.odata_type.is_some() {
                    return Err(crate::path::duplicate_key(ODATA_TYPE));
                }
                let value = map.next_value::<Value>().map_err(|error| crate::path::with_key(error, ODATA_TYPE))?;
                self.odata_type = Some(value);
            }
            Some(name) => match self.others.entry(name) {
                btree_map::Entry::Occupied(entry) => return Err(crate::path::duplicate_key(entry.key())),
                btree_map::Entry::Vacant(entry) => {
                    let value = map.next_value::<Value>().map_err(|error| crate::path::with_key(error, entry.key()))?;
                    entry.insert(value);
                }
            },
        }
        Ok(())
    }
    /// How many entries the containing type writes (those whose key is
    /// not one of its modelled properties, which `is_known` tells).
    #[must_use]
    #[inline]
    pub(crate) fn written_len(&self, is_known: impl Fn(&str) -> bool) -> usize {
        self.keys().filter(|key| !is_known(key)).count()
    }

    /// Writes the annotations (keys starting with `@`) that are not
    /// modelled properties; the containing type writes them before its own properties.
    #[inline]
    pub(crate) fn serialize_annotations<M: SerializeMap>(
        &self,
        map: &mut M,
        is_known: impl Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        self.serialize_group(map, true, is_known)
    }

    /// Writes the other entries that are not modelled properties; the
    /// containing type writes them after its own properties.
    #[inline]
    pub(crate) fn serialize_other_properties<M: SerializeMap>(
        &self,
        map: &mut M,
        is_known: impl Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        self.serialize_group(map, false, is_known)
    }

    fn serialize_group<M: SerializeMap>(
        &self,
        map: &mut M,
        annotations: bool,
        is_known: impl Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        for (key, value) in self {
            if key.starts_with('@') == annotations && !is_known(key) {
                map.serialize_entry(key, value)?;
            }
        }
        Ok(())
    }
}

/// The name of a property a type does not model, as read from the wire (`@odata.type` without
/// allocating).
#[derive(Debug)]
pub struct PropertyKey(Option<String>);

/// The entries of an [`AdditionalProperties`], in key order.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    /// Entries whose key sorts before `@odata.type`.
    below: btree_map::Range<'a, String, Value>,
    /// `@odata.type`, until it is yielded.
    odata_type: Option<&'a Value>,
    /// Entries whose key sorts after `@odata.type`.
    above: btree_map::Range<'a, String, Value>,
    /// Entries not yet yielded.
    len: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        let next = match self.below.next() {
            Some((key, value)) => Some((key.as_str(), value)),
            None => match self.odata_type.take() {
                Some(value) => Some((ODATA_TYPE, value)),
                None => self.above.next().map(|(key, value)| (key.as_str(), value)),
            },
        };
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

    /// The entries, in key order.
    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for AdditionalProperties {
    /// Later entries replace earlier ones with the same key.
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(entries: I) -> Self {
        let mut properties = Self::new();
        properties.extend(entries);
        properties
    }
}

impl<K: Into<String>> Extend<(K, Value)> for AdditionalProperties {
    /// Later entries replace earlier ones with the same key.
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, entries: I) {
        for (key, value) in entries {
            self.insert(key, value);
        }
    }
}

impl From<BTreeMap<String, Value>> for AdditionalProperties {
    fn from(mut map: BTreeMap<String, Value>) -> Self {
        let odata_type = map.remove(ODATA_TYPE);
        Self { odata_type, others: map }
    }
}

impl From<AdditionalProperties> for BTreeMap<String, Value> {
    fn from(properties: AdditionalProperties) -> Self {
        properties.into_map()
    }
}

impl Index<&str> for AdditionalProperties {
    type Output = Value;

    /// The value of `key`.
    ///
    /// # Panics
    ///
    /// When `key` is not present (like `BTreeMap`); use [`get`](AdditionalProperties::get)
    /// otherwise.
    fn index(&self, key: &str) -> &Value {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no property named {key:?}"),
        }
    }
}

impl fmt::Debug for AdditionalProperties {
    /// Like a `BTreeMap<String, Value>`: `{"@odata.type": String("...")}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for AdditionalProperties {
    /// A JSON object, in key order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for AdditionalProperties {
    /// A JSON object (like `BTreeMap`, a repeated key keeps its last value).
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
        let mut properties = AdditionalProperties::new();
        assert!(properties.is_empty());
        assert_eq!(properties.insert("@odata.type".to_owned(), json!("#a")), None);
        assert_eq!(properties.insert("@odata.type", json!("#b")), Some(json!("#a")));
        assert_eq!(properties.len(), 1);
        assert!(!properties.is_empty());
        assert!(properties.others.is_empty());
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
        let read = |text: &str| serde_json::Deserializer::from_str(text).deserialize_map(Reader);
        let properties = read(r##"{"@odata.type":"#x","a":[1]}"##).unwrap();
        assert_eq!(properties.get("@odata.type"), Some(&json!("#x")));
        assert_eq!(properties.get("a"), Some(&json!([1])));
        let err = read(r##"{"@odata.type":"#x","@odata.type":"#y"}"##).unwrap_err().to_string();
        assert!(err.starts_with("$['@odata.type']: duplicate property `@odata.type`"), "{err}");
        let err = read(r#"{"a":1,"a":2}"#).unwrap_err().to_string();
        assert!(err.starts_with("$.a: duplicate property `a`"), "{err}");
    }
}
