//! The example file `docs/router.toml` against the format.

use super::*;

/// `docs/router.toml` parses, builds a router, and sets every key of the format (each
/// struct is taken apart field by field, so a new key fails here until the example has it).
#[test]
fn the_example_file_sets_every_key() {
    let text = include_str!("../../../docs/router.toml");
    let config: FileConfig = toml::from_str(text).unwrap();
    // The TLS listener's files are the reader's own: build without it.
    let mut buildable = config.clone();
    buildable.listeners.retain(|l| l.tls_cert.is_none());
    buildable.builder().unwrap();
    let FileConfig {
        outbound_queue,
        outbound_bytes,
        handshake_timeout_ms,
        shutdown_drain_ms,
        log_format,
        listeners,
        realms,
    } = &config;
    assert!(outbound_queue.is_some() && outbound_bytes.is_some());
    assert!(handshake_timeout_ms.is_some() && shutdown_drain_ms.is_some());
    assert!(log_format.is_some());
    for l in listeners {
        let ListenerConfig {
            protocol: _,
            address,
            unix,
            max_message_size,
            max_connections,
            max_connections_per_ip,
            message_rate,
            message_burst,
            static_dir,
            metrics,
            explorer,
            serializers,
            tls_cert,
            tls_key,
            tls_client_ca,
            cookies,
            keepalive_interval_ms,
            keepalive_timeout_ms,
        } = l;
        assert!(address.is_some() || unix.is_some());
        assert_eq!(
            keepalive_interval_ms.is_some(),
            keepalive_timeout_ms.is_some()
        );
        assert_eq!(tls_cert.is_some(), tls_key.is_some());
        assert!(tls_client_ca.is_none() || tls_cert.is_some());
        if let Some(auth::CookieFileConfig {
            name,
            max_age_secs,
            secure,
            http_only,
            same_site,
            max_cookies,
        }) = cookies
        {
            assert!(name.is_some() && max_age_secs.is_some() && secure.is_some());
            assert!(http_only.is_some() && same_site.is_some() && max_cookies.is_some());
        }
        let _ = (max_message_size, max_connections, serializers);
        let _ = (
            max_connections_per_ip,
            message_rate,
            message_burst,
            static_dir,
            metrics,
            explorer,
        );
    }
    assert!(listeners.iter().any(|l| l.unix.is_some()));
    assert!(listeners.iter().any(|l| l.tls_client_ca.is_some()));
    assert!(listeners.iter().any(|l| l.cookies.is_some()));
    assert!(listeners.iter().any(|l| l.max_message_size.is_some()
        && l.max_connections.is_some()
        && l.max_connections_per_ip.is_some()
        && l.message_rate.is_some()
        && l.message_burst.is_some()
        && l.static_dir.is_some()
        && l.metrics.is_some()
        && l.explorer.is_some()
        && l.serializers.is_some()
        && l.keepalive_interval_ms.is_some()));
    let r = &realms[0];
    let RealmFileConfig {
        name: _,
        anonymous_role,
        uri_check,
        max_sessions,
        request_ids,
        ticket,
        wampcra,
        cryptosign,
        scram,
        role,
        event_history,
        cookie_auth,
        validate_payloads,
        tls,
        dynamic,
        authorizer,
    } = r;
    assert!(cookie_auth.is_some() && validate_payloads.is_some() && !tls.is_empty());
    for d in dynamic {
        let auth::DynamicFileAuth {
            authmethod: _,
            procedure: _,
            realm,
            timeout_ms,
            default_role,
            cache_size,
            cache_ttl_secs,
        } = d;
        assert!(realm.is_some() && timeout_ms.is_some() && default_role.is_some());
        assert!(cache_size.is_some() && cache_ttl_secs.is_some());
    }
    for a in authorizer {
        let auth::AuthorizerFileConfig {
            role: _,
            procedure: _,
            realm,
            timeout_ms,
            cache_size,
            cache_ttl_secs,
        } = a;
        assert!(realm.is_some() && timeout_ms.is_some());
        assert!(cache_size.is_some() && cache_ttl_secs.is_some());
    }
    assert!(!dynamic.is_empty() && !authorizer.is_empty());
    assert!(anonymous_role.is_some() && uri_check.is_some() && request_ids.is_some());
    assert!(max_sessions.is_some());
    assert!(event_history
        .iter()
        .any(|h| h.match_policy.is_some() && h.max_age_secs.is_some()));
    assert!(!ticket.is_empty() && !cryptosign.is_empty() && role.len() >= 2);
    assert!(wampcra
        .iter()
        .any(|p| p.salt.is_some() && p.iterations.is_some() && p.keylen.is_some()));
    for p in scram {
        let ScramFilePrincipal {
            authid: _,
            role: _,
            flavor,
            kdf,
            iterations,
            memory,
            password,
            salt,
            stored_key,
            server_key,
        } = p;
        let _ = (flavor, kdf, iterations, memory, password, salt);
        assert_eq!(stored_key.is_some(), server_key.is_some());
    }
    assert!(scram.iter().any(|p| p.password.is_some()
        && p.flavor.is_some()
        && p.kdf.is_some()
        && p.iterations.is_some()
        && p.memory.is_some()));
    assert!(scram
        .iter()
        .any(|p| p.stored_key.is_some() && p.salt.is_some()));
}
