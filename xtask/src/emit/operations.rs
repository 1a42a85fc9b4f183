//! `operations.rs`: one sans-IO operation type per operation of the model (routes and bound
//! actions), each declared with the runtime's `operation!` macro: the struct as written (docs,
//! derives, fields), then the operation's data, each string of it once. The macro gives the
//! struct `new`, the setters of exactly the query options its route accepts, the
//! `api::Operation` impl, and the rest of its docs (the `METHOD path` line, the permissions).
//!
//! prettyplease prints the tokens of a macro call as one paragraph (doc comments as
//! `#[doc = "..."]`), so each call is written here as text around the items prettyplease prints
//! (the struct, `type Output`), indented; the whole file is parsed before it is kept.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{RustFile, docs_within, ident, lit, render, shape_type, single_spaced, value_type};
use crate::ir::{Model, OperationDef, ResponseDef, SemanticsDef, ValueType};

/// Where generated lines should end.
const WIDTH: usize = 100;

/// The indentation of one level inside a call.
const INDENT: &str = "    ";

/// `operations.rs`.
pub fn file(model: &Model) -> Result<RustFile, String> {
    let base_url = lit(&model.base_url);
    let macro_import = (!model.operations.is_empty()).then(|| quote! { use crate::__private::operation; });
    let has_query = model.operations.values().any(|operation| !operation.query_options.is_empty());
    let query_import = has_query.then(|| quote! { use crate::api::QueryOptions; });
    let mut file = render(
        "operations.rs",
        quote! {
            //! Every operation of `specs/` as a sans-IO HTTP exchange: build an `http::Request` with
            //! [`Operation::to_request`](crate::api::Operation::to_request), send it with any client,
            //! and read the answer with [`Operation::parse_response`](crate::api::Operation::parse_response).
            #[allow(unused_imports)]
            use crate::__private::prelude::*;
            #macro_import
            #query_import

            /// The default service root, from the spec; national clouds are other hosts with the same paths.
            pub const DEFAULT_BASE_URL: &str = #base_url;
        },
    )?;
    // Operations with the same documented permissions share them: the first one (in the order of
    // this file) declares them, the others name it.
    let mut declared: Vec<&OperationDef> = Vec::new();
    for operation in model.operations.values() {
        let same = declared.iter().find(|other| same_permissions(other, operation)).map(|other| &other.rust_name);
        if same.is_none() {
            declared.push(operation);
        }
        file.text.push('\n');
        file.text.push_str(&operation_call(model, operation, same.map(String::as_str))?);
    }
    syn::parse_file(&file.text).map_err(|e| format!("generated operations.rs does not parse: {e}"))?;
    Ok(file)
}

/// Whether two operations document the same permissions (and the same note on them).
fn same_permissions(one: &OperationDef, other: &OperationDef) -> bool {
    let (a, b) = (&one.permissions, &other.permissions);
    a.delegated_work == b.delegated_work
        && a.delegated_personal == b.delegated_personal
        && a.application == b.application
        && one.permissions_note == other.permissions_note
}

/// The `operation! { ... }` call of one operation.
fn operation_call(model: &Model, operation: &OperationDef, same_permissions: Option<&str>) -> Result<String, String> {
    // Docs inside the call are one level deeper, so they wrap one level earlier.
    let width = WIDTH - 4 - INDENT.len();
    let description = docs_within(&operation.description, width);
    let parameter_fields = operation.path_parameters.iter().map(|parameter| {
        let name = ident(&parameter.rust_name);
        let docs =
            docs_within(&format!("{} Path parameter `{{{}}}`.", parameter.description, parameter.wire_name), width);
        quote! { #docs pub #name: String, }
    });
    let body_field = operation.body.as_ref().map(|body| {
        let ty = value_type(model, &ValueType::Type(body.type_id.clone()));
        let docs = docs_within(&body.description, width);
        quote! { #docs pub body: #ty, }
    });
    let has_query = !operation.query_options.is_empty();
    let query_field = has_query.then(|| {
        quote! {
            /// The query options, set with the setters.
            query: QueryOptions,
        }
    });
    // Without arguments, `new()` builds the default (and `Default` is derived).
    let derives = if operation.path_parameters.is_empty() && operation.body.is_none() {
        quote!(#[derive(Clone, Debug, PartialEq, Default)])
    } else {
        quote!(#[derive(Clone, Debug, PartialEq)])
    };
    let type_ident = ident(&operation.rust_name);
    let structure = quote! {
        #description
        #derives
        #[non_exhaustive]
        pub struct #type_ident {
            #(#parameter_fields)*
            #body_field
            #query_field
        }
    };
    // The output type decides how the answer is read and what `Accept` asks for
    // (`api::ResponseBody`).
    let (output, output_doc) = match &operation.response {
        ResponseDef::None { description } => (quote!(()), format!("Nothing: {description}")),
        ResponseDef::Count { description } => (quote!(u64), description.clone()),
        ResponseDef::Shape { shape, description } => (shape_type(model, shape), description.clone()),
    };
    let output_doc = docs_within(&output_doc, width);

    let mut call = String::from("operation! {\n");
    call.push_str(&indented(&printed(structure)?));
    push_line(&mut call, 1, &format!("operation_id: {};", lit(&operation.name)));
    push_line(&mut call, 1, &format!("request: {} {};", operation.method.as_str(), lit(&operation.path_template)));
    call.push_str(&indented(&printed(quote! { #output_doc type Output = #output; })?));
    match &operation.semantics {
        SemanticsDef::ReadOnly => push_line(&mut call, 1, "semantics: ReadOnly;"),
        SemanticsDef::Idempotent => push_line(&mut call, 1, "semantics: Idempotent;"),
        SemanticsDef::Write { observed_by, effect } => {
            let fields = [format!("observed_by: {}", lit(observed_by)), format!("effect: {}", lit(effect))];
            let one_line = format!("semantics: Write {{ {} }};", fields.join(", "));
            if INDENT.len() + one_line.len() <= WIDTH {
                push_line(&mut call, 1, &one_line);
            } else {
                push_line(&mut call, 1, "semantics: Write {");
                for field in fields {
                    push_line(&mut call, 2, &format!("{field},"));
                }
                push_line(&mut call, 1, "};");
            }
        }
    }
    if has_query {
        let options: Vec<&str> = operation.query_options.iter().map(|option| option.name()).collect();
        push_line(&mut call, 1, &format!("query: {};", options.join(", ")));
    }
    match same_permissions {
        Some(same) => push_line(&mut call, 1, &format!("permissions: same as {same};")),
        None => {
            push_line(&mut call, 1, "permissions: {");
            let permissions = &operation.permissions;
            push_list(&mut call, "delegated_work", &permissions.delegated_work);
            push_list(&mut call, "delegated_personal", &permissions.delegated_personal);
            push_list(&mut call, "application", &permissions.application);
            if let Some(note) = &operation.permissions_note {
                // The constant's note is also the docs' `**Flagged:**` paragraph, so it is spaced
                // as descriptions are in docs (no line of it can start an indented code block).
                let start = format!("{INDENT}{INDENT}note: ");
                call.push_str(&format!("{start}{},\n", wrapped_literal(&single_spaced(note), start.len())));
            }
            push_line(&mut call, 1, "}");
        }
    }
    call.push_str("}\n");
    Ok(call)
}

/// Items as prettyplease prints them.
fn printed(items: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(items).map_err(|e| format!("a generated operation does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// Every line of `text` one level deeper. Safe for what [`printed`] gives: no literal or comment
/// of it spans lines (doc lines are single lines, and literals escape line breaks).
fn indented(text: &str) -> String {
    text.lines().map(|line| if line.is_empty() { "\n".to_owned() } else { format!("{INDENT}{line}\n") }).collect()
}

fn push_line(out: &mut String, depth: usize, line: &str) {
    out.push_str(&INDENT.repeat(depth));
    out.push_str(line);
    out.push('\n');
}

/// `name: ["A", "B"],` on one line if it fits, else one permission a line.
fn push_list(out: &mut String, name: &str, permissions: &[String]) {
    let items: Vec<String> = permissions.iter().map(|permission| lit(permission).to_string()).collect();
    let one_line = format!("{name}: [{}],", items.join(", "));
    if 2 * INDENT.len() + one_line.len() <= WIDTH {
        push_line(out, 2, &one_line);
    } else {
        push_line(out, 2, &format!("{name}: ["));
        for item in items {
            push_line(out, 3, &format!("{item},"));
        }
        push_line(out, 2, "],");
    }
}

/// A string literal that starts at `column`, continued on lines aligned after its quote
/// (`\` at a line's end skips the line break and the next line's indentation) so that lines end
/// near [`WIDTH`]. A line only breaks at a space before a word that starts with no white space,
/// so the skipped indentation is never part of the text.
fn wrapped_literal(text: &str, column: usize) -> String {
    let escaped = lit(text).to_string();
    let inner = &escaped[1..escaped.len() - 1];
    let continuation = format!("\\\n{}", " ".repeat(column + 1));
    let mut out = String::from("\"");
    let mut line_length = column + 1;
    for (index, word) in inner.split(' ').enumerate() {
        let length = word.chars().count();
        let breaks = index > 0
            && line_length + 1 + length + 2 > WIDTH
            && word.chars().next().is_some_and(|first| !first.is_whitespace());
        if index > 0 {
            out.push(' ');
            line_length += 1;
        }
        if breaks {
            out.push_str(&continuation);
            line_length = column + 1;
        }
        out.push_str(word);
        line_length += length;
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of a literal wrapped to start at column 14 (`        note: `).
    fn round_trip(text: &str) -> Vec<String> {
        let wrapped = wrapped_literal(text, 14);
        let parsed: syn::LitStr = syn::parse_str(&wrapped).unwrap_or_else(|e| panic!("{wrapped}: {e}"));
        assert_eq!(parsed.value(), text, "{wrapped}");
        let lines: Vec<String> = wrapped.lines().map(str::to_owned).collect();
        for line in &lines[1..] {
            let text = line.strip_prefix(&" ".repeat(15)).unwrap_or_else(|| panic!("not aligned: {line:?}"));
            assert!(!text.starts_with(char::is_whitespace), "the continuation would skip text: {line:?}");
        }
        lines
    }

    #[test]
    fn wrapped_literals_keep_their_text_and_width() {
        let words = "word ".repeat(60);
        let lines = round_trip(words.trim_end());
        assert!(lines.len() > 2);
        // The closing `",` included.
        assert!(lines.iter().enumerate().all(|(i, line)| line.len() + if i == 0 { 14 } else { 0 } + 2 <= WIDTH));
        for text in [
            format!("{} {words} end", "x".repeat(300)),
            "a  b   c \" \\ \\\" \n next line\t tab */ #![no_std] \"#".repeat(8),
            format!("{words} \u{a0}no-break space \u{3000}ideographic space \u{301} \0 \u{0}7"),
            String::new(),
        ] {
            round_trip(&text);
        }
    }
}
