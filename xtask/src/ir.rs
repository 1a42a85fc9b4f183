//! The lowered model every emitter reads: each type resolved once into a type space keyed by
//! its id (the Graph name), with every Rust identifier, module file and schema file name
//! decided here, by [`crate::lower`], and nowhere else.
//!
//! Emitters never derive a name; they read it from this model.

use std::collections::BTreeMap;

use crate::spec::model::{HttpMethod, OperationKind, Permissions, Primitive, QueryOption};

/// The id of a type in the type space: its Graph name (`cloudCertificationAuthority`), or for a
/// generated request body type, the operation name followed by `Request`.
pub type TypeId = String;

/// Everything the emitters need.
#[derive(Clone, Debug)]
pub struct Model {
    /// The OData namespace.
    pub namespace: String,
    /// The default service root.
    pub base_url: String,
    /// Every object and enum type, by id.
    pub types: BTreeMap<TypeId, TypeDef>,
    /// The generic response shapes that have public names (`GetAll...Response`), by Rust name.
    pub aliases: BTreeMap<String, Alias>,
    /// Every operation, by name.
    pub operations: BTreeMap<String, OperationDef>,
    /// The generic shapes (`Page<T>`, `SingleEntity<T>`) operations return, each once.
    pub shapes: Vec<Shape>,
}

/// A type of the type space.
#[derive(Clone, Debug)]
pub enum TypeDef {
    /// A struct.
    Object(ObjectDef),
    /// An evolvable enum.
    Enum(EnumDef),
}

impl TypeDef {
    /// The Rust type name.
    pub fn rust_name(&self) -> &str {
        match self {
            TypeDef::Object(object) => &object.rust_name,
            TypeDef::Enum(enum_def) => &enum_def.rust_name,
        }
    }

    /// The module file stem under `src/generated/`.
    pub fn module(&self) -> &str {
        match self {
            TypeDef::Object(object) => &object.module,
            TypeDef::Enum(enum_def) => &enum_def.module,
        }
    }

    /// The Graph name (or, for a request body, `<operation> request body`).
    pub fn graph_name(&self) -> &str {
        match self {
            TypeDef::Object(object) => &object.graph_name,
            TypeDef::Enum(enum_def) => &enum_def.graph_name,
        }
    }
}

/// What an object type is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// An entity type.
    Entity {
        /// Its `@odata.type`.
        odata_type: String,
        /// Its key property (wire name).
        key: String,
    },
    /// A complex type.
    Complex,
    /// The body of an action.
    RequestBody {
        /// The operation name.
        operation: String,
    },
}

/// A struct.
#[derive(Clone, Debug)]
pub struct ObjectDef {
    /// The Rust type name (PascalCase), also the schema file stem.
    pub rust_name: String,
    /// The module file stem under `src/generated/`.
    pub module: String,
    /// The Graph name, for messages (`expected a ... object`).
    pub graph_name: String,
    /// Rustdoc and schema description.
    pub description: String,
    /// Entity, complex type or request body.
    pub kind: ObjectKind,
    /// The modelled properties, in wire order (structural, then navigation).
    pub fields: Vec<FieldDef>,
    /// The fields `new(...)` takes, by index in `fields` (an action body's non-nullable
    /// parameters; nothing for entities and complex types).
    pub constructor: Vec<usize>,
}

/// One modelled property.
#[derive(Clone, Debug)]
pub struct FieldDef {
    /// The JSON property name.
    pub wire_name: String,
    /// The Rust field name (snake_case; `r#` for keywords).
    pub rust_name: String,
    /// The setter, `with_<field>`.
    pub setter: String,
    /// The type of one value.
    pub value: ValueType,
    /// A JSON array of values.
    pub collection: bool,
    /// `Nullable<T>` (null kept apart from absent); otherwise `Option<T>` (null is an error).
    pub nullable: bool,
    /// Nullability is not established by any source (modelled as nullable).
    pub nullability_not_established: bool,
    /// The value is boxed (a single navigation property: cycles allowed).
    pub boxed: bool,
    /// A navigation property.
    pub navigation: bool,
    /// The service ignores it in write bodies.
    pub read_only: bool,
    /// Rustdoc and schema description.
    pub description: String,
}

/// The type of one value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ValueType {
    /// An EDM primitive.
    Primitive(Primitive),
    /// A type of the type space.
    Type(TypeId),
}

/// An evolvable enum.
#[derive(Clone, Debug)]
pub struct EnumDef {
    /// The Rust type name, also the schema file stem.
    pub rust_name: String,
    /// The module file stem.
    pub module: String,
    /// The Graph name.
    pub graph_name: String,
    /// Rustdoc and schema description.
    pub description: String,
    /// Whether the service adds members over time.
    pub evolvable: bool,
    /// Members in wire order.
    pub members: Vec<MemberDef>,
}

/// An enum member.
#[derive(Clone, Debug)]
pub struct MemberDef {
    /// The wire name.
    pub wire_name: String,
    /// The Rust variant name.
    pub rust_name: String,
    /// The numeric value, when published.
    pub value: Option<i32>,
    /// Why the value is not published.
    pub unpublished: Option<String>,
    /// Rustdoc and schema description.
    pub description: String,
}

/// A generic response shape.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shape {
    /// `Page<T>`: a page of a collection.
    Page(TypeId),
    /// `SingleEntity<T>`: one entity or complex value, bare or wrapped.
    Single(TypeId),
    /// `SingleValue<T>`: `{"value": <primitive>}`.
    Value(Primitive),
}

/// The page shape: its annotations, before `value`, as the runtime's `Page<T>` reads them.
pub const PAGE_ANNOTATIONS: [(&str, Primitive, &str); 3] = [
    ("@odata.context", Primitive::String, "The OData context URL of the page, when the service sends it."),
    (
        "@odata.count",
        Primitive::Int64,
        "The total number of items in the collection, when the request asked for `$count=true`.",
    ),
    ("@odata.nextLink", Primitive::String, "The URL of the next page; absent on the last page."),
];

/// A public name for a shape (kept from the first version of the crate, and one per action
/// response: `<action>Response`).
#[derive(Clone, Debug)]
pub struct Alias {
    /// The shape it names.
    pub shape: Shape,
    /// Rustdoc and schema description.
    pub description: String,
}

/// One operation.
#[derive(Clone, Debug)]
pub struct OperationDef {
    /// The operation name (`operationId`).
    pub name: String,
    /// The Rust type name in `operations`.
    pub rust_name: String,
    /// Action or route.
    pub kind: OperationKind,
    /// Rustdoc and OpenAPI description.
    pub description: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// The path template as documented.
    pub path_template: String,
    /// The path, piece by piece.
    pub segments: Vec<Segment>,
    /// Path parameters in template order.
    pub path_parameters: Vec<ParameterDef>,
    /// Accepted query options.
    pub query_options: Vec<QueryOption>,
    /// The JSON body.
    pub body: Option<BodyDef>,
    /// What a 2xx answer is.
    pub response: ResponseDef,
    /// Documented permissions.
    pub permissions: Permissions,
    /// Anything odd about them.
    pub permissions_note: Option<String>,
    /// Whether it may be sent again (`Semantics` in the runtime's `api`).
    pub semantics: SemanticsDef,
}

/// What an operation means for whoever may send it more than once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SemanticsDef {
    /// Reads only.
    ReadOnly,
    /// Sending it twice has the effect of sending it once.
    Idempotent,
    /// A write whose effect the read-only operation `observed_by` shows.
    Write {
        /// The operation name of the read.
        observed_by: String,
        /// What that read shows once the write took effect.
        effect: String,
    },
}

/// A piece of a path.
#[derive(Clone, Debug)]
pub enum Segment {
    /// Literal text.
    Literal(String),
    /// Path parameter `i` (index in `path_parameters`).
    Parameter(usize),
}

/// A path parameter.
#[derive(Clone, Debug)]
pub struct ParameterDef {
    /// The placeholder name.
    pub wire_name: String,
    /// The Rust field name on the operation struct.
    pub rust_name: String,
    /// Description.
    pub description: String,
}

/// A JSON body.
#[derive(Clone, Debug)]
pub struct BodyDef {
    /// The body's type.
    pub type_id: TypeId,
    /// Description.
    pub description: String,
}

/// What a successful answer is.
#[derive(Clone, Debug)]
pub enum ResponseDef {
    /// No content: `()`.
    None {
        /// Description.
        description: String,
    },
    /// A `$count` answer: a bare non-negative integer as `text/plain`, read as `u64`.
    Count {
        /// Description.
        description: String,
    },
    /// A shape.
    Shape {
        /// Which.
        shape: Shape,
        /// Description.
        description: String,
    },
}

/// The Rust field of an operation that holds its body.
pub const BODY_FIELD: &str = "body";

/// The Rust field of an operation that holds its query options.
pub const QUERY_FIELD: &str = "query";

/// The Rust field of every object that keeps unknown properties.
pub const ADDITIONAL_PROPERTIES_FIELD: &str = "additional_properties";

/// The variant of every enum that keeps unknown members.
pub const OTHER_VARIANT: &str = "Other";

/// The Rust names the model crate takes from the runtime or defines itself, at its root; no
/// generated type may take one (compared case-insensitively).
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "AdditionalProperties",
    "Binary",
    "Date",
    "DateTimeOffset",
    "DateTimeParseError",
    "DecodeError",
    "Double",
    "Duration",
    "EdmParseError",
    "ErrorCategory",
    "Guid",
    "ItemError",
    "Lenient",
    "LenientPage",
    "Nullable",
    "Page",
    "PageInfo",
    "PageReader",
    "ParseEnumError",
    "SingleEntity",
    "SingleValue",
    "StreamError",
    "TimeOfDay",
    "UnknownEnumMember",
    "Self",
    // The names `operations.rs` imports (from `crate::api` and `crate::__private`).
    "QueryOptions",
    "operation",
    // The std names every generated file imports (`crate::__private::prelude`).
    "Box",
    "Clone",
    "Debug",
    "Default",
    "Eq",
    "Err",
    "Hash",
    "Into",
    "None",
    "Ok",
    "Option",
    "PartialEq",
    "Result",
    "Some",
    "String",
    "Vec",
];

/// Module files and modules of the model crate that generated types must not take.
pub const RESERVED_MODULES: &[&str] =
    &["mod", "lib", "operations", "registry", "stream", "support", "api", "decode", "edm", "lenient", "page", "single"];

/// Rust names an operation struct must not give a path parameter.
pub const RESERVED_OPERATION_FIELDS: &[&str] = &[BODY_FIELD, QUERY_FIELD];

impl Model {
    /// The object type `id`, if it is one.
    pub fn object(&self, id: &str) -> Option<&ObjectDef> {
        match self.types.get(id) {
            Some(TypeDef::Object(object)) => Some(object),
            _ => None,
        }
    }

    /// The Rust name of type `id`.
    pub fn rust_name(&self, id: &str) -> &str {
        self.types.get(id).map_or("", TypeDef::rust_name)
    }

    /// Every type `id` refers to through its fields, directly or not (not itself), by id.
    pub fn dependencies(&self, id: &str) -> Vec<TypeId> {
        let mut found = std::collections::BTreeSet::new();
        let mut stack = vec![id.to_owned()];
        while let Some(current) = stack.pop() {
            if let Some(object) = self.object(&current) {
                for field in &object.fields {
                    if let ValueType::Type(dep) = &field.value
                        && dep != id
                        && found.insert(dep.clone())
                    {
                        stack.push(dep.clone());
                    }
                }
            }
        }
        found.into_iter().collect()
    }
}

impl Shape {
    /// The Rust type, e.g. `Page<CloudCertificationAuthority>`, as registry names spell it.
    pub fn rust_name(&self, model: &Model) -> String {
        match self {
            Shape::Page(id) => format!("Page<{}>", model.rust_name(id)),
            Shape::Single(id) => format!("SingleEntity<{}>", model.rust_name(id)),
            Shape::Value(primitive) => format!("SingleValue<{}>", primitive_rust_name(*primitive)),
        }
    }

    /// The schema file stem, e.g. `Page_CloudCertificationAuthority`.
    pub fn schema_name(&self, model: &Model) -> String {
        match self {
            Shape::Page(id) => format!("Page_{}", model.rust_name(id)),
            Shape::Single(id) => format!("SingleEntity_{}", model.rust_name(id)),
            Shape::Value(primitive) => format!("SingleValue_{}", primitive_rust_name(*primitive)),
        }
    }
}

/// The Rust spelling of a primitive's value type, short (as in registry names).
pub fn primitive_rust_name(primitive: Primitive) -> &'static str {
    match primitive {
        Primitive::String => "String",
        Primitive::Boolean => "bool",
        Primitive::Int32 => "i32",
        Primitive::Int64 => "i64",
        Primitive::Double => "Double",
        Primitive::Guid => "Guid",
        Primitive::Binary => "Binary",
        Primitive::Date => "Date",
        Primitive::TimeOfDay => "TimeOfDay",
        Primitive::Duration => "Duration",
        Primitive::DateTimeOffset => "DateTimeOffset",
    }
}
