//! Reads spec files, checks them, and builds the validated [`Spec`].
//!
//! YAML and shape errors (syntax, unknown key, wrong value type, missing key) come from
//! serde-saphyr, one per file. Every other check runs on all files and reports every problem it
//! finds, each with its `file:line:col`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_saphyr::Spanned;

use super::model::{
    Action, Entity, EnumMember, EnumType, HttpMethod, PathParameter, PathSegment, Permissions, Primitive, Property,
    RequestBody, Response, ResponseKind, Spec, TypeRef,
};
use super::raw::{RawAction, RawEntity, RawEnum, RawProperty, RawResponseKind, RawSpec, Text};
use crate::diagnostics::{Diagnostic, Position};
use crate::names::{is_graph_identifier, is_type_identifier, pascal_case, snake_case};

/// One spec file's path and text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path used in diagnostics.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

/// Every problem found, with the sources they point into (for rendering snippets).
#[derive(Debug)]
pub struct LoadError {
    /// The problems, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The sources read.
    pub sources: Vec<SourceFile>,
}

impl LoadError {
    /// Each diagnostic as `file:line:col: message` plus its snippet, separated by blank lines.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for diagnostic in &self.diagnostics {
            let source = self.sources.iter().find(|s| s.path == diagnostic.file).map_or("", |s| s.text.as_str());
            out.push_str(&diagnostic.render(source));
            out.push_str("\n\n");
        }
        out.push_str(&format!(
            "error: {} problem{} in the spec; nothing was generated\n",
            self.diagnostics.len(),
            if self.diagnostics.len() == 1 { "" } else { "s" }
        ));
        out
    }
}

/// Reads every `*.yaml` file directly in `dir`, in name order, and loads them as one spec.
pub fn load_dir(dir: &Path) -> Result<Spec, LoadError> {
    let fail = |message: String| LoadError {
        diagnostics: vec![Diagnostic::new(dir, Position::START, message)],
        sources: Vec::new(),
    };
    let entries = std::fs::read_dir(dir).map_err(|e| fail(format!("cannot read the spec directory: {e}")))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| fail(format!("cannot read the spec directory: {e}")))?.path();
        if path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml") {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(fail("no *.yaml spec file in this directory".to_owned()));
    }
    let mut sources = Vec::new();
    for path in paths {
        let bytes = std::fs::read(&path).map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
        match String::from_utf8(bytes) {
            Ok(text) => sources.push(SourceFile { path, text }),
            Err(e) => {
                return Err(LoadError {
                    diagnostics: vec![Diagnostic::new(&path, Position::START, format!("the file is not UTF-8: {e}"))],
                    sources,
                });
            }
        }
    }
    load_sources(sources)
}

/// Loads already-read spec files as one spec.
pub fn load_sources(sources: Vec<SourceFile>) -> Result<Spec, LoadError> {
    let mut diagnostics = Vec::new();
    let mut raws = Vec::new();
    for source in &sources {
        let before = diagnostics.len();
        check_characters(source, &mut diagnostics);
        if diagnostics.len() > before {
            continue;
        }
        match serde_saphyr::from_str::<RawSpec>(&source.text) {
            Ok(raw) => raws.push((source.path.clone(), raw)),
            Err(error) => {
                let position = error.location().map_or(Position::START, Position::from_location);
                let message = error.without_snippet().to_string();
                let message = strip_location_suffix(&message);
                diagnostics.push(Diagnostic::new(&source.path, position, message));
            }
        }
    }
    let spec = if diagnostics.is_empty() { Validator::new(&mut diagnostics).validate(&raws) } else { None };
    match spec {
        Some(spec) if diagnostics.is_empty() => Ok(spec),
        _ => {
            diagnostics.sort();
            diagnostics.dedup();
            Err(LoadError { diagnostics, sources })
        }
    }
}

/// serde-saphyr appends ` at line L, column C` to its messages; the diagnostic says it up front.
fn strip_location_suffix(message: &str) -> String {
    let first_line = message.lines().next().unwrap_or(message);
    match first_line.rfind(" at line ") {
        Some(at)
            if first_line[at + 9..]
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == ' ' || c.is_ascii_alphabetic()) =>
        {
            first_line[..at].to_owned()
        }
        _ => first_line.to_owned(),
    }
}

/// Bidirectional controls (trojan source) and other control characters are refused anywhere in a
/// spec file, before it is parsed: they could make a description read differently than it compiles.
fn check_characters(source: &SourceFile, diagnostics: &mut Vec<Diagnostic>) {
    for (line_index, line) in source.text.split('\n').enumerate() {
        for (column_index, c) in line.chars().enumerate() {
            let problem = match c {
                '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' => {
                    Some(format!(
                        "Unicode bidirectional control character U+{:04X} is not allowed (trojan source)",
                        c as u32
                    ))
                }
                '\t' | '\r' => None,
                c if c.is_control() => Some(format!("control character U+{:04X} is not allowed", c as u32)),
                _ => None,
            };
            if let Some(message) = problem {
                let position = Position { line: line_index + 1, column: column_index + 1 };
                diagnostics.push(Diagnostic::new(&source.path, position, message));
            }
        }
    }
}

/// The Rust type names the model crate defines by hand; generated types must not take them.
const RESERVED_TYPE_NAMES: &[&str] =
    &["DateTimeOffset", "Nullable", "UnknownEnumMember", "ParseEnumError", "DateTimeParseError"];

/// The Rust field that keeps unknown properties; generated fields must not take it.
pub const ADDITIONAL_PROPERTIES_FIELD: &str = "additional_properties";

/// The variant that keeps unknown enum members; generated variants must not take it.
pub const OTHER_VARIANT: &str = "Other";

struct Validator<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
    file: PathBuf,
}

impl<'a> Validator<'a> {
    fn new(diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Validator { diagnostics, file: PathBuf::new() }
    }

    fn error_at(&mut self, text_position: Position, message: impl Into<String>) {
        let file = self.file.clone();
        self.diagnostics.push(Diagnostic::new(&file, text_position, message));
    }

    fn error<T>(&mut self, spanned: &Spanned<T>, message: impl Into<String>) {
        self.error_at(Position::from_location(spanned.referenced), message);
    }

    fn validate(mut self, raws: &[(PathBuf, RawSpec)]) -> Option<Spec> {
        // Pass 1: names of types, so references can resolve whatever the file order.
        let mut type_kinds: BTreeMap<String, TypeKind> = BTreeMap::new();
        let mut rust_type_names: BTreeMap<String, String> = BTreeMap::new();
        let mut namespace: Option<String> = None;
        let mut base_url: Option<String> = None;
        let mut action_names = BTreeSet::new();
        for (file, raw) in raws {
            self.file = file.clone();
            self.check_namespace(&raw.namespace, &mut namespace);
            if let Some(url) = &raw.base_url {
                self.check_base_url(url, &mut base_url);
            }
            let enum_names = raw.enums.iter().map(|e| (&e.name, TypeKind::Enum));
            let entity_names = raw.entities.iter().map(|e| (&e.name, TypeKind::Entity));
            for (name, kind) in enum_names.chain(entity_names) {
                self.declare_type(name, &name.value, kind, &mut type_kinds, &mut rust_type_names);
            }
            for action in &raw.actions {
                if !action_names.insert(action.name.value.clone()) {
                    continue; // reported as a duplicate action in pass 2
                }
                if action.request_body.is_some() {
                    let body = format!("{}Request", action.name.value);
                    self.declare_type(&action.name, &body, TypeKind::Generated, &mut type_kinds, &mut rust_type_names);
                }
                let response = format!("{}Response", action.name.value);
                self.declare_type(&action.name, &response, TypeKind::Generated, &mut type_kinds, &mut rust_type_names);
            }
        }
        let Some(namespace) = namespace else {
            self.error_at(Position::START, "missing key `namespace`");
            return None;
        };
        if base_url.is_none() {
            let first = raws.first().map(|(file, _)| file.clone()).unwrap_or_default();
            self.file = first;
            self.error_at(Position::START, "no spec file sets `baseUrl`");
        }

        // Pass 2: everything else.
        let mut spec = Spec {
            namespace: namespace.clone(),
            base_url: base_url.unwrap_or_default(),
            enums: BTreeMap::new(),
            entities: BTreeMap::new(),
            actions: BTreeMap::new(),
        };
        let mut seen_actions: BTreeMap<String, ()> = BTreeMap::new();
        for (file, raw) in raws {
            self.file = file.clone();
            for raw_enum in &raw.enums {
                if let Some(enum_type) = self.enum_type(raw_enum) {
                    spec.enums.entry(enum_type.name.clone()).or_insert(enum_type);
                }
            }
            for raw_entity in &raw.entities {
                if let Some(entity) = self.entity(raw_entity, &namespace, &type_kinds) {
                    spec.entities.entry(entity.name.clone()).or_insert(entity);
                }
            }
            for raw_action in &raw.actions {
                if seen_actions.insert(raw_action.name.value.clone(), ()).is_some() {
                    self.error(&raw_action.name, format!("duplicate action `{}`", raw_action.name.value));
                    continue;
                }
                if let Some(action) = self.action(raw_action, &type_kinds) {
                    spec.actions.insert(action.name.clone(), action);
                }
            }
        }
        Some(spec)
    }

    fn check_namespace(&mut self, raw: &Text, namespace: &mut Option<String>) {
        if !raw.value.split('.').all(is_type_identifier) {
            self.error(raw, format!("`{}` is not a namespace (dot-separated identifiers)", raw.value));
        }
        match namespace {
            Some(existing) if *existing != raw.value => {
                self.error(raw, format!("namespace `{}` differs from `{existing}` in another spec file", raw.value));
            }
            _ => *namespace = Some(raw.value.clone()),
        }
    }

    fn check_base_url(&mut self, raw: &Text, base_url: &mut Option<String>) {
        let url = raw.value.as_str();
        let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
        let well_formed = rest.is_some_and(|rest| {
            !rest.is_empty()
                && !rest.ends_with('/')
                && rest.chars().all(|c| c.is_ascii_alphanumeric() || "-._~/:".contains(c))
                && !rest.starts_with('/')
        });
        if !well_formed {
            self.error(raw, format!("`{url}` is not a base URL (http(s)://host/path, no query, no trailing `/`)"));
        }
        match base_url {
            Some(existing) if existing != url => {
                self.error(raw, format!("baseUrl `{url}` differs from `{existing}` in another spec file"));
            }
            _ => *base_url = Some(url.to_owned()),
        }
    }

    fn declare_type(
        &mut self,
        at: &Text,
        name: &str,
        kind: TypeKind,
        type_kinds: &mut BTreeMap<String, TypeKind>,
        rust_type_names: &mut BTreeMap<String, String>,
    ) {
        if !is_type_identifier(name) {
            self.error(
                at,
                format!("`{name}` is not a valid type name (ASCII letters and digits, starting with a letter)"),
            );
            return;
        }
        let rust_name = pascal_case(name);
        if RESERVED_TYPE_NAMES.contains(&rust_name.as_str()) {
            self.error(
                at,
                format!("type `{name}` would be the Rust type `{rust_name}`, which the model crate already defines"),
            );
            return;
        }
        if type_kinds.contains_key(name) {
            self.error(at, format!("duplicate type `{name}`"));
            return;
        }
        if let Some(other) = rust_type_names.get(&rust_name) {
            self.error(at, format!("type `{name}` and type `{other}` would both be the Rust type `{rust_name}`"));
            return;
        }
        type_kinds.insert(name.to_owned(), kind);
        rust_type_names.insert(rust_name, name.to_owned());
    }

    fn description(&mut self, raw: &Text) -> String {
        let text = raw.value.trim();
        if text.is_empty() {
            self.error(raw, "description is empty; every generated item is documented from the spec");
        }
        text.to_owned()
    }

    fn enum_type(&mut self, raw: &RawEnum) -> Option<EnumType> {
        let description = self.description(&raw.description);
        if raw.members.is_empty() {
            self.error(&raw.name, format!("enum `{}` has no members", raw.name.value));
        }
        let mut names = BTreeSet::new();
        let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
        let mut values: BTreeMap<i64, String> = BTreeMap::new();
        let mut members = Vec::new();
        for member in &raw.members {
            let name = &member.name.value;
            let member_description = self.description(&member.description);
            if !is_graph_identifier(name) {
                self.error(&member.name, format!("`{name}` is not a valid Graph identifier"));
                continue;
            }
            if !names.insert(name.clone()) {
                self.error(&member.name, format!("duplicate member `{name}` in enum `{}`", raw.name.value));
                continue;
            }
            let rust_name = pascal_case(name);
            if rust_name == OTHER_VARIANT {
                self.error(
                    &member.name,
                    format!("member `{name}` would be the Rust variant `Other`, which keeps unknown members"),
                );
                continue;
            }
            if let Some(other) = rust_names.insert(rust_name.clone(), name.clone()) {
                self.error(
                    &member.name,
                    format!("members `{name}` and `{other}` would both be the Rust variant `{rust_name}`"),
                );
                continue;
            }
            let Ok(value) = i32::try_from(member.value.value) else {
                self.error(&member.value, format!("value {} of member `{name}` is outside Int32", member.value.value));
                continue;
            };
            if let Some(other) = values.insert(member.value.value, name.clone()) {
                self.error(&member.value, format!("members `{name}` and `{other}` have the same value {value}"));
                continue;
            }
            members.push(EnumMember { name: name.clone(), value, description: member_description });
        }
        Some(EnumType { name: raw.name.value.clone(), description, evolvable: raw.evolvable, members })
    }

    fn entity(&mut self, raw: &RawEntity, namespace: &str, types: &BTreeMap<String, TypeKind>) -> Option<Entity> {
        let description = self.description(&raw.description);
        let expected = format!("#{namespace}.{}", raw.name.value);
        if raw.odata_type.value != expected {
            self.error(&raw.odata_type, format!("odataType `{}` should be `{expected}`", raw.odata_type.value));
        }
        let properties = self.properties(&raw.properties, types, &format!("entity `{}`", raw.name.value));
        match properties.iter().find(|p| p.name == raw.key.value) {
            None => self.error(&raw.key, format!("key `{}` is not a property of `{}`", raw.key.value, raw.name.value)),
            Some(key) if key.nullable || !matches!(key.type_ref, TypeRef::Primitive(_)) => {
                self.error(&raw.key, format!("key `{}` must be a non-nullable primitive property", raw.key.value));
            }
            Some(_) => {}
        }
        Some(Entity {
            name: raw.name.value.clone(),
            description,
            odata_type: raw.odata_type.value.clone(),
            key: raw.key.value.clone(),
            properties,
        })
    }

    fn properties(&mut self, raws: &[RawProperty], types: &BTreeMap<String, TypeKind>, owner: &str) -> Vec<Property> {
        let mut names = BTreeSet::new();
        let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
        let mut properties = Vec::new();
        for raw in raws {
            let name = &raw.name.value;
            let description = self.description(&raw.description);
            let type_ref = self.type_ref(&raw.type_name, types);
            if !is_graph_identifier(name) {
                self.error(&raw.name, format!("`{name}` is not a valid Graph identifier"));
                continue;
            }
            if !names.insert(name.clone()) {
                self.error(&raw.name, format!("duplicate property `{name}` in {owner}"));
                continue;
            }
            let rust_name = snake_case(name);
            if rust_name == ADDITIONAL_PROPERTIES_FIELD {
                self.error(
                    &raw.name,
                    format!("property `{name}` would be the Rust field `{rust_name}`, which keeps unknown properties"),
                );
                continue;
            }
            if let Some(other) = rust_names.insert(rust_name.clone(), name.clone()) {
                self.error(
                    &raw.name,
                    format!("properties `{name}` and `{other}` would both be the Rust field `{rust_name}`"),
                );
                continue;
            }
            if let Some(type_ref) = type_ref {
                properties.push(Property { name: name.clone(), type_ref, nullable: raw.nullable, description });
            }
        }
        properties
    }

    fn type_ref(&mut self, raw: &Text, types: &BTreeMap<String, TypeKind>) -> Option<TypeRef> {
        let text = raw.value.as_str();
        if let Some(inner) = text.strip_prefix("Collection(").and_then(|rest| rest.strip_suffix(')')) {
            if inner.starts_with("Collection(") {
                self.error(raw, "collections of collections are not supported");
                return None;
            }
            return self.named_type(raw, inner, types).map(|t| TypeRef::Collection(Box::new(t)));
        }
        self.named_type(raw, text, types)
    }

    fn named_type(&mut self, raw: &Text, name: &str, types: &BTreeMap<String, TypeKind>) -> Option<TypeRef> {
        if let Some((_, primitive)) = Primitive::ALL.iter().find(|(edm, _)| *edm == name) {
            return Some(TypeRef::Primitive(*primitive));
        }
        match types.get(name) {
            Some(TypeKind::Enum) => Some(TypeRef::Enum(name.to_owned())),
            Some(TypeKind::Entity) => Some(TypeRef::Entity(name.to_owned())),
            Some(TypeKind::Generated) | None => {
                let supported: Vec<&str> = Primitive::ALL.iter().map(|(edm, _)| *edm).collect();
                self.error(
                    raw,
                    format!(
                        "unknown type `{name}`: not an enum or entity of this spec, nor a supported EDM type ({})",
                        supported.join(", ")
                    ),
                );
                None
            }
        }
    }

    fn action(&mut self, raw: &RawAction, types: &BTreeMap<String, TypeKind>) -> Option<Action> {
        let description = self.description(&raw.description);
        let method = HttpMethod::ALL.iter().find(|(name, _)| *name == raw.method.value).map(|(_, m)| *m);
        if method.is_none() {
            let names: Vec<&str> = HttpMethod::ALL.iter().map(|(name, _)| *name).collect();
            self.error(
                &raw.method,
                format!("`{}` is not an HTTP method; expected one of {}", raw.method.value, names.join(", ")),
            );
        }
        let path_segments = self.path_template(&raw.path);
        let mut path_parameters = Vec::new();
        let mut declared = BTreeSet::new();
        for parameter in &raw.path_parameters {
            let parameter_description = self.description(&parameter.description);
            let name = &parameter.name.value;
            if !is_graph_identifier(name) {
                self.error(&parameter.name, format!("`{name}` is not a valid Graph identifier"));
                continue;
            }
            if !declared.insert(name.clone()) {
                self.error(&parameter.name, format!("duplicate path parameter `{name}`"));
                continue;
            }
            let type_ref = self.type_ref(&parameter.type_name, types);
            if type_ref.is_some() && type_ref != Some(TypeRef::Primitive(Primitive::String)) {
                self.error(&parameter.type_name, "path parameters must be `Edm.String`");
            }
            if !path_segments.iter().any(|s| matches!(s, PathSegment::Parameter(p) if p == name)) {
                self.error(&parameter.name, format!("path parameter `{name}` is declared but not used in the path"));
            }
            path_parameters.push(PathParameter {
                name: name.clone(),
                type_ref: TypeRef::Primitive(Primitive::String),
                description: parameter_description,
            });
        }
        for segment in &path_segments {
            if let PathSegment::Parameter(name) = segment
                && !declared.contains(name)
            {
                self.error(&raw.path, format!("path parameter `{{{name}}}` is not declared in pathParameters"));
            }
        }
        path_parameters
            .sort_by_key(|p| path_segments.iter().position(|s| matches!(s, PathSegment::Parameter(n) if *n == p.name)));
        let request_body = raw.request_body.as_ref().map(|body| RequestBody {
            description: self.description(&body.description),
            parameters: self.properties(&body.parameters, types, &format!("the request body of `{}`", raw.name.value)),
        });
        if let Some(body) = &raw.request_body
            && body.parameters.is_empty()
        {
            self.error(
                &body.description,
                "a request body needs at least one parameter; leave `requestBody` out instead",
            );
        }
        let response_description = self.description(&raw.response.description);
        let response_entity = match types.get(&raw.response.type_name.value) {
            Some(TypeKind::Entity) => Some(raw.response.type_name.value.clone()),
            _ => {
                self.error(
                    &raw.response.type_name,
                    format!("response type `{}` is not an entity of this spec", raw.response.type_name.value),
                );
                None
            }
        };
        let permissions = Permissions {
            delegated_work: self.permission_list(&raw.permissions.delegated_work),
            delegated_personal: self.permission_list(&raw.permissions.delegated_personal),
            application: self.permission_list(&raw.permissions.application),
        };
        let permissions_note = raw.permissions_note.as_ref().map(|note| self.description(note));
        Some(Action {
            name: raw.name.value.clone(),
            description,
            method: method?,
            path: raw.path.value.clone(),
            path_segments,
            path_parameters,
            request_body,
            response: Response {
                kind: match raw.response.kind.value {
                    RawResponseKind::Single => ResponseKind::Single,
                    RawResponseKind::Collection => ResponseKind::Collection,
                },
                entity: response_entity?,
                description: response_description,
            },
            permissions,
            permissions_note,
        })
    }

    fn path_template(&mut self, raw: &Text) -> Vec<PathSegment> {
        let path = raw.value.as_str();
        let Some(rest) = path.strip_prefix('/') else {
            self.error(raw, "the path must start with `/`");
            return Vec::new();
        };
        let mut segments = Vec::new();
        for segment in rest.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                if !is_graph_identifier(name) {
                    self.error(raw, format!("path parameter `{{{name}}}` is not a valid Graph identifier"));
                } else if segments.iter().any(|s| matches!(s, PathSegment::Parameter(p) if p == name)) {
                    self.error(raw, format!("path parameter `{{{name}}}` is used twice"));
                } else {
                    segments.push(PathSegment::Parameter(name.to_owned()));
                }
            } else if segment.is_empty() || segment == "." || segment == ".." {
                self.error(raw, format!("the path `{path}` has an empty or dot segment"));
            } else if !segment.chars().all(|c| c.is_ascii_alphanumeric() || "-._~$".contains(c)) {
                self.error(raw, format!("path segment `{segment}` may only hold letters, digits and `-._~$` (a parameter is a whole `{{name}}` segment)"));
            } else {
                segments.push(PathSegment::Literal(segment.to_owned()));
            }
        }
        segments
    }

    fn permission_list(&mut self, raws: &[Text]) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for raw in raws {
            let name = raw.value.as_str();
            let valid =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-');
            if !valid {
                self.error(raw, format!("`{name}` is not a permission name"));
            } else if !seen.insert(name.to_owned()) {
                self.error(raw, format!("permission `{name}` is listed twice"));
            } else {
                out.push(name.to_owned());
            }
        }
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TypeKind {
    Enum,
    Entity,
    /// A request or response type the generator makes from an action.
    Generated,
}
