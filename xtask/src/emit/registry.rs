//! `registry.rs`: every public type and operation of the model crate, as data and as
//! `for_each_*!` macros, so the tests, the property-test strategies and the fuzz targets reach
//! each type the spec defines without a list kept by hand.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{ident, lit, shape_type};
use crate::ir::{Model, ResponseDef};

/// One registry entry: the name fixtures use, the schema file stem, and the Rust type.
pub struct Entry {
    /// `CloudCertificationAuthority`, `Page<CloudCertificationAuthority>`, an alias name.
    pub name: String,
    /// The schema file stem under `schema/`.
    pub schema: String,
    /// The Rust type, as the registry macro passes it.
    pub rust_type: TokenStream,
}

/// Every public type: the objects and enums, the response shapes, and the aliases.
pub fn entries(model: &Model) -> Vec<Entry> {
    let mut entries = Vec::new();
    for type_def in model.types.values() {
        let name = type_def.rust_name().to_owned();
        let type_ident = ident(&name);
        entries.push(Entry { schema: name.clone(), name, rust_type: quote!($crate::#type_ident) });
    }
    for shape in &model.shapes {
        let rust_type = dollar_crate(shape_type(model, shape));
        entries.push(Entry { name: shape.rust_name(model), schema: shape.schema_name(model), rust_type });
    }
    for (name, alias) in &model.aliases {
        let rust_type = dollar_crate(shape_type(model, &alias.shape));
        entries.push(Entry { name: name.clone(), schema: name.clone(), rust_type });
    }
    entries
}

/// `crate::X` as `$crate::X`, for a macro body.
fn dollar_crate(tokens: TokenStream) -> TokenStream {
    let text = tokens.to_string().replace("crate ::", "$crate ::");
    text.parse().unwrap_or(tokens)
}

/// The items of `registry.rs`.
pub fn emit(model: &Model) -> TokenStream {
    let entries = entries(model);
    let names: Vec<_> = entries.iter().map(|e| lit(&e.name)).collect();
    let schemas: Vec<_> = entries.iter().map(|e| lit(&e.schema)).collect();
    let types: Vec<_> = entries.iter().map(|e| e.rust_type.clone()).collect();
    let operation_ids: Vec<_> = model.operations.values().map(|o| lit(&o.name)).collect();
    let responses: Vec<_> = model
        .operations
        .values()
        .map(|o| match &o.response {
            ResponseDef::None { .. } => lit(""),
            ResponseDef::Count { .. } => lit("u64"),
            ResponseDef::Shape { shape, .. } => lit(&shape.rust_name(model)),
        })
        .collect();
    let alias_names: Vec<_> = model.aliases.keys().map(|name| lit(name)).collect();
    let alias_targets: Vec<_> = model.aliases.values().map(|alias| lit(&alias.shape.rust_name(model))).collect();
    let operation_types: Vec<_> = model
        .operations
        .values()
        .map(|o| {
            let name = ident(&o.rust_name);
            quote!($crate::operations::#name)
        })
        .collect();
    quote! {
        //! Every public type and operation, for tests and fuzz targets (not part of the API).
        #![doc(hidden)]

        /// Every public type: the name fixtures and tests use, and its schema file stem under `schema/`.
        pub const TYPES: &[(&str, &str)] = &[#((#names, #schemas)),*];

        /// Every operation: its name (`operationId`) and the registry name of what it answers
        /// (empty for no content).
        pub const OPERATIONS: &[(&str, &str)] = &[#((#operation_ids, #responses)),*];

        /// The aliases among [`TYPES`]: each alias and the registry name of the shape it names.
        pub const ALIASES: &[(&str, &str)] = &[#((#alias_names, #alias_targets)),*];

        /// Calls `$callback!(name, schema_file_stem, Type);` for every public type.
        #[macro_export]
        #[doc(hidden)]
        macro_rules! for_each_type {
            ($callback:ident) => {
                #($callback!(#names, #schemas, #types);)*
            };
        }

        /// Calls `$callback!(operation_id, Type);` for every operation (feature `http`).
        #[macro_export]
        #[doc(hidden)]
        macro_rules! for_each_operation {
            ($callback:ident) => {
                #($callback!(#operation_ids, #operation_types);)*
            };
        }
    }
}
