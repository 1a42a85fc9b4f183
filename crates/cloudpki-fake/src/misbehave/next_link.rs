//! `loop-next-link`: a page's `@odata.nextLink` replaced by the URL of the listing's first
//! page (the link without its `$skiptoken`), so page 1 links to itself and later pages back to
//! page 1: a client that does not remember the links it followed lists forever.

use axum::body::Body;
use axum::response::Response;
use http::header;
use serde_json::Value;

/// The largest page rewritten (pages are far smaller).
const MAX_PAGE: usize = 64 << 20;

/// `response` with its next link looped back, and whether it had one to loop.
pub(crate) async fn loop_back(response: Response) -> (Response, bool) {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE).await else {
        return (Response::from_parts(parts, Body::empty()), false);
    };
    let mut page: Value = match serde_json::from_slice(&bytes) {
        Ok(page) => page,
        Err(_) => return (Response::from_parts(parts, Body::from(bytes)), false),
    };
    let Some(Value::String(link)) = page.get_mut("@odata.nextLink") else {
        return (Response::from_parts(parts, Body::from(bytes)), false);
    };
    *link = first_page(link);
    match serde_json::to_vec(&page) {
        Ok(rewritten) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            (Response::from_parts(parts, Body::from(rewritten)), true)
        }
        Err(_) => (Response::from_parts(parts, Body::from(bytes)), false),
    }
}

/// `link` without its `$skiptoken` parameter (however it is spelled).
fn first_page(link: &str) -> String {
    let Some((base, query)) = link.split_once('?') else { return link.to_owned() };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            // However it is spelled: decoded (`%24skiptoken`, `%24%73kiptoken`), any case.
            let name = cloudpki_model::api::percent::decode_query_component(name).unwrap_or_default();
            !matches!(name.to_ascii_lowercase().as_str(), "$skiptoken" | "skiptoken")
        })
        .collect();
    if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_page_is_the_link_without_its_skiptoken() {
        assert_eq!(first_page("http://h/beta/x?$top=5&$skiptoken=abc"), "http://h/beta/x?$top=5");
        assert_eq!(first_page("http://h/beta/x?%24skiptoken=abc"), "http://h/beta/x");
        assert_eq!(first_page("http://h/beta/x?%24%53kipToken=abc&$top=2"), "http://h/beta/x?$top=2");
        assert_eq!(first_page("http://h/beta/x"), "http://h/beta/x");
    }
}
