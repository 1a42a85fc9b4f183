//! `operations.rs`: one sans-IO operation type per operation of the model (routes and bound
//! actions), implementing the runtime's `api::Operation`, with setters for exactly the query
//! options its route accepts.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{docs, ident, lit, shape_type, value_type};
use crate::ir::{Model, OperationDef, ResponseDef, Segment, SemanticsDef, ValueType};
use crate::names::pascal_case;
use crate::spec::model::{HttpMethod, QueryOption};

/// The items of `operations.rs`.
pub fn emit(model: &Model) -> TokenStream {
    let base_url = lit(&model.base_url);
    let operations = model.operations.values().map(|operation| operation_items(model, operation));
    quote! {
        //! Every operation of `specs/` as a sans-IO HTTP exchange: build an `http::Request` with
        //! [`Operation::to_request`](crate::api::Operation::to_request), send it with any client,
        //! and read the answer with [`Operation::parse_response`](crate::api::Operation::parse_response).
        #[allow(unused_imports)]
        use crate::__private::prelude::*;

        /// The default service root, from the spec; national clouds are other hosts with the same paths.
        pub const DEFAULT_BASE_URL: &str = #base_url;
        #(#operations)*
    }
}

fn method_tokens(method: HttpMethod) -> TokenStream {
    let variant = format_ident!("{}", pascal_case(&method.as_str().to_ascii_lowercase()));
    quote!(crate::api::Method::#variant)
}

fn permissions_docs(operation: &OperationDef) -> String {
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

/// The setter of one query option.
fn query_setter(option: QueryOption) -> TokenStream {
    match option {
        QueryOption::Select => quote! {
            /// `$select`: return only these properties (wire names).
            pub fn select<S: Into<String>>(mut self, properties: impl ::core::iter::IntoIterator<Item = S>) -> Self {
                self.query.select = properties.into_iter().map(Into::into).collect();
                self
            }
        },
        QueryOption::Expand => quote! {
            /// `$expand`: include these navigation properties (wire names).
            pub fn expand<S: Into<String>>(mut self, properties: impl ::core::iter::IntoIterator<Item = S>) -> Self {
                self.query.expand = properties.into_iter().map(Into::into).collect();
                self
            }
        },
        QueryOption::Filter => quote! {
            /// `$filter`: see [`Filter`](crate::api::Filter), whose literals cannot leave their quotes.
            pub fn filter(mut self, filter: crate::api::Filter) -> Self {
                self.query.filter = Some(filter);
                self
            }
        },
        QueryOption::Top => quote! {
            /// `$top`: at most this many items in all (prefer `Prefer: odata.maxpagesize` to size pages).
            pub fn top(mut self, count: u32) -> Self {
                self.query.top = Some(count);
                self
            }
        },
        QueryOption::Skip => quote! {
            /// `$skip`: skip this many items.
            pub fn skip(mut self, count: u32) -> Self {
                self.query.skip = Some(count);
                self
            }
        },
        QueryOption::Orderby => quote! {
            /// `$orderby`: `property` or `property desc`, in order.
            pub fn orderby<S: Into<String>>(mut self, keys: impl ::core::iter::IntoIterator<Item = S>) -> Self {
                self.query.orderby = keys.into_iter().map(Into::into).collect();
                self
            }
        },
        QueryOption::Search => quote! {
            /// `$search` (sent with `ConsistencyLevel: eventual`).
            pub fn search(mut self, text: impl Into<String>) -> Self {
                self.query.search = Some(text.into());
                self
            }
        },
        QueryOption::Count => quote! {
            /// `$count=true`: ask for `@odata.count` (sent with `ConsistencyLevel: eventual`).
            pub fn count(mut self, count: bool) -> Self {
                self.query.count = count;
                self
            }
        },
    }
}

fn operation_items(model: &Model, operation: &OperationDef) -> TokenStream {
    let type_ident = ident(&operation.rust_name);
    let options: Vec<String> = operation.query_options.iter().map(|o| format!("`${}`", o.name())).collect();
    let query_docs = if options.is_empty() {
        String::new()
    } else {
        format!("\n\n# Query options\n\nAccepts {}.", options.join(", "))
    };
    let description = docs(&format!(
        "{}\n\n`{} {}`\n\n{}{query_docs}",
        operation.description,
        operation.method.as_str(),
        operation.path_template,
        permissions_docs(operation)
    ));
    let parameter_fields = operation.path_parameters.iter().map(|parameter| {
        let name = ident(&parameter.rust_name);
        let docs = docs(&format!("{}\n\nPath parameter `{{{}}}`.", parameter.description, parameter.wire_name));
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
            query: crate::api::QueryOptions,
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
    let query_initializer = has_query.then(|| quote!(query: crate::api::QueryOptions::default()));
    let initializers: Vec<TokenStream> = initializers.chain(body_initializer).chain(query_initializer).collect();
    let setters = operation.query_options.iter().map(|option| query_setter(*option));
    let new_doc = lit(&format!(" The `{}` operation.", operation.name));

    let (output, output_doc, parse) = match &operation.response {
        ResponseDef::None { description } => {
            (quote!(()), format!("Nothing: {description}"), quote!(crate::__private::parse_nothing(body)))
        }
        ResponseDef::Count { description } => {
            (quote!(u64), description.clone(), quote!(crate::__private::parse_count(body)))
        }
        ResponseDef::Shape { shape, description } => {
            (shape_type(model, shape), description.clone(), quote!(crate::__private::parse_json(body)))
        }
    };
    let output_doc = docs(&output_doc);
    let semantics = match &operation.semantics {
        SemanticsDef::ReadOnly => quote!(crate::api::Semantics::ReadOnly),
        SemanticsDef::Idempotent => quote!(crate::api::Semantics::Idempotent),
        SemanticsDef::Write { observed_by, effect } => {
            let (observed_by, effect) = (lit(observed_by), lit(effect));
            quote!(crate::api::Semantics::Write { observed_by: #observed_by, effect: #effect })
        }
    };
    let accept = matches!(operation.response, ResponseDef::Count { .. }).then(|| {
        quote!(
            const ACCEPT: &'static str = "text/plain";
        )
    });
    let operation_id = lit(&operation.name);
    let method = method_tokens(operation.method);
    let template = lit(&operation.path_template);
    let permission_list = |names: &[String]| {
        let names = names.iter().map(|name| lit(name));
        quote!(&[#(#names),*])
    };
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
    let path_steps = operation.segments.iter().map(|segment| match segment {
        Segment::Literal(text) => {
            let text = lit(&format!("/{text}"));
            quote! { path.push_str(#text); }
        }
        Segment::Parameter(index) => {
            let parameter = &operation.path_parameters[*index];
            let name = ident(&parameter.rust_name);
            let wire = lit(&parameter.wire_name);
            quote! { crate::__private::push_path_parameter(&mut path, #wire, &self.#name)?; }
        }
    });
    let query_method = has_query.then(|| {
        quote! {
            fn query(&self) -> Option<&crate::api::QueryOptions> {
                Some(&self.query)
            }
        }
    });
    let body = if body_type.is_some() { quote!(crate::__private::json_body(&self.body)) } else { quote!(Ok(None)) };
    let default = arguments.is_empty().then(|| {
        quote! {
            impl ::core::default::Default for #type_ident {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    quote! {
        #description
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub struct #type_ident {
            #(#parameter_fields)*
            #body_field
            #query_field
        }

        impl #type_ident {
            #[doc = #new_doc]
            pub fn new(#(#arguments),*) -> Self {
                Self { #(#initializers),* }
            }
            #(#setters)*
        }

        #default

        impl crate::api::Operation for #type_ident {
            #output_doc
            type Output = #output;
            const OPERATION_ID: &'static str = #operation_id;
            const METHOD: crate::api::Method = #method;
            const PATH_TEMPLATE: &'static str = #template;
            const PERMISSIONS: crate::api::Permissions =
                crate::api::Permissions::new(#delegated_work, #delegated_personal, #application, #note);
            const SEMANTICS: crate::api::Semantics = #semantics;

            fn path(&self) -> Result<String, crate::api::RequestError> {
                let mut path = String::new();
                #(#path_steps)*
                Ok(path)
            }

            #query_method

            fn body(&self) -> Result<Option<Vec<u8>>, crate::api::RequestError> {
                #body
            }

            #accept

            fn parse_body(body: &[u8]) -> Result<Self::Output, ::serde_json::Error> {
                #parse
            }
        }
    }
}
