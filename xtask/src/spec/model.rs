//! The validated spec: every name is a valid, unique Graph identifier, every type reference
//! resolves, every path parameter is declared and used. Emitters read only this.

use std::collections::BTreeMap;

/// Everything the spec files describe, keyed by Graph name (ordered, so output is deterministic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The OData namespace, e.g. `microsoft.graph`.
    pub namespace: String,
    /// The default service root, e.g. `https://graph.microsoft.com/beta`.
    pub base_url: String,
    /// Enumerations by name.
    pub enums: BTreeMap<String, EnumType>,
    /// Entity types by name.
    pub entities: BTreeMap<String, Entity>,
    /// Bound actions by name.
    pub actions: BTreeMap<String, Action>,
}

/// An enumeration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumType {
    /// The Graph name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Whether the service adds members over time.
    pub evolvable: bool,
    /// Members in wire order.
    pub members: Vec<EnumMember>,
}

/// One enumeration member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumMember {
    /// The wire name.
    pub name: String,
    /// The numeric value in the Graph metadata.
    pub value: i32,
    /// Description.
    pub description: String,
}

/// An entity type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// The Graph name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The `@odata.type` value.
    pub odata_type: String,
    /// The key property name.
    pub key: String,
    /// Properties in documentation order.
    pub properties: Vec<Property>,
}

/// A structural property or an action parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// The wire name.
    pub name: String,
    /// The type.
    pub type_ref: TypeRef,
    /// Whether `null` is a valid value.
    pub nullable: bool,
    /// Description.
    pub description: String,
}

/// A resolved type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeRef {
    /// An EDM primitive.
    Primitive(Primitive),
    /// An enumeration of this spec, by Graph name.
    Enum(String),
    /// An entity type of this spec, by Graph name.
    Entity(String),
    /// `Collection(...)`.
    Collection(Box<TypeRef>),
}

/// The EDM primitives the model supports losslessly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Primitive {
    /// `Edm.String`.
    String,
    /// `Edm.Boolean`.
    Boolean,
    /// `Edm.Int32`.
    Int32,
    /// `Edm.Int64`.
    Int64,
    /// `Edm.DateTimeOffset`, kept as the exact text.
    DateTimeOffset,
}

impl Primitive {
    /// Every supported primitive with its EDM name.
    pub const ALL: [(&'static str, Primitive); 5] = [
        ("Edm.String", Primitive::String),
        ("Edm.Boolean", Primitive::Boolean),
        ("Edm.Int32", Primitive::Int32),
        ("Edm.Int64", Primitive::Int64),
        ("Edm.DateTimeOffset", Primitive::DateTimeOffset),
    ];

    /// The EDM name.
    pub fn edm_name(self) -> &'static str {
        Primitive::ALL.iter().find(|(_, p)| *p == self).map_or("Edm.String", |(name, _)| name)
    }
}

/// A bound action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// The Graph name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The HTTP method, upper case.
    pub method: HttpMethod,
    /// The path template as written, e.g. `/a/{id}/b`.
    pub path: String,
    /// The template split into literal segments and parameters.
    pub path_segments: Vec<PathSegment>,
    /// The declared path parameters, in template order.
    pub path_parameters: Vec<PathParameter>,
    /// The JSON body, if the action takes parameters.
    pub request_body: Option<RequestBody>,
    /// What a successful call returns.
    pub response: Response,
    /// Documented permissions.
    pub permissions: Permissions,
    /// Anything odd about the documented permissions.
    pub permissions_note: Option<String>,
}

/// HTTP methods an action can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl HttpMethod {
    /// Every method with its name.
    pub const ALL: [(&'static str, HttpMethod); 5] = [
        ("GET", HttpMethod::Get),
        ("POST", HttpMethod::Post),
        ("PUT", HttpMethod::Put),
        ("PATCH", HttpMethod::Patch),
        ("DELETE", HttpMethod::Delete),
    ];

    /// The upper-case name.
    pub fn as_str(self) -> &'static str {
        HttpMethod::ALL.iter().find(|(_, m)| *m == self).map_or("GET", |(name, _)| name)
    }
}

/// A piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// Literal text (already a valid path fragment).
    Literal(String),
    /// A `{parameter}` placeholder: one percent-encoded path segment.
    Parameter(String),
}

/// A path template parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathParameter {
    /// The placeholder name.
    pub name: String,
    /// Its type (only `Edm.String` today).
    pub type_ref: TypeRef,
    /// Description.
    pub description: String,
}

/// An action's JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestBody {
    /// Description of the body type.
    pub description: String,
    /// The parameters, which are the body's properties.
    pub parameters: Vec<Property>,
}

/// What a successful call returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// One entity or a page.
    pub kind: ResponseKind,
    /// The entity type, by Graph name.
    pub entity: String,
    /// Description of the response type.
    pub description: String,
}

/// One entity or a page of a collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseKind {
    /// One entity, documented as `{"value": {...}}`.
    Single,
    /// A page: `value`, `@odata.nextLink`, `@odata.count`, `@odata.context`.
    Collection,
}

/// Documented permissions per permission type, least to most privileged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Permissions {
    /// Delegated (work or school account).
    pub delegated_work: Vec<String>,
    /// Delegated (personal Microsoft account); empty means not supported.
    pub delegated_personal: Vec<String>,
    /// Application.
    pub application: Vec<String>,
}
