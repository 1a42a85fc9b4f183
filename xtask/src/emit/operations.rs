//! `operations.rs`: one sans-IO operation type per operation of the model (routes and bound
//! actions), implementing the runtime's `api::Operation`, with setters for exactly the query
//! options its route accepts.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{docs, ident, lit, shape_type, value_type};
use crate::ir::{Model, OperationDef, ResponseDef, Segment, SemanticsDef, ValueType};
use crate::names::pascal_case;
use crate::spec::model::HttpMethod;

/// The items of `operations.rs`.
pub fn emit(model: &Model) -> TokenStream {
    let base_url = lit(&model.base_url);
    // Operations with the same documented permissions share them: the first one (in the order of
    // this file) declares them, the others name it.
    let mut declared: Vec<(&OperationDef, &str)> = Vec::new();
    let mut operations = Vec::new();
    for operation in model.operations.values() {
        let same = declared.iter().find(|(other, _)| same_permissions(other, operation)).map(|(_, name)| *name);
        if same.is_none() {
            declared.push((operation, &operation.rust_name));
        }
        operations.push(operation_items(model, operation, same));
    }
    quote! {
        //! Every operation of `specs/` as a sans-IO HTTP exchange: build an `http::Request` with
        //! [`Operation::to_request`](crate::api::Operation::to_request), send it with any client,
        //! and read the answer with [`Operation::parse_response`](crate::api::Operation::parse_response).
        #[allow(unused_imports)]
        use crate::__private::prelude::*;
        use crate::__private::{fill_path, json_body, query_options};
        use crate::api::{Method, Operation, Permissions, QueryOptions, RequestError, Semantics};

        /// The default service root, from the spec; national clouds are other hosts with the same paths.
        pub const DEFAULT_BASE_URL: &str = #base_url;
        #(#operations)*
    }
}

fn method_tokens(method: HttpMethod) -> TokenStream {
    let variant = format_ident!("{}", pascal_case(&method.as_str().to_ascii_lowercase()));
    quote!(Method::#variant)
}

/// Whether two operations document the same permissions (and the same note on them).
fn same_permissions(one: &OperationDef, other: &OperationDef) -> bool {
    let (a, b) = (&one.permissions, &other.permissions);
    a.delegated_work == b.delegated_work
        && a.delegated_personal == b.delegated_personal
        && a.application == b.application
        && one.permissions_note == other.permissions_note
}

fn permissions_docs(operation: &OperationDef, same: Option<&str>) -> String {
    if let Some(same) = same {
        return format!("# Permissions\n\nThe same as [`{same}`]({same}#permissions).");
    }
    let list = |names: &[String]| if names.is_empty() { "Not supported.".to_owned() } else { names.join(", ") };
    let mut text = format!(
        "# Permissions\n\nAs documented, least to most privileged:\n\n\
         | Permission type | Permissions |\n|:---|:---|\n\
         | Delegated (work or school account) | {} |\n\
         | Delegated (personal Microsoft account) | {} |\n\
         | Application | {} |",
        list(&operation.permissions.delegated_work),
        list(&operation.permissions.delegated_personal),
        list(&operation.permissions.application),
    );
    if let Some(note) = &operation.permissions_note {
        text.push_str(&format!("\n\n**Flagged:** {note}"));
    }
    text
}

fn operation_items(model: &Model, operation: &OperationDef, same_permissions: Option<&str>) -> TokenStream {
    let type_ident = ident(&operation.rust_name);
    let description = docs(&format!(
        "{}\n\n`{} {}`\n\n{}",
        operation.description,
        operation.method.as_str(),
        operation.path_template,
        permissions_docs(operation, same_permissions)
    ));
    let parameter_fields = operation.path_parameters.iter().map(|parameter| {
        let name = ident(&parameter.rust_name);
        let docs = docs(&format!("{} Path parameter `{{{}}}`.", parameter.description, parameter.wire_name));
        quote! { #docs pub #name: String, }
    });
    let body_type = operation.body.as_ref().map(|body| value_type(model, &ValueType::Type(body.type_id.clone())));
    let body_field = body_type.as_ref().map(|ty| {
        let docs = docs(&operation.body.as_ref().map_or_else(String::new, |b| b.description.clone()));
        quote! { #docs pub body: #ty, }
    });
    let has_query = !operation.query_options.is_empty();
    let query_field = has_query.then(|| {
        quote! {
            /// The query options, set with the setters.
            query: QueryOptions,
        }
    });
    let arguments = operation.path_parameters.iter().map(|parameter| {
        let name = ident(&parameter.rust_name);
        quote!(#name: impl Into<String>)
    });
    let body_argument = body_type.as_ref().map(|ty| quote!(body: #ty));
    let arguments: Vec<TokenStream> = arguments.chain(body_argument).collect();
    let initializers = operation.path_parameters.iter().map(|parameter| {
        let name = ident(&parameter.rust_name);
        quote!(#name: #name.into())
    });
    let body_initializer = body_type.as_ref().map(|_| quote!(body));
    let query_initializer = has_query.then(|| quote!(query: QueryOptions::default()));
    let initializers: Vec<TokenStream> = initializers.chain(body_initializer).chain(query_initializer).collect();
    let setters = has_query.then(|| {
        let options = operation.query_options.iter().map(|option| format_ident!("{}", option.name()));
        quote! { query_options!(#type_ident: #(#options),*); }
    });
    let new_doc = lit(&format!(" The `{}` operation.", operation.name));

    // The output type decides how the answer is read and what `Accept` asks for
    // (`api::ResponseBody`).
    let (output, output_doc) = match &operation.response {
        ResponseDef::None { description } => (quote!(()), format!("Nothing: {description}")),
        ResponseDef::Count { description } => (quote!(u64), description.clone()),
        ResponseDef::Shape { shape, description } => (shape_type(model, shape), description.clone()),
    };
    let output_doc = docs(&output_doc);
    let semantics = match &operation.semantics {
        SemanticsDef::ReadOnly => quote!(Semantics::ReadOnly),
        SemanticsDef::Idempotent => quote!(Semantics::Idempotent),
        SemanticsDef::Write { observed_by, effect } => {
            let (observed_by, effect) = (lit(observed_by), lit(effect));
            quote!(Semantics::Write { observed_by: #observed_by, effect: #effect })
        }
    };
    let operation_id = lit(&operation.name);
    let method = method_tokens(operation.method);
    let template = lit(&operation.path_template);
    let permission_list = |names: &[String]| {
        let names = names.iter().map(|name| lit(name));
        quote!(&[#(#names),*])
    };
    let permissions = match same_permissions {
        Some(same) => {
            let same = ident(same);
            quote!(<#same as Operation>::PERMISSIONS)
        }
        None => {
            let delegated_work = permission_list(&operation.permissions.delegated_work);
            let delegated_personal = permission_list(&operation.permissions.delegated_personal);
            let application = permission_list(&operation.permissions.application);
            let note = match &operation.permissions_note {
                Some(note) => {
                    let note = lit(note);
                    quote!(Some(#note))
                }
                None => quote!(None),
            };
            quote!(Permissions::new(#delegated_work, #delegated_personal, #application, #note))
        }
    };
    let path_parameters = operation.segments.iter().filter_map(|segment| match segment {
        Segment::Literal(_) => None,
        Segment::Parameter(index) => {
            let name = ident(&operation.path_parameters[*index].rust_name);
            Some(quote!(&self.#name))
        }
    });
    let query_method = has_query.then(|| {
        quote! {
            fn query(&self) -> Option<&QueryOptions> {
                Some(&self.query)
            }
        }
    });
    let body_method = body_type.is_some().then(|| {
        quote! {
            fn body(&self) -> Result<Option<Vec<u8>>, RequestError> {
                json_body(&self.body)
            }
        }
    });
    // Without arguments, `new()` is the default (and `Default` derived).
    let new_body = if arguments.is_empty() { quote!(Self::default()) } else { quote!(Self { #(#initializers),* }) };
    let derives = if arguments.is_empty() {
        quote!(#[derive(Clone, Debug, PartialEq, Default)])
    } else {
        quote!(#[derive(Clone, Debug, PartialEq)])
    };
    quote! {
        #description
        #derives
        #[non_exhaustive]
        pub struct #type_ident {
            #(#parameter_fields)*
            #body_field
            #query_field
        }

        impl #type_ident {
            #[doc = #new_doc]
            pub fn new(#(#arguments),*) -> Self {
                #new_body
            }
        }

        #setters

        impl Operation for #type_ident {
            #output_doc
            type Output = #output;
            const OPERATION_ID: &'static str = #operation_id;
            const METHOD: Method = #method;
            const PATH_TEMPLATE: &'static str = #template;
            const PERMISSIONS: Permissions = #permissions;
            const SEMANTICS: Semantics = #semantics;

            fn path(&self) -> Result<String, RequestError> {
                fill_path(Self::PATH_TEMPLATE, &[#(#path_parameters),*])
            }

            #query_method

            #body_method
        }
    }
}
