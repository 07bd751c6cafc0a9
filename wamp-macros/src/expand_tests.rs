//! Snapshots of what the macros generate: each `tests/expand/NAME.rs` input is expanded and
//! compared with `tests/expand/NAME.expanded.rs`. After a deliberate change, regenerate them with
//! `WAMP_EXPAND=overwrite cargo test -p wamp-macros expand`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use proc_macro2::TokenStream;
use quote::ToTokens as _;

/// Expands the one item of `source` with the macro its first attribute names.
fn expand(source: &str) -> TokenStream {
    let file = syn::parse_file(source).expect("the input parses");
    let mut items = file.items.into_iter();
    let item = items.next().expect("one item");
    let (attrs, strip): (Vec<syn::Attribute>, fn(&mut syn::Item)) = match &item {
        syn::Item::Trait(t) => (t.attrs.clone(), |i| {
            if let syn::Item::Trait(t) = i {
                t.attrs.retain(|a| !a.path().is_ident("wamp_service"));
            }
        }),
        syn::Item::Fn(f) => (f.attrs.clone(), |i| {
            if let syn::Item::Fn(f) = i {
                f.attrs.retain(|a| !a.path().is_ident("subscribe"));
            }
        }),
        syn::Item::Impl(m) => (m.attrs.clone(), |i| {
            if let syn::Item::Impl(m) = i {
                m.attrs.retain(|a| !a.path().is_ident("event_handlers"));
            }
        }),
        syn::Item::Struct(s) => (s.attrs.clone(), |_| {}),
        syn::Item::Enum(e) => (e.attrs.clone(), |_| {}),
        _ => panic!("unexpected item"),
    };
    let args = |name: &str| {
        attrs
            .iter()
            .find(|a| a.path().is_ident(name))
            .map(|a| match &a.meta {
                syn::Meta::List(list) => list.tokens.clone(),
                _ => TokenStream::new(),
            })
    };
    let mut stripped = item.clone();
    strip(&mut stripped);
    let tokens = stripped.into_token_stream();
    let derive = quote::quote!(#(#attrs)*).to_string();
    let result = if let Some(args) = args("wamp_service") {
        crate::service::expand(args, tokens)
    } else if let Some(args) = args("subscribe") {
        crate::subscribe::expand_fn(args, syn::parse2(tokens).expect("a function"))
    } else if let Some(args) = args("event_handlers") {
        crate::subscribe::expand_impl(args, syn::parse2(tokens).expect("an impl"))
    } else if derive.contains("WampError") {
        crate::derive_error::expand(syn::parse2(tokens).expect("an item"))
    } else {
        crate::derive_event::expand(syn::parse2(tokens).expect("an item"))
    };
    result.expect("the input expands without errors")
}

#[test]
fn expansions_match_their_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
    let overwrite = std::env::var("WAMP_EXPAND").is_ok_and(|v| v == "overwrite");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".expanded.rs"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 5, "the snapshot inputs are there");
    let mut stale = Vec::new();
    for input in inputs {
        let tokens = expand(&std::fs::read_to_string(&input).unwrap());
        let file = syn::parse2::<syn::File>(tokens).expect("the expansion is valid Rust");
        let text = prettyplease::unparse(&file);
        let snapshot = input.with_extension("expanded.rs");
        if overwrite {
            std::fs::write(&snapshot, &text).unwrap();
        } else if std::fs::read_to_string(&snapshot).ok().as_deref() != Some(text.as_str()) {
            stale.push(snapshot.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "expansions differ from their snapshots (WAMP_EXPAND=overwrite regenerates): {stale:?}"
    );
}
