//! The checked spec, in Graph terms: every name is a valid, unique Graph identifier, every type
//! reference resolves, every path parameter is declared and used. Nothing here knows Rust:
//! [`crate::lower`] turns this into the IR the emitters read, resolving every Rust name there.
//! Each named item keeps where it was written ([`Loc`]), so that the lowering can report a
//! collision at its place.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostics::Position;

/// Where an item was written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loc {
    /// The spec file.
    pub file: PathBuf,
    /// The position of the item's name.
    pub position: Position,
}

/// Everything the spec files describe, keyed by Graph name (ordered, so output is deterministic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The OData namespace, e.g. `microsoft.graph`.
    pub namespace: String,
    /// The default service root, e.g. `https://graph.microsoft.com/beta`.
    pub base_url: String,
    /// Enumerations by name.
    pub enums: BTreeMap<String, EnumType>,
    /// Complex types by name.
    pub complex_types: BTreeMap<String, ComplexType>,
    /// Entity types by name.
    pub entities: BTreeMap<String, Entity>,
    /// Operations by name.
    pub operations: BTreeMap<String, Operation>,
}

/// An enumeration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumType {
    /// The Graph name.
    pub name: String,
    /// Where.
    pub at: Loc,
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
    /// Where.
    pub at: Loc,
    /// The numeric value in the Graph metadata, or why it is not known.
    pub value: MemberValue,
    /// Description.
    pub description: String,
}

/// A member's numeric value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemberValue {
    /// Published in the metadata.
    Published(i32),
    /// Not published; the note says so.
    Unpublished(String),
}

/// A complex type (no key, no `@odata.type` of its own required).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComplexType {
    /// The Graph name.
    pub name: String,
    /// Where.
    pub at: Loc,
    /// Description.
    pub description: String,
    /// Properties in documentation order.
    pub properties: Vec<Property>,
}

/// An entity type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// The Graph name.
    pub name: String,
    /// Where.
    pub at: Loc,
    /// Description.
    pub description: String,
    /// The `@odata.type` value.
    pub odata_type: String,
    /// The key property name.
    pub key: String,
    /// Structural properties in documentation order.
    pub properties: Vec<Property>,
    /// Navigation properties in documentation order.
    pub navigation: Vec<Navigation>,
}

/// Whether a property may be `null`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nullability {
    /// `null` is an error.
    NotNullable,
    /// `null` is a value.
    Nullable,
    /// Not established by any source: modelled as nullable, and documented so.
    NotEstablished,
}

impl Nullability {
    /// Whether `null` is accepted.
    pub fn accepts_null(self) -> bool {
        self != Nullability::NotNullable
    }
}

/// A structural property or an action parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// The wire name.
    pub name: String,
    /// Where.
    pub at: Loc,
    /// The type.
    pub type_ref: TypeRef,
    /// Whether `null` is a valid value.
    pub nullability: Nullability,
    /// Whether the service ignores it in write bodies.
    pub read_only: bool,
    /// Description.
    pub description: String,
}

/// A navigation property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Navigation {
    /// The wire name.
    pub name: String,
    /// Where.
    pub at: Loc,
    /// The target entity.
    pub target: String,
    /// Whether it is a collection.
    pub collection: bool,
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
    /// A complex type of this spec, by Graph name.
    Complex(String),
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
    /// `Edm.Double` (a number, or `"NaN"`, `"INF"`, `"-INF"`).
    Double,
    /// `Edm.Guid`.
    Guid,
    /// `Edm.Binary` (base64).
    Binary,
    /// `Edm.Date`.
    Date,
    /// `Edm.TimeOfDay`.
    TimeOfDay,
    /// `Edm.Duration`.
    Duration,
    /// `Edm.DateTimeOffset`, kept as the exact text.
    DateTimeOffset,
}

impl Primitive {
    /// Every supported primitive with its EDM name.
    pub const ALL: [(&'static str, Primitive); 11] = [
        ("Edm.String", Primitive::String),
        ("Edm.Boolean", Primitive::Boolean),
        ("Edm.Int32", Primitive::Int32),
        ("Edm.Int64", Primitive::Int64),
        ("Edm.Double", Primitive::Double),
        ("Edm.Guid", Primitive::Guid),
        ("Edm.Binary", Primitive::Binary),
        ("Edm.Date", Primitive::Date),
        ("Edm.TimeOfDay", Primitive::TimeOfDay),
        ("Edm.Duration", Primitive::Duration),
        ("Edm.DateTimeOffset", Primitive::DateTimeOffset),
    ];

    /// The EDM name.
    pub fn edm_name(self) -> &'static str {
        Primitive::ALL.iter().find(|(_, p)| *p == self).map_or("Edm.String", |(name, _)| name)
    }
}

/// What an operation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationKind {
    /// A bound OData action (`<name>Request` body type, `<name>Response` alias).
    Action,
    /// A plain OData route.
    Route,
}

/// An operation: a plain route or a bound action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The name (OpenAPI `operationId`).
    pub name: String,
    /// Where.
    pub at: Loc,
    /// Action or route.
    pub kind: OperationKind,
    /// Description.
    pub description: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template as written, e.g. `/a/{id}/b`.
    pub path: String,
    /// The template split into literal segments and parameters.
    pub path_segments: Vec<PathSegment>,
    /// The declared path parameters, in template order.
    pub path_parameters: Vec<PathParameter>,
    /// The query options it accepts, in the order of [`QueryOption::ALL`].
    pub query_options: Vec<QueryOption>,
    /// The JSON body, if any.
    pub request_body: Option<RequestBody>,
    /// What a successful call returns.
    pub response: Response,
    /// Documented permissions.
    pub permissions: Permissions,
    /// Anything odd about the documented permissions.
    pub permissions_note: Option<String>,
    /// Whether it may be sent again.
    pub semantics: Semantics,
}

/// What an operation means for whoever may send it more than once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Semantics {
    /// Reads only.
    ReadOnly,
    /// Sending it twice has the effect of sending it once.
    Idempotent,
    /// A write whose effect the read-only operation `observed_by` shows.
    Write {
        /// The operation name of the read.
        observed_by: String,
        /// Where `observedBy` is written.
        at: Loc,
        /// What the read shows once the write took effect.
        effect: String,
    },
}

/// An OData system query option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum QueryOption {
    /// `$select`
    Select,
    /// `$expand`
    Expand,
    /// `$filter`
    Filter,
    /// `$top`
    Top,
    /// `$skip`
    Skip,
    /// `$orderby`
    Orderby,
    /// `$search`
    Search,
    /// `$count` (with `ConsistencyLevel: eventual`)
    Count,
}

impl QueryOption {
    /// Every option with its spec name (as written in the URL, without `$`).
    pub const ALL: [(&'static str, QueryOption); 8] = [
        ("select", QueryOption::Select),
        ("expand", QueryOption::Expand),
        ("filter", QueryOption::Filter),
        ("top", QueryOption::Top),
        ("skip", QueryOption::Skip),
        ("orderby", QueryOption::Orderby),
        ("search", QueryOption::Search),
        ("count", QueryOption::Count),
    ];

    /// The spec name.
    pub fn name(self) -> &'static str {
        QueryOption::ALL.iter().find(|(_, o)| *o == self).map_or("select", |(name, _)| name)
    }
}

/// HTTP methods an operation can use.
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
    /// Where.
    pub at: Loc,
    /// Description.
    pub description: String,
}

/// An operation's JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestBody {
    /// Action parameters: the generator makes a `<name>Request` type of them.
    Parameters {
        /// Description of the body type.
        description: String,
        /// The parameters, which are the body's properties.
        parameters: Vec<Property>,
    },
    /// A type of the spec (an entity for create and update).
    Type {
        /// Description of the body.
        description: String,
        /// The entity or complex type.
        type_ref: TypeRef,
    },
}

/// What a successful call returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// One value, a page, or nothing.
    pub kind: ResponseKind,
    /// The type (an entity, complex type or primitive); `None` for no content.
    pub type_ref: Option<TypeRef>,
    /// Description of the response.
    pub description: String,
}

/// One value, a page of a collection, or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseKind {
    /// One value, documented as `{"value": ...}`.
    Single,
    /// A page: `value`, `@odata.nextLink`, `@odata.count`, `@odata.context`.
    Collection,
    /// No content.
    None,
    /// A `$count` answer: a bare non-negative integer as `text/plain`.
    Count,
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
