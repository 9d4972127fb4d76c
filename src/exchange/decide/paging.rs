//! Pagination (`--paginate`): after a page, the next one is the target of its
//! `Link: <...>; rel="next"` (RFC 8288), resolved against the page's URL. Pure, like the rest
//! of the decision: the pages fetched so far are data ([`Pages`]) the loop keeps.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use anyhow::Result;
use url::{Position, Url};

use super::{netrc_step, Decision, Policy};
use crate::link;
use crate::spec::RequestSpec;
use crate::transport::redirect;
use crate::wire::ResponseHead;

/// The pages of the run so far, and every URL fetched (to stop a link loop).
#[derive(Debug, Clone, Default)]
pub struct Pages {
    /// Pages printed before the one being fetched.
    pub done: u32,
    /// Fingerprints of the URLs fetched: 8 bytes each however long the URL, so the memory of
    /// a run bounded by `--max-pages` stays small. The keys are random per run, so a server
    /// cannot make two URLs collide on purpose.
    seen: HashSet<u64>,
    keys: RandomState,
}

impl Pages {
    /// The state before the first request, to `first`.
    pub fn starting_at(first: &Url) -> Pages {
        let mut pages = Pages::default();
        pages.record(first);
        pages
    }

    /// Takes note of what the loop does next: a redirect or a next page fetches a URL.
    pub fn after(&mut self, decision: &Decision) {
        match decision {
            Decision::NextPage(next) => {
                self.done = self.done.saturating_add(1);
                self.record(&next.url);
            }
            Decision::Redirect(next) => self.record(&next.url),
            _ => {}
        }
    }

    /// Whether `url` (its fragment aside) was fetched in this run.
    pub fn fetched(&self, url: &Url) -> bool {
        self.seen.contains(&self.fingerprint(url))
    }

    fn record(&mut self, url: &Url) {
        let fingerprint = self.fingerprint(url);
        self.seen.insert(fingerprint);
    }

    fn fingerprint(&self, url: &Url) -> u64 {
        self.keys.hash_one(&url[..Position::AfterQuery])
    }
}

/// What follows a page with `--paginate`: `None` when pagination does not apply (not asked
/// for, or the response is not a success: an error status ends it with that page, and a
/// redirect not followed is not a page), or the page links to no next one.
pub(super) fn next_page(
    policy: &Policy,
    pages: &Pages,
    spec: &RequestSpec,
    head: &ResponseHead,
) -> Result<Option<Decision>> {
    let Some(paging) = policy.paging else {
        return Ok(None);
    };
    if !(200..300).contains(&head.status) {
        return Ok(None);
    }
    let values = head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Link"))
        .map(|(_, v)| v.as_slice());
    // A link with an anchor is about another resource than this page (RFC 8288 §3.2): it
    // counts only when its anchor is the page itself.
    let about_this_page = |l: &link::Link| match &l.anchor {
        None => true,
        Some(anchor) => spec
            .url
            .join(anchor)
            .is_ok_and(|a| a[..Position::AfterQuery] == spec.url[..Position::AfterQuery]),
    };
    let Some(next) = values
        .flat_map(link::parse)
        .find(|l| l.has_rel("next") && about_this_page(l))
    else {
        return Ok(None);
    };
    let url = link_target(&spec.url, &next.target).map_err(anyhow::Error::msg)?;
    if url[..Position::AfterQuery] == spec.url[..Position::AfterQuery] || pages.fetched(&url) {
        return Ok(Some(Decision::LastPage(format!(
            "stopped paginating: the next page of {} is {url}, which was already fetched \
             (a link loop)",
            spec.url
        ))));
    }
    let this_page = pages.done.saturating_add(1);
    if this_page >= paging.max_pages {
        return Ok(Some(Decision::LastPage(format!(
            "stopped paginating after {this_page} pages (--max-pages={}); the last one links \
             to {url}",
            paging.max_pages
        ))));
    }
    Ok(Some(Decision::NextPage(page_request(policy, spec, url)?)))
}

/// The request for the next page: a GET of its URL, without the first request's body; the
/// headers, auth and session go along, and the secrets stay with their origin as they do on
/// a redirect (a 303's rules: the body and the headers that describe it are dropped).
fn page_request(policy: &Policy, spec: &RequestSpec, url: Url) -> Result<RequestSpec> {
    let mut next = redirect::follow(spec, 303, url, policy.secrets).map_err(anyhow::Error::msg)?;
    next.method = "GET".to_string();
    netrc_step(policy, &mut next);
    Ok(next)
}

/// A `rel="next"` target resolved against the page's URL (RFC 8288 §3.1, RFC 3986 §5), with
/// the same refusals as a redirect's `Location`.
fn link_target(page: &Url, target: &str) -> Result<Url, String> {
    if target.chars().any(char::is_control) {
        return Err("the next page link contains control characters".into());
    }
    if target.trim().is_empty() {
        return Err("the next page link is empty".into());
    }
    let mut url = page
        .join(target.trim())
        .map_err(|e| format!("cannot follow the next page link {target:?}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "refusing to follow a next page link to the unsupported scheme '{}' ({target:?})",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "cannot follow the next page link {target:?}: no host"
        ));
    }
    // Userinfo in a link would be credentials chosen by the server: never used.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
    Ok(url)
}

#[cfg(test)]
mod tests;
