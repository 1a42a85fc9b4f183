//! The actions of the spec as sans-IO HTTP operations (`cloudpki_model::operations`, behind the
//! model crate's `http` feature), built on the hand-written runtime in `cloudpki_model::api`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{docs, ident, lit};
use crate::names::pascal_case;
use crate::spec::model::{Action, HttpMethod, PathSegment, ResponseKind, Spec};
use crate::types::{request_type_name, response_type_name, rust_field_name, rust_type_name};

/// The tokens of `operations.rs`, or `None` when the spec has no actions.
pub fn emit(spec: &Spec) -> Option<TokenStream> {
    if spec.actions.is_empty() {
        return None;
    }
    let base_url = lit(&spec.base_url);
    let operations = spec.actions.values().map(operation);
    Some(quote! {
        //! The actions of `specs/` as sans-IO HTTP operations: build an `http::Request` with
        //! [`Operation::to_request`](crate::api::Operation::to_request), send it with any client,
        //! and read the answer with [`Operation::parse_response`](crate::api::Operation::parse_response).

        /// The default service root; national clouds are other hosts with the same paths.
        pub const DEFAULT_BASE_URL: &str = #base_url;

        #(#operations)*
    })
}

/// The Rust name of an action's operation type.
pub fn operation_type_name(action: &str) -> String {
    crate::names::rust_identifier(&pascal_case(action))
}

fn method_tokens(method: HttpMethod) -> TokenStream {
    let variant = format_ident!("{}", pascal_case(&method.as_str().to_ascii_lowercase()));
    quote!(crate::api::Method::#variant)
}

fn permissions_docs(action: &Action) -> String {
    let list = |names: &[String]| if names.is_empty() { "Not supported.".to_owned() } else { names.join(", ") };
    let mut text = format!(
        "# Permissions\n\nAs documented, least to most privileged:\n\n\
         | Permission type | Permissions |\n|:---|:---|\n\
         | Delegated (work or school account) | {} |\n\
         | Delegated (personal Microsoft account) | {} |\n\
         | Application | {} |",
        list(&action.permissions.delegated_work),
        list(&action.permissions.delegated_personal),
        list(&action.permissions.application),
    );
    if let Some(note) = &action.permissions_note {
        text.push_str(&format!("\n\n**Flagged:** {note}"));
    }
    text
}

fn operation(action: &Action) -> TokenStream {
    let type_ident = ident(&operation_type_name(&action.name));
    let description = docs(&action.description);
    let request_line = docs(&format!("`{} {}`", action.method.as_str(), action.path));
    let permissions = docs(&permissions_docs(action));
    let operation_id = lit(&action.name);
    let method = method_tokens(action.method);
    let template = lit(&action.path);
    let list = |names: &[String]| {
        let names = names.iter().map(|n| lit(n));
        quote!(&[#(#names),*])
    };
    let delegated_work = list(&action.permissions.delegated_work);
    let delegated_personal = list(&action.permissions.delegated_personal);
    let application = list(&action.permissions.application);
    let note = match &action.permissions_note {
        Some(note) => {
            let note = lit(note);
            quote!(::core::option::Option::Some(#note))
        }
        None => quote!(::core::option::Option::None),
    };

    let mut fields = Vec::new();
    let mut parameters = Vec::new();
    let mut assignments = Vec::new();
    for parameter in &action.path_parameters {
        let name = ident(&rust_field_name(&parameter.name));
        let field_docs = docs(&format!("{}\n\nPath parameter `{{{}}}`.", parameter.description, parameter.name));
        fields.push(quote! { #field_docs pub #name: ::std::string::String, });
        parameters.push(quote! { #name: impl ::core::convert::Into<::std::string::String> });
        assignments.push(quote! { #name: #name.into() });
    }
    let body_type = action.request_body.as_ref().map(|_| ident(&request_type_name(&action.name)));
    if let Some(body_type) = &body_type {
        fields.push(quote! {
            /// The JSON request body (the action parameters).
            pub body: crate::#body_type,
        });
        parameters.push(quote! { body: crate::#body_type });
        assignments.push(quote! { body });
    }
    let body = if body_type.is_some() {
        quote! {
            ::serde_json::to_vec(&self.body).map(::core::option::Option::Some).map_err(crate::api::RequestError::Serialize)
        }
    } else {
        quote! { ::core::result::Result::Ok(::core::option::Option::None) }
    };
    let path_pushes = action.path_segments.iter().map(|segment| match segment {
        PathSegment::Literal(text) => {
            let text = lit(&format!("/{text}"));
            quote! { path.push_str(#text); }
        }
        PathSegment::Parameter(name) => {
            let field = ident(&rust_field_name(name));
            let name = lit(name);
            quote! { crate::api::push_path_parameter(&mut path, #name, &self.#field)?; }
        }
    });
    let entity = ident(&rust_type_name(&action.response.entity));
    let response_type = ident(&response_type_name(&action.name));
    let (output, parse, page_impl) = match action.response.kind {
        ResponseKind::Single => (
            quote!(crate::api::SingleEntity<crate::#entity>),
            quote!(crate::api::SingleEntity::from_slice(body)),
            TokenStream::new(),
        ),
        ResponseKind::Collection => (
            quote!(crate::#response_type),
            quote!(::serde_json::from_slice(body)),
            quote! {
                impl crate::api::CollectionPage for crate::#response_type {
                    fn next_link(&self) -> ::core::option::Option<&str> {
                        self.odata_next_link.as_deref()
                    }
                }
            },
        ),
    };
    let output_docs = match action.response.kind {
        ResponseKind::Single => format!(
            "The `{}` (the documented `{{\"value\": ...}}` wrapper or the bare entity).",
            action.response.entity
        ),
        ResponseKind::Collection => "One page; follow it with `crate::api::next_page_request`.".to_owned(),
    };
    let output_docs = docs(&output_docs);
    let constructor_docs = docs(&format!("The `{}` operation.", action.name));
    quote! {
        #description
        #[doc = ""]
        #request_line
        #[doc = ""]
        #permissions
        #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
        pub struct #type_ident {
            #(#fields)*
        }

        impl #type_ident {
            #constructor_docs
            pub fn new(#(#parameters),*) -> Self {
                #type_ident { #(#assignments),* }
            }
        }

        impl crate::api::Operation for #type_ident {
            #output_docs
            type Output = #output;
            const OPERATION_ID: &'static str = #operation_id;
            const METHOD: crate::api::Method = #method;
            const PATH_TEMPLATE: &'static str = #template;
            const PERMISSIONS: crate::api::Permissions = crate::api::Permissions::__new(
                #delegated_work,
                #delegated_personal,
                #application,
                #note,
            );

            fn path(&self) -> ::core::result::Result<::std::string::String, crate::api::RequestError> {
                let mut path = ::std::string::String::new();
                #(#path_pushes)*
                ::core::result::Result::Ok(path)
            }

            fn body(&self) -> ::core::result::Result<::core::option::Option<::std::vec::Vec<u8>>, crate::api::RequestError> {
                #body
            }

            fn parse_body(body: &[u8]) -> ::core::result::Result<Self::Output, ::serde_json::Error> {
                #parse
            }
        }

        #page_impl
    }
}
