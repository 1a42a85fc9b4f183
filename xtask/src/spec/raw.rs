//! The spec file exactly as written: serde-saphyr deserializes YAML into these types, rejecting
//! unknown keys, wrong value types and missing keys with a location. Values whose meaning is
//! checked later keep their location (`Spanned`) so that checks can point at them.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// A string with the place it was written.
pub type Text = Spanned<String>;

/// One spec file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawSpec {
    /// The OData namespace of every name in the file, e.g. `microsoft.graph`.
    pub namespace: Text,
    /// The service root the action paths are relative to.
    pub base_url: Option<Text>,
    /// Enumerations.
    #[serde(default)]
    pub enums: Vec<RawEnum>,
    /// Entity types.
    #[serde(default)]
    pub entities: Vec<RawEntity>,
    /// Bound actions.
    #[serde(default)]
    pub actions: Vec<RawAction>,
}

/// An enumeration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawEnum {
    /// The Graph name.
    pub name: Text,
    /// Rustdoc and schema description.
    pub description: Text,
    /// Whether the service adds members over time (Graph "evolvable enums").
    pub evolvable: bool,
    /// The members, in wire order.
    pub members: Vec<RawEnumMember>,
}

/// One member of an enumeration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawEnumMember {
    /// The wire name.
    pub name: Text,
    /// The numeric value in the Graph metadata.
    pub value: Spanned<i64>,
    /// Rustdoc and schema description.
    pub description: Text,
}

/// An entity type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawEntity {
    /// The Graph name.
    pub name: Text,
    /// Rustdoc and schema description.
    pub description: Text,
    /// The `@odata.type` annotation value, e.g. `#microsoft.graph.x`.
    pub odata_type: Text,
    /// The key property.
    pub key: Text,
    /// The structural properties, in documentation order.
    pub properties: Vec<RawProperty>,
}

/// A structural property or an action parameter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawProperty {
    /// The wire name.
    pub name: Text,
    /// An EDM type, a type of this spec, or `Collection(...)` of one.
    #[serde(rename = "type")]
    pub type_name: Text,
    /// Whether `null` is a valid value.
    pub nullable: bool,
    /// Rustdoc and schema description.
    pub description: Text,
}

/// A bound action.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawAction {
    /// The Graph name.
    pub name: Text,
    /// Rustdoc and OpenAPI description.
    pub description: Text,
    /// The HTTP method.
    pub method: Text,
    /// The path template below the base URL, with `{parameter}` placeholders.
    pub path: Text,
    /// The parameters of the path template.
    #[serde(default)]
    pub path_parameters: Vec<RawPathParameter>,
    /// The JSON request body, for actions with parameters.
    pub request_body: Option<RawRequestBody>,
    /// What a successful call returns.
    pub response: RawResponse,
    /// The documented permissions per permission type.
    pub permissions: RawPermissions,
    /// Anything odd about the documented permissions, flagged in the generated docs.
    pub permissions_note: Option<Text>,
}

/// A path template parameter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawPathParameter {
    /// The placeholder name.
    pub name: Text,
    /// Its EDM type.
    #[serde(rename = "type")]
    pub type_name: Text,
    /// Rustdoc and OpenAPI description.
    pub description: Text,
}

/// An action's JSON body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawRequestBody {
    /// Rustdoc and schema description of the body type.
    pub description: Text,
    /// The action parameters, which are the body's properties.
    pub parameters: Vec<RawProperty>,
}

/// What a successful call returns.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawResponse {
    /// One entity or a page of a collection.
    pub kind: Spanned<RawResponseKind>,
    /// The entity type returned.
    #[serde(rename = "type")]
    pub type_name: Text,
    /// Rustdoc and schema description of the response type.
    pub description: Text,
}

/// One entity or a page of a collection.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum RawResponseKind {
    /// `{"value": {...}}` in the docs, the bare entity in the SDKs.
    Single,
    /// `{"value": [...], "@odata.nextLink": ...}`.
    Collection,
}

/// Permissions per permission type, least to most privileged.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawPermissions {
    /// Delegated (work or school account).
    pub delegated_work: Vec<Text>,
    /// Delegated (personal Microsoft account); empty means "Not supported."
    pub delegated_personal: Vec<Text>,
    /// Application.
    pub application: Vec<Text>,
}
