//! The public types the model crate gets, derived from the validated spec: one object type per
//! entity, per action request body and per action response, and one enum per enumeration. Both
//! emitters (Rust and JSON Schema) read this, so they always describe the same types.

use std::collections::BTreeMap;

use crate::names::{pascal_case, rust_identifier, snake_case};
use crate::spec::model::{Primitive, Property, ResponseKind, Spec, TypeRef};

/// Every generated type, keyed by Rust name (ordered: output is deterministic).
#[derive(Clone, Debug)]
pub struct TypeSet {
    /// Structs.
    pub objects: BTreeMap<String, ObjectType>,
    /// Enums.
    pub enums: BTreeMap<String, EnumDef>,
}

/// A JSON object type: an entity, a request body or a response.
#[derive(Clone, Debug)]
pub struct ObjectType {
    /// The Rust type name (PascalCase).
    pub rust_name: String,
    /// What the object is, in Graph terms, for error messages (`expected a ... object`).
    pub graph_name: String,
    /// Rustdoc and schema description.
    pub description: String,
    /// `@odata.type` of an entity.
    pub odata_type: Option<String>,
    /// The known properties, in wire order.
    pub fields: Vec<FieldDef>,
}

/// One known property of an object type.
#[derive(Clone, Debug)]
pub struct FieldDef {
    /// The JSON property name.
    pub wire_name: String,
    /// The Rust field name (snake_case; a raw identifier for keywords).
    pub rust_name: String,
    /// The type of a present, non-null value.
    pub type_ref: TypeRef,
    /// Whether `null` is a value (tri-state `Nullable`); otherwise `null` is an error.
    pub nullable: bool,
    /// Whether the property must be present (response `value`); otherwise it may be absent.
    pub required: bool,
    /// Rustdoc and schema description.
    pub description: String,
}

/// An enumeration.
#[derive(Clone, Debug)]
pub struct EnumDef {
    /// The Rust type name.
    pub rust_name: String,
    /// The Graph name.
    pub graph_name: String,
    /// Rustdoc and schema description.
    pub description: String,
    /// Whether unknown members are expected (they are kept either way).
    pub evolvable: bool,
    /// Members in wire order.
    pub members: Vec<MemberDef>,
}

/// One enumeration member.
#[derive(Clone, Debug)]
pub struct MemberDef {
    /// The wire name.
    pub wire_name: String,
    /// The Rust variant name.
    pub rust_name: String,
    /// The numeric value in the Graph metadata.
    pub value: i32,
    /// Rustdoc and schema description.
    pub description: String,
}

/// The Rust name of a spec type (entity or enum).
pub fn rust_type_name(graph_name: &str) -> String {
    rust_identifier(&pascal_case(graph_name))
}

/// The Rust name of an action's request body type.
pub fn request_type_name(action: &str) -> String {
    rust_type_name(&format!("{action}Request"))
}

/// The Rust name of an action's response type.
pub fn response_type_name(action: &str) -> String {
    rust_type_name(&format!("{action}Response"))
}

/// The Rust field name of a property.
pub fn rust_field_name(wire_name: &str) -> String {
    rust_identifier(&snake_case(wire_name))
}

impl TypeSet {
    /// The types for a validated spec.
    pub fn from_spec(spec: &Spec) -> TypeSet {
        let mut objects = BTreeMap::new();
        let mut enums = BTreeMap::new();
        for enum_type in spec.enums.values() {
            let def = EnumDef {
                rust_name: rust_type_name(&enum_type.name),
                graph_name: enum_type.name.clone(),
                description: enum_type.description.clone(),
                evolvable: enum_type.evolvable,
                members: enum_type
                    .members
                    .iter()
                    .map(|m| MemberDef {
                        wire_name: m.name.clone(),
                        rust_name: rust_identifier(&pascal_case(&m.name)),
                        value: m.value,
                        description: m.description.clone(),
                    })
                    .collect(),
            };
            enums.insert(def.rust_name.clone(), def);
        }
        for entity in spec.entities.values() {
            let object = ObjectType {
                rust_name: rust_type_name(&entity.name),
                graph_name: entity.name.clone(),
                description: entity.description.clone(),
                odata_type: Some(entity.odata_type.clone()),
                fields: entity.properties.iter().map(FieldDef::from_property).collect(),
            };
            objects.insert(object.rust_name.clone(), object);
        }
        for action in spec.actions.values() {
            if let Some(body) = &action.request_body {
                let object = ObjectType {
                    rust_name: request_type_name(&action.name),
                    graph_name: format!("{} request body", action.name),
                    description: body.description.clone(),
                    odata_type: None,
                    fields: body.parameters.iter().map(FieldDef::from_property).collect(),
                };
                objects.insert(object.rust_name.clone(), object);
            }
            let entity = TypeRef::Entity(action.response.entity.clone());
            let fields = match action.response.kind {
                ResponseKind::Single => vec![FieldDef {
                    wire_name: "value".to_owned(),
                    rust_name: "value".to_owned(),
                    type_ref: entity,
                    nullable: false,
                    required: true,
                    description: format!("The `{}` the action returns.", action.response.entity),
                }],
                ResponseKind::Collection => vec![
                    annotation(
                        "@odata.context",
                        "odata_context",
                        Primitive::String,
                        "The OData context URL of the page, when the service sends it.",
                    ),
                    annotation(
                        "@odata.count",
                        "odata_count",
                        Primitive::Int64,
                        "The total number of items in the collection, when the request asked for `$count=true`.",
                    ),
                    annotation(
                        "@odata.nextLink",
                        "odata_next_link",
                        Primitive::String,
                        "The URL of the next page; absent on the last page.",
                    ),
                    FieldDef {
                        wire_name: "value".to_owned(),
                        rust_name: "value".to_owned(),
                        type_ref: TypeRef::Collection(Box::new(entity)),
                        nullable: false,
                        required: true,
                        description: format!("The `{}` items of this page.", action.response.entity),
                    },
                ],
            };
            let object = ObjectType {
                rust_name: response_type_name(&action.name),
                graph_name: format!("{} response", action.name),
                description: action.response.description.clone(),
                odata_type: None,
                fields,
            };
            objects.insert(object.rust_name.clone(), object);
        }
        TypeSet { objects, enums }
    }

    /// The Rust names of the spec types `type_ref` mentions.
    pub fn dependencies(type_ref: &TypeRef) -> Option<String> {
        match type_ref {
            TypeRef::Primitive(_) => None,
            TypeRef::Enum(name) | TypeRef::Entity(name) => Some(rust_type_name(name)),
            TypeRef::Collection(inner) => TypeSet::dependencies(inner),
        }
    }

    /// Every type `rust_name` refers to, directly or not (not itself), in name order.
    pub fn transitive_dependencies(&self, rust_name: &str) -> Vec<String> {
        let mut found = std::collections::BTreeSet::new();
        let mut stack = vec![rust_name.to_owned()];
        while let Some(name) = stack.pop() {
            if let Some(object) = self.objects.get(&name) {
                for field in &object.fields {
                    if let Some(dep) = TypeSet::dependencies(&field.type_ref)
                        && dep != rust_name
                        && found.insert(dep.clone())
                    {
                        stack.push(dep);
                    }
                }
            }
        }
        found.into_iter().collect()
    }
}

impl FieldDef {
    /// The field of an entity property or an action parameter (optional, as `$select` allows).
    fn from_property(property: &Property) -> FieldDef {
        FieldDef {
            wire_name: property.name.clone(),
            rust_name: rust_field_name(&property.name),
            type_ref: property.type_ref.clone(),
            nullable: property.nullable,
            required: false,
            description: property.description.clone(),
        }
    }
}

fn annotation(wire_name: &str, rust_name: &str, primitive: Primitive, description: &str) -> FieldDef {
    FieldDef {
        wire_name: wire_name.to_owned(),
        rust_name: rust_name.to_owned(),
        type_ref: TypeRef::Primitive(primitive),
        nullable: false,
        required: false,
        description: description.to_owned(),
    }
}
