"""Writes the seed corpus of the fuzz targets from the WAMP conformance vectors.

    python3 fuzz/seed.py [path/to/wamp-testsuite]

Each sample's bytes go to corpus/decode_<serializer>/, and each also wrapped in a RawSocket frame
(with the control octet that picks its serializer) to corpus/rawsocket_frames/.
"""
import hashlib
import json
import pathlib
import sys

here = pathlib.Path(__file__).resolve().parent
suite = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent.parent / "shared" / "wamp-testsuite"
control = {"json": 0, "msgpack": 1, "cbor": 2}


def write(target, data):
    out = here / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    (out / hashlib.sha1(data).hexdigest()).write_bytes(data)


for path in sorted((suite / "singlemessage").rglob("*.json")):
    vector = json.loads(path.read_text())
    for sample in vector.get("samples", []):
        for name, encodings in sample.get("serializers", {}).items():
            if name not in control:
                continue
            for encoding in encodings:
                data = bytes.fromhex(encoding["bytes_hex"])
                write(f"decode_{name}", data)
                frame = bytes([0]) + len(data).to_bytes(3, "big") + data
                # The control octet: serializer = control % 3 (0xFC, 0xFD, 0xFE), maximum length
                # 2^(9 + (control >> 4)) = 2^24, the reads split at min(control, length).
                write("rawsocket_frames", bytes([0xF0 | (12 + control[name])]) + frame + frame)
