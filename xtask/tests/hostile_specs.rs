#![forbid(unsafe_code)]
//! Hostile specs (`tests/hostile_specs/`): spec text reaches generated code only as literals.
//!
//! - `accepted.yaml` gathers every hostile-but-legal string and name. Its generated code must
//!   parse with no description text outside a literal, compile with every feature and no warning
//!   (in a copy of the model crate beside the target directory, built with one
//!   `cargo test --offline`), and round-trip every wire name exactly. The copy's doctests are not
//!   run (the crate docs name the real types); descriptions cannot hold a code block anyway (the
//!   loader rejects code fences and tabs, and the emitter collapses runs of spaces).
//! - `rejected/*.yaml` must each fail with located messages; the first line of each file says
//!   what the message must contain (`# expect: ...`).

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use proc_macro2::{TokenStream, TokenTree};
use serde_json::{Value, json};
use xtask::emit::{self, RUST_DIR, SCHEMA_DIR};
use xtask::spec::load::{LoadError, SourceFile, load_sources};
use xtask::spec::model::{Primitive, Spec, TypeRef};
use xtask::types::{ObjectType, TypeSet, rust_type_name};

const ACCEPTED: &str = include_str!("hostile_specs/accepted.yaml");

/// Names planted in descriptions: none may become an identifier of the generated code.
const PLANTED: &str = "injected_from";

/// About 100 KB of text that tries to break out of a doc comment, a string or an attribute,
/// with one 20 KB word (longer than any line) in the middle.
fn long_text() -> String {
    let fragment = "*/ /* \"# r#\" \"## ]) } { \\ \\\" ' #[cfg(any())] fn injected_from_long_text() {} // /// //! \
                    #![no_std] <!-- --> e\u{301} \u{1F980} \u{5E9}\u{5DC}\u{5D5}\u{5DD} ";
    let mut text = String::new();
    while text.len() < 50_000 {
        text.push_str(fragment);
    }
    text.push_str(&"x".repeat(20_000));
    text.push(' ');
    while text.len() < 100_000 {
        text.push_str(fragment);
    }
    text
}

fn accepted_text() -> String {
    ACCEPTED.replacen("@@LONG_TEXT@@", &long_text(), 1)
}

fn load(path: &str, text: String) -> Result<Spec, LoadError> {
    load_sources(vec![SourceFile { path: PathBuf::from(path), text }])
}

fn accepted_spec() -> Spec {
    load("specs/accepted.yaml", accepted_text()).unwrap_or_else(|e| panic!("{}", e.render()))
}

#[test]
fn the_accepted_spec_keeps_every_string_as_written() {
    let spec = accepted_spec();
    let long = long_text();
    assert!(spec.entities["match"].description == long.trim(), "the long description changed");
    assert!(spec.enums["type"].description.contains("*/ opens one /* and ends a doc string \"# and a raw one \"## ])"));
    assert!(spec.enums["type"].description.contains("\\ a backslash \\\" and \\\\"));
    let members: Vec<&str> = spec.enums["type"].members.iter().map(|m| m.name.as_str()).collect();
    assert!(members.starts_with(&["self", "crate", "super", "type", "match", "async", "true", "false"]), "{members:?}");
    assert_eq!(spec.enums["type"].members[0].value, i32::MIN);
    assert_eq!(spec.enums["type"].members[1].value, i32::MAX);
    let properties: Vec<&str> = spec.entities["match"].properties.iter().map(|p| p.name.as_str()).collect();
    assert!(properties.contains(&"a_1") && properties.contains(&"a1") && properties.contains(&"__Field"));
}

/// Every identifier in a token stream (literals, including doc comments, are not looked into).
fn identifiers(tokens: TokenStream, out: &mut Vec<String>) {
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => out.push(ident.to_string()),
            TokenTree::Group(group) => identifiers(group.stream(), out),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// The text of every `#[cfg(...)]` attribute in a token stream.
fn cfg_attributes(tokens: TokenStream, out: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (index, token) in tokens.iter().enumerate() {
        if let TokenTree::Group(group) = token {
            let is_attribute = index > 0 && matches!(&tokens[index - 1], TokenTree::Punct(p) if p.as_char() == '#');
            let inner: Vec<TokenTree> = group.stream().into_iter().collect();
            if is_attribute && matches!(inner.first(), Some(TokenTree::Ident(i)) if i == "cfg") {
                out.push(group.stream().to_string());
            }
            cfg_attributes(group.stream(), out);
        }
    }
}

#[test]
fn spec_text_reaches_generated_code_only_as_literals() {
    let files = emit::generate(&accepted_spec()).unwrap_or_else(|e| panic!("{e}"));
    let mut rust_files = 0;
    for (path, text) in &files {
        assert!(
            !text.chars().any(|c| (c.is_control() && c != '\n') || xtask::diagnostics::is_invisible_control(c)),
            "{} has a control character",
            path.display()
        );
        if path.extension().is_some_and(|ext| ext == "rs") {
            rust_files += 1;
            syn::parse_file(text).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
            let tokens: TokenStream = text.parse().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mut idents = Vec::new();
            identifiers(tokens.clone(), &mut idents);
            let planted: Vec<&String> = idents.iter().filter(|i| i.contains(PLANTED)).collect();
            assert!(planted.is_empty(), "{}: description text became code: {planted:?}", path.display());
            let mut cfgs = Vec::new();
            cfg_attributes(tokens, &mut cfgs);
            for cfg in cfgs {
                assert!(
                    cfg == "cfg (feature = \"schemars\")" || cfg == "cfg (feature = \"http\")",
                    "{}: unexpected {cfg}",
                    path.display()
                );
            }
        } else {
            let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(value.is_object());
        }
    }
    assert!(rust_files > 30, "{rust_files} Rust files");
}

// ---------------------------------------------------------------------------------------------
// The accepted spec, compiled.

/// The directory the model crate copy and its build live in: beside the xtask binary's target
/// directory, so that a second run reuses the first one's build.
fn build_dir() -> PathBuf {
    let binary = Path::new(env!("CARGO_BIN_EXE_xtask"));
    let target = binary.parent().and_then(Path::parent).unwrap_or_else(|| Path::new("target"));
    target.join("hostile-spec-build")
}

/// Writes `text` to `path` unless it is already there (so that cargo sees no change).
fn write_if_changed(path: &Path, text: &[u8]) {
    if fs::read(path).ok().as_deref() != Some(text) {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).expect("create a directory");
        }
        fs::write(path, text).expect("write a file");
    }
}

/// Copies a tree with `write_if_changed`.
fn sync_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).expect("list") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            sync_tree(&entry.path(), &target);
        } else {
            write_if_changed(&target, &fs::read(entry.path()).expect("read"));
        }
    }
}

/// The lines of `[section]` in a TOML file (up to the next table header).
fn toml_section<'a>(text: &'a str, section: &str) -> Vec<&'a str> {
    let header = format!("[{section}]");
    text.lines()
        .skip_while(|line| line.trim() != header)
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .collect()
}

/// A stand-alone manifest for the model crate copy: its features and dependencies, with the
/// workspace's versions written in (the copied `Cargo.lock` pins the same crates).
fn manifest(root: &Path) -> String {
    let workspace = fs::read_to_string(root.join("Cargo.toml")).expect("the workspace manifest");
    let model = fs::read_to_string(root.join("crates/cloudpki-model/Cargo.toml")).expect("the model manifest");
    let versions: BTreeMap<&str, &str> = toml_section(&workspace, "workspace.dependencies")
        .into_iter()
        .filter_map(|line| line.split_once(" = "))
        .map(|(name, spec)| (name.trim(), spec.trim()))
        .collect();
    let mut out = String::from(
        "[package]\nname = \"cloudpki-model\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[features]\n",
    );
    for line in toml_section(&model, "features") {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("\n[dependencies]\n");
    for line in toml_section(&model, "dependencies") {
        let Some((name, spec)) = line.split_once(" = ") else { continue };
        let name = name.trim();
        let spec = spec.trim();
        let line = match spec.strip_prefix("{ workspace = true") {
            Some(rest) => {
                let extra = rest.trim_end_matches('}').trim_end();
                let version = versions.get(name).unwrap_or_else(|| panic!("no workspace version of {name}"));
                match version.strip_suffix('}') {
                    Some(table) => format!("{name} = {}{extra} }}", table.trim_end()),
                    None => format!("{name} = {{ version = {version}{extra} }}"),
                }
            }
            None => format!("{name} = {spec}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("\n[workspace]\n");
    out
}

/// The model crate's `lib.rs` for the copy: its crate docs (whose example names the real types)
/// and the hand-written modules the generated code does not use (which may name the real types,
/// as a module built on top of them does) are left out, with their re-exports.
fn hostile_lib_rs(real: &str, files: &emit::GeneratedFiles) -> String {
    let mut file = syn::parse_file(real).unwrap_or_else(|e| panic!("lib.rs does not parse: {e}"));
    let used =
        |module: &str| module == "generated" || files.values().any(|text| text.contains(&format!("crate::{module}::")));
    file.attrs.retain(|attr| !attr.path().is_ident("doc"));
    file.items.retain(|item| match item {
        syn::Item::Mod(module) => used(&module.ident.to_string()),
        syn::Item::Use(item_use) => match &item_use.tree {
            syn::UseTree::Path(path) => used(&path.ident.to_string()),
            _ => true,
        },
        _ => true,
    });
    prettyplease::unparse(&file)
}

/// JSON for one object type: variant 0 sets every nullable property to `null`, variant 1 gives
/// every property a value and adds unknown members.
fn object_sample(types: &TypeSet, object: &ObjectType, variant: usize) -> Value {
    let mut map = serde_json::Map::new();
    for field in &object.fields {
        let value = if field.nullable && variant == 0 { Value::Null } else { sample(types, &field.type_ref, variant) };
        map.insert(field.wire_name.clone(), value);
    }
    if variant == 1 {
        map.insert("@odata.type".into(), json!("#hostile.graph.somethingNew"));
        map.insert("aPropertyAddedLater".into(), json!({"nested": [1, null, "\u{202E}"]}));
    }
    Value::Object(map)
}

fn sample(types: &TypeSet, type_ref: &TypeRef, variant: usize) -> Value {
    match type_ref {
        TypeRef::Primitive(Primitive::String) => json!(["\"*/ \\ \n\t\u{202E} \u{1F980} </script>", ""][variant % 2]),
        TypeRef::Primitive(Primitive::Boolean) => json!(variant.is_multiple_of(2)),
        TypeRef::Primitive(Primitive::Int32) => json!([i32::MIN, i32::MAX][variant % 2]),
        TypeRef::Primitive(Primitive::Int64) => json!([i64::MIN, i64::MAX][variant % 2]),
        TypeRef::Primitive(Primitive::DateTimeOffset) => {
            json!(["2016-12-31T23:59:36.3292251-08:00", "2026-07-20T13:52:25Z"][variant % 2])
        }
        TypeRef::Enum(name) => {
            let members = &types.enums[&rust_type_name(name)].members;
            let member = if variant.is_multiple_of(2) { members.first() } else { members.last() };
            json!(member.map(|m| m.wire_name.clone()))
        }
        TypeRef::Entity(name) => object_sample(types, &types.objects[&rust_type_name(name)], variant),
        TypeRef::Collection(inner) => json!([sample(types, inner, 0), sample(types, inner, 1)]),
    }
}

/// The integration test of the model crate copy: every type of the hostile spec round-trips.
fn generated_test(types: &TypeSet, files: &emit::GeneratedFiles) -> String {
    let mut out = String::from(
        "//! Generated by xtask/tests/hostile_specs.rs.\n#![allow(clippy::all)]\n\nuse cloudpki_model as model;\n\n\
         fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(json: &str) {\n    \
         let value: serde_json::Value = serde_json::from_str(json).unwrap();\n    \
         let typed: T = serde_json::from_str(json).unwrap_or_else(|e| panic!(\"{e}: {json}\"));\n    \
         assert_eq!(serde_json::to_value(&typed).unwrap(), value, \"{json}\");\n}\n\n",
    );
    for object in types.objects.values() {
        let name = &object.rust_name;
        let wire_names: Vec<&str> = object.fields.iter().map(|f| f.wire_name.as_str()).collect();
        let _ = writeln!(out, "#[test]\n#[allow(non_snake_case)]\nfn object_{name}() {{");
        let _ = writeln!(out, "    assert_eq!(model::{name}::PROPERTY_NAMES, &{wire_names:?});");
        if let Some(odata_type) = &object.odata_type {
            let _ = writeln!(out, "    assert_eq!(model::{name}::ODATA_TYPE, {odata_type:?});");
        }
        if !object.fields.iter().any(|f| f.required) {
            let _ = writeln!(out, "    round_trip::<model::{name}>(\"{{}}\");");
        }
        for variant in 0..2 {
            let json = object_sample(types, object, variant).to_string();
            let _ = writeln!(out, "    round_trip::<model::{name}>({json:?});");
        }
        let _ = writeln!(out, "}}\n");
    }
    for enum_def in types.enums.values() {
        let name = &enum_def.rust_name;
        let wire_names: Vec<&str> = enum_def.members.iter().map(|m| m.wire_name.as_str()).collect();
        let _ = writeln!(out, "#[test]\n#[allow(non_snake_case)]\nfn enum_{name}() {{");
        let _ = writeln!(out, "    assert_eq!(model::{name}::MEMBERS, &{wire_names:?});");
        for member in &enum_def.members {
            let (wire, value) = (&member.wire_name, member.value);
            let json = serde_json::to_string(wire).unwrap_or_default();
            let _ = writeln!(
                out,
                "    let member = model::{name}::from_wire({wire:?});\n    \
                 assert!(member.is_known(), {wire:?});\n    \
                 assert_eq!(member.as_str(), {wire:?});\n    \
                 assert_eq!(member.to_string(), {wire:?});\n    \
                 assert_eq!(member.numeric_value(), Some({value}));\n    \
                 assert_eq!(model::{name}::try_parse({wire:?}).unwrap(), member);\n    \
                 assert_eq!(serde_json::to_string(&member).unwrap(), {json:?});\n    \
                 assert_eq!(serde_json::from_str::<model::{name}>({json:?}).unwrap(), member);"
            );
        }
        let _ = writeln!(
            out,
            "    let other = model::{name}::from_wire(\"aMemberAddedLater\");\n    \
             assert!(!other.is_known() && other.as_str() == \"aMemberAddedLater\");\n}}\n"
        );
    }
    out.push_str("#[cfg(feature = \"schemars\")]\n#[test]\nfn schemas_agree_with_the_schema_files() {\n");
    for rust_name in types.objects.keys().chain(types.enums.keys()) {
        let path = Path::new(SCHEMA_DIR).join(format!("{rust_name}.json"));
        let mut file: Value = serde_json::from_str(&files[&path]).unwrap_or(Value::Null);
        if let Some(object) = file.as_object_mut() {
            object.remove("$comment");
        }
        let file = file.to_string();
        let _ = writeln!(
            out,
            "    let expected: serde_json::Value = serde_json::from_str({file:?}).unwrap();\n    \
             assert_eq!(schemars::schema_for!(model::{rust_name}).as_value(), &expected, {rust_name:?});"
        );
    }
    out.push_str("}\n");
    out
}

#[test]
fn the_accepted_spec_compiles_and_round_trips_every_wire_name() {
    let spec = accepted_spec();
    let types = TypeSet::from_spec(&spec);
    let files = emit::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    let root = xtask::workspace_root();
    let model = root.join("crates/cloudpki-model");
    let build = build_dir();
    let crate_dir = build.join("crate");

    write_if_changed(&crate_dir.join("Cargo.toml"), manifest(&root).as_bytes());
    write_if_changed(&crate_dir.join("Cargo.lock"), &fs::read(root.join("Cargo.lock")).expect("Cargo.lock"));
    // Everything hand-written (`support/`, ...); `generated/` comes from the hostile spec, and
    // `lib.rs` keeps only the modules the generated code uses.
    let lib_rs = fs::read_to_string(model.join("src/lib.rs")).expect("lib.rs");
    write_if_changed(&crate_dir.join("src/lib.rs"), hostile_lib_rs(&lib_rs, &files).as_bytes());
    for entry in fs::read_dir(model.join("src")).expect("list src") {
        let entry = entry.expect("entry");
        let target = crate_dir.join("src").join(entry.file_name());
        if entry.file_name() == "generated" || entry.file_name() == "lib.rs" {
            continue;
        } else if entry.file_type().expect("file type").is_dir() {
            sync_tree(&entry.path(), &target);
        } else {
            write_if_changed(&target, &fs::read(entry.path()).expect("read a source file"));
        }
    }
    let generated_dir = crate_dir.join("src/generated");
    let mut wanted = Vec::new();
    for (path, text) in &files {
        if let Ok(name) = path.strip_prefix(RUST_DIR) {
            write_if_changed(&generated_dir.join(name), text.as_bytes());
            wanted.push(generated_dir.join(name));
        }
    }
    for entry in fs::read_dir(&generated_dir).expect("list generated") {
        let path = entry.expect("entry").path();
        if !wanted.contains(&path) {
            fs::remove_file(&path).expect("remove a stale generated file");
        }
    }
    write_if_changed(&crate_dir.join("tests/hostile.rs"), generated_test(&types, &files).as_bytes());

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--offline", "--quiet", "--all-features", "--test", "hostile"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", build.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("run cargo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail = |text: &str| text.chars().rev().take(20_000).collect::<Vec<_>>().into_iter().rev().collect::<String>();
    assert!(
        output.status.success(),
        "the model crate built from the hostile spec ({}) fails:\n{}\n{}",
        crate_dir.display(),
        tail(&stdout),
        tail(&stderr)
    );
    let passed = stdout.lines().any(|line| line.contains("test result: ok"));
    assert!(passed, "{stdout}");
}

// ---------------------------------------------------------------------------------------------
// Rejected specs.

#[test]
fn rejected_hostile_specs_fail_with_located_messages() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile_specs/rejected");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("the rejected corpus")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "{} rejected specs", paths.len());
    let mut report = String::new();
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = fs::read_to_string(&path).expect("read");
        let expected: Vec<&str> = text
            .lines()
            .take_while(|line| line.starts_with('#'))
            .filter_map(|line| line.strip_prefix("# expect: "))
            .collect();
        assert!(!expected.is_empty(), "{name} has no `# expect:` line");
        let spec_path = format!("specs/{name}");
        let error = match load(&spec_path, text.clone()) {
            Ok(_) => panic!("{name} was accepted"),
            Err(error) => error,
        };
        for diagnostic in &error.diagnostics {
            let header = diagnostic.to_string();
            assert!(header.starts_with(&format!("{spec_path}:")), "{name}: {header}");
            assert!(diagnostic.position.line >= 1 && diagnostic.position.column >= 1, "{name}: {header}");
            let rendered = diagnostic.render(&text);
            assert!(rendered.contains('^'), "{name}: no caret:\n{rendered}");
        }
        let rendered = error.render();
        for expected in expected {
            assert!(rendered.contains(expected), "{name}: expected {expected:?} in\n{rendered}");
        }
        let _ = writeln!(report, "=== {name}\n{rendered}");
    }
    insta::assert_snapshot!(report);
}

#[test]
fn every_bidirectional_control_is_rejected_in_names_and_descriptions() {
    let base = include_str!("hostile_specs/rejected/name_with_a_space.yaml");
    let bidi = ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}').chain(['\u{200E}', '\u{200F}', '\u{061C}']);
    for c in bidi {
        let escape = format!("\\u{:04X}", c as u32);
        let variants = [
            base.replacen("name: a b", &format!("name: a{c}b"), 1),
            base.replacen("name: a b", &format!("name: \"a{escape}b\""), 1),
            base.replacen("description: The key.", &format!("description: The {c}key."), 1),
            base.replacen("description: The key.", &format!("description: \"The {escape}key.\""), 1),
        ];
        for text in variants {
            assert!(text != base);
            let Err(error) = load("specs/x.yaml", text.clone()) else { panic!("accepted:\n{text}") };
            let rendered = error.render();
            assert!(rendered.contains("trojan source"), "{rendered}");
            assert!(!rendered.contains(c), "the report itself carries U+{:04X}:\n{rendered}", c as u32);
        }
    }
}
