//! The service explorer: one web page, opt-in per WebSocket listener
//! ([`Listener::explorer`](crate::Listener::explorer), `explorer = true`), served at
//! [`PATH`]. In the browser it joins a realm over the same port (anonymously, or with a
//! ticket) and shows, live, the realm's sessions, registrations and subscriptions (the meta
//! API), the described services (reflection: `wamp.reflection.*`) with their docs and schemas,
//! a form per procedure built from its argument schema that calls it and shows the result or
//! the typed error, and the events of a topic as they arrive. The page is four files under
//! `wamp-router/explorer/`, built into the router; it talks WAMP itself (JSON serializer) and
//! loads nothing from elsewhere.

/// Where the page is.
pub(crate) const PATH: &str = "/explorer/";

/// The file of the explorer a request path names, with its media type.
pub(crate) fn file(path: &str) -> Option<(&'static [u8], &'static str)> {
    match path.strip_prefix(PATH)? {
        "" | "index.html" => Some((
            include_bytes!("../explorer/index.html"),
            "text/html; charset=utf-8",
        )),
        "wamp.js" => Some((
            include_bytes!("../explorer/wamp.js"),
            "text/javascript; charset=utf-8",
        )),
        "explorer.js" => Some((
            include_bytes!("../explorer/explorer.js"),
            "text/javascript; charset=utf-8",
        )),
        "explorer.css" => Some((
            include_bytes!("../explorer/explorer.css"),
            "text/css; charset=utf-8",
        )),
        _ => None,
    }
}
