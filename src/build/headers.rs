//! Merging default headers with the user's header items, HTTPie's way:
//! `Name:value` replaces a default of that name (the user's spelling is kept), repeats are sent
//! as separate lines, `Name:` removes every earlier value (defaults included) and `Name;` sends
//! an empty value.

use crate::spec::Header;

/// A header item from the command line: `None` is `Name:` (remove).
pub type UserHeader = (String, Option<String>);

/// The final header list. Defaults keep their slot (in the user's spelling when overridden);
/// other names follow in order of first appearance, each name's values together, which is
/// also the order the transport writes them in.
pub fn merge(defaults: Vec<Header>, user: &[UserHeader]) -> Vec<Header> {
    let mut custom: Vec<Header> = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    for (name, value) in user {
        if !touched.iter().any(|t| t.eq_ignore_ascii_case(name)) {
            touched.push(name.clone());
        }
        match value {
            None => custom.retain(|h| !h.name.eq_ignore_ascii_case(name)),
            Some(value) => custom.push(Header {
                name: name.clone(),
                value: value.clone(),
            }),
        }
    }

    let mut out: Vec<Header> = Vec::new();
    let mut taken = vec![false; custom.len()];
    let mut take_all = |name: &str, out: &mut Vec<Header>| {
        for (i, h) in custom.iter().enumerate() {
            if !taken[i] && h.name.eq_ignore_ascii_case(name) {
                taken[i] = true;
                out.push(h.clone());
            }
        }
    };
    for default in defaults {
        if touched
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&default.name))
        {
            take_all(&default.name, &mut out);
        } else {
            out.push(default);
        }
    }
    let names: Vec<String> = custom.iter().map(|h| h.name.clone()).collect();
    for name in names {
        take_all(&name, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(name: &str, value: &str) -> Header {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }
    fn set(name: &str, value: &str) -> UserHeader {
        (name.into(), Some(value.into()))
    }
    fn unset(name: &str) -> UserHeader {
        (name.into(), None)
    }
    fn render(hs: &[Header]) -> Vec<String> {
        hs.iter()
            .map(|h| format!("{}: {}", h.name, h.value))
            .collect()
    }

    #[test]
    fn user_values_replace_defaults_in_place_with_their_case() {
        let out = merge(
            vec![h("Host", "x"), h("Accept", "*/*"), h("User-Agent", "c")],
            &[
                set("X-A", "1"),
                set("ACCEPT", "text/html"),
                set("accept", "b"),
            ],
        );
        assert_eq!(
            render(&out),
            [
                "Host: x",
                "ACCEPT: text/html",
                "accept: b",
                "User-Agent: c",
                "X-A: 1"
            ]
        );
    }

    #[test]
    fn unset_removes_defaults_and_earlier_values() {
        let out = merge(
            vec![h("Accept", "*/*"), h("User-Agent", "c")],
            &[
                set("Foo", "bar"),
                unset("Foo"),
                set("Foo", "quux"),
                unset("Accept"),
            ],
        );
        assert_eq!(render(&out), ["User-Agent: c", "Foo: quux"]);
        let out = merge(vec![], &[set("Foo", "bar"), unset("Foo")]);
        assert!(out.is_empty());
    }

    #[test]
    fn repeats_are_kept_and_grouped_by_name() {
        let out = merge(
            vec![],
            &[
                set("Cookie", "one"),
                set("X", "1"),
                set("Cookie", "two"),
                set("E", ""),
            ],
        );
        assert_eq!(render(&out), ["Cookie: one", "Cookie: two", "X: 1", "E: "]);
    }
}
