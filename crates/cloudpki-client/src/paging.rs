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
    followed: Followed,
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
        let first_link = first.as_ref().ok().map(|request| request.uri().to_string());
        let state = PageState {
            followed: Followed::new(first_link, self.inner.max_pages),
            next: Some(first),
            buffer: VecDeque::new(),
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
                    if let Err(error) = state.followed.page() {
                        return Some((Err(error), state));
                    }
                    match client.page::<T>(request, state.operation_id, state.semantics, state.method).await {
                        Ok((items, next)) => {
                            state.buffer.extend(items);
                            state.next = match next {
                                Some(Ok(request)) => match state.followed.next(request.uri().to_string()) {
                                    Ok(()) => Some(Ok(request)),
                                    Err(error) => Some(Err(error)),
                                },
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
                        error,
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

/// The links one listing has followed, and how many pages it has read: a link read before is a
/// loop ([`Error::PagingLoop`]), and past the bound the listing ends ([`Error::TooManyPages`]).
#[derive(Debug)]
struct Followed {
    links: HashSet<String>,
    pages: u64,
    max_pages: u64,
}

impl Followed {
    /// A listing whose first request is `first` (a next link back to it is a loop too), bounded
    /// to `max_pages` pages.
    fn new(first: Option<String>, max_pages: u64) -> Self {
        Followed { links: first.into_iter().collect(), pages: 0, max_pages }
    }

    /// Counts a page about to be read.
    fn page(&mut self) -> Result<(), Error> {
        if self.pages >= self.max_pages {
            return Err(Error::TooManyPages { bound: self.max_pages });
        }
        self.pages += 1;
        Ok(())
    }

    /// Admits `link` as the next page, unless this listing has read it already.
    fn next(&mut self, link: String) -> Result<(), Error> {
        if self.links.contains(&link) {
            return Err(Error::PagingLoop { link, pages: self.pages });
        }
        self.links.insert(link);
        Ok(())
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

    const FIRST: &str = "https://graph.microsoft.com/beta/deviceManagement/cloudCertificationAuthority";

    fn link(token: &str) -> String {
        format!("{FIRST}?$skiptoken={token}")
    }

    #[test]
    fn a_link_read_before_is_a_loop_naming_the_link_and_the_pages() {
        let mut followed = Followed::new(Some(FIRST.to_owned()), 100);
        for token in ["a", "b", "c"] {
            followed.page().expect("within the bound");
            followed.next(link(token)).expect("a new link");
        }
        followed.page().expect("within the bound");
        match followed.next(link("b")) {
            Err(Error::PagingLoop { link: looped, pages: 4 }) => assert_eq!(looped, link("b")),
            other => panic!("expected a loop after 4 pages, got {other:?}"),
        }
    }

    #[test]
    fn a_next_link_back_to_the_first_page_is_a_loop_at_once() {
        let mut followed = Followed::new(Some(FIRST.to_owned()), 100);
        followed.page().expect("the first page");
        assert!(matches!(followed.next(FIRST.to_owned()), Err(Error::PagingLoop { pages: 1, .. })));
        // Without a first link (the first request could not be built) nothing is remembered.
        let mut unknown = Followed::new(None, 100);
        assert!(unknown.next(FIRST.to_owned()).is_ok());
    }

    #[test]
    fn links_are_compared_exactly() {
        let mut followed = Followed::new(None, 100);
        followed.next(link("a")).expect("new");
        // Another token, another case or a trailing character is another page (the service's
        // tokens are opaque and case-sensitive).
        for other in [link("A"), link("a "), link("ab"), format!("{FIRST}?$skipToken=a")] {
            followed.next(other).expect("another page");
        }
        assert!(followed.next(link("a")).is_err());
    }

    #[test]
    fn pages_are_bounded() {
        let mut followed = Followed::new(None, 3);
        for _ in 0..3 {
            followed.page().expect("within the bound");
        }
        assert!(matches!(followed.page(), Err(Error::TooManyPages { bound: 3 })));
        assert!(matches!(followed.page(), Err(Error::TooManyPages { bound: 3 })), "and stays ended");
    }

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
