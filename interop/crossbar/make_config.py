"""Writes a Crossbar.io node directory for the interop tests.

    python make_config.py NODE_DIR PORT_BASE

Creates NODE_DIR/.crossbar/config.json (realm1; anonymous, authenticated and TLS listeners;
WebSocket and RawSocket over TCP and Unix; json, msgpack, cbor), a test CA with a certificate for
127.0.0.1/localhost, and NODE_DIR/interop.json telling the tests where everything listens.
Secrets derived for Crossbar (salted WAMP-CRA key, SCRAM stored/server keys, cryptosign public
key) are computed here from interop/credentials.json, so nothing is copied by hand.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import sys

from argon2.low_level import Type, hash_secret
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
import ipaddress
import nacl.signing

HERE = os.path.dirname(os.path.abspath(__file__))
CREDS = json.load(open(os.path.join(HERE, "..", "credentials.json")))
MAX = 16 * 1024 * 1024
SERIALIZERS = ["json", "msgpack", "cbor"]


def scram_principal(user, kdf):
    salt = bytes.fromhex(user["salt_hex"])
    password = user["password"].encode()
    if kdf == "argon2id-13":
        raw = hash_secret(secret=password, salt=salt, time_cost=user["iterations"],
                          memory_cost=user["memory"], parallelism=1, hash_len=32,
                          type=Type.ID, version=19)
        # Crossbar/Autobahn use the base64 text of the hash (from the PHC string) as SaltedPassword.
        salted = raw.split(b"$")[-1]
    else:
        # PBKDF2 as the spec defines it: raw key bytes over the raw salt.
        salted = hashlib.pbkdf2_hmac("sha256", password, salt, user["iterations"], 32)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return {
        "kdf": kdf,
        "iterations": user["iterations"],
        "memory": user.get("memory", 0),
        "salt": salt.hex(),
        "stored-key": hashlib.sha256(client_key).hexdigest(),
        "server-key": hmac.new(salted, b"Server Key", hashlib.sha256).hexdigest(),
        "role": "user",
    }


def make_tls(node):
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wamp-rs interop test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256()))
    cbdir = os.path.join(node, ".crossbar")
    with open(os.path.join(cbdir, "server.key"), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()))
    with open(os.path.join(cbdir, "server.crt"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    ca_path = os.path.join(node, "ca.crt")
    with open(ca_path, "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(os.path.join(cbdir, "ca.crt"), "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    # A client certificate of the same CA, for authmethod tls (the wss_cert transport).
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CLIENT_CERT_AUTHID)]))
              .issuer_name(ca_name).public_key(client_key.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(days=1))
              .not_valid_after(now + datetime.timedelta(days=30))
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .sign(ca_key, hashes.SHA256()))
    with open(os.path.join(node, "client.key"), "wb") as f:
        f.write(client_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()))
    with open(os.path.join(node, "client.crt"), "wb") as f:
        f.write(client.public_bytes(serialization.Encoding.PEM))
    # Crossbar names a certificate by its SHA-1 fingerprint, upper-case hex with colons.
    sha1 = ":".join(f"{b:02X}" for b in client.fingerprint(hashes.SHA1()))
    return ca_path, sha1


# The authid the client certificate stands for on the wss_cert transport.
CLIENT_CERT_AUTHID = "device-7"


HISTORY_REALM = "history"


def permissions(prefix, disclose):
    return [{
        "uri": prefix, "match": "prefix",
        "allow": {"call": True, "register": True, "publish": True, "subscribe": True},
        "disclose": {"caller": disclose, "publisher": disclose},
        "cache": True,
    }]


def main():
    node, base = os.path.abspath(sys.argv[1]), int(sys.argv[2])
    cbdir = os.path.join(node, ".crossbar")
    os.makedirs(cbdir, exist_ok=True)
    ca_path, client_sha1 = make_tls(node)
    sock = os.path.join(node, "rawsocket.sock")
    c = CREDS
    cs_pub = nacl.signing.SigningKey(bytes.fromhex(c["cryptosign"]["seed_hex"])).verify_key.encode().hex()
    salted = c["wampcra_salted"]
    auth = {
        "ticket": {"type": "static", "principals": {
            c["ticket"]["authid"]: {"ticket": c["ticket"]["ticket"], "role": "user"},
            c["restricted"]["authid"]: {"ticket": c["restricted"]["ticket"], "role": "restricted"},
        }},
        "wampcra": {"type": "static", "users": {
            c["wampcra"]["authid"]: {"secret": c["wampcra"]["secret"], "role": "user"},
            # Crossbar derives the salted key itself from the plain secret.
            salted["authid"]: {
                "secret": salted["secret"],
                "role": "user", "salt": salted["salt"], "iterations": salted["iterations"], "keylen": salted["keylen"],
            },
        }},
        "scram": {"type": "static", "principals": {
            c["scram_argon2"]["authid"]: scram_principal(c["scram_argon2"], "argon2id-13"),
            c["scram_pbkdf2"]["authid"]: scram_principal(c["scram_pbkdf2"], "pbkdf2"),
        }},
        "cryptosign": {"type": "static", "principals": {
            c["cryptosign"]["authid"]: {"realm": c["realm"], "role": "user", "authorized_keys": [cs_pub]},
        }},
    }
    anonymous = {"anonymous": {"type": "static", "role": "anonymous"}}
    tls = {"key": "server.key", "certificate": "server.crt"}
    loopback = {"type": "tcp", "interface": "127.0.0.1"}
    names = ["ws", "ws_auth", "tcp", "wss", "tcps", "tcp_auth", "wss_cert"]
    ports = {name: base + i for i, name in enumerate(names)}
    # Cookie authentication on ws_auth: Crossbar sets cbtid and, once a client authenticated on
    # it, welcomes a HELLO that offers "cookie" as the same principal.
    cookie_auth = dict(auth, cookie={})
    # The client certificate's principal (authmethod tls), on a transport that requires one.
    tls_auth = {"tls": {"type": "static", "principals": {
        CLIENT_CERT_AUTHID: {"certificate-sha1": client_sha1, "role": "user"}}}}
    tls_clients = dict(tls, ca_certificates=["ca.crt"])
    options = {"max_message_size": MAX}
    transports = [
        {"type": "websocket", "endpoint": dict(loopback, port=ports["ws"]), "serializers": SERIALIZERS,
         "auth": anonymous, "options": options},
        {"type": "websocket", "endpoint": dict(loopback, port=ports["ws_auth"]), "serializers": SERIALIZERS,
         "auth": cookie_auth, "cookie": {"store": {"type": "memory"}}, "options": options},
        {"type": "rawsocket", "endpoint": dict(loopback, port=ports["tcp"]), "serializers": SERIALIZERS,
         "auth": anonymous, "options": options},
        {"type": "rawsocket", "endpoint": {"type": "unix", "path": sock}, "serializers": SERIALIZERS,
         "auth": anonymous, "options": options},
        {"type": "websocket", "endpoint": dict(loopback, port=ports["wss"], tls=tls), "serializers": SERIALIZERS,
         "auth": anonymous, "options": options},
        {"type": "rawsocket", "endpoint": dict(loopback, port=ports["tcps"], tls=tls), "serializers": SERIALIZERS,
         "auth": anonymous, "options": options},
        {"type": "rawsocket", "endpoint": dict(loopback, port=ports["tcp_auth"]), "serializers": SERIALIZERS,
         "auth": auth, "options": options},
        {"type": "websocket", "endpoint": dict(loopback, port=ports["wss_cert"], tls=tls_clients),
         "serializers": SERIALIZERS, "auth": tls_auth, "options": options},
    ]
    config = {
        "version": 2,
        "controller": {},
        "workers": [{
            "type": "router",
            "realms": [{
                "name": c["realm"],
                "roles": [
                    # Anonymous sessions are not disclosed by role, so disclose_me decides... except that
                    # Crossbar ignores disclose_me (see tests/tests/interop_crossbar.rs).
                    {"name": "anonymous", "permissions": permissions("", False)},
                    {"name": "user", "permissions": permissions("", True)},
                    {"name": "restricted", "permissions": permissions(c["restricted"]["allowed_prefix"], False)},
                ],
            }, {
                # Event history for tests/tests/advanced/history.rs, in a realm of its own: with a
                # store, Crossbar.io 26.10.1's wamp.session.get fails ("'RealmStoreMemory' object
                # has no attribute 'get_session_by_session_id'"). It keeps an event once per
                # subscriber it reached, so the test keeps one subscriber.
                "name": HISTORY_REALM,
                "roles": [{"name": "anonymous", "permissions": permissions("", False)}],
                "store": {
                    "type": "memory",
                    "limit": 1000,
                    "event-history": [{"uri": "com.history.crossbar", "match": "exact", "limit": 1000}],
                },
            }],
            "transports": transports,
        }],
    }
    with open(os.path.join(cbdir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    info = {
        "realm": c["realm"],
        "history_realm": HISTORY_REALM,
        "ws": f"ws://127.0.0.1:{ports['ws']}",
        "ws_auth": f"ws://127.0.0.1:{ports['ws_auth']}",
        "tcp": f"tcp://127.0.0.1:{ports['tcp']}",
        "tcp_auth": f"tcp://127.0.0.1:{ports['tcp_auth']}",
        "unix": f"unix://{sock}",
        "wss": f"wss://localhost:{ports['wss']}",
        "tcps": f"tcps://localhost:{ports['tcps']}",
        "ca": ca_path,
        "wss_cert": f"wss://localhost:{ports['wss_cert']}",
        "client_cert": os.path.join(node, "client.crt"),
        "client_key": os.path.join(node, "client.key"),
        "client_cert_authid": CLIENT_CERT_AUTHID,
        "ports": list(ports.values()),
    }
    with open(os.path.join(node, "interop.json"), "w") as f:
        json.dump(info, f, indent=2)


if __name__ == "__main__":
    main()
