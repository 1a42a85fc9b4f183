//! OData query options as the fake understands them: `$select`, `$expand`, `$filter` on the
//! status property, `$top`, `$skip`, `$count`, and opaque `$skiptoken`s for next links.

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::rng::Fnv;

/// The status property a `$filter` may test, and a check of the members it may be compared to.
pub(crate) type StatusProperty = Option<(&'static str, fn(&str) -> bool)>;

/// Which query options a route accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Accepts {
    /// None (actions that answer one entity, writes).
    Nothing,
    /// `$select`, `$expand` (reads of one entity).
    Single,
    /// Everything a collection takes.
    Collection,
}

/// The parsed query options of one request.
#[derive(Clone, Debug, Default)]
pub(crate) struct Query {
    pub(crate) select: Option<Vec<String>>,
    pub(crate) expand: Vec<String>,
    pub(crate) filter: Option<Expr>,
    pub(crate) top: Option<usize>,
    pub(crate) skip: Option<usize>,
    pub(crate) count: bool,
    pub(crate) skiptoken: Option<String>,
    /// The options a next link repeats, as sent (`$select`, `$expand`, `$filter`, `$count`).
    pub(crate) carried: Vec<(String, String)>,
}

/// Decodes `%XX` (and `+` as a space) in a query component, strictly (the runtime's
/// `percent` module, the one place for percent-encoding).
pub(crate) fn percent_decode(text: &str) -> Result<String, ApiError> {
    cloudpki_model::api::percent::decode_query_component(text).map_err(|error| match error {
        cloudpki_model::api::percent::DecodeError::NotUtf8 => ApiError::bad_request("The query string is not UTF-8."),
        _ => ApiError::bad_request("The query string has an invalid percent-encoding."),
    })
}

impl Query {
    /// Reads the query string of a request to a route that accepts `accepts`; `status_property`
    /// is the property `$filter` may test, with the members it may be compared to.
    pub(crate) fn parse(
        raw: Option<&str>,
        accepts: Accepts,
        status_property: StatusProperty,
        max_top: usize,
    ) -> Result<Query, ApiError> {
        let mut query = Query::default();
        let Some(raw) = raw else { return Ok(query) };
        for pair in raw.split('&').filter(|pair| !pair.is_empty()) {
            let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(raw_name)?;
            let value = percent_decode(raw_value)?;
            // Graph beta accepts the options without their `$` too.
            let option = name.strip_prefix('$').unwrap_or(&name).to_ascii_lowercase();
            let dollar = format!("${option}");
            let known = matches!(
                option.as_str(),
                "select"
                    | "expand"
                    | "filter"
                    | "top"
                    | "skip"
                    | "count"
                    | "skiptoken"
                    | "orderby"
                    | "search"
                    | "format"
            );
            if !known {
                if name.starts_with('$') {
                    return Err(ApiError::bad_request(&format!("The query parameter '{name}' is not supported.")));
                }
                continue;
            }
            let allowed = match accepts {
                Accepts::Nothing => false,
                Accepts::Single => matches!(option.as_str(), "select" | "expand" | "format"),
                Accepts::Collection => true,
            };
            if !allowed {
                return Err(ApiError::unsupported_query(&dollar));
            }
            match option.as_str() {
                "select" => {
                    let names: Vec<String> =
                        value.split(',').map(|name| name.trim().to_owned()).filter(|name| !name.is_empty()).collect();
                    if names.is_empty() {
                        return Err(ApiError::bad_request("$select needs at least one property."));
                    }
                    query.select = Some(names);
                    query.carried.push((raw_name.to_owned(), raw_value.to_owned()));
                }
                "expand" => {
                    query.expand =
                        value.split(',').map(|name| name.trim().to_owned()).filter(|name| !name.is_empty()).collect();
                    query.carried.push((raw_name.to_owned(), raw_value.to_owned()));
                }
                "filter" => {
                    let Some((property, is_member)) = status_property else {
                        return Err(ApiError::unsupported_query("$filter"));
                    };
                    query.filter = Some(parse_filter(&value, property, is_member)?);
                    query.carried.push((raw_name.to_owned(), raw_value.to_owned()));
                }
                "top" => {
                    let top: usize = value.parse().map_err(|_| {
                        ApiError::bad_request(&format!("Invalid value '{value}' for query option $top."))
                    })?;
                    if top > max_top {
                        return Err(ApiError::bad_request(&format!(
                            "The limit of '{max_top}' for Top query has been exceeded."
                        )));
                    }
                    query.top = Some(top);
                }
                "skip" => {
                    query.skip = Some(value.parse().map_err(|_| {
                        ApiError::bad_request(&format!("Invalid value '{value}' for query option $skip."))
                    })?);
                }
                "count" => {
                    query.count = match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(ApiError::bad_request(&format!(
                                "Invalid value '{value}' for query option $count."
                            )));
                        }
                    };
                    query.carried.push((raw_name.to_owned(), raw_value.to_owned()));
                }
                "skiptoken" => query.skiptoken = Some(value),
                "format" if value == "json" || value.starts_with("application/json") => {}
                other => return Err(ApiError::unsupported_query(&format!("${other}"))),
            }
        }
        Ok(query)
    }

    /// Whether `name` is expanded.
    pub(crate) fn expands(&self, name: &str) -> bool {
        self.expand.iter().any(|expanded| expanded == name)
    }

    /// Refuses `$select`/`$expand` names the entity does not have.
    pub(crate) fn check_names(
        &self,
        properties: &[String],
        navigation: &[&str],
        type_name: &str,
    ) -> Result<(), ApiError> {
        for name in self.select.iter().flatten() {
            if !properties.iter().any(|known| known == name) && !navigation.contains(&name.as_str()) {
                return Err(ApiError::bad_request(&format!(
                    "Could not find a property named '{name}' on type 'microsoft.graph.{type_name}'."
                )));
            }
        }
        for name in &self.expand {
            if !navigation.contains(&name.as_str()) {
                return Err(ApiError::bad_request(&format!(
                    "Could not find a navigation property named '{name}' on type 'microsoft.graph.{type_name}'."
                )));
            }
        }
        Ok(())
    }

    /// The `(a,b)` part of a context URL under `$select`.
    pub(crate) fn context_suffix(&self) -> String {
        match &self.select {
            Some(names) => format!("({})", names.join(",")),
            None => String::new(),
        }
    }
}

/// Keeps only the selected properties (plus `id` and `@odata.type`, and the annotations of the
/// kept properties) of an entity's JSON.
pub(crate) fn apply_select(value: Value, select: Option<&[String]>) -> Value {
    let (Some(names), Value::Object(members)) = (select, &value) else { return value };
    let keep = |key: &str| {
        key == "id" || key == "@odata.type" || names.iter().any(|name| name == key) || {
            key.split_once('@').is_some_and(|(property, _)| names.iter().any(|name| name == property))
        }
    };
    let kept: Map<String, Value> =
        members.iter().filter(|(key, _)| keep(key)).map(|(k, v)| (k.clone(), v.clone())).collect();
    Value::Object(kept)
}

/// A `$filter` expression over one status property.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr {
    /// `property eq 'member'` (or `ne`).
    Compare {
        negated: bool,
        member: String,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Whether an item with this status matches.
    pub(crate) fn matches(&self, status: Option<&str>) -> bool {
        match self {
            Expr::Compare { negated, member } => (status == Some(member.as_str())) != *negated,
            Expr::And(left, right) => left.matches(status) && right.matches(status),
            Expr::Or(left, right) => left.matches(status) || right.matches(status),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Word(String),
    Text(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '\'' => {
                chars.next();
                let mut literal = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            literal.push('\'');
                        }
                        Some('\'') => break,
                        Some(c) => literal.push(c),
                        None => return Err("unterminated string literal".to_owned()),
                    }
                }
                tokens.push(Token::Text(literal));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '(' || c == ')' {
                        break;
                    }
                    if c == '\'' {
                        // A typed enum literal: microsoft.graph.someEnum'member'.
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                if chars.peek() == Some(&'\'') && word.starts_with("microsoft.graph.") {
                    // A typed enum literal: the type name is dropped, the member literal follows.
                } else if word.is_empty() {
                    return Err(format!("unexpected character '{c}'"));
                } else {
                    tokens.push(Token::Word(word));
                }
            }
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    property: &'a str,
    is_member: fn(&str) -> bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Word("or".to_owned())) {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.primary()?;
        while self.peek() == Some(&Token::Word("and".to_owned())) {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.primary()?));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err("expected ')'".to_owned()),
                }
            }
            Some(Token::Word(property)) => {
                if property != self.property {
                    return Err(format!("only '{}' can be filtered on, not '{property}'", self.property));
                }
                let negated = match self.next() {
                    Some(Token::Word(operator)) if operator == "eq" => false,
                    Some(Token::Word(operator)) if operator == "ne" => true,
                    _ => return Err(format!("expected 'eq' or 'ne' after '{property}'")),
                };
                match self.next() {
                    Some(Token::Text(member)) if (self.is_member)(&member) => Ok(Expr::Compare { negated, member }),
                    Some(Token::Text(member)) => {
                        Err(format!("the string '{member}' is not a valid enumeration type constant"))
                    }
                    _ => Err(format!("expected a quoted member after '{property}'")),
                }
            }
            _ => Err("expected a comparison".to_owned()),
        }
    }
}

/// Parses a `$filter` on `property`: `eq`/`ne` comparisons with string (or typed enum) literals,
/// `and`, `or` and parentheses. Anything else is a 400.
pub(crate) fn parse_filter(text: &str, property: &str, is_member: fn(&str) -> bool) -> Result<Expr, ApiError> {
    let invalid = |why: String| ApiError::bad_request(&format!("Invalid filter clause: {why}."));
    let tokens = tokenize(text).map_err(invalid)?;
    let mut parser = Parser { tokens, at: 0, property, is_member };
    let expr = parser.or().map_err(invalid)?;
    if parser.at != parser.tokens.len() {
        return Err(invalid("unexpected text after the expression".to_owned()));
    }
    Ok(expr)
}

/// Where the next page starts, and how many items `$top` still allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SkipToken {
    /// The key of the last item served.
    pub(crate) after: u64,
    /// What `$top` still allows, if it was given.
    pub(crate) left: Option<u64>,
}

impl SkipToken {
    fn check(after: u64, left: u64, scope: &str) -> u64 {
        Fnv::new().write(&after.to_be_bytes()).write(&left.to_be_bytes()).write(scope.as_bytes()).finish() & 0xFFFF_FFFF
    }

    /// The opaque text; `scope` (the collection's path) binds it to one collection.
    pub(crate) fn encode(self, scope: &str) -> String {
        let left = self.left.map_or(u64::MAX, |left| left);
        let text = format!("{}:{}:{:08x}", self.after, left, SkipToken::check(self.after, left, scope));
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    }

    pub(crate) fn decode(token: &str, scope: &str) -> Result<SkipToken, ApiError> {
        let invalid = || ApiError::bad_request("The $skiptoken is not valid for this collection.");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.trim()).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let mut parts = text.split(':');
        let (Some(after), Some(left), Some(check), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        // Only as `encode` writes it: digits, no sign (`parse` would take one), no leading zero.
        let number = |text: &str| {
            let number = text.parse::<u64>().map_err(|_| invalid())?;
            if number.to_string() != text {
                return Err(invalid());
            }
            Ok(number)
        };
        let (after, left) = (number(after)?, number(left)?);
        if check != format!("{:08x}", SkipToken::check(after, left, scope)) {
            return Err(invalid());
        }
        Ok(SkipToken { after, left: (left != u64::MAX).then_some(left) })
    }
}

/// One page cut from a keyed, ordered collection.
#[derive(Debug)]
pub(crate) struct Cut<T> {
    pub(crate) items: Vec<T>,
    /// The token of the next page, if there is one.
    pub(crate) next: Option<SkipToken>,
    /// `@odata.count`, when asked for.
    pub(crate) count: Option<i64>,
}

/// Cuts the page that `query` asks for out of `items` (key, item) in key order, keeping those
/// that `keep` accepts.
pub(crate) fn cut<T, I>(
    items: I,
    query: &Query,
    scope: &str,
    page_size: usize,
    keep: impl Fn(&T) -> bool,
) -> Result<Cut<T>, ApiError>
where
    I: Iterator<Item = (u64, T)> + Clone,
{
    let token = query.skiptoken.as_deref().map(|token| SkipToken::decode(token, scope)).transpose()?;
    let count = query.count.then(|| items.clone().filter(|(_, item)| keep(item)).count() as i64);
    let (after, mut left, skip) = match token {
        Some(token) => (Some(token.after), token.left, 0),
        None => (None, query.top.map(|top| top as u64), query.skip.unwrap_or(0)),
    };
    let take = match left {
        Some(left) => page_size.min(usize::try_from(left).unwrap_or(usize::MAX)),
        None => page_size,
    };
    let mut selected =
        items.filter(|(key, _)| after.is_none_or(|after| *key > after)).filter(|(_, item)| keep(item)).skip(skip);
    let mut page = Vec::with_capacity(take.min(1024));
    let mut last_key = None;
    for (key, item) in selected.by_ref().take(take) {
        last_key = Some(key);
        page.push(item);
    }
    if let Some(left) = left.as_mut() {
        *left = left.saturating_sub(page.len() as u64);
    }
    let more = left != Some(0) && selected.next().is_some();
    let next = match (more, last_key) {
        (true, Some(after)) => Some(SkipToken { after, left }),
        _ => None,
    };
    Ok(Cut { items: page, next, count })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(text: &str) -> bool {
        matches!(text, "active" | "revoked" | "expired")
    }

    #[test]
    fn percent_escapes_are_strict() {
        assert_eq!(percent_decode("%24filter=a+b%27").ok().as_deref(), Some("$filter=a b'"));
        // `u8::from_str_radix("+A", 16)` accepts the sign: `%+A` must not become a newline.
        for refused in ["%+A", "%-A", "%2", "%zz", "%FF"] {
            assert!(percent_decode(refused).is_err(), "{refused}");
        }
        assert!(Query::parse(Some("%24top=%+A"), Accepts::Collection, None, 10).is_err());
    }

    #[test]
    fn filters_on_status_parse_and_match() {
        let filter = parse_filter("certificateStatus eq 'active'", "certificateStatus", member).unwrap();
        assert!(filter.matches(Some("active")) && !filter.matches(Some("revoked")));
        let filter = parse_filter(
            "(certificateStatus eq 'active' or certificateStatus eq 'revoked')",
            "certificateStatus",
            member,
        )
        .unwrap();
        assert!(filter.matches(Some("revoked")) && !filter.matches(Some("expired")));
        let filter = parse_filter(
            "certificateStatus ne 'active' and certificateStatus ne 'expired'",
            "certificateStatus",
            member,
        )
        .unwrap();
        assert!(filter.matches(Some("revoked")) && !filter.matches(Some("active")));
        for bad in [
            "subjectName eq 'x'",
            "certificateStatus eq 'teapot'",
            "certificateStatus gt 'active'",
            "certificateStatus eq active",
            "certificateStatus eq 'active' or",
            "startswith(subjectName,'CN=')",
            "certificateStatus eq 'active')",
        ] {
            assert!(parse_filter(bad, "certificateStatus", member).is_err(), "{bad}");
        }
    }

    #[test]
    fn skiptokens_round_trip_and_refuse_tampering() {
        let token = SkipToken { after: 41, left: Some(7) };
        let text = token.encode("/a");
        assert_eq!(SkipToken::decode(&text, "/a").unwrap(), token);
        assert!(SkipToken::decode(&text, "/b").is_err());
        assert!(SkipToken::decode("garbage", "/a").is_err());
        let none = SkipToken { after: 3, left: None };
        assert_eq!(SkipToken::decode(&none.encode("/a"), "/a").unwrap(), none);
        // Only the exact spelling `encode` writes: no sign, no other case, no other width.
        let check = format!("{:08x}", SkipToken::check(41, 7, "/a"));
        let spelled = |text: String| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
        assert_eq!(SkipToken::decode(&spelled(format!("41:7:{check}")), "/a").unwrap(), token);
        let mut tampered = vec![
            format!("+41:7:{check}"),
            format!("41:+7:{check}"),
            format!("41:7:+{check}"),
            format!("41:7:0{check}"),
            format!("041:7:{check}"),
        ];
        tampered.extend([format!("41::{check}"), format!("41:7:{}", &check[1..])]);
        if check.to_uppercase() != check {
            tampered.push(format!("41:7:{}", check.to_uppercase()));
        }
        for text in tampered {
            assert!(SkipToken::decode(&spelled(text.clone()), "/a").is_err(), "{text}");
        }
    }

    #[test]
    fn pages_are_cut_by_key() {
        let items: Vec<(u64, u32)> = (0..10).map(|n| (n, n as u32)).collect();
        let query = Query::default();
        let first = cut(items.iter().copied(), &query, "/s", 4, |_| true).unwrap();
        assert_eq!(first.items, [0, 1, 2, 3]);
        let next = first.next.unwrap();
        let query = Query { skiptoken: Some(next.encode("/s")), ..Query::default() };
        let second = cut(items.iter().copied(), &query, "/s", 4, |item| item % 2 == 0).unwrap();
        assert_eq!(second.items, [4, 6, 8]);
        assert!(second.next.is_none());
        let query = Query { top: Some(5), count: true, ..Query::default() };
        let top = cut(items.iter().copied(), &query, "/s", 4, |_| true).unwrap();
        assert_eq!(top.items, [0, 1, 2, 3]);
        assert_eq!(top.count, Some(10));
        let query = Query { skiptoken: Some(top.next.unwrap().encode("/s")), ..Query::default() };
        let rest = cut(items.iter().copied(), &query, "/s", 4, |_| true).unwrap();
        assert_eq!(rest.items, [4]);
        assert!(rest.next.is_none());
    }
}
