//! The one lowering pass: checked spec → [`crate::ir::Model`]. Every Rust identifier, module file and
//! schema file name is decided here, and every collision is reported at the `file:line:col` of
//! the item that would take a name already taken: after case folding and snake_case or
//! PascalCase conversion, and against the names the runtime and the model crate reserve.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::ir::{
    ADDITIONAL_PROPERTIES_FIELD, Alias, BodyDef, EnumDef, FieldDef, MemberDef, Model, OTHER_VARIANT, ObjectDef,
    ObjectKind, OperationDef, ParameterDef, RESERVED_MODULES, RESERVED_OPERATION_FIELDS, RESERVED_TYPE_NAMES,
    ResponseDef, Segment, SemanticsDef, Shape, TypeDef, ValueType,
};
use crate::names::{pascal_case, rust_identifier, snake_case};
use crate::spec::model::{
    Loc, MemberValue, Nullability, OperationKind, PathSegment, Property, RequestBody, ResponseKind, Semantics, Spec,
    TypeRef,
};

/// Lowers `spec`, or reports every naming problem.
pub fn lower(spec: &Spec) -> Result<Model, Vec<Diagnostic>> {
    let mut lowering = Lowering::default();
    let model = lowering.model(spec);
    if lowering.diagnostics.is_empty() {
        Ok(model)
    } else {
        lowering.diagnostics.sort();
        lowering.diagnostics.dedup();
        Err(lowering.diagnostics)
    }
}

/// A name taken in one namespace: what took it (its name as taken), and where (`None`: the
/// runtime or the model crate reserves it).
struct Taken {
    what: String,
    name: String,
    at: Option<Loc>,
}

/// Names in one namespace, compared case-insensitively.
#[derive(Default)]
struct Namespace {
    taken: BTreeMap<String, Taken>,
}

impl Namespace {
    /// `name`, reserved by `what`.
    fn reserve(&mut self, name: &str, what: &str) {
        let key = name.to_ascii_lowercase();
        self.taken.insert(key, Taken { what: what.to_owned(), name: name.to_owned(), at: None });
    }
}

#[derive(Default)]
struct Lowering {
    diagnostics: Vec<Diagnostic>,
    /// Rust type names at the model crate's root.
    type_names: Namespace,
    /// Module files under `src/generated/`.
    modules: Namespace,
    /// Schema file stems under `schema/`.
    schema_files: Namespace,
}

impl Lowering {
    fn error(&mut self, at: &Loc, message: String) {
        self.diagnostics.push(Diagnostic::new(&at.file, at.position, message));
    }

    fn take(&mut self, namespace: &mut Namespace, name: &str, what: &str, kind: &str, at: &Loc) -> bool {
        take(&mut self.diagnostics, namespace, name, what, kind, at)
    }

    /// Takes the type, module and schema file names of a type of the model crate.
    fn declare(&mut self, graph_name: &str, what: &str, at: &Loc) -> Option<(String, String)> {
        let rust_name = rust_identifier(&pascal_case(graph_name));
        // The module file is named as rustc looks it up: `r#type` in `type.rs`, but `self_` (a
        // keyword no raw identifier can spell) in `self_.rs`.
        let module = rust_identifier(&snake_case(graph_name)).trim_start_matches("r#").to_owned();
        let diagnostics = &mut self.diagnostics;
        let type_ok = take(diagnostics, &mut self.type_names, &rust_name, what, "Rust type", at);
        let module_ok = take(diagnostics, &mut self.modules, &module, what, "generated module", at);
        let schema_ok = take(diagnostics, &mut self.schema_files, &rust_name, what, "schema file stem", at);
        (type_ok && module_ok && schema_ok).then_some((rust_name, module))
    }

    fn model(&mut self, spec: &Spec) -> Model {
        for name in RESERVED_TYPE_NAMES {
            self.type_names.reserve(name, &format!("the type the model crate takes from its runtime, `{name}`,"));
        }
        for name in RESERVED_MODULES {
            self.modules.reserve(name, &format!("the model crate's own module `{name}`"));
        }
        self.schema_files.reserve("openapi", "the OpenAPI document `openapi.json`");

        let mut model = Model {
            namespace: spec.namespace.clone(),
            base_url: spec.base_url.clone(),
            types: BTreeMap::new(),
            aliases: BTreeMap::new(),
            operations: BTreeMap::new(),
            shapes: Vec::new(),
        };

        // Types: enums, complex types, entities, then the request bodies of actions.
        for enum_type in in_spec_order(spec.enums.values(), |e| &e.at) {
            let what = format!("enum `{}`", enum_type.name);
            let Some((rust_name, module)) = self.declare(&enum_type.name, &what, &enum_type.at) else { continue };
            let mut variants = Namespace::default();
            variants.reserve(OTHER_VARIANT, "the variant that keeps unknown members");
            let mut members = Vec::new();
            for member in &enum_type.members {
                let variant = rust_identifier(&pascal_case(&member.name));
                let member_what = format!("member `{}` of {what}", member.name);
                if !self.take(&mut variants, &variant, &member_what, "Rust variant", &member.at) {
                    continue;
                }
                let (value, unpublished) = match &member.value {
                    MemberValue::Published(value) => (Some(*value), None),
                    MemberValue::Unpublished(note) => (None, Some(note.clone())),
                };
                members.push(MemberDef {
                    wire_name: member.name.clone(),
                    rust_name: variant,
                    value,
                    unpublished,
                    description: member.description.clone(),
                });
            }
            model.types.insert(
                enum_type.name.clone(),
                TypeDef::Enum(EnumDef {
                    rust_name,
                    module,
                    graph_name: enum_type.name.clone(),
                    description: enum_type.description.clone(),
                    evolvable: enum_type.evolvable,
                    members,
                }),
            );
        }
        for complex in in_spec_order(spec.complex_types.values(), |c| &c.at) {
            let what = format!("complex type `{}`", complex.name);
            let Some((rust_name, module)) = self.declare(&complex.name, &what, &complex.at) else { continue };
            let fields = self.fields(&complex.properties, &[], &what);
            model.types.insert(
                complex.name.clone(),
                TypeDef::Object(ObjectDef {
                    rust_name,
                    module,
                    graph_name: complex.name.clone(),
                    description: complex.description.clone(),
                    kind: ObjectKind::Complex,
                    fields,
                    constructor: Vec::new(),
                }),
            );
        }
        for entity in in_spec_order(spec.entities.values(), |e| &e.at) {
            let what = format!("entity `{}`", entity.name);
            let Some((rust_name, module)) = self.declare(&entity.name, &what, &entity.at) else { continue };
            let navigation: Vec<(Property, bool)> = entity
                .navigation
                .iter()
                .map(|nav| {
                    let target = TypeRef::Entity(nav.target.clone());
                    let type_ref = if nav.collection { TypeRef::Collection(Box::new(target)) } else { target };
                    let property = Property {
                        name: nav.name.clone(),
                        at: nav.at.clone(),
                        type_ref,
                        // A single navigation property may be null (the EDM default); a
                        // collection is absent or an array.
                        nullability: if nav.collection { Nullability::NotNullable } else { Nullability::Nullable },
                        read_only: true,
                        description: nav.description.clone(),
                    };
                    (property, !nav.collection)
                })
                .collect();
            let fields = self.fields(&entity.properties, &navigation, &what);
            model.types.insert(
                entity.name.clone(),
                TypeDef::Object(ObjectDef {
                    rust_name,
                    module,
                    graph_name: entity.name.clone(),
                    description: entity.description.clone(),
                    kind: ObjectKind::Entity { odata_type: entity.odata_type.clone(), key: entity.key.clone() },
                    fields,
                    constructor: Vec::new(),
                }),
            );
        }

        // Operations.
        let mut operation_names = Namespace::default();
        for operation in in_spec_order(spec.operations.values(), |o| &o.at) {
            let what = format!("operation `{}`", operation.name);
            let rust_name = rust_identifier(&pascal_case(&operation.name));
            let qualified = format!("operations::{rust_name}");
            if !self.take(&mut operation_names, &qualified, &what, "Rust type", &operation.at) {
                continue;
            }
            let mut fields = Namespace::default();
            for name in RESERVED_OPERATION_FIELDS {
                fields.reserve(name, &format!("the operation's own field `{name}`"));
            }
            let mut path_parameters = Vec::new();
            for parameter in &operation.path_parameters {
                let field = rust_identifier(&snake_case(&parameter.name));
                let parameter_what = format!("path parameter `{}` of {what}", parameter.name);
                if self.take(&mut fields, &field, &parameter_what, "Rust field", &parameter.at) {
                    path_parameters.push(ParameterDef {
                        wire_name: parameter.name.clone(),
                        rust_name: field,
                        description: parameter.description.clone(),
                    });
                }
            }
            let segments = operation
                .path_segments
                .iter()
                .filter_map(|segment| match segment {
                    PathSegment::Literal(text) => Some(Segment::Literal(text.clone())),
                    PathSegment::Parameter(name) => {
                        path_parameters.iter().position(|p| p.wire_name == *name).map(Segment::Parameter)
                    }
                })
                .collect();
            let body = match &operation.request_body {
                None => None,
                Some(RequestBody::Type { description, type_ref }) => type_id(type_ref)
                    .map(|type_id| BodyDef { type_id: type_id.to_owned(), description: description.clone() }),
                Some(RequestBody::Parameters { description, parameters }) => {
                    let graph_name = format!("{}Request", operation.name);
                    let body_what = format!("the request body type of {what}");
                    let rust = self.declare(&graph_name, &body_what, &operation.at);
                    rust.map(|(rust_name, module)| {
                        let fields = self.fields(parameters, &[], &body_what);
                        let constructor = (0..fields.len()).collect();
                        model.types.insert(
                            graph_name.clone(),
                            TypeDef::Object(ObjectDef {
                                rust_name,
                                module,
                                graph_name: format!("{} request body", operation.name),
                                description: description.clone(),
                                kind: ObjectKind::RequestBody { operation: operation.name.clone() },
                                fields,
                                constructor,
                            }),
                        );
                        BodyDef { type_id: graph_name, description: description.clone() }
                    })
                }
            };
            let response = match (&operation.response.kind, &operation.response.type_ref) {
                (ResponseKind::Count, _) => ResponseDef::Count { description: operation.response.description.clone() },
                (ResponseKind::None, _) | (_, None) => {
                    ResponseDef::None { description: operation.response.description.clone() }
                }
                (kind, Some(type_ref)) => {
                    let shape = match (kind, type_ref) {
                        (_, TypeRef::Primitive(primitive)) => Shape::Value(*primitive),
                        (ResponseKind::Collection, other) => Shape::Page(type_id(other).unwrap_or_default().to_owned()),
                        (_, other) => Shape::Single(type_id(other).unwrap_or_default().to_owned()),
                    };
                    if !model.shapes.contains(&shape) {
                        model.shapes.push(shape.clone());
                    }
                    if operation.kind == OperationKind::Action {
                        let alias = rust_identifier(&pascal_case(&format!("{}Response", operation.name)));
                        let alias_what = format!("the response type of {what}");
                        let diagnostics = &mut self.diagnostics;
                        if take(diagnostics, &mut self.type_names, &alias, &alias_what, "Rust type", &operation.at)
                            && take(
                                diagnostics,
                                &mut self.schema_files,
                                &alias,
                                &alias_what,
                                "schema file stem",
                                &operation.at,
                            )
                        {
                            model.aliases.insert(
                                alias,
                                Alias { shape: shape.clone(), description: operation.response.description.clone() },
                            );
                        }
                    }
                    ResponseDef::Shape { shape, description: operation.response.description.clone() }
                }
            };
            model.operations.insert(
                operation.name.clone(),
                OperationDef {
                    name: operation.name.clone(),
                    rust_name,
                    kind: operation.kind,
                    description: operation.description.clone(),
                    method: operation.method,
                    path_template: operation.path.clone(),
                    segments,
                    path_parameters,
                    query_options: operation.query_options.clone(),
                    body,
                    response,
                    permissions: operation.permissions.clone(),
                    permissions_note: operation.permissions_note.clone(),
                    semantics: match &operation.semantics {
                        Semantics::ReadOnly => SemanticsDef::ReadOnly,
                        Semantics::Idempotent => SemanticsDef::Idempotent,
                        Semantics::Write { observed_by, effect, .. } => {
                            SemanticsDef::Write { observed_by: observed_by.clone(), effect: effect.clone() }
                        }
                    },
                },
            );
        }
        // Shapes' schema files (`Page_X`) cannot collide: type names have no `_`.
        model.shapes.sort();
        model
    }

    /// The fields of an object: its properties, then (entities) its navigation properties, each
    /// `(property, boxed)`.
    fn fields(&mut self, properties: &[Property], navigation: &[(Property, bool)], owner: &str) -> Vec<FieldDef> {
        let mut names = Namespace::default();
        names.reserve(ADDITIONAL_PROPERTIES_FIELD, "the field that keeps unknown properties");
        let all =
            properties.iter().map(|p| (p, false, false)).chain(navigation.iter().map(|(p, boxed)| (p, *boxed, true)));
        let mut fields = Vec::new();
        for (property, boxed, is_navigation) in all {
            let rust_name = rust_identifier(&snake_case(&property.name));
            let what = format!("property `{}` of {owner}", property.name);
            if !self.take(&mut names, &rust_name, &what, "Rust field", &property.at) {
                continue;
            }
            let (value, collection) = match &property.type_ref {
                TypeRef::Collection(inner) => (value_type(inner), true),
                other => (value_type(other), false),
            };
            let Some(value) = value else {
                self.error(&property.at, format!("{what}: collections of collections are not supported"));
                continue;
            };
            fields.push(FieldDef {
                setter: format!("with_{}", rust_name.trim_start_matches("r#")),
                wire_name: property.name.clone(),
                rust_name,
                value,
                collection,
                nullable: property.nullability.accepts_null(),
                nullability_not_established: property.nullability == Nullability::NotEstablished,
                boxed,
                navigation: is_navigation,
                read_only: property.read_only,
                description: property.description.clone(),
            });
        }
        fields
    }
}

/// Takes `name` in `namespace` for `what`; a name already taken (ignoring case) is reported at
/// `at`, and `false` returned.
fn take(
    diagnostics: &mut Vec<Diagnostic>,
    namespace: &mut Namespace,
    name: &str,
    what: &str,
    kind: &str,
    at: &Loc,
) -> bool {
    let bare = name.trim_start_matches("r#");
    let key = bare.to_ascii_lowercase();
    if let Some(first) = namespace.taken.get(&key) {
        let place = first.at.as_ref().map_or_else(String::new, |at| {
            format!(" (at {}:{}:{})", at.file.display(), at.position.line, at.position.column)
        });
        let message = if first.name.trim_start_matches("r#") == bare {
            format!("{what} would be the {kind} `{name}`, which {}{place} already is", first.what)
        } else {
            format!(
                "{what} would be the {kind} `{name}`, and {}{place} is `{}`: they differ only in case \
                 (their files would collide on case-insensitive file systems)",
                first.what, first.name
            )
        };
        diagnostics.push(Diagnostic::new(&at.file, at.position, message));
        return false;
    }
    namespace.taken.insert(key, Taken { what: what.to_owned(), name: name.to_owned(), at: Some(at.clone()) });
    true
}

/// `items` in the order they are written in the spec (file, then position), so that a clash is
/// reported at the later of the two items, the one that took a name already taken.
fn in_spec_order<'a, T>(items: impl Iterator<Item = &'a T>, at: impl Fn(&T) -> &Loc) -> Vec<&'a T> {
    let mut items: Vec<&T> = items.collect();
    items.sort_by(|a, b| at(a).cmp(at(b)));
    items
}

/// The type id a type reference names (not a primitive or collection).
fn type_id(type_ref: &TypeRef) -> Option<&str> {
    match type_ref {
        TypeRef::Enum(id) | TypeRef::Complex(id) | TypeRef::Entity(id) => Some(id),
        TypeRef::Primitive(_) | TypeRef::Collection(_) => None,
    }
}

/// The value type of a non-collection type reference.
fn value_type(type_ref: &TypeRef) -> Option<ValueType> {
    match type_ref {
        TypeRef::Primitive(primitive) => Some(ValueType::Primitive(*primitive)),
        TypeRef::Collection(_) => None,
        other => type_id(other).map(|id| ValueType::Type(id.to_owned())),
    }
}
