//! `--paginate`, `--max-pages` and `--slurp` resolved and checked.

use anyhow::{bail, Result};

/// `--paginate`: follow `Link: <...>; rel="next"` from page to page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The most pages fetched; reaching it with a next page still linked stops with a warning.
    pub max_pages: u32,
    /// `--slurp`: print the pages (JSON arrays) as one merged array.
    pub slurp: bool,
}

/// `--max-pages` when not given.
pub const DEFAULT_MAX_PAGES: u32 = 100;
/// The largest `--max-pages` accepted: more is a typo, not a wish (and each page fetched
/// keeps an 8-byte fingerprint of its URL to stop link loops).
pub const MAX_MAX_PAGES: u64 = 100_000;

/// The pagination of a run, or `None` without `--paginate`. `--max-pages` and `--slurp` mean
/// nothing alone; a download saves one response, so it cannot paginate.
pub fn paging(
    paginate: bool,
    max_pages: Option<u64>,
    slurp: bool,
    download: bool,
) -> Result<Option<Paging>> {
    if !paginate {
        if slurp {
            bail!("--slurp only works with --paginate");
        }
        if max_pages.is_some() {
            bail!("--max-pages only works with --paginate");
        }
        return Ok(None);
    }
    if download {
        bail!("--paginate cannot be used with --download (a download saves one response)");
    }
    let max_pages = match max_pages {
        None => DEFAULT_MAX_PAGES,
        Some(n @ 1..=MAX_MAX_PAGES) => n as u32,
        Some(n) => {
            bail!("--max-pages must be a number of pages from 1 to {MAX_MAX_PAGES}, not {n}")
        }
    };
    Ok(Some(Paging { max_pages, slurp }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paginate_defaults_and_bounds() {
        assert_eq!(paging(false, None, false, false).unwrap(), None);
        assert_eq!(
            paging(true, None, false, false).unwrap(),
            Some(Paging {
                max_pages: 100,
                slurp: false
            })
        );
        assert_eq!(
            paging(true, Some(3), true, false).unwrap(),
            Some(Paging {
                max_pages: 3,
                slurp: true
            })
        );
        assert_eq!(
            paging(true, Some(MAX_MAX_PAGES), false, false)
                .unwrap()
                .unwrap()
                .max_pages,
            100_000
        );
        for bad in [0, MAX_MAX_PAGES + 1, u64::MAX] {
            let err = paging(true, Some(bad), false, false).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("--max-pages must be a number of pages from 1 to 100000, not {bad}")
            );
        }
    }

    #[test]
    fn slurp_and_max_pages_need_paginate_and_downloads_cannot_paginate() {
        let err = paging(false, None, true, false).unwrap_err();
        assert_eq!(err.to_string(), "--slurp only works with --paginate");
        let err = paging(false, Some(5), false, false).unwrap_err();
        assert_eq!(err.to_string(), "--max-pages only works with --paginate");
        let err = paging(true, None, false, true).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("--paginate cannot be used with --download"));
        // Without --paginate, --download is none of this rule's business.
        assert_eq!(paging(false, None, false, true).unwrap(), None);
    }
}
