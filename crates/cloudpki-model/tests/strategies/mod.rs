//! Proptest strategies driven by the committed JSON Schema files: [`payload`] walks a type's
//! schema (`schema/<stem>.json`) and generates arbitrary JSON values that the schema accepts,
//! so that every public type in the registry gets a strategy without code of its own.
//! [`write_json`] writes such a value as text with random whitespace, key order and escapes.
//!
//! # What the walk generates
//!
//! - `type: "object"`: a random subset of `properties` (all of `required`), each value from its
//!   sub-schema, plus unknown properties (unless `additionalProperties: false`): OData
//!   annotations (`@odata.type`, `x@odata.context`, `<property>@odata.type`, ...), plausible
//!   names, names of properties of the *other* object types of the file (the likeliest
//!   confusions), near misses of the known names and arbitrary text, each with an arbitrary
//!   JSON value. `not: {"required": [...]}` removes those names; `propertyNames` and
//!   `patternProperties` are honoured.
//! - `type: [T, "null"]` and `anyOf` with `{"type": "null"}`: sometimes `null`; `anyOf`: one
//!   branch (the parent's other keywords apply to it); `allOf`: its schemas merged;
//!   `$ref: "#/$defs/X"`: the root file's `$defs`.
//! - Enumerations (an `anyOf` of `const`s or an `enum`, and a plain `type: "string"`): the known members, and
//!   for the plain branch names no member has (camelCase identifiers, near misses such as
//!   `Active` or ` active`, arbitrary text).
//! - Arrays: 0 to 3 items (within `minItems`/`maxItems`).
//! - Strings by `format`: `date-time` ([`date_time_text`]: 0 to 9 fractional digits, `T`/`t`,
//!   `Z`/`z`/offsets, `-00:00` included), `uuid` (either case), `date` (days that exist),
//!   `duration` ([`duration_text`]), `contentEncoding: base64` (either alphabet, padded or not);
//!   any other `pattern` (`Edm.TimeOfDay`) by its regular expression; plain strings are any
//!   Unicode text (controls, quotes, astral planes).
//! - Integers within `minimum`/`maximum` (the edges often), always written as integers; numbers
//!   (`Edm.Double`) as integers, any finite `f64` and the floats of past findings; `enum`s and
//!   `const`s as listed (`"NaN"`, `"INF"`, `"-INF"`).
//!
//! Recursion is bounded: every object and array level spends one unit of [`MAX_DEPTH`]; at the
//! bottom, objects get their required properties only and arrays are empty. A keyword the walk
//! does not know (`oneOf`, `minLength`, a new `format`, ...) panics with its location, so a
//! schema the strategies cannot follow fails the tests instead of being half-tested.
//!
//! # Numbers
//!
//! Floats are any finite `f64`: the model crate enables `serde_json`'s `float_roundtrip`, so they
//! come back exactly after being written as text and read again (fuzz finding 1, see
//! `float_in_unknown_property_survives_a_text_round_trip` in `properties.rs`).
#![allow(dead_code)] // Each test binary uses a different part.

use std::collections::BTreeSet;
use std::sync::Arc;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Union;
use serde_json::{Map, Number, Value};

/// How many object and array levels a generated payload has at most.
pub const MAX_DEPTH: u32 = 5;

/// Keywords that only describe: the walk ignores them (and vendor extensions, `x-...`).
const ANNOTATIONS: &[&str] = &[
    "$comment",
    "$schema",
    "$defs",
    "$id",
    "title",
    "description",
    "readOnly",
    "writeOnly",
    "deprecated",
    "default",
    "examples",
    "contentMediaType",
];

/// Whether a keyword only describes: one of [`ANNOTATIONS`], or a vendor extension (`x-...`).
fn is_annotation(keyword: &str) -> bool {
    ANNOTATIONS.contains(&keyword) || keyword.starts_with("x-")
}

// ---------------------------------------------------------------------------------------------
// Schema-driven payloads
// ---------------------------------------------------------------------------------------------

/// Arbitrary JSON values that `schema_file` (a committed schema file, with its `$defs`) accepts.
///
/// # Panics
///
/// When the schema uses a keyword or form the walk does not know; the message names where.
pub fn payload(schema_file: &Value) -> BoxedStrategy<Value> {
    let walker = Walker::new(schema_file);
    walker.walk(schema_file, MAX_DEPTH, &Context::root())
}

/// The names of the `const` members of a schema that is an enumeration (an `anyOf` of `const`s,
/// possibly behind `$ref`s), or `None` when it is not one.
pub fn enum_members(schema_file: &Value) -> Option<Vec<String>> {
    let walker = Walker::new(schema_file);
    let mut schema = schema_file;
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => schema = walker.resolve(reference, "$"),
            None => break,
        }
    }
    let members = members_of(schema.get("anyOf")?.as_array()?);
    (!members.is_empty()).then_some(members)
}

/// The string members listed by the branches of an `anyOf` (`const`s and `enum`s).
fn members_of(branches: &[Value]) -> Vec<String> {
    let mut members = Vec::new();
    for branch in branches {
        if let Some(member) = branch.get("const").and_then(Value::as_str) {
            members.push(member.to_owned());
        }
        if let Some(listed) = branch.get("enum").and_then(Value::as_array) {
            members.extend(listed.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    members
}

/// What a walk carries down from the schemas around the current one.
#[derive(Clone, Debug, Default)]
struct Context {
    /// Where in the schema file, for panics: `$.properties.value.items`.
    at: String,
    /// Property names the object must not have (`not: {"required": [...]}`).
    forbidden: BTreeSet<String>,
    /// The `const` members of the enclosing `anyOf`: a plain string branch then stands for the
    /// members this version does not know.
    members: Option<Arc<Vec<String>>>,
}

impl Context {
    fn root() -> Context {
        Context { at: "$".to_owned(), ..Context::default() }
    }

    fn child(&self, step: &str) -> Context {
        Context { at: format!("{}.{step}", self.at), forbidden: BTreeSet::new(), members: None }
    }
}

/// Walks one schema file.
struct Walker {
    /// The file's `$defs`.
    defs: Map<String, Value>,
    /// Every property name of every object schema in the file.
    property_names: Arc<BTreeSet<String>>,
}

impl Walker {
    fn new(schema_file: &Value) -> Walker {
        let defs = schema_file.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
        let mut property_names = BTreeSet::new();
        collect_property_names(schema_file, &mut property_names);
        Walker { defs, property_names: Arc::new(property_names) }
    }

    fn resolve(&self, reference: &str, at: &str) -> &Value {
        let name = reference
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("{at}: only `#/$defs/...` references are supported, not {reference}"));
        self.defs.get(name).unwrap_or_else(|| panic!("{at}: {reference} is not in the file's $defs"))
    }

    fn walk(&self, schema: &Value, depth: u32, context: &Context) -> BoxedStrategy<Value> {
        let object = match schema {
            Value::Bool(true) => return json_value(),
            Value::Object(object) => object,
            other => panic!("{}: a schema is an object or `true`, not {other}", context.at),
        };
        let mut object = object.clone();
        object.retain(|key, _| !is_annotation(key));
        let mut context = context.clone();

        // `not: {"required": [...]}` (optionally with `propertyNames`: "not all of these, with
        // only such names"): generated objects never have those names, which is enough.
        if let Some(not) = object.remove("not") {
            let names = not
                .as_object()
                .filter(|not| not.keys().all(|key| key == "required" || key == "propertyNames"))
                .and_then(|not| not.get("required"))
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{}: only `not: {{\"required\": [...]}}` is supported", context.at));
            context.forbidden.extend(names.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        // `allOf`: merged into one schema.
        if let Some(all_of) = object.remove("allOf") {
            let parts = all_of.as_array().unwrap_or_else(|| panic!("{}: allOf is an array", context.at));
            for (i, part) in parts.iter().enumerate() {
                let part = self.inline(part, &format!("{}.allOf[{i}]", context.at));
                object = merge(&object, &part, &context.at);
            }
            return self.walk(&Value::Object(object), depth, &context);
        }
        // `$ref`: the definition, with this schema's other keywords.
        if let Some(reference) = object.remove("$ref") {
            let reference = reference.as_str().unwrap_or_else(|| panic!("{}: $ref is a string", context.at));
            let target = self.resolve(reference, &context.at).clone();
            let merged = match &target {
                Value::Object(target) => merge(target, &object, &context.at),
                other => panic!("{}: {reference} is not an object schema: {other}", context.at),
            };
            context.at = format!("{}({reference})", context.at);
            return self.walk(&Value::Object(merged), depth, &context);
        }
        // `anyOf`: one branch, with the parent's other keywords.
        if let Some(any_of) = object.remove("anyOf") {
            let branches = any_of.as_array().unwrap_or_else(|| panic!("{}: anyOf is an array", context.at));
            let members = members_of(branches);
            let members = (!members.is_empty()).then(|| Arc::new(members));
            let choices: Vec<(u32, BoxedStrategy<Value>)> = branches
                .iter()
                .enumerate()
                .map(|(i, branch)| {
                    let branch_context = Context {
                        at: format!("{}.anyOf[{i}]", context.at),
                        forbidden: context.forbidden.clone(),
                        members: members.clone(),
                    };
                    let branch = match branch {
                        Value::Object(branch) => merge(&object, branch, &branch_context.at),
                        other => panic!("{}: an anyOf branch is an object, not {other}", branch_context.at),
                    };
                    let weight = if branch.get("type") == Some(&Value::from("null")) { 1 } else { 2 };
                    (weight, self.walk(&Value::Object(branch), depth, &branch_context))
                })
                .collect();
            assert!(!choices.is_empty(), "{}: anyOf is empty", context.at);
            return Union::new_weighted(choices).boxed();
        }
        if let Some(value) = object.remove("const") {
            check_no_keywords_but(&object, &["type"], &context.at);
            return Just(value).boxed();
        }
        if let Some(values) = object.remove("enum") {
            check_no_keywords_but(&object, &["type"], &context.at);
            let values = values.as_array().cloned().unwrap_or_else(|| panic!("{}: enum is an array", context.at));
            return select(values).boxed();
        }

        let types: Vec<String> = match object.remove("type") {
            Some(Value::String(name)) => vec![name],
            Some(Value::Array(names)) => names
                .iter()
                .map(|name| name.as_str().map(str::to_owned).unwrap_or_else(|| panic!("{}: bad type", context.at)))
                .collect(),
            Some(other) => panic!("{}: bad type {other}", context.at),
            None if ["properties", "additionalProperties", "required"].iter().any(|k| object.contains_key(*k)) => {
                vec!["object".to_owned()]
            }
            None if object.contains_key("items") => vec!["array".to_owned()],
            None => {
                check_no_keywords_but(&object, &[], &context.at);
                return json_value();
            }
        };
        let choices: Vec<(u32, BoxedStrategy<Value>)> = types
            .iter()
            .map(|name| {
                let weight = if name == "null" { 1 } else { 2 };
                (weight, self.typed(name, &object, depth, &context))
            })
            .collect();
        Union::new_weighted(choices).boxed()
    }

    /// A schema with its `$ref` replaced by the definition (for merging into `allOf`).
    fn inline(&self, schema: &Value, at: &str) -> Map<String, Value> {
        let mut object = schema.as_object().cloned().unwrap_or_else(|| panic!("{at}: not an object schema"));
        if let Some(reference) = object.remove("$ref") {
            let reference = reference.as_str().unwrap_or_else(|| panic!("{at}: $ref is a string"));
            let target = self.resolve(reference, at).as_object().cloned().unwrap_or_default();
            object = merge(&target, &object, at);
        }
        object
    }

    /// A value of the JSON type `name` that the keywords of `schema` accept.
    fn typed(&self, name: &str, schema: &Map<String, Value>, depth: u32, context: &Context) -> BoxedStrategy<Value> {
        let at = &context.at;
        match name {
            "null" => Just(Value::Null).boxed(),
            "boolean" => {
                check_no_keywords_but(schema, &[], at);
                any::<bool>().prop_map(Value::Bool).boxed()
            }
            "integer" => {
                check_no_keywords_but(
                    schema,
                    &["format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
                    at,
                );
                integer(schema, at)
            }
            "number" => {
                check_no_keywords_but(schema, &["format"], at);
                json_number().prop_map(Value::Number).boxed()
            }
            "string" => {
                check_no_keywords_but(schema, &["format", "pattern", "contentEncoding"], at);
                self.string(schema, context)
            }
            "array" => {
                check_no_keywords_but(schema, &["items", "minItems", "maxItems"], at);
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
                let max = schema.get("maxItems").and_then(Value::as_u64).map_or(usize::MAX, |max| max as usize);
                let top = if depth == 0 { min } else { max.min(min.max(3)) };
                let items = match schema.get("items") {
                    Some(items) => self.walk(items, depth.saturating_sub(1), &context.child("items")),
                    None => json_value(),
                };
                vec(items, min..=top).prop_map(Value::Array).boxed()
            }
            "object" => {
                check_no_keywords_but(
                    schema,
                    &["properties", "required", "additionalProperties", "patternProperties", "propertyNames"],
                    at,
                );
                self.object(schema, depth, context)
            }
            other => panic!("{at}: unknown type {other}"),
        }
    }

    fn string(&self, schema: &Map<String, Value>, context: &Context) -> BoxedStrategy<Value> {
        let at = &context.at;
        let format = schema.get("format").and_then(Value::as_str);
        let encoding = schema.get("contentEncoding").and_then(Value::as_str);
        let pattern = schema.get("pattern").and_then(Value::as_str);
        let text = match (format, encoding) {
            (Some("date-time"), None) => date_time_text(),
            (Some("date"), None) => date_text(),
            (Some("uuid"), None) => guid_text(),
            (Some("duration"), None) => duration_text(),
            (None, Some("base64")) => base64_text(),
            (Some(format), _) => panic!("{at}: no strategy for strings of format `{format}`"),
            (None, Some(encoding)) => panic!("{at}: no strategy for strings of contentEncoding `{encoding}`"),
            (None, None) => match pattern {
                Some(pattern) => matching(pattern, at),
                None => match &context.members {
                    // The catch-all branch of an enumeration.
                    Some(members) => unknown_member_text(members.clone()),
                    None => text(),
                },
            },
        };
        text.prop_map(Value::String).boxed()
    }

    fn object(&self, schema: &Map<String, Value>, depth: u32, context: &Context) -> BoxedStrategy<Value> {
        let at = &context.at;
        let properties = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        let required: BTreeSet<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        let additional = schema.get("additionalProperties").cloned().unwrap_or(Value::Bool(true));
        let deeper = depth.saturating_sub(1);

        // The modelled properties, each absent, or a value.
        let mut names: Vec<String> = properties.keys().cloned().collect();
        names.extend(required.iter().filter(|name| !properties.contains_key(*name)).cloned());
        let mut fields: Vec<BoxedStrategy<Option<Value>>> = Vec::new();
        for name in &names {
            let is_required = required.contains(name);
            // A property schema no value satisfies: the property is never there.
            if context.forbidden.contains(name) || properties.get(name).is_some_and(accepts_nothing) {
                assert!(!is_required, "{at}: `{name}` is both required and forbidden");
                fields.push(Just(None).boxed());
                continue;
            }
            let sub_context = context.child(&format!("properties[{name:?}]"));
            let value = match properties.get(name) {
                Some(sub) => self.walk(sub, deeper, &sub_context),
                None if additional == Value::Bool(false) => panic!("{at}: `{name}` is required but not allowed"),
                None => self.walk(&additional, deeper, &sub_context),
            };
            fields.push(if is_required {
                value.prop_map(Some).boxed()
            } else if depth == 0 {
                Just(None).boxed()
            } else {
                prop_oneof![1 => Just(None), 2 => value.prop_map(Some)].boxed()
            });
        }

        // Unknown properties.
        let known: Arc<BTreeSet<String>> = Arc::new(names.iter().cloned().collect());
        let forbidden = Arc::new(context.forbidden.clone());
        let property_names = schema.get("propertyNames").map(|names| Arc::new(validator(names, at)));
        let patterns: Vec<(String, Value)> = schema
            .get("patternProperties")
            .and_then(Value::as_object)
            .map(|patterns| patterns.iter().map(|(p, s)| (p.clone(), s.clone())).collect())
            .unwrap_or_default();
        let pattern_validators: Arc<Vec<jsonschema::Validator>> =
            Arc::new(patterns.iter().map(|(p, _)| validator(&serde_json::json!({ "pattern": p }), at)).collect());
        let allowed = {
            let known = known.clone();
            let forbidden = forbidden.clone();
            let property_names = property_names.clone();
            move |key: &String| {
                let as_value = Value::String(key.clone());
                !known.contains(key)
                    && !forbidden.contains(key)
                    && property_names.as_ref().is_none_or(|names| names.is_valid(&as_value))
            }
        };
        let mut extras: Vec<BoxedStrategy<Vec<(String, Value)>>> = Vec::new();
        if additional != Value::Bool(false) && depth > 0 {
            let confusables: Vec<String> =
                self.property_names.iter().filter(|name| !known.contains(*name)).cloned().collect();
            let value = self.walk(&additional, deeper, &context.child("additionalProperties"));
            let allowed = allowed.clone();
            let pattern_validators = pattern_validators.clone();
            let key = unknown_key(known.iter().cloned().collect(), confusables).prop_filter(
                "an allowed unknown name",
                move |key| {
                    let as_value = Value::String(key.clone());
                    allowed(key) && !pattern_validators.iter().any(|pattern| pattern.is_valid(&as_value))
                },
            );
            extras.push(btree_map(key, value, 0..4).prop_map(|map| map.into_iter().collect()).boxed());
        }
        for (pattern, sub) in patterns.iter().filter(|_| depth > 0) {
            let value = self.walk(sub, deeper, &context.child(&format!("patternProperties[{pattern:?}]")));
            let allowed = allowed.clone();
            let key = matching(pattern, at).prop_filter("an allowed name", move |key| allowed(key));
            extras.push(btree_map(key, value, 0..3).prop_map(|map| map.into_iter().collect()).boxed());
        }

        (fields, extras)
            .prop_map(move |(fields, extras)| {
                let mut object = Map::new();
                for (key, value) in extras.into_iter().flatten() {
                    object.insert(key, value);
                }
                for (name, value) in names.iter().zip(fields) {
                    if let Some(value) = value {
                        object.insert(name.clone(), value);
                    }
                }
                Value::Object(object)
            })
            .boxed()
    }
}

/// Every key of every `properties` in `schema`, recursively.
fn collect_property_names(schema: &Value, names: &mut BTreeSet<String>) {
    match schema {
        Value::Object(object) => {
            for (key, value) in object {
                if key == "properties"
                    && let Value::Object(properties) = value
                {
                    names.extend(properties.keys().cloned());
                    properties.values().for_each(|sub| collect_property_names(sub, names));
                } else {
                    collect_property_names(value, names);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_property_names(item, names)),
        _ => {}
    }
}

/// Whether no value satisfies `schema`: `false`, or an `allOf` of parts with different `type`s
/// (how the bare branch of a single entity says it has no `value`).
fn accepts_nothing(schema: &Value) -> bool {
    if schema == &Value::Bool(false) {
        return true;
    }
    let types: BTreeSet<&str> = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(|parts| parts.iter().filter_map(|part| part.get("type").and_then(Value::as_str)).collect())
        .unwrap_or_default();
    types.len() > 1
}

/// `a` and `b` as one schema (both must hold). Equal keywords are kept once; two different
/// values of one keyword panic, except annotations.
fn merge(a: &Map<String, Value>, b: &Map<String, Value>, at: &str) -> Map<String, Value> {
    let mut merged = a.clone();
    for (key, value) in b {
        match merged.get(key) {
            None => {
                merged.insert(key.clone(), value.clone());
            }
            Some(existing) if existing == value || is_annotation(key) => {}
            // `properties` of both: their union (a bare entity's `{"value": false}` beside the
            // entity's own properties).
            Some(Value::Object(existing)) if key == "properties" && value.is_object() => {
                let union = merge(existing, value.as_object().unwrap_or(&Map::new()), &format!("{at}.properties"));
                merged.insert(key.clone(), Value::Object(union));
            }
            Some(existing) => panic!("{at}: cannot merge `{key}`: {existing} and {value}"),
        }
    }
    merged
}

/// Panics unless every keyword of `schema` is in `allowed` (or an annotation).
fn check_no_keywords_but(schema: &Map<String, Value>, allowed: &[&str], at: &str) {
    for key in schema.keys() {
        assert!(
            allowed.contains(&key.as_str()) || is_annotation(key),
            "{at}: the strategies do not know the keyword `{key}` here; teach tests/strategies/mod.rs"
        );
    }
}

/// A compiled draft 2020-12 validator of `schema`.
fn validator(schema: &Value, at: &str) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("{at}: {schema} does not compile: {e}"))
}

/// Texts that an ECMA-262 `pattern` matches (anchored or not).
fn matching(pattern: &str, at: &str) -> BoxedStrategy<String> {
    let inner = pattern.strip_prefix('^').unwrap_or(pattern);
    let inner = inner.strip_suffix('$').unwrap_or(inner);
    proptest::string::string_regex(inner).unwrap_or_else(|e| panic!("{at}: pattern {pattern}: {e}")).boxed()
}

/// Integers within the schema's bounds (clamped to `i64`): the edges, small ones, and any.
fn integer(schema: &Map<String, Value>, at: &str) -> BoxedStrategy<Value> {
    let bound = |key: &str| -> Option<i128> {
        let value = schema.get(key)?;
        value
            .as_i64()
            .map(i128::from)
            .or_else(|| value.as_u64().map(i128::from))
            // A float bound (`-9223372036854776000`): the nearest integers inside are what counts.
            .or_else(|| value.as_f64().map(|f| f as i128))
            .or_else(|| panic!("{at}: {key} is not a number"))
    };
    let mut min = i128::from(i64::MIN);
    let mut max = i128::from(i64::MAX);
    if let Some(value) = bound("minimum") {
        min = min.max(value);
    }
    if let Some(value) = bound("exclusiveMinimum") {
        min = min.max(value + 1);
    }
    if let Some(value) = bound("maximum") {
        max = max.min(value);
    }
    if let Some(value) = bound("exclusiveMaximum") {
        max = max.min(value - 1);
    }
    let (min, max) =
        (min.clamp(i128::from(i64::MIN), i128::from(i64::MAX)), max.clamp(i128::from(i64::MIN), i128::from(i64::MAX)));
    assert!(min <= max, "{at}: no integer between the bounds");
    let (min, max) = (min as i64, max as i64);
    let edges: Vec<i64> = [min, max, 0, 1, -1, min.saturating_add(1), max.saturating_sub(1)]
        .into_iter()
        .filter(|n| (min..=max).contains(n))
        .collect();
    let small = min.max(-100)..=max.min(100);
    let small = if small.is_empty() { (min..=max).boxed() } else { small.boxed() };
    prop_oneof![1 => select(edges), 1 => small, 2 => min..=max].prop_map(Value::from).boxed()
}

// ---------------------------------------------------------------------------------------------
// Leaves
// ---------------------------------------------------------------------------------------------

/// Arbitrary text: any Unicode scalar values (controls, quotes, backslashes, astral planes).
pub fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "(?s).{0,24}",
        1 => "[ -~]{0,12}",
        1 => Just(String::new()),
    ]
    .boxed()
}

/// Days in a month of the proleptic Gregorian calendar (year 0000 is a leap year).
pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Years `0000` to `9999`, the edges and leap years often.
fn year() -> BoxedStrategy<u32> {
    prop_oneof![
        1 => select(vec![0_u32, 1, 1900, 2000, 2024, 9999]),
        4 => 0_u32..=9999,
    ]
    .boxed()
}

/// `(year, month, day)` of a day that exists, end-of-month days often.
fn ymd() -> BoxedStrategy<(u32, u32, u32)> {
    let day = prop_oneof![1 => 28_u32..=31, 2 => 1_u32..=31];
    (year(), 1_u32..=12, day).prop_map(|(year, month, day)| (year, month, day.min(days_in_month(year, month)))).boxed()
}

/// Arbitrary valid `Edm.DateTimeOffset` text: years `0000` to `9999`, days up to the end of the
/// month, 0 to 9 fractional digits (trailing zeros included), `T` or `t`, `Z`, `z`, `+HH:MM`,
/// `-HH:MM` (`+00:00` and `-00:00` included): everything `DateTimeOffset::parse` accepts.
pub fn date_time_text() -> BoxedStrategy<String> {
    let fraction = vec(0_u8..=9, 0..=9);
    let offset = prop_oneof![
        1 => select(vec!["Z", "z", "+00:00", "-00:00", "+23:59", "-23:59", "+14:00", "-12:00"])
            .prop_map(str::to_owned),
        2 => (any::<bool>(), 0_u32..=23, 0_u32..=59)
            .prop_map(|(negative, hour, minute)| format!("{}{hour:02}:{minute:02}", if negative { '-' } else { '+' })),
    ];
    (ymd(), 0_u32..=23, 0_u32..=59, 0_u32..=59, fraction, any::<bool>(), offset)
        .prop_map(|((year, month, day), hour, minute, second, fraction, lower_t, offset)| {
            let t = if lower_t { 't' } else { 'T' };
            let mut text = format!("{year:04}-{month:02}-{day:02}{t}{hour:02}:{minute:02}:{second:02}");
            if !fraction.is_empty() {
                text.push('.');
                text.extend(fraction.iter().map(|digit| char::from(b'0' + digit)));
            }
            text.push_str(&offset);
            text
        })
        .boxed()
}

/// Arbitrary valid `Edm.Date` text: `YYYY-MM-DD`, days that exist.
pub fn date_text() -> BoxedStrategy<String> {
    ymd().prop_map(|(year, month, day)| format!("{year:04}-{month:02}-{day:02}")).boxed()
}

/// Arbitrary valid `Edm.Guid` text: 8-4-4-4-12 hexadecimal digits, lower, upper or mixed case.
pub fn guid_text() -> BoxedStrategy<String> {
    (any::<u128>(), 0_u8..3, any::<u32>())
        .prop_map(|(value, case, mask)| {
            let hex = format!("{value:032x}");
            let mut text = String::with_capacity(36);
            for (i, c) in hex.chars().enumerate() {
                if [8, 12, 16, 20].contains(&i) {
                    text.push('-');
                }
                let upper = match case {
                    0 => false,
                    1 => true,
                    _ => mask >> (i % 32) & 1 == 1,
                };
                text.push(if upper { c.to_ascii_uppercase() } else { c });
            }
            text
        })
        .boxed()
}

/// Arbitrary valid `Edm.Binary` text: base64 of 0 to 24 bytes in the standard or the URL-safe
/// alphabet, padded with `=` or not.
pub fn base64_text() -> BoxedStrategy<String> {
    (vec(any::<u8>(), 0..24), any::<bool>(), any::<bool>())
        .prop_map(|(bytes, url_safe, padded)| {
            let alphabet: &[u8; 64] = if url_safe {
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            } else {
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            };
            let mut text = String::new();
            for chunk in bytes.chunks(3) {
                let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
                let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
                let chars = chunk.len() + 1;
                for i in 0..4 {
                    if i < chars {
                        text.push(char::from(alphabet[(n >> (18 - 6 * i) & 63) as usize]));
                    } else if padded {
                        text.push('=');
                    }
                }
            }
            text
        })
        .boxed()
}

/// Arbitrary `Edm.Duration` text that JSON Schema's `duration` format accepts too: `P`, then
/// days, hours, minutes and seconds (leading zeros allowed, `PT36H` and `PT90M` included), at
/// least one of them. `Duration::parse` accepts more (`-P1D`, fractions of seconds `PT1.5S`,
/// hours and seconds without minutes `PT1H2S`), which the `duration` format rejects.
pub fn duration_text() -> BoxedStrategy<String> {
    let number = || prop_oneof![3 => (0_u64..100).prop_map(|n| n.to_string()), 1 => "[0-9]{1,12}"];
    let part = move || prop_oneof![1 => Just(None), 1 => number().prop_map(Some)];
    (part(), part(), part(), part())
        .prop_map(|(days, hours, mut minutes, seconds)| {
            if days.is_none() && hours.is_none() && minutes.is_none() && seconds.is_none() {
                return "PT0S".to_owned();
            }
            if hours.is_some() && seconds.is_some() && minutes.is_none() {
                minutes = Some("0".to_owned());
            }
            let mut text = "P".to_owned();
            if let Some(days) = days {
                text.push_str(&format!("{days}D"));
            }
            if hours.is_some() || minutes.is_some() || seconds.is_some() {
                text.push('T');
                for (value, unit) in [(hours, 'H'), (minutes, 'M'), (seconds, 'S')] {
                    if let Some(value) = value {
                        text.push_str(&value);
                        text.push(unit);
                    }
                }
            }
            text
        })
        .boxed()
}

/// Member names an enumeration with `members` does not have: plausible camelCase names, near
/// misses (case, whitespace), and arbitrary text.
pub fn unknown_member_text(members: Arc<Vec<String>>) -> BoxedStrategy<String> {
    let near_misses: Vec<String> = members
        .iter()
        .flat_map(|member| {
            let mut upper = member.clone();
            if let Some(first) = upper.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            [
                upper,
                member.to_ascii_uppercase(),
                member.to_ascii_lowercase(),
                format!(" {member}"),
                format!("{member} "),
            ]
        })
        .chain(["suspended".to_owned(), String::new()])
        .collect();
    prop_oneof!["[a-z][a-zA-Z0-9]{0,16}", select(near_misses), text(),]
        .prop_filter("not a known member", move |text| !members.contains(text))
        .boxed()
}

/// Numbers that are edges, or that once did not come back the same after a text round trip
/// (fuzz finding 1: the first three).
pub const SPECIAL_NUMBERS: &[&str] = &[
    "1844674472036854775808",
    "1.947700395895162e-169",
    "-1.490143767845386e+129",
    "0.0",
    "-0.0",
    "0.1",
    "2.5",
    "-1.5e-5",
    "1e21",
    "1.0",
    "1.7976931348623157e308",
    "2.2250738585072014e-308",
    "5e-324",
    "18446744073709551615",
    "-9223372036854775808",
];

/// A JSON number: any `i64` or `u64`, any finite `f64`, and floats that once did not come back
/// the same (fuzz finding 1).
pub fn json_number() -> BoxedStrategy<Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        select(SPECIAL_NUMBERS.to_vec()).prop_map(|text| serde_json::from_str::<Number>(text).expect("a JSON number")),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
    ]
    .boxed()
}

/// Arbitrary JSON values, nested up to 4 levels deep.
pub fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number().prop_map(Value::Number),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            btree_map(text(), inner, 0..5).prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
    .boxed()
}

/// Names of unknown properties of an object whose modelled properties are `known`: OData
/// annotations (`@odata.type`, `prop@odata.navigationLink`, annotations of the known
/// properties), names of other types' properties (`confusables`), near misses of the known
/// names, plausible names and arbitrary text (the empty key included). The caller filters out
/// the known names.
pub fn unknown_key(known: Vec<String>, confusables: Vec<String>) -> BoxedStrategy<String> {
    let mut choices: Vec<(u32, BoxedStrategy<String>)> = vec![
        (
            2,
            select(vec![
                "@odata.type",
                "@odata.etag",
                "@odata.id",
                "@odata.context",
                "@odata.count",
                "@odata.nextLink",
                "@odata.deltaLink",
                "@microsoft.graph.tips",
                "x@odata.context",
                "value",
                "id",
                "Id",
                "ID",
                "",
            ])
            .prop_map(str::to_owned)
            .boxed(),
        ),
        (1, "@odata\\.[a-zA-Z]{1,12}".boxed()),
        (1, "[a-z][a-zA-Z]{0,12}@odata\\.[a-zA-Z]{1,12}".boxed()),
        (2, "[a-z][a-zA-Z0-9]{0,16}".boxed()),
        (2, text()),
    ];
    if !known.is_empty() {
        let near_misses: Vec<String> = known
            .iter()
            .flat_map(|name| {
                let mut upper = name.clone();
                if let Some(first) = upper.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                [upper, name.to_ascii_lowercase(), format!("{name} ")]
            })
            .filter(|name| !known.contains(name))
            .collect();
        if !near_misses.is_empty() {
            choices.push((1, select(near_misses).boxed()));
        }
        choices.push((
            1,
            (select(known), "@odata\\.[a-zA-Z]{1,12}")
                .prop_map(|(name, annotation)| format!("{name}{annotation}"))
                .boxed(),
        ));
    }
    if !confusables.is_empty() {
        choices.push((2, select(confusables).boxed()));
    }
    Union::new_weighted(choices).boxed()
}

// ---------------------------------------------------------------------------------------------
// Writing JSON text
// ---------------------------------------------------------------------------------------------

/// Writes `value` as JSON text, spelled in a way chosen by `seed`: whitespace (none, spaces,
/// tabs, CR LF) between tokens, object keys in any order, and characters of strings and keys
/// written raw or escaped (`\u00e9`, surrogate pairs for astral characters, `\/`, `\n`, ...).
/// Numbers are written as `serde_json` writes them.
pub fn write_json(value: &Value, seed: u64) -> String {
    let mut writer = Writer { state: seed | 1, out: String::new() };
    writer.whitespace();
    writer.value(value);
    writer.whitespace();
    writer.out
}

/// State of [`write_json`]: a xorshift generator and the text so far.
struct Writer {
    state: u64,
    out: String,
}

impl Writer {
    fn next(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }

    fn whitespace(&mut self) {
        const SPACES: &[&str] = &["", "", "", " ", "\n", "\t", "\r\n", "  \n  "];
        let pick = (self.next() % SPACES.len() as u64) as usize;
        self.out.push_str(SPACES[pick]);
    }

    fn value(&mut self, value: &Value) {
        match value {
            Value::Null | Value::Bool(_) | Value::Number(_) => {
                self.out.push_str(&serde_json::to_string(value).expect("a scalar serializes"));
            }
            Value::String(text) => self.string(text),
            Value::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.whitespace();
                        self.out.push(',');
                    }
                    self.whitespace();
                    self.value(item);
                }
                self.whitespace();
                self.out.push(']');
            }
            Value::Object(object) => {
                let mut entries: Vec<(&String, &Value)> = object.iter().collect();
                // Fisher-Yates.
                for i in (1..entries.len()).rev() {
                    let j = (self.next() % (i as u64 + 1)) as usize;
                    entries.swap(i, j);
                }
                self.out.push('{');
                for (i, (key, item)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        self.whitespace();
                        self.out.push(',');
                    }
                    self.whitespace();
                    self.string(key);
                    self.whitespace();
                    self.out.push(':');
                    self.whitespace();
                    self.value(item);
                }
                self.whitespace();
                self.out.push('}');
            }
        }
    }

    fn string(&mut self, text: &str) {
        // Most strings raw (what services send), some with many escapes.
        let escape_one_in = if self.one_in(4) { 2 } else { 1_000_000 };
        self.out.push('"');
        for c in text.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '/' if self.one_in(2) => self.out.push_str("\\/"),
                '\n' if self.one_in(2) => self.out.push_str("\\n"),
                '\t' if self.one_in(2) => self.out.push_str("\\t"),
                c if u32::from(c) < 0x20 || self.one_in(escape_one_in) => {
                    let mut units = [0_u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        if self.one_in(2) {
                            self.out.push_str(&format!("\\u{unit:04X}"));
                        } else {
                            self.out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }
}
