//! Base URLs, path segments and next links.

use std::fmt;

use super::RequestError;

/// A service root such as `https://graph.microsoft.com/beta` (national clouds are other hosts
/// with the same paths): `http` or `https`, a host, an optional path prefix, no query, no fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    scheme: String,
    authority: String,
    host: String,
    port: Option<u16>,
    path: String,
}

impl BaseUrl {
    /// Parses and checks a base URL; a trailing `/` is dropped.
    pub fn parse(text: &str) -> Result<Self, RequestError> {
        let invalid = |reason: &str| RequestError::InvalidBaseUrl { url: text.to_owned(), reason: reason.to_owned() };
        let uri: ::http::Uri = text.parse().map_err(|_| invalid("not a URI"))?;
        let scheme = uri.scheme_str().ok_or_else(|| invalid("no scheme"))?.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(invalid("the scheme must be https or http"));
        }
        let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("user information is not allowed"));
        }
        if uri.query().is_some() || text.contains('#') {
            return Err(invalid("a query or fragment is not allowed"));
        }
        let path = uri.path().trim_end_matches('/').to_owned();
        Ok(BaseUrl {
            scheme,
            authority: authority.as_str().to_ascii_lowercase(),
            host: authority.host().to_ascii_lowercase(),
            port: authority.port_u16(),
            path,
        })
    }

    /// The URL of `path` (which starts with `/`) below this base.
    pub fn join(&self, path: &str) -> String {
        format!("{}://{}{}{}", self.scheme, self.authority, self.path, path)
    }

    /// The scheme, lower case.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host, lower case.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, with the scheme's default filled in.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(if self.scheme == "https" { 443 } else { 80 })
    }

    /// Checks that `link` (an `@odata.nextLink`) points to this base's scheme, host and port, so a
    /// bearer token is never sent elsewhere, and returns it as a URI.
    pub fn check_same_origin(&self, link: &str) -> Result<::http::Uri, RequestError> {
        let foreign = |reason: String| RequestError::ForeignNextLink { link: link.to_owned(), reason };
        let uri: ::http::Uri = link.parse().map_err(|_| foreign("not an absolute URI".to_owned()))?;
        let other = BaseUrl::parse(&format!(
            "{}://{}",
            uri.scheme_str().unwrap_or(""),
            uri.authority().map(|a| a.as_str()).unwrap_or("")
        ))
        .map_err(|e| foreign(e.to_string()))?;
        if other.scheme != self.scheme {
            return Err(foreign(format!("scheme `{}` is not the base URL's `{}`", other.scheme, self.scheme)));
        }
        if other.host != self.host || other.port() != self.port() {
            return Err(foreign(format!(
                "host `{}:{}` is not the base URL's `{}:{}`",
                other.host,
                other.port(),
                self.host,
                self.port()
            )));
        }
        if link.contains('#') {
            return Err(foreign("a fragment is not allowed".to_owned()));
        }
        Ok(uri)
    }
}

/// The Microsoft Graph beta service root, where Cloud PKI lives (national clouds are other
/// hosts with the same paths). The model crate's `operations::DEFAULT_BASE_URL` comes from the
/// spec; its tests check the two agree.
pub const GRAPH_BETA_ROOT: &str = "https://graph.microsoft.com/beta";

impl Default for BaseUrl {
    /// [`GRAPH_BETA_ROOT`].
    fn default() -> Self {
        match BaseUrl::parse(GRAPH_BETA_ROOT) {
            Ok(base) => base,
            Err(_) => unreachable!("GRAPH_BETA_ROOT is a valid base URL (tested)"),
        }
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.authority, self.path)
    }
}

impl std::str::FromStr for BaseUrl {
    type Err = RequestError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        BaseUrl::parse(text)
    }
}

/// Appends `/` and `value` percent-encoded as exactly one path segment: every byte but ASCII
/// letters, digits, `-`, `_` and `~` is encoded (`.` too, so `.` and `..` cannot climb), so no
/// value can change the path or add a query. An empty value is refused (it would make `//`).
pub fn push_path_parameter(path: &mut String, name: &'static str, value: &str) -> Result<(), RequestError> {
    if value.is_empty() {
        return Err(RequestError::EmptyPathParameter { name });
    }
    path.push('/');
    super::percent::push_path_segment(path, value);
    Ok(())
}

/// The path of `template` (`/a/{x}/b/{y}`) with its parameters, in order, each percent-encoded
/// as one segment ([`push_path_parameter`]); the rest of the template is copied as it is.
pub fn fill_path(template: &'static str, parameters: &[&str]) -> Result<String, RequestError> {
    let mut path = String::with_capacity(template.len() + parameters.iter().map(|p| 3 * p.len()).sum::<usize>());
    let mut rest = template;
    let mut parameters = parameters.iter();
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |close| open + close);
        // The template puts each parameter right after a `/`, which `push_path_parameter` adds.
        path.push_str(rest[..open].strip_suffix('/').unwrap_or(&rest[..open]));
        let name = rest.get(open + 1..close).unwrap_or_default();
        push_path_parameter(&mut path, name, parameters.next().copied().unwrap_or_default())?;
        rest = rest.get(close + 1..).unwrap_or_default();
    }
    path.push_str(rest);
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        let base = BaseUrl::parse("https://graph.microsoft.com/beta/").expect("valid");
        assert_eq!(base, BaseUrl::default());
        assert_eq!(BaseUrl::default().to_string(), GRAPH_BETA_ROOT);
        assert_eq!(base.join("/a"), "https://graph.microsoft.com/beta/a");
        let local = BaseUrl::parse("http://127.0.0.1:8080").expect("valid");
        assert_eq!(local.join("/a"), "http://127.0.0.1:8080/a");
        for bad in
            ["ftp://x", "graph.microsoft.com/beta", "https://u:p@x/beta", "https://x/beta?a=1", "https://x/b#f", ""]
        {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn next_links_must_stay_on_the_base_origin() {
        let base = BaseUrl::default();
        assert!(base.check_same_origin("https://graph.microsoft.com/beta/x?$skiptoken=1").is_ok());
        assert!(base.check_same_origin("https://GRAPH.microsoft.com:443/beta/x").is_ok());
        for foreign in [
            "https://evil.example/beta/x",
            "http://graph.microsoft.com/beta/x",
            "https://graph.microsoft.com:8443/beta/x",
            "https://graph.microsoft.com.evil.example/x",
            "https://user@graph.microsoft.com/beta/x",
            "/beta/x",
            "//evil.example/x",
            "",
        ] {
            assert!(base.check_same_origin(foreign).is_err(), "{foreign}");
        }
    }

    #[test]
    fn path_parameters_are_one_segment() {
        let mut path = String::new();
        push_path_parameter(&mut path, "id", "a/b?c#d%e ..ü").expect("non-empty");
        assert_eq!(path, "/a%2Fb%3Fc%23d%25e%20%2E%2E%C3%BC");
        assert!(push_path_parameter(&mut String::new(), "id", "").is_err());
        assert_eq!(fill_path("/a/{x}/b/{y}/$count", &["1/2", "é"]).ok().as_deref(), Some("/a/1%2F2/b/%C3%A9/$count"));
        assert_eq!(fill_path("/a/b", &[]).ok().as_deref(), Some("/a/b"));
        assert!(matches!(fill_path("/a/{x}", &[""]), Err(RequestError::EmptyPathParameter { name: "x" })));
    }
}
