"""Writes two Crossbar.io nodes joined by router-to-router links (rlinks), for the cluster test.

    python make_cluster.py DIR PORT_BASE

DIR/node1 and DIR/node2 each get a `.crossbar/config.json` and a node key (Crossbar's own key
files); node1 listens on ws://127.0.0.1:PORT_BASE/ws, node2 on PORT_BASE+1, each with realm1.

How the link works (Crossbar.io 26.10.1, crossbar/worker/rlink.py, open-source edition):
- each node opens one rlink to the other and pushes its *local* registrations and subscriptions
  there (forward_local_*), never the ones it learnt from the peer (forward_remote_*: false),
  which is the model of Crossbar's own cluster code (master/arealm/arealm.py);
- an rlink authenticates with WAMP-cryptosign and the node key (DIR/nodeN/.crossbar/key.priv);
  the peer knows it as a static cryptosign principal whose role must be named `rlink` (the
  dealer does not announce on_create for that role, which is what stops forwarding loops);
- the clients' role must disclose caller and publisher: without it every call across the link
  fails with wamp.error.runtime_error 'Internal error attempting rlink forwarding' and every
  event across it is dropped (rlink.py asserts details.publisher).
WAMP_PEERS_PYTHON runs this (it imports crossbar for the node keys).
"""
import json
import os
import re
import sys

from crossbar.common.key import _maybe_generate_node_key

ALL = {"call": True, "register": True, "publish": True, "subscribe": True}
DISCLOSE = {"caller": True, "publisher": True}


def role(name):
    return {"name": name, "permissions": [
        {"uri": "", "match": "prefix", "allow": ALL, "disclose": DISCLOSE, "cache": True}]}


def public_key(cbdir):
    text = open(os.path.join(cbdir, "key.pub")).read()
    return re.search(r"public-key-ed25519: (\w+)", text).group(1)


def config(me, other, ports, keys):
    return {
        "version": 2,
        "controller": {"id": f"node{me}"},
        "workers": [{
            "type": "router",
            "id": "router1",
            "realms": [{
                "id": "realm001",
                "name": "realm1",
                "roles": [role("anonymous"), role("rlink")],
                "rlinks": [{
                    "id": f"rlink-to-node{other}",
                    "realm": "realm1",
                    "authid": f"node{me}",
                    "transport": {
                        "type": "websocket",
                        "endpoint": {"type": "tcp", "host": "127.0.0.1", "port": ports[other]},
                        "url": f"ws://127.0.0.1:{ports[other]}/ws",
                        "serializers": ["cbor", "json"],
                    },
                    "forward_local_invocations": True,
                    "forward_remote_invocations": False,
                    "forward_local_events": True,
                    "forward_remote_events": False,
                }],
            }],
            "transports": [{
                "id": "ws1",
                "type": "websocket",
                "endpoint": {"type": "tcp", "interface": "127.0.0.1", "port": ports[me]},
                "url": f"ws://127.0.0.1:{ports[me]}/ws",
                "serializers": ["cbor", "msgpack", "json"],
                "auth": {
                    "anonymous": {"type": "static", "role": "anonymous"},
                    "cryptosign": {"type": "static", "principals": {
                        f"node{other}": {"realm": "realm1", "role": "rlink",
                                         "authorized_keys": [keys[other]]}}},
                },
            }],
        }],
    }


def main():
    root, base = sys.argv[1], int(sys.argv[2])
    ports = {1: base, 2: base + 1}
    keys = {}
    for n in (1, 2):
        cbdir = os.path.join(root, f"node{n}", ".crossbar")
        os.makedirs(cbdir, exist_ok=True)
        _maybe_generate_node_key(cbdir)
        keys[n] = public_key(cbdir)
    for me, other in ((1, 2), (2, 1)):
        path = os.path.join(root, f"node{me}", ".crossbar", "config.json")
        with open(path, "w") as f:
            json.dump(config(me, other, ports, keys), f, indent=2)
    with open(os.path.join(root, "cluster.json"), "w") as f:
        json.dump({"node1": f"ws://127.0.0.1:{ports[1]}/ws",
                   "node2": f"ws://127.0.0.1:{ports[2]}/ws", "realm": "realm1"}, f)


if __name__ == "__main__":
    main()
