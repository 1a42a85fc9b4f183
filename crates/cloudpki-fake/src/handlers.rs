//! What each operation of the spec does to the store, and the answer it gets. Routing, auth,
//! throttling and faults are in `server`; everything here is synchronous.

use axum::response::Response;
use chrono::Utc;
use cloudpki_model::api::Operation;
use cloudpki_model::operations as ops;
use cloudpki_model::{
    ActivateRequest, ChangeCloudCertificationAuthorityStatusRequest, CloudCertificationAuthority as Ca,
    CloudCertificationAuthorityLeafCertificate as Leaf, CloudCertificationAuthorityLeafCertificateStatus as LeafStatus,
    CloudCertificationAuthorityStatus as CaStatus, CloudCertificationAuthorityVersion as Version,
    CloudCertificationAuthorityVersionStatus as VersionStatus, Nullable, Page,
    RevokeCloudCertificationAuthorityCertificateRequest, RevokeLeafCertificateBySerialNumberRequest,
    RevokeLeafCertificateRequest, SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest, SingleEntity,
    UploadExternallySignedCertificationAuthorityCertificateRequest,
};
use http::{HeaderMap, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::config::{AlreadyRevoked, Wire};
use crate::error::ApiError;
use crate::odata::{Accepts, Cut, Query, StatusProperty, apply_select, cut};
use crate::respond::{Ctx, json_response, no_content, raw_json_response};
use crate::state::App;
use crate::store::{CaRecord, Stale, Store};

/// The handler of each operation id of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Handler {
    ListCas,
    CreateCa,
    GetCa,
    UpdateCa,
    DeleteCa,
    ChangeStatus,
    RevokeCaCertificate,
    UploadSigned,
    GetAllCasAction,
    GetCaAction,
    PatchCaAction,
    PostCaAction,
    Activate,
    Renew,
    GetVersionAction,
    GetVersionsAction,
    ActiveVersion,
    ListVersions,
    GetVersion,
    RevokeLeaf,
    RevokeLeafBySerial,
    SearchBySerial,
    GetAllLeavesAction,
    ListLeaves,
    GetLeaf,
    TenantLeaves,
    TenantLeaf,
    CountCas,
    CountVersions,
    CountLeaves,
    CountTenantLeaves,
    CreateTenantLeaf,
    UpdateTenantLeaf,
    DeleteTenantLeaf,
    TenantLeafVersion,
}

impl Handler {
    /// Actions that answer a page: their next links are followed with GET.
    pub(crate) fn is_collection_action(self) -> bool {
        matches!(
            self,
            Handler::GetAllCasAction | Handler::PostCaAction | Handler::GetVersionsAction | Handler::GetAllLeavesAction
        )
    }

    fn accepts(self) -> Accepts {
        match self {
            Handler::ListCas
            | Handler::ListVersions
            | Handler::ListLeaves
            | Handler::TenantLeaves
            | Handler::GetAllCasAction
            | Handler::PostCaAction
            | Handler::GetVersionsAction
            | Handler::GetAllLeavesAction
            | Handler::CountCas
            | Handler::CountVersions
            | Handler::CountLeaves
            | Handler::CountTenantLeaves => Accepts::Collection,
            Handler::GetCa
            | Handler::ActiveVersion
            | Handler::GetVersion
            | Handler::GetLeaf
            | Handler::TenantLeaf
            | Handler::TenantLeafVersion => Accepts::Single,
            _ => Accepts::Nothing,
        }
    }
}

/// The handler of each operation type the model generates from the spec. Routing reads it
/// through `cloudpki_model::for_each_operation!`, so an operation added to the spec without a
/// handler here, or one renamed, fails to compile instead of answering 501.
pub(crate) trait Served: Operation {
    /// What serves it.
    const HANDLER: Handler;
}

macro_rules! served {
    ($($operation:ident => $handler:ident,)*) => {
        $(impl Served for ops::$operation {
            const HANDLER: Handler = Handler::$handler;
        })*
    };
}

served! {
    ListCloudCertificationAuthorities => ListCas,
    CreateCloudCertificationAuthority => CreateCa,
    GetCloudCertificationAuthorityById => GetCa,
    UpdateCloudCertificationAuthority => UpdateCa,
    DeleteCloudCertificationAuthority => DeleteCa,
    ChangeCloudCertificationAuthorityStatus => ChangeStatus,
    RevokeCloudCertificationAuthorityCertificate => RevokeCaCertificate,
    UploadExternallySignedCertificationAuthorityCertificate => UploadSigned,
    GetAllCloudCertificationAuthority => GetAllCasAction,
    GetCloudCertificationAuthority => GetCaAction,
    PatchCloudCertificationAuthority => PatchCaAction,
    PostCloudCertificationAuthority => PostCaAction,
    Activate => Activate,
    Renew => Renew,
    GetCloudCertificationAuthorityVersion => GetVersionAction,
    GetCloudCertificationAuthorityVersions => GetVersionsAction,
    GetCloudCertificationAuthorityActiveVersion => ActiveVersion,
    ListCloudCertificationAuthorityVersions => ListVersions,
    GetCloudCertificationAuthorityVersionById => GetVersion,
    RevokeLeafCertificate => RevokeLeaf,
    RevokeLeafCertificateBySerialNumber => RevokeLeafBySerial,
    SearchCloudCertificationAuthorityLeafCertificateBySerialNumber => SearchBySerial,
    GetAllCloudCertificationAuthorityLeafCertificates => GetAllLeavesAction,
    ListCloudCertificationAuthorityLeafCertificates => ListLeaves,
    GetCloudCertificationAuthorityLeafCertificate => GetLeaf,
    ListTenantCloudCertificationAuthorityLeafCertificates => TenantLeaves,
    GetTenantCloudCertificationAuthorityLeafCertificate => TenantLeaf,
    CountCloudCertificationAuthorities => CountCas,
    CountCloudCertificationAuthorityVersions => CountVersions,
    CountCloudCertificationAuthorityLeafCertificates => CountLeaves,
    CountTenantCloudCertificationAuthorityLeafCertificates => CountTenantLeaves,
    CreateTenantCloudCertificationAuthorityLeafCertificate => CreateTenantLeaf,
    UpdateTenantCloudCertificationAuthorityLeafCertificate => UpdateTenantLeaf,
    DeleteTenantCloudCertificationAuthorityLeafCertificate => DeleteTenantLeaf,
    GetTenantCloudCertificationAuthorityLeafCertificateVersion => TenantLeafVersion,
}

/// One request, as the handlers see it.
pub(crate) struct Call<'a> {
    pub(crate) app: &'a App,
    pub(crate) ctx: &'a Ctx,
    /// The path parameters, decoded, in template order.
    pub(crate) params: Vec<String>,
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

impl Call<'_> {
    fn param(&self, index: usize) -> &str {
        self.params.get(index).map_or("", String::as_str)
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.app.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn root(&self) -> &str {
        &self.ctx.service_root
    }

    /// The requested page size (`Prefer: odata.maxpagesize`), capped, and whether the
    /// preference was applied.
    fn page_size(&self) -> (usize, Option<usize>) {
        let config = &self.app.config;
        let asked = self
            .headers
            .get_all("prefer")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|part| part.trim().strip_prefix("odata.maxpagesize="))
            .find_map(|size| size.trim().trim_matches('"').parse::<usize>().ok())
            .filter(|size| *size > 0);
        match asked {
            Some(size) => {
                let applied = size.min(config.max_page_size);
                (applied, Some(applied))
            }
            None => (config.default_page_size.min(config.max_page_size), None),
        }
    }

    fn eventual(&self) -> bool {
        self.headers
            .get("consistencylevel")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("eventual"))
    }

    fn query(&self, accepts: Accepts, status: StatusProperty) -> Result<Query, ApiError> {
        let query = Query::parse(self.query, accepts, status, self.app.config.max_page_size)?;
        if query.count && !self.eventual() {
            return Err(ApiError::bad_request(
                "The $count query option requires the ConsistencyLevel header set to 'eventual'.",
            ));
        }
        Ok(query)
    }

    fn body<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let text = if self.body.iter().all(u8::is_ascii_whitespace) { &b"{}"[..] } else { self.body };
        cloudpki_model::from_slice(text)
            .map_err(|error| ApiError::bad_request(&format!("The request body is not valid: {error}")))
    }

    fn next_link(&self, query: &Query, cut_next: Option<crate::odata::SkipToken>) -> Option<String> {
        let token = cut_next?.encode(&self.ctx.path);
        let mut parts: Vec<String> = query.carried.iter().map(|(name, value)| format!("{name}={value}")).collect();
        parts.push(format!("$skiptoken={token}"));
        Some(format!("{}{}?{}", self.ctx.origin, self.ctx.path, parts.join("&")))
    }

    fn page<T: Serialize>(&self, query: &Query, cut: Cut<T>, context: String, applied: Option<usize>) -> Response {
        let next = self.next_link(query, cut.next);
        let mut page = Page::new(cut.items).with_context(context);
        if let Some(next) = next {
            page = page.with_next_link(next);
        }
        if let Some(count) = cut.count {
            page = page.with_count(count);
        }
        let mut response = json_response(StatusCode::OK, &page, self.ctx);
        if let Some(applied) = applied
            && let Ok(value) = http::HeaderValue::from_str(&format!("odata.maxpagesize={applied}"))
        {
            response.headers_mut().insert("preference-applied", value);
        }
        response
    }

    fn single<T: Serialize>(&self, entity: T, context: String) -> Response {
        self.single_with_status(StatusCode::OK, entity, context)
    }

    /// One entity: bare with `@odata.context` first, as the live service sends it, or in the doc
    /// pages' `{"@odata.context": ..., "value": {...}}` wrapper ([`Wire::Docs`]).
    fn single_with_status<T: Serialize>(&self, status: StatusCode, entity: T, context: String) -> Response {
        match self.app.config.wire {
            Wire::Docs => {
                let mut single = SingleEntity::wrapped(entity);
                single.wrapper_properties.insert("@odata.context", json!(context));
                json_response(status, &single, self.ctx)
            }
            _ => match (serde_json::to_vec(&entity), serde_json::to_vec(&context)) {
                (Ok(body), Ok(context)) if body.first() == Some(&b'{') => {
                    let mut bare = b"{\"@odata.context\":".to_vec();
                    bare.extend(context);
                    if body.len() > 2 {
                        bare.push(b',');
                    }
                    bare.extend(&body[1..]);
                    raw_json_response(status, bare, self.ctx)
                }
                _ => json_response(status, &entity, self.ctx),
            },
        }
    }

    /// A `$count` answer: the bare integer as `text/plain`.
    fn count(&self, count: usize) -> Response {
        let mut response = Response::new(axum::body::Body::from(count.to_string()));
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain;charset=utf-8"));
        crate::respond::with_ids(response, self.ctx)
    }

    /// 404 for the top-level leaf collection unless the fake was told to serve it (live tenants
    /// answer 404 there).
    fn tenant_leaves(&self) -> Result<(), ApiError> {
        if self.app.config.tenant_leaves {
            Ok(())
        } else {
            Err(ApiError::not_found("Resource not found for the segment 'cloudCertificationAuthorityLeafCertificate'."))
        }
    }
}

/// Keeps the `$select`ed properties of a model entity, in the model's (the spec's) order.
fn select<T: Serialize + DeserializeOwned>(entity: T, query: &Query) -> T {
    let Some(selected) = query.select.as_deref() else { return entity };
    // Expanded navigation properties stay, selected or not.
    let names: Vec<String> = selected.iter().chain(&query.expand).cloned().collect();
    let Ok(value) = serde_json::to_value(&entity) else { return entity };
    serde_json::from_value(apply_select(value, Some(&names))).unwrap_or(entity)
}

fn leaf_member(text: &str) -> bool {
    LeafStatus::MEMBERS.contains(&text)
}

fn ca_member(text: &str) -> bool {
    CaStatus::MEMBERS.contains(&text)
}

fn version_member(text: &str) -> bool {
    VersionStatus::MEMBERS.contains(&text)
}

const LEAF_FILTER: StatusProperty = Some(("certificateStatus", leaf_member));
const CA_FILTER: StatusProperty = Some(("certificationAuthorityStatus", ca_member));
const VERSION_FILTER: StatusProperty = Some(("certificationAuthorityVersionStatus", version_member));
const CA_NAVIGATION: [&str; 3] = ["activeVersion", "versions", "cloudCertificationAuthorityLeafCertificate"];
const LEAF_NAVIGATION: [&str; 1] = ["cloudCertificationAuthorityVersion"];

fn leaf_status(leaf: &Leaf) -> Option<&str> {
    leaf.certificate_status.as_ref().map(LeafStatus::as_str)
}

/// Runs one operation.
pub(crate) fn handle(handler: Handler, call: &Call<'_>) -> Response {
    match run(handler, call) {
        Ok(response) => response,
        Err(error) => crate::respond::error_response(&error, call.ctx),
    }
}

fn run(handler: Handler, call: &Call<'_>) -> Result<Response, ApiError> {
    let now = Utc::now();
    let root = call.root().to_owned();
    let accepts = handler.accepts();
    match handler {
        Handler::ListCas | Handler::GetAllCasAction | Handler::PostCaAction => {
            let query = call.query(accepts, CA_FILTER)?;
            query.check_names(&call.app.names.ca, &CA_NAVIGATION, "cloudCertificationAuthority")?;
            let (size, applied) = call.page_size();
            let store = call.store();
            let cut = cut(store.cas.iter().map(|ca| (ca.seq, ca)), &query, &call.ctx.path, size, |ca| {
                query.filter.as_ref().is_none_or(|filter| filter.matches(ca.status().map(CaStatus::as_str)))
            })?;
            let cut = Cut {
                items: cut.items.into_iter().map(|ca| select(seen_ca(&store, ca, &query, &root), &query)).collect(),
                next: cut.next,
                count: cut.count,
            };
            let context = if handler == Handler::ListCas {
                format!("{root}/$metadata#deviceManagement/cloudCertificationAuthority{}", query.context_suffix())
            } else {
                format!("{root}/$metadata#Collection(microsoft.graph.cloudCertificationAuthority)")
            };
            Ok(call.page(&query, cut, context, applied))
        }
        Handler::CreateCa => {
            let body: Ca = call.body()?;
            let entity = call.store().create_ca(&body, now)?;
            let context = format!("{root}/$metadata#deviceManagement/cloudCertificationAuthority/$entity");
            Ok(call.single_with_status(StatusCode::CREATED, entity, context))
        }
        Handler::GetCa | Handler::GetCaAction => {
            let query = call.query(accepts, None)?;
            query.check_names(&call.app.names.ca, &CA_NAVIGATION, "cloudCertificationAuthority")?;
            let store = call.store();
            let ca = store.ca(call.param(0))?;
            let entity = select(seen_ca(&store, ca, &query, &root), &query);
            let context = if handler == Handler::GetCa {
                format!(
                    "{root}/$metadata#deviceManagement/cloudCertificationAuthority{}/$entity",
                    query.context_suffix()
                )
            } else {
                format!("{root}/$metadata#microsoft.graph.cloudCertificationAuthority")
            };
            Ok(call.single(entity, context))
        }
        Handler::UpdateCa => {
            call.query(accepts, None)?;
            let patch = patch_object(call.body)?;
            call.store().update_ca(call.param(0), &patch, now)?;
            Ok(no_content(call.ctx))
        }
        Handler::PatchCaAction => {
            let patch = patch_object(call.body)?;
            let mut store = call.store();
            if !patch.is_empty() {
                store.update_ca(call.param(0), &patch, now)?;
            }
            let ca = store.ca(call.param(0))?;
            Ok(call.single(render_ca(ca, &Query::default(), &root), ca_action_context(&root)))
        }
        Handler::DeleteCa => {
            call.store().delete_ca(call.param(0))?;
            Ok(no_content(call.ctx))
        }
        Handler::ChangeStatus => {
            let body: ChangeCloudCertificationAuthorityStatusRequest = call.body()?;
            let mut store = call.store();
            let id = call.param(0);
            hold_stale_ca(call, &mut store, id);
            store.change_ca_status(
                id,
                body.certification_authority_status.value(),
                body.certification_authority_version.value().copied(),
                now,
            )?;
            call.app.stats.ca_status_change(id);
            let ca = store.ca(id)?;
            Ok(call.single(render_ca(ca, &Query::default(), &root), ca_action_context(&root)))
        }
        Handler::RevokeCaCertificate => {
            let body: RevokeCloudCertificationAuthorityCertificateRequest = call.body()?;
            let mut store = call.store();
            let id = call.param(0);
            hold_stale_ca(call, &mut store, id);
            store.revoke_ca_certificate(id, body.certification_authority_version.value().copied(), now)?;
            call.app.stats.ca_certificate_revocation(id);
            let ca = store.ca(id)?;
            Ok(call.single(render_ca(ca, &Query::default(), &root), ca_action_context(&root)))
        }
        Handler::UploadSigned => {
            let body: UploadExternallySignedCertificationAuthorityCertificateRequest = call.body()?;
            let mut store = call.store();
            let id = call.param(0);
            let chain: Vec<&str> = body
                .trust_chain_certificates
                .value()
                .map(|chain| chain.iter().filter_map(|entry| entry.certificate.value().map(String::as_str)).collect())
                .unwrap_or_default();
            store.upload_signed(
                id,
                body.signed_certificate.value().map(String::as_str),
                &chain,
                body.certification_authority_version.value().copied(),
                now,
            )?;
            let ca = store.ca(id)?;
            Ok(call.single(render_ca(ca, &Query::default(), &root), ca_action_context(&root)))
        }
        Handler::Activate => {
            let body: ActivateRequest = call.body()?;
            let mut store = call.store();
            let id = call.param(0);
            store.activate(id, body.certification_authority_version.value().copied(), now)?;
            let ca = store.ca(id)?;
            Ok(call.single(render_ca(ca, &Query::default(), &root), ca_action_context(&root)))
        }
        Handler::Renew => {
            call.store().renew(call.param(0), now)?;
            Ok(no_content(call.ctx))
        }
        Handler::GetVersionAction | Handler::ActiveVersion => {
            let query = call.query(accepts, None)?;
            query.check_names(&call.app.names.version, &[], "cloudCertificationAuthorityVersion")?;
            let store = call.store();
            let ca = store.ca(call.param(0))?;
            let version = ca
                .active_version()
                .cloned()
                .ok_or_else(|| ApiError::not_found("The certification authority has no active version."))?;
            let context = if handler == Handler::ActiveVersion {
                format!(
                    "{root}/$metadata#deviceManagement/cloudCertificationAuthority('{}')/activeVersion{}/$entity",
                    ca.id(),
                    query.context_suffix()
                )
            } else {
                format!("{root}/$metadata#microsoft.graph.cloudCertificationAuthorityVersion")
            };
            Ok(call.single(select(version, &query), context))
        }
        Handler::ListVersions | Handler::GetVersionsAction => {
            let query = call.query(accepts, VERSION_FILTER)?;
            query.check_names(&call.app.names.version, &[], "cloudCertificationAuthorityVersion")?;
            let (size, applied) = call.page_size();
            let store = call.store();
            let ca = store.ca(call.param(0))?;
            let cut = cut(
                ca.versions.iter().enumerate().map(|(index, v)| (index as u64, v)),
                &query,
                &call.ctx.path,
                size,
                |version| {
                    query.filter.as_ref().is_none_or(|filter| {
                        filter
                            .matches(version.certification_authority_version_status.value().map(VersionStatus::as_str))
                    })
                },
            )?;
            let cut = Cut {
                items: cut.items.into_iter().map(|v| select(v.clone(), &query)).collect::<Vec<Version>>(),
                next: cut.next,
                count: cut.count,
            };
            let context = if handler == Handler::ListVersions {
                format!(
                    "{root}/$metadata#deviceManagement/cloudCertificationAuthority('{}')/versions{}",
                    ca.id(),
                    query.context_suffix()
                )
            } else {
                format!("{root}/$metadata#Collection(microsoft.graph.cloudCertificationAuthorityVersion)")
            };
            Ok(call.page(&query, cut, context, applied))
        }
        Handler::GetVersion => {
            let query = call.query(accepts, None)?;
            query.check_names(&call.app.names.version, &[], "cloudCertificationAuthorityVersion")?;
            let store = call.store();
            let ca = store.ca(call.param(0))?;
            let wanted = call.param(1);
            let version = ca
                .versions
                .iter()
                .find(|version| version.id.as_deref() == Some(wanted))
                .cloned()
                .ok_or_else(|| ApiError::not_found(format!("The version with id '{wanted}' was not found.")))?;
            let context = format!(
                "{root}/$metadata#deviceManagement/cloudCertificationAuthority('{}')/versions{}/$entity",
                ca.id(),
                query.context_suffix()
            );
            Ok(call.single(select(version, &query), context))
        }
        Handler::ListLeaves | Handler::GetAllLeavesAction => {
            let query = call.query(accepts, LEAF_FILTER)?;
            query.check_names(&call.app.names.leaf, &LEAF_NAVIGATION, "cloudCertificationAuthorityLeafCertificate")?;
            let (size, applied) = call.page_size();
            let store = call.store();
            let ca = store.ca(call.param(0))?;
            let cut = cut(
                ca.leaves.iter().enumerate().map(|(index, leaf)| (index as u64, leaf)),
                &query,
                &call.ctx.path,
                size,
                // A stale read is stale in its filter too: it matches the leaf as it shows it.
                |leaf| matches_filter(&query, leaf_status(store.seen_leaf(leaf))),
            )?;
            let cut = Cut {
                items: cut
                    .items
                    .into_iter()
                    .map(|leaf| select(render_leaf(store.seen_leaf(leaf), ca, &query), &query))
                    .collect::<Vec<Leaf>>(),
                next: cut.next,
                count: cut.count,
            };
            let context = if handler == Handler::ListLeaves {
                format!(
                    "{root}/$metadata#deviceManagement/cloudCertificationAuthority('{}')/cloudCertificationAuthorityLeafCertificate{}",
                    ca.id(),
                    query.context_suffix()
                )
            } else {
                format!("{root}/$metadata#Collection(microsoft.graph.cloudCertificationAuthorityLeafCertificate)")
            };
            Ok(call.page(&query, cut, context, applied))
        }
        Handler::GetLeaf => {
            let query = call.query(accepts, None)?;
            query.check_names(&call.app.names.leaf, &LEAF_NAVIGATION, "cloudCertificationAuthorityLeafCertificate")?;
            let store = call.store();
            let ca = store.ca(call.param(0))?;
            let wanted = call.param(1);
            let index = ca.leaf_index(wanted).ok_or_else(|| ApiError::leaf_not_found(wanted))?;
            let leaf = select(render_leaf(store.seen_leaf(&ca.leaves[index]), ca, &query), &query);
            let context = format!(
                "{root}/$metadata#deviceManagement/cloudCertificationAuthority('{}')/cloudCertificationAuthorityLeafCertificate{}/$entity",
                ca.id(),
                query.context_suffix()
            );
            Ok(call.single(leaf, context))
        }
        Handler::SearchBySerial => {
            let body: SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest = call.body()?;
            let serial = required(body.certificate_serial_number.value(), "certificateSerialNumber")?;
            let store = call.store();
            let ca = store.ca(call.param(0))?;
            let index = ca.leaf_index_by_serial(serial).ok_or_else(|| serial_not_found(serial))?;
            Ok(call.single(store.seen_leaf(&ca.leaves[index]).clone(), leaf_action_context(&root)))
        }
        Handler::RevokeLeaf => {
            let body: RevokeLeafCertificateRequest = call.body()?;
            let leaf_id = required(body.leaf_certificate_id.value(), "leafCertificateId")?;
            let mut store = call.store();
            let ca = store.ca(call.param(0))?;
            let index = ca.leaf_index(leaf_id).ok_or_else(|| ApiError::leaf_not_found(leaf_id))?;
            revoke(call, &mut store, index, &root)
        }
        Handler::RevokeLeafBySerial => {
            let body: RevokeLeafCertificateBySerialNumberRequest = call.body()?;
            let serial = required(body.certificate_serial_number.value(), "certificateSerialNumber")?;
            let mut store = call.store();
            let ca = store.ca(call.param(0))?;
            let index = ca.leaf_index_by_serial(serial).ok_or_else(|| serial_not_found(serial))?;
            revoke(call, &mut store, index, &root)
        }
        Handler::CountCas => {
            let query = call.query(accepts, CA_FILTER)?;
            let store = call.store();
            let matching = store.cas.iter().filter(|ca| matches_filter(&query, ca.status().map(CaStatus::as_str)));
            Ok(call.count(matching.count()))
        }
        Handler::CountVersions => {
            let query = call.query(accepts, VERSION_FILTER)?;
            let store = call.store();
            let ca = store.ca(call.param(0))?;
            let matching = ca.versions.iter().filter(|version| {
                matches_filter(
                    &query,
                    version.certification_authority_version_status.value().map(VersionStatus::as_str),
                )
            });
            Ok(call.count(matching.count()))
        }
        Handler::CountLeaves => {
            let query = call.query(accepts, LEAF_FILTER)?;
            let store = call.store();
            let ca = store.ca(call.param(0))?;
            Ok(call.count(
                ca.leaves.iter().filter(|leaf| matches_filter(&query, leaf_status(store.seen_leaf(leaf)))).count(),
            ))
        }
        Handler::CountTenantLeaves => {
            call.tenant_leaves()?;
            let query = call.query(accepts, LEAF_FILTER)?;
            let store = call.store();
            let leaves = store.cas.iter().flat_map(|ca| &ca.leaves);
            Ok(call.count(leaves.filter(|leaf| matches_filter(&query, leaf_status(store.seen_leaf(leaf)))).count()))
        }
        Handler::TenantLeaves => {
            call.tenant_leaves()?;
            let query = call.query(accepts, LEAF_FILTER)?;
            query.check_names(&call.app.names.leaf, &LEAF_NAVIGATION, "cloudCertificationAuthorityLeafCertificate")?;
            let (size, applied) = call.page_size();
            let store = call.store();
            // Keyset: the CA's sequence number, then the leaf's position in it.
            let all = store.cas.iter().flat_map(|ca| {
                ca.leaves.iter().enumerate().map(move |(index, leaf)| ((ca.seq << 32) | index as u64, (leaf, ca)))
            });
            let cut = cut(all, &query, &call.ctx.path, size, |(leaf, _)| {
                matches_filter(&query, leaf_status(store.seen_leaf(leaf)))
            })?;
            let cut = Cut {
                items: cut
                    .items
                    .into_iter()
                    .map(|(leaf, ca)| select(render_leaf(store.seen_leaf(leaf), ca, &query), &query))
                    .collect::<Vec<Leaf>>(),
                next: cut.next,
                count: cut.count,
            };
            let context = format!(
                "{root}/$metadata#deviceManagement/cloudCertificationAuthorityLeafCertificate{}",
                query.context_suffix()
            );
            Ok(call.page(&query, cut, context, applied))
        }
        Handler::TenantLeaf => {
            call.tenant_leaves()?;
            let query = call.query(accepts, None)?;
            query.check_names(&call.app.names.leaf, &LEAF_NAVIGATION, "cloudCertificationAuthorityLeafCertificate")?;
            let store = call.store();
            let (ca, leaf) = tenant_leaf(&store, call.param(0))?;
            let leaf =
                select(render_leaf(store.seen_leaf(&store.cas[ca].leaves[leaf]), &store.cas[ca], &query), &query);
            let context = format!(
                "{root}/$metadata#deviceManagement/cloudCertificationAuthorityLeafCertificate{}/$entity",
                query.context_suffix()
            );
            Ok(call.single(leaf, context))
        }
        Handler::TenantLeafVersion => {
            call.tenant_leaves()?;
            let query = call.query(accepts, None)?;
            query.check_names(&call.app.names.version, &[], "cloudCertificationAuthorityVersion")?;
            let store = call.store();
            let (ca, leaf) = tenant_leaf(&store, call.param(0))?;
            let ca = &store.cas[ca];
            let number = ca.leaves[leaf].certification_authority_version_number.value().copied();
            // The version with the leaf's number; the live service reports 0 on every leaf seen,
            // which names no version: then the CA's active version.
            let version = ca
                .versions
                .iter()
                .find(|version| number.is_some() && version.version_number.value().copied() == number)
                .or_else(|| ca.active_version())
                .cloned()
                .ok_or_else(|| ApiError::not_found("The certification authority has no version."))?;
            let context = format!(
                "{root}/$metadata#deviceManagement/cloudCertificationAuthorityLeafCertificate('{}')/cloudCertificationAuthorityVersion{}/$entity",
                call.param(0),
                query.context_suffix()
            );
            Ok(call.single(select(version, &query), context))
        }
        Handler::CreateTenantLeaf => {
            call.tenant_leaves()?;
            let body: Leaf = call.body()?;
            let leaf = call.store().create_leaf(&body, now)?;
            let context =
                format!("{root}/$metadata#deviceManagement/cloudCertificationAuthorityLeafCertificate/$entity");
            Ok(call.single_with_status(StatusCode::CREATED, leaf, context))
        }
        Handler::UpdateTenantLeaf => {
            call.tenant_leaves()?;
            let patch = patch_object(call.body)?;
            call.store().update_leaf(call.param(0), &patch)?;
            Ok(no_content(call.ctx))
        }
        Handler::DeleteTenantLeaf => {
            call.tenant_leaves()?;
            call.store().delete_leaf(call.param(0))?;
            Ok(no_content(call.ctx))
        }
    }
}

fn matches_filter(query: &Query, status: Option<&str>) -> bool {
    query.filter.as_ref().is_none_or(|filter| filter.matches(status))
}

fn tenant_leaf(store: &Store, id: &str) -> Result<(usize, usize), ApiError> {
    store
        .find_leaf(id)
        .ok_or_else(|| ApiError::not_found(format!("The leaf certificate with id '{id}' was not found.")))
}

fn revoke(call: &Call<'_>, store: &mut Store, index: usize, root: &str) -> Result<Response, ApiError> {
    let ca_id = call.param(0).to_owned();
    let ca = store.ca(&ca_id)?;
    let leaf = &ca.leaves[index];
    let leaf_id = leaf.id.clone().unwrap_or_default();
    if leaf.certificate_status == Some(LeafStatus::Revoked)
        && call.app.config.already_revoked == AlreadyRevoked::BadRequest
    {
        call.app.stats.revocation(&leaf_id, true);
        return Err(ApiError::bad_request("The certificate has already been revoked."));
    }
    if let Some(window) = call.ctx.stale_window {
        store.hold_stale(leaf_id.clone(), Stale::Leaf(Box::new(leaf.clone())), window);
    }
    let revocation = store.revoke_leaf(&ca_id, index, Utc::now())?;
    call.app.stats.revocation(&leaf_id, !revocation.changed);
    Ok(call.single(revocation.leaf, leaf_action_context(root)))
}

/// With the `stale` fault, reads of the CA keep seeing it as it is now for the fault's window.
fn hold_stale_ca(call: &Call<'_>, store: &mut Store, id: &str) {
    if let (Some(window), Ok(ca)) = (call.ctx.stale_window, store.ca(id)) {
        let before = Stale::Ca(Box::new(ca.entity.clone()));
        store.hold_stale(id.to_owned(), before, window);
    }
}

fn required<'a>(value: Option<&'a String>, name: &str) -> Result<&'a str, ApiError> {
    value
        .map(String::as_str)
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request(&format!("The parameter '{name}' is required.")))
}

fn serial_not_found(serial: &str) -> ApiError {
    ApiError::not_found(format!(
        "No leaf certificate with serial number '{serial}' was issued by this certification authority."
    ))
}

fn ca_action_context(root: &str) -> String {
    format!("{root}/$metadata#microsoft.graph.cloudCertificationAuthority")
}

fn leaf_action_context(root: &str) -> String {
    format!("{root}/$metadata#microsoft.graph.cloudCertificationAuthorityLeafCertificate")
}

fn patch_object(body: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(serde_json::Value::Object(members)) => Ok(members),
        Ok(_) => Err(ApiError::bad_request("The request body must be a JSON object.")),
        Err(error) => Err(ApiError::bad_request(&format!("The request body is not valid JSON: {error}"))),
    }
}

/// A CA as a read sees it: with the status a `stale` fault holds back, if any.
fn seen_ca(store: &Store, ca: &CaRecord, query: &Query, root: &str) -> Ca {
    let mut entity = render_ca(ca, query, root);
    if let Some(before) = store.stale_ca(ca.id()) {
        entity.certification_authority_status = before.certification_authority_status.clone();
        entity.last_modified_date_time = before.last_modified_date_time;
        entity.e_tag = before.e_tag.clone();
    }
    entity
}

fn render_ca(ca: &CaRecord, query: &Query, root: &str) -> Ca {
    let mut entity = ca.rendered(root, query.expands("versions"));
    if query.expands("cloudCertificationAuthorityLeafCertificate") {
        entity.additional_properties.insert(
            "cloudCertificationAuthorityLeafCertificate@odata.context",
            json!(format!(
                "{root}/$metadata#deviceManagement/cloudCertificationAuthority('{}')/cloudCertificationAuthorityLeafCertificate",
                ca.id()
            )),
        );
        entity.cloud_certification_authority_leaf_certificate = Some(ca.leaves.clone());
    }
    entity
}

fn render_leaf(leaf: &Leaf, ca: &CaRecord, query: &Query) -> Leaf {
    let mut leaf = leaf.clone();
    if query.expands("cloudCertificationAuthorityVersion") {
        let number = leaf.certification_authority_version_number.value().copied();
        leaf.cloud_certification_authority_version =
            match ca.versions.iter().find(|version| version.version_number.value().copied() == number) {
                Some(version) => Nullable::Value(Box::new(version.clone())),
                None => Nullable::Null,
            };
    }
    leaf
}
