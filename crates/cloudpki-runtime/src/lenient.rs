//! [`Lenient<T>`]: one item that may not be a valid `T`, kept as sent either way, so one odd
//! item never costs the caller the whole page.
//!
//! The typed models are strict: `null` for a property the metadata calls non-nullable, or a
//! wrong type, is an error naming its JSON path. For a single entity that is what a caller wants;
//! for a page of ten thousand certificates it is not. Read the page as
//! [`LenientPage<T>`](crate::LenientPage) (`Page<Lenient<T>>`) instead: every well-formed JSON
//! item is accepted, the valid ones as `T`, the others as [`Lenient::Invalid`] with the error
//! (its path inside the item) and the item's JSON exactly as sent, which is also what is written
//! back. [`Page::into_parts`](crate::Page::into_parts) separates them, with each error's full path
//! (`$.value[3].certificateStatus: ...`). Broken JSON still fails the whole page: there is no page
//! to speak of. [`crate::stream::PageReader`] applies the same rule one item at a time.
//!
//! ```
//! use cloudpki_runtime::{LenientPage, Nullable};
//! use serde_json::json;
//!
//! #[derive(Debug, serde::Deserialize, serde::Serialize)]
//! struct Item { id: String }
//!
//! let text = r#"{"value":[{"id":"a"},{"id":null},{"id":"c"}]}"#;
//! let page: LenientPage<Item> = serde_json::from_str(text).unwrap();
//! assert_eq!(serde_json::to_value(&page).unwrap(), serde_json::from_str::<serde_json::Value>(text).unwrap());
//! let (items, errors) = page.into_parts();
//! assert_eq!(items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["a", "c"]);
//! assert_eq!(errors[0].index, 1);
//! // (the generated models name the property too: `$.value[1].id: invalid type: null, ...`)
//! assert!(errors[0].message.starts_with("$.value[1]"), "{}", errors[0].message);
//! assert_eq!(errors[0].item, json!({"id": null}));
//! # let _ = Nullable::<u8>::Absent;
//! ```

use serde::de::{DeserializeOwned, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Page;

/// An item of a page: a valid `T`, or the JSON that is not one, with why.
#[derive(Clone, Debug, PartialEq)]
pub enum Lenient<T> {
    /// A valid item.
    Valid(T),
    /// An item that is JSON but not a valid `T`, kept as sent.
    Invalid {
        /// The item, exactly as sent (written back as is).
        item: Value,
        /// The error, with the path inside the item (`$.certificateStatus: ...`).
        message: String,
    },
}

impl<T> Lenient<T> {
    /// The valid item, if it is one.
    pub fn valid(&self) -> Option<&T> {
        match self {
            Lenient::Valid(item) => Some(item),
            Lenient::Invalid { .. } => None,
        }
    }

    /// The valid item, or the error.
    ///
    /// # Errors
    ///
    /// The item is not a valid `T`.
    pub fn into_result(self) -> Result<T, (Value, String)> {
        match self {
            Lenient::Valid(item) => Ok(item),
            Lenient::Invalid { item, message } => Err((item, message)),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let item = Value::deserialize(deserializer)?;
        // The item is read again on a path of its own: its error is kept here, with the item's path.
        match crate::path::isolated(|| crate::path::scoped(|| T::deserialize(&item))) {
            Ok(valid) => Ok(Lenient::Valid(valid)),
            Err(error) => {
                let message = error.to_string();
                Ok(Lenient::Invalid { item, message })
            }
        }
    }
}

impl<T: Serialize> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Lenient::Valid(item) => item.serialize(serializer),
            Lenient::Invalid { item, .. } => item.serialize(serializer),
        }
    }
}

/// An item of a page that is not a valid item.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ItemError {
    /// Its index in `value`.
    pub index: usize,
    /// The error with the item's full path: `$.value[3].certificateStatus: ...`.
    pub message: String,
    /// The item, exactly as sent.
    pub item: Value,
}

impl<T> Page<Lenient<T>> {
    /// The valid items, and an error for each other one, in page order.
    pub fn into_parts(self) -> (Vec<T>, Vec<ItemError>) {
        let mut valid = Vec::with_capacity(self.value.len());
        let mut errors = Vec::new();
        for (index, item) in self.value.into_iter().enumerate() {
            match item {
                Lenient::Valid(item) => valid.push(item),
                Lenient::Invalid { item, message } => {
                    let inner = message.strip_prefix('$').unwrap_or(&message);
                    errors.push(ItemError { index, message: format!("$.value[{index}]{inner}"), item });
                }
            }
        }
        (valid, errors)
    }
}
