//! Reads spec files, checks them, and builds the validated [`Spec`].
//!
//! Each file is first checked on its own: forbidden characters (anywhere in the text, and in
//! every value, where a YAML escape such as `"\u202E"` could have produced them), then the YAML
//! syntax and the shape (unknown keys, wrong value types) through serde-saphyr, which stops at
//! the first such problem of a file. When every file passed, the validator checks everything
//! else on all files together, missing keys included, and reports every problem it finds, each
//! with its `file:line:col`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_saphyr::Spanned;

use super::model::{
    ComplexType, Entity, EnumMember, EnumType, HttpMethod, Loc, MemberValue, Navigation, Nullability, Operation,
    OperationKind, PathParameter, PathSegment, Permissions, Primitive, Property, QueryOption, RequestBody, Response,
    ResponseKind, Semantics, Spec, TypeRef,
};
use super::raw::{
    Node, RawAction, RawComplexType, RawEntity, RawEnum, RawNullable, RawOperationKind, RawPathParameter, RawProperty,
    RawRequestBody, RawResponse, RawResponseKind, RawSemantics, RawSpec, Text,
};
use crate::diagnostics::{Diagnostic, Position, is_bidi_control, is_invisible_control, quote};
use crate::names::{is_graph_identifier, is_type_identifier};

/// One spec file's path and text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path used in diagnostics.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

/// A checked spec, with the sources it was read from (for rendering later diagnostics).
#[derive(Debug)]
pub struct Loaded {
    /// The spec.
    pub spec: Spec,
    /// The files, as read.
    pub sources: Vec<SourceFile>,
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
            match self.sources.iter().find(|s| s.path == diagnostic.file) {
                Some(source) => out.push_str(&diagnostic.render(&source.text)),
                None => out.push_str(&diagnostic.to_string()), // a directory, or a file that could not be read
            }
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

/// Reads every `*.yaml` (or `*.yml`) file directly in `dir`, in name order, and loads them as one
/// spec. Hidden files (editor backups and locks) are not spec files.
pub fn load_dir(dir: &Path) -> Result<Loaded, LoadError> {
    let fail = |message: String| LoadError {
        diagnostics: vec![Diagnostic::new(dir, Position::START, message)],
        sources: Vec::new(),
    };
    let entries = std::fs::read_dir(dir).map_err(|e| fail(format!("cannot read the spec directory: {e}")))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| fail(format!("cannot read the spec directory: {e}")))?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !hidden && path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml") {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(fail("no spec file: the directory holds no `*.yaml` file".to_owned()));
    }
    let mut sources = Vec::new();
    let mut diagnostics = Vec::new();
    let mut unparsable = Vec::new();
    for path in paths {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                diagnostics.push(Diagnostic::new(&path, Position::START, format!("cannot read the file: {e}")));
                continue;
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) => sources.push(SourceFile { path, text }),
            Err(error) => {
                let bytes = error.as_bytes();
                let valid = error.utf8_error().valid_up_to();
                let prefix = String::from_utf8_lossy(bytes.get(..valid).unwrap_or_default());
                let line = prefix.matches('\n').count() + 1;
                let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                let message = match bytes.get(valid) {
                    Some(byte) if error.utf8_error().error_len().is_some() => {
                        format!(
                            "the file is not UTF-8 text: byte 0x{byte:02X} (at byte offset {valid}) is not valid here"
                        )
                    }
                    _ => "the file is not UTF-8 text: it ends in the middle of a character".to_owned(),
                };
                diagnostics.push(Diagnostic::new(&path, Position { line, column }, message));
                // Shown with U+FFFD in place of the bad bytes, so the snippet still points at them.
                let text = String::from_utf8_lossy(bytes).into_owned();
                unparsable.push(path.clone());
                sources.push(SourceFile { path, text });
            }
        }
    }
    load(sources, diagnostics, &unparsable)
}

/// Loads already-read spec files as one spec.
pub fn load_sources(sources: Vec<SourceFile>) -> Result<Loaded, LoadError> {
    load(sources, Vec::new(), &[])
}

/// Parses every file but those in `unparsable`, then validates the ones that parsed together.
/// When some file could not be read or parsed, the problems that could come from its absence
/// (an undefined type, no `baseUrl`) are not reported; every other one is.
fn load(
    sources: Vec<SourceFile>,
    mut diagnostics: Vec<Diagnostic>,
    unparsable: &[PathBuf],
) -> Result<Loaded, LoadError> {
    let mut raws = Vec::new();
    for source in &sources {
        if unparsable.contains(&source.path) {
            continue;
        }
        if let Some(raw) = parse(source, &mut diagnostics) {
            raws.push((source.path.clone(), raw));
        }
    }
    let partial = !diagnostics.is_empty();
    let spec = Validator::new(&sources, &mut diagnostics, partial).validate(&raws);
    match spec {
        Some(spec) if diagnostics.is_empty() => Ok(Loaded { spec, sources }),
        _ => {
            diagnostics.sort();
            diagnostics.dedup();
            Err(LoadError { diagnostics, sources })
        }
    }
}

/// The serde-saphyr options: booleans are `true` or `false` (not YAML 1.1's `yes`, `on`, ...),
/// and tags (`!foo`) mean nothing in a spec. Duplicate keys are errors (the default).
fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.reject_unsupported_tags = true;
    options
}

/// One file on its own: characters, YAML, shape, and the characters of every value.
fn parse(source: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Option<Node<RawSpec>> {
    let before = diagnostics.len();
    check_characters(source, diagnostics);
    if diagnostics.len() > before {
        return None;
    }
    if source.text.lines().all(|line| line.trim().is_empty() || line.trim_start().starts_with('#')) {
        diagnostics.push(Diagnostic::new(
            &source.path,
            Position::START,
            "the file is empty; a spec file is a YAML mapping with at least `namespace`",
        ));
        return None;
    }
    match serde_saphyr::from_str_with_options::<Node<RawSpec>>(&source.text, yaml_options()) {
        Err(error) => {
            let mut position = error.location().map_or(Position::START, Position::from_location).clamp_to(&source.text);
            if matches!(error.without_snippet(), serde_saphyr::Error::MultipleDocuments { .. }) {
                // The parser points past the separator; show the separator itself.
                let lines: Vec<&str> = source.text.lines().take(position.line).collect();
                let separator = lines.iter().rposition(|line| line.starts_with("---"));
                if let Some(index) = separator {
                    position = Position { line: index + 1, column: 1 };
                }
            }
            if matches!(
                error.without_snippet(),
                serde_saphyr::Error::SerdeInvalidType { .. } | serde_saphyr::Error::SerdeInvalidValue { .. }
            ) {
                // A wrong value may be reported at its key (`nullable: 0`); show the value itself.
                position = value_after_key(&source.text, position);
            }
            let message = yaml_message(&error, &source.text, position);
            diagnostics.push(Diagnostic::new(&source.path, position, message));
            None
        }
        Ok(raw) => {
            for text in raw.value.texts() {
                check_value(&source.path, text, diagnostics);
            }
            (diagnostics.len() == before).then_some(raw)
        }
    }
}

/// A serde-saphyr error in the words of this format (keys, lists, mappings) rather than in
/// serde's or the parser's (fields, sequence starts, `Option<String>`).
fn yaml_message(error: &serde_saphyr::Error, source: &str, position: Position) -> String {
    use serde_saphyr::Error;
    let mut error = error;
    while let Error::WithSnippet { error: inner, .. } | Error::AliasError { error: inner, .. } = error {
        error = inner;
    }
    let found = || scalar_at(source, position);
    match error {
        Error::SerdeUnknownField { field, expected, .. } => {
            format!("unknown key {}{}; expected one of {}", quote(field), did_you_mean(field, expected), list(expected))
        }
        Error::SerdeUnknownVariant { variant, expected, .. } => {
            format!("{} is not one of {}{}", quote(variant), list(expected), did_you_mean(variant, expected))
        }
        Error::SerdeMissingField { field, .. } => format!("missing key `{field}`"),
        Error::SerdeInvalidType { unexpected, expected, .. }
        | Error::SerdeInvalidValue { unexpected, expected, .. } => {
            format!("expected {}, found {unexpected}", expected_value(expected))
        }
        Error::InvalidBooleanStrict { .. } => format!("expected `true` or `false`, found {}", found()),
        Error::InvalidScalar { ty, .. } if *ty == "boolean" => {
            format!("expected `true` or `false`, found {}", found())
        }
        Error::InvalidScalar { ty, .. } if ty.starts_with('i') || ty.starts_with('u') => {
            format!("expected an integer, found {}", found())
        }
        Error::Unexpected { expected, .. } => match *expected {
            "sequence start" => "expected a list (`- item` lines, or `[a, b]`)".to_owned(),
            "mapping start" => "expected a mapping (`key: value` lines)".to_owned(),
            "string scalar" => "expected a string".to_owned(),
            other => format!("expected {other}"),
        },
        Error::NullIntoString { .. } => "expected a string, found nothing (null)".to_owned(),
        Error::DuplicateMappingKey { key: Some(key), .. } => format!("duplicate key {}", quote(key)),
        Error::DuplicateMappingKey { key: None, .. } => "duplicate key".to_owned(),
        Error::MultipleDocuments { .. } => {
            "a second YAML document (after `---`): a spec file holds one; split it into two files".to_owned()
        }
        Error::Eof { .. } => "unexpected end of file".to_owned(),
        other => {
            use serde_saphyr::MessageFormatter as _;
            let message = serde_saphyr::UserMessageFormatter.format_message(other);
            message.chars().map(|c| if c.is_control() || is_invisible_control(c) { ' ' } else { c }).collect()
        }
    }
}

/// serde's description of an expected value, for the structs and enums of `raw`.
fn expected_value(expected: &str) -> String {
    if expected == "true, false or notEstablished" {
        "`true`, `false` or `notEstablished`".to_owned()
    } else if expected.starts_with("struct ") {
        "a mapping (`key: value` lines)".to_owned()
    } else if expected.starts_with("a sequence") {
        "a list".to_owned()
    } else {
        expected.to_owned()
    }
}

/// When `position` is at a `key:` followed by a value on the same line, the position of that
/// value; otherwise `position`.
fn value_after_key(source: &str, position: Position) -> Position {
    let line = source.lines().nth(position.line.saturating_sub(1)).unwrap_or("");
    let rest: String = line.chars().skip(position.column.saturating_sub(1)).collect();
    let key_length = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').count();
    let Some(after) = rest.get(key_length..).and_then(|r| r.strip_prefix(':')) else { return position };
    let value = after.trim_start_matches(' ');
    if key_length == 0 || value.is_empty() || value.starts_with('#') || value.len() == after.len() {
        return position;
    }
    let column = position.column + key_length + 1 + (after.len() - value.len());
    Position { line: position.line, column }
}

/// The plain scalar at `position`, quoted for a message.
fn scalar_at(source: &str, position: Position) -> String {
    let line = source.lines().nth(position.line.saturating_sub(1)).unwrap_or("");
    let rest: String = line.chars().skip(position.column.saturating_sub(1)).collect();
    let end = rest.find([',', ']', '}']).unwrap_or(rest.len());
    let rest = &rest[..end];
    let rest = rest.find(" #").map_or(rest, |at| &rest[..at]);
    quote(rest.trim())
}

fn list(names: &[&str]) -> String {
    names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
}

/// ` (did you mean `x`?)` when one of `candidates` is a small edit away from `name`.
fn did_you_mean(name: &str, candidates: &[&str]) -> String {
    let lower = name.to_ascii_lowercase();
    candidates
        .iter()
        .map(|candidate| (edit_distance(&lower, &candidate.to_ascii_lowercase()), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(1))
        .min()
        .map_or_else(String::new, |(_, candidate)| format!(" (did you mean `{candidate}`?)"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// Bidirectional controls (trojan source) and other control characters are refused anywhere in a
/// spec file, before it is parsed: they could make a description read differently than it compiles.
fn check_characters(source: &SourceFile, diagnostics: &mut Vec<Diagnostic>) {
    for (line_index, line) in source.text.split('\n').enumerate() {
        for (column_index, c) in line.chars().enumerate() {
            let problem = match c {
                '\t' | '\r' => None,
                c => character_problem(c),
            };
            if let Some(message) = problem {
                let position = Position { line: line_index + 1, column: column_index + 1 };
                diagnostics.push(Diagnostic::new(&source.path, position, message));
            }
        }
    }
}

/// What is wrong with `c` anywhere in a spec, if anything (line breaks and tabs are judged by
/// the caller).
fn character_problem(c: char) -> Option<String> {
    if is_bidi_control(c) {
        Some(format!("Unicode bidirectional control character U+{:04X} is not allowed (trojan source)", c as u32))
    } else if is_invisible_control(c) {
        Some(format!(
            "U+{:04X} (a Unicode line or paragraph separator) is not allowed: it looks like a line break but is not one",
            c as u32
        ))
    } else if c.is_control() {
        Some(format!("control character U+{:04X} is not allowed", c as u32))
    } else {
        None
    }
}

/// The same rule for a parsed value, which a YAML escape (`"\u202E"`, `"\x07"`, `"\r"`) can give
/// characters the file text does not show: one diagnostic per value, naming each character.
/// Line breaks and tabs are the descriptions' business.
fn check_value(file: &Path, text: &Text, diagnostics: &mut Vec<Diagnostic>) {
    let mut found: Vec<char> = Vec::new();
    for c in text.value.chars() {
        if !matches!(c, '\n' | '\t') && character_problem(c).is_some() && !found.contains(&c) {
            found.push(c);
        }
    }
    if found.is_empty() {
        return;
    }
    let names: Vec<String> = found
        .iter()
        .map(|&c| {
            let kind = if is_bidi_control(c) {
                "a bidirectional control: trojan source"
            } else if is_invisible_control(c) {
                "a line or paragraph separator"
            } else {
                "a control character"
            };
            format!("U+{:04X} ({kind})", c as u32)
        })
        .collect();
    let message = format!(
        "this value holds, through escapes, {} not allowed in a spec: {}",
        if names.len() == 1 { "a character" } else { "characters" },
        names.join(", ")
    );
    diagnostics.push(Diagnostic::new(file, Position::from_location(text.referenced), message));
}

/// What a type name of the spec stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum TypeKind {
    Enum,
    Complex,
    Entity,
}

/// A declared type: what it is and where it was declared.
#[derive(Clone, Debug)]
struct Declared {
    kind: TypeKind,
    at: String,
}

/// The types of the spec, filled in pass 1, so references resolve whatever the file order.
#[derive(Default)]
struct Types {
    /// By Graph name.
    declared: BTreeMap<String, Declared>,
    /// Names whose declaration was rejected (and reported): references to them are not reported
    /// again.
    rejected: BTreeSet<String>,
}

struct Validator<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
    sources: &'a [SourceFile],
    file: PathBuf,
    types: Types,
    /// Entity- or complex-valued structural properties of each entity and complex type:
    /// (property, target type, where), to find types that contain themselves (navigation
    /// properties may form cycles: they are boxed or collections).
    entity_edges: BTreeMap<String, Vec<(String, String, Position)>>,
    entity_files: BTreeMap<String, PathBuf>,
    /// Whether some file is missing (it could not be read or parsed).
    partial: bool,
}

impl<'a> Validator<'a> {
    fn new(sources: &'a [SourceFile], diagnostics: &'a mut Vec<Diagnostic>, partial: bool) -> Self {
        Validator {
            partial,
            diagnostics,
            sources,
            file: PathBuf::new(),
            types: Types::default(),
            entity_edges: BTreeMap::new(),
            entity_files: BTreeMap::new(),
        }
    }

    fn error_at(&mut self, position: Position, message: impl Into<String>) {
        let file = self.file.clone();
        self.diagnostics.push(Diagnostic::new(&file, position, message));
    }

    fn error<T>(&mut self, spanned: &Spanned<T>, message: impl Into<String>) {
        self.error_at(Position::from_location(spanned.referenced), message);
    }

    /// Where a spanned value was written.
    fn loc<T>(&self, spanned: &Spanned<T>) -> Loc {
        Loc { file: self.file.clone(), position: Position::from_location(spanned.referenced) }
    }

    /// `file:line:col` of a spanned value, for messages that mention another place.
    fn place<T>(&self, spanned: &Spanned<T>) -> String {
        let position = Position::from_location(spanned.referenced);
        format!("{}:{}:{}", self.file.display(), position.line, position.column)
    }

    /// The position of `offset` characters into the single-line scalar `raw` (plain or quoted),
    /// when the source shows `expected` there; otherwise the start of the scalar.
    fn position_in(&self, raw: &Text, offset: usize, expected: &str) -> Position {
        let start = Position::from_location(raw.referenced);
        let Some(source) = self.sources.iter().find(|s| s.path == self.file) else { return start };
        let Some(line) = source.text.lines().nth(start.line - 1) else { return start };
        let chars: Vec<char> = line.chars().collect();
        let quoted = matches!(chars.get(start.column - 1), Some('"' | '\''));
        let column = start.column + usize::from(quoted) + offset;
        let shown: String = chars.iter().skip(column - 1).take(expected.chars().count()).collect();
        if shown == expected { Position { line: start.line, column } } else { start }
    }

    /// The plain scalar written where `spanned` starts, quoted for a message.
    fn scalar_at<T>(&self, spanned: &Spanned<T>) -> String {
        let source = self.sources.iter().find(|s| s.path == self.file).map_or("", |s| s.text.as_str());
        scalar_at(source, Position::from_location(spanned.referenced))
    }

    /// `value`, or a "missing key" error at `node` (the mapping that lacks it).
    fn require<'r, T, U>(&mut self, node: &Spanned<U>, value: &'r Option<T>, key: &str, what: &str) -> Option<&'r T> {
        if value.is_none() {
            self.error(node, format!("missing key `{key}` in {what}"));
        }
        value.as_ref()
    }

    fn validate(mut self, raws: &[(PathBuf, Node<RawSpec>)]) -> Option<Spec> {
        // Pass 1: every type name, those of enums and entities first, then those the generator
        // makes from actions, so that a clash is reported at the action whatever the file order.
        let mut namespace: Option<String> = None;
        let mut base_url: Option<String> = None;
        for (file, raw) in raws {
            self.file = file.clone();
            if let Some(raw_namespace) = self.require(raw, &raw.value.namespace, "namespace", "this spec file") {
                self.check_namespace(raw_namespace, &mut namespace);
            }
            if let Some(url) = &raw.value.base_url {
                self.check_base_url(url, &mut base_url);
            }
            let enum_names = raw.value.enums.iter().filter_map(|e| e.value.name.as_ref()).map(|n| (n, TypeKind::Enum));
            let complex_names =
                raw.value.complex_types.iter().filter_map(|e| e.value.name.as_ref()).map(|n| (n, TypeKind::Complex));
            let entity_names =
                raw.value.entities.iter().filter_map(|e| e.value.name.as_ref()).map(|n| (n, TypeKind::Entity));
            for (name, kind) in enum_names.chain(complex_names).chain(entity_names) {
                self.declare_type(name, kind);
            }
        }
        let mut first_actions: BTreeMap<String, String> = BTreeMap::new();
        for (file, raw) in raws {
            self.file = file.clone();
            for action in &raw.value.operations {
                let Some(name) = &action.value.name else { continue };
                if !is_type_identifier(&name.value) {
                    self.error(
                        name,
                        format!(
                            "{} is not a valid operation name (ASCII letters and digits, starting with a letter)",
                            quote(&name.value)
                        ),
                    );
                    continue;
                }
                if first_actions.contains_key(&name.value) {
                    continue; // reported as a duplicate operation in pass 2
                }
                first_actions.insert(name.value.clone(), self.place(name));
            }
        }
        let namespace = namespace?;
        if base_url.is_none() && !self.partial {
            self.file = raws.first().map(|(file, _)| file.clone()).unwrap_or_default();
            self.error_at(Position::START, "no spec file sets `baseUrl`");
        }

        // Pass 2: everything else.
        let mut spec = Spec {
            namespace: namespace.clone(),
            base_url: base_url.unwrap_or_default(),
            enums: BTreeMap::new(),
            complex_types: BTreeMap::new(),
            entities: BTreeMap::new(),
            operations: BTreeMap::new(),
        };
        for (file, raw) in raws {
            self.file = file.clone();
            for raw_enum in &raw.value.enums {
                if let Some(enum_type) = self.enum_type(raw_enum) {
                    spec.enums.entry(enum_type.name.clone()).or_insert(enum_type);
                }
            }
            for raw_complex in &raw.value.complex_types {
                if let Some(complex) = self.complex_type(raw_complex) {
                    spec.complex_types.entry(complex.name.clone()).or_insert(complex);
                }
            }
            for raw_entity in &raw.value.entities {
                if let Some(entity) = self.entity(raw_entity, &namespace) {
                    spec.entities.entry(entity.name.clone()).or_insert(entity);
                }
            }
            for raw_action in &raw.value.operations {
                if let Some(name) = &raw_action.value.name
                    && let Some(first) = first_actions.get(&name.value)
                    && *first != self.place(name)
                {
                    self.error(name, format!("duplicate operation {} (first declared at {first})", quote(&name.value)));
                    continue;
                }
                if let Some(action) = self.action(raw_action) {
                    spec.operations.insert(action.name.clone(), action);
                }
            }
        }
        self.check_recursion();
        self.check_observers(&spec);
        Some(spec)
    }

    fn check_namespace(&mut self, raw: &Text, namespace: &mut Option<String>) {
        if !raw.value.split('.').all(is_type_identifier) {
            self.error(raw, format!("{} is not a namespace (dot-separated identifiers)", quote(&raw.value)));
        }
        match namespace {
            Some(existing) if *existing != raw.value => {
                self.error(
                    raw,
                    format!("namespace {} differs from `{existing}` in another spec file", quote(&raw.value)),
                );
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
            self.error(
                raw,
                format!("{} is not a base URL (http(s)://host/path, no query, no trailing `/`)", quote(url)),
            );
        }
        match base_url {
            Some(existing) if existing != url => {
                self.error(raw, format!("baseUrl {} differs from `{existing}` in another spec file", quote(url)));
            }
            _ => *base_url = Some(url.to_owned()),
        }
    }

    /// Why `name` cannot name a type, if it cannot.
    fn type_name_problem(&self, name: &str) -> Option<String> {
        if !is_type_identifier(name) {
            return Some(format!(
                "{} is not a valid type name (ASCII letters and digits, starting with a letter)",
                quote(name)
            ));
        }
        None
    }

    fn declare_type(&mut self, at: &Text, kind: TypeKind) {
        let name = at.value.as_str();
        if let Some(problem) = self.type_name_problem(name) {
            self.error(at, problem);
            self.types.rejected.insert(name.to_owned());
            return;
        }
        if let Some(first) = self.types.declared.get(name) {
            let message = format!("duplicate type `{name}` (first declared at {})", first.at);
            self.error(at, message);
            self.types.rejected.insert(name.to_owned());
            return;
        }
        let at = self.place(at);
        self.types.declared.insert(name.to_owned(), Declared { kind, at });
    }

    /// A required description: not empty, and nothing rustdoc would turn into code.
    fn description<U>(&mut self, node: &Spanned<U>, raw: &Option<Text>, what: &str) -> String {
        match self.require(node, raw, "description", what) {
            Some(raw) => self.description_text(raw),
            None => String::new(),
        }
    }

    fn description_text(&mut self, raw: &Text) -> String {
        let text = raw.value.trim();
        if text.is_empty() {
            self.error(raw, "description is empty; every generated item is documented from the spec");
        }
        if text.contains("```") || text.contains("~~~") {
            self.error(
                raw,
                "a description may not contain a code fence (``` or ~~~): descriptions become rustdoc, where \
                 a fenced block is a doctest that `cargo test` compiles and runs; use `inline code` instead",
            );
        }
        if text.contains('\t') {
            self.error(
                raw,
                "a description may not contain tabs: in rustdoc a tab-indented line starts a code block, which \
                 `cargo test` runs as a doctest",
            );
        }
        text.to_owned()
    }

    fn enum_type(&mut self, node: &Node<RawEnum>) -> Option<EnumType> {
        let raw = &node.value;
        let name = self.require(node, &raw.name, "name", "this enum");
        let what = name.map_or_else(|| "this enum".to_owned(), |n| format!("enum {}", quote(&n.value)));
        let description = self.description(node, &raw.description, &what);
        let evolvable = self.require(node, &raw.evolvable, "evolvable", &what).copied();
        let raw_members = self.require(node, &raw.members, "members", &what).map_or(&[][..], Vec::as_slice);
        if raw.members.as_ref().is_some_and(Vec::is_empty) {
            self.error(node, format!("{what} has no members"));
        }
        let mut names = BTreeSet::new();
        let mut values: BTreeMap<i64, String> = BTreeMap::new();
        let mut members = Vec::new();
        for member_node in raw_members {
            let member = &member_node.value;
            let member_name = self.require(member_node, &member.name, "name", &format!("a member of {what}"));
            let member_what = member_name
                .map_or_else(|| format!("a member of {what}"), |n| format!("member {} of {what}", quote(&n.value)));
            let member_description = self.description(member_node, &member.description, &member_what);
            let value = match (&member.value, &member.unpublished) {
                (Some(value), Some(_)) => {
                    self.error(value, format!("{member_what} has both `value` and `unpublished`; give one"));
                    None
                }
                (None, None) => {
                    self.error(
                        member_node,
                        format!(
                            "missing key `value` in {member_what} (or `unpublished`, saying why the metadata gives none)"
                        ),
                    );
                    None
                }
                (None, Some(note)) => Some(MemberValue::Unpublished(self.description_text(note))),
                (Some(value), None) => match i32::try_from(value.value) {
                    Ok(number) => {
                        let name = member_name.map_or_else(String::new, |n| n.value.clone());
                        if let Some(other) = values.insert(value.value, name.clone()) {
                            self.error(value, format!("members `{name}` and `{other}` have the same value {number}"));
                            None
                        } else {
                            Some(MemberValue::Published(number))
                        }
                    }
                    Err(_) => {
                        self.error(value, format!("value {} of {member_what} is outside Int32", value.value));
                        None
                    }
                },
            };
            let Some(member_name) = member_name else { continue };
            let name = &member_name.value;
            if !is_graph_identifier(name) {
                self.error(member_name, format!("{} is not a valid Graph identifier", quote(name)));
                continue;
            }
            if !names.insert(name.clone()) {
                self.error(member_name, format!("duplicate member `{name}` in {what}"));
                continue;
            }
            let Some(value) = value else { continue };
            members.push(EnumMember {
                name: name.clone(),
                at: self.loc(member_name),
                value,
                description: member_description,
            });
        }
        let name = name?;
        Some(EnumType { name: name.value.clone(), at: self.loc(name), description, evolvable: evolvable?, members })
    }

    fn complex_type(&mut self, node: &Node<RawComplexType>) -> Option<ComplexType> {
        let raw = &node.value;
        let name = self.require(node, &raw.name, "name", "this complex type");
        let what = name.map_or_else(|| "this complex type".to_owned(), |n| format!("complex type {}", quote(&n.value)));
        let description = self.description(node, &raw.description, &what);
        let raw_properties = self.require(node, &raw.properties, "properties", &what).map_or(&[][..], Vec::as_slice);
        let properties = self.properties(raw_properties, &what, name.map(|n| n.value.as_str()));
        if let Some(name) = name {
            self.entity_files.insert(name.value.clone(), self.file.clone());
        }
        let name = name?;
        Some(ComplexType { name: name.value.clone(), at: self.loc(name), description, properties })
    }

    fn entity(&mut self, node: &Node<RawEntity>, namespace: &str) -> Option<Entity> {
        let raw = &node.value;
        let name = self.require(node, &raw.name, "name", "this entity");
        let what = name.map_or_else(|| "this entity".to_owned(), |n| format!("entity {}", quote(&n.value)));
        let description = self.description(node, &raw.description, &what);
        let odata_type = self.require(node, &raw.odata_type, "odataType", &what);
        let key = self.require(node, &raw.key, "key", &what);
        let raw_properties = self.require(node, &raw.properties, "properties", &what).map_or(&[][..], Vec::as_slice);
        if let (Some(name), Some(odata_type)) = (name, odata_type) {
            let expected = format!("#{namespace}.{}", name.value);
            if odata_type.value != expected {
                self.error(odata_type, format!("odataType {} should be `{expected}`", quote(&odata_type.value)));
            }
        }
        let properties = self.properties(raw_properties, &what, name.map(|n| n.value.as_str()));
        let navigation = self.navigation(&raw.navigation, &what, &properties);
        if let Some(key) = key {
            let declared = raw_properties.iter().any(|p| p.value.name.as_ref().is_some_and(|n| n.value == key.value));
            match properties.iter().find(|p| p.name == key.value) {
                _ if !declared => {
                    self.error(key, format!("key {} is not a property of {what}", quote(&key.value)));
                }
                Some(property)
                    if property.nullability.accepts_null() || !matches!(property.type_ref, TypeRef::Primitive(_)) =>
                {
                    self.error(key, format!("key {} must be a non-nullable primitive property", quote(&key.value)));
                }
                _ => {} // a key property with a problem of its own is reported there
            }
        }
        if let Some(name) = name {
            self.entity_files.insert(name.value.clone(), self.file.clone());
        }
        let name = name?;
        Some(Entity {
            name: name.value.clone(),
            at: self.loc(name),
            description,
            odata_type: odata_type?.value.clone(),
            key: key?.value.clone(),
            properties,
            navigation,
        })
    }

    /// An entity's navigation properties: names unique among all its properties, targets
    /// entities of the spec.
    fn navigation(
        &mut self,
        nodes: &[Node<super::raw::RawNavigation>],
        owner: &str,
        properties: &[Property],
    ) -> Vec<Navigation> {
        let mut names: BTreeSet<String> = properties.iter().map(|p| p.name.clone()).collect();
        let mut out = Vec::new();
        for node in nodes {
            let raw = &node.value;
            let name = self.require(node, &raw.name, "name", &format!("a navigation property of {owner}"));
            let what = name.map_or_else(
                || format!("a navigation property of {owner}"),
                |n| format!("navigation property {} of {owner}", quote(&n.value)),
            );
            let description = self.description(node, &raw.description, &what);
            let type_name = self.require(node, &raw.type_name, "type", &what);
            let target = type_name.and_then(|t| {
                let type_ref = self.type_ref(t)?;
                let (collection, inner) = match &type_ref {
                    TypeRef::Collection(inner) => (true, inner.as_ref()),
                    other => (false, other),
                };
                match inner {
                    TypeRef::Entity(target) => Some((target.clone(), collection)),
                    _ => {
                        self.error(t, format!("{what} must target an entity of this spec, or a collection of one"));
                        None
                    }
                }
            });
            let Some(name) = name else { continue };
            if !is_graph_identifier(&name.value) {
                self.error(name, format!("{} is not a valid Graph identifier", quote(&name.value)));
                continue;
            }
            if !names.insert(name.value.clone()) {
                self.error(name, format!("duplicate property `{}` in {owner}", name.value));
                continue;
            }
            let Some((target, collection)) = target else { continue };
            out.push(Navigation { name: name.value.clone(), at: self.loc(name), target, collection, description });
        }
        out
    }

    /// Properties of an entity or complex type (`owner_type` names it), or request body
    /// parameters.
    fn properties(&mut self, nodes: &[Node<RawProperty>], owner: &str, owner_type: Option<&str>) -> Vec<Property> {
        let mut names = BTreeSet::new();
        let mut properties = Vec::new();
        for node in nodes {
            let raw = &node.value;
            let name = self.require(node, &raw.name, "name", &format!("a property of {owner}"));
            let what = name.map_or_else(
                || format!("a property of {owner}"),
                |n| format!("property {} of {owner}", quote(&n.value)),
            );
            let description = self.description(node, &raw.description, &what);
            let type_name = self.require(node, &raw.type_name, "type", &what);
            let nullability = self.require(node, &raw.nullable, "nullable", &what).and_then(|raw| match raw.value {
                RawNullable::Known(true) => Some(Nullability::Nullable),
                RawNullable::Known(false) => Some(Nullability::NotNullable),
                RawNullable::NotEstablished => Some(Nullability::NotEstablished),
                RawNullable::Invalid => {
                    let found = self.scalar_at(raw);
                    self.error(raw, format!("expected `true`, `false` or `notEstablished`, found {found}"));
                    None
                }
            });
            let type_ref = type_name.and_then(|t| self.type_ref(t));
            let Some(name) = name else { continue };
            if !is_graph_identifier(&name.value) {
                self.error(name, format!("{} is not a valid Graph identifier", quote(&name.value)));
                continue;
            }
            let name_text = name.value.clone();
            if !names.insert(name_text.clone()) {
                self.error(name, format!("duplicate property `{name_text}` in {owner}"));
                continue;
            }
            if let (Some(owner_type), Some(TypeRef::Entity(target) | TypeRef::Complex(target))) =
                (owner_type, type_ref.as_ref().map(strip_collection))
            {
                let position = Position::from_location(name.referenced);
                self.entity_edges.entry(owner_type.to_owned()).or_default().push((
                    name_text.clone(),
                    target.clone(),
                    position,
                ));
            }
            if let (Some(type_ref), Some(nullability)) = (type_ref, nullability) {
                properties.push(Property {
                    name: name_text,
                    at: self.loc(name),
                    type_ref,
                    nullability,
                    read_only: raw.read_only.unwrap_or(false),
                    description,
                });
            }
        }
        properties
    }

    fn type_ref(&mut self, raw: &Text) -> Option<TypeRef> {
        let text = raw.value.as_str();
        if let Some(inner) = text.strip_prefix("Collection(").and_then(|rest| rest.strip_suffix(')')) {
            if inner.starts_with("Collection(") {
                self.error(raw, "collections of collections are not supported");
                return None;
            }
            return self.named_type(raw, inner).map(|t| TypeRef::Collection(Box::new(t)));
        }
        self.named_type(raw, text)
    }

    fn named_type(&mut self, raw: &Text, name: &str) -> Option<TypeRef> {
        if let Some((_, primitive)) = Primitive::ALL.iter().find(|(edm, _)| *edm == name) {
            return Some(TypeRef::Primitive(*primitive));
        }
        if self.types.rejected.contains(name) {
            return None; // its declaration was reported
        }
        match self.types.declared.get(name).map(|d| &d.kind) {
            Some(TypeKind::Enum) => Some(TypeRef::Enum(name.to_owned())),
            Some(TypeKind::Complex) => Some(TypeRef::Complex(name.to_owned())),
            Some(TypeKind::Entity) => Some(TypeRef::Entity(name.to_owned())),
            None if self.partial => None, // it may be declared in the file that did not parse
            None => {
                let supported: Vec<&str> = Primitive::ALL.iter().map(|(edm, _)| *edm).collect();
                self.error(
                    raw,
                    format!(
                        "unknown type {}: not an enum, complex type or entity of this spec, nor a supported EDM type ({})",
                        quote(name),
                        supported.join(", ")
                    ),
                );
                None
            }
        }
    }

    fn action(&mut self, node: &Node<RawAction>) -> Option<Operation> {
        let raw = &node.value;
        let name = self.require(node, &raw.name, "name", "this operation");
        let what = name.map_or_else(|| "this operation".to_owned(), |n| format!("operation {}", quote(&n.value)));
        let kind = self.require(node, &raw.kind, "kind", &what).map(|kind| match kind.value {
            RawOperationKind::Action => OperationKind::Action,
            RawOperationKind::Route => OperationKind::Route,
        });
        let description = self.description(node, &raw.description, &what);
        let method = self.require(node, &raw.method, "method", &what).and_then(|method| {
            let found = HttpMethod::ALL.iter().find(|(name, _)| *name == method.value).map(|(_, m)| *m);
            if found.is_none() {
                let names: Vec<&str> = HttpMethod::ALL.iter().map(|(name, _)| *name).collect();
                self.error(
                    method,
                    format!("{} is not an HTTP method; expected one of {}", quote(&method.value), names.join(", ")),
                );
            }
            found
        });
        let path = self.require(node, &raw.path, "path", &what);
        let path_segments = path.map(|path| self.path_template(path)).unwrap_or_default();
        let path_parameters = self.path_parameters(&raw.path_parameters, path, &path_segments, &what);
        let query_options = self.query_options(&raw.query_options);
        let request_body = raw.request_body.as_ref().and_then(|body| self.request_body(body, &what, kind));
        let response = self.require(node, &raw.response, "response", &what).and_then(|r| self.response(r, &what));
        let permissions = self.require(node, &raw.permissions, "permissions", &what).map(|node| {
            let raw = &node.value;
            let what = format!("the permissions of {what}");
            let delegated_work = self.require(node, &raw.delegated_work, "delegatedWork", &what);
            let delegated_personal = self.require(node, &raw.delegated_personal, "delegatedPersonal", &what);
            let application = self.require(node, &raw.application, "application", &what);
            Permissions {
                delegated_work: self.permission_list(delegated_work),
                delegated_personal: self.permission_list(delegated_personal),
                application: self.permission_list(application),
            }
        });
        let permissions_note = raw.permissions_note.as_ref().map(|note| self.description_text(note));
        let semantics = self.semantics(node, &what);
        let name = name?;
        Some(Operation {
            name: name.value.clone(),
            at: self.loc(name),
            kind: kind?,
            query_options,
            description,
            method: method?,
            path: path?.value.clone(),
            path_segments,
            path_parameters,
            request_body,
            response: response?,
            permissions: permissions?,
            permissions_note,
            semantics: semantics?,
        })
    }

    fn semantics(&mut self, node: &Node<RawAction>, what: &str) -> Option<Semantics> {
        let raw = &node.value;
        let kind = self.require(node, &raw.semantics, "semantics", what)?.value;
        if kind != RawSemantics::Write {
            for (key, value) in [("observedBy", &raw.observed_by), ("effect", &raw.effect)] {
                if let Some(value) = value {
                    self.error(value, format!("`{key}` belongs to a `write`; {what} is not one"));
                }
            }
        }
        Some(match kind {
            RawSemantics::ReadOnly => Semantics::ReadOnly,
            RawSemantics::Idempotent => Semantics::Idempotent,
            RawSemantics::Write => {
                let observed_by = self.require(node, &raw.observed_by, "observedBy", what);
                let effect = self.require(node, &raw.effect, "effect", what);
                let (observed_by, effect) = (observed_by?, effect?);
                Semantics::Write {
                    observed_by: observed_by.value.clone(),
                    at: self.loc(observed_by),
                    effect: self.description_text(effect),
                }
            }
        })
    }

    /// Each write's `observedBy` names a read-only operation of the spec.
    fn check_observers(&mut self, spec: &Spec) {
        for operation in spec.operations.values() {
            let Semantics::Write { observed_by, at, .. } = &operation.semantics else { continue };
            let problem = match spec.operations.get(observed_by) {
                None => format!("`observedBy` names {}, which is not an operation of this spec", quote(observed_by)),
                Some(read) if read.semantics != Semantics::ReadOnly => {
                    format!("`observedBy` names {}, which is not `readOnly`", quote(observed_by))
                }
                Some(_) => continue,
            };
            self.diagnostics.push(Diagnostic::new(&at.file, at.position, problem));
        }
    }

    fn path_parameters(
        &mut self,
        nodes: &[Node<RawPathParameter>],
        path: Option<&Text>,
        path_segments: &[PathSegment],
        what: &str,
    ) -> Vec<PathParameter> {
        let mut parameters = Vec::new();
        let mut declared = BTreeSet::new();
        for node in nodes {
            let raw = &node.value;
            let name = self.require(node, &raw.name, "name", &format!("a path parameter of {what}"));
            let parameter_what = name.map_or_else(
                || format!("a path parameter of {what}"),
                |n| format!("path parameter {} of {what}", quote(&n.value)),
            );
            let description = self.description(node, &raw.description, &parameter_what);
            let type_name = self.require(node, &raw.type_name, "type", &parameter_what);
            if let Some(type_name) = type_name {
                let type_ref = self.type_ref(type_name);
                if type_ref.is_some() && type_ref != Some(TypeRef::Primitive(Primitive::String)) {
                    self.error(type_name, "path parameters must be `Edm.String`");
                }
            }
            let Some(name) = name else { continue };
            let name_text = &name.value;
            if !is_graph_identifier(name_text) {
                self.error(name, format!("{} is not a valid Graph identifier", quote(name_text)));
                continue;
            }
            if !declared.insert(name_text.clone()) {
                self.error(name, format!("duplicate path parameter `{name_text}`"));
                continue;
            }
            if path.is_some() && !path_segments.iter().any(|s| matches!(s, PathSegment::Parameter(p) if p == name_text))
            {
                self.error(name, format!("path parameter `{name_text}` is declared but not used in the path"));
            }
            parameters.push(PathParameter { name: name_text.clone(), at: self.loc(name), description });
        }
        if let Some(path) = path {
            for segment in path_segments {
                if let PathSegment::Parameter(name) = segment
                    && !declared.contains(name)
                {
                    let placeholder = format!("{{{name}}}");
                    let offset = path.value.find(&placeholder).map_or(0, |at| path.value[..at].chars().count());
                    let position = self.position_in(path, offset, &placeholder);
                    self.error_at(
                        position,
                        format!("path parameter `{placeholder}` is not declared in pathParameters"),
                    );
                }
            }
        }
        parameters
            .sort_by_key(|p| path_segments.iter().position(|s| matches!(s, PathSegment::Parameter(n) if *n == p.name)));
        parameters
    }

    fn query_options(&mut self, raws: &[Text]) -> Vec<QueryOption> {
        let mut options = Vec::new();
        for raw in raws {
            match QueryOption::ALL.iter().find(|(name, _)| *name == raw.value) {
                Some((_, option)) if options.contains(option) => {
                    self.error(raw, format!("query option `{}` is listed twice", raw.value));
                }
                Some((_, option)) => options.push(*option),
                None => {
                    let names: Vec<&str> = QueryOption::ALL.iter().map(|(name, _)| *name).collect();
                    self.error(
                        raw,
                        format!(
                            "{} is not a query option; expected one of {} (without `$`)",
                            quote(&raw.value),
                            names.join(", ")
                        ),
                    );
                }
            }
        }
        options.sort();
        options
    }

    fn request_body(
        &mut self,
        node: &Node<RawRequestBody>,
        operation: &str,
        kind: Option<OperationKind>,
    ) -> Option<RequestBody> {
        let raw = &node.value;
        let what = format!("the request body of {operation}");
        let description = self.description(node, &raw.description, &what);
        match (&raw.parameters, &raw.type_name) {
            (Some(_), Some(type_name)) => {
                self.error(type_name, format!("{what} has both `parameters` and `type`; give one"));
                None
            }
            (None, None) => {
                self.error(node, format!("missing key `parameters` (or `type`) in {what}"));
                None
            }
            (Some(parameters), None) => {
                if parameters.is_empty() {
                    self.error(node, "a request body needs at least one parameter; leave `requestBody` out instead");
                }
                if kind == Some(OperationKind::Route) {
                    self.error(node, format!("{what}: only actions take parameters; a route's body is a `type`"));
                }
                Some(RequestBody::Parameters { description, parameters: self.properties(parameters, &what, None) })
            }
            (None, Some(type_name)) => {
                let type_ref = self.type_ref(type_name)?;
                if !matches!(type_ref, TypeRef::Entity(_) | TypeRef::Complex(_)) {
                    self.error(type_name, format!("{what} must be an entity or complex type of this spec"));
                    return None;
                }
                Some(RequestBody::Type { description, type_ref })
            }
        }
    }

    fn response(&mut self, node: &Node<RawResponse>, operation: &str) -> Option<Response> {
        let raw = &node.value;
        let what = format!("the response of {operation}");
        let kind = self.require(node, &raw.kind, "kind", &what);
        let description = self.description(node, &raw.description, &what);
        let kind = match kind?.value {
            RawResponseKind::Single => ResponseKind::Single,
            RawResponseKind::Collection => ResponseKind::Collection,
            RawResponseKind::None => ResponseKind::None,
            RawResponseKind::Count => ResponseKind::Count,
        };
        if matches!(kind, ResponseKind::None | ResponseKind::Count) {
            if let Some(type_name) = &raw.type_name {
                let shape =
                    if kind == ResponseKind::None { "`none` (no content)" } else { "`count` (a text/plain integer)" };
                self.error(type_name, format!("{what} is {shape} and has no type"));
            }
            return Some(Response { kind, type_ref: None, description });
        }
        let type_name = self.require(node, &raw.type_name, "type", &what)?;
        let type_ref = self.type_ref(type_name)?;
        match (&type_ref, kind) {
            (TypeRef::Collection(_), _) => {
                self.error(type_name, format!("{what}: a collection is `kind: collection` of its element type"));
                None
            }
            (TypeRef::Enum(_), _) => {
                self.error(type_name, format!("{what} cannot be an enum"));
                None
            }
            (TypeRef::Primitive(_), ResponseKind::Collection) => {
                self.error(type_name, format!("{what}: a collection response is of an entity or complex type"));
                None
            }
            _ => Some(Response { kind, type_ref: Some(type_ref), description }),
        }
    }

    fn path_template(&mut self, raw: &Text) -> Vec<PathSegment> {
        let path = raw.value.as_str();
        let Some(rest) = path.strip_prefix('/') else {
            self.error(raw, "the path must start with `/`");
            return Vec::new();
        };
        let mut segments = Vec::new();
        let mut offset = 1; // in characters, past the leading `/`
        for segment in rest.split('/') {
            let position = self.position_in(raw, offset, segment);
            offset += segment.chars().count() + 1;
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                if !is_graph_identifier(name) {
                    self.error_at(
                        position,
                        format!("path parameter {} is not a valid Graph identifier", quote(segment)),
                    );
                } else if segments.iter().any(|s| matches!(s, PathSegment::Parameter(p) if p == name)) {
                    self.error_at(position, format!("path parameter `{{{name}}}` is used twice"));
                } else {
                    segments.push(PathSegment::Parameter(name.to_owned()));
                }
            } else if segment.is_empty() || segment == "." || segment == ".." {
                self.error_at(position, format!("the path {} has an empty or dot segment", quote(path)));
            } else if !segment.chars().all(|c| c.is_ascii_alphanumeric() || "-._~$".contains(c)) {
                self.error_at(
                    position,
                    format!(
                        "path segment {} may only hold letters, digits and `-._~$` (a parameter is a whole `{{name}}` segment)",
                        quote(segment)
                    ),
                );
            } else {
                segments.push(PathSegment::Literal(segment.to_owned()));
            }
        }
        segments
    }

    fn permission_list(&mut self, raws: Option<&Vec<Text>>) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for raw in raws.map_or(&[][..], Vec::as_slice) {
            let name = raw.value.as_str();
            let valid =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-');
            if !valid {
                self.error(raw, format!("{} is not a permission name", quote(name)));
            } else if !seen.insert(name.to_owned()) {
                self.error(raw, format!("permission `{name}` is listed twice"));
            } else {
                out.push(name.to_owned());
            }
        }
        out
    }

    /// A type that contains itself through structural properties, directly or through others,
    /// would be a Rust type of infinite size: each property on such a cycle is reported
    /// (navigation properties may form cycles).
    fn check_recursion(&mut self) {
        let edges = std::mem::take(&mut self.entity_edges);
        for (entity, properties) in &edges {
            for (property, target, position) in properties {
                let Some(cycle) = path_between(&edges, target, entity) else { continue };
                let mut chain = vec![entity.as_str()];
                chain.extend(cycle.iter().map(String::as_str));
                self.file = self.entity_files.get(entity).cloned().unwrap_or_default();
                self.error_at(
                    *position,
                    format!(
                        "property `{property}` makes `{entity}` contain itself ({}); only navigation properties may form cycles",
                        chain.join(" -> ")
                    ),
                );
            }
        }
    }
}

/// The entities from `from` to `to` following entity-valued properties (both ends included), if
/// `to` can be reached.
fn path_between(
    edges: &BTreeMap<String, Vec<(String, String, Position)>>,
    from: &str,
    to: &str,
) -> Option<Vec<String>> {
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(current) = queue.pop_front() {
        if current == to {
            let mut path = vec![current.to_owned()];
            let mut at = current;
            while let Some(before) = previous.get(at) {
                path.push((*before).to_owned());
                at = before;
            }
            path.reverse();
            return Some(path);
        }
        for (_, next, _) in edges.get(current).map_or(&[][..], Vec::as_slice) {
            if seen.insert(next.as_str()) {
                previous.insert(next.as_str(), current);
                queue.push_back(next.as_str());
            }
        }
    }
    None
}

/// The element type of a collection, or the type itself.
fn strip_collection(type_ref: &TypeRef) -> &TypeRef {
    match type_ref {
        TypeRef::Collection(inner) => strip_collection(inner),
        other => other,
    }
}
