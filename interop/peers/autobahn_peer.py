"""An autobahn-python peer for the interop tests (asyncio).

    python autobahn_peer.py ROLE URL SERIALIZER REALM NAME [COUNT]

ROLE is one of
  typed_caller calls the Rust typed calculator under the prefix NAME, prints RESULT {json}
  captures    calls the Rust shapes service's URI-capture procedure under the prefix NAME (a good
              and a bad component), publishes a Put event to a concrete topic, prints RESULT {json}
  callee      registers NAME.add, NAME.echo, NAME.progress, NAME.error, NAME.slow, NAME.whoami;
              prints READY
  caller      calls a callee's NAME.add, NAME.echo, NAME.progress, NAME.error; prints RESULT {json}
  subscriber  subscribes to NAME, prints READY, then one EVENT {json} per event, COUNT events
  publisher   publishes COUNT events to NAME (acknowledged), prints DONE
  auth        prints JOINED {authid, authrole, authmethod}, calls NAME, prints CALLED {result|error}
  e2ee_server with WAMP-cryptobox keys: registers NAME.py.add2 and NAME.py.fail, subscribes to
              NAME.py.events, prints READY, then EVENT {args, kwargs, enc_algo} per event
  e2ee_client with WAMP-cryptobox keys: calls NAME.rs.add2, NAME.rs.fail and NAME.bad.add2,
              publishes COUNT events to NAME.rs.events, prints RESULT {json}
  codec_server with a custom payload codec (enc_algo x_rot13, the payload JSON with every byte
              rotated): registers NAME.echo, which answers what it got; prints READY
  codec_client calls NAME.echo through the same codec, prints RESULT {json}
URL is ws://host:port[/path], tcp://host:port or unix:///path; SERIALIZER is json, msgpack or cbor.
A failure prints ERROR <reason> and exits non-zero. The peer exits when stdin closes.

The e2ee roles read WAMP_PEER_KEYS, JSON {"y_priv": this peer's private key, "r_pub": the Rust
side's public key} (base64). The Rust side is the responder under NAME.rs and NAME.bad, and the
originator under NAME.py.

With WAMP_PEER_AUTH set to JSON {"method": "ticket"|"wampcra"|"cryptosign"|"scram", "authid": ...,
"secret": ... (ticket, wampcra secret or scram password), "seed_hex": ... (cryptosign)}, the peer
authenticates;
an ABORT prints ABORTED {reason} and exits non-zero.
"""

import asyncio
import json
import os
import sys
import threading
from urllib.parse import urlparse

from autobahn.asyncio.rawsocket import WampRawSocketClientFactory
from autobahn.asyncio.wamp import ApplicationSession
from autobahn.asyncio.websocket import WampWebSocketClientFactory
from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer
from autobahn.wamp.types import (CallOptions, CallResult, ComponentConfig, PublishOptions, RegisterOptions,
                                 SubscribeOptions)

SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}


def say(*parts):
    print(*parts, flush=True)


def key_ring(name):
    """The WAMP-cryptobox keys of the e2ee roles (see the module's docs)."""
    from autobahn.wamp.cryptobox import Key, KeyRing

    keys = json.loads(os.environ["WAMP_PEER_KEYS"])
    ring = KeyRing()
    to_rust = Key(originator_priv=keys["y_priv"], responder_pub=keys["r_pub"])
    ring.set_key(f"{name}.rs", to_rust)
    ring.set_key(f"{name}.bad", to_rust)
    ring.set_key(f"{name}.py", Key(originator_pub=keys["r_pub"], responder_priv=keys["y_priv"]))
    return ring


class Rot13Codec:
    """A custom payload codec (autobahn's IPayloadCodec): JSON {"args", "kwargs"} with every byte
    rotated by 13, sent as enc_algo "x_rot13". Not encryption: it shows that any codec's bytes
    and attributes travel through the router untouched."""

    def encode(self, is_originating, uri, args=None, kwargs=None):
        from autobahn.wamp.types import EncodedPayload

        plain = json.dumps({"args": list(args or []), "kwargs": kwargs or {}}).encode()
        return EncodedPayload(bytes((b + 13) % 256 for b in plain), "x_rot13", "json")

    def decode(self, is_originating, uri, encoded_payload):
        if encoded_payload.enc_algo != "x_rot13":
            raise Exception(f"unexpected enc_algo {encoded_payload.enc_algo}")
        plain = json.loads(bytes((b - 13) % 256 for b in encoded_payload.payload))
        return uri, plain["args"], plain["kwargs"]


class Peer(ApplicationSession):
    def onConnect(self):
        auth = self.config.extra.get("auth")
        if not auth:
            self.join(self.config.realm)
            return
        authextra = None
        if auth["method"] == "scram":
            from autobahn.wamp.auth import AuthScram

            self.scram = AuthScram(authid=auth["authid"], password=auth["secret"])
            authextra = self.scram.authextra
        if auth["method"] == "cryptosign":
            from autobahn.wamp.cryptosign import CryptosignKey

            self.key = CryptosignKey.from_bytes(bytes.fromhex(auth["seed_hex"]))
            authextra = {"pubkey": self.key.public_key()}
        self.join(self.config.realm, authmethods=[auth["method"]], authid=auth["authid"], authextra=authextra)

    def onChallenge(self, challenge):
        from autobahn.wamp import auth as wamp_auth

        auth = self.config.extra["auth"]
        if challenge.method == "ticket":
            return auth["secret"]
        if challenge.method == "wampcra":
            key = auth["secret"]
            if "salt" in challenge.extra:
                key = wamp_auth.derive_key(key, challenge.extra["salt"], challenge.extra["iterations"],
                                           challenge.extra["keylen"])
            return wamp_auth.compute_wcs(key, challenge.extra["challenge"])
        if challenge.method == "cryptosign":
            return self.key.sign_challenge(challenge)
        if challenge.method == "scram":
            return self.scram.on_challenge(self, challenge).decode("ascii")
        raise Exception(f"unexpected challenge {challenge.method}")

    def onWelcome(self, welcome):
        # WAMP-SCRAM: the router proves it knows the keys (a string here aborts the join).
        if getattr(self, "scram", None) is not None:
            return self.scram.on_welcome(self, welcome.authextra)
        return None

    def onLeave(self, details):
        if details.reason not in ("wamp.close.normal", "wamp.close.goodbye_and_out"):
            say("ABORTED", json.dumps({"reason": details.reason}))
            self.config.extra["failed"].done() or self.config.extra["failed"].set_result(True)
        super().onLeave(details)

    async def onJoin(self, details):
        extra = self.config.extra
        role, name, count = extra["role"], extra["name"], extra["count"]
        try:
            if role == "callee":
                await self.callee(name)
                say("READY", json.dumps({"session": details.session}))
            elif role == "caller":
                say("RESULT", json.dumps(await self.caller(name)))
                self.leave()
            elif role == "typed_caller":
                say("RESULT", json.dumps(await self.typed_caller(name)))
                self.leave()
            elif role == "invalid_caller":
                say("RESULT", json.dumps(await self.invalid_caller(name)))
                self.leave()
            elif role == "captures":
                say("RESULT", json.dumps(await self.captures(name)))
                self.leave()
            elif role == "subscriber":
                self.remaining = count
                await self.subscribe(self.on_event, name)
                say("READY", json.dumps({"session": details.session}))
            elif role == "auth":
                say("JOINED", json.dumps({"authid": details.authid, "authrole": details.authrole,
                                          "authmethod": details.authmethod}))
                try:
                    say("CALLED", json.dumps({"result": await self.call(name)}))
                except ApplicationError as e:
                    say("CALLED", json.dumps({"error": e.error}))
                self.leave()
            elif role == "e2ee_server":
                self.set_payload_codec(key_ring(name))
                await self.e2ee_server(name)
                say("READY", json.dumps({"session": details.session}))
            elif role == "e2ee_client":
                self.set_payload_codec(key_ring(name))
                say("RESULT", json.dumps(await self.e2ee_client(name, count)))
                self.leave()
            elif role == "codec_server":
                self.set_payload_codec(Rot13Codec())
                await self.register(lambda *a, **kw: CallResult(*a, **kw), f"{name}.echo")
                say("READY", json.dumps({"session": details.session}))
            elif role == "codec_client":
                self.set_payload_codec(Rot13Codec())
                echoed = await self.call(f"{name}.echo", "hello", [1, 2], key="value")
                say("RESULT", json.dumps({"args": list(echoed.results), "kwargs": echoed.kwresults}))
                self.leave()
            elif role == "publisher":
                for i in range(count):
                    await self.publish(name, i, f"event {i}", n=i, options=PublishOptions(acknowledge=True))
                say("DONE")
                self.leave()
        except Exception as e:  # report and stop
            say("ERROR", repr(e))
            self.leave()
            extra["failed"].set_result(True)

    def on_event(self, *args, **kwargs):
        say("EVENT", json.dumps({"args": list(args), "kwargs": kwargs}))
        self.remaining -= 1
        if self.remaining == 0:
            self.leave()

    async def callee(self, name):
        def add(a, b):
            return a + b

        def echo(*args, **kwargs):
            from autobahn.wamp.types import CallResult
            return CallResult(*args, **kwargs)

        async def progress(n, details=None):
            for i in range(n):
                if details is not None and details.progress:
                    details.progress(i)
                await asyncio.sleep(0.01)
            return n

        def error():
            raise ApplicationError("com.example.error.custom", "custom failure", code=7)

        async def slow(seconds):
            await asyncio.sleep(seconds)
            return "finished"

        def whoami(details=None):
            return details.caller if details is not None else None

        details_opt = RegisterOptions(details_arg="details")
        await self.register(add, f"{name}.add")
        await self.register(echo, f"{name}.echo")
        await self.register(progress, f"{name}.progress", options=details_opt)
        await self.register(error, f"{name}.error")
        await self.register(slow, f"{name}.slow")
        await self.register(whoami, f"{name}.whoami", options=details_opt)

    async def caller(self, name):
        out = {"add": await self.call(f"{name}.add", 2, 3)}
        echoed = await self.call(f"{name}.echo", 1, "two", [3], key="value")
        out["echo"] = {"args": list(echoed.results) if hasattr(echoed, "results") else echoed,
                       "kwargs": getattr(echoed, "kwresults", {})}
        seen = []
        final = await self.call(f"{name}.progress", 3, options=CallOptions(on_progress=lambda i: seen.append(i)))
        out["progress"] = {"seen": seen, "final": final}
        try:
            await self.call(f"{name}.error")
            out["error"] = None
        except ApplicationError as e:
            out["error"] = {"uri": e.error, "args": list(e.args), "kwargs": e.kwargs}
        return out

    async def typed_caller(self, prefix):
        """Calls the Rust typed service `wamp_tests::typed::Calculator` under `prefix`."""
        out = {"add": await self.call(f"{prefix}.add", 2, 3),
               "divide": await self.call(f"{prefix}.divide", dividend=7, divisor=2),
               "norm": await self.call(f"{prefix}.norm", x=3.0, y=4.0),
               "echo_opt": await self.call(f"{prefix}.echo_opt")}
        try:
            await self.call(f"{prefix}.divide", 9, 0)
            out["error"] = None
        except ApplicationError as e:
            out["error"] = {"uri": e.error, "args": list(e.args), "kwargs": e.kwargs}
        seen = []
        final = await self.call(f"{prefix}.count", 4, options=CallOptions(on_progress=lambda i: seen.append(i)))
        out["progress"] = {"seen": seen, "final": final}
        out["collected"] = await self.call(f"{prefix}.count", 3)
        return out

    async def invalid_caller(self, prefix):
        """Calls and publishes to the Rust typed service `wamp_tests::typed::Calculator` under
        `prefix` with payloads its description refuses, then with a good one: for a router that
        validates payloads."""
        out = {}

        async def refused(key, call):
            try:
                await call
                out[key] = None
            except ApplicationError as e:
                out[key] = {"uri": e.error, "args": list(e.args)}

        await refused("add", self.call(f"{prefix}.add", "two", 3))
        await refused("divide", self.call(f"{prefix}.divide", dividend="x", divisor=2))
        await refused("computed", self.publish(f"{prefix}.computed", a="one", b=2, sum=3,
                                               options=PublishOptions(acknowledge=True)))
        out["good"] = await self.call(f"{prefix}.add", 2, 3)
        return out

    async def captures(self, prefix):
        """Calls `shelved` of the Rust `wamp_tests::shapes::Shapes` under `prefix` by its concrete
        URIs, and publishes a `Put` with only the fields the topic does not carry."""
        out = {"shelved": await self.call(f"{prefix}.shelf.top.slot.3", label="jam")}
        try:
            await self.call(f"{prefix}.shelf.top.slot.three")
            out["bad"] = None
        except ApplicationError as e:
            out["bad"] = e.error
        await self.publish(f"{prefix}.shelf.low.slot.9.put", label="from python",
                           options=PublishOptions(acknowledge=True))
        return out

    async def e2ee_server(self, name):
        def add2(a, b, details=None):
            if details.enc_algo != "cryptobox":
                raise ApplicationError("com.example.error.not_encrypted", details.enc_algo)
            return a + b

        def fail():
            raise ApplicationError(f"{name}.py.error.oops", "sealed failure", code=7)

        def on_event(*args, details=None, **kwargs):
            say("EVENT", json.dumps({"args": list(args), "kwargs": kwargs, "enc_algo": details.enc_algo}))

        await self.register(add2, f"{name}.py.add2", options=RegisterOptions(details_arg="details"))
        await self.register(fail, f"{name}.py.fail")
        await self.subscribe(on_event, f"{name}.py.events", options=SubscribeOptions(details_arg="details"))

    async def e2ee_client(self, name, count):
        out = {"add2": await self.call(f"{name}.rs.add2", 2, 3)}
        for key, uri in (("fail", f"{name}.rs.fail"), ("bad_key", f"{name}.bad.add2")):
            try:
                await self.call(uri, 2, 3)
                out[key] = None
            except ApplicationError as e:
                out[key] = {"uri": e.error, "args": list(e.args), "kwargs": e.kwargs}
        for i in range(count):
            await self.publish(f"{name}.rs.events", i, secret=f"event {i}",
                               options=PublishOptions(acknowledge=True))
        return out

    def onDisconnect(self):
        done = self.config.extra["done"]
        if not done.done():
            done.set_result(True)


async def main():
    role, url, serializer, realm, name = sys.argv[1:6]
    count = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    loop = asyncio.get_running_loop()
    done, failed = loop.create_future(), loop.create_future()
    extra = {"role": role, "name": name, "count": count, "done": done, "failed": failed}
    if os.environ.get("WAMP_PEER_AUTH"):
        extra["auth"] = json.loads(os.environ["WAMP_PEER_AUTH"])
    make_session = lambda: Peer(ComponentConfig(realm=realm, extra=extra))
    ser = SERIALIZERS[serializer]()
    parsed = urlparse(url)
    if parsed.scheme == "ws":
        factory = WampWebSocketClientFactory(make_session, url=url, serializers=[ser])
        await loop.create_connection(factory, parsed.hostname, parsed.port)
    elif parsed.scheme == "tcp":
        factory = WampRawSocketClientFactory(make_session, serializer=ser)
        await loop.create_connection(factory, parsed.hostname, parsed.port)
    elif parsed.scheme == "unix":
        factory = WampRawSocketClientFactory(make_session, serializer=ser)
        await loop.create_unix_connection(factory, parsed.path)
    else:
        raise SystemExit(f"unsupported url {url}")
    waits = [done]
    if role in ("callee", "subscriber", "e2ee_server", "codec_server"):
        # Long-running roles end when the test closes our stdin (or kills us).
        stdin_closed = loop.create_future()

        def watch_stdin():
            sys.stdin.read()
            loop.call_soon_threadsafe(lambda: stdin_closed.done() or stdin_closed.set_result(True))

        threading.Thread(target=watch_stdin, daemon=True).start()
        waits.append(stdin_closed)
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    sys.exit(1 if failed.done() else 0)


if __name__ == "__main__":
    asyncio.run(main())
