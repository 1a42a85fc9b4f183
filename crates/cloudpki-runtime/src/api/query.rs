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
            super::percent::push_query_value(&mut out, value);
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

/// A `$filter` expression.
///
/// Built from comparisons whose values are typed [`Literal`]s, string literals are quoted the
/// OData way (a `'` inside is doubled), so a value can never end its literal early or add to the
/// expression; [`Filter::raw`] takes an expression as written, for what the builders do not
/// cover (it is still percent-encoded in the URL).
///
/// A filter is a small expression tree; it is written with parentheses where OData's precedence
/// (`not` before `and` before `or`) would otherwise read it differently, and nowhere else.
///
/// ```
/// use cloudpki_runtime::api::{Filter, Literal};
///
/// let filter = Filter::eq("certificateStatus", Literal::enum_member("active"))
///     .and(Filter::eq("subjectName", "O'Brien"));
/// assert_eq!(filter.as_str(), "certificateStatus eq 'active' and subjectName eq 'O''Brien'");
/// let either = Filter::eq("a", 1).or(Filter::eq("b", 2)).and(Filter::eq("c", 3).not());
/// assert_eq!(either.as_str(), "(a eq 1 or b eq 2) and not (c eq 3)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    node: Node,
    /// `node` written out (kept, so that [`Filter::as_str`] can lend it).
    text: String,
}

/// How tightly an expression binds: an operand whose level is below what its operator needs is
/// put in parentheses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    /// A raw expression whose shape is not known (`a eq 1 or b eq 2`): always parenthesized
    /// inside another expression.
    Unknown,
    /// `a or b`.
    Or,
    /// `a and b`.
    And,
    /// `not a`.
    Not,
    /// `a eq 1`.
    Comparison,
    /// `startswith(a,'b')`, `(...)`, a bare name: never parenthesized.
    Primary,
}

/// A `$filter` expression tree.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Node {
    /// An expression written out, with the level of its outermost operator.
    Leaf(String, Level),
    /// `a and b and ...` (at least two operands, none of them an `And`).
    And(Vec<Node>),
    /// `a or b or ...` (at least two operands, none of them an `Or`).
    Or(Vec<Node>),
    /// `not a`.
    Not(Box<Node>),
}

impl Node {
    fn level(&self) -> Level {
        match self {
            Node::Leaf(_, level) => *level,
            Node::And(_) => Level::And,
            Node::Or(_) => Level::Or,
            Node::Not(_) => Level::Not,
        }
    }

    /// Writes the node, in parentheses when its level is below `needed`.
    fn write(&self, out: &mut String, needed: Level) {
        if self.level() < needed {
            out.push('(');
            self.write(out, Level::Unknown);
            out.push(')');
            return;
        }
        match self {
            Node::Leaf(text, _) => out.push_str(text),
            Node::And(operands) | Node::Or(operands) => {
                let (separator, needed) =
                    if matches!(self, Node::And(_)) { (" and ", Level::And) } else { (" or ", Level::Or) };
                for (index, operand) in operands.iter().enumerate() {
                    if index > 0 {
                        out.push_str(separator);
                    }
                    operand.write(out, needed);
                }
            }
            Node::Not(operand) => {
                out.push_str("not ");
                operand.write(out, Level::Primary);
            }
        }
    }
}

impl Filter {
    fn from_node(node: Node) -> Self {
        let mut text = String::new();
        node.write(&mut text, Level::Unknown);
        Filter { node, text }
    }

    /// An expression as written, e.g. `startswith(subjectName,'CN=kiosk')`. Combined with
    /// others, it is put in parentheses unless it is plainly one comparison, one call or one
    /// parenthesized group.
    #[must_use]
    pub fn raw(expression: impl Into<String>) -> Self {
        let text = expression.into();
        let level = raw_level(&text);
        Filter::from_node(Node::Leaf(text, level))
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
        let text = format!("startswith({},{})", property_path(property), Literal::from(prefix));
        Filter::from_node(Node::Leaf(text, Level::Primary))
    }

    /// `self and other`, with parentheses around an `or` on either side.
    #[must_use]
    pub fn and(self, other: Filter) -> Self {
        Filter::from_node(Filter::combine(self.node, other.node, true))
    }

    /// `self or other`.
    #[must_use]
    pub fn or(self, other: Filter) -> Self {
        Filter::from_node(Filter::combine(self.node, other.node, false))
    }

    /// `not self`, with parentheses around anything but a call or a group.
    #[must_use]
    #[allow(clippy::should_implement_trait)] // It is implemented too (`!filter`); this reads as OData does.
    pub fn not(self) -> Self {
        Filter::from_node(Node::Not(Box::new(self.node)))
    }

    /// `property eq a or property eq b ...` (one of `values`): an `or` like any other, put in
    /// parentheses when combined with what binds tighter (`and`, `not`).
    #[must_use]
    pub fn any_of<L: Into<Literal>>(property: &str, values: impl IntoIterator<Item = L>) -> Option<Self> {
        let mut operands: Vec<Node> = values.into_iter().map(|value| Filter::eq(property, value).node).collect();
        Some(Filter::from_node(match operands.len() {
            0 => return None,
            1 => operands.swap_remove(0),
            _ => Node::Or(operands),
        }))
    }

    /// The expression.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn compare(property: &str, operator: &str, value: Literal) -> Self {
        Filter::from_node(Node::Leaf(format!("{} {operator} {value}", property_path(property)), Level::Comparison))
    }

    fn combine(left: Node, right: Node, and: bool) -> Node {
        let mut operands = Vec::new();
        for node in [left, right] {
            match node {
                Node::And(inner) if and => operands.extend(inner),
                Node::Or(inner) if !and => operands.extend(inner),
                other => operands.push(other),
            }
        }
        if and { Node::And(operands) } else { Node::Or(operands) }
    }
}

impl std::ops::Not for Filter {
    type Output = Filter;

    /// [`Filter::not`].
    fn not(self) -> Filter {
        Filter::not(self)
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The level of a raw expression, from its top level (outside string literals and
/// parentheses): one group or a word without spaces is primary; `not ...` is a negation; words
/// with no `and` or `or` between them a comparison; anything else (or unbalanced text) unknown.
fn raw_level(text: &str) -> Level {
    let text = text.trim();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut spaced = false;
    let mut enclosed = text.starts_with('(');
    let mut words = Vec::new();
    let mut word_start = Some(0);
    for (index, c) in text.char_indices() {
        if quoted {
            // `''` inside a literal ends it and opens it again: the same as staying inside.
            quoted = c != '\'';
            continue;
        }
        match c {
            '\'' => quoted = true,
            '(' => depth += 1,
            ')' => {
                let Some(outer) = depth.checked_sub(1) else { return Level::Unknown };
                depth = outer;
                if depth == 0 && index + 1 < text.len() {
                    enclosed = false;
                }
            }
            c if c.is_whitespace() && depth == 0 => {
                spaced = true;
                if let Some(start) = word_start.take() {
                    words.push(&text[start..index]);
                }
            }
            _ if depth == 0 && word_start.is_none() => word_start = Some(index),
            _ => {}
        }
    }
    if quoted || depth != 0 || text.is_empty() {
        return Level::Unknown;
    }
    if let Some(start) = word_start {
        words.push(&text[start..]);
    }
    if enclosed || !spaced {
        Level::Primary
    } else if words.iter().any(|word| word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or")) {
        Level::Unknown
    } else if words.first().is_some_and(|word| word.eq_ignore_ascii_case("not")) {
        Level::Not
    } else {
        Level::Comparison
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
        assert_eq!(statuses.as_str(), "certificateStatus eq 'active' or certificateStatus eq 'revoked'");
        let both = statuses.and(Filter::starts_with("subjectName", "CN=kiosk"));
        assert_eq!(
            both.as_str(),
            "(certificateStatus eq 'active' or certificateStatus eq 'revoked') and startswith(subjectName,'CN=kiosk')"
        );
        assert_eq!(Filter::eq("a) or (b", 1).as_str(), "aorb eq 1");
        assert_eq!(Filter::any_of("a", [1]).map(|f| f.to_string()).as_deref(), Some("a eq 1"));
        assert!(Filter::any_of::<i32>("a", []).is_none());
    }

    #[test]
    fn groups_of_or_inside_and_keep_their_meaning() {
        // The named bug: `(…) or (…) and c` reads as `(…) or ((…) and c)` in OData.
        let a = Filter::any_of("a", [1, 2]).expect("two values");
        let b = Filter::any_of("b", [1, 2]).expect("two values");
        let filter = a.or(b).and(Filter::eq("c", 3));
        assert_eq!(filter.as_str(), "(a eq 1 or a eq 2 or b eq 1 or b eq 2) and c eq 3");
        let filter = Filter::eq("c", 3).and(Filter::any_of("a", [1, 2]).expect("two values").not());
        assert_eq!(filter.as_str(), "c eq 3 and not (a eq 1 or a eq 2)");
        let raw = Filter::raw("(x eq 1) or (y eq 1)").and(Filter::eq("c", 3));
        assert_eq!(raw.as_str(), "((x eq 1) or (y eq 1)) and c eq 3");
        assert_eq!((!Filter::starts_with("s", "x")).as_str(), "not startswith(s,'x')");
        assert_eq!(Filter::eq("a", 1).not().as_str(), "not (a eq 1)");
        assert_eq!(Filter::raw("(a eq 1)").not().as_str(), "not (a eq 1)");
        assert_eq!(Filter::raw("a eq 'x or y'").and(Filter::eq("b", 1)).as_str(), "a eq 'x or y' and b eq 1");
        assert_eq!(Filter::raw("a eq ')'").or(Filter::eq("b", 1)).as_str(), "a eq ')' or b eq 1");
    }

    /// An expression of the exhaustive check, evaluated directly.
    #[derive(Clone, Debug)]
    enum Expr {
        Comparison,
        Call,
        RawOr,
        AnyOf,
        Not(Box<Expr>),
        And(Box<Expr>, Box<Expr>),
        Or(Box<Expr>, Box<Expr>),
    }

    /// The atoms, each a variable of the truth table.
    const ATOMS: [&str; 6] = ["v eq true", "startswith(s,'x')", "r0 eq true", "r1 eq true", "k eq 1", "k eq 2"];

    fn atom(name: &str, row: u32) -> bool {
        let index = ATOMS.iter().position(|a| *a == name).unwrap_or_else(|| panic!("unknown atom {name}"));
        row & (1 << index) != 0
    }

    impl Expr {
        fn filter(&self) -> Filter {
            match self {
                Expr::Comparison => Filter::eq("v", true),
                Expr::Call => Filter::starts_with("s", "x"),
                Expr::RawOr => Filter::raw("r0 eq true or r1 eq true"),
                Expr::AnyOf => Filter::any_of("k", [1, 2]).expect("two values"),
                Expr::Not(inner) => inner.filter().not(),
                Expr::And(left, right) => left.filter().and(right.filter()),
                Expr::Or(left, right) => left.filter().or(right.filter()),
            }
        }

        fn eval(&self, row: u32) -> bool {
            match self {
                Expr::Comparison => atom("v eq true", row),
                Expr::Call => atom("startswith(s,'x')", row),
                Expr::RawOr => atom("r0 eq true", row) || atom("r1 eq true", row),
                Expr::AnyOf => atom("k eq 1", row) || atom("k eq 2", row),
                Expr::Not(inner) => !inner.eval(row),
                Expr::And(left, right) => left.eval(row) && right.eval(row),
                Expr::Or(left, right) => left.eval(row) || right.eval(row),
            }
        }
    }

    /// Reads `text` the way OData does (`not` binds tighter than `and`, `and` than `or`) and
    /// evaluates it for `row`.
    struct Reader<'a> {
        tokens: Vec<&'a str>,
        at: usize,
        row: u32,
    }

    impl<'a> Reader<'a> {
        fn tokens(text: &'a str) -> Vec<&'a str> {
            let mut tokens = Vec::new();
            for mut chunk in text.split(' ') {
                while let Some(rest) = chunk.strip_prefix('(') {
                    tokens.push("(");
                    chunk = rest;
                }
                let end = match chunk.strip_prefix("startswith(") {
                    Some(rest) => chunk.len() - rest.len() + rest.find(')').expect("a closed call") + 1,
                    None => chunk.trim_end_matches(')').len(),
                };
                tokens.push(&chunk[..end]);
                tokens.extend(std::iter::repeat_n(")", chunk.len() - end));
            }
            tokens
        }

        fn next(&mut self) -> &'a str {
            let token = self.tokens.get(self.at).copied().unwrap_or_default();
            self.at += 1;
            token
        }

        fn peek(&self) -> &'a str {
            self.tokens.get(self.at).copied().unwrap_or_default()
        }

        fn or(&mut self) -> bool {
            let mut value = self.and();
            while self.peek() == "or" {
                self.next();
                value |= self.and();
            }
            value
        }

        fn and(&mut self) -> bool {
            let mut value = self.not();
            while self.peek() == "and" {
                self.next();
                value &= self.not();
            }
            value
        }

        fn not(&mut self) -> bool {
            if self.peek() == "not" {
                self.next();
                // `not` binds tighter than a comparison: `not a eq 1` is `(not a) eq 1`, so what
                // follows must be a group, a call or another `not`.
                let operand = self.peek();
                assert!(
                    operand == "(" || operand == "not" || operand.starts_with("startswith("),
                    "`not` before a bare comparison in {:?}",
                    self.tokens
                );
                return !self.not();
            }
            self.primary()
        }

        fn primary(&mut self) -> bool {
            let token = self.next();
            if token == "(" {
                let value = self.or();
                assert_eq!(self.next(), ")", "{:?}", self.tokens);
                return value;
            }
            if token.starts_with("startswith(") {
                return atom(token, self.row);
            }
            let (operator, literal) = (self.next(), self.next());
            atom(&format!("{token} {operator} {literal}"), self.row)
        }
    }

    fn read(text: &str, row: u32) -> bool {
        let mut reader = Reader { tokens: Reader::tokens(text), at: 0, row };
        let value = reader.or();
        assert_eq!(reader.at, reader.tokens.len(), "all of {text} is read");
        value
    }

    #[test]
    fn every_combination_of_and_or_not_reads_as_built() {
        let leaves = vec![Expr::Comparison, Expr::Call, Expr::RawOr, Expr::AnyOf];
        let grow = |level: &[Expr]| {
            let mut next = level.to_vec();
            next.extend(level.iter().map(|e| Expr::Not(Box::new(e.clone()))));
            for left in level {
                for right in level {
                    next.push(Expr::And(Box::new(left.clone()), Box::new(right.clone())));
                    next.push(Expr::Or(Box::new(left.clone()), Box::new(right.clone())));
                }
            }
            next
        };
        let two = grow(&grow(&leaves));
        // Three levels of `not` on every two-level tree, and `and`/`or` of a two-level tree with a
        // one-level one on either side.
        let one = grow(&leaves);
        let mut all = two.clone();
        for expr in &two {
            all.push(Expr::Not(Box::new(Expr::Not(Box::new(expr.clone())))));
            for small in &one[..4] {
                all.push(Expr::And(Box::new(expr.clone()), Box::new(small.clone())));
                all.push(Expr::Or(Box::new(small.clone()), Box::new(expr.clone())));
            }
        }
        assert!(all.len() > 25_000, "{}", all.len());
        for expr in &all {
            let text = expr.filter().to_string();
            for row in 0..(1 << ATOMS.len()) {
                assert_eq!(read(&text, row), expr.eval(row), "{text} for row {row:06b} ({expr:?})");
            }
        }
    }
}
