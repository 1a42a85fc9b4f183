//! The spec file exactly as written: serde-saphyr deserializes YAML into these types, rejecting
//! unknown keys and wrong value types with a location. Every value keeps the place it was
//! written (`Spanned`), so that later checks can point at it.
//!
//! Keys the format requires are still `Option`s here: a missing key is reported by the loader,
//! at the mapping that lacks it and together with every other problem, rather than by serde
//! (which stops at the first one and points at the mapping's last key).

use serde::Deserialize;
use serde_saphyr::Spanned;

/// A string with the place it was written.
pub type Text = Spanned<String>;

/// A mapping (or any value) with the place it starts.
pub type Node<T> = Spanned<T>;

/// One spec file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawSpec {
    /// The OData namespace of every name in the file, e.g. `microsoft.graph` (required).
    pub namespace: Option<Text>,
    /// The service root the action paths are relative to.
    pub base_url: Option<Text>,
    /// Enumerations.
    #[serde(default)]
    pub enums: Vec<Node<RawEnum>>,
    /// Complex types (structured values without a key).
    #[serde(default)]
    pub complex_types: Vec<Node<RawComplexType>>,
    /// Entity types.
    #[serde(default)]
    pub entities: Vec<Node<RawEntity>>,
    /// Operations: plain OData routes and bound actions.
    #[serde(default)]
    pub operations: Vec<Node<RawAction>>,
}

/// An enumeration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawEnum {
    /// The Graph name (required).
    pub name: Option<Text>,
    /// Rustdoc and schema description (required).
    pub description: Option<Text>,
    /// Whether the service adds members over time (Graph "evolvable enums") (required).
    pub evolvable: Option<bool>,
    /// The members, in wire order (required).
    pub members: Option<Vec<Node<RawEnumMember>>>,
}

/// One member of an enumeration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawEnumMember {
    /// The wire name (required).
    pub name: Option<Text>,
    /// The numeric value in the Graph metadata (required unless `unpublished`).
    pub value: Option<Spanned<i64>>,
    /// Why the value is not given: the metadata does not publish it (instead of `value`).
    pub unpublished: Option<Text>,
    /// Rustdoc and schema description (required).
    pub description: Option<Text>,
}

/// An entity type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawEntity {
    /// The Graph name (required).
    pub name: Option<Text>,
    /// Rustdoc and schema description (required).
    pub description: Option<Text>,
    /// The `@odata.type` annotation value, e.g. `#microsoft.graph.x` (required).
    pub odata_type: Option<Text>,
    /// The key property (required).
    pub key: Option<Text>,
    /// The structural properties, in documentation order (required).
    pub properties: Option<Vec<Node<RawProperty>>>,
    /// Navigation properties (present in a payload when expanded, or included by default).
    #[serde(default)]
    pub navigation: Vec<Node<RawNavigation>>,
}

/// A complex type: a structured value without a key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawComplexType {
    /// The Graph name (required).
    pub name: Option<Text>,
    /// Rustdoc and schema description (required).
    pub description: Option<Text>,
    /// The properties, in documentation order (required).
    pub properties: Option<Vec<Node<RawProperty>>>,
}

/// A navigation property of an entity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawNavigation {
    /// The wire name (required).
    pub name: Option<Text>,
    /// An entity of the spec, or `Collection(...)` of one (required).
    #[serde(rename = "type")]
    pub type_name: Option<Text>,
    /// Rustdoc and schema description (required).
    pub description: Option<Text>,
}

/// Whether a property may be `null`: `true`, `false`, or `notEstablished` (modelled as
/// nullable, and documented as not established).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawNullable {
    /// `true` or `false`.
    Known(bool),
    /// `notEstablished`.
    NotEstablished,
    /// Any other text (reported by the loader).
    Invalid,
}

impl<'de> Deserialize<'de> for RawNullable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NullableVisitor;
        impl serde::de::Visitor<'_> for NullableVisitor {
            type Value = RawNullable;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("true, false or notEstablished")
            }
            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<RawNullable, E> {
                Ok(RawNullable::Known(value))
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<RawNullable, E> {
                Ok(if value == "notEstablished" { RawNullable::NotEstablished } else { RawNullable::Invalid })
            }
        }
        deserializer.deserialize_any(NullableVisitor)
    }
}

/// A structural property or an action parameter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawProperty {
    /// The wire name (required).
    pub name: Option<Text>,
    /// An EDM type, a type of this spec, or `Collection(...)` of one (required).
    #[serde(rename = "type")]
    pub type_name: Option<Text>,
    /// Whether `null` is a valid value (required): `true`, `false` or `notEstablished`.
    pub nullable: Option<Spanned<RawNullable>>,
    /// Whether the service ignores the property in write bodies (optional, default `false`).
    pub read_only: Option<bool>,
    /// Rustdoc and schema description (required).
    pub description: Option<Text>,
}

/// An operation: a plain OData route or a bound action.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawAction {
    /// The operation name, the OpenAPI `operationId` (required).
    pub name: Option<Text>,
    /// `action` (a bound OData action) or `route` (a plain OData route) (required).
    pub kind: Option<Spanned<RawOperationKind>>,
    /// Rustdoc and OpenAPI description (required).
    pub description: Option<Text>,
    /// The HTTP method (required).
    pub method: Option<Text>,
    /// The path template below the base URL, with `{parameter}` placeholders (required).
    pub path: Option<Text>,
    /// The parameters of the path template.
    #[serde(default)]
    pub path_parameters: Vec<Node<RawPathParameter>>,
    /// The OData query options the operation accepts (optional).
    #[serde(default)]
    pub query_options: Vec<Text>,
    /// The JSON request body: action parameters, or a type of the spec.
    pub request_body: Option<Node<RawRequestBody>>,
    /// What a successful call returns (required).
    pub response: Option<Node<RawResponse>>,
    /// The documented permissions per permission type (required).
    pub permissions: Option<Node<RawPermissions>>,
    /// Anything odd about the documented permissions, flagged in the generated docs.
    pub permissions_note: Option<Text>,
    /// `readOnly`, `idempotent` or `write` (required).
    pub semantics: Option<Spanned<RawSemantics>>,
    /// For a `write`: the read-only operation that shows whether it took effect (required then).
    pub observed_by: Option<Text>,
    /// For a `write`: what that read shows once it did (required then).
    pub effect: Option<Text>,
}

/// What an operation means for whoever may send it more than once.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum RawSemantics {
    /// Reads only.
    ReadOnly,
    /// Sending it twice has the effect of sending it once.
    Idempotent,
    /// A write whose effect is observed by another operation.
    Write,
}

/// A path template parameter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawPathParameter {
    /// The placeholder name (required).
    pub name: Option<Text>,
    /// Its EDM type (required).
    #[serde(rename = "type")]
    pub type_name: Option<Text>,
    /// Rustdoc and OpenAPI description (required).
    pub description: Option<Text>,
}

/// What an operation is.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum RawOperationKind {
    /// A bound OData action.
    Action,
    /// A plain OData route (list, get, create, update, delete, navigation).
    Route,
}

/// An operation's JSON body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawRequestBody {
    /// Rustdoc and schema description of the body (required).
    pub description: Option<Text>,
    /// The action parameters, which are the body's properties (this or `type`).
    pub parameters: Option<Vec<Node<RawProperty>>>,
    /// An entity or complex type of the spec (this or `parameters`).
    #[serde(rename = "type")]
    pub type_name: Option<Text>,
}

/// What a successful call returns.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawResponse {
    /// One value, a page of a collection, or nothing (required).
    pub kind: Option<Spanned<RawResponseKind>>,
    /// The type returned: an entity, a complex type or an EDM primitive (required unless `none`
    /// or `count`).
    #[serde(rename = "type")]
    pub type_name: Option<Text>,
    /// Rustdoc and schema description of the response type (required).
    pub description: Option<Text>,
}

/// One value, a page of a collection, nothing, or a `$count` integer.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum RawResponseKind {
    /// `{"value": {...}}` in the docs, the bare entity in the SDKs (a primitive: `{"value": 1}`).
    Single,
    /// `{"value": [...], "@odata.nextLink": ...}`.
    Collection,
    /// No content (204).
    None,
    /// `GET .../$count`: a bare integer as `text/plain`.
    Count,
}

/// Permissions per permission type, least to most privileged.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawPermissions {
    /// Delegated (work or school account) (required).
    pub delegated_work: Option<Vec<Text>>,
    /// Delegated (personal Microsoft account); empty means "Not supported." (required).
    pub delegated_personal: Option<Vec<Text>>,
    /// Application (required).
    pub application: Option<Vec<Text>>,
}

impl RawSpec {
    /// Every string value in the file, wherever it is, for checks that apply to all text.
    pub fn texts(&self) -> Vec<&Text> {
        fn property<'a>(out: &mut Vec<&'a Text>, raw: &'a RawProperty) {
            out.extend([&raw.name, &raw.type_name, &raw.description].into_iter().flatten());
        }
        let mut out: Vec<&Text> = Vec::new();
        out.extend([&self.namespace, &self.base_url].into_iter().flatten());
        for raw in &self.enums {
            let raw = &raw.value;
            out.extend([&raw.name, &raw.description].into_iter().flatten());
            for member in raw.members.iter().flatten() {
                out.extend(
                    [&member.value.name, &member.value.description, &member.value.unpublished].into_iter().flatten(),
                );
            }
        }
        for raw in &self.complex_types {
            let raw = &raw.value;
            out.extend([&raw.name, &raw.description].into_iter().flatten());
            for raw in raw.properties.iter().flatten() {
                property(&mut out, &raw.value);
            }
        }
        for raw in &self.entities {
            let raw = &raw.value;
            out.extend([&raw.name, &raw.description, &raw.odata_type, &raw.key].into_iter().flatten());
            for raw in raw.properties.iter().flatten() {
                property(&mut out, &raw.value);
            }
            for raw in &raw.navigation {
                out.extend([&raw.value.name, &raw.value.type_name, &raw.value.description].into_iter().flatten());
            }
        }
        for raw in &self.operations {
            let raw = &raw.value;
            out.extend(
                [
                    &raw.name,
                    &raw.description,
                    &raw.method,
                    &raw.path,
                    &raw.permissions_note,
                    &raw.observed_by,
                    &raw.effect,
                ]
                .into_iter()
                .flatten(),
            );
            for parameter in &raw.path_parameters {
                let parameter = &parameter.value;
                out.extend([&parameter.name, &parameter.type_name, &parameter.description].into_iter().flatten());
            }
            out.extend(raw.query_options.iter());
            if let Some(body) = &raw.request_body {
                out.extend([&body.value.description, &body.value.type_name].into_iter().flatten());
                for raw in body.value.parameters.iter().flatten() {
                    property(&mut out, &raw.value);
                }
            }
            if let Some(response) = &raw.response {
                out.extend([&response.value.type_name, &response.value.description].into_iter().flatten());
            }
            if let Some(permissions) = &raw.permissions {
                let permissions = &permissions.value;
                for list in [&permissions.delegated_work, &permissions.delegated_personal, &permissions.application] {
                    out.extend(list.iter().flatten());
                }
            }
        }
        out
    }
}
