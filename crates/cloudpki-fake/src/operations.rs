//! The operations of the spec, as the model's registry describes them ([`operations`]).

use cloudpki_model::api::Operation;

use crate::auth::Access;

/// One operation of the spec, as the model's registry describes it.
#[derive(Clone, Copy, Debug)]
pub struct OperationInfo {
    /// The operation id (`revokeLeafCertificate`).
    pub id: &'static str,
    /// The HTTP method.
    pub method: cloudpki_model::api::Method,
    /// The path template below the base URL.
    pub path_template: &'static str,
    /// Read or write, as the fake enforces it.
    pub access: Access,
}

impl OperationInfo {
    /// What the model's generated type `O` says of its operation.
    pub(crate) fn of<O: Operation>() -> OperationInfo {
        OperationInfo {
            id: O::OPERATION_ID,
            method: O::METHOD,
            path_template: O::PATH_TEMPLATE,
            access: Access::of(O::SEMANTICS),
        }
    }
}

/// Every operation of the spec, from `cloudpki_model::for_each_operation!`.
#[must_use]
pub fn operations() -> Vec<OperationInfo> {
    let mut all = Vec::new();
    macro_rules! collect {
        ($name:literal, $type:ty) => {
            all.push(OperationInfo::of::<$type>());
        };
    }
    cloudpki_model::for_each_operation!(collect);
    all
}
