//! Paging streams: every item of a listing, page after page, one page in memory at a time.
//!
//! `@odata.nextLink` is followed with GET on the base URL's origin only (the token never goes
//! elsewhere). A link already followed in this listing ([`Error::PagingLoop`]) or more pages
//! than [`crate::ClientBuilder::max_pages`] ([`Error::TooManyPages`]) ends the listing with an
//! error naming it. Each page goes through the whole pipeline (window, retries, bounded body).

use std::collections::{HashSet, VecDeque};

use cloudpki_model::api::{Method, Operation, Semantics, next_page_request};
use cloudpki_model::{LenientPage, Page};
use futures_util::Stream;
use serde::de::DeserializeOwned;

use crate::pipeline::Sent;
use crate::{Client, Error};

/// The state of a paging stream.
struct PageState<T> {
    next: Option<Result<http::Request<Vec<u8>>, Error>>,
    buffer: VecDeque<Result<T, Error>>,
    followed: HashSet<String>,
    pages: u64,
    operation_id: &'static str,
    semantics: Semantics,
    method: Method,
}

impl Client {
    /// Every item of a paged operation (see [the module](crate::paging)). An item that is not a
    /// valid `T` is an [`Error::Item`] in the stream, and the stream goes on; any other error
    /// ends it.
    pub fn items<O, T>(&self, operation: O) -> impl Stream<Item = Result<T, Error>> + use<O, T>
    where
        O: Operation<Output = Page<T>>,
        T: DeserializeOwned,
    {
        let client = self.clone();
        let first = operation.to_request(&self.inner.base, &self.inner.options).map_err(Error::from);
        let state = PageState {
            next: Some(first),
            buffer: VecDeque::new(),
            followed: HashSet::new(),
            pages: 0,
            operation_id: O::OPERATION_ID,
            semantics: O::SEMANTICS,
            method: O::METHOD,
        };
        futures_util::stream::unfold(state, move |mut state| {
            let client = client.clone();
            async move {
                loop {
                    if let Some(item) = state.buffer.pop_front() {
                        return Some((item, state));
                    }
                    let request = match state.next.take()? {
                        Ok(request) => request,
                        Err(error) => return Some((Err(error), state)),
                    };
                    if state.pages >= client.inner.max_pages {
                        return Some((Err(Error::TooManyPages { bound: client.inner.max_pages }), state));
                    }
                    state.pages += 1;
                    match client.page::<T>(request, state.operation_id, state.semantics, state.method).await {
                        Ok((items, next)) => {
                            state.buffer.extend(items);
                            state.next = match next {
                                Some(Ok(request)) => {
                                    let link = request.uri().to_string();
                                    if state.followed.insert(link.clone()) {
                                        Some(Ok(request))
                                    } else {
                                        Some(Err(Error::PagingLoop { link, pages: state.pages }))
                                    }
                                }
                                other => other,
                            };
                            // Next links are reads, whatever the first request was.
                            state.semantics = Semantics::ReadOnly;
                            state.method = Method::Get;
                        }
                        Err(error) => return Some((Err(error), state)),
                    }
                }
            }
        })
    }

    /// One page: its items (odd ones as errors) and the request for the next one.
    #[allow(clippy::type_complexity)]
    async fn page<T: DeserializeOwned>(
        &self,
        request: http::Request<Vec<u8>>,
        operation_id: &'static str,
        semantics: Semantics,
        method: Method,
    ) -> Result<(Vec<Result<T, Error>>, Option<Result<http::Request<Vec<u8>>, Error>>), Error> {
        let page: LenientPage<T> = match self
            .run_request(request, operation_id, semantics, method, |response| {
                cloudpki_model::from_slice::<LenientPage<T>>(response.body()).map_err(|error| {
                    cloudpki_model::api::ResponseError::InvalidBody {
                        status: response.status(),
                        body_start: String::new(),
                        error: serde_json::Error::io(std::io::Error::other(error.to_string())),
                    }
                })
            })
            .await?
        {
            Sent::Done(page) => page,
            Sent::Ambiguous { error, .. } => return Err(error),
        };
        let next = next_page_request(&page, &self.inner.base, &self.inner.options).map_err(Error::from).transpose();
        let (valid, errors) = page.into_parts();
        Ok((in_page_order(valid, errors), next))
    }
}

/// The valid items and the odd ones of a page, back in the order of the page.
pub(crate) fn in_page_order<T>(valid: Vec<T>, errors: Vec<cloudpki_model::ItemError>) -> Vec<Result<T, Error>> {
    let mut items = Vec::with_capacity(valid.len() + errors.len());
    let mut valid = valid.into_iter();
    let mut errors = errors.into_iter().peekable();
    loop {
        if errors.peek().is_some_and(|error| error.index == items.len()) {
            if let Some(error) = errors.next() {
                items.push(Err(Error::Item(Box::new(error))));
            }
        } else if let Some(item) = valid.next() {
            items.push(Ok(item));
        } else if let Some(error) = errors.next() {
            items.push(Err(Error::Item(Box::new(error))));
        } else {
            return items;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudpki_model::CloudCertificationAuthorityLeafCertificate as Certificate;

    #[test]
    fn odd_items_keep_their_place_in_the_page() {
        let page: LenientPage<Certificate> = cloudpki_model::from_str(
            r#"{"value":[{"id":"bad","certificateStatus":5},{"id":"a"},{"id":"b","subjectName":7},{"id":"c"}]}"#,
        )
        .expect("a page");
        let (valid, errors) = page.into_parts();
        let order: Vec<String> = in_page_order(valid, errors)
            .into_iter()
            .map(|item| match item {
                Ok(certificate) => certificate.id.unwrap_or_default(),
                Err(Error::Item(odd)) => format!("odd {}", odd.item["id"].as_str().unwrap_or_default()),
                Err(other) => other.to_string(),
            })
            .collect();
        assert_eq!(order, ["odd bad", "a", "odd b", "c"]);
    }
}
