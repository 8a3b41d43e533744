//! An integration's entity source, the rules that need no IO: where in a JSON answer the list
//! of entities is and each one's ID and display name (JSON Pointers, RFC 6901), and how to find
//! the next page (a next link in the body, a `Link` header, or a page parameter). A next page
//! never leaves the first page's origin, so a hostile answer cannot send the token elsewhere.

use serde_json::Value;
use url::Url;

/// One entity of the external system, as the picker and auto-match show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub id: String,
    pub name: String,
}

/// Where the entities are in an answer: the list, and each entity's ID and name in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityShape {
    pub list: String,
    pub id: String,
    pub name: String,
}

/// How the next page is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paging {
    /// One request answers everything.
    SinglePage,
    /// A URL (absolute, or relative to the page's) at a JSON Pointer; null or absent on the last.
    NextLinkInBody { pointer: String },
    /// RFC 8288 `Link: <…>; rel="next"`.
    LinkHeader,
    /// A query parameter counting pages from `first`; an empty page is the last.
    PageParameter { name: String, first: u32 },
}

/// Why an answer could not be read as a page of entities; each names the pointer or link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntityPageError {
    #[error("{field} \"{pointer}\" is not a JSON Pointer: it must be empty or start with /, and ~ must be followed by 0 or 1")]
    BadPointer {
        field: &'static str,
        pointer: String,
    },
    #[error("the answer has no array at \"{0}\"")]
    NoList(String),
    #[error("entity {index} of the page has no text or number at \"{pointer}\"")]
    NoValue { index: usize, pointer: String },
    #[error("the next page's link is not a URL: {0}")]
    BadNextLink(String),
    #[error(
        "the next page's link leaves {0}: only the first page's scheme, host and port are followed"
    )]
    OtherOrigin(String),
}

/// A JSON Pointer as RFC 6901 writes it: empty (the whole answer) or `/`-separated tokens in
/// which `~` is only `~0` or `~1`.
pub fn check_pointer(field: &'static str, pointer: &str) -> Result<(), EntityPageError> {
    let well_formed = (pointer.is_empty() || pointer.starts_with('/'))
        && pointer
            .split('~')
            .skip(1)
            .all(|after| after.starts_with('0') || after.starts_with('1'));
    if well_formed {
        Ok(())
    } else {
        Err(EntityPageError::BadPointer {
            field,
            pointer: pointer.to_string(),
        })
    }
}

impl EntityShape {
    /// Each pointer checked, the error naming the field.
    pub fn check(&self) -> Result<(), EntityPageError> {
        check_pointer("list_pointer", &self.list)?;
        check_pointer("id_pointer", &self.id)?;
        check_pointer("name_pointer", &self.name)
    }

    /// The entities of one page. An ID or name may be text or a number (IDs often are).
    pub fn entities_of(&self, page: &Value) -> Result<Vec<Entity>, EntityPageError> {
        let list = page
            .pointer(&self.list)
            .and_then(Value::as_array)
            .ok_or_else(|| EntityPageError::NoList(self.list.clone()))?;
        list.iter()
            .enumerate()
            .map(|(index, item)| {
                let text_at = |pointer: &str| {
                    text_of(item.pointer(pointer)).ok_or_else(|| EntityPageError::NoValue {
                        index,
                        pointer: pointer.to_string(),
                    })
                };
                Ok(Entity {
                    id: text_at(&self.id)?,
                    name: text_at(&self.name)?,
                })
            })
            .collect()
    }
}

fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// What came back for one page, as far as paging needs it.
pub struct PageAnswer<'a> {
    pub url: &'a Url,
    pub body: &'a Value,
    pub link_header: Option<&'a str>,
    /// How many entities the page held.
    pub entities: usize,
    /// The page parameter's value this page was asked with, for `PageParameter`.
    pub page_number: u32,
}

impl Paging {
    /// The URL of the first page: `url` itself, or with the page parameter set to `first`.
    pub fn first_page(&self, url: &Url) -> Url {
        match self {
            Paging::PageParameter { name, first } => with_parameter(url, name, *first),
            _ => url.clone(),
        }
    }

    /// The next page's URL, or `None` after the last page.
    pub fn next_page(&self, answer: &PageAnswer<'_>) -> Result<Option<Url>, EntityPageError> {
        let link = match self {
            Paging::SinglePage => return Ok(None),
            Paging::PageParameter { name, .. } => {
                if answer.entities == 0 {
                    return Ok(None);
                }
                let next = answer.page_number.saturating_add(1);
                return Ok(Some(with_parameter(answer.url, name, next)));
            }
            Paging::NextLinkInBody { pointer } => match answer.body.pointer(pointer) {
                Some(Value::String(link)) if !link.trim().is_empty() => link.trim().to_string(),
                _ => return Ok(None),
            },
            Paging::LinkHeader => match answer.link_header.and_then(next_in_link_header) {
                Some(link) => link,
                None => return Ok(None),
            },
        };
        let next = answer
            .url
            .join(&link)
            .map_err(|_| EntityPageError::BadNextLink(link.clone()))?;
        if next.origin() != answer.url.origin() {
            return Err(EntityPageError::OtherOrigin(
                answer.url.origin().ascii_serialization(),
            ));
        }
        Ok(Some(next))
    }
}

fn with_parameter(url: &Url, name: &str, value: u32) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| key != name)
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let mut next = url.clone();
    next.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair(name, &value.to_string());
    next
}

/// The target of the `rel="next"` link in an RFC 8288 `Link` header, if there is one. Targets
/// are read between `<` and `>`, so a comma inside one does not split it.
fn next_in_link_header(header: &str) -> Option<String> {
    let mut rest = header;
    while let Some(start) = rest.find('<') {
        let end = start + rest[start..].find('>')?;
        let target = &rest[start + 1..end];
        let after = &rest[end + 1..];
        let parameters_end = after.find('<').unwrap_or(after.len());
        if has_rel_next(&after[..parameters_end]) {
            return Some(target.to_string());
        }
        rest = &after[parameters_end..];
    }
    None
}

/// Whether a link's parameters (`; rel="next"; title=…`) include the relation `next`.
fn has_rel_next(parameters: &str) -> bool {
    parameters.split(';').any(|parameter| {
        let Some((key, value)) = parameter.split_once('=') else {
            return false;
        };
        key.trim().eq_ignore_ascii_case("rel")
            && value
                .trim()
                .trim_end_matches(',')
                .trim_matches('"')
                .split_whitespace()
                .any(|relation| relation.eq_ignore_ascii_case("next"))
    })
}

#[cfg(test)]
mod tests;
