"""The XConn Python router (PyPI `xconn`, its `xconn.Router` + `xconn.Server`) for the benchmarks.

    python xconn_router.py PORT

Serves realm `realm1` on ws://127.0.0.1:PORT/ws (the path is fixed by xconn.Server) with the
subprotocols wamp.2.json, wamp.2.cbor and wamp.2.msgpack. No authenticator: xconn's acceptor then
welcomes every HELLO as authid/authrole/authmethod "anonymous". Prints `READY ws://127.0.0.1:PORT/ws`
once the port accepts connections and runs until killed or its stdin closes (start it with a
pipe on stdin; /dev/null ends it at once). Needs no config file.
Caveat (xconn 0.5.1): a session whose connection ends without GOODBYE is never removed, so its
registrations and subscriptions stay and later CALLs/EVENTs to it drop the sender's connection;
use a fresh router whenever a party may have been killed.
"""

import asyncio
import sys
import threading

from xconn import Router, Server


async def main(port):
    ready, sys.stdout = sys.stdout, sys.stderr  # xconn's own prints ("starting server", ...) to stderr
    router = Router()
    router.add_realm("realm1")
    await Server(router).start("127.0.0.1", port)
    print(f"READY ws://127.0.0.1:{port}/ws", file=ready, flush=True)
    loop = asyncio.get_running_loop()
    closed = loop.create_future()
    watch = lambda: (sys.stdin.buffer.read(), loop.call_soon_threadsafe(closed.set_result, None))
    threading.Thread(target=watch, daemon=True).start()
    await closed


if __name__ == "__main__":
    try:
        asyncio.run(main(int(sys.argv[1])))
    except KeyboardInterrupt:
        pass
