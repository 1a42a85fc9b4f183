//! [`Page<T>`]: one page of an OData collection (`{"value": [...], "@odata.nextLink": ...}`).
//!
//! The page's own properties are the three annotations below and `value`; everything else on
//! the page is kept in `additional_properties`, like on any generated type.

use std::fmt;

use serde::de::{Deserialize, DeserializeOwned, Deserializer, MapAccess};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::AdditionalProperties;
use crate::object::{self, HasAdditionalProperties, Object, PropertyReader, PropertyWriter, Slot};

/// `@odata.context`: the page's context URL.
pub const ODATA_CONTEXT: &str = "@odata.context";
/// `@odata.count`: the size of the whole collection, with `$count=true`.
pub const ODATA_COUNT: &str = "@odata.count";
/// `@odata.nextLink`: the URL of the next page.
pub const ODATA_NEXT_LINK: &str = "@odata.nextLink";
/// `value`: the items.
pub const VALUE: &str = "value";

/// One page of a collection of `T`, lossless: every annotation and unknown property is kept.
///
/// ```
/// use cloudpki_runtime::Page;
///
/// let text = r#"{"@odata.context":"c","value":[1,2],"@odata.nextLink":"https://graph.microsoft.com/beta/next","x":true}"#;
/// let page: Page<u8> = serde_json::from_str(text).unwrap();
/// assert_eq!(page.value, [1, 2]);
/// assert_eq!(page.next_link(), Some("https://graph.microsoft.com/beta/next"));
/// assert_eq!(serde_json::to_value(&page).unwrap(), serde_json::from_str::<serde_json::Value>(text).unwrap());
/// ```
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// `@odata.context`, when the service sends it.
    pub odata_context: Option<String>,
    /// `@odata.count`: the number of items in the whole collection, when the request asked for
    /// `$count=true`.
    pub odata_count: Option<i64>,
    /// `@odata.nextLink`: the URL of the next page; `None` on the last page.
    pub odata_next_link: Option<String>,
    /// The items of this page.
    pub value: Vec<T>,
    /// Every other property and annotation of the page, kept as sent.
    pub additional_properties: AdditionalProperties,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page::new(Vec::new())
    }
}

impl<T: fmt::Debug> fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("odata_context", &self.odata_context)
            .field("odata_count", &self.odata_count)
            .field("odata_next_link", &self.odata_next_link)
            .field("value", &self.value)
            .field("additional_properties", &self.additional_properties)
            .finish()
    }
}

impl<T> Page<T> {
    /// A page of `value` with no annotations (the last page).
    #[must_use]
    pub fn new(value: Vec<T>) -> Self {
        Page {
            odata_context: None,
            odata_count: None,
            odata_next_link: None,
            value,
            additional_properties: AdditionalProperties::new(),
        }
    }

    /// Sets `@odata.nextLink`.
    #[must_use]
    pub fn with_next_link(mut self, link: impl Into<String>) -> Self {
        self.odata_next_link = Some(link.into());
        self
    }

    /// Sets `@odata.count`.
    #[must_use]
    pub fn with_count(mut self, count: i64) -> Self {
        self.odata_count = Some(count);
        self
    }

    /// Sets `@odata.context`.
    #[must_use]
    pub fn with_context(mut self, context: impl Into<String>) -> Self {
        self.odata_context = Some(context.into());
        self
    }

    /// `@odata.nextLink`, absent on the last page.
    #[must_use]
    pub fn next_link(&self) -> Option<&str> {
        self.odata_next_link.as_deref()
    }
}

/// A page as read: `value` may still be missing.
struct PageRepr<T> {
    odata_context: Option<String>,
    odata_count: Option<i64>,
    odata_next_link: Option<String>,
    value: Option<Vec<T>>,
    additional_properties: AdditionalProperties,
}

impl<T> Default for PageRepr<T> {
    fn default() -> Self {
        PageRepr {
            odata_context: None,
            odata_count: None,
            odata_next_link: None,
            value: None,
            additional_properties: AdditionalProperties::new(),
        }
    }
}

/// The page's own properties, in the order they are written.
const PROPERTY_NAMES: &[&str] = &[ODATA_CONTEXT, ODATA_COUNT, ODATA_NEXT_LINK, VALUE];

/// The index of a page property in [`PROPERTY_NAMES`] (also used by [`crate::stream`]).
pub(crate) fn property_index(name: &str) -> Option<usize> {
    PROPERTY_NAMES.iter().position(|known| *known == name)
}

impl<T: DeserializeOwned> Object for PageRepr<T> {
    const GRAPH_NAME: &'static str = "collection page";
    const PROPERTY_NAMES: &'static [&'static str] = PROPERTY_NAMES;

    fn property_index(name: &str) -> Option<usize> {
        property_index(name)
    }

    fn read_property<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        reader: PropertyReader<'_, A>,
    ) -> Result<(), A::Error> {
        match index {
            0 => reader.value(&mut self.odata_context),
            1 => reader.value(&mut self.odata_count),
            2 => reader.value(&mut self.odata_next_link),
            _ => reader.list(&mut self.value),
        }
    }

    fn write_properties<W: PropertyWriter>(&self, writer: &mut W) -> Result<(), W::Error> {
        writer.property(0, &self.odata_context)?;
        writer.property(1, &self.odata_count)?;
        writer.property(2, &self.odata_next_link)
    }

    fn missing_property(&self) -> Option<&'static str> {
        self.value.is_none().then_some(VALUE)
    }
}

impl<T> HasAdditionalProperties for PageRepr<T> {
    fn additional_properties(&self) -> &AdditionalProperties {
        &self.additional_properties
    }

    fn additional_properties_mut(&mut self) -> &mut AdditionalProperties {
        &mut self.additional_properties
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let repr: PageRepr<T> = object::deserialize_object(deserializer)?;
        Ok(Page {
            odata_context: repr.odata_context,
            odata_count: repr.odata_count,
            odata_next_link: repr.odata_next_link,
            value: repr.value.unwrap_or_default(),
            additional_properties: repr.additional_properties,
        })
    }
}

impl<T: Serialize> Serialize for Page<T> {
    /// Annotations first (the page's own, then any other), `value`, then other properties.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let is_known = |name: &str| property_index(name).is_some();
        let others = &self.additional_properties;
        let own = usize::from(self.odata_context.is_some())
            + usize::from(self.odata_count.is_some())
            + usize::from(self.odata_next_link.is_some());
        let mut map = serializer.serialize_map(Some(own + 1 + others.written_len(is_known)))?;
        others.serialize_annotations(&mut map, is_known)?;
        Slot::write(&self.odata_context, ODATA_CONTEXT, &mut map)?;
        Slot::write(&self.odata_count, ODATA_COUNT, &mut map)?;
        Slot::write(&self.odata_next_link, ODATA_NEXT_LINK, &mut map)?;
        map.serialize_entry(VALUE, &self.value)?;
        others.serialize_other_properties(&mut map, is_known)?;
        map.end()
    }
}
