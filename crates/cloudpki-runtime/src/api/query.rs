//! OData system query options (`$select`, `$expand`, `$filter`, `$top`, `$skip`, `$orderby`,
//! `$search`, `$count`), percent-encoded so that no value can add a parameter, and
//! [`Filter`], which builds `$filter` expressions whose string literals cannot break out of
//! their quotes.
//!
//! Each generated operation has setters only for the options its route accepts (from the
//! spec); this type holds them.

use std::fmt::{self, Write as _};

/// The query options of one request. Generated operations set them through their own
/// setters; [`QueryOptions::to_query_string`] writes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueryOptions {
    /// `$select`: the properties to return.
    pub select: Vec<String>,
    /// `$expand`: the navigation properties to include.
    pub expand: Vec<String>,
    /// `$filter`.
    pub filter: Option<Filter>,
    /// `$top`: at most this many items in all.
    pub top: Option<u32>,
    /// `$skip`: skip this many items.
    pub skip: Option<u32>,
    /// `$orderby`: `property` or `property desc`, in order.
    pub orderby: Vec<String>,
    /// `$search`: the search text (written as a quoted phrase).
    pub search: Option<String>,
    /// `$count=true`: ask for `@odata.count`; needs the `ConsistencyLevel: eventual` header,
    /// which the request then carries.
    pub count: bool,
}

impl QueryOptions {
    /// Whether the request needs `ConsistencyLevel: eventual` (`$count` or `$search`).
    #[must_use]
    pub fn needs_eventual_consistency(&self) -> bool {
        self.count || self.search.is_some()
    }

    /// `?$select=...&...`, or the empty string when no option is set. Every value is
    /// percent-encoded (only unreserved characters are left as they are), so `&`, `#`, `=`,
    /// `+` and spaces in a value stay inside it.
    #[must_use]
    pub fn to_query_string(&self) -> String {
        let mut out = String::new();
        let mut push = |name: &str, value: &str| {
            out.push(if out.is_empty() { '?' } else { '&' });
            out.push_str(name);
            out.push('=');
            push_encoded(&mut out, value);
        };
        if !self.select.is_empty() {
            push("%24select", &self.select.join(","));
        }
        if !self.expand.is_empty() {
            push("%24expand", &self.expand.join(","));
        }
        if let Some(filter) = &self.filter {
            push("%24filter", filter.as_str());
        }
        if let Some(top) = self.top {
            push("%24top", &top.to_string());
        }
        if let Some(skip) = self.skip {
            push("%24skip", &skip.to_string());
        }
        if !self.orderby.is_empty() {
            push("%24orderby", &self.orderby.join(","));
        }
        if let Some(search) = &self.search {
            // A phrase in double quotes; a `"` or `\` inside is escaped with `\`.
            let mut phrase = String::with_capacity(search.len() + 2);
            phrase.push('"');
            for c in search.chars() {
                if c == '"' || c == '\\' {
                    phrase.push('\\');
                }
                phrase.push(c);
            }
            phrase.push('"');
            push("%24search", &phrase);
        }
        if self.count {
            push("%24count", "true");
        }
        out
    }
}

/// Appends `value` percent-encoded: everything but ASCII letters, digits and `-._~`.
fn push_encoded(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

/// A `$filter` expression.
///
/// Built from comparisons whose values are typed [`Literal`]s, string literals are quoted the
/// OData way (a `'` inside is doubled), so a value can never end its literal early or add to the
/// expression; [`Filter::raw`] takes an expression as written, for what the builders do not
/// cover (it is still percent-encoded in the URL).
///
/// ```
/// use cloudpki_runtime::api::{Filter, Literal};
///
/// let filter = Filter::eq("certificateStatus", Literal::enum_member("active"))
///     .and(Filter::eq("subjectName", "O'Brien"));
/// assert_eq!(filter.as_str(), "certificateStatus eq 'active' and subjectName eq 'O''Brien'");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter(String);

impl Filter {
    /// An expression as written, e.g. `startswith(subjectName,'CN=kiosk')`.
    #[must_use]
    pub fn raw(expression: impl Into<String>) -> Self {
        Filter(expression.into())
    }

    /// `property eq literal`.
    #[must_use]
    pub fn eq(property: &str, value: impl Into<Literal>) -> Self {
        Filter::compare(property, "eq", value.into())
    }

    /// `property ne literal`.
    #[must_use]
    pub fn ne(property: &str, value: impl Into<Literal>) -> Self {
        Filter::compare(property, "ne", value.into())
    }

    /// `property lt literal`.
    #[must_use]
    pub fn lt(property: &str, value: impl Into<Literal>) -> Self {
        Filter::compare(property, "lt", value.into())
    }

    /// `property gt literal`.
    #[must_use]
    pub fn gt(property: &str, value: impl Into<Literal>) -> Self {
        Filter::compare(property, "gt", value.into())
    }

    /// `startswith(property,'prefix')`.
    #[must_use]
    pub fn starts_with(property: &str, prefix: &str) -> Self {
        Filter(format!("startswith({},{})", property_path(property), Literal::from(prefix)))
    }

    /// `(self) and (other)`, without parentheses around plain comparisons.
    #[must_use]
    pub fn and(self, other: Filter) -> Self {
        Filter::join(self, "and", other)
    }

    /// `(self) or (other)`.
    #[must_use]
    pub fn or(self, other: Filter) -> Self {
        Filter::join(self, "or", other)
    }

    /// `property eq a or property eq b ...` (one of `values`), in parentheses when more than one.
    #[must_use]
    pub fn any_of<L: Into<Literal>>(property: &str, values: impl IntoIterator<Item = L>) -> Option<Self> {
        let mut filters = values.into_iter().map(|value| Filter::eq(property, value));
        let first = filters.next()?;
        let mut count = 1;
        let joined = filters.fold(first, |all, next| {
            count += 1;
            Filter(format!("{} or {}", all.0, next.0))
        });
        Some(if count > 1 { Filter(format!("({})", joined.0)) } else { joined })
    }

    /// The expression.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn compare(property: &str, operator: &str, value: Literal) -> Self {
        Filter(format!("{} {operator} {value}", property_path(property)))
    }

    fn join(left: Filter, operator: &str, right: Filter) -> Self {
        let wrap = |filter: Filter| {
            if filter.0.contains(" and ") || filter.0.contains(" or ") {
                if filter.0.starts_with('(') && filter.0.ends_with(')') { filter.0 } else { format!("({})", filter.0) }
            } else {
                filter.0
            }
        };
        Filter(format!("{} {operator} {}", wrap(left), wrap(right)))
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A property path in a filter: only identifier characters and `/` are kept, so a property
/// name cannot smuggle an expression either.
fn property_path(property: &str) -> String {
    property.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '@' | '.')).collect()
}

/// A value in a `$filter` comparison.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Literal {
    /// A string, written `'text'` with `'` doubled.
    String(String),
    /// An integer.
    Integer(i64),
    /// A boolean.
    Boolean(bool),
    /// `null`.
    Null,
    /// A date-time, written as is (an `Edm.DateTimeOffset` literal is unquoted).
    DateTime(crate::DateTimeOffset),
}

impl Literal {
    /// An enum member: OData accepts the member name as a string literal.
    #[must_use]
    pub fn enum_member(name: &str) -> Self {
        Literal::String(name.to_owned())
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(text) => {
                f.write_char('\'')?;
                for c in text.chars() {
                    if c == '\'' {
                        f.write_char('\'')?;
                    }
                    f.write_char(c)?;
                }
                f.write_char('\'')
            }
            Literal::Integer(value) => write!(f, "{value}"),
            Literal::Boolean(value) => write!(f, "{value}"),
            Literal::Null => f.write_str("null"),
            Literal::DateTime(value) => write!(f, "{value}"),
        }
    }
}

impl From<&str> for Literal {
    fn from(text: &str) -> Self {
        Literal::String(text.to_owned())
    }
}

impl From<String> for Literal {
    fn from(text: String) -> Self {
        Literal::String(text)
    }
}

impl From<i64> for Literal {
    fn from(value: i64) -> Self {
        Literal::Integer(value)
    }
}

impl From<i32> for Literal {
    fn from(value: i32) -> Self {
        Literal::Integer(i64::from(value))
    }
}

impl From<bool> for Literal {
    fn from(value: bool) -> Self {
        Literal::Boolean(value)
    }
}

impl From<crate::DateTimeOffset> for Literal {
    fn from(value: crate::DateTimeOffset) -> Self {
        Literal::DateTime(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_add_parameters_or_leave_their_quotes() {
        let options = QueryOptions {
            filter: Some(Filter::eq("subjectName", "x' or 1 eq 1 &$top=1#")),
            select: vec!["id".into(), "a&b=c".into()],
            count: true,
            ..QueryOptions::default()
        };
        let query = options.to_query_string();
        assert_eq!(query.matches('&').count(), 2, "{query}");
        assert!(!query.contains('#') && !query.contains(' ') && !query.contains('\''), "{query}");
        assert_eq!(
            Filter::eq("subjectName", "x' or 1 eq 1").as_str(),
            "subjectName eq 'x'' or 1 eq 1'",
            "the quote is doubled, so the whole text stays one literal"
        );
        assert!(options.needs_eventual_consistency());
        assert_eq!(QueryOptions::default().to_query_string(), "");
    }

    #[test]
    fn filters_combine() {
        let statuses = Filter::any_of("certificateStatus", ["active", "revoked"]).expect("two values");
        assert_eq!(statuses.as_str(), "(certificateStatus eq 'active' or certificateStatus eq 'revoked')");
        let both = statuses.and(Filter::starts_with("subjectName", "CN=kiosk"));
        assert_eq!(
            both.as_str(),
            "(certificateStatus eq 'active' or certificateStatus eq 'revoked') and startswith(subjectName,'CN=kiosk')"
        );
        assert_eq!(Filter::eq("a) or (b", 1).as_str(), "aorb eq 1");
    }
}
