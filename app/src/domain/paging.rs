//! Pages of long lists: the server always pages, the browser never holds a whole list.

use serde::{Deserialize, Serialize};

/// One page of a list and where it sits in the whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// Rows matching in all.
    pub total: i64,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

impl<T> Paged<T> {
    pub fn page_count(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.page_count()
    }

    /// "21–25 of 25", or "No results".
    pub fn range_label(&self) -> String {
        if self.items.is_empty() {
            return "No results".to_string();
        }
        let first = (self.page - 1) * self.per_page + 1;
        let last = first + self.items.len() as i64 - 1;
        format!("{first}–{last} of {}", self.total)
    }
}

/// A page asked for, clamped, with the size of the list's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    pub fn new(page: i64, per_page: i64) -> PageRequest {
        PageRequest {
            page: clamp_page(page),
            per_page,
        }
    }

    /// The row offset of the page.
    pub fn offset(self) -> i64 {
        offset_of(self.page, self.per_page)
    }

    /// The page's rows, with how many match in all, as the browser gets them.
    pub fn of<T>(self, items: Vec<T>, total: i64) -> Paged<T> {
        Paged {
            items,
            total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// A requested page number, clamped to 1 and a sane maximum.
pub fn clamp_page(page: i64) -> i64 {
    page.clamp(1, 1_000_000)
}

/// The row offset of a page.
pub fn offset_of(page: i64, per_page: i64) -> i64 {
    (clamp_page(page) - 1) * per_page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paged(items: usize, total: i64, page: i64) -> Paged<()> {
        Paged {
            items: vec![(); items],
            total,
            page,
            per_page: 25,
        }
    }

    #[test]
    fn counts_pages_and_labels_the_range() {
        let last = paged(5, 55, 3);
        assert_eq!(last.page_count(), 3);
        assert!(last.has_previous() && !last.has_next());
        assert_eq!(last.range_label(), "51–55 of 55");
        let empty = paged(0, 0, 1);
        assert_eq!(empty.page_count(), 1);
        assert!(!empty.has_next());
        assert_eq!(empty.range_label(), "No results");
    }

    #[test]
    fn offsets_start_at_zero_and_bad_pages_are_clamped() {
        assert_eq!(offset_of(1, 25), 0);
        assert_eq!(offset_of(3, 25), 50);
        assert_eq!(offset_of(-4, 25), 0);
    }
}
